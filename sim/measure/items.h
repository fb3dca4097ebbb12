/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * items.h — when each item (op, tile, frame) entered and left the pipeline, read
 * once from a timeline for the phases and the latencies.
 */
#ifndef PL_ITEMS_H
#define PL_ITEMS_H

#include "sim/graph/graph.h"
#include "sim/measure/extrema.h"

#include <stdint.h>

/* Indexed by item, [0, n): the earliest start and the latest end of the item's tasks;
 * INFINITY and -INFINITY for an item no task names. */
typedef struct pl_items {
    uint64_t n; /* pl_graph_item_span */
    double *enter;
    double *leave;
} pl_items;

/* Room in *out for every item of g (pl_graph_item_span), each named by no task yet.
 * Returns 0 or PL_ENOMEM; free with pl_items_fini, also after a failure. */
int pl_items_alloc(pl_items *out, const pl_graph *g);

/* A task of `item` ran from start to end: the item entered no later and left no earlier.
 * Fed every task of a complete timeline, in any order, *it holds the items' entries
 * and exits. */
static inline void pl_items_add(pl_items *it, uint32_t item, double start, double end)
{
    it->enter[item] = pl_min(it->enter[item], start);
    it->leave[item] = pl_max(it->leave[item], end);
}

void pl_items_fini(pl_items *items);

#endif
