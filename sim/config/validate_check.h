/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * validate_check.h — what the files of the validator share: the context of one
 * walk over a tree and its schema, and the checks and phrases each file offers
 * the others. Only sim/config/validate*.c include it: validate.c (the walk over
 * mappings and lists, defaults, required keys, sections), validate_scalar.c
 * (the phrases of messages; one scalar: numbers, booleans, choices, quantities
 * and clocks) and validate_dist.c (fixed and random quantities).
 *
 * A check takes the context first and node n (borrowed) with the key k it is
 * written under (borrowed); on success it stores the parsed value in n and
 * returns 0, on failure it returns PL_ECONFIG (or PL_ENOMEM) with one diagnostic
 * in c->d naming n's file, line, column and key path.
 */
#ifndef PL_VALIDATE_CHECK_H
#define PL_VALIDATE_CHECK_H

#include "sim/common/error.h"
#include "sim/config/keys.h"
#include "sim/config/node.h"

#include <stddef.h>

/* One walk: the tree being checked, its schema, and the model that decides which
 * section is checked. All borrowed. */
struct ctx {
    pl_node *root;
    const pl_key *schema;
    const char *model; /* the scenario's model, NULL when it names none */
    pl_diag *d;
};

/* The size of a buffer for one phrase of a message. */
#define PHRASE 512

/* ---- The walk (validate.c) ---------------------------------------------------- */

/* Checks n against k, whatever the type of k: a mapping, a list, a distribution or a
 * scalar. */
int pl_validate_check_value(struct ctx *c, pl_node *n, const pl_key *k);

/* ---- What a key expects, what a node holds (validate_scalar.c) ---------------- */

/* " > 0", " >= 0" or "", after the bound that flags set. */
const char *pl_validate_bound_phrase(unsigned flags);
/* "serial|pipelined" as "serial, pipelined". */
void pl_validate_list_choices(const char *choices, char *out, size_t len);
/* "a time > 0 with a unit (ns, us, ms or s)": what a QUANTITY or RANDOM key expects. */
void pl_validate_quantity_phrase(const pl_key *k, char *out, size_t len);
/* What key k expects, as a phrase that follows "expected". */
void pl_validate_expected(const pl_key *k, char *out, size_t len);
/* What a node holds, as a phrase that follows "got". */
void pl_validate_found(const pl_node *n, char *out, size_t len);
/* "expected <what key k expects>, got <what n holds><note>", at n: always PL_ECONFIG. */
int pl_validate_mismatch(struct ctx *c, const pl_node *n, const pl_key *k, const char *note);

/* ---- Scalars (validate_scalar.c) ---------------------------------------------- */

/* Whether v keeps the bound that flags set (PL_KEY_POSITIVE, PL_KEY_NONNEG). */
int pl_validate_in_bounds(double v, unsigned flags);
/* Whether text is one of the '|'-separated choices. */
int pl_validate_is_choice(const char *choices, const char *text);
/* text with each control character written as an escape ("\n", "\x1b"), cut to len. */
void pl_validate_escaped(const char *text, char *out, size_t len);
/* Refuses text (a scalar's, or a key's) when it holds a control character, a byte below
 * 0x20 or 0x7f (but a line break or a tab when `what` is "text"), which would reach a
 * terminal, a report or a child's message raw: "expected <what> without control characters
 * ..., got 'a\nb' (byte 2 is 0x0a)", at loc and path. */
int pl_validate_no_control(struct ctx *c, const pl_loc *loc, const char *path, const char *text,
                           const char *what);
/* A string scalar under key k (NULL: an item of a list of names): a name or a title holds
 * no control character; free text (PL_KEY_TEXT) may hold line breaks and tabs. */
int pl_validate_check_string(struct ctx *c, pl_node *n, const pl_key *k);
/* Checks of a scalar n under key k of the type they are named after. */
int pl_validate_check_int(struct ctx *c, pl_node *n, const pl_key *k);
int pl_validate_check_real(struct ctx *c, pl_node *n, const pl_key *k);
int pl_validate_check_bool(struct ctx *c, pl_node *n, const pl_key *k);
int pl_validate_check_enum(struct ctx *c, pl_node *n, const pl_key *k);
int pl_validate_check_quantity(struct ctx *c, pl_node *n, const pl_key *k);
/* Parses a quantity of key k's kind written in scalar n, into SI units. A time in cycles
 * is converted at the frequency of the key's clock, which is checked first. */
int pl_validate_parse_quantity(struct ctx *c, const pl_node *n, const pl_key *k, double *out);

/* ---- Distributions (validate_dist.c) ------------------------------------------ */

/* A RANDOM key: a quantity (stored as a fixed dist) or a mapping {dist: KIND, ...} of
 * the kind's parameters. */
int pl_validate_check_random(struct ctx *c, pl_node *n, const pl_key *k);

#endif
