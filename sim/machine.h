/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * machine.h — the keys of a machine description (the YAML files in configs/): the host
 * whose cores run pipelab's host threads and the device that runs kernels.
 */
#ifndef PL_MACHINE_H
#define PL_MACHINE_H

#include "keys.h"

/* The memories of a device as an enumeration's choices: global memory (HBM), then the
 * on-chip memories of one core, whose capacities are machine.device.memories.<name>. */
#define PL_ONCHIP_CHOICES "L1|L0A|L0B|L0C|UB"
#define PL_MEMORY_CHOICES "GM|" PL_ONCHIP_CHOICES

/* The keys under `machine`, for the scenario schema. */
extern const pl_key pl_machine_keys[];

#endif
