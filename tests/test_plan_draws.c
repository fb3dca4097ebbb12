/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_draws.c — the latencies a plan's tasks are simulated with (pl_plan_draw,
 * models/plan/plan.h). workloads/plan_teaching.yaml's latencies are fixed (loadA, loadB
 * 1 us, matmul 4 us, act 2 us, store 1 us: its ops list), and every task of every
 * iteration takes its op's, from one iteration's draws. With matmul's latency drawn from
 * a normal of mean 4 us and sd 0.5 us, each iteration draws its own: the other ops keep
 * theirs, and matmul's are the normal's draws in iteration order, the same as gsl's normal draws
 * from a generator of the scenario's seed, each redrawn while negative (sim/config/dist.c), which
 * the test makes itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/model.h"
#include "models/plan/plan.h"
#include "support.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <string.h>

#define ITERATIONS 500

/* plan_teaching with the overrides, loaded with its seed's draws into *w. */
static void load(const char *const *sets, size_t nsets, pl_plan_workload *w)
{
    pl_config *cfg = NULL;
    pl_diag d;
    pl_diag_init(&d);
    if (pl_config_load(pl_test_src("workloads/plan_teaching.yaml"), sets, nsets, pl_scenario_keys,
                       &cfg, &d) != 0)
        fail_msg("%s", d.msg);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)pl_config_int(cfg, "seed"));
    if (pl_plan_workload_load(cfg, rng, w, &d) != 0)
        fail_msg("%s", d.msg);
    gsl_rng_free(rng);
    pl_config_destroy(cfg);
}

static const double fixed_us[] = {1, 1, 4, 2, 1}; /* loadA, loadB, matmul, act, store */

static void fixed(void **state)
{
    (void)state;
    const char *sets[] = {"plan.iterations=500"};
    pl_plan_workload w;
    load(sets, 1, &w);
    assert_false(w.random);
    assert_int_equal(w.loop.nops, 5);
    assert_int_equal(w.stride, 5);
    for (uint32_t t = 0; t < ITERATIONS * w.loop.nops; t++)
        pl_assert_same_double(pl_plan_draw(&w, t, 0), fixed_us[t % 5] * 1e-6);
    pl_plan_workload_fini(&w);
}

static void random_matmul(void **state)
{
    (void)state;
    const char *sets[] = {"plan.iterations=500",
                          "plan.ops[2].latency={dist: normal, mean: 4us, sd: 0.5us}"};
    pl_plan_workload w;
    load(sets, 2, &w);
    assert_true(w.random);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 1); /* plan_teaching's seed */
    uint32_t differ = 0;
    for (uint32_t t = 0; t < ITERATIONS * w.loop.nops; t++) {
        if (t % 5 != 2) {
            pl_assert_same_double(pl_plan_draw(&w, t, 0), fixed_us[t % 5] * 1e-6);
            continue;
        }
        double x;
        do
            x = 4e-6 + gsl_ran_gaussian(rng, 0.5e-6);
        while (x < 0);
        pl_assert_near(pl_plan_draw(&w, t, 0), x, 1e-18);
        differ += t >= 5 && pl_plan_draw(&w, t, 0) != pl_plan_draw(&w, t - 5, 0);
    }
    assert_true(differ > ITERATIONS / 2);
    gsl_rng_free(rng);
    pl_plan_workload_fini(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixed),
        cmocka_unit_test(random_matmul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
