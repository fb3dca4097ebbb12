/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * comparison.c — two reports compared, for the text and the JSON renderings of
 * `pipelab compare` (compare_text.c, compare_json.c).
 *
 * The run's units are matched by name: the rows are A's units in A's order, then B's
 * units that A lacks in B's order, and each unit of B is matched at most once. A side
 * that lacks a row's unit reads NAN for every figure of it, which the text prints as
 * "-" and JSON as null; a difference with a missing side is missing too.
 * Invariant: both renderers read every figure and every difference through the same
 * functions, so that the text and the JSON never disagree, and a difference within
 * the engine's rounding noise is 0 in both.
 */
#include "sim/report/comparison.h"

#include "sim/report/parts.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A change in a unit's share of the binding chain worth a sentence: 1 percentage point. */
#define SHARE_WORTH 0.01
/* Relative differences at or below this are rounding, for figures that are not times. */
#define RELATIVE_NOISE 1e-9

/* ---- Matching units ------------------------------------------------------------- */

static long unmatched_unit(const pl_run *run, const char *name, const char *taken)
{
    for (uint32_t u = 0; u < run->m->nunits; u++)
        if (!taken[u] && strcmp(pl_graph_unit_name(run->graph, u), name) == 0)
            return (long)u;
    return -1;
}

static int match_units(struct compare *c)
{
    const pl_run *a = c->run[0], *b = c->run[1];
    uint32_t na = a->m->nunits, nb = b->m->nunits;
    struct row *rows = malloc(((size_t)na + nb + 1) * sizeof *rows);
    char *taken = calloc((size_t)nb + 1, 1);
    if (!rows || !taken) {
        free(rows);
        free(taken);
        return PL_ENOMEM;
    }
    size_t n = 0;
    for (uint32_t u = 0; u < na; u++) {
        const char *name = pl_graph_unit_name(a->graph, u);
        long v = unmatched_unit(b, name, taken);
        if (v >= 0)
            taken[v] = 1;
        rows[n++] = (struct row){name, {(long)u, v}};
    }
    for (uint32_t v = 0; v < nb; v++)
        if (!taken[v])
            rows[n++] = (struct row){pl_graph_unit_name(b->graph, v), {-1, (long)v}};
    free(taken);
    c->rows = rows;
    c->nrows = n;
    return 0;
}

int pl_compare_init(struct compare *c, const pl_compare_side *a, const pl_compare_side *b)
{
    assert(a && a->r && b && b->r);
    *c = (struct compare){.side = {a, b}, .run = {&a->r->run, &b->r->run}};
    c->noise = pl_metrics_noise(fmax(c->run[0]->m->makespan, c->run[1]->m->makespan));
    return match_units(c);
}

void pl_compare_fini(struct compare *c)
{
    free(c->rows);
}

/* ---- Figures and differences ------------------------------------------------------ */

/* B - A, or 0 when the difference is within tol (rounding, not a change); NAN when a
 * side is missing. */
static double difference(double a, double b, double tol)
{
    double d = b - a;
    return fabs(d) <= tol ? 0.0 : d;
}

/* A time difference: within the noise of the longer makespan it is 0. */
double pl_compare_time_difference(const struct compare *c, double a, double b)
{
    return difference(a, b, c->noise);
}

/* Any other difference: within a billionth of the larger figure it is 0. */
static double relative_difference(double a, double b)
{
    return difference(a, b, RELATIVE_NOISE * fmax(fabs(a), fabs(b)));
}

/* (B - A) / A, or NAN when A is 0 or a side is missing. */
double pl_compare_change(double a, double d)
{
    return a != 0 && isfinite(a) && isfinite(d) ? d / a : NAN;
}

const char *pl_compare_noun(const struct compare *c, int side)
{
    return pl_graph_item_noun(c->run[side]->graph);
}

static struct figure figure(const char *label, const char *key, pl_figure_shape kind, double a,
                            double b)
{
    return (struct figure){label, key, kind, {a, b}, 0};
}

void pl_compare_summary_figures(const struct compare *c, struct figure f[NFIGURES])
{
    const pl_run *run[2] = {&c->side[0]->r->run, &c->side[1]->r->run};
    const pl_run *base[2] = {&c->side[0]->r->baseline, &c->side[1]->r->baseline};
    f[0] =
        figure("makespan", "makespan_s", PL_FIGURE_TIME, run[0]->m->makespan, run[1]->m->makespan);
    f[1] = figure("throughput", "throughput_per_s", PL_FIGURE_RATE, run[0]->m->throughput,
                  run[1]->m->throughput);
    f[2] = figure("baseline", "baseline_makespan_s", PL_FIGURE_TIME, base[0]->m->makespan,
                  base[1]->m->makespan);
    f[3] = figure("speedup", "speedup", PL_FIGURE_TIMES, c->side[0]->r->speedup,
                  c->side[1]->r->speedup);
    f[4] = figure("bound", "bound_s", PL_FIGURE_TIME, run[0]->bound->makespan,
                  run[1]->bound->makespan);
    f[5] = figure("efficiency", "efficiency", PL_FIGURE_PERCENT, pl_report_efficiency(run[0]),
                  pl_report_efficiency(run[1]));
    for (int i = 0; i < NFIGURES; i++)
        f[i].delta = f[i].kind == PL_FIGURE_TIME
                         ? pl_compare_time_difference(c, f[i].v[0], f[i].v[1])
                         : relative_difference(f[i].v[0], f[i].v[1]);
    /* Ops per second and frames per second do not subtract. */
    if (strcmp(pl_compare_noun(c, 0), pl_compare_noun(c, 1)) != 0)
        f[1].delta = NAN;
}

double pl_compare_unit_value(const struct compare *c, const struct row *row, int side, int what)
{
    long u = row->unit[side];
    if (u < 0)
        return NAN;
    const pl_metrics *m = c->run[side]->m;
    const pl_unit_metrics *um = &m->units[u];
    switch (what) {
    case UTILIZATION:
        return um->utilization;
    case BUBBLE:
        return um->bubble;
    case SHARE:
        return m->makespan > 0 ? um->binding / m->makespan : 0.0;
    default:
        return um->cause[what - CAUSE];
    }
}

/* B - A of a unit's figure: times within the noise are 0, shares are exact. */
double pl_compare_unit_delta(const struct compare *c, const struct row *row, int what)
{
    double a = pl_compare_unit_value(c, row, 0, what), b = pl_compare_unit_value(c, row, 1, what);
    return what == UTILIZATION || what == SHARE ? b - a : pl_compare_time_difference(c, a, b);
}

/* How far a unit's share of the binding chain moved; a side without the unit counts
 * as a share of 0. */
double pl_compare_share_moved(const struct compare *c, const struct row *row)
{
    double a = pl_compare_unit_value(c, row, 0, SHARE), b = pl_compare_unit_value(c, row, 1, SHARE);
    return (isnan(b) ? 0.0 : b) - (isnan(a) ? 0.0 : a);
}

static int by_size(const void *pa, const void *pb)
{
    const struct move *a = pa, *b = pb;
    if (a->by != b->by)
        return a->by > b->by ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* The rows whose share of the binding chain moved by more than SHARE_WORTH, largest
 * move first, ties in row order. Stores a malloc'd array in *out (the caller frees it)
 * and returns its length, or PL_ENOMEM. */
int pl_compare_moved_shares(const struct compare *c, struct move **out)
{
    struct move *moved = malloc((c->nrows + 1) * sizeof *moved);
    if (!moved)
        return PL_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < c->nrows; i++) {
        double by = fabs(pl_compare_share_moved(c, &c->rows[i]));
        if (by > SHARE_WORTH)
            moved[n++] = (struct move){i, by};
    }
    qsort(moved, n, sizeof *moved, by_size);
    *out = moved;
    return (int)n;
}

/* The busiest unit of a side (the first of equals), or NULL without units. */
const char *pl_compare_busiest(const struct compare *c, int side, double *utilization)
{
    const pl_metrics *m = c->run[side]->m;
    if (m->nunits == 0)
        return NULL;
    uint32_t best = pl_metrics_busiest(m);
    *utilization = m->units[best].utilization;
    return pl_graph_unit_name(c->run[side]->graph, best);
}

/* Which side is faster: 1 for B, 0 for A, -1 when their makespans are equal (within
 * the noise). *ratio is the slower makespan over the faster one. */
int pl_compare_faster_side(const struct compare *c, double *ratio)
{
    double a = c->run[0]->m->makespan, b = c->run[1]->m->makespan;
    if (fabs(b - a) <= c->noise) {
        *ratio = 1.0;
        return -1;
    }
    *ratio = b < a ? a / b : b / a;
    return b < a;
}
