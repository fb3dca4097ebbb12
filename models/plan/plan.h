/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plan.h — the plan model: a loop body of ops on classes of units (DMA, tensor,
 * vector), planned by a list scheduler over unrolled iterations under an
 * on-chip memory limit, then simulated.
 *
 * The plan becomes a task graph: one device unit per physical unit, each running
 * its tasks in the planned order; data dependencies as `data` edges, and where a
 * buffer instance takes memory that another held, `slot` edges from every access
 * of the old instance to the writers of the new. With fixed latencies the
 * simulation reproduces the plan to the nanosecond; with random ones it shows
 * what the plan's order and memory map do when ops run long or short. The
 * baseline runs the iterations one after another in program order, each op after
 * the one before it.
 */
#ifndef PL_PLAN_H
#define PL_PLAN_H

#include "models/model.h"
#include "models/plan/compact.h"
#include "models/plan/loop.h"
#include "models/plan/make.h"

#include <stdint.h>

/* The keys under `plan`. */
extern const pl_key pl_plan_keys[];

/* Limits on a loop: its ops, and its tasks (ops times iterations). At 10 million tasks a
 * loop at its makespan bound plans and runs in seconds (workloads/plan_teaching.yaml at
 * 2e6 iterations: 2.9 to 5.7 s, 1.7 GiB); one above it, whose searches go on past their
 * first schedule, in a minute or more (workloads/plan_attention.yaml at 1,666,666
 * iterations: 80 s, 5.0 GiB). docs/plan.md, "What it leaves out". */
#define PL_PLAN_MAX_OPS   4096
#define PL_PLAN_MAX_TASKS 10000000ULL

/* A scenario's loop, with each task's drawn latency for the simulation. Owned;
 * pl_plan_workload_fini frees it. */
typedef struct pl_plan_workload {
    pl_plan_loop loop; /* op latencies are the distributions' means */
    /* Per task and per class that may run it (its op's own, then its `also` list's): the
     * drawn latency of iteration i's op o on its a-th class is draws[i * stride +
     * alt_first[o] + a] (pl_plan_draw) where some latency is random; where none is, every
     * iteration draws the same, and draws holds one iteration's, iteration 0's. NULL when
     * not drawn. Without `also` lists stride is nops. */
    double *draws;
    uint32_t stride;
    uint32_t *alt_first; /* per op, and one past the last */
    bool random;         /* whether any latency is a distribution */
    bool plain;          /* plan.scheduler: plain (the b-level rule only) */
    pl_loc memory_loc;   /* where plan.memory was written (the plan section if it was not) */
    pl_loc max_iteration_loc, target_ii_loc; /* where those were written (likewise) */
} pl_plan_workload;

/* Task t's drawn latency on the a-th class that may run its op (0: its own; a + 1: its
 * also[a]). */
static inline double pl_plan_draw(const pl_plan_workload *w, uint32_t t, uint32_t a)
{
    uint32_t n = w->loop.nops;
    size_t iteration = w->random ? t / n : 0;
    return w->draws[iteration * w->stride + w->alt_first[t % n] + a];
}

/* Reads the `plan` section of cfg (borrowed; must outlive *out for the locations). With
 * rng, draws every task's latency (in task order). Fails with PL_ECONFIG (a class, buffer
 * or op that does not exist, a time given twice or not at all, a cycle of distance 0,
 * too many tasks) or PL_ENOMEM. */
int pl_plan_workload_load(const pl_config *cfg, gsl_rng *rng, pl_plan_workload *out, pl_diag *d);
void pl_plan_workload_fini(pl_plan_workload *w);

/* Plans the workload (borrowed) into *plan (see pl_plan_make), meeting plan.max_iteration
 * and plan.target_ii (constraints.h); a loop whose buffers do not fit is reported at
 * plan.memory, a constraint that cannot be met at its key (PL_ECONFIG), and *plan is then
 * empty. */
int pl_plan_make_for(const pl_plan_workload *w, pl_plan *plan, pl_diag *d);

/* The plan (borrowed; its memory map's planned order is used up, pl_plan_compact_make) of
 * workload w (borrowed) as the run's task graph, with w's drawn latencies: a finalized
 * graph into *out, which the caller destroys. Returns 0, PL_ENOMEM, or PL_EINVAL when the
 * dependencies have a cycle of distance 0. pl_plan_lower_compact does the same from the
 * plan's compact form (its tasks; the plan itself gives the dependencies and window). */
int pl_plan_lower_planned(const pl_plan_workload *w, pl_plan *plan, pl_graph **out);
int pl_plan_lower_compact(const pl_plan_workload *w, const pl_plan *plan,
                          const pl_plan_compact *tasks, pl_graph **out);

/* The model's entry (see pl_model.lower); l->kept is a pl_plan_kept
 * (models/plan/variants.h). */
int pl_plan_lower_scenario(const pl_config *cfg, gsl_rng *rng, pl_lowering *out, pl_diag *d);
/* The model's pl_model.tables: the schedule and the buffer map of the plan it kept. */
int pl_plan_lower_tables(pl_lowering *l, pl_diag *d);

/* `pipelab plan SCENARIO` (the plan without simulating it: bounds, II, the schedule and
 * the buffer map) and `pipelab plan --stg FILE --units P` (a Standard Task Graph
 * list-scheduled on P identical units beside its bounds), as findings. */
extern const pl_model_command pl_plan_commands[];

#endif
