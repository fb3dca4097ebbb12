/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * node_tree.h — the inside of a document tree: the struct behind pl_node and the
 * few helpers that the files holding its parts share. Only sim/config/node*.c
 * include it: sim/config/node.c (the tree, its queries and edits),
 * sim/config/node_parse.c (YAML text and files into a tree) and
 * sim/config/node_print.c (a tree as YAML). Everyone else sees a tree through
 * node.h and node_edit.h.
 *
 * The invariants of the struct are written at the top of node.c.
 */
#ifndef PL_NODE_TREE_H
#define PL_NODE_TREE_H

#include "sim/config/node.h"

#include <stdbool.h>
#include <stddef.h>

/* A file name owned by a tree. */
struct name {
    struct name *next;
    char text[];
};

enum value_kind { V_NONE, V_INT, V_REAL, V_BOOL, V_STR, V_DIST };

struct pl_node {
    pl_node_type type;
    int style; /* scalar: its yaml_scalar_style_t; collection: 1 when written in flow style */
    pl_loc loc;
    pl_loc key_loc;
    char *key;  /* NULL for the root and for sequence items */
    char *path; /* "" for the root */
    char *text; /* scalars only */
    pl_node *parent;
    size_t index;
    pl_node **items;
    size_t len, cap;
    struct name *names; /* the root's: file names its locations use */
    enum value_kind vkind;
    long long i;
    double r;
    bool b;
    pl_dist dist;
};

/* ---- Helpers the node files share (defined in node.c) ----------------------- */

/* A NUL-terminated copy of the n bytes at s (caller frees); NULL when out of memory. */
char *pl_node_dup_n(const char *s, size_t n);
/* A copy of s (caller frees); NULL when out of memory. */
char *pl_node_dup_s(const char *s);
/* A new node of `type` located at *loc, with path "" and no parent (caller frees with
 * pl_node_destroy); NULL when out of memory. */
pl_node *pl_node_new(pl_node_type type, const pl_loc *loc);
/* A name list entry holding a copy of text, not yet on any list (caller frees, or hands
 * it to a tree's `names`); NULL when out of memory. */
struct name *pl_node_new_name(const char *text);
/* Appends child (taken) to a mapping under key (taken) or to a sequence (key NULL). On
 * failure child and key are freed and the tree is left whole. */
int pl_node_append(pl_node *n, char *key, const pl_loc *key_loc, pl_node *child);
/* Sets d to "out of memory" and returns PL_ENOMEM. */
int pl_node_nomem(pl_diag *d);

#endif
