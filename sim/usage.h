/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * usage.h — the front's options as one table: which command takes each, what value it
 * wants and what it does. options.c parses the command line from it (getopt_long) and
 * refuses an option given to a command that does not take it; this module prints
 * `pipelab --help` and each command's `pipelab COMMAND --help` from it.
 */
#ifndef PL_USAGE_H
#define PL_USAGE_H

#include "models/model.h"

#include <stdio.h>

/* The front's commands, each a bit of pl_option_spec.commands. A model's own command
 * (pipelab plan, partition) is PL_CMD_MODEL. */
#define PL_COMMANDS(X)                                                                             \
    X(RUN, "run")                                                                                  \
    X(CONFIG, "config")                                                                            \
    X(KEYS, "keys")                                                                                \
    X(SWEEP, "sweep")                                                                              \
    X(SUMMARY, "summary")                                                                          \
    X(SENSITIVITY, "sensitivity")                                                                  \
    X(COMPARE, "compare")                                                                          \
    X(IMPORT, "import")                                                                            \
    X(MODEL, "a model's command")

typedef enum pl_command {
#define PL_COMMAND_ENUM(name, spelled) PL_CMD_##name,
    PL_COMMANDS(PL_COMMAND_ENUM)
#undef PL_COMMAND_ENUM
        PL_CMD_COUNT
} pl_command;

/* The front's command spelled `name`; PL_CMD_COUNT when none is (a model's command is
 * found in the model table, not here). */
pl_command pl_command_named(const char *name);
/* "run"; "a model's command" for PL_CMD_MODEL. */
const char *pl_command_name(pl_command c);

/* The options, in the order of this enum and of pl_option_specs. */
typedef enum pl_option_id {
    PL_OPT_SET,
    PL_OPT_SEED,
    PL_OPT_ENGINE,
    PL_OPT_FORMAT,
    PL_OPT_GANTT,
    PL_OPT_GANTT_SHARED,
    PL_OPT_TRACE,
    PL_OPT_OUT,
    PL_OPT_FORCE,
    PL_OPT_TIMING,
    PL_OPT_NO_ADVICE,
    PL_OPT_ADVICE,
    PL_OPT_REPS,
    PL_OPT_JOBS,
    PL_OPT_VARY,
    PL_OPT_SHARD,
    PL_OPT_RESUME,
    PL_OPT_KEYS,
    PL_OPT_DELTA,
    PL_OPT_A,
    PL_OPT_B,
    PL_OPT_ANY_MODEL,
    PL_OPT_STEPS,
    PL_OPT_HELP,
    PL_OPT_COUNT
} pl_option_id;

typedef struct pl_option_spec {
    const char *name;  /* as written: "--set", "-o" */
    const char *value; /* what its value is ("KEY=VALUE"); NULL for a flag */
    unsigned commands; /* the commands that take it: bits 1u << pl_command */
    const char *help;  /* what it does, one or more sentences */
} pl_option_spec;

/* The table, indexed by pl_option_id. */
extern const pl_option_spec pl_option_specs[PL_OPT_COUNT];

/* What `pipelab --help` prints: every command, the models' own among them. */
void pl_usage_print(FILE *out);
/* What `pipelab COMMAND --help` prints: the command's synopsis and each option it takes.
 * model: the model's command when `command` is one (else NULL). */
void pl_usage_command(FILE *out, const char *command, const pl_model_command *model);
/* What `pipelab --man` prints: the manual page in troff, every command and its options
 * from the same table, for `version`. */
void pl_usage_man(FILE *out, const char *version);

#endif
