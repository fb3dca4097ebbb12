/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * kineto.c — PyTorch profiler (Kineto) traces, CUDA and ROCm. Categories say what an event
 * is: cpu_op (a framework op; ProfilerStep#N is a step marker, as a cpu_op or a
 * user_annotation), cuda_runtime / cuda_driver (runtime calls: ROCm's hip* calls are
 * written under cuda_runtime too), kernel / gpu_memcpy / gpu_memset (device activities on
 * args.stream), cuda_sync (what a sync waited for). args.correlation joins a call to its
 * activity and its sync record; the ac2g (older: async_cpu_to_gpu) flows carry the same
 * ids and are only checked: every flow point binds to an event, and a start without a
 * finish is refused only when the activity it started is in the trace. A start without a
 * finish is otherwise normal: the real traces have them (a100_alexnet_forward: 16
 * cudaStreamWaitEvent and cudaMemsetAsync calls whose device side was not recorded).
 */
#include "sim/import/trace_formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum kind { K_SKIP, K_OP, K_ANNOTATION, K_CALL, K_KERNEL, K_COPY, K_MEMSET, K_SYNC } kind;

static kind kind_of(const pl_ct *ct, uint32_t cat)
{
    static const struct {
        const char *cat;
        kind k;
    } cats[] = {
        {"cpu_op", K_OP},         {"user_annotation", K_ANNOTATION},
        {"cuda_runtime", K_CALL}, {"cuda_driver", K_CALL},
        {"kernel", K_KERNEL},     {"gpu_memcpy", K_COPY},
        {"gpu_memset", K_MEMSET}, {"cuda_sync", K_SYNC},
        /* what PyTorch 1.8 and 1.9 wrote (the TensorBoard plugin's EventTypeMap reads both) */
        {"Operator", K_OP},       {"Runtime", K_CALL},
        {"Kernel", K_KERNEL},     {"Memcpy", K_COPY},
        {"Memset", K_MEMSET},
    };
    for (size_t i = 0; i < sizeof cats / sizeof *cats; i++)
        if (pl_ct_is(ct, cat, cats[i].cat))
            return cats[i].k;
    return K_SKIP;
}

static bool joins(const pl_ct *ct, uint32_t cat)
{
    return pl_ct_is(ct, cat, "ac2g") || pl_ct_is(ct, cat, "async_cpu_to_gpu");
}

bool pl_kineto_detect(const pl_ct *ct)
{
    for (size_t i = 0; i < ct->nev; i++)
        if (ct->ev[i].ph == 'X' && kind_of(ct, ct->ev[i].cat) != K_SKIP)
            return true;
    return false;
}

static uint8_t sync_call(const pl_ct *ct, uint32_t sync_kind)
{
    if (pl_ct_is(ct, sync_kind, "Stream Sync"))
        return PL_CALL_SYNC_STREAM;
    if (pl_ct_is(ct, sync_kind, "Context Sync"))
        return PL_CALL_SYNC_DEVICE;
    if (pl_ct_is(ct, sync_kind, "Event Sync"))
        return PL_CALL_SYNC_EVENT;
    if (pl_ct_is(ct, sync_kind, "Stream Wait Event"))
        return PL_CALL_WAIT_EVENT;
    return PL_CALL_OTHER;
}

/* -1 is "none"; Kineto also writes it as an unsigned 32-bit number (Context Sync). */
static uint64_t stream_or_none(uint64_t s)
{
    return s == UINT32_MAX ? PL_TRACE_NONE : s;
}

/* A trace with the work of several devices (Kineto writes each device's activity under a
 * pid of its own, the device's number) tells their streams apart as device x 1000 +
 * stream: stream 7 of device 1 is stream 1007. */
#define PL_STREAMS_PER_DEVICE 1000

/* Whether the trace's device activity comes from more than one pid. */
static bool several_devices(const pl_ct *ct, kind (*kind_of_cat)(const pl_ct *, uint32_t))
{
    uint32_t pid = PL_CT_NO_KEY;
    for (size_t i = 0; i < ct->nev; i++) {
        kind k = ct->ev[i].ph == 'X' ? kind_of_cat(ct, ct->ev[i].cat) : K_SKIP;
        if (k != K_KERNEL && k != K_COPY && k != K_MEMSET)
            continue;
        if (pid != PL_CT_NO_KEY && ct->ev[i].pid != pid)
            return true;
        pid = ct->ev[i].pid;
    }
    return false;
}

/* Stream s of event e, told apart by device where the trace has several (see above). */
static uint64_t device_stream(const pl_ct *ct, const pl_ct_event *e, uint64_t s, bool several)
{
    char *end;
    unsigned long long device = strtoull(pl_ct_key(ct, e->pid), &end, 10);
    if (!several || s == PL_TRACE_NONE || s >= PL_STREAMS_PER_DEVICE || *end != '\0' ||
        device >= UINT64_MAX / PL_STREAMS_PER_DEVICE - 1)
        return s;
    return device * PL_STREAMS_PER_DEVICE + s;
}

static int add_sync(const pl_ct *ct, const pl_ct_event *e, bool several, pl_trace *out)
{
    pl_trace_sync s = {.correlation = e->corr,
                       .call = sync_call(ct, e->sync_kind),
                       .stream = device_stream(ct, e, stream_or_none(e->stream), several),
                       .wait_on_stream =
                           device_stream(ct, e, stream_or_none(e->wait_on_stream), several),
                       .record_correlation = e->record_corr};
    /* Only a stream wait has a waiting stream (args.stream); a stream sync writes the stream
     * it waits for as args.stream, which trace.h calls wait_on_stream. */
    if (s.call != PL_CALL_WAIT_EVENT) {
        if (s.wait_on_stream == PL_TRACE_NONE)
            s.wait_on_stream = s.call == PL_CALL_SYNC_STREAM ? s.stream : PL_TRACE_NONE;
        s.stream = PL_TRACE_NONE;
    }
    return pl_trace_add_sync(out, &s);
}

static int add_activity(const pl_ct *ct, const pl_ct_event *e, kind k, bool several,
                        pl_trace *out)
{
    uint64_t stream = e->stream;
    if (!(e->flags & PL_CT_HAS_STREAM)) {
        char *end;
        unsigned long long tid = strtoull(pl_ct_key(ct, e->tid), &end, 10);
        stream = *end == '\0' ? (uint64_t)tid : PL_TRACE_NONE;
    }
    stream = device_stream(ct, e, stream, several);
    pl_trace_activity a = {.ts = e->ts,
                           .dur = e->dur,
                           .stream = stream,
                           .name = e->name,
                           .kind = k == K_KERNEL ? PL_ACTIVITY_KERNEL
                                   : k == K_COPY ? PL_ACTIVITY_COPY
                                                 : PL_ACTIVITY_MEMSET,
                           .correlation = e->corr,
                           .where = pl_ct_where(e)};
    return pl_trace_add_activity(out, &a);
}

static int add_slice(const pl_ct *ct, const pl_ct_event *e, kind k, uint32_t *threads,
                     pl_trace *out)
{
    const char *name = pl_ct_name(ct, e);
    bool step = strncmp(name, "ProfilerStep#", 13) == 0;
    if (k == K_ANNOTATION && !step)
        return 0; /* other annotations name regions, not work */
    pl_trace_slice s = {.ts = e->ts,
                        .dur = e->dur,
                        .name = e->name,
                        .kind = step        ? PL_SLICE_STEP
                                : k == K_OP ? PL_SLICE_OP
                                            : PL_SLICE_CALL,
                        .call = k == K_CALL ? (uint8_t)pl_trace_call_kind_of(name) : 0,
                        .correlation = k == K_CALL ? e->corr : PL_TRACE_NONE,
                        .where = pl_ct_where(e)};
    int rc = pl_trace_thread_of(out, ct, threads, e->tid, &s.thread);
    return rc ? rc : pl_trace_add_slice(out, &s);
}

/* ROCm when the device or the runtime's names say so. */
static bool rocm(const pl_ct *ct)
{
    if (strstr(ct->device, "AMD") || strstr(ct->device, "Radeon") || strstr(ct->device, "Instinct"))
        return true;
    for (size_t i = 0; i < ct->nev; i++)
        if (ct->ev[i].ph == 'X' && kind_of(ct, ct->ev[i].cat) == K_CALL)
            return strncmp(pl_ct_name(ct, &ct->ev[i]), "hip", 3) == 0;
    return false;
}

static int convert_event(const pl_ct *ct, const pl_ct_event *e, uint32_t *threads, bool several,
                         pl_trace *out)
{
    if (e->ph != 'X')
        return 0;
    kind k = kind_of(ct, e->cat);
    switch (k) {
    case K_SKIP:
        return 0;
    case K_SYNC:
        return add_sync(ct, e, several, out);
    case K_KERNEL:
    case K_COPY:
    case K_MEMSET:
        return add_activity(ct, e, k, several, out);
    default:
        return add_slice(ct, e, k, threads, out);
    }
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int no_finish(const pl_ct *ct, const pl_ct_event *s, const pl_trace *out, pl_diag *d)
{
    const char *what = "activity", *name = "";
    for (size_t i = 0; i < out->nactivities; i++) {
        if (out->activities[i].correlation == s->id) {
            const int k = out->activities[i].kind;
            what = k == PL_ACTIVITY_KERNEL ? "kernel" : k == PL_ACTIVITY_COPY ? "copy" : "memset";
            name = ct->names.strings[out->activities[i].name]; /* not yet out's strings */
            break;
        }
    }
    return pl_diag_set(d, PL_ECONFIG,
                       "%s:%u:%u: flow '%s' id %llu points nowhere: its start ('s') has no "
                       "finish ('f'), though the %s it started, '%s' (correlation %llu), is "
                       "in the trace; expected a finish on it",
                       ct->path, s->where.line, s->where.column, pl_ct_key(ct, s->cat),
                       (unsigned long long)s->id, what, name, (unsigned long long)s->id);
}

/* A flow's id and category, to find finishes by. */
typedef struct flow_key {
    uint64_t id;
    uint32_t cat;
} flow_key;

static int flow_key_cmp(const void *a, const void *b)
{
    const flow_key *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->cat < y->cat ? -1 : x->cat > y->cat;
}

/* A flow start with no finish is normal where the call started nothing that was recorded
 * (the real traces have them); where its activity is in the trace, the finish that should
 * point at it is missing, and the flows cannot be trusted. */
static int check_finishes(const pl_ct *ct, const pl_trace *out, pl_diag *d)
{
    flow_key *fin = malloc((ct->nev ? ct->nev : 1) * sizeof *fin);
    uint64_t *corr = malloc((out->nactivities ? out->nactivities : 1) * sizeof *corr);
    int rc = fin && corr ? 0 : PL_ENOMEM;
    size_t nf = 0;
    for (size_t i = 0; !rc && i < ct->nev; i++)
        if (ct->ev[i].ph == 'f' && joins(ct, ct->ev[i].cat))
            fin[nf++] = (flow_key){ct->ev[i].id, ct->ev[i].cat};
    for (size_t i = 0; !rc && i < out->nactivities; i++)
        corr[i] = out->activities[i].correlation;
    if (!rc) {
        qsort(fin, nf, sizeof *fin, flow_key_cmp);
        qsort(corr, out->nactivities, sizeof *corr, u64_cmp);
    }
    for (size_t i = 0; !rc && i < ct->nev; i++) {
        const pl_ct_event *e = &ct->ev[i];
        flow_key k = {e->id, e->cat};
        if (e->ph == 's' && joins(ct, e->cat) && !bsearch(&k, fin, nf, sizeof *fin, flow_key_cmp) &&
            bsearch(&e->id, corr, out->nactivities, sizeof *corr, u64_cmp))
            rc = no_finish(ct, e, out, d);
    }
    free(fin);
    free(corr);
    return rc;
}

int pl_kineto_convert(const pl_ct *ct, pl_trace *out, pl_diag *d)
{
    uint32_t *bound = malloc((ct->nev ? ct->nev : 1) * sizeof *bound);
    uint32_t *threads = malloc((ct->keys.n ? ct->keys.n : 1) * sizeof *threads);
    int rc = bound && threads ? 0 : PL_ENOMEM;
    if (!rc)
        rc = pl_ct_bind_flows(ct, joins, bound, d);
    for (size_t i = 0; threads && i < ct->keys.n; i++)
        threads[i] = UINT32_MAX;
    bool several = several_devices(ct, kind_of);
    for (size_t i = 0; i < ct->nev && !rc; i++)
        rc = convert_event(ct, &ct->ev[i], threads, several, out);
    if (!rc)
        rc = check_finishes(ct, out, d);
    snprintf(out->format, sizeof out->format, "PyTorch profiler (Kineto), %s%s",
             rocm(ct) ? "ROCm" : "CUDA",
             several ? ", several devices (stream S of device D is D x 1000 + S)" : "");
    free(bound);
    free(threads);
    return rc;
}
