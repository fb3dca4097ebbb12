/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * adjacency.c — a loop's dependencies indexed by op (adjacency.h).
 */
#include "models/plan/adjacency.h"

#include <stdlib.h>

void pl_plan_adjacency_fini(pl_plan_adjacency *a)
{
    free(a->in_first);
    free(a->in);
    free(a->out_first);
    free(a->out);
    free(a->first_op);
    free(a->last_op);
    free(a->topo);
    *a = (pl_plan_adjacency){0};
}

static int topo_order(const pl_plan_loop *l, pl_plan_adjacency *a)
{
    a->topo = malloc(((size_t)l->nops + 1) * sizeof *a->topo);
    if (!a->topo)
        return PL_ENOMEM;
    int n = pl_plan_topo_order(l, a->topo);
    return n < 0 ? n : (uint32_t)n == l->nops ? 0 : PL_EINVAL;
}

void pl_plan_iteration_ends(const pl_plan_dep *deps, uint32_t ndeps, uint32_t nops, bool *first,
                            bool *last)
{
    for (uint32_t o = 0; o < nops; o++)
        first[o] = last[o] = true;
    for (uint32_t k = 0; k < ndeps; k++)
        if (deps[k].distance == 0) {
            first[deps[k].dst] = false;
            last[deps[k].src] = false;
        }
}

int pl_plan_adjacency_init(const pl_plan_loop *l, pl_plan_adjacency *a)
{
    *a = (pl_plan_adjacency){0};
    int rc = pl_plan_dep_index(l, true, &a->in_first, &a->in);
    if (!rc)
        rc = pl_plan_dep_index(l, false, &a->out_first, &a->out);
    a->first_op = malloc(((size_t)l->nops + 1) * sizeof *a->first_op);
    a->last_op = malloc(((size_t)l->nops + 1) * sizeof *a->last_op);
    if (rc || !a->first_op || !a->last_op)
        return PL_ENOMEM;
    pl_plan_iteration_ends(l->deps, l->ndeps, l->nops, a->first_op, a->last_op);
    return topo_order(l, a);
}
