/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * stream.h — the stream model: a chain of tasks run frame after frame on the
 * host's cores, cut into stages, as StreamPU's pipelines are.
 *
 * Each stage runs its contiguous share of the chain on one or more threads;
 * frames go to a stage's threads in turn (frame k to thread k mod r), so that
 * frames leave every stage in order. Between two stages an adaptor keeps a pool
 * of `buffer` buffers per pair of threads that exchange frames: a thread that
 * finished a frame holds it until the pool has room (back-pressure), and a
 * thread whose next frame has not arrived waits (starvation), sleeping and
 * paying a wake-up latency (passive waiting) or spinning on its core (active).
 * Threads run on the host's cores: unpinned threads share the cores of their
 * stage's type, pinned ones their own core, so more threads than cores, or
 * spinning threads, slow the others down. With core types (big and little), a
 * task may have a latency per type and each stage runs on one type.
 *
 * `stages: auto` cuts the chain with the optimal partitioner
 * (models/stream/partition.h) for the machine's cores. The baseline is the whole chain
 * on one thread, on a big core when there are any.
 */
#ifndef PL_STREAM_H
#define PL_STREAM_H

#include "models/model.h"
#include "models/stream/partition.h"

#include <stdint.h>

/* The keys under `stream`. */
extern const pl_key pl_stream_keys[];

/* The most frames, tasks in a chain and threads in a stage a scenario may have: frames
 * times tasks per frame must fit a graph, and each thread is a simulated actor. */
#define PL_STREAM_MAX_FRAMES  50000000ULL
#define PL_STREAM_MAX_TASKS   4096
#define PL_STREAM_MAX_THREADS 1024

/* The chain as the partitioner sees it: each task's mean latency per core type
 * (INFINITY where it has none), and its name; and the host's cores. */
typedef struct pl_stream_chain {
    pl_chain_task *tasks;
    const char **names; /* borrowed from the config */
    bool *sleeps;       /* per task: kind sleep, its latency spent without a core */
    uint32_t n;
    long long cores[PL_CORE_TYPES]; /* the machine's host cores per type */
    bool typed;                     /* whether the machine has core types */
    pl_host_scheduler sched;        /* how the host's cores run more threads than cores */
    double wakeup;                  /* a woken thread's latency (stream.wakeup, or the machine's) */
} pl_stream_chain;

/* Reads stream.tasks and machine.host.cores of a loaded scenario (borrowed; it must
 * outlive *out). Fails with PL_ECONFIG (a task without a latency for any core type the
 * host has, too many tasks) or PL_ENOMEM. The caller calls pl_stream_chain_fini. */
int pl_stream_chain_load(const pl_config *cfg, pl_stream_chain *out, pl_diag *d);
void pl_stream_chain_fini(pl_stream_chain *c);

/* `pipelab partition [--cores R | --cores big=B,little=L]`: the optimal partition of a
 * scenario's chain for those cores (default: the machine's), as findings. */
extern const pl_model_command pl_stream_commands[];

/* The model's entry (see pl_model.lower). */
int pl_stream_lower_scenario(const pl_config *cfg, gsl_rng *rng, pl_lowering *out, pl_diag *d);

#endif
