/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keys.h — the schema of scenario and machine files: every key pipelab
 * accepts, its type, unit, default and a line of help.
 *
 * Schemas are static tables. A table is an array of pl_key ending with an
 * entry whose name is NULL. Mappings and lists point to the table of their
 * keys; a table may point to itself, so that repeated groups nest
 * (dispatch.ops[].ops[]...). The same tables drive validation, defaults,
 * `pipelab keys` and the nearest-key suggestion, so a key is spelled once.
 */
#ifndef PL_KEYS_H
#define PL_KEYS_H

#include "sim/common/units.h"

#include <stdio.h>

/* X(NAME, how `pipelab keys` prints the type) */
#define PL_KEY_TYPES(X)                                                                \
    X(MAP, "mapping")                                                              \
    X(LIST, "list")                                                                \
    X(INT, "integer")                                                              \
    X(REAL, "number")                                                              \
    X(BOOL, "boolean")                                                             \
    X(STRING, "string")                                                            \
    X(ENUM, "choice")                                                              \
    X(QUANTITY, "quantity")                                                        \
    X(RANDOM, "quantity or distribution")                                          \
    X(INCLUDE, "file or mapping")                                                  \
    X(BASE, "file")

typedef enum pl_key_type {
#define PL_KEY_TYPE_ENUM(name, printed) PL_KEY_##name,
    PL_KEY_TYPES(PL_KEY_TYPE_ENUM)
#undef PL_KEY_TYPE_ENUM
} pl_key_type;

enum pl_key_flags {
    PL_KEY_REQUIRED = 1 << 0,  /* absent is an error */
    PL_KEY_POSITIVE = 1 << 1,  /* numbers must be > 0 */
    PL_KEY_NONNEG = 1 << 2,    /* numbers must be >= 0 */
    PL_KEY_UNBOUNDED = 1 << 3, /* INT may also be written `unbounded` */
    PL_KEY_SECTION = 1 << 4,   /* a top-level MAP checked only when `model` equals its name;
                                  present under another model it is an error */
    PL_KEY_PER_TYPE = 1 << 5,  /* the value may also be a mapping {big: V, little: V} of the
                                  key's own type, one value per core type (PL_CORE_TYPES) */
    PL_KEY_AUTO = 1 << 6,      /* LIST may also be written `auto` (pipelab works it out) */
    PL_KEY_NAMED = 1 << 7,     /* MAP whose keys are names the user chooses (plan.units.dma);
                                  `children` has one entry, whose name is how `pipelab keys`
                                  writes such a name ("<class>") and whose type is every
                                  value's */
    PL_KEY_SHORT = 1 << 8,     /* LIST of mappings whose items may also be a bare name, short
                                  for a mapping of the children's first key to that name */
    PL_KEY_WIDE = 1 << 9,      /* INT may exceed PL_KEY_INT_MAX (a seed, not a count) */
    PL_KEY_TEXT = 1 << 10,     /* STRING of free text (a description): it may hold line
                                  breaks and tabs; any other STRING, a name, holds no byte
                                  below 0x20 and no 0x7f */
};

/* The largest INT a key takes unless it is PL_KEY_WIDE: every count (ops, threads,
 * cores, iterations, depths) fits in 32 bits, whatever a model does with it. */
#define PL_KEY_INT_MAX 2147483647LL

/* The core types a PL_KEY_PER_TYPE mapping may name, in order. */
#define PL_CORE_TYPE_NAMES "big|little"

typedef struct pl_key pl_key;
struct pl_key {
    const char *name;         /* NULL ends a table */
    pl_key_type type;
    pl_quantity quantity;     /* QUANTITY and RANDOM */
    unsigned flags;           /* pl_key_flags */
    const char *deflt;        /* the default as YAML text; NULL: none */
    const char *choices;      /* ENUM: "serial|pipelined" */
    const char *clock;        /* TIME: key path of the clock that `cycles` count, e.g.
                                 "machine.device.clock"; NULL: cycles are not allowed */
    const pl_key *children;   /* MAP, INCLUDE: its keys; LIST: the keys of each item, or
                                 NULL for a list of names (strings) */
    const char *help;         /* one line */
};

/* How `pipelab keys` names a type ("integer", "quantity or distribution"). */
const char *pl_keys_type_name(pl_key_type t);

/* The entry of `table` named `name`; NULL when there is none. */
const pl_key *pl_keys_find(const pl_key *table, const char *name);

/* The entry for a full key path such as "machine.device.clock" or "dispatch.ops[2].kernel";
 * item numbers of lists, written "[2]", "[]" or ".2", are passed over. NULL when the
 * schema has no such key. */
const pl_key *pl_keys_at(const pl_key *root, const char *path);

/* Where name stops being ASCII: the 1-based byte offset of its first character that is not
 * (0 when it is all ASCII), with that character's code point in *cp and the ASCII letter it
 * looks like in *looks_like ('o' for a Cyrillic or Greek o; '\0' when it looks like none). */
size_t pl_keys_first_non_ascii(const char *name, unsigned *cp, char *looks_like);

/* name with every letter of another script that looks like an ASCII one (Cyrillic and
 * Greek look-alikes, Unicode hyphens) written as that ASCII letter, into out (len bytes). */
void pl_keys_fold(const char *name, char *out, size_t len);

/* The entry of `table` nearest to `name` once folded (pl_keys_fold); NULL when none is
 * near. Near means at most max(1, strlen(name) / 3) typing mistakes away (a letter added,
 * dropped, changed, or two neighbours swapped). Callers that know the path of the mapping
 * that `table` describes (with its list indices) use this to suggest "dispatch.ops[3].kernel"
 * rather than the schema path that pl_keys_nearest writes. */
const pl_key *pl_keys_nearest_in(const pl_key *table, const char *name);

/* The valid key nearest to `name` (a single path component written in a mapping whose
 * keys are `table`), searching that table and, for a key that belongs elsewhere, every
 * table reachable from `root`. Writes the suggestion as a full key path into buf
 * ("dispatch.threads.launch") and returns buf, or returns NULL when nothing is near. */
const char *pl_keys_nearest(const pl_key *root, const pl_key *table, const char *name,
                            char *buf, size_t len);

#endif
