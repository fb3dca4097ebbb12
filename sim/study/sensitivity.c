/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sensitivity.c — one-at-a-time changes, simulated and ranked.
 *
 * Job 0 is the scenario as given; job 1 + 2i and 2 + 2i are key i at its low and its
 * high value. The new values are written as --set text the schema checks like any
 * other, in SI units with nine significant digits, so the value a run used is the one
 * the table shows. Invariant: the ranking depends only on the outcomes, and ties keep
 * the order the keys were given in.
 */
#include "sim/study/sensitivity.h"
#include "sim/config/config.h"
#include "models/model.h"
#include "sim/study/outcome.h"
#include "sim/report/parts.h"
#include "sim/report/table.h"
#include "sim/common/units.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct change {
    const char *key;
    char low[256], high[256]; /* the values as set */
    double swing;             /* |makespan(high) - makespan(low)|; NaN when one failed */
};

struct study {
    const pl_sensitivity_options *o;
    struct change *ch;
    pl_outcome *out; /* by job */
};

static void scaled_dist(const pl_dist *dist, double f, const char *unit, char *buf, size_t len)
{
    switch (dist->kind) {
    case PL_DIST_FIXED:
        snprintf(buf, len, "%.9g%s", dist->a * f, unit);
        break;
    case PL_DIST_EXPONENTIAL:
        snprintf(buf, len, "{dist: exponential, mean: %.9g%s}", dist->a * f, unit);
        break;
    case PL_DIST_UNIFORM:
        snprintf(buf, len, "{dist: uniform, min: %.9g%s, max: %.9g%s}", dist->a * f, unit,
                 dist->b * f, unit);
        break;
    default:
        snprintf(buf, len, "{dist: %s, mean: %.9g%s, sd: %.9g%s}", pl_dist_name(dist->kind),
                 dist->a * f, unit, dist->b * f, unit);
        break;
    }
}

/* Works out key i's low and high values from the loaded base configuration. */
static int values_of(const pl_config *c, struct change *ch, double delta, pl_diag *d)
{
    const pl_key *k = pl_keys_at(pl_scenario_keys, ch->key);
    const pl_node *n = k ? pl_config_get(c, ch->key) : NULL;
    if (!k || !n)
        return pl_diag_set(d, PL_EUSAGE,
                           "--keys %s: the scenario has no such key (pipelab "
                           "keys lists them)",
                           ch->key);
    if (k->type == PL_KEY_INT) {
        long long v = pl_node_int(n);
        if (v == PL_UNBOUNDED)
            return pl_diag_set(d, PL_EUSAGE,
                               "--keys %s: the key is unbounded here, not a "
                               "number to change",
                               ch->key);
        long long step = llround(fabs((double)v) * delta);
        step = step < 1 ? 1 : step;
        snprintf(ch->low, sizeof ch->low, "%lld", v - step);
        snprintf(ch->high, sizeof ch->high, "%lld", v + step);
    } else if (k->type == PL_KEY_REAL) {
        snprintf(ch->low, sizeof ch->low, "%.9g", pl_node_real(n) * (1 - delta));
        snprintf(ch->high, sizeof ch->high, "%.9g", pl_node_real(n) * (1 + delta));
    } else if ((k->type == PL_KEY_QUANTITY || k->type == PL_KEY_RANDOM) &&
               (pl_node_type_of(n) != PL_NODE_MAP || pl_node_get(n, "dist"))) {
        const pl_dist *dist = pl_node_dist(n);
        scaled_dist(dist, 1 - delta, pl_units_si(k->quantity), ch->low, sizeof ch->low);
        scaled_dist(dist, 1 + delta, pl_units_si(k->quantity), ch->high, sizeof ch->high);
    } else {
        return pl_diag_set(d, PL_EUSAGE,
                           "--keys %s: expected a key holding one number, quantity or "
                           "duration, got %s",
                           ch->key,
                           pl_node_type_of(n) == PL_NODE_MAP && (k->flags & PL_KEY_PER_TYPE)
                               ? "one value per core type"
                               : pl_keys_type_name(k->type));
    }
    return 0;
}

/* How a value is shown: quantities with their unit, distributions as a factor. */
static void shown(const pl_config *c, const char *key, double f, const char *set, char *buf,
                  size_t len)
{
    const pl_key *k = pl_keys_at(pl_scenario_keys, key);
    const pl_node *n = pl_config_get(c, key);
    if (k->type != PL_KEY_QUANTITY && k->type != PL_KEY_RANDOM)
        snprintf(buf, len, "%s", set);
    else if (pl_node_dist(n)->kind == PL_DIST_FIXED)
        pl_units_format(pl_node_dist(n)->a * f, k->quantity, 6, buf, len);
    else
        snprintf(buf, len, "x%.4g", f);
}

/* Job 0 runs the scenario as given; job 1 + 2i key i at its low value, 2 + 2i at its high. */
static int work(void *ctx, size_t job, FILE *out)
{
    const struct study *st = ctx;
    char set[600];
    const char *more[] = {set};
    if (job > 0) {
        const struct change *ch = &st->ch[(job - 1) / 2];
        snprintf(set, sizeof set, "%s=%s", ch->key, job % 2 ? ch->low : ch->high);
    }
    return pl_outcome_job(st->o->scenario, st->o->sets, st->o->nsets, more, job > 0, true, out);
}

static int heard(void *ctx, size_t job, const pl_pool_result *res, pl_diag *d)
{
    struct study *st = ctx;
    char what[64];
    snprintf(what, sizeof what, "run %zu of the study", job);
    if (pl_outcome_from_child(res, what, &st->out[job]) != 0)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    return 0;
}

/* ---- The table ------------------------------------------------------------------ */

static double makespan_of(const pl_outcome *o)
{
    return o->status == PL_OUTCOME_OK ? o->makespan : NAN;
}

/* Ranks keys by swing, largest first; keys whose change failed last; ties by key order. */
static size_t *ranking(const struct study *st)
{
    size_t n = st->o->nkeys, *order = calloc(n + 1, sizeof *order);
    for (size_t i = 0; order && i < n; i++) {
        size_t j = i;
        double s = st->ch[i].swing;
        while (j > 0) {
            double t = st->ch[order[j - 1]].swing;
            bool before = !isnan(s) && (isnan(t) || s > t);
            if (!before)
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return order;
}

/* A bar around the base: '#' to the left for a shorter makespan, to the right for a
 * longer one, `scale` seconds to 20 characters (a longer change fills the 20). */
static void bar(double base, double lo, double hi, double scale, char *buf)
{
    enum { W = 20 };
    double dn = 0, up = 0;
    for (int i = 0; i < 2; i++) {
        double x = (i ? hi : lo) - base;
        if (!isnan(x) && x < dn)
            dn = x;
        if (!isnan(x) && x > up)
            up = x;
    }
    long l = scale > 0 ? lround(W * -dn / scale) : 0, r = scale > 0 ? lround(W * up / scale) : 0;
    l = l > W ? W : l;
    r = r > W ? W : r;
    for (int i = 0; i < W; i++)
        buf[i] = i >= W - l ? '#' : ' ';
    buf[W] = '|';
    /* As wide as the widest bar, so that the bars line up in a right-aligned column. */
    for (int i = 0; i < W; i++)
        buf[W + 1 + i] = i < r ? '#' : ' ';
    buf[2 * W + 1] = '\0';
}

static void makespan_cell(pl_table *t, const pl_outcome *o)
{
    if (o->status == PL_OUTCOME_OK)
        pl_table_addf(t, "%s", PL_TIME_TEXT(o->makespan));
    else
        pl_table_addf(t, "%s", pl_outcome_status_word(o->status));
}

static int print_text(const struct study *st, const pl_config *c, const size_t *order, FILE *out)
{
    const pl_sensitivity_options *o = st->o;
    /* The bars' scale is the makespan's: 20 # for a change of the makespan as large as the
     * key's own, so that a key the makespan follows in proportion fills its bar and one
     * that changes nothing draws none. */
    double base = st->out[0].makespan, scale = o->delta * base;
    fprintf(out,
            "scenario %s: makespan %s as given\n"
            "each key at -%g %% (low) and +%g %% (high), one at a time, ranked by swing: the "
            "makespan at high minus at low;\nthe bar shows the makespan getting shorter (left "
            "of |) or longer (right), 20 # for %g %% of it (%s) or more\n\n",
            o->scenario, PL_TIME_TEXT(base), 100 * o->delta, 100 * o->delta, 100 * o->delta,
            PL_TIME_TEXT(scale));
    pl_table *t = pl_table_create(7);
    if (!t)
        return PL_ENOMEM;
    const char *head[] = {"key", "", "low", "high", "at low", "at high", "swing"};
    for (int i = 0; i < 7; i++)
        pl_table_addf(t, "%s", head[i]);
    for (size_t r = 0; r < o->nkeys; r++) {
        const struct change *ch = &st->ch[order[r]];
        const pl_outcome *lo = &st->out[1 + 2 * order[r]], *hi = lo + 1;
        char a[64], b[64], g[64];
        shown(c, ch->key, 1 - o->delta, ch->low, a, sizeof a);
        shown(c, ch->key, 1 + o->delta, ch->high, b, sizeof b);
        pl_table_addf(t, "%s", ch->key);
        bar(base, makespan_of(lo), makespan_of(hi), scale, g);
        pl_table_addf(t, "%s", g);
        pl_table_addf(t, "%s", a);
        pl_table_addf(t, "%s", b);
        makespan_cell(t, lo);
        makespan_cell(t, hi);
        if (isnan(ch->swing))
            pl_table_addf(t, "-");
        else
            pl_table_addf(t, "%s%s (%.1f %%)", hi->makespan < lo->makespan ? "-" : "",
                          PL_TIME_TEXT(ch->swing), base > 0 ? 100 * ch->swing / base : 0);
    }
    int rc = pl_table_print(t, out, "");
    pl_table_destroy(t);
    bool first = true;
    for (size_t i = 0; rc == 0 && i < 2 * o->nkeys; i++) {
        const pl_outcome *x = &st->out[1 + i];
        if (x->status == PL_OUTCOME_OK)
            continue;
        fprintf(out, "%s%s=%s: %s: %s\n", first ? "\nchanges that did not run:\n" : "",
                st->ch[i / 2].key, i % 2 ? st->ch[i / 2].high : st->ch[i / 2].low,
                pl_outcome_status_word(x->status), x->message);
        first = false;
    }
    return rc;
}

static json_t *side_json(const char *value, const pl_outcome *o)
{
    json_t *j = json_object();
    j = pl_report_json_with(j, "value", pl_report_json_text(value));
    j = pl_report_json_with(j, "status", pl_report_json_text(pl_outcome_status_word(o->status)));
    j = pl_report_json_with(j, "makespan_s", pl_report_json_real(makespan_of(o)));
    if (o->status != PL_OUTCOME_OK)
        j = pl_report_json_with(j, "message", pl_report_json_text(o->message));
    return j;
}

static int print_json(const struct study *st, const size_t *order, FILE *out)
{
    const pl_sensitivity_options *o = st->o;
    json_t *doc = json_object(), *keys = json_array();
    doc = pl_report_json_with(doc, "scenario", pl_report_json_text(o->scenario));
    doc = pl_report_json_with(doc, "delta", pl_report_json_real(o->delta));
    doc = pl_report_json_with(doc, "makespan_s", pl_report_json_real(st->out[0].makespan));
    for (size_t r = 0; keys && r < o->nkeys; r++) {
        const struct change *ch = &st->ch[order[r]];
        const pl_outcome *lo = &st->out[1 + 2 * order[r]];
        json_t *k = json_object();
        k = pl_report_json_with(k, "key", pl_report_json_text(ch->key));
        k = pl_report_json_with(k, "low", side_json(ch->low, lo));
        k = pl_report_json_with(k, "high", side_json(ch->high, lo + 1));
        k = pl_report_json_with(k, "swing_s", pl_report_json_real(ch->swing));
        keys = pl_report_json_append(keys, k);
    }
    doc = pl_report_json_with(doc, "keys", keys);
    if (!doc)
        return PL_ENOMEM;
    int bad = json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0;
    json_decref(doc);
    return bad || fputc('\n', out) == EOF ? PL_EIO : 0;
}

static int report(struct study *st, const pl_config *c, bool json, FILE *out, pl_diag *d)
{
    const pl_outcome *base = &st->out[0];
    if (base->status != PL_OUTCOME_OK)
        return pl_diag_set(d, base->status == PL_OUTCOME_DEADLOCK ? PL_EDEADLOCK : PL_EUSAGE,
                           "the scenario as given does not run: %s", base->message);
    for (size_t i = 0; i < st->o->nkeys; i++)
        st->ch[i].swing = fabs(makespan_of(&st->out[2 + 2 * i]) - makespan_of(&st->out[1 + 2 * i]));
    size_t *order = ranking(st);
    if (!order)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    int rc = json ? print_json(st, order, out) : print_text(st, c, order, out);
    free(order);
    if (rc == 0 && fflush(out) != 0)
        rc = PL_EIO;
    if (rc != 0)
        return pl_diag_set(d, rc, rc == PL_EIO ? "cannot write the table" : "out of memory");
    size_t failed = 0;
    for (size_t i = 0; i < 2 * st->o->nkeys; i++)
        failed += st->out[1 + i].status != PL_OUTCOME_OK;
    /* The table is printed whole; the status says that some of it did not run. */
    if (failed)
        return pl_diag_set(d, PL_EDEADLOCK,
                           "%zu of the %zu changes did not run (the table says why)", failed,
                           2 * st->o->nkeys);
    return 0;
}

int pl_sensitivity_run(const pl_sensitivity_options *o, bool json, FILE *out, pl_diag *d)
{
    struct study st = {.o = o};
    pl_config *c = NULL;
    size_t njobs = 1 + 2 * o->nkeys;
    int rc = pl_config_load(o->scenario, o->sets, o->nsets, pl_scenario_keys, &c, d);
    if (rc == 0) {
        st.ch = calloc(o->nkeys + 1, sizeof *st.ch);
        st.out = calloc(njobs, sizeof *st.out);
        if (!st.ch || !st.out)
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; rc == 0 && i < o->nkeys; i++) {
        st.ch[i].key = o->keys[i];
        rc = values_of(c, &st.ch[i], o->delta, d);
    }
    for (size_t i = 0; st.out && i < njobs; i++)
        pl_outcome_init(&st.out[i]);
    if (rc == 0)
        rc = pl_pool_run(njobs, o->jobs, work, heard, &st, d);
    if (rc == 0)
        rc = report(&st, c, json, out, d);
    for (size_t i = 0; st.out && i < njobs; i++)
        pl_outcome_fini(&st.out[i]);
    free(st.out);
    free(st.ch);
    pl_config_destroy(c);
    return rc;
}
