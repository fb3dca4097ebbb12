/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * metrics.c — per-unit accounting and the binding chain, from a timeline.
 *
 * Invariant kept: for every unit, busy + fill + bubble + drain = makespan, because
 * its tasks do not overlap (a unit runs one task at a time, in order) and every
 * instant of [0, makespan] is in exactly one task, gap, fill or drain.
 */
#include "sim/measure/metrics.h"
#include "sim/common/error.h"
#include "sim/measure/extrema.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double pl_metrics_noise(double makespan)
{
    return PL_BUBBLE_EPS * makespan + 1e-15;
}

static double event_time(const pl_timeline *tl, const pl_edge *e)
{
    return e->at == PL_AT_START ? tl->start[e->src] : tl->end[e->src];
}

/* The graph's edges as stored, by global index; NULL when it has none. */
static const pl_edge *edges_of(const pl_graph *g)
{
    return pl_graph_edge_count(g) > 0 ? pl_graph_edge(g, 0) : NULL;
}

int pl_metrics_released_by_edge(const pl_graph *g, const pl_timeline *tl, uint32_t t, uint32_t prev)
{
    uint32_t e = tl->release[t];
    if (e == PL_NO_EDGE)
        return 0;
    return prev == PL_NO_EDGE || event_time(tl, pl_graph_edge(g, e)) > pl_timeline_free(tl, prev);
}

/* What the pass over the timeline keeps of each unit besides its metrics and its span. */
struct unit_pass {
    double prev_end;  /* when it was free of its latest task so far (pl_timeline_free) */
    double narrowest; /* its route's narrowest bandwidth; 0 without a route */
};

/* A task's time alone, as pl_graph_task_alone gives it: its work, plus its bytes over
 * the narrowest link of its unit's route (pl_graph_unit_narrowest: 0 without a route),
 * without a call per task. */
static inline double alone(const pl_graph *g, uint32_t t, double narrowest)
{
    double work = pl_graph_task_work(g, t), bytes = pl_graph_task_bytes(g, t);
    return narrowest == 0 || bytes <= 0 ? work : work + bytes / narrowest;
}

/* The kind of release edge r, or -1 for none (PL_NO_EDGE). */
static inline int kind_of(const pl_edge *edges, uint32_t r)
{
    return r != PL_NO_EDGE ? edges[r].kind : -1;
}

/* The idle time `gap` before a task of um, which the task's release edge (of kind `kind`,
 * or -1 for none) ended. */
static inline void bubble(pl_unit_metrics *um, double gap, int kind, double eps)
{
    um->bubble += gap;
    if (kind >= 0)
        um->cause[kind] += gap;
    if (gap > eps) {
        um->bubbles++;
        if (gap > um->largest_bubble)
            um->largest_bubble = gap;
    }
}

/* The one pass over the timeline, in task order: each unit's tasks, fill, bubbles, busy
 * time and work into m->units (zeroed, fill causes -1), its span into span[] (empty), each
 * item's entry and exit into items (each named by no task yet); returns the task that ends
 * last (the first of those), or PL_NO_EDGE without tasks. A unit's tasks come in task
 * order, so each of its sums adds the same terms in the same order as a loop over its
 * tasks (pl_graph_unit_tasks) would. */
static uint32_t pass(const pl_graph *g, const pl_edge *edges, const pl_timeline *tl,
                     pl_metrics *m, struct unit_pass *up, pl_unit_span *span, pl_items *items)
{
    const double *start = tl->start, *end = tl->end;
    double eps = pl_metrics_noise(tl->makespan);
    uint32_t n = pl_graph_task_count(g), last = n > 0 ? 0 : PL_NO_EDGE;
    /* The entry and exit of the item of the latest task, in locals while its tasks follow
     * one another (as the models add them), stored when another item's task comes. */
    uint32_t item = PL_NO_EDGE;
    double enter = 0, leave = 0, latest = n > 0 ? end[0] : 0; /* end[last] */
    for (uint32_t t = 0; t < n; t++) {
        uint32_t u = pl_graph_task_unit(g, t), r = tl->release[t];
        double s = start[t], e = end[t];
        pl_unit_metrics *um = &m->units[u];
        struct unit_pass *p = &up[u];
        double gap = s - p->prev_end;
        if (um->tasks++ == 0) {
            um->fill = s;
            um->fill_cause = kind_of(edges, r);
        } else if (gap > 0) {
            bubble(um, gap, kind_of(edges, r), eps);
        }
        /* The waking after a task (pl_timeline.woke) is busy time, not a bubble, and takes
         * as long alone: no contention. */
        double woke = tl->woke ? tl->woke[t] : 0, f = e + woke; /* free: pl_timeline_free */
        p->prev_end = f;
        um->busy += e - s + woke;
        um->work += alone(g, t, p->narrowest) + woke;
        if (f > s) {
            pl_unit_span *sp = &span[u];
            if (s < sp->first)
                sp->first = s;
            sp->last = f;
            sp->active += f - s;
        }
        if (pl_graph_task_item(g, t) != item) {
            if (item != PL_NO_EDGE) {
                items->enter[item] = enter;
                items->leave[item] = leave;
            }
            item = pl_graph_task_item(g, t);
            enter = items->enter[item];
            leave = items->leave[item];
        }
        enter = pl_min(enter, s);
        leave = pl_max(leave, e);
        if (e > latest) {
            latest = e;
            last = t;
        }
    }
    if (item != PL_NO_EDGE) {
        items->enter[item] = enter;
        items->leave[item] = leave;
    }
    return last;
}

/* What follows from a unit's sums: its drain, contention and utilization; the fill of a
 * unit without tasks. */
static void unit_finish(pl_unit_metrics *um, const struct unit_pass *p, double makespan)
{
    double eps = pl_metrics_noise(makespan);
    if (um->tasks == 0) {
        um->fill = makespan;
        return;
    }
    um->drain = makespan - p->prev_end;
    /* Time beyond what the tasks take alone was lost to sharing host cores with other
     * threads or link bandwidth with other transfers. Below the noise threshold a
     * difference is the engine's rounding, not sharing. */
    um->contention = um->busy - um->work > eps ? um->busy - um->work : 0;
    um->utilization = makespan > 0 ? um->busy / makespan : 0;
}

/* t's place among its unit's tasks `line` (ascending): found by going down from where
 * the walk last left the unit (*mark, PL_NO_EDGE: never), since a walk back in time
 * meets each unit's tasks in falling order, so that all the steps down it takes add up to
 * the unit's tasks at most; searched where t lies above the mark. */
static uint32_t place_of(const pl_graph *g, const uint32_t *line, uint32_t *mark, uint32_t t)
{
    uint32_t at = *mark;
    if (at == PL_NO_EDGE || line[at] < t)
        return pl_graph_task_rank(g, t);
    while (line[at] > t)
        at--;
    return at;
}

/* Walks back from the task that ended last, following whichever event set each task's
 * start, and charges the tasks passed through their end to their units. The task before
 * t on its unit is read from the unit's tasks at t's place (released_by's test, without
 * its search), which the walk keeps while it goes along the unit and finds from the
 * unit's mark (place_of) where it comes by an edge; mark NULL (out of memory for it):
 * searched each time, with the same result. */
static void binding_chain(const pl_graph *g, const pl_edge *edges, const pl_timeline *tl,
                          uint32_t t, uint32_t *mark, pl_metrics *m)
{
    int through_end = 1, via_unit = 0; /* t reached as the task before on its own unit */
    /* In locals, which stay in registers: the count, and the time of the unit the chain
     * is on, stored back when it moves to another unit (the same additions, in order). */
    uint32_t tasks = 0, on = PL_NO_EDGE;
    double binding = 0;
    const uint32_t *line = NULL; /* t's unit's tasks, t at line[at]; NULL: not yet found */
    uint32_t at = 0, count, none = PL_NO_EDGE;
    for (; t != PL_NO_EDGE; tasks++) {
        uint32_t u = pl_graph_task_unit(g, t);
        if (through_end && u != on) {
            if (on != PL_NO_EDGE)
                m->units[on].binding = binding;
            on = u;
            binding = m->units[u].binding;
        }
        if (through_end) /* until its unit was free of it, where the next waited for that */
            binding += (via_unit ? pl_timeline_free(tl, t) : tl->end[t]) - tl->start[t];
        if (!line) {
            line = pl_graph_unit_tasks(g, u, &count);
            at = place_of(g, line, mark ? &mark[u] : &none, t);
        }
        if (mark)
            mark[u] = at;
        uint32_t prev = at > 0 ? line[at - 1] : PL_NO_EDGE, r = tl->release[t];
        if (r != PL_NO_EDGE &&
            (prev == PL_NO_EDGE || event_time(tl, &edges[r]) > pl_timeline_free(tl, prev))) {
            through_end = edges[r].at == PL_AT_END;
            via_unit = 0;
            t = edges[r].src;
            line = NULL;
        } else {
            through_end = 1;
            via_unit = 1;
            t = prev;
            at--;
        }
    }
    if (on != PL_NO_EDGE)
        m->units[on].binding = binding;
    m->binding_tasks = tasks;
}

/* Sums the units of each stage. */
static int stage_metrics(const pl_graph *g, pl_metrics *m)
{
    m->nstages = pl_graph_stage_count(g);
    if (m->nstages == 0)
        return 0;
    m->stages = calloc(m->nstages, sizeof *m->stages);
    if (!m->stages)
        return PL_ENOMEM;
    for (uint32_t u = 0; u < m->nunits; u++) {
        uint32_t s = pl_graph_unit_stage(g, u);
        if (s == PL_NO_STAGE)
            continue;
        const pl_unit_metrics *um = &m->units[u];
        pl_stage_metrics *sm = &m->stages[s];
        sm->threads++;
        sm->tasks += um->tasks;
        sm->busy += um->busy;
        sm->fill += um->fill;
        sm->drain += um->drain;
        sm->starved += um->cause[PL_EDGE_DATA] + um->cause[PL_EDGE_ISSUE];
        sm->blocked += um->cause[PL_EDGE_SLOT];
        sm->other += um->cause[PL_EDGE_SYNC] + um->cause[PL_EDGE_BARRIER] + um->cause[PL_EDGE_ORDER];
    }
    for (uint32_t s = 0; s < m->nstages; s++) {
        pl_stage_metrics *sm = &m->stages[s];
        sm->utilization = sm->threads && m->makespan > 0 ? sm->busy / (sm->threads * m->makespan) : 0;
        const pl_stage_metrics *busiest = &m->stages[m->busiest_stage];
        if (sm->utilization > busiest->utilization)
            m->busiest_stage = s;
    }
    return 0;
}

/* The metrics of every unit and place and the phases, from one pass over the timeline
 * (which also fills `items` and the units' spans), and the binding chain. */
static int units_and_places(const pl_graph *g, const pl_timeline *tl, pl_metrics *m,
                            pl_items *items)
{
    struct unit_pass *up = malloc(((size_t)m->nunits + 1) * sizeof *up);
    pl_unit_span *span = malloc(((size_t)m->nunits + 1) * sizeof *span);
    int rc = up && span ? 0 : PL_ENOMEM;
    for (uint32_t u = 0; u < m->nunits && rc == 0; u++) {
        m->units[u].fill_cause = -1;
        up[u] = (struct unit_pass){0, pl_graph_unit_narrowest(g, u)};
        span[u] = (pl_unit_span){INFINITY, -INFINITY, 0};
    }
    if (rc == 0) {
        const pl_edge *edges = edges_of(g);
        uint32_t last = pass(g, edges, tl, m, up, span, items);
        for (uint32_t u = 0; u < m->nunits; u++)
            unit_finish(&m->units[u], &up[u], tl->makespan);
        uint32_t *mark = malloc(((size_t)m->nunits + 1) * sizeof *mark);
        for (uint32_t u = 0; mark && u < m->nunits; u++)
            mark[u] = PL_NO_EDGE;
        binding_chain(g, edges, tl, last, mark, m);
        free(mark);
        rc = pl_places_compute(g, tl, span, m->places);
        pl_phases_compute(span, m->nunits, tl->makespan, items, &m->phases);
    }
    free(up);
    free(span);
    return rc;
}

int pl_metrics_compute(const pl_graph *g, const pl_timeline *tl, pl_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->nunits = pl_graph_unit_count(g);
    m->nplaces = pl_graph_place_count(g);
    m->units = calloc((size_t)m->nunits + 1, sizeof *m->units);
    m->places = calloc((size_t)m->nplaces + 1, sizeof *m->places);
    m->makespan = tl->makespan;
    m->throughput = tl->makespan > 0 ? (double)pl_graph_items(g) / tl->makespan : NAN;
    pl_items items = {0};
    int rc = m->units && m->places ? pl_items_alloc(&items, g) : PL_ENOMEM;
    if (rc == 0)
        rc = units_and_places(g, tl, m, &items);
    if (rc == 0)
        rc = pl_latency_compute(&items, &m->latency);
    pl_items_fini(&items);
    if (rc == 0)
        rc = stage_metrics(g, m);
    if (rc != 0)
        pl_metrics_fini(m);
    return rc;
}

void pl_metrics_fini(pl_metrics *m)
{
    free(m->units);
    free(m->places);
    free(m->stages);
    m->units = NULL;
    m->places = NULL;
    m->stages = NULL;
    m->nstages = 0;
    m->nunits = 0;
    m->nplaces = 0;
}

uint32_t pl_metrics_busiest(const pl_metrics *m)
{
    assert(m->nunits > 0);
    uint32_t best = 0;
    for (uint32_t u = 1; u < m->nunits; u++)
        if (m->units[u].busy > m->units[best].busy)
            best = u;
    return best;
}
