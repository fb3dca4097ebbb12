/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * analytic.h — the analytic engine: a task graph's timeline in one pass, without
 * SimGrid.
 *
 * Where no core and no link is shared by two tasks at once, every task takes exactly
 * its time alone, and its start follows from the max-plus recursion over a topological
 * order of the tasks: the latest of its unit's previous end and its edges' events,
 * plus the unit's wake-up latency when it had to wait. That is what the SimGrid
 * engine computes for such a graph, at a small fraction of the cost; sharing.h says
 * when a graph is such a graph.
 */
#ifndef PL_ANALYTIC_H
#define PL_ANALYTIC_H

#include "sim/common/error.h"
#include "sim/graph/graph.h"
#include "sim/graph/timeline.h"

/*
 * Fills tl (initialised for g's task count) with the timeline of the finalized graph g
 * (borrowed) as if no resource were shared: start = max(previous end on the unit, latest
 * edge event) + the unit's wake-up latency when the latest edge event came after the
 * previous end (passive units), where an event within PL_ENGINE_PRECISION
 * (sim/engine/simgrid.h) after the previous end is a tie, as in SimGrid, and the task
 * starts at that end; end = start + work + bytes over the narrowest link of the route. The
 * release edge is the first listed among those whose event is the latest (within
 * PL_ENGINE_PRECISION), as in the SimGrid engine. Fails with PL_EDEADLOCK (the diagnostic
 * names a cycle, as pl_check_graph does) or PL_ENOMEM; tl then holds no times.
 */
int pl_analytic_run(const pl_graph *g, pl_timeline *tl, pl_diag *d);

/* ---- The makespan alone, under a change ------------------------------------------ */

/* The start and end of every task of the last makespan pass, in arrays that a caller
 * making several passes in a row (the verdict, one per candidate) keeps, so that each
 * pass writes memory already touched. Zero-initialise; free with
 * pl_analytic_scratch_fini. */
typedef struct pl_analytic_scratch {
    double *start, *end; /* owned: cap tasks each */
    double *woke;        /* owned, cap tasks, for graphs where threads pay to wake others */
    struct pl_wake_plan *wake; /* owned: for such a graph, what its passes need of it */
    uint32_t cap;
    uint32_t ntasks; /* of the last pass that finished; 0 before */
} pl_analytic_scratch;

void pl_analytic_scratch_fini(pl_analytic_scratch *s);

/*
 * The makespan that pl_analytic_run gives for pl_graph_changed(g, c), to the bit, without
 * building the copy and without a timeline: the same recursion, with each task's work
 * and each unit's rate read under change c (NULL: none; borrowed, as g is), and no release
 * edges. The starts and ends stay in s until the next pass (pl_analytic_scratch_times),
 * for the check that nothing was shared. Fails as pl_analytic_run does (PL_EDEADLOCK,
 * PL_ENOMEM); s then holds no times.
 */
int pl_analytic_makespan(pl_analytic_scratch *s, const pl_graph *g, const pl_graph_change *c,
                         double *makespan, pl_diag *d);

/* A timeline that borrows the starts, ends and waking of s's last pass (no release edges: NULL),
 * with that pass's makespan, for readers of times only (sharing.h). Not to be finied. */
pl_timeline pl_analytic_scratch_times(const pl_analytic_scratch *s, double makespan);

#endif
