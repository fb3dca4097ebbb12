/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keys.c — looking keys up in the schema tables, suggesting the nearest valid
 * key for a misspelt one (the listing of `pipelab keys` is keys_list.c).
 *
 * Tables are static and may refer to themselves, so every walk here keeps a
 * record of the tables it has entered and never enters one twice: a walk ends
 * on any schema, however its tables point at each other.
 */
#include "sim/config/keys.h"

#include <stdio.h>
#include <string.h>

const pl_key *pl_keys_find(const pl_key *table, const char *name)
{
    for (const pl_key *k = table; k && k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

/* Whether the len bytes at s are all digits: an item number written ".2". */
static int all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return len > 0;
}

/* The entry named by the len bytes at name, which need not be NUL-terminated. */
static const pl_key *find_n(const pl_key *table, const char *name, size_t len)
{
    for (const pl_key *k = table; k && k->name; k++)
        if (strlen(k->name) == len && memcmp(k->name, name, len) == 0)
            return k;
    return NULL;
}

const pl_key *pl_keys_at(const pl_key *root, const char *path)
{
    const pl_key *table = root, *k = NULL;
    const char *p = path;
    for (;;) {
        size_t len = strcspn(p, ".[");
        int item = k && k->type == PL_KEY_LIST && all_digits(p, len);
        if (k && (k->flags & PL_KEY_NAMED) && len > 0) {
            k = table; /* any name: the one entry that says what each value is */
            table = k->children;
        } else if (!item) {
            k = find_n(table, p, len);
            if (!k)
                return NULL;
            table = k->children;
        }
        p += len;
        while (*p == '[') {
            p = strchr(p, ']');
            if (!p)
                return NULL;
            p++;
        }
        if (*p == '\0')
            return k;
        if (*p != '.')
            return NULL;
        p++;
    }
}

/* ---- Nearest key ------------------------------------------------------------ */

/* Names longer than this are not compared: no key is that long, so none is near. */
#define NAME_MAX_LEN 64

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Edit distance counting insertions, deletions, substitutions and swaps of two adjacent
 * letters (optimal string alignment), the usual typing mistakes. */
static size_t distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > NAME_MAX_LEN || m > NAME_MAX_LEN)
        return (size_t)-1;
    /* Three rolling rows of the usual table: i-2, i-1 and i. */
    size_t rows[3][NAME_MAX_LEN + 1];
    for (size_t j = 0; j <= m; j++)
        rows[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t *cur = rows[i % 3], *up = rows[(i - 1) % 3], *up2 = rows[(i + 1) % 3];
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            cur[j] = min3(up[j] + 1, cur[j - 1] + 1, up[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                up2[j - 2] + 1 < cur[j])
                cur[j] = up2[j - 2] + 1;
        }
    }
    return rows[n % 3][m];
}

/* How many mistakes still make a name "near": one for short names, a third of the
 * letters for longer ones, so that `ops` finds `ops` elsewhere but not `dma`. */
static size_t tolerance(const char *name)
{
    size_t t = strlen(name) / 3;
    return t < 1 ? 1 : t;
}

/* The entry of table nearest to name and its distance; NULL when the table is empty. */
static const pl_key *closest(const pl_key *table, const char *name, size_t *dist)
{
    const pl_key *best = NULL;
    *dist = (size_t)-1;
    for (const pl_key *k = table; k && k->name; k++) {
        size_t e = distance(name, k->name);
        if (e < *dist) {
            *dist = e;
            best = k;
        }
    }
    return best;
}

/* ---- Letters of other scripts -------------------------------------------------- */

/* Letters of other scripts that look like ASCII ones: what a keyboard layout or a copy from
 * a document slips into a key ("mоdel" with a Cyrillic о). */
static const struct lookalike {
    unsigned cp;
    char ascii;
} lookalikes[] = {
    {0x0430, 'a'}, {0x0435, 'e'}, {0x043E, 'o'}, {0x0440, 'p'}, {0x0441, 'c'}, {0x0443, 'y'},
    {0x0445, 'x'}, {0x0455, 's'}, {0x0456, 'i'}, {0x0458, 'j'}, {0x04BB, 'h'}, {0x0410, 'A'},
    {0x0412, 'B'}, {0x0415, 'E'}, {0x041A, 'K'}, {0x041C, 'M'}, {0x041D, 'H'}, {0x041E, 'O'},
    {0x0420, 'P'}, {0x0421, 'C'}, {0x0422, 'T'}, {0x0425, 'X'}, {0x03B1, 'a'}, {0x03B9, 'i'},
    {0x03BA, 'k'}, {0x03BD, 'v'}, {0x03BF, 'o'}, {0x03C1, 'p'}, {0x039F, 'O'}, {0x0391, 'A'},
    {0x0392, 'B'}, {0x0395, 'E'}, {0x0397, 'H'}, {0x0399, 'I'}, {0x039A, 'K'}, {0x039C, 'M'},
    {0x039D, 'N'}, {0x03A1, 'P'}, {0x03A4, 'T'}, {0x03A7, 'X'}, {0x2010, '-'}, {0x2011, '-'},
    {0x2212, '-'}, {0xFF3F, '_'},
};

/* The code point of the UTF-8 sequence at s and its length in bytes; a byte that starts no
 * valid sequence is its own code point, one byte long. */
static unsigned decode(const unsigned char *s, size_t *len)
{
    size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
    unsigned cp = n == 1 ? s[0] : s[0] & (0x3F >> (n - 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *len = 1;
            return s[0];
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *len = n;
    return cp;
}

static char lookalike_of(unsigned cp)
{
    for (size_t i = 0; i < sizeof lookalikes / sizeof lookalikes[0]; i++)
        if (lookalikes[i].cp == cp)
            return lookalikes[i].ascii;
    return '\0';
}

size_t pl_keys_first_non_ascii(const char *name, unsigned *cp, char *looks_like)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p >= 0x80) {
            size_t len;
            *cp = decode(p, &len);
            *looks_like = lookalike_of(*cp);
            return (size_t)(p - (const unsigned char *)name) + 1;
        }
    return 0;
}

void pl_keys_fold(const char *name, char *out, size_t len)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && n + 1 < len;) {
        size_t k = 1;
        char ascii = *p >= 0x80 ? lookalike_of(decode(p, &k)) : '\0';
        if (ascii) {
            out[n++] = ascii;
        } else {
            for (size_t i = 0; i < k && n + 1 < len; i++)
                out[n++] = (char)p[i];
        }
        p += k;
    }
    out[n] = '\0';
}

/* ---- Suggestions -------------------------------------------------------------- */

const pl_key *pl_keys_nearest_in(const pl_key *table, const char *name)
{
    char folded[256];
    pl_keys_fold(name, folded, sizeof folded);
    size_t e;
    const pl_key *k = closest(table, folded, &e);
    return k && e <= tolerance(folded) ? k : NULL;
}

/* Every table reachable from a root, each once, breadth first, with the path of the
 * mapping it describes ("" for the root, "dispatch.ops[]" for a list's items). Breadth
 * first gives each table its shortest path and makes suggestions prefer shallow keys. */
#define MAX_TABLES 64
#define PATH_LEN   256

struct reach {
    size_t n;
    const pl_key *table[MAX_TABLES];
    char path[MAX_TABLES][PATH_LEN];
};

static int reached(const struct reach *r, const pl_key *table)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->table[i] == table)
            return 1;
    return 0;
}

static void join(char *out, size_t len, const char *prefix, const char *name, const char *suffix)
{
    snprintf(out, len, "%s%s%s%s", prefix, *prefix ? "." : "", name, suffix);
}

static void reach_all(const pl_key *root, struct reach *r)
{
    r->n = 0;
    r->table[r->n] = root;
    r->path[r->n++][0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        for (const pl_key *k = r->table[i]; k->name; k++) {
            if (!k->children || reached(r, k->children) || r->n == MAX_TABLES)
                continue;
            r->table[r->n] = k->children;
            join(r->path[r->n++], PATH_LEN, r->path[i], k->name,
                 k->type == PL_KEY_LIST ? "[]" : "");
        }
    }
}

static const char *table_path(const struct reach *r, const pl_key *table)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->table[i] == table)
            return r->path[i];
    return "";
}

const char *pl_keys_nearest(const pl_key *root, const pl_key *table, const char *name, char *buf,
                            size_t len)
{
    static const size_t none = (size_t)-1;
    struct reach r;
    reach_all(root, &r);
    const pl_key *k = pl_keys_nearest_in(table, name);
    if (k) {
        join(buf, len, table_path(&r, table), k->name, "");
        return buf;
    }
    size_t best = none, where = 0;
    char folded[256];
    pl_keys_fold(name, folded, sizeof folded);
    for (size_t i = 0; i < r.n; i++) {
        size_t e;
        const pl_key *c = r.table[i] == table ? NULL : closest(r.table[i], folded, &e);
        if (c && e < best && e <= tolerance(folded)) {
            best = e;
            where = i;
            k = c;
        }
    }
    if (!k)
        return NULL;
    join(buf, len, r.path[where], k->name, "");
    return buf;
}

/* ---- Listing ---------------------------------------------------------------- */

static const char *const type_names[] = {
#define PL_KEY_TYPE_NAME(name, printed) printed,
    PL_KEY_TYPES(PL_KEY_TYPE_NAME)
#undef PL_KEY_TYPE_NAME
};

const char *pl_keys_type_name(pl_key_type t)
{
    return type_names[t];
}
