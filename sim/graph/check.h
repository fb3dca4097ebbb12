/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check.h — static checks of a task graph before it is executed.
 */
#ifndef PL_CHECK_H
#define PL_CHECK_H

#include "sim/common/error.h"
#include "sim/graph/graph.h"

/*
 * Checks that the finalized graph can run to the end: that its edges together with
 * each unit's in-order task list form no cycle (a queue of depth 0 in a loop, a buffer
 * slot that can never be freed, a dependence cycle). Fails with PL_EDEADLOCK and a
 * diagnostic that names the tasks on one cycle, their units, and the kind of each edge.
 * Graphs whose edges all point to earlier tasks are accepted in one pass.
 */
int pl_check_graph(const pl_graph *g, pl_diag *d);

/* Writes into order (pl_graph_task_count(g) entries) a topological order of the tasks:
 * each after its unit's previous task and after the sources of its edges. Returns 0,
 * PL_EDEADLOCK when they form a cycle (order is then incomplete; pl_check_graph names
 * the cycle), or PL_ENOMEM. */
int pl_check_order(const pl_graph *g, uint32_t *order);

/* Writes "host.infer 'matmul' #3" for a task into buf; returns buf. */
char *pl_check_task_name(const pl_graph *g, uint32_t task, char *buf, size_t len);

#endif
