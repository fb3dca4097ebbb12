/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rows.h — a model's table of values (sim/measure/rows.h) printed as text, as a
 * JSON array or as CSV, each form with the columns that belong to it.
 *
 * Text: a heading row and a row per row of values; each column after its gap of
 * blanks, its cells padded to the column's width (or to the widest cell of the
 * column when it has none) on the side its alignment says, no blanks at the end of
 * a line. Times and sizes print with pipelab's units, reals with 12 significant
 * digits, booleans as yes or no. JSON: an object per row, a member per column that
 * has a key; times, sizes and reals are numbers in seconds and bytes. CSV: a header
 * of the keys, a line per row, reals with 12 significant digits.
 */
#ifndef PL_REPORT_ROWS_H
#define PL_REPORT_ROWS_H

#include "sim/common/error.h"
#include "sim/measure/rows.h"

#include <jansson.h>
#include <stdio.h>

/* Prints r as text. Returns 0, PL_ENOMEM (r is incomplete, or out of memory) or PL_EIO. */
int pl_report_rows_text(const pl_rows *r, FILE *out);

/* r as a JSON array of objects (a new reference); NULL when out of memory or a text is not
 * UTF-8. */
json_t *pl_report_rows_json(const pl_rows *r);

/* One value as JSON: a string, an integer, a boolean, or a real in seconds or bytes (null
 * when not finite). NULL when out of memory or a text is not UTF-8. */
json_t *pl_report_value_json(const pl_value *v);

/* Writes r as CSV. Returns 0, or PL_ENOMEM or PL_EIO with d filled. */
int pl_report_rows_csv(const pl_rows *r, FILE *out, pl_diag *d);

#endif
