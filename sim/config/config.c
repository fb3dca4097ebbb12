/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * config.c — loading a scenario: its file, the files it includes, the
 * command line's --set overrides, then validation and defaults.
 *
 * Invariant: a pl_config that exists has passed pl_validate, so every key in
 * its tree is in the schema, typed, in range and parsed, and every absent key
 * with a default has a node. Nothing here prints or exits; every failure is
 * one diagnostic and every path frees what it built.
 *
 * Each load is bounded by its input: every included file is read and parsed once
 * (a key that names it again gets a copy), a chain of files is cut at
 * PL_CONFIG_MAX_CHAIN before the next one is read, and the copies together hold
 * at most PL_CONFIG_MAX_INCLUDED bytes of files.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "sim/config/config.h"

#include "sim/config/node_edit.h"
#include "sim/config/override.h"
#include "sim/config/strmap.h"
#include "sim/config/validate.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct pl_config {
    char *file;
    pl_node *root;
    const pl_key *schema;
};

/* A file read by this load, resolved: kept unchanged, and copied for every key that names
 * it, so that each file is read and parsed once however many keys name it. */
struct read_file {
    struct read_file *next;
    char *key;     /* its canonical name, the directory it was named from, its keys' table */
    pl_node *tree; /* the mapping with its own includes resolved */
    size_t bytes;  /* its size and that of the included files below it, each inclusion */
    int height;    /* the files in the longest chain it starts, itself included */
};

/* What one pl_config_load has read. */
struct load {
    pl_strmap by_key; /* struct read_file by key */
    struct read_file *files;
    size_t included; /* bytes of the included files in the tree, each inclusion counted */
    int deepest;     /* the longest chain of files reached so far */
};

/* The files being read, innermost first: a file that includes (or starts from) one of
 * them would never end. `path` as it was opened, `real` its canonical name. */
struct chain {
    const char *path;
    char *real; /* NULL when the file cannot be found (reading it will say so) */
    const struct chain *up;
    int depth; /* files in the chain: 1 for the scenario */
    struct load *load;
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

/* Refuses a chain of files longer than PL_CONFIG_MAX_CHAIN: `link` is the file node n
 * names, and `height` the files in the longest chain it starts (0: not known yet, as it
 * has not been read). Checked before reading, so a chain of 50,000 files costs 64. */
static int check_depth(const struct chain *link, int height, const pl_node *n, pl_diag *d)
{
    int length = link->depth + (height > 0 ? height - 1 : 0);
    if (length <= PL_CONFIG_MAX_CHAIN)
        return 0;
    if (height == 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_key_loc(n), pl_node_path(n),
                          "expected at most %d files in a chain, each starting from or "
                          "including the next; '%s' would be file %d",
                          PL_CONFIG_MAX_CHAIN, link->path, length);
    return pl_diag_at(d, PL_ECONFIG, pl_node_key_loc(n), pl_node_path(n),
                      "expected at most %d files in a chain, each starting from or including "
                      "the next; '%s' starts a chain of %d, which makes %d here",
                      PL_CONFIG_MAX_CHAIN, link->path, height, length);
}

/* Counts `bytes` more of included files, refusing more than PL_CONFIG_MAX_INCLUDED in
 * all; checked before reading or copying them. */
static int count_bytes(struct load *load, size_t bytes, const char *path, const pl_node *n,
                       pl_diag *d)
{
    if (bytes > PL_CONFIG_MAX_INCLUDED - load->included)
        return pl_diag_at(d, PL_ECONFIG, pl_node_key_loc(n), pl_node_path(n),
                          "expected at most %zu bytes (16 MiB) of included files in all, a "
                          "file counting once for every key that names it; '%s' (%zu bytes) "
                          "makes %zu",
                          (size_t)PL_CONFIG_MAX_INCLUDED, path, bytes, load->included + bytes);
    load->included += bytes;
    return 0;
}

/* What a file is cached under: its canonical name, the canonical name of the directory
 * its own file names are relative to (a link elsewhere names other files), and the table
 * of its keys. NULL when out of memory or the file cannot be found. */
static char *cache_key(const char *real, const char *sub_dir, const pl_key *table)
{
    char *real_dir = realpath(*sub_dir ? sub_dir : ".", NULL);
    size_t len = strlen(real) + (real_dir ? strlen(real_dir) : 0) + 32;
    char *key = real_dir ? malloc(len) : NULL;
    if (key)
        snprintf(key, len, "%s\n%s\n%p", real, real_dir, (const void *)table);
    free(real_dir);
    return key;
}

/* Gives the caller a copy of a file read before, once the chain and the byte budget
 * allow it. */
static int copy_read(const struct read_file *f, const struct chain *link, const pl_node *n,
                     pl_node **out, pl_diag *d)
{
    struct load *load = link->load;
    int rc = check_depth(link, f->height, n, d);
    if (!rc)
        rc = count_bytes(load, f->bytes, link->path, n, d);
    if (rc)
        return rc;
    if (link->depth + f->height - 1 > load->deepest)
        load->deepest = link->depth + f->height - 1;
    *out = pl_node_copy(f->tree);
    return *out ? 0 : nomem(d);
}

/* Reads the file `link` names (node n names it, relative to the directory sub_dir is)
 * and resolves the includes in it, keeping it under key (taken) for the next keys that
 * name it; *out is a copy. */
static int read_new(const struct chain *link, const char *sub_dir, const pl_key *table, char *key,
                    const pl_node *n, pl_node **out, pl_diag *d)
{
    struct load *load = link->load;
    struct stat st;
    size_t size = stat(link->path, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0;
    struct read_file *f = calloc(1, sizeof *f);
    /* A file above the limit alone is refused by the parser, which says it is not one. */
    int rc = !f                              ? nomem(d)
             : size > PL_CONFIG_MAX_INCLUDED ? 0
                                             : count_bytes(load, size, link->path, n, d);
    if (!rc)
        rc = pl_node_parse_include(link->path, pl_node_key_loc(n), pl_node_path(n), &f->tree, d);
    size_t before = load->included;
    int deepest = load->deepest;
    load->deepest = link->depth;
    if (!rc)
        rc = resolve(f->tree, table, sub_dir, link, d);
    if (f) {
        f->key = key;
        f->bytes = size + (load->included - before);
        f->height = load->deepest - link->depth + 1;
        f->next = load->files;
        load->files = f;
    } else {
        free(key);
    }
    if (load->deepest < deepest)
        load->deepest = deepest;
    if (!rc && key && pl_strmap_put(&load->by_key, key, f) != 0)
        rc = nomem(d);
    if (!rc) {
        *out = pl_node_copy(f->tree);
        rc = *out ? 0 : nomem(d);
    }
    return rc;
}

/* Reads the mapping in the file named by node n (relative to dir), whose keys are
 * table's, and resolves the includes in it; *out is the result. A file read before by
 * this load is copied, not read again. */
static int read_included(const pl_node *n, const pl_key *table, const char *dir,
                         const struct chain *chain, pl_node **out, pl_diag *d)
{
    char *path = join_path(dir, pl_node_text(n));
    char *sub_dir = path ? dir_of(path) : NULL;
    struct chain link = {path, path ? realpath(path, NULL) : NULL, chain, chain->depth + 1,
                         chain->load};
    int rc = sub_dir ? check_cycle(chain, link.real, n, d) : nomem(d);
    char *key = !rc && link.real ? cache_key(link.real, sub_dir, table) : NULL;
    const struct read_file *f = key ? pl_strmap_get(&chain->load->by_key, key) : NULL;
    *out = NULL;
    if (!rc && f) {
        free(key);
        rc = copy_read(f, &link, n, out, d);
    } else if (!rc) {
        rc = check_depth(&link, 0, n, d);
        if (rc)
            free(key);
        else
            rc = read_new(&link, sub_dir, table, key, n, out, d);
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

/* ---- Loading ----------------------------------------------------------------- */

/* Applies one "key.path=value" to the tree, then reads the files it names: relative to
 * the working directory. */
static int apply_set(pl_config *c, const char *arg, const struct chain *chain, pl_diag *d)
{
    int rc = pl_override_apply(c->root, arg, d);
    return rc ? rc : resolve(c->root, c->schema, "", chain, d);
}

/* Frees what the load read, handing the file names its copies point to over to root
 * (when there is one). */
static void forget_files(struct load *load, pl_node *root)
{
    while (load->files) {
        struct read_file *f = load->files;
        load->files = f->next;
        if (root && f->tree)
            pl_node_move_names(root, f->tree);
        pl_node_destroy(f->tree);
        free(f->key);
        free(f);
    }
    pl_strmap_fini(&load->by_key);
}

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
    struct load load = {.deepest = 1};
    struct chain top = {path, realpath(path, NULL), NULL, 1, &load};
    int rc = pl_strmap_init(&load.by_key, 16) == 0 ? 0 : nomem(d);
    if (!rc)
        rc = pl_node_parse_file(path, true, &c->root, d);
    if (!rc)
        rc = resolve(c->root, root, dir, &top, d);
    for (size_t i = 0; !rc && i < nsets; i++)
        rc = apply_set(c, sets[i], &top, d);
    if (!rc)
        rc = pl_validate(c->root, root, d);
    forget_files(&load, c->root);
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
