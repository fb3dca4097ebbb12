/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * phases.c — the units' first starts and last ends (their spans), then item completions.
 */
#include "sim/measure/phases.h"

#include "sim/measure/extrema.h"

#include <math.h>

/* The latest first start and the earliest last end over units that do some work, in unit
 * order. Returns 0 when no unit does. */
static int fill_and_empty(const pl_unit_span *span, uint32_t nunits, double *full,
                          double *emptying)
{
    int any = 0;
    for (uint32_t u = 0; u < nunits; u++) {
        double first = span[u].first, last = span[u].last;
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
        first = pl_min(first, done);
        last = pl_max(last, done);
    }
    if (out->steady_items >= 2)
        out->period = (last - first) / (double)(out->steady_items - 1);
}

void pl_phases_compute(const pl_unit_span *span, uint32_t nunits, double makespan,
                       const pl_items *items, pl_phases *out)
{
    *out = (pl_phases){0};
    double full = 0, emptying = 0;
    if (!fill_and_empty(span, nunits, &full, &emptying)) {
        out->drain = makespan;
        return;
    }
    if (emptying <= full) {
        out->warmup = emptying;
        out->drain = makespan - emptying;
        return;
    }
    out->warmup = full;
    out->steady = emptying - full;
    out->drain = makespan - emptying;
    steady_completions(items, full, emptying, out);
}
