/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pool.c — long-lived forked workers, each doing one job after another.
 *
 * A worker is forked once and reads job numbers from a pipe; for each it runs the
 * job into a memory stream and writes back one frame: a header with the job's status
 * and length, then the bytes. Forking once per worker rather than once per job keeps
 * the parent, which forks, out of the way of small jobs. A worker that dies mid-job
 * (a crash, a kill) leaves a frame unfinished: its job is reported with the signal,
 * and a fresh worker takes the jobs left. Closing a worker's job pipe tells it to exit.
 *
 * Invariant: every worker has one slot holding its pid, the write end of its job pipe
 * (or -1 once closed), the read end of its result pipe and what has arrived of the
 * current frame, and the jobs sent to it whose frames have not all arrived, at most
 * AHEAD of them; a job whose worker dies is the crashed one if it was the oldest, and
 * is sent again to another worker otherwise.
 * Each worker closes the other workers' pipe ends, so a result pipe reaches end of file
 * when its own worker (and whatever it forked) has exited.
 *
 * A worker keeps the memory its jobs freed for the next job (pl_memory_keep): the jobs of
 * one pool are alike, and memory handed back to the system after each job costs a page
 * fault per page when the next one takes it again.
 */
#include "sim/common/pool.h"
#include "sim/common/parallel.h"
#include "sim/common/array.h"
#include "sim/common/interrupt.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Jobs handed to a worker ahead of the one it is doing, so that it never waits for the
 * parent between jobs. */
#define AHEAD 2

struct slot {
    pid_t pid;           /* 0 for an empty slot */
    int jobs;            /* write end of the job pipe; -1 once closed */
    int fd;              /* read end of the result pipe */
    size_t queue[AHEAD]; /* jobs sent whose frames have not all arrived, oldest first */
    int nq;
    char *buf;
    size_t len, cap;
};

/* What precedes a job's bytes on the result pipe (no padding: every byte is written). */
struct frame {
    uint64_t len;
    int64_t status;
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

int pl_pool_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += (size_t)n;
        len -= (size_t)n;
    }
    return 0;
}

int pl_pool_read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += (size_t)n;
        len -= (size_t)n;
    }
    return 0;
}

/* One job in the worker: its result gathered in memory, then sent as one frame. */
static int run_job(int fd, size_t job, pl_pool_work work, void *ctx)
{
    char *bytes = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&bytes, &len);
    struct frame f = {0, 3};
    if (out) {
        f.status = work(ctx, job, out);
        if (fclose(out) != 0)
            f.status = 3;
    }
    f.len = bytes ? len : 0;
    int rc =
        pl_pool_write_all(fd, &f, sizeof f) || pl_pool_write_all(fd, bytes, (size_t)f.len) ? -1 : 0;
    free(bytes);
    return rc;
}

static _Noreturn void worker(struct slot *slots, size_t nslots, int jobs, int fd, pl_pool_work work,
                             void *ctx)
{
    pl_pool_child_signals();
    pl_memory_keep(true);
    /* A worker is one of the pool's `width` processes, each meant for a core. */
    pl_parallel_limit(1);
    for (size_t i = 0; i < nslots; i++)
        if (slots[i].pid > 0) {
            if (slots[i].jobs >= 0)
                close(slots[i].jobs);
            close(slots[i].fd);
        }
    uint64_t job;
    while (pl_pool_read_all(jobs, &job, sizeof job) == 0)
        if (run_job(fd, (size_t)job, work, ctx) != 0)
            _exit(3);
    _exit(0);
}

int pl_pool_fork(pid_t *pid, int *fd, pl_diag *d)
{
    int p[2];
    if (pipe(p) != 0)
        return pl_diag_set(d, PL_EIO, "cannot create a pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t parent = getpid();
    *pid = fork();
    if (*pid < 0) {
        close(p[0]);
        close(p[1]);
        return pl_diag_set(d, PL_ECHILD, "cannot fork: %s", strerror(errno));
    }
    if (*pid == 0)
        pl_interrupt_forked(parent);
    else
        pl_interrupt_track_child(*pid); /* when the table is full, it dies with us anyway */
    close(*pid == 0 ? p[0] : p[1]);
    *fd = *pid == 0 ? p[1] : p[0];
    return 0;
}

int pl_pool_wait(pid_t pid)
{
    /* Forgotten while still a zombie, so that the interrupt handler never signals its pid
     * once reaped (and perhaps reused). */
    siginfo_t info;
    while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR)
        ;
    pl_interrupt_untrack_child(pid);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    return ws;
}

/* Starts a worker in the empty slot s: a job pipe to it, a result pipe from it. */
static int spawn(struct slot *slots, size_t nslots, struct slot *s, pl_pool_work work, void *ctx,
                 pl_diag *d)
{
    int jp[2];
    if (pipe(jp) != 0)
        return pl_diag_set(d, PL_EIO, "cannot create a pipe: %s", strerror(errno));
    pid_t pid;
    int fd;
    int rc = pl_pool_fork(&pid, &fd, d);
    if (rc != 0) {
        close(jp[0]);
        close(jp[1]);
        return rc;
    }
    if (pid == 0) {
        close(jp[1]);
        worker(slots, nslots, jp[0], fd, work, ctx);
    }
    close(jp[0]);
    *s = (struct slot){.pid = pid, .jobs = jp[1], .fd = fd};
    return 0;
}

/* Sends job to the idle worker in s. */
static int give(struct slot *s, size_t job, pl_diag *d)
{
    uint64_t j = job;
    if (pl_pool_write_all(s->jobs, &j, sizeof j) != 0)
        return pl_diag_set(d, PL_EIO, "cannot hand a job to a worker: %s", strerror(errno));
    s->queue[s->nq++] = job;
    return 0;
}

/* Reads what is there; returns 1 at end of file, 0 when more may come, or PL_ENOMEM. */
static int drain(struct slot *s)
{
    if (s->cap - s->len < 4096) {
        size_t cap = s->cap ? 2 * s->cap : 8192;
        char *b = realloc(s->buf, cap);
        if (!b)
            return PL_ENOMEM;
        s->buf = b;
        s->cap = cap;
    }
    ssize_t n;
    while ((n = read(s->fd, s->buf + s->len, s->cap - s->len - 1)) < 0 && errno == EINTR)
        ;
    if (n <= 0)
        return 1;
    s->len += (size_t)n;
    return 0;
}

/* Whether the current frame has arrived whole; *f is its header. */
static bool whole_frame(const struct slot *s, struct frame *f)
{
    if (s->len < sizeof *f)
        return false;
    memcpy(f, s->buf, sizeof *f);
    return s->len - sizeof *f >= f->len;
}

/* Reaps a worker whose result pipe ended and describes how it ended. */
static pl_pool_result reap(struct slot *s)
{
    close(s->fd);
    if (s->jobs >= 0)
        close(s->jobs);
    int ws = pl_pool_wait(s->pid);
    pl_pool_result r = {.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1, .out = "", .len = 0};
    if (WIFSIGNALED(ws))
        r.signal = WTERMSIG(ws);
    /* A worker that exits without being told to has failed its job. */
    if (r.status == 0)
        r.status = 3;
    return r;
}

struct pool {
    struct slot *slots;
    size_t width, n, next;
    size_t *retry; /* jobs sent to a worker that died before it began them */
    size_t nretry;
    pl_pool_work work;
    pl_pool_done done;
    void *ctx;
    int first_rc;
};

/* Gives a worker its next job, or tells it to exit when there is none (or the pool
 * stops). */
static void feed(struct pool *p, struct slot *s, pl_diag *d)
{
    while (s->nq < AHEAD && (p->nretry > 0 || p->next < p->n) && p->first_rc == 0)
        p->first_rc = give(s, p->nretry > 0 ? p->retry[--p->nretry] : p->next++, d);
    bool more = p->nretry > 0 || p->next < p->n;
    if ((!more || p->first_rc != 0) && s->jobs >= 0) {
        close(s->jobs);
        s->jobs = -1;
    }
}

/* Handles what arrived from the worker in s. */
static void hear(struct pool *p, struct slot *s, pl_diag *d)
{
    int eof = drain(s);
    if (eof < 0 && p->first_rc == 0)
        p->first_rc = pl_diag_set(d, PL_ENOMEM, "out of memory reading a job's result");
    struct frame f;
    while (s->nq > 0 && whole_frame(s, &f)) {
        size_t total = sizeof f + (size_t)f.len;
        char keep = s->buf[total];
        s->buf[total] = '\0';
        pl_pool_result r = {
            .status = (int)f.status, .out = s->buf + sizeof f, .len = (size_t)f.len};
        size_t job = s->queue[0];
        memmove(s->queue, s->queue + 1, (size_t)--s->nq * sizeof *s->queue);
        if (p->first_rc == 0)
            p->first_rc = p->done(p->ctx, job, &r, d);
        s->buf[total] = keep;
        memmove(s->buf, s->buf + total, s->len - total);
        s->len -= total;
        feed(p, s, d);
    }
    if (eof == 0)
        return;
    int nq = s->nq;
    size_t job = s->queue[0];
    for (int i = 1; i < nq; i++)
        p->retry[p->nretry++] = s->queue[i];
    pl_pool_result r = reap(s);
    if (nq > 0 && p->first_rc == 0)
        p->first_rc = p->done(p->ctx, job, &r, d);
    free(s->buf);
    *s = (struct slot){.pid = 0, .jobs = -1, .fd = -1};
}

/* Waits until some worker has more to say, and handles what arrived. */
static int step(struct pool *p, pl_diag *d)
{
    struct pollfd pf[p->width];
    size_t map[p->width], np = 0;
    for (size_t i = 0; i < p->width; i++)
        if (p->slots[i].pid > 0) {
            pf[np] = (struct pollfd){.fd = p->slots[i].fd, .events = POLLIN};
            map[np++] = i;
        }
    if (np == 0)
        return 0;
    if (poll(pf, np, -1) < 0) {
        if (errno == EINTR)
            return 0;
        return pl_diag_set(d, PL_EIO, "cannot wait for the jobs: %s", strerror(errno));
    }
    for (size_t k = 0; k < np; k++)
        if (pf[k].revents & (POLLIN | POLLHUP | POLLERR))
            hear(p, &p->slots[map[k]], d);
    return 0;
}

int pl_pool_run(size_t n, int width_in, pl_pool_work work, pl_pool_done done, void *ctx, pl_diag *d)
{
    size_t width = width_in < 1 ? 1 : (size_t)width_in;
    if (width > n)
        width = n ? n : 1;
    struct pool p = {calloc(width, sizeof *p.slots),
                     width,
                     n,
                     0,
                     calloc(width * AHEAD, sizeof *p.retry),
                     0,
                     work,
                     done,
                     ctx,
                     0};
    if (!p.slots || !p.retry) {
        free(p.slots);
        free(p.retry);
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    }
    /* A job pipe nobody reads (a worker that died) must not kill the parent. */
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    for (;;) {
        for (size_t i = 0; i < width && (p.next < n || p.nretry > 0) && p.first_rc == 0; i++) {
            struct slot *s = &p.slots[i];
            if (s->pid == 0 && (p.first_rc = spawn(p.slots, width, s, work, ctx, d)) == 0)
                feed(&p, s, d);
        }
        bool alive = false;
        for (size_t i = 0; i < width; i++)
            alive |= p.slots[i].pid > 0;
        if (!alive)
            break;
        int rc = step(&p, d);
        if (rc != 0 && p.first_rc == 0)
            p.first_rc = rc;
        if (rc != 0)
            break;
    }
    for (size_t i = 0; i < width; i++)
        if (p.slots[i].pid > 0) {
            reap(&p.slots[i]);
            free(p.slots[i].buf);
        }
    signal(SIGPIPE, old);
    free(p.slots);
    free(p.retry);
    return p.first_rc;
}
