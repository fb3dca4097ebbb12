/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dist.h — durations that are fixed or drawn from a distribution.
 *
 * A pl_dist is a plain value (the caller embeds it). Draws use GSL and are
 * truncated at zero: a draw below zero is rejected and drawn again, so that
 * the result follows the distribution conditioned on being non-negative.
 */
#ifndef PL_DIST_H
#define PL_DIST_H

#include "sim/common/error.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>

/* X(NAME, spelling in a scenario, parameters in a scenario) */
#define PL_DISTS(X)                                                                    \
    X(FIXED, "fixed", "value")                                                     \
    X(NORMAL, "normal", "mean, sd")                                                \
    X(LOGNORMAL, "lognormal", "mean, sd")                                          \
    X(EXPONENTIAL, "exponential", "mean")                                          \
    X(UNIFORM, "uniform", "min, max")                                              \
    X(GAMMA, "gamma", "mean, sd")

typedef enum pl_dist_kind {
#define PL_DIST_ENUM(name, spelling, params) PL_DIST_##name,
    PL_DISTS(PL_DIST_ENUM)
#undef PL_DIST_ENUM
        PL_DIST_KIND_COUNT
} pl_dist_kind;

/* Parameters, all in SI units (seconds for durations):
 *   FIXED: a = the value          NORMAL, LOGNORMAL, GAMMA: a = mean, b = standard deviation
 *   EXPONENTIAL: a = mean         UNIFORM: a = min, b = max
 * For LOGNORMAL and GAMMA, mean and sd are those of the drawn values, not of their
 * logarithm or of GSL's shape/scale. */
typedef struct pl_dist {
    pl_dist_kind kind;
    double a;
    double b;
} pl_dist;

/* A fixed value. */
pl_dist pl_dist_fixed(double value);
/* The kind's spelling ("normal"); NULL for a kind out of range. */
const char *pl_dist_name(pl_dist_kind kind);
/* The kind spelled `name`; -1 when no kind is spelled so. */
int pl_dist_kind_from_name(const char *name);
/* Whether a draw can differ from the mean. */
bool pl_dist_is_random(const pl_dist *d);
/* The mean of the untruncated distribution. */
double pl_dist_mean(const pl_dist *d);
/* One draw, never negative. A FIXED dist returns its value and consumes no random number.
 * rng is borrowed and may be NULL only for FIXED. */
double pl_dist_draw(const pl_dist *d, gsl_rng *rng);

/* One draw as pl_dist_draw, checked: a draw that is not a finite number >= 0 fails with
 * PL_ECONFIG and the diagnostic "key 'KEY': a draw from gamma (mean 1e-09 s, sd 1e+200 s)
 * is nan, not a finite time >= 0", and leaves *out alone. `key` (borrowed) is the path of
 * the key the dist was read from. Validation keeps every parameter within the limits of
 * a time (units.h: 1e-15 s to 1e6 s), under which every draw is below 1e45 s; this check
 * is what a model relies on when it draws. */
int pl_dist_draw_checked(const pl_dist *d, gsl_rng *rng, const char *key, double *out,
                         pl_diag *diag);

/* The check of pl_dist_draw_checked on a draw x already made from d: 0 when x is a finite
 * number >= 0, else PL_ECONFIG with the same diagnostic. For loops that draw millions of
 * times and name the key only when a draw is refused. */
int pl_dist_check_draw(const pl_dist *d, double x, const char *key, pl_diag *diag);

#endif
