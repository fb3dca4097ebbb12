/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * program.h — a tile kernel as read from a scenario: the pipes of one core,
 * the on-chip buffers, the steps of one tile, and how many tiles on how many
 * cores, with every step's duration per tile already drawn.
 *
 * The structure is transparent because the lowering and the tests walk it. A
 * program owns all its strings and arrays; it is read-only once loaded.
 * models/tile/kernel.h reads one from a scenario (pl_tile_program_load), from steps and
 * buffers as written or from a GEMM shape (models/tile/gemm.h).
 */
#ifndef PL_TILE_PROGRAM_H
#define PL_TILE_PROGRAM_H

#include "sim/config/config.h"
#include "sim/config/dist.h"
#include "sim/common/error.h"
#include "sim/config/machine.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

/* Limits that keep a program small enough to check by hand. */
#define PL_TILE_MAX_UNITS   32
#define PL_TILE_MAX_BUFFERS 64
#define PL_TILE_MAX_STEPS   64
#define PL_TILE_MAX_READS   8
/* The most tasks (tiles x steps) a kernel may lower to. */
#define PL_TILE_MAX_TASKS 25000000ULL

typedef enum pl_tile_sync { PL_TILE_EVENT, PL_TILE_BARRIER, PL_TILE_BATCH } pl_tile_sync;

/* How a step's amount is given. */
typedef enum pl_tile_amount { PL_TILE_BYTES, PL_TILE_FLOPS, PL_TILE_TIME } pl_tile_amount;

typedef struct pl_tile_unit {
    char *name;
    bool dma;         /* moves bytes; otherwise computes */
    double bandwidth; /* dma: bytes/s of one transfer alone; 0 when not given */
    double latency;   /* dma: fixed time per transfer */
    double rate;      /* compute: flops/s; 0 when not given */
    double overhead;  /* compute: fixed time per instruction */
    bool gm;          /* dma: reads or writes GM, so shares the GM bandwidth */
} pl_tile_unit;

typedef struct pl_tile_buffer {
    char *name;
    pl_onchip_memory memory;
    double size; /* bytes of one slot */
    uint32_t depth;
    uint32_t span;      /* consecutive tiles sharing one slot */
    bool release_store; /* free after the tile's last step, not after its last reader */
    /* Derived: the step that takes a slot (the first writer), the step that frees it. */
    uint32_t acquire, release;
} pl_tile_buffer;

typedef struct pl_tile_step {
    char *op;
    uint32_t unit;
    pl_tile_amount amount;
    double bytes, flops; /* when amount says so */
    pl_dist time;        /* PL_TILE_TIME */
    char *time_key;      /* the key path of a random time, for messages; owned, or NULL */
    int writes;          /* buffer index, or -1 */
    uint32_t reads[PL_TILE_MAX_READS];
    uint32_t nreads;
    uint32_t every; /* runs on tiles i with (i + 1) % every == 0 */
} pl_tile_step;

typedef struct pl_tile_program {
    pl_tile_unit units[PL_TILE_MAX_UNITS];
    uint32_t nunits;
    pl_tile_buffer buffers[PL_TILE_MAX_BUFFERS];
    uint32_t nbuffers;
    pl_tile_step steps[PL_TILE_MAX_STEPS];
    uint32_t nsteps;
    uint64_t tiles;
    uint32_t cores;
    uint32_t group; /* tiles are split over cores in multiples of this (K loops stay whole) */
    pl_tile_sync sync;
    uint32_t batch;
    double gm_bandwidth;              /* 0: GM is not shared */
    double capacity[PL_ONCHIP_COUNT]; /* 0: not given */
    bool random;
    double *time; /* tiles x nsteps drawn durations of PL_TILE_TIME steps, tile-major */
} pl_tile_program;

/* The most tasks the kernel lowers to: tiles x steps (a step run once per `every` tiles
 * makes fewer), the figure PL_TILE_MAX_TASKS bounds. */
uint64_t pl_tile_program_tasks(const pl_tile_program *p);

/* The pipe named `name`, or -1 when the program has none. */
int pl_tile_program_unit(const pl_tile_program *p, const char *name);

/* Frees a program that pl_tile_program_load (models/tile/kernel.h) made; NULL is a no-op. */
void pl_tile_program_destroy(pl_tile_program *p);

/* Whether step s reads or writes buffer b. */
bool pl_tile_step_touches(const pl_tile_program *p, uint32_t s, int b);

/* Whether a later step s overwrites the buffer that step e reads or writes. */
bool pl_tile_step_overwrites(const pl_tile_program *p, uint32_t e, uint32_t s);

/* Whether a later step s of the same tile depends on step e: it reads what e wrote, or
 * overwrites a buffer e used. */
bool pl_tile_step_feeds(const pl_tile_program *p, uint32_t e, uint32_t s);

/* Whether step s runs on tile i of its core's block (inline: the lowering asks for every
 * task and its edges). */
static inline bool pl_tile_step_runs(const pl_tile_program *p, uint32_t s, uint64_t i)
{
    uint32_t every = p->steps[s].every;
    return every == 1 || (i + 1) % every == 0;
}

/* The duration of step s of tile k (global tile index) on an idle core: a transfer's
 * latency plus bytes at its unit's bandwidth, a compute step's overhead plus flops at
 * its rate, or its drawn time. */
double pl_tile_step_alone(const pl_tile_program *p, uint32_t s, uint64_t k);

#endif
