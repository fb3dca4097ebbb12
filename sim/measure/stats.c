/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * stats.c — mean, standard deviation and Student-t interval, from GSL.
 */
#include "sim/measure/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

void pl_stats_of(const double *x, size_t n, pl_stats *out)
{
    *out = (pl_stats){
        .n = n, .mean = NAN, .sd = NAN, .ci_low = NAN, .ci_high = NAN, .min = NAN, .max = NAN};
    if (n == 0)
        return;
    out->mean = gsl_stats_mean(x, 1, n);
    gsl_stats_minmax(&out->min, &out->max, x, 1, n);
    if (n < 2)
        return;
    out->sd = gsl_stats_sd_m(x, 1, n, out->mean);
    double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * out->sd / sqrt((double)n);
    out->ci_low = out->mean - half;
    out->ci_high = out->mean + half;
}
