/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bound_walk.c — the chains of a graph in two passes over its tasks in a topological
 * order (unit order left out, as the bound must hold whatever the units do): forward,
 * est[t] is the earliest t can start; backward, after[t] is the longest chain that must
 * follow t's end and q[t] the longest chain from t's start to the end of the graph, and
 * the critical path the longest chain of all.
 */
#include "sim/measure/bound_impl.h"

#include "sim/common/array.h"
#include "sim/common/error.h"
#include "sim/graph/check.h"

#include <stdlib.h>

/* The i-th task of the walk's order. */
static inline uint32_t nth(const pl_bound_chains *c, uint32_t i)
{
    return c->order ? c->order[i] : i;
}

/* The earliest start of every task, and, when the walk goes back too, after[] cleared
 * as it goes (rather than in a pass of its own). What the loop updates is held in locals,
 * which the compiler keeps in registers (it could not keep fields of c, which the stores
 * into the arrays might alias). */
static void forward(const pl_graph *g, pl_bound_chains *c)
{
    uint32_t n = pl_graph_task_count(g);
    const pl_edge *edges = c->edges;
    double *est = c->est, *after = c->after;
    bool starts = false, counted[PL_EDGE_KIND_COUNT];
    memcpy(counted, c->counted, sizeof counted);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = nth(c, i), first, cnt;
        double at = 0;
        pl_graph_task_edges(g, t, &first, &cnt);
        for (uint32_t e = first; e < first + cnt; e++) {
            pl_edge ed = edges[e];
            double took = ed.at == PL_AT_END ? alone_of(g, c, ed.src) : 0;
            starts |= counted[ed.kind] & (ed.at == PL_AT_START);
            at = later(at, only_if(counted[ed.kind], est[ed.src] + took));
        }
        est[t] = at;
        if (after)
            after[t] = 0;
    }
    c->starts = starts;
}

/* Also the critical path: the longest q + est[t], each task's q being complete once the
 * walk back reaches it. q[] and after[] start zero, and gather the chains through START
 * and END edges; without a counted START edge q[] would stay zero and is not kept (an
 * edge not counted offers +0, to after[] then: no change). Locals as in forward. */
static void backward(const pl_graph *g, pl_bound_chains *c)
{
    uint32_t n = pl_graph_task_count(g);
    const pl_edge *edges = c->edges;
    double *est = c->est, *after = c->after, *qs = c->q, critical = 0;
    bool counted[PL_EDGE_KIND_COUNT];
    memcpy(counted, c->counted, sizeof counted);
    for (uint32_t i = n; i-- > 0;) {
        uint32_t t = nth(c, i), first, cnt;
        double q = later(qs ? qs[t] : 0, alone_of(g, c, t) + after[t]);
        critical = later(critical, q + est[t]);
        pl_graph_task_edges(g, t, &first, &cnt);
        for (uint32_t e = first; e < first + cnt; e++) {
            pl_edge ed = edges[e];
            double *into = ed.at == PL_AT_END || !qs ? after : qs;
            into[ed.src] = later(into[ed.src], only_if(counted[ed.kind], q));
        }
    }
    c->critical_path = critical;
}

void pl_bound_scratch_fini(pl_bound_scratch *s)
{
    free(s->est);
    free(s->alone);
    free(s->after);
    free(s->q);
    *s = (pl_bound_scratch){0};
}

/* An array of s's room at *slot, taken when there is none yet; NULL when out of memory.
 * Arrays apiece from malloc, rather than one block or calloc: glibc serves them again
 * from memory it keeps (and already touched) from one walk to the next, where it maps
 * fresh pages, each a page fault to touch, for a block past the size it keeps and for
 * calloc. */
static double *array(const pl_bound_scratch *s, double **slot)
{
    if (!*slot)
        *slot = pl_array_alloc_written(s->tasks, sizeof **slot);
    return *slot;
}

/* Room in s for n tasks: est, after `back`, and alone `with_alone`. Returns 0 or
 * PL_ENOMEM. */
static int room(pl_bound_scratch *s, size_t n, bool back, bool with_alone, pl_bound_chains *c)
{
    if (s->tasks < n) {
        pl_bound_scratch_fini(s);
        s->tasks = n;
    }
    c->est = array(s, &s->est);
    c->after = back ? array(s, &s->after) : NULL;
    c->alone = with_alone ? array(s, &s->alone) : NULL;
    return c->est && (c->after || !back) && (c->alone || !with_alone) ? 0 : PL_ENOMEM;
}

/* Room for q, cleared, where the walk forward met a counted START edge. Returns 0 or
 * PL_ENOMEM. */
static int room_back(pl_bound_scratch *s, size_t n, pl_bound_chains *c)
{
    c->q = c->starts ? array(s, &s->q) : NULL;
    if (c->starts && !c->q)
        return PL_ENOMEM;
    if (c->q)
        memset(c->q, 0, n * sizeof *c->q);
    return 0;
}

/* Whether a walk of g under change c needs its tasks' times alone in an array: when
 * some unit moves bytes, or c scales work. Otherwise a task's time alone is its work. */
static bool needs_alone(const pl_graph *g, const pl_graph_change *c)
{
    if (c && (c->units || c->tasks))
        return true;
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        uint32_t nroute;
        pl_graph_unit_route(g, u, &nroute);
        if (nroute > 0)
            return true;
    }
    return false;
}

/* Every task's time alone into c->alone, as pl_graph_changed_alone gives it (work, plus
 * bytes over the narrowest link of the route), in one pass in task order, with each
 * route's narrowest bandwidth read once per unit rather than once per task (-1: a unit
 * without a route, which moves no bytes, so that its tasks take their work alone).
 * Returns 0 or PL_ENOMEM. */
static int fill_alone(const pl_graph *g, pl_bound_chains *c)
{
    uint32_t nu = pl_graph_unit_count(g), n = pl_graph_task_count(g);
    double *narrowest = malloc(((size_t)nu + 1) * sizeof *narrowest);
    if (!narrowest)
        return PL_ENOMEM;
    for (uint32_t u = 0; u < nu; u++) {
        uint32_t nroute;
        pl_graph_unit_route(g, u, &nroute);
        narrowest[u] = nroute > 0 ? pl_graph_changed_narrowest(g, c->change, u) : -1;
    }
    for (uint32_t t = 0; t < n; t++) {
        double work = pl_graph_changed_work(g, c->change, t), bytes = pl_graph_task_bytes(g, t);
        double least = narrowest[pl_graph_task_unit(g, t)];
        c->alone[t] = least < 0 || bytes <= 0 ? work : work + bytes / least;
    }
    free(narrowest);
    return 0;
}

int pl_bound_walk(pl_bound_scratch *s, const pl_graph *g, pl_bound_chains *c,
                  pl_bound_edges edges, bool back)
{
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        c->counted[k] = edges == PL_BOUND_ALL_EDGES || !pl_edge_kind_configured((pl_edge_kind)k);
    size_t n = (size_t)pl_graph_task_count(g) + 1;
    if (room(s, n, back, needs_alone(g, c->change), c) != 0)
        return PL_ENOMEM;
    if (!pl_graph_edges_backward(g)) {
        if (!(c->order = malloc(n * sizeof *c->order)))
            return PL_ENOMEM;
        for (uint32_t t = 0; t + 1 < n; t++)
            c->order[t] = t;
        int rc = pl_check_order(g, c->order);
        if (rc != 0)
            return rc;
    }
    c->edges = pl_graph_edge_count(g) > 0 ? pl_graph_edge(g, 0) : NULL;
    if (c->alone && fill_alone(g, c) != 0)
        return PL_ENOMEM;
    forward(g, c);
    if (!back)
        return 0;
    if (room_back(s, n, c) != 0)
        return PL_ENOMEM;
    backward(g, c);
    return 0;
}
