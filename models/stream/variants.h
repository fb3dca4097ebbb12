/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * variants.h — the stream pipeline one slot deeper: for each bounded pool between two
 * stages, the pipeline as configured with one more buffer in that pool.
 */
#ifndef PL_STREAM_VARIANTS_H
#define PL_STREAM_VARIANTS_H

#include "models/model.h"

/* The stream model's pl_model.variants and lower_variant: l->kept is the loaded pl_stream
 * (models/stream/workload.h). One variant per pool that is not unbounded, in stage order,
 * named "pool S" for the pool after stage S (numbered from 1, as the report's stages are),
 * its change "one more slot in pool 1, source -> filter (2 buffers per pair of threads
 * instead of 1)". Never refused: the model does not count the pools' memory. */
int pl_stream_variants(const pl_lowering *l, pl_variant **out, size_t *n, pl_diag *d);
int pl_stream_lower_variant(const pl_lowering *l, size_t i, pl_graph **out, pl_diag *d);

#endif
