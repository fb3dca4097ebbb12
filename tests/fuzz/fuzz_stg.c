/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_stg.c — a libFuzzer target for the Standard Task Graph reader and what
 * `pipelab plan --stg` does with a graph it read: list-schedule it (the plan model's
 * command, found through the model table) and print its findings, as text and as JSON
 * (to nowhere).
 *
 * The input's first byte chooses the number of units (1 to 4); the rest is the STG
 * file, written to a scratch folder. Any failure must be a diagnostic; a crash, a
 * leak, a hang or a sanitizer report is a finding.
 */
#include "fuzz_scratch.h"

#include "models/model.h"
#include "sim/report/findings.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint32_t units = 1 + data[0] % 4;
    const char *path = pl_fuzz_write("graph.stg", data + 1, size - 1);
    FILE *null = path ? fopen("/dev/null", "w") : NULL;
    if (!null)
        return 0;
    const pl_model_command *plan = pl_model_command_find("plan");
    char units_text[16];
    snprintf(units_text, sizeof units_text, "%u", units);
    const char *values[8] = {0}; /* --stg FILE --units P, in the order of its options */
    for (size_t k = 0; plan->options[k] && k < 8; k++)
        values[k] = !strcmp(plan->options[k], "--stg")     ? path
                    : !strcmp(plan->options[k], "--units") ? units_text
                                                           : NULL;
    for (int json = 0; json < 2; json++) {
        pl_diag d;
        pl_diag_init(&d);
        pl_findings f;
        pl_findings_init(&f, plan->name);
        if (plan->run(NULL, values, &f, &d) == 0)
            (void)pl_report_findings(&f, json, null, &d);
        pl_findings_fini(&f);
    }
    fclose(null);
    return 0;
}
