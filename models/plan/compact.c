/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compact.c — a plan reduced to what its lowering reads (compact.h).
 */
#include "models/plan/compact.h"
#include "models/plan/planned.h"
#include "sim/common/array.h"

#include <stdlib.h>
#include <string.h>

void pl_plan_compact_fini(pl_plan_compact *c)
{
    free(c->order);
    free(c->unit);
    free(c->lane);
    free(c->nlanes);
    free(c->hops);
    free(c->hop_order);
    free(c->reuse);
    free(c->first);
    free(c->first_iter);
    *c = (pl_plan_compact){0};
}

pl_plan_instance_name pl_plan_compact_instance(const pl_plan_compact *c, uint32_t k)
{
    uint32_t lo = 0, hi = c->nbuffers; /* the buffer b with first[b] <= k < first[b + 1] */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->first[mid + 1] <= k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (pl_plan_instance_name){lo, c->first_iter[lo] + (int32_t)(k - c->first[lo])};
}

/* Where each buffer's instances start in m (by buffer, each a run of iterations). */
static int index_instances(const pl_plan_loop *l, const pl_plan_memmap *m, pl_plan_compact *c)
{
    c->nbuffers = l->nbuffers;
    c->first = calloc((size_t)l->nbuffers + 2, sizeof *c->first);
    c->first_iter = calloc((size_t)l->nbuffers + 1, sizeof *c->first_iter);
    if (!c->first || !c->first_iter)
        return PL_ENOMEM;
    for (uint32_t k = 0; k < m->ninst; k++)
        c->first[m->inst[k].buffer + 1]++;
    for (uint32_t b = 0; b < l->nbuffers; b++) {
        c->first[b + 1] += c->first[b];
        if (c->first[b + 1] > c->first[b])
            c->first_iter[b] = m->inst[c->first[b]].iter;
    }
    return 0;
}

/* Lanes of intervals that must not overlap: when each is free, growing by four. */
struct lanes {
    double *free_at;
    uint32_t n, cap;
};

/* The first lane free by `from` for an interval [from, to), or a new one; UINT32_MAX when
 * out of memory. */
static uint32_t take_lane(struct lanes *x, double from, double to)
{
    uint32_t at = 0;
    while (at < x->n && x->free_at[at] > from)
        at++;
    if (at == x->cap) {
        double *more = realloc(x->free_at, ((size_t)x->cap + 4) * sizeof *more);
        if (!more)
            return UINT32_MAX;
        x->free_at = more;
        x->cap += 4;
    }
    x->free_at[at] = to;
    x->n += at == x->n;
    return at;
}

/* The flights' lanes (pl_plan_compact.lane): each flight, in planned order, on the first
 * lane of its unit that is free by the time it starts, or on a new lane. Per unit, the
 * flights start in planned order, since the holds they follow do not overlap. */
static int assign_lanes(const pl_plan_loop *l, const uint32_t *class_of, const pl_plan_schedule *s,
                        pl_plan_compact *c)
{
    uint32_t nunits = pl_plan_unit_count(l);
    struct lanes *lanes = calloc((size_t)nunits + 1, sizeof *lanes);
    c->lane = pl_array_alloc((size_t)s->ntasks + 1, sizeof *c->lane);
    c->nlanes = calloc((size_t)nunits + 1, sizeof *c->nlanes);
    int rc = lanes && c->lane && c->nlanes ? 0 : PL_ENOMEM;
    for (uint32_t k = 0; !rc && k < s->ntasks; k++) {
        uint32_t t = c->order[k], u = s->tasks[t].unit;
        const pl_plan_slot *x = &s->tasks[t];
        const pl_plan_class *cls = &l->classes[class_of[u]];
        double from = x->start + pl_plan_hold(cls, x->end - x->start);
        c->lane[t] = from < x->end ? take_lane(&lanes[u], from, x->end) : PL_PLAN_NO_LANE;
        if (from < x->end && c->lane[t] == UINT32_MAX)
            rc = PL_ENOMEM;
    }
    for (uint32_t u = 0; lanes && u < nunits; u++) {
        if (c->nlanes)
            c->nlanes[u] = lanes[u].n;
        free(lanes[u].free_at);
    }
    free(lanes);
    return rc;
}

/* A hop's planned start and cost, and its place among the hops, which orders them. */
struct hop_at {
    double start, cost;
    uint32_t hop;
};

static int cmp_hop_at(const void *a, const void *b)
{
    const struct hop_at *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->hop < y->hop ? -1 : x->hop > y->hop;
}

/* The hops of plan p (pl_plan_compact.hops) and their lanes, by planned start. */
static int find_hops(const pl_plan_loop *l, const uint32_t *class_of, const pl_plan *p,
                     pl_plan_compact *c)
{
    const pl_plan_slot *slot = p->sched.tasks;
    uint32_t cap = 0;
    struct hop_at *at = NULL;
    int rc = 0;
    for (uint32_t i = 0; !rc && i < l->iterations; i++)
        for (uint32_t k = 0; !rc && k < p->ndeps; k++) {
            const pl_plan_dep *e = &p->deps[k];
            if (e->distance > i)
                continue;
            uint32_t from = (i - e->distance) * l->nops + e->src, to = i * l->nops + e->dst;
            uint32_t a = slot[from].unit, b = slot[to].unit;
            double cost = a == b ? 0 : pl_plan_transfer_cost(l, e, class_of[a], class_of[b]);
            if (!(cost > 0))
                continue;
            if (c->nhops == cap) {
                cap = cap ? 2 * cap : 64;
                pl_plan_hop *more = realloc(c->hops, (size_t)cap * sizeof *more);
                struct hop_at *more_at = realloc(at, (size_t)cap * sizeof *more_at);
                c->hops = more ? more : c->hops;
                at = more_at ? more_at : at;
                if (!more || !more_at) {
                    rc = PL_ENOMEM;
                    break;
                }
            }
            at[c->nhops] = (struct hop_at){slot[from].end, cost, c->nhops};
            c->hops[c->nhops++] = (pl_plan_hop){from, to, k, 0};
        }
    if (!rc && c->nhops > 0) {
        qsort(at, c->nhops, sizeof *at, cmp_hop_at);
        c->hop_order = malloc((size_t)c->nhops * sizeof *c->hop_order);
        rc = c->hop_order ? 0 : PL_ENOMEM;
    }
    struct lanes lanes = {0};
    for (uint32_t n = 0; !rc && n < c->nhops; n++) {
        pl_plan_hop *h = &c->hops[at[n].hop];
        c->hop_order[n] = at[n].hop;
        h->lane = take_lane(&lanes, at[n].start, at[n].start + at[n].cost);
        rc = h->lane == UINT32_MAX ? PL_ENOMEM : 0;
    }
    c->hop_lanes = lanes.n;
    free(lanes.free_at);
    free(at);
    return rc;
}

int pl_plan_compact_make(const pl_plan_loop *l, pl_plan *p, pl_plan_compact *out)
{
    const pl_plan_schedule *s = &p->sched;
    const pl_plan_memmap *m = &p->mem;
    *out = (pl_plan_compact){.ntasks = s->ntasks, .order = m->order, .nreuse = m->nreuse};
    p->mem.order = NULL;
    /* A copy of the reuse list, which the map grew by doubling: it takes what it holds. */
    out->reuse = pl_array_alloc((size_t)m->nreuse + 1, sizeof *out->reuse);
    int rc = out->reuse ? index_instances(l, m, out) : PL_ENOMEM;
    if (!rc && m->nreuse > 0)
        memcpy(out->reuse, m->reuse, m->nreuse * sizeof *out->reuse);
    if (!rc && !out->order) {
        out->order = pl_array_alloc((size_t)s->ntasks + 1, sizeof *out->order);
        rc = out->order ? pl_plan_planned_order(l, s, out->order) : PL_ENOMEM;
    }
    out->unit = rc ? NULL : pl_array_alloc((size_t)s->ntasks + 1, sizeof *out->unit);
    if (!rc && !out->unit)
        rc = PL_ENOMEM;
    for (uint32_t t = 0; !rc && t < s->ntasks; t++)
        out->unit[t] = s->tasks[t].unit;
    bool lanes = pl_plan_pipelined(l), hops = l->ntransfers > 0;
    uint32_t *class_of = !rc && (lanes || hops) ? pl_plan_unit_classes(l) : NULL;
    if (!rc && (lanes || hops) && !class_of)
        rc = PL_ENOMEM;
    if (!rc && lanes)
        rc = assign_lanes(l, class_of, s, out);
    if (!rc && hops)
        rc = find_hops(l, class_of, p, out);
    free(class_of);
    if (rc)
        pl_plan_compact_fini(out);
    return rc;
}

void pl_plan_shed(pl_plan *p)
{
    free(p->sched.tasks);
    p->sched.tasks = NULL;
    p->sched.ntasks = 0;
    free(p->mem.inst);
    free(p->mem.reuse);
    free(p->mem.order);
    p->mem.inst = NULL;
    p->mem.reuse = NULL;
    p->mem.order = NULL;
    p->mem.ninst = p->mem.nreuse = 0;
}
