/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compare.h — two reports side by side: what changed from side A to side B.
 *
 * Each side is one invocation's pl_report (two scenarios, or one scenario with two
 * groups of overrides). The comparison reads only what the reports hold and never
 * simulates: the summary figures of each side with their difference B - A and its
 * change relative to A, the run's units matched by name, the units whose share of the
 * binding chain moved, whether the busiest unit moved, and bubble time by cause where
 * it differs. The binding chain is the tasks that set the makespan (the report's "binding
 * chain by unit"); the busiest unit is the one busy longest, which is not the bottleneck:
 * that is the verdict, found by simulating changes of a run, which a comparison does not
 * search. Like every report, the output is deterministic: the same two reports give the
 * same bytes. docs/reports.md ("Comparison") defines every word and field.
 */
#ifndef PL_COMPARE_H
#define PL_COMPARE_H

#include "sim/common/error.h"
#include "sim/report/report.h"

#include <stdio.h>

/* One side of a comparison. Both pointers are borrowed and must outlive the call.
 * `label` says what sets this side apart ("serial.yaml", "launch=2"); NULL, or the
 * side's own letter ("A" for side A, "B" for side B), when there is nothing to add. */
typedef struct pl_compare_side {
    const pl_report *r;
    const char *label;
} pl_compare_side;

/* The comparison for people: a header line per side, the summary (makespan,
 * throughput, baseline makespan, speedup over each side's own baseline, bound,
 * efficiency) as A, B, B - A and change, a sentence saying how much faster or slower
 * B is, a table of the run's units (utilization, bubble time, share of the binding
 * chain: A, B, B - A), the units whose share of the binding chain changed by more than
 * one percentage point, whether the busiest unit moved, and bubble time by cause where A
 * and B differ. Returns 0, or PL_ENOMEM or PL_EIO with d filled. */
int pl_compare_text(const pl_compare_side *a, const pl_compare_side *b, FILE *out, pl_diag *d);

/* The same comparison as one JSON document. Returns 0, or PL_ENOMEM (also for a name
 * that is not UTF-8) or PL_EIO with d filled. */
int pl_compare_json(const pl_compare_side *a, const pl_compare_side *b, FILE *out, pl_diag *d);

#endif
