/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dispatch.h — the host dispatch model (MindSpore's multi-level runtime
 * pipeline): each op's InferShape, Resize and Launch run on the host, then its
 * kernel runs on an in-order device stream.
 *
 * Serial mode (the baseline): one thread does InferShape, Resize and Launch of
 * op i, then moves to op i+1. Pipelined mode: one thread pool per step with a
 * bounded queue between steps; a pool of several threads takes ops round-robin.
 * An op marked `sync` waits, before its InferShape, for the device to finish the
 * previous kernel on its stream (a dynamic shape the host must read back).
 *
 * A replayed trace (docs/replay.md) writes ops as their runtime calls (launches, copies,
 * memsets, syncs, event records and waits) on named host threads and numbered device
 * streams, each stream in op order; `host_speed`, `launch_latency` and `capture` change
 * how they run, and step groups say which ops make each measured step (pl_lowering.replay).
 */
#ifndef PL_DISPATCH_H
#define PL_DISPATCH_H

#include "models/model.h"

#include <stdint.h>

/* The keys under `dispatch`. */
extern const pl_key pl_dispatch_keys[];

/* The three host steps and the device kernel, in the order an op goes through them.
 * X(NAME, key in the scenario, unit name suffix) */
#define PL_DISPATCH_STEPS(X)                                                           \
    X(INFER, "infer", "infer")                                                     \
    X(RESIZE, "resize", "resize")                                                  \
    X(LAUNCH, "launch", "launch")                                                  \
    X(KERNEL, "kernel", "stream")

typedef enum pl_dispatch_step {
#define PL_DISPATCH_STEP_ENUM(name, key, unit) PL_DISPATCH_##name,
    PL_DISPATCH_STEPS(PL_DISPATCH_STEP_ENUM)
#undef PL_DISPATCH_STEP_ENUM
        PL_DISPATCH_STEP_COUNT
} pl_dispatch_step;

#define PL_DISPATCH_HOST_STEPS PL_DISPATCH_KERNEL

typedef enum pl_dispatch_mode { PL_DISPATCH_SERIAL, PL_DISPATCH_PIPELINED } pl_dispatch_mode;

/* The most ops a scenario may expand to: four tasks each must fit in memory. */
#define PL_DISPATCH_MAX_OPS 25000000ULL
/* The most threads one host step may have: each is a simulated actor, and a runtime's
 * dispatch pools are a few threads. */
#define PL_DISPATCH_MAX_THREADS 1024

/* A dispatch workload with every op expanded (repeats unrolled) and every duration
 * drawn; the run and its baseline are lowered from the same one. */
typedef struct pl_dispatch pl_dispatch;

/* Reads the `dispatch` section of a loaded scenario, expanding repeats in program order
 * and drawing each op's durations (infer, resize, launch, kernel, op after op) from rng.
 * Fails with PL_ECONFIG (an op with missing costs, a group with costs, too many ops or
 * threads, a tile kernel the tile model refuses, more than PL_TILE_MAX_TASKS tile tasks in
 * all: each kernel's tiles x steps times the runs of its op, checked before any is drawn;
 * an op with calls and launch, kernel or tile; a call doing none or two things; an event
 * waited for before it is recorded, a signal waited for before it is raised or raised
 * twice; a misplaced step group, `measured` or `capture`; a captured graph without
 * graph_launch or graph_gap), PL_ENOMEM. The caller frees *out with pl_dispatch_destroy. */
int pl_dispatch_load(const pl_config *cfg, gsl_rng *rng, pl_dispatch **out, pl_diag *d);
void pl_dispatch_destroy(pl_dispatch *w);

uint64_t pl_dispatch_op_count(const pl_dispatch *w);
/* Whether any duration of the workload is random. */
bool pl_dispatch_random(const pl_dispatch *w);

/* Lowers the workload in the given mode into a finalized graph the caller destroys.
 * Returns 0 or PL_ENOMEM. */
int pl_dispatch_lower(const pl_dispatch *w, pl_dispatch_mode mode, pl_graph **out);

/* The model's entry (see pl_model.lower); l->kept is the loaded workload, which borrows
 * the config's strings (the config must outlive the lowering). */
int pl_dispatch_lower_scenario(const pl_config *cfg, gsl_rng *rng, pl_lowering *out, pl_diag *d);

#endif
