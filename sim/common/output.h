/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * output.h — files written whole or not at all, and never damaging what they replace.
 *
 * A regular file is written to a temporary name beside it and renamed into place only
 * when every byte was written, so a crash or an error never leaves a partial file
 * behind. A symbolic link is followed: its target is replaced the same way and the
 * link stays. A character device (/dev/null, a terminal) or a FIFO is written in place,
 * never replaced by a file; a FIFO with no reader, a block device, a socket and a
 * directory are refused.
 */
#ifndef PL_OUTPUT_H
#define PL_OUTPUT_H

#include "sim/common/error.h"

#include <stdbool.h>
#include <stdio.h>

/* What produces a file's content: write(ctx, f, d) returns 0 or a negative code with d
 * filled. */
typedef int (*pl_output_writer)(void *ctx, FILE *f, pl_diag *d);

/* The file a write to `path` reaches: `path` itself, or where the symbolic links it
 * names lead (the file that will be created there when they dangle). A new string the
 * caller frees, or NULL with errno set (ENOMEM, ELOOP, or the system's reason). */
char *pl_output_resolve(const char *path);

/* Writes what `write` produces into `path` (borrowed), as the top of this header says. A
 * file that is replaced keeps its permission bits, except set-user-ID and set-group-ID,
 * and its owner where the process may give it. Fails with PL_EIO, the diagnostic naming
 * the path and the system's reason ("cannot write PATH: No space left on device",
 * "cannot write PATH: Is a directory"), PL_ENOMEM, or the writer's code when it failed
 * for a reason of its own; in every failure case no file named `path` is created, and a
 * regular file there is left as it was. */
int pl_output_file(const char *path, pl_output_writer write, void *ctx, pl_diag *d);

/* Checks that `dir` can take output without creating anything: it is missing, or an
 * empty directory, or any directory when force. Fails with PL_EIO (not a directory, not
 * readable) or PL_EUSAGE (non-empty without force). */
int pl_output_dir_check(const char *dir, bool force, pl_diag *d);

/* ---- A directory of files written together ----------------------------------------- */

/* Files written into one directory that appear together or not at all: each is written
 * to a temporary name, and only when all were written are they renamed into place. A
 * directory that did not exist is built as a temporary directory beside it
 * (DIR.tmp-XXXXXX) and renamed to DIR at the end. */
typedef struct pl_output_set pl_output_set;

/* Starts a set of files for `dir` (borrowed; it must outlive the set), checked as
 * pl_output_dir_check does. Fails with its codes, PL_EIO when the temporary directory
 * cannot be made, or PL_ENOMEM; *out is NULL then and nothing was created. Caller frees
 * with pl_output_set_destroy. */
int pl_output_set_create(const char *dir, bool force, pl_output_set **out, pl_diag *d);

/* Writes the file `name` (borrowed) of the set as pl_output_file writes one, but leaves
 * a regular file under its temporary name until pl_output_set_commit. Fails as
 * pl_output_file, naming DIR/name; after a failure the set is only fit to destroy. */
int pl_output_set_file(pl_output_set *s, const char *name, pl_output_writer write, void *ctx,
                       pl_diag *d);

/* Renames every file of the set into place (or the temporary directory to DIR). Fails
 * with PL_EIO naming the file and the reason; the files renamed before it stay. */
int pl_output_set_commit(pl_output_set *s, pl_diag *d);

/* Removes every temporary file and directory of the set that was not renamed into place,
 * and frees it. s may be NULL. */
void pl_output_set_destroy(pl_output_set *s);

#endif
