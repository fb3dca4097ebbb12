/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lower_calls.c — ops written as runtime calls, and captured graphs.
 *
 * Serial mode: the op's thread runs, call after call, a host task of the host time
 * since the previous one plus the call's own launch time, which issues the call's device
 * task; a sync is a task of its own cost that waits (SYNC edges) for what it synchronises
 * with. Pipelined mode splits the op: InferShape its `infer`; Resize its `resize`, every
 * call's `host`, the launch time of its records and waits and its trailing `host`;
 * Launch each device call's launch time and each sync, in call order, on one launch
 * thread; the thread's next InferShape waits for the op's last sync.
 *
 * A captured region (a step group, or the whole list) is one graph launch on its first
 * op's thread that issues every device task of the region, each graph_gap longer; its host
 * tasks disappear, and a region with syncs ends with one sync on every stream it used.
 * Events and stream order are the same in every case, in op order.
 */
#include "models/dispatch/lower.h"

#include <math.h>

int pl_dispatch_event(struct lowering *lw, uint32_t e, uint32_t s, bool record)
{
    struct lower_stream *st = &lw->streams[s];
    if (record) {
        lw->event_task[e] = st->last;
        return 0;
    }
    if (lw->event_task[e] == PL_NONE)
        return 0; /* recorded on an idle stream: already complete */
    if (st->nwaits == st->cap_waits) {
        uint32_t cap = st->cap_waits ? 2 * st->cap_waits : 4;
        uint32_t *grown = realloc(st->waits, cap * sizeof *grown);
        if (!grown)
            return PL_ENOMEM;
        st->waits = grown;
        st->cap_waits = cap;
    }
    st->waits[st->nwaits++] = lw->event_task[e];
    return 0;
}

void pl_dispatch_signal(struct lowering *lw, uint32_t e, uint32_t task)
{
    if (e != PL_DISPATCH_NO_ID)
        lw->signal_task[e] = task;
}

/* One op being lowered: its index, its label, the unit its host tasks go to. */
struct op_lower {
    struct lowering *lw;
    const struct op_template *t;
    uint64_t k;
    uint32_t label;
};

/* A host task of the op; the op's first one is its task[PL_DISPATCH_INFER] (what an
 * `after` holds back). */
static int host_task(const struct op_lower *o, uint32_t unit, double seconds, uint32_t *id)
{
    int rc = pl_graph_add_task(o->lw->g, unit, pl_dispatch_host(o->lw, seconds), o->label,
                               (uint32_t)o->k, id);
    uint32_t *first = pl_dispatch_op_task(o->lw, PL_DISPATCH_INFER, o->k);
    if (rc == 0 && *first == PL_NONE)
        *first = *id;
    return rc;
}

static int add_sync(const struct op_lower *o, uint32_t from, uint32_t to)
{
    return from == PL_NONE ? 0 : pl_graph_add_edge(o->lw->g, from, to, PL_EDGE_SYNC, PL_AT_END);
}

/* The SYNC edges of sync call c into task `sync`: from the copy it follows (a blocking
 * copy's device task `dev`), the task its event was recorded after, the last device task so
 * far on its stream, or on every stream. */
static int sync_edges(const struct op_lower *o, const struct dispatch_call *c, uint32_t dev,
                      uint32_t sync)
{
    const struct lowering *lw = o->lw;
    if (c->kind == CALL_COPY)
        return add_sync(o, dev, sync);
    if (c->event != PL_DISPATCH_NO_ID)
        return add_sync(o, lw->event_task[c->event], sync);
    if (c->stream != PL_DISPATCH_NO_ID)
        return add_sync(o, lw->streams[c->stream].last, sync);
    int rc = 0;
    for (uint32_t s = 0; s < lw->w->nstreams && rc == 0; s++)
        rc = add_sync(o, lw->streams[s].last, sync);
    return rc;
}

static int call_label(const struct op_lower *o, const struct dispatch_call *c, uint32_t *label)
{
    if (!c->name) {
        *label = o->label;
        return 0;
    }
    return pl_graph_add_label(o->lw->g, c->name, label);
}

/* Device call c, issued by host task h (PL_NONE: by nobody yet) with `gap` more work;
 * its task into *dev, its index on the stream into *n. */
static int device_call(const struct op_lower *o, const struct dispatch_call *c, uint32_t h,
                       double gap, uint32_t *dev, uint64_t *n)
{
    uint32_t label;
    int rc = call_label(o, c, &label);
    return rc != 0
               ? rc
               : pl_dispatch_device_task(o->lw, c->stream, c->work + gap, label, o->k, h, dev, n);
}

static bool is_device(const struct dispatch_call *c)
{
    return c->kind <= CALL_MEMSET;
}

/* ---- Serial ------------------------------------------------------------------------ */

static int serial_call(const struct op_lower *o, const struct dispatch_call *c, uint32_t unit,
                       double *pending)
{
    struct lowering *lw = o->lw;
    uint32_t h = PL_NONE, dev = PL_NONE, sync = PL_NONE;
    uint64_t n;
    *pending += c->host;
    if (c->kind == CALL_SYNC) {
        int rc = *pending > 0 ? host_task(o, unit, *pending, &h) : 0;
        *pending = 0;
        if (rc == 0)
            rc = host_task(o, unit, c->sync, &sync);
        pl_dispatch_signal(lw, c->signal, sync);
        return rc == 0 ? sync_edges(o, c, dev, sync) : rc;
    }
    int rc = host_task(o, unit, *pending + c->launch, &h);
    *pending = 0;
    pl_dispatch_signal(lw, c->signal, h);
    if (rc != 0 || !is_device(c))
        return rc == 0 ? pl_dispatch_event(lw, c->event, c->stream, c->kind == CALL_RECORD) : rc;
    rc = device_call(o, c, h, 0, &dev, &n);
    if (rc == 0)
        rc = pl_dispatch_stream_slot(lw, c->stream, n, 1, h);
    if (rc == 0 && c->blocking) {
        rc = host_task(o, unit, c->sync, &sync);
        pl_dispatch_signal(lw, c->signal, sync);
    }
    return rc == 0 && c->blocking ? sync_edges(o, c, dev, sync) : rc;
}

static int serial_calls(const struct op_lower *o, uint64_t ord)
{
    const pl_dispatch *w = o->lw->w;
    const struct lower_thread *th = &o->lw->threads[o->t->thread];
    uint32_t unit = pl_dispatch_pool_unit(th, PL_DISPATCH_INFER, ord);
    const double *cost = pl_dispatch_op_cost(w, o->k);
    double pending = cost[PL_DISPATCH_INFER] + cost[PL_DISPATCH_RESIZE];
    int rc = 0;
    for (uint32_t i = 0; i < o->t->ncalls && rc == 0; i++)
        rc = serial_call(o, &w->calls[o->t->first_call + i], unit, &pending);
    pending += o->t->host;
    uint32_t h;
    return rc == 0 && pending > 0 ? host_task(o, unit, pending, &h) : rc;
}

/* ---- Pipelined ----------------------------------------------------------------------- */

/* The op's first task on its launch thread waits for its Resize. */
static int first_launch(const struct op_lower *o, uint32_t task)
{
    uint32_t *first = pl_dispatch_op_task(o->lw, PL_DISPATCH_LAUNCH, o->k);
    if (*first != PL_NONE)
        return 0;
    *first = task;
    return pl_graph_add_edge(o->lw->g, *pl_dispatch_op_task(o->lw, PL_DISPATCH_RESIZE, o->k), task,
                             PL_EDGE_DATA, PL_AT_END);
}

static int launch_call(const struct op_lower *o, const struct dispatch_call *c, uint32_t unit,
                       uint64_t p, uint32_t *last_sync)
{
    struct lowering *lw = o->lw;
    uint32_t h, dev = PL_NONE;
    uint64_t n;
    if (c->kind == CALL_RECORD || c->kind == CALL_WAIT) {
        pl_dispatch_signal(lw, c->signal, *pl_dispatch_op_task(lw, PL_DISPATCH_RESIZE, o->k));
        return pl_dispatch_event(lw, c->event, c->stream, c->kind == CALL_RECORD);
    }
    int rc = host_task(o, unit, c->kind == CALL_SYNC ? c->sync : c->launch, &h);
    pl_dispatch_signal(lw, c->signal, h);
    if (rc == 0)
        rc = first_launch(o, h);
    if (rc == 0 && c->kind == CALL_SYNC) {
        *last_sync = h;
        return sync_edges(o, c, dev, h);
    }
    if (rc == 0)
        rc = device_call(o, c, h, 0, &dev, &n);
    if (rc == 0)
        rc = pl_dispatch_stream_slot(lw, c->stream, n, p, h);
    if (rc == 0 && c->blocking) {
        rc = host_task(o, unit, c->sync, last_sync);
        pl_dispatch_signal(lw, c->signal, *last_sync);
    }
    return rc == 0 && c->blocking ? sync_edges(o, c, dev, *last_sync) : rc;
}

static int pipelined_calls(const struct op_lower *o, uint64_t ord)
{
    struct lowering *lw = o->lw;
    const pl_dispatch *w = lw->w;
    struct lower_thread *th = &lw->threads[o->t->thread];
    const double *cost = pl_dispatch_op_cost(w, o->k);
    const struct dispatch_call *calls = &w->calls[o->t->first_call];
    uint32_t unit[PL_DISPATCH_HOST_STEPS];
    for (int s = 0; s < PL_DISPATCH_HOST_STEPS; s++)
        unit[s] = pl_dispatch_pool_unit(th, s, ord);
    double resize = cost[PL_DISPATCH_RESIZE] + o->t->host;
    for (uint32_t i = 0; i < o->t->ncalls; i++) {
        bool event = calls[i].kind == CALL_RECORD || calls[i].kind == CALL_WAIT;
        resize += calls[i].host + (event ? calls[i].launch : 0);
    }
    uint32_t *task_infer = pl_dispatch_op_task(lw, PL_DISPATCH_INFER, o->k);
    uint32_t *task_resize = pl_dispatch_op_task(lw, PL_DISPATCH_RESIZE, o->k);
    *pl_dispatch_op_task(lw, PL_DISPATCH_LAUNCH, o->k) = PL_NONE;
    int rc = host_task(o, unit[PL_DISPATCH_INFER], cost[PL_DISPATCH_INFER], task_infer);
    if (rc == 0)
        rc = add_sync(o, th->last_sync, *task_infer);
    if (rc == 0)
        rc = host_task(o, unit[PL_DISPATCH_RESIZE], resize, task_resize);
    if (rc == 0)
        rc = pl_graph_add_edge(lw->g, *task_infer, *task_resize, PL_EDGE_DATA, PL_AT_END);
    uint32_t last_sync = PL_NONE, empty;
    for (uint32_t i = 0; i < o->t->ncalls && rc == 0; i++)
        rc = launch_call(o, &calls[i], unit[PL_DISPATCH_LAUNCH], th->npool[PL_DISPATCH_LAUNCH],
                         &last_sync);
    /* An op that launches nothing still passes through Launch, so that the queues count
     * it as every other op. */
    if (rc == 0 && *pl_dispatch_op_task(lw, PL_DISPATCH_LAUNCH, o->k) == PL_NONE)
        rc = host_task(o, unit[PL_DISPATCH_LAUNCH], 0, &empty);
    if (rc == 0 && *pl_dispatch_op_task(lw, PL_DISPATCH_LAUNCH, o->k) == PL_NONE)
        rc = first_launch(o, empty);
    th->last_sync = last_sync;
    return rc;
}

int pl_dispatch_lower_calls(struct lowering *lw, uint64_t k, uint64_t ord)
{
    uint32_t tpl = lw->w->template_of[k];
    struct op_lower o = {lw, &lw->w->templates[tpl], k, lw->labels[tpl]};
    *pl_dispatch_op_task(lw, PL_DISPATCH_INFER, k) = PL_NONE;
    return lw->mode == PL_DISPATCH_SERIAL ? serial_calls(&o, ord) : pipelined_calls(&o, ord);
}

/* ---- Captured graphs ----------------------------------------------------------------- */

/* The region's first op: the graph launch, on the unit that would launch the op. */
static int begin_region(const struct op_lower *o)
{
    struct lowering *lw = o->lw;
    struct lower_thread *th = &lw->threads[o->t->thread];
    lw->region_thread = o->t->thread;
    lw->region_unit = pl_dispatch_pool_unit(th, PL_DISPATCH_LAUNCH, th->nops);
    lw->region_sync = NAN;
    int rc = host_task(o, lw->region_unit, lw->w->graph_launch, &lw->region_launch);
    if (rc == 0)
        rc = add_sync(o, th->last_sync, lw->region_launch);
    th->last_sync = PL_NONE;
    return rc;
}

/* The region's last op: one sync, after the graph launch, on every stream it used. */
static int end_region(const struct op_lower *o, uint32_t region)
{
    struct lowering *lw = o->lw;
    if (isnan(lw->region_sync))
        return 0;
    uint32_t sync;
    int rc = host_task(o, lw->region_unit, lw->region_sync, &sync);
    for (uint32_t s = 0; s < lw->w->nstreams && rc == 0; s++)
        if (lw->streams[s].region == region + 1)
            rc = add_sync(o, lw->streams[s].last, sync);
    if (lw->mode == PL_DISPATCH_PIPELINED)
        lw->threads[lw->region_thread].last_sync = sync;
    return rc;
}

int pl_dispatch_lower_captured(struct lowering *lw, uint32_t region, uint64_t k)
{
    const pl_dispatch *w = lw->w;
    const struct dispatch_step *step = &w->steps[region];
    uint32_t tpl = w->template_of[k];
    struct op_lower o = {lw, &w->templates[tpl], k, lw->labels[tpl]};
    int rc = k == step->first ? begin_region(&o) : 0;
    if (rc == 0 && !o.t->has_calls) {
        rc = pl_dispatch_lower_kernel(lw, k, lw->region_launch, w->graph_gap, NULL);
        lw->streams[o.t->stream].region = region + 1;
    }
    for (uint32_t i = 0; i < o.t->ncalls && rc == 0; i++) {
        const struct dispatch_call *c = &w->calls[o.t->first_call + i];
        uint32_t dev;
        uint64_t n;
        if (c->kind == CALL_RECORD || c->kind == CALL_WAIT)
            rc = pl_dispatch_event(lw, c->event, c->stream, c->kind == CALL_RECORD);
        if (is_device(c)) {
            rc = device_call(&o, c, lw->region_launch, w->graph_gap, &dev, &n);
            lw->streams[c->stream].region = region + 1;
        }
        if (c->kind == CALL_SYNC || c->blocking)
            lw->region_sync = c->sync;
        pl_dispatch_signal(lw, c->signal, lw->region_launch);
    }
    return rc == 0 && k + 1 == step->end ? end_region(&o, region) : rc;
}
