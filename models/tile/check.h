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

/* Whether the buffers of p in memory m (whose capacity is given) need more than it holds at
 * their depths; if so writes into msg (of len bytes) the words the check uses: "the
 * buffers in L0A do not fit: a_l0 3 x 32 KiB = 96 KiB, more than its 64 KiB". */
bool pl_tile_capacity_excess(const pl_tile_program *p, pl_onchip_memory m, char *msg, size_t len);

#endif
