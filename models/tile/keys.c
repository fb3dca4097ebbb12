/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keys.c — the tile model's entry in the model table (at the end) and the schema of
 * the `tile` section: the ops of one tile, the on-chip buffers they fill and read, how
 * many tiles there are (or the GEMM they come from), the sync policy and the cores.
 * tile.c checks what a schema cannot: that exactly one amount is given per step, that
 * names refer to something, that the buffers fit.
 */
#include "models/tile/depths.h"
#include "models/tile/tile.h"
#include "models/tile/variants.h"

#include "sim/config/machine.h"

static const pl_key buffer_keys[] = {
    {.name = "name", .type = PL_KEY_STRING, .flags = PL_KEY_REQUIRED,
     .help = "the buffer's name, which steps use in writes and reads"},
    {.name = "memory", .type = PL_KEY_ENUM, .choices = PL_ONCHIP_CHOICES,
     .flags = PL_KEY_REQUIRED, .help = "the on-chip memory the buffer lives in"},
    {.name = "size", .type = PL_KEY_QUANTITY, .quantity = PL_Q_SIZE,
     .flags = PL_KEY_REQUIRED | PL_KEY_POSITIVE, .help = "bytes of one slot (one tile's data)"},
    {.name = "depth", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE,
     .help = "slots: 1 single, 2 double, 3 triple buffering; default tile.depth"},
    {.name = "release", .type = PL_KEY_ENUM, .choices = "reader|store", .deflt = "reader",
     .help = "when a slot is free again: after the tile's last reader of it, or after the "
             "tile's last step (in-place use)"},
    {.name = "span", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1",
     .help = "consecutive tiles that share one slot (an accumulator over a K loop)"},
    {0},
};

static const pl_key step_keys[] = {
    {.name = "op", .type = PL_KEY_STRING, .flags = PL_KEY_REQUIRED,
     .help = "the instruction, e.g. TLOAD, TEXTRACT, TMATMUL, TADD, TSTORE"},
    {.name = "unit", .type = PL_KEY_STRING, .flags = PL_KEY_REQUIRED,
     .help = "the pipe that runs it, e.g. MTE2, MTE1, CUBE, VECTOR, MTE3"},
    {.name = "bytes", .type = PL_KEY_QUANTITY, .quantity = PL_Q_SIZE, .flags = PL_KEY_NONNEG,
     .help = "bytes a dma step moves (its unit's latency, then bandwidth shared over GM)"},
    {.name = "flops", .type = PL_KEY_REAL, .flags = PL_KEY_NONNEG,
     .help = "operations a compute step does at its unit's rate, after its overhead"},
    {.name = "time", .type = PL_KEY_RANDOM, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock",
     .help = "the step's duration, instead of bytes or flops; may be a distribution"},
    {.name = "writes", .type = PL_KEY_STRING, .help = "the buffer the step fills"},
    {.name = "reads", .type = PL_KEY_LIST, .help = "the buffers the step reads, e.g. [a, b]"},
    {.name = "every", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1",
     .help = "the step runs once per this many tiles, on the last of them (a store after a K loop)"},
    {0},
};

static const pl_key gemm_keys[] = {
    {.name = "m", .type = PL_KEY_INT, .flags = PL_KEY_REQUIRED | PL_KEY_POSITIVE,
     .help = "rows of A and C"},
    {.name = "n", .type = PL_KEY_INT, .flags = PL_KEY_REQUIRED | PL_KEY_POSITIVE,
     .help = "columns of B and C"},
    {.name = "k", .type = PL_KEY_INT, .flags = PL_KEY_REQUIRED | PL_KEY_POSITIVE,
     .help = "columns of A, rows of B"},
    {.name = "tile_m", .type = PL_KEY_INT, .flags = PL_KEY_REQUIRED | PL_KEY_POSITIVE,
     .help = "rows of a tile of A and C; must divide m"},
    {.name = "tile_n", .type = PL_KEY_INT, .flags = PL_KEY_REQUIRED | PL_KEY_POSITIVE,
     .help = "columns of a tile of B and C; must divide n"},
    {.name = "tile_k", .type = PL_KEY_INT, .flags = PL_KEY_REQUIRED | PL_KEY_POSITIVE,
     .help = "the K step of one tile; must divide k"},
    {.name = "dtype", .type = PL_KEY_ENUM, .choices = "fp16|bf16|fp32|int8", .deflt = "fp16",
     .help = "element type of A and B"},
    {.name = "out_dtype", .type = PL_KEY_ENUM, .choices = "fp16|bf16|fp32|int32",
     .deflt = "fp16", .help = "element type of C as stored to GM"},
    {0},
};

const pl_key pl_tile_keys[] = {
    {.name = "count", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE,
     .help = "tiles the kernel processes (or give tile.gemm)"},
    {.name = "gemm", .type = PL_KEY_MAP, .children = gemm_keys,
     .help = "derive tiles, buffers and steps from a GEMM shape (instead of count, buffers, steps)"},
    {.name = "cores", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1",
     .help = "AI cores the tiles are split over, as contiguous SPMD blocks"},
    {.name = "sync", .type = PL_KEY_ENUM, .choices = "event|barrier|batch", .deflt = "event",
     .help = "event: wait for the producing op; barrier: TSYNC on the producer pipe; batch: "
             "one wait per tile.batch tiles"},
    {.name = "batch", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE,
     .help = "tiles per wait when sync is batch"},
    {.name = "depth", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "2",
     .help = "slots of every buffer that does not set its own depth"},
    {.name = "buffers", .type = PL_KEY_LIST, .children = buffer_keys,
     .help = "the on-chip buffers the steps fill and read"},
    {.name = "steps", .type = PL_KEY_LIST, .children = step_keys,
     .help = "the ops of one tile in program order"},
    {0},
};

const pl_model pl_model_tile = {
    .name = "tile",
    .summary = "a tiled kernel on accelerator cores (N-buffering, event or barrier sync, SPMD)",
    .lower = pl_tile_lower_scenario,
    .advise = pl_tile_advise,
    .variants = pl_tile_variants,
    .lower_variant = pl_tile_lower_variant,
};
