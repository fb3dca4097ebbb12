/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * items.h — when each item (op, tile, frame) entered and left the pipeline, read
 * once from a timeline for the phases and the latencies.
 */
#ifndef PL_ITEMS_H
#define PL_ITEMS_H

#include "sim/graph/graph.h"

#include <stdint.h>

/* Indexed by item, [0, n): the earliest start and the latest end of the item's tasks;
 * INFINITY and -INFINITY for an item no task names. */
typedef struct pl_items {
    uint64_t n; /* pl_graph_item_span */
    double *enter;
    double *leave;
} pl_items;

/* Room in *out for every item of g (pl_graph_item_span), each named by no task yet (the
 * metrics' pass over the tasks then takes each task's start and end into its item's).
 * Returns 0 or PL_ENOMEM; free with pl_items_fini, also after a failure. */
int pl_items_alloc(pl_items *out, const pl_graph *g);

void pl_items_fini(pl_items *items);

#endif
