/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * extrema.h — the larger and the smaller of two doubles, inline, for the measures' loops
 * over every task.
 *
 * Each gives what fmax and fmin of <math.h> give wherever one of them is not a NaN (the
 * other operand when one is, b when they compare equal, as x86-64's maxsd and minsd that
 * glibc uses), without the call into libm that every use of fmax costs in a loop: gcc
 * inlines fmax only when told that no NaN can come.
 */
#ifndef PL_EXTREMA_H
#define PL_EXTREMA_H

#include <math.h>

/* a > b || isnan(b) ? a : b, written so that gcc makes it maxsd and a conditional move
 * rather than two compares and branches, which mispredict in a loop over every task. */
static inline double pl_max(double a, double b)
{
    double larger = a > b ? a : b;
    return isnan(b) ? a : larger;
}

/* a < b || isnan(b) ? a : b, likewise (minsd). */
static inline double pl_min(double a, double b)
{
    double smaller = a < b ? a : b;
    return isnan(b) ? a : smaller;
}

#endif
