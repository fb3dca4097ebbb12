/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * latency.h — how long each item (op, tile, frame) takes to go through the
 * pipeline, read from a timeline.
 *
 * An item enters when its first task starts and leaves when its last task has
 * ended and so has every earlier item's: items leave in order, as a pipeline's
 * output does (an item that overtook an earlier one on another thread waits for
 * it). Its latency is the time between the two.
 */
#ifndef PL_LATENCY_H
#define PL_LATENCY_H

#include "sim/measure/items.h"

#include <stdint.h>

typedef struct pl_latency {
    uint64_t items; /* items with at least one task */
    double mean, min, p50, p99, max;
} pl_latency;

/* Computes the latency statistics from each item's entry and exit (borrowed), using
 * their arrays as its own: on return both hold other values, and items serves for
 * nothing but pl_items_fini. Percentiles interpolate between sorted latencies (GSL's
 * quantile, the mean GSL's over the sorted latencies). Returns 0: it takes no memory. */
int pl_latency_compute(pl_items *items, pl_latency *out);

#endif
