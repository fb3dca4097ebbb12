/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_trace.c — a libFuzzer target for pipelab import: the trace readers (streaming
 * JSON, Kineto, Ascend), the replay built from what they read and the scenario written
 * from it, and that scenario loaded back and lowered by the dispatch model.
 *
 * The input is the trace, written to a scratch folder as trace.json (the first two bytes
 * 0x1f 0x8b make it a gzip file, which the reader then decompresses). Any failure of the
 * import must be a diagnostic; a crash, a leak, a hang or a sanitizer report is a finding,
 * and so is a scenario written by the import that does not load or lower (it aborts, with
 * the message).
 */
#include "fuzz_scratch.h"

#include "models/model.h"
#include "sim/config/config.h"
#include "sim/import/import.h"

#include <gsl/gsl_rng.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *trace = pl_fuzz_write("trace.json", data, size);
    if (!trace)
        return 0;
    char path[4096];
    snprintf(path, sizeof path, "%s", trace);
    char *slash = strrchr(path, '/');
    if (!slash || (size_t)(slash - path) + sizeof "/replay.yaml" > sizeof path)
        return 0;
    strcpy(slash, "/replay.yaml");
    pl_diag d;
    pl_diag_init(&d);
    pl_import_options o = {0};
    if (pl_import_run(trace, path, &o, &d) != 0)
        return 0;
    /* What import wrote must load and lower as a scenario. */
    pl_config *cfg = NULL;
    pl_diag_init(&d);
    int rc = pl_config_load(path, NULL, 0, pl_scenario_keys, &cfg, &d);
    gsl_rng *rng = rc == 0 ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
    pl_lowering l = {0};
    if (rc == 0 && rng)
        rc = pl_model_find("dispatch")->lower(cfg, rng, &l, &d);
    if (rc == 0)
        pl_lowering_fini(&l);
    gsl_rng_free(rng);
    pl_config_destroy(cfg);
    if (rc != 0 && rc != PL_ENOMEM) {
        fprintf(stderr, "the scenario pipelab import wrote does not load: %s\n", d.msg);
        abort();
    }
    return 0;
}
