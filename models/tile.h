/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tile.h — the tile model: a tiled kernel on the cores of an Ascend-style
 * accelerator, as the PTO ISA describes it.
 *
 * Every tile goes through the same steps (TLOAD on MTE2, TEXTRACT on MTE1,
 * TMATMUL on CUBE, vector ops on VECTOR, TSTORE...), each on an in-order pipe of
 * its core. Steps fill and read on-chip buffers of `depth` slots; a step that
 * fills a buffer waits for a free slot (a `slot` edge to whatever released the
 * slot `depth` tiles back). How a consumer waits for its producer is the sync
 * policy: `event` waits for the producing op; `barrier` (TSYNC) waits for every op
 * issued so far on the producer pipe, which, with loads running depth - 1 tiles
 * ahead, is the producer of the tile depth - 1 ahead; `batch` waits once per
 * `batch` tiles, for the producer of the batch's last tile. Tiles are split over
 * `cores` cores as contiguous SPMD blocks; transfers to and from GM share the
 * device's GM bandwidth.
 *
 * The baseline is the naive kernel: every buffer single, and each op issued only
 * after the previous op of its core finished, so that one core takes exactly
 * N x (sum of a tile's steps).
 */
#ifndef PL_TILE_H
#define PL_TILE_H

#include "model.h"
#include "tile_program.h"

/* The keys under `tile`. */
extern const pl_key pl_tile_keys[];

/* Which lowering: the kernel as configured, or the naive single-buffered one. */
typedef enum pl_tile_variant { PL_TILE_PIPELINED, PL_TILE_NAIVE } pl_tile_variant;

/* Lowers a loaded program into a finalized graph the caller destroys. Returns 0 or
 * PL_ENOMEM. */
int pl_tile_lower(const pl_tile_program *p, pl_tile_variant v, pl_graph **out);

/* The model's entry (see pl_model.lower). */
int pl_tile_lower_scenario(const pl_config *cfg, gsl_rng *rng, pl_lowering *out, pl_diag *d);

#endif
