/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_dispatch.c — the dispatch model end to end through the session: scenario
 * file, lowering, SimGrid, metrics.
 *
 * Expected values: the makespans of flow lines, stations in series blocking after
 * service (Y. Dallery and S. B. Gershwin, "Manufacturing flow line systems: a review of
 * models and analytical results", Queueing Systems 12, 1992), worked out from
 * sum s_i + (N - 1) x max s_i: the first op's way through every station, then one op per
 * cycle of the slowest station, the line's cycle time as a marked graph (C. V. Ramamoorthy
 * and G. S. Ho, "Performance Evaluation of Asynchronous Concurrent Systems Using Petri
 * Nets", IEEE Transactions on Software Engineering SE-6(5), 1980). For the serial and
 * pipelined dispatch of workloads/dispatch_teaching.yaml (MindSpore's three host steps,
 * which it cites) that is 2412 and 1224 us. Random lines the dispatch model builds
 * (InferShape, Resize, Launch, kernel are four stations) are checked against their start
 * and leave times, computed here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/dispatch/dispatch.h"
#include "sim/study/session.h"
#include "support.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static pl_session *run(const char *scenario, const char *const *sets, size_t nsets)
{
    pl_session *s = NULL;
    pl_diag d;
    pl_diag_init(&d);
    int rc = pl_session_open(scenario, sets, nsets, &s, &d);
    if (rc == 0)
        rc = pl_session_run(s, &d);
    if (rc != 0)
        fail_msg("%s: %s", scenario, d.msg);
    return s;
}

static int unit_id(const pl_run *r, const char *name)
{
    for (uint32_t u = 0; u < pl_graph_unit_count(r->graph); u++)
        if (strcmp(pl_graph_unit_name(r->graph, u), name) == 0)
            return (int)u;
    fail_msg("no unit %s", name);
    return -1;
}

static const pl_unit_metrics *unit(const pl_run *r, const char *name)
{
    return &r->m->units[unit_id(r, name)];
}

/* Worked out in the workload's comment: 2412 us serial = (24 + 12) + 99 x 24, 1224 us
 * pipelined = (10 + 8 + 6 + 12) + 99 x 12, device utilization 1200 us over each, 49.75 %
 * and 98.0 %, speedup 2412 / 1224 = 1.97x. Exact to 1e-9 relative. */
static void test_teaching_dispatch(void **state)
{
    (void)state;
    pl_session *s = run(pl_test_src("workloads/dispatch_teaching.yaml"), NULL, 0);
    const pl_report *r = pl_session_report(s);
    assert_string_equal(r->mode, "pipelined");
    pl_assert_near(r->run.m->makespan, 1224e-6, 1224e-15);
    pl_assert_near(r->baseline.m->makespan, 2412e-6, 2412e-15);
    pl_assert_near(unit(&r->run, "device.stream")->utilization, 1200.0 / 1224.0, 1e-9);
    pl_assert_near(unit(&r->baseline, "device.stream")->utilization, 0.4975124378, 1e-9);
    pl_assert_near(r->speedup, 2412.0 / 1224.0, 1e-9);
    /* The serial device waits 12 us for each of 99 launches: all bubbles are `host`. */
    const pl_unit_metrics *dev = unit(&r->baseline, "device.stream");
    assert_int_equal(dev->bubbles, 99);
    pl_assert_near(dev->cause[PL_EDGE_ISSUE], 99 * 12e-6, 1e-15);
    pl_assert_near(dev->fill, 24e-6, 1e-15);
    /* Pipelined: the device is the bottleneck and the bound is met exactly. */
    pl_assert_near(r->run.bound->makespan, 1224e-6, 1224e-15);
    assert_int_equal(r->run.bound->kind, PL_BOUND_UNIT);
    assert_int_equal(r->run.bound->which, (uint32_t)unit_id(&r->run, "device.stream"));
    assert_int_equal(unit(&r->run, "device.stream")->bubbles, 0);
    pl_session_destroy(s);
}

/* Flow lines as dispatch scenarios: stations InferShape, Resize, Launch, kernel. */
static double line_makespan(const char *costs, const char *depth, int n)
{
    char ops[256], qd[64], sd[64];
    snprintf(ops, sizeof ops, "dispatch.ops=[{%s, repeat: %d}]", costs, n);
    snprintf(qd, sizeof qd, "dispatch.queue_depth=%s", depth);
    snprintf(sd, sizeof sd, "dispatch.stream_depth=%s", depth);
    const char *sets[] = {ops, qd, sd};
    pl_session *s = run(pl_test_src("workloads/dispatch_teaching.yaml"), sets, 3);
    double m = pl_session_report(s)->run.m->makespan;
    pl_session_destroy(s);
    return m;
}

static void test_flow_line_table(void **state)
{
    (void)state;
    /* (4, 1, 1, 1), N = 10, infinite buffers: 4 + 1 + 1 + 1 + 9 x 4 = 43. */
    pl_assert_near(line_makespan("infer: 4us, resize: 1us, launch: 1us, kernel: 1us",
                                     "unbounded", 10),
                       43e-6, 43e-15);
    /* (2, 3, 1) after a free first station, N = 5: 2 + 3 + 1 + 4 x 3 = 18, with no
     * waiting places (which the recurrence below also gives) and unbounded ones. */
    pl_assert_near(line_makespan("infer: 0us, resize: 2us, launch: 3us, kernel: 1us", "0", 5),
                       18e-6, 18e-15);
    pl_assert_near(line_makespan("infer: 0us, resize: 2us, launch: 3us, kernel: 1us",
                                     "unbounded", 5),
                       18e-6, 18e-15);
}

/* The flow line's start and leave times, blocking after service, with waiting places b[i]
 * after station i (-1: unbounded): S_i(k) = max(D_{i-1}(k), D_i(k-1)),
 * D_i(k) = max(S_i(k) + s_i, D_{i+1}(k - b_i - 1)). */
static double recurrence(const double *s, const int *b, int m, int n)
{
    double D[4][64];
    for (int k = 0; k < n; k++)
        for (int i = 0; i < m; i++) {
            double S = fmax(i > 0 ? D[i - 1][k] : 0, k > 0 ? D[i][k - 1] : 0);
            D[i][k] = S + s[i];
            int j = k - b[i] - 1;
            if (i + 1 < m && b[i] >= 0 && j >= 0)
                D[i][k] = fmax(D[i][k], D[i + 1][j]);
        }
    return D[m - 1][n - 1];
}

/* Random per-station costs and depths: the dispatch lowering is that flow line. */
static void test_lines_match_recurrence(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    for (int trial = 0; trial < 12; trial++) {
        double s[4];
        int n = 2 + (int)gsl_rng_uniform_int(r, 20);
        int q = (int)gsl_rng_uniform_int(r, 3), sd = (int)gsl_rng_uniform_int(r, 3);
        for (int i = 0; i < 4; i++)
            s[i] = (double)(1 + gsl_rng_uniform_int(r, 9));
        char ops[256], qd[64], sdd[64];
        snprintf(ops, sizeof ops,
                 "dispatch.ops=[{infer: %gus, resize: %gus, launch: %gus, kernel: %gus, "
                 "repeat: %d}]",
                 s[0], s[1], s[2], s[3], n);
        snprintf(qd, sizeof qd, "dispatch.queue_depth=%d", q);
        snprintf(sdd, sizeof sdd, "dispatch.stream_depth=%d", sd);
        const char *sets[] = {ops, qd, sdd};
        pl_session *ss = run(pl_test_src("workloads/dispatch_teaching.yaml"), sets, 3);
        int b[4] = {q, q, sd, -1};
        double want = recurrence(s, b, 4, n) * 1e-6;
        pl_assert_near(pl_session_report(ss)->run.m->makespan, want, 1e-9 * want);
        pl_session_destroy(ss);
    }
    gsl_rng_free(r);
}

/* A sync op's InferShape starts only after the previous kernel ended, and the wait shows
 * as a `sync` bubble on host.infer. */
static void test_sync_waits_for_device(void **state)
{
    (void)state;
    const char *sets[] = {"dispatch.ops=[{name: a, infer: 1us, resize: 1us, launch: 1us, "
                          "kernel: 50us, repeat: 3}, {name: b, infer: 1us, resize: 1us, "
                          "launch: 1us, kernel: 1us, sync: true}]"};
    pl_session *s = run(pl_test_src("workloads/dispatch_teaching.yaml"), sets, 1);
    const pl_report *r = pl_session_report(s);
    /* Kernels of a: start at 3 us, back to back: end at 153 us. Then b's host steps
     * (3 us) and kernel (1 us): 157 us. */
    pl_assert_near(r->run.m->makespan, 157e-6, 157e-15);
    const pl_unit_metrics *infer = unit(&r->run, "host.infer");
    pl_assert_near(infer->cause[PL_EDGE_SYNC], 153e-6 - 3e-6, 1e-15);
    pl_session_destroy(s);
}

/* Two Launch threads take ops round-robin; each gets half of them. */
static void test_thread_pools(void **state)
{
    (void)state;
    const char *sets[] = {"dispatch.threads.launch=2"};
    pl_session *s = run(pl_test_src("workloads/dispatch_teaching.yaml"), sets, 1);
    const pl_report *r = pl_session_report(s);
    assert_int_equal(unit(&r->run, "host.launch.0")->tasks, 50);
    assert_int_equal(unit(&r->run, "host.launch.1")->tasks, 50);
    /* The device is still the bottleneck: 1224 us. */
    pl_assert_near(r->run.m->makespan, 1224e-6, 1224e-15);
    pl_session_destroy(s);
}

/* Three pipelined threads on one core shared fairly (machine.host.scheduler.policy: fair):
 * 2400 us of host work cannot finish in less than 2400 us, and the report shows time lost
 * to sharing. */
static void test_threads_share_one_core(void **state)
{
    (void)state;
    const char *sets[] = {"machine.host.cores=1", "machine.host.scheduler.policy=fair"};
    pl_session *s = run(pl_test_src("workloads/dispatch_teaching.yaml"), sets, 2);
    const pl_report *r = pl_session_report(s);
    assert_true(r->run.m->makespan >= 2400e-6);
    assert_true(unit(&r->run, "host.infer")->contention > 1e-6);
    assert_int_equal(r->run.bound->kind, PL_BOUND_PLACE);
    /* The serial baseline has one thread: no sharing, still 2412 us. */
    pl_assert_near(r->baseline.m->makespan, 2412e-6, 2412e-15);
    pl_assert_near(unit(&r->baseline, "host.dispatch")->contention, 0, 1e-12);
    pl_session_destroy(s);
}

/* The same three threads on one core in slices (the default scheduler): a core runs one
 * thread at a time, and a thread keeps it until it blocks or its 4 ms slice is over with
 * another thread waiting. By hand: InferShape takes the core at 0 and never blocks (its
 * ops are all there), so it runs its 100 ops of 10 us to 1 ms; Resize, waiting for the
 * core since its first op came at 10 us, then runs its 100 ops of 8 us to 1.8 ms; Launch
 * its 100 of 6 us to 2.4 ms, launching kernel k at 1806 + 6k us; the stream runs the 12 us
 * kernels back to back from 1806 us: 1806 + 100 x 12 = 3006 us. No thread is ever slowed
 * by another (no time lost to sharing): they wait for the core before their tasks. */
static void test_threads_take_turns_on_one_core(void **state)
{
    (void)state;
    const char *sets[] = {"machine.host.cores=1"};
    pl_session *s = run(pl_test_src("workloads/dispatch_teaching.yaml"), sets, 1);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(r->run.m->makespan, 3006e-6, 3006e-15);
    pl_assert_near(unit(&r->run, "host.infer")->fill, 0, 1e-15);
    pl_assert_near(unit(&r->run, "host.resize")->fill, 1000e-6, 1000e-15);
    pl_assert_near(unit(&r->run, "host.launch")->fill, 1800e-6, 1800e-15);
    pl_assert_near(unit(&r->run, "device.stream")->fill, 1806e-6, 1806e-15);
    for (const char *const *u = (const char *const[]){"host.infer", "host.resize",
                                                      "host.launch", NULL};
         *u; u++)
        pl_assert_near(unit(&r->run, *u)->contention, 0, 1e-12);
    pl_session_destroy(s);
}

/* Nested groups expand in program order: 2 x (a, 3 x b) = a b b b a b b b. */
static void test_nested_groups(void **state)
{
    (void)state;
    const char *sets[] = {"dispatch.ops=[{repeat: 2, ops: [{name: a, infer: 1us, resize: 1us, "
                          "launch: 1us, kernel: 1us}, {name: b, repeat: 3, infer: 1us, "
                          "resize: 1us, launch: 1us, kernel: 2us}]}]"};
    pl_session *s = run(pl_test_src("workloads/dispatch_teaching.yaml"), sets, 1);
    const pl_report *r = pl_session_report(s);
    assert_int_equal(pl_graph_items(r->run.graph), 8);
    uint32_t n;
    const uint32_t *k = pl_graph_unit_tasks(r->run.graph, (uint32_t)unit_id(&r->run, "device.stream"), &n);
    const char *want = "abbbabbb";
    for (uint32_t i = 0; i < n; i++)
        assert_true(pl_graph_task_label(r->run.graph, k[i])[0] == want[i]);
    pl_session_destroy(s);
}

/* busy + fill + bubble + drain = makespan for every unit (metrics.h). */
static void test_time_accounts_for_makespan(void **state)
{
    (void)state;
    pl_session *s = run(pl_test_src("workloads/dispatch_llm_decode.yaml"), NULL, 0);
    const pl_report *r = pl_session_report(s);
    const pl_run *runs[] = {&r->run, &r->baseline};
    for (int i = 0; i < 2; i++)
        for (uint32_t u = 0; u < runs[i]->m->nunits; u++) {
            const pl_unit_metrics *um = &runs[i]->m->units[u];
            double sum = um->busy + um->fill + um->bubble + um->drain;
            pl_assert_near(sum, runs[i]->m->makespan, 1e-9 * runs[i]->m->makespan);
            double causes = 0;
            for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
                causes += um->cause[k];
            pl_assert_near(causes, um->bubble, 1e-12);
        }
    /* A plan never beats its bound. */
    assert_true(r->run.bound->makespan <= r->run.m->makespan * (1 + 1e-12));
    assert_true(r->baseline.bound->makespan <= r->baseline.m->makespan * (1 + 1e-12));
    pl_session_destroy(s);
}

/* What the schema cannot check, the model does, with the location of the entry. */
static void expect_error(const char *set, const char *message)
{
    const char *sets[] = {set};
    pl_session *s = NULL;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_session_open(pl_test_src("workloads/dispatch_teaching.yaml"), sets, 1, &s,
                                     &d),
                     0);
    assert_int_equal(pl_session_run(s, &d), PL_ECONFIG);
    if (!pl_test_contains(d.msg, message))
        fail_msg("expected '%s' in: %s", message, d.msg);
    pl_session_destroy(s);
}

static void test_model_errors(void **state)
{
    (void)state;
    expect_error("dispatch.ops=[{infer: 1us, resize: 1us, launch: 1us}]",
                 ":1:15: key 'dispatch.ops[0]': an op needs infer, resize, launch and kernel; "
                 "'kernel' is missing");
    expect_error("dispatch.ops=[{repeat: 2, kernel: 1us, ops: [{infer: 1us, resize: 1us, "
                 "launch: 1us, kernel: 1us}]}]",
                 "key 'dispatch.ops[0].kernel': an entry with `ops` is a group");
    expect_error("dispatch.ops=[{repeat: 2, ops: []}]",
                 "key 'dispatch.ops[0].ops': a group needs at least one op");
    expect_error("dispatch.ops=[{repeat: 100000, ops: [{repeat: 100000, infer: 1us, resize: 1us, "
                 "launch: 1us, kernel: 1us}]}]",
                 "expands to more than 25000000 ops");
    expect_error("dispatch.threads.infer=1025", "expected at most 1024 threads, got 1025");
}

/* The tile kernels of all ops together are bounded before anything is drawn or lowered:
 * tiles x steps of each kernel times the runs of its op, groups' repeats included. Here
 * 4,000,000 x 1 x 3 = 12,000,000 tasks, then 3,000,000 x 2 x (2 x 3) = 36,000,000 more,
 * 48,000,000 in all, above PL_TILE_MAX_TASKS = 25,000,000 (models/tile/program.h). Each
 * kernel alone is within the bound; the landed code ran out of memory lowering them. */
static void test_tile_task_budget(void **state)
{
    (void)state;
    const char *sets[] = {
        "dispatch.ops=[{repeat: 3, ops: [{infer: 1us, resize: 1us, launch: 1us, tile: {count: "
        "4000000, buffers: [{name: t, memory: UB, size: 1 KiB}], steps: [{op: TLOAD, unit: "
        "MTE2, time: 1us, writes: t}]}}, {repeat: 2, infer: 1us, resize: 1us, launch: 1us, "
        "tile: {count: 3000000, buffers: [{name: t, memory: UB, size: 1 KiB}], steps: [{op: "
        "TLOAD, unit: MTE2, time: 1us, writes: t}, {op: TSTORE, unit: MTE3, time: 1us, reads: "
        "[t]}]}}]}]"};
    pl_session *s = NULL;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(
        pl_session_open(pl_test_src("tests/data/tile/dispatch_with_tile.yaml"), sets, 1, &s, &d),
        0);
    assert_int_equal(pl_session_run(s, &d), PL_ECONFIG);
    const char *want = ":1:256: key 'dispatch.ops[0].ops[1].tile': expected at most 25000000 tile "
                       "tasks in all (each kernel's tiles x steps, each time its op runs), more "
                       "than fit in memory; 3000000 tiles x 2 steps run 6 times bring the total "
                       "to 48000000; lower `repeat` or the tiles";
    if (!pl_test_contains(d.msg, want))
        fail_msg("expected '%s' in: %s", want, d.msg);
    pl_session_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_teaching_dispatch),
        cmocka_unit_test(test_flow_line_table),
        cmocka_unit_test(test_lines_match_recurrence),
        cmocka_unit_test(test_sync_waits_for_device),
        cmocka_unit_test(test_thread_pools),
        cmocka_unit_test(test_threads_share_one_core),
        cmocka_unit_test(test_threads_take_turns_on_one_core),
        cmocka_unit_test(test_nested_groups),
        cmocka_unit_test(test_time_accounts_for_makespan),
        cmocka_unit_test(test_model_errors),
        cmocka_unit_test(test_tile_task_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
