/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sweep_points.c — parsing --vary and numbering the cartesian product.
 *
 * Invariant: count is the product of every axis' n, at most PL_SWEEP_MAX_POINTS, and
 * each axis has at least one value, so point k decodes as mixed-radix digits with the
 * last axis as the lowest digit.
 */
#include "sim/study/sweep_points.h"

#include "models/model.h"
#include "sim/config/config.h"
#include "sim/config/keypath.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pl_sweep_points_init(pl_sweep_points *p)
{
    memset(p, 0, sizeof *p);
    p->count = 1;
}

static void axis_fini(pl_sweep_axis *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->values[i]);
    free(a->values);
    free(a->key);
    free(a->spelled);
}

void pl_sweep_points_fini(pl_sweep_points *p)
{
    for (size_t i = 0; i < p->naxes; i++)
        axis_fini(&p->axes[i]);
    free(p->axes);
    pl_sweep_points_init(p);
}

const char *pl_sweep_points_value(const pl_sweep_points *p, size_t k, size_t a)
{
    for (size_t i = p->naxes; i-- > a + 1;)
        k /= p->axes[i].n;
    return p->axes[a].values[k % p->axes[a].n];
}

/* Appends a copy of text to the axis's values, which grow by doubling: a range may have
 * millions. */
static int push(pl_sweep_axis *a, const char *text, size_t len)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 8;
        char **v = realloc(a->values, cap * sizeof *v);
        if (!v)
            return PL_ENOMEM;
        a->values = v;
        a->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return PL_ENOMEM;
    memcpy(copy, text, len);
    copy[len] = '\0';
    a->values[a->n++] = copy;
    return 0;
}

/* A list "v1,v2,...": commas split only outside braces and brackets. */
static int parse_list(pl_sweep_axis *a, const char *arg, const char *list, pl_diag *d)
{
    int depth = 0;
    const char *start = list;
    for (const char *c = list;; c++) {
        if (*c == '{' || *c == '[')
            depth++;
        else if ((*c == '}' || *c == ']') && depth > 0)
            depth--;
        if (*c != '\0' && (*c != ',' || depth > 0))
            continue;
        if (c == start)
            return pl_diag_set(d, PL_EUSAGE,
                               "--vary '%s': an empty value (expected key=v1,v2,... or "
                               "key=start:stop:step)",
                               arg);
        if (push(a, start, (size_t)(c - start)) != 0)
            return pl_diag_set(d, PL_ENOMEM, "out of memory");
        if (*c == '\0')
            return 0;
        start = c + 1;
    }
}

/* A number with a unit suffix, such as "2.5us"; false when it does not start with one. */
static bool split_number(const char *text, size_t len, double *x, char *unit, size_t ulen)
{
    char buf[128];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *end;
    *x = strtod(buf, &end);
    if (end == buf || !isfinite(*x))
        return false;
    while (*end == ' ')
        end++;
    snprintf(unit, ulen, "%s", end);
    return true;
}

/* A range "start:stop:step" with one unit suffix on all three (or on none). */
static int parse_range(pl_sweep_axis *a, const char *arg, const char *range, pl_diag *d)
{
    const char *c1 = strchr(range, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    double x[3];
    char unit[3][32];
    const char *part[3] = {range, c1 ? c1 + 1 : NULL, c2 ? c2 + 1 : NULL};
    size_t len[3] = {c1 ? (size_t)(c1 - range) : 0, c2 ? (size_t)(c2 - c1 - 1) : 0,
                     c2 ? strlen(c2 + 1) : 0};
    if (!c2 || strchr(c2 + 1, ':'))
        return pl_diag_set(d, PL_EUSAGE, "--vary '%s': a range is start:stop:step", arg);
    for (int i = 0; i < 3; i++)
        if (!split_number(part[i], len[i], &x[i], unit[i], sizeof unit[i]))
            return pl_diag_set(d, PL_EUSAGE,
                               "--vary '%s': start, stop and step must be numbers, with or "
                               "without a unit such as 2us",
                               arg);
    if (strcmp(unit[0], unit[1]) != 0 || strcmp(unit[0], unit[2]) != 0)
        return pl_diag_set(d, PL_EUSAGE,
                           "--vary '%s': start, stop and step take the same unit, got '%s', "
                           "'%s' and '%s'",
                           arg, unit[0], unit[1], unit[2]);
    double span = (x[1] - x[0]) / x[2];
    if (x[2] == 0 || span < -1e-9)
        return pl_diag_set(d, PL_EUSAGE,
                           "--vary '%s': the step must be non-zero and lead "
                           "from start to stop",
                           arg);
    double steps = floor(span + 1e-9);
    if (steps >= PL_SWEEP_MAX_POINTS)
        return pl_diag_set(d, PL_EUSAGE, "--vary '%s': more than %u values", arg,
                           PL_SWEEP_MAX_POINTS);
    for (size_t i = 0; i <= (size_t)steps; i++) {
        char v[64];
        int n = snprintf(v, sizeof v, "%.12g%s", x[0] + (double)i * x[2], unit[0]);
        if (push(a, v, (size_t)n) != 0)
            return pl_diag_set(d, PL_ENOMEM, "out of memory");
    }
    return 0;
}

static bool is_range(const char *v)
{
    return strchr(v, ':') && !strpbrk(v, "{[");
}

/* The axis's key, the len bytes of vary: as spelled, and in its canonical spelling. */
static int axis_key(pl_sweep_axis *a, const char *vary, size_t len, pl_diag *d)
{
    a->spelled = malloc(len + 1);
    a->key = malloc(2 * len + 1);
    if (!a->spelled || !a->key)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    memcpy(a->spelled, vary, len);
    a->spelled[len] = '\0';
    size_t bad = 0;
    char why[128];
    if (pl_keypath_canonical(a->spelled, a->key, 2 * len + 1, &bad, why, sizeof why) != 0)
        return pl_diag_set(d, PL_EUSAGE, "--vary '%s': %s at byte %zu of the key", vary, why,
                           bad + 1);
    return 0;
}

int pl_sweep_points_add(pl_sweep_points *p, const char *vary, pl_diag *d)
{
    const char *eq = strchr(vary, '=');
    if (!eq || eq == vary)
        return pl_diag_set(d, PL_EUSAGE,
                           "--vary '%s': expected key=v1,v2,... or key=start:stop:step", vary);
    pl_sweep_axis a = {0};
    int rc = axis_key(&a, vary, (size_t)(eq - vary), d);
    for (size_t i = 0; i < p->naxes && rc == 0; i++)
        if (strcmp(p->axes[i].key, a.key) == 0 && strcmp(p->axes[i].spelled, a.spelled) == 0)
            rc = pl_diag_set(d, PL_EUSAGE, "--vary '%s': %s is varied twice", vary, a.key);
        else if (strcmp(p->axes[i].key, a.key) == 0)
            rc = pl_diag_set(d, PL_EUSAGE,
                             "--vary '%s': %s is varied twice, as '%s' and as '%s', which name "
                             "one key",
                             vary, a.key, p->axes[i].spelled, a.spelled);
    a.range = is_range(eq + 1);
    if (rc == 0)
        rc = a.range ? parse_range(&a, vary, eq + 1, d) : parse_list(&a, vary, eq + 1, d);
    if (rc == 0 && (double)p->count * (double)a.n > PL_SWEEP_MAX_POINTS)
        rc = pl_diag_set(d, PL_EUSAGE, "the sweep would have more than %u points",
                         PL_SWEEP_MAX_POINTS);
    pl_sweep_axis *axes = rc == 0 ? realloc(p->axes, (p->naxes + 1) * sizeof *axes) : NULL;
    if (rc == 0 && !axes)
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (rc != 0) {
        axis_fini(&a);
        return rc;
    }
    p->axes = axes;
    p->axes[p->naxes++] = a;
    p->count *= a.n;
    return 0;
}

/* ---- Checking the values up front ------------------------------------------------ */

/* Loads the scenario with sets and `extra`; 0 or the load's error in d. */
static int try_load(const char *path, const char **sets, size_t nsets, const char *extra,
                    pl_diag *d)
{
    sets[nsets] = extra;
    pl_config *c = NULL;
    int rc = pl_config_load(path, sets, nsets + (extra != NULL), pl_scenario_keys, &c, d);
    pl_config_destroy(c);
    return rc;
}

/* Value v of axis a, loaded as one more override. */
static int check_value(const pl_sweep_axis *a, const char *v, const char *path, const char **sets,
                       size_t nsets, pl_diag *d)
{
    char *set = malloc(strlen(a->key) + strlen(v) + 2);
    if (!set)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    sprintf(set, "%s=%s", a->key, v);
    pl_diag why;
    pl_diag_init(&why);
    int rc = try_load(path, sets, nsets, set, &why);
    if (rc == PL_ENOMEM) {
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    } else if (rc != 0) {
        /* "--set 'K=V':1:24: key 'K': ..." says where in K=V; the --vary names the value. */
        const char *msg = why.msg;
        size_t n = strlen("--set '") + strlen(set) + strlen("':");
        if (strncmp(msg, "--set '", 7) == 0 && strncmp(msg + 7, set, strlen(set)) == 0 &&
            strstr(msg + n, ": "))
            msg = strstr(msg + n, ": ") + 2;
        size_t k = strlen(a->key);
        if (strncmp(msg, "key '", 5) == 0 && strncmp(msg + 5, a->key, k) == 0 &&
            strncmp(msg + 5 + k, "': ", 3) == 0)
            msg += 5 + k + 3;
        rc = pl_diag_set(d, PL_EUSAGE, "--vary '%s': value '%s': %s", a->spelled, v, msg);
    }
    free(set);
    return rc;
}

int pl_sweep_points_check(const pl_sweep_points *p, const char *path, const char *const *sets,
                          size_t nsets, pl_diag *d)
{
    if (p->naxes == 0)
        return 0;
    const char **all = calloc(nsets + 1, sizeof *all);
    if (!all)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    memcpy(all, sets, nsets * sizeof *all);
    pl_diag ignored;
    pl_diag_init(&ignored);
    int rc = 0;
    if (try_load(path, all, nsets, NULL, &ignored) == 0)
        for (size_t i = 0; i < p->naxes && rc == 0; i++) {
            const pl_sweep_axis *a = &p->axes[i];
            for (size_t k = 0; k < a->n && rc == 0; k++)
                if (!a->range || k == 0 || k + 1 == a->n)
                    rc = check_value(a, a->values[k], path, all, nsets, d);
        }
    free(all);
    return rc;
}
