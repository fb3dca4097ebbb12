/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * usage.c — the front's option table, and the help printed from it.
 */
#include "sim/usage.h"

#include "sim/common/text.h"

#include <string.h>

#define ON(c) (1u << PL_CMD_##c)
/* The options of every command that simulates a scenario. */
#define SIMULATING (ON(RUN) | ON(SWEEP) | ON(SENSITIVITY) | ON(COMPARE))

/* What the exit status says, for --help and the manual page. */
static const char exit_status[] =
    "0 ok; 1 the model cannot finish (or, for sweep, run --reps, sensitivity and\n"
    "compare --reps, some point or run failed: its row or line says why); 2 bad input;\n"
    "3 an internal error.";

const pl_option_spec pl_option_specs[PL_OPT_COUNT] = {
    [PL_OPT_SET] = {"--set", "KEY=VALUE", SIMULATING | ON(CONFIG) | ON(MODEL),
                    "override a key (repeatable), e.g. --set dispatch.threads.launch=2 or "
                    "--set dispatch.ops[0].kernel={dist: normal, mean: 12us, sd: 1us}"},
    [PL_OPT_SEED] = {"--seed", "N", SIMULATING | ON(CONFIG) | ON(MODEL),
                     "seed for random durations (default: the scenario's seed, else 1)"},
    [PL_OPT_ENGINE] = {"--engine", "E", SIMULATING | ON(CONFIG),
                       "auto (default): the analytic engine where no core or link is shared "
                       "at once, which is exact and much faster, else SimGrid; or simgrid, or "
                       "analytic (which fails where it is not exact)"},
    [PL_OPT_FORMAT] = {"--format", "F",
                       ON(RUN) | ON(SENSITIVITY) | ON(COMPARE) | ON(SUMMARY) | ON(KEYS) | ON(MODEL),
                       "text (default), json, or csv (run: the unit table; summary: the "
                       "summary as CSV)"},
    [PL_OPT_GANTT] = {"--gantt", NULL, ON(RUN),
                      "draw an ASCII Gantt chart of the run and its baseline, each on its own "
                      "time scale"},
    [PL_OPT_GANTT_SHARED] = {"--gantt-shared-scale", NULL, ON(RUN),
                             "with --gantt, draw the run and its baseline on one time scale, "
                             "the longer one's"},
    [PL_OPT_TRACE] = {"--trace", "FILE", ON(RUN),
                      "write a Chrome trace (open it in https://ui.perfetto.dev)"},
    [PL_OPT_OUT] = {"-o", "PATH", ON(RUN) | ON(SWEEP) | ON(IMPORT),
                    "run: write every report format (units.csv: the unit table, "
                    "intervals.csv: every unit's tasks and idle intervals), the trace, the "
                    "Gantt chart, the effective config, the seed and the provenance (what "
                    "made them) into the folder PATH "
                    "(scripts/plot_gantt.sh PATH draws it); sweep: the results file; import: "
                    "the scenario written"},
    [PL_OPT_FORCE] = {"--force", NULL, ON(RUN) | ON(SWEEP),
                      "write into a folder that is not empty (run -o), or start a sweep's "
                      "results file again"},
    [PL_OPT_TIMING] = {"--timing", NULL, ON(RUN),
                       "print on standard error where the wall time went (lowering, executing, "
                       "measuring), the engine's tasks per second and the peak memory"},
    [PL_OPT_NO_ADVICE] = {"--no-advice", NULL, ON(RUN),
                          "skip the verdict search (the changes of the run simulated to name "
                          "its bottleneck) and a model's advice"},
    [PL_OPT_ADVICE] = {"--advice", NULL, ON(RUN) | ON(SWEEP),
                       "the default of run; sweep and run --reps skip the search unless given "
                       "it, and then name each row's or seed's bottleneck"},
    [PL_OPT_REPS] = {"--reps", "R", ON(RUN) | ON(SWEEP) | ON(COMPARE),
                     "R replications with seeds S, S+1, ...: mean, sd and 95 % confidence "
                     "interval (run), R rows per point (sweep), or each side R times, paired "
                     "by seed, with a 95 % interval on each difference (compare)"},
    [PL_OPT_JOBS] = {"-j", "N", ON(RUN) | ON(SWEEP) | ON(SENSITIVITY) | ON(COMPARE),
                     "run N simulations at once"},
    [PL_OPT_VARY] = {"--vary", "KEY=VALUES", ON(SWEEP),
                     "a key's values, V1,V2,... or START:STOP:STEP (repeatable: every "
                     "combination is a point)"},
    [PL_OPT_SHARD] = {"--shard", "I/N", ON(SWEEP),
                      "only the points of shard I of N (a cluster job's share)"},
    [PL_OPT_RESUME] = {"--resume", NULL, ON(SWEEP),
                       "keep the rows a results file already has and run the rest"},
    [PL_OPT_KEYS] = {"--keys", "K1,K2,...", ON(SENSITIVITY), "the keys to change"},
    [PL_OPT_DELTA] = {"--delta", "D", ON(SENSITIVITY),
                      "how much each key changes, such as 10% (the default) or 0.1"},
    [PL_OPT_A] = {"--a", "KEY=VALUE", ON(COMPARE), "an override of side A only (repeatable)"},
    [PL_OPT_B] = {"--b", "KEY=VALUE", ON(COMPARE), "an override of side B only (repeatable)"},
    [PL_OPT_ANY_MODEL] = {"--any-model", NULL, ON(COMPARE),
                          "compare scenarios of different models, whose figures do not measure "
                          "the same thing"},
    [PL_OPT_STEPS] = {"--steps", "FIRST:LAST", ON(IMPORT),
                      "keep ProfilerStep#FIRST to #LAST of the trace"},
    [PL_OPT_HELP] = {"--help", NULL, ~0u, "print this help"},
};

static const char *const command_names[PL_CMD_COUNT] = {
#define PL_COMMAND_NAME(name, spelled) spelled,
    PL_COMMANDS(PL_COMMAND_NAME)
#undef PL_COMMAND_NAME
};

const char *pl_command_name(pl_command c)
{
    return c < PL_CMD_COUNT ? command_names[c] : "?";
}

pl_command pl_command_named(const char *name)
{
    for (int c = 0; c < PL_CMD_MODEL; c++)
        if (strcmp(command_names[c], name) == 0)
            return (pl_command)c;
    return PL_CMD_COUNT;
}

/* Each front command's synopsis: its lines of pipelab --help, each ending in a newline. */
static const char *const synopsis[PL_CMD_MODEL] = {
    [PL_CMD_RUN] =
        "       pipelab run SCENARIO [options]    simulate a scenario and its baseline, report\n"
        "       pipelab run SCENARIO --reps R [-j N] [--seed S] [--set K=V]... [--format json]\n"
        "                     [--advice]          R seeds: mean, sd and 95 % confidence interval\n",
    [PL_CMD_CONFIG] =
        "       pipelab config SCENARIO [--set K=V]... [--seed N]\n"
        "                                         print the effective configuration\n",
    [PL_CMD_KEYS] =
        "       pipelab keys [PREFIX] [--format json]\n"
        "                                         list every key (or those under PREFIX, such\n"
        "                                         as tile or machine.host) with type, unit,\n"
        "                                         default and help\n",
    [PL_CMD_SWEEP] =
        "       pipelab sweep SCENARIO --vary KEY=V1,V2,... --vary KEY=START:STOP:STEP ...\n"
        "                     -o RESULTS.csv [-j N] [--reps R] [--seed S] [--shard I/N]\n"
        "                     [--resume | --force] [--advice] [--set K=V]...\n"
        "                                         every combination of the values, one CSV row\n"
        "                                         per point and replication (docs/sweeps.md)\n",
    [PL_CMD_SUMMARY] =
        "       pipelab summary RESULTS.csv       mean, sd and 95 % interval per sweep point\n",
    [PL_CMD_SENSITIVITY] =
        "       pipelab sensitivity SCENARIO --keys K1,K2,... [--delta 10%] [-j N]\n"
        "                                         each key at -delta and +delta, ranked by the\n"
        "                                         makespan's swing\n",
    [PL_CMD_COMPARE] =
        "       pipelab compare A.yaml [B.yaml] [--a K=V]... [--b K=V]... [--format json]\n"
        "                     [--reps R [-j N]] [--any-model]\n"
        "                                         two runs side by side, with deltas; with\n"
        "                                         --reps, each delta's 95 % interval\n",
    [PL_CMD_IMPORT] =
        "       pipelab import TRACE [-o SCENARIO.yaml] [--steps FIRST:LAST]\n"
        "                                         a PyTorch (Kineto, CUDA or ROCm) or Ascend\n"
        "                                         profiler trace, plain or gzip, into a dispatch\n"
        "                                         scenario that replays it (docs/replay.md);\n"
        "                                         --steps keeps ProfilerStep#FIRST to #LAST\n",
};

static void option_line(FILE *out, const char *name, const char *value, const char *help)
{
    char head[64];
    snprintf(head, sizeof head, "  %s%s%s", name, value ? " " : "", value ? value : "");
    /* The help beside the option, or under it where the option leaves no gap. */
    if (strlen(head) > 20) {
        fprintf(out, "%s\n", head);
        pl_text_fold(out, help, 0, 22, 88);
        fputc('\n', out);
        return;
    }
    fprintf(out, "%-22s", head);
    pl_text_fold(out, help, 22, 22, 88);
    fputc('\n', out);
}

void pl_usage_print(FILE *out)
{
    fputs("usage:", out);
    fputs(synopsis[PL_CMD_RUN] + strlen("usage:"), out);
    fputs(synopsis[PL_CMD_CONFIG], out);
    for (size_t m = 0; pl_model_at(m); m++)
        for (const pl_model_command *c = pl_model_at(m)->commands; c && c->name; c++)
            fputs(c->usage, out);
    for (int c = PL_CMD_KEYS; c < PL_CMD_MODEL; c++)
        fputs(synopsis[c], out);
    fputs("       pipelab COMMAND --help            that command's options\n"
          "       pipelab --help | --version | --man (this help as a manual page)\n\n"
          "options of run:\n",
          out);
    for (int k = 0; k < PL_OPT_HELP; k++)
        if (pl_option_specs[k].commands & ON(RUN))
            option_line(out, pl_option_specs[k].name, pl_option_specs[k].value,
                        pl_option_specs[k].help);
    fprintf(out, "\nexit status: %s\n", exit_status);
}

void pl_usage_command(FILE *out, const char *command, const pl_model_command *model)
{
    pl_command c = model ? PL_CMD_MODEL : pl_command_named(command);
    fputs("usage:", out);
    const char *text = model ? model->usage : synopsis[c];
    fputs(text + strlen("usage:"), out);
    fputs("\noptions:\n", out);
    for (size_t k = 0; model && model->options[k]; k++)
        option_line(out, model->options[k], "VALUE",
                    model->option_help ? model->option_help[k] : "see above");
    for (int k = 0; k < PL_OPT_COUNT; k++)
        if (pl_option_specs[k].commands & (1u << c))
            option_line(out, pl_option_specs[k].name, pl_option_specs[k].value,
                        pl_option_specs[k].help);
}

/* ---- The manual page ---------------------------------------------------------------- */

/* Text in troff: backslashes and hyphens escaped, a line never starting with a control
 * character. */
static void man_text(FILE *out, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else
            fputc(*s, out);
        if (*s == '\n' && (s[1] == '.' || s[1] == '\''))
            fputs("\\&", out);
    }
}

static void man_option(FILE *out, const char *name, const char *value, const char *help)
{
    fputs(".TP\n\\fB", out);
    man_text(out, name);
    fputs("\\fR", out);
    if (value) {
        fputs(" \\fI", out);
        man_text(out, value);
        fputs("\\fR", out);
    }
    fputc('\n', out);
    man_text(out, help);
    fputc('\n', out);
}

/* One command's synopsis lines, as --help prints them, less the 7 columns of "usage: "
 * before each, kept as they are (.nf). */
static void man_synopsis(FILE *out, const char *text)
{
    fputs(".nf\n", out);
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n"), lead = strspn(line, " ");
        char buf[256];
        lead = lead > 7 ? 7 : lead;
        snprintf(buf, sizeof buf, "%.*s\n", (int)(len - lead), line + lead);
        man_text(out, buf);
        line += len + (line[len] == '\n');
    }
    fputs(".fi\n", out);
}

void pl_usage_man(FILE *out, const char *version)
{
    fputs(".TH PIPELAB 1 \"\" \"pipelab ", out);
    man_text(out, version);
    fputs("\" \"User Commands\"\n.SH NAME\npipelab \\- a discrete\\-event performance "
          "simulator for pipelined hardware and software\n.SH SYNOPSIS\n",
          out);
    for (int c = 0; c < PL_CMD_MODEL; c++)
        man_synopsis(out, synopsis[c]);
    for (size_t m = 0; pl_model_at(m); m++)
        for (const pl_model_command *c = pl_model_at(m)->commands; c && c->name; c++)
            man_synopsis(out, c->usage);
    fputs(".SH DESCRIPTION\nEach command answers \\fBpipelab\\fR \\fICOMMAND\\fR "
          "\\fB\\-\\-help\\fR with its usage and options; the options of each follow. "
          "The documentation of the models, the reports and the studies is in the docs "
          "folder of the source.\n",
          out);
    for (int c = 0; c < PL_CMD_MODEL; c++) {
        fprintf(out, ".SH \"PIPELAB %s\"\n", command_names[c]);
        for (int k = 0; k < PL_OPT_COUNT; k++)
            if (pl_option_specs[k].commands & (1u << c))
                man_option(out, pl_option_specs[k].name, pl_option_specs[k].value,
                           pl_option_specs[k].help);
    }
    for (size_t m = 0; pl_model_at(m); m++)
        for (const pl_model_command *c = pl_model_at(m)->commands; c && c->name; c++) {
            fprintf(out, ".SH \"PIPELAB %s\"\n", c->name);
            for (size_t k = 0; c->options[k]; k++)
                man_option(out, c->options[k], "VALUE",
                           c->option_help ? c->option_help[k] : "see the synopsis");
            for (int k = 0; k < PL_OPT_COUNT; k++)
                if (pl_option_specs[k].commands & (1u << PL_CMD_MODEL))
                    man_option(out, pl_option_specs[k].name, pl_option_specs[k].value,
                               pl_option_specs[k].help);
        }
    fputs(".SH \"EXIT STATUS\"\n", out);
    man_text(out, exit_status);
    fputc('\n', out);
}
