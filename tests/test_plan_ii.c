/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_ii.c — the plan's II is the long-run time per iteration: a loop whose ops
 * have no predecessor gets the rate its makespans show, never a figure below its MII
 * without saying that the loop reaches no steady state; and the plan's phases are named
 * apart from a run's generic phases line.
 *
 * Expected values are worked out by hand in the comments (and in the comment of
 * tests/plan_free_ops.yaml).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/measure/figure.h"
#include "sim/study/session.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US 1e-6

static pl_session *run(const char *rel, const char *const *sets, size_t nsets)
{
    pl_session *s;
    pl_diag d;
    if (pl_test_session(pl_test_src(rel), sets, nsets, &s, &d) != 0)
        fail_msg("%s: %s", rel, d.msg);
    return s;
}

/* The figure of that name, or NULL. */
static const pl_figure *find(const pl_session *s, const char *name)
{
    const pl_report *r = pl_session_report(s);
    for (size_t i = 0; r->figures && i < r->figures->n; i++)
        if (strcmp(r->figures->v[i].name, name) == 0)
            return &r->figures->v[i];
    return NULL;
}

static const pl_figure *figure(const pl_session *s, const char *name)
{
    return pl_test_figure(pl_session_report(s), name);
}

/* Runs tests/plan_free_ops.yaml with the first n of sets, then with all n + 1 (the last
 * is "plan.iterations=400"): the simulated makespans are N x 3 us, ResMII is 3 us, and
 * the II of both equals the measured throughput, (M(400) - M(200)) / 200 = 3 us. Returns
 * the session of 200 iterations. */
static pl_session *throughput(const char *const *sets, size_t n)
{
    pl_session *a = run("tests/plan_free_ops.yaml", sets, n),
               *b = run("tests/plan_free_ops.yaml", sets, n + 1);
    double ma = pl_session_report(a)->run.m->makespan, mb = pl_session_report(b)->run.m->makespan;
    pl_assert_near(ma, 600 * US, 1e-15);
    pl_assert_near(mb, 1200 * US, 1e-15);
    pl_assert_near(figure(a, "ResMII")->value, 3 * US, 1e-15);
    pl_assert_near(figure(a, "II")->value, (mb - ma) / 200, 1e-15);
    pl_assert_near(figure(b, "II")->value, (mb - ma) / 200, 1e-15);
    pl_assert_near(figure(a, "II")->value, 3 * US, 1e-15);
    pl_session_destroy(b);
    return a;
}

/* tests/plan_free_ops.yaml: a (2 us) and b (1 us) on one unit, no dependencies, so
 * ResMII = 3 us / 1 unit = 3 us and RecMII = 0. Every a goes first (b-level 2 us against
 * 1 us), a_i at 2i us, then every b: b_i from 2N + i to 2N + i + 1 us. The makespan is
 * N x 3 us (600 us for 200, 1.2 ms for 400): the measured throughput is
 * (1200 - 600) us / 200 = 3 us per iteration, the ResMII. Iterations start every 2 us
 * (the landed figure, "2 us on average", was that spacing) and complete every 1 us, all
 * at the end: no steady state, so the II is the time per iteration over the whole loop,
 * 600 us / 200 = 3 us, and says so. The middle half is iterations 200/4 = 50 to
 * 199 - 50 = 149. */
static void free_ops(void **state)
{
    (void)state;
    const char *sets[] = {"plan.iterations=400"};
    pl_session *a = throughput(sets, 0);
    assert_string_equal(figure(a, "II")->text,
                        "3 us per iteration over the whole loop (600 us from its first start to "
                        "its last end, 200 iterations); the loop is too short to reach a steady "
                        "state: iterations 50 to 149 complete at a slope of 1 us per iteration, "
                        "below the MII 3 us");
    /* No repetition: no loop phases and no body. */
    assert_null(find(a, "loop phases"));
    assert_null(find(a, "body"));
    pl_session_destroy(a);
}

/* The same loop with a at 5 us on two units: ResMII = (5 + 1) us / 2 units = 3 us. The a
 * pair up, a_i at 5 floor(i / 2) us on both units until 500 us, then the b two at a time
 * until 600 us (1.2 ms for 400): 3 us per iteration. Iteration 199 starts at 495 us, so
 * the landed figure was 495 us / 199 = 2.487 us. */
static void free_ops_two_units(void **state)
{
    (void)state;
    const char *sets[] = {"plan.units.v=2", "plan.ops[0].latency=5us", "plan.iterations=400"};
    pl_session *a = throughput(sets, 2);
    assert_true(pl_test_contains(figure(a, "II")->text, "too short to reach a steady state"));
    pl_session_destroy(a);
}

/* One iteration, a then b: 3 us, and nothing to be steady in. */
static void one_iteration(void **state)
{
    (void)state;
    const char *sets[] = {"plan.iterations=1"};
    pl_session *s = run("tests/plan_free_ops.yaml", sets, 1);
    pl_assert_near(figure(s, "II")->value, 3 * US, 1e-15);
    assert_string_equal(figure(s, "II")->text,
                        "3 us per iteration over the whole loop (3 us from its first start to "
                        "its last end, 1 iteration); the loop is too short to reach a steady "
                        "state: it has one iteration; MII 3 us");
    pl_session_destroy(s);
}

/* `pipelab plan --format json` says whether the loop reached a steady state. */
static void plan_json(void **state)
{
    (void)state;
    const char *args[] = {"plan", pl_test_src("tests/plan_free_ops.yaml"), "--format", "json",
                          NULL};
    pl_test_run r = pl_test_exec(60, args);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "\"steady\": false,\n  \"periodic\": false,"));
    pl_test_run_free(&r);
    const char *teach[] = {"plan", pl_test_src("workloads/plan_teaching.yaml"), "--format", "json",
                           NULL};
    r = pl_test_exec(60, teach);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "\"steady\": true,\n  \"periodic\": true,"));
    pl_test_run_free(&r);
}

/* workloads/plan_teaching.yaml repeats from iteration 1 (its loads at 1 us, after the
 * first pair at 0) to 15 (tests/test_plan.c works the schedule out): the prologue is 1 us,
 * the steady state runs until iteration 15 starts at 1 + 14 x 4 = 57 us, and the epilogue
 * is the rest of the 68 us. Its name is not the run's generic "phases" line, whose
 * figures (5 / 53 / 10 us) count from the pipeline being full. */
static void loop_phases(void **state)
{
    (void)state;
    pl_session *s = run("workloads/plan_teaching.yaml", NULL, 0);
    const pl_figure *f = figure(s, "loop phases");
    pl_assert_near(f->value, 56 * US, 1e-15);
    assert_string_equal(f->text, "prologue 1 us until iteration 1 starts, steady 56 us until "
                                 "iteration 15 starts, epilogue 11 us: by iteration starts (a "
                                 "run's phases line counts from the pipeline being full instead)");
    assert_null(find(s, "phases"));
    pl_session_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(free_ops),      cmocka_unit_test(free_ops_two_units),
        cmocka_unit_test(one_iteration), cmocka_unit_test(plan_json),
        cmocka_unit_test(loop_phases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
