/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * input.c — regular files read whole, bounded.
 *
 * The file is opened without blocking (a FIFO with no writer would otherwise hold the
 * open forever) and its type checked on the open descriptor, so that what is read is the
 * file that was checked. At most max + 1 bytes are read: one byte past the limit tells a
 * file that is too large, however large it is.
 */
#define _DEFAULT_SOURCE /* O_CLOEXEC, O_NOCTTY with every libc */
#include "sim/common/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *pl_input_kind(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG:
        return "a regular file";
    case S_IFDIR:
        return "a directory";
    case S_IFIFO:
        return "a FIFO (named pipe)";
    case S_IFCHR:
        return "a character device";
    case S_IFBLK:
        return "a block device";
    case S_IFSOCK:
        return "a socket";
    default:
        return "a special file";
    }
}

/* Reads at most max + 1 bytes of fd into a NUL-terminated buffer: *len > max tells a
 * file too large. Returns 0, PL_ENOMEM, or PL_EIO with errno set. */
static int read_fd(int fd, size_t max, char **text, size_t *len)
{
    size_t cap = 4096 < max + 1 ? 4096 : max + 1, n = 0;
    char *buf = malloc(cap + 1);
    while (buf && n <= max) {
        if (n == cap) {
            cap = 2 * cap < max + 1 ? 2 * cap : max + 1;
            char *bigger = realloc(buf, cap + 1);
            if (!bigger)
                free(buf);
            buf = bigger;
            if (!buf)
                break;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int err = errno;
            free(buf);
            errno = err;
            return PL_EIO;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (!buf)
        return PL_ENOMEM;
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

int pl_input_read(const char *path, size_t max, const char *too_large, char **text, size_t *len,
                  pl_diag *d)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return pl_diag_set(d, PL_EIO, "%s", strerror(errno));
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0)
        rc = pl_diag_set(d, PL_EIO, "%s", strerror(errno));
    else if (S_ISDIR(st.st_mode)) /* the words read(2) would give */
        rc = pl_diag_set(d, PL_EIO, "%s", strerror(EISDIR));
    else if (!S_ISREG(st.st_mode))
        rc = pl_diag_set(d, PL_EIO, "%s, not a regular file", pl_input_kind(st.st_mode));
    else if ((unsigned long long)st.st_size > max)
        rc = pl_diag_set(d, PL_EIO, "%s", too_large);
    char *buf = NULL;
    size_t n = 0;
    if (rc == 0) {
        rc = read_fd(fd, max, &buf, &n);
        if (rc == PL_ENOMEM)
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
        else if (rc != 0)
            rc = pl_diag_set(d, PL_EIO, "%s", strerror(errno));
    }
    close(fd);
    if (rc == 0 && n > max) {
        free(buf);
        rc = pl_diag_set(d, PL_EIO, "%s", too_large);
    }
    if (rc == 0) {
        *text = buf;
        *len = n;
    }
    return rc;
}
