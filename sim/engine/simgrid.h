/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * simgrid.h — executes a task graph on SimGrid and records its timeline.
 *
 * Only sim/engine/simgrid.c includes SimGrid. SimGrid allows one engine per process and
 * never resets its clock, so pl_simgrid_run may be called once per process: use
 * runner.h, which runs it in a forked child.
 *
 * simgrid.c is built as a module of its own with SimGrid (simgrid_module.h), not into
 * the program: pl_simgrid_run, defined in simgrid_module.c, opens the module and calls
 * the engine there, pl_simgrid_engine_run, the one name the module exports.
 */
#ifndef PL_SIMGRID_H
#define PL_SIMGRID_H

#include "sim/common/error.h"
#include "sim/graph/graph.h"
#include "sim/graph/timeline.h"

/* SimGrid's timing precision as the engine sets it, in seconds: an action due to end
 * within it of the current event ends with that event, so events this close together
 * become ties. The analytic engine treats them the same way. */
#define PL_ENGINE_PRECISION 1e-12

/*
 * Executes the finalized graph g (borrowed) and fills tl, which must have been
 * initialised for g's task count. Host places become SimGrid hosts with their cores,
 * so threads outnumbering cores share them; device units hold for their work. A
 * routed unit's task then moves its bytes over its route's links, which the transfers
 * crossing a link at the same time share equally. A unit that waited for a task (its
 * last edge event came after its previous task ended) pays its wake-up latency when
 * passive, or, when active, kept a core of its host busy while it waited.
 * Ties between events at the same instant are broken by SimGrid's deterministic
 * order (actors in unit order), and a task's release edge on ties is the first listed.
 * Fails with PL_EDEADLOCK when every unit left waits on another (the diagnostic names
 * each waiting unit and the event it waits for; tl holds what did happen), PL_EIO when
 * the platform file cannot be written, PL_EENGINE when the module cannot be opened (see
 * pl_simgrid_module_load), PL_ENOMEM.
 */
int pl_simgrid_run(const pl_graph *g, pl_timeline *tl, pl_diag *d);

/* The engine itself, in the module: what pl_simgrid_run calls once the module is open,
 * with the same contract (except PL_EENGINE). Only the module defines it; the program
 * reaches it through pl_simgrid_module_load, under the name PL_SIMGRID_ENGINE. */
int pl_simgrid_engine_run(const pl_graph *g, pl_timeline *tl, pl_diag *d);
typedef int (*pl_simgrid_engine_fn)(const pl_graph *g, pl_timeline *tl, pl_diag *d);
#define PL_SIMGRID_ENGINE "pl_simgrid_engine_run"

#endif
