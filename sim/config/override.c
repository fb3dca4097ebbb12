/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * override.c — a --set argument applied to a scenario's tree: the key path walked (or
 * created, for mappings), the value parsed as YAML and stored at its end.
 *
 * Invariant: an argument changes the tree only once it is known to be good, so a
 * refused one leaves the tree as it was, except for mappings created on the way and the
 * argument's name, which the tree owns for its locations.
 */
#include "sim/config/override.h"

#include "sim/config/keypath.h"
#include "sim/config/node_edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nomem(pl_diag *d)
{
    return pl_diag_set(d, PL_ENOMEM, "out of memory");
}

/* One --set argument being applied. */
struct set {
    const char *arg;  /* "key.path=value", borrowed */
    const char *file; /* "--set 'ARG'", owned by the tree */
    pl_keypath kp;
    pl_diag *d;
};

/* The 1-based column of byte `off` of the argument, counting characters. */
static int column(const char *text, size_t off)
{
    int col = 1;
    for (size_t i = 0; i < off; i++)
        col += ((unsigned char)text[i] & 0xC0) != 0x80;
    return col;
}

static pl_loc set_loc(const struct set *s, size_t off)
{
    pl_loc loc = {s->file, 1, column(s->arg, off)};
    return loc;
}

/* The path named by parts [0, upto] of the argument, for messages: "dispatch.ops[5]". */
static void path_upto(const struct set *s, size_t upto, char *out, size_t len)
{
    const pl_keypath_part *p = &s->kp.part[upto];
    size_t end = p->offset + p->len + (p->bracket ? 1 : 0);
    snprintf(out, len, "%.*s", (int)end, s->arg);
}

/* The name of a node for messages about the path through it. */
static const char *shown(const pl_node *n)
{
    return *pl_node_path(n) ? pl_node_path(n) : "the top level";
}

/* Reports `msg` at part `part` of the argument, naming the path up to it. */
static int set_error(const struct set *s, int code, size_t part, const char *msg)
{
    char path[1024];
    path_upto(s, part, path, sizeof path);
    pl_loc loc = set_loc(s, s->kp.part[part].offset);
    return pl_diag_at(s->d, code, &loc, path, "%s", msg);
}

/* The i-th part applied to a sequence: an existing item. */
static int item_of(const struct set *s, pl_node *seq, size_t i, pl_node **next)
{
    const pl_keypath_part *p = &s->kp.part[i];
    char msg[1024];
    if (p->index < 0) {
        snprintf(msg, sizeof msg, "%s is a list; expected an item number, got '%.*s'", shown(seq),
                 (int)p->len, p->name);
        return set_error(s, PL_EUSAGE, i, msg);
    }
    if ((size_t)p->index >= pl_node_len(seq)) {
        snprintf(msg, sizeof msg, "no such item; %s has %zu item(s), numbered from 0", shown(seq),
                 pl_node_len(seq));
        return set_error(s, PL_EUSAGE, i, msg);
    }
    *next = pl_node_at_mut(seq, (size_t)p->index);
    return 0;
}

/* An item number applied to a mapping. */
static int not_a_list(const struct set *s, const pl_node *map, size_t i)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s is a mapping, not a list; expected a key name", shown(map));
    return set_error(s, PL_EUSAGE, i, msg);
}

/* The name of part i as a string; NULL when out of memory. */
static char *part_name(const struct set *s, size_t i)
{
    const pl_keypath_part *p = &s->kp.part[i];
    char *name = malloc(p->len + 1);
    if (name) {
        memcpy(name, p->name, p->len);
        name[p->len] = '\0';
    }
    return name;
}

/* Creates map[name] as an empty mapping located at part i, for a path that goes on. */
static int new_entry(const struct set *s, pl_node *map, const char *name, size_t i, pl_node **next)
{
    char msg[1024];
    if (s->kp.part[i + 1].bracket) {
        snprintf(msg, sizeof msg, "no such item; %s.%s is not set", shown(map), name);
        return set_error(s, PL_EUSAGE, i + 1, msg);
    }
    pl_loc loc = set_loc(s, s->kp.part[i].offset);
    pl_node *m = pl_node_new_map(&loc);
    int rc = m ? pl_node_put(map, name, &loc, m, s->d) : nomem(s->d);
    *next = rc ? NULL : pl_node_get_mut(map, name);
    return rc;
}

/* The i-th part applied to a mapping that is not the last: the value under that name,
 * created as an empty mapping when absent (and the next part is a name, not an item). */
static int entry_of(const struct set *s, pl_node *map, size_t i, pl_node **next)
{
    if (s->kp.part[i].bracket)
        return not_a_list(s, map, i);
    char *name = part_name(s, i);
    if (!name)
        return nomem(s->d);
    *next = pl_node_get_mut(map, name);
    int rc = *next ? 0 : new_entry(s, map, name, i, next);
    free(name);
    return rc;
}

/* A path that goes on through a value: a value has no keys. */
static int through_value(const struct set *s, const pl_node *n, size_t i)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s holds a value ('%s'), not a mapping or a list", shown(n),
             pl_node_text(n));
    return set_error(s, PL_ECONFIG, i, msg);
}

/* Follows parts [0, n-1) of the path from the root. */
static int walk(const struct set *s, pl_node *root, pl_node **parent)
{
    pl_node *n = root;
    for (size_t i = 0; i + 1 < s->kp.n; i++) {
        int rc;
        pl_node_type t = pl_node_type_of(n);
        if (t == PL_NODE_SCALAR)
            return through_value(s, n, i);
        rc = t == PL_NODE_SEQ ? item_of(s, n, i, &n) : entry_of(s, n, i, &n);
        if (rc)
            return rc;
    }
    *parent = n;
    return 0;
}

/* Stores value (taken) under the last part of the path, below parent. */
static int store(const struct set *s, pl_node *parent, pl_node *value)
{
    size_t last = s->kp.n - 1;
    pl_node_type t = pl_node_type_of(parent);
    pl_node *item;
    int rc;
    if (t == PL_NODE_SCALAR)
        rc = through_value(s, parent, last);
    else if (t == PL_NODE_SEQ)
        rc = item_of(s, parent, last, &item);
    else
        rc = s->kp.part[last].bracket ? not_a_list(s, parent, last) : 0;
    if (rc) {
        pl_node_destroy(value);
        return rc;
    }
    if (t == PL_NODE_SEQ)
        return pl_node_replace(parent, (size_t)s->kp.part[last].index, value, s->d);
    char *name = part_name(s, last);
    if (!name) {
        pl_node_destroy(value);
        return nomem(s->d);
    }
    pl_loc loc = set_loc(s, s->kp.part[last].offset);
    rc = pl_node_put(parent, name, &loc, value, s->d);
    free(name);
    return rc;
}

static int parse_set_path(struct set *s, size_t key_len)
{
    size_t bad;
    char why[256];
    if (pl_keypath_parse(s->arg, key_len, &s->kp, &bad, why, sizeof why) == 0)
        return 0;
    pl_loc loc = set_loc(s, bad);
    return pl_diag_at(s->d, PL_EUSAGE, &loc, NULL, "%s in the key path '%.*s'", why, (int)key_len,
                      s->arg);
}

int pl_override_apply(pl_node *root, const char *arg, pl_diag *d)
{
    size_t len = strlen(arg) + 16;
    char *origin = malloc(len);
    if (!origin)
        return nomem(d);
    snprintf(origin, len, "--set '%s'", arg);
    struct set s = {arg, pl_node_intern(root, origin), {0}, d};
    const char *eq = strchr(arg, '=');
    int rc = s.file ? 0 : nomem(d);
    if (!rc && !eq) {
        pl_loc loc = {s.file, 1, column(arg, strlen(arg))};
        rc = pl_diag_at(d, PL_EUSAGE, &loc, arg,
                        "expected KEY=VALUE (e.g. dispatch.threads.launch=2), got no '='");
    }
    if (!rc)
        rc = parse_set_path(&s, (size_t)(eq - arg));
    pl_node *value = NULL, *parent = NULL;
    if (!rc)
        rc = pl_node_parse_string(eq + 1, origin, column(arg, (size_t)(eq + 1 - arg)) - 1, &value,
                                  d);
    if (!rc)
        rc = walk(&s, root, &parent);
    if (!rc) {
        rc = store(&s, parent, value);
        value = NULL;
    }
    pl_node_destroy(value);
    free(origin);
    return rc;
}
