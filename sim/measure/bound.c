/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bound.c — lower bounds on the makespan from the graph's structure.
 *
 * Two passes over the tasks in a topological order of the edges (unit order left
 * out, as the bound must hold whatever the units do): forward, est[t] is the
 * earliest t can start; backward, after[t] is the longest chain that must follow
 * t's end and q[t] the longest chain from t's start to the end of the graph.
 * Each term is a time no schedule can beat, so their maximum is a lower bound.
 * Durations are times alone (work plus bytes over the narrowest link), except in
 * the host term, where only work occupies cores.
 */
#include "sim/common/array.h"
#include "sim/measure/bound.h"
#include "sim/graph/check.h"
#include "sim/common/error.h"
#include "sim/measure/extrema.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
#define PL_BOUND_NAME(name, spelled) spelled,
    PL_BOUND_KINDS(PL_BOUND_NAME)
#undef PL_BOUND_NAME
};

const char *pl_bound_kind_name(pl_bound_kind k)
{
    return kind_names[k];
}

/* A walk's arrays, indexed by task, and what it reads of the graph once. */
struct chains {
    double *est;     /* earliest start */
    double *after;   /* longest chain after the end */
    double *q;       /* longest chain from the start to the end of the graph, gathered
                      * through START edges before the walk back reaches each task; NULL
                      * when the walk counts none */
    double *alone;   /* each task's time alone, under the change; NULL: its work (alone_of) */
    uint32_t *order; /* a topological order of the tasks; NULL when task ids are one */
    const pl_edge *edges; /* the graph's edges as stored, by global index; NULL: none */
    bool counted[PL_EDGE_KIND_COUNT]; /* which kinds of edge the bound counts */
    bool starts;                      /* some counted edge waits for its source's start */
    double critical_path;             /* the longest chain through the whole graph */
    const pl_graph_change *change;
    bool workload;         /* only the workload's own edges count */
    pl_bound_terms *terms; /* where every term goes too, or NULL */
};

/* Task t's time alone under the walk's change: from the walk's array, or, when the walk
 * has none (no unit moves bytes and the change scales no work), its work as the graph
 * holds it, which is the same. */
static inline double alone_of(const pl_graph *g, const struct chains *c, uint32_t t)
{
    return c->alone ? c->alone[t] : pl_graph_task_work(g, t);
}

/* The i-th task of the walk's order. */
static inline uint32_t nth(const struct chains *c, uint32_t i)
{
    return c->order ? c->order[i] : i;
}

static void forward(const pl_graph *g, struct chains *c)
{
    uint32_t n = pl_graph_task_count(g);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = nth(c, i), first, cnt;
        double est = 0;
        pl_graph_task_edges(g, t, &first, &cnt);
        for (uint32_t e = first; e < first + cnt; e++) {
            const pl_edge *ed = &c->edges[e];
            if (!c->counted[ed->kind])
                continue;
            c->starts |= ed->at == PL_AT_START;
            double took = ed->at == PL_AT_END ? alone_of(g, c, ed->src) : 0;
            est = pl_max(est, c->est[ed->src] + took);
        }
        c->est[t] = est;
    }
}

/* Also the critical path: the longest q + est[t], each task's q being complete once the
 * walk back reaches it. q[] and after[] start zero, and gather the chains through START
 * and END edges; without a START edge q[] would stay zero and is not kept. */
static void backward(const pl_graph *g, struct chains *c)
{
    uint32_t n = pl_graph_task_count(g);
    double critical = 0;
    for (uint32_t i = n; i-- > 0;) {
        uint32_t t = nth(c, i), first, cnt;
        double q = pl_max(c->q ? c->q[t] : 0, alone_of(g, c, t) + c->after[t]);
        critical = pl_max(critical, q + c->est[t]);
        pl_graph_task_edges(g, t, &first, &cnt);
        for (uint32_t e = first; e < first + cnt; e++) {
            const pl_edge *ed = &c->edges[e];
            if (!c->counted[ed->kind])
                continue;
            double *into = ed->at == PL_AT_END ? &c->after[ed->src] : &c->q[ed->src];
            *into = pl_max(*into, q);
        }
    }
    c->critical_path = critical;
}

static void consider(const struct chains *c, pl_bound *b, pl_bound_kind kind, uint32_t which,
                     double head, double work, double tail)
{
    double total = head + work + tail;
    if (c && c->terms) {
        pl_bound_term *t = kind == PL_BOUND_UNIT    ? &c->terms->units[which]
                           : kind == PL_BOUND_PLACE ? &c->terms->places[which]
                           : kind == PL_BOUND_LINK  ? &c->terms->links[which]
                                                    : NULL;
        if (t)
            *t = (pl_bound_term){head, work, tail};
    }
    if (total > b->makespan) {
        *b = (pl_bound){total, kind, which, head, work, tail, b->critical_path};
    }
}

/* What a host place or a link gathers from the units on it: the work of their tasks (for
 * a link, all the bytes routed over it), the earliest any of them can start (for a link,
 * begin moving bytes: after its earliest start and its latency) and the shortest chain
 * that must follow one of them. The last of those to finish ends no earlier than head +
 * work per core (bytes / bandwidth), and one of them is the last. */
struct load {
    double work, head, tail;
};

/* Adds unit u's tasks to its own term, its host's load and its route's links' loads. */
static void load_unit(const pl_graph *g, const struct chains *c, uint32_t u, pl_bound *b,
                      struct load *places, struct load *links)
{
    uint32_t n, nroute, p = pl_graph_unit_place(g, u);
    const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
    const uint32_t *route = pl_graph_unit_route(g, u, &nroute);
    if (n == 0)
        return;
    /* Work, not time alone, occupies the host's cores: moving bytes takes no core. Without
     * a route the two are the same. */
    struct load *host = pl_graph_place_kind(g, p) == PL_PLACE_HOST ? &places[p] : NULL;
    double work = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = tasks[i];
        double alone = alone_of(g, c, t);
        work += alone;
        if (nroute == 0) {
            if (host)
                host->work += alone;
            continue;
        }
        double own = pl_graph_changed_work(g, c->change, t), bytes = pl_graph_task_bytes(g, t);
        if (host)
            host->work += own;
        for (uint32_t k = 0; k < nroute && bytes > 0; k++) {
            struct load *l = &links[route[k]];
            l->work += bytes;
            l->head = pl_min(l->head, c->est[t] + own);
            l->tail = pl_min(l->tail, c->after[t]);
        }
    }
    consider(c, b, PL_BOUND_UNIT, u, c->est[tasks[0]], work, c->after[tasks[n - 1]]);
    if (host) {
        host->head = pl_min(host->head, c->est[tasks[0]]);
        host->tail = pl_min(host->tail, c->after[tasks[n - 1]]);
    }
}

/* The terms of every unit, host and link, in that order, in one pass over the units. */
static int terms(const pl_graph *g, const struct chains *c, pl_bound *b)
{
    uint32_t np = pl_graph_place_count(g), nl = pl_graph_link_count(g);
    struct load *places = malloc(((size_t)np + nl + 1) * sizeof *places), *links = places + np;
    if (!places)
        return PL_ENOMEM;
    for (uint32_t i = 0; i < np + nl; i++)
        places[i] = (struct load){0, INFINITY, INFINITY};
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        load_unit(g, c, u, b, places, links);
    for (uint32_t p = 0; p < np; p++)
        if (isfinite(places[p].head))
            consider(c, b, PL_BOUND_PLACE, p, places[p].head,
                     places[p].work / pl_graph_changed_cores(g, c->change, p), places[p].tail);
    for (uint32_t l = 0; l < nl; l++)
        if (links[l].work > 0)
            consider(c, b, PL_BOUND_LINK, l, links[l].head,
                     links[l].work / pl_graph_changed_bandwidth(g, c->change, l), links[l].tail);
    free(places);
    return 0;
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
        *slot = pl_array_alloc(s->tasks, sizeof **slot);
    return *slot;
}

/* Room in s for n tasks: est, and alone `with_alone`. Returns 0 or PL_ENOMEM. */
static int room(pl_bound_scratch *s, size_t n, bool with_alone, struct chains *c)
{
    if (s->tasks < n) {
        pl_bound_scratch_fini(s);
        s->tasks = n;
    }
    c->est = array(s, &s->est);
    c->alone = with_alone ? array(s, &s->alone) : NULL;
    return c->est && (c->alone || !with_alone) ? 0 : PL_ENOMEM;
}

/* Room for the walk back over n tasks: after, and q where the walk forward met a START
 * edge, both cleared. Returns 0 or PL_ENOMEM. */
static int room_back(pl_bound_scratch *s, size_t n, struct chains *c)
{
    c->after = array(s, &s->after);
    c->q = c->starts ? array(s, &s->q) : NULL;
    if (!c->after || (c->starts && !c->q))
        return PL_ENOMEM;
    memset(c->after, 0, n * sizeof *c->after);
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

/* The time alone of unit u's tasks into c->alone: a unit without a route moves no
 * bytes, so that its tasks take their work alone. */
static void unit_alone(const pl_graph *g, struct chains *c, uint32_t u)
{
    uint32_t n, nroute;
    const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
    pl_graph_unit_route(g, u, &nroute);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = tasks[i];
        c->alone[t] = nroute == 0 ? pl_graph_changed_work(g, c->change, t)
                                  : pl_graph_changed_alone(g, c->change, t);
    }
}

/* Sets the chains of g in a topological order in s's memory: the forward pass, and with
 * `back` the backward pass (after, q and the critical path; est and alone are all the
 * forward pass needs and sets). Task ids are that order when every edge points backward
 * (the usual case); otherwise the check's order, which also keeps each unit's tasks in
 * order (in c->order, which the caller frees). Returns 0 or PL_ENOMEM. */
static int walk(pl_bound_scratch *s, const pl_graph *g, struct chains *c, bool back)
{
    size_t n = (size_t)pl_graph_task_count(g) + 1;
    if (room(s, n, needs_alone(g, c->change), c) != 0)
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
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        c->counted[k] = !c->workload || !pl_edge_kind_configured((pl_edge_kind)k);
    c->edges = pl_graph_edge_count(g) > 0 ? pl_graph_edge(g, 0) : NULL;
    for (uint32_t u = 0; u < pl_graph_unit_count(g) && c->alone; u++)
        unit_alone(g, c, u);
    forward(g, c);
    if (!back)
        return 0;
    if (room_back(s, n, c) != 0)
        return PL_ENOMEM;
    backward(g, c);
    return 0;
}

/* The bound, and each of its terms into terms unless NULL, in s's memory. */
static int compute(pl_bound_scratch *s, const pl_graph *g, pl_bound_edges edges,
                   const pl_graph_change *change, pl_bound_terms *terms_out, pl_bound *out)
{
    struct chains c = {.change = change, .workload = edges == PL_BOUND_WORKLOAD_EDGES,
                       .terms = terms_out};
    int rc = walk(s, g, &c, true);
    if (rc == 0) {
        memset(out, 0, sizeof *out);
        out->critical_path = c.critical_path;
        consider(NULL, out, PL_BOUND_CRITICAL_PATH, 0, 0, out->critical_path, 0);
        rc = terms(g, &c, out);
    }
    free(c.order);
    return rc;
}

int pl_bound_compute_in(pl_bound_scratch *s, const pl_graph *g, pl_bound_edges edges,
                        const pl_graph_change *change, pl_bound *out)
{
    return compute(s, g, edges, change, NULL, out);
}

int pl_bound_compute_with(const pl_graph *g, pl_bound_edges edges, const pl_graph_change *change,
                          pl_bound *out)
{
    pl_bound_scratch s = {0};
    int rc = compute(&s, g, edges, change, NULL, out);
    pl_bound_scratch_fini(&s);
    return rc;
}

int pl_bound_compute(const pl_graph *g, pl_bound *out)
{
    return pl_bound_compute_with(g, PL_BOUND_ALL_EDGES, NULL, out);
}

/* The workload edge into t that sets its earliest start (its source's event comes at
 * est[t]), or PL_NO_EDGE when t can start at 0. */
static uint32_t binding_edge(const pl_graph *g, const struct chains *c, uint32_t t)
{
    uint32_t first, cnt;
    pl_graph_task_edges(g, t, &first, &cnt);
    for (uint32_t e = first; e < first + cnt; e++) {
        const pl_edge *ed = &c->edges[e];
        double at = c->est[ed->src] + (ed->at == PL_AT_END ? alone_of(g, c, ed->src) : 0);
        if (c->counted[ed->kind] && at >= c->est[t])
            return e;
    }
    return PL_NO_EDGE;
}

int pl_bound_chain_in(pl_bound_scratch *s, const pl_graph *g, uint8_t *on)
{
    uint32_t n = pl_graph_task_count(g);
    struct chains c = {.workload = true};
    int rc = walk(s, g, &c, false);
    memset(on, 0, n);
    if (rc == 0 && n > 0) {
        uint32_t t = 0;
        for (uint32_t i = 1; i < n; i++)
            if (c.est[i] + alone_of(g, &c, i) > c.est[t] + alone_of(g, &c, t))
                t = i;
        /* Back from the task that ends last, through the edges that set each start. */
        for (bool counted = true; t != PL_NO_EDGE;) {
            on[t] = counted;
            uint32_t e = c.est[t] > 0 ? binding_edge(g, &c, t) : PL_NO_EDGE;
            if (e == PL_NO_EDGE)
                break;
            counted = c.edges[e].at == PL_AT_END;
            t = c.edges[e].src;
        }
    }
    free(c.order);
    return rc;
}

int pl_bound_chain(const pl_graph *g, uint8_t *on)
{
    pl_bound_scratch s = {0};
    int rc = pl_bound_chain_in(&s, g, on);
    pl_bound_scratch_fini(&s);
    return rc;
}

/* ---- Terms ------------------------------------------------------------------------ */

void pl_bound_terms_fini(pl_bound_terms *t)
{
    free(t->units);
    free(t->places);
    free(t->links);
    *t = (pl_bound_terms){0};
}

int pl_bound_terms_compute_in(pl_bound_scratch *s, const pl_graph *g, pl_bound_terms *out)
{
    *out = (pl_bound_terms){0};
    out->units = calloc((size_t)pl_graph_unit_count(g) + 1, sizeof *out->units);
    out->places = calloc((size_t)pl_graph_place_count(g) + 1, sizeof *out->places);
    out->links = calloc((size_t)pl_graph_link_count(g) + 1, sizeof *out->links);
    int rc = out->units && out->places && out->links ? 0 : PL_ENOMEM;
    if (rc == 0)
        rc = compute(s, g, PL_BOUND_ALL_EDGES, NULL, out, &out->bound);
    if (rc != 0)
        pl_bound_terms_fini(out);
    return rc;
}

int pl_bound_terms_compute(const pl_graph *g, pl_bound_terms *out)
{
    pl_bound_scratch s = {0};
    int rc = pl_bound_terms_compute_in(&s, g, out);
    pl_bound_scratch_fini(&s);
    return rc;
}

/* Whether unit u's route crosses a link whose bandwidth c scales. */
static bool faster_route(const pl_graph *g, const pl_graph_change *c, uint32_t u)
{
    uint32_t n;
    const uint32_t *route = pl_graph_unit_route(g, u, &n);
    for (uint32_t k = 0; k < n && c->links; k++)
        if (c->links[route[k]])
            return true;
    return false;
}

double pl_bound_terms_least(const pl_graph *g, const pl_bound_terms *t, const pl_graph_change *c)
{
    if (c->tasks)
        return 0;
    double w = c->units ? fmin(c->work, 1) : 1, b = c->links ? 1 / fmax(c->bandwidth, 1) : 1;
    double f = fmin(w, b), least = f * t->bound.critical_path;
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        const pl_bound_term *x = &t->units[u];
        double scale = c->units && c->units[u] ? w : 1;
        scale = faster_route(g, c, u) ? fmin(scale, b) : scale;
        least = fmax(least, f * (x->head + x->tail) + scale * x->work);
    }
    for (uint32_t p = 0; p < pl_graph_place_count(g); p++) {
        const pl_bound_term *x = &t->places[p];
        double scale = 1;
        for (uint32_t u = 0; u < pl_graph_unit_count(g) && c->units; u++)
            if (c->units[u] && pl_graph_unit_place(g, u) == p)
                scale = w;
        if (c->place == p)
            scale *= (double)pl_graph_place_cores(g, p) / (pl_graph_place_cores(g, p) + c->cores);
        least = fmax(least, f * (x->head + x->tail) + scale * x->work);
    }
    for (uint32_t l = 0; l < pl_graph_link_count(g); l++) {
        const pl_bound_term *x = &t->links[l];
        double scale = c->links && c->links[l] ? b : 1;
        least = fmax(least, f * (x->head + x->tail) + scale * x->work);
    }
    return least;
}
