/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan.c — the plan model end to end: hand-checked loops (II against ResMII
 * and RecMII), buffer versions and memory, the simulation against the planner's
 * prediction, the commands and their outputs, and bad input.
 *
 * Expected values are worked out by hand in the comments; the teaching loop's are
 * also in the comment of workloads/plan_teaching.yaml.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/measure/figure.h"
#include "sim/study/session.h"
#include "support.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US 1e-6

/* Runs a scenario file with overrides; fails the test when it does not run. */
static pl_session *run_file(const char *path, const char *const *sets, size_t nsets)
{
    pl_session *s;
    pl_diag d;
    if (pl_test_session(path, sets, nsets, &s, &d) != 0)
        fail_msg("plan scenario %s: %s", path, d.msg);
    return s;
}

/* Writes yaml into a scratch directory and runs it; *err gets the diagnostic when it
 * fails (then NULL is returned). */
static pl_session *try_yaml(const char *yaml, pl_diag *d)
{
    char *dir = pl_test_mkdtemp();
    char path[512];
    snprintf(path, sizeof path, "%s/scenario.yaml", dir);
    pl_test_write_file(path, yaml);
    pl_session *s;
    int rc = pl_test_session(path, NULL, 0, &s, d);
    pl_test_rmtree(dir);
    free(dir);
    if (rc != 0) {
        pl_session_destroy(s);
        return NULL;
    }
    return s;
}

static pl_session *run_yaml(const char *yaml)
{
    pl_diag d;
    pl_session *s = try_yaml(yaml, &d);
    if (!s)
        fail_msg("plan scenario: %s\n%s", d.msg, yaml);
    return s;
}

static double figure(const pl_session *s, const char *name)
{
    return pl_test_figure(pl_session_report(s), name)->value;
}

/* The simulated makespan equals the planner's (fixed latencies). */
static void assert_simulated_as_planned(const pl_session *s)
{
    const pl_report *r = pl_session_report(s);
    pl_assert_near(r->run.m->makespan, r->predicted, 1e-9 * r->predicted);
}

/* ---- The teaching loop ------------------------------------------------------------- */

/* workloads/plan_teaching.yaml: tensor has 4 us per iteration on one unit (ResMII 4 us),
 * no recurrence; 16 iterations at II 4 us after 1 us of loads and before 3 us of act and
 * store: 1 + 64 + 3 = 68 us. Serial baseline: 16 x (1 + 1 + 4 + 2 + 1) = 144 us. A, B and
 * C live longer than the II (load 1 us + matmul 4 us; matmul 4 us + act 2 us), D does not
 * (act 2 us + store 1 us = 3 us < 4 us). */
static void teaching_loop(void **state)
{
    (void)state;
    pl_session *s = run_file(pl_test_src("workloads/plan_teaching.yaml"), NULL, 0);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(figure(s, "II"), 4 * US, 1e-15);
    pl_assert_near(figure(s, "ResMII"), 4 * US, 1e-15);
    pl_assert_near(figure(s, "RecMII"), 0, 0);
    pl_assert_near(figure(s, "planned makespan"), 68 * US, 1e-15);
    pl_assert_near(r->run.m->makespan, 68 * US, 1e-15);
    pl_assert_near(r->baseline.m->makespan, 144 * US, 1e-15);
    assert_simulated_as_planned(s);
    assert_int_equal((int)figure(s, "buffer A"), 2);
    assert_int_equal((int)figure(s, "buffer B"), 2);
    assert_int_equal((int)figure(s, "buffer C"), 2);
    assert_int_equal((int)figure(s, "buffer D"), 1);
    /* 2 x 32 + 2 x 32 + 2 x 64 + 32 KiB = 288 KiB. */
    pl_assert_near(figure(s, "memory"), 288 * 1024.0, 0);
    pl_session_destroy(s);
}

/* With 256 KiB two copies of A, B and C (288 KiB) do not fit. Taking the second copy of
 * A and B costs the least: the loads of iteration i + 1 then wait for matmul i to finish
 * reading them, so II = load 1 us + matmul 4 us = 5 us; C keeps two copies (224 KiB).
 * Makespan: the last matmul ends at 1 + 15 x 5 + 4 = 80 us, then act and store: 83 us. */
static void teaching_loop_held_back(void **state)
{
    (void)state;
    const char *sets[] = {"plan.memory=256KiB"};
    pl_session *s = run_file(pl_test_src("workloads/plan_teaching.yaml"), sets, 1);
    pl_assert_near(figure(s, "II"), 5 * US, 1e-15);
    pl_assert_near(pl_session_report(s)->run.m->makespan, 83 * US, 1e-15);
    assert_simulated_as_planned(s);
    assert_int_equal((int)figure(s, "buffer A"), 1);
    assert_int_equal((int)figure(s, "buffer B"), 1);
    assert_int_equal((int)figure(s, "buffer C"), 2);
    pl_assert_near(figure(s, "memory"), 224 * 1024.0, 0);
    pl_session_destroy(s);
}

/* 128 KiB cannot hold one copy of each buffer (A + B + C + D = 160 KiB, all live at
 * once somewhere in every iteration's span): exit status 2, at plan.memory. */
static void teaching_loop_does_not_fit(void **state)
{
    (void)state;
    const char *args[] = {"run", pl_test_src("workloads/plan_teaching.yaml"), "--set",
                          "plan.memory=128KiB", NULL};
    pl_test_run r = pl_test_exec(60, args);
    assert_int_equal(r.status, 2);
    assert_true(pl_test_contains(r.err, "plan.memory"));
    assert_true(pl_test_contains(r.err, "one version of every buffer needs 160 KiB"));
    pl_test_run_free(&r);
}

/* The teaching loop with every latency 0. It used to be "a deadlock cycle" (exit 1), the
 * buffers of tasks that take no time sharing memory in an order no schedule has, while
 * `plan` printed "bound -0 s". By hand: every task starts and ends at 0, so the makespan,
 * the bound and every term of it are 0; the run and its baseline take 0 s, so throughput
 * and speedup are n/a (docs/reports.md: not a finite number); each buffer's value is done
 * with before the next iteration's is written, so one version of each (reused in place),
 * but all four are in use at the same moment across the 16 iterations, so none shares
 * addresses: 32 + 32 + 64 + 32 = 160 KiB. */
static void zero_latency(void **state)
{
    (void)state;
    static const char *const zero[] = {"plan.ops[0].latency=0us", "plan.ops[1].latency=0us",
                                       "plan.ops[2].latency=0us", "plan.ops[3].latency=0us",
                                       "plan.ops[4].latency=0us"};
    const char *args[16] = {"run", pl_test_src("workloads/plan_teaching.yaml")};
    size_t n = 2;
    for (size_t i = 0; i < 5; i++) {
        args[n++] = "--set";
        args[n++] = zero[i];
    }
    pl_test_run r = pl_test_exec(60, args);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_true(pl_test_contains(r.out, "\nmakespan       0 s\n"
                                        "throughput     n/a (the run takes no time)\n"
                                        "baseline       serial, makespan 0 s\n"
                                        "speedup        n/a (the run takes no time)\n"
                                        "bound          0 s, set by the critical path\n"));
    pl_test_run_free(&r);
    args[0] = "plan";
    r = pl_test_exec(60, args);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out,
                                 "planned makespan   0 s; bound 0 s = max(critical path 0 s, "
                                 "class dma's work 0 s with its lead-in and tail)"));
    assert_true(pl_test_contains(r.out, "memory             buffers take 160 KiB with reuse"));
    assert_true(pl_test_contains(r.out, "buffer A           1 version (reused in place)"));
    assert_false(pl_test_contains(r.out, "-0"));
    pl_test_run_free(&r);
}

/* ---- Hand-checked loops ------------------------------------------------------------- */

/* Three loads of 3 us on two DMA units and a 2 us compute: ResMII = 9 / 2 = 4.5 us, set by
 * dma. A schedule at 4.5 us exists (two iterations every 9 us, the loads alternating
 * between the units), and the planner finds it. */
static void resource_bound(void **state)
{
    (void)state;
    pl_session *s = run_yaml("model: plan\nmachine: {}\nplan:\n"
                             "  iterations: 20\n  units: {dma: 2, tensor: 1}\n"
                             "  buffers: {a: 1KiB, b: 1KiB, c: 1KiB}\n"
                             "  ops:\n"
                             "    - {name: la, unit: dma, latency: 3us, writes: [a]}\n"
                             "    - {name: lb, unit: dma, latency: 3us, writes: [b]}\n"
                             "    - {name: lc, unit: dma, latency: 3us, writes: [c]}\n"
                             "    - {name: mm, unit: tensor, latency: 2us, reads: [a, b, c]}\n");
    pl_assert_near(figure(s, "ResMII"), 4.5 * US, 1e-15);
    pl_assert_near(figure(s, "II"), 4.5 * US, 1e-12);
    assert_simulated_as_planned(s);
    pl_session_destroy(s);
}

/* The recurrence loop with the `after` distance d. */
#define RECURRENCE(d)                                                                              \
    "model: plan\nmachine: {}\nplan:\n"                                                            \
    "  iterations: 24\n  units: {tensor: 1, vector: 1}\n"                                          \
    "  buffers: {x: 1KiB}\n"                                                                       \
    "  ops:\n"                                                                                     \
    "    - {name: a, unit: tensor, latency: 2us, writes: [x], after: [{op: b, distance: " #d       \
    "}]}\n"                                                                                        \
    "    - {name: b, unit: vector, latency: 2us, reads: [x]}\n"

/* A recurrence: a (2 us, tensor) feeds b (2 us, vector), and a waits for b of the previous
 * iteration. The cycle a -> b -> a takes 4 us over 1 iteration: RecMII = 4 us, above
 * ResMII = 2 us, and II = 4 us: nothing can start the next a sooner. With distance 2 the
 * cycle gives 4 / 2 = 2 us = ResMII, and a_i at 2i, b_i at 2i + 2 reaches it. */
static void recurrence(void **state)
{
    (void)state;
    pl_session *s = run_yaml(RECURRENCE(1));
    pl_assert_near(figure(s, "RecMII"), 4 * US, 1e-15);
    pl_assert_near(figure(s, "ResMII"), 2 * US, 1e-15);
    pl_assert_near(figure(s, "II"), 4 * US, 1e-12);
    assert_true(
        pl_test_contains(pl_test_figure(pl_session_report(s), "RecMII")->text, "a -> b -> a"));
    assert_simulated_as_planned(s);
    pl_session_destroy(s);

    s = run_yaml(RECURRENCE(2));
    pl_assert_near(figure(s, "RecMII"), 2 * US, 1e-15);
    pl_assert_near(figure(s, "II"), 2 * US, 1e-12);
    assert_simulated_as_planned(s);
    pl_session_destroy(s);
}

/* An accumulator: acc reads and writes s in place (a recurrence of distance 1 through
 * the buffer, 3 us), fed by a 1 us load: RecMII = ResMII = 3 us; s keeps one version
 * (written in place), x needs two (the load of i + 1 runs while acc i reads x). */
static void accumulator(void **state)
{
    (void)state;
    pl_session *s = run_yaml("model: plan\nmachine: {}\nplan:\n"
                             "  iterations: 30\n  units: {dma: 1, vector: 1}\n"
                             "  buffers: {x: 4KiB, s: 1KiB}\n"
                             "  ops:\n"
                             "    - {name: load, unit: dma, latency: 1us, writes: [x]}\n"
                             "    - {name: acc, unit: vector, latency: 3us, reads: [x, s], "
                             "writes: [s]}\n");
    pl_assert_near(figure(s, "RecMII"), 3 * US, 1e-15);
    pl_assert_near(figure(s, "II"), 3 * US, 1e-12);
    /* 1 us before the first acc, then 30 x 3 us. */
    pl_assert_near(pl_session_report(s)->run.m->makespan, 91 * US, 1e-15);
    assert_int_equal((int)figure(s, "buffer s"), 1);
    assert_int_equal((int)figure(s, "buffer x"), 2);
    assert_simulated_as_planned(s);
    pl_session_destroy(s);
}

/* ---- The simulation against the plan --------------------------------------------------- */

/* A random loop with fixed latencies: 2 to 6 ops over up to three classes, buffers between
 * consecutive ops, an accumulator now and then, a loop-carried `after`, a memory limit
 * that sometimes binds. Each op takes no time with probability `zero` (drawn only when it
 * is not 0, so that the loops of zero 0 stay the same). */
static void random_loop(gsl_rng *rng, double zero, char *yaml, size_t len)
{
    static const char *classes[] = {"dma", "tensor", "vector"};
    int nops = 2 + (int)gsl_rng_uniform_int(rng, 5), iters = 4 + (int)gsl_rng_uniform_int(rng, 20);
    size_t n = (size_t)snprintf(yaml, len,
                                "model: plan\nmachine: {}\nplan:\n  iterations: %d\n"
                                "  units: {dma: %d, tensor: 1, vector: %d}\n  buffers: {",
                                iters, 1 + (int)gsl_rng_uniform_int(rng, 2),
                                1 + (int)gsl_rng_uniform_int(rng, 2));
    for (int o = 0; o < nops; o++)
        n += (size_t)snprintf(yaml + n, len - n, "%sb%d: %dKiB", o ? ", " : "", o,
                              1 + (int)gsl_rng_uniform_int(rng, 8));
    n += (size_t)snprintf(yaml + n, len - n, "}\n");
    if (gsl_rng_uniform(rng) < 0.3)
        n += (size_t)snprintf(yaml + n, len - n, "  memory: %dKiB\n",
                              8 + (int)gsl_rng_uniform_int(rng, 24));
    n += (size_t)snprintf(yaml + n, len - n, "  ops:\n");
    for (int o = 0; o < nops; o++) {
        const char *cls = classes[gsl_rng_uniform_int(rng, 3)];
        int ns = 100 * (1 + (int)gsl_rng_uniform_int(rng, 30));
        if (zero > 0 && gsl_rng_uniform(rng) < zero)
            ns = 0;
        n += (size_t)snprintf(yaml + n, len - n,
                              "    - {name: op%d, unit: %s, latency: %dns, writes: [b%d]", o, cls,
                              ns, o);
        if (o > 0)
            n += (size_t)snprintf(yaml + n, len - n, ", reads: [b%d%s]", o - 1,
                                  gsl_rng_uniform(rng) < 0.2 ? ", b0" : "");
        if (o > 0 && gsl_rng_uniform(rng) < 0.2)
            n += (size_t)snprintf(yaml + n, len - n, ", after: [{op: op%d, distance: %d}]",
                                  (int)gsl_rng_uniform_int(rng, (unsigned long)nops),
                                  1 + (int)gsl_rng_uniform_int(rng, 3));
        n += (size_t)snprintf(yaml + n, len - n, "}\n");
    }
}

/* The simulation of a plan with fixed latencies ends exactly when the planner said, on
 * 40 random loops from `seed` (printed), whose ops take no time with probability `zero`.
 * Loops whose buffers cannot fit their memory are skipped, and counted. */
static void simulate_random_loops(unsigned long seed, double zero)
{
    print_message("seed %lu, ops of no time with probability %g\n", seed, zero);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    int ran = 0, too_big = 0;
    for (int k = 0; k < 40; k++) {
        char yaml[4096];
        random_loop(rng, zero, yaml, sizeof yaml);
        pl_diag d;
        pl_session *s = try_yaml(yaml, &d);
        if (!s) {
            if (!pl_test_contains(d.msg, "one version of every buffer needs"))
                fail_msg("%s\n%s", d.msg, yaml);
            too_big++;
            continue;
        }
        const pl_report *r = pl_session_report(s);
        if (!(fabs(r->run.m->makespan - r->predicted) <= 1e-9 * r->predicted))
            fail_msg("simulated %.17g, planned %.17g\n%s", r->run.m->makespan, r->predicted, yaml);
        /* A plan never beats its bound. */
        assert_true(r->predicted >= figure(s, "planned makespan") * (1 - 1e-12));
        ran++;
        pl_session_destroy(s);
    }
    print_message("%d loops simulated as planned, %d did not fit their memory\n", ran, too_big);
    assert_true(ran >= 30);
    gsl_rng_free(rng);
}

static void simulated_equals_planned(void **state)
{
    (void)state;
    simulate_random_loops(20261121, 0);
}

/* Ops that take no time meet other tasks at one moment: they are neither a cycle (which a
 * zero-latency loop used to be reported as) nor out of their planned order. Half the ops,
 * then every op. */
static void zero_latency_loops(void **state)
{
    (void)state;
    simulate_random_loops(20261205, 0.5);
    simulate_random_loops(20261206, 1);
}

/* Random latencies: the plan uses the means (matmul 4 us: still 68 us planned), the
 * simulation the draws; the same seed gives the same bytes. */
static void random_latencies(void **state)
{
    (void)state;
    const char *args[] = {"run",      pl_test_src("workloads/plan_teaching.yaml"),
                          "--format", "json",
                          "--set",    "plan.ops[2].latency={dist: normal, mean: 4us, sd: 0.4us}",
                          "--seed",   "7",
                          NULL};
    pl_test_run a = pl_test_exec(60, args), b = pl_test_exec(60, args);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_string_equal(a.out, b.out);
    assert_true(pl_test_contains(a.out, "\"random\": true"));
    assert_true(pl_test_contains(a.out, "\"predicted_makespan_s\": 6.8e-5"));
    assert_false(pl_test_contains(a.out, "\"makespan_s\": 6.8e-5,\n  \"predicted"));
    pl_test_run_free(&a);
    pl_test_run_free(&b);
}

/* ---- Commands and outputs ----------------------------------------------------------------- */

static void plan_command(void **state)
{
    (void)state;
    const char *text[] = {"plan", pl_test_src("workloads/plan_teaching.yaml"), NULL};
    pl_test_run r = pl_test_exec(60, text);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "4 us: iterations"));
    assert_true(pl_test_contains(r.out, "schedule:"));
    assert_true(pl_test_contains(r.out, "buffer map:"));
    pl_test_run_free(&r);
    const char *json[] = {"plan", pl_test_src("workloads/plan_teaching.yaml"), "--format", "json",
                          NULL};
    r = pl_test_exec(60, json);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "\"ii_s\": 4e-6"));
    assert_true(pl_test_contains(r.out, "\"makespan_s\": 6.8e-5"));
    pl_test_run_free(&r);
}

/* -o DIR writes the schedule (16 iterations x 5 ops) and the buffer map (16 x 4 instances)
 * beside the reports. */
static void output_tables(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp();
    char out[600], path[700];
    snprintf(out, sizeof out, "%s/out", dir);
    const char *args[] = {"run", pl_test_src("workloads/plan_teaching.yaml"), "-o", out, NULL};
    pl_test_run r = pl_test_exec(60, args);
    assert_int_equal(r.status, 0);
    pl_test_run_free(&r);
    snprintf(path, sizeof path, "%s/schedule.csv", out);
    char *csv = pl_test_read_file(path, NULL);
    assert_non_null(csv);
    assert_true(strncmp(csv, "op,iteration,unit,start_s,end_s\n", 32) == 0);
    int lines = 0;
    for (char *p = csv; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + 16 * 5);
    assert_true(pl_test_contains(csv, "\nmatmul,0,tensor,1e-06,5e-06\n"));
    free(csv);
    snprintf(path, sizeof path, "%s/buffers.csv", out);
    csv = pl_test_read_file(path, NULL);
    assert_non_null(csv);
    lines = 0;
    for (char *p = csv; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + 16 * 4);
    free(csv);
    pl_test_rmtree(dir);
    free(dir);
}

/* A diamond: 1 (2) -> 2 (3), 3 (4) -> 4 (1). On 2 units: 2 + 4 + 1 = 7, the critical path;
 * on 1 unit: the work, 10. */
static void stg_command(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp();
    char path[600];
    snprintf(path, sizeof path, "%s/diamond.stg", dir);
    pl_test_write_file(path, "4\n0 0 0\n1 2 1 0\n2 3 1 1\n3 4 1 1\n4 1 2 2 3\n5 0 1 4\n");
    const char *two[] = {"plan", "--stg", path, "--units", "2", "--format", "json", NULL};
    pl_test_run r = pl_test_exec(60, two);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "\"makespan\": 7"));
    assert_true(pl_test_contains(r.out, "\"bound\": 7"));
    pl_test_run_free(&r);
    const char *one[] = {"plan", "--stg", path, "--units", "1", NULL};
    r = pl_test_exec(60, one);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "makespan  10 "));
    pl_test_run_free(&r);
    pl_test_rmtree(dir);
    free(dir);
}

/* ---- Bad input ---------------------------------------------------------------------------- */

static void bad_input(void **state)
{
    (void)state;
    static const struct {
        const char *ops, *message;
    } cases[] = {
        {"    - {name: a, unit: gpu, latency: 1us}\n",
         "plan.ops[0].unit': no unit class named 'gpu' in plan.units (it has: dma, vector)"},
        {"    - {name: a, unit: dma, latency: 1us, writes: [z]}\n",
         "no buffer named 'z' in plan.buffers (it has: x)"},
        {"    - {name: a, unit: dma, latency: 1us, bytes: 1KiB}\n",
         "the op's time is given twice (latency and bytes)"},
        {"    - {name: a, unit: dma}\n", "the op has no time"},
        {"    - {name: a, unit: dma, bytes: 1KiB}\n", "needs a rate: set plan.rates.dma"},
        {"    - {name: a, unit: dma, latency: 1us, after: [b]}\n"
         "    - {name: b, unit: vector, latency: 1us, after: [a]}\n",
         "cycle within one iteration (a -(after)-> b -(after)-> a)"},
        {"    - {name: a, unit: dma, latency: 1us, after: [{op: c}]}\n", "no op named 'c'"},
        {"    - {name: a, unit: dma, latency: 1us}\n    - {name: a, unit: dma, latency: 1us}\n",
         "an op named 'a' comes earlier"},
        {"    - {name: a, unit: dma, latency: 1us, also: [{unit: gpu, latency: 1us}]}\n",
         "plan.ops[0].also[0].unit': no unit class named 'gpu' in plan.units"},
        {"    - {name: a, unit: dma, latency: 1us, also: [{unit: dma, latency: 2us}]}\n",
         "class 'dma' already runs op a; name each class once"},
        {"    - {name: a, unit: dma, latency: 1us, also: [{unit: vector}]}\n",
         "the op has no time"},
        {"    - {name: a, unit: dma, latency: 1us}\n  intervals: {gpu: 1us}\n",
         "plan.intervals.gpu': no unit class named 'gpu' in plan.units"},
        {"    - {name: a, unit: dma, latency: 1us}\n  transfers: [{between: [dma, gpu]}]\n",
         "plan.transfers[0].between[1]': no unit class named 'gpu' in plan.units"},
        {"    - {name: a, unit: dma, latency: 1us}\n"
         "  transfers: [{between: [dma], link: MTE2, bandwidth: 1GB/s}]\n",
         "a transfer is priced by its link or by its latency and bandwidth; give one way"},
        {"    - {name: a, unit: dma, latency: 1us}\n  transfers: [{between: [dma], link: NOPE}]\n",
         "plan.transfers[0].link': no unit named 'NOPE' in machine.device.units"},
    };
    char *dir = pl_test_mkdtemp();
    char path[600];
    snprintf(path, sizeof path, "%s/bad.yaml", dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char yaml[2048];
        snprintf(yaml, sizeof yaml,
                 "model: plan\nmachine: {}\nplan:\n  iterations: 4\n"
                 "  units: {dma: 1, vector: 1}\n  buffers: {x: 1KiB}\n  ops:\n%s",
                 cases[i].ops);
        pl_test_write_file(path, yaml);
        const char *args[] = {"run", path, NULL};
        pl_test_run r = pl_test_exec(60, args);
        if (r.status != 2 || !pl_test_contains(r.err, cases[i].message) ||
            !pl_test_contains(r.err, "bad.yaml:"))
            fail_msg("case %zu: status %d, stderr: %s", i, r.status, r.err);
        pl_test_run_free(&r);
    }
    pl_test_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(teaching_loop),
        cmocka_unit_test(teaching_loop_held_back),
        cmocka_unit_test(teaching_loop_does_not_fit),
        cmocka_unit_test(resource_bound),
        cmocka_unit_test(recurrence),
        cmocka_unit_test(accumulator),
        cmocka_unit_test(simulated_equals_planned),
        cmocka_unit_test(zero_latency_loops),
        cmocka_unit_test(random_latencies),
        cmocka_unit_test(plan_command),
        cmocka_unit_test(output_tables),
        cmocka_unit_test(stg_command),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(zero_latency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
