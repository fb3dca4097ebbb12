/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compare.c — two reports side by side, as text and as JSON.
 *
 * The run's units are matched by name: the rows are A's units in A's order, then B's
 * units that A lacks in B's order, and each unit of B is matched at most once. A side
 * that lacks a row's unit reads NAN for every figure of it, which the text prints as
 * "-" and JSON as null; a difference with a missing side is missing too.
 * Invariant: both renderers read every figure and every difference through the same
 * functions, so that the text and the JSON never disagree, and a difference within
 * the engine's rounding noise is 0 in both.
 */
#include "sim/report/compare.h"

#include "sim/report/parts.h"
#include "sim/report/table.h"
#include "sim/common/units.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifndef PL_VERSION
#define PL_VERSION "dev"
#endif

/* A change in a unit's share of the critical path worth a sentence: 1 percentage point. */
#define SHARE_WORTH 0.01
/* Relative differences at or below this are rounding, for figures that are not times. */
#define RELATIVE_NOISE 1e-9
/* A ratio of makespans below this reads 1.00x: say "slightly" instead. */
#define SLIGHTLY 1.005
#define WRAP     PL_REPORT_WRAP

static const char *const letter[2] = {"A", "B"};

/* ---- Matching units ------------------------------------------------------------- */

/* A row of the unit table: a unit of A's run, of B's, or of both; -1 for a side that
 * lacks it. */
struct row {
    const char *name; /* borrowed from the graph of the side that has it, A first */
    long unit[2];
};

/* Both sides and their matched units. */
struct compare {
    const pl_compare_side *side[2];
    const pl_run *run[2];
    struct row *rows;
    size_t nrows;
    double noise; /* of the longer makespan: time differences at or below it are 0 */
};

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

static int compare_init(struct compare *c, const pl_compare_side *a, const pl_compare_side *b)
{
    assert(a && a->r && b && b->r);
    *c = (struct compare){.side = {a, b}, .run = {&a->r->run, &b->r->run}};
    c->noise = pl_metrics_noise(fmax(c->run[0]->m->makespan, c->run[1]->m->makespan));
    return match_units(c);
}

static void compare_fini(struct compare *c)
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
static double time_difference(const struct compare *c, double a, double b)
{
    return difference(a, b, c->noise);
}

/* Any other difference: within a billionth of the larger figure it is 0. */
static double relative_difference(double a, double b)
{
    return difference(a, b, RELATIVE_NOISE * fmax(fabs(a), fabs(b)));
}

/* (B - A) / A, or NAN when A is 0 or a side is missing. */
static double change(double a, double d)
{
    return a != 0 && isfinite(a) && isfinite(d) ? d / a : NAN;
}

/* What a summary figure is, for formatting. */
enum kind { TIME, RATE, SPEEDUP, FRACTION };

/* A summary figure of both sides and their difference. */
struct figure {
    const char *label; /* in the text */
    const char *key;   /* in JSON */
    enum kind kind;
    double v[2];
    double delta; /* B - A, within rounding 0; NAN when the sides cannot be compared */
};

#define NFIGURES 6

static const char *noun(const struct compare *c, int side)
{
    return pl_graph_item_noun(c->run[side]->graph);
}

static struct figure figure(const char *label, const char *key, enum kind kind, double a, double b)
{
    return (struct figure){label, key, kind, {a, b}, 0};
}

static void summary_figures(const struct compare *c, struct figure f[NFIGURES])
{
    const pl_run *run[2] = {&c->side[0]->r->run, &c->side[1]->r->run};
    const pl_run *base[2] = {&c->side[0]->r->baseline, &c->side[1]->r->baseline};
    f[0] = figure("makespan", "makespan_s", TIME, run[0]->m->makespan, run[1]->m->makespan);
    f[1] = figure("throughput", "throughput_per_s", RATE, run[0]->m->throughput,
                  run[1]->m->throughput);
    f[2] =
        figure("baseline", "baseline_makespan_s", TIME, base[0]->m->makespan, base[1]->m->makespan);
    f[3] = figure("speedup", "speedup", SPEEDUP, c->side[0]->r->speedup, c->side[1]->r->speedup);
    f[4] = figure("bound", "bound_s", TIME, run[0]->bound->makespan, run[1]->bound->makespan);
    f[5] = figure("efficiency", "efficiency", FRACTION, pl_report_efficiency(run[0]),
                  pl_report_efficiency(run[1]));
    for (int i = 0; i < NFIGURES; i++)
        f[i].delta = f[i].kind == TIME ? time_difference(c, f[i].v[0], f[i].v[1])
                                       : relative_difference(f[i].v[0], f[i].v[1]);
    /* Ops per second and frames per second do not subtract. */
    if (strcmp(noun(c, 0), noun(c, 1)) != 0)
        f[1].delta = NAN;
}

/* What the unit tables compare, read from one side's metrics of a unit. */
enum what { UTILIZATION, BUBBLE, SHARE, CAUSE /* + edge kind */ };

static double unit_value(const struct compare *c, const struct row *row, int side, int what)
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
        return m->makespan > 0 ? um->critical / m->makespan : 0.0;
    default:
        return um->cause[what - CAUSE];
    }
}

/* B - A of a unit's figure: times within the noise are 0, shares are exact. */
static double unit_delta(const struct compare *c, const struct row *row, int what)
{
    double a = unit_value(c, row, 0, what), b = unit_value(c, row, 1, what);
    return what == UTILIZATION || what == SHARE ? b - a : time_difference(c, a, b);
}

/* How far a unit's share of the critical path moved; a side without the unit counts
 * as a share of 0. */
static double share_moved(const struct compare *c, const struct row *row)
{
    double a = unit_value(c, row, 0, SHARE), b = unit_value(c, row, 1, SHARE);
    return (isnan(b) ? 0.0 : b) - (isnan(a) ? 0.0 : a);
}

/* A row whose unit's share of the critical path moved, and by how much. */
struct move {
    size_t row;
    double by; /* |share_moved| */
};

static int by_size(const void *pa, const void *pb)
{
    const struct move *a = pa, *b = pb;
    if (a->by != b->by)
        return a->by > b->by ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* The rows whose share of the critical path moved by more than SHARE_WORTH, largest
 * move first, ties in row order. Stores a malloc'd array in *out (the caller frees it)
 * and returns its length, or PL_ENOMEM. */
static int moved_shares(const struct compare *c, struct move **out)
{
    struct move *moved = malloc((c->nrows + 1) * sizeof *moved);
    if (!moved)
        return PL_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < c->nrows; i++) {
        double by = fabs(share_moved(c, &c->rows[i]));
        if (by > SHARE_WORTH)
            moved[n++] = (struct move){i, by};
    }
    qsort(moved, n, sizeof *moved, by_size);
    *out = moved;
    return (int)n;
}

/* The busiest unit of a side (the first of equals), or NULL without units. */
static const char *busiest(const struct compare *c, int side, double *utilization)
{
    const pl_metrics *m = c->run[side]->m;
    if (m->nunits == 0)
        return NULL;
    uint32_t best = 0;
    for (uint32_t u = 1; u < m->nunits; u++)
        if (m->units[u].busy > m->units[best].busy)
            best = u;
    *utilization = m->units[best].utilization;
    return pl_graph_unit_name(c->run[side]->graph, best);
}

/* Which side is faster: 1 for B, 0 for A, -1 when their makespans are equal (within
 * the noise). *ratio is the slower makespan over the faster one. */
static int faster_side(const struct compare *c, double *ratio)
{
    double a = c->run[0]->m->makespan, b = c->run[1]->m->makespan;
    if (fabs(b - a) <= c->noise) {
        *ratio = 1.0;
        return -1;
    }
    *ratio = b < a ? a / b : b / a;
    return b < a;
}

/* ---- Text: formatting ------------------------------------------------------------ */

/* x with `decimals` decimals and a suffix, signed unless it reads as zero; "-" when x is
 * not a number or too wide for buf. */
static void signed_fixed(double x, int decimals, const char *suffix, char *buf, size_t len)
{
    if (!isfinite(x)) {
        snprintf(buf, len, "-");
        return;
    }
    char num[64];
    snprintf(num, sizeof num, "%.*f", decimals, fabs(x));
    const char *sign = strtod(num, NULL) == 0 ? "" : x < 0 ? "-" : "+";
    if (snprintf(buf, len, "%s%s%s", sign, num, suffix) >= (int)len)
        snprintf(buf, len, "-");
}

static void signed_time(double x, char *buf, size_t len)
{
    if (!isfinite(x))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%s%s", x > 0 ? "+" : x < 0 ? "-" : "", PL_TIME_TEXT(fabs(x)));
}

static void value_text(const struct compare *c, const struct figure *f, int side, char *buf,
                       size_t len)
{
    double v = f->v[side];
    if (!isfinite(v)) {
        snprintf(buf, len, "-");
        return;
    }
    switch (f->kind) {
    case TIME:
        snprintf(buf, len, "%s", PL_TIME_TEXT(v));
        return;
    case RATE:
        pl_report_rate(v, noun(c, side), buf, len);
        return;
    case SPEEDUP:
        snprintf(buf, len, "%.2fx", v);
        return;
    case FRACTION:
        snprintf(buf, len, "%.1f %%", 100.0 * v);
        return;
    }
}

static void delta_text(const struct compare *c, const struct figure *f, char *buf, size_t len)
{
    double d = f->delta;
    char rate[64];
    switch (f->kind) {
    case TIME:
        signed_time(d, buf, len);
        return;
    case RATE:
        if (!isfinite(d)) {
            snprintf(buf, len, "-");
            return;
        }
        pl_report_rate(fabs(d), noun(c, 0), rate, sizeof rate);
        snprintf(buf, len, "%s%s", d > 0 ? "+" : d < 0 ? "-" : "", rate);
        return;
    case SPEEDUP:
        signed_fixed(d, 2, "x", buf, len);
        return;
    case FRACTION:
        signed_fixed(100.0 * d, 1, " pp", buf, len);
        return;
    }
}

/* ---- Text: sections ---------------------------------------------------------------- */

static void header(const struct compare *c, int side, FILE *out)
{
    const pl_compare_side *s = c->side[side];
    const pl_report *r = s->r;
    fprintf(out, "%s: ", letter[side]);
    if (s->label && strcmp(s->label, letter[side]) != 0)
        fprintf(out, "%s; ", s->label);
    fprintf(out, "scenario %s", r->scenario ? r->scenario : "-");
    if (r->name)
        fprintf(out, " (\"%s\")", r->name);
    fprintf(out, ", model %s, mode %s, baseline %s, seed %llu", r->model, r->mode, r->baseline_mode,
            r->seed);
    fputs(r->random ? ", durations drawn at random\n" : "\n", out);
}

static void verdict(const struct compare *c, FILE *out)
{
    pl_sentence s = {0};
    double a = c->run[0]->m->makespan, b = c->run[1]->m->makespan, ratio;
    int faster = faster_side(c, &ratio);
    if (faster < 0) {
        pl_say(&s, "A and B take the same time: makespan %s.", PL_TIME_TEXT(a));
    } else {
        const char *how = faster ? "faster" : "slower";
        if (!isfinite(ratio))
            pl_say(&s, "B is %s than A", how);
        else if (ratio < SLIGHTLY)
            pl_say(&s, "B is slightly %s than A", how);
        else
            pl_say(&s, "B is %.2fx %s than A", ratio, how);
        pl_say(&s, ": makespan %s against %s.", PL_TIME_TEXT(b), PL_TIME_TEXT(a));
    }
    pl_report_wrapped(out, 0, s.text);
}

static int summary(const struct compare *c, FILE *out)
{
    struct figure f[NFIGURES];
    summary_figures(c, f);
    pl_table *t = pl_table_create(5);
    if (!t)
        return PL_ENOMEM;
    pl_table_addf(t, "%s", "");
    pl_table_addf(t, "%s", letter[0]);
    pl_table_addf(t, "%s", letter[1]);
    pl_table_addf(t, "B-A");
    pl_table_addf(t, "change");
    for (int i = 0; i < NFIGURES; i++) {
        char cell[128];
        pl_table_addf(t, "%s", f[i].label);
        for (int side = 0; side < 2; side++) {
            value_text(c, &f[i], side, cell, sizeof cell);
            pl_table_addf(t, "%s", cell);
        }
        delta_text(c, &f[i], cell, sizeof cell);
        pl_table_addf(t, "%s", cell);
        signed_fixed(100.0 * change(f[i].v[0], f[i].delta), 1, " %", cell, sizeof cell);
        pl_table_addf(t, "%s", cell);
    }
    int rc = pl_table_print(t, out, "");
    pl_table_destroy(t);
    return rc;
}

/* A unit's figure on both sides and their difference, as three cells. */
static void unit_cells(const struct compare *c, const struct row *row, int what, pl_table *t)
{
    char cell[64];
    for (int side = 0; side < 2; side++) {
        double v = unit_value(c, row, side, what);
        if (isnan(v))
            pl_table_addf(t, "-");
        else if (what == UTILIZATION)
            pl_table_addf(t, "%.2f %%", 100.0 * v);
        else if (what == SHARE)
            pl_table_addf(t, "%.1f %%", 100.0 * v);
        else
            pl_table_addf(t, "%s", PL_TIME_TEXT(v));
    }
    double d = unit_delta(c, row, what);
    if (what == UTILIZATION)
        signed_fixed(100.0 * d, 2, " pp", cell, sizeof cell);
    else if (what == SHARE)
        signed_fixed(100.0 * d, 1, " pp", cell, sizeof cell);
    else
        signed_time(d, cell, sizeof cell);
    pl_table_addf(t, "%s", cell);
}

static int unit_table(const struct compare *c, FILE *out)
{
    static const char *const head[] = {"unit",     "util A", "util B", "B-A",    "bubble A",
                                       "bubble B", "B-A",    "crit A", "crit B", "B-A"};
    const int ncols = (int)(sizeof head / sizeof head[0]);
    pl_table *t = pl_table_create(ncols);
    if (!t)
        return PL_ENOMEM;
    for (int i = 0; i < ncols; i++)
        pl_table_addf(t, "%s", head[i]);
    for (size_t i = 0; i < c->nrows; i++) {
        pl_table_addf(t, "%s", c->rows[i].name);
        unit_cells(c, &c->rows[i], UTILIZATION, t);
        unit_cells(c, &c->rows[i], BUBBLE, t);
        unit_cells(c, &c->rows[i], SHARE, t);
    }
    fputs("units of the run (util: busy / makespan; crit: share of the critical path):\n", out);
    int rc = pl_table_print(t, out, "  ");
    pl_table_destroy(t);
    return rc;
}

static void share_sentence(const struct compare *c, const struct row *row, FILE *out)
{
    pl_sentence s = {0};
    double a = unit_value(c, row, 0, SHARE), b = unit_value(c, row, 1, SHARE);
    if (isnan(b))
        pl_say(&s, "%s, only in A, took %.1f %% of the critical path.", row->name, 100.0 * a);
    else if (isnan(a))
        pl_say(&s, "%s, only in B, takes %.1f %% of the critical path.", row->name, 100.0 * b);
    else
        pl_say(&s, "%s's share of the critical path %s from %.1f %% to %.1f %%.", row->name,
            b > a ? "rose" : "fell", 100.0 * a, 100.0 * b);
    pl_report_wrapped(out, 2, s.text);
}

static void bottleneck_sentence(const struct compare *c, FILE *out)
{
    pl_sentence s = {0};
    double ua = 0, ub = 0;
    const char *a = busiest(c, 0, &ua), *b = busiest(c, 1, &ub);
    if (!a || !b)
        pl_say(&s, "%s has no units: there is no bottleneck to compare.", a ? "B" : "A");
    else if (strcmp(a, b) == 0)
        pl_say(&s,
            "The bottleneck (the busiest unit) stays %s: busy %.1f %% of the makespan in A,"
            " %.1f %% in B.",
            a, 100.0 * ua, 100.0 * ub);
    else
        pl_say(&s,
            "The bottleneck (the busiest unit) moved from %s (busy %.1f %% of the makespan"
            " in A) to %s (busy %.1f %% in B).",
            a, 100.0 * ua, b, 100.0 * ub);
    pl_report_wrapped(out, 2, s.text);
}

static int critical_section(const struct compare *c, FILE *out)
{
    struct move *moved;
    int n = moved_shares(c, &moved);
    if (n < 0)
        return n;
    fputs("critical path:\n", out);
    if (n == 0)
        pl_report_wrapped(out, 2,
                    "No unit's share of the critical path changed by more than 1 percentage"
                    " point.");
    for (int i = 0; i < n; i++)
        share_sentence(c, &c->rows[moved[i].row], out);
    free(moved);
    bottleneck_sentence(c, out);
    return 0;
}

/* Whether a cause's bubble time of a unit differs between A and B: by more than the
 * noise, or at all when one side lacks the unit. */
static int cause_differs(const struct compare *c, const struct row *row, int k)
{
    double a = unit_value(c, row, 0, CAUSE + k), b = unit_value(c, row, 1, CAUSE + k);
    if (isnan(a) || isnan(b))
        return (isnan(a) ? b : a) > c->noise;
    return time_difference(c, a, b) != 0;
}

/* The longest unit name, for a column of names followed by words. */
static int name_width(const struct compare *c)
{
    size_t width = strlen("unit");
    for (size_t i = 0; i < c->nrows; i++)
        if (strlen(c->rows[i].name) > width)
            width = strlen(c->rows[i].name);
    return (int)width;
}

/* Bubble time by cause, a row per unit and cause where A and B differ; nothing when
 * they never do. The unit and the cause share the table's first column, so that both
 * are aligned left. */
static int cause_section(const struct compare *c, FILE *out)
{
    pl_table *t = pl_table_create(4);
    if (!t)
        return PL_ENOMEM;
    int width = name_width(c);
    pl_table_addf(t, "%-*s  cause", width, "unit");
    pl_table_addf(t, "A");
    pl_table_addf(t, "B");
    pl_table_addf(t, "B-A");
    int rows = 0;
    for (size_t i = 0; i < c->nrows; i++) {
        for (int k = 0; k < PL_EDGE_KIND_COUNT; k++) {
            if (!cause_differs(c, &c->rows[i], k))
                continue;
            pl_table_addf(t, "%-*s  %s", width, c->rows[i].name,
                          pl_edge_cause_name((pl_edge_kind)k));
            unit_cells(c, &c->rows[i], CAUSE + k, t);
            rows++;
        }
    }
    int rc = 0;
    if (rows > 0) {
        fputs("\nbubble time by cause, where A and B differ:\n", out);
        rc = pl_table_print(t, out, "  ");
    }
    pl_table_destroy(t);
    return rc;
}

static int text_sections(const struct compare *c, FILE *out)
{
    header(c, 0, out);
    header(c, 1, out);
    fputc('\n', out);
    int rc = summary(c, out);
    if (rc == 0)
        verdict(c, out);
    fputc('\n', out);
    if (rc == 0)
        rc = unit_table(c, out);
    fputc('\n', out);
    if (rc == 0)
        rc = critical_section(c, out);
    if (rc == 0)
        rc = cause_section(c, out);
    return rc;
}

int pl_compare_text(const pl_compare_side *a, const pl_compare_side *b, FILE *out, pl_diag *d)
{
    struct compare c;
    int rc = compare_init(&c, a, b);
    if (rc == 0)
        rc = text_sections(&c, out);
    compare_fini(&c);
    if (rc == PL_ENOMEM)
        return pl_diag_set(d, rc, "out of memory while writing the comparison");
    return pl_report_flush(out, d, "comparison");
}

/* ---- JSON ---------------------------------------------------------------------------- */


/* {"a", "b", "delta"}: null for a side without the figure and for its difference. */
static json_t *pair_object(double a, double b, double delta)
{
    json_t *o = json_object();
    o = pl_report_json_with(o, "a", pl_report_json_real(a));
    o = pl_report_json_with(o, "b", pl_report_json_real(b));
    return pl_report_json_with(o, "delta", pl_report_json_real(delta));
}

static json_t *side_object(const struct compare *c, int side)
{
    const pl_compare_side *s = c->side[side];
    const pl_report *r = s->r;
    json_t *o = json_object();
    o = pl_report_json_with(o, "label", pl_report_json_text(s->label));
    o = pl_report_json_with(o, "scenario", pl_report_json_text(r->scenario));
    o = pl_report_json_with(o, "name", pl_report_json_text(r->name));
    o = pl_report_json_with(o, "model", pl_report_json_text(r->model));
    o = pl_report_json_with(o, "mode", pl_report_json_text(r->mode));
    o = pl_report_json_with(o, "baseline_mode", pl_report_json_text(r->baseline_mode));
    o = pl_report_json_with(o, "seed", pl_report_json_unsigned(r->seed));
    o = pl_report_json_with(o, "random", json_boolean(r->random));
    o = pl_report_json_with(o, "items", pl_report_json_unsigned(pl_graph_items(r->run.graph)));
    return pl_report_json_with(o, "item_noun", json_string(noun(c, side)));
}

static json_t *summary_object(const struct compare *c)
{
    struct figure f[NFIGURES];
    summary_figures(c, f);
    json_t *o = json_object();
    for (int i = 0; i < NFIGURES; i++) {
        json_t *fig = pair_object(f[i].v[0], f[i].v[1], f[i].delta);
        fig =
            pl_report_json_with(fig, "change", pl_report_json_real(change(f[i].v[0], f[i].delta)));
        o = pl_report_json_with(o, f[i].key, fig);
    }
    return o;
}

static json_t *unit_pair(const struct compare *c, const struct row *row, int what)
{
    return pair_object(unit_value(c, row, 0, what), unit_value(c, row, 1, what),
                       unit_delta(c, row, what));
}

static json_t *unit_object(const struct compare *c, const struct row *row)
{
    const char *in = row->unit[0] < 0 ? "b" : row->unit[1] < 0 ? "a" : "both";
    json_t *causes = json_object();
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        causes = pl_report_json_with(causes, pl_edge_cause_name((pl_edge_kind)k),
                                     unit_pair(c, row, CAUSE + k));
    json_t *o = json_object();
    o = pl_report_json_with(o, "name", json_string(row->name));
    o = pl_report_json_with(o, "in", json_string(in));
    o = pl_report_json_with(o, "utilization", unit_pair(c, row, UTILIZATION));
    o = pl_report_json_with(o, "bubble_s", unit_pair(c, row, BUBBLE));
    o = pl_report_json_with(o, "critical_share", unit_pair(c, row, SHARE));
    return pl_report_json_with(o, "causes", causes);
}

static json_t *units_array(const struct compare *c)
{
    json_t *a = json_array();
    for (size_t i = 0; i < c->nrows; i++)
        a = pl_report_json_append(a, unit_object(c, &c->rows[i]));
    return a;
}

static json_t *critical_array(const struct compare *c)
{
    struct move *moved;
    int n = moved_shares(c, &moved);
    if (n < 0)
        return NULL;
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        const struct row *row = &c->rows[moved[i].row];
        json_t *o = json_object();
        o = pl_report_json_with(o, "unit", json_string(row->name));
        o = pl_report_json_with(o, "a", pl_report_json_real(unit_value(c, row, 0, SHARE)));
        o = pl_report_json_with(o, "b", pl_report_json_real(unit_value(c, row, 1, SHARE)));
        o = pl_report_json_with(o, "delta", pl_report_json_real(share_moved(c, row)));
        a = pl_report_json_append(a, o);
    }
    free(moved);
    return a;
}

static json_t *bottleneck_object(const struct compare *c)
{
    double ua = 0, ub = 0;
    const char *a = busiest(c, 0, &ua), *b = busiest(c, 1, &ub);
    json_t *o = json_object();
    o = pl_report_json_with(o, "a", pl_report_json_text(a));
    o = pl_report_json_with(o, "b", pl_report_json_text(b));
    return pl_report_json_with(o, "moved", json_boolean(a && b && strcmp(a, b) != 0));
}

static json_t *document(const struct compare *c)
{
    double ratio;
    int faster = faster_side(c, &ratio);
    json_t *o = json_object();
    o = pl_report_json_with(o, "pipelab", json_string(PL_VERSION));
    o = pl_report_json_with(o, "a", side_object(c, 0));
    o = pl_report_json_with(o, "b", side_object(c, 1));
    o = pl_report_json_with(o, "summary", summary_object(c));
    o = pl_report_json_with(o, "faster",
                            faster < 0 ? json_null() : json_string(faster ? "b" : "a"));
    o = pl_report_json_with(o, "ratio", pl_report_json_real(ratio));
    o = pl_report_json_with(o, "bottleneck", bottleneck_object(c));
    o = pl_report_json_with(o, "units", units_array(c));
    return pl_report_json_with(o, "critical_path", critical_array(c));
}

int pl_compare_json(const pl_compare_side *a, const pl_compare_side *b, FILE *out, pl_diag *d)
{
    struct compare c;
    int rc = compare_init(&c, a, b);
    json_t *doc = rc == 0 ? document(&c) : NULL;
    compare_fini(&c);
    if (!doc)
        return pl_diag_set(d, PL_ENOMEM,
                           "cannot build the JSON comparison: out of memory, or a name that "
                           "is not UTF-8");
    rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(doc);
    fputc('\n', out);
    if (rc != 0 && !ferror(out))
        return pl_diag_set(d, PL_EIO, "cannot write the JSON comparison");
    return pl_report_flush(out, d, "JSON comparison");
}
