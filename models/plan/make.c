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

/* The memory map of trial t's schedule, with its dependencies: whole for a trial the plan
 * may keep (final_trials), else what the searches compare of it, its versions and
 * footprint (pl_plan_footprint). */
static int map_trial(const pl_plan_loop *l, bool whole, struct trial *t)
{
    pl_plan_loop with = *l;
    with.deps = t->deps;
    with.ndeps = t->ndeps;
    return whole ? pl_plan_liveness(&with, &t->s, &t->m) : pl_plan_footprint(&with, &t->s, &t->m);
}

/* Schedules l with version limits (NULL: none) and a window into *t, and maps it for a
 * search (its versions and footprint) unless `unmapped`. PL_EINVAL when the limits leave a
 * cycle within one iteration (a value read after the op that overwrites it): those limits
 * are not possible. */
static int schedule_trial(const pl_plan_loop *l, const uint32_t *limits, uint32_t window,
                          pl_plan_options o, bool unmapped, struct trial *t)
{
    *t = (struct trial){0};
    int rc = pl_plan_version_deps(l, limits, &t->deps, &t->ndeps);
    pl_plan_loop with = *l;
    with.deps = t->deps;
    with.ndeps = t->ndeps;
    o.window = window;
    if (!rc)
        rc = pl_plan_schedule_loop(&with, &o, &t->s);
    if (!rc && !unmapped)
        rc = map_trial(l, false, t);
    t->done = !rc;
    if (rc)
        trial_fini(t);
    return rc;
}

static int attempt(const pl_plan_loop *l, const uint32_t *limits, uint32_t window,
                   pl_plan_options o, struct trial *t)
{
    return schedule_trial(l, limits, window, o, false, t);
}

/* What the searches on a probe note: a schedule of the probe that does not repeat over
 * most of it (no steady state reached: the whole loop's may differ), or a comparison of two
 * makespans apart by less than `margin` but not equal, which the ends of the loop rather
 * than its steady state may decide, so that the whole loop may compare them otherwise.
 * NULL on the whole loop. */
struct ties {
    double margin, mii;
    bool near;
};

/* Notes in c a trial t of the probe whose schedule does not repeat exactly over at least
 * half of the probe's iterations. */
static void note_steady(struct ties *c, const pl_plan_loop *probe, const struct trial *t)
{
    pl_plan_steady st;
    if (!c)
        return;
    pl_plan_steady_find(probe, &t->s, c->mii, &st);
    if (!st.periodic || 2 * ((uint64_t)st.last - st.first) < probe->iterations)
        c->near = true;
}

/* pl_plan_shorter(a, b), noting a near tie in c. */
static bool shorter_noted(struct ties *c, double a, double b)
{
    if (c && a != b && fabs(a - b) < c->margin)
        c->near = true;
    return pl_plan_shorter(a, b);
}

/* Keeps t as best when it is the first or strictly shorter; frees the loser. */
static bool keep_if_shorter(struct trial *best, struct trial *t, struct ties *c)
{
    if (best->done && !shorter_noted(c, t->s.makespan, best->s.makespan)) {
        trial_fini(t);
        return false;
    }
    trial_fini(best);
    *best = *t;
    *t = (struct trial){0};
    return true;
}

/* How the search for the window went. */
struct window_search {
    uint32_t tried; /* the last window tried */
    bool at_bound;  /* it stopped because the best reached the makespan bound */
};

/* With no memory limit: the window (from, from + 1, ... iterations in flight) that gives
 * the shortest schedule of l, whose makespan bound is `bound`, or the user's window, after
 * *best (a trial with the window before `from`, or none). */
static int free_schedule(const pl_plan_loop *l, double bound, pl_plan_options o, pl_plan *p,
                         uint32_t from, struct trial *best, struct window_search *how,
                         struct ties *c)
{
    uint32_t stale = 0, last = l->window ? l->window : l->iterations;
    o.bound = bound;
    for (uint32_t w = from; w <= last && stale < STALE_WINDOWS; w++) {
        struct trial t;
        int rc = attempt(l, NULL, w, o, &t);
        if (rc)
            return rc;
        how->tried = w;
        p->schedules++;
        note_steady(c, l, &t);
        stale = keep_if_shorter(best, &t, c) ? 0 : stale + 1;
        how->at_bound = pl_plan_at_bound(best->s.makespan, bound, best->s.ntasks);
        if (how->at_bound)
            break; /* at the bound: more in flight cannot help */
    }
    return 0;
}

/* Which buffer loses a version next, and the trial without it; *which = UINT32_MAX when
 * none should. Over the memory: the cheapest loss in time (then the smallest footprint);
 * within it: a loss that costs no time, the smallest footprint first. */
static int next_loss(const pl_plan_loop *l, pl_plan_options o, pl_plan *p, const struct trial *cur,
                     struct trial *out, uint32_t *which, struct ties *c)
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
        note_steady(c, l, &t);
        bool ok = over || !shorter_noted(c, cur->s.makespan, t.s.makespan);
        bool better =
            !out->done || shorter_noted(c, t.s.makespan, out->s.makespan) ||
            (!shorter_noted(c, out->s.makespan, t.s.makespan) && t.m.footprint < out->m.footprint);
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

static int fit_memory(const pl_plan_loop *l, pl_plan_options o, pl_plan *p, struct trial *cur,
                      struct ties *c)
{
    for (;;) {
        struct trial t;
        uint32_t b;
        int rc = next_loss(l, o, p, cur, &t, &b, c);
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

/* The margin of a probe's near ties (struct ties): its makespan bound over
 * PL_PLAN_PROBE_SPANS, about what the ends of the loop may add or take (they span no more
 * than the iterations one overlaps, which the probe holds PL_PLAN_PROBE_SPANS times). */
static int probe_ties(const pl_plan_loop *probe, struct ties *c, double *bound)
{
    pl_plan_bounds b;
    int rc = pl_plan_bounds_compute(probe, &b);
    *bound = b.makespan;
    *c = (struct ties){rc ? 0 : b.makespan / PL_PLAN_PROBE_SPANS, b.mii, false};
    pl_plan_bounds_fini(&b);
    return rc;
}

/*
 * The window with no memory limit, searched on the probe (the loop's first iterations),
 * and the free schedule of the whole loop with it into *t, counting the windows the search
 * over the whole loop tries. That search improves at the same windows as the probe's where
 * the steady state decides; where it stops may differ by the makespan bound, which is not
 * the same on a shorter loop: when the whole loop's schedule with the window chosen is at
 * its bound, its search stops at that window; when the probe stopped at the probe's bound
 * but the whole loop is not at its own, the search goes on over the whole loop from the
 * next window. When the probe cannot decide (a near tie, struct ties) or its search does
 * not settle well within it (more in flight kept helping, as when an op runs ahead of the
 * rest: no steady state of a few iterations), the search is made on the whole loop, and
 * *whole says so.
 */
static int free_window(const pl_plan_loop *l, const pl_plan_loop *probe, bool unchecked,
                       pl_plan_options o, pl_plan *p, struct trial *t, bool *whole)
{
    struct window_search how = {0};
    struct ties c;
    double bound;
    uint32_t first = l->window ? l->window : 1, schedules = p->schedules;
    *whole = probe->iterations == l->iterations;
    if (*whole || l->window)
        return free_schedule(l, p->bounds.makespan, o, p, first, t, &how, NULL);
    int rc = probe_ties(probe, &c, &bound);
    if (!rc)
        rc = free_schedule(probe, bound, o, p, first, t, &how, &c);
    uint32_t window = t->s.window;
    pl_plan_steady on_probe, on_whole;
    if (!rc)
        pl_plan_steady_find(probe, &t->s, c.mii, &on_probe);
    trial_fini(t);
    if (rc)
        return rc;
    bool unsettled = (uint64_t)how.tried * PL_PLAN_PROBE_SETTLED > probe->iterations;
    if ((rc = attempt(l, NULL, window, o, t)) != 0)
        return rc;
    /* The whole loop's schedule with that window runs at the probe's II, or the probe did
     * not show the steady state. */
    pl_plan_steady_find(l, &t->s, c.mii, &on_whole);
    bool other = fabs(on_whole.ii - on_probe.ii) > 1e-9 * on_probe.ii;
    if (!unchecked && (c.near || unsettled || other)) {
        *whole = true;
        trial_fini(t);
        p->schedules = schedules;
        return free_schedule(l, p->bounds.makespan, o, p, first, t, &how, NULL);
    }
    p->schedules = schedules + (window - first + 1);
    if (pl_plan_at_bound(t->s.makespan, p->bounds.makespan, t->s.ntasks))
        return 0;
    if (how.at_bound)
        return free_schedule(l, p->bounds.makespan, o, p, window + 1, t, &how, NULL);
    p->schedules = schedules + (how.tried - first + 1);
    return 0;
}

/* The version limits that fit the memory (fit_memory), searched on the probe from the
 * limits in p; on the whole loop when the probe cannot decide (a near tie). */
static int fit_on_probe(const pl_plan_loop *l, const pl_plan_loop *probe, bool unchecked,
                        pl_plan_options o, pl_plan *p)
{
    struct ties c = {0};
    double bound;
    uint32_t schedules = p->schedules, *start = malloc(((size_t)l->nbuffers + 1) * sizeof *start);
    struct trial t = {0};
    int rc = start ? 0 : PL_ENOMEM;
    pl_plan_options on_probe = o; /* with the probe's own bound where it is shorter */
    if (!rc && probe->iterations < l->iterations && !(rc = probe_ties(probe, &c, &bound)))
        on_probe.bound = bound;
    if (!rc) {
        memcpy(start, p->limits, l->nbuffers * sizeof *start);
        rc = attempt(probe, p->limits, p->window, on_probe, &t);
    }
    if (!rc)
        rc = fit_memory(probe, on_probe, p, &t, probe->iterations < l->iterations ? &c : NULL);
    trial_fini(&t);
    if (!rc && c.near && !unchecked) {
        memcpy(p->limits, start, l->nbuffers * sizeof *start);
        p->schedules = schedules;
        rc = attempt(l, p->limits, p->window, o, &t);
        if (!rc)
            rc = fit_memory(l, o, p, &t, NULL);
        trial_fini(&t);
    }
    free(start);
    return rc;
}

/* Maps trial t whole, as the plan may keep it; frees it on failure. */
static int map_whole(const pl_plan_loop *l, struct trial *t)
{
    int rc = map_trial(l, true, t);
    if (rc)
        trial_fini(t);
    return rc;
}

/* The chosen limits on the whole loop: *cur gets the fixed rules' schedule (as the searches
 * made it) and, unless plain, *all the whole search's (random perturbations too) when that
 * is another, shorter one (else all->done is false), and *tried how many schedules that
 * search tried. One search gives both, and each schedule is mapped once. */
static int final_trials(const pl_plan_loop *l, bool plain, const pl_plan *p, struct trial *cur,
                        struct trial *all, uint32_t *tried)
{
    *all = (struct trial){0};
    *tried = 0;
    if (plain) {
        int rc = schedule_trial(l, p->limits, p->window,
                                (pl_plan_options){.plain = true, .quick = true}, true, cur);
        return rc ? rc : map_whole(l, cur);
    }
    pl_plan_schedule fixed = {0};
    int rc =
        schedule_trial(l, p->limits, p->window,
                       (pl_plan_options){.fixed = &fixed, .bound = p->bounds.makespan}, true, all);
    if (rc)
        return rc;
    *tried = all->s.tried;
    if (!fixed.tasks) { /* no perturbation was shorter: all is the fixed rules' schedule */
        *cur = *all;
        *all = (struct trial){0};
        return map_whole(l, cur);
    }
    *cur = (struct trial){.s = fixed, .ndeps = all->ndeps};
    if (!(cur->deps = malloc(((size_t)all->ndeps + 1) * sizeof *cur->deps)))
        rc = PL_ENOMEM;
    if (!rc) {
        memcpy(cur->deps, all->deps, all->ndeps * sizeof *cur->deps);
        rc = map_trial(l, true, cur);
    }
    if (!rc)
        rc = map_trial(l, true, all);
    cur->done = !rc;
    if (rc) {
        trial_fini(cur);
        trial_fini(all);
    }
    return rc;
}

/* Searches the window and the version limits on the probe, a copy of l cut to its first
 * `iterations` (see pl_plan_make_probed), then plans the whole loop with them. */
static int search(const pl_plan_loop *l, pl_plan_probe pr, bool plain, pl_plan *p,
                  struct trial *cur)
{
    /* Every search stops at the whole loop's bound; one of the probe at the probe's. */
    pl_plan_options o = {.plain = plain, .quick = true, .bound = p->bounds.makespan};
    pl_plan_loop probe = *l;
    probe.iterations = pr.iterations < l->iterations ? pr.iterations : l->iterations;
    struct trial t = {0};
    bool whole;
    p->window = l->window;
    int rc = free_window(l, &probe, pr.unchecked, o, p, &t, &whole);
    if (whole)
        probe = *l;
    if (!rc) {
        p->free_makespan = t.s.makespan;
        p->free_footprint = t.m.footprint;
        rc = limits_from(l, &t, p);
    }
    trial_fini(&t);
    if (!rc)
        rc = fit_on_probe(l, &probe, pr.unchecked, o, p);
    uint32_t tried;
    if (!rc)
        rc = final_trials(l, plain, p, cur, &t, &tried);
    if (rc || plain || cur->m.footprint > l->memory) {
        trial_fini(&t);
        return rc;
    }
    p->schedules += tried;
    if (t.done && t.m.footprint <= l->memory)
        keep_if_shorter(cur, &t, NULL);
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
    return pl_plan_make_probed(l, plain, (pl_plan_probe){0}, out, d);
}

int pl_plan_make_probed(const pl_plan_loop *l, bool plain, pl_plan_probe probe, pl_plan *out,
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
    if (!rc && !probe.iterations)
        probe.iterations = pl_plan_probe_iterations(l, out->bounds.mii);
    if (!rc)
        rc = search(l, probe, plain, out, &best);
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
