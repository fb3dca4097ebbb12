/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * replay_build.c — the host side of a replay: which steps and calls are kept, which op
 * each call belongs to, and the host time between calls.
 *
 * Steps are the ProfilerStep#N markers asked for, or, without markers, the whole span of
 * the calls. A call is kept when it started device work (its correlation names an
 * activity), synchronised (stream, device and event syncs), or recorded or waited for an
 * event whose stream the trace says; every other runtime call is host time. Each kept
 * call belongs to the outermost framework op around it on its thread; consecutive kept
 * calls of one thread, op and step make one op of the scenario, and the op list is in
 * the order the calls were made, so each stream's work stays in launch order.
 *
 * Host time: every moment of a thread between its kept calls is host work (framework
 * time, the runtime calls not kept, Python), counted from the start of the step for the
 * first call of a step, and up to the end of the step's marker after the main thread's
 * last call (the main thread is the one with the step markers). But a thread that made
 * no kept call for more than PL_IDLE_GAP while another thread did was waiting for it (the
 * main thread for the backward pass, the autograd thread for the forward pass): its next
 * op waits for the last call of another thread that ended in that gap, and only the time
 * after that call's end is host work.
 */
#include "sim/import/replay_ops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 1 ms: a hundred times the host time between the launches of an op on the traces of
 * docs/replay.md, and shorter than the forward or backward pass one thread waits for. */
#define PL_IDLE_GAP 1000000

/* ---- Steps ------------------------------------------------------------------------ */

static long long step_number(const char *name)
{
    const char *hash = strchr(name, '#');
    return hash ? strtoll(hash + 1, NULL, 10) : -1;
}

static int cmp_step(const void *a, const void *b)
{
    const pl_rstep *x = a, *y = b;
    return (x->ts > y->ts) - (x->ts < y->ts);
}

/* The step markers kept, in time order; none when the trace has no markers. */
static int pick_steps(pl_import *im, const pl_import_options *o, pl_diag *d)
{
    const pl_trace *t = im->t;
    size_t n = 0;
    long long lo = -1, hi = -1;
    for (size_t i = 0; i < t->nslices; i++)
        if (t->slices[i].kind == PL_SLICE_STEP)
            n++;
    im->steps = calloc(n ? n : 1, sizeof *im->steps);
    if (!im->steps)
        return PL_ENOMEM;
    for (size_t i = 0; i < t->nslices; i++) {
        const pl_trace_slice *s = &t->slices[i];
        if (s->kind != PL_SLICE_STEP)
            continue;
        long long num = step_number(pl_trace_string(t, s->name));
        lo = lo < 0 || num < lo ? num : lo;
        hi = num > hi ? num : hi;
        if (o->steps && (num < o->first || num > o->last))
            continue;
        im->steps[im->nsteps++] = (pl_rstep){s->name, s->ts, s->ts + s->dur, 0, 0};
        im->main_thread = s->thread;
    }
    if (o->steps && n == 0)
        return pl_diag_set(d, PL_ECONFIG,
                           "--steps %lld:%lld: expected ProfilerStep#N markers in the trace, "
                           "found none; leave --steps out to replay the whole trace",
                           o->first, o->last);
    if (o->steps && im->nsteps == 0)
        return pl_diag_set(d, PL_ECONFIG,
                           "--steps %lld:%lld: expected steps the trace has, "
                           "ProfilerStep#%lld to #%lld",
                           o->first, o->last, lo, hi);
    qsort(im->steps, im->nsteps, sizeof *im->steps, cmp_step);
    return 0;
}

/* ---- Calls kept ------------------------------------------------------------------- */

typedef struct kept {
    size_t slice;
    size_t op;    /* the outermost op slice around it, or PL_NO_INDEX */
    size_t step;
} kept;

static bool is_sync(uint8_t call)
{
    return call == PL_CALL_SYNC_STREAM || call == PL_CALL_SYNC_DEVICE ||
           call == PL_CALL_SYNC_EVENT;
}

/* Whether call slice i is kept (see the top of this file). Records are kept when a sync
 * record names them (their stream is known then); stream waits when their own sync record
 * names the stream that waits and a record kept. */
static bool keep_call(const pl_import *im, size_t i)
{
    const pl_trace_slice *s = &im->t->slices[i];
    size_t first, n;
    pl_import_activities_of(im, i, &first, &n);
    if (n > 0 || is_sync(s->call))
        return true;
    if (s->call == PL_CALL_RECORD)
        return im->record_stream[i] != PL_TRACE_NONE;
    if (s->call == PL_CALL_WAIT_EVENT) {
        const pl_trace_sync *r = pl_import_sync_of(im, i);
        return r && r->stream != PL_TRACE_NONE && r->record_correlation != PL_TRACE_NONE;
    }
    return false;
}

static int cmp_slice_time(const void *a, const void *b, const pl_trace *t)
{
    const pl_trace_slice *x = &t->slices[*(const size_t *)a], *y = &t->slices[*(const size_t *)b];
    if (x->thread != y->thread)
        return x->thread < y->thread ? -1 : 1;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->dur != y->dur)
        return x->dur > y->dur ? -1 : 1; /* the enclosing slice first */
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static const pl_trace *sort_trace; /* qsort has no context argument in C11 */

static int cmp_by_thread_time(const void *a, const void *b)
{
    return cmp_slice_time(a, b, sort_trace);
}

static int cmp_kept_time(const void *a, const void *b)
{
    const kept *x = a, *y = b;
    const pl_trace_slice *p = &sort_trace->slices[x->slice], *q = &sort_trace->slices[y->slice];
    if (p->ts != q->ts)
        return p->ts < q->ts ? -1 : 1;
    return x->slice < y->slice ? -1 : x->slice > y->slice;
}

/* The step a call at `ts` belongs to: the last one that started at or before it; NO_INDEX
 * before the first or after the last one's end. */
static size_t step_at(const pl_import *im, int64_t ts)
{
    if (im->nsteps == 0 || ts < im->steps[0].ts || ts >= im->steps[im->nsteps - 1].end)
        return PL_NO_INDEX;
    size_t lo = 0, hi = im->nsteps;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (im->steps[mid].ts <= ts)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Every kept call with its outermost op and its step, in time order, into *out. */
static int gather(pl_import *im, kept **out, size_t *nout)
{
    const pl_trace *t = im->t;
    size_t n = 0;
    for (size_t i = 0; i < t->nslices; i++)
        if (t->slices[i].kind != PL_SLICE_STEP)
            n++;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    kept *k = malloc((n ? n : 1) * sizeof *k);
    if (!order || !k) {
        free(order);
        free(k);
        return PL_ENOMEM;
    }
    n = 0;
    for (size_t i = 0; i < t->nslices; i++)
        if (t->slices[i].kind != PL_SLICE_STEP)
            order[n++] = i;
    sort_trace = t;
    qsort(order, n, sizeof *order, cmp_by_thread_time);
    size_t m = 0, op = PL_NO_INDEX;
    int64_t op_end = 0;
    uint32_t thread = UINT32_MAX;
    for (size_t j = 0; j < n; j++) {
        const pl_trace_slice *s = &t->slices[order[j]];
        if (s->thread != thread) {
            thread = s->thread;
            op = PL_NO_INDEX;
        }
        if (op != PL_NO_INDEX && s->ts >= op_end)
            op = PL_NO_INDEX;
        if (s->kind == PL_SLICE_OP && op == PL_NO_INDEX) {
            op = order[j];
            op_end = s->ts + s->dur;
        }
        if (s->kind != PL_SLICE_CALL || !keep_call(im, order[j]))
            continue;
        size_t step = im->nsteps ? step_at(im, s->ts) : 0;
        if (step != PL_NO_INDEX)
            k[m++] = (kept){order[j], op, step};
    }
    free(order);
    qsort(k, m, sizeof *k, cmp_kept_time);
    *out = k;
    *nout = m;
    return 0;
}

/* Without markers: one step over the whole span of the kept calls, their ops and the
 * device work they started. */
static int whole_trace_step(pl_import *im, const kept *k, size_t n)
{
    const pl_trace *t = im->t;
    free(im->steps);
    im->steps = calloc(1, sizeof *im->steps);
    if (!im->steps)
        return PL_ENOMEM;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t j = 0; j < n; j++) {
        const pl_trace_slice *s = &t->slices[k[j].slice];
        const pl_trace_slice *o = k[j].op != PL_NO_INDEX ? &t->slices[k[j].op] : s;
        lo = o->ts < lo ? o->ts : lo;
        hi = o->ts + o->dur > hi ? o->ts + o->dur : hi;
        hi = s->ts + s->dur > hi ? s->ts + s->dur : hi;
        size_t first, na;
        pl_import_activities_of(im, k[j].slice, &first, &na);
        for (size_t a = 0; a < na; a++) {
            const pl_trace_activity *act = &t->activities[im->by_corr[first + a]];
            hi = act->ts + act->dur > hi ? act->ts + act->dur : hi;
        }
    }
    im->steps[0] = (pl_rstep){PL_TRACE_NO_STRING, lo, hi, 0, 0};
    im->nsteps = 1;
    return 0;
}

static size_t new_op(pl_import *im)
{
    if (im->nops == im->cap_ops) {
        size_t cap = im->cap_ops ? 2 * im->cap_ops : 1024;
        pl_rop *grown = realloc(im->ops, cap * sizeof *grown);
        if (!grown)
            return PL_NO_INDEX;
        im->ops = grown;
        im->cap_ops = cap;
    }
    memset(&im->ops[im->nops], 0, sizeof im->ops[im->nops]);
    return im->nops++;
}

/* The calls of kept call k: a launch per activity it started (the first carries the call's
 * time), or one sync, record or wait. Returns 0 or PL_ENOMEM. */
static int add_calls(pl_import *im, const kept *k, int64_t host)
{
    const pl_trace_slice *s = &im->t->slices[k->slice];
    size_t first, n;
    pl_import_activities_of(im, k->slice, &first, &n);
    for (size_t a = 0; a < (n ? n : 1); a++) {
        size_t c = pl_import_new_call(im);
        if (c == PL_NO_INDEX)
            return PL_ENOMEM;
        pl_rcall *rc = &im->calls[c];
        rc->slice = k->slice;
        rc->host = a == 0 ? host : 0;
        rc->launch = a == 0 ? s->dur : 0;
        if (n > 0) {
            rc->kind = PL_RCALL_LAUNCH;
            rc->activity = im->by_corr[first + a];
            rc->stream = im->t->activities[rc->activity].stream;
        } else if (is_sync(s->call)) {
            rc->kind = PL_RCALL_SYNC;
            rc->launch = 0;
        } else {
            rc->kind = s->call == PL_CALL_RECORD ? PL_RCALL_RECORD : PL_RCALL_WAIT;
        }
    }
    return 0;
}

/* The last call of another thread than th's that ended in [from, to], as the index of its
 * last call in im->calls; PL_NO_INDEX when none did or the gap is short. last[u] is thread
 * u's latest kept call so far (NO_INDEX: none). */
static size_t waited_for(const pl_import *im, uint32_t th, int64_t from, int64_t to,
                         const size_t *last, size_t nt)
{
    if (to - from <= PL_IDLE_GAP)
        return PL_NO_INDEX;
    size_t best = PL_NO_INDEX;
    int64_t best_end = INT64_MIN;
    for (size_t u = 0; u < nt; u++) {
        if (u == th || last[u] == PL_NO_INDEX)
            continue;
        const pl_trace_slice *s = &im->t->slices[im->calls[last[u]].slice];
        int64_t end = s->ts + s->dur;
        if (end >= from && end <= to && end > best_end) {
            best = last[u];
            best_end = end;
        }
    }
    return best;
}

/* Whether the main thread made one of the kept calls of the step of k[j], the step's
 * first (k is in time order, so a step's calls are together); true without markers. */
static bool main_calls(const pl_import *im, const kept *k, size_t n, size_t j)
{
    if (im->steps[k[j].step].name == PL_TRACE_NO_STRING)
        return true;
    for (size_t i = j; i < n && k[i].step == k[j].step; i++)
        if (im->t->slices[k[i].slice].thread == im->main_thread)
            return true;
    return false;
}

/* Makes the ops and their host times from the kept calls, in time order. */
static int make_ops(pl_import *im, const kept *k, size_t n)
{
    const pl_trace *t = im->t;
    size_t nt = t->nthreads ? t->nthreads : 1;
    int64_t *cursor = calloc(nt, sizeof *cursor);
    size_t *last = malloc(nt * sizeof *last), *last_call = malloc(nt * sizeof *last_call);
    if (!cursor || !last || !last_call) {
        free(cursor);
        free(last);
        free(last_call);
        return PL_ENOMEM;
    }
    for (size_t i = 0; i < nt; i++)
        last[i] = last_call[i] = PL_NO_INDEX;
    int rc = 0;
    size_t prev = PL_NO_INDEX;
    for (size_t j = 0; j < n && rc == 0; j++) {
        const pl_trace_slice *s = &t->slices[k[j].slice];
        uint32_t th = s->thread;
        const pl_rstep *st = &im->steps[k[j].step];
        if ((j == 0 || k[j].step != k[j - 1].step) && !main_calls(im, k, n, j)) {
            /* a step whose main thread made no call the replay keeps: its marker's span
             * on the main thread, as host time */
            size_t o = new_op(im);
            if (o == PL_NO_INDEX) {
                rc = PL_ENOMEM;
                break;
            }
            im->ops[o] = (pl_rop){st->name, im->main_thread, k[j].step, 0, st->end - st->ts,
                                  im->ncalls, 0, PL_NO_INDEX};
            last[im->main_thread] = o;
            cursor[im->main_thread] = st->end;
            prev = PL_NO_INDEX;
        }
        size_t lo = last[th];
        bool same = prev != PL_NO_INDEX && prev == lo && im->ops[lo].step == k[j].step &&
                    k[j - 1].op == k[j].op && t->slices[k[j - 1].slice].thread == th;
        int64_t gap;
        if (lo == PL_NO_INDEX || im->ops[lo].step != k[j].step) {
            if (lo != PL_NO_INDEX) {
                const pl_rstep *ps = &im->steps[im->ops[lo].step];
                int64_t until = th == im->main_thread ? ps->end
                                : im->ops[lo].step + 1 < im->nsteps
                                    ? im->steps[im->ops[lo].step + 1].ts
                                    : ps->end;
                /* another thread's idle end of a step is not work (see the top) */
                if (until > cursor[th] &&
                    (th == im->main_thread || until - cursor[th] <= PL_IDLE_GAP))
                    im->ops[lo].trailing += until - cursor[th];
            }
            gap = s->ts - st->ts;
        } else {
            gap = s->ts - cursor[th];
        }
        gap = gap > 0 ? gap : 0;
        if (!same) {
            size_t o = new_op(im);
            if (o == PL_NO_INDEX) {
                rc = PL_ENOMEM;
                break;
            }
            const pl_trace_slice *opslice = k[j].op != PL_NO_INDEX ? &t->slices[k[j].op] : s;
            size_t after = waited_for(im, th, s->ts - gap, s->ts, last_call, nt);
            if (after != PL_NO_INDEX) {
                const pl_trace_slice *sig = &t->slices[im->calls[after].slice];
                gap = s->ts - (sig->ts + sig->dur);
                im->calls[after].signal = true;
                im->joins++;
            }
            im->ops[o] = (pl_rop){opslice->name, th, k[j].step, gap, 0, im->ncalls, 0, after};
            last[th] = prev = o;
            gap = 0;
        }
        size_t before = im->ncalls;
        rc = add_calls(im, &k[j], gap);
        im->ops[last[th]].ncalls += im->ncalls - before;
        if (rc == 0)
            last_call[th] = im->ncalls - 1;
        int64_t end = s->ts + s->dur;
        cursor[th] = end > cursor[th] ? end : cursor[th];
    }
    /* The main thread's last op of the last step runs on to the end of its marker; a
     * thread's last op to the end of its outermost op. */
    for (size_t th = 0; th < nt && rc == 0; th++) {
        if (last[th] == PL_NO_INDEX)
            continue;
        const pl_rstep *ps = &im->steps[im->ops[last[th]].step];
        if (th == im->main_thread && ps->name != PL_TRACE_NO_STRING && ps->end > cursor[th])
            im->ops[last[th]].trailing += ps->end - cursor[th];
    }
    for (size_t i = 0; i < nt; i++)
        im->nthreads_used += last[i] != PL_NO_INDEX;
    free(cursor);
    free(last);
    free(last_call);
    return rc;
}

static void count_steps(pl_import *im)
{
    for (size_t s = 0; s < im->nsteps; s++)
        im->steps[s].nops = 0;
    for (size_t o = 0; o < im->nops; o++) {
        pl_rstep *st = &im->steps[im->ops[o].step];
        if (st->nops == 0)
            st->first = o;
        st->nops++;
    }
}

/* A scenario's times are at most 1e6 s (sim/common/units.c), and the replay's times are
 * differences of the trace's: a trace whose events span more cannot be written as one.
 * Refused, naming the event that ends last, before any sum of its times is taken. */
#define PL_SPAN_MAX_NS 1e15
static int check_span(const pl_trace *t, const char *source, pl_diag *d)
{
    double first = INFINITY, last = -INFINITY;
    pl_trace_where where = {0, 0};
    for (size_t i = 0; i < t->nslices + t->nactivities; i++) {
        bool slice = i < t->nslices;
        const pl_trace_slice *sl = slice ? &t->slices[i] : NULL;
        const pl_trace_activity *a = slice ? NULL : &t->activities[i - t->nslices];
        double ts = slice ? (double)sl->ts : (double)a->ts;
        double end = ts + (slice ? (double)sl->dur : (double)a->dur);
        first = ts < first ? ts : first;
        if (end > last) {
            last = end;
            where = slice ? sl->where : a->where;
        }
    }
    if (last - first <= PL_SPAN_MAX_NS && last < 0x1p62)
        return 0;
    return pl_diag_set(d, PL_ECONFIG,
                       "%s:%u:%u: expected a trace whose events span at most 1e6 s (a "
                       "scenario's times are at most that), found an event ending %.6g s "
                       "after the first began",
                       source, where.line, where.column, (last - first) * 1e-9);
}

int pl_import_build(const pl_trace *t, const char *source, const pl_import_options *o,
                    pl_import **out, pl_diag *d)
{
    int span = check_span(t, source, d);
    if (span != 0)
        return span;
    pl_import *im = calloc(1, sizeof *im);
    if (!im)
        return pl_diag_set(d, PL_ENOMEM, "out of memory importing the trace");
    im->t = t;
    im->source = source;
    kept *k = NULL;
    size_t n = 0;
    int rc = pl_import_index(im);
    if (rc == 0)
        rc = pick_steps(im, o, d);
    if (rc == 0)
        rc = gather(im, &k, &n);
    if (rc == 0 && im->nsteps == 0)
        rc = whole_trace_step(im, k, n);
    if (rc == 0 && n == 0)
        rc = pl_diag_set(d, PL_ECONFIG,
                         "%s: expected runtime calls that launch device work in the steps "
                         "kept, found none",
                         source);
    if (rc == 0 && im->nsteps == 1 && im->steps[0].name == PL_TRACE_NO_STRING) {
        /* the main thread: the one that made the most kept calls */
        size_t *count = calloc(t->nthreads ? t->nthreads : 1, sizeof *count);
        if (!count)
            rc = PL_ENOMEM;
        for (size_t j = 0; count && j < n; j++)
            count[t->slices[k[j].slice].thread]++;
        for (size_t th = 0; count && th < t->nthreads; th++)
            if (count[th] > count[im->main_thread])
                im->main_thread = (uint32_t)th;
        free(count);
    }
    im->explicit_syncs = t->nsyncs > 0;
    if (rc == 0)
        rc = make_ops(im, k, n);
    free(k);
    if (rc == 0) {
        count_steps(im);
        rc = pl_replay_device(im, d);
    }
    if (rc != 0) {
        pl_import_destroy(im);
        return rc == PL_ENOMEM ? pl_diag_set(d, rc, "out of memory importing the trace") : rc;
    }
    *out = im;
    return 0;
}

void pl_import_destroy(pl_import *im)
{
    if (!im)
        return;
    free(im->by_corr);
    free(im->syncs_by_corr);
    free(im->record_stream);
    free(im->steps);
    free(im->ops);
    free(im->calls);
    free(im);
}
