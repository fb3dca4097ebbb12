/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * config.c — loading a scenario: its file, the files it includes, the
 * command line's --set overrides, then validation and defaults.
 *
 * Invariant: a pl_config that exists has passed pl_validate, so every key in
 * its tree is in the schema, typed, in range and parsed, and every absent key
 * with a default has a node. Nothing here prints or exits; every failure is
 * one diagnostic and every path frees what it built.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "sim/config/config.h"

#include "sim/config/keypath.h"
#include "sim/config/node_edit.h"
#include "sim/config/validate.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct pl_config {
    char *file;
    pl_node *root;
    const pl_key *schema;
};

/* The files being read, innermost first: a file that includes (or starts from) one of
 * them would never end. `path` as it was opened, `real` its canonical name. */
struct chain {
    const char *path;
    char *real; /* NULL when the file cannot be found (reading it will say so) */
    const struct chain *up;
};

static int nomem(pl_diag *d)
{
    return pl_diag_set(d, PL_ENOMEM, "out of memory");
}

/* ---- Includes ---------------------------------------------------------------- */

/* dir (empty, or ending in '/') joined with a path; an absolute path stays as it is. */
static char *join_path(const char *dir, const char *path)
{
    if (path[0] == '/')
        dir = "";
    size_t len = strlen(dir) + strlen(path) + 1;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s%s", dir, path);
    return p;
}

/* The directory part of a path, ending in '/', or "" for a bare file name. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) + 1 : 0;
    char *dir = malloc(len + 1);
    if (dir) {
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    return dir;
}

/* Appends the paths of the chain from `from` (outermost) down to c, each followed by
 * " -> ", to out of capacity len holding *used characters. */
static void print_chain(const struct chain *c, const struct chain *from, char *out, size_t len,
                        size_t *used)
{
    if (c != from)
        print_chain(c->up, from, out, len, used);
    if (*used < len)
        *used += (size_t)snprintf(out + *used, len - *used, "%s -> ", c->path);
}

/* Refuses to read the file `real` (canonical) named by node n when the chain already
 * reads it, naming the files around the cycle in the order they name each other. */
static int check_cycle(const struct chain *chain, const char *real, const pl_node *n, pl_diag *d)
{
    const struct chain *again = chain;
    while (again && (!real || !again->real || strcmp(again->real, real) != 0))
        again = again->up;
    if (!again)
        return 0;
    char around[PL_DIAG_MAX / 2] = "";
    size_t used = 0;
    print_chain(chain, again, around, sizeof around, &used);
    return pl_diag_at(d, PL_ECONFIG, pl_node_key_loc(n), pl_node_path(n),
                      "the files name each other in a cycle: %s%s", around, again->path);
}

static int resolve(pl_node *map, const pl_key *table, const char *dir, const struct chain *chain,
                   pl_diag *d);

/* Reads the mapping in the file named by node n (relative to dir), whose keys are
 * table's, and resolves the includes in it; *out is the result. */
static int read_included(const pl_node *n, const pl_key *table, const char *dir,
                         const struct chain *chain, pl_node **out, pl_diag *d)
{
    char *path = join_path(dir, pl_node_text(n));
    char *sub_dir = path ? dir_of(path) : NULL;
    struct chain link = {path, path ? realpath(path, NULL) : NULL, chain};
    int rc = sub_dir ? check_cycle(chain, link.real, n, d) : nomem(d);
    *out = NULL;
    if (!rc)
        rc = pl_node_parse_include(path, pl_node_key_loc(n), pl_node_path(n), out, d);
    if (!rc)
        rc = resolve(*out, table, sub_dir, &link, d);
    if (rc) {
        pl_node_destroy(*out);
        *out = NULL;
    }
    free(link.real);
    free(path);
    free(sub_dir);
    return rc;
}
/* Replaces the i-th value of map, a file name written for an INCLUDE key k, by the
 * mapping in that file. */
static int include(pl_node *map, size_t i, const pl_key *k, const char *dir,
                   const struct chain *chain, pl_diag *d)
{
    pl_node *sub;
    int rc = read_included(pl_node_at(map, i), k->children, dir, chain, &sub, d);
    return rc ? rc : pl_node_replace(map, i, sub, d);
}

/* Replaces the i-th entry of map, a file name written for a BASE key, by the entries of
 * the mapping in that file (of the same table) that map does not set itself. */
static int start_from(pl_node *map, size_t i, const pl_key *table, const char *dir,
                      const struct chain *chain, pl_diag *d)
{
    const pl_node *n = pl_node_at(map, i);
    if (pl_node_type_of(n) != PL_NODE_SCALAR || !*pl_node_text(n))
        return pl_diag_at(d, PL_ECONFIG, pl_node_key_loc(n), pl_node_path(n),
                          "expected the name of a YAML file to start from");
    pl_node *base;
    int rc = read_included(n, table, dir, chain, &base, d);
    return rc ? rc : pl_node_merge_base(map, i, base, d);
}

static int resolve_value(pl_node *map, size_t i, const pl_key *k, const char *dir,
                         const struct chain *chain, pl_diag *d)
{
    pl_node *n = pl_node_at_mut(map, i);
    pl_node_type t = pl_node_type_of(n);
    if (k->type == PL_KEY_INCLUDE && t == PL_NODE_SCALAR && *pl_node_text(n))
        return include(map, i, k, dir, chain, d);
    if ((k->type == PL_KEY_MAP || k->type == PL_KEY_INCLUDE) && t == PL_NODE_MAP)
        return resolve(n, k->children, dir, chain, d);
    if (k->type != PL_KEY_LIST || t != PL_NODE_SEQ)
        return 0;
    for (size_t j = 0; j < pl_node_len(n); j++) {
        pl_node *item = pl_node_at_mut(n, j);
        int rc = pl_node_type_of(item) == PL_NODE_MAP ? resolve(item, k->children, dir, chain, d)
                                                      : 0;
        if (rc)
            return rc;
    }
    return 0;
}

/* Replaces every file name written for an INCLUDE key below map by the file's mapping,
 * and makes a mapping whose BASE key names a file start from it (first, so that the
 * file names map itself gives replace the base's). Keys the schema does not know are
 * left for validation to report. */
static int resolve(pl_node *map, const pl_key *table, const char *dir, const struct chain *chain,
                   pl_diag *d)
{
    for (size_t i = 0; i < pl_node_len(map); i++) {
        const pl_key *k = pl_keys_find(table, pl_node_key(map, i));
        if (k && k->type == PL_KEY_BASE) {
            int rc = start_from(map, i, table, dir, chain, d);
            if (rc)
                return rc;
            break; /* one base: a second `base` key is a duplicate the parser refused */
        }
    }
    for (size_t i = 0; i < pl_node_len(map); i++) {
        const pl_key *k = pl_keys_find(table, pl_node_key(map, i));
        int rc = k ? resolve_value(map, i, k, dir, chain, d) : 0;
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- --set ------------------------------------------------------------------- */

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

/* Applies one "key.path=value" to the tree. Values are YAML, validated later with the
 * rest; a file named for an include is read relative to the working directory. */
static int apply_set(pl_config *c, const char *arg, const struct chain *chain, pl_diag *d)
{
    size_t len = strlen(arg) + 16;
    char *origin = malloc(len);
    if (!origin)
        return nomem(d);
    snprintf(origin, len, "--set '%s'", arg);
    struct set s = {arg, pl_node_intern(c->root, origin), {0}, d};
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
        rc = walk(&s, c->root, &parent);
    if (!rc) {
        rc = store(&s, parent, value);
        value = NULL;
    }
    pl_node_destroy(value);
    free(origin);
    return rc ? rc : resolve(c->root, c->schema, "", chain, d);
}

/* ---- Loading ----------------------------------------------------------------- */

int pl_config_load(const char *path, const char *const *sets, size_t nsets, const pl_key *root,
                   pl_config **out, pl_diag *d)
{
    pl_config *c = calloc(1, sizeof *c);
    char *dir = dir_of(path);
    if (!c || !dir || !(c->file = malloc(strlen(path) + 1))) {
        free(dir);
        pl_config_destroy(c);
        return nomem(d);
    }
    memcpy(c->file, path, strlen(path) + 1);
    c->schema = root;
    struct chain top = {path, realpath(path, NULL), NULL};
    int rc = pl_node_parse_file(path, true, &c->root, d);
    if (!rc)
        rc = resolve(c->root, root, dir, &top, d);
    for (size_t i = 0; !rc && i < nsets; i++)
        rc = apply_set(c, sets[i], &top, d);
    if (!rc)
        rc = pl_validate(c->root, root, d);
    free(top.real);
    free(dir);
    if (rc) {
        pl_config_destroy(c);
        return rc;
    }
    *out = c;
    return 0;
}

void pl_config_destroy(pl_config *c)
{
    if (!c)
        return;
    pl_node_destroy(c->root);
    free(c->file);
    free(c);
}

/* ---- Queries ----------------------------------------------------------------- */

const char *pl_config_file(const pl_config *c)
{
    return c->file;
}

const pl_node *pl_config_root(const pl_config *c)
{
    return c->root;
}

const pl_node *pl_config_get(const pl_config *c, const char *path)
{
    return pl_node_find(c->root, path);
}

static const pl_node *must_get(const pl_config *c, const char *path)
{
    const pl_node *n = pl_config_get(c, path);
    assert(n && "the key is neither set nor defaulted: a schema or model bug");
    return n;
}

long long pl_config_int(const pl_config *c, const char *path)
{
    return pl_node_int(must_get(c, path));
}

double pl_config_real(const pl_config *c, const char *path)
{
    return pl_node_real(must_get(c, path));
}

bool pl_config_bool(const pl_config *c, const char *path)
{
    return pl_node_bool(must_get(c, path));
}

const char *pl_config_str(const pl_config *c, const char *path)
{
    return pl_node_str(must_get(c, path));
}

int pl_config_print(const pl_config *c, FILE *out, pl_diag *d)
{
    return pl_node_print(c->root, out, d);
}
