/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * phases.c — first starts and last ends of the units, then item completions.
 */
#include "phases.h"

#include "error.h"

#include <math.h>
#include <stdlib.h>

/* The latest first start and the earliest last end over units that do some work. Returns
 * 0 when no unit does. */
static int fill_and_empty(const pl_graph *g, const pl_timeline *tl, double *full,
                          double *emptying)
{
    int any = 0;
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        uint32_t n;
        const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
        double first = INFINITY, last = -INFINITY;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t t = tasks[i];
            if (!(tl->end[t] > tl->start[t]))
                continue;
            if (tl->start[t] < first)
                first = tl->start[t];
            last = tl->end[t];
        }
        if (last < first)
            continue;
        *full = any && *full > first ? *full : first;
        *emptying = any && *emptying < last ? *emptying : last;
        any = 1;
    }
    return any;
}

/* Counts the items completing in (from, to] and the time between the first and last of
 * those completions. */
static int steady_completions(const pl_graph *g, const pl_timeline *tl, double from, double to,
                              pl_phases *out)
{
    uint64_t items = pl_graph_item_span(g);
    uint32_t ntasks = pl_graph_task_count(g);
    double *done = malloc(((size_t)items + 1) * sizeof *done);
    if (!done)
        return PL_ENOMEM;
    for (uint64_t i = 0; i < items; i++)
        done[i] = -INFINITY;
    for (uint32_t t = 0; t < ntasks; t++) {
        uint32_t i = pl_graph_task_item(g, t);
        if (tl->end[t] > done[i])
            done[i] = tl->end[t];
    }
    double first = INFINITY, last = -INFINITY;
    for (uint64_t i = 0; i < items; i++) {
        if (!(done[i] > from && done[i] <= to))
            continue;
        out->steady_items++;
        first = fmin(first, done[i]);
        last = fmax(last, done[i]);
    }
    free(done);
    if (out->steady_items >= 2)
        out->period = (last - first) / (double)(out->steady_items - 1);
    return 0;
}

int pl_phases_compute(const pl_graph *g, const pl_timeline *tl, pl_phases *out)
{
    *out = (pl_phases){0};
    double full = 0, emptying = 0;
    if (!fill_and_empty(g, tl, &full, &emptying)) {
        out->drain = tl->makespan;
        return 0;
    }
    if (emptying <= full) {
        out->warmup = emptying;
        out->drain = tl->makespan - emptying;
        return 0;
    }
    out->warmup = full;
    out->steady = emptying - full;
    out->drain = tl->makespan - emptying;
    return steady_completions(g, tl, full, emptying, out);
}
