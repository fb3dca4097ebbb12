/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pool.c — forked children, several at a time, heard of as they finish.
 *
 * Invariant: every running job has one slot holding its child's pid, the read end
 * of its pipe and what has arrived so far. The parent holds no write end of any
 * pipe, so a job's end of file comes exactly when its child (and whatever the
 * child forked) has exited; only then is the child reaped and done() called.
 */
#include "pool.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct slot {
    pid_t pid;
    int fd;
    size_t job;
    char *buf;
    size_t len, cap;
};

void pl_pool_child_signals(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTERM, SIGINT, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
}

const char *pl_pool_signal_name(int sig, char *buf, size_t len)
{
    static const struct {
        int sig;
        const char *name;
    } names[] = {
        {SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},   {SIGILL, "SIGILL"},
        {SIGABRT, "SIGABRT"}, {SIGKILL, "SIGKILL"}, {SIGTERM, "SIGTERM"}, {SIGINT, "SIGINT"},
        {SIGPIPE, "SIGPIPE"}, {SIGXCPU, "SIGXCPU"}, {SIGHUP, "SIGHUP"},   {SIGQUIT, "SIGQUIT"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].sig == sig) {
            snprintf(buf, len, "%s", names[i].name);
            return buf;
        }
    snprintf(buf, len, "signal %d", sig);
    return buf;
}

static _Noreturn void child(struct slot *slots, size_t nslots, int fd, size_t job,
                            pl_pool_work work, void *ctx)
{
    pl_pool_child_signals();
    for (size_t i = 0; i < nslots; i++)
        if (slots[i].pid > 0)
            close(slots[i].fd);
    FILE *out = fdopen(fd, "w");
    int status = out ? work(ctx, job, out) : 3;
    if (out && fclose(out) != 0)
        status = 3;
    _exit(status);
}

int pl_pool_fork(pid_t *pid, int *fd, pl_diag *d)
{
    int p[2];
    if (pipe(p) != 0)
        return pl_diag_set(d, PL_EIO, "cannot create a pipe: %s", strerror(errno));
    fflush(NULL);
    *pid = fork();
    if (*pid < 0) {
        close(p[0]);
        close(p[1]);
        return pl_diag_set(d, PL_ECHILD, "cannot fork: %s", strerror(errno));
    }
    close(*pid == 0 ? p[0] : p[1]);
    *fd = *pid == 0 ? p[1] : p[0];
    return 0;
}

static int spawn(struct slot *slots, size_t nslots, struct slot *s, size_t job, pl_pool_work work,
                 void *ctx, pl_diag *d)
{
    pid_t pid;
    int fd;
    int rc = pl_pool_fork(&pid, &fd, d);
    if (rc != 0)
        return rc;
    if (pid == 0)
        child(slots, nslots, fd, job, work, ctx);
    *s = (struct slot){.pid = pid, .fd = fd, .job = job};
    return 0;
}

/* Reads what is there; returns 1 at end of file, 0 when more may come, or PL_ENOMEM. */
static int drain(struct slot *s)
{
    for (;;) {
        if (s->cap - s->len < 4096) {
            size_t cap = s->cap ? 2 * s->cap : 8192;
            char *b = realloc(s->buf, cap);
            if (!b)
                return PL_ENOMEM;
            s->buf = b;
            s->cap = cap;
        }
        ssize_t n = read(s->fd, s->buf + s->len, s->cap - s->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return 0;
        if (n <= 0)
            return 1;
        s->len += (size_t)n;
        /* One read per wake-up keeps the other children's pipes moving. */
        return 0;
    }
}

/* Reaps a finished child and describes how it ended. */
static pl_pool_result finish(struct slot *s)
{
    close(s->fd);
    int ws = 0;
    while (waitpid(s->pid, &ws, 0) < 0 && errno == EINTR)
        ;
    s->buf[s->len] = '\0';
    pl_pool_result r = {.out = s->buf, .len = s->len};
    if (WIFSIGNALED(ws)) {
        r.status = -1;
        r.signal = WTERMSIG(ws);
    } else {
        r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    }
    return r;
}

/* Waits until some running child has more to say, and handles what arrived. A job whose
 * child has ended is passed to done (unless the pool is stopping) and its slot freed. */
static int step(struct slot *slots, size_t width, pl_pool_done done, void *ctx, int *first_rc,
                pl_diag *d)
{
    struct pollfd pf[width];
    size_t map[width], np = 0;
    for (size_t i = 0; i < width; i++)
        if (slots[i].pid > 0) {
            pf[np] = (struct pollfd){.fd = slots[i].fd, .events = POLLIN};
            map[np++] = i;
        }
    if (np == 0)
        return 0;
    if (poll(pf, np, -1) < 0) {
        if (errno == EINTR)
            return 0;
        return pl_diag_set(d, PL_EIO, "cannot wait for the jobs: %s", strerror(errno));
    }
    for (size_t k = 0; k < np; k++) {
        if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        struct slot *s = &slots[map[k]];
        int eof = drain(s);
        if (eof == 0)
            continue;
        if (eof < 0 && *first_rc == 0)
            *first_rc = pl_diag_set(d, PL_ENOMEM, "out of memory reading a job's result");
        pl_pool_result r = finish(s);
        if (eof > 0 && *first_rc == 0)
            *first_rc = done(ctx, s->job, &r, d);
        free(s->buf);
        *s = (struct slot){.pid = 0, .fd = -1};
    }
    return 0;
}

int pl_pool_run(size_t n, int width_in, pl_pool_work work, pl_pool_done done, void *ctx, pl_diag *d)
{
    size_t width = width_in < 1 ? 1 : (size_t)width_in;
    if (width > n)
        width = n ? n : 1;
    struct slot *slots = calloc(width, sizeof *slots);
    if (!slots)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    int first_rc = 0;
    size_t next = 0, running = 0;
    while (next < n || running > 0) {
        for (size_t i = 0; i < width && next < n && first_rc == 0; i++) {
            if (slots[i].pid > 0)
                continue;
            first_rc = spawn(slots, width, &slots[i], next, work, ctx, d);
            if (first_rc == 0) {
                next++;
                running++;
            }
        }
        if (first_rc != 0)
            next = n;
        int rc = step(slots, width, done, ctx, &first_rc, d);
        if (rc != 0 && first_rc == 0)
            first_rc = rc;
        running = 0;
        for (size_t i = 0; i < width; i++)
            running += slots[i].pid > 0;
        if (rc != 0)
            break;
    }
    free(slots);
    return first_rc;
}
