/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * strtab.c — string interning by open addressing (FNV-1a hash, linear probing). Invariant:
 * the table is at most half full, so every probe sequence ends at an empty slot.
 */
#include "sim/import/strtab.h"

#include "sim/common/error.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int same(const char *stored, const char *s, size_t len)
{
    return strncmp(stored, s, len) == 0 && stored[len] == '\0';
}

static int grow_index(pl_strtab *t)
{
    size_t nslots = t->nslots ? t->nslots * 2 : 1024;
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return PL_ENOMEM;
    for (size_t id = 0; id < t->n; id++) {
        size_t i = hash(t->strings[id], strlen(t->strings[id])) & (nslots - 1);
        while (slots[i])
            i = (i + 1) & (nslots - 1);
        slots[i] = (uint32_t)id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return 0;
}

int pl_strtab_intern(pl_strtab *t, const char *s, size_t len, uint32_t *id)
{
    if ((t->n + 1) * 2 > t->nslots && grow_index(t))
        return PL_ENOMEM;
    size_t i = hash(s, len) & (t->nslots - 1);
    for (; t->slots[i]; i = (i + 1) & (t->nslots - 1)) {
        if (same(t->strings[t->slots[i] - 1], s, len)) {
            *id = t->slots[i] - 1;
            return 0;
        }
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        char **strings = realloc(t->strings, cap * sizeof *strings);
        if (!strings)
            return PL_ENOMEM;
        t->strings = strings;
        t->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return PL_ENOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    t->strings[t->n] = copy;
    t->slots[i] = (uint32_t)t->n + 1;
    *id = (uint32_t)t->n++;
    return 0;
}

uint32_t pl_strtab_find(const pl_strtab *t, const char *s)
{
    if (!t->nslots)
        return UINT32_MAX;
    size_t len = strlen(s);
    for (size_t i = hash(s, len) & (t->nslots - 1); t->slots[i]; i = (i + 1) & (t->nslots - 1))
        if (same(t->strings[t->slots[i] - 1], s, len))
            return t->slots[i] - 1;
    return UINT32_MAX;
}

void pl_strtab_drop_index(pl_strtab *t)
{
    free(t->slots);
    t->slots = NULL;
    t->nslots = 0;
}

void pl_strtab_fini(pl_strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->strings[i]);
    free(t->strings);
    pl_strtab_drop_index(t);
    memset(t, 0, sizeof *t);
}
