/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * analytic_wake.c — the analytic engine where threads pay to wake each other: the tasks'
 * events taken in time order.
 *
 * Where a thread pays to wake another (pl_host_scheduler.wake_cost), whether it pays for
 * an event depends on whether the other thread slept when the event came, that is on the
 * other thread's earlier times, which a topological order of the tasks may well place
 * later (a producer blocked on a full pool is woken by a consumer whose next frame comes
 * first in any such order). So this pass takes events in time order, as the SimGrid
 * engine meets them. A task is placed (its start and end worked out by the same recursion
 * as analytic.c's, pl_analytic_times) once the sources of its edges are placed and its
 * unit is free for it: its previous task ended and the waking after it done. Its start,
 * then its end, then waits in a heap ordered by time (at one time, starts before ends,
 * then by task). A unit has at most one task placed and not yet ended, and its events
 * come in time order, so the heap holds at most one event per unit: the events of all
 * tasks are merged unit by unit. At the start or end of task s, for each edge from that
 * event to a task d of another unit D that sleeps while it waits, s's unit owes its wake
 * cost when D slept at that moment: D's next task is d, and D became free for it more
 * than PL_ENGINE_PRECISION before. At the end of s its unit pays what it owes and is free
 * from end + that waking (pl_timeline.woke), so its next task may be placed.
 *
 * A decision at time T reads only when units became free before T - precision, which
 * ends taken before T have fixed: so the order of the events of one moment does not change
 * it, and the SimGrid engine, which decides in the same way at the moment of each event,
 * gives the same times.
 */
#include "sim/engine/analytic_impl.h"

#include <stdint.h>
#include <stdlib.h>

/* One event: the start (kind 0) or end (kind 1) of a task, keyed kind << 32 | task. */
struct event {
    double t;
    uint64_t key;
};

/* The events waiting, in a binary heap by (t, key). */
struct heap {
    struct event *at;
    size_t n;
};

static bool before(const struct event *a, const struct event *b)
{
    return a->t < b->t || (a->t == b->t && a->key < b->key);
}

static void heap_push(struct heap *h, double t, uint64_t key)
{
    size_t i = h->n++;
    struct event e = {t, key};
    while (i > 0 && before(&e, &h->at[(i - 1) / 2])) {
        h->at[i] = h->at[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->at[i] = e;
}

static struct event heap_pop(struct heap *h)
{
    struct event top = h->at[0], last = h->at[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && before(&h->at[c + 1], &h->at[c]))
            c++;
        if (!before(&h->at[c], &last))
            break;
        h->at[i] = h->at[c];
        i = c;
    }
    if (h->n > 0)
        h->at[i] = last;
    return top;
}

struct pass {
    const pl_graph *g;
    const pl_graph_change *c;
    struct unit_rule *rules;
    const struct times *tm;
    const uint32_t *first, *out; /* the plan's out-edges */
    uint32_t *missing;       /* the plan's: per task, its edges whose source is not placed yet */
    const uint32_t **tasks;  /* per unit: its tasks (pl_graph_unit_tasks) */
    uint32_t *ntasks;        /* per unit: how many */
    uint32_t *next;          /* per unit: how many of its tasks are done */
    double *owed;            /* per unit: the waking owed for its current task */
    uint32_t *ready, nready; /* tasks to place */
    struct heap heap;
    uint32_t placed;
    double last;
};

/* The task unit u waits for next, or PL_NO_EDGE when it has done them all. */
static inline uint32_t waits_for(const struct pass *p, uint32_t u)
{
    return p->next[u] < p->ntasks[u] ? p->tasks[u][p->next[u]] : PL_NO_EDGE;
}

int pl_wake_plan_build(struct pl_wake_plan *w, const pl_graph *g)
{
    *w = (struct pl_wake_plan){.g = g, .serial = pl_graph_serial(g)};
    int rc = pl_graph_out_edges(g, false, &w->first, &w->out);
    w->missing = malloc(((size_t)pl_graph_task_count(g) + 1) * sizeof *w->missing);
    if (rc || !w->missing) {
        pl_wake_plan_fini(w);
        return PL_ENOMEM;
    }
    return 0;
}

void pl_wake_plan_fini(struct pl_wake_plan *w)
{
    free(w->first);
    free(w->out);
    free(w->missing);
    *w = (struct pl_wake_plan){0};
}

/* Places the tasks made ready, and those that their placing makes ready. */
static void place_ready(struct pass *p)
{
    while (p->nready > 0) {
        uint32_t t = p->ready[--p->nready];
        uint32_t u = pl_graph_task_unit(p->g, t);
        double end = pl_analytic_times(p->g, p->c, &p->rules[u], p->tm, t);
        p->last = end > p->last ? end : p->last;
        p->placed++;
        heap_push(&p->heap, p->tm->start[t], t);
        for (uint32_t i = p->first[t]; i < p->first[t + 1]; i++) {
            uint32_t d = p->out[i] & ~PL_OUT_FROM_START;
            if (--p->missing[d] == 0 && waits_for(p, pl_graph_task_unit(p->g, d)) == d)
                p->ready[p->nready++] = d;
        }
    }
}

/* The waking owed for task t's start or end at time `at`: its edges from that event to a
 * task its sleeping unit waits for, free since before `at`. */
static void owe(struct pass *p, uint32_t t, bool start, double at)
{
    uint32_t s = pl_graph_task_unit(p->g, t);
    double cost = p->rules[s].wake_cost;
    if (cost <= 0)
        return;
    for (uint32_t i = p->first[t]; i < p->first[t + 1]; i++) {
        if (((p->out[i] & PL_OUT_FROM_START) != 0) != start)
            continue;
        uint32_t d = p->out[i] & ~PL_OUT_FROM_START, u = pl_graph_task_unit(p->g, d);
        if (u != s && p->rules[u].sleeps && waits_for(p, u) == d &&
            p->rules[u].ended < at - PL_ENGINE_PRECISION)
            p->owed[s] += cost;
    }
}

/* Task t has ended: its unit pays its waking and is free for its next task. */
static void finish(struct pass *p, uint32_t t)
{
    uint32_t u = pl_graph_task_unit(p->g, t);
    owe(p, t, false, p->tm->end[t]);
    p->rules[u].ended = p->tm->end[t] + p->owed[u];
    if (p->tm->woke)
        p->tm->woke[t] = p->owed[u];
    p->owed[u] = 0;
    p->next[u]++;
    uint32_t n = waits_for(p, u);
    if (n != PL_NO_EDGE && p->missing[n] == 0)
        p->ready[p->nready++] = n;
}

int pl_analytic_wake_pass(struct pl_wake_plan *w, const pl_graph_change *c, struct unit_rule *rules,
                          const struct times *tm, double *makespan)
{
    const pl_graph *g = w->g;
    uint32_t n = pl_graph_task_count(g), nu = pl_graph_unit_count(g);
    struct pass p = {.g = g,
                     .c = c,
                     .rules = rules,
                     .tm = tm,
                     .first = w->first,
                     .out = w->out,
                     .missing = w->missing};
    p.tasks = malloc(((size_t)nu + 1) * sizeof *p.tasks);
    p.ntasks = malloc(((size_t)nu + 1) * sizeof *p.ntasks);
    p.next = calloc((size_t)nu + 1, sizeof *p.next);
    p.owed = calloc((size_t)nu + 1, sizeof *p.owed);
    /* A task is made ready only when its unit waits for it: one at most per unit. */
    p.ready = malloc(((size_t)nu + 1) * sizeof *p.ready);
    p.heap.at = malloc(((size_t)nu + 1) * sizeof *p.heap.at);
    int rc = p.tasks && p.ntasks && p.next && p.owed && p.ready && p.heap.at ? 0 : PL_ENOMEM;
    if (rc == 0) {
        for (uint32_t t = 0; t < n; t++) {
            uint32_t e0;
            pl_graph_task_edges(g, t, &e0, &p.missing[t]);
        }
        for (uint32_t u = 0; u < nu; u++)
            p.tasks[u] = pl_graph_unit_tasks(g, u, &p.ntasks[u]);
        for (uint32_t u = 0; u < nu; u++) {
            uint32_t t = waits_for(&p, u);
            if (t != PL_NO_EDGE && p.missing[t] == 0)
                p.ready[p.nready++] = t;
        }
        place_ready(&p);
        while (p.heap.n > 0) {
            struct event e = heap_pop(&p.heap);
            uint32_t t = (uint32_t)e.key;
            if (e.key >> 32) {
                finish(&p, t);
            } else {
                owe(&p, t, true, e.t);
                heap_push(&p.heap, p.tm->end[t], (uint64_t)1 << 32 | t);
            }
            place_ready(&p);
        }
        rc = p.placed == n ? 0 : PL_EDEADLOCK;
    }
    *makespan = p.last;
    free(p.tasks);
    free(p.ntasks);
    free(p.next);
    free(p.owed);
    free(p.ready);
    free(p.heap.at);
    return rc;
}
