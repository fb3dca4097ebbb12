/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * machine.c — the schema of machine descriptions. Models read these keys through
 * the config; the values themselves live in the YAML files in configs/, never here.
 */
#include "machine.h"

static const pl_key host_keys[] = {
    {.name = "name", .type = PL_KEY_STRING, .help = "what the host is, for reports"},
    {.name = "cores", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1",
     .help = "cores available to the simulated host threads; more threads than cores share them"},
    {.name = "clock", .type = PL_KEY_QUANTITY, .quantity = PL_Q_FREQUENCY,
     .flags = PL_KEY_POSITIVE, .help = "core clock, which host costs written in cycles count"},
    {0},
};

static const pl_key device_keys[] = {
    {.name = "name", .type = PL_KEY_STRING, .help = "what the device is, for reports"},
    {.name = "clock", .type = PL_KEY_QUANTITY, .quantity = PL_Q_FREQUENCY,
     .flags = PL_KEY_POSITIVE, .help = "device clock, which kernel times written in cycles count"},
    {0},
};

const pl_key pl_machine_keys[] = {
    {.name = "name", .type = PL_KEY_STRING, .help = "the machine's name, for reports"},
    {.name = "description", .type = PL_KEY_STRING, .help = "where its figures come from"},
    {.name = "host", .type = PL_KEY_MAP, .children = host_keys, .help = "the host CPU"},
    {.name = "device", .type = PL_KEY_MAP, .children = device_keys,
     .help = "the accelerator that runs kernels"},
    {0},
};
