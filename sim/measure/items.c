/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * items.c — one pass over the tasks, keeping each item's first start and last end.
 */
#include "sim/measure/items.h"

#include "sim/common/array.h"
#include "sim/common/error.h"
#include "sim/measure/extrema.h"

#include <math.h>
#include <stdlib.h>

int pl_items_init(pl_items *out, const pl_graph *g, const pl_timeline *tl)
{
    out->n = pl_graph_item_span(g);
    out->enter = pl_array_alloc((size_t)out->n + 1, sizeof *out->enter);
    out->leave = pl_array_alloc((size_t)out->n + 1, sizeof *out->leave);
    if (!out->enter || !out->leave)
        return PL_ENOMEM;
    for (uint64_t i = 0; i < out->n; i++) {
        out->enter[i] = INFINITY;
        out->leave[i] = -INFINITY;
    }
    for (uint32_t t = 0, n = pl_graph_task_count(g); t < n; t++) {
        uint32_t i = pl_graph_task_item(g, t);
        out->enter[i] = pl_min(out->enter[i], tl->start[t]);
        out->leave[i] = pl_max(out->leave[i], tl->end[t]);
    }
    return 0;
}

void pl_items_fini(pl_items *items)
{
    free(items->enter);
    free(items->leave);
    items->enter = items->leave = NULL;
    items->n = 0;
}
