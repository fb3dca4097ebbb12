/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * runner.h — runs simulations in forked children.
 *
 * SimGrid allows one engine per process, so every simulation runs in a child
 * process that sends its timeline back over a pipe. Several graphs may run at
 * once, one child each.
 */
#ifndef PL_RUNNER_H
#define PL_RUNNER_H

#include "error.h"
#include "graph.h"
#include "timeline.h"

/*
 * Checks and simulates n finalized graphs (borrowed), each in its own child process, at
 * most `jobs` at a time (jobs < 1 means n), and fills tls[i] (initialised here; the
 * caller calls pl_timeline_fini on each, also on failure). Returns 0, or the first
 * failure in graph order: PL_EDEADLOCK (a cycle found before simulating, or a deadlock
 * while simulating; the diagnostic names the waiting units), PL_ECHILD (a child died;
 * the diagnostic names the signal), PL_EIO, PL_ENOMEM.
 */
int pl_runner_simulate(const pl_graph *const *graphs, pl_timeline *tls, size_t n, int jobs,
                       pl_diag *d);

#endif
