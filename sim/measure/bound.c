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

#include <float.h>
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
 * a link, all the bytes routed over it), the earliest any of them can start (for a link,
 * begin moving bytes: after its earliest start and its latency) and the shortest chain
 * that must follow one of them. The last of those to finish ends no earlier than head +
 * work per core (bytes / bandwidth), and one of them is the last. */
struct load {
    double work, head, tail;
};

/* Adds unit u's tasks to its own term, its host's load and its route's links' loads, in
 * one pass over its tasks. The sums in locals, which stay in registers (the loads of the
 * route's links in `on`, room for every link, copied in and back: a route names a link
 * once), each going on from the earlier units' in the same order of additions. */
static void load_unit(const pl_graph *g, const pl_bound_chains *c, uint32_t u, pl_bound *b,
                      pl_bound_terms *out, struct load *places, struct load *links,
                      struct load *on)
{
    uint32_t n, nroute, p = pl_graph_unit_place(g, u);
    const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
    const uint32_t *route = pl_graph_unit_route(g, u, &nroute);
    if (n == 0)
        return;
    /* Work, not time alone, occupies the host's cores: moving bytes takes no core, nor
     * does the share of a task's time it sleeps. Without a route or a sleep the two are the
     * same. */
    struct load *host = pl_graph_place_kind(g, p) == PL_PLACE_HOST ? &places[p] : NULL;
    double work = 0, host_work = host ? host->work : 0;
    for (uint32_t k = 0; k < nroute; k++)
        on[k] = links[route[k]];
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = tasks[i];
        double alone = alone_of(g, c, t);
        work += alone;
        double awake = 1 - pl_graph_task_sleep(g, t);
        if (nroute == 0) {
            host_work += alone * awake;
            continue;
        }
        double own = pl_graph_changed_work(g, c->change, t), bytes = pl_graph_task_bytes(g, t);
        host_work += own * awake;
        if (!(bytes > 0))
            continue;
        /* The task begins moving its bytes after its work, and what follows its end
         * follows the transfer. */
        double head = c->est[t] + own, tail = c->after[t];
        for (uint32_t k = 0; k < nroute; k++) {
            on[k].work += bytes;
            on[k].head = earlier(on[k].head, head);
            on[k].tail = earlier(on[k].tail, tail);
        }
    }
    for (uint32_t k = 0; k < nroute; k++)
        links[route[k]] = on[k];
    uint32_t last = tasks[n - 1];
    consider(b, out, PL_BOUND_UNIT, u, c->est[tasks[0]], work, c->after[last]);
    if (host) {
        host->work = host_work;
        host->head = pl_min(host->head, c->est[tasks[0]]);
        host->tail = pl_min(host->tail, c->after[last]);
    }
}

/* The terms of every unit, host and link, in that order, in one pass over the units. */
static int terms(const pl_graph *g, const pl_bound_chains *c, pl_bound *b, pl_bound_terms *out)
{
    uint32_t np = pl_graph_place_count(g), nl = pl_graph_link_count(g);
    struct load *places = malloc(((size_t)np + 2 * nl + 1) * sizeof *places);
    if (!places)
        return PL_ENOMEM;
    struct load *links = places + np, *on = links + nl;
    for (uint32_t i = 0; i < np + nl; i++)
        places[i] = (struct load){0, INFINITY, INFINITY};
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        load_unit(g, c, u, b, out, places, links, on);
    for (uint32_t p = 0; p < np; p++)
        if (isfinite(places[p].head))
            consider(b, out, PL_BOUND_PLACE, p, places[p].head,
                     places[p].work / pl_graph_changed_cores(g, c->change, p), places[p].tail);
    for (uint32_t l = 0; l < nl; l++)
        if (links[l].work > 0)
            consider(b, out, PL_BOUND_LINK, l, links[l].head,
                     links[l].work / pl_graph_changed_bandwidth(g, c->change, l), links[l].tail);
    free(places);
    return 0;
}

static void mark_chain(const pl_graph *g, const pl_bound_chains *c, uint8_t *on);

/* The bound, and each of its terms into terms unless NULL, in s's memory; and where
 * `chain` is not NULL, the critical path of the workload's edges marked in it from the
 * same walk (the caller's walk must count the same edges as a walk of the workload's). */
static int compute(pl_bound_scratch *s, const pl_graph *g, pl_bound_edges edges,
                   const pl_graph_change *change, pl_bound_terms *terms_out, pl_bound *out,
                   uint8_t *chain)
{
    pl_bound_chains c = {.change = change};
    int rc = pl_bound_walk(s, g, &c, edges, true);
    if (rc == 0) {
        memset(out, 0, sizeof *out);
        out->critical_path = c.critical_path;
        consider(out, NULL, PL_BOUND_CRITICAL_PATH, 0, 0, out->critical_path, 0);
        rc = terms(g, &c, out, terms_out);
    }
    if (rc == 0 && chain)
        mark_chain(g, &c, chain);
    free(c.order);
    return rc;
}

int pl_bound_compute_in(pl_bound_scratch *s, const pl_graph *g, pl_bound_edges edges,
                        const pl_graph_change *change, pl_bound *out)
{
    return compute(s, g, edges, change, NULL, out, NULL);
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

/* Marks in on[] the chain that ends last, from c's earliest starts: back from the task
 * that ends last, through the edges that set each start. */
static void mark_chain(const pl_graph *g, const pl_bound_chains *c, uint8_t *on)
{
    uint32_t n = pl_graph_task_count(g);
    const double *est = c->est;
    memset(on, 0, n);
    if (n == 0)
        return;
    uint32_t t = 0;
    double latest = est[0] + alone_of(g, c, 0); /* t's end, kept rather than read again */
    for (uint32_t i = 1; i < n; i++) {
        double end = est[i] + alone_of(g, c, i);
        if (end > latest) {
            latest = end;
            t = i;
        }
    }
    for (bool counted = true; t != PL_NO_EDGE;) {
        on[t] = counted;
        uint32_t e = est[t] > 0 ? binding_edge(g, c, t) : PL_NO_EDGE;
        if (e == PL_NO_EDGE)
            break;
        counted = c->edges[e].at == PL_AT_END;
        t = c->edges[e].src;
    }
}

int pl_bound_chain_in(pl_bound_scratch *s, const pl_graph *g, uint8_t *on)
{
    pl_bound_chains c = {0};
    int rc = pl_bound_walk(s, g, &c, PL_BOUND_WORKLOAD_EDGES, false);
    if (rc == 0)
        mark_chain(g, &c, on);
    else
        memset(on, 0, pl_graph_task_count(g));
    free(c.order);
    return rc;
}

int pl_bound_resource_chain_in(pl_bound_scratch *s, const pl_graph *g, pl_bound *out, uint8_t *on)
{
    return compute(s, g, PL_BOUND_WORKLOAD_EDGES, NULL, NULL, out, on);
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

/* The terms, and with `on` the chain: from the terms' walk where it counts the same edges
 * as a walk of the workload's (no edge from the configuration), else from its own. */
static int terms_and_chain(pl_bound_scratch *s, const pl_graph *g, pl_bound_terms *out,
                           uint8_t *on)
{
    bool one_walk = on && !pl_graph_has_configured_edges(g);
    *out = (pl_bound_terms){0};
    out->units = calloc((size_t)pl_graph_unit_count(g) + 1, sizeof *out->units);
    out->places = calloc((size_t)pl_graph_place_count(g) + 1, sizeof *out->places);
    out->links = calloc((size_t)pl_graph_link_count(g) + 1, sizeof *out->links);
    int rc = out->units && out->places && out->links ? 0 : PL_ENOMEM;
    if (rc == 0)
        rc = compute(s, g, PL_BOUND_ALL_EDGES, NULL, out, &out->bound, one_walk ? on : NULL);
    if (rc == 0 && on && !one_walk)
        rc = pl_bound_chain_in(s, g, on);
    if (rc != 0)
        pl_bound_terms_fini(out);
    return rc;
}

int pl_bound_terms_compute_in(pl_bound_scratch *s, const pl_graph *g, pl_bound_terms *out)
{
    return terms_and_chain(s, g, out, NULL);
}

int pl_bound_terms_chain_in(pl_bound_scratch *s, const pl_graph *g, pl_bound_terms *out,
                            uint8_t *on)
{
    return terms_and_chain(s, g, out, on);
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

/* A term's time: its head, work and tail, added as consider() adds them. */
static double total_of(const pl_bound_term *x)
{
    return x->head + x->work + x->tail;
}

/* The largest of `most` and the times of the n terms at x. */
static double largest(const pl_bound_term *x, uint32_t n, double most)
{
    for (uint32_t i = 0; i < n; i++)
        most = fmax(most, total_of(&x[i]));
    return most;
}

/* The work that c takes from unit u's tasks: (1 - c->work) of the work of those it scales. */
static double work_taken(const pl_graph *g, const pl_graph_change *c, uint32_t u)
{
    uint32_t n;
    const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
    bool all = c->units && c->units[u];
    double scaled = 0;
    if (!all && !c->tasks)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (all || c->tasks[tasks[i]])
            scaled += pl_graph_task_work(g, tasks[i]);
    return (1 - c->work) * scaled;
}

/*
 * The rounding room of a unit of n tasks whose term is T, 2 (n + 4) DBL_EPSILON T, from the
 * errors of sums in floating point (each addition off by at most half an ulp of its result,
 * no more than T / 2^53 here, where every partial sum is at most T):
 *  - the walk sums the unit's n times alone in the same order with and without the change,
 *    so the two sums differ by their terms' differences give or take n DBL_EPSILON T (each
 *    step's two errors, at most DBL_EPSILON T apart);
 *  - a scaled task's time alone loses its work times (1 - c->work) but for 2 DBL_EPSILON of
 *    its time alone (its own roundings, with and without the change), 2 DBL_EPSILON T in all;
 *  - the work taken here, summed over the m scaled tasks and scaled, is off by at most
 *    (m + 2) DBL_EPSILON T / 2, and m <= n;
 *  - the term's head + work + tail and the sums here are off by a few DBL_EPSILON T more.
 * That is at most (1.5 n + 6) DBL_EPSILON T.
 */
double pl_bound_terms_most(const pl_graph *g, const pl_bound_terms *t, const pl_graph_change *c)
{
    bool scales = c->units || c->tasks;
    if ((scales && !(c->work >= 0 && c->work <= 1)) || (c->links && !(c->bandwidth >= 1)) ||
        (c->place != PL_NO_ID && c->cores < 0))
        return INFINITY;
    double most = t->bound.critical_path;
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        double total = total_of(&t->units[u]);
        if (!(total > 0))
            continue;
        uint32_t n;
        pl_graph_unit_tasks(g, u, &n);
        double taken = scales ? work_taken(g, c, u) : 0;
        double rounding = 2 * ((double)n + 4) * DBL_EPSILON * total;
        most = fmax(most, fmin(total, total - taken + rounding));
    }
    most = largest(t->places, pl_graph_place_count(g), most);
    return largest(t->links, pl_graph_link_count(g), most);
}

/* The bytes routed over link l, summed as load_unit sums them: unit after unit, each
 * unit's tasks in order, those with bytes. */
static double bytes_over(const pl_graph *g, uint32_t l)
{
    double sum = 0;
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        uint32_t nroute, n;
        const uint32_t *route = pl_graph_unit_route(g, u, &nroute);
        bool over = false;
        for (uint32_t k = 0; k < nroute; k++)
            over = over || route[k] == l;
        const uint32_t *tasks = over ? pl_graph_unit_tasks(g, u, &n) : NULL;
        for (uint32_t i = 0; over && i < n; i++) {
            double bytes = pl_graph_task_bytes(g, tasks[i]);
            if (bytes > 0)
                sum += bytes;
        }
    }
    return sum;
}

bool pl_bound_terms_widened(const pl_graph *g, const pl_bound_terms *t, const pl_graph_change *c,
                            double *makespan)
{
    if (c->units || c->tasks || !c->links || (c->place != PL_NO_ID && c->cores != 0))
        return false;
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        if (pl_graph_changed_narrowest(g, c, u) != pl_graph_changed_narrowest(g, NULL, u))
            return false;
    /* The terms in the order compute() considers them; the largest is the bound. */
    double most = largest(t->units, pl_graph_unit_count(g), t->bound.critical_path);
    most = largest(t->places, pl_graph_place_count(g), most);
    for (uint32_t l = 0; l < pl_graph_link_count(g); l++) {
        const pl_bound_term *x = &t->links[l];
        double work = x->work;
        if (c->links[l]) {
            double bytes = bytes_over(g, l);
            if (!(bytes > 0))
                continue;
            work = bytes / pl_graph_changed_bandwidth(g, c, l);
        }
        most = fmax(most, x->head + work + x->tail); /* as total_of, with the new work */
    }
    *makespan = most;
    return true;
}
