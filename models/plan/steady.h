/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * steady.h — the prologue, steady body and epilogue of a scheduled loop.
 *
 * A schedule is in its steady state over iterations i0 .. i1 + k when every op
 * of iteration i + k starts the same time D after the same op of iteration i,
 * for every i in i0 .. i1: the body of k iterations repeats every D, and the
 * initiation interval is II = D / k. pipelab looks for the k (1 to 16) whose
 * repetition covers the most iterations, the smallest k on a tie, and needs at
 * least two repetitions. A repetition faster than the MII (max of ResMII and
 * RecMII) cannot last: it is a transient of a short loop (ops queueing up for a
 * unit while others start every D), not a steady state, and is passed over.
 * Iteration i starts at t_i, its first op's start: the
 * prologue is [0, t_i0), the steady state [t_i0, t_(i1+k)), the epilogue the rest.
 * A schedule that never repeats exactly gets the average II, (t_(N-1) - t_0) / (N - 1).
 */
#ifndef PL_PLAN_STEADY_H
#define PL_PLAN_STEADY_H

#include "models/plan/loop.h"
#include "models/plan/sched.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct pl_plan_steady {
    bool periodic;     /* an exact repetition was found */
    double ii;         /* the initiation interval */
    uint32_t period;   /* k: iterations in one repetition of the body */
    uint32_t first;    /* i0: the first steady iteration */
    uint32_t last;     /* i1 + k: the last iteration of the last repetition */
    double start, end; /* the steady state [t_i0, t_(i1+k)) */
} pl_plan_steady;

/* The steady state of schedule s (borrowed) of loop l (borrowed) whose MII is mii. Two
 * starts within 1e-9 of the makespan of each other count as equal. */
void pl_plan_steady_find(const pl_plan_loop *l, const pl_plan_schedule *s, double mii,
                         pl_plan_steady *out);

/* When iteration i of schedule s starts: its first op's start. */
double pl_plan_iteration_start(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t i);

#endif
