/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * replay_device.c — what each kept call did on the device, and the figures measured on
 * the device side.
 *
 * Walking the calls in op order (each stream runs its work in that order):
 *  - a copy or memset call that returned after its activity ended waited for it (a
 *    blocking copy): its launch is the part of the call before the activity started, its
 *    sync cost the part after the activity ended;
 *  - a sync waits for what its sync record names (Kineto's cuda_sync: the stream waited
 *    on, or the event's record); without records, a stream or event sync waits for the stream this
 *    thread launched on last, a device sync for every stream. Its cost is the part of the
 *    call after what it waited for had ended (all of it when that was already done);
 *  - records and waits keep the event numbers of the trace (the record's correlation).
 * Where the trace has no sync records at all, a device activity that started more than
 * PL_INFER_SLACK later than its stream and its launch allowed, within PL_INFER_SLACK of
 * the end of an activity launched before it on another stream, is taken to have waited
 * for that one: an inferred cross-stream wait.
 */
#include "sim/import/replay_ops.h"

#include <stdlib.h>
#include <string.h>

/* 50 us: ten times the launch-to-start of an idle stream on the A100 traces of
 * docs/replay.md (median 2 us), below the kernels a stream waits for there (NCCL kernels
 * of milliseconds); docs/replay.md gives what 10 us and 50 us gave. */
#define PL_INFER_SLACK 50000

static int64_t act_end(const pl_trace_activity *a)
{
    return a->ts + a->dur;
}

typedef struct stream_state {
    uint64_t id;
    size_t last;     /* the last activity launched on it so far, or NO_INDEX */
    size_t *ends;    /* rcall index of each activity so far, in stream order */
    size_t n, cap;
} stream_state;

typedef struct walk {
    pl_import *im;
    stream_state *streams;
    size_t nstreams;
    uint64_t *thread_stream; /* per thread: the stream it launched on last */
} walk;

static stream_state *stream_of(walk *w, uint64_t id)
{
    for (size_t i = 0; i < w->nstreams; i++)
        if (w->streams[i].id == id)
            return &w->streams[i];
    stream_state *grown = realloc(w->streams, (w->nstreams + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    w->streams = grown;
    w->streams[w->nstreams] = (stream_state){id, PL_NO_INDEX, NULL, 0, 0};
    return &w->streams[w->nstreams++];
}

static int push(stream_state *s, size_t call)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        size_t *grown = realloc(s->ends, cap * sizeof *grown);
        if (!grown)
            return PL_ENOMEM;
        s->ends = grown;
        s->cap = cap;
    }
    s->ends[s->n++] = call;
    return 0;
}

/* The end of the activity before the j-th of stream s, or INT64_MIN for its first. */
static int64_t prev_end(const walk *w, const stream_state *s, size_t j)
{
    const pl_import *im = w->im;
    return j > 0 ? act_end(&im->t->activities[im->calls[s->ends[j - 1]].activity]) : INT64_MIN;
}

/* The end of what a sync of stream `stream` (NONE: the device) waits for, now. */
static int64_t awaited_end(walk *w, uint64_t stream)
{
    const pl_trace *t = w->im->t;
    int64_t end = INT64_MIN;
    for (size_t i = 0; i < w->nstreams; i++) {
        const stream_state *s = &w->streams[i];
        if (s->last == PL_NO_INDEX || (stream != PL_TRACE_NONE && s->id != stream))
            continue;
        int64_t e = act_end(&t->activities[s->last]);
        end = e > end ? e : end;
    }
    return end;
}

static void resolve_sync(walk *w, pl_rcall *c)
{
    const pl_trace *t = w->im->t;
    const pl_trace_slice *s = &t->slices[c->slice];
    const pl_trace_sync *r = pl_import_sync_of(w->im, c->slice);
    c->stream = PL_TRACE_NONE;
    if (s->call == PL_CALL_SYNC_DEVICE) {
        c->stream = PL_TRACE_NONE;
    } else if (r && r->wait_on_stream != PL_TRACE_NONE) {
        c->stream = r->wait_on_stream;
    } else if (r && r->stream != PL_TRACE_NONE) {
        c->stream = r->stream;
    } else {
        c->stream = w->thread_stream[s->thread];
    }
    int64_t end = awaited_end(w, c->stream);
    int64_t from = end > s->ts ? end : s->ts;
    int64_t cost = s->ts + s->dur - from;
    c->sync = cost < 0 ? 0 : cost > s->dur ? s->dur : cost;
    w->im->syncs++;
}

static int resolve_launch(walk *w, size_t ci)
{
    pl_import *im = w->im;
    pl_rcall *c = &im->calls[ci];
    const pl_trace_slice *s = &im->t->slices[c->slice];
    const pl_trace_activity *a = &im->t->activities[c->activity];
    if (a->kind != PL_ACTIVITY_KERNEL && c->launch > 0 && s->ts + s->dur >= act_end(a) &&
        act_end(a) > s->ts) {
        c->sync = s->ts + s->dur - act_end(a); /* its launch is settled by settle_blocking */
        im->blocking++;
    }
    stream_state *st = stream_of(w, a->stream);
    if (!st)
        return PL_ENOMEM;
    st->last = c->activity;
    w->thread_stream[s->thread] = a->stream;
    im->activities++;
    im->kernels += a->kind == PL_ACTIVITY_KERNEL;
    im->copies += a->kind == PL_ACTIVITY_COPY;
    im->memsets += a->kind == PL_ACTIVITY_MEMSET;
    return push(st, ci);
}

/* Resolves every call in op order. */
static int resolve(walk *w)
{
    pl_import *im = w->im;
    for (size_t ci = 0; ci < im->ncalls; ci++) {
        pl_rcall *c = &im->calls[ci];
        const pl_trace_slice *s = &im->t->slices[c->slice];
        if (c->kind == PL_RCALL_LAUNCH) {
            int rc = resolve_launch(w, ci);
            if (rc != 0)
                return rc;
        } else if (c->kind == PL_RCALL_SYNC) {
            resolve_sync(w, c);
            const pl_trace_sync *r = pl_import_sync_of(im, c->slice);
            if (s->call == PL_CALL_SYNC_EVENT && r && r->record_correlation != PL_TRACE_NONE)
                c->event = r->record_correlation;
        } else if (c->kind == PL_RCALL_RECORD) {
            c->stream = im->record_stream[c->slice];
            c->event = s->correlation;
            im->records++;
        } else {
            const pl_trace_sync *r = pl_import_sync_of(im, c->slice);
            c->stream = r->stream;
            c->event = r->record_correlation;
            im->waits++;
        }
    }
    return 0;
}

typedef struct rec {
    uint64_t event;
    size_t call;
} rec;

static int cmp_rec(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    if (x->event != y->event)
        return x->event < y->event ? -1 : 1;
    return x->call < y->call ? -1 : x->call > y->call;
}

/* A wait or an event sync whose record is not among the calls before it cannot be
 * replayed: the wait is dropped, the sync becomes a sync of its stream. */
static int check_events(pl_import *im)
{
    rec *r = malloc((im->records ? im->records : 1) * sizeof *r);
    if (!r)
        return PL_ENOMEM;
    size_t n = 0;
    for (size_t ci = 0; ci < im->ncalls; ci++)
        if (im->calls[ci].kind == PL_RCALL_RECORD)
            r[n++] = (rec){im->calls[ci].event, ci};
    qsort(r, n, sizeof *r, cmp_rec);
    for (size_t ci = 0; ci < im->ncalls; ci++) {
        pl_rcall *c = &im->calls[ci];
        if (c->event == PL_TRACE_NONE || c->kind == PL_RCALL_RECORD)
            continue;
        rec probe = {c->event, 0};
        const rec *hit = NULL;
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cmp_rec(&r[mid], &probe) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < n && r[lo].event == c->event && r[lo].call < ci)
            hit = &r[lo];
        if (hit)
            continue;
        if (c->kind == PL_RCALL_WAIT) {
            c->kind = PL_RCALL_DROPPED;
            c->event = PL_TRACE_NONE;
            c->stream = PL_TRACE_NONE;
            im->waits--;
            im->dropped_calls++;
        } else {
            c->event = PL_TRACE_NONE;
        }
    }
    free(r);
    return 0;
}

/* A kernel that started more than 1 ms after its launch returned to an idle stream
 * waited for something else than its launch (hundreds of times the launch latency of the
 * traces of docs/replay.md, median 2 us): not a launch latency. */
#define PL_LATENCY_MAX 1000000

/* Launch-to-start of activities whose stream was idle when their launch returned, the
 * gap after the previous activity of those that were queued, and kernel launch calls. */
static int measure(walk *w)
{
    pl_import *im = w->im;
    const pl_trace *t = im->t;
    int64_t *lat = malloc((im->activities ? im->activities : 1) * sizeof *lat);
    int64_t *gap = malloc((im->activities ? im->activities : 1) * sizeof *gap);
    int64_t *cost = malloc((im->activities ? im->activities : 1) * sizeof *cost);
    if (!lat || !gap || !cost) {
        free(lat);
        free(gap);
        free(cost);
        return PL_ENOMEM;
    }
    size_t nl = 0, ng = 0, nc = 0;
    for (size_t i = 0; i < w->nstreams; i++) {
        const stream_state *s = &w->streams[i];
        for (size_t j = 0; j < s->n; j++) {
            const pl_rcall *c = &im->calls[s->ends[j]];
            const pl_trace_activity *a = &t->activities[c->activity];
            const pl_trace_slice *call = &t->slices[c->slice];
            int64_t ret = call->ts + call->dur, prev = prev_end(w, s, j);
            if (c->launch > 0 && call->call == PL_CALL_LAUNCH)
                cost[nc++] = call->dur;
            if (prev <= ret && a->kind == PL_ACTIVITY_KERNEL && c->sync < 0 &&
                a->ts - ret <= PL_LATENCY_MAX)
                lat[nl++] = a->ts > ret ? a->ts - ret : 0;
            else if (prev > ret && a->ts >= prev && a->kind == PL_ACTIVITY_KERNEL)
                gap[ng++] = a->ts - prev;
        }
    }
    im->latency = (pl_rstat){pl_median(lat, nl), nl};
    im->gap = (pl_rstat){pl_median(gap, ng), ng};
    im->launch_cost = (pl_rstat){pl_median(cost, nc), nc};
    free(lat);
    free(gap);
    free(cost);
    return 0;
}

/* A blocking copy's launch: the part of the call before the copy could start. When the
 * copy found its stream idle that is its start less the launch latency; when it was
 * queued behind earlier work the trace does not say, and the replay's queue makes the
 * wait, so it is 0. */
static void settle_blocking(walk *w)
{
    pl_import *im = w->im;
    const pl_trace *t = im->t;
    for (size_t i = 0; i < w->nstreams; i++) {
        const stream_state *s = &w->streams[i];
        for (size_t j = 0; j < s->n; j++) {
            pl_rcall *c = &im->calls[s->ends[j]];
            if (c->sync < 0)
                continue;
            const pl_trace_activity *a = &t->activities[c->activity];
            const pl_trace_slice *call = &t->slices[c->slice];
            int64_t prev = prev_end(w, s, j), before = a->ts - call->ts - im->latency.median;
            c->launch = prev >= a->ts ? 0 : before < 0 ? 0 : before > call->dur ? call->dur
                                                                                : before;
        }
    }
}

/* The activity launched before call `before` on stream s that ended last at or before
 * `ts`, within PL_INFER_SLACK of it; NO_INDEX when none. Ends on one stream increase. */
static size_t ended_just_before(const walk *w, const stream_state *s, size_t upto, int64_t ts)
{
    const pl_trace *t = w->im->t;
    size_t lo = 0, hi = upto;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (act_end(&t->activities[w->im->calls[s->ends[mid]].activity]) <= ts)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return PL_NO_INDEX;
    size_t ci = s->ends[lo - 1];
    return act_end(&t->activities[w->im->calls[ci].activity]) >= ts - PL_INFER_SLACK
               ? ci
               : PL_NO_INDEX;
}

/* How many activities of stream s were launched before call ci (in op order). */
static size_t launched_before(const stream_state *s, size_t ci)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ends[mid] < ci)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void infer_waits(walk *w)
{
    pl_import *im = w->im;
    const pl_trace *t = im->t;
    for (size_t i = 0; i < w->nstreams; i++) {
        const stream_state *s = &w->streams[i];
        for (size_t j = 0; j < s->n; j++) {
            pl_rcall *c = &im->calls[s->ends[j]];
            const pl_trace_activity *a = &t->activities[c->activity];
            const pl_trace_slice *call = &t->slices[c->slice];
            int64_t ready = call->ts + call->dur + im->latency.median, prev = prev_end(w, s, j);
            ready = prev > ready ? prev : ready;
            if (a->ts - ready <= PL_INFER_SLACK)
                continue;
            size_t best = PL_NO_INDEX;
            int64_t best_end = INT64_MIN;
            for (size_t o = 0; o < w->nstreams; o++) {
                if (o == i)
                    continue;
                const stream_state *other = &w->streams[o];
                size_t b = ended_just_before(w, other, launched_before(other, s->ends[j]), a->ts);
                if (b == PL_NO_INDEX)
                    continue;
                int64_t e = act_end(&t->activities[im->calls[b].activity]);
                if (e > best_end) {
                    best = b;
                    best_end = e;
                }
            }
            if (best == PL_NO_INDEX)
                continue;
            im->calls[best].record_after = best;
            c->wait_before = best;
            im->inferred_waits++;
        }
    }
}

/* The union over time of every replayed activity. */
static int busy(pl_import *im)
{
    const pl_trace *t = im->t;
    int64_t(*iv)[2] = malloc((im->activities ? im->activities : 1) * sizeof *iv);
    if (!iv)
        return PL_ENOMEM;
    size_t n = 0;
    for (size_t ci = 0; ci < im->ncalls; ci++)
        if (im->calls[ci].kind == PL_RCALL_LAUNCH) {
            const pl_trace_activity *a = &t->activities[im->calls[ci].activity];
            iv[n][0] = a->ts;
            iv[n++][1] = act_end(a);
        }
    int64_t *starts = malloc((n ? n : 1) * sizeof *starts);
    int64_t *ends = malloc((n ? n : 1) * sizeof *ends);
    if (!starts || !ends) {
        free(iv);
        free(starts);
        free(ends);
        return PL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        starts[i] = iv[i][0];
        ends[i] = iv[i][1];
    }
    pl_median(starts, n); /* sorts */
    pl_median(ends, n);
    /* Sweep: the device is busy while more activities have started than ended. A start at
     * the time of an end comes first, so that an activity of no duration ends after it
     * started. */
    int64_t total = 0, since = 0;
    size_t open = 0, i = 0, j = 0;
    while (j < n) {
        if (i < n && starts[i] <= ends[j]) {
            if (open++ == 0)
                since = starts[i];
            i++;
        } else {
            if (--open == 0)
                total += ends[j] - since;
            j++;
        }
    }
    im->device_busy = total;
    free(iv);
    free(starts);
    free(ends);
    return 0;
}

int pl_replay_device(pl_import *im, pl_diag *d)
{
    (void)d;
    walk w = {.im = im};
    w.thread_stream = malloc((im->t->nthreads ? im->t->nthreads : 1) * sizeof *w.thread_stream);
    if (!w.thread_stream)
        return PL_ENOMEM;
    for (size_t i = 0; i < im->t->nthreads; i++)
        w.thread_stream[i] = PL_TRACE_NONE;
    int rc = resolve(&w);
    if (rc == 0)
        rc = check_events(im);
    if (rc == 0)
        rc = measure(&w);
    if (rc == 0)
        settle_blocking(&w);
    if (rc == 0 && !im->explicit_syncs)
        infer_waits(&w);
    if (rc == 0)
        rc = busy(im);
    im->unmatched = im->t->nactivities - im->activities;
    for (size_t i = 0; i < w.nstreams; i++)
        free(w.streams[i].ends);
    free(w.streams);
    free(w.thread_stream);
    return rc;
}
