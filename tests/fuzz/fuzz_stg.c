/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_stg.c — a libFuzzer target for the Standard Task Graph reader and what
 * `pipelab plan --stg` does with a graph it read: list-schedule it and print the
 * schedule, as text and as JSON (to nowhere).
 *
 * The input's first byte chooses the number of units (1 to 4); the rest is the STG
 * file, written to a scratch folder. Any failure must be a diagnostic; a crash, a
 * leak, a hang or a sanitizer report is a finding.
 */
#include "fuzz_scratch.h"

#include "models/plan/plan.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint32_t units = 1 + data[0] % 4;
    const char *path = pl_fuzz_write("graph.stg", data + 1, size - 1);
    FILE *null = path ? fopen("/dev/null", "w") : NULL;
    if (!null)
        return 0;
    for (int json = 0; json < 2; json++) {
        pl_diag d;
        pl_diag_init(&d);
        (void)pl_plan_stg_command(path, units, json, null, &d);
    }
    fclose(null);
    return 0;
}
