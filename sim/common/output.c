/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * output.c — atomic files, files written in place, and directories of files.
 *
 * Invariant: a regular file at the final path either keeps its old content or gets the
 * complete new content, and no path that is not a regular file (or missing) is ever
 * replaced; every temporary file and directory is removed on every failure path.
 */
#define _DEFAULT_SOURCE /* mkstemp's friends, fsync, realpath, fchown */
#include "sim/common/output.h"
#include "sim/common/interrupt.h"
#include "sim/common/text.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One file on its way: written to `tmp` and renamed to `final`, or (tmp NULL) written in
 * place at `final`. `shown` is the name messages use: the path as the user gave it. */
struct target {
    char *final;
    char *tmp;
    char *shown;
};

static void target_fini(struct target *t)
{
    if (t->tmp) {
        unlink(t->tmp);
        pl_interrupt_untrack_file(t->tmp);
    }
    free(t->final);
    free(t->tmp);
    free(t->shown);
    *t = (struct target){NULL, NULL, NULL};
}

static int nomem(pl_diag *d)
{
    return pl_diag_set(d, PL_ENOMEM, "out of memory");
}

static int cannot(pl_diag *d, const char *shown, int err)
{
    return pl_diag_set(d, PL_EIO, "cannot write %s: %s", shown, strerror(err));
}

/* ---- Where the content goes -------------------------------------------------------- */

/* The path a dangling symbolic link leads to, following links (at most 40, as Linux
 * does): the file pipelab creates there. NULL with errno set when it cannot be found, or
 * EEXIST when a file appeared there meanwhile. */
static char *dangling_target(const char *path)
{
    char *p = strdup(path);
    for (int hops = 0; p && hops < 40; hops++) {
        struct stat st;
        char link[PATH_MAX];
        ssize_t n = -1;
        if (lstat(p, &st) != 0) {
            if (errno == ENOENT)
                return p;
            break;
        }
        if (S_ISLNK(st.st_mode))
            n = readlink(p, link, sizeof link - 1);
        else
            errno = EEXIST;
        if (n < 0)
            break;
        link[n] = '\0';
        const char *slash = strrchr(p, '/');
        size_t dir = link[0] == '/' || !slash ? 0 : (size_t)(slash - p) + 1;
        char *next = malloc(dir + (size_t)n + 1);
        if (next) {
            memcpy(next, p, dir);
            memcpy(next + dir, link, (size_t)n + 1);
        }
        free(p);
        p = next;
        errno = next ? ELOOP : ENOMEM;
    }
    int err = errno;
    free(p);
    errno = err;
    return NULL;
}

char *pl_output_resolve(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
        return strdup(path);
    char *real = realpath(path, NULL);
    return real ? real : dangling_target(path);
}

/* Opens a character device or a FIFO for writing where it is. A FIFO with no reader
 * would block the open forever: opened without blocking, it fails with ENXIO instead.
 * Blocking is turned back on for the writes, which a slow reader may hold up. */
static int open_in_place(struct target *t, int *fd, pl_diag *d)
{
    *fd = open(t->final, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (*fd < 0 && errno == ENXIO)
        return pl_diag_set(d, PL_EIO, "cannot write %s: %s (a FIFO that no process reads)",
                           t->shown, strerror(ENXIO));
    if (*fd < 0)
        return cannot(d, t->shown, errno);
    struct stat st;
    int flags = fcntl(*fd, F_GETFL), rc = 0;
    if (fstat(*fd, &st) != 0)
        rc = cannot(d, t->shown, errno);
    else if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
        rc = pl_diag_set(d, PL_EIO, "cannot write %s: it changed while being opened", t->shown);
    else if (flags < 0 || fcntl(*fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
        rc = cannot(d, t->shown, errno);
    if (rc != 0)
        close(*fd);
    return rc;
}

/* Standard output or error (1 or 2) when it is open on the regular file st, or -1:
 * /dev/stdout with standard output sent to a file. Replaced, the file would take the
 * new content and the rest of the output would go to the old one, unlinked; written
 * through the descriptor, both land in order. What stdio holds for it goes first. */
static int open_as_std(const struct stat *st)
{
    for (int fd = 1; fd <= 2; fd++) {
        struct stat o;
        if (fstat(fd, &o) == 0 && o.st_dev == st->st_dev && o.st_ino == st->st_ino) {
            fflush(fd == 1 ? stdout : stderr);
            return fd;
        }
    }
    return -1;
}

/* The mode and owner a new file gets: those of the regular file it replaces, without
 * the set-user-ID and set-group-ID bits, or what open(2) would give under the umask
 * (mkstemp makes its files 0600). Changing the owner is tried, not required. */
static int take_mode(int fd, const struct stat *old)
{
    if (old && (old->st_uid != geteuid() || old->st_gid != getegid()) &&
        fchown(fd, old->st_uid, old->st_gid) != 0) {
        /* not permitted: the file becomes the process's, like any file it creates */
    }
    if (old)
        return fchmod(fd, old->st_mode & 0777);
    mode_t mask = umask(0);
    umask(mask);
    return fchmod(fd, 0666 & ~mask);
}

/* Creates the temporary beside t->final that will replace it; `old` is the file there,
 * or NULL when there is none. */
static int open_temporary(struct target *t, const struct stat *old, int *fd, pl_diag *d)
{
    size_t len = strlen(t->final) + 16;
    t->tmp = malloc(len);
    if (!t->tmp)
        return nomem(d);
    snprintf(t->tmp, len, "%s.tmp-XXXXXX", t->final);
    *fd = mkstemp(t->tmp);
    if (*fd < 0) {
        int err = errno;
        free(t->tmp);
        t->tmp = NULL;
        return cannot(d, t->shown, err);
    }
    int rc = pl_interrupt_track_file(t->tmp);
    if (rc != 0) {
        close(*fd);
        return pl_diag_set(d, rc, "cannot write %s: too many files at once", t->shown);
    }
    if (take_mode(*fd, old) != 0) {
        int err = errno;
        close(*fd);
        return cannot(d, t->shown, err);
    }
    return 0;
}

/* Finds where the content of `path` goes and opens it: t->tmp set when it is written to
 * a temporary, NULL when in place. */
static int target_open(struct target *t, const char *path, const char *shown, int *fd, pl_diag *d)
{
    *t = (struct target){NULL, NULL, strdup(shown)};
    if (!t->shown)
        return nomem(d);
    struct stat st, link;
    if (stat(path, &st) != 0) {
        int err = errno;
        bool dangling = err == ENOENT && lstat(path, &link) == 0 && S_ISLNK(link.st_mode);
        if (err != ENOENT)
            return cannot(d, shown, err);
        t->final = dangling ? dangling_target(path) : strdup(path);
        if (!t->final)
            return dangling ? cannot(d, shown, errno) : nomem(d);
        return open_temporary(t, NULL, fd, d);
    }
    if (S_ISDIR(st.st_mode))
        return cannot(d, shown, EISDIR);
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
        t->final = strdup(path);
        return t->final ? open_in_place(t, fd, d) : nomem(d);
    }
    if (!S_ISREG(st.st_mode))
        return pl_diag_set(d, PL_EIO,
                           "cannot write %s: it is %s; expected a file, a character device or "
                           "a FIFO",
                           shown, S_ISBLK(st.st_mode) ? "a block device" : "a socket");
    int std = open_as_std(&st);
    if (std >= 0) {
        t->final = strdup(path);
        *fd = t->final ? dup(std) : -1;
        return !t->final ? nomem(d) : *fd < 0 ? cannot(d, shown, errno) : 0;
    }
    /* A regular file, maybe behind links: its real name, so that the links stay. */
    t->final = realpath(path, NULL);
    if (!t->final)
        return cannot(d, shown, errno);
    return open_temporary(t, &st, fd, d);
}

/* ---- Writing ----------------------------------------------------------------------- */

/* Runs the writer on fd (taken) and makes sure every byte reached the file. A writer that
 * failed on a stream error is reported with the system's reason and the file's name,
 * which a writer does not know. */
static int fill(const struct target *t, int fd, pl_output_writer write, void *ctx, pl_diag *d)
{
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int err = errno;
        close(fd);
        return cannot(d, t->shown, err);
    }
    /* A buffer of 256 KiB rather than one block: a large file (a trace, the intervals)
     * goes out in fewer writes. */
    (void)setvbuf(f, NULL, _IOFBF, (size_t)256 << 10);
    errno = 0;
    int rc = write(ctx, f, d);
    int err = errno;
    if (rc != 0 && ferror(f))
        rc = err ? cannot(d, t->shown, err)
                 : pl_diag_set(d, PL_EIO, "cannot write %s: write error", t->shown);
    if (rc == 0 && (fflush(f) != 0 || ferror(f) || (t->tmp && fsync(fd) != 0)))
        rc = cannot(d, t->shown, errno);
    if (fclose(f) != 0 && rc == 0)
        rc = cannot(d, t->shown, errno);
    return rc;
}

/* Writes one file: t is opened and filled, and left with its temporary still to rename
 * (t->tmp) or NULL when written in place. On failure t holds nothing to rename. */
static int target_write(struct target *t, const char *path, const char *shown,
                        pl_output_writer write, void *ctx, pl_diag *d)
{
    int fd = -1;
    int rc = target_open(t, path, shown, &fd, d);
    if (rc == 0)
        rc = fill(t, fd, write, ctx, d);
    if (rc != 0)
        target_fini(t);
    return rc;
}

/* Renames t's temporary, if any, to its final name; t then holds nothing to remove. */
static int target_commit(struct target *t, pl_diag *d)
{
    if (t->tmp && rename(t->tmp, t->final) != 0)
        return cannot(d, t->shown, errno);
    if (t->tmp)
        pl_interrupt_untrack_file(t->tmp);
    free(t->tmp);
    t->tmp = NULL;
    return 0;
}

int pl_output_file(const char *path, pl_output_writer write, void *ctx, pl_diag *d)
{
    struct target t;
    int rc = target_write(&t, path, path, write, ctx, d);
    if (rc == 0)
        rc = target_commit(&t, d);
    target_fini(&t);
    return rc;
}

/* ---- Directories ------------------------------------------------------------------- */

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

/* Invariant: `files` holds every file written so far; while `tmpdir` is set, they are
 * inside it (already under their final names there), else each waits under its
 * temporary name beside its final one. */
struct pl_output_set {
    const char *dir;
    char *tmpdir; /* DIR.tmp-XXXXXX, for a DIR that did not exist */
    struct target *files;
    size_t n, cap;
};

int pl_output_set_create(const char *dir, bool force, pl_output_set **out, pl_diag *d)
{
    *out = NULL;
    int rc = pl_output_dir_check(dir, force, d);
    struct stat st;
    if (rc != 0)
        return rc;
    pl_output_set *s = calloc(1, sizeof *s);
    if (!s)
        return nomem(d);
    s->dir = dir;
    if (stat(dir, &st) != 0) {
        /* "out/" is built as "out.tmp-XXXXXX", beside it, not in it. */
        int name = (int)strlen(dir);
        while (name > 1 && dir[name - 1] == '/')
            name--;
        size_t len = (size_t)name + 16;
        s->tmpdir = malloc(len);
        if (s->tmpdir)
            snprintf(s->tmpdir, len, "%.*s.tmp-XXXXXX", name, dir);
        mode_t mask = umask(0);
        umask(mask);
        if (!s->tmpdir)
            rc = nomem(d);
        else if (!mkdtemp(s->tmpdir) || chmod(s->tmpdir, 0777 & ~mask) != 0)
            rc = pl_diag_set(d, PL_EIO, "cannot create the output directory %s: %s", dir,
                             strerror(errno));
        else if ((rc = pl_interrupt_track_file(s->tmpdir)) != 0)
            rc = pl_diag_set(d, rc, "cannot create the output directory %s: too many files "
                             "at once", dir);
    }
    if (rc != 0) {
        if (s->tmpdir)
            rmdir(s->tmpdir);
        free(s->tmpdir);
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* "a/b" from a directory and a name; NULL when out of memory. */
static char *join(const char *dir, const char *name)
{
    return pl_text_printf("%s/%s", dir, name);
}

int pl_output_set_file(pl_output_set *s, const char *name, pl_output_writer write, void *ctx,
                       pl_diag *d)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        struct target *more = realloc(s->files, cap * sizeof *more);
        if (!more)
            return nomem(d);
        s->files = more;
        s->cap = cap;
    }
    char *shown = join(s->dir, name);
    char *path = shown && s->tmpdir ? join(s->tmpdir, name) : shown;
    int rc = path ? target_write(&s->files[s->n], path, shown, write, ctx, d) : nomem(d);
    /* Inside the temporary directory a file takes its name at once: the directory's
     * rename publishes them all. */
    if (rc == 0 && s->tmpdir)
        rc = target_commit(&s->files[s->n], d);
    if (rc == 0 && s->tmpdir && (rc = pl_interrupt_track_file(s->files[s->n].final)) != 0) {
        unlink(s->files[s->n].final);
        rc = pl_diag_set(d, rc, "cannot write %s: too many files at once", shown);
    }
    if (rc == 0)
        s->n++;
    else if (path)
        target_fini(&s->files[s->n]);
    if (path != shown)
        free(path);
    free(shown);
    return rc;
}

/* Forgets the temporary directory and the files in it, for an interrupt to leave. */
static void untrack_tmpdir(const pl_output_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        pl_interrupt_untrack_file(s->files[i].final);
    pl_interrupt_untrack_file(s->tmpdir);
}

int pl_output_set_commit(pl_output_set *s, pl_diag *d)
{
    if (s->tmpdir) {
        if (rename(s->tmpdir, s->dir) != 0)
            return pl_diag_set(d, PL_EIO, "cannot create the output directory %s: %s", s->dir,
                               strerror(errno));
        untrack_tmpdir(s);
        free(s->tmpdir);
        s->tmpdir = NULL;
        for (size_t i = 0; i < s->n; i++)
            target_fini(&s->files[i]);
        s->n = 0;
        return 0;
    }
    for (size_t i = 0; i < s->n; i++) {
        int rc = target_commit(&s->files[i], d);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void pl_output_set_destroy(pl_output_set *s)
{
    if (!s)
        return;
    if (s->tmpdir) {
        for (size_t i = 0; i < s->n; i++)
            unlink(s->files[i].final);
        rmdir(s->tmpdir);
        untrack_tmpdir(s);
    }
    for (size_t i = 0; i < s->n; i++)
        target_fini(&s->files[i]);
    free(s->tmpdir);
    free(s->files);
    free(s);
}
