/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * latency.c — departures in item order, sorted, then statistics with GSL.
 *
 * The latencies are written over the items' entries, and sorted with the items' exits
 * as the scratch space, so that the statistics take no memory of their own. The sort is
 * a radix sort of the doubles' bits: for doubles of the sign bit clear (latencies are
 * never negative), the bits read as an unsigned integer order exactly as the doubles do,
 * and two equal doubles have the same bits, so the sorted array is the very one a
 * comparison sort gives, and the mean, the percentiles and the extremes read from it are
 * the same to the last bit. Latencies already in order (a dispatch pipeline's, whose
 * items queue longer and longer) are left as they are. A latency of another sign (none
 * comes from a timeline) falls back to gsl_sort.
 */
#include "sim/measure/latency.h"

#include "sim/measure/extrema.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Bits a pass of the radix sort sorts by; passes enough for all 64. */
#define DIGIT_BITS 11
#define DIGITS (1u << DIGIT_BITS)
#define PASSES ((64 + DIGIT_BITS - 1) / DIGIT_BITS)

static uint64_t bits_of(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* Sorts x[0, n) ascending through scratch[0, n) (both x's size), least significant digit
 * first, skipping the digits every value shares; nothing to do where the values are in
 * order already, as a pipeline's latencies often are (each item waits longer than the one
 * before). False, with x untouched, when a value has its sign bit set or is a NaN, or
 * when out of memory. */
static bool radix_sort(double *x, double *scratch, uint64_t n)
{
    bool ordered = true;
    for (uint64_t i = 0; i < n; i++) {
        if (bits_of(x[i]) >> 63 || isnan(x[i]))
            return false;
        ordered &= i == 0 || bits_of(x[i - 1]) <= bits_of(x[i]);
    }
    if (ordered)
        return true;
    size_t (*count)[DIGITS] = calloc(PASSES, sizeof *count);
    if (!count)
        return false;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t b = bits_of(x[i]);
        for (unsigned p = 0; p < PASSES; p++)
            count[p][(b >> (p * DIGIT_BITS)) & (DIGITS - 1)]++;
    }
    double *from = x, *to = scratch;
    for (unsigned p = 0; p < PASSES; p++) {
        unsigned shift = p * DIGIT_BITS;
        if (count[p][(bits_of(x[0]) >> shift) & (DIGITS - 1)] == n)
            continue; /* every value has this digit: the order stays */
        size_t at = 0;
        for (unsigned d = 0; d < DIGITS; d++) {
            size_t c = count[p][d];
            count[p][d] = at;
            at += c;
        }
        for (uint64_t i = 0; i < n; i++)
            to[count[p][(bits_of(from[i]) >> shift) & (DIGITS - 1)]++] = from[i];
        double *t = from;
        from = to;
        to = t;
    }
    if (from != x)
        memcpy(x, from, n * sizeof *x);
    free(count);
    return true;
}

int pl_latency_compute(pl_items *items, pl_latency *out)
{
    *out = (pl_latency){0};
    /* Items that left, in order: each leaves once it and every earlier item are done. The
     * n-th latency goes where the n-th item's entry was, already read. */
    double *lat = items->enter, out_so_far = -INFINITY;
    uint64_t n = 0;
    for (uint64_t i = 0; i < items->n; i++) {
        if (!(items->leave[i] >= items->enter[i]))
            continue;
        out_so_far = pl_max(out_so_far, items->leave[i]);
        lat[n++] = out_so_far - items->enter[i];
    }
    out->items = n;
    if (n > 0) {
        if (!radix_sort(lat, items->leave, n))
            gsl_sort(lat, 1, n);
        out->mean = gsl_stats_mean(lat, 1, n);
        out->min = lat[0];
        out->max = lat[n - 1];
        out->p50 = gsl_stats_quantile_from_sorted_data(lat, 1, n, 0.5);
        out->p99 = gsl_stats_quantile_from_sorted_data(lat, 1, n, 0.99);
    }
    return 0;
}
