/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bound_impl.h — the bound module's private header (bound.h is its public one): the walk
 * of a graph's chains, in bound_walk.c, from which bound.c gathers the terms.
 *
 * A walk goes over the tasks in a topological order, forward (the earliest start of each
 * task) then backward (the longest chain after each), in the memory of a
 * pl_bound_scratch.
 */
#ifndef PL_BOUND_IMPL_H
#define PL_BOUND_IMPL_H

#include "sim/graph/graph.h"
#include "sim/measure/bound.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The larger of a and b, as pl_max(a, b) gives it where a is not a NaN and neither is a
 * negative zero; in one instruction (maxsd) rather than a compare and a branch. A walk's
 * chains always meet that: each starts at +0 and only ever becomes a larger value (so it
 * is never a NaN nor -0), and each value offered is a sum of a chain and a time alone,
 * which is never -0 when the chain is not (+0 + -0 is +0, and x + -x is +0), or +0
 * itself (only_if). Where the two compare equal, pl_max gives b and this a: the same
 * value, and the same bits since neither is -0. */
static inline double later(double a, double b)
{
    return b > a ? b : a;
}

/* The smaller of a and b, as pl_min(a, b) gives it where a is not a NaN and neither is a
 * negative zero (see later): a load's earliest start and shortest chain start at
 * INFINITY and are offered chains and sums of a chain and a work. */
static inline double earlier(double a, double b)
{
    return b < a ? b : a;
}

/* x where keep, else +0, without a branch: offering +0 to a chain (later) leaves it as it
 * is, so that an edge the walk does not count changes nothing. */
static inline double only_if(bool keep, double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    bits &= -(uint64_t)keep;
    memcpy(&x, &bits, sizeof x);
    return x;
}

/* A walk's arrays, indexed by task, what it reads of the graph once, and what it finds. */
typedef struct pl_bound_chains {
    double *est;   /* earliest start */
    double *after; /* longest chain after the end */
    double *q;     /* longest chain from the start to the end of the graph, gathered
                    * through START edges before the walk back reaches each task; NULL
                    * when the walk counts none */
    double *alone; /* each task's time alone, under the change; NULL: its work (alone_of) */
    uint32_t *order; /* a topological order of the tasks; NULL when task ids are one */
    const pl_edge *edges; /* the graph's edges as stored, by global index; NULL: none */
    bool counted[PL_EDGE_KIND_COUNT]; /* which kinds of edge the walk counts */
    bool starts;                      /* some counted edge waits for its source's start */
    double critical_path;             /* the longest chain through the whole graph */
    const pl_graph_change *change;
} pl_bound_chains;

/* Task t's time alone under the walk's change: from the walk's array, or, when the walk
 * has none (no unit moves bytes and the change scales no work), its work as the graph
 * holds it, which is the same. */
static inline double alone_of(const pl_graph *g, const pl_bound_chains *c, uint32_t t)
{
    return c->alone ? c->alone[t] : pl_graph_task_work(g, t);
}

/* Sets the chains of g counting `edges` under c->change (set by the caller, the rest of
 * c zero), in s's memory: the forward pass (est, and alone where needed), and with `back`
 * the backward pass (after, which the forward pass clears as it goes, q and the critical
 * path), in a topological order. Task ids are that order when every edge points backward (the usual
 * case); otherwise the check's order, which also keeps each unit's tasks in order (in
 * c->order, which the caller frees, also after a failure). Returns 0, PL_ENOMEM, or
 * PL_EDEADLOCK for a cyclic graph. */
int pl_bound_walk(pl_bound_scratch *s, const pl_graph *g, pl_bound_chains *c,
                  pl_bound_edges edges, bool back);

#endif
