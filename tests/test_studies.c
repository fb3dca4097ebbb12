/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_studies.c — the program's studies of one scenario: the replication table of
 * run --reps, sensitivity's ranking, bars and exit status, and compare --reps with its
 * paired intervals and its refusal of two models.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/measure/stats.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_reps_table(void **state)
{
    (void)state;
    /* Fixed durations: every replication gives the same makespan, 1224 us =
     * (10 + 8 + 6 + 12) + 99 x 12 (worked out, with its sources, in the workload's
     * comment), so the spread is 0 and the interval is the mean itself. */
    const char *fixed[] = {
        "run", pl_test_src("workloads/dispatch_teaching.yaml"), "--reps", "3", "-j", "2", NULL};
    pl_test_run r = pl_test_exec(120, fixed);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "3 replications, seeds 1 to 3"));
    assert_true(pl_test_contains(r.out,
                                 "\nmakespan                   1.224 ms     0 s  1.224 ms to "
                                 "1.224 ms  1.224 ms  1.224 ms\n"));
    assert_true(pl_test_contains(r.out, "device.stream utilization"));
    pl_test_run_free(&r);
    /* Random kernels: five seeds from 11, the same table with 1 or 2 jobs at a time. */
    const char *one[] = {"run",      pl_test_src("workloads/dispatch_teaching.yaml"),
                         "--set",    "dispatch.ops[0].kernel={dist: normal, mean: 12us, sd: 3us}",
                         "--reps",   "5",
                         "--seed",   "11",
                         "--format", "json",
                         NULL};
    const char *two[] = {"run",      pl_test_src("workloads/dispatch_teaching.yaml"),
                         "--set",    "dispatch.ops[0].kernel={dist: normal, mean: 12us, sd: 3us}",
                         "--reps",   "5",
                         "--seed",   "11",
                         "--format", "json",
                         "-j",       "2",
                         NULL};
    pl_test_run a = pl_test_exec(120, one), b = pl_test_exec(120, two);
    assert_int_equal(a.status, 0);
    assert_string_equal(a.out, b.out);
    assert_true(pl_test_contains(a.out, "\"first_seed\": 11"));
    assert_true(pl_test_contains(a.out, "\"n\": 5"));
    pl_test_run_free(&a);
    pl_test_run_free(&b);
}

static void test_sensitivity_ranks_the_kernel_first(void **state)
{
    (void)state;
    /* The teaching run is device-bound: makespan = 24 us + 100 x kernel (the first op's
     * host steps, then the kernels back to back, as the workload's comment works out), so
     * the kernel at 10.8 us and 13.2 us gives 1104 us and 1344 us, a swing of 240 us; the
     * host steps move it by one op's share only (the first op's fill). */
    const char *args[] = {"sensitivity",
                          pl_test_src("workloads/dispatch_teaching.yaml"),
                          "--keys",
                          "dispatch.ops[0].infer,dispatch.ops[0].kernel,"
                          "dispatch.threads.launch",
                          "-j",
                          "2",
                          NULL};
    pl_test_run r = pl_test_exec(120, args);
    /* The refused change below makes the status 1, after the whole table. */
    assert_int_equal(r.status, 1);
    assert_true(pl_test_contains(r.err, "1 of the 6 changes did not run"));
    /* Bars are scaled to the makespan: 20 # for 10 % of it (122.4 us), so the kernel's
     * 120 us each way fills 20 (rounded), and the InferShape step's 1 us none. */
    const char *kernel = strstr(r.out, "dispatch.ops[0].kernel   ####################|####"),
               *infer = strstr(r.out, "dispatch.ops[0].infer                        |   ");
    assert_non_null(kernel);
    assert_non_null(infer);
    assert_true(kernel < infer);
    assert_true(pl_test_contains(kernel, "10.8 us  13.2 us   1.104 ms  1.344 ms  240 us (19.6 %)"));
    /* One launch thread cannot lose 10 %: 0 threads is refused and said so. */
    assert_true(pl_test_contains(r.out, "dispatch.threads.launch=0: bad-input:"));
    pl_test_run_free(&r);
    const char *text[] = {"sensitivity", pl_test_src("workloads/dispatch_teaching.yaml"), "--keys",
                          "dispatch.mode", NULL};
    r = pl_test_exec(60, text);
    assert_int_equal(r.status, 2);
    assert_true(pl_test_contains(r.err, "--keys dispatch.mode: expected a key holding one "
                                        "number, quantity or duration, got choice"));
    pl_test_run_free(&r);
}

/* The makespan of one pipelab run of stream_teaching.yaml with `set` and seed `seed`. */
static double teaching_makespan(const char *set, int seed)
{
    char s[32];
    snprintf(s, sizeof s, "%d", seed);
    const char *args[] = {"run", pl_test_src("workloads/stream_teaching.yaml"), "--set", set,
                          "--seed", s, "--no-advice", "--format", "json", NULL};
    pl_test_run r = pl_test_exec(60, args);
    assert_int_equal(r.status, 0);
    json_error_t err;
    json_t *j = json_loads(r.out, 0, &err);
    assert_non_null(j);
    double m = json_real_value(json_object_get(j, "makespan_s"));
    json_decref(j);
    pl_test_run_free(&r);
    return m;
}

/* compare --reps: each side with seeds 1 to 3, paired by seed. The differences are those of
 * the single runs (pipelab run --seed k of each side), their mean and Student-t interval
 * those of stats.h over the three (t(0.975, 2) = 4.302653); the deterministic teaching
 * dispatch run gives its single difference (1.224 - 2.412 ms) with no spread. Scenarios
 * of two models are refused unless --any-model asks. */
static void test_compare_reps(void **state)
{
    (void)state;
    const char *args[] = {"compare", pl_test_src("workloads/stream_teaching.yaml"), "--a",
                          "stream.buffer=1", "--b", "stream.buffer=4", "--reps", "3", "-j", "2",
                          "--format", "json", NULL};
    pl_test_run r = pl_test_exec(120, args);
    assert_int_equal(r.status, 0);
    json_error_t err;
    json_t *j = json_loads(r.out, 0, &err);
    assert_non_null(j);
    double delta[3];
    for (int k = 0; k < 3; k++)
        delta[k] = teaching_makespan("stream.buffer=4", k + 1) -
                   teaching_makespan("stream.buffer=1", k + 1);
    pl_stats st;
    pl_stats_of(delta, 3, &st);
    json_t *m = json_object_get(json_object_get(json_object_get(j, "figures"), "makespan_s"),
                                "b_minus_a");
    pl_assert_near(json_real_value(json_object_get(m, "mean")), st.mean, 1e-15);
    pl_assert_near(json_real_value(json_object_get(m, "ci_low")), st.ci_low, 1e-15);
    pl_assert_near(json_real_value(json_object_get(m, "ci_high")), st.ci_high, 1e-15);
    pl_assert_near(st.ci_high - st.mean, 4.302653 * st.sd / sqrt(3), 1e-9);
    assert_int_equal(json_integer_value(json_object_get(j, "pairs")), 3);
    json_decref(j);
    pl_test_run_free(&r);
    const char *fixed[] = {"compare", pl_test_src("workloads/dispatch_teaching.yaml"), "--a",
                           "dispatch.mode=serial", "--reps", "2", NULL};
    r = pl_test_exec(120, fixed);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "-1.188 ms ± 0 s"));
    assert_true(pl_test_contains(r.out, "B is faster than A"));
    pl_test_run_free(&r);
    /* pl_test_src's text lasts until its next call: the first path is copied. */
    char dispatch[512];
    snprintf(dispatch, sizeof dispatch, "%s", pl_test_src("workloads/dispatch_teaching.yaml"));
    const char *models[] = {"compare", dispatch, pl_test_src("workloads/tile_gemm.yaml"), NULL};
    r = pl_test_exec(60, models);
    assert_int_equal(r.status, 2);
    assert_true(pl_test_contains(r.err, "A is a dispatch scenario and B a tile one"));
    pl_test_run_free(&r);
    const char *anyway[] = {"compare", dispatch, pl_test_src("workloads/tile_gemm.yaml"),
                            "--any-model", NULL};
    r = pl_test_exec(60, anyway);
    assert_int_equal(r.status, 0);
    pl_test_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reps_table),
        cmocka_unit_test(test_sensitivity_ranks_the_kernel_first),
        cmocka_unit_test(test_compare_reps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
