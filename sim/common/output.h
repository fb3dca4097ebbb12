/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * output.h — files written whole or not at all.
 *
 * A file is written to a temporary name in its directory and renamed into place
 * only when every byte was written, so a crash or an error never leaves a
 * partial file behind.
 */
#ifndef PL_OUTPUT_H
#define PL_OUTPUT_H

#include "sim/common/error.h"

#include <stdbool.h>
#include <stdio.h>

/* Writes what `write` produces into `path`, atomically. write(ctx, f, d) returns 0 or a
 * negative code with d filled. Fails with PL_EIO (cannot create, write or rename; the
 * diagnostic names the path) or the writer's code; in every failure case no file named
 * `path` is created or changed. */
int pl_output_file(const char *path, int (*write)(void *ctx, FILE *f, pl_diag *d), void *ctx,
                   pl_diag *d);

/* Checks that `dir` can take output without creating anything: it is missing, or an
 * empty directory, or any directory when force. Fails with PL_EIO (not a directory, not
 * readable) or PL_EUSAGE (non-empty without force). */
int pl_output_dir_check(const char *dir, bool force, pl_diag *d);

/* Checks `dir` as pl_output_dir_check does, then creates it (one level) when missing.
 * Same failures, and PL_EIO when it cannot be created. */
int pl_output_dir(const char *dir, bool force, pl_diag *d);

#endif
