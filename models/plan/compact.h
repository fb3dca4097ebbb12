/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compact.h — a plan as its lowering reads it, and no more: the tasks in planned order,
 * each task's unit (and flight lane, on a pipelined class), and the reuse pairs named by
 * (buffer, iteration). The verdict's
 * variants are planned long before they are lowered (the verdict lowers one at a time);
 * kept in this form, a variant takes 8 bytes per task and 8 per reuse pair rather than
 * its whole schedule (24 bytes per task) and memory map (about 45), while its figures
 * (makespan, footprint, limits, dependencies, window) stay in its pl_plan.
 */
#ifndef PL_PLAN_COMPACT_H
#define PL_PLAN_COMPACT_H

#include "models/plan/make.h"

#include <stdint.h>

/* One instance by name: what pl_plan_instance_tasks reads of it. */
typedef struct pl_plan_instance_name {
    uint32_t buffer;
    int32_t iter; /* -1: resident, or the value before the loop */
} pl_plan_instance_name;

/* A buffer moved from the unit of task `from` to that of task `to`, for dependency `dep`
 * of the plan, on transfer lane `lane`. */
typedef struct pl_plan_hop {
    uint32_t from, to, dep, lane;
} pl_plan_hop;

/* Owned; pl_plan_compact_fini frees it. */
typedef struct pl_plan_compact {
    uint32_t ntasks;
    uint32_t *order; /* the tasks in planned order (pl_plan_planned_order) */
    uint32_t *unit;  /* per task: its unit (pl_plan_slot.unit) */
    /* Where the tasks of pipelined classes (pl_plan_class.interval) are in flight, after
     * their hold and until their latency has passed: per task, its lane among its unit's
     * (PL_PLAN_NO_LANE: an op not longer than its interval, or of a class that is not
     * pipelined), such that the flights on one lane do not overlap in the plan; NULL when
     * no class is. nlanes: per unit, how many lanes its flights take. */
    uint32_t *lane, *nlanes;
    /* The buffers moved between units (pl_plan_loop.transfers): one hop per dependency
     * instance whose consumer runs on another unit than its producer at a cost, in the
     * order the lowering meets them (iteration by iteration, the plan's dependencies in
     * order); hop_order lists them by planned start, and each has a lane of the
     * `hop_lanes` such that no two on one lane overlap in the plan. NULL when none. */
    pl_plan_hop *hops;
    uint32_t nhops, hop_lanes;
    uint32_t *hop_order;
    pl_plan_reuse *reuse; /* the memory map's reuse list, by instance index */
    uint32_t nreuse;
    /* The map's instances come by buffer, each buffer's in a run of iterations (from -1 or
     * 0): instance k of buffer b is iteration first_iter[b] + k - first[b]. */
    uint32_t *first; /* per buffer, and one past: its first instance */
    int32_t *first_iter;
    uint32_t nbuffers;
} pl_plan_compact;

#define PL_PLAN_NO_LANE UINT32_MAX

/* Instance k of c by name. */
pl_plan_instance_name pl_plan_compact_instance(const pl_plan_compact *c, uint32_t k);

/* The compact form of plan p of loop l (borrowed) into *out. p's planned order is moved
 * from its memory map (p->mem.order is NULL after; made anew when p has none); the rest
 * is copied. Fails with PL_ENOMEM, or
 * PL_EINVAL when the dependencies have a cycle of distance 0 (pl_plan_planned_order). */
int pl_plan_compact_make(const pl_plan_loop *l, pl_plan *p, pl_plan_compact *out);
void pl_plan_compact_fini(pl_plan_compact *c);

/* Frees what of plan p its compact form replaces: the schedule's tasks and the memory
 * map's instances, reuse list and order. The figures stay: makespan, rule, footprint, no
 * reuse, max live, versions, limits, dependencies, window. */
void pl_plan_shed(pl_plan *p);

#endif
