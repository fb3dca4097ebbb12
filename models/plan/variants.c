/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * variants.c — a buffer one version deeper: the version limits of the kept plan with one
 * raised, scheduled and mapped again (pl_plan_version_deps, pl_plan_schedule_loop,
 * pl_plan_liveness), then lowered as the run is.
 */
#include "models/plan/variants.h"
#include "models/plan/constraints.h"
#include "models/plan/sched.h"

#include "sim/common/parallel.h"
#include "sim/common/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pl_plan_kept_free(void *kept)
{
    pl_plan_kept *k = kept;
    if (!k)
        return;
    for (size_t i = 0; k->variants && i < k->nvariants; i++) {
        pl_plan_fini(&k->variants[i]);
        pl_plan_compact_fini(&k->tasks[i]);
    }
    free(k->variants);
    free(k->tasks);
    free(k->buffer);
    free(k->longest);
    free(k->made);
    pl_plan_fini(&k->plan);
    pl_plan_workload_fini(&k->w);
    free(k);
}

/* Schedules loop l with the version limits and window of p into p; with o.fixed, the
 * fixed rules' schedule too. */
static int schedule(const pl_plan_loop *l, pl_plan_options o, pl_plan *p)
{
    int rc = pl_plan_version_deps(l, p->limits, &p->deps, &p->ndeps);
    pl_plan_loop with = *l;
    with.deps = p->deps;
    with.ndeps = p->ndeps;
    o.window = p->window;
    return rc ? rc : pl_plan_schedule_loop(&with, &o, &p->sched);
}

/* The memory map of p's schedule. */
static int map(const pl_plan_loop *l, pl_plan *p)
{
    pl_plan_loop with = *l;
    with.deps = p->deps;
    with.ndeps = p->ndeps;
    return pl_plan_liveness(&with, &p->sched, &p->mem);
}

/* The plan of kept's loop with buffer b allowed one more version, into *out (pl_plan_fini
 * frees it): the fixed rules, then the whole search, kept when shorter and within the
 * memory (one search gives both). Its footprint may exceed the memory; the caller says so. */
static int replan(const pl_plan_kept *k, uint32_t b, pl_plan *out)
{
    const pl_plan_loop *l = &k->w.loop;
    *out = (pl_plan){.window = k->plan.window};
    out->limits = malloc(((size_t)l->nbuffers + 1) * sizeof *out->limits);
    if (!out->limits)
        return PL_ENOMEM;
    memcpy(out->limits, k->plan.limits, l->nbuffers * sizeof *out->limits);
    out->limits[b]++;
    pl_plan_schedule fixed = {0};
    pl_plan_options o = {.plain = k->w.plain,
                         .quick = k->w.plain,
                         .fixed = &fixed,
                         .bound = k->plan.bounds.makespan};
    int rc = schedule(l, o, out);
    if (!rc)
        rc = map(l, out);
    if (rc || !fixed.tasks) { /* no perturbation was shorter: out is the fixed rules' */
        pl_plan_schedule_fini(&fixed);
        return rc;
    }
    /* out has the whole search's schedule, shorter than the fixed rules'; it is kept
     * when it fits the memory or the fixed rules' does not. */
    pl_plan with_fixed = {.sched = fixed, .window = out->window};
    with_fixed.deps = malloc(((size_t)out->ndeps + 1) * sizeof *with_fixed.deps);
    rc = with_fixed.deps ? 0 : PL_ENOMEM;
    if (!rc) {
        memcpy(with_fixed.deps, out->deps, out->ndeps * sizeof *out->deps);
        with_fixed.ndeps = out->ndeps;
        rc = map(l, &with_fixed);
    }
    bool fits = out->mem.footprint <= l->memory, fitted = with_fixed.mem.footprint <= l->memory;
    if (!rc &&
        !(fits && (!fitted || pl_plan_shorter(out->sched.makespan, with_fixed.sched.makespan)))) {
        with_fixed.limits = out->limits;
        out->limits = NULL;
        pl_plan_fini(out);
        *out = with_fixed;
        return 0;
    }
    pl_plan_fini(&with_fixed);
    return rc;
}

/* The variants to make: the kept plan, which of them (their indices), and each one's
 * status. */
struct all {
    pl_plan_kept *k;
    const size_t *which;
    int *rc;
};

/* Variant which[j] of k (its buffer chosen): planned, its longest iteration measured where
 * a limit asks, kept as the lowering reads it when it fits, and shed; its status into
 * rc[j]. */
static void make_one(void *ctx, size_t j)
{
    struct all *a = ctx;
    pl_plan_kept *k = a->k;
    size_t i = a->which[j];
    const pl_plan_loop *l = &k->w.loop;
    int rc = replan(k, k->buffer[i], &k->variants[i]);
    if (!rc && l->max_iteration > 0) /* 0 where no limit asks: it fits */
        k->longest[i] = pl_plan_longest_iteration(l, &k->variants[i].sched, NULL);
    /* Kept as the lowering reads it until the verdict lowers it; a variant that does not
     * fit the memory or plan.max_iteration is refused, never lowered. */
    if (!rc && k->variants[i].mem.footprint <= l->memory &&
        pl_plan_iteration_fits(l, k->longest[i]))
        rc = pl_plan_compact_make(l, &k->variants[i], &k->tasks[i]);
    pl_plan_shed(&k->variants[i]);
    k->made[i] = !rc;
    a->rc[j] = rc;
}

/* The variants of k listed, none made yet: one per buffer the plan gives versions.
 * Returns 0 or PL_ENOMEM. */
static int list(pl_plan_kept *k)
{
    const pl_plan_loop *l = &k->w.loop;
    k->variants = calloc((size_t)l->nbuffers + 1, sizeof *k->variants);
    k->tasks = calloc((size_t)l->nbuffers + 1, sizeof *k->tasks);
    k->buffer = calloc((size_t)l->nbuffers + 1, sizeof *k->buffer);
    k->longest = calloc((size_t)l->nbuffers + 1, sizeof *k->longest);
    k->made = calloc((size_t)l->nbuffers + 1, sizeof *k->made);
    if (!k->variants || !k->tasks || !k->buffer || !k->longest || !k->made)
        return PL_ENOMEM;
    for (uint32_t b = 0; b < l->nbuffers; b++)
        if (k->plan.limits[b] > 0)
            k->buffer[k->nvariants++] = b;
    return 0;
}

/* The most bytes variant i of k can take: every buffer's versions (one for a buffer
 * without a limit: resident), one more of the variant's, none reusing another's memory. */
static double most_bytes(const pl_plan_kept *k, size_t i)
{
    const pl_plan_loop *l = &k->w.loop;
    double bytes = 0;
    for (uint32_t b = 0; b < l->nbuffers; b++) {
        uint32_t versions = k->plan.limits[b] + (b == k->buffer[i]);
        bytes += l->buffers[b].size * (versions > 0 ? versions : 1);
    }
    return bytes;
}

/* A makespan no plan of any variant beats in the simulation: the loop's bound, which no
 * version limit lowers; 0 (none known) where some latency is random, since the bound is
 * of the latencies' means and the simulation takes their draws. */
static double least(const pl_plan_kept *k)
{
    return k->w.random ? 0 : k->plan.bounds.makespan;
}

/* Whether the verdict reads variant i's plan (pl_plan_variants' header says which). */
static bool read_by_verdict(const pl_plan_kept *k, size_t i)
{
    const pl_plan_loop *l = &k->w.loop;
    return !pl_plan_at_bound(k->plan.sched.makespan, least(k), k->plan.sched.ntasks) ||
           l->max_iteration > 0 || most_bytes(k, i) > l->memory;
}

/* Makes the variants of k that the verdict reads and are not made yet, each planned on
 * its own (at once where the process has cores for them: each is a function of the kept
 * plan alone, so the variants are the same either way); the first failure in buffer
 * order. */
static int make_read(pl_plan_kept *k)
{
    size_t *which = calloc(k->nvariants + 1, sizeof *which), n = 0;
    int *rc = calloc(k->nvariants + 1, sizeof *rc);
    int first = which && rc ? 0 : PL_ENOMEM;
    for (size_t i = 0; i < k->nvariants && !first; i++)
        if (!k->made[i] && read_by_verdict(k, i))
            which[n++] = i;
    if (!first)
        pl_parallel_for(n, make_one, &(struct all){k, which, rc});
    for (size_t j = 0; j < n && !first; j++)
        first = rc[j];
    free(which);
    free(rc);
    return first;
}

int pl_plan_variants(const pl_lowering *l, pl_variant **out, size_t *n, pl_diag *d)
{
    pl_plan_kept *k = l->kept;
    *out = NULL;
    *n = 0;
    int rc = k && !k->variants ? list(k) : 0;
    if (!rc && k)
        rc = make_read(k);
    pl_variant *v = rc || !k ? NULL : calloc(k->nvariants + 1, sizeof *v);
    if (rc || (k && !v)) {
        free(v);
        return pl_diag_set(d, rc ? rc : PL_ENOMEM, "%s",
                           rc && rc != PL_ENOMEM ? "cannot plan a variant of the loop"
                                                 : "out of memory");
    }
    for (size_t i = 0; k && i < k->nvariants; i++) {
        const pl_plan_buffer *buf = &k->w.loop.buffers[k->buffer[i]];
        uint32_t versions = k->plan.limits[k->buffer[i]] + 1;
        /* One not made surely fits (read_by_verdict). */
        double need = k->made[i] ? k->variants[i].mem.footprint : 0, memory = k->w.loop.memory;
        v[i].kind = PL_CHANGE_BUFFER;
        v[i].replans = true;
        v[i].least = least(k);
        snprintf(v[i].name, sizeof v[i].name, "%s", buf->name);
        snprintf(v[i].change, sizeof v[i].change,
                 "one more slot in buffer %.64s (%u versions instead of %u)", buf->name, versions,
                 versions - 1);
        if (need > memory)
            snprintf(v[i].refused, sizeof v[i].refused,
                     "with %u versions of %.48s the buffers need %s, more than the memory's %s",
                     versions, buf->name, PL_SIZE_TEXT(need), PL_SIZE_TEXT(memory));
        else if (k->made[i] && !pl_plan_iteration_fits(&k->w.loop, k->longest[i]))
            snprintf(v[i].refused, sizeof v[i].refused,
                     "with %u versions of %.48s an iteration takes %s, more than "
                     "plan.max_iteration's %s",
                     versions, buf->name, PL_TIME_TEXT(k->longest[i]),
                     PL_TIME_TEXT(k->w.loop.max_iteration));
    }
    *out = v;
    *n = k ? k->nvariants : 0;
    return 0;
}

int pl_plan_lower_variant(const pl_lowering *l, size_t i, pl_graph **out, pl_diag *d)
{
    pl_plan_kept *k = l->kept;
    int rc = k->variants ? 0 : list(k);
    if (!rc && !k->made[i]) {
        int made = 0;
        make_one(&(struct all){k, &i, &made}, 0);
        rc = made;
    }
    if (!rc)
        rc = pl_plan_lower_compact(&k->w, &k->variants[i], &k->tasks[i], out);
    if (rc)
        return pl_diag_set(d, rc, "%s",
                           rc == PL_ENOMEM ? "out of memory" : "cannot plan a variant of the loop");
    return 0;
}
