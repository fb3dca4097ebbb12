/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * strmap.h — a hash table from strings to pointers, for the configuration layer's
 * searches that must stay linear in the input: the keys of a mapping that a base file
 * merges into, the files already read by one load.
 *
 * The caller provides the storage (pl_strmap_init, pl_strmap_fini). Keys and values are
 * borrowed: a key must outlive its entry and stay unchanged.
 */
#ifndef PL_STRMAP_H
#define PL_STRMAP_H

#include <stddef.h>

typedef struct pl_strmap {
    const char **key; /* open addressing, at most half full; NULL marks a free slot */
    void **value;
    size_t cap, used;
} pl_strmap;

/* An empty map with room for `expect` entries before it grows. Fails with PL_ENOMEM,
 * leaving m empty (pl_strmap_fini is still allowed). */
int pl_strmap_init(pl_strmap *m, size_t expect);
void pl_strmap_fini(pl_strmap *m);

/* The value stored under key; NULL when there is none. */
void *pl_strmap_get(const pl_strmap *m, const char *key);

/* Stores value under key, replacing the value of an equal key. Fails with PL_ENOMEM,
 * leaving the map as it was. */
int pl_strmap_put(pl_strmap *m, const char *key, void *value);

#endif
