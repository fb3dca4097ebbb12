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

extern const pl_key pl_dispatch_op_keys[19];

/* An entry of an op's `calls`: one runtime call (dispatch.c says which keys go together). */
static const pl_key call_keys[] = {
    {.name = "name", .type = PL_KEY_STRING, .help = "the kernel's name: its device task's label"},
    {.name = "host", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.host.clock",
     .help = "host work since the previous call ended (or the op's infer + resize); "
             "default 0"},
    {.name = "launch", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.host.clock", .help = "host time of the runtime call itself; default 0"},
    {.name = "kernel", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock", .help = "launches a kernel of this device time"},
    {.name = "copy", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock",
     .help = "starts a copy of this device time; with `sync`, a blocking copy"},
    {.name = "memset", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock", .help = "starts a memset of this device time"},
    {.name = "sync", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.host.clock",
     .help = "host time of a sync: with `stream`, on that stream; with `event`, on that "
             "event; with neither, on the whole device; with `copy`, on the copy"},
    {.name = "record", .type = PL_KEY_STRING,
     .help = "records this event after the stream's device work so far"},
    {.name = "wait", .type = PL_KEY_STRING,
     .help = "the stream's next device task waits for this event (recorded before)"},
    {.name = "stream", .type = PL_KEY_INT, .flags = PL_KEY_NONNEG,
     .help = "the device stream; default the op's"},
    {.name = "event", .type = PL_KEY_STRING, .help = "a sync's event (recorded before)"},
    {.name = "signal", .type = PL_KEY_STRING,
     .help = "names the end of this call as a host signal an op of another thread waits "
             "for with `after`"},
    {0},
};

const pl_key pl_dispatch_op_keys[19] = {
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
    {.name = "thread", .type = PL_KEY_STRING,
     .help = "the host thread that dispatches the op; default \"main\""},
    {.name = "stream", .type = PL_KEY_INT, .flags = PL_KEY_NONNEG,
     .help = "the device stream of its kernel and of its calls; default 0"},
    {.name = "calls", .type = PL_KEY_LIST, .children = call_keys,
     .help = "the op's runtime calls in order, instead of launch and kernel"},
    {.name = "host", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.host.clock", .help = "host time after the op's last call; default 0"},
    {.name = "after", .type = PL_KEY_STRING,
     .help = "the op starts only once the call that raised this `signal` (an earlier op's, "
             "on another thread) has ended"},
    {.name = "step", .type = PL_KEY_BOOL,
     .help = "a group that is one step of a replay (its name, e.g. ProfilerStep#1009)"},
    {.name = "measured", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .help = "a step group's duration as the trace measured it"},
    {.name = "capture", .type = PL_KEY_ENUM, .choices = "none|graph",
     .help = "a step group's capture, instead of dispatch.capture"},
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

static const pl_key replay_keys[] = {
    {.name = "source", .type = PL_KEY_STRING, .help = "the trace file it was imported from"},
    {.name = "measured", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .help = "the whole replayed span (used when there are no step groups)"},
    {.name = "device_busy", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG, .help = "union of device activity over the replayed steps"},
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
    {.name = "host_speed", .type = PL_KEY_REAL, .flags = PL_KEY_POSITIVE,
     .help = "every host duration is divided by it; default 1"},
    {.name = "launch_latency", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG,
     .help = "a device task released to an idle stream starts this much later; default 0"},
    {.name = "capture", .type = PL_KEY_ENUM, .choices = "none|graph",
     .help = "graph: each step group (or the whole op list) is one captured graph; "
             "default none"},
    {.name = "graph_launch", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG, .clock = "machine.host.clock",
     .help = "host time of one graph launch (required when a graph is captured)"},
    {.name = "graph_gap", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock",
     .help = "device time between kernels of a captured graph (required when one is)"},
    {.name = "replay", .type = PL_KEY_MAP, .children = replay_keys,
     .help = "what the replayed trace measured"},
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
