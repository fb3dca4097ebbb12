/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * depths.h — how many slots each buffer of a tile kernel needs: the
 * smallest depth per buffer with which the kernel comes within 1 % of its bound,
 * found by simulating variants of the kernel, and whether those depths fit on
 * chip.
 *
 * The goal: the graph bound of the kernel with every slot free when needed (each
 * buffer as deep as its core has tiles), plus 1 %. When even that kernel misses
 * its bound by more (pipes issuing in order, shared GM), the goal is its simulated
 * makespan plus 1 %: deeper buffers cannot do better. For each buffer in turn, with
 * every other buffer that deep, the smallest depth reaching the goal is searched:
 * first the depth the period predicts and the one below it, then by bisection. The
 * search assumes that a deeper buffer never slows the kernel down (true of event
 * sync's max-plus recursion without shared bandwidth). Last, all buffers at their
 * depths are simulated together. A kernel whose makespan is already known (the run, a
 * buffer one slot deeper that the verdict simulated, an earlier probe) is not simulated
 * again.
 */
#ifndef PL_TILE_DEPTHS_H
#define PL_TILE_DEPTHS_H

#include "models/model.h"

/* The tile model's pl_model.advise: l->kept is the loaded pl_tile_program. Appends the
 * figures "goal", "depth NAME" for every buffer and "depths together". */
int pl_tile_advise(pl_lowering *l, const pl_trier *t, const pl_verdict *v, pl_diag *d);

#endif
