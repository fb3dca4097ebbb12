/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * csv.h — the CSV that pipelab writes and reads back: RFC 4180 quoting, LF line
 * ends.
 *
 * A field is quoted exactly when it holds a comma, a quote or a line break, and a
 * quote inside it is doubled. Lines end in LF, not the RFC's CRLF, so that awk, cut
 * and gnuplot read the last column without a stray carriage return.
 */
#ifndef PL_CSV_H
#define PL_CSV_H

#include <stddef.h>
#include <stdio.h>

/* Writes s as one field (no separator). */
void pl_csv_put(FILE *out, const char *s);

/* x in the shortest decimal form that reads back as the same double ("0.1", not
 * "0.10000000000000001"; "1e-05"), at most 17 significant digits: "nan", "inf" or "-inf"
 * where x is not finite. Writes at most len bytes (32 are always enough) into buf and
 * returns buf. */
char *pl_csv_real(double x, char *buf, size_t len);

/* Writes a separator and then x as pl_csv_real gives it: ",0.1". */
void pl_csv_put_real(FILE *out, double x);

/* Splits one line (NUL-terminated, without its line break) into fields, in place: the
 * fields point into `line`, unquoted. Returns the number of fields, or -1 when the line
 * is malformed (a quote that does not close, text after a closing quote) or has more than
 * `max` fields. */
int pl_csv_split(char *line, char **fields, size_t max);

#endif
