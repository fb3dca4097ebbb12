/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keys.c — the stream model's entry in the model table (at the end) and the schema of
 * the `stream` section: the chain of tasks, how it is cut into stages (or `auto`), the
 * pools between stages, how threads wait and where they run. stream.c checks what a
 * schema cannot: that the stages cover the chain, that a stage with a stateful task
 * has one thread, that pinned cores exist and are of the stage's type.
 */
#include "models/stream/stream.h"
#include "models/stream/variants.h"

static const pl_key task_keys[] = {
    {.name = "name",
     .type = PL_KEY_STRING,
     .flags = PL_KEY_REQUIRED,
     .help = "the task's name in reports"},
    {.name = "latency",
     .type = PL_KEY_RANDOM,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_REQUIRED | PL_KEY_NONNEG | PL_KEY_PER_TYPE,
     .clock = "machine.host.clock",
     .help = "time of one frame on one core, or per core type {big: 95us, little: 500us}; a "
             "type it lacks cannot run it"},
    {.name = "stateful",
     .type = PL_KEY_BOOL,
     .deflt = "false",
     .help = "the task keeps state from frame to frame: its stage runs on one thread"},
    {.name = "kind",
     .type = PL_KEY_ENUM,
     .choices = "work|sleep",
     .deflt = "work",
     .help = "work: its latency keeps a core busy; sleep: it waits that long without a core "
             "(a sleep, an I/O, a device)"},
    {0},
};

static const pl_key stage_keys[] = {
    {.name = "tasks",
     .type = PL_KEY_INT,
     .flags = PL_KEY_REQUIRED | PL_KEY_POSITIVE,
     .help = "how many tasks of the chain, after the previous stage's, the stage runs"},
    {.name = "threads",
     .type = PL_KEY_INT,
     .flags = PL_KEY_POSITIVE,
     .deflt = "1",
     .help = "threads that take the stage's frames in turn; 1 when it has a stateful task"},
    {.name = "core",
     .type = PL_KEY_ENUM,
     .choices = PL_CORE_TYPE_NAMES,
     .deflt = "big",
     .help = "the core type its threads run on (a host with identical cores has only big)"},
    {.name = "buffer",
     .type = PL_KEY_INT,
     .flags = PL_KEY_NONNEG | PL_KEY_UNBOUNDED,
     .help = "buffers in the pool after this stage, per pair of threads; default "
             "stream.buffer"},
    {.name = "cores",
     .type = PL_KEY_LIST,
     .help = "with pinning: stages, the cores (numbers, big cores first) its threads are "
             "pinned to, in turn"},
    {0},
};

const pl_key pl_stream_keys[] = {
    {.name = "frames",
     .type = PL_KEY_INT,
     .flags = PL_KEY_REQUIRED | PL_KEY_POSITIVE,
     .help = "frames that go through the chain"},
    {.name = "tasks",
     .type = PL_KEY_LIST,
     .flags = PL_KEY_REQUIRED,
     .children = task_keys,
     .help = "the chain, in order"},
    {.name = "stages",
     .type = PL_KEY_LIST,
     .flags = PL_KEY_AUTO,
     .deflt = "auto",
     .children = stage_keys,
     .help = "the stages in chain order, or auto: the optimal cut for the host's cores"},
    {.name = "buffer",
     .type = PL_KEY_INT,
     .flags = PL_KEY_NONNEG | PL_KEY_UNBOUNDED,
     .deflt = "1",
     .help = "buffers in each pool between stages, per pair of threads that exchange frames; "
             "0 hands frames over directly"},
    {.name = "waiting",
     .type = PL_KEY_ENUM,
     .choices = "passive|active",
     .deflt = "passive",
     .help = "passive: a waiting thread sleeps and pays the wakeup; active: it spins on its "
             "core"},
    {.name = "wakeup",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG,
     .clock = "machine.host.clock",
     .help = "passive waiting: time a sleeping thread takes to run again once woken "
             "(default: the machine's, machine.host.scheduler.wakeup)"},
    {.name = "adaptor_cost",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG,
     .deflt = "0 us",
     .clock = "machine.host.clock",
     .help = "host time of each push into and each pull from a pool between stages"},
    {.name = "handover",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG,
     .deflt = "0 us",
     .clock = "machine.host.clock",
     .help = "least time between two frames through one pair of threads of a pool, push to "
             "push, where both threads poll its counters (active waiting): their cache lines "
             "move between the cores for each frame; needs adaptor_cost; 0: none"},
    {.name = "pinning",
     .type = PL_KEY_ENUM,
     .choices = "none|packed|stages",
     .deflt = "none",
     .help = "none: threads share their type's cores; packed: thread i on core i; stages: "
             "each stage's cores"},
    {0},
};

const pl_model pl_model_stream = {
    .name = "stream",
    .summary = "a chain of tasks cut into stages of host threads, frame after frame (StreamPU)",
    .lower = pl_stream_lower_scenario,
    .variants = pl_stream_variants,
    .lower_variant = pl_stream_lower_variant,
    .commands = pl_stream_commands,
};
