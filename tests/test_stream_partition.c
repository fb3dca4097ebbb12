/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_stream_partition.c — the optimal cut of a task chain into pipeline stages.
 *
 * Expected values: the optimal decompositions {(tasks, threads)} that StreamPU's
 * scheduler tests expect of its OTAC scheduler on identical cores (ci/test-sched.sh in
 * github.com/aff3ct/streampu). Its five-task chains have latencies 1.5, 15, 20, 15 and
 * 1.5 as the script prints them, 120 or 60 in the middle in two tests; the chains here
 * are ten times those, which scales every period and leaves the cuts alone, and the
 * periods are worked out from the cuts (the largest stage latency sum over its threads).
 * Also: small cases worked by hand in the comments. Periods are compared to 1e-9 relative
 * (partition_check.h says why). The partitioner against solvers written here, on random
 * chains: test_stream_partition_solvers.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "partition_check.h"
#include "support.h"

#include "sim/common/error.h"
#include "models/stream/partition.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#define US(x) ((x)*1e-6)
#define SEED  20240611u

/* A chain on identical cores: latency `lat` on big (and little, which has no cores),
 * stateful where `stateful` has an 'S'. */
static void identical(pl_chain_task *t, const double *lat, const char *stateful, size_t n)
{
    for (size_t i = 0; i < n; i++)
        t[i] = (pl_chain_task){{lat[i], lat[i]}, stateful[i] == 'S'};
}

/* Solves, checks the form, and compares the stages (tasks, threads), all on big cores,
 * and the period. */
static void expect(const pl_chain_task *t, uint32_t n, uint32_t big, const uint32_t *tasks,
                   const uint32_t *threads, uint32_t nstages, double period)
{
    const uint32_t cores[2] = {big, 0};
    pl_partition p;
    assert_int_equal(pl_partition_find(t, n, cores, &p), 0);
    pl_test_partition_well_formed(t, n, cores, &p);
    assert_int_equal(p.nstages, nstages);
    for (uint32_t s = 0; s < nstages; s++) {
        assert_int_equal(p.stages[s].tasks, tasks[s]);
        assert_int_equal(p.stages[s].threads, threads[s]);
        assert_int_equal(p.stages[s].type, PL_CORE_BIG);
    }
    pl_assert_near(p.period, period, PL_TEST_PERIOD_REL * period);
    pl_partition_fini(&p);
}

/* test-sched.sh, "one resource": 15, 150, 200S, 150, 15 on R = 1 -> {(5,1)}, period
 * 15 + 150 + 200 + 150 + 15 = 530. */
static void test_sched_one_core(void **state)
{
    (void)state;
    const double lat[] = {US(15), US(150), US(200), US(150), US(15)};
    pl_chain_task t[5];
    identical(t, lat, "..S..", 5);
    expect(t, 5, 1, (uint32_t[]){5}, (uint32_t[]){1}, 1, US(530));
}

/* test-sched.sh, "stateless chain": 15, 150, 200, 150, 15 all replicable on R = t ->
 * {(5,t)}, period 530/t, for t = 1..8. 530/t computed in floating point must give back t
 * threads, not t + 1. */
static void test_sched_replicable(void **state)
{
    (void)state;
    const double lat[] = {US(15), US(150), US(200), US(150), US(15)};
    pl_chain_task t[5];
    identical(t, lat, ".....", 5);
    for (uint32_t r = 1; r <= 8; r++)
        expect(t, 5, r, (uint32_t[]){5}, (uint32_t[]){r}, 1, US(530) / r);
}

/* test-sched.sh, "stateful chain": all stateful on R >= 3 (3, 4 and 10 here) ->
 * {(2,1)(1,1)(2,1)}, period max(15 + 150, 200, 150 + 15) = 200. */
static void test_sched_all_stateful(void **state)
{
    (void)state;
    const double lat[] = {US(15), US(150), US(200), US(150), US(15)};
    pl_chain_task t[5];
    identical(t, lat, "SSSSS", 5);
    const uint32_t cores[] = {3, 4, 10};
    for (int c = 0; c < 3; c++)
        expect(t, 5, cores[c], (uint32_t[]){2, 1, 2}, (uint32_t[]){1, 1, 1}, 3, US(200));
}

/* test-sched.sh, "one stateless task": 15S, 150S, 1200, 150S, 15S on R = 6 ->
 * {(2,1)(1,4)(2,1)}, period max(165, 1200 / 4, 165) = 300. */
static void test_sched_replicated_middle(void **state)
{
    (void)state;
    const double lat[] = {US(15), US(150), US(1200), US(150), US(15)};
    pl_chain_task t[5];
    identical(t, lat, "SS.SS", 5);
    expect(t, 5, 6, (uint32_t[]){2, 1, 2}, (uint32_t[]){1, 4, 1}, 3, US(300));
}

/* test-sched.sh, "one stateful task": 15, 150, 600S, 150, 15 on R = 3 ->
 * {(2,1)(1,1)(2,1)}, period max(165, 600, 165) = 600. */
static void test_sched_stateful_middle(void **state)
{
    (void)state;
    const double lat[] = {US(15), US(150), US(600), US(150), US(15)};
    pl_chain_task t[5];
    identical(t, lat, "..S..", 5);
    expect(t, 5, 3, (uint32_t[]){2, 1, 2}, (uint32_t[]){1, 1, 1}, 3, US(600));
}

/* ---- Edge cases, worked by hand ---- */

/* One task of 6 s: replicable on 4 big cores, 4 threads and period 6/4; stateful, one
 * thread and period 6; on one big and one little core where little takes 2 s, little. */
static void test_one_task(void **state)
{
    (void)state;
    pl_chain_task t = {{6, 6}, false};
    expect(&t, 1, 4, (uint32_t[]){1}, (uint32_t[]){4}, 1, 1.5);
    t.stateful = true;
    expect(&t, 1, 4, (uint32_t[]){1}, (uint32_t[]){1}, 1, 6);
    t.latency[PL_CORE_LITTLE] = 2;
    pl_partition p;
    assert_int_equal(pl_partition_find(&t, 1, (uint32_t[]){1, 1}, &p), 0);
    assert_int_equal(p.nstages, 1);
    assert_int_equal(p.stages[0].type, PL_CORE_LITTLE);
    pl_assert_near(p.period, 2, 0);
    pl_partition_fini(&p);
}

/* A stage runs on at most 1024 threads (PL_PARTITION_MAX_THREADS), as a written one:
 * one stateless task of 2048 s on two billion cores gets 1024 threads, period 2 s; two
 * such tasks in a chain, 1024 threads each in two stages, period 2 s; on both types of
 * two billion cores each, the same, in bounded time and memory. */
static void test_stage_thread_limit(void **state)
{
    (void)state;
    pl_chain_task t[2] = {{{2048, 2048}, false}, {{2048, 2048}, false}};
    expect(t, 1, 2000000000u, (uint32_t[]){1}, (uint32_t[]){1024}, 1, 2);
    expect(t, 2, 2000000000u, (uint32_t[]){1, 1}, (uint32_t[]){1024, 1024}, 2, 2);
    pl_partition p;
    assert_int_equal(pl_partition_find(t, 2, (uint32_t[]){2000000000u, 2000000000u}, &p), 0);
    assert_int_equal(p.nstages, 2);
    assert_int_equal(p.stages[0].threads, 1024);
    assert_int_equal(p.stages[1].threads, 1024);
    assert_int_equal(p.used[PL_CORE_BIG] + p.used[PL_CORE_LITTLE], 2048);
    pl_assert_near(p.period, 2, 0);
    pl_partition_fini(&p);
}

/* A task that cannot run on big, with only big cores: nothing fits. Nor does a chain of
 * big-only, little-only, big-only tasks on one core of each type: it needs two big
 * stages. No cores at all fit nothing either. */
static void test_nothing_fits(void **state)
{
    (void)state;
    pl_chain_task t[3] = {{{1, 1}, false}, {{INFINITY, 1}, false}, {{1, 1}, false}};
    pl_partition p;
    assert_int_equal(pl_partition_find(t, 3, (uint32_t[]){2, 0}, &p), PL_EINVAL);
    assert_int_equal(p.nstages, 0);
    assert_null(p.stages);
    pl_partition_fini(&p);
    t[0].latency[1] = t[2].latency[1] = INFINITY;
    assert_int_equal(pl_partition_find(t, 3, (uint32_t[]){1, 1}, &p), PL_EINVAL);
    assert_int_equal(pl_partition_find(t, 3, (uint32_t[]){0, 0}, &p), PL_EINVAL);
    /* With two big cores it fits: (1) big, (1) little, (1) big, period 1. */
    assert_int_equal(pl_partition_find(t, 3, (uint32_t[]){2, 1}, &p), 0);
    assert_int_equal(p.nstages, 3);
    pl_assert_near(p.period, 1, 0);
    pl_partition_fini(&p);
}

/* HeRAD's case, little cores faster for some tasks. Stateful tasks with big latencies
 * 1, 10, 1 and little 10, 2, 10 on 2 big + 1 little cores: the middle task must go alone
 * to little (10 on big, 12 with a neighbour on little), its neighbours alone to big, so
 * {(1,big,1)(1,little,1)(1,big,1)} with period 2 (loads 1, 2, 1), 2 big + 1 little. */
static void test_mixed_types(void **state)
{
    (void)state;
    const pl_chain_task t[3] = {{{1, 10}, true}, {{10, 2}, true}, {{1, 10}, true}};
    const uint32_t cores[2] = {2, 1};
    pl_partition p;
    assert_int_equal(pl_partition_find(t, 3, cores, &p), 0);
    pl_test_partition_well_formed(t, 3, cores, &p);
    assert_int_equal(p.nstages, 3);
    const pl_core_type types[] = {PL_CORE_BIG, PL_CORE_LITTLE, PL_CORE_BIG};
    for (int s = 0; s < 3; s++) {
        assert_int_equal(p.stages[s].tasks, 1);
        assert_int_equal(p.stages[s].threads, 1);
        assert_int_equal(p.stages[s].type, types[s]);
    }
    pl_assert_near(p.period, 2, 0);
    assert_int_equal(p.used[PL_CORE_BIG], 2);
    assert_int_equal(p.used[PL_CORE_LITTLE], 1);
    pl_partition_fini(&p);
}

/* No big cores, 3 little: test-sched.sh's 15, 150, 200S, 150, 15 on little cores gives the
 * same cut as on 3 identical cores, {(2,1)(1,1)(2,1)} with period 200 (200S alone bounds
 * it; two more stages hold its neighbours); the big latencies, 1 us each, are unused. */
static void test_little_only(void **state)
{
    (void)state;
    const double lat[] = {US(15), US(150), US(200), US(150), US(15)};
    pl_chain_task t[5];
    identical(t, lat, "..S..", 5);
    for (int i = 0; i < 5; i++)
        t[i].latency[PL_CORE_BIG] = US(1);
    const uint32_t cores[2] = {0, 3};
    pl_partition p;
    assert_int_equal(pl_partition_find(t, 5, cores, &p), 0);
    pl_test_partition_well_formed(t, 5, cores, &p);
    const uint32_t tasks[] = {2, 1, 2};
    assert_int_equal(p.nstages, 3);
    for (int s = 0; s < 3; s++) {
        assert_int_equal(p.stages[s].tasks, tasks[s]);
        assert_int_equal(p.stages[s].threads, 1);
        assert_int_equal(p.stages[s].type, PL_CORE_LITTLE);
    }
    pl_assert_near(p.period, US(200), PL_TEST_PERIOD_REL * US(200));
    pl_partition_fini(&p);
}

/* 0.1 + 0.2 replicable on 3 cores: 0.1 | 0.2 on 1 + 2 threads and the whole chain on 3
 * threads both have period 0.1 (in floating point 0.1 and 0.30000000000000004 / 3), so the
 * tolerance makes them equal and the single stage wins on stages: {(2,3)}. */
static void test_tolerance(void **state)
{
    (void)state;
    const double lat[] = {0.1, 0.2};
    pl_chain_task t[2];
    identical(t, lat, "..", 2);
    expect(t, 2, 3, (uint32_t[]){2}, (uint32_t[]){3}, 1, 0.1);
}

/* ---- Longer chains, where the partitioner narrows its window on the period first ---- */

/* test-sched.sh's stateless chain at length: 400 tasks of 1..9 (from SEED), all
 * replicable, on 64 identical cores. No period is below the total work over all the
 * cores, the whole chain on 64 threads reaches it, any partition at that period needs all
 * 64 cores, and the fewest stages is one: {(400,64)} with period total / 64. */
static void test_long_replicable(void **state)
{
    (void)state;
    enum { N = 400 };
    pl_chain_task t[N];
    uint64_t rng = SEED;
    double total = 0;
    for (int i = 0; i < N; i++) {
        double lat = 1 + pl_test_below(&rng, 9);
        t[i] = (pl_chain_task){{lat, lat}, false};
        total += lat;
    }
    expect(t, N, 64, (uint32_t[]){N}, (uint32_t[]){64}, 1, total / 64);
}

/* 1000 stateful tasks of 1..100 (from SEED) on 1000 identical cores: each task can have a
 * core of its own, so the period is the largest latency; the fewest stages at that period
 * is what packing the chain from its start gives (a stage closes when the next task would
 * take it past the period), one core each. Integer latencies: the sums are exact. */
static void test_long_stateful(void **state)
{
    (void)state;
    enum { N = 1000 };
    pl_chain_task t[N];
    uint64_t rng = SEED;
    double largest = 0;
    for (int i = 0; i < N; i++) {
        double lat = 1 + pl_test_below(&rng, 100);
        t[i] = (pl_chain_task){{lat, lat}, true};
        largest = fmax(largest, lat);
    }
    uint32_t stages = 1;
    double load = 0;
    for (int i = 0; i < N; i++) {
        stages += load + t[i].latency[0] > largest;
        load = load + t[i].latency[0] > largest ? t[i].latency[0] : load + t[i].latency[0];
    }
    const uint32_t cores[2] = {N, 0};
    pl_partition p;
    assert_int_equal(pl_partition_find(t, N, cores, &p), 0);
    pl_test_partition_well_formed(t, N, cores, &p);
    pl_assert_near(p.period, largest, 0);
    assert_int_equal(p.nstages, stages);
    assert_int_equal(p.used[PL_CORE_BIG], stages);
    pl_partition_fini(&p);
}

/* A chain of n tasks from SEED: latencies 1..100 us on big and 0.5 to 3 times that on
 * little; one task in `one_in` stateful (none when 0). */
static void random_chain(pl_chain_task *t, int n, uint32_t one_in)
{
    uint64_t rng = SEED;
    for (int i = 0; i < n; i++) {
        double big = US(1 + pl_test_below(&rng, 100)); /* one draw per statement: in order */
        double little = big * (0.5 + 0.25 * pl_test_below(&rng, 11));
        bool stateful = one_in && pl_test_below(&rng, one_in) == 0;
        t[i] = (pl_chain_task){{big, little}, stateful};
    }
}

/* 100 tasks on 64 big + 64 little cores, one task in five stateful, then none: solved,
 * well formed, and no slower than the whole chain on one thread of its faster type.
 * Prints the time each took (not asserted: the test must not depend on the machine). */
static void test_long_chain(void **state)
{
    (void)state;
    enum { N = 100 };
    const uint32_t cores[2] = {64, 64}, stateful[] = {5, 0};
    for (int c = 0; c < 2; c++) {
        pl_chain_task t[N];
        random_chain(t, N, stateful[c]);
        double whole[2] = {0, 0};
        for (int i = 0; i < N; i++)
            for (int k = 0; k < 2; k++)
                whole[k] += t[i].latency[k];
        pl_partition p;
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        assert_int_equal(pl_partition_find(t, N, cores, &p), 0);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) * 1e-6;
        printf("100 tasks (%s) on 64 + 64 cores: %.2f ms; period %.3f us, %u stages, "
               "%u big + %u little\n",
               c == 0 ? "1 in 5 stateful" : "all replicable", ms, p.period * 1e6, p.nstages,
               p.used[0], p.used[1]);
        pl_test_partition_well_formed(t, N, cores, &p);
        assert_true(p.period <= fmin(whole[0], whole[1]));
        pl_partition_fini(&p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sched_one_core),
        cmocka_unit_test(test_sched_replicable),
        cmocka_unit_test(test_sched_all_stateful),
        cmocka_unit_test(test_sched_replicated_middle),
        cmocka_unit_test(test_sched_stateful_middle),
        cmocka_unit_test(test_one_task),
        cmocka_unit_test(test_stage_thread_limit),
        cmocka_unit_test(test_nothing_fits),
        cmocka_unit_test(test_mixed_types),
        cmocka_unit_test(test_little_only),
        cmocka_unit_test(test_tolerance),
        cmocka_unit_test(test_long_replicable),
        cmocka_unit_test(test_long_stateful),
        cmocka_unit_test(test_long_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
