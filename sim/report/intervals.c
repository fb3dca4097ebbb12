/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * intervals.c — every unit's timeline as a list of intervals, for plotting.
 *
 * Invariant: a unit's rows, in order, tile [0, makespan] without overlap — fill, then
 * its tasks with the bubbles between them, then drain — except for idle intervals at
 * or below the noise threshold, which are left out as rounding. So per unit the task
 * rows add up to the metrics' busy time, and the idle rows of each kind (and of each
 * cause) to its fill, bubble and drain (and bubble time by cause) less only that
 * rounding. A bubble's cause is decided as the metrics decide it: the kind of the
 * release edge of the task that ends it. The waking a thread does after a task
 * (pl_timeline.woke) is a row of its own, busy time as the metrics count it. Fields are
 * quoted as csv.h says and reals written in their shortest exact form, as in
 * sim/report/csv.c.
 */
#include "sim/report/report.h"

#include "sim/common/csv.h"
#include "sim/report/parts.h"

#include <inttypes.h>

static void header(FILE *out)
{
    fputs("run,unit,task,start_s,end_s,kind,cause,item\n", out);
}

/* One row of task t (PL_NO_EDGE: none); its label and item, or "" for none (no task ends a
 * drain); cause "" where there is none (an idle interval ended by a task without edges). */
static void row(FILE *out, const char *mode, const char *unit, const pl_graph *g, uint32_t t,
                double start, double end, const char *kind, const char *cause)
{
    const char *task = t == PL_NO_EDGE ? "" : pl_graph_task_label(g, t);
    pl_csv_put(out, mode);
    fputc(',', out);
    pl_csv_put(out, unit);
    fputc(',', out);
    pl_csv_put(out, task);
    pl_csv_put_real(out, start);
    pl_csv_put_real(out, end);
    fputc(',', out);
    fputs(kind, out);
    fputc(',', out);
    pl_csv_put(out, cause);
    if (t != PL_NO_EDGE)
        fprintf(out, ",%" PRIu32 "\n", pl_graph_task_item(g, t));
    else
        fputs(",\n", out);
}

/* The cause name of an edge kind, or "" for none (-1). */
static const char *cause_of(int kind)
{
    return kind < 0 ? "" : pl_edge_cause_name((pl_edge_kind)kind);
}

/* The kind of the edge that released task t, or -1 when it has no edges: what
 * metrics.c charges a bubble ending at t to. */
static int release_kind(const pl_run *run, uint32_t t)
{
    uint32_t e = run->tl->release[t];
    return e == PL_NO_EDGE ? -1 : pl_graph_edge(run->graph, e)->kind;
}

/* A unit without tasks is idle from 0 to the makespan, all of it fill. */
static void unit_rows(FILE *out, const char *mode, const pl_run *run, uint32_t u)
{
    const pl_graph *g = run->graph;
    const pl_timeline *tl = run->tl;
    const char *unit = pl_graph_unit_name(g, u);
    double makespan = run->m->makespan, eps = pl_metrics_noise(makespan);
    uint32_t n;
    const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
    if (n == 0) {
        if (makespan > eps)
            row(out, mode, unit, g, PL_NO_EDGE, 0, makespan, "fill", "");
        return;
    }
    double first = tl->start[tasks[0]];
    if (first > eps)
        row(out, mode, unit, g, tasks[0], 0, first, "fill", cause_of(run->m->units[u].fill_cause));
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = tasks[i];
        if (i > 0 && tl->start[t] - pl_timeline_free(tl, tasks[i - 1]) > eps)
            row(out, mode, unit, g, t, pl_timeline_free(tl, tasks[i - 1]), tl->start[t], "bubble",
                cause_of(release_kind(run, t)));
        row(out, mode, unit, g, t, tl->start[t], tl->end[t], "task", "");
        if (tl->woke && tl->woke[t] > 0)
            row(out, mode, unit, g, t, tl->end[t], pl_timeline_free(tl, t), "waking", "");
    }
    double last = pl_timeline_free(tl, tasks[n - 1]);
    if (makespan - last > eps)
        row(out, mode, unit, g, PL_NO_EDGE, last, makespan, "drain", "");
}

static void rows(FILE *out, const char *mode, const pl_run *run)
{
    for (uint32_t u = 0; u < run->m->nunits; u++)
        unit_rows(out, mode, run, u);
}

int pl_report_intervals(const pl_report *r, FILE *out, pl_diag *d)
{
    flockfile(out); /* once for the whole list, rather than once per call */
    header(out);
    rows(out, r->mode, &r->run);
    if (r->baseline.graph != r->run.graph)
        rows(out, r->baseline_mode, &r->baseline);
    funlockfile(out);
    return pl_report_flush(out, d, "interval list");
}
