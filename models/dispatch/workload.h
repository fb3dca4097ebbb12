/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * workload.h — a dispatch workload loaded: its policy, its op templates and every op's
 * drawn costs, in op order; the runtime calls of ops that list them, the host threads,
 * device streams and events they name, and the step groups of a replay. Shared by
 * dispatch.c (loading ops), calls.c (loading calls, threads, streams, events, steps),
 * lower.c and lower_calls.c (lowering) and variants.c (the queues one slot deeper); not
 * part of the model's interface.
 */
#ifndef PL_DISPATCH_WORKLOAD_H
#define PL_DISPATCH_WORKLOAD_H

#include "models/dispatch/dispatch.h"
#include "models/tile/program.h"
#include "sim/config/strmap.h"

/* What a runtime call does. A blocking copy is a COPY with `blocking` set. */
enum call_kind { CALL_KERNEL, CALL_COPY, CALL_MEMSET, CALL_SYNC, CALL_RECORD, CALL_WAIT };

#define PL_DISPATCH_NO_ID UINT32_MAX

/* One entry of an op's `calls`, its times in seconds as written (before host_speed). */
struct dispatch_call {
    enum call_kind kind;
    bool blocking;      /* a copy followed by a sync of cost `sync` */
    uint32_t stream;    /* dense stream id; PL_DISPATCH_NO_ID for a sync on no stream */
    uint32_t event;     /* dense event id (record, wait, event sync) or PL_DISPATCH_NO_ID */
    uint32_t signal;    /* dense host signal id its end raises, or PL_DISPATCH_NO_ID */
    const char *name;   /* the device task's label, borrowed from the config, or NULL */
    double host, launch, work, sync;
};

struct op_template {
    const char *name; /* borrowed from the config */
    char fallback[32];
    pl_dist cost[PL_DISPATCH_STEP_COUNT];
    const char *key[PL_DISPATCH_STEP_COUNT]; /* each cost's key path, borrowed, or NULL */
    bool varies; /* some cost is random: each op of it draws its own, into pl_dispatch.cost */
    double drawn[PL_DISPATCH_STEP_COUNT]; /* when none is: the costs, drawn once */
    bool sync;
    pl_tile_program *tile; /* the kernel as a tile program, or NULL */
    uint32_t thread;       /* dense thread id */
    uint32_t stream;       /* dense stream id */
    bool has_calls;        /* the op lists its calls: first_call..+ncalls in the calls */
    uint32_t first_call, ncalls;
    double host; /* seconds of host time after its last call */
    uint32_t after; /* dense host signal id it waits for, or PL_DISPATCH_NO_ID */
};

/* A step group, or the whole op list when it is captured and has none. */
struct dispatch_step {
    const char *name; /* borrowed */
    double measured;  /* seconds; NaN when not given */
    uint64_t first, end;
    bool capture;
    const pl_node *capture_at; /* where capture was turned on, for the diagnostic */
};

struct pl_dispatch {
    pl_dispatch_mode mode;
    uint32_t threads[PL_DISPATCH_HOST_STEPS];
    long long queue_depth, stream_depth; /* PL_UNBOUNDED or >= 0 */
    int cores;
    pl_host_scheduler host_sched; /* how the host's cores run more threads than cores */
    struct op_template *templates;
    uint32_t ntemplates;
    uint64_t nops;
    uint32_t *template_of; /* per op */
    /* Per op, PL_DISPATCH_STEP_COUNT drawn costs, written for the ops of templates whose
     * costs vary only; NULL when none does. Read them with pl_dispatch_op_cost. */
    double *cost;
    bool random;
    /* What a replay needs (calls.c). */
    double host_speed, launch_latency;
    double graph_launch, graph_gap; /* seconds; NaN when not given */
    struct dispatch_call *calls;
    uint32_t ncalls, cap_calls;
    const char **thread_names; /* dense thread id -> name, borrowed; first use first */
    uint32_t nthreads, cap_threads;
    long long *stream_numbers; /* dense stream id -> stream number, ascending */
    uint32_t nstreams;
    uint32_t nevents;
    uint32_t nsignals;
    struct dispatch_step *steps; /* step groups in op order, or the captured whole list */
    uint32_t nsteps, cap_steps;
    bool step_groups; /* steps are step groups (not the captured whole list) */
    bool has_calls;   /* some op lists its calls */
    /* Loading only: names to dense ids; raw stream numbers until they are made dense. */
    pl_strmap thread_ids, event_ids, signal_ids;
};

/* Op k's PL_DISPATCH_STEP_COUNT drawn costs (seconds as written, before host_speed). */
static inline const double *pl_dispatch_op_cost(const pl_dispatch *w, uint64_t k)
{
    const struct op_template *t = &w->templates[w->template_of[k]];
    return t->varies ? &w->cost[k * PL_DISPATCH_STEP_COUNT] : t->drawn;
}

/* ---- calls.c: loading what a replay needs ---------------------------------------- */

/* Reads host_speed, launch_latency, capture's times. Fails with PL_ECONFIG. */
int pl_dispatch_read_replay_policy(const pl_config *cfg, pl_dispatch *w, pl_diag *d);
/* Checks the keys an entry may have beyond the costs: step, measured, capture on groups;
 * calls against launch, kernel, tile on ops. `in_step`: inside a step group; `repeated`:
 * inside a group of repeat > 1. Fails with PL_ECONFIG. */
int pl_dispatch_check_replay_entry(const pl_node *entry, bool group, bool in_step,
                                   bool repeated, pl_diag *d);
/* Reads a template's thread, stream, trailing host time and calls (in written order, the
 * order of first appearance in op order), checking every event it names. Fails with
 * PL_ECONFIG, PL_ENOMEM. */
int pl_dispatch_read_op(pl_dispatch *w, const pl_node *entry, struct op_template *t,
                        pl_diag *d);
/* Records a step group of ops [first, end). Fails with PL_ENOMEM. */
int pl_dispatch_add_step(pl_dispatch *w, const pl_config *cfg, const pl_node *group,
                         uint64_t first, uint64_t end, pl_diag *d);
/* After every op is read: stream numbers made dense ids, the captured whole list made a
 * step, capture's times checked. Fails with PL_ECONFIG, PL_ENOMEM. */
int pl_dispatch_finish_load(pl_dispatch *w, const pl_config *cfg, pl_diag *d);
/* Frees what calls.c allocated. */
void pl_dispatch_free_replay(pl_dispatch *w);
/* Fills l->replay from the step groups and dispatch.replay. Fails with PL_ENOMEM. */
int pl_dispatch_fill_replay(const pl_dispatch *w, const pl_config *cfg, pl_replay *r);

#endif
