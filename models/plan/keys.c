/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keys.c — the plan model's entry in the model table (at the end) and the schema of
 * the `plan` section: the units, the buffers, the loop body's ops and how many
 * iterations to plan. plan.c checks what a schema cannot: that every op's class,
 * buffer and `after` op exists, that an op's time is given exactly one way, that no
 * dependency cycle lies within one iteration.
 */
#include "models/plan/plan.h"
#include "models/plan/variants.h"

static const pl_key class_count[] = {
    {.name = "<class>",
     .type = PL_KEY_INT,
     .flags = PL_KEY_POSITIVE,
     .help = "identical units of this class (dma, tensor, vector...)"},
    {0},
};

static const pl_key class_rate[] = {
    {.name = "<class>",
     .type = PL_KEY_STRING,
     .help = "the machine.device.units entry that times the class's ops given in bytes or "
             "flops"},
    {0},
};

static const pl_key class_interval[] = {
    {.name = "<class>",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_POSITIVE,
     .clock = "machine.device.clock",
     .help = "the class's issue interval: a unit takes a new op this long after the last one "
             "started, while that one is still in flight"},
    {0},
};

static const pl_key buffer_size[] = {
    {.name = "<buffer>",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_SIZE,
     .flags = PL_KEY_POSITIVE,
     .help = "bytes of one iteration's copy of the buffer"},
    {0},
};

static const pl_key after_keys[] = {
    {.name = "op",
     .type = PL_KEY_STRING,
     .flags = PL_KEY_REQUIRED,
     .help = "the op this one waits for"},
    {.name = "distance",
     .type = PL_KEY_INT,
     .flags = PL_KEY_NONNEG,
     .deflt = "0",
     .help = "iterations back: 1 waits for the op of the previous iteration"},
    {0},
};

static const pl_key also_keys[] = {
    {.name = "unit",
     .type = PL_KEY_STRING,
     .flags = PL_KEY_REQUIRED,
     .help = "another class that may run the op (a key of plan.units)"},
    {.name = "latency",
     .type = PL_KEY_RANDOM,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock",
     .help = "its time on a unit of that class; or give bytes or flops and plan.rates"},
    {.name = "bytes",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_SIZE,
     .flags = PL_KEY_NONNEG,
     .help = "bytes it moves there, timed by that class's rate"},
    {.name = "flops",
     .type = PL_KEY_REAL,
     .flags = PL_KEY_NONNEG,
     .help = "operations it does there, timed by that class's rate"},
    {0},
};

static const pl_key transfer_keys[] = {
    {.name = "between",
     .type = PL_KEY_LIST,
     .flags = PL_KEY_REQUIRED,
     .help = "the classes it joins, e.g. [cube, vector]: any two different units of them"},
    {.name = "latency",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock",
     .help = "fixed time of a move; default 0"},
    {.name = "bandwidth",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_BANDWIDTH,
     .flags = PL_KEY_POSITIVE,
     .help = "bytes per second of a move (the buffer's size); absent: bytes cost nothing"},
    {.name = "link",
     .type = PL_KEY_STRING,
     .help = "instead of latency and bandwidth: the machine.device.units entry whose latency "
             "and bandwidth price a move"},
    {0},
};

static const pl_key op_keys[] = {
    {.name = "name",
     .type = PL_KEY_STRING,
     .flags = PL_KEY_REQUIRED,
     .help = "the op's name in reports"},
    {.name = "unit",
     .type = PL_KEY_STRING,
     .flags = PL_KEY_REQUIRED,
     .help = "the class of unit that runs it (a key of plan.units)"},
    {.name = "latency",
     .type = PL_KEY_RANDOM,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock",
     .help = "its time on one unit; or give bytes or flops and plan.rates; may be a "
             "distribution (planned with its mean)"},
    {.name = "bytes",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_SIZE,
     .flags = PL_KEY_NONNEG,
     .help = "bytes it moves, timed by its class's rate: the unit's latency plus bytes over "
             "its bandwidth"},
    {.name = "flops",
     .type = PL_KEY_REAL,
     .flags = PL_KEY_NONNEG,
     .help = "operations it does, timed by its class's rate: the unit's overhead plus flops "
             "over its rate"},
    {.name = "reads", .type = PL_KEY_LIST, .help = "the buffers it reads, e.g. [A, B]"},
    {.name = "writes", .type = PL_KEY_LIST, .help = "the buffers it writes, e.g. [C]"},
    {.name = "also",
     .type = PL_KEY_LIST,
     .children = also_keys,
     .help = "other classes that may run it, each with its time there, e.g. [{unit: vector, "
             "latency: 40us}]: each iteration's copy goes where it ends first"},
    {.name = "after",
     .type = PL_KEY_LIST,
     .flags = PL_KEY_SHORT,
     .children = after_keys,
     .help = "ops it waits for besides its buffers: names, or {op: x, distance: 1} for an op "
             "of an earlier iteration"},
    {0},
};

const pl_key pl_plan_keys[] = {
    {.name = "iterations",
     .type = PL_KEY_INT,
     .flags = PL_KEY_REQUIRED | PL_KEY_POSITIVE,
     .help = "how many times the loop body runs"},
    {.name = "units",
     .type = PL_KEY_MAP,
     .flags = PL_KEY_REQUIRED | PL_KEY_NAMED,
     .children = class_count,
     .help = "the units per class, e.g. {dma: 2, tensor: 1, vector: 1}"},
    {.name = "intervals",
     .type = PL_KEY_MAP,
     .flags = PL_KEY_NAMED,
     .children = class_interval,
     .help = "pipelined classes, e.g. {cube: 2 cycles}: each unit takes a new op every "
             "interval and each op ends after its latency; absent: an op holds its unit for "
             "its whole latency"},
    {.name = "transfers",
     .type = PL_KEY_LIST,
     .children = transfer_keys,
     .help = "what moving a buffer between units costs: an op on another unit than the writer "
             "of a buffer it reads waits latency + bytes / bandwidth more (the first entry "
             "joining both classes); absent: moves are free"},
    {.name = "rates",
     .type = PL_KEY_MAP,
     .flags = PL_KEY_NAMED,
     .children = class_rate,
     .help = "for ops given in bytes or flops: the machine unit that times each class, e.g. "
             "{dma: MTE2, tensor: CUBE}"},
    {.name = "buffers",
     .type = PL_KEY_MAP,
     .flags = PL_KEY_NAMED,
     .children = buffer_size,
     .help = "the buffers the ops read and write, with the size of one iteration's copy"},
    {.name = "memory",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_SIZE,
     .flags = PL_KEY_POSITIVE,
     .help = "on-chip bytes the buffers may take at once; absent: no limit"},
    {.name = "window",
     .type = PL_KEY_INT,
     .flags = PL_KEY_POSITIVE,
     .help = "the most iterations in flight; absent: the planner picks the best that fits the "
             "memory"},
    {.name = "max_iteration",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_POSITIVE,
     .clock = "machine.device.clock",
     .help = "the longest an iteration may take, from its first op's start to its last op's "
             "end: the planner holds iterations back until every one fits, or says why none "
             "can; absent: no limit"},
    {.name = "target_ii",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_POSITIVE,
     .clock = "machine.device.clock",
     .help = "the II the plan must reach at most, or the planner says which bound, limit or "
             "search keeps it above; absent: none"},
    {.name = "placement",
     .type = PL_KEY_ENUM,
     .choices = "best|first_use|largest_first",
     .deflt = "best",
     .help = "how buffers get offsets: first fit in order of first use, first fit largest "
             "first (greedy by size), or best: the one with the smaller footprint"},
    {.name = "scheduler",
     .type = PL_KEY_ENUM,
     .choices = "best|plain",
     .deflt = "best",
     .help = "best: the shortest of several priority rules; plain: critical-path b-level only"},
    {.name = "ops",
     .type = PL_KEY_LIST,
     .flags = PL_KEY_REQUIRED,
     .children = op_keys,
     .help = "the loop body's ops, in program order"},
    {0},
};

const pl_model pl_model_plan = {
    .name = "plan",
    .summary = "a loop of ops on tensor, vector and DMA units, list-scheduled over iterations",
    .lower = pl_plan_lower_scenario,
    .variants = pl_plan_variants,
    .lower_variant = pl_plan_lower_variant,
    .tables = pl_plan_lower_tables,
    .commands = pl_plan_commands,
    .lowering_searches = true,
};
