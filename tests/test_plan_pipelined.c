/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_pipelined.c — pipelined unit classes (plan.intervals): a unit takes a new op
 * every interval while earlier ones are still in flight, in the scheduler, the bounds, the
 * lowering and the simulation.
 *
 * Expected values are worked out by hand in the comments; the random loops are checked
 * against the validator (plan_valid.h), which holds the rule apart from the scheduler's
 * code, and against ResMII recomputed here from the rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/plan/bounds.h"
#include "models/plan/make.h"
#include "models/plan/sched.h"
#include "sim/graph/graph.h"
#include "sim/measure/figure.h"
#include "sim/measure/metrics.h"
#include "sim/report/report.h"
#include "sim/study/session.h"
#include "plan_loops.h"
#include "plan_valid.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US 1e-6

/*
 * A multiply-accumulate loop on a pipelined MAC unit (issue interval 1 us, latency 4 us)
 * fed by a DMA load of 1 us:
 *
 *   load (dma) -> mul (mac) -> acc (mac), acc also reading its own S of the previous
 *   iteration (a recurrence of 4 us over 1 iteration).
 *
 * Pipelined, mul and acc hold the MAC unit 1 us each: ResMII = 2 us, RecMII = 4 us, so
 * II = 4 us. The recurrence sets the makespan: load 0 ends at 1, mul 0 at 5, acc 0 at 9,
 * and each acc after the one before: acc 9 ends at 9 + 9 x 4 = 45 us (the critical path
 * 1 + 4 + 10 x 4). Without the interval each op holds the unit for its 4 us: ResMII =
 * 8 us, and the unit's 80 us of work after the first load's 1 us give 81 us, the bound.
 */
static const char mac_loop[] = "model: plan\n"
                               "machine: {}\n"
                               "plan:\n"
                               "  iterations: 10\n"
                               "  units: {dma: 1, mac: 1}\n"
                               "  buffers: {X: 1KiB, M: 1KiB, S: 1KiB}\n"
                               "  ops:\n"
                               "    - {name: load, unit: dma, latency: 1us, writes: [X]}\n"
                               "    - {name: mul, unit: mac, latency: 4us, reads: [X], "
                               "writes: [M]}\n"
                               "    - {name: acc, unit: mac, latency: 4us, reads: [M, S], "
                               "writes: [S]}\n";

static const pl_figure *figure(const pl_session *s, const char *name)
{
    const pl_figure *f = pl_test_figure(pl_session_report(s), name);
    if (!f)
        fail_msg("no figure '%s'", name);
    return f;
}

static void test_mac_by_hand(void **state)
{
    (void)state;
    static const char *const pipelined[] = {"plan.intervals.mac=1us"};
    pl_session *s = pl_test_run_yaml(mac_loop, pipelined, 1);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(figure(s, "ResMII")->value, 2 * US, 1e-15);
    pl_assert_near(figure(s, "RecMII")->value, 4 * US, 1e-15);
    pl_assert_near(figure(s, "II")->value, 4 * US, 1e-15);
    pl_assert_near(figure(s, "planned makespan")->value, 45 * US, 1e-15);
    /* The simulation of the lowered graph reproduces the plan: each op's hold on the unit,
     * then its flight on a lane of the unit, which never delays it. */
    pl_assert_near(r->predicted, 45 * US, 1e-15);
    pl_assert_near(r->run.m->makespan, 45 * US, 1e-15);
    /* 30 holds and 20 flights (mul and acc are longer than the interval; load's class is
     * not pipelined). */
    assert_int_equal(pl_graph_task_count(pl_session_graph(s)), 50);
    pl_session_destroy(s);

    s = pl_test_run_yaml(mac_loop, NULL, 0);
    r = pl_session_report(s);
    pl_assert_near(figure(s, "ResMII")->value, 8 * US, 1e-15);
    pl_assert_near(figure(s, "II")->value, 8 * US, 1e-15);
    pl_assert_near(figure(s, "planned makespan")->value, 81 * US, 1e-15);
    pl_assert_near(r->run.m->makespan, 81 * US, 1e-15);
    assert_int_equal(pl_graph_task_count(pl_session_graph(s)), 30);
    pl_session_destroy(s);
}

/*
 * Two pipelined units (interval 1 us) and a DMA unit, no recurrence: per iteration a
 * load of 1 us and four independent 3 us ops on the two units. The pipelined class holds
 * each unit 4 x 1 / 2 = 2 us per iteration, the DMA 1 us: ResMII = 2 us. Over 20
 * iterations the pipes issue back to back from 1 us on (the first load's end), faster
 * than the loads need: 80 issues over 2 units end at 1 + 40 = 41 us, and the last op is
 * in flight 2 us more: 43 us, the resource bound (lead-in 1 us, 40 us of holds, 2 us of
 * flight).
 */
static void test_two_pipes(void **state)
{
    (void)state;
    static const char yaml[] = "model: plan\n"
                               "machine: {}\n"
                               "plan:\n"
                               "  iterations: 20\n"
                               "  units: {dma: 1, vec: 2}\n"
                               "  intervals: {vec: 1us}\n"
                               "  buffers: {X: 1KiB}\n"
                               "  ops:\n"
                               "    - {name: load, unit: dma, latency: 1us, writes: [X]}\n"
                               "    - {name: a, unit: vec, latency: 3us, reads: [X]}\n"
                               "    - {name: b, unit: vec, latency: 3us, reads: [X]}\n"
                               "    - {name: c, unit: vec, latency: 3us, reads: [X]}\n"
                               "    - {name: d, unit: vec, latency: 3us, reads: [X]}\n";
    pl_session *s = pl_test_run_yaml(yaml, NULL, 0);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(figure(s, "ResMII")->value, 2 * US, 1e-15);
    pl_assert_near(figure(s, "planned makespan")->value, 43 * US, 1e-15);
    pl_assert_near(r->run.m->makespan, 43 * US, 1e-15);
    pl_session_destroy(s);
}

/* ResMII recomputed from the rule: the busiest class's holds per iteration over its
 * units. */
static double res_mii(const pl_plan_loop *l)
{
    double worst = 0;
    for (uint32_t c = 0; c < l->nclasses; c++) {
        double w = 0, interval = l->classes[c].interval;
        for (uint32_t o = 0; o < l->nops; o++)
            if (l->ops[o].cls == c)
                w += interval > 0 && interval < l->ops[o].latency ? interval : l->ops[o].latency;
        worst = fmax(worst, w / l->classes[c].units);
    }
    return worst;
}

/* Random loops (plan_loops.h) with random whole intervals of 1 to 8 on about half of their
 * classes: every schedule valid under the pipelined rule, never shorter than its bound, and
 * ResMII as the rule gives it. And an interval no shorter than any op of its class changes
 * nothing: the same schedule, task by task, as without it. */
static void test_random(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(20261206, "random pipelined loops");
    uint32_t pipelined = 0, shorter = 0;
    for (uint32_t c = 0; c < 300; c++) {
        uint32_t n = pl_test_draw(r, 3, 16), carried = pl_test_draw(r, 0, 3);
        pl_plan_loop l = pl_test_random_loop(r, n, carried, pl_test_draw(r, 1, 30));
        snprintf(pl_test_where, sizeof pl_test_where, "loop %u (%u ops, %u classes, %u deps)", c,
                 l.nops, l.nclasses, l.ndeps);
        pl_plan_options o = {.attempts = 4};
        pl_plan_schedule plain, wide, piped;
        assert_int_equal(pl_plan_schedule_loop(&l, &o, &plain), 0);
        for (uint32_t k = 0; k < l.nclasses; k++)
            for (uint32_t x = 0; x < l.nops; x++)
                if (l.ops[x].cls == k)
                    l.classes[k].interval = fmax(l.classes[k].interval, l.ops[x].latency);
        assert_int_equal(pl_plan_schedule_loop(&l, &o, &wide), 0);
        pl_test_check(pl_test_same_tasks(&plain, &wide) && plain.makespan == wide.makespan,
                      "an interval no shorter than every op changed the schedule");
        for (uint32_t k = 0; k < l.nclasses; k++)
            l.classes[k].interval = pl_test_chance(r, 0.5) ? pl_test_draw(r, 1, 8) : 0;
        pipelined += pl_plan_pipelined(&l);
        pl_plan_bounds b;
        assert_int_equal(pl_plan_bounds_compute(&l, &b), 0);
        pl_test_check(b.res_mii == res_mii(&l), "ResMII %g, the rule gives %g", b.res_mii,
                      res_mii(&l));
        assert_int_equal(pl_plan_schedule_loop(&l, &o, &piped), 0);
        pl_test_validate(&l, &piped, 0);
        pl_test_check(piped.makespan >= b.makespan, "makespan %g below the bound %g",
                      piped.makespan, b.makespan);
        shorter += piped.makespan < plain.makespan;
        pl_plan_bounds_fini(&b);
        pl_plan_schedule_fini(&plain);
        pl_plan_schedule_fini(&wide);
        pl_plan_schedule_fini(&piped);
        pl_plan_loop_fini(&l);
    }
    print_message("300 loops, %u with a pipelined class; shorter than unpipelined on %u\n",
                  pipelined, shorter);
    assert_true(pipelined > 100);
    assert_true(shorter > 50);
    gsl_rng_free(r);
}

/* The lowering reproduces the plan on random pipelined loops: the simulated makespan is the
 * planned one (to 1e-9), so no flight waits for its lane and every hold is where the plan
 * put it. */
static void test_random_lowered(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(20261207, "random pipelined loops, simulated");
    for (uint32_t c = 0; c < 40; c++) {
        pl_plan_loop l = pl_test_random_loop(r, pl_test_draw(r, 3, 10), pl_test_draw(r, 0, 3),
                                             pl_test_draw(r, 4, 30));
        for (uint32_t k = 0; k < l.nclasses; k++)
            l.classes[k].interval = pl_test_chance(r, 0.7) ? pl_test_draw(r, 1, 6) : 0;
        char *yaml = pl_test_loop_yaml(&l);
        snprintf(pl_test_where, sizeof pl_test_where, "loop %u:\n%s", c, yaml);
        pl_session *s = pl_test_run_yaml(yaml, NULL, 0);
        const pl_report *rep = pl_session_report(s);
        pl_test_check(fabs(rep->run.m->makespan - rep->predicted) <= 1e-9 * rep->predicted,
                      "simulated %g, planned %g", rep->run.m->makespan, rep->predicted);
        pl_session_destroy(s);
        free(yaml);
        pl_plan_loop_fini(&l);
    }
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mac_by_hand),
        cmocka_unit_test(test_two_pipes),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_random_lowered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
