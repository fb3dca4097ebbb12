/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * timeline.h — what happened when a task graph was executed: each task's start
 * and end, and the edge that released it.
 *
 * The caller provides the storage (init/fini). Arrays are indexed by task id of
 * the graph that was executed; the timeline does not point to the graph.
 */
#ifndef PL_TIMELINE_H
#define PL_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

typedef struct pl_timeline {
    uint32_t ntasks;
    double *start;     /* seconds; NaN for a task that never started */
    double *end;       /* seconds; NaN for a task that never ended */
    /* The incoming edge (global index, see pl_graph_task_edges) whose event came last
     * among the task's edges, or PL_NO_EDGE when the task has none. Ties go to the edge
     * listed first. Whether that edge or the unit's previous task delayed the start is
     * for the metrics to tell: compare the edge's time with the previous task's end. */
    uint32_t *release;
    double makespan; /* the latest end */
} pl_timeline;

/* Allocates arrays for ntasks tasks, all unset (NaN, PL_NO_EDGE). Returns 0 or PL_ENOMEM.
 * Free with pl_timeline_fini, also after a failed init. */
int pl_timeline_init(pl_timeline *tl, uint32_t ntasks);
void pl_timeline_fini(pl_timeline *tl);

/* Recomputes makespan from the ends; returns the number of tasks that did not end. */
uint32_t pl_timeline_seal(pl_timeline *tl);

#endif
