/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * steady.h — the prologue, steady body and epilogue of a scheduled loop, and its II.
 *
 * The II is the steady-state time per iteration: how often iterations complete once the
 * loop runs at its long-run rate. Iteration i starts at t_i, its first op's start, and
 * completes at c_i, its last op's end.
 *
 * A schedule is in its steady state over iterations i0 .. i1 + k when every op of
 * iteration i + k starts the same time D after the same op of iteration i, for every
 * i in i0 .. i1: the body of k iterations repeats every D, and II = D / k (the
 * completions then repeat every D too, which is checked). pipelab looks for the k
 * (1 to 16) whose repetition covers the most iterations, the smallest k on a tie, and
 * needs at least two repetitions. A repetition faster than the MII (max of ResMII and
 * RecMII) cannot last: it is a transient of a short loop (ops queueing up for a unit
 * while others start every D), not a steady state, and is passed over. The prologue is
 * [0, t_i0), the steady state [t_i0, t_(i1+k)), the epilogue the rest: phases counted
 * by iteration starts.
 *
 * A schedule that never repeats exactly has as its steady part the middle half of its
 * iterations, N / 4 .. N - 1 - N / 4 (integer division), and as its II the
 * least-squares slope of c_i over i there. No steady state can complete iterations
 * faster than the MII: a slope below it (a loop that runs each op's iterations in a
 * batch and completes them all at the end, say), or fewer than two iterations, means
 * the loop is too short to reach a steady state. Its II is then the time per iteration
 * over the whole loop, (max c_i - min t_i) / N, and `steady` is false.
 */
#ifndef PL_PLAN_STEADY_H
#define PL_PLAN_STEADY_H

#include "models/plan/loop.h"
#include "models/plan/sched.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct pl_plan_steady {
    bool periodic;     /* an exact repetition was found */
    bool steady;       /* a steady state was found: periodic, or a slope of at least the MII */
    double ii;         /* the time per iteration in the steady state; without one, span / N */
    double slope;      /* not periodic: the completions' slope over first .. last; else ii */
    double span;       /* from the first start to the last end of any iteration */
    uint32_t period;   /* k: iterations in one repetition of the body (1 when not periodic) */
    uint32_t first;    /* periodic: i0, the first steady iteration; else N / 4 */
    uint32_t last;     /* periodic: i1 + k, the last of the last repetition; else N-1-N/4 */
    double start, end; /* periodic: the steady state [t_i0, t_(i1+k)); else empty at t_0 */
} pl_plan_steady;

/* The steady state of schedule s (borrowed) of loop l (borrowed) whose MII is mii. Two
 * times within 1e-9 of the makespan of each other count as equal. */
void pl_plan_steady_find(const pl_plan_loop *l, const pl_plan_schedule *s, double mii,
                         pl_plan_steady *out);

/* When iteration i of schedule s starts: its first op's start. */
double pl_plan_iteration_start(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t i);

/* When iteration i of schedule s completes: its last op's end. */
double pl_plan_iteration_end(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t i);

/* The shift D when every op of iteration i + k of schedule s starts D after its copy in
 * iteration i, within tol; NAN when they do not all shift alike. */
double pl_plan_iteration_shift(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t i,
                               uint32_t k, double tol);

#endif
