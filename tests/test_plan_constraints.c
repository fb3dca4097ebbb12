/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_constraints.c — plan.max_iteration and plan.target_ii (models/plan/
 * constraints.h): the planner holds iterations back until each fits the limit, which may
 * cost II, and says which constraint cannot be met and why.
 *
 * On workloads/plan_teaching.yaml, whose comment works the loop by hand: loadA and loadB
 * (dma, 1 us each, two units), matmul (tensor, 4 us), act (vector, 2 us), store (dma,
 * 1 us). One iteration alone takes 1 + 4 + 2 + 1 = 8 us; the planner's own plan starts
 * one every 4 us (the tensor's ResMII), makespan 68 us.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/measure/figure.h"
#include "sim/measure/metrics.h"
#include "sim/report/report.h"
#include "sim/study/session.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US 1e-6

static pl_session *run(const char *const *sets, size_t n)
{
    pl_session *s;
    pl_diag d;
    if (pl_test_session(pl_test_src("workloads/plan_teaching.yaml"), sets, n, &s, &d) != 0)
        fail_msg("%s", d.msg);
    return s;
}

/* `pipelab plan` of the teaching loop with the overrides must exit 2 naming `key` and
 * saying `why`. */
static void refused(const char *key, const char *why, const char *set1, const char *set2)
{
    const char *args[] = {"plan",
                          pl_test_src("workloads/plan_teaching.yaml"),
                          "--set",
                          set1,
                          set2 ? "--set" : NULL,
                          set2,
                          NULL};
    pl_test_run r = pl_test_exec(60, args);
    print_message("%s", r.err);
    if (r.status != 2 || !pl_test_contains(r.err, key) || !pl_test_contains(r.err, why) ||
        r.out[0] != '\0')
        fail_msg("status %d, stdout %zu bytes, stderr: %s", r.status, strlen(r.out), r.err);
    pl_test_run_free(&r);
}

/*
 * With 11 us allowed the plan is the planner's own: its longest iteration is iteration 1,
 * which loads at 1 us and waits for the tensor until 5 us (matmul 0 holds it), ending its
 * store at 12 us: 11 us. With 10 us that plan, and the one with two iterations in flight
 * (the same iteration 1), do not fit: one iteration at a time does, 8 us each, so the II
 * becomes 8 us and the makespan 16 x 8 = 128 us (the comment's serial schedule of whole
 * iterations). With 7 us not even one iteration alone fits.
 */
static void test_max_iteration(void **state)
{
    (void)state;
    static const char *const eleven[] = {"plan.max_iteration=11us"};
    pl_session *s = run(eleven, 1);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(pl_test_figure(r, "II")->value, 4 * US, 1e-15);
    pl_assert_near(pl_test_figure(r, "longest iteration")->value, 11 * US, 1e-15);
    pl_assert_near(r->run.m->makespan, 68 * US, 1e-15);
    pl_session_destroy(s);

    static const char *const ten[] = {"plan.max_iteration=10us"};
    s = run(ten, 1);
    r = pl_session_report(s);
    pl_assert_near(pl_test_figure(r, "II")->value, 8 * US, 1e-15);
    pl_assert_near(pl_test_figure(r, "longest iteration")->value, 8 * US, 1e-12);
    pl_assert_near(r->predicted, 128 * US, 1e-15);
    pl_assert_near(r->run.m->makespan, 128 * US, 1e-15);
    pl_session_destroy(s);

    refused("plan.max_iteration",
            "no plan keeps every iteration within 7 us: even one iteration "
            "at a time, iteration",
            "plan.max_iteration=7us", NULL);
}

/* The target II: met at 4 us (the plan's own II); 3 us is below the tensor's ResMII of
 * 4 us; 5 us with every iteration within 10 us is above the 8 us one iteration at a time
 * gives; 4 us within 256 KiB, where the loads of iteration i + 1 wait for matmul i (II 5 us,
 * the comment's figure), is held back by the memory. */
static void test_target_ii(void **state)
{
    (void)state;
    static const char *const four[] = {"plan.target_ii=4us"};
    pl_session *s = run(four, 1);
    pl_assert_near(pl_test_figure(pl_session_report(s), "target II")->value, 4 * US, 1e-15);
    pl_session_destroy(s);
    refused("plan.target_ii",
            "cannot reach an II of 3 us: it runs at 4 us; the ResMII is 4 us: "
            "class tensor has 4 us of work per iteration on 1 unit",
            "plan.target_ii=3us", NULL);
    refused("plan.target_ii",
            "it runs at 8 us; with every iteration within plan.max_iteration's "
            "10 us, at most 1 iteration may be in flight",
            "plan.target_ii=5us", "plan.max_iteration=10us");
    refused("plan.target_ii",
            "it runs at 5 us; the MII is 4 us, but the plan keeps to "
            "plan.memory's 256 KiB",
            "plan.target_ii=4us", "plan.memory=256KiB");
}

/* The verdict's variants keep the limit: within 256 KiB (A and B one version each) every
 * iteration of the run's plan takes 8 us, and a second version of A or B lets iterations
 * overlap and wait longer than 10 us, so the verdict refuses those changes and says why. */
static void test_variants(void **state)
{
    (void)state;
    static const char *const sets[] = {"plan.memory=256KiB", "plan.max_iteration=10us"};
    const char *args[] = {"run",      pl_test_src("workloads/plan_teaching.yaml"),
                          "--set",    sets[0],
                          "--set",    sets[1],
                          "--format", "json",
                          NULL};
    pl_test_run r = pl_test_exec(60, args);
    assert_int_equal(r.status, 0);
    assert_int_equal(pl_test_count(r.out, "an iteration takes"), 2);
    assert_int_equal(pl_test_count(r.out, "more than plan.max_iteration's 10 us"), 2);
    assert_true(pl_test_contains(r.out, "with 2 versions of A an iteration takes"));
    assert_true(pl_test_contains(r.out, "with 2 versions of B an iteration takes"));
    pl_test_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_max_iteration),
        cmocka_unit_test(test_target_ii),
        cmocka_unit_test(test_variants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
