/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * planned.c — a schedule's tasks in planned order (planned.h).
 */
#include "models/plan/planned.h"
#include "models/plan/sort.h"
#include "sim/common/array.h"

#include <stdlib.h>

/* A task with what orders it: its planned start, then end, then rank (iteration, then the
 * op's place in a topological order). */
struct planned {
    double start, end;
    uint64_t rank;
    uint32_t task;
};

static bool planned_before(const struct planned *p, const struct planned *q)
{
    if (p->start != q->start)
        return p->start < q->start;
    if (p->end != q->end)
        return p->end < q->end;
    return p->rank < q->rank;
}

PL_PLAN_SORT(sort_planned, struct planned, planned_before)

int pl_plan_planned_order(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t *order)
{
    uint32_t nops = l->nops;
    uint32_t *topo = malloc(((size_t)nops + 1) * sizeof *topo);
    uint32_t *place = malloc(((size_t)nops + 1) * sizeof *place);
    struct planned *p = pl_array_alloc((size_t)s->ntasks + 1, sizeof *p),
                   *tmp = pl_array_alloc((size_t)s->ntasks / 2 + 1, sizeof *tmp);
    int n = topo && place && p && tmp ? pl_plan_topo_order(l, topo) : PL_ENOMEM;
    int rc = n < 0 ? n : (uint32_t)n == nops ? 0 : PL_EINVAL;
    for (uint32_t k = 0; rc == 0 && k < nops; k++)
        place[topo[k]] = k;
    for (uint32_t t = 0; rc == 0 && t < s->ntasks; t++)
        p[t] = (struct planned){s->tasks[t].start, s->tasks[t].end,
                                (uint64_t)(t / nops) * nops + place[t % nops], t};
    if (rc == 0) {
        sort_planned(p, s->ntasks, tmp);
        for (uint32_t k = 0; k < s->ntasks; k++)
            order[k] = p[k].task;
    }
    free(topo);
    free(place);
    free(p);
    free(tmp);
    return rc;
}
