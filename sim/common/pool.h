/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pool.h — independent jobs in forked worker processes, several at a time.
 *
 * A sweep, a set of replications or a sensitivity study is many scenarios that
 * do not depend on each other. Jobs run in worker processes, forked once each and
 * given one job after another (a crash must not take the caller with it, and the
 * SimGrid engine, one per process, runs in a child of the worker); what a job
 * writes to its stream reaches the parent as bytes, and the parent hears of every
 * job as it finishes, in the order they finish. A worker that dies takes only the
 * job it was doing with it: a new worker takes the jobs left.
 */
#ifndef PL_POOL_H
#define PL_POOL_H

#include "sim/common/error.h"

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* How one job ended, as the parent saw it. */
typedef struct pl_pool_result {
    int status;      /* what work returned; when the worker died during the job, its exit
                      * status (3 for 0), or -1 when a signal killed it */
    int signal;      /* the signal that killed the worker during the job, or 0 */
    const char *out; /* what it wrote, NUL-terminated; borrowed for the call */
    size_t len;
} pl_pool_result;

/* Runs in a worker: does job `job` and writes its result to `out` (a memory stream the
 * parent receives whole when the job returns). Returns the job's status, 0 for success.
 * Everything it allocates it must free: the worker goes on to other jobs. */
typedef int (*pl_pool_work)(void *ctx, size_t job, FILE *out);

/* Runs in the parent when a job has finished. Returning non-zero (with d filled) stops the
 * pool: no new job starts, running ones are waited for and their results dropped. */
typedef int (*pl_pool_done)(void *ctx, size_t job, const pl_pool_result *res, pl_diag *d);

/*
 * Runs jobs 0 .. n-1 in order of their numbers on at most `width` workers (width < 1
 * means 1), each a forked child that calls work(ctx, job, stream) for the jobs it is
 * given, and calls done(ctx, job, result) in the parent as each one finishes. Standard
 * output and error are flushed before each fork. Fails with PL_ECHILD (cannot fork),
 * PL_EIO (cannot create or write a pipe), PL_ENOMEM, or what done returned.
 */
int pl_pool_run(size_t n, int width, pl_pool_work work, pl_pool_done done, void *ctx, pl_diag *d);

/* Creates a pipe and forks, standard streams flushed first. In the child *pid is 0 and *fd
 * the pipe's write end; in the parent *pid is the child's and *fd the read end. The child
 * is registered to end when the parent is interrupted, and dies when the parent dies
 * (interrupt.h); reap it with pl_pool_wait. Fails, in the parent and with no child, with
 * PL_EIO (no pipe) or PL_ECHILD (no fork). */
int pl_pool_fork(pid_t *pid, int *fd, pl_diag *d);

/* Waits for a child from pl_pool_fork to end (going on after EINTR) and forgets it;
 * returns its wait status as waitpid gives it. */
int pl_pool_wait(pid_t pid);

/* Write or read all len bytes on a pipe, going on after EINTR and short transfers.
 * Return 0, or -1 on an error or (reading) an end of file first. */
int pl_pool_write_all(int fd, const void *buf, size_t len);
int pl_pool_read_all(int fd, void *buf, size_t len);

/* In a freshly forked child: restores the default action of the signals that a crash or
 * a kill raises, so that the parent sees the child die of them (a handler the parent
 * installed, a test framework's say, must not run in the child). */
void pl_pool_child_signals(void);

/* A short name for a signal, such as "SIGSEGV"; "signal N" for one without a name here.
 * Returns buf. */
const char *pl_pool_signal_name(int sig, char *buf, size_t len);

#endif
