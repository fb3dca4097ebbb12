/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verdict.c — the names of the kinds of change, and the queries of a verdict.
 */
#include "sim/measure/verdict.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
#define PL_CHANGE_NAME(name, spelled) spelled,
    PL_CHANGE_KINDS(PL_CHANGE_NAME)
#undef PL_CHANGE_NAME
};

const char *pl_change_kind_name(pl_change_kind k)
{
    return kind_names[k];
}

void pl_verdict_fini(pl_verdict *v)
{
    free(v->tried);
    *v = (pl_verdict){0};
}

const pl_tried *pl_verdict_helps(const pl_verdict *v, pl_change_kind kind, const char *name)
{
    for (size_t i = 0; i < v->ntried; i++) {
        const pl_tried *t = &v->tried[i];
        if (t->status == PL_TRIED_SIMULATED && t->kind == kind && strcmp(t->name, name) == 0)
            return t->gain > PL_VERDICT_TIE * v->makespan ? t : NULL;
    }
    return NULL;
}
