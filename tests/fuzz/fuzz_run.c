/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_run.c — a libFuzzer target for everything after the scenario loader: the
 * models' own checks and lowerings, the task graph's cycle check, the analytic engine,
 * metrics, bounds and every report format, the Gantt chart and the trace.
 *
 * The input is a scenario file as for fuzz_scenario (its "#set " lines are --set
 * arguments), run as `pipelab run` would, with the analytic engine (engine=analytic,
 * set last, so no SimGrid child is forked: a graph that would share a core or a link
 * is refused instead), with the verdict and the model's advice (which simulate
 * changes of the run) for graphs of at most MAX_ADVISED tasks. Inputs with an
 * integer of more than five digits are only loaded: the models accept up to tens of
 * millions of tasks, which take seconds and gigabytes to lower by design, and would
 * drown the fuzzer in slow inputs that are not bugs. Inputs of any length are taken
 * (scripts/fuzz.sh lets this target grow them to 256 KiB, against 16 KiB for the others):
 * a scenario of thousands of ops is how lowering that is quadratic in them shows. Any
 * failure must be a diagnostic; a crash, a leak or a sanitizer report is a finding.
 */
#include "fuzz_scratch.h"

#include "sim/report/gantt.h"
#include "sim/report/report.h"
#include "sim/study/session.h"
#include "sim/report/trace.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETS 16
/* The largest run whose verdict is searched: the search simulates up to a few dozen
 * changes of it. */
#define MAX_ADVISED 5000

/* Whether the input holds a run of more than five digits. */
static bool has_big_number(const uint8_t *data, size_t size)
{
    size_t run = 0;
    for (size_t i = 0; i < size; i++) {
        run = isdigit(data[i]) ? run + 1 : 0;
        if (run > 5)
            return true;
    }
    return false;
}

static void write_reports(const pl_report *r)
{
    FILE *null = fopen("/dev/null", "w");
    if (!null)
        return;
    pl_diag d;
    pl_diag_init(&d);
    pl_report_text(r, null, &d);
    pl_report_json(r, null, &d);
    pl_report_csv(r, null, &d);
    pl_report_intervals(r, null, &d);
    pl_gantt_draw(r, null, 100, false, &d);
    pl_trace_write(r, null, &d);
    fclose(null);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (has_big_number(data, size))
        return 0;
    const char *path = pl_fuzz_write("workloads/input.yaml", data, size);
    if (!path)
        return 0;
    char *sets[MAX_SETS];
    size_t nsets = pl_fuzz_lines(data, size, "#set ", sets, MAX_SETS - 1);
    char analytic[] = "engine=analytic";
    sets[nsets] = analytic;
    pl_session *s = NULL;
    pl_diag d;
    pl_diag_init(&d);
    if (pl_session_open(path, (const char *const *)sets, nsets + 1, &s, &d) == 0) {
        pl_session_one_at_a_time(s);
        if (pl_session_lower(s, &d) == 0 &&
            pl_graph_task_count(pl_session_graph(s)) > MAX_ADVISED)
            pl_session_skip_advice(s);
        if (pl_session_run(s, &d) == 0)
            write_reports(pl_session_report(s));
        pl_session_destroy(s);
    }
    for (size_t i = 0; i < nsets; i++)
        free(sets[i]);
    return 0;
}
