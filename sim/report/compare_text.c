/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compare_text.c — `pipelab compare` for people: a header line per side, the summary
 * figures as A, B, B - A and change, a sentence on which side is faster, the table of
 * the run's units, the binding chain's moves and the busiest unit, and bubble time by
 * cause where A and B differ.
 *
 * Invariant: every figure and every difference is read through comparison.h, as the
 * JSON reads them, so that the text and the JSON never disagree; a figure a side lacks
 * and any difference with it print as "-".
 */
#include "sim/report/compare.h"

#include "sim/report/comparison.h"
#include "sim/report/parts.h"
#include "sim/report/table.h"
#include "sim/common/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A ratio of makespans below this reads 1.00x: say "slightly" instead. */
#define SLIGHTLY 1.005

static const char *const letter[2] = {"A", "B"};

/* ---- Text: formatting ------------------------------------------------------------ */

static void value_text(const struct compare *c, const struct figure *f, int side, char *buf,
                       size_t len)
{
    pl_report_figure(f->v[side], f->kind, pl_compare_noun(c, side), false, buf, len);
}

static void delta_text(const struct compare *c, const struct figure *f, char *buf, size_t len)
{
    pl_report_figure(f->delta, f->kind, pl_compare_noun(c, 0), true, buf, len);
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
    int faster = pl_compare_faster_side(c, &ratio);
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
    pl_compare_summary_figures(c, f);
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
        double change = pl_compare_change(f[i].v[0], f[i].delta);
        pl_report_signed_fixed(100.0 * change, 1, " %", cell, sizeof cell);
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
        double v = pl_compare_unit_value(c, row, side, what);
        if (isnan(v))
            pl_table_addf(t, "-");
        else if (what == UTILIZATION)
            pl_table_addf(t, "%.2f %%", 100.0 * v);
        else if (what == SHARE)
            pl_table_addf(t, "%.1f %%", 100.0 * v);
        else
            pl_table_addf(t, "%s", PL_TIME_TEXT(v));
    }
    double d = pl_compare_unit_delta(c, row, what);
    if (what == UTILIZATION)
        pl_report_signed_fixed(100.0 * d, 2, " pp", cell, sizeof cell);
    else
        pl_report_figure(d, what == SHARE ? PL_FIGURE_PERCENT : PL_FIGURE_TIME, NULL, true, cell,
                         sizeof cell);
    pl_table_addf(t, "%s", cell);
}

static int unit_table(const struct compare *c, FILE *out)
{
    static const char *const head[] = {"unit",     "util A",  "util B",  "B-A",    "bubble A",
                                       "bubble B", "B-A",     "chain A", "chain B", "B-A"};
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
    fputs("units of the run (util: busy / makespan; chain: share of the binding chain):\n", out);
    int rc = pl_table_print(t, out, "  ");
    pl_table_destroy(t);
    return rc;
}

static void share_sentence(const struct compare *c, const struct row *row, FILE *out)
{
    pl_sentence s = {0};
    double a = pl_compare_unit_value(c, row, 0, SHARE), b = pl_compare_unit_value(c, row, 1, SHARE);
    if (isnan(b))
        pl_say(&s, "%s, only in A, took %.1f %% of the binding chain.", row->name, 100.0 * a);
    else if (isnan(a))
        pl_say(&s, "%s, only in B, takes %.1f %% of the binding chain.", row->name, 100.0 * b);
    else
        pl_say(&s, "%s's share of the binding chain %s from %.1f %% to %.1f %%.", row->name,
               b > a ? "rose" : "fell", 100.0 * a, 100.0 * b);
    pl_report_wrapped(out, 2, s.text);
}

static void busiest_sentence(const struct compare *c, FILE *out)
{
    pl_sentence s = {0};
    double ua = 0, ub = 0;
    const char *a = pl_compare_busiest(c, 0, &ua), *b = pl_compare_busiest(c, 1, &ub);
    if (!a || !b)
        pl_say(&s, "%s has no units: there is no busiest unit to compare.", a ? "B" : "A");
    else if (strcmp(a, b) == 0)
        pl_say(&s,
               "The busiest unit stays %s: busy %.1f %% of the makespan in A and"
               " %.1f %% in B.",
               a, 100.0 * ua, 100.0 * ub);
    else
        pl_say(&s,
               "The busiest unit moved from %s (busy %.1f %% of the makespan"
               " in A) to %s (busy %.1f %% in B).",
               a, 100.0 * ua, b, 100.0 * ub);
    pl_report_wrapped(out, 2, s.text);
}

static int chain_section(const struct compare *c, FILE *out)
{
    struct move *moved;
    int n = pl_compare_moved_shares(c, &moved);
    if (n < 0)
        return n;
    fputs("binding chain:\n", out);
    if (n == 0)
        pl_report_wrapped(out, 2,
                          "No unit's share of the binding chain changed by more than 1 percentage"
                          " point.");
    for (int i = 0; i < n; i++)
        share_sentence(c, &c->rows[moved[i].row], out);
    free(moved);
    busiest_sentence(c, out);
    return 0;
}

/* Whether a cause's bubble time of a unit differs between A and B: by more than the
 * noise, or at all when one side lacks the unit. */
static int cause_differs(const struct compare *c, const struct row *row, int k)
{
    double a = pl_compare_unit_value(c, row, 0, CAUSE + k),
           b = pl_compare_unit_value(c, row, 1, CAUSE + k);
    if (isnan(a) || isnan(b))
        return (isnan(a) ? b : a) > c->noise;
    return pl_compare_time_difference(c, a, b) != 0;
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
        rc = chain_section(c, out);
    if (rc == 0)
        rc = cause_section(c, out);
    return rc;
}

int pl_compare_text(const pl_compare_side *a, const pl_compare_side *b, FILE *out, pl_diag *d)
{
    struct compare c;
    int rc = pl_compare_init(&c, a, b);
    if (rc == 0)
        rc = text_sections(&c, out);
    pl_compare_fini(&c);
    if (rc == PL_ENOMEM)
        return pl_diag_set(d, rc, "out of memory while writing the comparison");
    return pl_report_flush(out, d, "comparison");
}
