/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * steady.c — finding the repetition in a schedule.
 *
 * For each k, one scan over i compares iteration i + k with iteration i op by op;
 * consecutive i with the same shift D form a run, and the longest run over all k
 * wins. O(16 N nops) at most; O(N nops) where one period covers all but the first few
 * iterations (longest). A repetition found in the starts is checked against the
 * completions; a schedule without one gets the slope of its completions.
 */
#include "models/plan/steady.h"
#include "sim/measure/extrema.h"

#include <math.h>
#include <stddef.h>

#define MAX_PERIOD 16

double pl_plan_iteration_start(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t i)
{
    double t = INFINITY;
    for (uint32_t o = 0; o < l->nops; o++)
        t = pl_min(t, s->tasks[(size_t)i * l->nops + o].start);
    return t;
}

double pl_plan_iteration_end(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t i)
{
    double t = -INFINITY;
    for (uint32_t o = 0; o < l->nops; o++)
        t = pl_max(t, s->tasks[(size_t)i * l->nops + o].end);
    return t;
}

double pl_plan_iteration_shift(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t i,
                               uint32_t k, double tol)
{
    const pl_plan_slot *a = &s->tasks[(size_t)i * l->nops],
                       *b = &s->tasks[(size_t)(i + k) * l->nops];
    double d = b[0].start - a[0].start;
    for (uint32_t o = 1; o < l->nops; o++)
        if (fabs(b[o].start - a[o].start - d) > tol)
            return NAN;
    return d;
}

struct run {
    uint32_t k, i0, i1; /* iterations i0 .. i1 + k repeat with period k */
    double d;
    uint32_t cover; /* i1 + k - i0 + 1 */
};

/* The longest run for period k, where it covers more than `need` iterations (else a run
 * that does not: the caller keeps a run of `need` already). A run from i0 covers at most
 * the N - i0 iterations from i0 on, so the scan stops where neither the open run nor one
 * starting later can cover more than `need`: with a period that covers all but the first
 * iterations, the longer periods' scans stop within a few iterations. */
static struct run longest(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t k, double mii,
                          double tol, uint32_t need)
{
    struct run best = {0}, cur = {0};
    bool open = false;
    uint32_t n = l->iterations;
    for (uint32_t i = 0; i + k < n; i++) {
        if (n - i <= need && (!open || n - cur.i0 <= need))
            break;
        double d = pl_plan_iteration_shift(l, s, i, k, tol);
        bool same = open && !isnan(d) && fabs(d - cur.d) <= tol;
        if (same) {
            cur.i1 = i;
        } else {
            open = !isnan(d) && d > 0 && d / k >= mii - tol;
            cur = (struct run){k, i, i, d, 0};
        }
        if (open) {
            cur.cover = cur.i1 + k - cur.i0 + 1;
            /* At least two repetitions of the body. */
            if (cur.cover >= 2 * k + 1 && cur.cover > best.cover)
                best = cur;
        }
    }
    return best;
}

/* Whether the completions of iterations i0 .. i1 + k repeat every d, as their starts do. */
static bool completions_repeat(const pl_plan_loop *l, const pl_plan_schedule *s,
                               const struct run *r, double tol)
{
    for (uint32_t i = r->i0; i <= r->i1; i++)
        if (fabs(pl_plan_iteration_end(l, s, i + r->k) - pl_plan_iteration_end(l, s, i) - r->d) >
            tol)
            return false;
    return true;
}

/* The least-squares slope of the completions c_i over i = a .. b (a < b). */
static double completion_slope(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t a,
                               uint32_t b)
{
    double mi = (a + b) / 2.0, mc = 0, sxy = 0, sxx = 0;
    for (uint32_t i = a; i <= b; i++)
        mc += pl_plan_iteration_end(l, s, i);
    mc /= b - a + 1;
    for (uint32_t i = a; i <= b; i++) {
        sxy += (i - mi) * (pl_plan_iteration_end(l, s, i) - mc);
        sxx += (i - mi) * (i - mi);
    }
    return sxy / sxx;
}

void pl_plan_steady_find(const pl_plan_loop *l, const pl_plan_schedule *s, double mii,
                         pl_plan_steady *out)
{
    uint32_t n = l->iterations;
    double tol = 1e-9 * s->makespan, t0 = INFINITY, cn = -INFINITY;
    for (uint32_t i = 0; i < n; i++) {
        t0 = pl_min(t0, pl_plan_iteration_start(l, s, i));
        cn = pl_max(cn, pl_plan_iteration_end(l, s, i));
    }
    if (!n)
        t0 = cn = 0;
    struct run best = {0};
    for (uint32_t k = 1; k <= MAX_PERIOD && k < n; k++) {
        struct run r = longest(l, s, k, mii, tol, best.cover);
        if (r.cover > best.cover)
            best = r;
    }
    if (best.cover && completions_repeat(l, s, &best, tol)) {
        double ii = best.d / best.k;
        *out =
            (pl_plan_steady){true, true, ii, ii, cn - t0, best.k, best.i0, best.i1 + best.k, 0, 0};
        out->start = pl_plan_iteration_start(l, s, best.i0);
        out->end = pl_plan_iteration_start(l, s, best.i1 + best.k);
        return;
    }
    /* The middle half of the iterations, N / 4 .. N - 1 - N / 4. */
    uint32_t a = n / 4, b = n ? n - 1 - n / 4 : 0;
    double slope = a < b ? completion_slope(l, s, a, b) : 0;
    bool steady = a < b && slope >= mii - tol;
    double ii = steady ? slope : n ? (cn - t0) / n : 0;
    *out = (pl_plan_steady){false, steady, ii, slope, cn - t0, 1, a, b, t0, t0};
}
