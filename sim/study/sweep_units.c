/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sweep_units.c — lowering the points that predict a sweep's units, and checking them.
 *
 * Invariant: see sweep_units.h; lists[k] is filled exactly when from[k] == k.
 */
#include "sim/study/sweep_units.h"
#include "sim/common/pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int pl_sweep_units_init(pl_sweep_units *u, const pl_sweep_points *points, int width,
                        pl_sweep_lower_work lower, void *ctx, pl_diag *d)
{
    size_t n = points->count;
    *u = (pl_sweep_units){.points = points, .width = width, .lower = lower, .ctx = ctx};
    u->lists = calloc(n, sizeof *u->lists);
    u->from = malloc(n * sizeof *u->from);
    u->known = calloc(n, sizeof *u->known);
    if (!u->lists || !u->from || !u->known)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        u->from[k] = SIZE_MAX;
    return 0;
}

static void list_fini(pl_sweep_unit_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    *l = (pl_sweep_unit_list){0};
}

void pl_sweep_units_fini(pl_sweep_units *u)
{
    for (size_t k = 0; u->lists && k < u->points->count; k++)
        list_fini(&u->lists[k]);
    free(u->lists);
    free(u->from);
    free(u->known);
    *u = (pl_sweep_units){0};
}

/* Gives point k the units of o as its own. Fails with PL_ENOMEM. */
static int set_own(pl_sweep_units *u, size_t k, const pl_outcome *o)
{
    pl_sweep_unit_list *l = &u->lists[k];
    list_fini(l);
    u->from[k] = k;
    u->known[k] = true;
    if (o->nunits == 0)
        return 0;
    if (!(l->names = calloc(o->nunits, sizeof *l->names)))
        return PL_ENOMEM;
    for (; l->n < o->nunits; l->n++)
        if (!(l->names[l->n] = strdup(o->units[l->n].name)))
            return PL_ENOMEM;
    return 0;
}

static bool same_units(const pl_sweep_unit_list *l, const pl_outcome *o)
{
    if (l->n != o->nunits)
        return false;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->names[i], o->units[i].name) != 0)
            return false;
    return true;
}

static bool same_lists(const pl_sweep_unit_list *a, const pl_sweep_unit_list *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->names[i], b->names[i]) != 0)
            return false;
    return true;
}

/* ---- Lowering points in the pool ------------------------------------------------- */

struct pass {
    pl_sweep_units *u;
    const size_t *points; /* the points to lower, by job */
    size_t *crashed;      /* the points whose lowering died of a signal */
    size_t ncrashed;
};

static int work(void *ctx, size_t job, FILE *out)
{
    const struct pass *p = ctx;
    return p->u->lower(p->u->ctx, p->points[job], out);
}

static int heard(void *ctx, size_t job, const pl_pool_result *res, pl_diag *d)
{
    struct pass *p = ctx;
    size_t k = p->points[job];
    char what[64];
    snprintf(what, sizeof what, "point %zu", k);
    pl_outcome o;
    pl_outcome_init(&o);
    int rc = pl_outcome_from_child(res, what, &o);
    if (rc == 0)
        rc = set_own(p->u, k, &o);
    if (rc == 0 && o.status == PL_OUTCOME_CRASHED && p->crashed)
        p->crashed[p->ncrashed++] = k;
    pl_outcome_fini(&o);
    p->u->lowered++;
    return rc == 0 ? 0 : pl_diag_set(d, PL_ENOMEM, "out of memory");
}

/* Lowers the n points listed, and once more those whose lowering process died of a
 * signal (killed from outside, say): their units would be missing from the header, and
 * their rows would silently lose those columns. */
static int lower_points(pl_sweep_units *u, const size_t *points, size_t n, pl_diag *d)
{
    struct pass p = {.u = u, .points = points, .crashed = malloc((n + 1) * sizeof(size_t))};
    if (!p.crashed)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    int rc = pl_pool_run(n, u->width, work, heard, &p, d);
    struct pass again = {.u = u, .points = p.crashed};
    if (rc == 0 && p.ncrashed > 0)
        rc = pl_pool_run(p.ncrashed, u->width, work, heard, &again, d);
    free(p.crashed);
    return rc;
}

/* Lowers the points k with want[k] whose units are not known yet. */
static int lower_wanted(pl_sweep_units *u, const bool *want, pl_diag *d)
{
    size_t n = u->points->count, m = 0;
    size_t *list = malloc((n + 1) * sizeof *list);
    if (!list)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        if (want[k] && !u->known[k])
            list[m++] = k;
    int rc = m > 0 ? lower_points(u, list, m, d) : 0;
    free(list);
    return rc;
}

/* ---- Predicting --------------------------------------------------------------------- */

/* The distance between two points that differ by one in axis a's value (the last axis
 * varies fastest). */
static size_t stride(const pl_sweep_points *p, size_t a)
{
    size_t s = 1;
    for (size_t b = a + 1; b < p->naxes; b++)
        s *= p->axes[b].n;
    return s;
}

/* The values of an axis of n >= 2 that are lowered to see whether the units depend on
 * it, besides its first (point 0's): the second, the middle one and the last. */
static size_t sample(size_t n, size_t i)
{
    const size_t at[] = {1, n / 2, n - 1};
    return at[i];
}

#define SAMPLES 3

/* The points that vary one axis from point 0 ("probes"), marked in want. */
static void mark_probes(const pl_sweep_points *p, bool *want)
{
    want[0] = true;
    for (size_t a = 0; a < p->naxes; a++)
        for (size_t i = 0; i < SAMPLES && p->axes[a].n > 1; i++)
            want[sample(p->axes[a].n, i) * stride(p, a)] = true;
}

/* Whether the units are taken to depend on axis a: a value of it that was lowered, the
 * other axes at their first, gives other units than point 0. */
static bool depends_on(const pl_sweep_units *u, size_t a)
{
    const pl_sweep_points *p = u->points;
    for (size_t i = 0; i < SAMPLES && p->axes[a].n > 1; i++)
        if (!same_lists(&u->lists[sample(p->axes[a].n, i) * stride(p, a)], &u->lists[0]))
            return true;
    return false;
}

/* Point k with the axes the units do not depend on at their first value. */
static size_t predictor(const pl_sweep_points *p, const bool *depends, size_t k)
{
    size_t r = 0;
    for (size_t a = 0; a < p->naxes; a++)
        if (depends[a])
            r += (k / stride(p, a) % p->axes[a].n) * stride(p, a);
    return r;
}

static int predict(pl_sweep_units *u, bool *want, pl_diag *d)
{
    const pl_sweep_points *p = u->points;
    mark_probes(p, want);
    int rc = lower_wanted(u, want, d);
    bool *depends = rc == 0 ? calloc(p->naxes + 1, sizeof *depends) : NULL;
    if (rc == 0 && !depends)
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t a = 0; rc == 0 && a < p->naxes; a++)
        depends[a] = depends_on(u, a);
    for (size_t k = 0; rc == 0 && k < p->count; k++)
        want[predictor(p, depends, k)] = true;
    if (rc == 0)
        rc = lower_wanted(u, want, d);
    for (size_t k = 0; rc == 0 && k < p->count; k++)
        if (u->from[k] != k)
            u->from[k] = predictor(p, depends, k);
    free(depends);
    return rc;
}

int pl_sweep_units_learn(pl_sweep_units *u, bool every, pl_diag *d)
{
    size_t n = u->points->count;
    bool *want = calloc(n, sizeof *want);
    if (!want)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t k = 0; every && k < n; k++)
        want[k] = true;
    int rc = every ? lower_wanted(u, want, d) : predict(u, want, d);
    free(want);
    return rc;
}

/* ---- Checking ----------------------------------------------------------------------- */

bool pl_sweep_units_check(pl_sweep_units *u, size_t k, const pl_outcome *o)
{
    if (u->known[k] || o->status != PL_OUTCOME_OK)
        return true;
    if (same_units(&u->lists[u->from[k]], o)) {
        u->known[k] = true;
        return true;
    }
    /* Out of memory here leaves k unknown: settling lowers it. */
    if (set_own(u, k, o) != 0)
        u->known[k] = false;
    return false;
}

void pl_sweep_units_trust(pl_sweep_units *u, size_t k)
{
    u->known[k] = true;
}

bool pl_sweep_units_all_known(const pl_sweep_units *u)
{
    for (size_t k = 0; k < u->points->count; k++)
        if (!u->known[k])
            return false;
    return true;
}

int pl_sweep_units_settle(pl_sweep_units *u, pl_diag *d)
{
    size_t n = u->points->count;
    bool *want = calloc(n, sizeof *want);
    if (!want)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        want[k] = !u->known[k];
    int rc = lower_wanted(u, want, d);
    free(want);
    return rc;
}

int pl_sweep_units_columns(const pl_sweep_units *u, pl_sweep_columns *c)
{
    for (size_t k = 0; k < u->points->count; k++) {
        const pl_sweep_unit_list *l = &u->lists[u->from[k]];
        for (size_t i = 0; i < l->n; i++)
            if (pl_sweep_columns_add_unit(c, l->names[i]) != 0)
                return PL_ENOMEM;
    }
    return 0;
}
