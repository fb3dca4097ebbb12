/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * keypath.h — key paths as users and models write them: "dispatch.threads.launch",
 * "dispatch.ops[2].kernel", "dispatch.ops.2.kernel".
 *
 * A parsed path is a list of parts, each a name or a list index, pointing into the
 * text it was parsed from (borrowed), with the byte offset of each part so that an
 * error can point at it.
 */
#ifndef PL_KEYPATH_H
#define PL_KEYPATH_H

#include <stddef.h>

#define PL_KEYPATH_MAX 64

typedef struct pl_keypath_part {
    const char *name; /* the part as written, not NUL-terminated; "2" for "[2]" */
    size_t len;
    long long index; /* the item number for "[2]" or an all-digit name; -1 otherwise */
    int bracket;     /* written as "[N]": an item number and nothing else */
    size_t offset;   /* byte offset of the part in the text */
} pl_keypath_part;

typedef struct pl_keypath {
    size_t n;
    pl_keypath_part part[PL_KEYPATH_MAX];
} pl_keypath;

/* Parses the len bytes of text. Fails with PL_EUSAGE (an empty name, a bad or unclosed
 * "[N]", more than PL_KEYPATH_MAX parts), storing the byte offset of the offending
 * character in *bad and a phrase saying what was expected in why. */
int pl_keypath_parse(const char *text, size_t len, pl_keypath *out, size_t *bad, char *why,
                     size_t why_len);

/* The canonical spelling of the key path in text, so that two spellings of one key compare
 * equal: names joined by '.', item numbers as "[N]" in decimal without leading zeros,
 * whichever way they were written ("ops.0", "ops[0]" and "ops[00]" are all "ops[0]"; a part
 * of digits only is always an item number, since no key of the schema or name a user
 * chooses is all digits). Writes it into out (len bytes; 2 * strlen(text) + 1 always
 * suffice) and returns 0; fails as pl_keypath_parse does, or with PL_EUSAGE and the phrase
 * "key path too long" when out is too small. */
int pl_keypath_canonical(const char *text, char *out, size_t len, size_t *bad, char *why,
                         size_t why_len);

/* Whether the part is the name `name`. */
int pl_keypath_is(const pl_keypath_part *p, const char *name);

#endif
