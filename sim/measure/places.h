/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * places.h — how busy each place is as a whole: for a core, how long any of its
 * pipes works, how long two or more work at once (the overlap that pipelining
 * buys), and how long all of them idle.
 *
 * Read from a timeline only, like the unit metrics. For every place
 * active + all idle = makespan, and overlap <= active.
 */
#ifndef PL_PLACES_H
#define PL_PLACES_H

#include "sim/graph/graph.h"
#include "sim/graph/timeline.h"
#include "sim/measure/spans.h"

#include <stdint.h>

typedef struct pl_place_metrics {
    uint32_t units;  /* units placed here */
    double active;   /* time at least one of them is busy */
    double overlap;  /* time at least two of them are busy at once */
    double idle;     /* makespan - active: all of them idle */
} pl_place_metrics;

/* Fills out[p] for every place of g (an array of pl_graph_place_count(g), provided by the
 * caller) from the complete timeline tl and its units' spans (span[u] for every unit; all
 * borrowed): a place of one unit is active for that unit's active time. Tasks of no
 * duration count for nothing. Returns 0 or PL_ENOMEM. */
int pl_places_compute(const pl_graph *g, const pl_timeline *tl, const pl_unit_span *span,
                      pl_place_metrics *out);

#endif
