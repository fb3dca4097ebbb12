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
 */
#include "sim/engine/analytic.h"
#include "sim/graph/check.h"
#include "sim/engine/simgrid.h"

#include <math.h>
#include <stdlib.h>

/* Per unit, what the recursion needs beyond the graph's getters. */
struct unit_rule {
    double wakeup;    /* paid after waiting (passive units); 0 otherwise */
    double narrowest; /* the narrowest link of the route; 0 without a route */
};

static int unit_rules(const pl_graph *g, struct unit_rule **out)
{
    uint32_t n = pl_graph_unit_count(g);
    struct unit_rule *r = calloc((size_t)n + 1, sizeof *r);
    if (!r)
        return PL_ENOMEM;
    for (uint32_t u = 0; u < n; u++) {
        if (pl_graph_unit_wait(g, u) == PL_WAIT_PASSIVE)
            r[u].wakeup = pl_graph_unit_wakeup(g, u);
        r[u].narrowest = pl_graph_unit_narrowest(g, u);
    }
    *out = r;
    return 0;
}

static double event_time(const pl_timeline *tl, const pl_edge *e)
{
    return e->at == PL_AT_START ? tl->start[e->src] : tl->end[e->src];
}

/* The latest of the task's edges' events (-inf without edges), and in *release the first
 * listed of those within SimGrid's precision of it, counting events that close as the tie
 * they are there (PL_NO_EDGE without edges). */
static double latest_event(const pl_graph *g, const pl_timeline *tl, uint32_t t,
                           uint32_t *release)
{
    uint32_t e0, k;
    pl_graph_task_edges(g, t, &e0, &k);
    if (k <= 1) {
        *release = k ? e0 : PL_NO_EDGE;
        return k ? event_time(tl, pl_graph_edge(g, e0)) : -INFINITY;
    }
    double latest = -INFINITY;
    for (uint32_t e = e0; e < e0 + k; e++) {
        double at = event_time(tl, pl_graph_edge(g, e));
        latest = at > latest ? at : latest; /* fmax, without its call: no time is NaN */
    }
    *release = PL_NO_EDGE;
    for (uint32_t e = e0; e < e0 + k && *release == PL_NO_EDGE; e++)
        if (event_time(tl, pl_graph_edge(g, e)) >= latest - PL_ENGINE_PRECISION)
            *release = e;
    return latest;
}

/* The recursion for one task, whose predecessors are all set. */
static inline void place_task(const pl_graph *g, const struct unit_rule *rules,
                              pl_timeline *tl, uint32_t t)
{
    uint32_t prev = pl_graph_task_prev(g, t), release;
    double ended = prev == PL_NO_EDGE ? 0 : tl->end[prev];
    double latest = latest_event(g, tl, t, &release);
    const struct unit_rule *r = &rules[pl_graph_task_unit(g, t)];
    /* An event within SimGrid's precision of the previous end is a tie there: the unit
     * goes on at once, without waiting and without paying its wake-up. */
    double start = latest > ended + PL_ENGINE_PRECISION ? latest + r->wakeup : ended;
    /* Work, then the transfer, each added on its own as the SimGrid engine's clock does. */
    double end = start + pl_graph_task_work(g, t);
    double bytes = r->narrowest > 0 ? pl_graph_task_bytes(g, t) : 0;
    if (bytes > 0)
        end += bytes / r->narrowest;
    tl->start[t] = start;
    tl->end[t] = end;
    tl->release[t] = release;
}

int pl_analytic_run(const pl_graph *g, pl_timeline *tl, pl_diag *d)
{
    uint32_t n = pl_graph_task_count(g);
    uint32_t *order = NULL;
    struct unit_rule *rules = NULL;
    int rc = unit_rules(g, &rules);
    if (rc == 0 && !pl_graph_edges_backward(g)) {
        order = malloc(((size_t)n + 1) * sizeof *order);
        rc = order ? pl_check_order(g, order) : PL_ENOMEM;
    }
    /* Tasks are cyclic exactly when their start and end events are, so the check finds
     * the cycle and names it. */
    if (rc == PL_EDEADLOCK && (rc = pl_check_graph(g, d)) == 0)
        rc = pl_diag_set(d, PL_EDEADLOCK, "the model cannot finish: its tasks form a cycle");
    if (rc == 0) {
        if (order)
            for (uint32_t i = 0; i < n; i++)
                place_task(g, rules, tl, order[i]);
        else
            for (uint32_t t = 0; t < n; t++)
                place_task(g, rules, tl, t);
        pl_timeline_seal(tl);
    } else if (rc == PL_ENOMEM) {
        pl_diag_set(d, rc, "out of memory in the analytic engine");
    }
    free(order);
    free(rules);
    return rc;
}
