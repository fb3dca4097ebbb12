/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * partition.h — the optimal cut of a task chain into pipeline stages.
 *
 * A chain of n tasks, each with a latency per core type and a flag saying
 * whether it is stateful, is cut into contiguous stages. Each stage runs on
 * `threads` cores of one type; a stage that holds a stateful task runs on one.
 * A stage's load is the sum of its tasks' latencies on its core type divided by
 * its threads, and the period of a partition is its largest stage load. The
 * partitioner returns a partition with the smallest period that fits the cores
 * (at most cores[t] threads of type t in all), and among those the fewest
 * cores, then the fewest big cores, then the fewest stages. With one core type
 * this is what StreamPU's OTAC scheduler solves; with two, HeRAD's problem.
 * A stage runs on at most PL_PARTITION_MAX_THREADS threads, as a stage written by
 * hand does (PL_STREAM_MAX_THREADS), so no more than that many cores per task of the
 * chain are ever used, however many the host has.
 * The answer is exact: the optimal period is one of the finitely many values
 * (sum over a stage) / r, and the partitioner bisects over them, checking each
 * with a dynamic program over the chain and the cores of one type used.
 *
 * Remaining ties go to the first partition when stages are compared one after
 * the other from the chain's start, first by length (shorter first), then by
 * type (big first); each stage has the fewest threads that reach the period.
 * Periods within 1e-12 relative of each other count as equal, so that a period
 * W / r computed in floating point gives back r threads. The time is about
 * log2(n^2 R) checks of O(n^2 (min(cores[BIG], cores[LITTLE]) + 1)) each, R the
 * cores in all.
 */
#ifndef PL_STREAM_PARTITION_H
#define PL_STREAM_PARTITION_H

#include "sim/config/machine.h" /* pl_core_type */

#include <stdbool.h>
#include <stdint.h>

/* The most threads one stage runs on. */
#define PL_PARTITION_MAX_THREADS 1024u

/* One task of the chain. latency[t] is its time on a core of type t, in seconds (>= 0);
 * INFINITY when it cannot run on that type. */
typedef struct pl_chain_task {
    double latency[PL_CORE_TYPES];
    bool stateful;
} pl_chain_task;

typedef struct pl_stage_plan {
    uint32_t first;   /* its first task */
    uint32_t tasks;   /* how many tasks it holds */
    uint32_t threads; /* >= 1; 1 when it holds a stateful task */
    pl_core_type type;
    double load; /* the sum of its tasks' latencies on its type, divided by threads */
} pl_stage_plan;

/* A partition. Caller-provided storage; pl_partition_fini frees the stages. */
typedef struct pl_partition {
    pl_stage_plan *stages;
    uint32_t nstages;
    double period;                /* the largest stage load */
    uint32_t used[PL_CORE_TYPES]; /* threads of each type */
} pl_partition;

/*
 * Finds the optimal partition of the n tasks (borrowed, n >= 1, latencies >= 0 or
 * INFINITY, asserted) on cores[PL_CORE_BIG] big and cores[PL_CORE_LITTLE] little cores into
 * *out. Fails with PL_EINVAL when no partition fits: no cores at all, a task that runs on
 * no type that has cores, or stages that need more cores of a type than there are (with
 * at least one core of a type every task runs on, the whole chain on one thread always
 * fits); PL_ENOMEM. On failure *out is empty; on success the caller calls
 * pl_partition_fini.
 */
int pl_partition_find(const pl_chain_task *tasks, uint32_t n, const uint32_t cores[PL_CORE_TYPES],
                      pl_partition *out);

void pl_partition_fini(pl_partition *p);

#endif
