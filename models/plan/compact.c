/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compact.c — a plan reduced to what its lowering reads (compact.h).
 */
#include "models/plan/compact.h"
#include "sim/common/array.h"

#include <stdlib.h>
#include <string.h>

void pl_plan_compact_fini(pl_plan_compact *c)
{
    free(c->order);
    free(c->unit);
    free(c->lane);
    free(c->nlanes);
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

/* The flights' lanes (pl_plan_compact.lane): each flight, in planned order, on the first
 * lane of its unit that is free by the time it starts, or on a new lane. Per unit, the
 * flights start in planned order, since the holds they follow do not overlap. */
static int assign_lanes(const pl_plan_loop *l, const pl_plan_schedule *s, pl_plan_compact *c)
{
    uint32_t nunits = pl_plan_unit_count(l), cap = 0;
    double *free_at = NULL; /* per unit, per lane: when its last flight ends (unit-major) */
    c->lane = pl_array_alloc((size_t)s->ntasks + 1, sizeof *c->lane);
    c->nlanes = calloc((size_t)nunits + 1, sizeof *c->nlanes);
    int rc = c->lane && c->nlanes ? 0 : PL_ENOMEM;
    for (uint32_t k = 0; !rc && k < s->ntasks; k++) {
        uint32_t t = c->order[k], u = s->tasks[t].unit, n = c->nlanes[u];
        const pl_plan_op *op = &l->ops[t % l->nops];
        double from = s->tasks[t].start + pl_plan_hold(&l->classes[op->cls], op->latency);
        c->lane[t] = PL_PLAN_NO_LANE;
        if (!(from < s->tasks[t].end))
            continue;
        uint32_t at = 0;
        while (at < n && free_at[(size_t)at * nunits + u] > from)
            at++;
        if (at == n && n == cap) { /* room for one more lane on every unit */
            double *more = realloc(free_at, ((size_t)cap + 4) * nunits * sizeof *more);
            if (!more) {
                rc = PL_ENOMEM;
                break;
            }
            free_at = more;
            cap += 4;
        }
        free_at[(size_t)at * nunits + u] = s->tasks[t].end;
        c->lane[t] = at;
        c->nlanes[u] += at == n;
    }
    free(free_at);
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
    if (!rc && pl_plan_pipelined(l))
        rc = assign_lanes(l, s, out);
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
