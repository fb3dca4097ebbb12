/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keypath.c — splitting "a.b[2].c" into its parts.
 *
 * The grammar: path = part ('.' part | '[' digits ']')*, part = one or more
 * characters other than '.', '[' and ']'. Each parsed part points into the
 * caller's text; nothing is allocated, so a path can be parsed anywhere.
 */
#include "sim/config/keypath.h"

#include "sim/common/error.h"

#include <stdio.h>
#include <string.h>

/* Item numbers above this are not list indices anyone means; it also keeps the
 * arithmetic far from overflow. */
#define MAX_INDEX 999999999LL

static int fail(size_t at, const char *msg, size_t *bad, char *why, size_t why_len)
{
    *bad = at;
    snprintf(why, why_len, "%s", msg);
    return PL_EUSAGE;
}

/* The value of len digits, or -1 when they are not all digits or too many. */
static long long digits_value(const char *s, size_t len)
{
    if (len == 0 || len > 9)
        return -1;
    long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = 10 * v + (s[i] - '0');
    }
    return v <= MAX_INDEX ? v : -1;
}

static int add_part(pl_keypath *out, const char *text, size_t start, size_t end, int bracket)
{
    if (out->n == PL_KEYPATH_MAX)
        return -1;
    pl_keypath_part *p = &out->part[out->n++];
    p->name = text + start;
    p->len = end - start;
    p->index = digits_value(p->name, p->len);
    p->bracket = bracket;
    p->offset = start;
    return 0;
}

/* Parses "[digits]" at text[*i] (the '['), moving *i past the ']'. */
static int parse_index(const char *text, size_t len, size_t *i, pl_keypath *out, size_t *bad,
                       char *why, size_t why_len)
{
    size_t start = *i + 1, end = start;
    while (end < len && text[end] >= '0' && text[end] <= '9')
        end++;
    if (end == start || end >= len || text[end] != ']')
        return fail(end, "expected an item number and ']' after '['", bad, why, why_len);
    if (digits_value(text + start, end - start) < 0)
        return fail(start, "item number too large", bad, why, why_len);
    if (add_part(out, text, start, end, 1) != 0)
        return fail(start, "key path longer than 64 parts", bad, why, why_len);
    *i = end + 1;
    return 0;
}

int pl_keypath_parse(const char *text, size_t len, pl_keypath *out, size_t *bad, char *why,
                     size_t why_len)
{
    out->n = 0;
    size_t i = 0;
    for (;;) {
        size_t start = i;
        while (i < len && text[i] != '.' && text[i] != '[' && text[i] != ']')
            i++;
        if (i == start)
            return fail(i, "expected a key name", bad, why, why_len);
        if (add_part(out, text, start, i, 0) != 0)
            return fail(start, "key path longer than 64 parts", bad, why, why_len);
        while (i < len && text[i] == '[') {
            int rc = parse_index(text, len, &i, out, bad, why, why_len);
            if (rc)
                return rc;
        }
        if (i == len)
            return 0;
        if (text[i] != '.')
            return fail(i, "expected '.' or '[' between key names", bad, why, why_len);
        i++;
    }
}

int pl_keypath_is(const pl_keypath_part *p, const char *name)
{
    return !p->bracket && strlen(name) == p->len && memcmp(p->name, name, p->len) == 0;
}

int pl_keypath_canonical(const char *text, char *out, size_t len, size_t *bad, char *why,
                         size_t why_len)
{
    pl_keypath path;
    int rc = pl_keypath_parse(text, strlen(text), &path, bad, why, why_len);
    if (rc)
        return rc;
    size_t n = 0;
    for (size_t i = 0; i < path.n && n < len; i++) {
        const pl_keypath_part *p = &path.part[i];
        if (p->index >= 0 && i > 0) /* the first part names a key of the top mapping */
            n += (size_t)snprintf(out + n, len - n, "[%lld]", p->index);
        else
            n += (size_t)snprintf(out + n, len - n, "%s%.*s", i ? "." : "", (int)p->len, p->name);
    }
    if (n >= len)
        return fail(0, "key path too long", bad, why, why_len);
    return 0;
}
