/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trace.h — the timelines as a Chrome trace (JSON), which Perfetto opens.
 */
#ifndef PL_TRACE_H
#define PL_TRACE_H

#include "sim/report/report.h"

/* Writes the run of r, then its baseline (a second group of processes, when it is another
 * graph), as a Chrome trace: one process per place (host or device), one thread per unit,
 * a slice (a B and an E event) per task (name "OP #ITEM", args with op, item, work and
 * the edge that released it), bubbles as slices in category "bubble" named by their
 * cause, the waking after a task, a flow (s and f events) along each data and issue edge, counters
 * of tasks waiting to start on each unit, and metadata with the seed.
 * Times in microseconds printed from integer picoseconds, so that events of one thread
 * never overlap. Returns 0 or PL_EIO. */
int pl_trace_write(const pl_report *r, FILE *out, pl_diag *d);

#endif
