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

/* The engines that execute a task graph. X(NAME, name, what it does) */
#define PL_ENGINES(X)                                                                       \
    X(AUTO, "auto", "the analytic engine where it is exact, else the SimGrid engine")     \
    X(SIMGRID, "simgrid", "SimGrid: shares cores and link bandwidth between tasks")       \
    X(ANALYTIC, "analytic", "one pass of the max-plus recursion; exact without sharing")

typedef enum pl_engine_kind {
#define PL_ENGINE_ENUM(name, spelled, help) PL_ENGINE_##name,
    PL_ENGINES(PL_ENGINE_ENUM)
#undef PL_ENGINE_ENUM
        PL_ENGINE_KIND_COUNT
} pl_engine_kind;

/* "analytic"; "?" out of range. */
const char *pl_engine_name(pl_engine_kind k);
/* The engine spelled `name` ("auto", "simgrid", "analytic"); PL_ENGINE_KIND_COUNT when
 * none is. */
pl_engine_kind pl_engine_named(const char *name);

/* How long the reason an engine was chosen may be. */
#define PL_ENGINE_WHY_MAX 384

typedef struct pl_timeline {
    uint32_t ntasks;
    double *start;     /* seconds; NaN for a task that never started */
    double *end;       /* seconds; NaN for a task that never ended */
    /* The incoming edge (global index, see pl_graph_task_edges) whose event came last
     * among the task's edges, or PL_NO_EDGE when the task has none. Ties go to the edge
     * listed first. Whether that edge or the unit's previous task delayed the start is
     * for the metrics to tell: compare the edge's time with the previous task's end. */
    uint32_t *release;
    /* Seconds the task's unit spent right after the task waking threads that slept waiting
     * for its start or end (pl_host_scheduler.wake_cost), busy on its core; NULL for a
     * graph where no unit pays to wake another (pl_timeline_want_woke). */
    double *woke;
    double makespan; /* the latest end */
    uint8_t engine;  /* the pl_engine_kind that computed it; AUTO until one has */
    char engine_why[PL_ENGINE_WHY_MAX]; /* why that engine ran: "no core or link is shared" */
} pl_timeline;

/* Allocates arrays for ntasks tasks, all unset (NaN, PL_NO_EDGE), no engine yet. Returns 0 or PL_ENOMEM.
 * Free with pl_timeline_fini, also after a failed init. */
int pl_timeline_init(pl_timeline *tl, uint32_t ntasks);
/* Like pl_timeline_init, but leaves every task's start, end and release unwritten (not
 * even zeroed, so that no page is touched twice): for an engine that writes them all, or
 * a reader that fills them all or fails. */
int pl_timeline_alloc(pl_timeline *tl, uint32_t ntasks);
/* Adds the woke column, all 0, for a graph where units pay to wake others
 * (pl_graph_wakes). Returns 0 or PL_ENOMEM. */
int pl_timeline_want_woke(pl_timeline *tl);
void pl_timeline_fini(pl_timeline *tl);

/* When task t's unit was free after it: its end, and the waking after it where the timeline
 * has any. */
static inline double pl_timeline_free(const pl_timeline *tl, uint32_t t)
{
    return tl->woke ? tl->end[t] + tl->woke[t] : tl->end[t];
}

/* Recomputes makespan from the ends; returns the number of tasks that did not end. */
uint32_t pl_timeline_seal(pl_timeline *tl);

#endif
