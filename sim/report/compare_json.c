/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compare_json.c — `pipelab compare --format json`: two reports side by side as one
 * JSON document (docs/reports.md, "Comparison").
 *
 * Invariant: every figure and every difference is read through comparison.h, as the
 * text reads them, so that the JSON and the text never disagree; a figure a side lacks
 * and any difference with it are null. The document is built whole or not at all.
 */
#include "sim/report/compare.h"

#include "sim/report/comparison.h"
#include "sim/report/parts.h"

#include <stdlib.h>
#include <string.h>

#ifndef PL_VERSION
#define PL_VERSION "dev"
#endif

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
    return pl_report_json_with(o, "item_noun", json_string(pl_compare_noun(c, side)));
}

static json_t *summary_object(const struct compare *c)
{
    struct figure f[NFIGURES];
    pl_compare_summary_figures(c, f);
    json_t *o = json_object();
    for (int i = 0; i < NFIGURES; i++) {
        json_t *fig = pair_object(f[i].v[0], f[i].v[1], f[i].delta);
        fig = pl_report_json_with(fig, "change",
                                  pl_report_json_real(pl_compare_change(f[i].v[0], f[i].delta)));
        o = pl_report_json_with(o, f[i].key, fig);
    }
    return o;
}

static json_t *unit_pair(const struct compare *c, const struct row *row, int what)
{
    return pair_object(pl_compare_unit_value(c, row, 0, what),
                       pl_compare_unit_value(c, row, 1, what), pl_compare_unit_delta(c, row, what));
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
    o = pl_report_json_with(o, "chain_share", unit_pair(c, row, SHARE));
    return pl_report_json_with(o, "causes", causes);
}

static json_t *units_array(const struct compare *c)
{
    json_t *a = json_array();
    for (size_t i = 0; i < c->nrows; i++)
        a = pl_report_json_append(a, unit_object(c, &c->rows[i]));
    return a;
}

static json_t *chain_array(const struct compare *c)
{
    struct move *moved;
    int n = pl_compare_moved_shares(c, &moved);
    if (n < 0)
        return NULL;
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        const struct row *row = &c->rows[moved[i].row];
        json_t *o = json_object();
        o = pl_report_json_with(o, "unit", json_string(row->name));
        o = pl_report_json_with(o, "a",
                                pl_report_json_real(pl_compare_unit_value(c, row, 0, SHARE)));
        o = pl_report_json_with(o, "b",
                                pl_report_json_real(pl_compare_unit_value(c, row, 1, SHARE)));
        o = pl_report_json_with(o, "delta", pl_report_json_real(pl_compare_share_moved(c, row)));
        a = pl_report_json_append(a, o);
    }
    free(moved);
    return a;
}

static json_t *busiest_object(const struct compare *c)
{
    double ua = 0, ub = 0;
    const char *a = pl_compare_busiest(c, 0, &ua), *b = pl_compare_busiest(c, 1, &ub);
    json_t *o = json_object();
    o = pl_report_json_with(o, "a", pl_report_json_text(a));
    o = pl_report_json_with(o, "b", pl_report_json_text(b));
    return pl_report_json_with(o, "moved", json_boolean(a && b && strcmp(a, b) != 0));
}

static json_t *document(const struct compare *c)
{
    double ratio;
    int faster = pl_compare_faster_side(c, &ratio);
    json_t *o = json_object();
    o = pl_report_json_with(o, "pipelab", json_string(PL_VERSION));
    o = pl_report_json_with(o, "a", side_object(c, 0));
    o = pl_report_json_with(o, "b", side_object(c, 1));
    o = pl_report_json_with(o, "summary", summary_object(c));
    o = pl_report_json_with(o, "faster",
                            faster < 0 ? json_null() : json_string(faster ? "b" : "a"));
    o = pl_report_json_with(o, "ratio", pl_report_json_real(ratio));
    o = pl_report_json_with(o, "busiest", busiest_object(c));
    o = pl_report_json_with(o, "units", units_array(c));
    return pl_report_json_with(o, "binding_chain", chain_array(c));
}

int pl_compare_json(const pl_compare_side *a, const pl_compare_side *b, FILE *out, pl_diag *d)
{
    struct compare c;
    int rc = pl_compare_init(&c, a, b);
    json_t *doc = rc == 0 ? document(&c) : NULL;
    pl_compare_fini(&c);
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
