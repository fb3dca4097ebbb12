/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * strmap.c — strings to pointers by open addressing with linear probing.
 *
 * Invariant: cap is 0 or a power of two, at most half the slots are used, and a key is
 * found by probing from its hash to the first free slot (nothing is ever removed, so no
 * slot between is free).
 */
#include "sim/config/strmap.h"

#include "sim/common/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a over the bytes of the string. */
static size_t hash(const char *s)
{
    uint64_t h = 0xCBF29CE484222325u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 0x100000001B3u;
    return (size_t)(h ^ (h >> 32));
}

/* The slot holding key, or the free slot where it would go. */
static size_t slot_of(const pl_strmap *m, const char *key)
{
    size_t i = hash(key) & (m->cap - 1);
    while (m->key[i] && strcmp(m->key[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

/* Makes the table cap slots (a power of two), moving every entry. */
static int resize(pl_strmap *m, size_t cap)
{
    pl_strmap bigger = {calloc(cap, sizeof *m->key), calloc(cap, sizeof *m->value), cap, 0};
    if (!bigger.key || !bigger.value) {
        pl_strmap_fini(&bigger);
        return PL_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (m->key[i]) {
            size_t at = slot_of(&bigger, m->key[i]);
            bigger.key[at] = m->key[i];
            bigger.value[at] = m->value[i];
            bigger.used++;
        }
    }
    pl_strmap_fini(m);
    *m = bigger;
    return 0;
}

/* The smallest power of two, at least 16, that holds n entries at most half full. */
static size_t cap_for(size_t n)
{
    size_t cap = 16;
    while (cap / 2 < n && cap < SIZE_MAX / 4)
        cap *= 2;
    return cap;
}

int pl_strmap_init(pl_strmap *m, size_t expect)
{
    memset(m, 0, sizeof *m);
    return resize(m, cap_for(expect));
}

void pl_strmap_fini(pl_strmap *m)
{
    free(m->key);
    free(m->value);
    memset(m, 0, sizeof *m);
}

void *pl_strmap_get(const pl_strmap *m, const char *key)
{
    if (m->cap == 0)
        return NULL;
    size_t at = slot_of(m, key);
    return m->key[at] ? m->value[at] : NULL;
}

int pl_strmap_put(pl_strmap *m, const char *key, void *value)
{
    if (2 * (m->used + 1) > m->cap && resize(m, cap_for(m->used + 1)) != 0)
        return PL_ENOMEM;
    size_t at = slot_of(m, key);
    if (!m->key[at]) {
        m->key[at] = key;
        m->used++;
    }
    m->value[at] = value;
    return 0;
}
