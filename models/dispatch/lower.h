/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lower.h — the state of one lowering of a dispatch workload, shared by
 * models/dispatch/lower.c (units, ops written with their four costs, queues) and
 * models/dispatch/lower_calls.c (ops written as runtime calls, captured graphs); not part
 * of the model's interface.
 *
 * Everything is lowered in op order, so each table below says what holds "so far": the
 * last device task of each stream, the task each event was recorded after, the waits a
 * stream's next device task must honour. Each op costs time in its own calls only.
 */
#ifndef PL_DISPATCH_LOWER_H
#define PL_DISPATCH_LOWER_H

#include "models/dispatch/workload.h"
#include "models/tile/tile.h"

#define PL_NONE UINT32_MAX

/* A recorded host thread: its units (one thread in serial mode, a pool per host step in
 * pipelined mode) and the ops it has dispatched so far, outside captured graphs. */
struct lower_thread {
    uint32_t npool[PL_DISPATCH_HOST_STEPS];
    uint32_t *pool[PL_DISPATCH_HOST_STEPS];
    uint64_t *ops, nops; /* ops: only when the queues between host steps are bounded */
    uint32_t last_sync; /* pipelined: the last sync task of its previous op, or PL_NONE */
};

struct lower_stream {
    uint32_t unit;
    uint32_t *tasks; /* its device tasks so far, in order; only when stream_depth is bounded */
    uint64_t ntasks;
    uint32_t last;   /* the task whose end ends its latest device work, or PL_NONE */
    uint32_t *waits; /* tasks its next device task must wait for (STREAM edges) */
    uint32_t nwaits, cap_waits;
    uint32_t region; /* the captured region that last put a device task here, + 1 */
};

struct lowering {
    const pl_dispatch *w;
    pl_dispatch_mode mode;
    pl_graph *g;
    uint32_t *labels; /* graph label per template */
    struct lower_thread *threads;
    struct lower_stream *streams;
    uint32_t *event_task;                   /* per event: recorded after, or PL_NONE */
    uint32_t *signal_task;                  /* per host signal: the task whose end raises it,
                                               or PL_NONE */
    /* Each op's first task of each step, read through pl_dispatch_op_task: per op when
     * keep_ops, else the op being lowered only. One block, which task[0] owns. */
    uint32_t *task[PL_DISPATCH_STEP_COUNT];
    bool keep_ops;
    pl_tile_site *site;   /* the device's cores, when some kernel is a tile program */
    /* The captured region being lowered: its first op's thread, its graph launch's unit
     * and task, the cost of its last sync (NaN: none yet). */
    uint32_t region_thread, region_unit, region_launch;
    double region_sync;
};

/* Op k's first task of step s (PL_DISPATCH_INFER ... PL_DISPATCH_KERNEL), where it is kept:
 * any op's when lw->keep_ops, else the op being lowered's. */
static inline uint32_t *pl_dispatch_op_task(struct lowering *lw, int s, uint64_t k)
{
    return &lw->task[s][lw->keep_ops ? k : 0];
}

/* A host duration as simulated: divided by dispatch.host_speed (a speed of 1, the default,
 * divides by nothing: x / 1 is x exactly). */
static inline double pl_dispatch_host(const struct lowering *lw, double seconds)
{
    double speed = lw->w->host_speed;
    return speed == 1 ? seconds : seconds / speed;
}

/* The unit of thread th's pool for host step s that takes the thread's op number ord:
 * the pool's threads take ops in turn. */
static inline uint32_t pl_dispatch_pool_unit(const struct lower_thread *th, int s, uint64_t ord)
{
    return th->npool[s] == 1 ? th->pool[s][0] : th->pool[s][ord % th->npool[s]];
}

/* ---- lower.c ------------------------------------------------------------------------ */

/* Adds a device task of `work` on dense stream s, issued by `issuer` (ISSUE edge), waiting
 * for the stream's pending waits (STREAM edges); its index among the stream's tasks goes
 * to *n when n is not NULL. Returns 0 or PL_ENOMEM. */
int pl_dispatch_device_task(struct lowering *lw, uint32_t s, double work, uint32_t label,
                            uint64_t k, uint32_t issuer, uint32_t *task, uint64_t *n);
/* The SLOT edge that makes `target` wait while stream s holds stream_depth kernels
 * launched before its n-th, from a thread with p launch threads. Returns 0 or PL_ENOMEM. */
int pl_dispatch_stream_slot(struct lowering *lw, uint32_t s, uint64_t n, uint64_t p,
                            uint32_t target);

/* Op k's kernel (written as a time or a tile program) on its stream, issued by `issuer`
 * (its Launch, or a captured graph's launch) with `gap` more work (a captured graph's);
 * its index among the stream's tasks into *n. Returns 0 or PL_ENOMEM. */
int pl_dispatch_lower_kernel(struct lowering *lw, uint64_t k, uint32_t issuer, double gap,
                             uint64_t *n);

/* ---- lower_calls.c -------------------------------------------------------------------- */

/* Lowers op k, written as runtime calls, outside any captured graph; serial mode on
 * thread unit `unit`, pipelined mode on the thread's pools at ordinal `ord`. Returns 0
 * or PL_ENOMEM. */
int pl_dispatch_lower_calls(struct lowering *lw, uint64_t k, uint64_t ord);
/* Lowers op k inside the captured region `region` (an index of w->steps): its first op
 * adds the graph launch, each op its device tasks, the last op the region's sync. Returns
 * 0 or PL_ENOMEM. */
int pl_dispatch_lower_captured(struct lowering *lw, uint32_t region, uint64_t k);
/* Host signal e (PL_DISPATCH_NO_ID: none) is raised by the end of `task`. */
void pl_dispatch_signal(struct lowering *lw, uint32_t e, uint32_t task);
/* Records in the lowering that event e is recorded now on stream s, or that stream s waits
 * for event e: record true or false. Returns 0 or PL_ENOMEM. */
int pl_dispatch_event(struct lowering *lw, uint32_t e, uint32_t s, bool record);

#endif
