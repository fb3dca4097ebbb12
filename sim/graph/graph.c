/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * graph.c — building the task graph: creating and destroying it, adding places, units,
 * stages, labels, tasks, edges, links and routes, and finalizing it.
 *
 * The graph module is one module in several files behind one header, sim/graph/graph.h:
 * this file builds a graph, graph_query.c answers questions about it, graph_change.c makes
 * changed copies and graph_arrays.c holds the task arrays' memory; all read the
 * representation in sim/graph/graph_impl.h.
 *
 * Tasks live in one array per field (struct pl_graph_tasks), grown together by doubling
 * or sized once by pl_graph_reserve (then carved from one block, see graph_arrays.c).
 * Models add a task's edges right after the task, so
 * edges usually arrive grouped by destination: they then go straight to their final
 * place (compressed rows: edges [edge_first[t], edge_first[t+1]) are exactly the edges
 * into t, in the order the model gave them). The first edge out of that order moves them
 * all to a flat list, which finalize sorts by destination (stably, so that each task's
 * edges keep their order either way). Finalize also groups tasks by unit in the order they
 * were added, which is the order each unit runs them.
 *
 * Transfers cost nothing to graphs without them: a unit's route is its own small
 * array, and bytes live in one array allocated at the first task that carries any,
 * covering tasks [0, nbytes) (later tasks carry none). Invariant: a task carries bytes
 * only if its unit has a route, so every task's time alone is defined. Sleeping tasks
 * likewise: the shares they sleep live in one array from the first that sleeps.
 */
#include "sim/graph/graph_impl.h"
#include "sim/common/array.h"
#include "sim/common/error.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* An edge's kind and event fit its bits (pl_edge). */
static_assert(PL_EDGE_KIND_COUNT <= 8 && sizeof(pl_edge) == 4, "an edge takes 4 bytes");

/* The capacity after growing from cap to hold need elements: doubled until it does.
 * Returns 0 or PL_ENOMEM when no 32-bit count holds need. */
static int next_capacity(uint32_t cap, uint32_t need, uint32_t *out)
{
    uint64_t ncap = cap ? (uint64_t)cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    if (ncap > UINT32_MAX - 1)
        ncap = UINT32_MAX - 1;
    if (ncap < need)
        return PL_ENOMEM;
    *out = (uint32_t)ncap;
    return 0;
}

/* Grows *p (of *cap elements of size sz) to hold at least need elements. */
static int grow(void **p, uint32_t *cap, uint32_t need, size_t sz)
{
    uint32_t ncap;
    if (need <= *cap)
        return 0;
    if (next_capacity(*cap, need, &ncap))
        return PL_ENOMEM;
    void *q = pl_array_realloc(*p, ncap, sz);
    if (!q)
        return PL_ENOMEM;
    *p = q;
    *cap = ncap;
    return 0;
}

uint64_t pl_graph_next_serial(void)
{
    /* Serials count the graphs the process made, from 1, whichever thread made them. */
    static _Atomic uint64_t made;
    return ++made;
}

pl_graph *pl_graph_create(const char *name)
{
    pl_graph *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->serial = pl_graph_next_serial();
    g->name = strdup(name);
    g->item_noun = strdup("items");
    g->backward = true;
    if (!g->name || !g->item_noun) {
        pl_graph_destroy(g);
        return NULL;
    }
    return g;
}

/* Frees the arrays a graph shares with its changed copies, when it is the last. */
static void release_shared(pl_graph *g)
{
    if (g->shared && --g->shared->refs > 0)
        return;
    for (uint32_t i = 0; i < g->nlabels; i++)
        free(g->t.labels[i]);
    free(g->t.labels);
    void *arrays[] = {g->t.unit.narrow, g->t.unit.wide, g->t.label.narrow,
                      g->t.label.wide,  g->t.item,      g->t.edge_first,
                      g->t.edges,       g->t.bytes,     g->unit_tasks,
                      g->t.sleep};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
        pl_graph_free_array(g, arrays[i]);
    free(g->block);
    free(g->shared);
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
    for (uint32_t i = 0; i < g->nstages; i++)
        free(g->stages[i]);
    release_shared(g);
    free(g->stages);
    free(g->places);
    free(g->units);
    free(g->last_task);
    free(g->label_slots);
    pl_graph_free_array(g, g->t.work);
    free(g->pending);
    free(g->links);
    free(g->name);
    free(g->item_noun);
    free(g);
}

static void set_id(pl_graph_ids *c, uint32_t task, uint32_t id)
{
    if (c->narrow)
        c->narrow[task] = (uint8_t)id;
    else
        c->wide[task] = id;
}

int pl_graph_add_place(pl_graph *g, const char *name, pl_place_kind kind, int cores,
                       uint32_t *id)
{
    assert(!g->t.final && cores >= 1);
    if (grow((void **)&g->places, &g->cap_places, g->nplaces + 1, sizeof *g->places))
        return PL_ENOMEM;
    char *copy = strdup(name);
    if (!copy)
        return PL_ENOMEM;
    g->places[g->nplaces] = (struct place){copy, kind, cores, {0, 0, 0, 0}};
    *id = g->nplaces++;
    return 0;
}

int pl_graph_add_unit(pl_graph *g, const char *name, uint32_t place, uint32_t *id)
{
    assert(!g->t.final && place < g->nplaces);
    uint32_t cap = g->cap_units;
    if (grow((void **)&g->units, &g->cap_units, g->nunits + 1, sizeof *g->units))
        return PL_ENOMEM;
    if (cap != g->cap_units) {
        uint32_t *lt = realloc(g->last_task, (size_t)g->cap_units * sizeof *lt);
        if (!lt)
            return PL_ENOMEM;
        g->last_task = lt;
    }
    if (g->nunits == PL_GRAPH_IDS8 && pl_graph_widen_ids(g, &g->t.unit))
        return PL_ENOMEM;
    char *copy = strdup(name);
    if (!copy)
        return PL_ENOMEM;
    g->units[g->nunits] = (struct unit){.name = copy, .place = place, .stage = PL_NO_STAGE};
    g->last_task[g->nunits] = PL_NO_EDGE;
    *id = g->nunits++;
    return 0;
}

/* FNV-1a: labels are looked up by their text in a table of slots. */
static uint64_t text_hash(const char *text)
{
    uint64_t h = 14695981039346656037u;
    for (const unsigned char *s = (const unsigned char *)text; *s; s++)
        h = (h ^ *s) * 1099511628211u;
    return h;
}

/* The slot of text in the label table: the one holding it, or the free one where it
 * belongs. The table is never full (nslots > 2 * nlabels). */
static uint32_t label_slot(const pl_graph *g, const char *text)
{
    uint32_t mask = g->nslots - 1, i = (uint32_t)text_hash(text) & mask;
    while (g->label_slots[i] && strcmp(g->t.labels[g->label_slots[i] - 1], text) != 0)
        i = (i + 1) & mask;
    return i;
}

/* Doubles the label table (or makes its first) once it would be half full, so that a
 * lookup probes a few slots whatever the number of labels. */
static int grow_label_slots(pl_graph *g)
{
    if ((uint64_t)2 * (g->nlabels + 1) < g->nslots)
        return 0;
    uint64_t n = g->nslots ? (uint64_t)g->nslots * 2 : 64;
    if (n > UINT32_MAX)
        return PL_ENOMEM;
    uint32_t *old = g->label_slots, nold = g->nslots;
    g->label_slots = calloc((size_t)n, sizeof *g->label_slots);
    if (!g->label_slots) {
        g->label_slots = old;
        return PL_ENOMEM;
    }
    g->nslots = (uint32_t)n;
    for (uint32_t i = 0; i < nold; i++)
        if (old[i])
            g->label_slots[label_slot(g, g->t.labels[old[i] - 1])] = old[i];
    free(old);
    return 0;
}

int pl_graph_add_label(pl_graph *g, const char *text, uint32_t *id)
{
    /* A model may name many distinct ops (one per task), so labels are hashed. */
    if (grow_label_slots(g))
        return PL_ENOMEM;
    uint32_t slot = label_slot(g, text);
    if (g->label_slots[slot]) {
        *id = g->label_slots[slot] - 1;
        return 0;
    }
    assert(!g->t.final);
    if (grow((void **)&g->t.labels, &g->cap_labels, g->nlabels + 1, sizeof *g->t.labels))
        return PL_ENOMEM;
    if (g->nlabels == PL_GRAPH_IDS8 && pl_graph_widen_ids(g, &g->t.label))
        return PL_ENOMEM;
    char *copy = strdup(text);
    if (!copy)
        return PL_ENOMEM;
    g->t.labels[g->nlabels] = copy;
    *id = g->nlabels++;
    g->label_slots[slot] = g->nlabels;
    return 0;
}

int pl_graph_add_stage(pl_graph *g, const char *name, uint32_t *id)
{
    assert(!g->t.final);
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
    assert(!g->t.final && unit < g->nunits && stage < g->nstages);
    g->units[unit].stage = stage;
}

int pl_graph_set_unit_wait(pl_graph *g, uint32_t unit, pl_wait_kind kind, double wakeup)
{
    assert(!g->t.final && unit < g->nunits);
    if (!(wakeup >= 0 && wakeup < INFINITY) || (kind == PL_WAIT_ACTIVE && wakeup != 0) ||
        (kind == PL_WAIT_ACTIVE && g->places[g->units[unit].place].kind != PL_PLACE_HOST))
        return PL_EINVAL;
    g->units[unit].wait = (uint8_t)kind;
    g->units[unit].wakeup = wakeup;
    return 0;
}

int pl_graph_set_place_scheduler(pl_graph *g, uint32_t place, pl_host_scheduler s)
{
    assert(!g->t.final && place < g->nplaces);
    if (g->places[place].kind != PL_PLACE_HOST || !(s.slice >= 0 && s.slice < INFINITY) ||
        !(s.tick >= 0 && s.tick < INFINITY) || !(s.wake_cost >= 0 && s.wake_cost < INFINITY) ||
        !(s.lag_limit >= 0 && s.lag_limit < INFINITY))
        return PL_EINVAL;
    g->places[place].sched = s;
    return 0;
}

int pl_graph_reserve(pl_graph *g, uint32_t tasks, uint32_t edges)
{
    assert(!g->t.final);
    /* The first sizing, before any task: every task array from one block (graph_arrays.c). */
    if (tasks > PL_GRAPH_MAX_TASKS)
        return PL_ENOMEM;
    if (g->cap_tasks == 0 && g->cap_edges == 0 && tasks > 0 && pl_graph_carve(g, tasks, edges))
        return PL_ENOMEM;
    if (tasks > g->cap_tasks && pl_graph_resize_tasks(g, tasks))
        return PL_ENOMEM;
    if (edges > g->cap_edges && g->npending == 0) {
        if (!pl_graph_resize_array(g, &g->t.edges, edges, sizeof *g->t.edges, g->t.nedges))
            return PL_ENOMEM;
        g->cap_edges = edges;
    }
    return 0;
}

int pl_graph_add_task(pl_graph *g, uint32_t unit, double work, uint32_t label, uint32_t item,
                      uint32_t *id)
{
    assert(!g->t.final && unit < g->nunits && label < g->nlabels && work >= 0);
    uint32_t t = g->t.ntasks;
    if (t >= PL_GRAPH_MAX_TASKS)
        return PL_ENOMEM;
    if (t == g->cap_tasks) {
        uint32_t cap;
        if (next_capacity(g->cap_tasks, t + 1, &cap) || pl_graph_resize_tasks(g, cap))
            return PL_ENOMEM;
    }
    g->t.work[t] = work;
    set_id(&g->t.unit, t, unit);
    set_id(&g->t.label, t, label);
    g->t.item[t] = item;
    g->last_task[unit] = t;
    g->units[unit].count++;
    *id = g->t.ntasks++;
    return 0;
}

/* Grows the edges' room to hold at least need, by doubling (out of the block, when it was
 * there). */
static int grow_edges(pl_graph *g, uint32_t need)
{
    uint32_t cap;
    if (need <= g->cap_edges)
        return 0;
    if (next_capacity(g->cap_edges, need, &cap) ||
        !pl_graph_resize_array(g, &g->t.edges, cap, sizeof *g->t.edges, g->t.nedges))
        return PL_ENOMEM;
    g->cap_edges = cap;
    return 0;
}

/* Moves the edges added so far, grouped by destination, to the flat list. */
static int to_pending(pl_graph *g)
{
    uint32_t n = g->t.nedges;
    if (grow((void **)&g->pending, &g->cap_pending, n + 1, sizeof *g->pending))
        return PL_ENOMEM;
    for (uint32_t t = 0, e = 0; e < n; t++)
        for (uint32_t end = t < g->last_dst ? g->t.edge_first[t + 1] : n; e < end; e++)
            g->pending[e] = (struct pending_edge){t, g->t.edges[e]};
    g->npending = n;
    g->t.nedges = 0;
    return 0;
}

int pl_graph_add_edge(pl_graph *g, uint32_t from, uint32_t to, pl_edge_kind kind,
                      pl_edge_at at)
{
    assert(!g->t.final && from < g->t.ntasks && to < g->t.ntasks && kind < PL_EDGE_KIND_COUNT);
    pl_edge edge = {from, (unsigned)kind, (unsigned)at};
    g->backward = g->backward && from < to;
    g->kinds |= 1u << kind;
    if (g->npending == 0 && to >= g->last_dst) {
        if (grow_edges(g, g->t.nedges + 1))
            return PL_ENOMEM;
        if (g->t.nedges == 0)
            g->t.edge_first[0] = 0;
        while (g->last_dst < to)
            g->t.edge_first[++g->last_dst] = g->t.nedges;
        /* Copied whole: assigned field by field, a bitfield's store reads the slot first,
         * and the first read of a fresh page maps the zero page, which the write then
         * has to replace (a second fault, and a TLB flush on every core the process
         * runs on). */
        memcpy(&g->t.edges[g->t.nedges++], &edge, sizeof edge);
        return 0;
    }
    if (g->npending == 0 && to_pending(g))
        return PL_ENOMEM;
    if (grow((void **)&g->pending, &g->cap_pending, g->npending + 1, sizeof *g->pending))
        return PL_ENOMEM;
    g->pending[g->npending++] = (struct pending_edge){to, edge};
    return 0;
}

int pl_graph_add_link(pl_graph *g, const char *name, double bandwidth, uint32_t *id)
{
    assert(!g->t.final);
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
    assert(!g->t.final && unit < g->nunits);
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

int pl_graph_set_task_sleep(pl_graph *g, uint32_t task, double share)
{
    assert(!g->t.final && task < g->t.ntasks);
    if (!(share >= 0 && share <= 1) ||
        g->places[g->units[pl_graph_task_unit(g, task)].place].kind != PL_PLACE_HOST)
        return PL_EINVAL;
    if (share == 0 && task >= g->t.nsleep)
        return 0;
    if (pl_graph_cover(g, &g->t.sleep, &g->t.nsleep, &g->cap_sleep, task))
        return PL_ENOMEM;
    g->t.sleep[task] = share;
    return 0;
}

int pl_graph_set_task_bytes(pl_graph *g, uint32_t task, double bytes)
{
    assert(!g->t.final && task < g->t.ntasks && bytes >= 0 && isfinite(bytes));
    struct unit *u = &g->units[pl_graph_task_unit(g, task)];
    double old = task < g->t.nbytes ? g->t.bytes[task] : 0;
    if (bytes > 0 && u->nroute == 0)
        return PL_EINVAL;
    if (bytes == old)
        return 0;
    if (pl_graph_cover(g, &g->t.bytes, &g->t.nbytes, &g->cap_bytes, task))
        return PL_ENOMEM;
    g->t.bytes[task] = bytes;
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

/* Ends the rows of edges that arrived in order: tasks after the last destination have
 * none. Or, when some did not, a counting sort of the list by destination (stable). */
static int group_edges(pl_graph *g)
{
    uint32_t n = g->t.ntasks;
    if (g->npending == 0) {
        if (g->t.nedges == 0)
            g->t.edge_first[0] = 0;
        while (g->last_dst < n)
            g->t.edge_first[++g->last_dst] = g->t.nedges;
        return 0;
    }
    if (!pl_graph_resize_array(g, &g->t.edges, (size_t)g->npending + 1, sizeof *g->t.edges, 0))
        return PL_ENOMEM;
    pl_edge *edges = g->t.edges;
    g->cap_edges = g->npending + 1;
    uint32_t *first = g->t.edge_first;
    memset(first, 0, ((size_t)n + 1) * sizeof *first);
    for (uint32_t i = 0; i < g->npending; i++)
        first[g->pending[i].dst + 1]++;
    for (uint32_t t = 0; t < n; t++)
        first[t + 1] += first[t];
    uint32_t *fill = malloc(((size_t)n + 1) * sizeof *fill);
    if (!fill)
        return PL_ENOMEM;
    memcpy(fill, first, ((size_t)n + 1) * sizeof *fill);
    for (uint32_t i = 0; i < g->npending; i++)
        memcpy(&edges[fill[g->pending[i].dst]++], &g->pending[i].edge, sizeof(pl_edge));
    free(fill);
    g->t.nedges = g->npending;
    free(g->pending);
    g->pending = NULL;
    g->npending = g->cap_pending = 0;
    return 0;
}

/* Tasks grouped by unit, each group in the order the tasks were added. */
static int group_tasks(pl_graph *g)
{
    g->unit_tasks = g->block_order ? g->block_order
                                   : pl_array_alloc((size_t)g->t.ntasks + 1, sizeof *g->unit_tasks);
    if (!g->unit_tasks)
        return PL_ENOMEM;
    /* Each unit's next place in unit_tasks, in last_task (done with once the graph is
     * built); one loop per width of the unit ids. */
    uint32_t at = 0, *next = g->last_task, *to = g->unit_tasks;
    for (uint32_t u = 0; u < g->nunits; u++) {
        g->units[u].first = next[u] = at;
        at += g->units[u].count;
    }
    const pl_graph_ids *unit = &g->t.unit;
    if (unit->narrow)
        for (uint32_t t = 0; t < g->t.ntasks; t++)
            to[next[unit->narrow[t]]++] = t;
    else
        for (uint32_t t = 0; t < g->t.ntasks; t++)
            to[next[unit->wide[t]]++] = t;
    return 0;
}

/* Gives back what growing by doubling, or room reserved and not used, left over: a
 * finalized graph does not grow. An array already of its size (room reserved exactly) is
 * left alone: growing it by one would copy it. */
/* Gives back a column's room past its n entries (and one more); kept on failure. */
static void trim_column(double **col, uint32_t n, uint32_t *cap)
{
    double *b = *col && *cap > n + 1 ? realloc(*col, ((size_t)n + 1) * sizeof *b) : NULL;
    if (b) {
        *col = b;
        *cap = n + 1;
    }
}

static void shrink(pl_graph *g)
{
    pl_graph_trim_block(g);
    if (g->cap_tasks > g->t.ntasks + 1 && !g->block)
        pl_graph_resize_tasks(g, g->t.ntasks + 1); /* on failure, they all hold ntasks + 1 */
    if ((!g->t.edges || g->cap_edges > g->t.nedges + 1) &&
        !pl_graph_in_block(g, g->t.edges) &&
        pl_graph_resize_array(g, &g->t.edges, (size_t)g->t.nedges + 1, sizeof *g->t.edges,
                              g->t.nedges))
        g->cap_edges = g->t.nedges + 1;
    trim_column(&g->t.bytes, g->t.nbytes, &g->cap_bytes);
    trim_column(&g->t.sleep, g->t.nsleep, &g->cap_sleep);
}

int pl_graph_finalize(pl_graph *g)
{
    assert(!g->t.final);
    g->shared = calloc(1, sizeof *g->shared);
    if (!g->shared || (g->cap_tasks == 0 && pl_graph_resize_tasks(g, 1)))
        return PL_ENOMEM;
    g->shared->refs = 1;
    int rc = group_edges(g);
    if (rc == 0)
        rc = group_tasks(g);
    if (rc == 0) {
        shrink(g);
        g->t.final = true;
    }
    return rc;
}
