/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_results.c — a libFuzzer target for the readers of what sweeps write and take
 * back: a results file (as `pipelab summary`, --resume and merge_results.sh read it:
 * loaded, sorted, summarised and written again) and --vary arguments.
 *
 * The input is a results file; its lines that start with "#vary " are not rows but
 * --vary arguments, parsed into sweep points whose values are then read (at most 1000
 * points). Any failure must be a diagnostic; a crash, a leak or a sanitizer report is
 * a finding.
 */
#include "fuzz_scratch.h"

#include "sim/study/results.h"
#include "sim/study/sweep_points.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VARY 8

/* Parses the input's #vary lines into sweep points and reads every value. */
static void vary(const uint8_t *data, size_t size)
{
    char *args[MAX_VARY];
    size_t n = pl_fuzz_lines(data, size, "#vary ", args, MAX_VARY);
    pl_sweep_points p;
    pl_sweep_points_init(&p);
    pl_diag d;
    pl_diag_init(&d);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        ok = ok && pl_sweep_points_add(&p, args[i], &d) == 0;
        free(args[i]);
    }
    for (size_t k = 0; ok && k < p.count && k < 1000; k++)
        for (size_t a = 0; a < p.naxes; a++)
            if (!pl_sweep_points_value(&p, k, a))
                abort();
    pl_sweep_points_fini(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vary(data, size);
    const char *written = pl_fuzz_write("results.csv", data, size);
    if (!written)
        return 0;
    char path[4096], again[4096 + 16];
    snprintf(path, sizeof path, "%s", written);
    snprintf(again, sizeof again, "%s.again", path);
    pl_results r;
    pl_diag d;
    pl_diag_init(&d);
    if (pl_results_load(path, &r, &d) == 0 && pl_results_sort(&r, path, &d) == 0) {
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            pl_results_summary(&r, path, null, &d);
            fclose(null);
        }
        pl_results_write(&r, again, &d);
    }
    pl_results_fini(&r);
    return 0;
}
