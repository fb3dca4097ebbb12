/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reps.h — one scenario replicated with R seeds, and what the replications say:
 * mean, standard deviation, 95 % confidence interval, minimum and maximum of the
 * makespan, throughput, speedup, efficiency, and each unit's utilization and
 * bubble time (`pipelab run --reps R`).
 */
#ifndef PL_REPS_H
#define PL_REPS_H

#include "sim/common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct pl_reps_options {
    const char *scenario;
    const char *const *sets; /* borrowed */
    size_t nsets;
    unsigned reps;           /* >= 1 */
    unsigned long long seed; /* the first seed, when seed_given; else the scenario's */
    bool seed_given;
    int jobs;    /* children at a time, >= 1 */
    bool advice; /* search each replication's verdict, and say which bottleneck each got */
} pl_reps_options;

/*
 * Simulates replications seed .. seed+reps-1, each in its own child, and prints the table
 * (text) or one JSON document to out. Fails with the scenario's load failure (checked once
 * first), PL_EDEADLOCK when some replications could not run (the table of the others and a
 * line per failure are printed first), PL_ECHILD, PL_EIO, PL_ENOMEM.
 */
int pl_reps_run(const pl_reps_options *o, bool json, FILE *out, pl_diag *d);

#endif
