/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * runner.h — picks an engine for each graph and runs it.
 *
 * The analytic engine runs in the calling process, the graphs of one call at once, one
 * thread each, where the process may use several cores (sim/common/parallel.h). SimGrid
 * allows one engine per process, so every SimGrid simulation runs in a child process that sends its
 * timeline back over a pipe; several graphs may run at once, one child each.
 */
#ifndef PL_RUNNER_H
#define PL_RUNNER_H

#include "sim/common/error.h"
#include "sim/engine/analytic.h"
#include "sim/graph/graph.h"
#include "sim/graph/timeline.h"

/*
 * Checks and executes n finalized graphs (borrowed) and fills tls[i] (initialised here;
 * the caller calls pl_timeline_fini on each, also on failure), with each timeline's
 * engine and why it ran. `engine` says which engine: SIMGRID always; ANALYTIC where it
 * is exact (sharing.h), and a failure elsewhere; AUTO the analytic engine where it is
 * exact and SimGrid elsewhere. SimGrid runs each graph in its own child process, at most
 * `jobs` at a time (jobs < 1 means n), after opening the SimGrid module in this process
 * (once) for them to inherit; without a graph for SimGrid, SimGrid is never loaded. Before
 * the first child, the process hands back the memory its allocator keeps free and returns
 * to glibc's default thresholds (runner.c says why).
 * Returns 0, or the first failure in graph order:
 * PL_EDEADLOCK (a cycle found before simulating, or a deadlock while simulating; the
 * diagnostic names the waiting units), PL_ECONFIG (the analytic engine was asked for
 * and is not exact: the diagnostic says which resource is shared), PL_ECHILD (a child
 * died; the diagnostic names the signal), PL_EENGINE (the SimGrid engine's module cannot
 * be opened: simgrid_module.h), PL_EIO, PL_ENOMEM.
 */
int pl_runner_simulate(const pl_graph *const *graphs, pl_timeline *tls, size_t n, int jobs,
                       pl_engine_kind engine, pl_diag *d);

/*
 * The makespan pl_runner_simulate gives pl_graph_changed(g, c) (c borrowed, NULL: no
 * change; g finalized, borrowed) where the analytic engine is exact for it, to the bit, but
 * without building the copy and without a timeline: the graph checked, then a makespan
 * pass in s (analytic.h) and the check that nothing was shared, both under c. *exact says
 * whether *makespan stands; where it does not, the graph is for SimGrid (engine AUTO or
 * SIMGRID; the caller builds the copy for pl_runner_simulate), or with engine ANALYTIC
 * the call fails with PL_ECONFIG and the very diagnostic pl_runner_simulate gives. Fails
 * also with PL_EDEADLOCK or PL_ENOMEM.
 */
int pl_runner_makespan(pl_analytic_scratch *s, const pl_graph *g, const pl_graph_change *c,
                       pl_engine_kind engine, double *makespan, bool *exact, pl_diag *d);

/*
 * Reads what a SimGrid child wrote on its pipe (fd, borrowed, read to its end) about a graph
 * of ntasks tasks and nedges edges: the timeline into tl (initialised for ntasks tasks;
 * each release must be PL_NO_EDGE or below nedges; the woke column follows when tl has
 * one, as the child's timeline does for a graph where units pay to wake others), and the child's
 * status and message into *child (code 0 when it simulated). Returns 0, or PL_EPARSE with d
 * saying how the report is malformed or cut short; then *child is unchanged and tl may
 * hold part of a timeline, which is no result.
 */
int pl_runner_read_report(int fd, uint32_t ntasks, uint32_t nedges, pl_timeline *tl,
                          pl_diag *child, pl_diag *d);

#endif
