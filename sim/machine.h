/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * machine.h — the keys of a machine description (the YAML files in configs/): the host
 * whose cores run pipelab's host threads and the device that runs kernels.
 */
#ifndef PL_MACHINE_H
#define PL_MACHINE_H

#include "keys.h"

/* The keys under `machine`, for the scenario schema. */
extern const pl_key pl_machine_keys[];

#endif
