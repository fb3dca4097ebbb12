/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * report.h — what one invocation found, and the renderers that print it.
 *
 * Reports read only the metrics, the bound and the timeline (with the graph for
 * names); they never simulate. Every renderer writes deterministic bytes: the same
 * pl_report gives the same output, so that same inputs and seed give identical
 * files. Wall-clock times never appear in a report.
 */
#ifndef PL_REPORT_H
#define PL_REPORT_H

#include "sim/measure/bound.h"
#include "sim/common/error.h"
#include "sim/measure/figure.h"
#include "sim/graph/graph.h"
#include "sim/measure/metrics.h"
#include "sim/measure/replay.h"
#include "sim/measure/rows.h"
#include "sim/measure/verdict.h"
#include "sim/graph/timeline.h"

#include <stdbool.h>
#include <stdio.h>

/* One simulated graph and what was read from it. All borrowed. */
typedef struct pl_run {
    const pl_graph *graph;
    const pl_timeline *tl;
    const pl_metrics *m;
    const pl_bound *bound;      /* the resource bound: the workload's own edges only */
    const pl_bound *configured; /* the bound with every edge, the configuration's too */
} pl_run;

/* The invocation: the scenario's run and its baseline, simulated with the same drawn
 * durations. All strings borrowed. */
typedef struct pl_report {
    const char *scenario;  /* the scenario file as given */
    const char *name;      /* the scenario's `name`, or NULL */
    const char *model;     /* "dispatch" */
    const char *mode;      /* the scenario's variant, e.g. "pipelined" */
    const char *baseline_mode; /* e.g. "serial" */
    unsigned long long seed;
    bool random;           /* whether any duration was drawn at random */
    pl_run run;
    pl_run baseline;
    double speedup;        /* baseline makespan / run makespan; NaN when the run takes 0 s */
    const pl_figures *figures; /* what the model worked out; NULL or empty when nothing */
    const pl_tables *tables;   /* the model's tables for -o DIR (NAME.csv); NULL or empty */
    double predicted;      /* the run's makespan as the model predicted it; 0: none */
    const pl_verdict *verdict; /* what holds the run back; NULL when not searched */
    const pl_replay *replay;   /* what the replayed trace measured; NULL when not a replay */
    const pl_replay_result *replay_result; /* the run measured as the trace was; NULL when
                                              not a replay */
} pl_report;

/* Renderers. Each returns 0 or PL_EIO (with d filled) when writing fails. */

/* The compact text report: header, makespan, throughput, speedup, bound and efficiency,
 * for a replay its steps measured beside simulated and the device's idle time by cause,
 * a table per unit (tasks, busy, utilization, fill, bubbles: count, total, largest,
 * drain, time lost to shared cores where any, bubble time by cause), the binding chain
 * by unit, and a few sentences on where the time went. */
int pl_report_text(const pl_report *r, FILE *out, pl_diag *d);

/* One JSON document (see docs/reports.md for its fields). */
int pl_report_json(const pl_report *r, FILE *out, pl_diag *d);

/* The unit table as CSV with a header row: one row per unit of the run, then one per unit
 * of the baseline, the first column saying which. */
int pl_report_csv(const pl_report *r, FILE *out, pl_diag *d);

/* Every unit's timeline as CSV intervals with a header row, for the run and then the
 * baseline (when it is another graph): its tasks, and its fill, bubbles and drain longer
 * than pl_metrics_noise, each idle interval with the task that ends it and the cause of
 * that task's wait (see docs/reports.md). Per unit the intervals add up to the metrics'
 * busy, fill, bubble and drain times. */
int pl_report_intervals(const pl_report *r, FILE *out, pl_diag *d);

#endif
