/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * validate.c — checking a document tree against the schema tables: the walk
 * over mappings and lists, with defaults, required keys, suggestions for unknown
 * keys and the rule that only the scenario's model has a section. The checks of
 * one value are in validate_scalar.c and validate_dist.c.
 *
 * One walk over tree and schema together. Every scalar it accepts gets its
 * parsed value stored in its node, and every absent key with a default gets a
 * node, so that after a successful walk getters are O(1) and never fail. The
 * first problem ends the walk with one diagnostic naming file, line, column,
 * key path, what was expected and what was found.
 */
#include "sim/config/validate.h"

#include "sim/config/node_edit.h"
#include "sim/config/validate_check.h"

#include <assert.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int check_map(struct ctx *c, pl_node *map, const pl_key *table, int at_root);

/* The path a key named `name` has in mapping `map`. */
static void child_path(const pl_node *map, const char *name, char *out, size_t len)
{
    const char *base = pl_node_path(map);
    snprintf(out, len, "%s%s%s", base, *base ? "." : "", name);
}

/* ---- Mappings and lists ----------------------------------------------------- */

static int check_list(struct ctx *c, pl_node *n, const pl_key *k)
{
    if (pl_node_type_of(n) != PL_NODE_SEQ)
        return pl_validate_mismatch(c, n, k, "");
    for (size_t i = 0; i < pl_node_len(n); i++) {
        pl_node *item = pl_node_at_mut(n, i);
        bool names = !k->children; /* a list of names, or of mappings */
        if ((k->flags & PL_KEY_SHORT) && pl_node_type_of(item) == PL_NODE_SCALAR) {
            /* the name of a mapping's first key */
            int rc = pl_validate_check_string(c, item, NULL);
            if (rc)
                return rc;
            continue;
        }
        if (pl_node_type_of(item) != (names ? PL_NODE_SCALAR : PL_NODE_MAP)) {
            char got[PHRASE];
            pl_validate_found(item, got, sizeof got);
            return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(item), pl_node_path(item),
                              "expected %s (an item of %s), got %s",
                              names                        ? "a name"
                              : (k->flags & PL_KEY_SHORT) ? "a name or a mapping"
                                                           : "a mapping",
                              pl_node_path(n), got);
        }
        if (names) {
            int rc = pl_validate_check_string(c, item, NULL);
            if (rc)
                return rc;
            continue;
        }
        int rc = check_map(c, item, k->children, 0);
        if (rc)
            return rc;
    }
    return 0;
}

/* A mapping {big: V, little: V}: each value checked as key k without the flag. */
static int check_per_type(struct ctx *c, pl_node *n, const pl_key *k)
{
    pl_key each = *k;
    each.flags &= ~(unsigned)PL_KEY_PER_TYPE;
    if (pl_node_len(n) == 0)
        return pl_validate_mismatch(c, n, k, " (an empty mapping)");
    for (size_t i = 0; i < pl_node_len(n); i++) {
        pl_node *v = pl_node_at_mut(n, i);
        if (!pl_validate_is_choice(PL_CORE_TYPE_NAMES, pl_node_key(n, i))) {
            char names[PHRASE];
            pl_validate_list_choices(PL_CORE_TYPE_NAMES, names, sizeof names);
            return pl_diag_at(c->d, PL_ECONFIG, pl_node_key_loc(v), pl_node_path(v),
                              "not a core type; expected %s (one value per core type)%s", names,
                              k->type == PL_KEY_RANDOM ? ", or 'dist' for a distribution" : "");
        }
        int rc = pl_validate_check_value(c, v, &each);
        if (rc)
            return rc;
    }
    return 0;
}

/* Whether text is a name: a letter or '_', then letters, digits, '_' and '-'. */
static bool is_name(const char *text)
{
    if (!(isalpha((unsigned char)text[0]) || text[0] == '_'))
        return false;
    for (const char *p = text; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-'))
            return false;
    return true;
}

/* A mapping of names the user chooses, each value checked as the table's one entry. */
static int check_named(struct ctx *c, pl_node *n, const pl_key *k)
{
    if (pl_node_type_of(n) != PL_NODE_MAP)
        return pl_validate_mismatch(c, n, k, "");
    if (pl_node_len(n) == 0)
        return pl_validate_mismatch(c, n, k, " (an empty mapping)");
    for (size_t i = 0; i < pl_node_len(n); i++) {
        pl_node *v = pl_node_at_mut(n, i);
        int rc = pl_validate_no_control(c, pl_node_key_loc(v), pl_node_path(n), pl_node_key(n, i),
                                        "a name");
        if (rc)
            return rc;
        if (!is_name(pl_node_key(n, i)))
            return pl_diag_at(c->d, PL_ECONFIG, pl_node_key_loc(v), pl_node_path(v),
                              "not a name; expected a letter or '_', then letters, digits, '_' "
                              "or '-'");
        rc = pl_validate_check_value(c, v, &k->children[0]);
        if (rc)
            return rc;
    }
    return 0;
}

int pl_validate_check_value(struct ctx *c, pl_node *n, const pl_key *k)
{
    pl_node_type t = pl_node_type_of(n);
    if (k->flags & PL_KEY_NAMED)
        return check_named(c, n, k);
    if ((k->flags & PL_KEY_PER_TYPE) && t == PL_NODE_MAP && !pl_node_get(n, "dist"))
        return check_per_type(c, n, k);
    if ((k->flags & PL_KEY_AUTO) && t == PL_NODE_SCALAR && strcmp(pl_node_text(n), "auto") == 0) {
        pl_node_set_str(n);
        return 0;
    }
    switch (k->type) {
    case PL_KEY_MAP:
    case PL_KEY_INCLUDE:
        return t == PL_NODE_MAP ? check_map(c, n, k->children, 0)
                                : pl_validate_mismatch(c, n, k, "");
    case PL_KEY_LIST:
        return check_list(c, n, k);
    case PL_KEY_RANDOM:
        return pl_validate_check_random(c, n, k);
    default:
        break;
    }
    if (t != PL_NODE_SCALAR)
        return pl_validate_mismatch(c, n, k, "");
    switch (k->type) {
    case PL_KEY_INT:
        return pl_validate_check_int(c, n, k);
    case PL_KEY_REAL:
        return pl_validate_check_real(c, n, k);
    case PL_KEY_BOOL:
        return pl_validate_check_bool(c, n, k);
    case PL_KEY_ENUM:
        return pl_validate_check_enum(c, n, k);
    case PL_KEY_QUANTITY:
        return pl_validate_check_quantity(c, n, k);
    default:
        return pl_validate_check_string(c, n, k);
    }
}

static void names_of(const pl_key *table, char *out, size_t len)
{
    size_t n = 0;
    out[0] = '\0';
    for (const pl_key *k = table; k && k->name && n < len; k++)
        n += (size_t)snprintf(out + n, len - n, "%s%s", k == table ? "" : ", ", k->name);
}

static int unknown_key(struct ctx *c, const pl_node *map, const pl_key *table, size_t i)
{
    const char *name = pl_node_key(map, i);
    const pl_node *n = pl_node_at(map, i);
    char near[PHRASE], all[PHRASE], script[96] = "";
    char hint[sizeof script + PHRASE + 32] = ""; /* " (" script "did you mean '" near "'?)" */
    const pl_key *k = pl_keys_nearest_in(table, name);
    if (k)
        child_path(map, k->name, near, sizeof near);
    /* A letter of another script that looks like an ASCII one is invisible in the key. */
    unsigned cp = 0;
    char like = '\0';
    size_t at = pl_keys_first_non_ascii(name, &cp, &like);
    if (at && like)
        snprintf(script, sizeof script, "not ASCII: U+%04X at byte %zu looks like '%c'; ", cp, at,
                 like);
    else if (at)
        snprintf(script, sizeof script, "not ASCII: U+%04X at byte %zu; ", cp, at);
    if (k || pl_keys_nearest(c->schema, table, name, near, sizeof near))
        snprintf(hint, sizeof hint, " (%sdid you mean '%s'?)", script, near);
    else if (at)
        snprintf(hint, sizeof hint, " (%.*s)", (int)strlen(script) - 2, script);
    names_of(table, all, sizeof all);
    return pl_diag_at(c->d, PL_ECONFIG, pl_node_key_loc(n), pl_node_path(n),
                      "unknown key%s; expected one of: %s", hint, all);
}

static int selected(const struct ctx *c, const pl_key *k)
{
    return c->model && strcmp(c->model, k->name) == 0;
}

static int other_section(struct ctx *c, const pl_node *n, const pl_key *k)
{
    if (!c->model)
        return pl_diag_at(c->d, PL_ECONFIG, pl_node_key_loc(n), k->name,
                          "section '%s' belongs to model %s, but this scenario names no model",
                          k->name, k->name);
    return pl_diag_at(c->d, PL_ECONFIG, pl_node_key_loc(n), k->name,
                      "section '%s' belongs to model %s, but this scenario says model: %s", k->name,
                      k->name, c->model);
}

static int missing(struct ctx *c, const pl_node *map, const pl_key *k)
{
    char path[PHRASE], want[PHRASE];
    child_path(map, k->name, path, sizeof path);
    pl_validate_expected(k, want, sizeof want);
    return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(map), path,
                      "required key is missing; expected %s", want);
}

/* Inserts key k's default into map, located at the mapping, and validates it. */
static int insert_default(struct ctx *c, pl_node *map, const pl_key *k)
{
    pl_node *n;
    int rc = pl_node_parse_at(k->deflt, pl_node_loc(map), &n, c->d);
    assert(rc != PL_EPARSE); /* a default that is not YAML is a bug in the schema */
    if (!rc)
        rc = pl_node_put(map, k->name, pl_node_loc(map), n, c->d);
    if (!rc)
        rc = pl_validate_check_value(c, pl_node_get_mut(map, k->name), k);
    return rc;
}

/* An absent mapping holds defaults of its own: it is inserted empty and filled, and kept
 * only when something was filled in. */
static int insert_map(struct ctx *c, pl_node *map, const pl_key *k)
{
    pl_node *n = pl_node_new_map(pl_node_loc(map));
    if (!n)
        return pl_diag_set(c->d, PL_ENOMEM, "out of memory");
    int rc = pl_node_put(map, k->name, pl_node_loc(map), n, c->d);
    if (rc)
        return rc;
    n = pl_node_get_mut(map, k->name);
    rc = check_map(c, n, k->children, 0);
    if (!rc && pl_node_len(n) == 0)
        pl_node_drop_last(map);
    return rc;
}

/* Whether a table has a required key: a mapping of such keys (tile.gemm) is optional as
 * a whole, so when it is absent no defaults are filled into it. */
static bool has_required(const pl_key *table)
{
    for (const pl_key *k = table; k && k->name; k++)
        if (k->flags & PL_KEY_REQUIRED)
            return true;
    return false;
}

static int absent(struct ctx *c, pl_node *map, const pl_key *k, int at_root)
{
    if (at_root && (k->flags & PL_KEY_SECTION) && !selected(c, k))
        return 0;
    if (k->flags & PL_KEY_REQUIRED)
        return missing(c, map, k);
    if (k->deflt)
        return insert_default(c, map, k);
    /* An include is what the user names (a machine, a dispatch op's tile program): when
     * it is absent there is nothing to fill in. */
    if (k->type != PL_KEY_MAP)
        return 0;
    /* The selected model's section is checked even when absent; another optional mapping
     * with required keys is simply absent. */
    if ((k->flags & PL_KEY_SECTION) || !has_required(k->children))
        return insert_map(c, map, k);
    return 0;
}

static int check_map(struct ctx *c, pl_node *map, const pl_key *table, int at_root)
{
    size_t written = pl_node_len(map);
    for (size_t i = 0; i < written; i++) {
        pl_node *n = pl_node_at_mut(map, i);
        int rc = pl_validate_no_control(c, pl_node_key_loc(n), pl_node_path(map),
                                        pl_node_key(map, i), "a key");
        if (rc)
            return rc;
        const pl_key *k = pl_keys_find(table, pl_node_key(map, i));
        if (!k)
            return unknown_key(c, map, table, i);
        if (at_root && (k->flags & PL_KEY_SECTION) && !selected(c, k))
            return other_section(c, n, k);
        rc = pl_validate_check_value(c, n, k);
        if (rc)
            return rc;
    }
    for (const pl_key *k = table; k && k->name; k++) {
        if (pl_node_get(map, k->name))
            continue;
        int rc = absent(c, map, k, at_root);
        if (rc)
            return rc;
    }
    return 0;
}

/* The model comes first: it decides which section is checked, and a scenario that names
 * no model or a wrong one is best told so before anything else. */
static int find_model(struct ctx *c)
{
    const pl_key *k = pl_keys_find(c->schema, "model");
    if (!k)
        return 0;
    pl_node *n = pl_node_get_mut(c->root, "model");
    if (!n) {
        /* A misspelt model ("mоdel" with a Cyrillic о) is an unknown key first. */
        for (size_t i = 0; i < pl_node_len(c->root); i++) {
            const char *name = pl_node_key(c->root, i);
            int rc = pl_validate_no_control(c, pl_node_key_loc(pl_node_at(c->root, i)), "", name,
                                            "a key");
            if (rc)
                return rc;
            if (!pl_keys_find(c->schema, name))
                return unknown_key(c, c->root, c->schema, i);
        }
        if (k->flags & PL_KEY_REQUIRED)
            return missing(c, c->root, k);
        c->model = k->deflt;
        return 0;
    }
    int rc = pl_validate_check_value(c, n, k);
    if (!rc && pl_node_type_of(n) == PL_NODE_SCALAR)
        c->model = pl_node_text(n);
    return rc;
}

int pl_validate(pl_node *root, const pl_key *schema, pl_diag *d)
{
    assert(pl_node_type_of(root) == PL_NODE_MAP);
    struct ctx c = {root, schema, NULL, d};
    int rc = find_model(&c);
    return rc ? rc : check_map(&c, root, schema, 1);
}
