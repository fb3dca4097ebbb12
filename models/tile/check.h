/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check.h — checking a tile kernel read from a scenario for what the schema cannot, and
 * deriving what its steps and buffers imply.
 */
#ifndef PL_TILE_CHECK_H
#define PL_TILE_CHECK_H

#include "models/tile/program.h"
#include "sim/common/error.h"
#include "sim/config/config.h"

/* Checks p, whose units, buffers, steps and tiles have been read from the tile section sec
 * of cfg (all borrowed), and fills in what they imply: each buffer's acquiring and
 * releasing steps, the group of tiles a core takes whole, the cores, the sync and the
 * batch. Fails with PL_ECONFIG, with the file, line, column and key of the culprit (the
 * step or buffer as written, or sec.gemm when the kernel was derived). */
int pl_tile_program_check(const pl_config *cfg, const pl_node *sec, pl_tile_program *p, pl_diag *d);

#endif
