/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * make.h — a loop's plan: its bounds, the schedule the list scheduler finds
 * under the memory limit, the buffers' memory map, and the steady state.
 *
 * Memory is shared out as versions: buffer b may have at most v_b copies live,
 * so the first writer of b in iteration i waits until b's copy of iteration
 * i - v_b is no longer used (a dependency of distance v_b; pl_plan_version_deps).
 * The planner first schedules with no memory limit, holding back only whole
 * iterations (trying 1, 2, 3... in flight, until more gain nothing), and takes
 * the versions that schedule uses. Then, one buffer at a time, it takes a version
 * away: while the buffers do not fit the memory, from the buffer whose loss costs
 * the least time (holding back that buffer's writers rather than failing); once
 * they fit, from any buffer whose loss costs no time, so that memory is not spent
 * for nothing. If one version of every buffer does not fit, the loop cannot run in
 * that memory. `plan.window` set by the user holds back whole iterations throughout.
 */
#ifndef PL_PLAN_MAKE_H
#define PL_PLAN_MAKE_H

#include "models/plan/bounds.h"
#include "models/plan/liveness.h"
#include "models/plan/sched.h"
#include "models/plan/steady.h"

typedef struct pl_plan {
    pl_plan_bounds bounds;
    pl_plan_schedule sched;
    pl_plan_memmap mem;
    pl_plan_steady steady;
    pl_plan_dep *deps; /* the loop's dependencies and the version limits' (owned) */
    uint32_t ndeps;
    uint32_t *limits;      /* per buffer: the versions allowed; 0 where not limited (owned) */
    uint32_t window;       /* iterations in flight at most (plan.window); 0: no limit */
    double free_makespan;  /* the schedule with no memory limit ... */
    double free_footprint; /* ... and the memory it took */
    uint32_t schedules;    /* schedules tried in all */
} pl_plan;

/* Plans loop l (borrowed) into *out (pl_plan_fini frees it). `plain`: the plain b-level
 * rule only. Fails with PL_ECONFIG when the dependencies form a cycle of distance 0 or
 * one version of every buffer does not fit l->memory (the message says which and by how
 * much, without a location), PL_ENOMEM. */
int pl_plan_make(const pl_plan_loop *l, bool plain, pl_plan *out, pl_diag *d);
void pl_plan_fini(pl_plan *p);

/*
 * The searches for the window and the version limits compare schedules, each of the whole
 * loop planned anew: on a long loop they would cost most of the plan. They look instead at
 * a probe, the loop cut to its first iterations, long enough for the list schedule to fill
 * the pipeline, run its steady state for many repetitions and drain it: a candidate's
 * makespan is then its prologue and epilogue (the same on the probe and on the whole loop)
 * plus the steady state's II times the iterations, so candidates compare alike on both.
 * The whole loop is then planned once with the limits chosen (and once with no limit and
 * the window chosen, for the figures of the free schedule). tests/test_plan_probe.c checks
 * that every plan scenario of the project chooses the same on the probe as on the whole
 * loop at many lengths, and that a probe much shorter would not.
 *
 * pl_plan_probe_iterations is the probe's length: PL_PLAN_PROBE_SPANS times the
 * iterations one iteration overlaps at an II of MII (the sum of the op latencies over MII,
 * plus the largest distance and the window), at least PL_PLAN_PROBE_MIN, at most
 * l->iterations (the whole loop: no probe). A loop whose window search on the probe does
 * not settle within 1 / PL_PLAN_PROBE_SETTLED of the probe (more iterations in flight keep
 * helping: some op runs ahead of the rest, and no steady state of a few iterations exists)
 * is searched on the whole loop instead, and so is a search whose comparisons on the probe
 * come near a tie (makespans apart by less than the probe's bound over PL_PLAN_PROBE_SPANS,
 * not equal): the ends of the loop may decide those. pl_plan_make_probed is pl_plan_make
 * with the probe given.
 */
#define PL_PLAN_PROBE_MIN     256
#define PL_PLAN_PROBE_SPANS   16
#define PL_PLAN_PROBE_SETTLED 8
typedef struct pl_plan_probe {
    uint32_t iterations; /* 0: pl_plan_probe_iterations; l->iterations or more: none */
    bool unchecked;      /* take the probe's word without the checks (near ties, a window
                            search that does not settle): only for the test that shows what
                            they catch */
} pl_plan_probe;
uint32_t pl_plan_probe_iterations(const pl_plan_loop *l, double mii);
int pl_plan_make_probed(const pl_plan_loop *l, bool plain, pl_plan_probe probe, pl_plan *out,
                        pl_diag *d);

#endif
