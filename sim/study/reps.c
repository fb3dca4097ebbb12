/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reps.c — replications of one scenario, summarised.
 *
 * Replication r runs with seed first + r. The outcomes are kept by replication
 * number, whatever order the children finish in, so the summary is the same for
 * any number of jobs at a time. Invariant: a figure's statistics are taken over the
 * replications that ran (status ok), in replication order.
 */
#include "sim/study/reps.h"
#include "sim/study/outcome.h"
#include "sim/study/tally.h"
#include "sim/report/parts.h"
#include "sim/measure/stats.h"
#include "sim/report/table.h"
#include "sim/common/units.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct reps {
    const pl_reps_options *o;
    unsigned long long seed;
    pl_outcome *out; /* by replication */
};

static int work(void *ctx, size_t job, FILE *out)
{
    const struct reps *r = ctx;
    char seed[64];
    snprintf(seed, sizeof seed, "seed=%llu", r->seed + job);
    const char *more[] = {seed};
    if (r->o->advice)
        return pl_outcome_job_advised(r->o->scenario, r->o->sets, r->o->nsets, more, 1, out);
    return pl_outcome_job(r->o->scenario, r->o->sets, r->o->nsets, more, 1, true, out);
}

static int heard(void *ctx, size_t job, const pl_pool_result *res, pl_diag *d)
{
    struct reps *r = ctx;
    char what[64];
    snprintf(what, sizeof what, "replication %zu", job);
    if (pl_outcome_from_child(res, what, &r->out[job]) != 0)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    r->out[job].seed = r->seed + job; /* the seed it was given, also when it could not load */
    return 0;
}

/* ---- The figures ------------------------------------------------------------------ */

enum kind { TIME, RATE, RATIO, SHARE };

/* Figure f of outcome o: 0..3 the run's, then per unit of the first outcome that ran. */
struct figure {
    const char *name, *json;
    enum kind kind;
    size_t unit; /* for unit figures, the unit's index in the reference outcome */
    int field;   /* 0 makespan, 1 throughput, 2 speedup, 3 efficiency, 4 util, 5 bubble */
};

static double value(const pl_outcome *o, const pl_outcome *ref, const struct figure *f)
{
    const pl_outcome_unit *u =
        f->field >= 4 ? pl_outcome_unit_named(o, ref->units[f->unit].name) : NULL;
    switch (f->field) {
    case 0:
        return o->makespan;
    case 1:
        return o->throughput;
    case 2:
        return o->speedup;
    case 3:
        return o->efficiency;
    case 4:
        return u ? u->util : NAN;
    default:
        return u ? u->bubble : NAN;
    }
}

static void stats_of(const struct reps *r, const pl_outcome *ref, const struct figure *f, double *x,
                     pl_stats *s)
{
    size_t n = 0;
    for (size_t i = 0; i < r->o->reps; i++)
        if (r->out[i].status == PL_OUTCOME_OK && !isnan(value(&r->out[i], ref, f)))
            x[n++] = value(&r->out[i], ref, f);
    pl_stats_of(x, n, s);
}

static char *format(double x, enum kind k, bool spread, char *buf, size_t len)
{
    if (isnan(x))
        snprintf(buf, len, "-");
    else if (k == TIME)
        pl_units_format(x, PL_Q_TIME, 4, buf, len);
    else if (k == RATE && fabs(x) >= 1e6)
        snprintf(buf, len, "%.4g M/s", x / 1e6);
    else if (k == RATE && fabs(x) >= 1e3)
        snprintf(buf, len, "%.4g k/s", x / 1e3);
    else if (k == RATE)
        snprintf(buf, len, "%.4g /s", x);
    else if (k == RATIO)
        snprintf(buf, len, spread ? "%.4f" : "%.3fx", x);
    else
        snprintf(buf, len, "%.2f %%", 100 * x);
    return buf;
}

static void text_row(pl_table *t, const char *name, const pl_stats *s, enum kind k)
{
    char a[5][48];
    pl_table_addf(t, "%s", name);
    pl_table_addf(t, "%s", format(s->mean, k, false, a[0], sizeof a[0]));
    pl_table_addf(t, "%s", format(s->sd, k, true, a[1], sizeof a[1]));
    if (isnan(s->ci_low))
        pl_table_addf(t, "-");
    else
        pl_table_addf(t, "%s to %s", format(s->ci_low, k, false, a[2], sizeof a[2]),
                      format(s->ci_high, k, false, a[3], sizeof a[3]));
    pl_table_addf(t, "%s", format(s->min, k, false, a[4], sizeof a[4]));
    pl_table_addf(t, "%s", format(s->max, k, false, a[0], sizeof a[0]));
}

static const struct figure run_figures[] = {
    {"makespan", "makespan_s", TIME, 0, 0},
    {"throughput", "throughput", RATE, 0, 1},
    {"speedup", "speedup", RATIO, 0, 2},
    {"efficiency", "efficiency", SHARE, 0, 3},
};

/* ---- The bottlenecks (--advice) ----------------------------------------------------- */

/* The replications that ran tallied by bottleneck. */
static int tally_bottlenecks(const struct reps *r, pl_tally *t)
{
    const char **names = calloc(r->o->reps + 1, sizeof *names);
    if (!names)
        return PL_ENOMEM;
    for (size_t i = 0; i < r->o->reps; i++)
        if (r->out[i].status == PL_OUTCOME_OK && r->out[i].advised)
            names[i] = r->out[i].bottleneck;
    int rc = pl_tally_of(names, r->o->reps, t);
    free(names);
    return rc;
}

/* The seeds listed in a line of the text: enough to find them, not a thousand. */
#define SEEDS_SHOWN 12

static void text_bottlenecks(const struct reps *r, const pl_tally *t, FILE *out)
{
    size_t ran = 0;
    for (size_t g = 0; g < t->ngroups; g++)
        ran += t->groups[g].count;
    fputs("\nbottleneck of each replication (its verdict: the change of it, simulated, that "
          "gains most):\n",
          out);
    for (size_t g = 0; g < t->ngroups; g++) {
        const pl_tally_group *grp = &t->groups[g];
        fprintf(out, "  %s: %zu of %zu, seed%s", grp->text[0] ? grp->text : "none gains anything",
                grp->count, ran, grp->count > 1 ? "s" : "");
        for (size_t k = 0; k < grp->count && k < SEEDS_SHOWN; k++)
            fprintf(out, "%s %llu", k ? "," : "", r->seed + grp->members[k]);
        if (grp->count > SEEDS_SHOWN)
            fprintf(out, " and %zu more", grp->count - SEEDS_SHOWN);
        fputc('\n', out);
    }
}

static json_t *json_bottlenecks(const struct reps *r, const pl_tally *t)
{
    json_t *a = json_array();
    for (size_t g = 0; a && g < t->ngroups; g++) {
        const pl_tally_group *grp = &t->groups[g];
        json_t *o = json_object(), *seeds = json_array();
        for (size_t k = 0; k < grp->count; k++)
            seeds =
                pl_report_json_append(seeds, pl_report_json_unsigned(r->seed + grp->members[k]));
        o = pl_report_json_with(o, "bottleneck",
                                grp->text[0] ? pl_report_json_text(grp->text) : json_null());
        o = pl_report_json_with(o, "replications", pl_report_json_unsigned(grp->count));
        o = pl_report_json_with(o, "seeds", seeds);
        a = pl_report_json_append(a, o);
    }
    return a;
}

/* ---- The table ----------------------------------------------------------------------- */

static int print_text(const struct reps *r, const pl_outcome *ref, double *x, FILE *out)
{
    const pl_reps_options *o = r->o;
    fprintf(out, "scenario %s: %u replications, seeds %llu to %llu\n", o->scenario, o->reps,
            r->seed, r->seed + o->reps - 1);
    fputs("mean, sample standard deviation, 95 % confidence interval of the mean (Student t), "
          "min, max\n\n",
          out);
    pl_table *t = pl_table_create(6);
    if (!t)
        return PL_ENOMEM;
    const char *head[] = {"", "mean", "sd", "95 % CI", "min", "max"};
    for (int c = 0; c < 6; c++)
        pl_table_addf(t, "%s", head[c]);
    pl_stats s;
    for (size_t f = 0; f < sizeof run_figures / sizeof run_figures[0]; f++) {
        stats_of(r, ref, &run_figures[f], x, &s);
        text_row(t, run_figures[f].name, &s, run_figures[f].kind);
    }
    for (size_t u = 0; u < ref->nunits; u++) {
        char name[512];
        struct figure util = {NULL, NULL, SHARE, u, 4}, bubble = {NULL, NULL, TIME, u, 5};
        stats_of(r, ref, &util, x, &s);
        snprintf(name, sizeof name, "%s utilization", ref->units[u].name);
        text_row(t, name, &s, SHARE);
        stats_of(r, ref, &bubble, x, &s);
        snprintf(name, sizeof name, "%s bubble", ref->units[u].name);
        text_row(t, name, &s, TIME);
    }
    int rc = pl_table_print(t, out, "");
    pl_table_destroy(t);
    if (rc == 0 && r->o->advice) {
        pl_tally tally;
        rc = tally_bottlenecks(r, &tally);
        if (rc == 0)
            text_bottlenecks(r, &tally, out);
        pl_tally_fini(&tally);
    }
    return rc;
}

static json_t *units_json(const struct reps *r, const pl_outcome *ref, double *x)
{
    json_t *a = json_array();
    pl_stats s;
    for (size_t u = 0; a && u < ref->nunits; u++) {
        struct figure util = {NULL, NULL, SHARE, u, 4}, bubble = {NULL, NULL, TIME, u, 5};
        json_t *o = json_object();
        o = pl_report_json_with(o, "name", pl_report_json_text(ref->units[u].name));
        stats_of(r, ref, &util, x, &s);
        o = pl_report_json_with(o, "utilization", pl_report_stats_json(&s));
        stats_of(r, ref, &bubble, x, &s);
        o = pl_report_json_with(o, "bubble_s", pl_report_stats_json(&s));
        a = pl_report_json_append(a, o);
    }
    return a;
}

static int print_json(const struct reps *r, const pl_outcome *ref, double *x, FILE *out)
{
    json_t *doc = json_object(), *figs = json_object();
    doc = pl_report_json_with(doc, "scenario", pl_report_json_text(r->o->scenario));
    doc = pl_report_json_with(doc, "reps", pl_report_json_unsigned(r->o->reps));
    doc = pl_report_json_with(doc, "first_seed", pl_report_json_unsigned(r->seed));
    pl_stats s;
    for (size_t f = 0; f < sizeof run_figures / sizeof run_figures[0]; f++) {
        stats_of(r, ref, &run_figures[f], x, &s);
        figs = pl_report_json_with(figs, run_figures[f].json, pl_report_stats_json(&s));
    }
    doc = pl_report_json_with(doc, "figures", figs);
    doc = pl_report_json_with(doc, "units", units_json(r, ref, x));
    if (r->o->advice) {
        pl_tally tally;
        int rc = tally_bottlenecks(r, &tally);
        doc = pl_report_json_with(doc, "bottlenecks", rc == 0 ? json_bottlenecks(r, &tally) : NULL);
        pl_tally_fini(&tally);
    }
    doc = pl_report_json_with(doc, "failed", pl_outcome_failed_json(r->out, r->o->reps, false));
    if (!doc)
        return PL_ENOMEM;
    int bad = json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0;
    json_decref(doc);
    if (bad || fputc('\n', out) == EOF)
        return PL_EIO;
    return 0;
}

static int report(const struct reps *r, bool json, FILE *out, pl_diag *d)
{
    const pl_outcome *ref = NULL;
    for (size_t i = 0; i < r->o->reps && !ref; i++)
        if (r->out[i].status == PL_OUTCOME_OK)
            ref = &r->out[i];
    if (!ref)
        return pl_diag_set(d, PL_EDEADLOCK, "no replication ran; the first (seed %llu): %s: %s",
                           r->out[0].seed, pl_outcome_status_word(r->out[0].status),
                           r->out[0].message);
    double *x = calloc(r->o->reps, sizeof *x);
    if (!x)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    int rc = json ? print_json(r, ref, x, out) : print_text(r, ref, x, out);
    free(x);
    if (rc != 0)
        return pl_diag_set(d, rc, rc == PL_EIO ? "cannot write the table" : "out of memory");
    size_t failed = 0;
    for (size_t i = 0; i < r->o->reps; i++)
        failed += r->out[i].status != PL_OUTCOME_OK;
    if (!json) /* JSON lists them in "failed" */
        pl_outcome_print_failed(r->out, r->o->reps, false, out);
    if (fflush(out) != 0)
        return pl_diag_set(d, PL_EIO, "cannot write the table");
    if (failed)
        return pl_diag_set(d, PL_EDEADLOCK, "%zu of %u replications failed", failed, r->o->reps);
    return 0;
}

int pl_reps_run(const pl_reps_options *o, bool json, FILE *out, pl_diag *d)
{
    struct reps r = {.o = o};
    int rc = pl_outcome_check(o->scenario, o->sets, o->nsets, &r.seed, d);
    if (rc != 0)
        return rc;
    if (o->seed_given)
        r.seed = o->seed;
    r.out = calloc(o->reps, sizeof *r.out);
    if (!r.out)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t i = 0; i < o->reps; i++)
        pl_outcome_init(&r.out[i]);
    rc = pl_pool_run(o->reps, o->jobs, work, heard, &r, d);
    if (rc == 0)
        rc = report(&r, json, out, d);
    for (size_t i = 0; i < o->reps; i++)
        pl_outcome_fini(&r.out[i]);
    free(r.out);
    return rc;
}
