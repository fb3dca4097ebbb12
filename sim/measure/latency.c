/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * latency.c — departures in item order, then statistics with GSL.
 */
#include "sim/measure/latency.h"

#include "sim/common/error.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

int pl_latency_compute(const pl_items *items, pl_latency *out)
{
    *out = (pl_latency){0};
    double *lat = malloc(((size_t)items->n + 1) * sizeof *lat);
    if (!lat)
        return PL_ENOMEM;
    /* Items that left, in order: each leaves once it and every earlier item are done. */
    double out_so_far = -INFINITY;
    uint64_t n = 0;
    for (uint64_t i = 0; i < items->n; i++) {
        if (!(items->leave[i] >= items->enter[i]))
            continue;
        out_so_far = fmax(out_so_far, items->leave[i]);
        lat[n++] = out_so_far - items->enter[i];
    }
    out->items = n;
    if (n > 0) {
        gsl_sort(lat, 1, n);
        out->mean = gsl_stats_mean(lat, 1, n);
        out->min = lat[0];
        out->max = lat[n - 1];
        out->p50 = gsl_stats_quantile_from_sorted_data(lat, 1, n, 0.5);
        out->p99 = gsl_stats_quantile_from_sorted_data(lat, 1, n, 0.99);
    }
    free(lat);
    return 0;
}
