/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * machine.c — the schema of machine descriptions. Models read these keys through
 * the config; the values themselves live in the YAML files in configs/, never here.
 */
#include "sim/config/machine.h"

#include <string.h>

const char *pl_core_type_name(pl_core_type t)
{
    static const char *const names[PL_CORE_TYPES] = {"big", "little"};
    return t >= 0 && t < PL_CORE_TYPES ? names[t] : NULL;
}

bool pl_machine_host_cores(const pl_config *c, long long cores[PL_CORE_TYPES])
{
    const pl_node *n = pl_config_get(c, "machine.host.cores");
    if (pl_node_type_of(n) != PL_NODE_MAP) {
        cores[PL_CORE_BIG] = pl_node_int(n);
        cores[PL_CORE_LITTLE] = 0;
        return false;
    }
    for (int t = 0; t < PL_CORE_TYPES; t++) {
        const pl_node *v = pl_node_get(n, pl_core_type_name((pl_core_type)t));
        cores[t] = v ? pl_node_int(v) : 0;
    }
    return true;
}

void pl_machine_host_scheduler(const pl_config *c, double *slice, double *tick)
{
    bool fair = strcmp(pl_config_str(c, "machine.host.scheduler.policy"), "fair") == 0;
    *slice = fair ? 0 : pl_config_real(c, "machine.host.scheduler.slice");
    *tick = fair ? 0 : pl_config_real(c, "machine.host.scheduler.tick");
}

void pl_machine_host_waking(const pl_config *c, double *wakeup, double *wake_cost)
{
    *wakeup = pl_config_real(c, "machine.host.scheduler.wakeup");
    *wake_cost = pl_config_real(c, "machine.host.scheduler.wake_cost");
}

double pl_machine_host_lag_limit(const pl_config *c)
{
    return pl_config_real(c, "machine.host.scheduler.lag_limit");
}

/* How the host's kernel runs more threads than cores. The defaults are Linux's as measured
 * with StreamPU v1.8.1 on a 2-core Debian 12 machine (CONFIG_HZ=250): threads spinning on
 * more threads than cores handed frames over at multiples of the 4 ms tick, a spinning
 * thread keeping its core until the tick after its slice. */
static const pl_key scheduler_keys[] = {
    {.name = "policy", .type = PL_KEY_ENUM, .choices = "slices|fair", .deflt = "slices",
     .help = "slices: a core runs one thread at a time, for up to a slice, as a kernel does; "
             "fair: every runnable thread gets a share of the cores at every instant"},
    {.name = "slice", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_POSITIVE,
     .deflt = "4 ms",
     .help = "slices: the least a thread runs before another runnable thread may take its core"},
    {.name = "tick", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .deflt = "4 ms",
     .help = "slices: the kernel's tick, on which a thread whose slice is over is preempted "
             "(0: at the slice's end)"},
    /* Measured with StreamPU v1.8.1 on the same machine: a thread woken through a condition
     * variable started its task 30-41 us (p50) after the event that woke it, and the
     * thread that woke it lost 13-16 us a frame outside any task. */
    {.name = "wakeup", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .deflt = "35 us",
     .help = "time a thread that slept waiting for another thread takes to run again once "
             "woken"},
    {.name = "wake_cost", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG, .deflt = "14 us",
     .help = "time a thread spends on its core waking another thread that slept waiting "
             "for it"},
    /* Linux's EEVDF scheduler (6.6 on), which the StreamPU machine ran (docs/stream.md,
     * "Measured machines": a 2-CPU virtual machine of the kind the tests run on, Linux 6.18
     * with HZ=250): a task keeps its lag while it sleeps, clamped to the larger of twice its
     * slice and a tick (update_entity_lag in kernel/sched/fair.c); the base slice is 0.75 ms
     * scaled by 1 + log2(CPUs, at most 8), 1.5 ms on 2 CPUs, and a tick is 4 ms at HZ=250,
     * so 4 ms. */
    {.name = "lag_limit", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG, .deflt = "4 ms",
     .help = "slices: how much core time a sleeping thread may be owed, or owe, when it "
             "wakes; a woken thread owed some takes back the core it last ran on from a "
             "thread that has had more than the average"},
    {0},
};

static const pl_key host_keys[] = {
    {.name = "name", .type = PL_KEY_STRING, .help = "what the host is, for reports"},
    {.name = "cores", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE | PL_KEY_PER_TYPE,
     .deflt = "1",
     .help = "cores available to the simulated host threads, or per core type {big: 16, "
             "little: 4}; more threads than cores share them"},
    {.name = "clock", .type = PL_KEY_QUANTITY, .quantity = PL_Q_FREQUENCY,
     .flags = PL_KEY_POSITIVE, .help = "core clock, which host costs written in cycles count"},
    {.name = "scheduler", .type = PL_KEY_MAP, .children = scheduler_keys,
     .help = "how the host's cores run more threads than cores"},
    {0},
};

static const char *const onchip_names[] = {
#define PL_ONCHIP_NAME(name, help) #name,
    PL_ONCHIP_MEMORIES(PL_ONCHIP_NAME)
#undef PL_ONCHIP_NAME
};

const char *pl_onchip_name(pl_onchip_memory m)
{
    return m >= 0 && m < PL_ONCHIP_COUNT ? onchip_names[m] : NULL;
}

int pl_onchip_from_name(const char *name)
{
    for (int m = 0; m < PL_ONCHIP_COUNT; m++)
        if (strcmp(onchip_names[m], name) == 0)
            return m;
    return -1;
}

static const pl_key memory_keys[] = {
#define PL_ONCHIP_KEY(mem, what)                                                       \
    {.name = #mem, .type = PL_KEY_QUANTITY, .quantity = PL_Q_SIZE, .flags = PL_KEY_POSITIVE,   \
     .help = what},
    PL_ONCHIP_MEMORIES(PL_ONCHIP_KEY)
#undef PL_ONCHIP_KEY
    {0},
};

static const pl_key unit_keys[] = {
    {.name = "name", .type = PL_KEY_STRING, .flags = PL_KEY_REQUIRED,
     .help = "the pipe's name; MTE2, MTE1, CUBE, VECTOR, MTE3 and SCALAR exist by default"},
    {.name = "kind", .type = PL_KEY_ENUM, .choices = "dma|compute", .flags = PL_KEY_REQUIRED,
     .help = "dma moves bytes between memories; compute does flops"},
    {.name = "bandwidth", .type = PL_KEY_QUANTITY, .quantity = PL_Q_BANDWIDTH,
     .flags = PL_KEY_POSITIVE, .help = "dma: bytes per second of one transfer on an idle GM"},
    {.name = "latency", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock", .deflt = "0 ns",
     .help = "dma: fixed time of every transfer before its bytes move"},
    {.name = "from", .type = PL_KEY_ENUM, .choices = PL_MEMORY_CHOICES,
     .help = "dma: the memory it reads; GM shares the device's gm_bandwidth"},
    {.name = "to", .type = PL_KEY_ENUM, .choices = PL_MEMORY_CHOICES,
     .help = "dma: the memory it writes; GM shares the device's gm_bandwidth"},
    {.name = "rate", .type = PL_KEY_QUANTITY, .quantity = PL_Q_RATE, .flags = PL_KEY_POSITIVE,
     .help = "compute: peak flops per second of one core's unit"},
    {.name = "per_cycle", .type = PL_KEY_REAL, .flags = PL_KEY_POSITIVE,
     .help = "compute: peak flops per cycle of the device clock (instead of rate)"},
    {.name = "overhead", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock", .deflt = "0 ns",
     .help = "compute: fixed issue time of every instruction"},
    {0},
};

static const pl_key device_keys[] = {
    {.name = "name", .type = PL_KEY_STRING, .help = "what the device is, for reports"},
    {.name = "clock", .type = PL_KEY_QUANTITY, .quantity = PL_Q_FREQUENCY,
     .flags = PL_KEY_POSITIVE, .help = "device clock, which kernel times written in cycles count"},
    {.name = "cores", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1",
     .help = "identical AI cores, each with its own pipes and on-chip memories"},
    {.name = "gm_bandwidth", .type = PL_KEY_QUANTITY, .quantity = PL_Q_BANDWIDTH,
     .flags = PL_KEY_POSITIVE,
     .help = "global memory (HBM) bandwidth, shared fairly by every core's transfers to or from GM"},
    {.name = "memories", .type = PL_KEY_MAP, .children = memory_keys,
     .help = "capacity of each on-chip memory of one core"},
    {.name = "units", .type = PL_KEY_LIST, .children = unit_keys,
     .help = "the pipes of one core; an entry named like a default pipe gives its figures"},
    {0},
};

const pl_key pl_machine_keys[] = {
    {.name = "name", .type = PL_KEY_STRING, .help = "the machine's name, for reports"},
    {.name = "description", .type = PL_KEY_STRING, .flags = PL_KEY_TEXT,
     .help = "where its figures come from"},
    {.name = "base", .type = PL_KEY_BASE,
     .help = "a machine file this one starts from (relative to this one): its keys, with "
             "those written here in their place; mappings merge key by key, lists do not"},
    {.name = "host", .type = PL_KEY_MAP, .children = host_keys, .help = "the host CPU"},
    {.name = "device", .type = PL_KEY_MAP, .children = device_keys,
     .help = "the accelerator that runs kernels"},
    {0},
};
