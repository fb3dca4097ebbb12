/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * node.c — the document tree: allocating it, the file names it owns, queries,
 * the values validation stores, and editing. Parsing YAML into a tree is in
 * node_parse.c, printing one as YAML in node_print.c; the struct is in the
 * private header node_tree.h.
 *
 * Invariants: every node below the root has a parent and knows its index
 * there; every node's `path` is its key path from the root, recomputed
 * whenever a subtree is attached; every location's file name is owned by the
 * `names` list of the tree's root, so it lives exactly as long as the tree.
 */
#include "sim/config/node.h"

#include "sim/config/keypath.h"
#include "sim/config/node_edit.h"
#include "sim/config/node_tree.h"
#include "sim/config/strmap.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Small helpers ---------------------------------------------------------- */

char *pl_node_dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *pl_node_dup_s(const char *s)
{
    return pl_node_dup_n(s, strlen(s));
}

pl_node *pl_node_new(pl_node_type type, const pl_loc *loc)
{
    pl_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->type = type;
    n->loc = *loc;
    n->key_loc = *loc;
    n->path = pl_node_dup_s("");
    if (!n->path) {
        free(n);
        return NULL;
    }
    return n;
}

static void free_names(struct name *nm)
{
    while (nm) {
        struct name *next = nm->next;
        free(nm);
        nm = next;
    }
}

void pl_node_destroy(pl_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->len; i++)
        pl_node_destroy(n->items[i]);
    free(n->items);
    free(n->key);
    free(n->path);
    free(n->text);
    free_names(n->names);
    free(n);
}

static pl_node *root_of(pl_node *n)
{
    while (n->parent)
        n = n->parent;
    return n;
}

struct name *pl_node_new_name(const char *text)
{
    size_t len = strlen(text);
    struct name *nm = malloc(sizeof *nm + len + 1);
    if (nm) {
        nm->next = NULL;
        memcpy(nm->text, text, len + 1);
    }
    return nm;
}

const char *pl_node_intern(pl_node *n, const char *name)
{
    pl_node *root = root_of(n);
    struct name *nm = pl_node_new_name(name);
    if (!nm)
        return NULL;
    nm->next = root->names;
    root->names = nm;
    return nm->text;
}

void pl_node_move_names(pl_node *to, pl_node *from)
{
    if (!from->names)
        return;
    pl_node *root = root_of(to);
    struct name *last = from->names;
    while (last->next)
        last = last->next;
    last->next = root->names;
    root->names = from->names;
    from->names = NULL;
}

/* The path of a child written under `key` (a mapping) or at `index` (a sequence). */
static char *child_path(const pl_node *parent, const char *key, size_t index)
{
    const char *base = parent->path;
    size_t len = strlen(base) + (key ? strlen(key) + 1 : 24) + 1;
    char *p = malloc(len);
    if (!p)
        return NULL;
    if (key)
        snprintf(p, len, "%s%s%s", base, *base ? "." : "", key);
    else
        snprintf(p, len, "%s[%zu]", base, index);
    return p;
}

/* Recomputes the paths of a subtree whose place in its tree changed. */
static int fix_paths(pl_node *n)
{
    if (n->parent) {
        char *p = child_path(n->parent, n->key, n->index);
        if (!p)
            return PL_ENOMEM;
        free(n->path);
        n->path = p;
    }
    for (size_t i = 0; i < n->len; i++)
        if (fix_paths(n->items[i]) != 0)
            return PL_ENOMEM;
    return 0;
}

static int grow(pl_node *n)
{
    if (n->len < n->cap)
        return 0;
    size_t cap = n->cap ? 2 * n->cap : 4;
    pl_node **items = realloc(n->items, cap * sizeof *items);
    if (!items)
        return PL_ENOMEM;
    n->items = items;
    n->cap = cap;
    return 0;
}

int pl_node_append(pl_node *n, char *key, const pl_loc *key_loc, pl_node *child)
{
    if (grow(n) != 0) {
        free(key);
        pl_node_destroy(child);
        return PL_ENOMEM;
    }
    child->parent = n;
    child->index = n->len;
    child->key = key;
    child->key_loc = key_loc ? *key_loc : child->loc;
    n->items[n->len++] = child;
    pl_node_move_names(n, child);
    return fix_paths(child);
}

/* ---- Queries ---------------------------------------------------------------- */

pl_node_type pl_node_type_of(const pl_node *n)
{
    return n->type;
}

const pl_loc *pl_node_loc(const pl_node *n)
{
    return &n->loc;
}

const pl_loc *pl_node_key_loc(const pl_node *n)
{
    return &n->key_loc;
}

const char *pl_node_path(const pl_node *n)
{
    return n->path;
}

const char *pl_node_text(const pl_node *n)
{
    return n->type == PL_NODE_SCALAR ? n->text : NULL;
}

size_t pl_node_len(const pl_node *n)
{
    return !n || n->type == PL_NODE_SCALAR ? 0 : n->len;
}

const pl_node *pl_node_at(const pl_node *n, size_t i)
{
    assert(n->type != PL_NODE_SCALAR && i < n->len);
    return n->items[i];
}

const char *pl_node_key(const pl_node *n, size_t i)
{
    assert(n->type == PL_NODE_MAP && i < n->len);
    return n->items[i]->key;
}

const pl_node *pl_node_get(const pl_node *n, const char *key)
{
    /* The search only reads; sharing the mutable version keeps one copy of it. */
    return pl_node_get_mut((pl_node *)n, key);
}

pl_node *pl_node_at_mut(pl_node *n, size_t i)
{
    assert(n->type != PL_NODE_SCALAR && i < n->len);
    return n->items[i];
}

pl_node *pl_node_get_mut(pl_node *n, const char *key)
{
    if (!n || n->type != PL_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < n->len; i++)
        if (strcmp(n->items[i]->key, key) == 0)
            return n->items[i];
    return NULL;
}

/* The child a path part names: a key of a mapping, an item number of a sequence. */
static pl_node *child_for(pl_node *n, const pl_keypath_part *part)
{
    if (n->type == PL_NODE_SEQ)
        return part->index >= 0 && (size_t)part->index < n->len ? n->items[part->index] : NULL;
    if (n->type != PL_NODE_MAP || part->bracket)
        return NULL;
    for (size_t i = 0; i < n->len; i++)
        if (pl_keypath_is(part, n->items[i]->key))
            return n->items[i];
    return NULL;
}

pl_node *pl_node_find_mut(pl_node *n, const char *path)
{
    pl_keypath kp;
    size_t bad;
    char why[128];
    if (pl_keypath_parse(path, strlen(path), &kp, &bad, why, sizeof why) != 0)
        return NULL;
    for (size_t i = 0; n && i < kp.n; i++)
        n = child_for(n, &kp.part[i]);
    return n;
}

const pl_node *pl_node_find(const pl_node *n, const char *path)
{
    /* The walk only reads; sharing the mutable version keeps one copy of it. */
    return pl_node_find_mut((pl_node *)n, path);
}

bool pl_node_equal(const pl_node *a, const pl_node *b)
{
    if (a->type != b->type || a->len != b->len)
        return false;
    if (a->type == PL_NODE_SCALAR)
        return strcmp(a->text, b->text) == 0;
    for (size_t i = 0; i < a->len; i++) {
        if (a->type == PL_NODE_MAP && strcmp(a->items[i]->key, b->items[i]->key) != 0)
            return false;
        if (!pl_node_equal(a->items[i], b->items[i]))
            return false;
    }
    return true;
}

/* ---- Values ----------------------------------------------------------------- */

long long pl_node_int(const pl_node *n)
{
    assert(n && n->vkind == V_INT);
    return n->i;
}

double pl_node_real(const pl_node *n)
{
    assert(n && n->vkind == V_REAL);
    return n->r;
}

bool pl_node_bool(const pl_node *n)
{
    assert(n && n->vkind == V_BOOL);
    return n->b;
}

const char *pl_node_str(const pl_node *n)
{
    assert(n && n->vkind == V_STR && n->type == PL_NODE_SCALAR);
    return n->text;
}

const pl_dist *pl_node_dist(const pl_node *n)
{
    assert(n && (n->vkind == V_DIST || n->vkind == V_REAL));
    return &n->dist;
}

void pl_node_set_int(pl_node *n, long long v)
{
    n->vkind = V_INT;
    n->i = v;
}

void pl_node_set_real(pl_node *n, double v)
{
    n->vkind = V_REAL;
    n->r = v;
    n->dist = pl_dist_fixed(v);
}

void pl_node_set_bool(pl_node *n, bool v)
{
    n->vkind = V_BOOL;
    n->b = v;
}

void pl_node_set_str(pl_node *n)
{
    assert(n->type == PL_NODE_SCALAR);
    n->vkind = V_STR;
}

void pl_node_set_dist(pl_node *n, const pl_dist *dist)
{
    n->vkind = V_DIST;
    n->dist = *dist;
}

/* ---- Editing ---------------------------------------------------------------- */

pl_node *pl_node_new_map(const pl_loc *loc)
{
    return pl_node_new(PL_NODE_MAP, loc);
}

int pl_node_nomem(pl_diag *d)
{
    return pl_diag_set(d, PL_ENOMEM, "out of memory");
}

int pl_node_put(pl_node *map, const char *key, const pl_loc *key_loc, pl_node *value, pl_diag *d)
{
    assert(map->type == PL_NODE_MAP);
    for (size_t i = 0; i < map->len; i++) {
        if (strcmp(map->items[i]->key, key) == 0) {
            int rc = pl_node_replace(map, i, value, d);
            map->items[i]->key_loc = *key_loc;
            return rc;
        }
    }
    char *k = pl_node_dup_s(key);
    if (!k) {
        pl_node_destroy(value);
        return pl_node_nomem(d);
    }
    return pl_node_append(map, k, key_loc, value) == 0 ? 0 : pl_node_nomem(d);
}

int pl_node_replace(pl_node *n, size_t i, pl_node *value, pl_diag *d)
{
    assert(n->type != PL_NODE_SCALAR && i < n->len);
    pl_node *old = n->items[i];
    value->parent = n;
    value->index = i;
    value->key = old->key;
    value->key_loc = old->key_loc;
    old->key = NULL;
    n->items[i] = value;
    pl_node_destroy(old);
    pl_node_move_names(n, value);
    return fix_paths(value) == 0 ? 0 : pl_node_nomem(d);
}

/* Moves the ntaken entries of `taken` (each taken, with its key and key location) into
 * mapping n at position at, in their order, before the entries from `at` on. */
static int splice(pl_node *n, size_t at, pl_node **taken, size_t ntaken)
{
    if (ntaken == 0)
        return 0;
    if (n->len + ntaken > n->cap) {
        pl_node **items = realloc(n->items, (n->len + ntaken) * sizeof *items);
        if (!items) {
            for (size_t j = 0; j < ntaken; j++)
                pl_node_destroy(taken[j]);
            return PL_ENOMEM;
        }
        n->items = items;
        n->cap = n->len + ntaken;
    }
    memmove(n->items + at + ntaken, n->items + at, (n->len - at) * sizeof *n->items);
    memcpy(n->items + at, taken, ntaken * sizeof *taken);
    n->len += ntaken;
    for (size_t i = at; i < n->len; i++)
        n->items[i]->index = i;
    int rc = 0;
    for (size_t j = 0; j < ntaken && rc == 0; j++) {
        taken[j]->parent = n;
        rc = fix_paths(taken[j]);
    }
    return rc;
}

/* Gives map, at position at, the entries of base it lacks, taking them out of base;
 * where both hold a mapping under one key, those merge the same way. The keys of map
 * are hashed, so that merging is linear in the two mappings (60,000 keys took 31 s
 * comparing every pair); the result is the same as inserting base's entries one by one
 * at at, at + 1, and so on. */
static int merge_into(pl_node *map, size_t at, pl_node *base)
{
    pl_strmap mine_by_key;
    pl_node **taken = malloc((base->len ? base->len : 1) * sizeof *taken);
    if (!taken || pl_strmap_init(&mine_by_key, map->len) != 0) {
        free(taken);
        return PL_ENOMEM;
    }
    int rc = 0;
    for (size_t i = 0; i < map->len && rc == 0; i++)
        rc = pl_strmap_put(&mine_by_key, map->items[i]->key, map->items[i]);
    size_t ntaken = 0;
    for (size_t j = 0; j < base->len && rc == 0; j++) {
        pl_node *b = base->items[j];
        pl_node *mine = pl_strmap_get(&mine_by_key, b->key);
        if (mine && mine->type == PL_NODE_MAP && b->type == PL_NODE_MAP) {
            rc = merge_into(mine, mine->len, b);
        } else if (!mine) {
            base->items[j] = NULL;
            taken[ntaken++] = b;
        }
    }
    pl_strmap_fini(&mine_by_key);
    if (rc == 0)
        rc = splice(map, at, taken, ntaken);
    else
        for (size_t j = 0; j < ntaken; j++)
            pl_node_destroy(taken[j]);
    free(taken);
    return rc;
}

int pl_node_merge_base(pl_node *map, size_t i, pl_node *base, pl_diag *d)
{
    assert(map->type == PL_NODE_MAP && base->type == PL_NODE_MAP && i < map->len);
    pl_node_destroy(map->items[i]);
    memmove(map->items + i, map->items + i + 1, (map->len - i - 1) * sizeof *map->items);
    map->len--;
    for (size_t j = i; j < map->len; j++)
        map->items[j]->index = j;
    pl_node_move_names(map, base);
    int rc = merge_into(map, i, base);
    pl_node_destroy(base);
    return rc == 0 ? 0 : pl_node_nomem(d);
}

/* A copy of src and what is below it, for a parent that sets key, parent and index. */
static pl_node *copy_node(const pl_node *src)
{
    pl_node *n = pl_node_new(src->type, &src->loc);
    if (!n)
        return NULL;
    n->style = src->style;
    n->key_loc = src->key_loc;
    if (src->text && !(n->text = pl_node_dup_s(src->text))) {
        pl_node_destroy(n);
        return NULL;
    }
    if (src->len && !(n->items = malloc(src->len * sizeof *n->items))) {
        pl_node_destroy(n);
        return NULL;
    }
    n->cap = src->len;
    for (size_t i = 0; i < src->len; i++) {
        const pl_node *from = src->items[i];
        pl_node *item = copy_node(from);
        if (!item || (from->key && !(item->key = pl_node_dup_s(from->key)))) {
            pl_node_destroy(item);
            pl_node_destroy(n);
            return NULL;
        }
        item->parent = n;
        item->index = i;
        n->items[n->len++] = item;
    }
    return n;
}

pl_node *pl_node_copy(const pl_node *src)
{
    pl_node *n = copy_node(src);
    if (n && fix_paths(n) != 0) {
        pl_node_destroy(n);
        return NULL;
    }
    return n;
}

void pl_node_drop_last(pl_node *n)
{
    assert(n->type != PL_NODE_SCALAR && n->len > 0);
    pl_node_destroy(n->items[--n->len]);
}
