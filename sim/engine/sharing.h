/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sharing.h — whether executing a task graph shares a core or a link, which is what
 * decides whether the analytic engine is exact for it.
 *
 * A host place shares its cores when more of its threads run (or spin, waiting
 * actively) at once than it has cores. A link shares its bandwidth when the transfers
 * crossing it at once would together move bytes faster than it can: each transfer
 * alone moves at the bandwidth of the narrowest link of its route, and SimGrid's
 * max-min sharing slows none of them down while the sum of those rates fits in every
 * link. Without either, every task takes its time alone and the analytic engine's
 * timeline is the SimGrid engine's. A graph that could share (more threads than
 * cores, units whose transfers could oversubscribe a link) may still never do so: the
 * analytic timeline then shows no such moment, and since both engines agree up to the
 * first moment a resource is shared, the SimGrid engine would produce the same
 * timeline.
 */
#ifndef PL_SHARING_H
#define PL_SHARING_H

#include "sim/graph/graph.h"
#include "sim/graph/timeline.h"

#include <stdbool.h>
#include <stddef.h>

/* Whether the finalized graph g (borrowed) could share a resource: a host place with
 * more units than cores, or a link on the routes of units whose tasks carry bytes and
 * whose rates alone add up to more than its bandwidth. When it could, writes the first
 * such resource into why ("host 'host' has 3 threads for 2 cores"); otherwise "no core
 * or link is shared". */
bool pl_sharing_possible(const pl_graph *g, char *why, size_t len);
/* The same for pl_graph_changed(g, c), without the copy (c borrowed; NULL: no change). */
bool pl_sharing_possible_under(const pl_graph *g, const pl_graph_change *c, char *why, size_t len);

/* Whether timeline tl of g, computed by the analytic engine, uses a resource beyond its
 * capacity at some moment: more threads busy or spinning on a host place than it has
 * cores, or transfers on one link whose rates alone add up to more than its bandwidth,
 * overlapping by more than a trillionth of the makespan. Sets *found and writes the first such
 * resource and moment into why ("host 'host' has 3 threads for 2 cores, and 3 of them run at once
 * at 24 us"); when there is none, writes what could have been shared but was not. Returns 0 or
 * PL_ENOMEM. */
int pl_sharing_found(const pl_graph *g, const pl_timeline *tl, bool *found, char *why, size_t len);
/* The same for pl_graph_changed(g, c) and its timeline tl, without the copy (c borrowed;
 * NULL: no change). Reads only tl's starts, ends and makespan. */
int pl_sharing_found_under(const pl_graph *g, const pl_graph_change *c, const pl_timeline *tl,
                           bool *found, char *why, size_t len);

#endif
