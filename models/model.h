/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * model.h — the table of models: what every pipeline model gives the layers above
 * it. A model has a name, a lowering of a loaded scenario into the task graph to
 * simulate and the graph of its baseline (the non-pipelined way of doing the same
 * work), optional advice, the keys of its section of a scenario, and optional
 * commands of its own (`pipelab partition`, `pipelab plan`) that work something out
 * without simulating.
 *
 * Models see the config, the graph and the measure layers; never SimGrid, never argv,
 * never a report. What they work out they hand over as data: figures, tables of
 * values, findings (sim/measure/).
 */
#ifndef PL_MODEL_H
#define PL_MODEL_H

#include "sim/common/error.h"
#include "sim/config/config.h"
#include "sim/config/keys.h"
#include "sim/graph/graph.h"
#include "sim/measure/figure.h"
#include "sim/measure/findings.h"
#include "sim/measure/replay.h"
#include "sim/measure/rows.h"
#include "sim/measure/verdict.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>

/* A scenario lowered twice, from the same drawn durations. */
typedef struct pl_lowering {
    pl_graph *run;             /* the scenario as configured */
    pl_graph *baseline;        /* the baseline; NULL when the run is the baseline */
    const char *mode;          /* static: the run's variant, e.g. "pipelined" */
    const char *baseline_mode; /* static: e.g. "serial" */
    bool random;               /* whether any duration was drawn at random */
    pl_figures figures;        /* what the model works out analytically (may be empty) */
    pl_tables tables;          /* tables written beside the reports in -o DIR, NAME.csv:
                                  empty until pl_model.tables fills them */
    double predicted;          /* the makespan the model predicts for the run (the plan's);
                                  0 when it predicts none */
    pl_replay replay;          /* what a measured trace said, when the scenario replays one
                                  (imported by pipelab import); zero when it does not */
    /* What the model keeps for its advice (its loaded workload), freed by kept_free. */
    void *kept;
    void (*kept_free)(void *kept);
} pl_lowering;

/* Frees both graphs, the figures, the tables and what the model kept. */
void pl_lowering_fini(pl_lowering *l);

/* How a model lowers its loaded workload w (borrowed, only read): the run (baseline
 * false) or the baseline into *out, a finalized graph the caller destroys; fails with
 * PL_ENOMEM. */
typedef int (*pl_lower_fn)(const void *w, bool baseline, pl_graph **out);

/* Lowers w's run into l->run and, where `baseline`, its baseline into l->baseline, both
 * at once where the process may use two cores (sim/common/parallel.h): neither lowering
 * reads what the other writes. Returns 0, or the run's failure, else the baseline's;
 * what was lowered is in l either way (pl_lowering_fini frees it). */
int pl_lowering_graphs(pl_lower_fn lower, const void *w, bool baseline, pl_lowering *l);

/* What simulating a trial graph gave: its makespan and its analytic bound. */
typedef struct pl_trial {
    double makespan;
    double bound;
} pl_trial;

/* The offer of the layer above to a model that advises: simulate n finalized graphs
 * (borrowed) and fill out[i] for each. Fails with the runner's errors (PL_EDEADLOCK,
 * PL_ECHILD, PL_ENOMEM...). */
typedef struct pl_trier {
    int (*simulate)(void *ctx, const pl_graph *const *graphs, size_t n, pl_trial *out,
                    pl_diag *d);
    void *ctx;
} pl_trier;

/* A change of a lowered scenario's configuration that its model can lower in place of the
 * run: one more slot in one of its bounded buffers, pools or queues. */
typedef struct pl_variant {
    pl_change_kind kind; /* PL_CHANGE_BUFFER, PL_CHANGE_POOL or PL_CHANGE_QUEUE */
    char name[96];       /* as the scenario names it: "t", "a_l1", "source -> filter" */
    char change[192];    /* a phrase: "one more slot in buffer t (3 instead of 2)" */
    char refused[160];   /* empty when it can be lowered; else why it cannot, a phrase:
                            "three 32 KiB slots do not fit the 64 KiB of L0A" */
    bool replans;        /* false: its graph is the run's but for slot, barrier and order
                            edges, so the run's resource bound holds for it; true: it may
                            put tasks on other units or in another order (a plan made
                            again), and only its own bound does */
    double least;        /* where it replans: a makespan that no plan of it can beat in
                            the simulation, known without planning it (a plan's: its loop's
                            bound, which holds whatever the buffers' versions, where every
                            latency is fixed); 0 where none is known */
} pl_variant;

/* A command of a model's own: pipelab NAME [SCENARIO] [OPTION VALUE]... [--set K=V]...
 * [--seed N] [--format text|json]. The front parses the command line and hands the
 * command the values of its options, never argv; the command hands back findings, which
 * the report layer prints. */
typedef struct pl_model_command {
    const char *name;           /* "partition" */
    const char *usage;          /* its lines of pipelab --help, each ending in a newline */
    const char *const *options; /* the options of its own, each taking a value ("--cores"),
                                   ending with NULL */
    const char *const *option_help; /* what each of those does, in the same order; NULL:
                                       none said */
    bool scenario_optional;     /* false: the front refuses a command line without a
                                   scenario; true: check says (pipelab plan --stg FILE) */
    /* Optional (NULL: anything goes): checks the command line, whether a scenario was
     * given and the value of each option (values[i] for options[i], NULL when absent).
     * Fails with PL_EUSAGE (d filled). */
    int (*check)(bool scenario, const char *const *values, pl_diag *d);
    /* Works out the findings into out (initialised by the caller, who calls
     * pl_findings_fini) from the loaded scenario cfg (borrowed; NULL when none was
     * given) and the option values. Fails with PL_EUSAGE, PL_EPARSE, PL_ECONFIG, PL_EIO
     * (a file of its own it cannot read), PL_ENOMEM. */
    int (*run)(const pl_config *cfg, const char *const *values, pl_findings *out, pl_diag *d);
} pl_model_command;

typedef struct pl_model {
    const char *name;
    const char *summary;
    /* Lowers the scenario cfg (borrowed), drawing random durations from rng (borrowed),
     * into *out (the caller calls pl_lowering_fini). Fails with PL_ECONFIG for what the
     * schema cannot check (the diagnostic names file, line, column and key), PL_ENOMEM. */
    int (*lower)(const pl_config *cfg, gsl_rng *rng, pl_lowering *out, pl_diag *d);
    /* Optional (NULL when the model has none): works out advice that takes further
     * simulations of variants of the lowered workload (l, with what it kept), run through
     * t, and appends it to l->figures. v (borrowed) is the run's verdict, searched before:
     * advice that a change would help is given only where v says it does. Same failures
     * as t. */
    int (*advise)(pl_lowering *l, const pl_trier *t, const pl_verdict *v, pl_diag *d);
    /* Optional (NULL when the model has none; then both are NULL): the variants of the
     * lowered scenario l, one per bounded buffer, pool or queue, each one slot deeper than
     * configured, into *out (allocated; the caller frees it) and their number into *n, in
     * a fixed order. Fails with PL_ENOMEM. */
    int (*variants)(const pl_lowering *l, pl_variant **out, size_t *n, pl_diag *d);
    /* Lowers l's run with variant i of those `variants` gave (one whose `refused` is
     * empty) into *out, a finalized graph with the same drawn durations that the caller
     * destroys. Fails with PL_ENOMEM. */
    int (*lower_variant)(const pl_lowering *l, size_t i, pl_graph **out, pl_diag *d);
    /* Optional (NULL when the model has none): fills l->tables from what the model kept,
     * the tables written beside the reports in -o DIR. Asked for only by a run that writes
     * them, since they can take as much memory as the graph. Fails with PL_ENOMEM. */
    int (*tables)(pl_lowering *l, pl_diag *d);
    /* Its own commands, ending with one whose name is NULL; NULL when it has none. */
    const pl_model_command *commands;
    /* Whether its lowering is a search that allocates and frees arrays of about the graph's
     * size again and again (the plan's list schedules and memory maps): a run then keeps the
     * memory it frees from the start of lowering, not from its end (sim/main.c). */
    bool lowering_searches;
} pl_model;

/* The model named `name`; NULL when there is none. */
const pl_model *pl_model_find(const char *name);

/* The i-th model of the table, in the table's order; NULL past the last. */
const pl_model *pl_model_at(size_t i);

/* The command named `name` of any model; NULL when there is none. */
const pl_model_command *pl_model_command_find(const char *name);

/* The schema of a whole scenario file: common keys, the machine, and every model's
 * section. */
extern const pl_key pl_scenario_keys[];

#endif
