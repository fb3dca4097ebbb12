/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * validate.c — checking a document tree against the schema tables.
 *
 * One walk over tree and schema together. Every scalar it accepts gets its
 * parsed value stored in its node, and every absent key with a default gets a
 * node, so that after a successful walk getters are O(1) and never fail. The
 * first problem ends the walk with one diagnostic naming file, line, column,
 * key path, what was expected and what was found.
 */
#include "sim/config/validate.h"

#include <ctype.h>

#include "sim/config/keypath.h"
#include "sim/config/node_edit.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ctx {
    pl_node *root;
    const pl_key *schema;
    const char *model; /* the scenario's model, NULL when it names none */
    pl_diag *d;
};

#define PHRASE 512

static int check_value(struct ctx *c, pl_node *n, const pl_key *k);
static int check_map(struct ctx *c, pl_node *map, const pl_key *table, int at_root);

/* ---- What a key expects, what a node holds ---------------------------------- */

static const char *bound_phrase(unsigned flags)
{
    return (flags & PL_KEY_POSITIVE) ? " > 0" : (flags & PL_KEY_NONNEG) ? " >= 0" : "";
}

/* "serial|pipelined" as "serial, pipelined". */
static void list_choices(const char *choices, char *out, size_t len)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = choices; *p && n + 3 < len; p++) {
        if (*p == '|') {
            out[n++] = ',';
            out[n++] = ' ';
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

static void quantity_phrase(const pl_key *k, char *out, size_t len)
{
    const char *units = pl_quantity_units(k->quantity);
    if (k->quantity == PL_Q_TIME && !k->clock)
        units = "ns, us, ms or s";
    snprintf(out, len, "a %s%s with a unit (%s)", pl_quantity_name(k->quantity),
             bound_phrase(k->flags), units);
}

/* What key k expects, as a phrase that follows "expected". */
static void expected(const pl_key *k, char *out, size_t len)
{
    char buf[PHRASE];
    switch (k->type) {
    case PL_KEY_MAP:
        if (k->flags & PL_KEY_NAMED) {
            char each[PHRASE / 2];
            expected(&k->children[0], each, sizeof each);
            snprintf(out, len, "a mapping of names, each to %s", each);
        } else {
            snprintf(out, len, "a mapping");
        }
        break;
    case PL_KEY_INCLUDE:
        snprintf(out, len, "a mapping or the name of a YAML file");
        break;
    case PL_KEY_BASE:
        snprintf(out, len, "the name of a YAML file");
        break;
    case PL_KEY_LIST:
        snprintf(out, len, k->children ? "a list of mappings" : "a list of names");
        break;
    case PL_KEY_INT:
        snprintf(out, len, "an integer%s%s", bound_phrase(k->flags),
                 (k->flags & PL_KEY_UNBOUNDED) ? " or 'unbounded'" : "");
        break;
    case PL_KEY_REAL:
        snprintf(out, len, "a number%s", bound_phrase(k->flags));
        break;
    case PL_KEY_BOOL:
        snprintf(out, len, "true or false");
        break;
    case PL_KEY_STRING:
        snprintf(out, len, "a string");
        break;
    case PL_KEY_ENUM:
        list_choices(k->choices ? k->choices : "", buf, sizeof buf);
        snprintf(out, len, "one of: %.400s", buf);
        break;
    case PL_KEY_QUANTITY:
        quantity_phrase(k, out, len);
        break;
    case PL_KEY_RANDOM:
        quantity_phrase(k, out, len);
        strncat(out, " or a distribution such as {dist: normal, mean: ..., sd: ...}",
                len - strlen(out) - 1);
        break;
    }
    if (k->flags & PL_KEY_PER_TYPE)
        strncat(out, ", or one per core type {big: ..., little: ...}", len - strlen(out) - 1);
    if (k->flags & PL_KEY_AUTO)
        strncat(out, ", or 'auto'", len - strlen(out) - 1);
}

/* What a node holds, as a phrase that follows "got". */
static void found(const pl_node *n, char *out, size_t len)
{
    switch (pl_node_type_of(n)) {
    case PL_NODE_MAP:
        snprintf(out, len, "a mapping");
        break;
    case PL_NODE_SEQ:
        snprintf(out, len, "a list");
        break;
    default:
        snprintf(out, len, "'%s'", pl_node_text(n));
        break;
    }
}

/* "expected <what key k expects>, got <what n holds><note>", at n. */
static int mismatch(struct ctx *c, const pl_node *n, const pl_key *k, const char *note)
{
    char want[PHRASE], got[PHRASE];
    expected(k, want, sizeof want);
    found(n, got, sizeof got);
    /* A list of choices ends in commas of its own; a semicolon keeps "got" apart. */
    const char *sep = k->type == PL_KEY_ENUM ? ";" : ",";
    return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n), "expected %s%s got %s%s",
                      want, sep, got, note);
}

/* The path a key named `name` has in mapping `map`. */
static void child_path(const pl_node *map, const char *name, char *out, size_t len)
{
    const char *base = pl_node_path(map);
    snprintf(out, len, "%s%s%s", base, *base ? "." : "", name);
}

/* ---- Scalars ---------------------------------------------------------------- */

/* Whether text is [+-] digits and nothing else. */
static int is_integer(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (*s < '0' || *s > '9')
        return 0;
    while (*s >= '0' && *s <= '9')
        s++;
    return *s == '\0';
}

/* Whether text is a decimal number and nothing else: [+-] digits [. digits] [e [+-] digits],
 * which excludes what strtod also takes (hexadecimal, nan, inf, leading blanks). */
static int is_decimal(const char *s)
{
    size_t digits = 0;
    if (*s == '+' || *s == '-')
        s++;
    for (; *s >= '0' && *s <= '9'; s++)
        digits++;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            digits++;
    if (digits == 0)
        return 0;
    if (*s == 'e' || *s == 'E')
        return is_integer(s + 1);
    return *s == '\0';
}

static int in_bounds(double v, unsigned flags)
{
    if (flags & PL_KEY_POSITIVE)
        return v > 0;
    if (flags & PL_KEY_NONNEG)
        return v >= 0;
    return 1;
}

static int check_int(struct ctx *c, pl_node *n, const pl_key *k)
{
    const char *text = pl_node_text(n);
    if ((k->flags & PL_KEY_UNBOUNDED) && strcmp(text, "unbounded") == 0) {
        pl_node_set_int(n, PL_UNBOUNDED);
        return 0;
    }
    if (!is_integer(text))
        return mismatch(c, n, k, "");
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno == ERANGE)
        return mismatch(c, n, k, " (out of range)");
    if (!in_bounds((double)v, k->flags))
        return mismatch(c, n, k, "");
    if (v > PL_KEY_INT_MAX && !(k->flags & PL_KEY_WIDE))
        return mismatch(c, n, k, " (more than 2147483647, the largest count pipelab takes)");
    pl_node_set_int(n, v);
    return 0;
}

static int check_real(struct ctx *c, pl_node *n, const pl_key *k)
{
    const char *text = pl_node_text(n);
    if (!is_decimal(text))
        return mismatch(c, n, k, "");
    errno = 0;
    double v = strtod(text, NULL);
    if (errno == ERANGE || !isfinite(v))
        return mismatch(c, n, k, " (out of range)");
    if (!in_bounds(v, k->flags))
        return mismatch(c, n, k, "");
    pl_node_set_real(n, v);
    return 0;
}

static int check_bool(struct ctx *c, pl_node *n, const pl_key *k)
{
    const char *text = pl_node_text(n);
    if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
        return mismatch(c, n, k, "");
    pl_node_set_bool(n, text[0] == 't');
    return 0;
}

static int is_choice(const char *choices, const char *text)
{
    size_t len = strlen(text);
    for (const char *p = choices; p && *p;) {
        size_t n = strcspn(p, "|");
        if (n == len && memcmp(p, text, n) == 0)
            return 1;
        p += n + (p[n] == '|');
    }
    return 0;
}

static int check_enum(struct ctx *c, pl_node *n, const pl_key *k)
{
    if (!is_choice(k->choices, pl_node_text(n)))
        return mismatch(c, n, k, "");
    pl_node_set_str(n);
    return 0;
}

/* ---- Quantities and clocks -------------------------------------------------- */

/* The schema entry of the clock that key k counts cycles of. A clock that is not a
 * frequency key is a mistake in the schema, not in the input; it is still reported
 * rather than followed into a crash. */
static int clock_key(struct ctx *c, const pl_node *n, const pl_key *k, const pl_key **ck)
{
    if (!k->clock)
        return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                          "expected a time in ns, us, ms or s, got '%s' (this key has no clock "
                          "to count cycles of)",
                          pl_node_text(n));
    *ck = pl_keys_at(c->schema, k->clock);
    if (!*ck || (*ck)->type != PL_KEY_QUANTITY || (*ck)->quantity != PL_Q_FREQUENCY)
        return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                          "the schema says this key counts cycles of %s, which is not a "
                          "frequency key",
                          k->clock);
    return 0;
}

/* The frequency of the clock that key k counts cycles of, validating the clock where it
 * is written, or taking its default when it is not. `n` is the node written in cycles. */
static int clock_hz(struct ctx *c, const pl_node *n, const pl_key *k, double *hz)
{
    const pl_key *ck = NULL;
    int rc = clock_key(c, n, k, &ck);
    if (rc)
        return rc;
    pl_node *cn = pl_node_find_mut(c->root, k->clock);
    char why[PHRASE];
    *hz = 0;
    if (cn)
        rc = check_value(c, cn, ck);
    else if (!ck->deflt)
        return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                          "'%s' counts cycles of %s, which is not set; set %s (e.g. 1.5 GHz) "
                          "or write the time in ns, us, ms or s",
                          pl_node_text(n), k->clock, k->clock);
    if (rc)
        return rc;
    if (cn)
        *hz = pl_node_real(cn);
    else if (pl_units_parse(ck->deflt, PL_Q_FREQUENCY, 0, hz, why, sizeof why) != 0)
        *hz = 0; /* a default that does not parse is refused just below */
    if (!(*hz > 0))
        return pl_diag_at(c->d, PL_ECONFIG, cn ? pl_node_loc(cn) : pl_node_loc(n), k->clock,
                          "expected a frequency > 0 to count the cycles of '%s' (%s), got '%s'",
                          pl_node_path(n), pl_node_text(n), cn ? pl_node_text(cn) : ck->deflt);
    return 0;
}

/* Parses a quantity of key k's kind written in scalar n, into SI units. */
static int parse_quantity(struct ctx *c, const pl_node *n, const pl_key *k, double *out)
{
    const char *text = pl_node_text(n);
    double hz = k->clock ? 0 : -1; /* -1: this key never counts cycles */
    if (k->quantity == PL_Q_TIME && pl_units_is_cycles(text)) {
        int rc = clock_hz(c, n, k, &hz);
        if (rc)
            return rc;
    }
    char why[PHRASE];
    if (pl_units_parse(text, k->quantity, hz, out, why, sizeof why) != 0)
        return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n), "expected %s", why);
    return 0;
}

static int check_quantity(struct ctx *c, pl_node *n, const pl_key *k)
{
    double v;
    int rc = parse_quantity(c, n, k, &v);
    if (rc)
        return rc;
    if (!in_bounds(v, k->flags))
        return mismatch(c, n, k, "");
    pl_node_set_real(n, v);
    return 0;
}

/* ---- Distributions ---------------------------------------------------------- */

static const char *const dist_params[] = {
#define PL_DIST_PARAMS(name, spelling, params) params,
    PL_DISTS(PL_DIST_PARAMS)
#undef PL_DIST_PARAMS
};

/* "fixed, normal, ... or gamma", from PL_DISTS so that a new kind is named here too. */
static void dist_names(char *out, size_t len)
{
    size_t n = 0;
    out[0] = '\0';
    for (int k = 0; k < PL_DIST_KIND_COUNT && n < len; k++) {
        const char *sep = k == 0 ? "" : k + 1 == PL_DIST_KIND_COUNT ? " or " : ", ";
        n += (size_t)snprintf(out + n, len - n, "%s%s", sep, pl_dist_name((pl_dist_kind)k));
    }
}

/* Whether `name` is one of a ", "-separated list of parameter names. */
static int is_param(const char *params, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = params; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && memcmp(p, name, n) == 0)
            return 1;
        p += n;
        p += strspn(p, ", ");
    }
    return 0;
}

static int dist_kind(struct ctx *c, pl_node *map, int *kind)
{
    char names[PHRASE];
    dist_names(names, sizeof names);
    pl_node *dn = pl_node_get_mut(map, "dist");
    if (!dn)
        return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(map), pl_node_path(map),
                          "a distribution needs 'dist: NAME' (%s)", names);
    *kind = pl_node_type_of(dn) == PL_NODE_SCALAR ? pl_dist_kind_from_name(pl_node_text(dn)) : -1;
    if (*kind < 0) {
        char got[PHRASE];
        found(dn, got, sizeof got);
        return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(dn), pl_node_path(dn),
                          "expected a distribution: %s; got %s", names, got);
    }
    pl_node_set_str(dn);
    return 0;
}

/* Every key of a distribution mapping but `dist` must be a parameter of its kind. */
static int no_extra_params(struct ctx *c, const pl_node *map, int kind)
{
    for (size_t i = 0; i < pl_node_len(map); i++) {
        const char *name = pl_node_key(map, i);
        if (strcmp(name, "dist") == 0 || is_param(dist_params[kind], name))
            continue;
        const pl_node *p = pl_node_at(map, i);
        return pl_diag_at(c->d, PL_ECONFIG, pl_node_key_loc(p), pl_node_path(p),
                          "not a parameter of distribution '%s'; expected: dist, %s",
                          pl_dist_name((pl_dist_kind)kind), dist_params[kind]);
    }
    return 0;
}

/* Parses parameter `name` of a distribution of key k's quantity into *v. */
static int dist_param(struct ctx *c, pl_node *map, const pl_key *k, int kind, const char *name,
                      double *v)
{
    pl_node *p = pl_node_get_mut(map, name);
    if (!p)
        return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(map), pl_node_path(map),
                          "distribution '%s' needs '%s' (its parameters: %s)",
                          pl_dist_name((pl_dist_kind)kind), name, dist_params[kind]);
    if (pl_node_type_of(p) != PL_NODE_SCALAR) {
        char want[PHRASE], got[PHRASE];
        quantity_phrase(k, want, sizeof want);
        found(p, got, sizeof got);
        return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(p), pl_node_path(p), "expected %s, got %s",
                          want, got);
    }
    int rc = parse_quantity(c, p, k, v);
    if (rc == 0)
        pl_node_set_real(p, *v);
    return rc;
}

/* A parameter out of its range: "expected a mean > 0, got '0us'". */
static int bad_param(struct ctx *c, const pl_node *map, const char *name, const char *want)
{
    const pl_node *p = pl_node_get(map, name);
    return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(p), pl_node_path(p), "expected %s, got '%s'",
                      want, pl_node_text(p));
}

/* The ranges every distribution needs to be one (a positive mean, a spread >= 0,
 * 0 <= min < max), then the key's own bound on the first parameter: its fixed value,
 * mean or min. */
static int check_dist_ranges(struct ctx *c, const pl_node *map, const pl_key *k,
                             const pl_dist *dist, const char *a, const char *b)
{
    if (strcmp(a, "mean") == 0 && !(dist->a > 0))
        return bad_param(c, map, a, "a mean > 0");
    if (strcmp(a, "min") == 0 && !(dist->a >= 0))
        return bad_param(c, map, a, "a min >= 0");
    if (b && strcmp(b, "sd") == 0 && !(dist->b >= 0))
        return bad_param(c, map, b, "an sd >= 0");
    if (b && strcmp(b, "max") == 0 && !(dist->b > dist->a)) {
        char want[PHRASE];
        snprintf(want, sizeof want, "a max > min (%s)", pl_node_text(pl_node_get(map, a)));
        return bad_param(c, map, b, want);
    }
    if (!in_bounds(dist->a, k->flags)) {
        char want[PHRASE];
        snprintf(want, sizeof want, "a %s%s", a, bound_phrase(k->flags));
        return bad_param(c, map, a, want);
    }
    return 0;
}

static int check_dist_map(struct ctx *c, pl_node *map, const pl_key *k)
{
    int kind = -1, rc = dist_kind(c, map, &kind);
    if (!rc)
        rc = no_extra_params(c, map, kind);
    if (rc)
        return rc;
    /* The parameters are spelled once, in PL_DISTS: "mean, sd" gives a = mean, b = sd. */
    char a[64];
    snprintf(a, sizeof a, "%s", dist_params[kind]);
    char *b = strchr(a, ',');
    if (b) {
        *b = '\0';
        b += 2;
    }
    pl_dist dist = {(pl_dist_kind)kind, 0, 0};
    rc = dist_param(c, map, k, kind, a, &dist.a);
    if (!rc && b)
        rc = dist_param(c, map, k, kind, b, &dist.b);
    if (!rc)
        rc = check_dist_ranges(c, map, k, &dist, a, b);
    if (!rc)
        pl_node_set_dist(map, &dist);
    return rc;
}

static int check_random(struct ctx *c, pl_node *n, const pl_key *k)
{
    if (pl_node_type_of(n) == PL_NODE_MAP)
        return check_dist_map(c, n, k);
    if (pl_node_type_of(n) != PL_NODE_SCALAR)
        return mismatch(c, n, k, "");
    double v;
    int rc = parse_quantity(c, n, k, &v);
    if (rc)
        return rc;
    if (!in_bounds(v, k->flags))
        return mismatch(c, n, k, "");
    pl_dist dist = pl_dist_fixed(v);
    pl_node_set_dist(n, &dist);
    return 0;
}

/* ---- Mappings and lists ----------------------------------------------------- */

static int check_list(struct ctx *c, pl_node *n, const pl_key *k)
{
    if (pl_node_type_of(n) != PL_NODE_SEQ)
        return mismatch(c, n, k, "");
    for (size_t i = 0; i < pl_node_len(n); i++) {
        pl_node *item = pl_node_at_mut(n, i);
        bool names = !k->children; /* a list of names, or of mappings */
        if ((k->flags & PL_KEY_SHORT) && pl_node_type_of(item) == PL_NODE_SCALAR) {
            pl_node_set_str(item); /* the name of a mapping's first key */
            continue;
        }
        if (pl_node_type_of(item) != (names ? PL_NODE_SCALAR : PL_NODE_MAP)) {
            char got[PHRASE];
            found(item, got, sizeof got);
            return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(item), pl_node_path(item),
                              "expected %s (an item of %s), got %s",
                              names                        ? "a name"
                              : (k->flags & PL_KEY_SHORT) ? "a name or a mapping"
                                                           : "a mapping",
                              pl_node_path(n), got);
        }
        if (names) {
            pl_node_set_str(item);
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
        return mismatch(c, n, k, " (an empty mapping)");
    for (size_t i = 0; i < pl_node_len(n); i++) {
        pl_node *v = pl_node_at_mut(n, i);
        if (!is_choice(PL_CORE_TYPE_NAMES, pl_node_key(n, i))) {
            char names[PHRASE];
            list_choices(PL_CORE_TYPE_NAMES, names, sizeof names);
            return pl_diag_at(c->d, PL_ECONFIG, pl_node_key_loc(v), pl_node_path(v),
                              "not a core type; expected %s (one value per core type)%s", names,
                              k->type == PL_KEY_RANDOM ? ", or 'dist' for a distribution" : "");
        }
        int rc = check_value(c, v, &each);
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
        return mismatch(c, n, k, "");
    if (pl_node_len(n) == 0)
        return mismatch(c, n, k, " (an empty mapping)");
    for (size_t i = 0; i < pl_node_len(n); i++) {
        pl_node *v = pl_node_at_mut(n, i);
        if (!is_name(pl_node_key(n, i)))
            return pl_diag_at(c->d, PL_ECONFIG, pl_node_key_loc(v), pl_node_path(v),
                              "not a name; expected a letter or '_', then letters, digits, '_' "
                              "or '-'");
        int rc = check_value(c, v, &k->children[0]);
        if (rc)
            return rc;
    }
    return 0;
}

static int check_value(struct ctx *c, pl_node *n, const pl_key *k)
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
        return t == PL_NODE_MAP ? check_map(c, n, k->children, 0) : mismatch(c, n, k, "");
    case PL_KEY_LIST:
        return check_list(c, n, k);
    case PL_KEY_RANDOM:
        return check_random(c, n, k);
    default:
        break;
    }
    if (t != PL_NODE_SCALAR)
        return mismatch(c, n, k, "");
    switch (k->type) {
    case PL_KEY_INT:
        return check_int(c, n, k);
    case PL_KEY_REAL:
        return check_real(c, n, k);
    case PL_KEY_BOOL:
        return check_bool(c, n, k);
    case PL_KEY_ENUM:
        return check_enum(c, n, k);
    case PL_KEY_QUANTITY:
        return check_quantity(c, n, k);
    default:
        pl_node_set_str(n);
        return 0;
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
    char near[PHRASE], all[PHRASE], hint[PHRASE + 32] = "";
    const pl_key *k = pl_keys_nearest_in(table, name);
    if (k)
        child_path(map, k->name, near, sizeof near);
    if (k || pl_keys_nearest(c->schema, table, name, near, sizeof near))
        snprintf(hint, sizeof hint, " (did you mean '%s'?)", near);
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
    expected(k, want, sizeof want);
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
        rc = check_value(c, pl_node_get_mut(map, k->name), k);
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
        const pl_key *k = pl_keys_find(table, pl_node_key(map, i));
        if (!k)
            return unknown_key(c, map, table, i);
        if (at_root && (k->flags & PL_KEY_SECTION) && !selected(c, k))
            return other_section(c, n, k);
        int rc = check_value(c, n, k);
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
        if (k->flags & PL_KEY_REQUIRED)
            return missing(c, c->root, k);
        c->model = k->deflt;
        return 0;
    }
    int rc = check_value(c, n, k);
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
