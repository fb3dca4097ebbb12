/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_scenario.c — a libFuzzer target for the scenario parser and the key table.
 *
 * The input is a scenario file. Its lines that start with "#set " (YAML comments, so
 * the document stays what it was) become --set arguments, in order, as the command
 * line would give them. The file is loaded against the whole scenario schema: parsed,
 * its includes read, the --set paths walked and applied, every key looked up and
 * validated. When it loads, its effective configuration is printed (to nowhere) and
 * every --set key path is looked up in the key table as `pipelab keys` would.
 *
 * The file is written to workloads/input.yaml of a scratch folder that also holds
 * configs/, a link to the source tree's machines, so that the seeds' `machine:
 * ../configs/...` resolve as they do in the tree, and examples/, a link to its
 * workloads, for scenarios that start from one (`base: ../examples/...`). Any failure must be a
 * diagnostic; a crash, a leak or a sanitizer report is a finding.
 */
#include "fuzz_scratch.h"

#include "sim/config/config.h"
#include "sim/config/keys.h"
#include "models/model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = pl_fuzz_write("workloads/input.yaml", data, size);
    if (!path)
        return 0;
    char *sets[MAX_SETS];
    size_t nsets = pl_fuzz_lines(data, size, "#set ", sets, MAX_SETS);
    pl_config *cfg = NULL;
    pl_diag d;
    pl_diag_init(&d);
    if (pl_config_load(path, (const char *const *)sets, nsets, pl_scenario_keys, &cfg, &d) == 0) {
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            pl_config_print(cfg, null, &d);
            fclose(null);
        }
        pl_config_destroy(cfg);
    }
    for (size_t i = 0; i < nsets; i++) {
        char *eq = strchr(sets[i], '=');
        if (eq)
            *eq = '\0';
        (void)pl_keys_at(pl_scenario_keys, sets[i]);
        free(sets[i]);
    }
    return 0;
}
