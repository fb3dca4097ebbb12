/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * analytic_impl.h — what the analytic engine's two passes share (analytic.c: the max-plus
 * recursion over a topological order; analytic_wake.c: events in time order, where
 * threads pay to wake each other). Private to them.
 */
#ifndef PL_ANALYTIC_IMPL_H
#define PL_ANALYTIC_IMPL_H

#include "sim/engine/analytic.h"
#include "sim/engine/simgrid.h"

#include <math.h>
#include <stdbool.h>

/* Per unit, what the recursion needs beyond the graph's getters. */
struct unit_rule {
    double wakeup;    /* paid after waiting (passive units); 0 otherwise */
    double narrowest; /* the narrowest link of the route; 0 without a route */
    bool scaled;      /* the change scales the work of every task of the unit */
    double ended;     /* during a pass: the end of the unit's latest task placed (0: none),
                       * and the waking it did after that task */
    double wake_cost; /* paid to wake a sleeping thread (pl_graph_unit_wake_cost) */
    bool sleeps;      /* waking it costs the waker (pl_graph_unit_sleeps) */
};

/* The times being computed: start and end of every task, and where the whole pass wants
 * them, each task's release edge (NULL for the makespan alone). */
struct times {
    double *start, *end;
    uint32_t *release;
    double *woke; /* NULL, or each task's waking after it (pl_timeline.woke) */
};

static inline double event_time(const struct times *tm, const pl_edge *e)
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

/* Task t's start and end under change c into tm, its unit's rule r (r->ended: when the
 * unit was free for it) and its edges' events all set; returns its end. */
static inline double pl_analytic_times(const pl_graph *g, const pl_graph_change *c,
                                       const struct unit_rule *r, const struct times *tm,
                                       uint32_t t)
{
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
    return end;
}

/* What analytic_wake.c's pass needs of a graph beyond its getters, built once for all the
 * passes over it (a verdict's, under changes): its edges by source, and room for each
 * task's count of edges not yet met. */
struct pl_wake_plan {
    const pl_graph *g;               /* borrowed */
    uint64_t serial;                 /* g's (pl_graph_serial) */
    uint32_t *first, *out, *missing; /* owned */
};

/* Builds w for g; 0 or PL_ENOMEM (w then holds nothing). Free with pl_wake_plan_fini. */
int pl_wake_plan_build(struct pl_wake_plan *w, const pl_graph *g);
void pl_wake_plan_fini(struct pl_wake_plan *w);

/* The pass of analytic_wake.c over every task of w's graph under c into tm, for a graph
 * where threads pay to wake each other (pl_graph_wakes); rules as analytic.c makes them.
 * Returns 0, PL_ENOMEM, or PL_EDEADLOCK when the tasks wait on each other in a cycle. */
int pl_analytic_wake_pass(struct pl_wake_plan *w, const pl_graph_change *c, struct unit_rule *rules,
                          const struct times *tm, double *makespan);

#endif
