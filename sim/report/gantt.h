/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gantt.h — an ASCII Gantt chart of a run for the terminal.
 */
#ifndef PL_GANTT_H
#define PL_GANTT_H

#include "sim/report/report.h"

#include <stdbool.h>

/* Draws the run of r and, below it, its baseline, each on its own time scale (its
 * makespan across the width) or, when `shared`, both on the longer one's: one row per
 * unit, each column a slice of time, with a legend and a time axis, fitted to `width`
 * characters. Readable for a handful of tasks (each task shows its item number) and
 * summarised for many (each column shows how busy the unit was, or why it was idle).
 * Returns 0 or PL_EIO. */
int pl_gantt_draw(const pl_report *r, FILE *out, int width, bool shared, pl_diag *d);

#endif
