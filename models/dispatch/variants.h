/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * variants.h — the dispatch pipeline one slot deeper: each bounded queue of the run, as
 * configured but one op deeper.
 */
#ifndef PL_DISPATCH_VARIANTS_H
#define PL_DISPATCH_VARIANTS_H

#include "models/model.h"

/* The dispatch model's pl_model.variants and lower_variant: l->kept is the loaded
 * workload (models/dispatch/workload.h), which borrows the config's strings. At most two
 * variants, in this order, each only where its key is bounded and its queue is in the run:
 * "queue_depth" (pipelined mode: both queues between host steps one deeper) and
 * "stream_depth" (either mode: the device stream's queue one deeper). Never refused. */
int pl_dispatch_variants(const pl_lowering *l, pl_variant **out, size_t *n, pl_diag *d);
int pl_dispatch_lower_variant(const pl_lowering *l, size_t i, pl_graph **out, pl_diag *d);

#endif
