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
#include "sim/measure/bound.h"
#include "sim/graph/check.h"
#include "sim/common/error.h"

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

/* Task order that puts every edge's source first. Task ids already do when every edge
 * points backward (the usual case); otherwise the check's order, which also keeps each
 * unit's tasks in order. */
static int topo_order(const pl_graph *g, uint32_t *order)
{
    uint32_t n = pl_graph_task_count(g);
    for (uint32_t t = 0; t < n; t++)
        order[t] = t;
    return pl_graph_edges_backward(g) ? 0 : pl_check_order(g, order);
}

struct chains {
    double *est;   /* earliest start */
    double *after; /* longest chain after the end */
    double *q;     /* longest chain from the start to the end of the graph */
    double *alone; /* each task's time alone, under the change */
    const pl_graph_change *change;
    bool workload;         /* only the workload's own edges count */
    pl_bound_terms *terms; /* where every term goes too, or NULL */
};

/* Whether the bound counts edge ed. */
static bool counts(const struct chains *c, const pl_edge *ed)
{
    return !c->workload || !pl_edge_kind_configured((pl_edge_kind)ed->kind);
}

static void forward(const pl_graph *g, const uint32_t *order, struct chains *c)
{
    uint32_t n = pl_graph_task_count(g);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = order[i], first, cnt;
        double est = 0;
        pl_graph_task_edges(g, t, &first, &cnt);
        for (uint32_t e = first; e < first + cnt; e++) {
            const pl_edge *ed = pl_graph_edge(g, e);
            if (!counts(c, ed))
                continue;
            double took = ed->at == PL_AT_END ? c->alone[ed->src] : 0;
            est = fmax(est, c->est[ed->src] + took);
        }
        c->est[t] = est;
    }
}

static void backward(const pl_graph *g, const uint32_t *order, struct chains *c)
{
    uint32_t n = pl_graph_task_count(g);
    /* q starts as the chains through START edges; after as those through END edges. */
    memset(c->after, 0, (size_t)n * sizeof *c->after);
    memset(c->q, 0, (size_t)n * sizeof *c->q);
    for (uint32_t i = n; i-- > 0;) {
        uint32_t t = order[i], first, cnt;
        c->q[t] = fmax(c->q[t], c->alone[t] + c->after[t]);
        pl_graph_task_edges(g, t, &first, &cnt);
        for (uint32_t e = first; e < first + cnt; e++) {
            const pl_edge *ed = pl_graph_edge(g, e);
            if (!counts(c, ed))
                continue;
            double *into = ed->at == PL_AT_END ? &c->after[ed->src] : &c->q[ed->src];
            *into = fmax(*into, c->q[t]);
        }
    }
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

static void unit_terms(const pl_graph *g, const struct chains *c, pl_bound *b)
{
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        uint32_t n;
        const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
        if (n == 0)
            continue;
        double work = 0;
        for (uint32_t i = 0; i < n; i++)
            work += c->alone[tasks[i]];
        consider(c, b, PL_BOUND_UNIT, u, c->est[tasks[0]], work, c->after[tasks[n - 1]]);
    }
}

static void place_terms(const pl_graph *g, const struct chains *c, pl_bound *b)
{
    for (uint32_t p = 0; p < pl_graph_place_count(g); p++) {
        if (pl_graph_place_kind(g, p) != PL_PLACE_HOST)
            continue;
        double work = 0, head = INFINITY, tail = INFINITY;
        for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
            uint32_t n;
            const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
            if (pl_graph_unit_place(g, u) != p || n == 0)
                continue;
            /* Work, not time alone: moving bytes takes no core. */
            for (uint32_t i = 0; i < n; i++)
                work += pl_graph_changed_work(g, c->change, tasks[i]);
            head = fmin(head, c->est[tasks[0]]);
            tail = fmin(tail, c->after[tasks[n - 1]]);
        }
        if (isfinite(head))
            consider(c, b, PL_BOUND_PLACE, p, head,
                     work / pl_graph_changed_cores(g, c->change, p), tail);
    }
}

/* Per link, over the tasks that move bytes across it: all their bytes, the earliest any
 * of them can begin moving bytes (after its earliest start and its latency), and the
 * shortest chain that must follow one of them. The last of those transfers to finish
 * ends no earlier than head + bytes / bandwidth, and one of them is the last. */
struct link_load {
    double bytes, head, tail;
};

static void load_unit(const pl_graph *g, const struct chains *c, uint32_t u, struct link_load *load)
{
    uint32_t n, nroute;
    const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
    const uint32_t *route = pl_graph_unit_route(g, u, &nroute);
    for (uint32_t i = 0; i < n && nroute > 0; i++) {
        uint32_t t = tasks[i];
        double bytes = pl_graph_task_bytes(g, t);
        if (bytes <= 0)
            continue;
        for (uint32_t k = 0; k < nroute; k++) {
            struct link_load *l = &load[route[k]];
            l->bytes += bytes;
            l->head = fmin(l->head, c->est[t] + pl_graph_changed_work(g, c->change, t));
            l->tail = fmin(l->tail, c->after[t]);
        }
    }
}

static int link_terms(const pl_graph *g, const struct chains *c, pl_bound *b)
{
    uint32_t nlinks = pl_graph_link_count(g);
    if (nlinks == 0)
        return 0;
    struct link_load *load = malloc((size_t)nlinks * sizeof *load);
    if (!load)
        return PL_ENOMEM;
    for (uint32_t l = 0; l < nlinks; l++)
        load[l] = (struct link_load){0, INFINITY, INFINITY};
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        load_unit(g, c, u, load);
    for (uint32_t l = 0; l < nlinks; l++)
        if (load[l].bytes > 0)
            consider(c, b, PL_BOUND_LINK, l, load[l].head,
                     load[l].bytes / pl_graph_changed_bandwidth(g, c->change, l), load[l].tail);
    free(load);
    return 0;
}

/* The chains' arrays for g's n tasks, or PL_ENOMEM (then free_chains). */
static int alloc_chains(const pl_graph *g, struct chains *c)
{
    size_t n = (size_t)pl_graph_task_count(g) + 1;
    c->est = malloc(n * sizeof(double));
    c->after = malloc(n * sizeof(double));
    c->q = malloc(n * sizeof(double));
    c->alone = malloc(n * sizeof(double));
    if (!c->est || !c->after || !c->q || !c->alone)
        return PL_ENOMEM;
    for (uint32_t t = 0; t + 1 < n; t++)
        c->alone[t] = pl_graph_changed_alone(g, c->change, t);
    return 0;
}

static void free_chains(struct chains *c)
{
    free(c->est);
    free(c->after);
    free(c->q);
    free(c->alone);
}

/* Sets the chains of g in a topological order: forward and backward passes. */
static int walk(const pl_graph *g, struct chains *c, uint32_t **order)
{
    *order = malloc(((size_t)pl_graph_task_count(g) + 1) * sizeof **order);
    int rc = *order ? alloc_chains(g, c) : PL_ENOMEM;
    if (rc == 0)
        rc = topo_order(g, *order);
    if (rc == 0) {
        forward(g, *order, c);
        backward(g, *order, c);
    }
    return rc;
}

/* The bound, and each of its terms into terms unless NULL. */
static int compute(const pl_graph *g, pl_bound_edges edges, const pl_graph_change *change,
                   pl_bound_terms *terms, pl_bound *out)
{
    uint32_t n = pl_graph_task_count(g), *order = NULL;
    struct chains c = {.change = change, .workload = edges == PL_BOUND_WORKLOAD_EDGES,
                       .terms = terms};
    int rc = walk(g, &c, &order);
    if (rc == 0) {
        memset(out, 0, sizeof *out);
        for (uint32_t t = 0; t < n; t++)
            out->critical_path = fmax(out->critical_path, c.q[t] + c.est[t]);
        consider(NULL, out, PL_BOUND_CRITICAL_PATH, 0, 0, out->critical_path, 0);
        unit_terms(g, &c, out);
        place_terms(g, &c, out);
        rc = link_terms(g, &c, out);
    }
    free(order);
    free_chains(&c);
    return rc;
}

int pl_bound_compute_with(const pl_graph *g, pl_bound_edges edges, const pl_graph_change *change,
                          pl_bound *out)
{
    return compute(g, edges, change, NULL, out);
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
        const pl_edge *ed = pl_graph_edge(g, e);
        double at = c->est[ed->src] + (ed->at == PL_AT_END ? c->alone[ed->src] : 0);
        if (counts(c, ed) && at >= c->est[t])
            return e;
    }
    return PL_NO_EDGE;
}

int pl_bound_chain(const pl_graph *g, uint8_t *on)
{
    uint32_t n = pl_graph_task_count(g), *order = NULL;
    struct chains c = {.workload = true};
    int rc = walk(g, &c, &order);
    memset(on, 0, n);
    if (rc == 0 && n > 0) {
        uint32_t t = 0;
        for (uint32_t i = 1; i < n; i++)
            if (c.est[i] + c.alone[i] > c.est[t] + c.alone[t])
                t = i;
        /* Back from the task that ends last, through the edges that set each start. */
        for (bool counted = true; t != PL_NO_EDGE;) {
            on[t] = counted;
            uint32_t e = c.est[t] > 0 ? binding_edge(g, &c, t) : PL_NO_EDGE;
            if (e == PL_NO_EDGE)
                break;
            counted = pl_graph_edge(g, e)->at == PL_AT_END;
            t = pl_graph_edge(g, e)->src;
        }
    }
    free(order);
    free_chains(&c);
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

int pl_bound_terms_compute(const pl_graph *g, pl_bound_terms *out)
{
    *out = (pl_bound_terms){0};
    out->units = calloc((size_t)pl_graph_unit_count(g) + 1, sizeof *out->units);
    out->places = calloc((size_t)pl_graph_place_count(g) + 1, sizeof *out->places);
    out->links = calloc((size_t)pl_graph_link_count(g) + 1, sizeof *out->links);
    int rc = out->units && out->places && out->links ? 0 : PL_ENOMEM;
    if (rc == 0)
        rc = compute(g, PL_BOUND_ALL_EDGES, NULL, out, &out->bound);
    if (rc != 0)
        pl_bound_terms_fini(out);
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
