/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * site.h — the cores of a device inside a graph being built: a place per core,
 * a unit per pipe of each core, a link per dma pipe and the one GM link they share,
 * each made the first time a kernel needs it. Every kernel lowered through the same
 * site (one tile scenario, or every tile kernel of a dispatch scenario) runs on the
 * same pipes, in the order the kernels were lowered.
 */
#ifndef PL_TILE_SITE_H
#define PL_TILE_SITE_H

#include "sim/graph/graph.h"
#include "models/tile/program.h"

typedef struct pl_tile_site pl_tile_site;

/* A site in graph g (borrowed; it must outlive the site). Adds the GM link when
 * gm_bandwidth > 0. Returns 0 or PL_ENOMEM; free with pl_tile_site_destroy. */
int pl_tile_site_create(pl_graph *g, double gm_bandwidth, pl_tile_site **out);
void pl_tile_site_destroy(pl_tile_site *s);

pl_graph *pl_tile_site_graph(const pl_tile_site *s);

/* The graph unit of pipe `pipe` on core `core`, named "core<c>.<pipe>", made with its
 * core's place the first time. A pipe that moves bytes gets a link of its bandwidth and
 * a route over it, then over GM when the pipe reads or writes GM. Returns 0 or
 * PL_ENOMEM. */
int pl_tile_site_unit(pl_tile_site *s, uint32_t core, const pl_tile_unit *pipe, bool moves_bytes,
                      uint32_t *unit);

#endif
