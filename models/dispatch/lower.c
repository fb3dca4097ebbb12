/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lower.c — the dispatch workload's two lowerings (serial and pipelined).
 *
 * Lowering adds, per op, its InferShape, Resize and Launch tasks on host threads
 * and its kernel on its device stream, in op order, so every edge points to an
 * earlier task. A bounded queue of depth b between a producer pool of p threads
 * and its consumer is a slot edge: the producer thread's next task (op k + p)
 * waits until the consumer has taken op k - b off the queue (the start of that
 * consumer task), which is when op k could be pushed. With p = 1 this is exactly
 * blocking after service (Y. Dallery and S. B. Gershwin, "Manufacturing flow line
 * systems: a review of models and analytical results", Queueing Systems 12, 1992).
 *
 * Each recorded host thread has its own units and counts its own ops for the queues;
 * each stream counts its own device tasks for stream_depth. With one thread and one
 * stream (every scenario written before threads and streams) that is the op index, and
 * the graph is the one it always was. Ops written as runtime calls and captured graphs
 * are lowered in lower_calls.c.
 */
#include "models/dispatch/lower.h"
#include "sim/common/array.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const step_units[] = {
#define PL_DISPATCH_STEP_UNIT(name, key, unit) unit,
    PL_DISPATCH_STEPS(PL_DISPATCH_STEP_UNIT)
#undef PL_DISPATCH_STEP_UNIT
};

/* ---- Units ------------------------------------------------------------------------ */

static int add_pool(struct lowering *lw, uint32_t **units, uint32_t n, uint32_t place,
                    const char *prefix, const char *suffix)
{
    *units = malloc(n * sizeof **units);
    if (!*units)
        return PL_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        char name[256];
        if (n == 1)
            snprintf(name, sizeof name, "%s.%s", prefix, suffix);
        else
            snprintf(name, sizeof name, "%s.%s.%u", prefix, suffix, i);
        int rc = pl_graph_add_unit(lw->g, name, place, &(*units)[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Serial mode: a unit per recorded thread (host.dispatch when there is one) for all three
 * host steps. Pipelined mode: a pool per host step and recorded thread (host.infer... when
 * there is one thread, host.THREAD.infer... otherwise). */
static int add_thread_units(struct lowering *lw, uint32_t th, uint32_t host)
{
    const pl_dispatch *w = lw->w;
    struct lower_thread *t = &lw->threads[th];
    t->last_sync = PL_NONE;
    char prefix[192];
    if (w->nthreads == 1)
        snprintf(prefix, sizeof prefix, "host");
    else
        snprintf(prefix, sizeof prefix, "host.%s", w->thread_names[th]);
    if (lw->mode == PL_DISPATCH_PIPELINED) {
        int rc = 0;
        for (int s = 0; s < PL_DISPATCH_HOST_STEPS && rc == 0; s++) {
            t->npool[s] = w->threads[s];
            rc = add_pool(lw, &t->pool[s], t->npool[s], host, prefix, step_units[s]);
        }
        return rc;
    }
    uint32_t unit = 0;
    int rc = w->nthreads == 1 ? pl_graph_add_unit(lw->g, "host.dispatch", host, &unit)
                              : pl_graph_add_unit(lw->g, prefix, host, &unit);
    for (int s = 0; s < PL_DISPATCH_HOST_STEPS && rc == 0; s++) {
        t->npool[s] = 1;
        t->pool[s] = malloc(sizeof *t->pool[s]);
        if (!t->pool[s])
            return PL_ENOMEM;
        t->pool[s][0] = unit;
    }
    return rc;
}

/* device.stream when stream 0 is the only one, device.streamN for each otherwise; a
 * stream idle when a task is released starts it launch_latency later. */
static int add_stream_units(struct lowering *lw, uint32_t device)
{
    const pl_dispatch *w = lw->w;
    for (uint32_t s = 0; s < w->nstreams; s++) {
        char name[64];
        if (w->nstreams == 1 && w->stream_numbers[0] == 0)
            snprintf(name, sizeof name, "device.stream");
        else
            snprintf(name, sizeof name, "device.stream%lld", w->stream_numbers[s]);
        struct lower_stream *st = &lw->streams[s];
        st->last = PL_NONE;
        int rc = pl_graph_add_unit(lw->g, name, device, &st->unit);
        if (rc == 0 && w->launch_latency > 0)
            rc = pl_graph_set_unit_wait(lw->g, st->unit, PL_WAIT_PASSIVE, w->launch_latency);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int add_units(struct lowering *lw)
{
    const pl_dispatch *w = lw->w;
    uint32_t host, device;
    int rc = pl_graph_add_place(lw->g, "host", PL_PLACE_HOST, w->cores, &host);
    if (rc == 0)
        rc = pl_graph_set_place_scheduler(lw->g, host, w->host_sched);
    if (rc == 0)
        rc = pl_graph_add_place(lw->g, "device", PL_PLACE_DEVICE, 1, &device);
    lw->threads = calloc(w->nthreads, sizeof *lw->threads);
    lw->streams = calloc(w->nstreams, sizeof *lw->streams);
    if (!lw->threads || !lw->streams)
        return PL_ENOMEM;
    for (uint32_t th = 0; th < w->nthreads && rc == 0; th++)
        rc = add_thread_units(lw, th, host);
    return rc == 0 ? add_stream_units(lw, device) : rc;
}

static int add_labels(struct lowering *lw)
{
    lw->labels = malloc(((size_t)lw->w->ntemplates + 1) * sizeof *lw->labels);
    if (!lw->labels)
        return PL_ENOMEM;
    for (uint32_t t = 0; t < lw->w->ntemplates; t++) {
        int rc = pl_graph_add_label(lw->g, lw->w->templates[t].name, &lw->labels[t]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- Device tasks ------------------------------------------------------------------- */

int pl_dispatch_device_task(struct lowering *lw, uint32_t s, double work, uint32_t label,
                            uint64_t k, uint32_t issuer, uint32_t *task, uint64_t *n)
{
    struct lower_stream *st = &lw->streams[s];
    int rc = pl_graph_add_task(lw->g, st->unit, work, label, (uint32_t)k, task);
    if (rc == 0 && issuer != PL_NONE)
        rc = pl_graph_add_edge(lw->g, issuer, *task, PL_EDGE_ISSUE, PL_AT_END);
    for (uint32_t i = 0; i < st->nwaits && rc == 0; i++)
        rc = pl_graph_add_edge(lw->g, st->waits[i], *task, PL_EDGE_STREAM, PL_AT_END);
    st->nwaits = 0;
    if (n)
        *n = st->ntasks;
    if (st->tasks)
        st->tasks[st->ntasks] = *task;
    st->ntasks++;
    st->last = *task;
    return rc;
}

int pl_dispatch_stream_slot(struct lowering *lw, uint32_t s, uint64_t n, uint64_t p,
                            uint32_t target)
{
    long long depth = lw->w->stream_depth;
    if (depth == PL_UNBOUNDED || n < p + (uint64_t)depth)
        return 0;
    return pl_graph_add_edge(lw->g, lw->streams[s].tasks[n - p - (uint64_t)depth], target,
                             PL_EDGE_SLOT, PL_AT_START);
}

/* ---- Ops written with their four costs ------------------------------------------------ */

/* Op k's kernel is a tile program: its task on the device stream (no work) issues the
 * program on the cores, and a second one (no work either) waits for every pipe to finish
 * it, so that the stream runs the next kernel only after this one, in order. */
static int add_tile_kernel(struct lowering *lw, uint64_t k)
{
    const pl_dispatch *w = lw->w;
    uint32_t tpl = w->template_of[k];
    struct lower_stream *st = &lw->streams[w->templates[tpl].stream];
    pl_tile_ends ends = {0};
    uint32_t end = PL_NONE;
    int rc = pl_tile_lower_kernel(lw->site, w->templates[tpl].tile, PL_TILE_PIPELINED, (uint32_t)k,
                                  &ends);
    for (uint32_t i = 0; i < ends.n && rc == 0; i++)
        rc = pl_graph_add_edge(lw->g, *pl_dispatch_op_task(lw, PL_DISPATCH_KERNEL, k),
                               ends.first[i], PL_EDGE_ISSUE, PL_AT_END);
    if (rc == 0)
        rc = pl_graph_add_task(lw->g, st->unit, 0, lw->labels[tpl], (uint32_t)k, &end);
    for (uint32_t i = 0; i < ends.n && rc == 0; i++)
        rc = pl_graph_add_edge(lw->g, ends.last[i], end, PL_EDGE_DATA, PL_AT_END);
    st->last = end;
    pl_tile_ends_fini(&ends);
    return rc;
}

int pl_dispatch_lower_kernel(struct lowering *lw, uint64_t k, uint32_t issuer, double gap,
                             uint64_t *n)
{
    const pl_dispatch *w = lw->w;
    uint32_t tpl = w->template_of[k];
    int rc = pl_dispatch_device_task(lw, w->templates[tpl].stream,
                                     pl_dispatch_op_cost(w, k)[PL_DISPATCH_KERNEL] + gap,
                                     lw->labels[tpl], k, issuer,
                                     pl_dispatch_op_task(lw, PL_DISPATCH_KERNEL, k), n);
    if (rc == 0 && w->templates[tpl].tile)
        rc = add_tile_kernel(lw, k);
    return rc;
}

/* Op k on its thread's units at ordinal ord: InferShape, Resize, Launch, then its kernel;
 * a `sync` op's InferShape waits for the last device work so far on its stream; the stream's
 * queue holds Launch (pipelined) or the next op (serial). */
static int add_op(struct lowering *lw, uint64_t k, uint64_t ord)
{
    const pl_dispatch *w = lw->w;
    uint32_t tpl = w->template_of[k];
    const struct op_template *t = &w->templates[tpl];
    struct lower_thread *th = &lw->threads[t->thread];
    uint32_t before = lw->streams[t->stream].last;
    uint32_t *task[PL_DISPATCH_HOST_STEPS];
    int rc = 0;
    for (int s = 0; s < PL_DISPATCH_HOST_STEPS && rc == 0; s++) {
        uint32_t unit = pl_dispatch_pool_unit(th, s, ord);
        task[s] = pl_dispatch_op_task(lw, s, k);
        rc = pl_graph_add_task(lw->g, unit, pl_dispatch_host(lw, pl_dispatch_op_cost(w, k)[s]),
                               lw->labels[tpl], (uint32_t)k, task[s]);
        /* Steps of one op on one thread (serial mode) are ordered by the thread itself;
         * the edge is still there, as the dependency it is, for the resource bound and
         * the critical path (on a tie the thread's own order releases the step). */
        if (rc == 0 && s > 0)
            rc = pl_graph_add_edge(lw->g, *task[s - 1], *task[s], PL_EDGE_DATA, PL_AT_END);
    }
    uint64_t n = 0;
    if (rc == 0)
        rc = pl_dispatch_lower_kernel(lw, k, *task[PL_DISPATCH_LAUNCH], 0, &n);
    if (rc == 0 && t->sync && before != PL_NONE)
        rc = pl_graph_add_edge(lw->g, before, *task[PL_DISPATCH_INFER], PL_EDGE_SYNC, PL_AT_END);
    if (rc == 0 && lw->mode == PL_DISPATCH_SERIAL)
        rc = pl_dispatch_stream_slot(lw, t->stream, n, 1, *task[PL_DISPATCH_INFER]);
    else if (rc == 0)
        rc = pl_dispatch_stream_slot(lw, t->stream, n, th->npool[PL_DISPATCH_LAUNCH],
                                     *task[PL_DISPATCH_LAUNCH]);
    return rc;
}

/* The slot edges of the queues between host steps into op k, its thread's op number ord
 * (pipelined mode): the producer's task waits for the consumer to take op ord - p - depth
 * of the same thread off the queue. */
static int add_queue_edges(struct lowering *lw, uint64_t k, uint64_t ord)
{
    const pl_dispatch *w = lw->w;
    const struct lower_thread *th = &lw->threads[w->templates[w->template_of[k]].thread];
    long long depth = w->queue_depth;
    int rc = 0;
    for (int s = 0; s + 1 < PL_DISPATCH_HOST_STEPS && rc == 0; s++) {
        uint64_t p = th->npool[s];
        if (depth == PL_UNBOUNDED || ord < p + (uint64_t)depth)
            continue;
        uint64_t taken = th->ops[ord - p - (uint64_t)depth];
        rc = pl_graph_add_edge(lw->g, *pl_dispatch_op_task(lw, s + 1, taken),
                               *pl_dispatch_op_task(lw, s, k), PL_EDGE_SLOT, PL_AT_START);
    }
    return rc;
}

/* ---- The whole list ----------------------------------------------------------------- */

static void free_lowering(struct lowering *lw)
{
    free(lw->labels);
    free(lw->event_task);
    free(lw->signal_task);
    pl_tile_site_destroy(lw->site);
    free(lw->task[0]);
    for (uint32_t th = 0; lw->threads && th < lw->w->nthreads; th++) {
        for (int s = 0; s < PL_DISPATCH_HOST_STEPS; s++)
            free(lw->threads[th].pool[s]);
        free(lw->threads[th].ops);
    }
    for (uint32_t s = 0; lw->streams && s < lw->w->nstreams; s++) {
        free(lw->streams[s].tasks);
        free(lw->streams[s].waits);
    }
    free(lw->threads);
    free(lw->streams);
}

/* The captured region op k is in (an index of w->steps), or PL_NONE; *next is the first
 * region that might hold a later op. */
static uint32_t region_of(const pl_dispatch *w, uint64_t k, uint32_t *next)
{
    while (*next < w->nsteps && w->steps[*next].end <= k)
        (*next)++;
    if (*next < w->nsteps && w->steps[*next].capture && w->steps[*next].first <= k)
        return *next;
    return PL_NONE;
}

/* Sizes each thread's table of its ops (for the queues between host steps) and each
 * stream's table of its device tasks (for stream_depth) with one pass over the ops, when
 * those queues are bounded: an unbounded queue adds no edge and needs no table. */
static int size_tables(struct lowering *lw)
{
    const pl_dispatch *w = lw->w;
    bool queues = lw->keep_ops;
    bool streams = w->stream_depth != PL_UNBOUNDED;
    uint32_t next = 0;
    for (uint64_t k = 0; k < w->nops && (queues || streams); k++) {
        const struct op_template *t = &w->templates[w->template_of[k]];
        if (region_of(w, k, &next) == PL_NONE)
            lw->threads[t->thread].nops++;
        if (!t->has_calls)
            lw->streams[t->stream].ntasks++;
        for (uint32_t c = t->first_call; c < t->first_call + t->ncalls; c++)
            if (w->calls[c].kind <= CALL_MEMSET)
                lw->streams[w->calls[c].stream].ntasks++;
    }
    for (uint32_t th = 0; th < w->nthreads; th++) {
        struct lower_thread *t = &lw->threads[th];
        if (queues && !(t->ops = malloc((t->nops + 1) * sizeof *t->ops)))
            return PL_ENOMEM;
        t->nops = 0;
    }
    for (uint32_t s = 0; s < w->nstreams; s++) {
        struct lower_stream *st = &lw->streams[s];
        if (streams && !(st->tasks = malloc((st->ntasks + 1) * sizeof *st->tasks)))
            return PL_ENOMEM;
        st->ntasks = 0;
    }
    lw->event_task = malloc(((size_t)w->nevents + 1) * sizeof *lw->event_task);
    if (!lw->event_task)
        return PL_ENOMEM;
    for (uint32_t e = 0; e < w->nevents; e++)
        lw->event_task[e] = PL_NONE;
    lw->signal_task = malloc(((size_t)w->nsignals + 1) * sizeof *lw->signal_task);
    if (!lw->signal_task)
        return PL_ENOMEM;
    for (uint32_t e = 0; e < w->nsignals; e++)
        lw->signal_task[e] = PL_NONE;
    return 0;
}

static int lower_op(struct lowering *lw, uint64_t k, uint32_t *next)
{
    const pl_dispatch *w = lw->w;
    uint32_t region = region_of(w, k, next);
    if (region != PL_NONE)
        return pl_dispatch_lower_captured(lw, region, k);
    const struct op_template *t = &w->templates[w->template_of[k]];
    struct lower_thread *th = &lw->threads[t->thread];
    uint64_t ord = th->nops;
    if (th->ops)
        th->ops[th->nops] = k;
    th->nops++;
    int rc = t->has_calls ? pl_dispatch_lower_calls(lw, k, ord) : add_op(lw, k, ord);
    if (rc == 0 && lw->mode == PL_DISPATCH_PIPELINED)
        rc = add_queue_edges(lw, k, ord);
    /* An op `after` a host signal starts once the task that raises it has ended (a thread
     * waiting for another, as a trace's idle thread did). */
    uint32_t first = *pl_dispatch_op_task(lw, PL_DISPATCH_INFER, k);
    if (rc == 0 && t->after != PL_DISPATCH_NO_ID && lw->signal_task[t->after] != PL_NONE &&
        first != PL_NONE)
        rc = pl_graph_add_edge(lw->g, lw->signal_task[t->after], first, PL_EDGE_ORDER,
                               PL_AT_END);
    return rc;
}

static int lower_into(struct lowering *lw)
{
    const pl_dispatch *w = lw->w;
    int rc = add_units(lw);
    if (rc == 0)
        rc = add_labels(lw);
    /* Each op's tasks are kept for the bounded queues between host steps, whose slot edges
     * go into earlier ops' tasks; otherwise only the op being lowered needs its own. One
     * block for the four tables, on huge pages where it is big enough. */
    lw->keep_ops = lw->mode == PL_DISPATCH_PIPELINED && w->queue_depth != PL_UNBOUNDED;
    uint64_t kept = lw->keep_ops ? w->nops : 1;
    uint32_t *tasks = pl_array_alloc(PL_DISPATCH_STEP_COUNT * kept, sizeof *tasks);
    if (!tasks)
        rc = PL_ENOMEM;
    for (int s = 0; s < PL_DISPATCH_STEP_COUNT && tasks; s++)
        lw->task[s] = tasks + s * kept;
    if (rc == 0)
        rc = size_tables(lw);
    /* An op written with its four costs is four tasks and three edges, and a slot edge
     * for each bounded queue it goes through: room for as many at once (ops written as
     * calls or as tile programs grow the graph further), so that the graph's arrays are not
     * copied while they grow. */
    uint64_t edges = 3 + (lw->keep_ops ? PL_DISPATCH_HOST_STEPS - 1 : 0) +
                     (w->stream_depth != PL_UNBOUNDED);
    if (rc == 0 && w->nops < UINT32_MAX / 8)
        rc = pl_graph_reserve(lw->g, (uint32_t)(4 * w->nops), (uint32_t)(edges * w->nops));
    for (uint32_t t = 0; t < w->ntemplates && rc == 0 && !lw->site; t++)
        if (w->templates[t].tile)
            rc = pl_tile_site_create(lw->g, w->templates[t].tile->gm_bandwidth, &lw->site);
    uint32_t next = 0;
    for (uint64_t k = 0; k < w->nops && rc == 0; k++)
        rc = lower_op(lw, k, &next);
    if (rc == 0)
        rc = pl_graph_set_items(lw->g, w->nops, "ops");
    if (rc == 0)
        rc = pl_graph_finalize(lw->g);
    return rc;
}

int pl_dispatch_lower(const pl_dispatch *w, pl_dispatch_mode mode, pl_graph **out)
{
    struct lowering lw = {.w = w, .mode = mode, .region_sync = NAN};
    lw.g = pl_graph_create(mode == PL_DISPATCH_SERIAL ? "serial" : "pipelined");
    if (!lw.g)
        return PL_ENOMEM;
    int rc = lower_into(&lw);
    free_lowering(&lw);
    if (rc != 0) {
        pl_graph_destroy(lw.g);
        return rc;
    }
    *out = lw.g;
    return 0;
}
