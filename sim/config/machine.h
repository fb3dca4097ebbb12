/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * machine.h — the keys of a machine description (the YAML files in configs/): the host
 * whose cores run pipelab's host threads and the device that runs kernels.
 */
#ifndef PL_MACHINE_H
#define PL_MACHINE_H

#include "sim/config/config.h"
#include "sim/config/keys.h"

#include <stdbool.h>

/* Host core types, as PL_CORE_TYPE_NAMES spells them. A host with identical cores has
 * only big ones. */
typedef enum pl_core_type { PL_CORE_BIG = 0, PL_CORE_LITTLE = 1, PL_CORE_TYPES = 2 } pl_core_type;

/* "big", "little"; NULL out of range. */
const char *pl_core_type_name(pl_core_type t);

/* The host's cores of each type from machine.host.cores: a plain count is all big.
 * Returns whether they were written per type. */
bool pl_machine_host_cores(const pl_config *c, long long cores[PL_CORE_TYPES]);

/* How the host's cores run more threads than cores (machine.host.scheduler): with the
 * policy fair, *slice and *tick are 0 (SimGrid's fair sharing); with slices, a core runs one
 * thread at a time for up to *slice seconds, preempted on multiples of *tick (0: none). */
void pl_machine_host_scheduler(const pl_config *c, double *slice, double *tick);
/* What waking a host thread costs (machine.host.scheduler): *wakeup, the time a thread that
 * slept waiting for another takes to run again once woken; *wake_cost, the time the thread
 * that wakes it spends on its core doing so. */
void pl_machine_host_waking(const pl_config *c, double *wakeup, double *wake_cost);
/* How far a sleeping host thread's lag may go (machine.host.scheduler.lag_limit, slices:
 * pl_host_scheduler.lag_limit), in seconds. */
double pl_machine_host_lag_limit(const pl_config *c);

/* The on-chip memories of one core, whose capacities are machine.device.memories.<name>.
 * X(NAME, what it holds) */
#define PL_ONCHIP_MEMORIES(X)                                                          \
    X(L1, "L1 buffer per core (TLOAD's destination)")                              \
    X(L0A, "L0A per core (the cube's left operand)")                               \
    X(L0B, "L0B per core (the cube's right operand)")                              \
    X(L0C, "L0C per core (the cube's accumulator)")                                \
    X(UB, "unified buffer per core (the vector unit's operands)")

typedef enum pl_onchip_memory {
#define PL_ONCHIP_ENUM(name, help) PL_MEM_##name,
    PL_ONCHIP_MEMORIES(PL_ONCHIP_ENUM)
#undef PL_ONCHIP_ENUM
        PL_ONCHIP_COUNT
} pl_onchip_memory;

/* "UB"; NULL out of range. */
const char *pl_onchip_name(pl_onchip_memory m);
/* The memory spelled `name`; -1 when none is. */
int pl_onchip_from_name(const char *name);

/* The memories as an enumeration's choices: on chip, and with global memory (HBM). */
#define PL_ONCHIP_CHOICES "L1|L0A|L0B|L0C|UB" /* PL_ONCHIP_MEMORIES' names, in order */
#define PL_MEMORY_CHOICES "GM|" PL_ONCHIP_CHOICES

/* The keys under `machine`, for the scenario schema. */
extern const pl_key pl_machine_keys[];

#endif
