/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * parallel.h — independent pieces of one run on the cores the process may use.
 *
 * A run is two graphs, its own and its baseline's, lowered, executed and measured the
 * same way and independently of each other. Where the process may use more than one core,
 * such pieces run at once, one thread each. What each piece computes is its own: a piece
 * writes only its own results, so that the results are those of a run one piece after
 * another, bit for bit, whichever thread ran which piece and in whatever order.
 *
 * The number of threads is the number of cores in the process's affinity mask (what
 * taskset, a cgroup's cpuset or Slurm's allocation leaves it), unless a caller limits it:
 * a sweep's worker is one of several processes given a core each, and uses one thread.
 * No thread outlives pl_parallel_for, so a process forks (a SimGrid child, a worker)
 * only while it has one thread.
 */
#ifndef PL_PARALLEL_H
#define PL_PARALLEL_H

#include <stddef.h>

/* One piece: does piece i of n with what ctx holds. */
typedef void (*pl_parallel_fn)(void *ctx, size_t i);

/* Calls fn(ctx, i) once for each i < n, on at most pl_parallel_width() threads at once,
 * the calling one among them, and returns when every piece is done. A piece that calls
 * pl_parallel_for itself runs its pieces one after another in its own thread. A thread
 * that cannot be created leaves its pieces to the others: it cannot fail. */
void pl_parallel_for(size_t n, pl_parallel_fn fn, void *ctx);

/* How many threads pl_parallel_for uses at most: the cores of the affinity mask (at least
 * 1), or the limit set by pl_parallel_limit when that is lower. */
unsigned pl_parallel_width(void);

/* Limits pl_parallel_for to `width` threads from now on, in this process and the
 * processes it forks (1: every piece in the calling thread; 0: no limit but the cores).
 * Called while no piece runs. */
void pl_parallel_limit(unsigned width);

#endif
