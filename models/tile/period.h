/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * period.h — the steady period of a tile kernel, worked out from its program
 * alone: max(L, C, S, (L + C + S) / B) for load, compute and store with B buffers,
 * generalised to any steps and buffers. That is the cycle time of the kernel as a
 * marked graph, the largest delay over tokens of its circuits (C. V. Ramamoorthy and
 * G. S. Ho, "Performance Evaluation of Asynchronous Concurrent Systems Using Petri
 * Nets", IEEE Transactions on Software Engineering SE-6(5), 1980).
 *
 * A core issues one tile per period at best, where the period is the largest of:
 * every pipe's time per tile (its steps' times alone, a step with `every: K`
 * counting 1/K); for every buffer, the least time a slot stays taken (the
 * longest chain of dependent steps of one tile from the buffer's first writer to
 * the step that frees it) over the tiles its slots hold (depth x span); and GM's
 * share, all cores' bytes per tile of the busiest core over the GM bandwidth.
 * Each term bounds the throughput, so tiles x period bounds the makespan from
 * below; the first tile alone + (tiles - 1) x period estimates it (exact when a
 * pipe sets the period and every tile is the same, as in workloads/tile_buffering.yaml).
 */
#ifndef PL_TILE_PERIOD_H
#define PL_TILE_PERIOD_H

#include "sim/measure/figure.h"
#include "models/tile/program.h"

#include <stdint.h>

typedef enum pl_tile_limit { PL_LIMIT_PIPE, PL_LIMIT_BUFFER, PL_LIMIT_GM } pl_tile_limit;

typedef struct pl_tile_period {
    uint64_t tiles;                     /* tiles on the busiest core (the first) */
    uint32_t cores;                     /* cores with tiles */
    double step[PL_TILE_MAX_STEPS];     /* mean time alone of each step where it runs */
    double pipe[PL_TILE_MAX_UNITS];     /* each pipe's mean time per tile */
    double chain[PL_TILE_MAX_BUFFERS];  /* least time a slot of each buffer stays taken */
    double buffer[PL_TILE_MAX_BUFFERS]; /* chain / (depth x span) */
    double gm;                          /* GM time per tile of the busiest core; 0: not shared */
    double first;                       /* one tile alone: its longest chain of steps */
    double period;                      /* the largest term */
    pl_tile_limit limit;                /* which kind of term sets it */
    uint32_t which;                     /* its pipe or buffer */
    double bound;                       /* tiles x period */
    double estimate;                    /* first + (tiles - 1) x period */
} pl_tile_period;

/* Works out the period of program p (borrowed) with its buffers' depths. */
void pl_tile_period_compute(const pl_tile_program *p, pl_tile_period *out);

/* The period with every slot free when needed: the largest pipe or GM term. */
double pl_tile_period_unbuffered(const pl_tile_period *pr, const pl_tile_program *p);

/* The smallest depth of buffer b whose term does not exceed `period`. */
uint32_t pl_tile_period_depth_for(const pl_tile_period *pr, const pl_tile_program *p, uint32_t b,
                                  double period);

/* Appends the figures "period", "period bound" and "estimate" with their explanations.
 * Returns 0 or PL_ENOMEM. */
int pl_tile_period_figures(const pl_tile_period *pr, const pl_tile_program *p, pl_figures *out);

#endif
