/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gaps.h — a unit's free time while the list scheduler fills it: the gaps between
 * the tasks placed on it, in time order, and all time from `tail`, the end of its
 * last task.
 *
 * The scheduler asks where a task fits earliest (the first gap in time order that
 * holds it, counting the gaps it looks at) and takes that time out of the gap. The
 * gaps are kept in blocks of a few hundred, so that taking one moves at most a block
 * and a block list, never all the gaps after it: a loop of a million tasks may leave
 * tens of thousands of gaps on a unit, filled in any order.
 */
#ifndef PL_PLAN_GAPS_H
#define PL_PLAN_GAPS_H

#include "sim/measure/extrema.h"

#include <stdint.h>

/* Where a gap is: gap `index` of block `block`; block == nblocks is the tail. */
typedef struct pl_gap_at {
    uint32_t block, index;
} pl_gap_at;

struct pl_gap_block;

/* The caller provides the storage: zero-initialised is an empty line at tail 0. */
typedef struct pl_gaps {
    struct pl_gap_block **blocks; /* in time order, none empty */
    double *ends;                 /* per block: its last gap's end, where the searches look */
    uint32_t nblocks, cap;
    double tail;
} pl_gaps;

/* Empties the line (tail 0), keeping its memory for the next pass. */
void pl_gaps_reset(pl_gaps *g);
void pl_gaps_fini(pl_gaps *g);

/* Where a task fits on a line: its start, and the gap (or the tail) it starts in. Returned
 * by value, in registers: through a pointer, which kept the scheduler's copy in memory, a
 * plan took 3 to 6 % more CPU time. */
typedef struct pl_gap_fit {
    double start;
    pl_gap_at at;
} pl_gap_fit;

/* The earliest start at or after `ready` where `length` fits: in the first gap that
 * ends after `ready` and holds it from max(ready, its start), or at max(ready, tail),
 * with that gap (or the tail). Adds the number of gaps looked at to *steps. */
pl_gap_fit pl_gaps_earliest(const pl_gaps *g, double ready, double length, uint64_t *steps);

/* The tail, as a place to take time from. */
pl_gap_at pl_gaps_tail(const pl_gaps *g);

/* Takes [start, end) out of the gap at `at` (or from the tail, which moves to end): what
 * is left of the gap on either side stays a gap. Returns 0 or PL_ENOMEM (the line is then
 * unchanged). */
int pl_gaps_take(pl_gaps *g, pl_gap_at at, double start, double end);

#endif
