/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * stats.h — what replications say about a quantity: mean, standard deviation
 * and a 95 % confidence interval of the mean.
 *
 * The interval is Student's t: mean ± t(0.975, n−1) · sd / √n, with the sample
 * standard deviation (n − 1 in the denominator). It assumes the replications are
 * independent draws, which different seeds give.
 */
#ifndef PL_STATS_H
#define PL_STATS_H

#include <stddef.h>

typedef struct pl_stats {
    size_t n; /* values summarised */
    double mean;
    double sd;              /* sample standard deviation; NaN when n < 2 */
    double ci_low, ci_high; /* 95 % confidence interval of the mean; NaN when n < 2 */
    double min, max;
} pl_stats;

/* Summarises x[0 .. n-1] (borrowed). With n = 0 every figure is NaN. Never fails. */
void pl_stats_of(const double *x, size_t n, pl_stats *out);

#endif
