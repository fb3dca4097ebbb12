/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sweep_columns.h — the columns of a sweep's results file and its rows in them.
 *
 * A results file (docs/sweeps.md) has the columns point, rep, the swept keys, seed,
 * status, the five run figures, with --advice the verdict's `bottleneck` and
 * `bottleneck_gain_s`, two per unit (UNIT.util, UNIT.bubble_s), message and check. The
 * units are those of every point of the sweep (sweep_units.h: predicted before any row is
 * written and checked as the points run), or read back from the header of a file being
 * resumed.
 */
#ifndef PL_SWEEP_COLUMNS_H
#define PL_SWEEP_COLUMNS_H

#include "sim/common/error.h"
#include "sim/study/outcome.h"
#include "sim/study/sweep_points.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The caller fills points and advice, adds units with pl_sweep_columns_add_unit and
 * frees them with pl_sweep_columns_fini. */
typedef struct pl_sweep_columns {
    const pl_sweep_points *points; /* borrowed */
    bool advice;                   /* the verdict's two columns */
    size_t nunits;
    char **units; /* the unit columns, in order; owned */
} pl_sweep_columns;

void pl_sweep_columns_fini(pl_sweep_columns *c);

/* Adds a unit's columns unless it has them. Fails with PL_ENOMEM. */
int pl_sweep_columns_add_unit(pl_sweep_columns *c, const char *name);

/* Writes the header up to the unit columns, without a line break. */
void pl_sweep_columns_head(const pl_sweep_columns *c, FILE *f);

/* Writes the whole header, with its line break. */
void pl_sweep_columns_header(const pl_sweep_columns *c, FILE *f);

/* The fields of a row, check included. */
size_t pl_sweep_columns_count(const pl_sweep_columns *c);

/* Writes the row of point `point`, replication `rep` from its outcome, up to its message
 * (the check and line break are the caller's). */
void pl_sweep_columns_row(const pl_sweep_columns *c, size_t point, size_t rep, const pl_outcome *o,
                          FILE *f);

/* Adds the unit columns of `header`, the header of the results file `results` being
 * resumed, which must start with `head` (pl_sweep_columns_head) and end with
 * ",message,check". Fails with PL_EUSAGE when it does not, or has a column between that
 * is not a unit's, naming `results` and the column; or PL_ENOMEM. */
int pl_sweep_columns_from_header(pl_sweep_columns *c, const char *results, const char *header,
                                 const char *head, pl_diag *d);

#endif
