/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * variants.c — a queue one op deeper: a copy of the kept workload's policy with that
 * depth raised, lowered in the run's mode from the same drawn costs.
 */
#include "models/dispatch/variants.h"

#include "models/dispatch/workload.h"

#include <stdlib.h>

/* The bounded queues of the run, in variant order; returns how many (at most 2). */
static size_t queues(const pl_dispatch *w, bool stream[2])
{
    size_t n = 0;
    if (w->mode == PL_DISPATCH_PIPELINED && w->queue_depth != PL_UNBOUNDED)
        stream[n++] = false;
    if (w->stream_depth != PL_UNBOUNDED)
        stream[n++] = true;
    return n;
}

int pl_dispatch_variants(const pl_lowering *l, pl_variant **out, size_t *n, pl_diag *d)
{
    const pl_dispatch *w = l->kept;
    bool stream[2];
    *out = NULL;
    *n = w ? queues(w, stream) : 0;
    if (*n == 0)
        return 0;
    pl_variant *v = calloc(*n, sizeof *v);
    if (!v)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t i = 0; i < *n; i++) {
        long long depth = stream[i] ? w->stream_depth : w->queue_depth;
        v[i].kind = PL_CHANGE_QUEUE;
        snprintf(v[i].name, sizeof v[i].name, "%s", stream[i] ? "stream_depth" : "queue_depth");
        snprintf(v[i].change, sizeof v[i].change,
                 "one more slot in %s (dispatch.%s %lld instead of %lld)",
                 stream[i] ? "the device stream's queue" : "each queue between host steps",
                 v[i].name, depth + 1, depth);
    }
    *out = v;
    return 0;
}

int pl_dispatch_lower_variant(const pl_lowering *l, size_t i, pl_graph **out, pl_diag *d)
{
    const pl_dispatch *w = l->kept;
    bool stream[2];
    queues(w, stream);
    pl_dispatch copy = *w; /* shares the ops and their drawn costs, read-only */
    if (stream[i])
        copy.stream_depth++;
    else
        copy.queue_depth++;
    int rc = pl_dispatch_lower(&copy, w->mode, out);
    return rc == 0 ? 0 : pl_diag_set(d, rc, "out of memory lowering the dispatch workload");
}
