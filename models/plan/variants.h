/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * variants.h — the plan one slot deeper: for each buffer the loop writes, the loop
 * planned again with that buffer allowed one more version (one more copy live at once)
 * than the plan gave it, every other buffer keeping its versions and the window its
 * value; or why that plan does not fit plan.memory or plan.max_iteration.
 *
 * The plan already gave each buffer the versions its schedule used (fewer where the
 * memory did not hold them), so one more version is the change "one slot deeper" means
 * here. The new limits are planned as the plan's own are at the end of its search: the
 * fixed priority rules, then (unless plan.scheduler is plain) the whole search, kept
 * when shorter and within the memory.
 */
#ifndef PL_PLAN_VARIANTS_H
#define PL_PLAN_VARIANTS_H

#include "models/model.h"
#include "models/plan/plan.h"

/* What the plan model keeps in pl_lowering.kept: the workload with its draws, the plan,
 * and the plans of the variants as they are made: each variant's figures in `variants`
 * (shed, pl_plan_shed) and its tasks in `tasks`, the compact form its lowering reads. */
typedef struct pl_plan_kept {
    pl_plan_workload w;
    pl_plan plan;
    pl_plan *variants;      /* per written buffer, in buffer order; NULL until listed */
    pl_plan_compact *tasks; /* per variant */
    uint32_t *buffer;       /* per variant: its buffer */
    double *longest;        /* per variant: its longest iteration (constraints.h) */
    bool *made;             /* per variant: planned (variants[i], longest[i], tasks[i] hold) */
    size_t nvariants;
} pl_plan_kept;

/* Frees a pl_plan_kept (its pl_lowering.kept_free). */
void pl_plan_kept_free(void *kept);

/* The plan model's pl_model.variants and lower_variant: l->kept is a pl_plan_kept. One
 * variant per buffer that is not resident, in the order of plan.buffers, named as the
 * scenario names the buffer: "one more slot in buffer A (3 versions instead of 2)",
 * refused "with 3 versions of A the buffers need 416 KiB, more than the memory's 384 KiB".
 * Each variant's `least` is the loop's makespan bound, which no version limit lowers,
 * where every latency is fixed (0 where one is random: the bound is of the means, the
 * simulation takes the draws). pl_plan_variants plans the variants the verdict will read
 * (and keeps the plans): all of them, except, where the plan is at a `least` (so that the
 * verdict lowers none), those that surely fit: no plan.max_iteration, and every buffer's
 * versions, one more of the variant's, within plan.memory even if none reused another's
 * memory (placed first fit, the buffers never take more: placement.c). lower_variant plans
 * variant i where it was not, and lowers its plan with the run's drawn latencies. Fail
 * with PL_ENOMEM. */
int pl_plan_variants(const pl_lowering *l, pl_variant **out, size_t *n, pl_diag *d);
int pl_plan_lower_variant(const pl_lowering *l, size_t i, pl_graph **out, pl_diag *d);

#endif
