/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * json_stream.h — a streaming JSON reader over a plain or gzip-compressed file: it hands
 * each token to a callback with the line and column where it is, and never holds more of
 * the document than one chunk of input. A profiler trace of hundreds of megabytes reads in
 * constant memory.
 */
#ifndef PL_IMPORT_JSON_STREAM_H
#define PL_IMPORT_JSON_STREAM_H

#include "sim/common/error.h"

#include <stddef.h>
#include <stdint.h>

typedef enum pl_json_token {
    PL_JSON_NULL,
    PL_JSON_BOOL,   /* text "true" or "false" */
    PL_JSON_NUMBER, /* text: the number as written (never converted) */
    PL_JSON_STRING, /* text: the decoded string, not NUL-terminated */
    PL_JSON_KEY,    /* text: the decoded key */
    PL_JSON_START_MAP,
    PL_JSON_END_MAP,
    PL_JSON_START_ARRAY,
    PL_JSON_END_ARRAY,
} pl_json_token;

/* 1-based line and column (in bytes) of the last character of a token: for '{' and '[',
 * the bracket itself. */
typedef struct pl_json_where {
    uint32_t line, column;
} pl_json_where;

/* Called once per token. Returns 0 to go on, or a negative PL_E... code (having filled the
 * diagnostic it was given through its context) to stop the read with that code. */
typedef int (*pl_json_fn)(void *ctx, pl_json_token tok, const char *text, size_t len,
                          const pl_json_where *at);

/* Reads `path` (borrowed), feeding every token to fn; `gzipped` (the file starts with
 * gzip's magic bytes) says that a stream zlib cannot finish is a damaged file. Returns 0,
 * fn's code, PL_EIO (cannot open or read: "FILE: cannot read: WHY"; a truncated gzip
 * stream: "FILE:L:C: truncated or damaged gzip (zlib: WHY): expected the rest of the
 * compressed trace", L:C where the readable data stops), PL_EPARSE (not JSON: "FILE:L:C:
 * not valid JSON: WHAT YAJL EXPECTED") or PL_ENOMEM; d says which and where. */
int pl_json_stream_read(const char *path, int gzipped, pl_json_fn fn, void *ctx, pl_diag *d);

#endif
