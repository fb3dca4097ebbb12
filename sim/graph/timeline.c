/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * timeline.c — storage for an executed graph's times.
 *
 * Invariant: a task that ended also started, and start <= end.
 */
#include "sim/graph/timeline.h"
#include "sim/common/array.h"
#include "sim/common/error.h"
#include "sim/graph/graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const engine_names[] = {
#define PL_ENGINE_NAME(name, spelled, help) spelled,
    PL_ENGINES(PL_ENGINE_NAME)
#undef PL_ENGINE_NAME
};

const char *pl_engine_name(pl_engine_kind k)
{
    return k < PL_ENGINE_KIND_COUNT ? engine_names[k] : "?";
}

pl_engine_kind pl_engine_named(const char *name)
{
    for (int k = 0; k < PL_ENGINE_KIND_COUNT; k++)
        if (strcmp(engine_names[k], name) == 0)
            return (pl_engine_kind)k;
    return PL_ENGINE_KIND_COUNT;
}

int pl_timeline_alloc(pl_timeline *tl, uint32_t ntasks)
{
    tl->ntasks = ntasks;
    tl->makespan = 0;
    tl->engine = PL_ENGINE_AUTO;
    tl->engine_why[0] = '\0';
    tl->woke = NULL;
    size_t n = (size_t)ntasks + 1;
    tl->start = pl_array_alloc_written(n, sizeof *tl->start);
    tl->end = pl_array_alloc_written(n, sizeof *tl->end);
    tl->release = pl_array_alloc_written(n, sizeof *tl->release);
    return tl->start && tl->end && tl->release ? 0 : PL_ENOMEM;
}

int pl_timeline_init(pl_timeline *tl, uint32_t ntasks)
{
    int rc = pl_timeline_alloc(tl, ntasks);
    if (rc != 0)
        return rc;
    for (uint32_t t = 0; t < ntasks; t++) {
        tl->start[t] = NAN;
        tl->end[t] = NAN;
        tl->release[t] = PL_NO_EDGE;
    }
    return 0;
}

int pl_timeline_want_woke(pl_timeline *tl)
{
    if (!tl->woke)
        tl->woke = calloc((size_t)tl->ntasks + 1, sizeof *tl->woke);
    return tl->woke ? 0 : PL_ENOMEM;
}

void pl_timeline_fini(pl_timeline *tl)
{
    free(tl->woke);
    tl->woke = NULL;
    free(tl->start);
    free(tl->end);
    free(tl->release);
    tl->start = tl->end = NULL;
    tl->release = NULL;
    tl->ntasks = 0;
}

uint32_t pl_timeline_seal(pl_timeline *tl)
{
    uint32_t unfinished = 0;
    double last = 0;
    for (uint32_t t = 0; t < tl->ntasks; t++) {
        if (isnan(tl->end[t]))
            unfinished++;
        else if (tl->end[t] > last)
            last = tl->end[t];
    }
    tl->makespan = last;
    return unfinished;
}
