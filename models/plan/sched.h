/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sched.h — list scheduling of a loop's iterations on its units.
 *
 * The loop is unrolled: every task (op, iteration) is placed on one unit of a
 * class that may run its op, at a start time no earlier than the end of each task
 * it depends on (and, where a buffer it reads was written on another unit, the
 * transfer's cost later: pl_plan_transfer_cost), without overlapping another
 * task's hold on that unit: its whole latency, or on a pipelined class the issue
 * interval, after which the unit takes the next task while the first is still in
 * flight (pl_plan_hold). Tasks are taken from the ready list (those whose
 * predecessors are all placed) by priority, and each is put where it ends earliest
 * over the units of every class that may run it (HEFT's rule; with one class,
 * where it starts earliest), in a gap between tasks already placed if one is long
 * enough (insertion), so that ops of later iterations fill the gaps that earlier
 * ones leave.
 *
 * The priority is the task's b-level (upward rank): its latency (its mean over the
 * units that may run it) plus the longest chain after it in the unrolled graph (with
 * each dependency's mean transfer cost, as HEFT's rank has), so that the longest
 * dependency chain goes first. Ties go to the earlier iteration, then the earlier
 * op in program order. That plain rule is tried first; then other rules (b-level
 * plus t-level, b-level with most successors first, b-level with slack) and a
 * bounded number of randomly perturbed b-levels, drawn from a fixed seed. The
 * shortest schedule wins; among equal ones the first tried, so the result is never
 * longer than the plain rule's.
 *
 * With a window of w iterations, iteration i's first ops wait until iteration
 * i - w has ended: at most w iterations are in flight, which bounds how many
 * copies of each buffer are live at once.
 */
#ifndef PL_PLAN_SCHED_H
#define PL_PLAN_SCHED_H

#include "models/plan/loop.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

/* Where and when one task runs. */
typedef struct pl_plan_slot {
    uint32_t unit; /* a unit of the op's class (pl_plan_unit_first) */
    double start, end;
} pl_plan_slot;

/* A schedule of every task of a loop. Owned; pl_plan_schedule_fini frees it. */
typedef struct pl_plan_schedule {
    pl_plan_slot *tasks; /* indexed by task: iteration * nops + op */
    uint32_t ntasks;
    double makespan;  /* the latest end */
    uint32_t window;  /* the window it was planned with; 0: none */
    const char *rule; /* static: the priority rule that gave it, e.g. "b-level" */
    uint32_t tried;   /* how many rules and perturbations were tried */
} pl_plan_schedule;

typedef struct pl_plan_options {
    uint32_t window;   /* iterations in flight at most; 0: no limit */
    bool plain;        /* only the plain b-level rule, no search */
    bool quick;        /* the fixed rules only, no random perturbations */
    uint32_t attempts; /* randomly perturbed rules to try; 0: as many as keep the search
                          within about two million task placements (and eight million
                          placements and gaps looked at), at most 64 */
    struct pl_plan_schedule *fixed; /* not NULL: also gets the best schedule of the fixed
                                       rules alone, which a quick search gives (the whole
                                       search tries them first, in the same order), when a
                                       random perturbation found a shorter one; else it
                                       stays empty (tasks and rule NULL): out is then the
                                       fixed rules' schedule. One search gives both; the
                                       caller frees it */
    bool every_rule; /* run every fixed rule's pass, also one that would make the plain rule's
                        schedule again (sched.c, as_plain): only for the test that shows it
                        does */
    uint32_t *unrun; /* not NULL: gets how many of the rules tried were such passes not run */
    double bound;    /* a lower bound of the loop's makespan (0: none known): the search stops
                        once a schedule reaches it */
} pl_plan_options;

/* Whether a schedule of ntasks tasks and makespan m reaches the lower bound `bound` (0:
 * none known): it is not above it by more than a rounding error, so no schedule is
 * shorter. The rounding room is the larger of 1e-12 of the bound and (ntasks + 8)
 * DBL_EPSILON of it: a schedule's makespan ends a chain of at most ntasks tasks, each end
 * its start plus its time (and a transfer's), each addition off by at most half an ulp of
 * a value no larger than m, while the bound is a product and a few sums. On a long loop the
 * chain's errors add up past 1e-12: two ops of 4 us and 1 us, 1e6 iterations, made a
 * makespan 7.9e-12 of it above its bound (tests/test_plan_at_bound.c, test_long_loop). */
static inline bool pl_plan_at_bound(double m, double bound, uint64_t ntasks)
{
    double room = fmax(1e-12, ((double)ntasks + 8) * DBL_EPSILON);
    return bound > 0 && !(m > bound + room * bound);
}

/* Whether makespan a is shorter than makespan b by more than 1e-12 of b: the searches take a
 * new schedule, and a plan a variant, only where it gains more than that, and keep the
 * first of two closer ones, so that the same loop gets the same plan whatever rounds the
 * sums of its makespans. */
static inline bool pl_plan_shorter(double a, double b)
{
    return a < b - 1e-12 * fabs(b);
}

/* Schedules every task of l (borrowed) into *out. Fails with PL_EINVAL when the
 * dependencies form a cycle of distance 0 (pl_plan_check_cycles names it), PL_ENOMEM. */
int pl_plan_schedule_loop(const pl_plan_loop *l, const pl_plan_options *o, pl_plan_schedule *out);
void pl_plan_schedule_fini(pl_plan_schedule *s);

#endif
