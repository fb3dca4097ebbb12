/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * make.c — the search that ties scheduling to memory.
 *
 * Each candidate (a window, or a set of version limits) gets a full schedule and
 * memory map of the probe (make.h) in a struct trial; the best so far is kept and the
 * others freed at once. The searches use the fixed priority rules only; the chosen limits
 * then get the whole search of the whole loop (random perturbations too), kept only if it
 * still fits, the fixed rules' schedule coming out of the same search.
 */
#include "models/plan/make.h"
#include "sim/common/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Two windows in a row that gain nothing end the search for the window. */
#define STALE_WINDOWS 2

struct trial {
    pl_plan_schedule s;
    pl_plan_memmap m;
    pl_plan_dep *deps;
    uint32_t ndeps;
    bool done;
};

static void trial_fini(struct trial *t)
{
    pl_plan_schedule_fini(&t->s);
    pl_plan_memmap_fini(&t->m);
    free(t->deps);
    *t = (struct trial){0};
}

void pl_plan_fini(pl_plan *p)
{
    pl_plan_bounds_fini(&p->bounds);
    pl_plan_schedule_fini(&p->sched);
    pl_plan_memmap_fini(&p->mem);
    free(p->deps);
    free(p->limits);
    *p = (pl_plan){0};
}

static bool shorter(double a, double b)
{
    return a < b - 1e-12 * fabs(b);
}

/* Schedules l with version limits (NULL: none) and a window into *t. PL_EINVAL when the
 * limits leave a cycle within one iteration (a value read after the op that overwrites
 * it): those limits are not possible. */
static int attempt(const pl_plan_loop *l, const uint32_t *limits, uint32_t window,
                   pl_plan_options o, struct trial *t)
{
    *t = (struct trial){0};
    int rc = pl_plan_version_deps(l, limits, &t->deps, &t->ndeps);
    pl_plan_loop with = *l;
    with.deps = t->deps;
    with.ndeps = t->ndeps;
    o.window = window;
    if (!rc)
        rc = pl_plan_schedule_loop(&with, &o, &t->s);
    if (!rc)
        rc = pl_plan_liveness(&with, &t->s, &t->m);
    t->done = !rc;
    if (rc)
        trial_fini(t);
    return rc;
}

/* Keeps t as best when it is the first or strictly shorter; frees the loser. */
static bool keep_if_shorter(struct trial *best, struct trial *t)
{
    if (best->done && !shorter(t->s.makespan, best->s.makespan)) {
        trial_fini(t);
        return false;
    }
    trial_fini(best);
    *best = *t;
    *t = (struct trial){0};
    return true;
}

/* With no memory limit: the window (1, 2, 3... iterations in flight) that gives the
 * shortest schedule of l, whose makespan bound is `bound`, or the user's window. */
static int free_schedule(const pl_plan_loop *l, double bound, pl_plan_options o, pl_plan *p,
                         struct trial *best)
{
    uint32_t stale = 0, last = l->window ? l->window : l->iterations;
    for (uint32_t w = l->window ? l->window : 1; w <= last && stale < STALE_WINDOWS; w++) {
        struct trial t;
        int rc = attempt(l, NULL, w, o, &t);
        if (rc)
            return rc;
        p->schedules++;
        stale = keep_if_shorter(best, &t) ? 0 : stale + 1;
        if (!shorter(bound, best->s.makespan))
            break; /* at the bound: more in flight cannot help */
    }
    return 0;
}

/* Which buffer loses a version next, and the trial without it; *which = UINT32_MAX when
 * none should. Over the memory: the cheapest loss in time (then the smallest footprint);
 * within it: a loss that costs no time, the smallest footprint first. */
static int next_loss(const pl_plan_loop *l, pl_plan_options o, pl_plan *p, const struct trial *cur,
                     struct trial *out, uint32_t *which)
{
    bool over = cur->m.footprint > l->memory;
    *which = UINT32_MAX;
    *out = (struct trial){0};
    for (uint32_t b = 0; b < l->nbuffers; b++) {
        if (p->limits[b] <= 1)
            continue;
        p->limits[b]--;
        struct trial t;
        int rc = attempt(l, p->limits, p->window, o, &t);
        p->limits[b]++;
        if (rc == PL_EINVAL)
            continue;
        if (rc)
            return rc;
        p->schedules++;
        bool ok = over || !shorter(cur->s.makespan, t.s.makespan);
        bool better = !out->done || shorter(t.s.makespan, out->s.makespan) ||
                      (!shorter(out->s.makespan, t.s.makespan) && t.m.footprint < out->m.footprint);
        if (ok && better) {
            trial_fini(out);
            *out = t;
            *which = b;
        } else {
            trial_fini(&t);
        }
    }
    return 0;
}

static int fit_memory(const pl_plan_loop *l, pl_plan_options o, pl_plan *p, struct trial *cur)
{
    for (;;) {
        struct trial t;
        uint32_t b;
        int rc = next_loss(l, o, p, cur, &t, &b);
        if (rc || b == UINT32_MAX)
            return rc;
        p->limits[b]--;
        trial_fini(cur);
        *cur = t;
    }
}

/* The versions each buffer used in a trial: its limits to start from. */
static int limits_from(const pl_plan_loop *l, const struct trial *t, pl_plan *p)
{
    p->limits = calloc((size_t)l->nbuffers + 1, sizeof *p->limits);
    if (!p->limits)
        return PL_ENOMEM;
    for (uint32_t b = 0; b < l->nbuffers; b++)
        p->limits[b] = pl_plan_buffer_resident(l, b) ? 0 : t->m.versions[b];
    return 0;
}

/* The window with no memory limit, searched on the probe (the loop's first iterations):
 * the free schedule of the whole loop with that window into *t. */
static int free_window(const pl_plan_loop *l, const pl_plan_loop *probe, pl_plan_options o,
                       pl_plan *p, struct trial *t)
{
    if (probe->iterations == l->iterations)
        return free_schedule(l, p->bounds.makespan, o, p, t);
    pl_plan_bounds b;
    int rc = pl_plan_bounds_compute(probe, &b);
    if (!rc)
        rc = free_schedule(probe, b.makespan, o, p, t);
    pl_plan_bounds_fini(&b);
    uint32_t window = t->s.window;
    trial_fini(t);
    return rc ? rc : attempt(l, NULL, window, o, t);
}

/* The chosen limits on the whole loop: *cur gets the fixed rules' schedule (as the searches
 * made it) and, unless plain, *all the whole search's (random perturbations too) when that
 * is another, shorter one (else all->done is false), and *tried how many schedules that
 * search tried. One search gives both. */
static int final_trials(const pl_plan_loop *l, bool plain, const pl_plan *p, struct trial *cur,
                        struct trial *all, uint32_t *tried)
{
    *all = (struct trial){0};
    *tried = 0;
    if (plain)
        return attempt(l, p->limits, p->window, (pl_plan_options){.plain = true, .quick = true},
                       cur);
    pl_plan_schedule fixed = {0};
    int rc = attempt(l, p->limits, p->window, (pl_plan_options){.fixed = &fixed}, all);
    *cur = (struct trial){.s = fixed, .ndeps = all->ndeps};
    if (!rc && !(cur->deps = malloc(((size_t)all->ndeps + 1) * sizeof *cur->deps)))
        rc = PL_ENOMEM;
    if (!rc) {
        memcpy(cur->deps, all->deps, all->ndeps * sizeof *cur->deps);
        pl_plan_loop with = *l;
        with.deps = cur->deps;
        with.ndeps = cur->ndeps;
        rc = pl_plan_liveness(&with, &cur->s, &cur->m);
    }
    cur->done = !rc;
    *tried = all->s.tried;
    if (rc)
        trial_fini(cur);
    if (rc || all->s.rule == cur->s.rule) /* no perturbation was shorter: all is cur */
        trial_fini(all);
    return rc;
}

/* Searches the window and the version limits on the probe, a copy of l cut to its first
 * `iterations` (see pl_plan_make_probed), then plans the whole loop with them. */
static int search(const pl_plan_loop *l, uint32_t iterations, bool plain, pl_plan *p,
                  struct trial *cur)
{
    pl_plan_options o = {.plain = plain, .quick = true};
    pl_plan_loop probe = *l;
    probe.iterations = iterations < l->iterations ? iterations : l->iterations;
    struct trial t = {0};
    p->window = l->window;
    int rc = free_window(l, &probe, o, p, &t);
    if (!rc) {
        p->free_makespan = t.s.makespan;
        p->free_footprint = t.m.footprint;
        rc = limits_from(l, &t, p);
    }
    trial_fini(&t);
    if (!rc)
        rc = attempt(&probe, p->limits, p->window, o, &t);
    if (!rc)
        rc = fit_memory(&probe, o, p, &t);
    trial_fini(&t);
    uint32_t tried;
    if (!rc)
        rc = final_trials(l, plain, p, cur, &t, &tried);
    if (rc || plain || cur->m.footprint > l->memory) {
        trial_fini(&t);
        return rc;
    }
    p->schedules += tried;
    if (t.done && t.m.footprint <= l->memory)
        keep_if_shorter(cur, &t);
    trial_fini(&t);
    return 0;
}

uint32_t pl_plan_probe_iterations(const pl_plan_loop *l, double mii)
{
    double work = 0;
    uint32_t distance = 0;
    for (uint32_t o = 0; o < l->nops; o++)
        work += l->ops[o].latency;
    for (uint32_t k = 0; k < l->ndeps; k++)
        distance = l->deps[k].distance > distance ? l->deps[k].distance : distance;
    /* Iterations one iteration overlaps at an II of at least MII: its ops' latencies in a
     * row, over MII (none when nothing takes time). */
    double overlap = mii > 0 ? ceil(work / mii) : 0;
    double span = overlap + distance + l->window + 1;
    double n = fmax(PL_PLAN_PROBE_MIN, PL_PLAN_PROBE_SPANS * span);
    return n < l->iterations ? (uint32_t)n : l->iterations;
}

int pl_plan_make(const pl_plan_loop *l, bool plain, pl_plan *out, pl_diag *d)
{
    return pl_plan_make_probed(l, plain, 0, out, d);
}

int pl_plan_make_probed(const pl_plan_loop *l, bool plain, uint32_t probe, pl_plan *out,
                        pl_diag *d)
{
    *out = (pl_plan){0};
    char cycle[512];
    if (pl_plan_check_cycles(l, cycle, sizeof cycle))
        return pl_diag_set(d, PL_ECONFIG,
                           "the dependencies form a cycle within one iteration (%s): each op of "
                           "it waits for another; give one of them a distance",
                           cycle);
    struct trial best = {0};
    int rc = pl_plan_bounds_compute(l, &out->bounds);
    if (!rc)
        rc = search(l, probe ? probe : pl_plan_probe_iterations(l, out->bounds.mii), plain, out,
                    &best);
    if (!rc && best.m.footprint > l->memory)
        rc = pl_diag_set(d, PL_ECONFIG,
                         "even one iteration at a time does not fit: one version of every buffer "
                         "needs %s, more than the memory's %s",
                         PL_SIZE_TEXT(best.m.footprint), PL_SIZE_TEXT(l->memory));
    if (!rc) {
        out->sched = best.s;
        out->mem = best.m;
        out->deps = best.deps;
        out->ndeps = best.ndeps;
        best = (struct trial){0};
        pl_plan_steady_find(l, &out->sched, out->bounds.mii, &out->steady);
    }
    trial_fini(&best);
    if (rc)
        pl_plan_fini(out);
    return rc == PL_ENOMEM ? pl_diag_set(d, rc, "out of memory") : rc;
}
