/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * latency.c — per item: the earliest start and the latest end of its tasks;
 * departures in item order; statistics with GSL.
 */
#include "latency.h"

#include "error.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

int pl_latency_compute(const pl_graph *g, const pl_timeline *tl, pl_latency *out)
{
    *out = (pl_latency){0};
    uint64_t items = pl_graph_item_span(g);
    double *enter = malloc(((size_t)items + 1) * sizeof *enter);
    double *leave = malloc(((size_t)items + 1) * sizeof *leave);
    if (!enter || !leave) {
        free(enter);
        free(leave);
        return PL_ENOMEM;
    }
    for (uint64_t i = 0; i < items; i++) {
        enter[i] = INFINITY;
        leave[i] = -INFINITY;
    }
    for (uint32_t t = 0; t < pl_graph_task_count(g); t++) {
        uint32_t i = pl_graph_task_item(g, t);
        enter[i] = fmin(enter[i], tl->start[t]);
        leave[i] = fmax(leave[i], tl->end[t]);
    }
    /* Items that left, in order, with their latencies packed at the front of enter. */
    double out_so_far = -INFINITY;
    uint64_t n = 0;
    for (uint64_t i = 0; i < items; i++) {
        if (!(leave[i] >= enter[i]))
            continue;
        out_so_far = fmax(out_so_far, leave[i]);
        enter[n++] = out_so_far - enter[i];
    }
    out->items = n;
    if (n > 0) {
        gsl_sort(enter, 1, n);
        out->mean = gsl_stats_mean(enter, 1, n);
        out->min = enter[0];
        out->max = enter[n - 1];
        out->p50 = gsl_stats_quantile_from_sorted_data(enter, 1, n, 0.5);
        out->p99 = gsl_stats_quantile_from_sorted_data(enter, 1, n, 0.99);
    }
    free(enter);
    free(leave);
    return 0;
}
