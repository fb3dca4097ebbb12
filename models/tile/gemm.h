/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gemm.h — a tile kernel derived from a GEMM shape, C[m x n] = A[m x k] B[k x n]:
 * one tile per (output block, K step), with the steps of a cube matmul on an
 * Ascend-style core (TLOAD A and B into L1, TEXTRACT them into L0A and L0B, TMATMUL
 * into the L0C accumulator, TSTORE C once per K loop).
 */
#ifndef PL_TILE_GEMM_H
#define PL_TILE_GEMM_H

#include "models/tile/program.h"

/* Fills the tile count, steps and buffers of p from sec.gemm (sec is a tile section of
 * cfg); p's units must already be read. Every buffer has sec.depth slots. Fails with
 * PL_ECONFIG (a tile size that does not divide its dimension) or PL_ENOMEM. */
int pl_tile_gemm_generate(const pl_config *cfg, const pl_node *sec, pl_tile_program *p, pl_diag *d);

#endif
