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

/* pl_metrics_released_by_edge, with the graph's edges at hand. */
static int released_by(const pl_graph *g, const pl_edge *edges, const pl_timeline *tl,
                       uint32_t t)
{
    uint32_t e = tl->release[t];
    if (e == PL_NO_EDGE)
        return 0;
    uint32_t prev = pl_graph_task_prev(g, t);
    return prev == PL_NO_EDGE || event_time(tl, &edges[e]) > tl->end[prev];
}

int pl_metrics_released_by_edge(const pl_graph *g, const pl_timeline *tl, uint32_t t)
{
    return released_by(g, edges_of(g), tl, t);
}

static void unit_metrics(const pl_graph *g, const pl_edge *edges, const pl_timeline *tl,
                         uint32_t u, pl_unit_metrics *um)
{
    uint32_t n;
    const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
    const double *start = tl->start, *end = tl->end;
    /* Without a route a task moves no bytes: its time alone is its work. */
    uint32_t routed;
    pl_graph_unit_route(g, u, &routed);
    double makespan = tl->makespan, eps = pl_metrics_noise(makespan);
    memset(um, 0, sizeof *um);
    um->tasks = n;
    um->fill_cause = -1;
    if (n == 0) {
        um->fill = makespan;
        return;
    }
    um->fill = start[tasks[0]];
    if (tl->release[tasks[0]] != PL_NO_EDGE)
        um->fill_cause = edges[tl->release[tasks[0]]].kind;
    double busy = 0, work = 0, prev_end = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = tasks[i];
        busy += end[t] - start[t];
        work += routed ? pl_graph_task_alone(g, t) : pl_graph_task_work(g, t);
        double gap = start[t] - prev_end;
        prev_end = end[t];
        if (i == 0 || gap <= 0)
            continue;
        um->bubble += gap;
        if (tl->release[t] != PL_NO_EDGE)
            um->cause[edges[tl->release[t]].kind] += gap;
        if (gap > eps) {
            um->bubbles++;
            if (gap > um->largest_bubble)
                um->largest_bubble = gap;
        }
    }
    um->busy = busy;
    um->work = work;
    um->drain = makespan - end[tasks[n - 1]];
    /* Time beyond what the tasks take alone was lost to sharing host cores with other
     * threads or link bandwidth with other transfers. Below the noise threshold a
     * difference is the engine's rounding, not sharing. */
    um->contention = um->busy - um->work > eps ? um->busy - um->work : 0;
    um->utilization = makespan > 0 ? um->busy / makespan : 0;
}

/* Walks back from the task that ended last, following whichever event set each task's
 * start, and charges the tasks passed through their end to their units. */
static void binding_chain(const pl_graph *g, const pl_edge *edges, const pl_timeline *tl,
                          pl_metrics *m)
{
    uint32_t n = pl_graph_task_count(g), t = PL_NO_EDGE;
    for (uint32_t i = 0; i < n; i++)
        if (t == PL_NO_EDGE || tl->end[i] > tl->end[t])
            t = i;
    int through_end = 1;
    while (t != PL_NO_EDGE) {
        m->binding_tasks++;
        if (through_end)
            m->units[pl_graph_task_unit(g, t)].binding += tl->end[t] - tl->start[t];
        if (released_by(g, edges, tl, t)) {
            const pl_edge *e = &edges[tl->release[t]];
            through_end = e->at == PL_AT_END;
            t = e->src;
        } else {
            through_end = 1;
            t = pl_graph_task_prev(g, t);
        }
    }
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

int pl_metrics_compute(const pl_graph *g, const pl_timeline *tl, pl_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->nunits = pl_graph_unit_count(g);
    m->units = calloc((size_t)m->nunits + 1, sizeof *m->units);
    if (!m->units)
        return PL_ENOMEM;
    m->makespan = tl->makespan;
    m->throughput = tl->makespan > 0 ? (double)pl_graph_items(g) / tl->makespan : NAN;
    const pl_edge *edges = edges_of(g);
    for (uint32_t u = 0; u < m->nunits; u++)
        unit_metrics(g, edges, tl, u, &m->units[u]);
    binding_chain(g, edges, tl, m);
    m->nplaces = pl_graph_place_count(g);
    m->places = calloc((size_t)m->nplaces + 1, sizeof *m->places);
    int rc = m->places ? pl_places_compute(g, tl, m->places) : PL_ENOMEM;
    pl_items items = {0};
    if (rc == 0)
        rc = pl_items_init(&items, g, tl);
    if (rc == 0) {
        pl_phases_compute(g, tl, &items, &m->phases);
        rc = pl_latency_compute(&items, &m->latency);
    }
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
