/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compare_reps.c — `pipelab compare --reps R`: 2R runs on the pool (job 2i is side A
 * with seed S + i, job 2i + 1 side B with the same seed), then the paired differences.
 */
#include "sim/study/compare_reps.h"
#include "sim/common/pool.h"
#include "sim/measure/stats.h"
#include "sim/report/parts.h"
#include "sim/report/table.h"
#include "sim/study/outcome.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

/* The figures compared: name in JSON, name in text, how a value prints. */
static const struct figure {
    const char *key, *name;
    pl_figure_shape shape;
} figures[] = {
    {"makespan_s", "makespan", PL_FIGURE_TIME},      {"throughput", "throughput", PL_FIGURE_RATE},
    {"speedup", "speedup", PL_FIGURE_TIMES},         {"bound_s", "bound", PL_FIGURE_TIME},
    {"efficiency", "efficiency", PL_FIGURE_PERCENT},
};
#define NFIG (sizeof figures / sizeof figures[0])

struct study {
    const pl_compare_reps_options *o;
    unsigned long long first; /* the first seed */
    pl_outcome *out;          /* 2 * reps */
};

static double figure_of(const pl_outcome *o, size_t f)
{
    const double v[NFIG] = {o->makespan, o->throughput, o->speedup, o->bound, o->efficiency};
    return v[f];
}

static int work(void *ctx, size_t job, FILE *out)
{
    const struct study *st = ctx;
    int side = (int)(job % 2);
    char seed[64];
    snprintf(seed, sizeof seed, "seed=%llu", st->first + job / 2);
    const char *more[] = {seed};
    return pl_outcome_job(st->o->scenario[side], st->o->sets[side], st->o->nsets[side], more, 1,
                          true, out);
}

static int heard(void *ctx, size_t job, const pl_pool_result *res, pl_diag *d)
{
    struct study *st = ctx;
    char what[64];
    snprintf(what, sizeof what, "replication %zu of side %c", job / 2 + 1, job % 2 ? 'B' : 'A');
    if (pl_outcome_from_child(res, what, &st->out[job]) != 0)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    return 0;
}

/* The statistics of each side and of the paired differences, over the pairs that ran
 * (each figure over those where both sides have it: a run that takes no time has no
 * throughput). */
struct figures_stats {
    pl_stats side[NFIG][2], delta[NFIG];
    size_t pairs, failed;
};

static int gather(const struct study *st, struct figures_stats *fs)
{
    unsigned r = st->o->reps;
    double *x = calloc(3 * (size_t)r + 1, sizeof *x);
    bool *ran = calloc((size_t)r + 1, sizeof *ran);
    if (!x || !ran) {
        free(x);
        free(ran);
        return PL_ENOMEM;
    }
    fs->pairs = fs->failed = 0;
    for (unsigned i = 0; i < r; i++) {
        bool a = st->out[2 * i].status == PL_OUTCOME_OK,
             b = st->out[2 * i + 1].status == PL_OUTCOME_OK;
        ran[i] = a && b;
        fs->pairs += ran[i];
        fs->failed += !a + !b;
    }
    for (size_t f = 0; f < NFIG; f++) {
        size_t n = 0;
        for (unsigned i = 0; i < r; i++) {
            double va = figure_of(&st->out[2 * i], f), vb = figure_of(&st->out[2 * i + 1], f);
            if (!ran[i] || isnan(va) || isnan(vb))
                continue;
            x[n] = va;
            x[r + n] = vb;
            x[2 * r + n] = vb - va;
            n++;
        }
        pl_stats_of(x, n, &fs->side[f][0]);
        pl_stats_of(x + r, n, &fs->side[f][1]);
        pl_stats_of(x + 2 * r, n, &fs->delta[f]);
    }
    free(x);
    free(ran);
    return 0;
}

static void sides(const pl_compare_reps_options *o, FILE *out)
{
    for (int s = 0; s < 2; s++)
        fprintf(out, "%c: %s%sscenario %s\n", s ? 'B' : 'A', o->label[s] ? o->label[s] : "",
                o->label[s] ? "; " : "", o->scenario[s]);
}

static int print_text(const struct study *st, const struct figures_stats *fs, FILE *out)
{
    const pl_compare_reps_options *o = st->o;
    sides(o, out);
    fprintf(out, "%u replications a side, seeds %llu to %llu, paired by seed: %zu pairs ran\n\n",
            o->reps, st->first, st->first + o->reps - 1, fs->pairs);
    pl_table *t = pl_table_create(5);
    if (!t)
        return PL_ENOMEM;
    const char *head[] = {"", "A (mean)", "B (mean)", "B-A (mean ± 95 %)", "change"};
    for (int i = 0; i < 5; i++)
        pl_table_addf(t, "%s", head[i]);
    for (size_t f = 0; f < NFIG; f++) {
        char a[64], b[64], m[64], h[64];
        pl_report_figure(fs->side[f][0].mean, figures[f].shape, "items", false, a, sizeof a);
        pl_report_figure(fs->side[f][1].mean, figures[f].shape, "items", false, b, sizeof b);
        pl_report_figure(fs->delta[f].mean, figures[f].shape, "items", true, m, sizeof m);
        double half = (fs->delta[f].ci_high - fs->delta[f].ci_low) / 2, base = fs->side[f][0].mean;
        pl_report_figure(half, figures[f].shape, "items", true, h, sizeof h);
        pl_table_addf(t, "%s", figures[f].name);
        pl_table_addf(t, "%s", a);
        pl_table_addf(t, "%s", b);
        /* The half-width as a difference, without its sign. */
        if (isnan(half))
            pl_table_addf(t, "%s", m);
        else
            pl_table_addf(t, "%s ± %s", m, h + (*h == '+'));
        if (base != 0 && !isnan(base) && !isnan(fs->delta[f].mean))
            pl_table_addf(t, "%+.1f %%", 100 * fs->delta[f].mean / base);
        else
            pl_table_addf(t, "-");
    }
    int rc = pl_table_print(t, out, "");
    pl_table_destroy(t);
    const pl_stats *d = &fs->delta[0];
    char m[64], lo[64], hi[64];
    pl_report_figure(d->mean, PL_FIGURE_TIME, NULL, true, m, sizeof m);
    pl_report_figure(d->ci_low, PL_FIGURE_TIME, NULL, true, lo, sizeof lo);
    pl_report_figure(d->ci_high, PL_FIGURE_TIME, NULL, true, hi, sizeof hi);
    if (fs->pairs < 2)
        fprintf(out, "\nWith %zu pair%s that ran, no interval%s.\n", fs->pairs,
                fs->pairs == 1 ? "" : "s", o->reps < 2 ? ": give --reps 2 or more" : "");
    else if (d->ci_low > 0 || d->ci_high < 0)
        fprintf(out,
                "\nB is %s than A: the makespan's difference, %s (95 %% interval %s to %s), "
                "excludes 0.\n",
                d->mean < 0 ? "faster" : "slower", m, lo, hi);
    else
        fprintf(out,
                "\nNo difference told from the noise: the makespan's difference, %s, has a 95 "
                "%% interval (%s to %s) that includes 0.\n",
                m, lo, hi);
    pl_outcome_print_failed(st->out, 2 * (size_t)o->reps, true, out);
    return rc;
}

static int print_json(const struct study *st, const struct figures_stats *fs, FILE *out)
{
    const pl_compare_reps_options *o = st->o;
    json_t *doc = json_object(), *figs = json_object();
    for (int s = 0; s < 2; s++) {
        json_t *side = json_object();
        side = pl_report_json_with(side, "scenario", pl_report_json_text(o->scenario[s]));
        side = pl_report_json_with(side, "overrides",
                                   o->label[s] ? pl_report_json_text(o->label[s]) : json_null());
        doc = pl_report_json_with(doc, s ? "b" : "a", side);
    }
    doc = pl_report_json_with(doc, "reps", json_integer(o->reps));
    doc = pl_report_json_with(doc, "first_seed", json_integer((json_int_t)st->first));
    doc = pl_report_json_with(doc, "pairs", json_integer((json_int_t)fs->pairs));
    for (size_t f = 0; f < NFIG && figs; f++) {
        json_t *one = json_object();
        one = pl_report_json_with(one, "a", pl_report_stats_json(&fs->side[f][0]));
        one = pl_report_json_with(one, "b", pl_report_stats_json(&fs->side[f][1]));
        one = pl_report_json_with(one, "b_minus_a", pl_report_stats_json(&fs->delta[f]));
        figs = pl_report_json_with(figs, figures[f].key, one);
    }
    doc = pl_report_json_with(doc, "figures", figs);
    doc = pl_report_json_with(doc, "failed",
                              pl_outcome_failed_json(st->out, 2 * (size_t)o->reps, true));
    if (!doc)
        return PL_ENOMEM;
    int bad = json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0;
    json_decref(doc);
    return bad || fputc('\n', out) == EOF ? PL_EIO : 0;
}

int pl_compare_reps_run(const pl_compare_reps_options *o, bool json, FILE *out, pl_diag *d)
{
    struct study st = {.o = o, .first = o->seed};
    unsigned long long seed_b;
    int rc = pl_outcome_check(o->scenario[0], o->sets[0], o->nsets[0], &seed_b, d);
    if (rc == 0 && !o->seed_given)
        st.first = seed_b;
    if (rc == 0)
        rc = pl_outcome_check(o->scenario[1], o->sets[1], o->nsets[1], &seed_b, d);
    size_t njobs = 2 * (size_t)o->reps;
    if (rc == 0 && !(st.out = calloc(njobs, sizeof *st.out)))
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t i = 0; st.out && i < njobs; i++)
        pl_outcome_init(&st.out[i]);
    if (rc == 0)
        rc = pl_pool_run(njobs, o->jobs, work, heard, &st, d);
    struct figures_stats fs;
    if (rc == 0 && gather(&st, &fs) != 0)
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (rc == 0) { /* the messages of the loads and of the pool stand as they were set */
        int written = json ? print_json(&st, &fs, out) : print_text(&st, &fs, out);
        if (written == 0 && (fflush(out) != 0 || ferror(out)))
            written = PL_EIO;
        if (written)
            rc = pl_diag_set(d, written,
                             written == PL_EIO ? "cannot write the comparison" : "out of memory");
    }
    if (rc == 0 && fs.failed)
        rc = pl_diag_set(d, PL_EDEADLOCK, "%zu of the %zu runs failed; their pairs are left out",
                         fs.failed, njobs);
    for (size_t i = 0; st.out && i < njobs; i++)
        pl_outcome_fini(&st.out[i]);
    free(st.out);
    return rc;
}
