/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * loop.h — a loop body as the plan model's algorithms see it: operations
 * bound to classes of identical units, the dependencies between them (with an
 * iteration distance for loop-carried ones), and the buffers they read and
 * write. A DAG read from an STG file is a loop of one iteration on one class.
 *
 * Iteration i's copy of op o is the *task* (o, i), numbered i * nops + o. A
 * dependency {src, dst, distance d} says that task (dst, i) may not start before
 * task (src, i - d) has ended, for every i >= d. Iterations are otherwise
 * independent: iteration i + 1's loads may run while iteration i computes.
 *
 * A loop owns its arrays and strings once built (pl_plan_loop_fini frees them);
 * the algorithms borrow it read-only.
 */
#ifndef PL_PLAN_LOOP_H
#define PL_PLAN_LOOP_H

#include "sim/common/error.h"

#include <stdbool.h>
#include <stdint.h>

/* Why a dependency exists. */
typedef enum pl_plan_dep_kind {
    PL_PLAN_DEP_DATA = 0,   /* read after write of a buffer */
    PL_PLAN_DEP_AFTER = 1,  /* written in the op's `after` list (or an STG edge) */
    PL_PLAN_DEP_MEMORY = 2, /* a buffer's next copy waits for the copy it reuses */
} pl_plan_dep_kind;

typedef struct pl_plan_dep {
    uint32_t src, dst;
    uint32_t distance; /* 0: same iteration; d: src of d iterations earlier */
    uint8_t kind;      /* pl_plan_dep_kind */
    int32_t buffer;    /* PL_PLAN_DEP_DATA: the buffer; -1 otherwise */
} pl_plan_dep;

/* A class that may run an op besides its own, and the op's latency there. */
typedef struct pl_plan_alt {
    uint32_t cls;
    double latency; /* seconds, >= 0 */
} pl_plan_alt;

typedef struct pl_plan_op {
    char *name;
    uint32_t cls;      /* its unit class: the first that may run it, the baseline's */
    double latency;    /* seconds, >= 0, on that class: what the planner plans with (a
                          distribution's mean) */
    pl_plan_alt *also; /* other classes that may run it (none the same), each with its
                          latency; the scheduler picks per task; owned */
    uint32_t nalso;
} pl_plan_op;

typedef struct pl_plan_class {
    char *name;      /* "dma" */
    uint32_t units;  /* identical units of this class, >= 1 */
    double interval; /* seconds; > 0: a pipelined unit, which takes a new op this long after
                        the last one started while that one is still in flight (a cube pipe
                        of issue interval 1 cycle and latency 8); 0: each op holds its unit
                        for its whole latency */
} pl_plan_class;

/* How long an op of `latency` holds a unit of class c: its latency, or on a pipelined
 * class the issue interval where that is shorter. The op still ends after its latency. */
static inline double pl_plan_hold(const pl_plan_class *c, double latency)
{
    return c->interval > 0 && c->interval < latency ? c->interval : latency;
}

typedef struct pl_plan_buffer {
    char *name;
    double size; /* bytes, > 0 */
} pl_plan_buffer;

/* One op's access to one buffer. */
typedef struct pl_plan_access {
    uint32_t op, buffer;
    bool write;
} pl_plan_access;

/* How the buffers' physical copies are given offsets (plan.placement): each first fit in
 * order of first use, each first fit largest first (greedy by size, as TFLite Micro's
 * planner), or whichever of the two has the smaller footprint (the default: 0). */
typedef enum pl_plan_placement {
    PL_PLAN_PLACE_BEST = 0,
    PL_PLAN_PLACE_FIRST_USE,
    PL_PLAN_PLACE_LARGEST,
} pl_plan_placement;

/* What moving a buffer between two units costs (HEFT's model): between two different units
 * of the classes it joins, latency + bytes / bandwidth, paid when a consumer runs on
 * another unit than the producer of the buffer it reads. */
typedef struct pl_plan_transfer {
    bool *joins;      /* per class: whether it is one of those joined; owned */
    double latency;   /* seconds, >= 0 */
    double bandwidth; /* bytes per second, > 0; INFINITY: bytes cost nothing */
} pl_plan_transfer;

typedef struct pl_plan_loop {
    pl_plan_op *ops; /* in program order */
    uint32_t nops;
    pl_plan_class *classes;
    uint32_t nclasses;
    pl_plan_dep *deps;
    uint32_t ndeps;
    pl_plan_buffer *buffers;
    uint32_t nbuffers;
    pl_plan_access *access;
    uint32_t naccess;
    uint32_t iterations; /* >= 1 */
    double memory;       /* bytes the buffers may take at once; INFINITY: no limit */
    uint32_t window;     /* the most iterations in flight; 0: the planner chooses */
    pl_plan_placement placement;
    pl_plan_transfer *transfers; /* the first that joins two classes prices their moves */
    uint32_t ntransfers;
    double max_iteration; /* seconds an iteration may take at most (constraints.h); 0: any */
    double target_ii;     /* seconds: the II the plan must reach at most; 0: none */
} pl_plan_loop;

void pl_plan_loop_fini(pl_plan_loop *l);

/* The units of all classes are numbered class after class: class c's unit k is
 * pl_plan_unit_first(l, c) + k. */
uint32_t pl_plan_unit_first(const pl_plan_loop *l, uint32_t cls);
uint32_t pl_plan_unit_count(const pl_plan_loop *l);

/* Whether any class of l is pipelined (pl_plan_class.interval). */
bool pl_plan_pipelined(const pl_plan_loop *l);

/* The class of unit u. */
uint32_t pl_plan_unit_class(const pl_plan_loop *l, uint32_t u);
/* Every unit's class, for a caller that asks per task: an array of pl_plan_unit_count(l)
 * entries the caller frees; NULL when out of memory. */
uint32_t *pl_plan_unit_classes(const pl_plan_loop *l);

/* Which of the classes that may run op o class c is: 0 its own, a + 1 its also[a];
 * UINT32_MAX when c may not run it. */
uint32_t pl_plan_alt_of(const pl_plan_loop *l, uint32_t o, uint32_t c);
/* Op o's latency on class c, or -1 when c may not run it. */
double pl_plan_latency_on(const pl_plan_loop *l, uint32_t o, uint32_t c);
/* Op o's least latency over the classes that may run it: what the bounds count. */
double pl_plan_least_latency(const pl_plan_loop *l, uint32_t o);
/* Op o's mean latency over the units that may run it (its own latency when only one
 * class may): what its priority counts, as HEFT's upward rank does. */
double pl_plan_mean_latency(const pl_plan_loop *l, uint32_t o);

/* Whether some op may run on several classes, or moves between units cost time. */
bool pl_plan_choices(const pl_plan_loop *l);

/* What dependency e (a data dependency: a buffer read) costs to move from a unit of class
 * a to another unit of class b: latency + bytes / bandwidth of the first transfer joining
 * both, 0 when none does or e moves no buffer. */
double pl_plan_transfer_cost(const pl_plan_loop *l, const pl_plan_dep *e, uint32_t a, uint32_t b);
/* The mean of that cost over every pair of different units that may run e's source and
 * its destination: what e adds to a priority (HEFT's mean communication cost). */
double pl_plan_mean_transfer(const pl_plan_loop *l, const pl_plan_dep *e);

/*
 * Adds the read-after-write dependencies of the buffers to l->deps, after those already
 * there. A read of buffer b by op r depends on every writer of b that comes before r in
 * program order (distance 0); when none does, on every writer of b (distance 1: the
 * value the previous iteration left, as an accumulator's). Consecutive writers of b are
 * ordered too (distance 0). A buffer that no op writes is resident: loaded before the
 * loop, it adds no dependency. Returns 0 or PL_ENOMEM.
 */
int pl_plan_loop_add_buffer_deps(pl_plan_loop *l);

/* Groups the entries 0 .. m - 1 by key[e] < n, each group in the entries' order (a counting
 * sort): group k is (*list)[(*first)[k] .. (*first)[k + 1]). The caller frees both arrays
 * (also on failure: PL_ENOMEM). */
int pl_plan_group(uint32_t n, uint32_t m, const uint32_t *key, uint32_t **first, uint32_t **list);

/* Groups the dependencies by destination (by_dst) or by source, with pl_plan_group: the
 * indices into l->deps of op o's group are (*list)[(*first)[o] .. (*first)[o + 1]), in the
 * order of l->deps. The caller frees both arrays (also on failure: PL_ENOMEM). */
int pl_plan_dep_index(const pl_plan_loop *l, bool by_dst, uint32_t **first, uint32_t **list);

/* Writes the ops in a topological order of the dependencies of distance 0 into order (nops
 * entries), the smallest op first among those whose predecessors are all written, so that
 * program order stays where the dependencies allow. Returns how many it could order: fewer
 * than nops when those dependencies form a cycle; PL_ENOMEM. */
int pl_plan_topo_order(const pl_plan_loop *l, uint32_t *order);

/*
 * The dependencies of l followed by those that limit each buffer b to versions[b] copies
 * (0: no limit), into *deps (*ndeps of them; the caller frees *deps): the first writer of
 * b in iteration i waits for every access to b's value of iteration i - versions[b]. An op
 * that reads and then writes b in place waits for nothing of its own. Returns 0 or
 * PL_ENOMEM.
 */
int pl_plan_version_deps(const pl_plan_loop *l, const uint32_t *versions, pl_plan_dep **deps,
                         uint32_t *ndeps);

/* Whether buffer b is resident (read, never written, by the loop's ops). */
bool pl_plan_buffer_resident(const pl_plan_loop *l, uint32_t b);

#endif
