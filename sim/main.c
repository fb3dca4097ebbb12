/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * main.c — the command-line front: parses and checks arguments, then hands
 * typed values to the session and the renderers. Only main exits.
 *
 * Exit status: 0 success, 1 a model that cannot finish (deadlock), 2 bad input or
 * usage, 3 an internal failure.
 */
#include "sim/report/compare.h"
#include "sim/config/config.h"
#include "sim/report/gantt.h"
#include "models/model.h"
#include "sim/common/output.h"
#include "models/plan/plan.h"
#include "sim/report/report.h"
#include "sim/study/reps.h"
#include "sim/study/results.h"
#include "sim/study/sensitivity.h"
#include "sim/study/session.h"
#include "models/stream/stream.h"
#include "sim/study/sweep.h"
#include "sim/report/trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef PL_VERSION
#define PL_VERSION "dev"
#endif

static const char usage[] =
    "usage: pipelab run SCENARIO [options]    simulate a scenario and its baseline, report\n"
    "       pipelab config SCENARIO [--set K=V]... [--seed N]\n"
    "                                         print the effective configuration\n"
    "       pipelab partition SCENARIO [--cores R | --cores big=B,little=L] [--format json]\n"
    "                                         the optimal stages of a stream scenario's chain\n"
    "                                         (default: the machine's cores)\n"
    "       pipelab plan SCENARIO [--set K=V]... [--format json]\n"
    "                                         a plan scenario's schedule, bounds and buffer\n"
    "                                         map, without simulating it\n"
    "       pipelab plan --stg FILE --units P [--format json]\n"
    "                                         list-schedule a Standard Task Graph file on P\n"
    "                                         identical units, beside its lower bound\n"
    "       pipelab run SCENARIO --reps R [-j N] [--seed S] [--set K=V]... [--format json]\n"
    "                                         R seeds: mean, sd and 95 % confidence interval\n"
    "       pipelab sweep SCENARIO --vary KEY=V1,V2,... --vary KEY=START:STOP:STEP ...\n"
    "                     -o RESULTS.csv [-j N] [--reps R] [--seed S] [--shard I/N]\n"
    "                     [--resume | --force] [--set K=V]...\n"
    "                                         every combination of the values, one CSV row\n"
    "                                         per point and replication (docs/sweeps.md)\n"
    "       pipelab summary RESULTS.csv       mean, sd and 95 % interval per sweep point\n"
    "       pipelab sensitivity SCENARIO --keys K1,K2,... [--delta 10%] [-j N]\n"
    "                                         each key at -delta and +delta, ranked by the\n"
    "                                         makespan's swing\n"
    "       pipelab compare A.yaml [B.yaml] [--a K=V]... [--b K=V]... [--format json]\n"
    "                                         two runs side by side, with deltas\n"
    "       pipelab keys                      list every key with type, unit, default, help\n"
    "       pipelab --help | --version\n"
    "\n"
    "options of run:\n"
    "  --set KEY=VALUE   override a key (repeatable), e.g. --set dispatch.threads.launch=2\n"
    "                    or --set dispatch.ops[0].kernel={dist: normal, mean: 12us, sd: 1us}\n"
    "  --seed N          seed for random durations (default: the scenario's seed, else 1)\n"
    "  --engine E        auto (default): the analytic engine where no core or link is\n"
    "                    shared at once, which is exact and much faster, else SimGrid;\n"
    "                    or simgrid, or analytic (which fails where it is not exact).\n"
    "                    sweep, sensitivity, compare and run --reps take it too\n"
    "  --format F        text (default), json, or csv (the unit table)\n"
    "  --gantt           draw an ASCII Gantt chart of the run and its baseline\n"
    "  --trace FILE      write a Chrome trace (open it in https://ui.perfetto.dev)\n"
    "  -o DIR            write every report format (units.csv: the unit table,\n"
    "                    intervals.csv: every unit's tasks and idle intervals), the\n"
    "                    trace, the Gantt chart, the effective config and the seed\n"
    "                    into DIR (scripts/plot_gantt.sh DIR draws it)\n"
    "  --force           write into a non-empty DIR\n"
    "  --timing          print on standard error where the wall time went (lowering,\n"
    "                    executing, measuring), the engine's tasks per second and the\n"
    "                    peak memory\n"
    "  --no-advice       skip the extra simulations behind a model's advice (the tile\n"
    "                    model's smallest buffer depths)\n"
    "\n"
    "\n"
    "exit status: 0 ok, 1 the model cannot finish (or, for sweep, run --reps and\n"
    "sensitivity, some point or replication failed: its row or line says why),\n"
    "2 bad input, 3 internal error\n";

struct options {
    const char *command;
    const char *scenario;
    const char *scenario2; /* compare's B */
    const char **sets;
    size_t nsets;
    const char **side_sets[2]; /* compare's --a and --b */
    size_t nside[2];
    const char *format;
    const char *trace;
    const char *outdir;
    const char *cores;
    const char *stg;
    unsigned units;
    bool gantt, force, timing, no_advice, resume;
    char seed_set[64];
    char engine_set[64]; /* --engine E, as the override engine=E */
    unsigned long long seed;
    bool seed_given;
    pl_sweep_points points; /* --vary */
    unsigned reps;          /* --reps; 0 when not given */
    int jobs;               /* -j; 0 when not given */
    size_t shard, nshards;  /* --shard I/N */
    char *keys;             /* --keys a,b,c, split in place into key_list */
    const char **key_list;
    size_t nkeys;
    double delta;           /* --delta; 0 when not given */
};

static int fail(const pl_diag *d)
{
    fprintf(stderr, "pipelab: %s\n", d->msg);
    return pl_exit_status(d->code);
}

static int usage_error(pl_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int usage_error(pl_diag *d, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return pl_diag_set(d, PL_EUSAGE, "%s (see pipelab --help)", what);
}

/* The value of an option written "--opt VALUE" or "--opt=VALUE"; NULL when it is not
 * this option. *i moves past a separate value. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

static int parse_seed(struct options *o, const char *v, pl_diag *d)
{
    char *end;
    errno = 0;
    unsigned long long seed = strtoull(v, &end, 10);
    if (*v == '\0' || *v == '-' || *end != '\0' || errno == ERANGE)
        return usage_error(d, "--seed expects a non-negative integer, got '%s'", v);
    snprintf(o->seed_set, sizeof o->seed_set, "seed=%llu", seed);
    o->sets[o->nsets++] = o->seed_set;
    o->seed = seed;
    o->seed_given = true;
    return 0;
}

/* --engine E: the scenario key engine, which every command that simulates reads. */
static int parse_engine(struct options *o, const char *v, pl_diag *d)
{
    if (pl_engine_named(v) == PL_ENGINE_KIND_COUNT)
        return usage_error(d, "--engine expects auto, simgrid or analytic, got '%s'", v);
    snprintf(o->engine_set, sizeof o->engine_set, "engine=%s", v);
    o->sets[o->nsets++] = o->engine_set;
    return 0;
}

/* A count from 1 to max for option `name`. */
static int parse_count(const char *name, const char *v, unsigned long max, unsigned long *out,
                       pl_diag *d)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (*v < '1' || *v > '9' || *end != '\0' || errno == ERANGE || n > max)
        return usage_error(d, "%s expects a whole number from 1 to %lu, got '%s'", name, max, v);
    *out = n;
    return 0;
}

/* --shard I/N: shard I (0-based) of N. */
static int parse_shard(struct options *o, const char *v, pl_diag *d)
{
    unsigned long i, n = 0;
    char *end;
    errno = 0;
    i = strtoul(v, &end, 10);
    bool ok = end != v && *v != '-' && *end == '/' && errno == 0;
    const char *nv = ok ? end + 1 : "";
    if (!ok || parse_count("--shard N", nv, 1000000, &n, d) != 0 || i >= n)
        return usage_error(d, "--shard expects I/N with 0 <= I < N, such as 0/4, got '%s'", v);
    o->shard = i;
    o->nshards = n;
    return 0;
}

static int parse_units(struct options *o, const char *v, pl_diag *d)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (*v < '1' || *v > '9' || *end != '\0' || errno == ERANGE || n > 1024)
        return usage_error(d, "--units expects a number of units from 1 to 1024, got '%s'", v);
    o->units = (unsigned)n;
    return 0;
}

/* --keys a,b,c: key paths, which hold no commas. */
static int parse_keys(struct options *o, const char *v, pl_diag *d)
{
    free(o->keys);
    free(o->key_list);
    o->keys = strdup(v);
    o->key_list = calloc(strlen(v) + 2, sizeof *o->key_list);
    if (!o->keys || !o->key_list)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    o->nkeys = 0;
    for (char *k = o->keys, *next; k; k = next) {
        next = strchr(k, ',');
        if (next)
            *next++ = '\0';
        if (*k == '\0')
            return usage_error(d, "--keys expects key paths separated by commas, got '%s'", v);
        o->key_list[o->nkeys++] = k;
    }
    return 0;
}

/* --delta 10% or --delta 0.1. */
static int parse_delta(struct options *o, const char *v, pl_diag *d)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end != v && *end == '%' && end[1] == '\0')
        x /= 100;
    else if (end == v || *end != '\0')
        x = -1;
    if (errno != 0 || !(x > 0 && x < 1))
        return usage_error(d, "--delta expects a change between 0 and 100 %%, such as 10%% or "
                              "0.1, got '%s'",
                           v);
    o->delta = x;
    return 0;
}

/* --reps, -j and --shard. */
static int parse_numbers(struct options *o, size_t k, const char *v, pl_diag *d)
{
    unsigned long n = 0;
    int rc = 0;
    if (k == 9 && (rc = parse_count("--reps", v, 1000000, &n, d)) == 0)
        o->reps = (unsigned)n;
    else if (k == 10 && (rc = parse_count("-j", v, 1024, &n, d)) == 0)
        o->jobs = (int)n;
    else if (k == 11)
        rc = parse_shard(o, v, d);
    return rc;
}

/* Options with a value; returns 1 when argv[*i] was one of them. */
static int parse_valued(struct options *o, int argc, char **argv, int *i, pl_diag *d)
{
    static const char *const names[] = {"--set",   "--seed", "--format", "--trace",
                                        "-o",      "--cores", "--stg",   "--units",
                                        "--vary",  "--reps", "-j",       "--shard",
                                        "--keys",  "--delta", "--a",     "--b",
                                        "--engine"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        bool missing = false;
        const char *v = option_value(argc, argv, i, names[k], &missing);
        if (missing)
            return usage_error(d, "%s needs a value", names[k]);
        if (!v)
            continue;
        int rc = 0;
        if (k == 0)
            o->sets[o->nsets++] = v;
        else if (k == 1)
            rc = parse_seed(o, v, d);
        else if (k == 2)
            o->format = v;
        else if (k == 3)
            o->trace = v;
        else if (k == 4)
            o->outdir = v;
        else if (k == 5)
            o->cores = v;
        else if (k == 6)
            o->stg = v;
        else if (k == 7)
            rc = parse_units(o, v, d);
        else if (k == 8)
            rc = pl_sweep_points_add(&o->points, v, d);
        else if (k <= 11)
            rc = parse_numbers(o, k, v, d);
        else if (k == 12)
            rc = parse_keys(o, v, d);
        else if (k == 13)
            rc = parse_delta(o, v, d);
        else if (k <= 15)
            o->side_sets[k - 14][o->nside[k - 14]++] = v;
        else
            rc = parse_engine(o, v, d);
        return rc ? rc : 1;
    }
    return 0;
}

static int parse_flag(struct options *o, const char *arg, pl_diag *d)
{
    if (strcmp(arg, "--gantt") == 0)
        o->gantt = true;
    else if (strcmp(arg, "--force") == 0)
        o->force = true;
    else if (strcmp(arg, "--timing") == 0)
        o->timing = true;
    else if (strcmp(arg, "--no-advice") == 0)
        o->no_advice = true;
    else if (strcmp(arg, "--resume") == 0)
        o->resume = true;
    else if (arg[0] == '-' && arg[1] != '\0')
        return usage_error(d, "unknown option '%s'", arg);
    else if (!o->scenario)
        o->scenario = arg;
    else if (!o->scenario2 && strcmp(o->command, "compare") == 0)
        o->scenario2 = arg;
    else
        return usage_error(d, "more than one scenario given ('%s')", arg);
    return 0;
}

/* The options of sweeps and replications belong to the commands that take them. */
static int check_sweep_args(const struct options *o, pl_diag *d)
{
    bool sweep = strcmp(o->command, "sweep") == 0, run = strcmp(o->command, "run") == 0;
    bool sens = strcmp(o->command, "sensitivity") == 0;
    bool compare = strcmp(o->command, "compare") == 0;
    if (!compare && (o->nside[0] || o->nside[1]))
        return usage_error(d, "--a and --b belong to pipelab compare");
    if (compare && !o->scenario2 && !o->nside[0] && !o->nside[1])
        return usage_error(d, "pipelab compare needs two scenarios, or one with --a K=V and "
                              "--b K=V overrides for its two sides");
    if (compare && (o->outdir || o->trace || o->gantt || !strcmp(o->format, "csv")))
        return usage_error(d, "pipelab compare prints text or json");
    if (!sens && (o->nkeys || o->delta))
        return usage_error(d, "--keys and --delta belong to pipelab sensitivity");
    if (sens && !o->nkeys)
        return usage_error(d, "pipelab sensitivity needs --keys KEY,KEY,...");
    if (sens && (o->reps || o->outdir || o->trace || o->gantt || !strcmp(o->format, "csv")))
        return usage_error(d, "pipelab sensitivity prints a table as text or json; it takes "
                              "--keys, --delta, --set, --seed and -j");
    if (!sweep && (o->points.naxes || o->nshards || o->resume))
        return usage_error(d, "--vary, --shard and --resume belong to pipelab sweep");
    if (!sweep && !run && o->reps)
        return usage_error(d, "--reps belongs to pipelab run and pipelab sweep");
    if (!sweep && !run && !sens && o->jobs)
        return usage_error(d, "-j belongs to pipelab run --reps, sweep and sensitivity");
    if (run && o->jobs && !o->reps)
        return usage_error(d, "-j goes with --reps R in pipelab run");
    if (run && o->reps && (o->outdir || o->trace || o->gantt || !strcmp(o->format, "csv")))
        return usage_error(d, "pipelab run --reps prints a replication table as text or json; "
                              "-o, --trace, --gantt and csv show one run");
    if (sweep && !o->outdir)
        return usage_error(d, "pipelab sweep needs -o RESULTS.csv");
    if (sweep && (o->trace || o->gantt || strcmp(o->format, "text") != 0))
        return usage_error(d, "pipelab sweep writes its results to -o RESULTS.csv");
    if (sweep && o->resume && o->force)
        return usage_error(d, "--resume continues a sweep and --force starts it again: not both");
    return 0;
}

static int parse_args(int argc, char **argv, struct options *o, pl_diag *d)
{
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    o->side_sets[0] = calloc((size_t)argc + 1, sizeof *o->sets);
    o->side_sets[1] = calloc((size_t)argc + 1, sizeof *o->sets);
    if (!o->sets || !o->side_sets[0] || !o->side_sets[1])
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    o->format = "text";
    o->command = argv[1];
    for (int i = 2; i < argc; i++) {
        int rc = parse_valued(o, argc, argv, &i, d);
        if (rc < 0)
            return rc;
        if (rc == 0 && (rc = parse_flag(o, argv[i], d)) != 0)
            return rc;
    }
    if (strcmp(o->format, "text") && strcmp(o->format, "json") && strcmp(o->format, "csv"))
        return usage_error(d, "--format expects text, json or csv, got '%s'", o->format);
    bool plan = strcmp(o->command, "plan") == 0;
    if ((o->stg || o->units) && !plan)
        return usage_error(d, "--stg and --units belong to pipelab plan");
    if (plan && o->stg && (o->scenario || !o->units))
        return usage_error(d, "pipelab plan --stg FILE takes --units P and no scenario");
    if (plan && !o->stg && o->units)
        return usage_error(d, "--units goes with --stg FILE");
    if (plan && !strcmp(o->format, "csv"))
        return usage_error(d, "pipelab plan writes text or json, not csv");
    if (strcmp(o->command, "keys") != 0 && !o->scenario && !o->stg)
        return usage_error(d, "%s needs a scenario file", o->command);
    if (o->cores && strcmp(o->command, "partition") != 0)
        return usage_error(d, "--cores belongs to pipelab partition");
    if (strcmp(o->command, "partition") == 0 && !strcmp(o->format, "csv"))
        return usage_error(d, "pipelab partition writes text or json, not csv");
    return check_sweep_args(o, d);
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
    return pl_gantt_draw(r, out, 100, d);
}

static int config_into(void *ctx, FILE *f, pl_diag *d)
{
    return pl_config_print(ctx, f, d);
}

static int text_into(void *ctx, FILE *f, pl_diag *d)
{
    if (fputs(ctx, f) < 0)
        return pl_diag_set(d, PL_EIO, "cannot write a model's table");
    return 0;
}

static int seed_into(void *ctx, FILE *f, pl_diag *d)
{
    const pl_report *r = ctx;
    if (fprintf(f, "%llu\n", r->seed) < 0)
        return pl_diag_set(d, PL_EIO, "cannot write the seed");
    return 0;
}

static int write_dir(const struct options *o, const pl_session *s, pl_diag *d)
{
    static const struct {
        const char *file;
        render_fn fn;
    } files[] = {
        {"report.txt", pl_report_text}, {"report.json", pl_report_json},
        {"units.csv", pl_report_csv},   {"intervals.csv", pl_report_intervals},
        {"trace.json", pl_trace_write},
        {"gantt.txt", gantt_fixed},
    };
    const pl_report *r = pl_session_report(s);
    char path[4096];
    int rc = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0] && rc == 0; i++) {
        struct render_ctx c = {r, files[i].fn};
        snprintf(path, sizeof path, "%s/%s", o->outdir, files[i].file);
        rc = pl_output_file(path, render_into, &c, d);
    }
    for (size_t i = 0; r->files && i < r->files->n && rc == 0; i++) {
        snprintf(path, sizeof path, "%s/%s", o->outdir, r->files->v[i].file);
        rc = pl_output_file(path, text_into, r->files->v[i].text, d);
    }
    snprintf(path, sizeof path, "%s/config.yaml", o->outdir);
    if (rc == 0)
        rc = pl_output_file(path, config_into, (void *)pl_session_config(s), d);
    snprintf(path, sizeof path, "%s/seed", o->outdir);
    if (rc == 0)
        rc = pl_output_file(path, seed_into, (void *)r, d);
    return rc;
}

static int print_report(const struct options *o, const pl_report *r, pl_diag *d)
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
        rc = pl_gantt_draw(r, to, pl_gantt_width(to), d);
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
    double total = t.lower + t.execute + t.measure;
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
            "%.3g tasks/s), measuring %.3f s; peak memory %.1f MiB (%.0f bytes per task)\n",
            n, total, t.lower, t.execute, engine, t.execute > 0 ? (double)n / t.execute : 0,
            t.measure, peak / 1024.0, n ? peak * 1024.0 / (double)n : 0);
}

static int cmd_reps(const struct options *o, pl_diag *d)
{
    pl_reps_options ro = {
        .scenario = o->scenario,
        .sets = o->sets,
        .nsets = o->nsets,
        .reps = o->reps,
        .seed = o->seed,
        .seed_given = o->seed_given,
        .jobs = o->jobs ? o->jobs : 1,
    };
    return pl_reps_run(&ro, strcmp(o->format, "json") == 0, stdout, d);
}

static int cmd_run(const struct options *o, pl_diag *d)
{
    if (o->reps)
        return cmd_reps(o, d);
    pl_session *s = NULL;
    int rc = pl_session_open(o->scenario, o->sets, o->nsets, &s, d);
    if (rc == 0 && o->outdir)
        rc = pl_output_dir_check(o->outdir, o->force, d);
    if (rc == 0 && o->no_advice)
        pl_session_skip_advice(s);
    if (rc == 0)
        rc = pl_session_run(s, d);
    if (rc == 0 && o->timing)
        print_timing(s);
    if (rc == 0 && o->trace) {
        struct render_ctx c = {pl_session_report(s), pl_trace_write};
        rc = pl_output_file(o->trace, render_into, &c, d);
    }
    if (rc == 0 && o->outdir)
        rc = pl_output_dir(o->outdir, o->force, d);
    if (rc == 0 && o->outdir)
        rc = write_dir(o, s, d);
    if (rc == 0)
        rc = print_report(o, pl_session_report(s), d);
    pl_session_destroy(s);
    return rc;
}

static int cmd_sweep(const struct options *o, pl_diag *d)
{
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
        .out = o->outdir,
        .resume = o->resume,
        .force = o->force,
        .progress = isatty(STDERR_FILENO),
    };
    pl_sweep_tally t;
    int rc = pl_sweep_run(&so, &t, d);
    if (rc != 0)
        return rc;
    printf("sweep: %zu rows in %s (%zu run now, %zu resumed), %zu failed\n", t.total, o->outdir,
           t.ran, t.resumed, t.failed);
    if (t.summary[0])
        printf("summary of the replications: %s\n", t.summary);
    if (t.failed)
        return pl_diag_set(d, PL_EDEADLOCK,
                           "%zu of %zu rows failed; their status and message say why",
                           t.failed, t.total);
    return 0;
}

static int cmd_sensitivity(const struct options *o, pl_diag *d)
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

static int cmd_summary(const struct options *o, pl_diag *d)
{
    pl_results r;
    int rc = pl_results_load(o->scenario, &r, d);
    if (rc == 0)
        rc = pl_results_sort(&r, o->scenario, d);
    if (rc == 0)
        rc = pl_results_summary(&r, o->scenario, stdout, d);
    if (rc == 0 && fflush(stdout) != 0)
        rc = pl_diag_set(d, PL_EIO, "cannot write to standard output");
    pl_results_fini(&r);
    return rc;
}

/* One side of a comparison: its scenario with the common overrides and its own. */
static int compare_side(const struct options *o, int side, pl_session **s, char **label,
                        pl_diag *d)
{
    const char *path = side == 1 && o->scenario2 ? o->scenario2 : o->scenario;
    size_t n = o->nsets + o->nside[side], len = 1;
    const char **sets = calloc(n + 1, sizeof *sets);
    if (!sets)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    memcpy(sets, o->sets, o->nsets * sizeof *sets);
    memcpy(sets + o->nsets, o->side_sets[side], o->nside[side] * sizeof *sets);
    for (size_t i = 0; i < o->nside[side]; i++)
        len += strlen(o->side_sets[side][i]) + 1;
    *label = calloc(len, 1);
    for (size_t i = 0; *label && i < o->nside[side]; i++)
        strcat(strcat(*label, i ? " " : ""), o->side_sets[side][i]);
    int rc = *label ? pl_session_open(path, sets, n, s, d)
                    : pl_diag_set(d, PL_ENOMEM, "out of memory");
    /* The comparison shows no model figures: the advice's extra simulations would be lost. */
    if (rc == 0)
        pl_session_skip_advice(*s);
    if (rc == 0)
        rc = pl_session_run(*s, d);
    free(sets);
    return rc;
}

static int cmd_compare(const struct options *o, pl_diag *d)
{
    pl_session *s[2] = {NULL, NULL};
    char *label[2] = {NULL, NULL};
    int rc = compare_side(o, 0, &s[0], &label[0], d);
    if (rc == 0)
        rc = compare_side(o, 1, &s[1], &label[1], d);
    if (rc == 0) {
        pl_compare_side a = {pl_session_report(s[0]), label[0][0] ? label[0] : NULL};
        pl_compare_side b = {pl_session_report(s[1]), label[1][0] ? label[1] : NULL};
        rc = strcmp(o->format, "json") == 0 ? pl_compare_json(&a, &b, stdout, d)
                                            : pl_compare_text(&a, &b, stdout, d);
    }
    if (rc == 0 && fflush(stdout) != 0)
        rc = pl_diag_set(d, PL_EIO, "cannot write to standard output");
    for (int i = 0; i < 2; i++) {
        pl_session_destroy(s[i]);
        free(label[i]);
    }
    return rc;
}

static int cmd_config(const struct options *o, pl_diag *d)
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

static int cmd_partition(const struct options *o, pl_diag *d)
{
    pl_config *c = NULL;
    int rc = pl_config_load(o->scenario, o->sets, o->nsets, pl_scenario_keys, &c, d);
    if (rc == 0)
        rc = pl_stream_partition_command(c, o->cores, strcmp(o->format, "json") == 0, stdout, d);
    pl_config_destroy(c);
    return rc;
}

static int cmd_plan(const struct options *o, pl_diag *d)
{
    bool json = strcmp(o->format, "json") == 0;
    if (o->stg)
        return pl_plan_stg_command(o->stg, o->units, json, stdout, d);
    pl_config *c = NULL;
    int rc = pl_config_load(o->scenario, o->sets, o->nsets, pl_scenario_keys, &c, d);
    if (rc == 0 && strcmp(pl_config_str(c, "model"), "plan") != 0)
        rc = usage_error(d, "pipelab plan needs a plan scenario; %s is model: %s", o->scenario,
                         pl_config_str(c, "model"));
    if (rc == 0)
        rc = pl_plan_command(c, json, stdout, d);
    pl_config_destroy(c);
    return rc;
}

int main(int argc, char **argv)
{
    pl_diag d;
    pl_diag_init(&d);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("pipelab %s\n", PL_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "run") && strcmp(argv[1], "config") && strcmp(argv[1], "keys") &&
        strcmp(argv[1], "partition") && strcmp(argv[1], "plan") && strcmp(argv[1], "sweep") &&
        strcmp(argv[1], "sensitivity") && strcmp(argv[1], "summary") &&
        strcmp(argv[1], "compare")) {
        usage_error(&d, "unknown command '%s'", argv[1]);
        return fail(&d);
    }
    struct options o;
    memset(&o, 0, sizeof o);
    pl_sweep_points_init(&o.points);
    int rc = parse_args(argc, argv, &o, &d);
    if (rc == 0) {
        if (strcmp(o.command, "keys") == 0)
            pl_keys_print(pl_scenario_keys, stdout);
        else if (strcmp(o.command, "config") == 0)
            rc = cmd_config(&o, &d);
        else if (strcmp(o.command, "partition") == 0)
            rc = cmd_partition(&o, &d);
        else if (strcmp(o.command, "plan") == 0)
            rc = cmd_plan(&o, &d);
        else if (strcmp(o.command, "sweep") == 0)
            rc = cmd_sweep(&o, &d);
        else if (strcmp(o.command, "sensitivity") == 0)
            rc = cmd_sensitivity(&o, &d);
        else if (strcmp(o.command, "summary") == 0)
            rc = cmd_summary(&o, &d);
        else if (strcmp(o.command, "compare") == 0)
            rc = cmd_compare(&o, &d);
        else
            rc = cmd_run(&o, &d);
    }
    free(o.sets);
    free(o.side_sets[0]);
    free(o.side_sets[1]);
    pl_sweep_points_fini(&o.points);
    free(o.keys);
    free(o.key_list);
    return rc == 0 ? 0 : fail(&d);
}
