/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_at_bound.c — the scheduler's search stops once a schedule reaches the loop's
 * makespan bound (pl_plan_options.bound, models/plan/sched.c, at_bound), which a
 * scenario's plan passes (models/plan/make.c, variants.c). No schedule can be shorter
 * than a lower bound, so the search that stops must find what the whole search finds:
 *  - where it stopped before the end, its schedule is at the bound, and the whole
 *    search's is no shorter by more than a rounding error (1e-12 relative); where the
 *    whole search kept the same makespan or a longer one, every task's slot is the same
 *    (the first shortest wins);
 *  - where it did not stop, bit for bit the whole search's schedule, rule and count;
 *  - every schedule of the whole search is at or above the bound (that it is one).
 *
 * On random DAGs as the Standard Task Graph set draws them and random loops (several
 * classes, loop-carried dependencies, windows 0 and 2, ops on several classes with
 * transfers, pipelined classes: plan_loops.h), from fixed seeds; the test also asserts
 * that the search stopped early on many of them, so that the comparison is not empty.
 * And on a loop long enough that its makespan's rounding passes 1e-12 of the bound, the
 * search still stops at its first rule (test_long_loop).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/plan/bounds.h"
#include "models/plan/sched.h"
#include "plan_loops.h"
#include "plan_valid.h"

#include <float.h>
#include <math.h>
#include <stdio.h>

struct tally {
    uint32_t cases, stopped, rounding;
};

/* Schedules l with window w with the whole search (8 perturbations) and with the search
 * that stops at the bound, and compares. */
static void compare(const pl_plan_loop *l, uint32_t w, const char *what, struct tally *n)
{
    pl_plan_bounds b;
    if (pl_plan_bounds_compute(l, &b) != 0)
        fail_msg("%s %u: no bounds", what, n->cases);
    pl_plan_schedule s[2], fixed[2];
    for (int stop = 0; stop < 2; stop++) {
        pl_plan_options o = {
            .window = w, .attempts = 8, .fixed = &fixed[stop], .bound = stop ? b.makespan : 0};
        if (pl_plan_schedule_loop(l, &o, &s[stop]) != 0)
            fail_msg("%s %u: cannot schedule", what, n->cases);
    }
    const pl_plan_schedule *whole = &s[0], *cut = &s[1];
    double bound = b.makespan;
    if (whole->makespan < bound - 1e-12 * bound)
        fail_msg("%s %u (%u ops, %u iterations, window %u): the whole search's makespan %.17g "
                 "is below the bound %.17g",
                 what, n->cases, l->nops, l->iterations, w, whole->makespan, bound);
    assert_true(cut->tried <= whole->tried);
    if (cut->tried < whole->tried) {
        n->stopped++;
        if (cut->makespan > bound + 1e-12 * bound)
            fail_msg("%s %u: the search stopped at %.17g, above the bound %.17g", what, n->cases,
                     cut->makespan, bound);
        if (whole->makespan < cut->makespan) {
            n->rounding++;
            if (whole->makespan < cut->makespan - 1e-12 * cut->makespan)
                fail_msg("%s %u: the whole search found %.17g, shorter than %.17g at the bound",
                         what, n->cases, whole->makespan, cut->makespan);
        } else if (!pl_test_same_tasks(whole, cut)) {
            fail_msg("%s %u (%u ops, %u iterations, window %u): stopping at the bound changed "
                     "the schedule",
                     what, n->cases, l->nops, l->iterations, w);
        }
    } else if (whole->makespan != cut->makespan || whole->rule != cut->rule ||
               !pl_test_same_tasks(whole, cut)) {
        fail_msg("%s %u (%u ops, %u iterations, window %u): a search that never reached the "
                 "bound differs from the whole search",
                 what, n->cases, l->nops, l->iterations, w);
    }
    n->cases++;
    for (int stop = 0; stop < 2; stop++) {
        pl_plan_schedule_fini(&s[stop]);
        pl_plan_schedule_fini(&fixed[stop]);
    }
    pl_plan_bounds_fini(&b);
}

static void report(const char *what, const struct tally *n)
{
    printf("%s: %u cases, the search stopped at the bound on %u (the whole search shorter by "
           "a rounding error on %u)\n",
           what, n->cases, n->stopped, n->rounding);
    assert_true(n->stopped >= n->cases / 8);
}

static void test_random_dags(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(20261221, "test_random_dags");
    static const uint32_t sizes[] = {20, 60, 150}, units[] = {2, 4, 8};
    struct tally n = {0};
    for (int g = 0; g < 8; g++)
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
            for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
                pl_plan_loop l =
                    pl_test_random_dag(r, (pl_test_shape)(g % PL_TEST_NSHAPES), sizes[k], units[u]);
                compare(&l, 0, "dag", &n);
                pl_plan_loop_fini(&l);
            }
    gsl_rng_free(r);
    report("DAGs", &n);
}

struct loops {
    const char *what;
    struct tally n;
};

static void one_loop(const pl_plan_loop *l, uint32_t w, int k, void *ctx)
{
    (void)k;
    struct loops *x = ctx;
    compare(l, w, x->what, &x->n);
}

/* 48 random loops at windows 0 and 2; with `choices`, ops that may run on several classes,
 * transfers between units and some pipelined classes too. */
static void random_loops(unsigned long seed, const char *what, uint32_t most, bool choices)
{
    struct loops x = {what, {0}};
    pl_test_each_random_loop(seed, what, most, choices, one_loop, &x);
    report(what, &x.n);
}

static void test_random_loops(void **state)
{
    (void)state;
    random_loops(20261222, "loops", 200, false);
}

static void test_random_choices(void **state)
{
    (void)state;
    random_loops(20261223, "loops with choices", 100, true);
}

/* A long loop whose makespan's rounding passes 1e-12 of its bound: op 0 of 4 us on class 0
 * and op 1 of 1 us on class 1 after it, 1e6 iterations (2e6 tasks). Class 0 binds: its
 * bound, 1e6 x 4 us with its tail of 1 us, is a product and a sum, where the schedule's
 * makespan ends a chain of 1e6 additions of 4 us and lands above it by more than 1e-12 of
 * it (7.9e-12, measured when this case was found: the search then tried every rule and
 * perturbation on the whole loop, 9 schedules where a 5e5-iteration loop took 3, and 4 s
 * of lowering instead of 0.3). The room of pl_plan_at_bound, (ntasks + 8) DBL_EPSILON of
 * the bound (4.4e-10 here), must take it for the rounding error it is: the search stops at
 * its first rule. */
static void test_long_loop(void **state)
{
    (void)state;
    pl_test_build b = pl_test_build_new(2, 2);
    b.l.ops[0] = (pl_plan_op){.latency = 4e-6, .cls = 0};
    b.l.ops[1] = (pl_plan_op){.latency = 1e-6, .cls = 1};
    pl_test_add_dep(&b, 0, 1, 0);
    b.l.iterations = 1000000;
    pl_plan_bounds bounds;
    assert_int_equal(pl_plan_bounds_compute(&b.l, &bounds), 0);
    pl_plan_options o = {.bound = bounds.makespan};
    pl_plan_schedule s;
    assert_int_equal(pl_plan_schedule_loop(&b.l, &o, &s), 0);
    double above = (s.makespan - bounds.makespan) / bounds.makespan;
    printf("long loop: makespan %.17g, bound %.17g, above it by %.3g of it, %u rule(s) tried\n",
           s.makespan, bounds.makespan, above, s.tried);
    assert_true(above > 1e-12); /* what 1e-12 alone took for a schedule above the bound */
    assert_true(above <= (2e6 + 8) * DBL_EPSILON);
    assert_true(pl_plan_at_bound(s.makespan, bounds.makespan, s.ntasks));
    assert_int_equal(s.tried, 1);
    pl_plan_schedule_fini(&s);
    pl_plan_bounds_fini(&bounds);
    pl_plan_loop_fini(&b.l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_dags),
        cmocka_unit_test(test_random_loops),
        cmocka_unit_test(test_random_choices),
        cmocka_unit_test(test_long_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
