/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * graph_query.c — reading the task graph: the names of the edge kinds, the accessors of
 * places, units, stages, tasks, edges and links, a task's time alone, the items, and the
 * memory a graph holds.
 *
 * The graph module is one module in two files behind one header, sim/graph/graph.h:
 * graph.c creates, builds and finalizes a graph, this file answers questions about it,
 * and both read the representation in sim/graph/graph_impl.h. Invariant this file reads
 * by, kept by graph.c: after finalize, edges [edge_first[t], edge_first[t+1]) are exactly
 * the edges into task t and unit_tasks[first, first + count) are a unit's tasks in run
 * order; bytes cover tasks [0, nbytes) and later tasks carry none.
 */
#include "sim/graph/graph_impl.h"
#include "sim/common/error.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name, *cause, *help;
} edge_kinds[] = {
#define PL_EDGE_INFO(name, spelled, cause, help) {spelled, cause, help},
    PL_EDGE_KINDS(PL_EDGE_INFO)
#undef PL_EDGE_INFO
};

const char *pl_edge_kind_name(pl_edge_kind k)
{
    return k < PL_EDGE_KIND_COUNT ? edge_kinds[k].name : "?";
}

const char *pl_edge_cause_name(pl_edge_kind k)
{
    return k < PL_EDGE_KIND_COUNT ? edge_kinds[k].cause : "?";
}

const char *pl_edge_cause_help(pl_edge_kind k)
{
    return k < PL_EDGE_KIND_COUNT ? edge_kinds[k].help : "?";
}

static size_t text_bytes(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* Bytes per task of an id column. */
static size_t ids_width(const pl_graph_ids *c)
{
    return c->narrow ? sizeof *c->narrow : sizeof *c->wide;
}

size_t pl_graph_bytes(const pl_graph *g)
{
    size_t n = sizeof *g + text_bytes(g->name) + text_bytes(g->item_noun);
    n += (size_t)g->cap_places * sizeof *g->places + (size_t)g->cap_units * (sizeof *g->units + 4);
    n += (size_t)g->cap_stages * sizeof *g->stages + (size_t)g->cap_links * sizeof *g->links;
    for (uint32_t i = 0; i < g->nplaces; i++)
        n += text_bytes(g->places[i].name);
    for (uint32_t i = 0; i < g->nunits; i++)
        n += text_bytes(g->units[i].name) + g->units[i].nroute * sizeof *g->units[i].route;
    for (uint32_t i = 0; i < g->nstages; i++)
        n += text_bytes(g->stages[i]);
    for (uint32_t i = 0; i < g->nlinks; i++)
        n += text_bytes(g->links[i].name);
    /* The task arrays, also those a changed copy shares with its original. */
    n += (size_t)g->cap_tasks * (sizeof *g->t.work + sizeof *g->t.item);
    n += (size_t)g->cap_tasks * (ids_width(&g->t.unit) + ids_width(&g->t.label));
    n += (size_t)g->cap_labels * sizeof *g->t.labels + (size_t)g->cap_bytes * sizeof *g->t.bytes;
    n += (size_t)g->cap_sleep * sizeof *g->t.sleep;
    for (uint32_t i = 0; i < g->nlabels; i++)
        n += text_bytes(g->t.labels[i]);
    n += (size_t)g->cap_edges * sizeof *g->t.edges;
    n += ((size_t)g->cap_tasks + 1) * sizeof *g->t.edge_first;
    n += ((size_t)g->t.ntasks + 1) * sizeof *g->unit_tasks;
    return n;
}

const char *pl_graph_name(const pl_graph *g)
{
    return g->name;
}

uint32_t pl_graph_place_count(const pl_graph *g)
{
    return g->nplaces;
}

const char *pl_graph_place_name(const pl_graph *g, uint32_t place)
{
    assert(place < g->nplaces);
    return g->places[place].name;
}

pl_place_kind pl_graph_place_kind(const pl_graph *g, uint32_t place)
{
    assert(place < g->nplaces);
    return g->places[place].kind;
}

int pl_graph_place_cores(const pl_graph *g, uint32_t place)
{
    assert(place < g->nplaces);
    return g->places[place].cores;
}

pl_host_scheduler pl_graph_place_scheduler(const pl_graph *g, uint32_t place)
{
    assert(place < g->nplaces);
    return g->places[place].sched;
}

uint32_t pl_graph_unit_count(const pl_graph *g)
{
    return g->nunits;
}

const char *pl_graph_unit_name(const pl_graph *g, uint32_t unit)
{
    assert(unit < g->nunits);
    return g->units[unit].name;
}

uint32_t pl_graph_unit_place(const pl_graph *g, uint32_t unit)
{
    assert(unit < g->nunits);
    return g->units[unit].place;
}

uint32_t pl_graph_unit_stage(const pl_graph *g, uint32_t unit)
{
    assert(unit < g->nunits);
    return g->units[unit].stage;
}

pl_wait_kind pl_graph_unit_wait(const pl_graph *g, uint32_t unit)
{
    assert(unit < g->nunits);
    return (pl_wait_kind)g->units[unit].wait;
}

double pl_graph_unit_wakeup(const pl_graph *g, uint32_t unit)
{
    assert(unit < g->nunits);
    return g->units[unit].wakeup;
}

uint64_t pl_graph_serial(const pl_graph *g)
{
    return g->serial;
}

double pl_graph_unit_wake_cost(const pl_graph *g, uint32_t unit)
{
    assert(unit < g->nunits);
    const struct place *p = &g->places[g->units[unit].place];
    return p->kind == PL_PLACE_HOST ? p->sched.wake_cost : 0;
}

bool pl_graph_unit_sleeps(const pl_graph *g, uint32_t unit)
{
    assert(unit < g->nunits);
    return g->places[g->units[unit].place].kind == PL_PLACE_HOST &&
           g->units[unit].wait == PL_WAIT_PASSIVE;
}

bool pl_graph_wakes(const pl_graph *g)
{
    uint32_t waker = PL_NO_EDGE, wakers = 0, sleeper = PL_NO_EDGE, sleepers = 0;
    for (uint32_t u = 0; u < g->nunits; u++) {
        if (pl_graph_unit_wake_cost(g, u) > 0)
            waker = u, wakers++;
        if (pl_graph_unit_sleeps(g, u))
            sleeper = u, sleepers++;
    }
    /* A unit never wakes itself. */
    return wakers > 0 && sleepers > 0 && !(wakers == 1 && sleepers == 1 && waker == sleeper);
}

uint32_t pl_graph_stage_count(const pl_graph *g)
{
    return g->nstages;
}

const char *pl_graph_stage_name(const pl_graph *g, uint32_t stage)
{
    assert(stage < g->nstages);
    return g->stages[stage];
}

const uint32_t *pl_graph_unit_tasks(const pl_graph *g, uint32_t unit, uint32_t *n)
{
    assert(g->t.final && unit < g->nunits);
    *n = g->units[unit].count;
    return g->unit_tasks + g->units[unit].first;
}

uint32_t pl_graph_task_rank(const pl_graph *g, uint32_t task)
{
    assert(g->t.final && task < g->t.ntasks);
    uint32_t n;
    const uint32_t *tasks = pl_graph_unit_tasks(g, pl_graph_task_unit(g, task), &n);
    uint32_t lo = 0, hi = n; /* the unit's tasks ascend; task is among them */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (tasks[mid] <= task)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

uint32_t pl_graph_task_prev(const pl_graph *g, uint32_t task)
{
    uint32_t n, at = pl_graph_task_rank(g, task);
    const uint32_t *tasks = pl_graph_unit_tasks(g, pl_graph_task_unit(g, task), &n);
    return at > 0 ? tasks[at - 1] : PL_NO_EDGE;
}

bool pl_graph_edges_backward(const pl_graph *g)
{
    assert(g->t.final);
    return g->backward;
}

uint32_t pl_graph_link_count(const pl_graph *g)
{
    return g->nlinks;
}

const char *pl_graph_link_name(const pl_graph *g, uint32_t link)
{
    assert(link < g->nlinks);
    return g->links[link].name;
}

double pl_graph_link_bandwidth(const pl_graph *g, uint32_t link)
{
    assert(link < g->nlinks);
    return g->links[link].bandwidth;
}

const uint32_t *pl_graph_unit_route(const pl_graph *g, uint32_t unit, uint32_t *n)
{
    assert(unit < g->nunits);
    *n = g->units[unit].nroute;
    return g->units[unit].route;
}

double pl_graph_unit_narrowest(const pl_graph *g, uint32_t unit)
{
    return pl_graph_changed_narrowest(g, NULL, unit);
}

double pl_graph_task_alone(const pl_graph *g, uint32_t task)
{
    assert(task < g->t.ntasks);
    double work = g->t.work[task], bytes = pl_graph_task_bytes(g, task);
    const struct unit *u = &g->units[pl_graph_task_unit(g, task)];
    if (bytes <= 0 || u->nroute == 0)
        return work;
    return work + bytes / u->narrowest;
}

uint64_t pl_graph_items(const pl_graph *g)
{
    return g->items;
}

uint64_t pl_graph_item_span(const pl_graph *g)
{
    uint64_t items = g->items;
    for (uint32_t t = 0; t < g->t.ntasks; t++)
        if (g->t.item[t] >= items)
            items = (uint64_t)g->t.item[t] + 1;
    return items;
}

const char *pl_graph_item_noun(const pl_graph *g)
{
    return g->item_noun;
}

/* Whether edge ed into task t is one a thread pays to wake another for. */
static bool wakes_across(const pl_graph *g, const pl_edge *ed, uint32_t t)
{
    uint32_t from = pl_graph_task_unit(g, ed->src), to = pl_graph_task_unit(g, t);
    return from != to && pl_graph_unit_sleeps(g, to) && pl_graph_unit_wake_cost(g, from) > 0;
}

int pl_graph_out_edges(const pl_graph *g, bool wake_only, uint32_t **first, uint32_t **out)
{
    uint32_t n = pl_graph_task_count(g), ne = pl_graph_edge_count(g);
    *first = calloc((size_t)n + 2, sizeof **first);
    *out = malloc(((size_t)ne + 1) * sizeof **out);
    if (!*first || !*out)
        return PL_ENOMEM;
    /* Counted one place on, each row's count at first[s + 2]; summed, first[s + 1] is row
     * s's start, which the fill moves to its end, first[s + 2]'s start. */
    for (int fill = 0; fill < 2; fill++) {
        for (uint32_t t = 0; t < n; t++) {
            uint32_t e0, k;
            pl_graph_task_edges(g, t, &e0, &k);
            for (uint32_t e = e0; e < e0 + k; e++) {
                const pl_edge *ed = pl_graph_edge(g, e);
                if (wake_only && !wakes_across(g, ed, t))
                    continue;
                if (fill)
                    (*out)[(*first)[ed->src + 1]++] =
                        t | (ed->at == PL_AT_START ? PL_OUT_FROM_START : 0);
                else
                    (*first)[ed->src + 2]++;
            }
        }
        for (uint32_t t = 0; !fill && t < n; t++)
            (*first)[t + 2] += (*first)[t + 1];
    }
    return 0;
}
