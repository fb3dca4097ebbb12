/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * input.h — input files read whole, with a size limit.
 *
 * Only a regular file is read: a FIFO would block until a writer comes, and a device
 * such as /dev/zero never ends, so both are refused before a byte is read.
 */
#ifndef PL_INPUT_H
#define PL_INPUT_H

#include "sim/common/error.h"

#include <stddef.h>

/* Reads the whole of the regular file `path` (borrowed) into *text, NUL-terminated (the
 * caller frees it), and its length into *len; never blocks on a FIFO and reads at most
 * max + 1 bytes. Fails with PL_ENOMEM, or PL_EIO with d->msg holding the reason alone,
 * without the file's name, for the caller to word with the name and the place that named
 * it: the errno text of open or read ("No such file or directory"), what the path is
 * instead of a regular file ("Is a directory", "a FIFO (named pipe), not a regular
 * file"), or `too_large` (borrowed) when the file is larger than max bytes. *text is
 * untouched on failure. */
int pl_input_read(const char *path, size_t max, const char *too_large, char **text, size_t *len,
                  pl_diag *d);

/* What kind of file a st_mode names, for messages: "a directory", "a FIFO (named pipe)",
 * "a character device", "a block device", "a socket", "a regular file", or "a special
 * file". */
const char *pl_input_kind(unsigned mode);

#endif
