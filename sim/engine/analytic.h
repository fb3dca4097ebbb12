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

#endif
