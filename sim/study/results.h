/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * results.h — a sweep's results file read back: its header and its rows, each
 * row known by its point and replication.
 *
 * A results file (written by sweep.c, described in docs/sweeps.md) is CSV whose
 * first two columns are `point` and `rep`, whose swept keys sit between `rep` and
 * `seed`, whose figures sit between `status` and `message`, which is the last column
 * or followed by `check` alone (sweep_record.h). A row is one line. A sweep killed
 * while it ran leaves whole rows in the order
 * they finished, and possibly an unfinished last line with no line break; reading
 * keeps the whole rows and says how many bytes the unfinished line took.
 */
#ifndef PL_RESULTS_H
#define PL_RESULTS_H

#include "sim/common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct pl_results_row {
    size_t point, rep;
    size_t lineno; /* its line number in the file, from 1 (the header's) */
    char *line;    /* the row as written, without its line break; owned */
} pl_results_row;

typedef struct pl_results {
    char *header; /* the header line, without its line break; owned */
    size_t nrows;
    pl_results_row *rows; /* owned */
    size_t whole;         /* bytes of the file up to the end of its last whole line */
    size_t unfinished;    /* bytes after it: an unfinished last line, or 0 */
} pl_results;

/* The largest results file read: a million points (PL_SWEEP_MAX_POINTS) of rows up to
 * 4 KiB long, which is some 80 units a point. */
#define PL_RESULTS_MAX_BYTES ((size_t)4 << 30)

/* pl_input_read (sim/common/input.h) with a results file's messages: the whole of the
 * regular file at path, at most max bytes, into *text (owned by the caller,
 * NUL-terminated; *len bytes before the NUL). Fails with PL_EIO ("cannot read PATH: a
 * FIFO (named pipe), not a regular file", "...: larger than the N bytes a results file may
 * have") or PL_ENOMEM. */
int pl_results_read_text(const char *path, size_t max, char **text, size_t *len, pl_diag *d);

/* Reads the results file at path (pl_results_read_text, at most PL_RESULTS_MAX_BYTES).
 * Fails with PL_EIO (cannot read it), PL_EPARSE (no header, CRLF line ends, or a row whose
 * point and rep are not numbers; the diagnostic names file and line) or PL_ENOMEM. The
 * caller frees r with pl_results_fini, also after a failure. */
int pl_results_load(const char *path, pl_results *r, pl_diag *d);
void pl_results_fini(pl_results *r);

/* Sorts the rows by point, then replication. Fails with PL_EPARSE when two rows have the
 * same point and replication (the diagnostic names them and `path`). */
int pl_results_sort(pl_results *r, const char *path, pl_diag *d);

/* Removes the rows i with drop[i] (freeing them), keeping the others in order. Returns
 * whether it removed any. */
bool pl_results_drop(pl_results *r, const bool *drop);

/* Writes header and rows to path, whole or not at all (output.h). Fails with PL_EIO
 * naming path and the system's reason, or PL_ENOMEM. */
int pl_results_write(const pl_results *r, const char *path, pl_diag *d);

#endif
