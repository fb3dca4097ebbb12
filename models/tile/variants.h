/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * variants.h — the tile kernel one slot deeper: for each of its buffers, the kernel as
 * configured with that buffer's depth one higher, or why that depth does not fit on chip.
 */
#ifndef PL_TILE_VARIANTS_H
#define PL_TILE_VARIANTS_H

#include "models/model.h"

/* The tile model's pl_model.variants and lower_variant: l->kept is the loaded
 * pl_tile_program. One variant per buffer, in the program's order, named as the scenario
 * (or the GEMM: a_l1, b_l1, a_l0, b_l0, c_l0) names it; refused, in the words of the check
 * of a scenario that sets such a depth, when that depth does not fit its memory. */
int pl_tile_variants(const pl_lowering *l, pl_variant **out, size_t *n, pl_diag *d);
int pl_tile_lower_variant(const pl_lowering *l, size_t i, pl_graph **out, pl_diag *d);

#endif
