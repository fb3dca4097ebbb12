/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * graph.c — the task graph.
 *
 * While building, edges sit in a flat list in the order they were added; finalize
 * groups them by destination task (compressed rows, stable, so a task's edges keep
 * the order the model gave them) and groups tasks by unit in the order they were
 * added, which is the order each unit runs them. Invariant after finalize: for every
 * task t, edges [edge_first[t], edge_first[t+1]) are exactly the edges into t.
 *
 * Transfers cost nothing to graphs without them: a unit's route is its own small
 * array, and bytes live in one array allocated at the first task that carries any,
 * covering tasks [0, nbytes) (later tasks carry none). Invariant: a task carries bytes
 * only if its unit has a route, so every task's time alone is defined.
 */
#include "sim/graph/graph.h"
#include "sim/common/error.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct place {
    char *name;
    pl_place_kind kind;
    int cores;
};

struct unit {
    char *name;
    uint32_t place;
    uint32_t first; /* into unit_tasks, after finalize */
    uint32_t count;
    uint32_t *route; /* link ids, or NULL */
    uint32_t nroute;
    uint32_t carrying; /* tasks with bytes > 0 */
    double narrowest;  /* the smallest bandwidth on the route */
    uint32_t stage;    /* PL_NO_STAGE when it belongs to none */
    uint8_t wait;      /* pl_wait_kind */
    double wakeup;     /* seconds a passive waiter pays when woken */
};

struct link {
    char *name;
    double bandwidth;
};

struct task {
    double work;
    uint32_t unit;
    uint32_t label;
    uint32_t item;
    uint32_t prev; /* previous task on the same unit, or PL_NO_EDGE */
};

struct pending_edge {
    uint32_t dst;
    pl_edge edge;
};

struct pl_graph {
    char *name;
    struct place *places;
    uint32_t nplaces, cap_places;
    struct unit *units;
    uint32_t nunits, cap_units;
    uint32_t *last_task; /* per unit while building: its latest task, or PL_NO_EDGE */
    char **labels;
    uint32_t nlabels, cap_labels;
    char **stages;
    uint32_t nstages, cap_stages;
    struct task *tasks;
    uint32_t ntasks, cap_tasks;
    struct pending_edge *pending;
    uint32_t npending, cap_pending;
    struct link *links;
    uint32_t nlinks, cap_links;
    double *bytes; /* tasks [0, nbytes); NULL until a task carries bytes */
    uint32_t nbytes, cap_bytes;
    pl_edge *edges;       /* after finalize */
    uint32_t *edge_first; /* ntasks + 1 */
    uint32_t *unit_tasks; /* ntasks, grouped by unit */
    uint64_t items;
    char *item_noun;
    bool backward; /* every edge's source comes before its destination */
    bool final;
};

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

/* Grows *p (of *cap elements of size sz) to hold at least need elements. */
static int grow(void **p, uint32_t *cap, uint32_t need, size_t sz)
{
    if (need <= *cap)
        return 0;
    uint64_t ncap = *cap ? (uint64_t)*cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    if (ncap > UINT32_MAX - 1)
        ncap = UINT32_MAX - 1;
    if (ncap < need)
        return PL_ENOMEM;
    void *q = realloc(*p, (size_t)ncap * sz);
    if (!q)
        return PL_ENOMEM;
    *p = q;
    *cap = (uint32_t)ncap;
    return 0;
}

pl_graph *pl_graph_create(const char *name)
{
    pl_graph *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->name = strdup(name);
    g->item_noun = strdup("items");
    if (!g->name || !g->item_noun) {
        pl_graph_destroy(g);
        return NULL;
    }
    return g;
}

void pl_graph_destroy(pl_graph *g)
{
    if (!g)
        return;
    for (uint32_t i = 0; i < g->nplaces; i++)
        free(g->places[i].name);
    for (uint32_t i = 0; i < g->nunits; i++) {
        free(g->units[i].name);
        free(g->units[i].route);
    }
    for (uint32_t i = 0; i < g->nlinks; i++)
        free(g->links[i].name);
    for (uint32_t i = 0; i < g->nlabels; i++)
        free(g->labels[i]);
    for (uint32_t i = 0; i < g->nstages; i++)
        free(g->stages[i]);
    free(g->stages);
    free(g->places);
    free(g->units);
    free(g->last_task);
    free(g->labels);
    free(g->tasks);
    free(g->pending);
    free(g->links);
    free(g->bytes);
    free(g->edges);
    free(g->edge_first);
    free(g->unit_tasks);
    free(g->name);
    free(g->item_noun);
    free(g);
}

int pl_graph_add_place(pl_graph *g, const char *name, pl_place_kind kind, int cores,
                       uint32_t *id)
{
    assert(!g->final && cores >= 1);
    if (grow((void **)&g->places, &g->cap_places, g->nplaces + 1, sizeof *g->places))
        return PL_ENOMEM;
    char *copy = strdup(name);
    if (!copy)
        return PL_ENOMEM;
    g->places[g->nplaces] = (struct place){copy, kind, cores};
    *id = g->nplaces++;
    return 0;
}

int pl_graph_add_unit(pl_graph *g, const char *name, uint32_t place, uint32_t *id)
{
    assert(!g->final && place < g->nplaces);
    uint32_t cap = g->cap_units;
    if (grow((void **)&g->units, &g->cap_units, g->nunits + 1, sizeof *g->units))
        return PL_ENOMEM;
    if (cap != g->cap_units) {
        uint32_t *lt = realloc(g->last_task, (size_t)g->cap_units * sizeof *lt);
        if (!lt)
            return PL_ENOMEM;
        g->last_task = lt;
    }
    char *copy = strdup(name);
    if (!copy)
        return PL_ENOMEM;
    g->units[g->nunits] = (struct unit){.name = copy, .place = place, .stage = PL_NO_STAGE};
    g->last_task[g->nunits] = PL_NO_EDGE;
    *id = g->nunits++;
    return 0;
}

int pl_graph_add_label(pl_graph *g, const char *text, uint32_t *id)
{
    /* Labels are op names: few distinct ones, so a linear search is enough. */
    for (uint32_t i = 0; i < g->nlabels; i++) {
        if (strcmp(g->labels[i], text) == 0) {
            *id = i;
            return 0;
        }
    }
    if (grow((void **)&g->labels, &g->cap_labels, g->nlabels + 1, sizeof *g->labels))
        return PL_ENOMEM;
    char *copy = strdup(text);
    if (!copy)
        return PL_ENOMEM;
    g->labels[g->nlabels] = copy;
    *id = g->nlabels++;
    return 0;
}

int pl_graph_add_stage(pl_graph *g, const char *name, uint32_t *id)
{
    assert(!g->final);
    if (grow((void **)&g->stages, &g->cap_stages, g->nstages + 1, sizeof *g->stages))
        return PL_ENOMEM;
    char *copy = strdup(name);
    if (!copy)
        return PL_ENOMEM;
    g->stages[g->nstages] = copy;
    *id = g->nstages++;
    return 0;
}

void pl_graph_set_unit_stage(pl_graph *g, uint32_t unit, uint32_t stage)
{
    assert(!g->final && unit < g->nunits && stage < g->nstages);
    g->units[unit].stage = stage;
}

int pl_graph_set_unit_wait(pl_graph *g, uint32_t unit, pl_wait_kind kind, double wakeup)
{
    assert(!g->final && unit < g->nunits);
    if (!(wakeup >= 0 && wakeup < INFINITY) || (kind == PL_WAIT_ACTIVE && wakeup != 0) ||
        (kind == PL_WAIT_ACTIVE && g->places[g->units[unit].place].kind != PL_PLACE_HOST))
        return PL_EINVAL;
    g->units[unit].wait = (uint8_t)kind;
    g->units[unit].wakeup = wakeup;
    return 0;
}

int pl_graph_add_task(pl_graph *g, uint32_t unit, double work, uint32_t label, uint32_t item,
                      uint32_t *id)
{
    assert(!g->final && unit < g->nunits && label < g->nlabels && work >= 0);
    if (grow((void **)&g->tasks, &g->cap_tasks, g->ntasks + 1, sizeof *g->tasks))
        return PL_ENOMEM;
    g->tasks[g->ntasks] = (struct task){work, unit, label, item, g->last_task[unit]};
    g->last_task[unit] = g->ntasks;
    g->units[unit].count++;
    *id = g->ntasks++;
    return 0;
}

int pl_graph_add_edge(pl_graph *g, uint32_t from, uint32_t to, pl_edge_kind kind,
                      pl_edge_at at)
{
    assert(!g->final && from < g->ntasks && to < g->ntasks && kind < PL_EDGE_KIND_COUNT);
    if (grow((void **)&g->pending, &g->cap_pending, g->npending + 1, sizeof *g->pending))
        return PL_ENOMEM;
    g->pending[g->npending++] = (struct pending_edge){to, {from, (uint8_t)kind, (uint8_t)at}};
    return 0;
}

int pl_graph_add_link(pl_graph *g, const char *name, double bandwidth, uint32_t *id)
{
    assert(!g->final);
    if (!(bandwidth > 0) || !isfinite(bandwidth))
        return PL_EINVAL;
    if (grow((void **)&g->links, &g->cap_links, g->nlinks + 1, sizeof *g->links))
        return PL_ENOMEM;
    char *copy = strdup(name);
    if (!copy)
        return PL_ENOMEM;
    g->links[g->nlinks] = (struct link){copy, bandwidth};
    *id = g->nlinks++;
    return 0;
}

int pl_graph_set_unit_route(pl_graph *g, uint32_t unit, const uint32_t *links, uint32_t n)
{
    assert(!g->final && unit < g->nunits);
    struct unit *u = &g->units[unit];
    /* Tasks that already carry bytes must keep a route to carry them over. */
    if (n == 0 && u->carrying > 0)
        return PL_EINVAL;
    double narrowest = INFINITY;
    for (uint32_t i = 0; i < n; i++) {
        assert(links[i] < g->nlinks);
        for (uint32_t j = 0; j < i; j++)
            if (links[j] == links[i])
                return PL_EINVAL; /* a transfer would count twice against that link */
        narrowest = fmin(narrowest, g->links[links[i]].bandwidth);
    }
    uint32_t *copy = NULL;
    if (n > 0) {
        copy = malloc((size_t)n * sizeof *copy);
        if (!copy)
            return PL_ENOMEM;
        memcpy(copy, links, (size_t)n * sizeof *copy);
    }
    free(u->route);
    u->route = copy;
    u->nroute = n;
    u->narrowest = narrowest;
    return 0;
}

int pl_graph_set_task_bytes(pl_graph *g, uint32_t task, double bytes)
{
    assert(!g->final && task < g->ntasks && bytes >= 0 && isfinite(bytes));
    struct unit *u = &g->units[g->tasks[task].unit];
    double old = task < g->nbytes ? g->bytes[task] : 0;
    if (bytes > 0 && u->nroute == 0)
        return PL_EINVAL;
    if (bytes == old)
        return 0;
    if (task >= g->nbytes) {
        if (grow((void **)&g->bytes, &g->cap_bytes, task + 1, sizeof *g->bytes))
            return PL_ENOMEM;
        memset(g->bytes + g->nbytes, 0, (size_t)(task + 1 - g->nbytes) * sizeof *g->bytes);
        g->nbytes = task + 1;
    }
    g->bytes[task] = bytes;
    u->carrying += (bytes > 0) - (old > 0);
    return 0;
}

int pl_graph_set_items(pl_graph *g, uint64_t count, const char *noun)
{
    char *copy = strdup(noun);
    if (!copy)
        return PL_ENOMEM;
    free(g->item_noun);
    g->item_noun = copy;
    g->items = count;
    return 0;
}

/* Counting sort of the pending edges by destination; stable. */
static int group_edges(pl_graph *g)
{
    g->edge_first = calloc((size_t)g->ntasks + 1, sizeof *g->edge_first);
    g->edges = malloc(((size_t)g->npending + 1) * sizeof *g->edges);
    if (!g->edge_first || !g->edges)
        return PL_ENOMEM;
    for (uint32_t i = 0; i < g->npending; i++)
        g->edge_first[g->pending[i].dst + 1]++;
    for (uint32_t t = 0; t < g->ntasks; t++)
        g->edge_first[t + 1] += g->edge_first[t];
    uint32_t *fill = malloc(((size_t)g->ntasks + 1) * sizeof *fill);
    if (!fill)
        return PL_ENOMEM;
    memcpy(fill, g->edge_first, ((size_t)g->ntasks + 1) * sizeof *fill);
    g->backward = true;
    for (uint32_t i = 0; i < g->npending; i++) {
        g->edges[fill[g->pending[i].dst]++] = g->pending[i].edge;
        g->backward = g->backward && g->pending[i].edge.src < g->pending[i].dst;
    }
    free(fill);
    free(g->pending);
    g->pending = NULL;
    g->cap_pending = 0;
    return 0;
}

/* Tasks grouped by unit, each group in the order the tasks were added. */
static int group_tasks(pl_graph *g)
{
    g->unit_tasks = malloc(((size_t)g->ntasks + 1) * sizeof *g->unit_tasks);
    if (!g->unit_tasks)
        return PL_ENOMEM;
    uint32_t at = 0;
    for (uint32_t u = 0; u < g->nunits; u++) {
        g->units[u].first = at;
        at += g->units[u].count;
        g->units[u].count = 0;
    }
    for (uint32_t t = 0; t < g->ntasks; t++) {
        struct unit *u = &g->units[g->tasks[t].unit];
        g->unit_tasks[u->first + u->count++] = t;
    }
    return 0;
}

/* Gives back what growing by doubling left unused: a finalized graph does not grow. */
static void shrink(pl_graph *g)
{
    struct task *t = realloc(g->tasks, ((size_t)g->ntasks + 1) * sizeof *t);
    if (t) {
        g->tasks = t;
        g->cap_tasks = g->ntasks + 1;
    }
    double *b = g->bytes ? realloc(g->bytes, ((size_t)g->nbytes + 1) * sizeof *b) : NULL;
    if (b) {
        g->bytes = b;
        g->cap_bytes = g->nbytes + 1;
    }
}

int pl_graph_finalize(pl_graph *g)
{
    assert(!g->final);
    int rc = group_edges(g);
    if (rc == 0)
        rc = group_tasks(g);
    if (rc == 0) {
        shrink(g);
        g->final = true;
    }
    return rc;
}

static size_t text_bytes(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

size_t pl_graph_bytes(const pl_graph *g)
{
    size_t n = sizeof *g + text_bytes(g->name) + text_bytes(g->item_noun);
    n += (size_t)g->cap_places * sizeof *g->places + (size_t)g->cap_units * (sizeof *g->units + 4);
    n += (size_t)g->cap_labels * sizeof *g->labels + (size_t)g->cap_stages * sizeof *g->stages;
    n += (size_t)g->cap_links * sizeof *g->links + (size_t)g->cap_bytes * sizeof *g->bytes;
    for (uint32_t i = 0; i < g->nplaces; i++)
        n += text_bytes(g->places[i].name);
    for (uint32_t i = 0; i < g->nunits; i++)
        n += text_bytes(g->units[i].name) + g->units[i].nroute * sizeof *g->units[i].route;
    for (uint32_t i = 0; i < g->nlabels; i++)
        n += text_bytes(g->labels[i]);
    for (uint32_t i = 0; i < g->nstages; i++)
        n += text_bytes(g->stages[i]);
    for (uint32_t i = 0; i < g->nlinks; i++)
        n += text_bytes(g->links[i].name);
    n += (size_t)g->cap_tasks * sizeof *g->tasks;
    n += (size_t)g->edge_first[g->ntasks] * sizeof *g->edges;
    n += ((size_t)g->ntasks + 1) * (sizeof *g->edge_first + sizeof *g->unit_tasks);
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
    assert(g->final && unit < g->nunits);
    *n = g->units[unit].count;
    return g->unit_tasks + g->units[unit].first;
}

uint32_t pl_graph_task_count(const pl_graph *g)
{
    return g->ntasks;
}

uint32_t pl_graph_task_unit(const pl_graph *g, uint32_t task)
{
    assert(task < g->ntasks);
    return g->tasks[task].unit;
}

double pl_graph_task_work(const pl_graph *g, uint32_t task)
{
    assert(task < g->ntasks);
    return g->tasks[task].work;
}

uint32_t pl_graph_task_item(const pl_graph *g, uint32_t task)
{
    assert(task < g->ntasks);
    return g->tasks[task].item;
}

const char *pl_graph_task_label(const pl_graph *g, uint32_t task)
{
    assert(task < g->ntasks);
    return g->labels[g->tasks[task].label];
}

uint32_t pl_graph_task_prev(const pl_graph *g, uint32_t task)
{
    assert(task < g->ntasks);
    return g->tasks[task].prev;
}

void pl_graph_task_edges(const pl_graph *g, uint32_t task, uint32_t *first, uint32_t *n)
{
    assert(g->final && task < g->ntasks);
    *first = g->edge_first[task];
    *n = g->edge_first[task + 1] - g->edge_first[task];
}

uint32_t pl_graph_edge_count(const pl_graph *g)
{
    assert(g->final);
    return g->edge_first[g->ntasks];
}

const pl_edge *pl_graph_edge(const pl_graph *g, uint32_t edge)
{
    assert(g->final && edge < g->edge_first[g->ntasks]);
    return &g->edges[edge];
}

bool pl_graph_edges_backward(const pl_graph *g)
{
    assert(g->final);
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

double pl_graph_task_bytes(const pl_graph *g, uint32_t task)
{
    assert(task < g->ntasks);
    return task < g->nbytes ? g->bytes[task] : 0;
}

double pl_graph_unit_narrowest(const pl_graph *g, uint32_t unit)
{
    assert(unit < g->nunits);
    return g->units[unit].nroute > 0 ? g->units[unit].narrowest : 0;
}

double pl_graph_task_alone(const pl_graph *g, uint32_t task)
{
    assert(task < g->ntasks);
    double work = g->tasks[task].work, bytes = pl_graph_task_bytes(g, task);
    const struct unit *u = &g->units[g->tasks[task].unit];
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
    for (uint32_t t = 0; t < g->ntasks; t++)
        if (g->tasks[t].item >= items)
            items = (uint64_t)g->tasks[t].item + 1;
    return items;
}

const char *pl_graph_item_noun(const pl_graph *g)
{
    return g->item_noun;
}
