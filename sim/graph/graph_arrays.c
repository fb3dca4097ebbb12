/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * graph_arrays.c — the memory of a graph's task arrays: sizing them, growing them,
 * widening an id column, covering a column of values given to some tasks only (bytes,
 * sleep), and the one block that pl_graph_reserve carves them from.
 *
 * A graph of millions of tasks spends most of its building on the first write to each
 * page of its arrays (the kernel clears the page). Huge pages make that several times
 * cheaper per byte, but pl_array_alloc can only ask for the whole huge pages inside an
 * array, which starts anywhere: an array of a few MiB gets about half of its bytes on
 * small pages, and one of less than 2 MiB none. So when a model reserves its graph's size
 * (the first pl_graph_reserve, before any task), every per-task array is carved from one
 * block: work, item, the edge rows, the unit order (for finalize), the
 * unit and label columns and last the reserved edges, each at a multiple of 8 bytes. Only
 * the block's two ends miss huge pages. An array that must grow past the reserved room, or
 * be widened, moves out of the block into an allocation of its own (copied once); the
 * block stays until the arrays it holds are freed with the shared arrays (release_shared
 * in graph.c). Finalize gives back the edges' unused room at the block's end (the only
 * room a model reserves by estimate), and none of the tasks' (reserved exactly).
 */
#include "sim/common/array.h"
#include "sim/common/error.h"
#include "sim/graph/graph_impl.h"

#include <stdlib.h>
#include <string.h>

bool pl_graph_in_block(const pl_graph *g, const void *p)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)g->block;
    return g->block && a >= b && a < b + g->block_bytes;
}

void pl_graph_free_array(const pl_graph *g, void *p)
{
    if (!pl_graph_in_block(g, p))
        free(p);
}

bool pl_graph_resize_array(const pl_graph *g, void *p, size_t n, size_t sz, size_t keep)
{
    void *old = *(void **)p;
    if (!pl_graph_in_block(g, old)) {
        void *q = pl_array_realloc(old, n, sz);
        if (q)
            *(void **)p = q;
        return q != NULL;
    }
    void *q = pl_array_alloc(n, sz);
    if (q)
        memcpy(q, old, (keep < n ? keep : n) * sz);
    if (q)
        *(void **)p = q;
    return q != NULL;
}

/* Makes column c hold n ids, of one byte while there are at most PL_GRAPH_IDS8 of them. */
static bool resize_ids(const pl_graph *g, pl_graph_ids *c, size_t n, uint32_t ids)
{
    size_t keep = g->t.ntasks;
    return ids > PL_GRAPH_IDS8 ? pl_graph_resize_array(g, &c->wide, n, sizeof *c->wide, keep)
                               : pl_graph_resize_array(g, &c->narrow, n, sizeof *c->narrow, keep);
}

int pl_graph_resize_tasks(pl_graph *g, uint32_t cap)
{
    size_t n = (size_t)cap, keep = g->t.ntasks;
    struct pl_graph_tasks *t = &g->t;
    bool ok = pl_graph_resize_array(g, &t->work, n, sizeof *t->work, keep) &&
              resize_ids(g, &t->unit, n, g->nunits) && resize_ids(g, &t->label, n, g->nlabels) &&
              pl_graph_resize_array(g, &t->item, n, sizeof *t->item, keep) &&
              pl_graph_resize_array(g, &t->edge_first, n + 1, sizeof *t->edge_first, keep + 1);
    if (!ok)
        return PL_ENOMEM;
    g->cap_tasks = cap;
    g->block_order = NULL; /* the unit order's room is the old size's */
    return 0;
}

int pl_graph_widen_ids(pl_graph *g, pl_graph_ids *c)
{
    if (!c->narrow)
        return 0;
    uint32_t *wide = pl_array_alloc((size_t)g->cap_tasks + 1, sizeof *wide);
    if (!wide)
        return PL_ENOMEM;
    for (uint32_t t = 0; t < g->t.ntasks; t++)
        wide[t] = c->narrow[t];
    pl_graph_free_array(g, c->narrow);
    c->narrow = NULL;
    c->wide = wide;
    return 0;
}

/* Bytes of n elements of size sz, rounded up to a multiple of 8. */
static size_t part(size_t n, size_t sz)
{
    return (n * sz + 7) / 8 * 8;
}

/* The width of an id column for `ids` units (labels). */
static size_t id_width(uint32_t ids)
{
    return ids > PL_GRAPH_IDS8 ? sizeof(uint32_t) : sizeof(uint8_t);
}

int pl_graph_carve(pl_graph *g, uint32_t tasks, uint32_t edges)
{
    size_t n = tasks, wu = id_width(g->nunits), wl = id_width(g->nlabels);
    size_t bytes = part(n, sizeof(double)) + part(edges, sizeof(pl_edge)) +
                   part(n, sizeof(uint32_t)) + 2 * part(n + 1, sizeof(uint32_t)) +
                   part(n, wu) + part(n, wl);
    char *at = pl_array_alloc_written(bytes, 1);
    if (!at)
        return PL_ENOMEM;
    g->block = at;
    g->block_bytes = bytes;
    struct pl_graph_tasks *t = &g->t;
    t->work = (double *)(void *)at;
    at += part(n, sizeof(double));
    t->item = (uint32_t *)(void *)at;
    at += part(n, sizeof(uint32_t));
    t->edge_first = (uint32_t *)(void *)at;
    at += part(n + 1, sizeof(uint32_t));
    g->block_order = (uint32_t *)(void *)at;
    at += part(n + 1, sizeof(uint32_t));
    pl_graph_ids *cols[2] = {&t->unit, &t->label};
    size_t width[2] = {wu, wl};
    for (int i = 0; i < 2; i++) {
        if (width[i] == sizeof(uint32_t))
            cols[i]->wide = (uint32_t *)(void *)at;
        else
            cols[i]->narrow = (uint8_t *)at;
        at += part(n, width[i]);
    }
    t->edges = edges > 0 ? (pl_edge *)(void *)at : NULL; /* last, see pl_graph_trim_block */
    g->cap_edges = edges;
    g->cap_tasks = tasks;
    return 0;
}

void pl_graph_trim_block(pl_graph *g)
{
    if (!pl_graph_in_block(g, g->t.edges) || g->cap_edges <= g->t.nedges + 1)
        return;
    char *base = g->block;
    size_t keep = (size_t)((char *)g->t.edges - base) + part(g->t.nedges + 1, sizeof(pl_edge));
    /* Every pointer into the block, as an offset, in case realloc moves it. */
    void **slots[] = {(void **)&g->t.work,       (void **)&g->t.item,
                      (void **)&g->t.edge_first, (void **)&g->unit_tasks,
                      (void **)&g->block_order,  (void **)&g->t.unit.narrow,
                      (void **)&g->t.unit.wide,  (void **)&g->t.label.narrow,
                      (void **)&g->t.label.wide, (void **)&g->t.edges};
    enum { NSLOTS = sizeof slots / sizeof *slots };
    size_t off[NSLOTS];
    for (size_t i = 0; i < NSLOTS; i++)
        off[i] = pl_graph_in_block(g, *slots[i]) ? (size_t)((char *)*slots[i] - base) : SIZE_MAX;
    char *q = realloc(base, keep);
    if (!q)
        return; /* the room stays */
    for (size_t i = 0; i < NSLOTS; i++)
        if (off[i] != SIZE_MAX)
            *slots[i] = q + off[i];
    g->block = q;
    g->block_bytes = keep;
    g->cap_edges = g->t.nedges + 1;
}

/* The stretch of a column made present ahead of its writes (pl_graph_cover). */
#define COVER_AHEAD ((size_t)1 << 20)

int pl_graph_cover(pl_graph *g, double **col, uint32_t *n, uint32_t *cap, uint32_t task)
{
    if (task < *n)
        return 0;
    /* The room the task arrays have (reserved, or grown by doubling): grown with them
     * rather than by doubling on its own, which would copy it each time. */
    if (*cap < g->cap_tasks && !pl_graph_resize_array(g, col, g->cap_tasks, sizeof **col, *n))
        return PL_ENOMEM;
    *cap = g->cap_tasks;
    /* The stretches [k A, (k + 1) A) of bytes that the writes [done, next) enter anew. */
    size_t done = (size_t)*n * sizeof **col, next = ((size_t)task + 1) * sizeof **col;
    size_t first = done == 0 ? 0 : (done - 1) / COVER_AHEAD + 1, last = (next - 1) / COVER_AHEAD;
    if (first <= last) {
        size_t start = first * COVER_AHEAD, end = (last + 1) * COVER_AHEAD;
        size_t room = (size_t)*cap * sizeof **col;
        pl_array_present((char *)*col + start, (end < room ? end : room) - start);
    }
    memset(*col + *n, 0, (size_t)(task + 1 - *n) * sizeof **col);
    *n = task + 1;
    return 0;
}
