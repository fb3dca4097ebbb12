/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * liveness.h — buffer liveness of a scheduled loop, and where each buffer
 * instance lives in the on-chip memory.
 *
 * An *instance* is one iteration's value of a buffer: (b, i) is written by the
 * writers of b in iteration i and read by the readers that take that value (a
 * reader after a writer in program order reads iteration i's value; a reader
 * with no writer before it reads the previous iteration's, see
 * pl_plan_loop_add_buffer_deps). Its lifetime runs from the start of its first
 * writer to the end of its last access, half open: an instance that ends at t
 * and one that starts at t may share memory, when its last access comes before the other's
 * first writer in planned order (pl_plan_planned_order): which is always so unless both
 * take no time, and then the order is what a unit runs them in. An op that reads the previous
 * iteration's value and writes the buffer (an accumulator) updates it in place:
 * the old value's lifetime ends as that op starts, when the new one begins. Two more kinds of
 * instance have iteration -1: a resident buffer (never written) lives over the whole schedule; the
 * value before the loop that a loop-carried read of iteration 0 takes lives from 0 to the end of
 * that read (to its start for an in-place update). The reuse list is sorted by (to, from).
 *
 * Instances whose lifetimes do not overlap share memory. Each buffer's instances
 * are coloured in order of their start with the lowest free *version* (physical
 * copy): 1 version means the buffer is reused in place, 2 is ping-pong. A
 * version of a buffer is one physical buffer; physical buffers are given offsets
 * first-fit, in order of their first start, so that two whose spans (first start
 * to last end) are disjoint may share addresses too.
 *
 * One module in two files behind this header: models/plan/liveness.c (the lifetimes, and
 * pl_plan_liveness, which runs the whole) and models/plan/placement.c (versions and offsets).
 */
#ifndef PL_PLAN_LIVENESS_H
#define PL_PLAN_LIVENESS_H

#include "models/plan/loop.h"
#include "models/plan/sched.h"

#include <stdint.h>

typedef struct pl_plan_instance {
    uint32_t buffer;
    int32_t iter;      /* -1: resident, or the value before the loop */
    double start, end; /* lifetime [start, end) */
    uint32_t version;  /* its physical copy of the buffer, from 0 */
    double offset;     /* bytes from the start of the memory */
} pl_plan_instance;

/* Instance `to` takes memory that instance `from` held: to's writers must wait for the
 * end of every access to `from`. Listed for consecutive instances of one physical buffer,
 * and for physical buffers that reuse another's addresses. */
typedef struct pl_plan_reuse {
    uint32_t from, to; /* instance indices */
} pl_plan_reuse;

/* Owned; pl_plan_memmap_fini frees it. */
typedef struct pl_plan_memmap {
    pl_plan_instance *inst; /* by buffer, then iteration (-1 first) */
    uint32_t ninst;
    uint32_t *versions; /* per buffer: how many physical copies */
    pl_plan_reuse *reuse;
    uint32_t nreuse;
    double no_reuse;  /* bytes if every instance had its own memory */
    double footprint; /* bytes used: the largest offset + size */
    double max_live;  /* the most bytes live at one time: a lower bound on any footprint */
    /* The footprints of the two placements (INFINITY for one not tried), and whether the
     * offsets are largest first's (else first use's). */
    double footprint_first_use, footprint_largest_first;
    bool largest_first;
    uint32_t *order; /* every task in planned order (pl_plan_planned_order), by which the
                        lifetimes meeting at one moment were told apart: the lowering's */
} pl_plan_memmap;

/* The liveness and memory map of loop l (borrowed) under schedule s (borrowed) into *out.
 * Fails with PL_ENOMEM only. */
int pl_plan_liveness(const pl_plan_loop *l, const pl_plan_schedule *s, pl_plan_memmap *out);
/* What a search compares of a memory map: pl_plan_liveness without the reuse list (nreuse
 * 0) and max_live (0), which cost a sort of the instances each; versions, footprints,
 * instances and order as it gives them. Fails with PL_ENOMEM only. */
int pl_plan_footprint(const pl_plan_loop *l, const pl_plan_schedule *s, pl_plan_memmap *out);
void pl_plan_memmap_fini(pl_plan_memmap *m);

/* The tasks that access instance k (borrowed): its writers and, when `readers` is true,
 * the tasks that read it too. Writes at most cap task ids to out and returns how many there
 * are (call again with a larger out when that is more than cap). */
uint32_t pl_plan_instance_tasks(const pl_plan_loop *l, const pl_plan_instance *k, bool readers,
                                uint32_t *out, uint32_t cap);

#endif
