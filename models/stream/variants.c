/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * variants.c — a pool one buffer deeper: the kept workload with a copy of its stages,
 * that pool's `buffer` raised by one, lowered as the run is (from the same drawn times).
 */
#include "models/stream/variants.h"

#include "models/stream/workload.h"

#include <stdlib.h>
#include <string.h>

/* The stage after which the i-th bounded pool lies; nstages when there is none. */
static uint32_t pool_stage(const pl_stream *w, size_t i)
{
    for (uint32_t s = 0; s + 1 < w->nstages; s++)
        if (w->stages[s].buffer != PL_UNBOUNDED && i-- == 0)
            return s;
    return w->nstages;
}

int pl_stream_variants(const pl_lowering *l, pl_variant **out, size_t *n, pl_diag *d)
{
    const pl_stream *w = l->kept;
    *out = NULL;
    *n = 0;
    if (!w || w->nstages < 2)
        return 0;
    pl_variant *v = calloc(w->nstages, sizeof *v);
    if (!v)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    size_t k = 0;
    for (uint32_t s; (s = pool_stage(w, k)) < w->nstages; k++) {
        long long b = w->stages[s].buffer;
        char tail[96];
        snprintf(tail, sizeof tail, "(%lld buffer%s per pair of threads instead of %lld)", b + 1,
                 b + 1 == 1 ? "" : "s", b);
        /* Each stage name gets half of the room the rest leaves, so that the tail stays. */
        int room = ((int)sizeof v[k].change - 48 - (int)strlen(tail)) / 2;
        v[k].kind = PL_CHANGE_POOL;
        snprintf(v[k].name, sizeof v[k].name, "pool %u", s + 1);
        snprintf(v[k].change, sizeof v[k].change, "one more slot in pool %u, %.*s -> %.*s %s",
                 s + 1, room, w->stages[s].name, room, w->stages[s + 1].name, tail);
    }
    *out = v;
    *n = k;
    return 0;
}

int pl_stream_lower_variant(const pl_lowering *l, size_t i, pl_graph **out, pl_diag *d)
{
    const pl_stream *w = l->kept;
    uint32_t s = pool_stage(w, i);
    pl_stream copy = *w; /* shares everything but the stages, read-only */
    copy.stages = malloc(w->nstages * sizeof *copy.stages);
    if (!copy.stages)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    memcpy(copy.stages, w->stages, w->nstages * sizeof *copy.stages);
    copy.stages[s].buffer++;
    int rc = pl_stream_lower(&copy, false, out);
    free(copy.stages);
    return rc == 0 ? 0 : pl_diag_set(d, rc, "out of memory lowering the stream workload");
}
