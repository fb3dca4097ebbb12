/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * analytic.c — the max-plus recursion over a topological order of the tasks.
 *
 * A task's start depends only on events that come before it in a topological order
 * of the task graph (its unit's previous task, its edges' sources), and its end only
 * on its start, so one pass over such an order computes every time. A unit's previous
 * task always has a smaller id (tasks are appended to their unit), so when every edge
 * also points backward, task order is that order and no other is built; otherwise
 * pl_check_order finds one. Invariant of the pass: when a task is
 * reached, the start and end of every task it depends on are set.
 *
 * The whole timeline and the makespan alone are one recursion, written once
 * (pl_analytic_times, analytic_impl.h): the makespan pass reads its work and rates under a change
 * and leaves out the release edges, which no time depends on, so its times are the very doubles the
 * whole pass computes for the changed copy of the graph.
 */
#include "sim/engine/analytic_impl.h"
#include "sim/common/array.h"
#include "sim/engine/sharing.h"
#include "sim/graph/check.h"

#include <math.h>
#include <stdlib.h>

/* The rules under change c (NULL: none). A change leaves wake-ups as they are. */
static int unit_rules(const pl_graph *g, const pl_graph_change *c, struct unit_rule **out)
{
    uint32_t n = pl_graph_unit_count(g);
    struct unit_rule *r = calloc((size_t)n + 1, sizeof *r);
    if (!r)
        return PL_ENOMEM;
    for (uint32_t u = 0; u < n; u++) {
        if (pl_graph_unit_wait(g, u) == PL_WAIT_PASSIVE)
            r[u].wakeup = pl_graph_unit_wakeup(g, u);
        r[u].narrowest = pl_graph_changed_narrowest(g, c, u);
        r[u].scaled = c && c->units && c->units[u];
        r[u].wake_cost = pl_graph_unit_wake_cost(g, u);
        r[u].sleeps = pl_graph_unit_sleeps(g, u);
    }
    *out = r;
    return 0;
}

/* The recursion for one task under change c, whose predecessors are all set; returns
 * its end. */
static inline double place_task(const pl_graph *g, const pl_graph_change *c,
                                struct unit_rule *rules, const struct times *tm, uint32_t t)
{
    /* The order keeps each unit's, so the unit's latest task placed is its previous one. */
    struct unit_rule *r = &rules[pl_graph_task_unit(g, t)];
    r->ended = pl_analytic_times(g, c, r, tm, t);
    return r->ended;
}

/* The max-plus pass: every task in a topological order (task order where every edge
 * points backward), each placed once its unit's previous task and its edges' sources are. */
static int order_pass(const pl_graph *g, const pl_graph_change *c, struct unit_rule *rules,
                      const struct times *tm, double *last)
{
    uint32_t n = pl_graph_task_count(g), *order = NULL;
    if (!pl_graph_edges_backward(g)) {
        order = malloc(((size_t)n + 1) * sizeof *order);
        int rc = order ? pl_check_order(g, order) : PL_ENOMEM;
        if (rc) {
            free(order);
            return rc;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        double end = place_task(g, c, rules, tm, order ? order[i] : i);
        *last = end > *last ? end : *last;
    }
    free(order);
    return 0;
}

/* The time-ordered pass of analytic_wake.c, with `plan`, or with one made for it when it is
 * NULL. */
static int wake_pass(const pl_graph *g, const pl_graph_change *c, struct unit_rule *rules,
                     const struct times *tm, struct pl_wake_plan *plan, double *last)
{
    struct pl_wake_plan own = {0};
    int rc = plan ? 0 : pl_wake_plan_build(plan = &own, g);
    if (rc == 0)
        rc = pl_analytic_wake_pass(plan, c, rules, tm, last);
    pl_wake_plan_fini(&own);
    return rc;
}

/* The recursion over every task of g under c into tm; *makespan is the latest end (0
 * without tasks), as pl_timeline_seal takes it: the time-ordered pass where g's threads
 * pay to wake each other (`wakes`, as pl_graph_wakes says), else the max-plus pass. Fails
 * as pl_analytic_run does. */
static int run_pass(const pl_graph *g, const pl_graph_change *c, const struct times *tm, bool wakes,
                    struct pl_wake_plan *plan, double *makespan, pl_diag *d)
{
    struct unit_rule *rules = NULL;
    double last = 0;
    int rc = unit_rules(g, c, &rules);
    if (rc == 0)
        rc = wakes ? wake_pass(g, c, rules, tm, plan, &last) : order_pass(g, c, rules, tm, &last);
    /* Tasks are cyclic exactly when their start and end events are, so the check finds
     * the cycle and names it. */
    if (rc == PL_EDEADLOCK && (rc = pl_check_graph(g, d)) == 0)
        rc = pl_diag_set(d, PL_EDEADLOCK, "the model cannot finish: its tasks form a cycle");
    else if (rc == PL_ENOMEM)
        pl_diag_set(d, rc, "out of memory in the analytic engine");
    *makespan = last;
    free(rules);
    return rc;
}

int pl_analytic_run(const pl_graph *g, pl_timeline *tl, pl_diag *d)
{
    struct times tm = {tl->start, tl->end, tl->release, tl->woke};
    double makespan;
    int rc = run_pass(g, NULL, &tm, pl_graph_wakes(g), NULL, &makespan, d);
    if (rc == 0)
        tl->makespan = makespan;
    return rc;
}

int pl_analytic_makespan(pl_analytic_scratch *s, const pl_graph *g, const pl_graph_change *c,
                         double *makespan, pl_diag *d)
{
    uint32_t n = pl_graph_task_count(g);
    if (n > s->cap || !s->start) {
        pl_analytic_scratch_fini(s);
        s->start = pl_array_alloc_written((size_t)n + 1, sizeof *s->start);
        s->end = pl_array_alloc_written((size_t)n + 1, sizeof *s->end);
        if (!s->start || !s->end) {
            pl_analytic_scratch_fini(s);
            return pl_diag_set(d, PL_ENOMEM, "out of memory in the analytic engine");
        }
        s->cap = n;
    }
    /* The waking after each task, for a graph where threads pay for it: the time-ordered
     * pass sets every task's as it ends. */
    bool wakes = pl_graph_wakes(g);
    if (!wakes || (s->wake && s->wake->serial != pl_graph_serial(g))) {
        free(s->woke);
        s->woke = NULL;
        if (s->wake)
            pl_wake_plan_fini(s->wake);
        free(s->wake);
        s->wake = NULL;
    }
    if (wakes && !s->woke && !(s->woke = malloc(((size_t)s->cap + 1) * sizeof *s->woke)))
        return pl_diag_set(d, PL_ENOMEM, "out of memory in the analytic engine");
    /* The graph's plan, kept for the next passes over it. */
    if (wakes && !s->wake &&
        (!(s->wake = malloc(sizeof *s->wake)) || pl_wake_plan_build(s->wake, g) != 0)) {
        free(s->wake);
        s->wake = NULL;
        return pl_diag_set(d, PL_ENOMEM, "out of memory in the analytic engine");
    }
    struct times tm = {s->start, s->end, NULL, s->woke};
    s->ntasks = 0;
    int rc = run_pass(g, c, &tm, wakes, s->wake, makespan, d);
    if (rc == 0)
        s->ntasks = n;
    return rc;
}

pl_timeline pl_analytic_scratch_times(const pl_analytic_scratch *s, double makespan)
{
    return (pl_timeline){.ntasks = s->ntasks,
                         .start = s->start,
                         .end = s->end,
                         .woke = s->woke,
                         .makespan = makespan,
                         .engine = PL_ENGINE_ANALYTIC};
}

void pl_analytic_scratch_fini(pl_analytic_scratch *s)
{
    free(s->start);
    free(s->end);
    free(s->woke);
    if (s->wake)
        pl_wake_plan_fini(s->wake);
    free(s->wake);
    *s = (pl_analytic_scratch){0};
}
