/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * phases.h — a pipeline's warm-up, steady state and drain, read from a timeline.
 *
 * Warm-up lasts until the last unit to start has started its first task (the
 * pipeline is full); drain begins when the first unit to finish has ended its
 * last task (the pipeline empties); steady state is what lies between. Units
 * whose tasks all take no time (markers) do not count. In the steady state the
 * period is the mean time between the completions of the items that complete
 * in it (an item completes when the last of its tasks ends).
 */
#ifndef PL_PHASES_H
#define PL_PHASES_H

#include "sim/measure/items.h"
#include "sim/measure/spans.h"

#include <stdint.h>

typedef struct pl_phases {
    double warmup;        /* [0, warmup) */
    double steady;        /* [warmup, warmup + steady); 0 when the pipeline never fills */
    double drain;         /* the rest of the makespan */
    uint64_t steady_items; /* items completing in the steady state */
    double period;        /* time between those completions; 0 with fewer than two */
} pl_phases;

/* Computes the phases of a complete timeline of makespan `makespan` from its units' spans
 * (span[u] for each of nunits units) and its items' entries and exits (all borrowed). When
 * the first unit finishes before the last one starts there is no steady state: warm-up
 * ends where drain begins, at the earlier of the two. */
void pl_phases_compute(const pl_unit_span *span, uint32_t nunits, double makespan,
                       const pl_items *items, pl_phases *out);

#endif
