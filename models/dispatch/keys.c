/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keys.c — the dispatch model's entry in the model table (at the end) and the schema
 * of the `dispatch` section.
 *
 * An entry of `ops` is either an op (name, the four costs, sync, repeat) or a group
 * {repeat: N, ops: [...]} whose ops run N times in order; groups nest, so the table of
 * an entry refers to itself. dispatch.c checks which of the two an entry is.
 */
#include "models/dispatch/dispatch.h"
#include "models/dispatch/variants.h"
#include "models/tile/tile.h"

extern const pl_key pl_dispatch_op_keys[10];

const pl_key pl_dispatch_op_keys[10] = {
    {.name = "name", .type = PL_KEY_STRING, .help = "the op's name in reports and traces"},
    {.name = "infer", .type = PL_KEY_RANDOM, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.host.clock", .help = "host time of InferShape (shape inference)"},
    {.name = "resize", .type = PL_KEY_RANDOM, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.host.clock", .help = "host time of Resize (tiling, memory sizes)"},
    {.name = "launch", .type = PL_KEY_RANDOM, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.host.clock", .help = "host time of Launch (memory, kernel launch)"},
    {.name = "kernel", .type = PL_KEY_RANDOM, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock", .help = "device time of the op's kernel"},
    {.name = "tile", .type = PL_KEY_INCLUDE, .children = pl_tile_keys,
     .help = "the kernel as a tile program on the device's cores (a file or a mapping), "
             "instead of a kernel time"},
    {.name = "sync", .type = PL_KEY_BOOL, .deflt = "false",
     .help = "InferShape waits for the device to finish the previous kernel (dynamic shape)"},
    {.name = "repeat", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1",
     .help = "how many times the op or group runs in a row"},
    {.name = "ops", .type = PL_KEY_LIST, .children = pl_dispatch_op_keys,
     .help = "makes the entry a group: these ops, `repeat` times"},
    {0},
};

static const pl_key thread_keys[] = {
    {.name = "infer", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1",
     .help = "InferShape threads (pipelined mode); ops go to them round-robin"},
    {.name = "resize", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1",
     .help = "Resize threads (pipelined mode); ops go to them round-robin"},
    {.name = "launch", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1",
     .help = "Launch threads (pipelined mode); ops go to them round-robin"},
    {0},
};

const pl_key pl_dispatch_keys[] = {
    {.name = "mode", .type = PL_KEY_ENUM, .choices = "serial|pipelined", .deflt = "pipelined",
     .help = "serial: one thread does every step of an op; pipelined: a thread pool per step"},
    {.name = "threads", .type = PL_KEY_MAP, .children = thread_keys,
     .help = "threads per host step in pipelined mode"},
    {.name = "queue_depth", .type = PL_KEY_INT, .flags = PL_KEY_NONNEG | PL_KEY_UNBOUNDED,
     .deflt = "unbounded",
     .help = "ops each queue between host steps holds; a full queue blocks its producer, 0 hands over directly"},
    {.name = "stream_depth", .type = PL_KEY_INT, .flags = PL_KEY_NONNEG | PL_KEY_UNBOUNDED,
     .deflt = "unbounded",
     .help = "kernels launched but not started the device stream holds; when full, Launch blocks"},
    {.name = "ops", .type = PL_KEY_LIST, .flags = PL_KEY_REQUIRED,
     .children = pl_dispatch_op_keys, .help = "the ops in launch order; an entry may be a group"},
    {0},
};

const pl_model pl_model_dispatch = {
    .name = "dispatch",
    .summary = "host operator dispatch (InferShape, Resize, Launch) feeding a device stream",
    .lower = pl_dispatch_lower_scenario,
    .variants = pl_dispatch_variants,
    .lower_variant = pl_dispatch_lower_variant,
};
