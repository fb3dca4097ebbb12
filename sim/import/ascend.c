/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ascend.c — Ascend PyTorch (torch_npu) / MindSpore profiler trace_view.json. Processes are
 * named by metadata (ph M, process_name): "Python" holds the framework ops (cat cpu_op;
 * ProfilerStep#N the step markers), "CANN" the runtime API calls ("AscendCL@aclnnAdd",
 * "AscendCL@aclrtSynchronizeStream", ...), "Ascend Hardware" the device tasks, one thread
 * per stream ("Stream 2"; the task's args."Stream Id" when written). Everything else
 * (Python GC, HCCL / Communication, Overlap Analysis, counters) is not replayed.
 *
 * Nothing in args joins a launch to its task: only the async_npu flows do, from the torch
 * op that launched a task (its start, at the op's ts) to the task (its finish, at the
 * task's ts), both binding to the enclosing slice (bp "e"). A flow from an op is given to
 * the op's launch calls on the same thread in order: its k-th task by start time belongs
 * to its k-th launch (AscendCL call that launches, copies or sets) that has no flow yet.
 * A flow that starts on a call itself joins that call. An op with no such call left on
 * its thread (torch_npu's task queue makes the calls on its dequeue thread; a trace
 * without CANN data has none) gets a call of no duration at its end, named as the op, of
 * the kind its task says (launch, copy, memset), and appended after the slices read from
 * the file. Hardware tasks that only mark
 * events (EVENT_RECORD, EVENT_WAIT, NOTIFY_*) are not device work and are left out.
 */
#include "sim/import/trace_formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum proc { P_OTHER, P_PYTHON, P_CANN, P_HARDWARE } proc;

/* Per event, what it became: a slice or an activity index. */
#define NONE32 UINT32_MAX
typedef struct made {
    uint32_t slice, activity;
} made;

typedef struct op_flow {
    uint32_t op;     /* slice index */
    int64_t task_ts; /* when its task started (INT64_MAX: no task) */
    uint64_t id;
    int task_kind; /* pl_trace_activity_kind */
} op_flow;

typedef struct conv {
    const pl_ct *ct;
    pl_trace *out;
    uint8_t *proc;     /* per pid key */
    uint32_t *threads; /* per tid key: host thread index */
    uint64_t *stream;  /* per tid key: the stream a hardware thread is */
    uint32_t *bound;   /* per event: the X it binds to */
    made *made;        /* per event */
} conv;

static bool joins(const pl_ct *ct, uint32_t cat)
{
    return pl_ct_is(ct, cat, "async_npu");
}

static proc proc_named(const pl_ct *ct, uint32_t name)
{
    if (pl_ct_is(ct, name, "Python"))
        return P_PYTHON;
    if (pl_ct_is(ct, name, "CANN"))
        return P_CANN;
    if (pl_ct_is(ct, name, "Ascend Hardware"))
        return P_HARDWARE;
    return P_OTHER;
}

static bool is_process_name(const pl_ct *ct, const pl_ct_event *e)
{
    return e->ph == 'M' && pl_ct_is(ct, e->name, "process_name");
}

bool pl_ascend_detect(const pl_ct *ct)
{
    for (size_t i = 0; i < ct->nev; i++) {
        const pl_ct_event *e = &ct->ev[i];
        if ((is_process_name(ct, e) && proc_named(ct, e->arg_name) >= P_CANN) ||
            ((e->ph == 's' || e->ph == 'f') && joins(ct, e->cat)))
            return true;
    }
    return false;
}

/* Each hardware thread's stream, by tid key: "Stream 7" -> 7, else the tid's number. */
static void name_streams(conv *c)
{
    const pl_ct *ct = c->ct;
    for (size_t k = 0; k < ct->keys.n; k++) {
        char *end;
        unsigned long long n = strtoull(pl_ct_key(ct, (uint32_t)k), &end, 10);
        c->stream[k] = *end == '\0' ? n : PL_TRACE_NONE;
    }
    for (size_t i = 0; i < ct->nev; i++) {
        const pl_ct_event *e = &ct->ev[i];
        unsigned long long n;
        if (e->ph == 'M' && pl_ct_is(ct, e->name, "thread_name") && e->pid < ct->keys.n &&
            c->proc[e->pid] == P_HARDWARE && e->tid < ct->keys.n &&
            sscanf(pl_ct_key(ct, e->arg_name), "Stream %llu", &n) == 1)
            c->stream[e->tid] = n;
    }
}

static int add_task(conv *c, size_t i)
{
    const pl_ct_event *e = &c->ct->ev[i];
    const char *name = pl_ct_name(c->ct, e);
    if (!strncmp(name, "EVENT_", 6) || !strncmp(name, "NOTIFY_", 7))
        return 0;
    pl_trace_activity a = {.ts = e->ts,
                           .dur = e->dur,
                           .name = e->name,
                           .kind = !strncmp(name, "MEMCPY", 6)   ? PL_ACTIVITY_COPY
                                   : !strncmp(name, "MEMSET", 6) ? PL_ACTIVITY_MEMSET
                                                                 : PL_ACTIVITY_KERNEL,
                           .correlation = PL_TRACE_NONE,
                           .where = pl_ct_where(e)};
    a.stream = (e->flags & PL_CT_HAS_STREAM) ? e->stream
               : e->tid < c->ct->keys.n      ? c->stream[e->tid]
                                             : PL_TRACE_NONE;
    c->made[i].activity = (uint32_t)c->out->nactivities;
    return pl_trace_add_activity(c->out, &a);
}

static int add_host(conv *c, size_t i, proc p)
{
    const pl_ct_event *e = &c->ct->ev[i];
    const char *name = pl_ct_name(c->ct, e);
    pl_trace_slice s = {.ts = e->ts,
                        .dur = e->dur,
                        .name = e->name,
                        .correlation = PL_TRACE_NONE,
                        .where = pl_ct_where(e)};
    if (p == P_PYTHON && !strncmp(name, "ProfilerStep#", 13))
        s.kind = PL_SLICE_STEP;
    else if (p == P_PYTHON && pl_ct_is(c->ct, e->cat, "cpu_op"))
        s.kind = PL_SLICE_OP;
    else if (p == P_CANN && !strncmp(name, "AscendCL@", 9)) {
        s.kind = PL_SLICE_CALL;
        s.call = (uint8_t)pl_trace_call_kind_of(name);
    } else
        return 0;
    int rc = pl_trace_thread_of(c->out, c->ct, c->threads, e->tid, &s.thread);
    c->made[i].slice = (uint32_t)c->out->nslices;
    return rc ? rc : pl_trace_add_slice(c->out, &s);
}

static int add_events(conv *c)
{
    int rc = 0;
    for (size_t i = 0; i < c->ct->nev && !rc; i++) {
        const pl_ct_event *e = &c->ct->ev[i];
        c->made[i] = (made){NONE32, NONE32};
        if (e->ph != 'X')
            continue;
        proc p = e->pid < c->ct->keys.n ? (proc)c->proc[e->pid] : P_OTHER;
        rc = p == P_HARDWARE ? add_task(c, i) : p != P_OTHER ? add_host(c, i, p) : 0;
    }
    return rc;
}

static int by_op_then_task(const void *a, const void *b)
{
    const op_flow *x = a, *y = b;
    if (x->op != y->op)
        return x->op < y->op ? -1 : 1;
    return x->task_ts < y->task_ts ? -1 : x->task_ts > y->task_ts;
}

static bool launches(const pl_trace_slice *s)
{
    return s->kind == PL_SLICE_CALL &&
           (s->call == PL_CALL_LAUNCH || s->call == PL_CALL_COPY || s->call == PL_CALL_MEMSET);
}

/* A task's flow id and start, or a launch call's thread and start: sortable copies, so
 * that joining stays n log n on a large trace. */
typedef struct key2 {
    uint64_t a;
    int64_t ts;
    uint32_t index;
} key2;

static int key2_cmp(const void *x, const void *y)
{
    const key2 *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->ts != q->ts)
        return p->ts < q->ts ? -1 : 1;
    return p->index < q->index ? -1 : p->index > q->index;
}

/* The first entry not before (a, ts). */
static size_t key2_lower(const key2 *k, size_t n, uint64_t a, int64_t ts)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k[mid].a < a || (k[mid].a == a && k[mid].ts < ts))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Flow finishes give tasks their ids; starts on calls give calls theirs; starts on ops
 * are collected with their task's start, to be handed to the op's launches in order. */
static size_t join_flows(conv *c, op_flow *of, key2 *k)
{
    const pl_ct *ct = c->ct;
    size_t n = 0, nk = 0;
    for (size_t i = 0; i < ct->nev; i++) {
        const pl_ct_event *e = &ct->ev[i];
        uint32_t a = e->ph == 'f' && c->bound[i] != NONE32 ? c->made[c->bound[i]].activity : NONE32;
        if (a == NONE32)
            continue;
        c->out->activities[a].correlation = e->id;
        k[nk++] = (key2){e->id, c->out->activities[a].ts, a};
    }
    qsort(k, nk, sizeof *k, key2_cmp);
    for (size_t i = 0; i < ct->nev; i++) {
        const pl_ct_event *e = &ct->ev[i];
        uint32_t s = e->ph == 's' && c->bound[i] != NONE32 ? c->made[c->bound[i]].slice : NONE32;
        if (s == NONE32)
            continue;
        if (c->out->slices[s].kind == PL_SLICE_CALL) {
            c->out->slices[s].correlation = e->id;
            continue;
        }
        size_t j = key2_lower(k, nk, e->id, INT64_MIN);
        bool task = j < nk && k[j].a == e->id;
        of[n++] = (op_flow){s, task ? k[j].ts : INT64_MAX, e->id,
                            task ? c->out->activities[k[j].index].kind : PL_ACTIVITY_KERNEL};
    }
    return n;
}

/* The call a task of this kind is launched by. */
static uint8_t call_for(int activity_kind)
{
    return activity_kind == PL_ACTIVITY_COPY     ? PL_CALL_COPY
           : activity_kind == PL_ACTIVITY_MEMSET ? PL_CALL_MEMSET
                                                 : PL_CALL_LAUNCH;
}

/* An op whose thread shows no call for its task (torch_npu's task queue makes the calls
 * on another thread; a trace without CANN data has none) launches it with a call of no
 * duration at the op's end, named as the op, so that every task of a flow has its call. */
static int add_launch_at_end(pl_trace *t, const op_flow *f)
{
    pl_trace_slice op = t->slices[f->op];
    pl_trace_slice call = {.ts = op.ts + op.dur,
                           .thread = op.thread,
                           .name = op.name,
                           .kind = PL_SLICE_CALL,
                           .call = call_for(f->task_kind),
                           .correlation = f->id,
                           .where = op.where};
    return pl_trace_add_slice(t, &call);
}

static int give_to_launches(conv *c, op_flow *of, size_t n, key2 *k)
{
    pl_trace *t = c->out;
    size_t nk = 0;
    for (size_t i = 0; i < t->nslices; i++)
        if (launches(&t->slices[i]) && t->slices[i].correlation == PL_TRACE_NONE)
            k[nk++] = (key2){t->slices[i].thread, t->slices[i].ts, (uint32_t)i};
    qsort(k, nk, sizeof *k, key2_cmp);
    qsort(of, n, sizeof *of, by_op_then_task);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const pl_trace_slice *op = &t->slices[of[i].op];
        size_t j = key2_lower(k, nk, op->thread, op->ts);
        while (j < nk && k[j].a == op->thread && k[j].ts <= op->ts + op->dur &&
               t->slices[k[j].index].correlation != PL_TRACE_NONE)
            j++;
        if (j < nk && k[j].a == op->thread && k[j].ts <= op->ts + op->dur)
            t->slices[k[j].index].correlation = of[i].id;
        else
            rc = add_launch_at_end(t, &of[i]);
    }
    return rc;
}

int pl_ascend_convert(const pl_ct *ct, pl_trace *out, pl_diag *d)
{
    size_t nkeys = ct->keys.n ? ct->keys.n : 1, nev = ct->nev ? ct->nev : 1;
    conv c = {.ct = ct,
              .out = out,
              .proc = calloc(nkeys, 1),
              .threads = malloc(nkeys * sizeof *c.threads),
              .stream = malloc(nkeys * sizeof *c.stream),
              .bound = malloc(nev * sizeof *c.bound),
              .made = malloc(nev * sizeof *c.made)};
    op_flow *of = malloc(nev * sizeof *of);
    key2 *k = malloc(nev * sizeof *k);
    int rc = c.proc && c.threads && c.stream && c.bound && c.made && of && k ? 0 : PL_ENOMEM;
    for (size_t i = 0; !rc && i < ct->keys.n; i++)
        c.threads[i] = NONE32;
    for (size_t i = 0; !rc && i < ct->nev; i++)
        if (is_process_name(ct, &ct->ev[i]) && ct->ev[i].pid < ct->keys.n)
            c.proc[ct->ev[i].pid] = (uint8_t)proc_named(ct, ct->ev[i].arg_name);
    if (!rc)
        name_streams(&c);
    if (!rc)
        rc = pl_ct_bind_flows(ct, joins, c.bound, d);
    if (!rc)
        rc = add_events(&c);
    if (!rc)
        rc = give_to_launches(&c, of, join_flows(&c, of, k), k);
    snprintf(out->format, sizeof out->format, "Ascend");
    free(c.proc);
    free(c.threads);
    free(c.stream);
    free(c.bound);
    free(c.made);
    free(of);
    free(k);
    return rc;
}
