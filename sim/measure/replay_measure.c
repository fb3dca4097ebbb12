/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * replay_measure.c — a replayed run measured as its trace was: each step's span, the
 * union of the device's activity over the steps, and the device's idle time by cause.
 *
 * The device is every device place taken together: it is idle at an instant when no
 * task of any device place runs. Its idle intervals (gaps) are found once, from the
 * device tasks sorted by start; each gap takes the cause of the device task that ends
 * it (docs/replay.md, "Replay measure"), and each step adds up the parts of the gaps
 * inside its span.
 *
 * Invariant: within a step's span, the idle time by cause and the time some device task
 * runs add up to the span, since every instant is in exactly one merged interval of
 * device activity or one gap. Cost: O(n log n) in tasks (one sort of the device tasks,
 * a binary search per gap and per step) when the steps do not overlap.
 */
#include "sim/measure/replay.h"

#include <math.h>
#include <stdlib.h>

#define NO_STEP UINT32_MAX

/* A device task's run, for sorting. */
typedef struct run {
    double start, end;
    uint32_t task;
} run;

/* An interval with no device task running, and why. */
typedef struct gap {
    double from, to;
    pl_idle_cause cause;
} gap;

/* What the measure works with. */
typedef struct ctx {
    const pl_graph *g;
    const pl_timeline *t;
    uint32_t *step_of; /* per item: its step, or NO_STEP */
    uint64_t nitems;
    uint32_t *cum_off; /* per unit: where its counts start in cum */
    uint32_t *cum;     /* per unit, n + 1 counts: sync tasks among its first i tasks */
} ctx;

static bool on_device(const pl_graph *g, uint32_t task)
{
    uint32_t place = pl_graph_unit_place(g, pl_graph_task_unit(g, task));
    return pl_graph_place_kind(g, place) == PL_PLACE_DEVICE;
}

static bool ran(const pl_timeline *t, uint32_t task)
{
    return isfinite(t->start[task]) && isfinite(t->end[task]);
}

static uint32_t step_of_task(const ctx *c, uint32_t task)
{
    uint32_t item = pl_graph_task_item(c->g, task);
    return item < c->nitems ? c->step_of[item] : NO_STEP;
}

/* A sync task: a host task that waits (a SYNC edge) for a device task. */
static bool is_sync_task(const pl_graph *g, uint32_t task)
{
    if (on_device(g, task))
        return false;
    uint32_t first, n;
    pl_graph_task_edges(g, task, &first, &n);
    for (uint32_t i = 0; i < n; i++) {
        const pl_edge *e = pl_graph_edge(g, first + i);
        if (e->kind == PL_EDGE_SYNC && on_device(g, e->src))
            return true;
    }
    return false;
}

/* Per unit, how many of its first i tasks are sync tasks. */
static int count_syncs(ctx *c)
{
    uint32_t nunits = pl_graph_unit_count(c->g);
    c->cum_off = malloc(((size_t)nunits + 1) * sizeof *c->cum_off);
    c->cum = malloc(((size_t)pl_graph_task_count(c->g) + nunits) * sizeof *c->cum);
    if (!c->cum_off || !c->cum)
        return PL_ENOMEM;
    uint32_t at = 0;
    for (uint32_t u = 0; u < nunits; u++) {
        uint32_t n;
        const uint32_t *tasks = pl_graph_unit_tasks(c->g, u, &n);
        c->cum_off[u] = at;
        c->cum[at] = 0;
        for (uint32_t i = 0; i < n; i++)
            c->cum[at + i + 1] = c->cum[at + i] + (is_sync_task(c->g, tasks[i]) ? 1 : 0);
        at += n + 1;
    }
    return 0;
}

/* The first of unit's n tasks (in run order, so with starts and ends in order) whose end
 * (by_end) or start comes after x (by_end) or at or after it. */
static uint32_t first_past(const ctx *c, const uint32_t *tasks, uint32_t n, double x, bool by_end)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        bool past = by_end ? c->t->end[tasks[mid]] > x : c->t->start[tasks[mid]] >= x;
        if (past)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Whether unit ran a sync task at some time in (from, to). */
static bool synced_during(const ctx *c, uint32_t unit, double from, double to)
{
    uint32_t n;
    const uint32_t *tasks = pl_graph_unit_tasks(c->g, unit, &n);
    uint32_t lo = first_past(c, tasks, n, from, true);
    uint32_t hi = first_past(c, tasks, n, to, false);
    const uint32_t *cum = c->cum + c->cum_off[unit];
    return hi > lo && cum[hi] > cum[lo];
}

/* How far back the chain of host tasks that released a launch is followed. */
#define PL_IDLE_CHAIN 8

/* Why the device sat idle in (from, to) until device task `task` started. */
static pl_idle_cause cause_of(const ctx *c, uint32_t task, double from, double to)
{
    uint32_t e = c->t->release[task];
    if (e == PL_NO_EDGE)
        return PL_IDLE_OTHER;
    const pl_edge *edge = pl_graph_edge(c->g, e);
    if (edge->kind == PL_EDGE_STREAM)
        return PL_IDLE_STREAM;
    if (edge->kind != PL_EDGE_ISSUE)
        return PL_IDLE_OTHER;
    /* The launch, and the host tasks that released it within the gap (a pipelined
     * dispatch's Resize and InferShape, PL_IDLE_CHAIN deep at most): any of them released
     * by a sync, or on a thread that synced during the gap, makes it a wait for a sync. */
    uint32_t host = edge->src;
    for (int depth = 0; depth < PL_IDLE_CHAIN; depth++) {
        uint32_t he = c->t->release[host];
        if (he != PL_NO_EDGE && pl_graph_edge(c->g, he)->kind == PL_EDGE_SYNC)
            return PL_IDLE_SYNC;
        if (synced_during(c, pl_graph_task_unit(c->g, host), from, to))
            return PL_IDLE_SYNC;
        if (he == PL_NO_EDGE)
            break;
        uint32_t src = pl_graph_edge(c->g, he)->src;
        if (on_device(c->g, src) || !(c->t->end[src] > from))
            break;
        host = src;
    }
    return PL_IDLE_HOST;
}

static int by_start(const void *a, const void *b)
{
    const run *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->task < y->task ? -1 : x->task > y->task;
}

/* Every device task that ran for some time, sorted by start (ties by task id): *runs,
 * *n of them. */
static int device_runs(const ctx *c, run **runs, size_t *n)
{
    uint32_t ntasks = pl_graph_task_count(c->g);
    *n = 0;
    *runs = malloc(((size_t)ntasks + 1) * sizeof **runs);
    if (!*runs)
        return PL_ENOMEM;
    for (uint32_t i = 0; i < ntasks; i++)
        if (ran(c->t, i) && c->t->end[i] > c->t->start[i] && on_device(c->g, i))
            (*runs)[(*n)++] = (run){c->t->start[i], c->t->end[i], i};
    qsort(*runs, *n, sizeof **runs, by_start);
    return 0;
}

/* The length of the union of the runs of the steps' items. */
static double busy_union(const ctx *c, const run *runs, size_t n)
{
    double busy = 0, from = 0, to = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (step_of_task(c, runs[i].task) == NO_STEP)
            continue;
        if (runs[i].start > to) {
            if (to > from)
                busy += to - from;
            from = runs[i].start;
        }
        if (runs[i].end > to)
            to = runs[i].end;
    }
    return to > from ? busy + (to - from) : busy;
}

/* The gaps between the merged runs, from -inf to the first and from the last to +inf (no
 * task ends that one: the host launched nothing more). *gaps has n + 1 entries room. */
static size_t find_gaps(const ctx *c, const run *runs, size_t n, gap *gaps)
{
    size_t ngaps = 0;
    double to = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (runs[i].start > to)
            gaps[ngaps++] = (gap){to, runs[i].start, cause_of(c, runs[i].task, to, runs[i].start)};
        if (runs[i].end > to)
            to = runs[i].end;
    }
    gaps[ngaps++] = (gap){to, INFINITY, PL_IDLE_HOST};
    return ngaps;
}

/* Adds the idle time inside [from, to] to idle: after `last` (the end of the step's last
 * device task) it is starved by host, before it the cause of its gap. */
static void add_idle(const gap *gaps, size_t ngaps, double from, double to, double last,
                     double *idle)
{
    size_t lo = 0, hi = ngaps;
    while (lo < hi) { /* the first gap that ends after `from` */
        size_t mid = lo + (hi - lo) / 2;
        if (gaps[mid].to > from)
            hi = mid;
        else
            lo = mid + 1;
    }
    for (size_t i = lo; i < ngaps && gaps[i].from < to; i++) {
        double a = gaps[i].from > from ? gaps[i].from : from;
        double b = gaps[i].to < to ? gaps[i].to : to;
        if (b > a)
            idle[gaps[i].from >= last ? PL_IDLE_HOST : gaps[i].cause] += b - a;
    }
}

/* Per step: its span (first start, last end of its tasks that count) and the end of its
 * last device task; lo > hi for a step with no task that counts. */
static void step_spans(const ctx *c, const pl_replay *r, double *lo, double *hi, double *last)
{
    for (size_t s = 0; s < r->nsteps; s++) {
        lo[s] = INFINITY;
        hi[s] = last[s] = -INFINITY;
    }
    uint32_t ntasks = pl_graph_task_count(c->g);
    for (uint32_t i = 0; i < ntasks; i++) {
        uint32_t s = step_of_task(c, i);
        if (s == NO_STEP || !ran(c->t, i))
            continue;
        bool device = on_device(c->g, i);
        if (device && c->t->end[i] > last[s])
            last[s] = c->t->end[i];
        if (device && r->steps[s].host_span)
            continue;
        if (c->t->start[i] < lo[s])
            lo[s] = c->t->start[i];
        if (c->t->end[i] > hi[s])
            hi[s] = c->t->end[i];
    }
}

/* Which step each item is in; the later step wins an item two steps name. */
static int map_items(ctx *c, const pl_replay *r)
{
    c->nitems = pl_graph_item_span(c->g);
    c->step_of = malloc(((size_t)c->nitems + 1) * sizeof *c->step_of);
    if (!c->step_of)
        return PL_ENOMEM;
    for (uint64_t i = 0; i < c->nitems; i++)
        c->step_of[i] = NO_STEP;
    for (size_t s = 0; s < r->nsteps; s++)
        for (uint64_t i = r->steps[s].first; i < r->steps[s].end && i < c->nitems; i++)
            c->step_of[i] = (uint32_t)s;
    return 0;
}

static int measure(ctx *c, const pl_replay *r, pl_replay_result *out, run **runs, gap **gaps,
                   double **spans)
{
    size_t n;
    int rc = map_items(c, r);
    if (rc == 0)
        rc = count_syncs(c);
    if (rc == 0)
        rc = device_runs(c, runs, &n);
    if (rc != 0)
        return rc;
    *gaps = malloc((n + 1) * sizeof **gaps);
    *spans = malloc((3 * r->nsteps + 1) * sizeof **spans);
    out->simulated = malloc((r->nsteps + 1) * sizeof *out->simulated);
    if (!*gaps || !*spans || !out->simulated)
        return PL_ENOMEM;
    out->device_busy = busy_union(c, *runs, n);
    size_t ngaps = find_gaps(c, *runs, n, *gaps);
    double *lo = *spans, *hi = lo + r->nsteps, *last = hi + r->nsteps;
    step_spans(c, r, lo, hi, last);
    for (size_t s = 0; s < r->nsteps; s++) {
        out->simulated[s] = lo[s] <= hi[s] ? hi[s] - lo[s] : NAN;
        if (lo[s] <= hi[s])
            add_idle(*gaps, ngaps, lo[s], hi[s], last[s], out->device_idle);
    }
    return 0;
}

int pl_replay_measure(const pl_graph *g, const pl_timeline *t, const pl_replay *r,
                      pl_replay_result *out)
{
    *out = (pl_replay_result){0};
    ctx c = {.g = g, .t = t};
    run *runs = NULL;
    gap *gaps = NULL;
    double *spans = NULL;
    int rc = measure(&c, r, out, &runs, &gaps, &spans);
    free(runs);
    free(gaps);
    free(spans);
    free(c.step_of);
    free(c.cum_off);
    free(c.cum);
    if (rc != 0)
        pl_replay_result_fini(out);
    return rc;
}
