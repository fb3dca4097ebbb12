/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * items.c — room for each item's first start and last end; the metrics' pass over the
 * tasks fills it.
 */
#include "sim/measure/items.h"

#include "sim/common/array.h"
#include "sim/common/error.h"

#include <math.h>
#include <stdlib.h>

int pl_items_alloc(pl_items *out, const pl_graph *g)
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
    return 0;
}

void pl_items_fini(pl_items *items)
{
    free(items->enter);
    free(items->leave);
    items->enter = items->leave = NULL;
    items->n = 0;
}
