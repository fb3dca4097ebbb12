/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * places.c — a sweep over the start and end events of each place's tasks.
 *
 * Each unit's tasks are already in time order, so the place's events come from a
 * merge of its units' streams (a heap of one cursor per unit) rather than a sort of
 * them all. At equal times ends come before starts, so a pipe that hands over to
 * itself or another pipe back to back counts as neither a gap nor an overlap.
 */
#include "sim/measure/places.h"

#include "sim/common/error.h"

#include <stdbool.h>
#include <stdlib.h>

/* One unit's events in time order: the start and end of each of its tasks that takes
 * time. A unit runs one task at a time, in order, so these never go back in time. */
struct cursor {
    const uint32_t *tasks;
    uint32_t n, i; /* tasks[i] is the task of the current event */
    double at;     /* the current event's time */
    int step;      /* +1 a start, -1 an end; 0 before the first event */
};

/* Moves c to its next event: the end of the task whose start it is at, else the start
 * of the next task that takes time. False when none is left. */
static bool advance(struct cursor *c, const pl_timeline *tl)
{
    if (c->step == +1) {
        c->at = tl->end[c->tasks[c->i]];
        c->step = -1;
        return true;
    }
    if (c->step == -1)
        c->i++;
    while (c->i < c->n && !(tl->end[c->tasks[c->i]] > tl->start[c->tasks[c->i]]))
        c->i++;
    if (c->i >= c->n)
        return false;
    c->at = tl->start[c->tasks[c->i]];
    c->step = +1;
    return true;
}

/* Heap order: earlier first, and at equal times ends before starts. */
static bool before(const struct cursor *a, const struct cursor *b)
{
    return a->at < b->at || (a->at == b->at && a->step < b->step);
}

static void sift_down(struct cursor **h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && before(h[l], h[m]))
            m = l;
        if (r < n && before(h[r], h[m]))
            m = r;
        if (m == i)
            return;
        struct cursor *t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/* Merges the place's units' events in time order and adds up the time one or more,
 * and two or more, of them are busy. */
static void sweep(struct cursor **h, size_t n, const pl_timeline *tl, pl_place_metrics *pm)
{
    for (size_t i = n; i-- > 0;)
        sift_down(h, n, i);
    int busy = 0;
    double last = 0;
    while (n > 0) {
        struct cursor *c = h[0];
        double span = c->at - last;
        if (busy >= 1)
            pm->active += span;
        if (busy >= 2)
            pm->overlap += span;
        busy += c->step;
        last = c->at;
        if (!advance(c, tl))
            h[0] = h[--n];
        sift_down(h, n, 0);
    }
}

int pl_places_compute(const pl_graph *g, const pl_timeline *tl, pl_place_metrics *out)
{
    uint32_t nu = pl_graph_unit_count(g);
    struct cursor *cur = calloc((size_t)nu + 1, sizeof *cur);
    struct cursor **heap = calloc((size_t)nu + 1, sizeof *heap);
    if (!cur || !heap) {
        free(cur);
        free(heap);
        return PL_ENOMEM;
    }
    for (uint32_t p = 0; p < pl_graph_place_count(g); p++) {
        pl_place_metrics *pm = &out[p];
        *pm = (pl_place_metrics){0};
        size_t n = 0;
        for (uint32_t u = 0; u < nu; u++) {
            if (pl_graph_unit_place(g, u) != p)
                continue;
            pm->units++;
            struct cursor *c = &cur[u];
            c->tasks = pl_graph_unit_tasks(g, u, &c->n);
            c->i = 0;
            c->step = 0;
            if (advance(c, tl))
                heap[n++] = c;
        }
        sweep(heap, n, tl, pm);
        pm->idle = tl->makespan - pm->active;
    }
    free(cur);
    free(heap);
    return 0;
}
