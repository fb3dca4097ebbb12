/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compact.c — a plan reduced to what its lowering reads (compact.h).
 */
#include "models/plan/compact.h"
#include "sim/common/array.h"

#include <stdlib.h>

void pl_plan_compact_fini(pl_plan_compact *c)
{
    free(c->order);
    free(c->unit);
    free(c->reuse);
    *c = (pl_plan_compact){0};
}

static pl_plan_instance_name name_of(const pl_plan_memmap *m, uint32_t k)
{
    return (pl_plan_instance_name){m->inst[k].buffer, m->inst[k].iter};
}

int pl_plan_compact_make(const pl_plan_loop *l, pl_plan *p, pl_plan_compact *out)
{
    const pl_plan_schedule *s = &p->sched;
    const pl_plan_memmap *m = &p->mem;
    *out = (pl_plan_compact){.ntasks = s->ntasks, .nreuse = m->nreuse, .order = p->mem.order};
    p->mem.order = NULL;
    int rc = 0;
    if (!out->order) {
        out->order = pl_array_alloc((size_t)s->ntasks + 1, sizeof *out->order);
        rc = out->order ? pl_plan_planned_order(l, s, out->order) : PL_ENOMEM;
    }
    out->unit = pl_array_alloc((size_t)s->ntasks + 1, sizeof *out->unit);
    out->reuse = pl_array_alloc((size_t)m->nreuse + 1, sizeof *out->reuse);
    if (!rc && (!out->unit || !out->reuse))
        rc = PL_ENOMEM;
    for (uint32_t t = 0; !rc && t < s->ntasks; t++)
        out->unit[t] = s->tasks[t].unit;
    for (uint32_t r = 0; !rc && r < m->nreuse; r++)
        out->reuse[r] =
            (pl_plan_named_reuse){name_of(m, m->reuse[r].from), name_of(m, m->reuse[r].to)};
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
