/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * validate_scalar.c — checking one scalar against its key: integers, reals,
 * booleans, choices, quantities with units and times in cycles of a clock; and
 * the phrases the validator's messages are made of, what a key expects and what
 * a node holds.
 *
 * A check stores the parsed value in the node only once the whole text was
 * accepted, so a node carries a value only when its text is valid for its key.
 */
#include "sim/config/validate_check.h"

#include "sim/config/node_edit.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- What a key expects, what a node holds ---------------------------------- */

const char *pl_validate_bound_phrase(unsigned flags)
{
    return (flags & PL_KEY_POSITIVE) ? " > 0" : (flags & PL_KEY_NONNEG) ? " >= 0" : "";
}

void pl_validate_list_choices(const char *choices, char *out, size_t len)
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

void pl_validate_quantity_phrase(const pl_key *k, char *out, size_t len)
{
    const char *units = pl_quantity_units(k->quantity);
    if (k->quantity == PL_Q_TIME && !k->clock)
        units = "ns, us, ms or s";
    snprintf(out, len, "a %s%s with a unit (%s)", pl_quantity_name(k->quantity),
             pl_validate_bound_phrase(k->flags), units);
}

void pl_validate_expected(const pl_key *k, char *out, size_t len)
{
    char buf[PHRASE];
    switch (k->type) {
    case PL_KEY_MAP:
        if (k->flags & PL_KEY_NAMED) {
            char each[PHRASE / 2];
            pl_validate_expected(&k->children[0], each, sizeof each);
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
        snprintf(out, len, "an integer%s%s", pl_validate_bound_phrase(k->flags),
                 (k->flags & PL_KEY_UNBOUNDED) ? " or 'unbounded'" : "");
        break;
    case PL_KEY_REAL:
        snprintf(out, len, "a number%s", pl_validate_bound_phrase(k->flags));
        break;
    case PL_KEY_BOOL:
        snprintf(out, len, "true or false");
        break;
    case PL_KEY_STRING:
        snprintf(out, len, "a string");
        break;
    case PL_KEY_ENUM:
        pl_validate_list_choices(k->choices ? k->choices : "", buf, sizeof buf);
        snprintf(out, len, "one of: %.400s", buf);
        break;
    case PL_KEY_QUANTITY:
        pl_validate_quantity_phrase(k, out, len);
        break;
    case PL_KEY_RANDOM:
        pl_validate_quantity_phrase(k, out, len);
        strncat(out, " or a distribution such as {dist: normal, mean: ..., sd: ...}",
                len - strlen(out) - 1);
        break;
    }
    if (k->flags & PL_KEY_PER_TYPE)
        strncat(out, ", or one per core type {big: ..., little: ...}", len - strlen(out) - 1);
    if (k->flags & PL_KEY_AUTO)
        strncat(out, ", or 'auto'", len - strlen(out) - 1);
}

void pl_validate_found(const pl_node *n, char *out, size_t len)
{
    switch (pl_node_type_of(n)) {
    case PL_NODE_MAP:
        snprintf(out, len, "a mapping");
        break;
    case PL_NODE_SEQ:
        snprintf(out, len, "a list");
        break;
    default: {
        char shown[PHRASE - 2]; /* room for the quotes in a PHRASE */
        pl_validate_escaped(pl_node_text(n), shown, sizeof shown);
        snprintf(out, len, "'%s'", shown);
        break;
    }
    }
}

int pl_validate_mismatch(struct ctx *c, const pl_node *n, const pl_key *k, const char *note)
{
    char want[PHRASE], got[PHRASE];
    pl_validate_expected(k, want, sizeof want);
    pl_validate_found(n, got, sizeof got);
    /* A list of choices ends in commas of its own; a semicolon keeps "got" apart. */
    const char *sep = k->type == PL_KEY_ENUM ? ";" : ",";
    return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n), "expected %s%s got %s%s",
                      want, sep, got, note);
}

/* ---- Scalars ---------------------------------------------------------------- */

/* The magnitudes other than 0 that a number (PL_KEY_REAL) may have. */
#define PL_REAL_MIN 1e-15
#define PL_REAL_MAX 1e18

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

int pl_validate_in_bounds(double v, unsigned flags)
{
    if (flags & PL_KEY_POSITIVE)
        return v > 0;
    if (flags & PL_KEY_NONNEG)
        return v >= 0;
    return 1;
}

int pl_validate_check_int(struct ctx *c, pl_node *n, const pl_key *k)
{
    const char *text = pl_node_text(n);
    if ((k->flags & PL_KEY_UNBOUNDED) && strcmp(text, "unbounded") == 0) {
        pl_node_set_int(n, PL_UNBOUNDED);
        return 0;
    }
    if (!is_integer(text))
        return pl_validate_mismatch(c, n, k, "");
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno == ERANGE)
        return pl_validate_mismatch(c, n, k, " (out of range)");
    if (!pl_validate_in_bounds((double)v, k->flags))
        return pl_validate_mismatch(c, n, k, "");
    if (v > PL_KEY_INT_MAX && !(k->flags & PL_KEY_WIDE))
        return pl_validate_mismatch(c, n, k,
                                    " (more than 2147483647, the largest count pipelab takes)");
    pl_node_set_int(n, v);
    return 0;
}

int pl_validate_check_real(struct ctx *c, pl_node *n, const pl_key *k)
{
    const char *text = pl_node_text(n);
    if (!is_decimal(text))
        return pl_validate_mismatch(c, n, k, "");
    errno = 0;
    double v = strtod(text, NULL);
    if (errno == ERANGE || !isfinite(v))
        return pl_validate_mismatch(c, n, k, " (out of range)");
    if (!pl_validate_in_bounds(v, k->flags))
        return pl_validate_mismatch(c, n, k, "");
    /* Numbers count flops or flops per cycle: with a quantity's limits (units.h), a count
     * over a rate or a clock stays finite. */
    if (v != 0 && !(fabs(v) >= PL_REAL_MIN && fabs(v) <= PL_REAL_MAX))
        return pl_validate_mismatch(c, n, k,
                                    " (out of range: a number is 0 or from 1e-15 to 1e18)");
    pl_node_set_real(n, v);
    return 0;
}

int pl_validate_check_bool(struct ctx *c, pl_node *n, const pl_key *k)
{
    const char *text = pl_node_text(n);
    if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
        return pl_validate_mismatch(c, n, k, "");
    pl_node_set_bool(n, text[0] == 't');
    return 0;
}

/* The first control character of text (a byte below 0x20, or 0x7f), or NULL; line breaks
 * and tabs are not counted in free text. */
static const char *control_char(const char *text, bool free_text)
{
    for (const char *p = text; *p; p++)
        if (((unsigned char)*p < 0x20 || *p == 0x7f) && !(free_text && (*p == '\n' || *p == '\t')))
            return p;
    return NULL;
}

void pl_validate_escaped(const char *text, char *out, size_t len)
{
    size_t n = 0;
    for (const char *p = text; *p && n + 5 < len; p++) {
        unsigned char ch = (unsigned char)*p;
        const char *named = ch == '\n' ? "\\n" : ch == '\t' ? "\\t" : ch == '\r' ? "\\r" : NULL;
        if (named)
            n += (size_t)snprintf(out + n, len - n, "%s", named);
        else if (ch < 0x20 || ch == 0x7f)
            n += (size_t)snprintf(out + n, len - n, "\\x%02x", ch);
        else
            out[n++] = (char)ch;
    }
    out[n] = '\0';
}

int pl_validate_no_control(struct ctx *c, const pl_loc *loc, const char *path, const char *text,
                           const char *what)
{
    const char *bad = control_char(text, strcmp(what, "text") == 0);
    if (!bad)
        return 0;
    char shown[PHRASE];
    pl_validate_escaped(text, shown, sizeof shown);
    return pl_diag_at(c->d, PL_ECONFIG, loc, *path ? path : NULL,
                      "expected %s without control characters (bytes below 0x20, or 0x7f), "
                      "got '%s' (byte %zu is 0x%02x)",
                      what, shown, (size_t)(bad - text) + 1, (unsigned char)*bad);
}

int pl_validate_check_string(struct ctx *c, pl_node *n, const pl_key *k)
{
    const char *what = k && (k->flags & PL_KEY_TEXT) ? "text" : "a string";
    int rc = pl_validate_no_control(c, pl_node_loc(n), pl_node_path(n), pl_node_text(n), what);
    if (rc == 0)
        pl_node_set_str(n);
    return rc;
}

int pl_validate_is_choice(const char *choices, const char *text)
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

int pl_validate_check_enum(struct ctx *c, pl_node *n, const pl_key *k)
{
    if (!pl_validate_is_choice(k->choices, pl_node_text(n)))
        return pl_validate_mismatch(c, n, k, "");
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
        rc = pl_validate_check_value(c, cn, ck);
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

int pl_validate_parse_quantity(struct ctx *c, const pl_node *n, const pl_key *k, double *out)
{
    const char *text = pl_node_text(n);
    double hz = k->clock ? 0 : -1; /* -1: this key never counts cycles */
    int rc = pl_validate_no_control(c, pl_node_loc(n), pl_node_path(n), text, "a quantity");
    if (rc)
        return rc;
    if (k->quantity == PL_Q_TIME && pl_units_is_cycles(text)) {
        rc = clock_hz(c, n, k, &hz);
        if (rc)
            return rc;
    }
    char why[PHRASE];
    if (pl_units_parse(text, k->quantity, hz, out, why, sizeof why) != 0)
        return pl_diag_at(c->d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n), "expected %s", why);
    return 0;
}

int pl_validate_check_quantity(struct ctx *c, pl_node *n, const pl_key *k)
{
    double v;
    int rc = pl_validate_parse_quantity(c, n, k, &v);
    if (rc)
        return rc;
    if (!pl_validate_in_bounds(v, k->flags))
        return pl_validate_mismatch(c, n, k, "");
    pl_node_set_real(n, v);
    return 0;
}
