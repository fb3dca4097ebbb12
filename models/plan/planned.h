/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * planned.h — the order in which a schedule's tasks run: the order the memory map reads
 * lifetimes in and the lowering adds tasks in.
 */
#ifndef PL_PLAN_PLANNED_H
#define PL_PLAN_PLANNED_H

#include "models/plan/sched.h"

#include <stdint.h>

/* The tasks of schedule s of loop l (both borrowed) in planned order into order (room for
 * s->ntasks): by start, then end, then iteration, then the op's place in a topological
 * order of the distance-0 dependencies (pl_plan_topo_order). Tasks that take no time share
 * their moment with others; this order still puts each after every task it depends on,
 * so it is the order a unit runs its tasks in, and the order that tells which of two
 * buffer lifetimes meeting at one moment ends first. Fails with PL_ENOMEM or when the
 * dependencies have a cycle of distance 0 (PL_EINVAL). */
int pl_plan_planned_order(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t *order);

#endif
