/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * options.h — the command line, parsed and checked into typed options: the
 * front's half that reads argv (main.c is the half that runs the command).
 *
 * A command is one of the front's (run, config, sweep, summary, sensitivity,
 * compare, keys, import) or a model's own, found in the model table with the options it
 * takes; a model's option given to another command is refused, naming the command
 * it belongs to.
 */
#ifndef PL_OPTIONS_H
#define PL_OPTIONS_H

#include "models/model.h"
#include "sim/common/error.h"
#include "sim/import/import.h"
#include "sim/study/sweep_points.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct pl_options {
    const char *command;
    const char *command_line; /* the whole command line, quoted (sim/provenance.h); set by main */
    const pl_model_command *model_command; /* the model's command named `command`, or NULL */
    const char **values; /* model_command's option values, in the order of its options;
                            NULL where absent */
    const char *scenario;
    const char *scenario2; /* compare's B */
    const char **sets;
    size_t nsets;
    const char **side_sets[2]; /* compare's --a and --b */
    size_t nside[2];
    const char *format;
    const char *trace;
    const char *outdir;
    bool gantt, force, timing, no_advice, advice, resume;
    bool any_model;    /* compare --any-model */
    bool gantt_shared; /* run --gantt-shared-scale */
    bool help;                /* COMMAND --help: print its usage, nothing else checked */
    unsigned long long given; /* the table's options given: bits 1 << pl_option_id */
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
    double delta; /* --delta; 0 when not given */
    pl_import_options import; /* --steps FIRST:LAST of pipelab import */
    /* Every model option given, whichever command it belongs to. */
    struct pl_model_option {
        const pl_model_command *command;
        size_t index;
        const char *value;
    } *model_opts;
    size_t nmodel_opts;
    struct pl_model_option *model_index; /* every model option, as getopt_long numbers them */
} pl_options;

/* Parses argv[1..argc-1] (borrowed; o points into it; getopt_long may reorder it) into o,
 * with the option table of usage.h, then checks that the options go together; with
 * COMMAND --help, only sets o->help. Fails with PL_EUSAGE (d says what is wrong, and to see pipelab
 * --help) or PL_ENOMEM. Call pl_options_fini either way. */
int pl_options_parse(int argc, char **argv, pl_options *o, pl_diag *d);
void pl_options_fini(pl_options *o);


#endif
