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
 *
 * Counting every edge gives the bound of the graph as configured. Counting only the
 * workload's own dependencies (data, issue and sync edges; not the slot, barrier and
 * order edges its buffers, queues, sync policy and chosen order add) gives the
 * resource bound, which no configuration of those can beat: each unit's and link's
 * work, the hosts' cores and the chain of data dependencies. Its critical path is the
 * critical path of the reports: the longest chain of dependent work.
 */
#ifndef PL_BOUND_H
#define PL_BOUND_H

#include "sim/graph/graph.h"

#include <stdbool.h>
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

/* Which edges a bound counts. */
typedef enum pl_bound_edges {
    PL_BOUND_ALL_EDGES,      /* every edge: the bound of the graph as configured */
    PL_BOUND_WORKLOAD_EDGES, /* the workload's own dependencies only: the resource bound */
} pl_bound_edges;

/* Computes the bound of a finalized, acyclic graph (pl_check_graph passed) counting
 * `edges`, as if it had change c (borrowed; NULL: none). Returns 0 or PL_ENOMEM. */
int pl_bound_compute_with(const pl_graph *g, pl_bound_edges edges, const pl_graph_change *c,
                          pl_bound *out);

/* pl_bound_compute_with(g, PL_BOUND_ALL_EDGES, NULL, out). */
int pl_bound_compute(const pl_graph *g, pl_bound *out);

/* Memory for the walks of bounds, kept by a caller that computes several bounds of one
 * graph (or of graphs no larger) in a row, so that each walk reuses it rather than
 * taking fresh memory of its own: 16 bytes per task, 8 more where units move bytes or
 * the change scales work, 8 more where a counted edge waits for a start. Zeroed: empty;
 * it grows to the largest graph walked. Free with pl_bound_scratch_fini as soon as the
 * bounds are done, since it is as large as a timeline. */
typedef struct pl_bound_scratch {
    size_t tasks;                    /* room for this many tasks (one more than the graph's) */
    double *est, *after, *q, *alone; /* owned, each NULL until a walk needs it */
} pl_bound_scratch;

void pl_bound_scratch_fini(pl_bound_scratch *s);

/* pl_bound_compute_with in s's memory (borrowed). Returns 0 or PL_ENOMEM. */
int pl_bound_compute_in(pl_bound_scratch *s, const pl_graph *g, pl_bound_edges edges,
                        const pl_graph_change *c, pl_bound *out);

/* One term of a bound: the earliest its resource can start, its work, what must follow. */
typedef struct pl_bound_term {
    double head, work, tail;
} pl_bound_term;

/* A graph's bound with every edge, and every one of its terms, to bound the bounds of
 * changes of it cheaply. Owns its arrays; a term of nothing (a unit without tasks, a
 * device place, a link without bytes) is zero. */
typedef struct pl_bound_terms {
    pl_bound bound; /* pl_bound_compute's */
    pl_bound_term *units, *places, *links;
} pl_bound_terms;

/* The bound of g with every edge and its terms into *out, in the one pass that
 * pl_bound_compute makes (pl_bound_terms_fini frees them). Returns 0 or PL_ENOMEM. */
int pl_bound_terms_compute(const pl_graph *g, pl_bound_terms *out);
/* pl_bound_terms_compute in s's memory (borrowed; see pl_bound_scratch). */
int pl_bound_terms_compute_in(pl_bound_scratch *s, const pl_graph *g, pl_bound_terms *out);
void pl_bound_terms_fini(pl_bound_terms *t);

/* A lower bound on pl_bound_compute_with(g, PL_BOUND_ALL_EDGES, c) from g's terms t
 * alone, in time linear in units, places and links: a change that scales work by w < 1
 * and bandwidth by b > 1 shortens every chain by at most the factor min(w, 1 / b), the
 * work of a scaled unit, place or link by at most its own factor, and another's not at
 * all. 0 (nothing known) for a change of single tasks. */
double pl_bound_terms_least(const pl_graph *g, const pl_bound_terms *t, const pl_graph_change *c);

/* An upper bound on pl_bound_compute_with(g, PL_BOUND_ALL_EDGES, c) from g's terms t and a
 * pass over the tasks whose work c scales, for a change that only lessens (work scaled by
 * at most 1, bandwidth by at least 1, cores added, not taken): under it no duration grows,
 * so no chain, head or tail does (the walk's sums and maxima are monotone, rounded too),
 * and each term is at most its own in t; a unit's, less the work c takes from its tasks
 * (their time alone loses at least that), give or take the rounding of the sums (2 (n + 4)
 * DBL_EPSILON of the term, for a unit of n tasks; bound.c says why). The critical path, the
 * hosts' and the links' terms are taken as they are. INFINITY for a change that does more
 * than lessen (nothing known). */
double pl_bound_terms_most(const pl_graph *g, const pl_bound_terms *t, const pl_graph_change *c);

/* The makespan of pl_bound_compute_with(g, PL_BOUND_ALL_EDGES, c), to the bit, from g's terms
 * t and a pass over the tasks routed over the links c widens, into *makespan, where c
 * changes only bandwidths and leaves every unit's narrowest link as it was: then every
 * task's time alone is what it was, and so is every chain and term but the widened links'
 * own, whose bytes are summed again in the walk's order and divided by their new
 * bandwidths. Returns false, *makespan untouched, for any other change (the caller walks). */
bool pl_bound_terms_widened(const pl_graph *g, const pl_bound_terms *t, const pl_graph_change *c,
                            double *makespan);

/* Marks in on[t] (one byte per task of g) the tasks whose times add up to one longest
 * chain of the workload's dependencies, the resource bound's critical path; the others
 * are 0. Returns 0 or PL_ENOMEM. */
int pl_bound_chain(const pl_graph *g, uint8_t *on);

/* pl_bound_chain in s's memory (borrowed). Returns 0 or PL_ENOMEM. */
int pl_bound_chain_in(pl_bound_scratch *s, const pl_graph *g, uint8_t *on);

/* The resource bound (pl_bound_compute_in with the workload's edges) into *out and, unless
 * on is NULL, the chain pl_bound_chain_in marks, from one walk (the chain is read from the
 * same earliest starts). Returns 0 or PL_ENOMEM. */
int pl_bound_resource_chain_in(pl_bound_scratch *s, const pl_graph *g, pl_bound *out,
                               uint8_t *on);

/* pl_bound_terms_compute_in and pl_bound_chain_in, both: where g has no edge from the
 * configuration, a walk of every edge is a walk of the workload's, so the chain is read
 * from the terms' walk rather than walked again (the same earliest starts, so the same
 * chain); otherwise from a walk of its own. Returns 0 or PL_ENOMEM. */
int pl_bound_terms_chain_in(pl_bound_scratch *s, const pl_graph *g, pl_bound_terms *out,
                            uint8_t *on);

#endif
