/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * session.h — one scenario taken from file to report: load and validate the
 * config, lower it with its model (the run and its baseline, from the same
 * drawn durations), simulate both, read metrics and bounds, measure a replay's run as
 * its trace was (when the model lowered an imported trace: sim/measure/replay.h), search
 * the run's verdict (simulating changes of it, sim/study/verdict_search.h) and let the
 * model advise (simulating variants of the scenario when it asks).
 */
#ifndef PL_SESSION_H
#define PL_SESSION_H

#include "sim/config/config.h"
#include "sim/report/report.h"

typedef struct pl_session pl_session;

/* Loads the scenario (see pl_config_load for sets and failures). The caller frees
 * *out with pl_session_destroy. */
int pl_session_open(const char *scenario, const char *const *sets, size_t nsets,
                    pl_session **out, pl_diag *d);
void pl_session_destroy(pl_session *s);

const pl_config *pl_session_config(const pl_session *s);

/* Leaves out the verdict and the advice a model works out by simulating variants of the
 * scenario (the tile model's buffer depths): faster, for sweeps and tests; the report's
 * verdict is then NULL. Call before pl_session_run. */
void pl_session_skip_advice(pl_session *s);

/* Simulates the run and its baseline one after the other rather than at once: for callers
 * that already run several sessions side by side (sweeps). Call before pl_session_run. */
void pl_session_one_at_a_time(pl_session *s);

/* Whether the scenario's model lowers by a search (pl_model.lowering_searches). */
bool pl_session_lowering_searches(const pl_session *s);

/* Lowers the scenario with its model without simulating it, so that its task graph can be
 * read (pl_session_graph); pl_session_run then goes on from there. Fails with the model's
 * PL_ECONFIG or PL_ENOMEM. */
int pl_session_lower(pl_session *s, pl_diag *d);

/* The run's task graph once the session is lowered, else NULL; borrowed. */
const pl_graph *pl_session_graph(const pl_session *s);
/* The baseline's task graph once lowered; NULL before, or when the run is its own
 * baseline. Borrowed. */
const pl_graph *pl_session_baseline_graph(const pl_session *s);

/* Lowers (unless pl_session_lower did), simulates (the run and its baseline at once, each in a child process),
 * and measures. Fails with the model's PL_ECONFIG, PL_EDEADLOCK, PL_ECHILD, PL_ENOMEM. */
int pl_session_run(pl_session *s, pl_diag *d);

/* The report of a session that ran; borrowed from the session. */
const pl_report *pl_session_report(const pl_session *s);

/* Tasks simulated (run and baseline together). */
uint64_t pl_session_tasks(const pl_session *s);

/* Wall-clock seconds a session that ran spent in each step, for --timing and the
 * benchmarks (never in a report). */
typedef struct pl_session_times {
    double lower;    /* the model's lowering: drawing durations, building both graphs */
    double execute;  /* the engines: checks, the analytic pass or SimGrid children */
    double measure;  /* metrics and bounds of both runs (and a replay's measure) */
    double advise;   /* the verdict (simulated changes of the run) and the model's advice */
    double verdict;  /* of advise: the verdict */
    double advice;   /* of advise: the model's advice (its trials), which reads the verdict */
} pl_session_times;

pl_session_times pl_session_timing(const pl_session *s);

/* Has the model make its tables (pl_lowering.tables, in the report's `tables`) for a run
 * that writes them: the report has none until then. Returns 0 (also for a model without
 * tables), or the model's failure. */
int pl_session_tables(pl_session *s, pl_diag *d);

#endif
