/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * json_stream.c — yajl's event (SAX) parser fed with chunks from zlib's gzread. The
 * invariant: `line` and `column` describe the byte at `scanned` in the current chunk; a
 * callback's position is found by scanning forward from there to the byte yajl has just
 * consumed, so every byte is scanned once.
 */
#include "sim/import/json_stream.h"

#include <yajl/yajl_parse.h>
#include <zlib.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (256 * 1024)

typedef struct stream {
    yajl_handle yajl;
    const unsigned char *chunk; /* the chunk yajl is parsing */
    size_t scanned;             /* bytes of the chunk counted into line/column */
    uint32_t line, column;      /* of the byte at `scanned` */
    pl_json_fn fn;
    void *ctx;
    int code;    /* fn's failure */
    int gzipped; /* the file starts with gzip's magic bytes */
} stream;

/* Advances the line/column count to byte `upto` of the current chunk. */
static void scan_to(stream *s, size_t upto)
{
    for (; s->scanned < upto; s->scanned++) {
        if (s->chunk[s->scanned] == '\n') {
            s->line++;
            s->column = 1;
        } else {
            s->column++;
        }
    }
}

/* The position of the last byte yajl consumed. */
static pl_json_where here(stream *s)
{
    size_t consumed = yajl_get_bytes_consumed(s->yajl);
    scan_to(s, consumed ? consumed - 1 : 0);
    return (pl_json_where){s->line, s->column};
}

static int emit(stream *s, pl_json_token tok, const char *text, size_t len)
{
    pl_json_where at = here(s);
    s->code = s->fn(s->ctx, tok, text, len, &at);
    return s->code == 0;
}

static int on_null(void *c)
{
    return emit(c, PL_JSON_NULL, "null", 4);
}

static int on_bool(void *c, int v)
{
    return emit(c, PL_JSON_BOOL, v ? "true" : "false", v ? 4 : 5);
}

static int on_number(void *c, const char *s, size_t len)
{
    return emit(c, PL_JSON_NUMBER, s, len);
}

static int on_string(void *c, const unsigned char *s, size_t len)
{
    return emit(c, PL_JSON_STRING, (const char *)s, len);
}

static int on_key(void *c, const unsigned char *s, size_t len)
{
    return emit(c, PL_JSON_KEY, (const char *)s, len);
}

static int on_start_map(void *c)
{
    return emit(c, PL_JSON_START_MAP, "{", 1);
}

static int on_end_map(void *c)
{
    return emit(c, PL_JSON_END_MAP, "}", 1);
}

static int on_start_array(void *c)
{
    return emit(c, PL_JSON_START_ARRAY, "[", 1);
}

static int on_end_array(void *c)
{
    return emit(c, PL_JSON_END_ARRAY, "]", 1);
}

static const yajl_callbacks callbacks = {
    on_null,      on_bool, NULL,       NULL,           on_number,    on_string,
    on_start_map, on_key,  on_end_map, on_start_array, on_end_array,
};

/* yajl's own words for what went wrong, without its trailing newline. */
static int not_json(stream *s, const char *path, const unsigned char *chunk, size_t len, pl_diag *d)
{
    pl_json_where at = here(s);
    unsigned char *why = yajl_get_error(s->yajl, 0, chunk, len);
    char text[256];
    snprintf(text, sizeof text, "%s", why ? (const char *)why : "unknown error");
    yajl_free_error(s->yajl, why);
    text[strcspn(text, "\n")] = '\0';
    return pl_diag_set(d, PL_EPARSE, "%s:%u:%u: not valid JSON: %s", path, at.line, at.column,
                       text);
}

static int parse(stream *s, const char *path, const unsigned char *chunk, size_t len, pl_diag *d)
{
    s->chunk = chunk;
    s->scanned = 0;
    yajl_status st = len ? yajl_parse(s->yajl, chunk, len) : yajl_complete_parse(s->yajl);
    if (st == yajl_status_client_canceled)
        return s->code;
    if (st == yajl_status_error)
        return not_json(s, path, chunk, len, d);
    if (len)
        scan_to(s, len);
    return 0;
}

/* Reads the next chunk; *n = 0 at the end. A gzip stream that stops before its end is a
 * truncated file, not a short document: zlib says so once the data it could decompress
 * has been handed over, so the position is where the data stops. */
static int next_chunk(gzFile f, unsigned char *buf, size_t *n, const stream *s, const char *path,
                      pl_diag *d)
{
    int got = gzread(f, buf, CHUNK);
    if (got > 0) {
        *n = (size_t)got;
        return 0;
    }
    int err = Z_OK;
    const char *why = gzerror(f, &err);
    const char *colon = strrchr(why, ':'); /* zlib prefixes its message with the path */
    why = colon && colon[1] == ' ' ? colon + 2 : why;
    if (s->gzipped && (err == Z_BUF_ERROR || err == Z_DATA_ERROR))
        return pl_diag_set(d, PL_EIO,
                           "%s:%u:%u: truncated or damaged gzip (zlib: %s): expected the rest "
                           "of the compressed trace",
                           path, s->line, s->column, why);
    if (got < 0 || (err != Z_OK && err != Z_STREAM_END))
        return pl_diag_set(d, PL_EIO, "%s: cannot read: %s", path,
                           err == Z_ERRNO ? strerror(errno) : why);
    *n = 0;
    return 0;
}

int pl_json_stream_read(const char *path, int gzipped, pl_json_fn fn, void *ctx, pl_diag *d)
{
    /* gzread reads plain input as it is; `gzipped` only decides what a read error means. */
    gzFile f = gzopen(path, "rb");
    if (!f)
        return pl_diag_set(d, PL_EIO, "%s: cannot read: %s", path, strerror(errno));
    gzbuffer(f, CHUNK);
    unsigned char *buf = malloc(CHUNK);
    stream s = {.line = 1, .column = 1, .fn = fn, .ctx = ctx, .gzipped = gzipped};
    s.yajl = buf ? yajl_alloc(&callbacks, NULL, &s) : NULL;
    int rc = s.yajl ? 0 : pl_diag_set(d, PL_ENOMEM, "out of memory");
    size_t n = 1;
    while (!rc && n) {
        rc = next_chunk(f, buf, &n, &s, path, d);
        if (!rc)
            rc = parse(&s, path, buf, n, d);
    }
    if (s.yajl)
        yajl_free(s.yajl);
    free(buf);
    gzclose(f);
    return rc;
}
