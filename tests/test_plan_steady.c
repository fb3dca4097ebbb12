/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_steady.c — the steady state of a schedule (pl_plan_steady_find,
 * models/plan/steady.c), whose scans of the longer periods stop once no run of theirs can
 * cover more iterations than the best found, against the whole search written out below
 * from steady.c's definition: for each period k of 1 to 16, every run of consecutive i
 * whose iteration i + k starts each op the same shift D after iteration i (steady.c's own
 * pl_plan_iteration_shift, within 1e-9 of the makespan, D / k at least the MII), the
 * longest covering at least 2k + 1 iterations winning, the first of equal ones; then
 * checked against the completions. Both must agree bit for bit on every field.
 *
 * On random loops (plan_loops.h: several classes, loop-carried dependencies, windows 0,
 * 1 and 3) of 20 to 400 iterations, from a fixed seed (printed); the test also asserts that
 * periods of one and of more than one iteration, and schedules with no repetition, are all
 * among them, so that each way through the search is compared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/plan/bounds.h"
#include "models/plan/sched.h"
#include "models/plan/steady.h"
#include "plan_loops.h"
#include "plan_valid.h"
#include "support.h"

#include <math.h>
#include <stdio.h>

#define SEED 20261206u

struct run {
    uint32_t k, i0, i1, cover;
    double d;
};

/* Every run of every period, scanned whole: the longest (the first of equal ones). */
static struct run whole_search(const pl_plan_loop *l, const pl_plan_schedule *s, double mii,
                               double tol)
{
    struct run best = {0};
    for (uint32_t k = 1; k <= 16 && k < l->iterations; k++) {
        struct run cur = {0};
        bool open = false;
        for (uint32_t i = 0; i + k < l->iterations; i++) {
            double d = pl_plan_iteration_shift(l, s, i, k, tol);
            if (open && !isnan(d) && fabs(d - cur.d) <= tol) {
                cur.i1 = i;
            } else {
                open = !isnan(d) && d > 0 && d / k >= mii - tol;
                cur = (struct run){k, i, i, 0, d};
            }
            if (open) {
                cur.cover = cur.i1 + k - cur.i0 + 1;
                if (cur.cover >= 2 * k + 1 && cur.cover > best.cover)
                    best = cur;
            }
        }
    }
    return best;
}

struct tally {
    uint32_t cases, one, longer, none;
};

static void compare(const pl_plan_loop *l, uint32_t window, uint32_t c, struct tally *n)
{
    pl_plan_bounds b;
    pl_plan_schedule s;
    assert_int_equal(pl_plan_bounds_compute(l, &b), 0);
    pl_plan_options o = {.window = window};
    assert_int_equal(pl_plan_schedule_loop(l, &o, &s), 0);
    pl_plan_steady got;
    pl_plan_steady_find(l, &s, b.mii, &got);
    double tol = 1e-9 * s.makespan;
    struct run r = whole_search(l, &s, b.mii, tol);
    bool repeat = r.cover > 0;
    for (uint32_t i = r.i0; repeat && i <= r.i1; i++)
        repeat = !(fabs(pl_plan_iteration_end(l, &s, i + r.k) - pl_plan_iteration_end(l, &s, i) -
                        r.d) > tol);
    snprintf(pl_test_where, sizeof pl_test_where, "loop %u (%u ops, %u iterations, window %u)", c,
             l->nops, l->iterations, window);
    pl_test_check(got.periodic == repeat, "periodic %d, the whole search %d", got.periodic, repeat);
    if (repeat) {
        assert_int_equal(got.period, r.k);
        assert_int_equal(got.first, r.i0);
        assert_int_equal(got.last, r.i1 + r.k);
        pl_assert_same_double(got.ii, r.d / r.k);
        pl_assert_same_double(got.start, pl_plan_iteration_start(l, &s, r.i0));
        pl_assert_same_double(got.end, pl_plan_iteration_start(l, &s, r.i1 + r.k));
        n->one += r.k == 1;
        n->longer += r.k > 1;
    } else {
        assert_int_equal(got.period, 1);
        assert_int_equal(got.first, l->iterations / 4);
        n->none++;
    }
    n->cases++;
    pl_plan_schedule_fini(&s);
    pl_plan_bounds_fini(&b);
}

static void random_loops(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(SEED, "steady states of random loops");
    struct tally n = {0};
    for (uint32_t c = 0; c < 120; c++) {
        pl_plan_loop l = pl_test_random_loop(r, pl_test_draw(r, 3, 9), pl_test_draw(r, 0, 3),
                                             pl_test_draw(r, 20, 400));
        static const uint32_t windows[] = {0, 1, 3};
        for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++)
            compare(&l, windows[w], c, &n);
        pl_plan_loop_fini(&l);
    }
    print_message("%u schedules: period 1 in %u, longer in %u, none in %u\n", n.cases, n.one,
                  n.longer, n.none);
    assert_true(n.one > 0 && n.longer > 0 && n.none > 0);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_loops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
