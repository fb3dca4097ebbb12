/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compare_reps.h — `pipelab compare --reps R`: two scenarios (or one with two groups of
 * overrides) each run with R seeds, paired by seed, and each figure's difference B - A
 * given with its 95 % Student-t confidence interval, so that a difference can be told from
 * the noise of random durations.
 */
#ifndef PL_COMPARE_REPS_H
#define PL_COMPARE_REPS_H

#include "sim/common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct pl_compare_reps_options {
    const char *scenario[2];    /* side A's and side B's scenario files */
    const char *const *sets[2]; /* each side's overrides, the common ones first; borrowed */
    size_t nsets[2];
    const char *label[2];    /* each side's own overrides as written, or NULL */
    unsigned reps;           /* replications a side, >= 1 */
    unsigned long long seed; /* the first seed, when seed_given; else side A's own */
    bool seed_given;
    int jobs; /* children at a time, >= 1 */
} pl_compare_reps_options;

/*
 * Runs side A and side B with seeds S, S + 1, ..., S + R - 1 (S: the given seed, else side
 * A's), both sides with the same seed in each pair, and prints for makespan, throughput,
 * speedup, bound and efficiency each side's mean and the mean of the paired differences
 * B - A with the half-width of its 95 % confidence interval (Student's t with n - 1
 * degrees of freedom over the n pairs where both sides ran), then whether the makespan's
 * interval excludes 0. As text, or JSON with every mean, sd and interval. Fails with the
 * scenario's own error when a side cannot be loaded, with PL_EDEADLOCK after printing when
 * some replication did not run (its pair is left out), PL_ENOMEM, PL_EIO.
 */
int pl_compare_reps_run(const pl_compare_reps_options *o, bool json, FILE *out, pl_diag *d);

#endif
