/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compact.h — a plan as its lowering reads it, and no more: the tasks in planned order,
 * each task's unit, and the reuse pairs named by (buffer, iteration). The verdict's
 * variants are planned long before they are lowered (the verdict lowers one at a time);
 * kept in this form, a variant takes 8 bytes per task and 16 per reuse pair rather than
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

/* Instance `to` takes memory that `from` held (pl_plan_reuse, by name). */
typedef struct pl_plan_named_reuse {
    pl_plan_instance_name from, to;
} pl_plan_named_reuse;

/* Owned; pl_plan_compact_fini frees it. */
typedef struct pl_plan_compact {
    uint32_t ntasks;
    uint32_t *order;            /* the tasks in planned order (pl_plan_planned_order) */
    uint32_t *unit;             /* per task: its unit (pl_plan_slot.unit) */
    pl_plan_named_reuse *reuse; /* the memory map's reuse list, in its order */
    uint32_t nreuse;
} pl_plan_compact;

/* The compact form of plan p of loop l (borrowed) into *out. p's planned order is moved
 * from its memory map (p->mem.order is NULL after; made anew when p has none); the rest is
 * copied. Fails with PL_ENOMEM, or PL_EINVAL when the dependencies have a cycle of
 * distance 0 (pl_plan_planned_order). */
int pl_plan_compact_make(const pl_plan_loop *l, pl_plan *p, pl_plan_compact *out);
void pl_plan_compact_fini(pl_plan_compact *c);

/* Frees what of plan p its compact form replaces: the schedule's tasks and the memory
 * map's instances, reuse list and order. The figures stay: makespan, rule, footprint, no
 * reuse, max live, versions, limits, dependencies, window. */
void pl_plan_shed(pl_plan *p);

#endif
