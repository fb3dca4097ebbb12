/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * override.h — the command line's `--set key.path=value` applied to a scenario's tree,
 * before validation: config.c applies each argument in turn, then reads the files it
 * names and validates the whole tree.
 */
#ifndef PL_OVERRIDE_H
#define PL_OVERRIDE_H

#include "sim/common/error.h"
#include "sim/config/node.h"

/* Stores the value of arg, "key.path=value" (borrowed), at its key path below root, a
 * mapping: the value is YAML (a scalar or a flow mapping), validated later with the rest;
 * mappings on the path that do not exist are created; list items are addressed as
 * "dispatch.ops[2].kernel" or "dispatch.ops.2.kernel" and must exist. Fails with
 * PL_EUSAGE (no '=', a malformed path, an item that does not exist, an item number
 * applied to a mapping), PL_ECONFIG (a path through a value), PL_EPARSE (malformed YAML)
 * or PL_ENOMEM; the diagnostic's file is "--set 'ARG'", its line 1 and its column the
 * offending character's position in ARG. */
int pl_override_apply(pl_node *root, const char *arg, pl_diag *d);

#endif
