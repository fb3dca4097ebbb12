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

#include "models/model.h"
#include "models/tile/program.h"
#include "models/tile/site.h"

/* The keys under `tile`. */
extern const pl_key pl_tile_keys[];

/* Which lowering: the kernel as configured, or the naive single-buffered one. */
typedef enum pl_tile_variant { PL_TILE_PIPELINED, PL_TILE_NAIVE } pl_tile_variant;

/* "event sync", "barrier sync", "batch sync" or "single-buffered": static. */
const char *pl_tile_variant_name(const pl_tile_program *p, pl_tile_variant v);

/* Lowers a loaded program (borrowed) into a finalized graph the caller destroys; its
 * items are the tiles. Returns 0 or PL_ENOMEM. */
int pl_tile_lower(const pl_tile_program *p, pl_tile_variant v, pl_graph **out);

/* pl_tile_lower(p, PL_TILE_PIPELINED, out) with buffer b's depth depth[b] instead of its
 * own, for the trials of other depths (the same drawn times). Returns 0 or PL_ENOMEM. */
int pl_tile_lower_depths(const pl_tile_program *p, const uint32_t *depth, pl_graph **out);

/* Where one kernel begins and ends: for every pipe of every core it used, its first and
 * last task. A kernel has started once any first task has, and finished once every last
 * task has. Free the arrays with pl_tile_ends_fini. */
typedef struct pl_tile_ends {
    uint32_t *first, *last;
    uint32_t n, cap;
} pl_tile_ends;
void pl_tile_ends_fini(pl_tile_ends *e);

/* Every task carries its tile's index as its item. */
#define PL_TILE_PER_TILE UINT32_MAX

/* Lowers program p into the graph of site (another kernel's tasks may come before or
 * after it on the same pipes), every task carrying `item`, or its tile's index for
 * PL_TILE_PER_TILE. Appends the kernel's first and last tasks per pipe to ends unless
 * it is NULL. Returns 0 or PL_ENOMEM. */
int pl_tile_lower_kernel(pl_tile_site *site, const pl_tile_program *p, pl_tile_variant v,
                         uint32_t item, pl_tile_ends *ends);

/* The model's entry (see pl_model.lower). */
int pl_tile_lower_scenario(const pl_config *cfg, gsl_rng *rng, pl_lowering *out, pl_diag *d);

#endif
