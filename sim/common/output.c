/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * output.c — atomic files and output directories.
 *
 * Invariant: the final path either keeps its old content or gets the complete new
 * content; temporary files are removed on every failure path.
 */
#define _DEFAULT_SOURCE /* mkstemp's friends, fsync */
#include "sim/common/output.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The mode a new file gets from open(2) under the process's umask, or the mode of the
 * file it replaces: mkstemp makes its files 0600. */
static mode_t output_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return st.st_mode & 07777;
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

int pl_output_file(const char *path, int (*write)(void *ctx, FILE *f, pl_diag *d), void *ctx,
                   pl_diag *d)
{
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    snprintf(tmp, len + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int rc = pl_diag_set(d, PL_EIO, "cannot create %s: %s", path, strerror(errno));
        free(tmp);
        return rc;
    }
    FILE *f = fchmod(fd, output_mode(path)) == 0 ? fdopen(fd, "w") : NULL;
    int rc = f ? write(ctx, f, d) : pl_diag_set(d, PL_EIO, "cannot write %s", path);
    if (f && rc == 0 && (fflush(f) != 0 || ferror(f) || fsync(fd) != 0))
        rc = pl_diag_set(d, PL_EIO, "cannot write %s: %s", path, strerror(errno));
    if (f && fclose(f) != 0 && rc == 0)
        rc = pl_diag_set(d, PL_EIO, "cannot write %s: %s", path, strerror(errno));
    if (!f)
        close(fd);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = pl_diag_set(d, PL_EIO, "cannot create %s: %s", path, strerror(errno));
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

static bool dir_is_empty(DIR *dir)
{
    struct dirent *e;
    while ((e = readdir(dir)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            return false;
    return true;
}

int pl_output_dir_check(const char *dir, bool force, pl_diag *d)
{
    DIR *h = opendir(dir);
    if (!h && errno == ENOENT)
        return 0;
    if (!h)
        return pl_diag_set(d, PL_EIO, "cannot use %s as the output directory: %s", dir,
                           strerror(errno));
    bool empty = dir_is_empty(h);
    closedir(h);
    if (!empty && !force)
        return pl_diag_set(d, PL_EUSAGE,
                           "the output directory %s is not empty; use --force to write into it",
                           dir);
    return 0;
}

int pl_output_dir(const char *dir, bool force, pl_diag *d)
{
    int rc = pl_output_dir_check(dir, force, d);
    if (rc == 0 && mkdir(dir, 0777) != 0 && errno != EEXIST)
        rc = pl_diag_set(d, PL_EIO, "cannot create the output directory %s: %s", dir,
                         strerror(errno));
    return rc;
}
