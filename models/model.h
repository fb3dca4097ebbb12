/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * model.h — what every pipeline model gives the front end: its name, and a
 * lowering of a loaded scenario into the task graph to simulate and the graph
 * of its baseline (the non-pipelined way of doing the same work).
 *
 * Models see the config, GSL and the graph API; never SimGrid, never argv.
 */
#ifndef PL_MODEL_H
#define PL_MODEL_H

#include "sim/config/config.h"
#include "sim/common/error.h"
#include "sim/measure/figure.h"
#include "sim/graph/graph.h"
#include "sim/config/keys.h"

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
    pl_attachments files;      /* tables the model writes beside the reports in -o DIR */
    double predicted;          /* the makespan the model predicts for the run (the plan's);
                                  0 when it predicts none */
    /* What the model keeps for its advice (its loaded workload), freed by kept_free. */
    void *kept;
    void (*kept_free)(void *kept);
} pl_lowering;

/* Frees both graphs, the figures and what the model kept. */
void pl_lowering_fini(pl_lowering *l);

/* What simulating a trial graph gave: its makespan and its analytic bound. */
typedef struct pl_trial {
    double makespan;
    double bound;
} pl_trial;

/* The front end's offer to a model that advises: simulate n finalized graphs (borrowed)
 * and fill out[i] for each. Fails with the runner's errors (PL_EDEADLOCK, PL_ECHILD,
 * PL_ENOMEM...). */
typedef struct pl_trier {
    int (*simulate)(void *ctx, const pl_graph *const *graphs, size_t n, pl_trial *out,
                    pl_diag *d);
    void *ctx;
} pl_trier;

typedef struct pl_model {
    const char *name;
    const char *summary;
    /* Lowers the scenario cfg (borrowed), drawing random durations from rng (borrowed),
     * into *out (the caller calls pl_lowering_fini). Fails with PL_ECONFIG for what the
     * schema cannot check (the diagnostic names file, line, column and key), PL_ENOMEM. */
    int (*lower)(const pl_config *cfg, gsl_rng *rng, pl_lowering *out, pl_diag *d);
    /* Optional (NULL when the model has none): works out advice that takes further
     * simulations of variants of the lowered workload (l, with what it kept), run through
     * t, and appends it to l->figures. Same failures as t. */
    int (*advise)(pl_lowering *l, const pl_trier *t, pl_diag *d);
} pl_model;

/* The model named `name`; NULL when there is none. */
const pl_model *pl_model_find(const char *name);

/* The schema of a whole scenario file: common keys, the machine, and every model's
 * section. */
extern const pl_key pl_scenario_keys[];

#endif
