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
 * (place_task): the makespan pass reads its work and rates under a change and leaves out
 * the release edges, which no time depends on, so its times are the very doubles the
 * whole pass computes for the changed copy of the graph.
 */
#include "sim/engine/analytic.h"
#include "sim/common/array.h"
#include "sim/engine/sharing.h"
#include "sim/engine/simgrid.h"
#include "sim/graph/check.h"

#include <math.h>
#include <stdlib.h>

/* Per unit, what the recursion needs beyond the graph's getters. */
struct unit_rule {
    double wakeup;    /* paid after waiting (passive units); 0 otherwise */
    double narrowest; /* the narrowest link of the route; 0 without a route */
    bool scaled;      /* the change scales the work of every task of the unit */
    double ended;     /* during a pass: the end of the unit's latest task placed (0: none) */
};

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
    }
    *out = r;
    return 0;
}

/* The times being computed: start and end of every task, and where the whole pass wants
 * them, each task's release edge (NULL for the makespan alone). */
struct times {
    double *start, *end;
    uint32_t *release;
};

static double event_time(const struct times *tm, const pl_edge *e)
{
    return e->at == PL_AT_START ? tm->start[e->src] : tm->end[e->src];
}

/* The latest of the task's edges' events (-inf without edges), and, when the times keep
 * releases, the first listed of those within SimGrid's precision of it, counting events
 * that close as the tie they are there (PL_NO_EDGE without edges). */
static inline double latest_event(const pl_graph *g, const struct times *tm, uint32_t t)
{
    uint32_t e0, k;
    pl_graph_task_edges(g, t, &e0, &k);
    if (k <= 1) {
        if (tm->release)
            tm->release[t] = k ? e0 : PL_NO_EDGE;
        return k ? event_time(tm, pl_graph_edge(g, e0)) : -INFINITY;
    }
    double latest = -INFINITY;
    for (uint32_t e = e0; e < e0 + k; e++) {
        double at = event_time(tm, pl_graph_edge(g, e));
        latest = at > latest ? at : latest; /* fmax, without its call: no time is NaN */
    }
    if (tm->release) {
        uint32_t release = PL_NO_EDGE;
        for (uint32_t e = e0; e < e0 + k && release == PL_NO_EDGE; e++)
            if (event_time(tm, pl_graph_edge(g, e)) >= latest - PL_ENGINE_PRECISION)
                release = e;
        tm->release[t] = release;
    }
    return latest;
}

/* Task t's work under change c, as pl_graph_changed_work gives it (the work times the
 * change's factor where its unit or the task itself is scaled), without a call per task. */
static inline double work_of(const pl_graph *g, const pl_graph_change *c, const struct unit_rule *r,
                             uint32_t t)
{
    double work = pl_graph_task_work(g, t);
    return r->scaled || (c && c->tasks && c->tasks[t]) ? work * c->work : work;
}

/* The recursion for one task under change c, whose predecessors are all set; returns
 * its end. */
static inline double place_task(const pl_graph *g, const pl_graph_change *c,
                                struct unit_rule *rules, const struct times *tm, uint32_t t)
{
    /* The order keeps each unit's, so the unit's latest task placed is its previous one. */
    struct unit_rule *r = &rules[pl_graph_task_unit(g, t)];
    double ended = r->ended;
    double latest = latest_event(g, tm, t);
    /* An event within SimGrid's precision of the previous end is a tie there: the unit
     * goes on at once, without waiting and without paying its wake-up. */
    double start = latest > ended + PL_ENGINE_PRECISION ? latest + r->wakeup : ended;
    /* Work, then the transfer, each added on its own as the SimGrid engine's clock does. */
    double end = start + work_of(g, c, r, t);
    double bytes = r->narrowest > 0 ? pl_graph_task_bytes(g, t) : 0;
    if (bytes > 0)
        end += bytes / r->narrowest;
    tm->start[t] = start;
    tm->end[t] = end;
    r->ended = end;
    return end;
}

/* The recursion over every task of g under c into tm; *makespan is the latest end (0
 * without tasks), as pl_timeline_seal takes it. Fails as pl_analytic_run does. */
static int run_pass(const pl_graph *g, const pl_graph_change *c, const struct times *tm,
                    double *makespan, pl_diag *d)
{
    uint32_t n = pl_graph_task_count(g);
    uint32_t *order = NULL;
    struct unit_rule *rules = NULL;
    int rc = unit_rules(g, c, &rules);
    if (rc == 0 && !pl_graph_edges_backward(g)) {
        order = malloc(((size_t)n + 1) * sizeof *order);
        rc = order ? pl_check_order(g, order) : PL_ENOMEM;
    }
    /* Tasks are cyclic exactly when their start and end events are, so the check finds
     * the cycle and names it. */
    if (rc == PL_EDEADLOCK && (rc = pl_check_graph(g, d)) == 0)
        rc = pl_diag_set(d, PL_EDEADLOCK, "the model cannot finish: its tasks form a cycle");
    double last = 0;
    if (rc == 0) {
        for (uint32_t i = 0; i < n; i++) {
            double end = place_task(g, c, rules, tm, order ? order[i] : i);
            last = end > last ? end : last;
        }
    } else if (rc == PL_ENOMEM) {
        pl_diag_set(d, rc, "out of memory in the analytic engine");
    }
    *makespan = last;
    free(order);
    free(rules);
    return rc;
}

int pl_analytic_run(const pl_graph *g, pl_timeline *tl, pl_diag *d)
{
    struct times tm = {tl->start, tl->end, tl->release};
    double makespan;
    int rc = run_pass(g, NULL, &tm, &makespan, d);
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
        s->start = pl_array_alloc((size_t)n + 1, sizeof *s->start);
        s->end = pl_array_alloc((size_t)n + 1, sizeof *s->end);
        if (!s->start || !s->end) {
            pl_analytic_scratch_fini(s);
            return pl_diag_set(d, PL_ENOMEM, "out of memory in the analytic engine");
        }
        s->cap = n;
    }
    struct times tm = {s->start, s->end, NULL};
    s->ntasks = 0;
    int rc = run_pass(g, c, &tm, makespan, d);
    if (rc == 0)
        s->ntasks = n;
    return rc;
}

pl_timeline pl_analytic_scratch_times(const pl_analytic_scratch *s, double makespan)
{
    return (pl_timeline){.ntasks = s->ntasks,
                         .start = s->start,
                         .end = s->end,
                         .makespan = makespan,
                         .engine = PL_ENGINE_ANALYTIC};
}

void pl_analytic_scratch_fini(pl_analytic_scratch *s)
{
    free(s->start);
    free(s->end);
    *s = (pl_analytic_scratch){0};
}
