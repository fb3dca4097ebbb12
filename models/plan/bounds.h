/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bounds.h — lower bounds on what any schedule of a loop can reach.
 *
 * On the initiation interval II (the time between consecutive iterations in the
 * steady state): ResMII, the busiest class's work per iteration over its units (what
 * its ops hold the units for: on a pipelined class the issue interval, pl_plan_hold),
 * and RecMII, the largest ratio latency / distance over the dependence cycles
 * (a recurrence of latency L spanning d iterations cannot start iterations
 * faster than every L / d). MII = max(ResMII, RecMII).
 *
 * On the makespan of all iterations: the critical path (the longest chain of
 * dependencies through the unrolled iterations), and for each class c
 * head_c + N W_c / P_c + tail_c, where head_c is the earliest any op of c can
 * start, tail_c the least time after any op of c ends its hold (its flight on a
 * pipelined class, then what follows it along dependencies), W_c its work per
 * iteration and P_c its units. For a DAG on P identical units this is at least
 * max(CP, W / P). When every latency and interval is a whole number the makespan
 * is too, and the bounds are rounded up.
 */
#ifndef PL_PLAN_BOUNDS_H
#define PL_PLAN_BOUNDS_H

#include "models/plan/loop.h"

#include <stddef.h>
#include <stdint.h>

/* Ops that may run on several classes (pl_plan_op.also) share the units of every set of
 * classes that may run them: with at most this many classes every set is bounded, with
 * more each op's own set and the set of all (a loop with such ops has at most 32). */
#define PL_PLAN_ALL_SETS 12

typedef struct pl_plan_bounds {
    double res_mii;
    uint32_t res_class; /* the class that sets ResMII (the first on a tie); where a set of
                           classes does, the lowest of them */
    uint32_t res_set;   /* where a set of classes sets ResMII (ops may run on several):
                           bit c for class c; 0 where res_class alone does */
    double rec_mii;     /* 0 when no dependence forms a cycle */
    uint32_t *cycle;    /* the ops of the cycle that sets RecMII, each depending on the one
                           before it and the first on the last; owned */
    uint32_t ncycle;
    double cycle_latency;
    uint32_t cycle_distance;
    double mii; /* max(res_mii, rec_mii) */

    double critical_path; /* the longest chain through all iterations */
    double resource;      /* the largest head_c + N W_c / P_c + tail_c */
    uint32_t resource_class;
    uint32_t resource_set; /* as res_set, for the resource bound */
    double work;           /* N times the sum of every op's (least) latency */
    bool integral;         /* every latency is a whole number */
    double makespan;       /* max(critical_path, resource) */
} pl_plan_bounds;

/*
 * Writes into buf (len bytes) the ops of a dependence cycle of distance 0, if the loop
 * (borrowed) has one, with how each waits for the one before it, as
 * "a -(data A)-> b -(after)-> a" (data through a buffer, after, or memory); returns how
 * many ops the cycle holds, or 0 when there is none. Such a loop cannot run: each op of
 * the cycle waits for another of the same iteration.
 */
uint32_t pl_plan_check_cycles(const pl_plan_loop *l, char *buf, size_t len);

/* The bounds of loop l (borrowed; no cycle of distance 0) into *out. Fails with PL_EINVAL
 * for a cycle of distance 0, PL_ENOMEM. pl_plan_bounds_fini frees the cycle. */
int pl_plan_bounds_compute(const pl_plan_loop *l, pl_plan_bounds *out);
void pl_plan_bounds_fini(pl_plan_bounds *b);
/* Whether a set of classes as the bounds give one holds several classes. */
static inline bool pl_plan_classes_several(uint32_t set)
{
    return (set & (set - 1)) != 0;
}
/* A set of classes as the bounds give one (pl_plan_bounds.res_set: bit c for class c, or 0
 * for class `one` alone): its name into buf, "class tensor" or "classes cube, vector", and
 * its units. */
const char *pl_plan_classes_name(const pl_plan_loop *l, uint32_t set, uint32_t one, char *buf,
                                 size_t len);
uint32_t pl_plan_classes_units(const pl_plan_loop *l, uint32_t set, uint32_t one);
/* What sets b's ResMII, into buf: "class tensor has 4 us of work per iteration on 1 unit",
 * or "classes cube, vector have ..." where a set of them does. */
const char *pl_plan_res_mii_text(const pl_plan_loop *l, const pl_plan_bounds *b, char *buf,
                                 size_t len);

#endif
