/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * strtab.h — interned strings: each distinct string is stored once and named by a dense
 * id (0, 1, 2, ... in order of first appearance), so that a trace of a million events that
 * repeat a few thousand names holds each name once.
 */
#ifndef PL_IMPORT_STRTAB_H
#define PL_IMPORT_STRTAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct pl_strtab {
    char **strings; /* owned; strings[id] */
    size_t n, cap;
    uint32_t *slots; /* open-addressing hash of ids + 1 (0: empty) */
    size_t nslots;
} pl_strtab;

/* The id of the `len` bytes at `s` (need not be NUL-terminated), adding a copy when new.
 * Returns 0 and sets *id, or PL_ENOMEM. */
int pl_strtab_intern(pl_strtab *t, const char *s, size_t len, uint32_t *id);

/* The id of `s`, or UINT32_MAX when it was never interned. */
uint32_t pl_strtab_find(const pl_strtab *t, const char *s);

/* Frees the hash only: the strings array stays for whoever took it (see pl_trace). */
void pl_strtab_drop_index(pl_strtab *t);

/* Frees everything. */
void pl_strtab_fini(pl_strtab *t);

#endif
