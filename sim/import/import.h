/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * import.h — a profiler trace into a dispatch scenario that replays it (pipelab import).
 *
 * The trace is read (sim/import/trace.h), its host threads, runtime calls, device
 * activities, synchronisations and steps are turned into the op list of a dispatch
 * scenario (sim/import/replay_build.c, replay_device.c), and that scenario is written as
 * YAML with a comment saying where each number came from (sim/import/scenario_write.c).
 * docs/replay.md says what is kept and how.
 */
#ifndef PL_IMPORT_H
#define PL_IMPORT_H

#include "sim/common/error.h"
#include "sim/import/trace.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Which steps to keep: --steps FIRST:LAST, the N of ProfilerStep#N, both kept. */
typedef struct pl_import_options {
    bool steps;
    long long first, last;
} pl_import_options;

/* A trace made into a replay; opaque. */
typedef struct pl_import pl_import;

/* Builds the replay of trace t (borrowed: it must outlive *out), whose file is named
 * `source` in the scenario. Fails with PL_ECONFIG (no step in the range asked, nothing
 * launched in the steps kept), PL_ENOMEM. Free with pl_import_destroy. */
int pl_import_build(const pl_trace *t, const char *source, const pl_import_options *o,
                    pl_import **out, pl_diag *d);
void pl_import_destroy(pl_import *im);

/* Writes the scenario as YAML. Fails with PL_EIO. */
int pl_import_write(const pl_import *im, FILE *f, pl_diag *d);

/* The whole command: reads the trace at `trace_path`, builds the replay and writes it to
 * `out_path` (whole or not at all, sim/common/output.h), or to standard output when
 * out_path is NULL. Fails with the codes above and pl_trace_read's; on failure no file
 * is written. */
int pl_import_run(const char *trace_path, const char *out_path, const pl_import_options *o,
                  pl_diag *d);

#endif
