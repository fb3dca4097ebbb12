/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * node_edit.h — changing a document tree: grafting included files and --set
 * values, inserting defaults, and storing the values validation parsed.
 *
 * Only the configuration layer (config.c, validate*.c, and the node*.c files
 * that implement it) includes this: a loaded pl_config is read-only, and models
 * see node.h alone. A tree owns the file names its locations point to; attaching
 * a parsed tree to another moves its names along, so that every location stays
 * valid until the root is destroyed.
 */
#ifndef PL_NODE_EDIT_H
#define PL_NODE_EDIT_H

#include "sim/config/node.h"

/* ---- Parsing with a reference location ---------------------------------------- */

/* pl_node_parse_file for a file named by another document (an include): a file that
 * cannot be read, or is too large, is reported at `from` under key `from_key` (both
 * borrowed), naming `path`. Same failures and ownership as pl_node_parse_file. */
int pl_node_parse_include(const char *path, const pl_loc *from, const char *from_key, pl_node **out,
                          pl_diag *d);

/* Parses text that nobody wrote in a file (a default from the schema): every node gets
 * location *loc, whose file must belong to the tree the result joins. Same failures and
 * ownership as pl_node_parse_string. */
int pl_node_parse_at(const char *text, const pl_loc *loc, pl_node **out, pl_diag *d);

/* ---- Building and changing ---------------------------------------------------- */

/* A new empty mapping at *loc, whose file must belong to the tree it joins (see
 * pl_node_intern). NULL when out of memory. */
pl_node *pl_node_new_map(const pl_loc *loc);

/* A copy of `name` owned by the tree of `n`, for locations of nodes built for it. NULL
 * when out of memory. */
const char *pl_node_intern(pl_node *n, const char *name);

/* Sets map[key] = value, replacing (and destroying) an existing value in its place or
 * appending a new entry; the entry's key is located at *key_loc (its file borrowed as
 * for pl_node_new_map). Takes value, also on failure. Fails with PL_ENOMEM. */
int pl_node_put(pl_node *map, const char *key, const pl_loc *key_loc, pl_node *value, pl_diag *d);

/* Replaces the i-th item of a sequence, or the i-th value of a mapping keeping its key,
 * destroying the old one. Takes value, also on failure. Fails with PL_ENOMEM. */
int pl_node_replace(pl_node *n, size_t i, pl_node *value, pl_diag *d);

/* Replaces the i-th entry of mapping map (the key that named base's file) by the entries
 * of base (a mapping, taken, also on failure) that map does not have, in base's order;
 * where both hold a mapping under one key, the two merge the same way, recursively
 * (base's entries go after map's there). Values of map win; lists are not merged.
 * Fails with PL_ENOMEM. */
int pl_node_merge_base(pl_node *map, size_t i, pl_node *base, pl_diag *d);

/* A copy of the tree below src (borrowed) as it was written: shape, keys, texts and
 * locations, without the values validation stored and without file names of its own:
 * its locations point to the names src's tree owns, which must outlive the copy (hand
 * them over with pl_node_move_names). The caller frees it with pl_node_destroy, or
 * attaches it to a tree. NULL when out of memory. */
pl_node *pl_node_copy(const pl_node *src);

/* Moves the file names that the root `from` owns to the root of the tree of `to`, so that
 * they live as long as that tree. */
void pl_node_move_names(pl_node *to, pl_node *from);

/* Removes and destroys the last entry of a mapping or sequence. */
void pl_node_drop_last(pl_node *n);

/* Mutable views of pl_node_at and pl_node_get, for the layer that edits. */
pl_node *pl_node_at_mut(pl_node *n, size_t i);
pl_node *pl_node_get_mut(pl_node *n, const char *key);
pl_node *pl_node_find_mut(pl_node *n, const char *path);

/* ---- Values found by validation ----------------------------------------------- */

void pl_node_set_int(pl_node *n, long long v);
/* A real or quantity; also readable as a fixed dist through pl_node_dist. */
void pl_node_set_real(pl_node *n, double v);
void pl_node_set_bool(pl_node *n, bool v);
/* Marks a scalar as a string or choice: pl_node_str returns its text. */
void pl_node_set_str(pl_node *n);
void pl_node_set_dist(pl_node *n, const pl_dist *dist);

#endif
