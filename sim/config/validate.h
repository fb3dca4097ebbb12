/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * validate.h — checking a document tree against the schema, storing the parsed
 * value of every scalar in it and inserting the defaults of absent keys.
 *
 * Used by config.c; models read validated trees through node.h.
 */
#ifndef PL_VALIDATE_H
#define PL_VALIDATE_H

#include "sim/common/error.h"
#include "sim/config/keys.h"
#include "sim/config/node.h"

/*
 * Validates root (a mapping) against the table `schema` and fills in defaults, so that
 * afterwards every key in the tree is known and every scalar carries its value.
 * Fails with PL_ECONFIG (unknown key, wrong type, missing unit, value out of range,
 * missing required key, a section of another model) or PL_ENOMEM; the tree is then
 * partly validated and fit only for pl_node_destroy.
 */
int pl_validate(pl_node *root, const pl_key *schema, pl_diag *d);

#endif
