/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bound.h — an analytic lower bound on the makespan of a task graph.
 *
 * Read from the graph alone, before or without simulating. A task's duration
 * here is its time alone (pl_graph_task_alone: work plus bytes over the
 * narrowest link of its route). The bound is the largest of: the critical path
 * (longest chain of durations through the edges, ignoring that units do one
 * thing at a time); for every unit, the earliest its first task can start, plus
 * all its tasks' durations, plus the shortest chain that must follow its last
 * task (for a stage of a pipeline: fill + N x stage + drain, which for equal
 * items is the textbook fill + (N - 1) x bottleneck stage); for every host, its
 * threads' work divided by its cores; and for every link, the earliest any
 * transfer over it can begin moving bytes, plus all the bytes routed over it
 * divided by its bandwidth, plus the shortest chain that must follow one of
 * those transfers.
 */
#ifndef PL_BOUND_H
#define PL_BOUND_H

#include "sim/graph/graph.h"

#include <stdint.h>

#define PL_BOUND_KINDS(X)                                                              \
    X(CRITICAL_PATH, "critical path")                                              \
    X(UNIT, "unit")                                                                \
    X(PLACE, "host cores")                                                         \
    X(LINK, "shared bandwidth")

typedef enum pl_bound_kind {
#define PL_BOUND_ENUM(name, spelled) PL_BOUND_##name,
    PL_BOUND_KINDS(PL_BOUND_ENUM)
#undef PL_BOUND_ENUM
} pl_bound_kind;

const char *pl_bound_kind_name(pl_bound_kind k);

typedef struct pl_bound {
    double makespan;       /* the bound: head + work + tail of the binding term */
    pl_bound_kind kind;    /* which term binds */
    uint32_t which;        /* its unit, place or link id (unused for the critical path) */
    double head;           /* earliest the binding resource can start */
    double work;           /* its work (per core for a host; bytes / bandwidth for a link) */
    double tail;           /* what must follow its last task */
    double critical_path;  /* the critical path, whatever binds */
} pl_bound;

/* Computes the bound of a finalized, acyclic graph (pl_check_graph passed). Returns 0 or
 * PL_ENOMEM. */
int pl_bound_compute(const pl_graph *g, pl_bound *out);

#endif
