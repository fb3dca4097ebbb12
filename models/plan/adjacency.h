/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * adjacency.h — a loop's dependencies indexed for the scheduler's walks of the unrolled
 * graph (sched.c): each op's dependencies by destination and by source, which ops start
 * and which end an iteration (also for the plan's window edges, lower.c), and a
 * topological order of the ops.
 */
#ifndef PL_PLAN_ADJACENCY_H
#define PL_PLAN_ADJACENCY_H

#include "models/plan/loop.h"

#include <stdbool.h>
#include <stdint.h>

/* Dependencies of each op, by destination and by source (CSR over l->deps). Owned;
 * pl_plan_adjacency_fini frees it. */
typedef struct pl_plan_adjacency {
    uint32_t *in_first, *in; /* deps into op o: in[in_first[o] .. in_first[o + 1]) */
    uint32_t *out_first, *out;
    bool *first_op, *last_op; /* no distance-0 dependency into / out of the op */
    uint32_t *topo;           /* ops in a topological order of the distance-0 deps */
} pl_plan_adjacency;

/* Which ops start an iteration (first[o]: no dependency of distance 0 into o) and which
 * end it (last[o]: none out of o), among nops ops under deps[0 .. ndeps); first and last
 * have room for nops each. */
void pl_plan_iteration_ends(const pl_plan_dep *deps, uint32_t ndeps, uint32_t nops, bool *first,
                            bool *last);

/* Indexes the dependencies of l (borrowed) into *a. PL_ENOMEM; PL_EINVAL when the
 * distance-0 dependencies form a cycle. *a is to be freed either way. */
int pl_plan_adjacency_init(const pl_plan_loop *l, pl_plan_adjacency *a);
void pl_plan_adjacency_fini(pl_plan_adjacency *a);

#endif
