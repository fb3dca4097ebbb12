/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * kernel.h — reading a tile kernel from a scenario: the pipes of one core from the
 * machine's device, the steps and buffers as written in the tile section or derived from
 * its GEMM shape (models/tile/gemm.h), checked (models/tile/check.h), with every random
 * duration drawn. What it reads into is a pl_tile_program (models/tile/program.h).
 */
#ifndef PL_TILE_KERNEL_H
#define PL_TILE_KERNEL_H

#include "models/tile/program.h"
#include "sim/common/error.h"
#include "sim/config/config.h"

#include <gsl/gsl_rng.h>

/* Reads a tile kernel: the section sec (the scenario's `tile`, or a dispatch op's
 * `tile`) of the loaded scenario cfg and the device of its machine, or generates the
 * steps from sec's gemm; checks what the schema cannot (one amount per step, names that
 * exist, units with the figures their steps need, buffers that fit their memory, cores),
 * and draws every random duration from rng, tile after tile. Both borrowed. Fails with
 * PL_ECONFIG, with the file, line, column and key of the culprit, or PL_ENOMEM. The
 * caller frees *out with pl_tile_program_destroy. */
int pl_tile_program_load(const pl_config *cfg, const pl_node *sec, gsl_rng *rng,
                         pl_tile_program **out, pl_diag *d);

/* pl_tile_program_load in two halves, for a caller that checks what the kernels cost
 * before any of their durations is drawn (the dispatch model bounds the tasks of all its
 * kernels together): read and check, with the same failures and ownership, then draw the
 * random durations, which allocates tiles x steps of them and fails with PL_ENOMEM. */
int pl_tile_program_read(const pl_config *cfg, const pl_node *sec, pl_tile_program **out,
                         pl_diag *d);
int pl_tile_program_draw(pl_tile_program *p, gsl_rng *rng, pl_diag *d);

#endif
