/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * constraints.c — plans that meet plan.max_iteration and plan.target_ii, or why none does
 * (constraints.h).
 */
#include "models/plan/constraints.h"
#include "models/plan/plan.h"
#include "sim/common/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double pl_plan_longest_iteration(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t *which)
{
    double longest = 0;
    uint32_t at = 0;
    for (uint32_t i = 0; i < l->iterations; i++) {
        double d = pl_plan_iteration_end(l, s, i) - pl_plan_iteration_start(l, s, i);
        if (d > longest) {
            longest = d;
            at = i;
        }
    }
    if (which)
        *which = at;
    return longest;
}

bool pl_plan_iteration_fits(const pl_plan_loop *l, double longest)
{
    return !(l->max_iteration > 0) || longest <= l->max_iteration * (1 + 1e-12);
}

/* Plans l into *p with at most `window` iterations in flight (0: the planner's choice). */
static int plan_with(const pl_plan_workload *w, uint32_t window, pl_plan *p, pl_diag *d)
{
    pl_plan_loop l = w->loop;
    l.window = window;
    return pl_plan_make(&l, w->plain, p, d);
}

/* An iteration's span, as an event: +1 at its start, -1 at its end. */
struct event {
    double at;
    int step;
};

static int cmp_event(const void *a, const void *b)
{
    const struct event *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->step - y->step; /* an end before a start at the same time */
}

/* The most iterations of schedule s in flight at once (each from its first op's start to
 * its last op's end); 0 when out of memory. */
static uint32_t most_in_flight(const pl_plan_loop *l, const pl_plan_schedule *s)
{
    struct event *e = malloc(2 * (size_t)l->iterations * sizeof *e);
    if (!e)
        return 0;
    for (uint32_t i = 0; i < l->iterations; i++) {
        e[2 * i] = (struct event){pl_plan_iteration_start(l, s, i), 1};
        e[2 * i + 1] = (struct event){pl_plan_iteration_end(l, s, i), -1};
    }
    qsort(e, 2 * (size_t)l->iterations, sizeof *e, cmp_event);
    int now = 0, most = 0;
    for (size_t k = 0; k < 2 * (size_t)l->iterations; k++) {
        now += e[k].step;
        most = now > most ? now : most;
    }
    free(e);
    return (uint32_t)most;
}

/* The plan with the most iterations in flight whose every iteration fits plan.max_iteration
 * into *p: with a window one smaller than the unconstrained plan *p has in flight, then one
 * smaller again, down to 1; PL_ECONFIG at the key, with the longest iteration one at a time,
 * when none fits. */
static int fit_iterations(const pl_plan_workload *w, pl_plan *p, pl_diag *d)
{
    const pl_plan_loop *l = &w->loop;
    uint32_t which;
    double longest = pl_plan_longest_iteration(l, &p->sched, &which);
    if (pl_plan_iteration_fits(l, longest))
        return 0;
    uint32_t most = most_in_flight(l, &p->sched);
    if (!most)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (uint32_t window = most; !pl_plan_iteration_fits(l, longest) && window > 1;) {
        pl_plan narrower;
        int rc = plan_with(w, --window, &narrower, d);
        if (rc)
            return rc;
        pl_plan_fini(p);
        *p = narrower;
        longest = pl_plan_longest_iteration(l, &p->sched, &which);
    }
    if (pl_plan_iteration_fits(l, longest))
        return 0;
    return pl_diag_at(d, PL_ECONFIG, &w->max_iteration_loc, "plan.max_iteration",
                      "no plan keeps every iteration within %s: even one iteration at a time, "
                      "iteration %u takes %s from its first op's start to its last op's end "
                      "(the loop's longest chain of dependencies and its units allow no less "
                      "with this scheduler)",
                      PL_TIME_TEXT(l->max_iteration), which, PL_TIME_TEXT(longest));
}

/* Why plan p's II is above plan.target_ii, at the key (PL_ECONFIG). `narrowed`: the
 * iteration limit held p to its window, fewer iterations in flight than the planner's own
 * choice. */
static int ii_missed(const pl_plan_workload *w, const pl_plan *p, bool narrowed, pl_diag *d)
{
    const pl_plan_loop *l = &w->loop;
    const pl_plan_bounds *b = &p->bounds;
    char why[512], res[320];
    if (b->res_mii > l->target_ii * (1 + 1e-12))
        snprintf(why, sizeof why, "the ResMII is %s: %s, and no schedule starts iterations faster",
                 PL_TIME_TEXT(b->res_mii), pl_plan_res_mii_text(l, b, res, sizeof res));
    else if (b->rec_mii > l->target_ii * (1 + 1e-12))
        snprintf(why, sizeof why,
                 "the RecMII is %s: a recurrence of %s over %u iteration%s, which no schedule "
                 "shortens",
                 PL_TIME_TEXT(b->rec_mii), PL_TIME_TEXT(b->cycle_latency), b->cycle_distance,
                 b->cycle_distance == 1 ? "" : "s");
    else if (narrowed)
        snprintf(why, sizeof why,
                 "with every iteration within plan.max_iteration's %s, at most %u iteration%s "
                 "may be in flight, and that holds the II back",
                 PL_TIME_TEXT(l->max_iteration), p->window, p->window == 1 ? "" : "s");
    else if (isfinite(l->memory))
        snprintf(why, sizeof why,
                 "the MII is %s, but the plan keeps to plan.memory's %s (with no memory "
                 "limit it takes %s using %s): more memory may reach the target",
                 PL_TIME_TEXT(b->mii), PL_SIZE_TEXT(l->memory), PL_TIME_TEXT(p->free_makespan),
                 PL_SIZE_TEXT(p->free_footprint));
    else
        snprintf(why, sizeof why,
                 "the MII is %s, but no schedule the search tried (%u) starts iterations that "
                 "fast",
                 PL_TIME_TEXT(b->mii), p->schedules);
    return pl_diag_at(d, PL_ECONFIG, &w->target_ii_loc, "plan.target_ii",
                      "the plan cannot reach an II of %s: it runs at %s; %s",
                      PL_TIME_TEXT(l->target_ii), PL_TIME_TEXT(p->steady.ii), why);
}

int pl_plan_make_for(const pl_plan_workload *w, pl_plan *plan, pl_diag *d)
{
    int rc = pl_plan_make(&w->loop, w->plain, plan, d);
    if (rc == PL_ECONFIG) {
        char msg[PL_DIAG_MAX];
        snprintf(msg, sizeof msg, "%s", d->msg);
        return pl_diag_at(d, rc, &w->memory_loc, "plan.memory", "%s", msg);
    }
    uint32_t chosen = plan->window;
    if (!rc)
        rc = fit_iterations(w, plan, d);
    if (!rc && w->loop.target_ii > 0 && !(plan->steady.ii <= w->loop.target_ii * (1 + 1e-12)))
        rc = ii_missed(w, plan, plan->window != chosen, d);
    if (rc)
        pl_plan_fini(plan);
    return rc;
}
