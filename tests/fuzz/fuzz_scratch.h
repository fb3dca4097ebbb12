/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_scratch.h — what the fuzz targets share: the scratch folder where each input
 * is written as a file, since the readers under test read files, and the arguments
 * (--set, --vary) an input carries on lines of its own.
 */
#ifndef PL_FUZZ_SCRATCH_H
#define PL_FUZZ_SCRATCH_H

#include <stddef.h>
#include <stdint.h>

/* Writes data to `name` (e.g. "workloads/input.yaml") in the scratch folder and returns
 * its path (owned here, valid until the next call). On the first call the folder is
 * made under $TMPDIR (or /tmp), with workloads/, and configs/ and examples/, links to
 * the source tree's configs/ and workloads/ (PL_SOURCE_DIR); it is removed when the
 * process exits. NULL when
 * something cannot be written. */
const char *pl_fuzz_write(const char *name, const uint8_t *data, size_t size);

/* Copies what follows `prefix` on the input's lines that start with it (e.g. "#set ",
 * YAML comments) into args, each malloc'd (the caller frees them), at most max of them;
 * returns how many. */
size_t pl_fuzz_lines(const uint8_t *data, size_t size, const char *prefix, char **args, size_t max);

/* The entry point every target defines, as libFuzzer calls it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
