/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * options.c — the command line into pl_options. Options are read left to right,
 * each "--opt VALUE" or "--opt=VALUE"; what must go together is checked once all
 * are read, so that a message names the option a command does not take rather
 * than the first one that looked odd.
 */
#include "sim/options.h"
#include "sim/config/keypath.h"
#include "sim/graph/timeline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char usage_front[] =
    "usage: pipelab run SCENARIO [options]    simulate a scenario and its baseline, report\n"
    "       pipelab config SCENARIO [--set K=V]... [--seed N]\n"
    "                                         print the effective configuration\n";

static const char usage_rest[] =
    "       pipelab run SCENARIO --reps R [-j N] [--seed S] [--set K=V]... [--format json]\n"
    "                     [--advice]          R seeds: mean, sd and 95 % confidence interval\n"
    "       pipelab sweep SCENARIO --vary KEY=V1,V2,... --vary KEY=START:STOP:STEP ...\n"
    "                     -o RESULTS.csv [-j N] [--reps R] [--seed S] [--shard I/N]\n"
    "                     [--resume | --force] [--advice] [--set K=V]...\n"
    "                                         every combination of the values, one CSV row\n"
    "                                         per point and replication (docs/sweeps.md)\n"
    "       pipelab summary RESULTS.csv       mean, sd and 95 % interval per sweep point\n"
    "       pipelab sensitivity SCENARIO --keys K1,K2,... [--delta 10%] [-j N]\n"
    "                                         each key at -delta and +delta, ranked by the\n"
    "                                         makespan's swing\n"
    "       pipelab compare A.yaml [B.yaml] [--a K=V]... [--b K=V]... [--format json]\n"
    "                                         two runs side by side, with deltas\n"
    "       pipelab keys                      list every key with type, unit, default, help\n"
    "       pipelab import TRACE [-o SCENARIO.yaml] [--steps FIRST:LAST]\n"
    "                                         a PyTorch (Kineto, CUDA or ROCm) or Ascend\n"
    "                                         profiler trace, plain or gzip, into a dispatch\n"
    "                                         scenario that replays it (docs/replay.md);\n"
    "                                         --steps keeps ProfilerStep#FIRST to #LAST\n"
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
    "  --no-advice       skip the verdict search (the changes of the run simulated to\n"
    "                    name its bottleneck) and a model's advice (the tile model's\n"
    "                    smallest buffer depths)\n"
    "  --advice          the default of run; sweep and run --reps skip the search unless\n"
    "                    given it, and then name each row's or seed's bottleneck\n"
    "\n"
    "\n"
    "exit status: 0 ok, 1 the model cannot finish (or, for sweep, run --reps and\n"
    "sensitivity, some point or replication failed: its row or line says why),\n"
    "2 bad input, 3 internal error\n";

void pl_options_usage(FILE *out)
{
    fputs(usage_front, out);
    for (size_t m = 0; pl_model_at(m); m++)
        for (const pl_model_command *c = pl_model_at(m)->commands; c && c->name; c++)
            fputs(c->usage, out);
    fputs(usage_rest, out);
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

static int parse_seed(pl_options *o, const char *v, pl_diag *d)
{
    char *end;
    errno = 0;
    unsigned long long seed = strtoull(v, &end, 10);
    /* The scenario's key seed is a signed 64-bit integer: a larger one is refused here, with
     * the range, rather than by the key's check after the option check passed. */
    if (*v < '0' || *v > '9' || *end != '\0' || errno == ERANGE || seed > INT64_MAX)
        return usage_error(d, "--seed expects a whole number from 0 to %lld, got '%s'",
                           (long long)INT64_MAX, v);
    snprintf(o->seed_set, sizeof o->seed_set, "seed=%llu", seed);
    o->sets[o->nsets++] = o->seed_set;
    o->seed = seed;
    o->seed_given = true;
    return 0;
}

/* --engine E: the scenario key engine, which every command that simulates reads. */
static int parse_engine(pl_options *o, const char *v, pl_diag *d)
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
static int parse_shard(pl_options *o, const char *v, pl_diag *d)
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

/* --keys a,b,c: key paths, which hold no commas, each kept in its canonical spelling
 * (keypath.h) so that one key named twice, in whatever spellings, is refused. */
static int parse_keys(pl_options *o, const char *v, pl_diag *d)
{
    free(o->keys);
    free(o->key_list);
    size_t len = strlen(v);
    char *copy = strdup(v), **spelled = calloc(len + 2, sizeof *spelled);
    o->keys = malloc(2 * len + 2);
    o->key_list = calloc(len + 2, sizeof *o->key_list);
    if (!copy || !spelled || !o->keys || !o->key_list) {
        free(copy);
        free(spelled);
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    }
    o->nkeys = 0;
    int rc = 0;
    char *w = o->keys;
    for (char *k = copy, *next; k && rc == 0; k = next) {
        next = strchr(k, ',');
        if (next)
            *next++ = '\0';
        size_t bad = 0;
        char why[128];
        if (*k == '\0')
            rc = usage_error(d, "--keys expects key paths separated by commas, got '%s'", v);
        else if (pl_keypath_canonical(k, w, 2 * strlen(k) + 1, &bad, why, sizeof why) != 0)
            rc = usage_error(d, "--keys '%s': %s at byte %zu of '%s'", v, why, bad + 1, k);
        for (size_t i = 0; i < o->nkeys && rc == 0; i++)
            if (strcmp(o->key_list[i], w) == 0)
                rc = usage_error(d, "--keys names %s twice, as '%s' and as '%s'", w, spelled[i], k);
        if (rc)
            break;
        spelled[o->nkeys] = k;
        o->key_list[o->nkeys++] = w;
        w += strlen(w) + 1;
    }
    free(copy);
    free(spelled);
    return rc;
}

/* --delta 10% or --delta 0.1. */
static int parse_delta(pl_options *o, const char *v, pl_diag *d)
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

/* The options with a value that the front itself takes. */
enum valued {
    SET, SEED, FORMAT, TRACE, OUTDIR, VARY, REPS, JOBS, SHARD, KEYS, DELTA, SIDE_A, SIDE_B, ENGINE,
    STEPS, NVALUED
};
static const char *const valued_names[NVALUED] = {
    [SET] = "--set",     [SEED] = "--seed",   [FORMAT] = "--format", [TRACE] = "--trace",
    [OUTDIR] = "-o",     [VARY] = "--vary",   [REPS] = "--reps",     [JOBS] = "-j",
    [SHARD] = "--shard", [KEYS] = "--keys",   [DELTA] = "--delta",   [SIDE_A] = "--a",
    [SIDE_B] = "--b",    [ENGINE] = "--engine", [STEPS] = "--steps",
};

/* --steps FIRST:LAST, both whole numbers, FIRST <= LAST. */
static int parse_steps(pl_options *o, const char *v, pl_diag *d)
{
    char *end, *end2 = NULL;
    errno = 0;
    long long first = strtoll(v, &end, 10), last = -1;
    if (end != v && *end == ':')
        last = strtoll(end + 1, &end2, 10);
    if (errno != 0 || end == v || *end != ':' || !end2 || end2 == end + 1 || *end2 != '\0' ||
        first < 0 || last < first)
        return usage_error(d, "--steps expects FIRST:LAST, the numbers N of the "
                              "ProfilerStep#N to keep with FIRST <= LAST, such as 1010:1012, "
                              "got '%s'",
                           v);
    o->import = (pl_import_options){true, first, last};
    return 0;
}

static int take_valued(pl_options *o, enum valued k, const char *v, pl_diag *d)
{
    unsigned long n = 0;
    int rc = 0;
    switch (k) {
    case SET:
        o->sets[o->nsets++] = v;
        break;
    case SEED:
        return parse_seed(o, v, d);
    case FORMAT:
        o->format = v;
        break;
    case TRACE:
        o->trace = v;
        break;
    case OUTDIR:
        o->outdir = v;
        break;
    case VARY:
        return pl_sweep_points_add(&o->points, v, d);
    case REPS:
        if ((rc = parse_count("--reps", v, 1000000, &n, d)) == 0)
            o->reps = (unsigned)n;
        break;
    case JOBS:
        if ((rc = parse_count("-j", v, 1024, &n, d)) == 0)
            o->jobs = (int)n;
        break;
    case SHARD:
        return parse_shard(o, v, d);
    case KEYS:
        return parse_keys(o, v, d);
    case DELTA:
        return parse_delta(o, v, d);
    case SIDE_A:
    case SIDE_B:
        o->side_sets[k - SIDE_A][o->nside[k - SIDE_A]++] = v;
        break;
    case ENGINE:
        return parse_engine(o, v, d);
    case STEPS:
        return parse_steps(o, v, d);
    case NVALUED:
        break;
    }
    return rc;
}

/* A model's option, whichever command it belongs to: kept with its command, which is
 * checked once every option is read. Returns 1 when argv[*i] was one. */
static int take_model_option(pl_options *o, int argc, char **argv, int *i, pl_diag *d)
{
    for (size_t m = 0; pl_model_at(m); m++)
        for (const pl_model_command *c = pl_model_at(m)->commands; c && c->name; c++)
            for (size_t k = 0; c->options[k]; k++) {
                bool missing = false;
                const char *v = option_value(argc, argv, i, c->options[k], &missing);
                if (missing)
                    return usage_error(d, "%s needs a value", c->options[k]);
                if (!v)
                    continue;
                o->model_opts[o->nmodel_opts++] = (struct pl_model_option){c, k, v};
                return 1;
            }
    return 0;
}

/* Options with a value; returns 1 when argv[*i] was one of them. */
static int parse_valued(pl_options *o, int argc, char **argv, int *i, pl_diag *d)
{
    for (int k = 0; k < NVALUED; k++) {
        bool missing = false;
        const char *v = option_value(argc, argv, i, valued_names[k], &missing);
        if (missing)
            return usage_error(d, "%s needs a value", valued_names[k]);
        if (!v)
            continue;
        int rc = take_valued(o, (enum valued)k, v, d);
        return rc ? rc : 1;
    }
    return take_model_option(o, argc, argv, i, d);
}

static int parse_flag(pl_options *o, const char *arg, pl_diag *d)
{
    if (strcmp(arg, "--gantt") == 0)
        o->gantt = true;
    else if (strcmp(arg, "--force") == 0)
        o->force = true;
    else if (strcmp(arg, "--timing") == 0)
        o->timing = true;
    else if (strcmp(arg, "--no-advice") == 0)
        o->no_advice = true;
    else if (strcmp(arg, "--advice") == 0)
        o->advice = true;
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

/* pipelab import TRACE [-o SCENARIO.yaml] [--steps FIRST:LAST], nothing else. */
static int check_import(const pl_options *o, pl_diag *d)
{
    if (!o->scenario)
        return usage_error(d, "pipelab import needs a trace file");
    if (o->nsets || o->seed_given || o->trace || o->gantt || o->force || o->timing ||
        o->no_advice || o->advice || o->resume || o->points.naxes || o->reps || o->jobs ||
        o->nshards || o->nkeys || o->delta || o->nside[0] || o->nside[1] ||
        o->engine_set[0] || o->nmodel_opts || strcmp(o->format, "text") != 0)
        return usage_error(d, "pipelab import takes a trace, -o SCENARIO.yaml and --steps "
                              "FIRST:LAST, nothing else");
    return 0;
}

/* The options of sweeps and replications belong to the commands that take them. */
static int check_sweep_args(const pl_options *o, pl_diag *d)
{
    bool sweep = strcmp(o->command, "sweep") == 0, run = strcmp(o->command, "run") == 0;
    bool sens = strcmp(o->command, "sensitivity") == 0;
    bool compare = strcmp(o->command, "compare") == 0;
    if (o->advice && o->no_advice)
        return usage_error(d, "--advice asks for the verdict search and --no-advice skips it: "
                              "not both");
    if (o->advice && !sweep && !run)
        return usage_error(d, "--advice belongs to pipelab run, run --reps and sweep");
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
    if (sweep && (double)o->points.count * (o->reps ? o->reps : 1) > PL_SWEEP_MAX_ROWS)
        return usage_error(d,
                           "a sweep of %zu points times %u replications has more than the "
                           "%u rows a sweep may have; lower --reps or the number of values",
                           o->points.count, o->reps, PL_SWEEP_MAX_ROWS);
    if (o->reps > 1 && o->seed_given && o->seed > (unsigned long long)INT64_MAX - (o->reps - 1))
        return usage_error(d,
                           "--seed %llu with --reps %u runs seeds up to %llu, past "
                           "9223372036854775807, the largest seed",
                           o->seed, o->reps, o->seed + (o->reps - 1));
    if (sweep && o->resume && o->force)
        return usage_error(d, "--resume continues a sweep and --force starts it again: not both");
    return 0;
}

/* A model command's options belong to it: "--stg and --units belong to pipelab plan". */
static int check_model_options(pl_options *o, pl_diag *d)
{
    for (size_t i = 0; i < o->nmodel_opts; i++) {
        const pl_model_command *c = o->model_opts[i].command;
        if (c == o->model_command) {
            o->values[o->model_opts[i].index] = o->model_opts[i].value;
            continue;
        }
        char list[256] = "";
        size_t n = 0;
        while (c->options[n])
            n++;
        for (size_t k = 0; k < n; k++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                     k == 0 ? "" : k + 1 == n ? " and " : ", ", c->options[k]);
        return usage_error(d, "%s %s to pipelab %s", list, n == 1 ? "belongs" : "belong",
                           c->name);
    }
    return 0;
}

/* A model's command: its own check, its formats, its scenario. */
static int check_model_command(const pl_options *o, pl_diag *d)
{
    const pl_model_command *c = o->model_command;
    int rc = c->check ? c->check(o->scenario != NULL, o->values, d) : 0;
    if (rc)
        return rc;
    if (!strcmp(o->format, "csv"))
        return usage_error(d, "pipelab %s writes text or json, not csv", c->name);
    if (!c->scenario_optional && !o->scenario)
        return usage_error(d, "%s needs a scenario file", o->command);
    return 0;
}

static bool front_command(const char *name)
{
    static const char *const names[] = {"run",     "config",  "keys",  "sweep", "sensitivity",
                                        "summary", "compare", "import"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

/* Room for every argument in each list, and a value for each of the command's options. */
static int allocate(int argc, pl_options *o, pl_diag *d)
{
    size_t n = (size_t)argc + 1, nvalues = 1;
    for (const pl_model_command *c = o->model_command; c && c->options[nvalues - 1];)
        nvalues++;
    o->sets = calloc(n, sizeof *o->sets);
    o->side_sets[0] = calloc(n, sizeof *o->sets);
    o->side_sets[1] = calloc(n, sizeof *o->sets);
    o->model_opts = calloc(n, sizeof *o->model_opts);
    o->values = calloc(nvalues, sizeof *o->values);
    if (!o->sets || !o->side_sets[0] || !o->side_sets[1] || !o->model_opts || !o->values)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    return 0;
}

int pl_options_parse(int argc, char **argv, pl_options *o, pl_diag *d)
{
    memset(o, 0, sizeof *o);
    pl_sweep_points_init(&o->points);
    o->format = "text";
    o->command = argv[1];
    o->model_command = pl_model_command_find(o->command);
    if (!o->model_command && !front_command(o->command))
        return usage_error(d, "unknown command '%s'", o->command);
    int rc = allocate(argc, o, d);
    for (int i = 2; rc == 0 && i < argc; i++) {
        rc = parse_valued(o, argc, argv, &i, d);
        if (rc == 0)
            rc = parse_flag(o, argv[i], d);
        else if (rc == 1)
            rc = 0;
    }
    if (rc)
        return rc;
    if (strcmp(o->format, "text") && strcmp(o->format, "json") && strcmp(o->format, "csv"))
        return usage_error(d, "--format expects text, json or csv, got '%s'", o->format);
    if ((rc = check_model_options(o, d)) != 0)
        return rc;
    if (o->model_command && (rc = check_model_command(o, d)) != 0)
        return rc;
    if (!strcmp(o->command, "import"))
        return check_import(o, d);
    if (o->import.steps)
        return usage_error(d, "--steps belongs to pipelab import");
    if (!o->model_command && strcmp(o->command, "keys") != 0 && !o->scenario)
        return usage_error(d, "%s needs a scenario file", o->command);
    if ((rc = check_sweep_args(o, d)) != 0)
        return rc;
    return strcmp(o->command, "sweep") == 0
               ? pl_sweep_points_check(&o->points, o->scenario, o->sets, o->nsets, d)
               : 0;
}

void pl_options_fini(pl_options *o)
{
    free(o->sets);
    free(o->side_sets[0]);
    free(o->side_sets[1]);
    free(o->model_opts);
    free(o->values);
    pl_sweep_points_fini(&o->points);
    free(o->keys);
    free(o->key_list);
}
