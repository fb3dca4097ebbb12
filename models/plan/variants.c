/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * variants.c — a buffer one version deeper: the version limits of the kept plan with one
 * raised, scheduled and mapped again (pl_plan_version_deps, pl_plan_schedule_loop,
 * pl_plan_liveness), then lowered as the run is.
 */
#include "models/plan/variants.h"

#include "sim/common/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pl_plan_kept_free(void *kept)
{
    pl_plan_kept *k = kept;
    if (!k)
        return;
    for (size_t i = 0; k->variants && i < k->nvariants; i++)
        pl_plan_fini(&k->variants[i]);
    free(k->variants);
    free(k->buffer);
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

/* Maps the fixed rules' schedule `fixed` (taken) of plan `all` into *out, with all's
 * dependencies, window and limits (out's). */
static int map_fixed(const pl_plan_loop *l, const pl_plan *all, pl_plan_schedule fixed,
                     pl_plan *out)
{
    out->sched = fixed;
    out->deps = malloc(((size_t)all->ndeps + 1) * sizeof *out->deps);
    if (!out->deps)
        return PL_ENOMEM;
    memcpy(out->deps, all->deps, all->ndeps * sizeof *out->deps);
    out->ndeps = all->ndeps;
    return map(l, out);
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
    if (k->w.plain) {
        int rc = schedule(l, (pl_plan_options){.plain = true, .quick = true}, out);
        return rc ? rc : map(l, out);
    }
    pl_plan_schedule fixed = {0};
    pl_plan all = {.window = out->window, .limits = out->limits};
    int rc = schedule(l, (pl_plan_options){.fixed = &fixed}, &all);
    all.limits = NULL; /* out's */
    if (!rc)
        rc = map_fixed(l, &all, fixed, out);
    else
        pl_plan_schedule_fini(&fixed);
    /* The same rule: no perturbation was shorter, and all is out's plan. */
    bool other = !rc && all.sched.rule != out->sched.rule;
    if (other)
        rc = map(l, &all);
    bool fits = all.mem.footprint <= l->memory, fitted = out->mem.footprint <= l->memory;
    if (!rc && other && fits &&
        (!fitted || all.sched.makespan < out->sched.makespan - 1e-12 * out->sched.makespan)) {
        all.limits = out->limits;
        out->limits = NULL;
        pl_plan_fini(out);
        *out = all;
        return 0;
    }
    pl_plan_fini(&all);
    return rc;
}

static int make_all(pl_plan_kept *k)
{
    const pl_plan_loop *l = &k->w.loop;
    k->variants = calloc((size_t)l->nbuffers + 1, sizeof *k->variants);
    k->buffer = calloc((size_t)l->nbuffers + 1, sizeof *k->buffer);
    if (!k->variants || !k->buffer)
        return PL_ENOMEM;
    int rc = 0;
    for (uint32_t b = 0; b < l->nbuffers && !rc; b++)
        if (k->plan.limits[b] > 0) {
            k->buffer[k->nvariants] = b;
            rc = replan(k, b, &k->variants[k->nvariants++]);
        }
    return rc;
}

int pl_plan_variants(const pl_lowering *l, pl_variant **out, size_t *n, pl_diag *d)
{
    pl_plan_kept *k = l->kept;
    *out = NULL;
    *n = 0;
    int rc = k && !k->variants ? make_all(k) : 0;
    pl_variant *v = rc || !k ? NULL : calloc(k->nvariants + 1, sizeof *v);
    if (rc || (k && !v)) {
        free(v);
        return pl_diag_set(d, rc ? rc : PL_ENOMEM, "%s",
                           rc && rc != PL_ENOMEM ? "cannot plan a variant of the loop"
                                                 : "out of memory");
    }
    for (size_t i = 0; k && i < k->nvariants; i++) {
        const pl_plan_buffer *buf = &k->w.loop.buffers[k->buffer[i]];
        uint32_t versions = k->variants[i].limits[k->buffer[i]];
        double need = k->variants[i].mem.footprint, memory = k->w.loop.memory;
        v[i].kind = PL_CHANGE_BUFFER;
        v[i].replans = true;
        snprintf(v[i].name, sizeof v[i].name, "%s", buf->name);
        snprintf(v[i].change, sizeof v[i].change,
                 "one more slot in buffer %.64s (%u versions instead of %u)", buf->name, versions,
                 versions - 1);
        if (need > memory)
            snprintf(v[i].refused, sizeof v[i].refused,
                     "with %u versions of %.48s the buffers need %s, more than the memory's %s",
                     versions, buf->name, PL_SIZE_TEXT(need), PL_SIZE_TEXT(memory));
    }
    *out = v;
    *n = k ? k->nvariants : 0;
    return 0;
}

int pl_plan_lower_variant(const pl_lowering *l, size_t i, pl_graph **out, pl_diag *d)
{
    pl_plan_kept *k = l->kept;
    int rc = k->variants ? 0 : make_all(k);
    if (!rc)
        rc = pl_plan_lower_planned(&k->w, &k->variants[i], out);
    if (rc)
        return pl_diag_set(d, rc, "%s",
                           rc == PL_ENOMEM ? "out of memory" : "cannot plan a variant of the loop");
    return 0;
}
