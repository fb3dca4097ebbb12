/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * summary.h — a sweep's results summarised per point: the replications' mean, spread and
 * confidence interval of every figure, as CSV (complete, the file a sweep writes beside
 * its results), as a table to read, or as JSON.
 */
#ifndef PL_SUMMARY_H
#define PL_SUMMARY_H

#include "sim/common/error.h"
#include "sim/study/results.h"

#include <stdio.h>

typedef enum pl_summary_format {
    PL_SUMMARY_CSV,
    PL_SUMMARY_TEXT,
    PL_SUMMARY_JSON,
} pl_summary_format;

/*
 * Writes the summary of sorted results, one entry per point: its swept keys, the
 * replications it has (`reps`) and how many ran (`ok`), then for every figure F the mean,
 * sample standard deviation and 95 % Student-t confidence interval of the rows that ran
 * (stats.h; none where no row has a value, sd and interval none with one value); for the
 * text column `bottleneck` (a sweep's --advice), each bottleneck the rows that ran got with
 * how many got it, most often first: "buffer t (3); unit core0.VECTOR (1)", "none" for no
 * change gaining anything. A last column `check` is left out.
 * - CSV: a row per point: point, the keys, reps, ok, F_mean, F_sd, F_ci_low, F_ci_high
 *   (empty where there is none; 17 significant digits), bottleneck.
 * - TEXT: a table to read: point, the keys, reps, ok, the makespan's mean with the half
 *   width of its interval, the throughput's and the speedup's means, and the bottlenecks;
 *   the other figures are in CSV and JSON.
 * - JSON: an array of objects: point, keys (an object of the keys' values as written),
 *   reps, ok, figures (an object: F: {mean, sd, ci_low, ci_high}, null where none) and
 *   bottleneck where the results have it.
 * Fails with PL_EPARSE (a header without the columns rep, seed, status and message, or a
 * row with another number of fields; naming `path`), PL_ENOMEM or PL_EIO.
 */
int pl_summary_write(const pl_results *r, const char *path, pl_summary_format format, FILE *out,
                     pl_diag *d);

/* Writes the CSV summary of sorted results read from `path` beside it, whole or not at
 * all: PATH without its .csv, then .summary.csv; that name goes into name (of size n).
 * Fails as pl_summary_write and pl_output_file do. */
int pl_summary_write_beside(const pl_results *r, const char *path, char *name, size_t n,
                            pl_diag *d);

#endif
