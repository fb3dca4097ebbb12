/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * validate_dist.c — checking a RANDOM key: a quantity, which becomes a fixed
 * distribution, or a mapping {dist: KIND, ...} whose parameters are those that
 * PL_DISTS names for the kind, each a quantity of the key's kind, within the
 * ranges that make the distribution one (a positive mean, a spread >= 0,
 * 0 <= min < max) and the key's own bound.
 *
 * The mapping's node gets the dist only once every parameter is read and in
 * range; its `dist` node is marked a choice, and each parameter's node gets its
 * value, as they are read.
 */
#include "sim/config/validate_check.h"

#include "sim/config/node_edit.h"

#include <stdio.h>
#include <string.h>

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
        pl_validate_found(dn, got, sizeof got);
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
        pl_validate_quantity_phrase(k, want, sizeof want);
        pl_validate_found(p, got, sizeof got);
        return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(p), pl_node_path(p), "expected %s, got %s",
                          want, got);
    }
    int rc = pl_validate_parse_quantity(c, p, k, v);
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
    if (!pl_validate_in_bounds(dist->a, k->flags)) {
        char want[PHRASE];
        snprintf(want, sizeof want, "a %s%s", a, pl_validate_bound_phrase(k->flags));
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

int pl_validate_check_random(struct ctx *c, pl_node *n, const pl_key *k)
{
    if (pl_node_type_of(n) == PL_NODE_MAP)
        return check_dist_map(c, n, k);
    if (pl_node_type_of(n) != PL_NODE_SCALAR)
        return pl_validate_mismatch(c, n, k, "");
    /* A plain quantity is a fixed distribution of that value. */
    int rc = pl_validate_check_quantity(c, n, k);
    if (rc == 0) {
        pl_dist dist = pl_dist_fixed(pl_node_real(n));
        pl_node_set_dist(n, &dist);
    }
    return rc;
}
