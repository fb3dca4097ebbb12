/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * replay.h — a run that replays a measured trace, measured beside what the trace
 * measured: each step's duration, the device's busy time, and the device's idle time
 * by cause.
 *
 * A model that lowers an imported scenario describes its steps (pl_replay, owned by the
 * lowering); after the run, pl_replay_measure reads the run's graph and timeline. A step
 * is a range of the graph's items (the ops of one ProfilerStep#N). Nothing here knows
 * which model or which profiler.
 */
#ifndef PL_REPLAY_H
#define PL_REPLAY_H

#include "sim/common/error.h"
#include "sim/graph/graph.h"
#include "sim/graph/timeline.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why the device sat idle. X(NAME, key in JSON, what it waited for) */
#define PL_IDLE_CAUSES(X)                                                                   \
    X(HOST, "host", "starved by host: no kernel launched yet")                             \
    X(SYNC, "sync", "waiting for a sync: the host was blocked on the device")             \
    X(STREAM, "stream", "waiting on another stream")                                       \
    X(OTHER, "other", "other")
typedef enum pl_idle_cause {
#define PL_IDLE_CAUSE_ENUM(name, key, help) PL_IDLE_##name,
    PL_IDLE_CAUSES(PL_IDLE_CAUSE_ENUM)
#undef PL_IDLE_CAUSE_ENUM
        PL_IDLE_CAUSE_COUNT
} pl_idle_cause;
const char *pl_idle_cause_key(pl_idle_cause c);  /* "host" */
const char *pl_idle_cause_help(pl_idle_cause c); /* "starved by host: ..." */

typedef struct pl_replay_step {
    char *name;         /* as the trace names it: "ProfilerStep#1009" (owned) */
    double measured;    /* seconds, from the trace; NaN when not known */
    uint64_t first, end; /* the step's items: [first, end) */
    bool host_span;     /* true: the step lasts from the first start to the last end of its
                           tasks on host places (a step marker is a host span); false: of all
                           its tasks */
} pl_replay_step;

/* What the trace measured; zero-initialised is "not a replay". Owns its strings. */
typedef struct pl_replay {
    char *source;            /* the trace, as imported: "a100_training_steps.json.gz" */
    pl_replay_step *steps;   /* in order */
    size_t nsteps;
    double device_busy;      /* seconds: union of device activity over the steps; NaN when
                                not known */
} pl_replay;

/* Appends a step (name copied). Returns 0 or PL_ENOMEM. */
int pl_replay_add_step(pl_replay *r, const char *name, double measured, uint64_t first,
                       uint64_t end, bool host_span);
/* Sets the source (copied). Returns 0 or PL_ENOMEM. */
int pl_replay_set_source(pl_replay *r, const char *source);
void pl_replay_fini(pl_replay *r);

/* The run measured as the trace was. Owns its array. */
typedef struct pl_replay_result {
    double *simulated;   /* per step, seconds */
    double device_busy;  /* union over time of every task on a device place whose item is
                            in a step */
    double device_idle[PL_IDLE_CAUSE_COUNT]; /* within the steps' spans, by cause */
} pl_replay_result;

/* Measures run graph g's timeline t as r describes. Returns 0 or PL_ENOMEM. */
int pl_replay_measure(const pl_graph *g, const pl_timeline *t, const pl_replay *r,
                      pl_replay_result *out);
void pl_replay_result_fini(pl_replay_result *res);

#endif
