/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sensitivity.h — which knob matters: each numeric key changed by ±delta, one
 * at a time, from the scenario as given, and the keys ranked by how much the
 * makespan moves (a tornado table).
 *
 * An integer key moves by at least 1. A random duration is scaled as a whole: its
 * mean and spread (or its bounds) by the same factor.
 */
#ifndef PL_SENSITIVITY_H
#define PL_SENSITIVITY_H

#include "sim/common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct pl_sensitivity_options {
    const char *scenario;
    const char *const *sets; /* borrowed; applied to every run */
    size_t nsets;
    const char *const *keys; /* key paths; borrowed */
    size_t nkeys;
    double delta; /* the relative change, in (0, 1) */
    int jobs;     /* children at a time, >= 1 */
} pl_sensitivity_options;

/*
 * Simulates the scenario and, for each key, the scenario with the key at (1 - delta) and
 * (1 + delta) times its value, each in its own child; prints the table ranked by swing
 * (text) or one JSON document. A change the scenario refuses (a thread count of 0, say)
 * is shown as such, not an error. Fails with the scenario's load failure, PL_EUSAGE (a key
 * the scenario does not have, or one that is not a number, a quantity or a duration;
 * the base run failing), PL_ECHILD, PL_EIO, PL_ENOMEM.
 */
int pl_sensitivity_run(const pl_sensitivity_options *o, bool json, FILE *out, pl_diag *d);

#endif
