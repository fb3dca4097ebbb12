/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * places.c — a sweep over the start and end events of each place's tasks.
 *
 * At equal times ends come before starts, so a pipe that hands over to itself or
 * another pipe back to back counts as neither a gap nor an overlap.
 */
#include "places.h"

#include "error.h"

#include <stdlib.h>

struct event {
    double at;
    int step; /* +1 a task starts, -1 one ends */
};

static int by_time(const void *a, const void *b)
{
    const struct event *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->step - y->step;
}

/* Collects the events of place p's tasks into ev; returns how many. */
static size_t place_events(const pl_graph *g, const pl_timeline *tl, uint32_t p,
                           struct event *ev, uint32_t *units)
{
    size_t n = 0;
    *units = 0;
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        if (pl_graph_unit_place(g, u) != p)
            continue;
        (*units)++;
        uint32_t count;
        const uint32_t *tasks = pl_graph_unit_tasks(g, u, &count);
        for (uint32_t i = 0; i < count; i++) {
            double s = tl->start[tasks[i]], e = tl->end[tasks[i]];
            if (!(e > s))
                continue;
            ev[n++] = (struct event){s, +1};
            ev[n++] = (struct event){e, -1};
        }
    }
    return n;
}

static void sweep(const struct event *ev, size_t n, pl_place_metrics *pm)
{
    int busy = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            double span = ev[i].at - ev[i - 1].at;
            if (busy >= 1)
                pm->active += span;
            if (busy >= 2)
                pm->overlap += span;
        }
        busy += ev[i].step;
    }
}

int pl_places_compute(const pl_graph *g, const pl_timeline *tl, pl_place_metrics *out)
{
    struct event *ev = malloc(2 * ((size_t)pl_graph_task_count(g) + 1) * sizeof *ev);
    if (!ev)
        return PL_ENOMEM;
    for (uint32_t p = 0; p < pl_graph_place_count(g); p++) {
        pl_place_metrics *pm = &out[p];
        *pm = (pl_place_metrics){0};
        size_t n = place_events(g, tl, p, ev, &pm->units);
        qsort(ev, n, sizeof *ev, by_time);
        sweep(ev, n, pm);
        pm->idle = tl->makespan - pm->active;
    }
    free(ev);
    return 0;
}
