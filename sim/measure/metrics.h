/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * metrics.h — where the time went, read from a timeline.
 *
 * For every unit: busy time, fill (idle before its first task), bubbles (idle
 * between two of its tasks, each charged to the kind of edge that released the
 * task ending it), drain (idle after its last task and the waking after it), and the
 * time lost to sharing: host threads slowed down by other threads on too few cores,
 * transfers by other transfers on the links of their route (what a unit's tasks took
 * beyond pl_graph_task_alone). busy + fill + bubble + drain = makespan for every
 * unit. Also the binding chain: the chain of tasks and edges that set the
 * makespan, as time per unit. And per place and for the whole run, what
 * places.h and phases.h compute.
 */
#ifndef PL_METRICS_H
#define PL_METRICS_H

#include "sim/graph/graph.h"
#include "sim/measure/latency.h"
#include "sim/measure/phases.h"
#include "sim/measure/places.h"
#include "sim/graph/timeline.h"

#include <stdint.h>

typedef struct pl_unit_metrics {
    uint64_t tasks;
    double busy;        /* time spent on tasks and on waking others after them */
    double work;        /* what they take on an idle machine (pl_graph_task_alone, and the
                           waking) */
    double contention;  /* busy - work: time lost to sharing cores or bandwidth */
    double utilization; /* busy / makespan */
    double fill, drain;
    double bubble;    /* total idle time between tasks */
    uint64_t bubbles; /* idle intervals longer than the noise threshold */
    double largest_bubble;
    double cause[PL_EDGE_KIND_COUNT]; /* bubble time by the kind of edge that ended it */
    int fill_cause;                   /* the edge kind that ended the fill, or -1 */
    double binding;                   /* time this unit's tasks take on the binding chain */
} pl_unit_metrics;

/* A stage's threads together (graph stages: units that take its items in turn). */
typedef struct pl_stage_metrics {
    uint32_t threads;
    uint64_t tasks;
    double busy;        /* summed over its threads */
    double utilization; /* busy / (threads x makespan) */
    double fill, drain;
    double starved; /* bubbles ended by data or a launch: waiting for work */
    double blocked; /* bubbles ended by a slot: back-pressure from the next stage */
    double other;   /* bubbles ended by a sync or a barrier */
} pl_stage_metrics;

typedef struct pl_metrics {
    double makespan;
    double throughput; /* items per second; NaN (undefined) when the makespan is 0 */
    uint32_t nunits;
    pl_unit_metrics *units; /* by unit id */
    uint32_t binding_tasks; /* tasks on the binding chain */
    uint32_t nplaces;
    pl_place_metrics *places; /* by place id: how busy each place is as a whole */
    pl_phases phases;         /* warm-up, steady state and drain */
    pl_latency latency;       /* per item, from its first start to its in-order departure */
    uint32_t nstages;
    pl_stage_metrics *stages; /* by graph stage id; NULL when the graph has none */
    uint32_t busiest_stage;   /* the stage with the highest utilization; 0 without stages */
} pl_metrics;

/* Idle intervals shorter than this fraction of the makespan (plus 1 fs) are rounding,
 * not bubbles: they count in bubble time but not in the bubble count. */
#define PL_BUBBLE_EPS 1e-9

/* The noise threshold for a run of this makespan: PL_BUBBLE_EPS * makespan + 1 fs. Idle
 * intervals and contention at or below it are rounding. */
double pl_metrics_noise(double makespan);

/* Computes the metrics of a complete timeline of graph g (both borrowed). The caller owns
 * *m and frees it with pl_metrics_fini. Returns 0 or PL_ENOMEM. */
int pl_metrics_compute(const pl_graph *g, const pl_timeline *tl, pl_metrics *m);
void pl_metrics_fini(pl_metrics *m);

/* The unit with the most busy time, the first of those tied; m must have units. */
uint32_t pl_metrics_busiest(const pl_metrics *m);

/* Whether task t's start was set by its release edge rather than by the end of its
 * unit's previous task prev (pl_graph_task_prev: the caller that goes along a unit's
 * tasks has it at hand; PL_NO_EDGE for none): the edge's event came at the start, and
 * later than the previous end. Ties go to the unit's previous task. */
int pl_metrics_released_by_edge(const pl_graph *g, const pl_timeline *tl, uint32_t t,
                                uint32_t prev);

#endif
