/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keys_list.h — every key of a schema, listed for `pipelab keys`: as a table of aligned
 * columns, or as JSON, all of them or those under a prefix.
 */
#ifndef PL_KEYS_LIST_H
#define PL_KEYS_LIST_H

#include "sim/common/error.h"
#include "sim/config/keys.h"

#include <stdbool.h>
#include <stdio.h>

/* One key as listed: its path (a list's items as "dispatch.ops[]"), type, unit (a
 * quantity's units or an enumeration's choices), default (NULL for none), whether it is
 * required, help, and for a table reached again through itself the path of its first
 * appearance ("" for the top level; NULL otherwise). All borrowed for the call. */
typedef struct pl_key_row {
    const char *path, *type, *unit, *deflt;
    bool required;
    const char *help, *same_as;
} pl_key_row;

typedef void (*pl_keys_visit_fn)(const pl_key_row *row, void *ctx);

/*
 * Lists every key reachable from root whose path is `prefix` or lies under it ("tile"
 * lists tile and tile.*, "dispatch.ops" the op keys; NULL or "" lists all): one a line in
 * aligned columns (path, type, unit, default, "required" or "-" when there is none, help)
 * under a header row; a table reached again through itself is listed once, its second
 * appearance one line saying "same keys as ...". With width > 0, help that would pass
 * that column goes on under itself, folded between words. Fails with PL_EUSAGE when no
 * key lies under the prefix.
 */
int pl_keys_list(const pl_key *root, const char *prefix, int width, FILE *out, pl_diag *d);

/* Calls fn for each key pl_keys_list would list, in the same order; returns how many. */
size_t pl_keys_walk(const pl_key *root, const char *prefix, pl_keys_visit_fn fn, void *ctx);


#endif
