/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_as_plain.c — the scheduler does not run a fixed rule's pass that would make the
 * plain rule's schedule again (models/plan/sched.c, as_plain): "b-level, no insertion" when
 * the plain pass put no task in a gap, "b-level, most successors first" when no two tasks of
 * equal priority that the plain pass compared had different counts of successors. The
 * schedule found must be the one that running every pass finds (pl_plan_options.every_rule):
 * bit for bit, every task's slot, the makespan, the rule that gave it, how many schedules
 * were tried, and the fixed rules' own schedule where a perturbation won.
 *
 * On random DAGs as the Standard Task Graph set draws them (plan_loops.h: four edge
 * generators, 20 to 150 tasks, 2 to 8 units) and random loops (several classes,
 * loop-carried dependencies, with and without a window), from fixed seeds; the test also
 * asserts that passes were left out on many of them, so that the comparison is not empty.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/plan/sched.h"
#include "plan_loops.h"

#include <stdio.h>

/* Field by field (the slots have padding). */
static bool same_schedule(const pl_plan_schedule *a, const pl_plan_schedule *b)
{
    if (a->ntasks != b->ntasks || a->makespan != b->makespan || a->rule != b->rule ||
        a->tried != b->tried || a->window != b->window || !a->tasks != !b->tasks)
        return false;
    for (uint32_t t = 0; a->tasks && t < a->ntasks; t++)
        if (a->tasks[t].unit != b->tasks[t].unit || a->tasks[t].start != b->tasks[t].start ||
            a->tasks[t].end != b->tasks[t].end)
            return false;
    return true;
}

/* Schedules l with window w both ways (the whole search, 8 perturbations, and the fixed
 * rules' schedule beside it) and compares; returns how many passes were left out. */
static uint32_t agrees(const pl_plan_loop *l, uint32_t w, const char *what, int k)
{
    pl_plan_schedule s[2], fixed[2];
    uint32_t unrun[2];
    for (int every = 0; every < 2; every++) {
        pl_plan_options o = {.window = w,
                             .attempts = 8,
                             .fixed = &fixed[every],
                             .every_rule = every,
                             .unrun = &unrun[every]};
        if (pl_plan_schedule_loop(l, &o, &s[every]) != 0)
            fail_msg("%s %d: cannot schedule", what, k);
    }
    if (!same_schedule(&s[0], &s[1]) || !same_schedule(&fixed[0], &fixed[1]))
        fail_msg("%s %d (%u ops, %u iterations, window %u): leaving out the passes that the "
                 "plain rule's would repeat changes the schedule",
                 what, k, l->nops, l->iterations, w);
    assert_int_equal(unrun[1], 0);
    for (int every = 0; every < 2; every++) {
        pl_plan_schedule_fini(&s[every]);
        pl_plan_schedule_fini(&fixed[every]);
    }
    return unrun[0];
}

static void test_random_dags(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(20261206, "test_random_dags");
    static const uint32_t sizes[] = {20, 60, 150}, units[] = {2, 4, 8};
    uint32_t cases = 0, left_out = 0;
    for (int g = 0; g < 8; g++)
        for (size_t n = 0; n < sizeof sizes / sizeof sizes[0]; n++)
            for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
                pl_plan_loop l =
                    pl_test_random_dag(r, (pl_test_shape)(g % PL_TEST_NSHAPES), sizes[n], units[u]);
                left_out += agrees(&l, 0, "dag", (int)cases) > 0;
                cases++;
                pl_plan_loop_fini(&l);
            }
    gsl_rng_free(r);
    printf("%u of %u DAGs left passes out\n", left_out, cases);
    assert_true(left_out >= cases / 4);
}

struct loops {
    const char *what;
    uint32_t cases, left_out;
};

static void one_loop(const pl_plan_loop *l, uint32_t w, int k, void *ctx)
{
    struct loops *n = ctx;
    n->left_out += agrees(l, w, n->what, k) > 0;
    n->cases++;
}

/* 48 random loops (3-10 ops, 0-3 carried dependencies, 20 to `most` iterations) at windows 0
 * and 2; with `choices`, ops that may run on several classes, transfers between units and
 * some pipelined classes too (plan_loops.h). */
static void random_loops(unsigned long seed, const char *what, uint32_t most, bool choices)
{
    struct loops n = {what, 0, 0};
    pl_test_each_random_loop(seed, what, most, choices, one_loop, &n);
    printf("%u of %u %ss left passes out\n", n.left_out, n.cases, what);
    assert_true(n.left_out >= n.cases / 4);
}

static void test_random_loops(void **state)
{
    (void)state;
    random_loops(20261207, "loop", 200, false);
}

/* A pass left out would still have made the plain pass's schedule where ops may run on
 * several classes and buffers move between units. */
static void test_random_choices(void **state)
{
    (void)state;
    random_loops(20261209, "loop with choice", 100, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_dags),
        cmocka_unit_test(test_random_loops),
        cmocka_unit_test(test_random_choices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
