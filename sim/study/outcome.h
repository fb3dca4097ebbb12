/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * outcome.h — the figures of one simulated scenario that sweeps, replications
 * and sensitivity studies collect: makespan, throughput, speedup, bound,
 * efficiency, and each unit's utilization and bubble time; or, when it could not
 * run, why.
 *
 * An outcome is worked out in a child process (pool.h) and sent to the parent as
 * a few lines of text that keep every double exact and every name whole, so that collecting results
 * in any order, from any number of children, gives the same numbers.
 */
#ifndef PL_OUTCOME_H
#define PL_OUTCOME_H

#include "sim/common/error.h"
#include "sim/common/pool.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* X(NAME, word written in results) */
#define PL_OUTCOME_STATUSES(X)                                                                     \
    X(OK, "ok")               /* simulated */                                                      \
    X(BAD_INPUT, "bad-input") /* the scenario or a value was refused */                            \
    X(DEADLOCK, "deadlock")   /* the model cannot finish */                                        \
    X(CRASHED, "crashed")     /* a process died of a signal */                                     \
    X(FAILED, "failed")       /* any other failure (out of memory, engine) */

typedef enum pl_outcome_status {
#define PL_OUTCOME_ENUM(name, word) PL_OUTCOME_##name,
    PL_OUTCOME_STATUSES(PL_OUTCOME_ENUM)
#undef PL_OUTCOME_ENUM
} pl_outcome_status;

/* The word for a status ("bad-input"). */
const char *pl_outcome_status_word(pl_outcome_status s);

typedef struct pl_outcome_unit {
    char *name;    /* owned */
    double util;   /* busy / makespan */
    double bubble; /* idle time between its tasks, seconds */
} pl_outcome_unit;

/* One scenario's figures. The caller provides the storage: pl_outcome_init, then
 * pl_outcome_fini. Only status, seed and message are set when status is not OK. */
typedef struct pl_outcome {
    pl_outcome_status status;
    unsigned long long seed; /* as loaded; 0 when the scenario could not be loaded */
    double makespan, throughput, speedup, bound, efficiency;
    /* The verdict (sim/measure/verdict.h), when it was searched (advised): its bottleneck
     * as "KIND NAME" ("buffer t", "unit core0.VECTOR"; candidates that tie joined with
     * " + "), "" when no change tried gains anything; and the makespan its change saves,
     * in seconds (0 when none gains). bottleneck is owned; NULL when not advised. */
    bool advised;
    char *bottleneck;
    double bottleneck_gain;
    size_t nunits;
    pl_outcome_unit *units; /* the run's units in graph order; owned */
    char message[PL_DIAG_MAX];
} pl_outcome;

void pl_outcome_init(pl_outcome *o);
void pl_outcome_fini(pl_outcome *o);

/* Loads the scenario once, to check it before any child runs it, and reads its seed into
 * *seed. Fails as pl_config_load does. */
int pl_outcome_check(const char *scenario, const char *const *sets, size_t nsets,
                     unsigned long long *seed, pl_diag *d);

/* The whole of a pool job (pool.h) that runs one scenario: loads it with `sets` followed
 * by `more` (both borrowed), simulates it and its baseline one after the other,
 * without a model's advice (or, when !simulate, only lowers it, and the outcome holds just
 * the unit names: the units a simulation would report), and writes the outcome to out. A
 * scenario that cannot run is an outcome, not an error: its status and message say why. Returns the
 * child's exit status: 0, or 3 when out of memory or the outcome could not be written. */
int pl_outcome_job(const char *scenario, const char *const *sets, size_t nsets,
                   const char *const *more, size_t nmore, bool simulate, FILE *out);

/* pl_outcome_job that simulates with the verdict search (sim/study/verdict_search.h) and
 * the model's advice, for sweeps and replications asked for them (--advice): the outcome
 * is advised and names the bottleneck. Returns as pl_outcome_job. */
int pl_outcome_job_advised(const char *scenario, const char *const *sets, size_t nsets,
                           const char *const *more, size_t nmore, FILE *out);

/* Writes o as text that pl_outcome_read reads back exactly. Returns 0 or PL_EIO. */
int pl_outcome_write(const pl_outcome *o, FILE *out);

/* Reads text from pl_outcome_write into o (initialised, with no units). Returns 0, PL_EPARSE
 * when the text is malformed, cut short or followed by more (d names the byte; o may then
 * hold part of it, which pl_outcome_fini frees), or PL_ENOMEM. */
int pl_outcome_read(const char *text, size_t len, pl_outcome *o, pl_diag *d);

/* Reads what a child wrote about its job: text from pl_outcome_write, or, when the child
 * died or wrote nothing whole, a CRASHED or FAILED outcome saying so (`what` names the
 * job in that message, e.g. "point 12"). Returns 0 or PL_ENOMEM. */
int pl_outcome_from_child(const pl_pool_result *res, const char *what, pl_outcome *o);

/* The unit of o named `name`; NULL when o has none. */
const pl_outcome_unit *pl_outcome_unit_named(const pl_outcome *o, const char *name);

/* The outcomes of out[0 .. n) that did not run. With `sides`, outcome i is side A's (i
 * even) or side B's (i odd), as a paired comparison runs them. pl_outcome_print_failed
 * writes a line each, "seed S: status: message" ("B, seed S: ..." with sides), after a
 * heading, and returns how many; pl_outcome_failed_json gives them as an array of {seed,
 * status, message} (and side), NULL when out of memory. */
size_t pl_outcome_print_failed(const pl_outcome *out, size_t n, bool sides, FILE *f);
struct json_t;
struct json_t *pl_outcome_failed_json(const pl_outcome *out, size_t n, bool sides);

#endif
