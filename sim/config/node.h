/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * node.h — the document tree pipelab owns: YAML parsed with libyaml into
 * mappings, sequences and scalars, each remembering where it was written.
 *
 * A tree is created by parsing and freed with pl_node_destroy on its root;
 * every node, key and string below the root belongs to the tree. File names in
 * locations live as long as the tree. After validation (config.h) scalar nodes
 * also carry their parsed value.
 */
#ifndef PL_NODE_H
#define PL_NODE_H

#include "sim/config/dist.h"
#include "sim/common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum pl_node_type { PL_NODE_SCALAR, PL_NODE_MAP, PL_NODE_SEQ } pl_node_type;

typedef struct pl_node pl_node;

/* ---- Parsing ---------------------------------------------------------------- */

/* Parses a YAML file holding one document. Fails with PL_EIO (unreadable file) or
 * PL_EPARSE (malformed YAML, a duplicate key, an anchor or alias, a document that is
 * not a mapping when want_map, more than one document); the diagnostic names file,
 * line and column. On success *out is a tree the caller frees with pl_node_destroy. */
int pl_node_parse_file(const char *path, bool want_map, pl_node **out, pl_diag *d);

/* Parses YAML text (a scalar such as "12us" or a flow mapping such as
 * "{dist: normal, mean: 10us, sd: 1us}"). Locations use file name `origin` (copied),
 * line 1, and columns offset by col0 so that they point into the caller's text: col0 is
 * the number of characters that precede `text` there, so the first character of text is
 * column col0 + 1. Empty text is an empty scalar. Same failures and ownership as
 * pl_node_parse_file. */
int pl_node_parse_string(const char *text, const char *origin, int col0, pl_node **out,
                         pl_diag *d);

void pl_node_destroy(pl_node *root);

/* ---- Queries (all borrow the node; none fails) ------------------------------ */

pl_node_type pl_node_type_of(const pl_node *n);
const pl_loc *pl_node_loc(const pl_node *n);
/* The key path from the document root, e.g. "dispatch.ops[3].kernel". */
const char *pl_node_path(const pl_node *n);
/* A scalar's text as written; NULL for a mapping or sequence. */
const char *pl_node_text(const pl_node *n);
/* Entries of a mapping or items of a sequence; 0 for a scalar, and for NULL (an absent
 * optional key, as pl_node_get returns it). */
size_t pl_node_len(const pl_node *n);
/* The i-th item of a sequence or value of a mapping, in document order. */
const pl_node *pl_node_at(const pl_node *n, size_t i);
/* The i-th key of a mapping, in document order. */
const char *pl_node_key(const pl_node *n, size_t i);
/* A mapping's value for key; NULL when absent or n is not a mapping. */
const pl_node *pl_node_get(const pl_node *n, const char *key);
/* The node at a key path below n: "machine.device.clock", "dispatch.ops[2].kernel" or
 * "dispatch.ops.2.kernel"; NULL when absent or when the path is malformed. */
const pl_node *pl_node_find(const pl_node *n, const char *path);
/* Where the key that n is the value of was written; n's own location for the root and
 * for sequence items. */
const pl_loc *pl_node_key_loc(const pl_node *n);
/* Whether two trees have the same shape, keys and scalar texts (locations, quoting and
 * parsed values aside): what a tree printed and parsed again must satisfy. */
bool pl_node_equal(const pl_node *a, const pl_node *b);

/* ---- Values set by validation (config.h); asserting on a node of another type -- */

#define PL_UNBOUNDED (-1LL)
/* An integer key; PL_UNBOUNDED for a key written `unbounded`. */
long long pl_node_int(const pl_node *n);
/* A real or a quantity, in SI units. */
double pl_node_real(const pl_node *n);
bool pl_node_bool(const pl_node *n);
/* A string or an enumeration's choice. */
const char *pl_node_str(const pl_node *n);
/* A fixed or random quantity; a fixed one is a PL_DIST_FIXED dist. A QUANTITY key's node
 * answers too, as a fixed dist, so a model may read either kind as a dist. */
const pl_dist *pl_node_dist(const pl_node *n);

/* ---- Writing ---------------------------------------------------------------- */

/* Writes the tree as block YAML, keys in document order. Fails with PL_EIO. */
int pl_node_print(const pl_node *root, FILE *out, pl_diag *d);

#endif
