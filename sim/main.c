/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * main.c — the command-line front: takes the options options.c parsed and
 * checked, runs the command (the front's own, or a model's through the model
 * table) and hands what it found to the renderers. Only main exits.
 *
 * Exit status: 0 success, 1 a model that cannot finish (deadlock), 2 bad input or
 * usage, 3 an internal failure.
 */
#include "models/model.h"
#include "sim/common/array.h"
#include "sim/common/output.h"
#include "sim/common/text.h"
#include "sim/config/config.h"
#include "sim/config/keys_list.h"
#include "sim/options.h"
#include "sim/provenance.h"
#include "sim/usage.h"
#include "sim/report/compare.h"
#include "sim/report/findings.h"
#include "sim/report/gantt.h"
#include "sim/report/report.h"
#include "sim/report/rows.h"
#include "sim/report/table.h"
#include "sim/report/trace.h"
#include "sim/study/compare_reps.h"
#include "sim/study/reps.h"
#include "sim/study/results.h"
#include "sim/study/sensitivity.h"
#include "sim/study/session.h"
#include "sim/study/summary.h"
#include "sim/study/sweep.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef PL_VERSION
#define PL_VERSION "dev"
#endif

/* What a run allocates after lowering, in bytes per task of its two graphs, measured from
 * its resident memory at the end of lowering to its peak, 1e6 tasks per graph: 42 for the
 * dispatch model, 45 for tile, 76 for stream (its verdict lowers variants), 158 for the
 * plan (its variants, planned two at a time). */
#define AHEAD_PER_TASK 96

static int fail(const pl_diag *d)
{
    fprintf(stderr, "pipelab: %s\n", d->msg);
    return pl_exit_status(d->code);
}

/* ---- Writing ----------------------------------------------------------------- */

typedef int (*render_fn)(const pl_report *r, FILE *out, pl_diag *d);

struct render_ctx {
    const pl_report *r;
    render_fn fn;
};

static int render_into(void *ctx, FILE *f, pl_diag *d)
{
    const struct render_ctx *c = ctx;
    return c->fn(c->r, f, d);
}

static int gantt_fixed(const pl_report *r, FILE *out, pl_diag *d)
{
    return pl_gantt_draw(r, out, 100, false, d);
}

static int config_into(void *ctx, FILE *f, pl_diag *d)
{
    return pl_config_print(ctx, f, d);
}

static int table_into(void *ctx, FILE *f, pl_diag *d)
{
    return pl_report_rows_csv(ctx, f, d);
}

struct provenance_ctx {
    const pl_options *o;
    const pl_report *r;
    const pl_config *c;
};

static int provenance_into(void *ctx, FILE *f, pl_diag *d)
{
    const struct provenance_ctx *p = ctx;
    return pl_provenance_write(f, PL_VERSION, p->o->command_line ? p->o->command_line : "",
                               p->r->scenario, p->r->seed, p->c, d);
}

static int seed_into(void *ctx, FILE *f, pl_diag *d)
{
    const pl_report *r = ctx;
    if (fprintf(f, "%llu\n", r->seed) < 0)
        return pl_diag_set(d, PL_EIO, "cannot write the seed");
    return 0;
}

/* Writes every file of -o DIR, all or none: a failure (a full disk) leaves DIR as it was. */
static int write_dir(const pl_options *o, pl_session *s, pl_diag *d)
{
    static const struct {
        const char *file;
        render_fn fn;
    } files[] = {
        {"report.txt", pl_report_text}, {"report.json", pl_report_json},
        {"units.csv", pl_report_csv},   {"intervals.csv", pl_report_intervals},
        {"trace.json", pl_trace_write}, {"gantt.txt", gantt_fixed},
    };
    const pl_report *r = pl_session_report(s);
    char name[4096];
    pl_output_set *set = NULL;
    int rc = pl_session_tables(s, d);
    if (rc == 0)
        rc = pl_output_set_create(o->outdir, o->force, &set, d);
    for (size_t i = 0; i < sizeof files / sizeof files[0] && rc == 0; i++) {
        struct render_ctx c = {r, files[i].fn};
        rc = pl_output_set_file(set, files[i].file, render_into, &c, d);
    }
    for (size_t i = 0; r->tables && i < r->tables->n && rc == 0; i++) {
        snprintf(name, sizeof name, "%s.csv", r->tables->v[i]->name);
        rc = pl_output_set_file(set, name, table_into, r->tables->v[i], d);
    }
    if (rc == 0)
        rc = pl_output_set_file(set, "config.yaml", config_into, (void *)pl_session_config(s), d);
    if (rc == 0)
        rc = pl_output_set_file(set, "seed", seed_into, (void *)r, d);
    struct provenance_ctx p = {o, r, pl_session_config(s)};
    if (rc == 0)
        rc = pl_output_set_file(set, "provenance", provenance_into, &p, d);
    if (rc == 0)
        rc = pl_output_set_commit(set, d);
    pl_output_set_destroy(set);
    return rc;
}

static int print_report(const pl_options *o, const pl_report *r, pl_diag *d)
{
    int rc;
    if (strcmp(o->format, "json") == 0)
        rc = pl_report_json(r, stdout, d);
    else if (strcmp(o->format, "csv") == 0)
        rc = pl_report_csv(r, stdout, d);
    else
        rc = pl_report_text(r, stdout, d);
    /* The chart goes with a text report; with JSON or CSV on standard output it goes to
     * standard error so that the data stays parseable. */
    if (rc == 0 && o->gantt) {
        FILE *to = strcmp(o->format, "text") == 0 ? stdout : stderr;
        if (to == stdout)
            fputc('\n', to);
        rc = pl_gantt_draw(r, to, pl_text_width(to), o->gantt_shared, d);
    }
    if (rc == 0 && fflush(stdout) != 0)
        rc = pl_diag_set(d, PL_EIO, "cannot write to standard output");
    return rc;
}

/* ---- Commands ---------------------------------------------------------------- */

/* --timing: where the wall time went, and the engines' pace. */
static void print_timing(const pl_session *s)
{
    const pl_report *r = pl_session_report(s);
    pl_session_times t = pl_session_timing(s);
    double total = t.lower + t.execute + t.measure + t.advise;
    unsigned long long n = (unsigned long long)pl_session_tasks(s);
    const char *engine = pl_engine_name(r->run.tl->engine);
    if (r->baseline.tl->engine != r->run.tl->engine)
        engine = "both engines";
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    long peak = self.ru_maxrss > kids.ru_maxrss ? self.ru_maxrss : kids.ru_maxrss;
    fprintf(stderr,
            "pipelab: simulated %llu tasks in %.3f s: lowering %.3f s, executing %.3f s (%s, "
            "%.3g tasks/s), measuring %.3f s, advising %.3f s (verdict %.3f s, model's advice "
            "%.3f s); peak memory %.1f MiB (%.0f bytes per task)\n",
            n, total, t.lower, t.execute, engine, t.execute > 0 ? (double)n / t.execute : 0,
            t.measure, t.advise, t.verdict, t.advice, peak / 1024.0,
            n ? peak * 1024.0 / (double)n : 0);
}

static int cmd_reps(const pl_options *o, pl_diag *d)
{
    pl_reps_options ro = {
        .scenario = o->scenario,
        .sets = o->sets,
        .nsets = o->nsets,
        .reps = o->reps,
        .seed = o->seed,
        .seed_given = o->seed_given,
        .jobs = o->jobs ? o->jobs : 1,
        .advice = o->advice,
    };
    return pl_reps_run(&ro, strcmp(o->format, "json") == 0, stdout, d);
}

static int cmd_run(const pl_options *o, pl_diag *d)
{
    if (o->reps)
        return cmd_reps(o, d);
    pl_session *s = NULL;
    int rc = pl_session_open(o->scenario, o->sets, o->nsets, &s, d);
    if (rc == 0 && o->outdir)
        rc = pl_output_dir_check(o->outdir, o->force, d);
    if (rc == 0 && o->no_advice)
        pl_session_skip_advice(s);
    /* From the end of lowering, the process keeps the memory it frees (pl_memory_keep):
     * after lowering, a run frees and allocates again arrays of the same sizes, one per
     * task (the verdict's passes and bound walks take turns in them, the advice's trials
     * follow); handed back to the kernel, each would cost a page fault and a page cleared
     * per 4 KiB when allocated again, a third of a dispatch run's time. Not before
     * lowering: a lowering that grows its graph's arrays by doubling would leave the old
     * copies as holes in the heap, which raised the tile model's peak by 4 %; their own
     * pages let realloc move an array without copying or leaving one. A lowering that is
     * a search (the plan's: a schedule and a memory map of the whole loop, again and
     * again) frees and allocates as the verdict does, so it keeps from its start. The heap
     * then grows ahead (pl_memory_ahead) by about what the run allocates from here on: its
     * timelines, metrics, bound walks and verdict. */
    if (rc == 0 && pl_session_lowering_searches(s))
        pl_memory_keep(true);
    if (rc == 0 && (rc = pl_session_lower(s, d)) == 0) {
        pl_memory_keep(true);
        pl_memory_ahead(AHEAD_PER_TASK * pl_session_tasks(s));
    }
    if (rc == 0)
        rc = pl_session_run(s, d);
    if (rc == 0 && o->timing)
        print_timing(s);
    if (rc == 0 && o->trace) {
        struct render_ctx c = {pl_session_report(s), pl_trace_write};
        rc = pl_output_file(o->trace, render_into, &c, d);
    }
    if (rc == 0 && o->outdir)
        rc = write_dir(o, s, d);
    if (rc == 0)
        rc = print_report(o, pl_session_report(s), d);
    pl_session_destroy(s);
    return rc;
}

static int cmd_sweep(const pl_options *o, pl_diag *d)
{
    /* A results file behind a link is written where the link leads, with its record and
     * lock beside it there, and the link stays. */
    char *out = pl_output_resolve(o->outdir);
    if (!out)
        return pl_diag_set(d, PL_EIO, "cannot use %s as the results file: %s", o->outdir,
                           strerror(errno));
    pl_sweep_options so = {
        .scenario = o->scenario,
        .sets = o->sets,
        .nsets = o->nsets,
        .points = &o->points,
        .reps = o->reps ? o->reps : 1,
        .seed = o->seed,
        .seed_given = o->seed_given,
        .shard = o->shard,
        .nshards = o->nshards ? o->nshards : 1,
        .jobs = o->jobs ? o->jobs : 1,
        .out = out,
        .resume = o->resume,
        .force = o->force,
        .progress = isatty(STDERR_FILENO),
        .advice = o->advice,
    };
    pl_sweep_tally t;
    int rc = pl_sweep_run(&so, &t, d);
    free(out);
    if (rc != 0)
        return rc;
    printf("sweep: %zu rows in %s (%zu run now, %zu resumed), %zu failed\n", t.total, o->outdir,
           t.ran, t.resumed, t.failed);
    if (t.summary[0])
        printf("summary of the replications: %s\n", t.summary);
    if (t.failed)
        return pl_diag_set(d, PL_EDEADLOCK,
                           "%zu of %zu rows failed; their status and message say why", t.failed,
                           t.total);
    return 0;
}

static int cmd_sensitivity(const pl_options *o, pl_diag *d)
{
    pl_sensitivity_options so = {
        .scenario = o->scenario,
        .sets = o->sets,
        .nsets = o->nsets,
        .keys = o->key_list,
        .nkeys = o->nkeys,
        .delta = o->delta ? o->delta : 0.1,
        .jobs = o->jobs ? o->jobs : 1,
    };
    return pl_sensitivity_run(&so, strcmp(o->format, "json") == 0, stdout, d);
}

static int cmd_summary(const pl_options *o, pl_diag *d)
{
    pl_results r;
    int rc = pl_results_load(o->scenario, &r, d);
    if (rc == 0)
        rc = pl_results_sort(&r, o->scenario, d);
    if (rc == 0)
        rc = pl_summary_write(&r, o->scenario,
                              !strcmp(o->format, "csv")    ? PL_SUMMARY_CSV
                              : !strcmp(o->format, "json") ? PL_SUMMARY_JSON
                                                           : PL_SUMMARY_TEXT,
                              stdout, d);
    if (rc == 0 && fflush(stdout) != 0)
        rc = pl_diag_set(d, PL_EIO, "cannot write to standard output");
    pl_results_fini(&r);
    return rc;
}

/* One side of a comparison: its scenario, the common overrides then its own (*sets,
 * owned), and its own as one label (owned; "" for none). */
struct side {
    const char *path;
    const char **sets;
    size_t nsets;
    char *label;
};

static int side_of(const pl_options *o, int side, struct side *s, pl_diag *d)
{
    s->path = side == 1 && o->scenario2 ? o->scenario2 : o->scenario;
    s->nsets = o->nsets + o->nside[side];
    size_t len = 1;
    for (size_t i = 0; i < o->nside[side]; i++)
        len += strlen(o->side_sets[side][i]) + 1;
    s->sets = calloc(s->nsets + 1, sizeof *s->sets);
    s->label = calloc(len, 1);
    if (!s->sets || !s->label)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    memcpy(s->sets, o->sets, o->nsets * sizeof *s->sets);
    memcpy(s->sets + o->nsets, o->side_sets[side], o->nside[side] * sizeof *s->sets);
    for (size_t i = 0; i < o->nside[side]; i++)
        strcat(strcat(s->label, i ? " " : ""), o->side_sets[side][i]);
    return 0;
}

/* Two sides of different models compare figures that mean different things (a dispatch
 * run's makespan against a tile kernel's): refused, the configurations given. */
static int models_differ(const pl_config *a, const pl_config *b, pl_diag *d)
{
    const char *ma = pl_config_str(a, "model"), *mb = pl_config_str(b, "model");
    if (strcmp(ma, mb) == 0)
        return 0;
    return pl_diag_set(d, PL_EUSAGE,
                       "A is a %s scenario and B a %s one: their figures do not measure the "
                       "same thing (--any-model compares them anyway)",
                       ma, mb);
}

/* The same for the replications, whose runs load the sides in their own processes: both
 * loaded here once, to compare their models before any runs. */
static int same_model(const struct side *s, pl_diag *d)
{
    pl_config *c[2] = {NULL, NULL};
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++)
        rc = pl_config_load(s[i].path, s[i].sets, s[i].nsets, pl_scenario_keys, &c[i], d);
    if (rc == 0)
        rc = models_differ(c[0], c[1], d);
    pl_config_destroy(c[0]);
    pl_config_destroy(c[1]);
    return rc;
}

/* One side of a single comparison, opened (its configuration loaded). */
static int compare_open(const struct side *side, pl_session **s, pl_diag *d)
{
    int rc = pl_session_open(side->path, side->sets, side->nsets, s, d);
    /* The comparison reads only the two reports (the busiest unit, the binding chain), never
     * their verdicts or a model's figures: the search's extra simulations would be lost. */
    if (rc == 0)
        pl_session_skip_advice(*s);
    return rc;
}

static int compare_once(const pl_options *o, const struct side *side, pl_diag *d)
{
    pl_session *s[2] = {NULL, NULL};
    int rc = compare_open(&side[0], &s[0], d);
    if (rc == 0)
        rc = compare_open(&side[1], &s[1], d);
    if (rc == 0 && !o->any_model)
        rc = models_differ(pl_session_config(s[0]), pl_session_config(s[1]), d);
    for (int i = 0; i < 2 && rc == 0; i++)
        rc = pl_session_run(s[i], d);
    if (rc == 0) {
        pl_compare_side a = {pl_session_report(s[0]), side[0].label[0] ? side[0].label : NULL};
        pl_compare_side b = {pl_session_report(s[1]), side[1].label[0] ? side[1].label : NULL};
        rc = strcmp(o->format, "json") == 0 ? pl_compare_json(&a, &b, stdout, d)
                                            : pl_compare_text(&a, &b, stdout, d);
    }
    if (rc == 0 && fflush(stdout) != 0)
        rc = pl_diag_set(d, PL_EIO, "cannot write to standard output");
    pl_session_destroy(s[0]);
    pl_session_destroy(s[1]);
    return rc;
}

static int cmd_compare(const pl_options *o, pl_diag *d)
{
    struct side side[2] = {{0}, {0}};
    int rc = side_of(o, 0, &side[0], d);
    if (rc == 0)
        rc = side_of(o, 1, &side[1], d);
    if (rc == 0 && o->reps && !o->any_model)
        rc = same_model(side, d);
    if (rc == 0 && o->reps) {
        pl_compare_reps_options ro = {
            .scenario = {side[0].path, side[1].path},
            .sets = {side[0].sets, side[1].sets},
            .nsets = {side[0].nsets, side[1].nsets},
            .label = {side[0].label[0] ? side[0].label : NULL,
                      side[1].label[0] ? side[1].label : NULL},
            .reps = o->reps,
            .seed = o->seed,
            .seed_given = o->seed_given,
            .jobs = o->jobs ? o->jobs : 1,
        };
        rc = pl_compare_reps_run(&ro, strcmp(o->format, "json") == 0, stdout, d);
    } else if (rc == 0) {
        rc = compare_once(o, side, d);
    }
    for (int i = 0; i < 2; i++) {
        free(side[i].sets);
        free(side[i].label);
    }
    return rc;
}

/* One key of pipelab keys --format json. */
static void key_json(const pl_key_row *row, void *ctx)
{
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:o, s:b, s:s}", "key", row->path, "type", row->type, "unit",
                  row->unit, "default", row->deflt ? json_string(row->deflt) : json_null(),
                  "required", row->required, "help", row->help);
    if (o && row->same_as)
        json_object_set_new(o, "same_keys_as", json_string(row->same_as));
    if (!o || json_array_append_new(ctx, o) != 0)
        json_array_clear(ctx); /* seen as out of memory, below */
}

/* pipelab keys [PREFIX] [--format json]: on a terminal, help folded to its width. */
static int cmd_keys(const pl_options *o, pl_diag *d)
{
    int rc = 0;
    if (strcmp(o->format, "json") == 0) {
        json_t *list = json_array();
        size_t n = list ? pl_keys_walk(pl_scenario_keys, o->scenario, key_json, list) : 0;
        if (!list || json_array_size(list) != n)
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
        else if (n == 0)
            rc = pl_diag_set(d, PL_EUSAGE, "no key is '%s' or lies under it (see pipelab keys)",
                             o->scenario);
        else if (json_dumpf(list, stdout, JSON_INDENT(2)) != 0 || putchar('\n') == EOF)
            rc = pl_diag_set(d, PL_EIO, "cannot write to standard output");
        json_decref(list);
    } else {
        int width = isatty(STDOUT_FILENO) ? pl_text_width(stdout) : 0;
        rc = pl_keys_list(pl_scenario_keys, o->scenario, width, stdout, d);
    }
    if (rc == 0 && fflush(stdout) != 0)
        rc = pl_diag_set(d, PL_EIO, "cannot write to standard output");
    return rc;
}

static int cmd_config(const pl_options *o, pl_diag *d)
{
    pl_config *c = NULL;
    int rc = pl_config_load(o->scenario, o->sets, o->nsets, pl_scenario_keys, &c, d);
    if (rc == 0)
        rc = pl_config_print(c, stdout, d);
    if (rc == 0 && fflush(stdout) != 0)
        rc = pl_diag_set(d, PL_EIO, "cannot write to standard output");
    pl_config_destroy(c);
    return rc;
}

/* A model's own command: its findings, printed as text or JSON. It keeps the memory it
 * frees from its start, as a run whose lowering is a search does (cmd_run): the plan's
 * search schedules and maps the whole loop again and again. */
static int cmd_model(const pl_options *o, pl_diag *d)
{
    const pl_model_command *c = o->model_command;
    pl_config *cfg = NULL;
    pl_findings f;
    pl_findings_init(&f, c->name);
    pl_memory_keep(true);
    int rc = 0;
    if (o->scenario)
        rc = pl_config_load(o->scenario, o->sets, o->nsets, pl_scenario_keys, &cfg, d);
    if (rc == 0)
        rc = c->run(cfg, o->values, &f, d);
    if (rc == 0)
        rc = pl_report_findings(&f, strcmp(o->format, "json") == 0, stdout, d);
    pl_findings_fini(&f);
    pl_config_destroy(cfg);
    return rc;
}

int main(int argc, char **argv)
{
    pl_memory_one_heap();
    pl_diag d;
    pl_diag_init(&d);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        pl_usage_print(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("pipelab %s\n", PL_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "--man") == 0) {
        pl_usage_man(stdout, PL_VERSION);
        return fflush(stdout) == 0 ? 0 : 3;
    }
    pl_options o;
    /* Quoted before getopt_long reorders argv. */
    char *command_line = pl_provenance_command(argc, argv);
    if (!command_line) {
        pl_diag_set(&d, PL_ENOMEM, "out of memory");
        return fail(&d);
    }
    int rc = pl_options_parse(argc, argv, &o, &d);
    o.command_line = command_line;
    if (rc == 0 && o.help) {
        pl_usage_command(stdout, o.command, o.model_command);
    } else if (rc == 0) {
        if (o.model_command)
            rc = cmd_model(&o, &d);
        else if (strcmp(o.command, "keys") == 0)
            rc = cmd_keys(&o, &d);
        else if (strcmp(o.command, "config") == 0)
            rc = cmd_config(&o, &d);
        else if (strcmp(o.command, "sweep") == 0)
            rc = cmd_sweep(&o, &d);
        else if (strcmp(o.command, "sensitivity") == 0)
            rc = cmd_sensitivity(&o, &d);
        else if (strcmp(o.command, "summary") == 0)
            rc = cmd_summary(&o, &d);
        else if (strcmp(o.command, "compare") == 0)
            rc = cmd_compare(&o, &d);
        else if (strcmp(o.command, "import") == 0)
            rc = pl_import_run(o.scenario, o.outdir, &o.import, &d);
        else
            rc = cmd_run(&o, &d);
    }
    pl_options_fini(&o);
    free(command_line);
    return rc == 0 ? 0 : fail(&d);
}
