/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * liveness_work.h — the working state of one pl_plan_liveness, which its two files share:
 * liveness.c finds who accesses each buffer and when each instance is live, placement.c
 * gives each instance its version and offset. Only models/plan/liveness.c and
 * models/plan/placement.c include this header. struct roles is defined in liveness.c and
 * struct phys in placement.c, the only files that look inside them.
 */
#ifndef PL_PLAN_LIVENESS_WORK_H
#define PL_PLAN_LIVENESS_WORK_H

#include "models/plan/liveness.h"

#include <stdlib.h>

/* An index that names nothing: no writer, or no instance yet. */
#define NONE UINT32_MAX

/* What the sorts and the heaps hold: a key, ties broken by pos, then by v. */
struct entry {
    double key;
    uint64_t pos;
    uint32_t v;
};

/* A moment of the schedule: a time, and a place in planned order (pl_plan_planned_order:
 * 1 + a task's index, 0 before every task, UINT64_MAX after) that orders the starts and
 * ends of tasks at one time. Tasks that take time never meet at a moment, but those that
 * take none do, and then it is the order that tells which lifetime ends first. */
struct moment {
    double t;
    uint64_t pos;
};

/* A binary min-heap of entries. */
struct heap {
    struct entry *e;
    uint32_t n;
};

struct work {
    const pl_plan_loop *l;
    const pl_plan_schedule *s;
    pl_plan_memmap *out;
    bool whole;            /* the whole map; false: versions and footprints only */
    struct roles *roles;   /* per buffer */
    uint32_t *ops;         /* what roles index */
    uint32_t *first;       /* per buffer: its first instance in out->inst */
    uint64_t *pos;         /* per task: its place in planned order, from 1 */
    struct moment *from;   /* per instance: its first writer's start */
    struct moment *to;     /* per instance: its last access's end (see liveness.c) */
    struct entry *order;   /* instances by buffer, then (from, index) */
    struct entry *scratch; /* the sorts' (sort.h): room for half the instances */
    struct heap busy;      /* versions in use, by the end of their last instance */
    struct heap idle;      /* versions free, by number */
    uint32_t *pbase;       /* per buffer: its version 0's physical buffer */
    struct phys *phys;
    uint32_t nphys;
    uint32_t reuse_cap;
};

/* calloc of at least one element, so that NULL always means out of memory. */
static inline void *zalloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

/* Whether moment a comes strictly before b. A lifetime that ends at a moment no later than
 * another starts is over by then: lifetimes are half open. */
static inline bool moment_before(struct moment a, struct moment b)
{
    return a.t < b.t || (a.t == b.t && a.pos < b.pos);
}

/* Whether entry a goes before b: by key, then pos, then v. */
static inline bool entry_less(const struct entry *a, const struct entry *b)
{
    if (a->key != b->key)
        return a->key < b->key;
    return a->pos < b->pos || (a->pos == b->pos && a->v < b->v);
}

/* ---- The steps of placement.c, in the order pl_plan_liveness takes them ---- */

/* Each is described where it is defined; those that return int fail with PL_ENOMEM only
 * (pl_plan_liveness then frees what was made). */
void pl_plan_colour_buffer(struct work *w, uint32_t b);
int pl_plan_find_phys(struct work *w);
int pl_plan_place(struct work *w);
int pl_plan_sweep_live(struct work *w);
void pl_plan_totals(struct work *w);

#endif
