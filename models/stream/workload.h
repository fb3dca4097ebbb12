/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * workload.h — a stream scenario loaded: the chain, its stages (as
 * configured or as the partitioner cut them), the policy, and every frame's
 * drawn time in each stage and on the baseline thread, so that the run and its
 * baseline see the same numbers. Shared by stream.c (loading, figures) and
 * models/stream/lower.c (the graphs); not part of the model's interface.
 */
#ifndef PL_STREAM_WORKLOAD_H
#define PL_STREAM_WORKLOAD_H

#include "models/stream/stream.h"

typedef enum pl_stream_pinning { PL_PIN_NONE, PL_PIN_PACKED, PL_PIN_STAGES } pl_stream_pinning;

typedef struct pl_stream_stage {
    uint32_t first, tasks, threads;
    pl_core_type type;
    long long buffer; /* the pool after it: PL_UNBOUNDED or >= 0 (unused for the last) */
    uint32_t *cores;  /* PL_PIN_STAGES: the cores its threads take in turn */
    uint32_t ncores;
    bool stateful;
    double mean; /* one frame's mean time in the stage's tasks on its type */
    char name[96];
} pl_stream_stage;

typedef struct pl_stream {
    pl_stream_chain chain;
    pl_dist (*dist)[PL_CORE_TYPES]; /* per task; kind FIXED with INFINITY where it has none */
    pl_stream_stage *stages;
    uint32_t nstages;
    bool automatic; /* stages: auto */
    uint64_t frames;
    pl_wait_kind waiting;
    double wakeup, adaptor;
    double handover; /* the least time between two frames through one pair of threads of
                        a pool, from push to push (stream.handover); 0: none */
    pl_stream_pinning pinning;
    pl_core_type base_type; /* where the baseline thread runs */
    double *work;           /* frames x nstages: frame k's time in stage s at [k * nstages + s] */
    double *base;           /* per frame: its time on the baseline thread */
    double *slept;          /* like work: the part of it its sleeping tasks take; NULL when
                               no task sleeps (kind: sleep) */
    double *base_slept;     /* like base, likewise */
    bool random;
} pl_stream;

/* The pairs of threads that exchange frames through the pool after stage s (of m threads,
 * to n): lcm(m, n), frame k travelling through pair k mod lcm(m, n). */
uint64_t pl_stream_pool_pairs(const pl_stream *w, uint32_t s);

/* The tasks of one frame in the run: each stage's work, a pull and a push per pool where
 * they cost time, and a hand-over per pool with a handover time. */
uint64_t pl_stream_tasks_per_frame(const pl_stream *w);

/* Lowers the workload: the stages as loaded, or (baseline) the whole chain on one thread.
 * A finalized graph the caller destroys. Returns 0 or PL_ENOMEM. */
int pl_stream_lower(const pl_stream *w, bool baseline, pl_graph **out);

/* The stage analysis: each stage's load, the predicted period and its bottleneck, and
 * how the stages were chosen. Returns 0 or PL_ENOMEM. */
int pl_stream_figures(const pl_stream *w, pl_figures *out);

#endif
