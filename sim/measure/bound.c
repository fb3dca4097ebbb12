/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bound.c — lower bounds on the makespan from the graph's structure.
 *
 * The chains come from a walk of the graph (bound_walk.c): est[t], the earliest t can
 * start; after[t], the longest chain that must follow t's end; and the critical path.
 * Then one pass over the units gathers every term from them. Each term is a time no
 * schedule can beat, so their maximum is a lower bound. Durations are times alone (work
 * plus bytes over the narrowest link), except in the host term, where only work occupies
 * cores.
 */
#include "sim/measure/bound.h"

#include "sim/common/error.h"
#include "sim/measure/bound_impl.h"
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

/* Offers one term to bound b (and to terms, unless NULL, in its place). */
static void consider(pl_bound *b, pl_bound_terms *terms, pl_bound_kind kind, uint32_t which,
                     double head, double work, double tail)
{
    double total = head + work + tail;
    if (terms) {
        pl_bound_term *t = kind == PL_BOUND_UNIT    ? &terms->units[which]
                           : kind == PL_BOUND_PLACE ? &terms->places[which]
                           : kind == PL_BOUND_LINK  ? &terms->links[which]
                                                    : NULL;
        if (t)
            *t = (pl_bound_term){head, work, tail};
    }
    if (total > b->makespan) {
        *b = (pl_bound){total, kind, which, head, work, tail, b->critical_path};
    }
}

/* What a host place or a link gathers from the units on it: the work of their tasks (for
 * a link, all the bytes routed over it), and for each side of the walk the earliest any of
 * them can start (for a link, begin moving bytes: after its earliest start and its
 * latency) and the shortest chain that must follow one of them. The last of those to
 * finish ends no earlier than head + work per core (bytes / bandwidth), and one of them
 * is the last. */
struct load {
    double work, head[2], tail[2];
};

/* The bounds being gathered, one per side of the walk, and the terms of each (or NULL). */
struct gather {
    pl_bound *bound[2];
    pl_bound_terms *terms[2];
};

/* Adds the bytes that the tasks[0, n) of a unit routed over link l move to its load, and
 * for each of `sides` sides of the walk (a constant where inlined), the earliest one of
 * them can begin moving bytes and the shortest chain after one of them. In a local copy,
 * which stays in registers, then stored: the same operations in the same order. */
static inline void load_link_sides(const pl_graph *g, const pl_bound_chains *c,
                                   const uint32_t *tasks, uint32_t n, struct load *l, int sides)
{
    struct load x = *l;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = tasks[i];
        double bytes = pl_graph_task_bytes(g, t);
        if (!(bytes > 0))
            continue;
        double own = pl_graph_changed_work(g, c->change, t);
        x.work += bytes;
        for (int s = 0; s < sides; s++) {
            x.head[s] = earlier(x.head[s], c->side[s].est[t] + own);
            x.tail[s] = earlier(x.tail[s], c->side[s].after[t]);
        }
    }
    *l = x;
}

static void load_link(const pl_graph *g, const pl_bound_chains *c, const uint32_t *tasks,
                      uint32_t n, struct load *l)
{
    if (c->sides == 2)
        load_link_sides(g, c, tasks, n, l, 2);
    else
        load_link_sides(g, c, tasks, n, l, 1);
}

/* Adds unit u's tasks to its own term, its host's load and its route's links' loads. */
static void load_unit(const pl_graph *g, const pl_bound_chains *c, uint32_t u,
                      const struct gather *out, struct load *places, struct load *links)
{
    uint32_t n, nroute, p = pl_graph_unit_place(g, u);
    const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
    const uint32_t *route = pl_graph_unit_route(g, u, &nroute);
    if (n == 0)
        return;
    /* Work, not time alone, occupies the host's cores: moving bytes takes no core. Without
     * a route the two are the same. The sums in locals, which stay in registers, the
     * host's going on from its earlier units' in the same order of additions. */
    struct load *host = pl_graph_place_kind(g, p) == PL_PLACE_HOST ? &places[p] : NULL;
    double work = 0, host_work = host ? host->work : 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = tasks[i];
        double alone = alone_of(g, c, t);
        work += alone;
        host_work += nroute == 0 ? alone : pl_graph_changed_work(g, c->change, t);
    }
    for (uint32_t k = 0; k < nroute; k++)
        load_link(g, c, tasks, n, &links[route[k]]);
    if (host)
        host->work = host_work;
    uint32_t last = tasks[n - 1];
    for (int s = 0; s < c->sides; s++) {
        const pl_bound_side *sd = &c->side[s];
        consider(out->bound[s], out->terms[s], PL_BOUND_UNIT, u, sd->est[tasks[0]], work,
                 sd->after[last]);
        if (host) {
            host->head[s] = pl_min(host->head[s], sd->est[tasks[0]]);
            host->tail[s] = pl_min(host->tail[s], sd->after[last]);
        }
    }
}

/* The terms of every unit, host and link, in that order, for each side, in one pass over
 * the units. */
static int terms(const pl_graph *g, const pl_bound_chains *c, const struct gather *out)
{
    uint32_t np = pl_graph_place_count(g), nl = pl_graph_link_count(g);
    struct load *places = malloc(((size_t)np + nl + 1) * sizeof *places), *links = places + np;
    if (!places)
        return PL_ENOMEM;
    for (uint32_t i = 0; i < np + nl; i++)
        places[i] = (struct load){0, {INFINITY, INFINITY}, {INFINITY, INFINITY}};
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        load_unit(g, c, u, out, places, links);
    for (int s = 0; s < c->sides; s++) {
        for (uint32_t p = 0; p < np; p++)
            if (isfinite(places[p].head[s]))
                consider(out->bound[s], out->terms[s], PL_BOUND_PLACE, p, places[p].head[s],
                         places[p].work / pl_graph_changed_cores(g, c->change, p),
                         places[p].tail[s]);
        for (uint32_t l = 0; l < nl; l++)
            if (links[l].work > 0)
                consider(out->bound[s], out->terms[s], PL_BOUND_LINK, l, links[l].head[s],
                         links[l].work / pl_graph_changed_bandwidth(g, c->change, l),
                         links[l].tail[s]);
    }
    free(places);
    return 0;
}

/* The bounds counting edges[k] into out->bound[k] for each of `sides` sides, and each
 * side's terms into out->terms[k] unless NULL, in one walk in s's memory. */
static int compute(pl_bound_scratch *s, const pl_graph *g, int sides,
                   const pl_bound_edges *edges, const pl_graph_change *change,
                   const struct gather *out)
{
    pl_bound_chains c = {.sides = sides, .change = change};
    int rc = pl_bound_walk(s, g, &c, edges, true);
    if (rc == 0) {
        for (int k = 0; k < sides; k++) {
            pl_bound *b = out->bound[k];
            memset(b, 0, sizeof *b);
            b->critical_path = c.side[k].critical_path;
            consider(b, NULL, PL_BOUND_CRITICAL_PATH, 0, 0, b->critical_path, 0);
        }
        rc = terms(g, &c, out);
    }
    free(c.order);
    return rc;
}

int pl_bound_compute_in(pl_bound_scratch *s, const pl_graph *g, pl_bound_edges edges,
                        const pl_graph_change *change, pl_bound *out)
{
    return compute(s, g, 1, &edges, change, &(struct gather){{out, NULL}, {NULL, NULL}});
}

int pl_bound_compute_with(const pl_graph *g, pl_bound_edges edges, const pl_graph_change *change,
                          pl_bound *out)
{
    pl_bound_scratch s = {0};
    int rc = pl_bound_compute_in(&s, g, edges, change, out);
    pl_bound_scratch_fini(&s);
    return rc;
}

int pl_bound_compute(const pl_graph *g, pl_bound *out)
{
    return pl_bound_compute_with(g, PL_BOUND_ALL_EDGES, NULL, out);
}

/* The workload edge into t that sets its earliest start (its source's event comes at
 * est[t]), or PL_NO_EDGE when t can start at 0. */
static uint32_t binding_edge(const pl_graph *g, const pl_bound_chains *c, uint32_t t)
{
    const pl_bound_side *s = &c->side[0];
    uint32_t first, cnt;
    pl_graph_task_edges(g, t, &first, &cnt);
    for (uint32_t e = first; e < first + cnt; e++) {
        const pl_edge *ed = &c->edges[e];
        double at = s->est[ed->src] + (ed->at == PL_AT_END ? alone_of(g, c, ed->src) : 0);
        if (s->counted[ed->kind] && at >= s->est[t])
            return e;
    }
    return PL_NO_EDGE;
}

int pl_bound_chain_in(pl_bound_scratch *s, const pl_graph *g, uint8_t *on)
{
    uint32_t n = pl_graph_task_count(g);
    pl_bound_chains c = {.sides = 1};
    int rc = pl_bound_walk(s, g, &c, &(pl_bound_edges){PL_BOUND_WORKLOAD_EDGES}, false);
    memset(on, 0, n);
    const double *est = c.side[0].est;
    if (rc == 0 && n > 0) {
        uint32_t t = 0;
        for (uint32_t i = 1; i < n; i++)
            if (est[i] + alone_of(g, &c, i) > est[t] + alone_of(g, &c, t))
                t = i;
        /* Back from the task that ends last, through the edges that set each start. */
        for (bool counted = true; t != PL_NO_EDGE;) {
            on[t] = counted;
            uint32_t e = est[t] > 0 ? binding_edge(g, &c, t) : PL_NO_EDGE;
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

/* Zeroed terms of every unit, place and link of g in *out. Returns 0 or PL_ENOMEM. */
static int terms_init(const pl_graph *g, pl_bound_terms *out)
{
    *out = (pl_bound_terms){0};
    out->units = calloc((size_t)pl_graph_unit_count(g) + 1, sizeof *out->units);
    out->places = calloc((size_t)pl_graph_place_count(g) + 1, sizeof *out->places);
    out->links = calloc((size_t)pl_graph_link_count(g) + 1, sizeof *out->links);
    return out->units && out->places && out->links ? 0 : PL_ENOMEM;
}

int pl_bound_terms_compute_in(pl_bound_scratch *s, const pl_graph *g, pl_bound_terms *out)
{
    int rc = terms_init(g, out);
    if (rc == 0)
        rc = compute(s, g, 1, &(pl_bound_edges){PL_BOUND_ALL_EDGES}, NULL,
                     &(struct gather){{&out->bound, NULL}, {out, NULL}});
    if (rc != 0)
        pl_bound_terms_fini(out);
    return rc;
}

int pl_bound_both_in(pl_bound_scratch *s, const pl_graph *g, pl_bound *resource,
                     pl_bound_terms *terms, pl_bound *configured)
{
    int rc = terms ? terms_init(g, terms) : 0;
    if (rc == 0)
        rc = compute(s, g, 2, (pl_bound_edges[]){PL_BOUND_WORKLOAD_EDGES, PL_BOUND_ALL_EDGES},
                     NULL, &(struct gather){{resource, configured}, {NULL, terms}});
    if (rc == 0 && terms)
        terms->bound = *configured;
    else if (terms)
        pl_bound_terms_fini(terms);
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
