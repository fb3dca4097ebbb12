/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * phases.c — first starts and last ends of the units, then item completions.
 */
#include "sim/measure/phases.h"

#include <math.h>

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
static void steady_completions(const pl_items *items, double from, double to, pl_phases *out)
{
    double first = INFINITY, last = -INFINITY;
    for (uint64_t i = 0; i < items->n; i++) {
        double done = items->leave[i];
        if (!(done > from && done <= to))
            continue;
        out->steady_items++;
        first = fmin(first, done);
        last = fmax(last, done);
    }
    if (out->steady_items >= 2)
        out->period = (last - first) / (double)(out->steady_items - 1);
}

void pl_phases_compute(const pl_graph *g, const pl_timeline *tl, const pl_items *items,
                       pl_phases *out)
{
    *out = (pl_phases){0};
    double full = 0, emptying = 0;
    if (!fill_and_empty(g, tl, &full, &emptying)) {
        out->drain = tl->makespan;
        return;
    }
    if (emptying <= full) {
        out->warmup = emptying;
        out->drain = tl->makespan - emptying;
        return;
    }
    out->warmup = full;
    out->steady = emptying - full;
    out->drain = tl->makespan - emptying;
    steady_completions(items, full, emptying, out);
}
