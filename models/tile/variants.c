/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * variants.c — a buffer one slot deeper: the kept program lowered as the run is
 * (pipelined, from the same drawn times) with that one depth raised.
 */
#include "models/tile/variants.h"

#include "models/tile/check.h"
#include "models/tile/tile.h"

#include <stdlib.h>

/* A copy of p (sharing its strings and drawn times, read-only) with buffer b one deeper,
 * into *out (the caller frees it with free). PL_ENOMEM. */
static int deeper(const pl_tile_program *p, uint32_t b, pl_tile_program **out)
{
    pl_tile_program *q = malloc(sizeof *q);
    if (!q)
        return PL_ENOMEM;
    *q = *p;
    q->buffers[b].depth++;
    *out = q;
    return 0;
}

int pl_tile_variants(const pl_lowering *l, pl_variant **out, size_t *n, pl_diag *d)
{
    const pl_tile_program *p = l->kept;
    *out = NULL;
    *n = 0;
    if (!p || p->nbuffers == 0)
        return 0;
    pl_variant *v = calloc(p->nbuffers, sizeof *v);
    if (!v)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (uint32_t b = 0; b < p->nbuffers; b++) {
        const pl_tile_buffer *buf = &p->buffers[b];
        pl_tile_program *q;
        if (deeper(p, b, &q) != 0) {
            free(v);
            return pl_diag_set(d, PL_ENOMEM, "out of memory");
        }
        v[b].kind = PL_CHANGE_BUFFER;
        snprintf(v[b].name, sizeof v[b].name, "%s", buf->name);
        snprintf(v[b].change, sizeof v[b].change, "one more slot in buffer %s (%u instead of %u)",
                 buf->name, buf->depth + 1, buf->depth);
        pl_tile_capacity_excess(q, buf->memory, v[b].refused, sizeof v[b].refused);
        free(q);
    }
    *out = v;
    *n = p->nbuffers;
    return 0;
}

int pl_tile_lower_variant(const pl_lowering *l, size_t i, pl_graph **out, pl_diag *d)
{
    const pl_tile_program *p = l->kept;
    uint32_t depth[PL_TILE_MAX_BUFFERS];
    for (uint32_t b = 0; b < p->nbuffers; b++)
        depth[b] = p->buffers[b].depth + (b == i);
    int rc = pl_tile_lower_depths(p, depth, out);
    return rc == 0 ? 0 : pl_diag_set(d, rc, "out of memory lowering a trial kernel");
}
