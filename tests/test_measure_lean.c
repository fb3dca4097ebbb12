/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_measure_lean.c — the measures' shortcuts give what the plain computations they
 * replace give, to the last bit: the latency statistics from a radix sort against
 * gsl_sort's, pl_max and pl_min against fmax and fmin, and bounds walked in a scratch
 * kept from one bound to the next against bounds walked in memory of their own.
 *
 * The expected values are the plain computations themselves (what latency.c did before
 * its radix sort: gsl_sort, then GSL's mean and quantiles over the sorted latencies),
 * compared with memcmp, so that a result one ulp off fails. The latencies are drawn
 * from a fixed seed (printed) to have many equal values, values of many exponents, and
 * items that no task names; and made to be in order already (which the sort leaves as
 * they are), and in order but for the last.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "line.h"
#include "sim/measure/bound.h"
#include "sim/measure/extrema.h"
#include "sim/measure/latency.h"
#include "support.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* The latencies as latency.c computed them before: departures in item order, gsl_sort,
 * GSL's statistics. */
static pl_latency reference(const double *enter, const double *leave, uint64_t n)
{
    pl_latency r = {0};
    double *lat = malloc((n + 1) * sizeof *lat), out = -INFINITY;
    assert_non_null(lat);
    uint64_t k = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (!(leave[i] >= enter[i]))
            continue;
        out = fmax(out, leave[i]);
        lat[k++] = out - enter[i];
    }
    r.items = k;
    if (k > 0) {
        gsl_sort(lat, 1, k);
        r.mean = gsl_stats_mean(lat, 1, k);
        r.min = lat[0];
        r.max = lat[k - 1];
        r.p50 = gsl_stats_quantile_from_sorted_data(lat, 1, k, 0.5);
        r.p99 = gsl_stats_quantile_from_sorted_data(lat, 1, k, 0.99);
    }
    free(lat);
    return r;
}

/* The latencies of n items (the arrays taken, and freed) against the reference. */
static void check_items(double *enter, double *leave, uint64_t n)
{
    pl_latency want = reference(enter, leave, n), got;
    pl_items items = {n, enter, leave};
    assert_int_equal(pl_latency_compute(&items, &got), 0);
    assert_int_equal(got.items, want.items);
    pl_assert_same_double(got.mean, want.mean);
    pl_assert_same_double(got.min, want.min);
    pl_assert_same_double(got.p50, want.p50);
    pl_assert_same_double(got.p99, want.p99);
    pl_assert_same_double(got.max, want.max);
    pl_items_fini(&items);
}

/* n items: entries from `spread` (how many distinct steps), durations of many
 * exponents, and one item in 17 named by no task. */
static void check(uint64_t n, unsigned spread, int exponents)
{
    double *enter = malloc((n + 1) * sizeof *enter), *leave = malloc((n + 1) * sizeof *leave);
    assert_true(enter && leave);
    for (uint64_t i = 0; i < n; i++) {
        if (next() % 17 == 0) {
            enter[i] = INFINITY;
            leave[i] = -INFINITY;
            continue;
        }
        enter[i] = (double)(next() % spread) * 1e-6;
        int e = exponents ? (int)(next() % 40) - 30 : 0;
        leave[i] = enter[i] + ldexp((double)(next() % spread), e);
    }
    check_items(enter, leave, n);
}

static void latency_of_many_exponents(void **state)
{
    (void)state;
    check(100000, 1000, 1);
    check(3, 1000, 1);
}

static void latency_with_many_equal(void **state)
{
    (void)state;
    check(50000, 3, 0);
    check(20000, 1, 0); /* every latency the same: every digit shared */
}

/* Latencies that never fall from one item to the next, as in a pipeline whose items
 * queue longer and longer (the sort has nothing to do), with plateaus: times in steps of
 * 2^-20 s, so that every difference is exact; then the same with the last item's latency
 * shorter than the one before (the sort has one to move). */
static void latency_in_order(void **state)
{
    (void)state;
    const uint64_t n = 30000;
    for (int last_shorter = 0; last_shorter <= 1; last_shorter++) {
        double *enter = malloc(n * sizeof *enter), *leave = malloc(n * sizeof *leave);
        assert_true(enter && leave);
        for (uint64_t i = 0; i < n; i++) {
            enter[i] = ldexp((double)i, -20);
            leave[i] = enter[i] + ldexp((double)(i / 7 * 3), -20);
        }
        if (last_shorter) /* it enters later and leaves as it did */
            enter[n - 1] += ldexp(5, -20);
        check_items(enter, leave, n);
    }
}

static void latency_of_one_and_of_none(void **state)
{
    (void)state;
    check(1, 1000, 1);
    double enter[1] = {INFINITY}, leave[1] = {-INFINITY};
    pl_items items = {1, enter, leave};
    pl_latency got;
    assert_int_equal(pl_latency_compute(&items, &got), 0);
    assert_int_equal(got.items, 0);
}

/* pl_max and pl_min give fmax's and fmin's bits for every pair of these, both orders,
 * but for two NaNs (where either is a NaN of some payload) and for two zeros: C leaves
 * the sign of fmax(0, -0) to the implementation (C11 F.10.9.2), and it differs between
 * glibc's maxsd (the second operand) and gcc folding a call with constant operands (the
 * first), so there only the values must agree. */
static void extrema_as_libm(void **state)
{
    (void)state;
    const double v[] = {0.0, -0.0, 1.0, -1.0, 1e-300, 3.5, INFINITY, -INFINITY, NAN};
    size_t n = sizeof v / sizeof v[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (isnan(v[i]) && isnan(v[j]))
                continue;
            if (v[i] == 0 && v[j] == 0) {
                assert_true(pl_max(v[i], v[j]) == 0 && pl_min(v[i], v[j]) == 0);
                continue;
            }
            pl_assert_same_double(pl_max(v[i], v[j]), fmax(v[i], v[j]));
            pl_assert_same_double(pl_min(v[i], v[j]), fmin(v[i], v[j]));
        }
}

/* One scratch for a large line, then a smaller one, then the large one changed, and the
 * critical-path chain in between: each bound is the one pl_bound_compute_with gives (the
 * scratch's arrays start zero where the walk needs them zero, whatever walked before). */
static void bounds_in_one_scratch(void **state)
{
    (void)state;
    pl_graph *big = pl_test_line_pipelined(40), *small = pl_test_line_serial(7);
    uint8_t units[3] = {0, 1, 0}, *on = calloc(pl_graph_task_count(big) + 1, 1);
    uint8_t *want_on = calloc(pl_graph_task_count(big) + 1, 1);
    assert_true(big && small && on && want_on);
    pl_graph_change less = pl_graph_no_change();
    less.units = units;
    less.work = 0.9;
    struct {
        const pl_graph *g;
        pl_bound_edges edges;
        const pl_graph_change *c;
    } walks[] = {{big, PL_BOUND_ALL_EDGES, NULL},     {small, PL_BOUND_WORKLOAD_EDGES, NULL},
                 {big, PL_BOUND_WORKLOAD_EDGES, NULL}, {big, PL_BOUND_ALL_EDGES, &less},
                 {small, PL_BOUND_ALL_EDGES, NULL}};
    pl_bound_scratch scratch = {0};
    for (size_t i = 0; i < sizeof walks / sizeof walks[0]; i++) {
        pl_bound got, want;
        assert_int_equal(pl_bound_compute_in(&scratch, walks[i].g, walks[i].edges, walks[i].c,
                                             &got), 0);
        assert_int_equal(pl_bound_compute_with(walks[i].g, walks[i].edges, walks[i].c, &want), 0);
        pl_test_assert_same_bound(&got, &want);
        assert_int_equal(pl_bound_chain_in(&scratch, big, on), 0);
        assert_int_equal(pl_bound_chain(big, want_on), 0);
        assert_memory_equal(on, want_on, pl_graph_task_count(big));
    }
    pl_bound_terms got_terms, want_terms;
    assert_int_equal(pl_bound_terms_compute_in(&scratch, big, &got_terms), 0);
    assert_int_equal(pl_bound_terms_compute(big, &want_terms), 0);
    pl_test_assert_same_bound(&got_terms.bound, &want_terms.bound);
    for (uint32_t u = 0; u < pl_graph_unit_count(big); u++) {
        pl_assert_same_double(got_terms.units[u].head, want_terms.units[u].head);
        pl_assert_same_double(got_terms.units[u].work, want_terms.units[u].work);
        pl_assert_same_double(got_terms.units[u].tail, want_terms.units[u].tail);
    }
    pl_bound_terms_fini(&got_terms);
    pl_bound_terms_fini(&want_terms);
    pl_bound_scratch_fini(&scratch);
    free(on);
    free(want_on);
    pl_graph_destroy(big);
    pl_graph_destroy(small);
}

int main(void)
{
    printf("# seed %#llx\n", (unsigned long long)rng);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(latency_of_many_exponents), cmocka_unit_test(latency_with_many_equal),
        cmocka_unit_test(latency_in_order),          cmocka_unit_test(latency_of_one_and_of_none),
        cmocka_unit_test(extrema_as_libm),           cmocka_unit_test(bounds_in_one_scratch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
