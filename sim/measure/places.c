/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * places.c — a sweep over the start and end events of each place's tasks.
 *
 * Each unit's tasks are already in time order, so the place's events come from a
 * merge of its units' streams (one cursor per unit: the next event found by a scan of a
 * few cursors, by a heap of many) rather than a sort of them all. At equal times ends
 * come before starts, so a pipe that hands over to itself or another pipe back to back
 * counts as neither a gap nor an overlap.
 *
 * A task's end event is when its unit is free of it: its end, and the waking its thread
 * pays after it (pl_timeline.woke), time the unit holds its core as it does for its tasks.
 * A place of one unit needs no sweep: its events alternate, a start then the end of the
 * same task, so the sweep's sum is that of its tasks' durations in order, which the
 * metrics' pass over the timeline adds up already (the unit's span).
 */
#include "sim/measure/places.h"

#include "sim/common/error.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* One unit's events in time order: the start and end of each of its tasks that takes
 * time. A unit runs one task at a time, in order, so these never go back in time. */
struct cursor {
    double at; /* the current event's time */
    int step;  /* +1 a start, -1 an end; 0 before the first event */
    uint32_t n, i; /* tasks[i] is the task of the current event */
    const uint32_t *tasks;
};

/* Moves c to its next event: the moment the unit is free of the task whose start it is
 * at (its end, and the waking it pays after it: pl_timeline_free), else the start of the
 * next task that takes time. False when none is left. */
static inline bool advance(struct cursor *c, const pl_timeline *tl)
{
    if (c->step == +1) {
        c->at = pl_timeline_free(tl, c->tasks[c->i]);
        c->step = -1;
        return true;
    }
    if (c->step == -1)
        c->i++;
    while (c->i < c->n && !(pl_timeline_free(tl, c->tasks[c->i]) > tl->start[c->tasks[c->i]]))
        c->i++;
    if (c->i >= c->n)
        return false;
    c->at = tl->start[c->tasks[c->i]];
    c->step = +1;
    return true;
}

/* Heap order: earlier first, and at equal times ends before starts. */
static inline bool before(const struct cursor *a, const struct cursor *b)
{
    return a->at < b->at || (a->at == b->at && a->step < b->step);
}

/* Moves h[i] down to its place in the heap h[0, n): the cursors held by value, the one
 * moving kept aside while the earlier child of each step moves up. */
static void sift_down(struct cursor *h, size_t n, size_t i)
{
    struct cursor moving = h[i];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = l;
        if (l >= n)
            break;
        if (r < n && before(&h[r], &h[l]))
            m = r;
        if (!before(&h[m], &moving))
            break;
        h[i] = h[m];
        i = m;
    }
    h[i] = moving;
}

/* Places of at most this many units find their next event by a scan of their cursors,
 * beyond it by a heap of them: a scan of a few cursors costs less than keeping a heap. */
#define SCAN_UP_TO 8

/* c's event as one number that orders events as `before` does: the bits of a time that is
 * not negative order as the time does (the sign bit is shifted out, so that -0 is 0, as
 * `before` has it), and an end (0) comes before a start (1) at one time. */
static inline uint64_t key_of(const struct cursor *c)
{
    uint64_t bits;
    assert(!(c->at < 0) && !isnan(c->at));
    memcpy(&bits, &c->at, sizeof bits);
    return bits << 1 | (uint64_t)(c->step > 0);
}

/* Adds the time since *last to the time one or more, and two or more, units are busy,
 * then c's event. */
static inline void take_event(const struct cursor *c, int *busy, double *last, pl_place_metrics *pm)
{
    double span = c->at - *last;
    if (*busy >= 1)
        pm->active += span;
    if (*busy >= 2)
        pm->overlap += span;
    *busy += c->step;
    *last = c->at;
}

/* Merges the place's units' events in time order and adds up the time one or more,
 * and two or more, of them are busy. Events of one time and kind may come in any order
 * of their units: the time between them is zero, which adds nothing. */
static void sweep(struct cursor *h, size_t n, const pl_timeline *tl, pl_place_metrics *pm)
{
    int busy = 0;
    double last = 0;
    if (n <= SCAN_UP_TO) {
        uint64_t key[SCAN_UP_TO];
        for (size_t i = 0; i < n; i++)
            key[i] = key_of(&h[i]);
        while (n > 0) {
            size_t m = 0;
            uint64_t first = key[0];
            for (size_t i = 1; i < n; i++)
                if (key[i] < first) {
                    first = key[i];
                    m = i;
                }
            take_event(&h[m], &busy, &last, pm);
            if (advance(&h[m], tl)) {
                key[m] = key_of(&h[m]);
            } else {
                h[m] = h[--n];
                key[m] = key[n];
            }
        }
        return;
    }
    for (size_t i = n; i-- > 0;)
        sift_down(h, n, i);
    while (n > 0) {
        struct cursor *c = &h[0];
        take_event(c, &busy, &last, pm);
        if (!advance(c, tl))
            h[0] = h[--n];
        else if (n > 1 && !before(&h[1], c) && (n < 3 || !before(&h[2], c)))
            continue; /* still first, as sift_down would find, without moving a cursor */
        sift_down(h, n, 0);
    }
}

int pl_places_compute(const pl_graph *g, const pl_timeline *tl, const pl_unit_span *span,
                      pl_place_metrics *out)
{
    uint32_t nu = pl_graph_unit_count(g), np = pl_graph_place_count(g);
    struct cursor *heap = calloc((size_t)nu + 1, sizeof *heap);
    uint32_t *alone = calloc((size_t)np + 1, sizeof *alone); /* a place's unit, if only one */
    if (!heap || !alone) {
        free(heap);
        free(alone);
        return PL_ENOMEM;
    }
    for (uint32_t p = 0; p < np; p++)
        out[p] = (pl_place_metrics){0};
    for (uint32_t u = 0; u < nu; u++) {
        uint32_t p = pl_graph_unit_place(g, u);
        if (out[p].units++ == 0)
            alone[p] = u;
    }
    for (uint32_t p = 0; p < np; p++) {
        pl_place_metrics *pm = &out[p];
        if (pm->units == 1) {
            pm->active = span[alone[p]].active;
        } else {
            size_t n = 0;
            for (uint32_t u = 0; u < nu; u++) {
                if (pl_graph_unit_place(g, u) != p)
                    continue;
                struct cursor *c = &heap[n];
                *c = (struct cursor){0};
                c->tasks = pl_graph_unit_tasks(g, u, &c->n);
                n += advance(c, tl);
            }
            sweep(heap, n, tl, pm);
        }
        pm->idle = tl->makespan - pm->active;
    }
    free(heap);
    free(alone);
    return 0;
}
