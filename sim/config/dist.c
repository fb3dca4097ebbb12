/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dist.c — fixed and random durations drawn with GSL.
 *
 * A draw is never negative: a draw below zero is rejected and drawn again, so
 * the result follows the distribution conditioned on being >= 0. A FIXED dist,
 * and a random one whose spread is zero, returns its value without touching
 * the generator, so adding a fixed cost never shifts the random stream.
 */
#include "sim/config/dist.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const names[] = {
#define PL_DIST_NAME(name, spelling, params) spelling,
    PL_DISTS(PL_DIST_NAME)
#undef PL_DIST_NAME
};

pl_dist pl_dist_fixed(double value)
{
    pl_dist d = {PL_DIST_FIXED, value, 0.0};
    return d;
}

const char *pl_dist_name(pl_dist_kind kind)
{
    if ((int)kind < 0 || kind >= PL_DIST_KIND_COUNT)
        return NULL;
    return names[kind];
}

int pl_dist_kind_from_name(const char *name)
{
    for (int k = 0; k < PL_DIST_KIND_COUNT; k++)
        if (strcmp(names[k], name) == 0)
            return k;
    return -1;
}

bool pl_dist_is_random(const pl_dist *d)
{
    switch (d->kind) {
    case PL_DIST_NORMAL:
    case PL_DIST_LOGNORMAL:
    case PL_DIST_GAMMA:
        return d->b > 0.0;
    case PL_DIST_EXPONENTIAL:
        return true;
    case PL_DIST_UNIFORM:
        return d->b > d->a;
    default:
        return false;
    }
}

double pl_dist_mean(const pl_dist *d)
{
    if (d->kind == PL_DIST_UNIFORM)
        return 0.5 * (d->a + d->b);
    return d->a;
}

/* A lognormal's mean m and sd s are those of exp(X) with X ~ N(mu, sigma^2):
 * sigma^2 = ln(1 + s^2/m^2) and mu = ln(m) - sigma^2 / 2. */
static double draw_lognormal(const pl_dist *d, gsl_rng *rng)
{
    double ratio = d->b / d->a;
    double sigma2 = log1p(ratio * ratio);
    return gsl_ran_lognormal(rng, log(d->a) - 0.5 * sigma2, sqrt(sigma2));
}

/* A gamma with mean m and sd s has shape k = m^2/s^2 and scale theta = s^2/m. */
static double draw_gamma(const pl_dist *d, gsl_rng *rng)
{
    return gsl_ran_gamma(rng, (d->a * d->a) / (d->b * d->b), (d->b * d->b) / d->a);
}

static double draw_once(const pl_dist *d, gsl_rng *rng)
{
    switch (d->kind) {
    case PL_DIST_NORMAL:
        return d->a + gsl_ran_gaussian(rng, d->b);
    case PL_DIST_LOGNORMAL:
        return draw_lognormal(d, rng);
    case PL_DIST_EXPONENTIAL:
        return gsl_ran_exponential(rng, d->a);
    case PL_DIST_UNIFORM:
        return gsl_ran_flat(rng, d->a, d->b);
    case PL_DIST_GAMMA:
        return draw_gamma(d, rng);
    default:
        return d->a;
    }
}

double pl_dist_draw(const pl_dist *d, gsl_rng *rng)
{
    /* A value that cannot vary is its own draw; truncating it at zero keeps the promise
     * that no draw is negative, as the rejection below does for random ones. */
    if (!pl_dist_is_random(d))
        return fmax(0.0, pl_dist_mean(d));
    assert(rng);
    /* Rejection terminates: validation keeps the mean of a normal and the max of a uniform
     * above zero, so each try succeeds with probability at least one half, resp. > 0. */
    assert(d->kind != PL_DIST_NORMAL || d->a > 0.0);
    assert(d->kind != PL_DIST_UNIFORM || d->b > 0.0);
    double x;
    do
        x = draw_once(d, rng);
    while (x < 0.0);
    return x;
}

int pl_dist_draw_checked(const pl_dist *d, gsl_rng *rng, const char *key, double *out,
                         pl_diag *diag)
{
    double x = pl_dist_draw(d, rng);
    int rc = pl_dist_check_draw(d, x, key, diag);
    if (rc == 0)
        *out = x;
    return rc;
}

int pl_dist_check_draw(const pl_dist *d, double x, const char *key, pl_diag *diag)
{
    if (isfinite(x) && x >= 0.0)
        return 0;
    char what[128];
    if (d->kind == PL_DIST_UNIFORM)
        snprintf(what, sizeof what, "min %g s, max %g s", d->a, d->b);
    else if (d->kind == PL_DIST_EXPONENTIAL || d->kind == PL_DIST_FIXED)
        snprintf(what, sizeof what, "mean %g s", d->a);
    else
        snprintf(what, sizeof what, "mean %g s, sd %g s", d->a, d->b);
    return pl_diag_set(diag, PL_ECONFIG,
                       "key '%s': a draw from %s (%s) is %s, not a finite time >= 0", key,
                       pl_dist_name(d->kind) ? pl_dist_name(d->kind) : "?", what,
                       isnan(x) ? "nan"
                       : x < 0  ? "negative"
                                : "inf");
}
