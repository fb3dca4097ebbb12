/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_dist.c — names, means and draws of fixed and random durations.
 *
 * Draws use GSL's mt19937 seeded with 42 (printed by each statistical test), so
 * every run sees the same numbers. Sample means and standard deviations of
 * N = 200000 draws are compared with the parameters; the tolerance is 1% of the
 * mean (at least 5 standard errors, sd / sqrt(N) <= 0.23% of the mean here).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/config/dist.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>

#define SEED 42
#define N    200000

static gsl_rng *new_rng(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(rng);
    gsl_rng_set(rng, SEED);
    return rng;
}

struct stats {
    double mean, sd, min, max;
};

static struct stats sample(const pl_dist *d)
{
    printf("seed %d\n", SEED);
    gsl_rng *rng = new_rng();
    double sum = 0, sum2 = 0;
    struct stats s = {0, 0, INFINITY, -INFINITY};
    for (int i = 0; i < N; i++) {
        double x = pl_dist_draw(d, rng);
        sum += x;
        sum2 += x * x;
        s.min = fmin(s.min, x);
        s.max = fmax(s.max, x);
    }
    gsl_rng_free(rng);
    s.mean = sum / N;
    s.sd = sqrt(sum2 / N - s.mean * s.mean);
    return s;
}

static void assert_within(double got, double want, double tol)
{
    if (fabs(got - want) > tol)
        print_error("got %.9g, want %.9g +- %.3g\n", got, want, tol);
    assert_true(fabs(got - want) <= tol);
}

static void test_names(void **state)
{
    (void)state;
    /* The spellings of PL_DISTS. */
    assert_string_equal(pl_dist_name(PL_DIST_FIXED), "fixed");
    assert_string_equal(pl_dist_name(PL_DIST_GAMMA), "gamma");
    assert_null(pl_dist_name(PL_DIST_KIND_COUNT));
    assert_int_equal(pl_dist_kind_from_name("lognormal"), PL_DIST_LOGNORMAL);
    assert_int_equal(pl_dist_kind_from_name("uniform"), PL_DIST_UNIFORM);
    assert_int_equal(pl_dist_kind_from_name("poisson"), -1);
    assert_int_equal(pl_dist_kind_from_name("Normal"), -1);
}

static void test_fixed(void **state)
{
    (void)state;
    pl_dist d = pl_dist_fixed(12e-6);
    assert_int_equal(d.kind, PL_DIST_FIXED);
    assert_false(pl_dist_is_random(&d));
    assert_true(pl_dist_mean(&d) == 12e-6);
    /* FIXED needs no generator. */
    assert_true(pl_dist_draw(&d, NULL) == 12e-6);
    /* and consumes no number: the next draw equals a fresh generator's first. */
    gsl_rng *a = new_rng(), *b = new_rng();
    pl_dist_draw(&d, a);
    assert_true(gsl_rng_get(a) == gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void test_no_spread(void **state)
{
    (void)state;
    /* A normal or gamma with sd = 0 and a uniform with min = max are their mean, exactly,
     * and draw nothing. */
    const pl_dist flat[] = {{PL_DIST_NORMAL, 5e-6, 0},
                            {PL_DIST_GAMMA, 5e-6, 0},
                            {PL_DIST_LOGNORMAL, 5e-6, 0},
                            {PL_DIST_UNIFORM, 5e-6, 5e-6}};
    for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++) {
        assert_false(pl_dist_is_random(&flat[i]));
        assert_true(pl_dist_draw(&flat[i], NULL) == 5e-6);
    }
}

static void test_means(void **state)
{
    (void)state;
    /* The untruncated means: a for all but uniform, (min + max) / 2 for uniform. */
    pl_dist u = {PL_DIST_UNIFORM, 2, 4};
    pl_dist e = {PL_DIST_EXPONENTIAL, 3, 0};
    assert_true(pl_dist_mean(&u) == 3.0);
    assert_true(pl_dist_mean(&e) == 3.0);
    assert_true(pl_dist_is_random(&u));
    assert_true(pl_dist_is_random(&e));
}

static void test_normal(void **state)
{
    (void)state;
    /* mean 10, sd 1: truncation at 0 is 10 sd away and changes nothing measurable. */
    pl_dist d = {PL_DIST_NORMAL, 10, 1};
    struct stats s = sample(&d);
    assert_within(s.mean, 10, 0.1);
    assert_within(s.sd, 1, 0.01);
}

static void test_lognormal(void **state)
{
    (void)state;
    /* mean and sd are those of the values, not of their logarithm. */
    pl_dist d = {PL_DIST_LOGNORMAL, 10, 2};
    struct stats s = sample(&d);
    assert_within(s.mean, 10, 0.1);
    assert_within(s.sd, 2, 0.02 * 2);
    assert_true(s.min > 0);
}

static void test_gamma(void **state)
{
    (void)state;
    /* shape k = mean^2/sd^2 = 25, scale = sd^2/mean = 0.4: mean 10, sd 2. */
    pl_dist d = {PL_DIST_GAMMA, 10, 2};
    struct stats s = sample(&d);
    assert_within(s.mean, 10, 0.1);
    assert_within(s.sd, 2, 0.02 * 2);
}

static void test_exponential(void **state)
{
    (void)state;
    /* An exponential's sd equals its mean. */
    pl_dist d = {PL_DIST_EXPONENTIAL, 10, 0};
    struct stats s = sample(&d);
    assert_within(s.mean, 10, 0.1);
    assert_within(s.sd, 10, 0.2);
    assert_true(s.min >= 0);
}

static void test_uniform(void **state)
{
    (void)state;
    /* mean (4 + 6) / 2 = 5, every draw in [4, 6], sd (6 - 4) / sqrt(12). */
    pl_dist d = {PL_DIST_UNIFORM, 4, 6};
    struct stats s = sample(&d);
    assert_within(s.mean, 5, 0.05);
    assert_within(s.sd, 2 / sqrt(12), 0.01);
    assert_true(s.min >= 4 && s.max <= 6);
}

static void test_truncation(void **state)
{
    (void)state;
    /* mean 1, sd 10: about 46% of raw draws are negative and must all be redrawn. The
     * mean of a normal conditioned on >= 0 is mu + sd * phi(a) / (1 - Phi(a)) with
     * a = -mu/sd = -0.1: phi(0.1) = 0.396953, 1 - Phi(-0.1) = 0.539828, so the mean is
     * 1 + 10 * 0.735332 = 8.35332. */
    pl_dist d = {PL_DIST_NORMAL, 1, 10};
    struct stats s = sample(&d);
    assert_true(s.min >= 0);
    assert_within(s.mean, 8.35332, 0.08);
}

static void test_deterministic(void **state)
{
    (void)state;
    /* Same seed, same draws. */
    pl_dist d = {PL_DIST_GAMMA, 3, 1};
    gsl_rng *a = new_rng(), *b = new_rng();
    for (int i = 0; i < 1000; i++)
        assert_true(pl_dist_draw(&d, a) == pl_dist_draw(&d, b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* Parameters beyond the limits of a time, which validation refuses, draw NaN or inf (the
 * scenarios of issue 19): the checked draw says so, naming the key, and keeps *out. gamma
 * mean 1 ns, sd 1e200 s: sd^2 overflows, so shape = 0 and scale = inf, and GSL draws
 * 0 * inf = nan; lognormal sd 1e300 s: sigma^2 = log1p(inf) = inf. */
static void test_draw_checked(void **state)
{
    (void)state;
    gsl_rng *rng = new_rng();
    pl_diag d = {0};
    double x = 7;
    pl_dist gamma = {PL_DIST_GAMMA, 1e-9, 1e200};
    assert_int_equal(pl_dist_draw_checked(&gamma, rng, "dispatch.ops[0].kernel", &x, &d),
                     PL_ECONFIG);
    assert_string_equal(d.msg, "key 'dispatch.ops[0].kernel': a draw from gamma (mean 1e-09 s, "
                               "sd 1e+200 s) is nan, not a finite time >= 0");
    assert_true(x == 7);
    /* Half the draws of this lognormal are exp(-inf) = 0, the other half exp(nan). */
    pl_dist lognormal = {PL_DIST_LOGNORMAL, 1e-9, 1e300};
    int refused = 0;
    for (int i = 0; i < 100; i++)
        refused += pl_dist_draw_checked(&lognormal, rng, "k", &x, &d) == PL_ECONFIG;
    assert_true(refused > 0);
    assert_string_equal(d.msg, "key 'k': a draw from lognormal (mean 1e-09 s, sd 1e+300 s) is "
                               "nan, not a finite time >= 0");
    /* normal sd 1e308 s: a draw is inf as soon as the standard normal is above 1.8. */
    pl_dist normal = {PL_DIST_NORMAL, 1e-9, 1e308};
    refused = 0;
    for (int i = 0; i < 100; i++)
        refused += pl_dist_draw_checked(&normal, rng, "k", &x, &d) == PL_ECONFIG;
    assert_true(refused > 0);
    assert_string_equal(d.msg, "key 'k': a draw from normal (mean 1e-09 s, sd 1e+308 s) is inf, "
                               "not a finite time >= 0");
    pl_dist ok = {PL_DIST_UNIFORM, 1, 2};
    assert_int_equal(pl_dist_draw_checked(&ok, rng, "k", &x, &d), 0);
    assert_true(x >= 1 && x <= 2);
    gsl_rng_free(rng);
}

/* At the corners of what validation takes (every parameter 0 or from 1e-15 s to 1e6 s,
 * units.h), every draw is finite, >= 0 and below 1e45 s, the bound the notes of dist.h
 * work out (lognormal: at most mean * exp(z^2 / 2) with |z| < 14.) */
static void test_draw_limits(void **state)
{
    (void)state;
    const pl_dist corners[] = {
        {PL_DIST_NORMAL, 1e-15, 1e6},    {PL_DIST_NORMAL, 1e6, 1e6},
        {PL_DIST_LOGNORMAL, 1e-15, 1e6}, {PL_DIST_LOGNORMAL, 1e6, 1e6},
        {PL_DIST_LOGNORMAL, 1e6, 1e-15}, {PL_DIST_GAMMA, 1e-15, 1e6},
        {PL_DIST_GAMMA, 1e6, 1e-15},     {PL_DIST_GAMMA, 1e6, 1e6},
        {PL_DIST_EXPONENTIAL, 1e6, 0},   {PL_DIST_UNIFORM, 0, 1e6},
    };
    for (size_t c = 0; c < sizeof corners / sizeof corners[0]; c++) {
        struct stats s = sample(&corners[c]);
        if (!(s.min >= 0 && s.max < 1e45 && isfinite(s.mean)))
            fail_msg("corner %zu: min %g, max %g, mean %g", c, s.min, s.max, s.mean);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),         cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_no_spread),     cmocka_unit_test(test_means),
        cmocka_unit_test(test_normal),        cmocka_unit_test(test_lognormal),
        cmocka_unit_test(test_gamma),         cmocka_unit_test(test_exponential),
        cmocka_unit_test(test_uniform),       cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_deterministic), cmocka_unit_test(test_draw_checked),
        cmocka_unit_test(test_draw_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
