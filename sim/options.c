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
#include "sim/usage.h"

#include <getopt.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int usage_error(pl_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The command being parsed, whose help a usage error points to. */
static const char *parsing;

static int usage_error(pl_diag *d, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return pl_diag_set(d, PL_EUSAGE, "%s (see pipelab %s --help)", what, parsing);
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
        return usage_error(d,
                           "--delta expects a change between 0 and 100 %%, such as 10%% or "
                           "0.1, got '%s'",
                           v);
    o->delta = x;
    return 0;
}

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
        return usage_error(d,
                           "--steps expects FIRST:LAST, the numbers N of the "
                           "ProfilerStep#N to keep with FIRST <= LAST, such as 1010:1012, "
                           "got '%s'",
                           v);
    o->import = (pl_import_options){true, first, last};
    return 0;
}

/* Option k of the table, with its value v (NULL for a flag). */
static int take_option(pl_options *o, pl_option_id k, const char *v, pl_diag *d)
{
    unsigned long n = 0;
    int rc = 0;
    switch (k) {
    case PL_OPT_SET:
        o->sets[o->nsets++] = v;
        break;
    case PL_OPT_SEED:
        rc = parse_seed(o, v, d);
        break;
    case PL_OPT_ENGINE:
        rc = parse_engine(o, v, d);
        break;
    case PL_OPT_FORMAT:
        o->format = v;
        break;
    case PL_OPT_GANTT:
        o->gantt = true;
        break;
    case PL_OPT_GANTT_SHARED:
        o->gantt_shared = true;
        break;
    case PL_OPT_TRACE:
        o->trace = v;
        break;
    case PL_OPT_OUT:
        o->outdir = v;
        break;
    case PL_OPT_FORCE:
        o->force = true;
        break;
    case PL_OPT_TIMING:
        o->timing = true;
        break;
    case PL_OPT_NO_ADVICE:
        o->no_advice = true;
        break;
    case PL_OPT_ADVICE:
        o->advice = true;
        break;
    case PL_OPT_REPS:
        if ((rc = parse_count("--reps", v, 1000000, &n, d)) == 0)
            o->reps = (unsigned)n;
        break;
    case PL_OPT_JOBS:
        if ((rc = parse_count("-j", v, 1024, &n, d)) == 0)
            o->jobs = (int)n;
        break;
    case PL_OPT_VARY:
        rc = pl_sweep_points_add(&o->points, v, d);
        break;
    case PL_OPT_SHARD:
        rc = parse_shard(o, v, d);
        break;
    case PL_OPT_RESUME:
        o->resume = true;
        break;
    case PL_OPT_KEYS:
        rc = parse_keys(o, v, d);
        break;
    case PL_OPT_DELTA:
        rc = parse_delta(o, v, d);
        break;
    case PL_OPT_A:
    case PL_OPT_B:
        o->side_sets[k - PL_OPT_A][o->nside[k - PL_OPT_A]++] = v;
        break;
    case PL_OPT_ANY_MODEL:
        o->any_model = true;
        break;
    case PL_OPT_STEPS:
        rc = parse_steps(o, v, d);
        break;
    case PL_OPT_HELP:
        o->help = true;
        break;
    case PL_OPT_COUNT:
        break;
    }
    o->given |= 1ull << k;
    return rc;
}

/* A positional argument: the scenario, or compare's second one. */
static int take_positional(pl_options *o, const char *arg, pl_diag *d)
{
    if (!o->scenario)
        o->scenario = arg;
    else if (!o->scenario2 && strcmp(o->command, "compare") == 0)
        o->scenario2 = arg;
    else
        return usage_error(d, "one argument too many: '%s'", arg);
    return 0;
}

/* getopt_long's value of the first model command's option; the others follow. Above every
 * letter, so that none is taken for a short option. */
#define MODEL_OPTION 1000

/* The long options getopt_long reads: the table's, whose values are their pl_option_id,
 * then every model command's own, whose values are MODEL_OPTION + their place in
 * o->model_index. */
static int long_options(pl_options *o, struct option **out, pl_diag *d)
{
    size_t n = PL_OPT_COUNT + 1;
    for (size_t m = 0; pl_model_at(m); m++)
        for (const pl_model_command *c = pl_model_at(m)->commands; c && c->name; c++)
            for (size_t k = 0; c->options[k]; k++)
                n++;
    struct option *v = calloc(n, sizeof *v);
    o->model_index = calloc(n, sizeof *o->model_index);
    if (!v || !o->model_index) {
        free(v);
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    }
    size_t i = 0;
    for (int k = 0; k < PL_OPT_COUNT; k++)
        if (pl_option_specs[k].name[1] == '-')
            v[i++] = (struct option){pl_option_specs[k].name + 2,
                                     pl_option_specs[k].value ? required_argument : no_argument,
                                     NULL, k};
    size_t nm = 0;
    for (size_t m = 0; pl_model_at(m); m++)
        for (const pl_model_command *c = pl_model_at(m)->commands; c && c->name; c++)
            for (size_t k = 0; c->options[k]; k++) {
                o->model_index[nm] = (struct pl_model_option){c, k, NULL};
                v[i++] = (struct option){c->options[k] + 2, required_argument, NULL,
                                         MODEL_OPTION + (int)nm++};
            }
    *out = v;
    return 0;
}

/* The option getopt_long stopped at, as written, from its value: a letter of the short
 * options, or the value of a long one. */
static const char *option_named(const struct option *longs, int val, char *buf, size_t len)
{
    if (val == 'o' || val == 'j') {
        snprintf(buf, len, "-%c", val);
        return buf;
    }
    for (const struct option *l = longs; l->name; l++)
        if (l->val == val) {
            snprintf(buf, len, "--%s", l->name);
            return buf;
        }
    return "?";
}

/* Reads every argument after the command with getopt_long: options from the table (and the
 * models' own), the rest positional. */
static int read_arguments(int argc, char **argv, pl_options *o, pl_diag *d)
{
    struct option *longs = NULL;
    int rc = long_options(o, &longs, d);
    /* getopt_long sees the command as the program's name. Reset, whatever parsed before. */
    optind = 0;
    opterr = 0;
    char buf[128];
    int ch;
    while (rc == 0 && (ch = getopt_long(argc - 1, argv + 1, ":o:j:h", longs, NULL)) != -1) {
        if (ch == '?')
            rc = optopt ? usage_error(d, "unknown option '-%c'", optopt)
                        : usage_error(d, "unknown option '%s'", argv[optind]);
        else if (ch == ':')
            rc = usage_error(d, "%s needs a value", option_named(longs, optopt, buf, sizeof buf));
        else if (ch == 'o' || ch == 'j' || ch == 'h')
            rc = take_option(o,
                             ch == 'o'   ? PL_OPT_OUT
                             : ch == 'j' ? PL_OPT_JOBS
                                         : PL_OPT_HELP,
                             optarg, d);
        else if (ch < PL_OPT_COUNT)
            rc = take_option(o, (pl_option_id)ch, optarg, d);
        else {
            o->model_opts[o->nmodel_opts] = o->model_index[ch - MODEL_OPTION];
            o->model_opts[o->nmodel_opts++].value = optarg;
        }
    }
    for (int i = optind + 1; rc == 0 && i < argc; i++)
        rc = take_positional(o, argv[i], d);
    free(longs);
    return rc;
}

/* The first option given that the table gives to other commands only, with those commands
 * into list ("pipelab run and pipelab sweep"); -1 when there is none. */
static int misplaced(const pl_options *o, char *list, size_t len)
{
    pl_command c = o->model_command ? PL_CMD_MODEL : pl_command_named(o->command);
    for (int k = 0; k < PL_OPT_COUNT; k++) {
        unsigned on = pl_option_specs[k].commands;
        if (!(o->given & (1ull << k)) || (on & (1u << c)))
            continue;
        const char *names[PL_CMD_COUNT];
        int n = 0;
        for (int j = 0; j < PL_CMD_COUNT; j++)
            if ((on >> j) & 1)
                names[n++] = pl_command_name((pl_command)j);
        list[0] = '\0';
        for (int i = 0; i < n; i++)
            snprintf(list + strlen(list), len - strlen(list), "%s%s%s",
                     i == 0       ? ""
                     : i + 1 == n ? " and "
                                  : ", ",
                     strchr(names[i], ' ') ? "" : "pipelab ", names[i]);
        return k;
    }
    return -1;
}

/* An option the table gives to other commands only: "--gantt belongs to pipelab run". */
static int check_belongs(const pl_options *o, pl_diag *d)
{
    char list[256];
    int k = misplaced(o, list, sizeof list);
    return k < 0 ? 0 : usage_error(d, "%s belongs to %s", pl_option_specs[k].name, list);
}

/* pipelab import TRACE [-o SCENARIO.yaml] [--steps FIRST:LAST], nothing else: the table
 * gives it those two options. */
static int check_import(const pl_options *o, pl_diag *d)
{
    char list[256];
    int k = o->scenario ? misplaced(o, list, sizeof list) : -1;
    if (!o->scenario)
        return usage_error(d, "pipelab import needs a trace file");
    return k < 0 ? 0
                 : usage_error(d,
                               "pipelab import takes a trace, -o SCENARIO.yaml and --steps "
                               "FIRST:LAST, nothing else; %s belongs to %s",
                               pl_option_specs[k].name, list);
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
                              "--keys, --delta, --set, --seed, --engine, --format and -j");
    if (!sweep && (o->points.naxes || o->nshards || o->resume))
        return usage_error(d, "--vary, --shard and --resume belong to pipelab sweep");
    if (!sweep && !run && !compare && o->reps)
        return usage_error(d, "--reps belongs to pipelab run, sweep and compare");
    if (!sweep && !run && !sens && !compare && o->jobs)
        return usage_error(d, "-j belongs to pipelab run --reps, sweep, sensitivity and "
                              "compare --reps");
    if ((run || compare) && o->jobs && !o->reps)
        return usage_error(d, "-j goes with --reps R in pipelab %s", o->command);
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
                     k == 0       ? ""
                     : k + 1 == n ? " and "
                                  : ", ",
                     c->options[k]);
        return usage_error(d, "%s %s to pipelab %s", list, n == 1 ? "belongs" : "belong", c->name);
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
    parsing = o->command;
    if (!o->model_command && pl_command_named(o->command) == PL_CMD_COUNT) {
        parsing = "";
        return pl_diag_set(d, PL_EUSAGE, "unknown command '%s' (see pipelab --help)", o->command);
    }
    /* pipelab COMMAND --help answers whatever else the command line says. */
    for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            o->help = true;
    if (o->help)
        return 0;
    int rc = allocate(argc, o, d);
    if (rc == 0)
        rc = read_arguments(argc, argv, o, d);
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
        return usage_error(d, "pipelab %s needs %s", o->command,
                           strcmp(o->command, "summary") == 0 ? "a results file (RESULTS.csv)"
                                                              : "a scenario file");
    if ((rc = check_sweep_args(o, d)) != 0 || (rc = check_belongs(o, d)) != 0)
        return rc;
    if (o->gantt_shared && !o->gantt)
        return usage_error(d, "--gantt-shared-scale goes with --gantt");
    if (strcmp(o->command, "keys") == 0 && strcmp(o->format, "csv") == 0)
        return usage_error(d, "pipelab keys prints text or json");
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
    free(o->model_index);
    free(o->values);
    pl_sweep_points_fini(&o->points);
    free(o->keys);
    free(o->key_list);
}
