/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * import.c — pipelab import: a trace read, made into a replay, written whole.
 */
#include "sim/import/import.h"

#include "sim/common/output.h"

#include <string.h>

static int write_scenario(void *ctx, FILE *f, pl_diag *d)
{
    return pl_import_write(ctx, f, d);
}

int pl_import_run(const char *trace_path, const char *out_path, const pl_import_options *o,
                  pl_diag *d)
{
    pl_trace t = {0};
    int rc = pl_trace_read(trace_path, &t, d);
    const char *slash = strrchr(trace_path, '/');
    const char *source = slash ? slash + 1 : trace_path;
    pl_import *im = NULL;
    if (rc == 0)
        rc = pl_import_build(&t, source, o, &im, d);
    if (rc == 0 && out_path)
        rc = pl_output_file(out_path, write_scenario, im, d);
    else if (rc == 0) {
        rc = pl_import_write(im, stdout, d);
        if (rc == 0 && fflush(stdout) != 0)
            rc = pl_diag_set(d, PL_EIO, "cannot write the scenario to standard output");
    }
    pl_import_destroy(im);
    pl_trace_fini(&t);
    return rc;
}
