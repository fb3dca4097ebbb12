/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_stream.c — the stream model against closed forms and hand-worked runs.
 *
 * Expected values: deterministic stations in series with finite or infinite buffers,
 * blocking after service (Y. Dallery and S. B. Gershwin, "Manufacturing flow line
 * systems: a review of models and analytical results", Queueing Systems 12, 1992), their
 * makespans worked out from sum s_i + (N - 1) x max s_i (the first frame's way, then one
 * frame per cycle of the slowest station, the line's cycle time as a marked graph: C. V.
 * Ramamoorthy and G. S. Ho, "Performance Evaluation of Asynchronous Concurrent Systems
 * Using Petri Nets", IEEE Transactions on Software Engineering SE-6(5), 1980) and
 * checked against their start and leave times; two exponential stations with b waiting
 * places (J. A. Buzacott and J. G. Shanthikumar, "Stochastic Models of Manufacturing
 * Systems", Prentice Hall, 1993); and small pipelines worked out by hand in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/report/report.h"
#include "sim/report/trace.h"
#include "sim/study/session.h"
#include "support.h"

#include <gsl/gsl_rng.h>
#include <math.h>

/* The flow lines and hand-worked cases below take waking as free: no wake-up latency and
 * no cost to the waker unless a case asks for them (the machine's defaults are those
 * measured on a real kernel, machine.host.scheduler). */
#define FREE_WAKING "scheduler: {wakeup: 0us, wake_cost: 0us}"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pl_session *run_yaml(const char *yaml, const char *const *sets, size_t nsets)
{
    return pl_test_run_yaml(yaml, sets, nsets);
}


/* A line of stations, one task per stage, one thread each; b[i] < 0 is unbounded. */
static pl_session *run_line(const double *s_us, const int *b, int m, int frames)
{
    char yaml[4096];
    size_t n =
        (size_t)snprintf(yaml, sizeof yaml,
                         "model: stream\nmachine: {host: {cores: 8, " FREE_WAKING "}}\nstream:\n"
                         "  frames: %d\n  tasks:\n",
                         frames);
    for (int i = 0; i < m; i++)
        n += (size_t)snprintf(yaml + n, sizeof yaml - n, "    - {name: s%d, latency: %.17gus}\n",
                              i + 1, s_us[i]);
    n += (size_t)snprintf(yaml + n, sizeof yaml - n, "  stages:\n");
    for (int i = 0; i < m; i++) {
        n += (size_t)snprintf(yaml + n, sizeof yaml - n, "    - {tasks: 1");
        if (i + 1 < m && b[i] >= 0)
            n += (size_t)snprintf(yaml + n, sizeof yaml - n, ", buffer: %d", b[i]);
        else if (i + 1 < m)
            n += (size_t)snprintf(yaml + n, sizeof yaml - n, ", buffer: unbounded");
        n += (size_t)snprintf(yaml + n, sizeof yaml - n, "}\n");
    }
    return run_yaml(yaml, NULL, 0);
}

static double makespan(const pl_session *s)
{
    return pl_session_report(s)->run.m->makespan;
}

/* Three lines whose makespans are worked out from sum s_i + (N - 1) x max s_i: 18 us
 * for (2, 3, 1) us and 5 frames with unbounded pools (with none the recursion below gives
 * 18 too), 43 us for (4, 1, 1, 1) us and 10 frames. */
static void flow_line_table(void **state)
{
    (void)state;
    const double s1[] = {2, 3, 1}, s2[] = {4, 1, 1, 1};
    const int unbounded[] = {-1, -1, -1}, zero[] = {0, 0};
    pl_session *s = run_line(s1, unbounded, 3, 5);
    pl_assert_near(makespan(s), 18e-6, 1e-15); /* 2 + 3 + 1 + 4 x 3 */
    pl_session_destroy(s);
    s = run_line(s1, zero, 3, 5);
    pl_assert_near(makespan(s), 18e-6, 1e-15);
    pl_session_destroy(s);
    s = run_line(s2, unbounded, 4, 10);
    pl_assert_near(makespan(s), 43e-6, 1e-15); /* 4 + 1 + 1 + 1 + 9 x 4 */
    pl_session_destroy(s);
}

/* The flow line's start and leave times, blocking after service (see the header):
 * S_i(k) = max(D_{i-1}(k), D_i(k-1)), D_i(k) = max(S_i(k) + s_i, D_{i+1}(k - b_i - 1));
 * the last station leaves at once. */
static double line_recursion(const double *s, const int *b, int m, int frames)
{
    double *D = calloc((size_t)m * (size_t)frames, sizeof *D);
    for (int k = 0; k < frames; k++) {
        for (int i = 0; i < m; i++) {
            double start = 0;
            if (i > 0)
                start = D[k * m + i - 1];
            if (k > 0 && D[(k - 1) * m + i] > start)
                start = D[(k - 1) * m + i];
            double leave = start + s[i];
            int back = i + 1 < m && b[i] >= 0 ? k - b[i] - 1 : -1;
            if (back >= 0 && D[back * m + i + 1] > leave)
                leave = D[back * m + i + 1];
            D[k * m + i] = leave;
        }
    }
    double last = D[(frames - 1) * m + m - 1];
    free(D);
    return last;
}

/* Random lines (fixed seed) with buffers 0, 1, 2 or unbounded match the recursion. */
static void flow_line_recursion(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 20261121);
    for (int c = 0; c < 40; c++) {
        int m = 2 + (int)gsl_rng_uniform_int(rng, 4),
            frames = 5 + (int)gsl_rng_uniform_int(rng, 30);
        double s[6];
        int b[6];
        for (int i = 0; i < m; i++) {
            s[i] = 1 + (double)gsl_rng_uniform_int(rng, 6);
            b[i] = (int)gsl_rng_uniform_int(rng, 4) - 1;
        }
        pl_session *ses = run_line(s, b, m, frames);
        double want = line_recursion(s, b, m, frames) * 1e-6;
        if (!(fabs(makespan(ses) - want) <= 1e-9 * want))
            fail_msg("case %d (m %d, %d frames): makespan %.17g, recursion %.17g", c, m, frames,
                     makespan(ses), want);
        pl_session_destroy(ses);
    }
    gsl_rng_free(rng);
}

/* Two stations, exponential service of mean 1 us each (rho = 1), b waiting places,
 * blocking after service: throughput mu1 (1 - rho^(b+2)) / (1 - rho^(b+3)), which is
 * (b + 2) / (b + 3) frames per us at rho = 1 (Buzacott and Shanthikumar, see the header).
 * It can be worked out too: the frames past station one (waiting, at station two, or
 * done and blocking station one) form a birth-death chain on 0..b+2, whose states are
 * equally likely at rho = 1, and station two idles in the empty one. Within 1 % with
 * 200000 frames. */
static void two_exponential_stations(void **state)
{
    (void)state;
    static const char yaml[] =
        "model: stream\nmachine: {host: {cores: 2, " FREE_WAKING "}}\nseed: 7\n"
        "stream:\n  frames: 200000\n  tasks:\n"
        "    - {name: one, latency: {dist: exponential, mean: 1us}}\n"
        "    - {name: two, latency: {dist: exponential, mean: 1us}}\n"
        "  stages: [{tasks: 1}, {tasks: 1}]\n";
    for (int b = 0; b <= 1; b++) {
        pl_session *s = pl_test_run_yaml_set(yaml, "stream.buffer", b);
        double per_us = pl_session_report(s)->run.m->throughput * 1e-6;
        double want = (b + 2.0) / (b + 3.0);
        print_message("b = %d: %.5f frames/us, formula %.5f\n", b, per_us, want);
        pl_assert_near(per_us, want, 0.01 * want);
        pl_session_destroy(s);
    }
}

/* 1 -> 2 -> 1: source 1 us, work 4 us on two threads, sink 1 us, 10 frames, unbounded
 * pools. Frame k leaves the source at k + 1; thread k mod 2 starts it at
 * max(k + 1, its previous start + 4): 1, 2, 5, 6, 9, 10, ... ; frame 9 (odd, 2 x 4 + 1)
 * starts at 2 + 16 = 18, ends at 22, and the sink ends it at 23 us. */
static void one_two_one(void **state)
{
    (void)state;
    static const char yaml[] = "model: stream\nmachine: {host: {cores: 8, " FREE_WAKING "}}\n"
                               "stream:\n  frames: 10\n  buffer: unbounded\n  tasks:\n"
                               "    - {name: source, latency: 1us, stateful: true}\n"
                               "    - {name: work, latency: 4us}\n"
                               "    - {name: sink, latency: 1us, stateful: true}\n"
                               "  stages: [{tasks: 1}, {tasks: 1, threads: 2}, {tasks: 1}]\n";
    pl_session *s = run_yaml(yaml, NULL, 0);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(makespan(s), 23e-6, 1e-15);
    pl_assert_near(pl_test_figure(r, "period")->value, 2e-6, 1e-15); /* max(1, 4 / 2, 1) */
    pl_assert_near(r->run.m->phases.period, 2e-6, 1e-12);
    assert_int_equal(r->run.m->nstages, 3);
    assert_int_equal(r->run.m->stages[1].threads, 2);
    pl_assert_near(r->run.m->stages[1].busy, 40e-6, 1e-15); /* 10 frames x 4 us */
    /* Frame 0 goes through in 1 + 4 + 1 = 6 us. */
    pl_assert_near(r->run.m->latency.min, 6e-6, 1e-15);
    pl_session_destroy(s);
}

/* Adaptor costs of 0.5 us per push and per pull on the flow line (2, 3, 1 us, no
 * pool: direct hand-over, 5 frames). The middle thread's cycle per frame is the first
 * stage's push (which waits for it to finish its previous push) 0.5, its pull 0.5, its
 * work 3 and its push 0.5: 4.5 us. Its pushes end at 6.5, 11, 15.5, 20, 24.5 us; the
 * last stage then pulls (0.5) and works (1): 26 us. The configured bound's longest
 * chain, through the hand-over's slot edges too, sees the same chain: 26 us. */
static void adaptor_costs(void **state)
{
    (void)state;
    static const char yaml[] = "model: stream\nmachine: {host: {cores: 8, " FREE_WAKING "}}\n"
                               "stream:\n  frames: 5\n  buffer: 0\n  adaptor_cost: 0.5us\n"
                               "  tasks:\n    - {name: a, latency: 2us}\n"
                               "    - {name: b, latency: 3us}\n    - {name: c, latency: 1us}\n"
                               "  stages: [{tasks: 1}, {tasks: 1}, {tasks: 1}]\n";
    pl_session *s = run_yaml(yaml, NULL, 0);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(makespan(s), 26e-6, 1e-15);
    pl_assert_near(r->run.configured->critical_path, 26e-6, 1e-15);
    pl_assert_near(r->run.m->phases.period, 4.5e-6, 1e-15);
    pl_session_destroy(s);
}

/* A handover time paces each pair of threads of a pool, push to push. Two zero-cost
 * stages spinning on a 16-buffer pool, 0.25 us a push or a pull, 100 frames: without it
 * the producer's pushes run back to back, frame k's from 0.25 k, its pull ends at
 * 0.25 k + 0.5, and the run takes 99 x 0.25 + 0.5 = 25.25 us; with 0.46 us, from 0.46 k:
 * 99 x 0.46 + 0.5 = 46.04 us, and the stage analysis's period is the pool's. With a
 * 1-buffer pool the push of frame k waits for the pull of frame k - 1, 0.5 us a frame,
 * which a pace of 0.46 us does not bind: 99 x 0.5 + 0.5 = 50 us either way. A 1 -> 2 -> 1
 * pipeline's pools have two pairs of threads each, "pool 1 pair 0" and "pool 1 pair 1",
 * each paced apart: one frame per 0.23 us a pool, under the source's 0.25: the makespan
 * is the one without the pace. */
static void handover(void **state)
{
    (void)state;
    static const char two[] = "model: stream\nmachine: {host: {cores: 8, " FREE_WAKING "}}\n"
                              "stream:\n  frames: 100\n  waiting: active\n"
                              "  adaptor_cost: 0.25us\n  buffer: 16\n  tasks:\n"
                              "    - {name: a, latency: 0us}\n    - {name: b, latency: 0us}\n"
                              "  stages: [{tasks: 1}, {tasks: 1}]\n";
    const char *paced[] = {"stream.handover=0.46us"};
    const char *one[] = {"stream.buffer=1"}, *one_paced[] = {"stream.buffer=1", paced[0]};
    struct {
        const char *const *sets;
        size_t n;
        double makespan, period;
    } cases[] = {{NULL, 0, 25.25e-6, 0.25e-6},
                 {paced, 1, 46.04e-6, 0.46e-6},
                 {one, 1, 50e-6, 0.25e-6},
                 {one_paced, 2, 50e-6, 0.46e-6}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pl_session *s = run_yaml(two, cases[i].sets, cases[i].n);
        pl_assert_near(makespan(s), cases[i].makespan, 1e-15);
        pl_assert_near(pl_test_figure(pl_session_report(s), "period")->value, cases[i].period,
                       1e-15);
        pl_session_destroy(s);
    }
    static const char wide[] = "model: stream\nmachine: {host: {cores: 8, " FREE_WAKING "}}\n"
                               "stream:\n  frames: 100\n  waiting: active\n"
                               "  adaptor_cost: 0.25us\n  buffer: 16\n  tasks:\n"
                               "    - {name: a, latency: 0us}\n    - {name: b, latency: 0us}\n"
                               "    - {name: c, latency: 0us}\n"
                               "  stages: [{tasks: 1}, {tasks: 1, threads: 2}, {tasks: 1}]\n";
    pl_session *plain = run_yaml(wide, NULL, 0), *s = run_yaml(wide, paced, 1);
    pl_assert_near(makespan(s), makespan(plain), 1e-15);
    const pl_graph *g = pl_session_graph(s);
    int pairs = 0;
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        pairs += strcmp(pl_graph_unit_name(g, u), "pool 1 pair 0") == 0 ||
                 strcmp(pl_graph_unit_name(g, u), "pool 1 pair 1") == 0 ||
                 strcmp(pl_graph_unit_name(g, u), "pool 2 pair 1") == 0;
    assert_int_equal(pairs, 3);
    pl_session_destroy(plain);
    pl_session_destroy(s);
}

/* Consecutive multi-threaded stages (2 -> 3 threads, an m-to-n adaptor): source 1 us,
 * a 4 us on 2 threads, b 6 us on 3, sink 1 us. The stage loads are 1, 4 / 2, 6 / 3 and
 * 1 us, so the period is 2 us; the first frame
 * takes 1 + 4 + 6 + 1 = 12 us and 600 frames 12 + 599 x 2 = 1210 us, with pools of 0, 1
 * or unbounded buffers per thread pair alike. */
static void m_to_n(void **state)
{
    (void)state;
    static const char yaml[] =
        "model: stream\nmachine: {host: {cores: 16, " FREE_WAKING "}}\n"
        "stream:\n  frames: 600\n  tasks:\n"
        "    - {name: source, latency: 1us, stateful: true}\n"
        "    - {name: a, latency: 4us}\n    - {name: b, latency: 6us}\n"
        "    - {name: sink, latency: 1us, stateful: true}\n"
        "  stages: [{tasks: 1}, {tasks: 1, threads: 2}, {tasks: 1, threads: 3},"
        " {tasks: 1}]\n";
    const char *buffers[] = {"stream.buffer=0", "stream.buffer=1", "stream.buffer=unbounded"};
    for (size_t i = 0; i < 3; i++) {
        pl_session *s = run_yaml(yaml, &buffers[i], 1);
        const pl_report *r = pl_session_report(s);
        pl_assert_near(makespan(s), 1210e-6, 1e-12);
        pl_assert_near(r->run.m->phases.period, 2e-6, 1e-12);
        pl_assert_near(pl_test_figure(r, "period")->value, 2e-6, 1e-15);
        pl_session_destroy(s);
    }
}

/* Passive waiting with a wake-up: a 10 us producer and a 2 us consumer that sleeps
 * before every frame and pays 3 us each time it is woken: frame k starts at
 * 10 (k + 1) + 3 and the last (k = 9) ends at 100 + 3 + 2 = 105 us. */
static void wakeup(void **state)
{
    (void)state;
    static const char yaml[] = "model: stream\nmachine: {host: {cores: 8, " FREE_WAKING "}}\n"
                               "stream:\n  frames: 10\n  wakeup: 3us\n  tasks:\n"
                               "    - {name: slow, latency: 10us}\n"
                               "    - {name: fast, latency: 2us}\n"
                               "  stages: [{tasks: 1}, {tasks: 1}]\n";
    pl_session *s = run_yaml(yaml, NULL, 0);
    pl_assert_near(makespan(s), 105e-6, 1e-15);
    pl_session_destroy(s);
    const char *sets[] = {"stream.waiting=active"};
    s = run_yaml(yaml, sets, 1);
    pl_assert_near(makespan(s), 102e-6, 1e-15); /* active: no wake-up, 100 + 2 */
    pl_session_destroy(s);
}

/* Core types: a 1 us / 3 us (big / little) task on a big thread, then one on a little
 * thread: the little stage sets the period, 3 us; 10 frames end at 1 + 10 x 3 = 31 us.
 * The baseline runs both tasks on one big core: 10 x (1 + 1) = 20 us. */
static void core_types(void **state)
{
    (void)state;
    static const char yaml[] =
        "model: stream\nmachine: {host: {cores: {big: 1, little: 1}, " FREE_WAKING "}}\n"
        "stream:\n  frames: 10\n  tasks:\n"
        "    - {name: a, latency: {big: 1us, little: 3us}}\n"
        "    - {name: b, latency: {big: 1us, little: 3us}}\n"
        "  stages: [{tasks: 1, core: big}, {tasks: 1, core: little}]\n";
    pl_session *s = run_yaml(yaml, NULL, 0);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(makespan(s), 31e-6, 1e-15);
    pl_assert_near(r->baseline.m->makespan, 20e-6, 1e-15);
    pl_assert_near(pl_test_figure(r, "period")->value, 3e-6, 1e-15);
    assert_string_equal(pl_graph_place_name(r->run.graph, pl_graph_unit_place(r->run.graph, 1)),
                        "little");
    pl_session_destroy(s);
}

/* Packed pinning puts thread i on core i mod cores: on 2 cores, source, filter.1 and
 * filter.3 on core0, the others on core1. Pinning by stage puts them where it says. */
static void pinning(void **state)
{
    (void)state;
    static const char yaml[] = "model: stream\nmachine: {host: {cores: 2, " FREE_WAKING "}}\n"
                               "stream:\n  frames: 8\n  pinning: packed\n  tasks:\n"
                               "    - {name: source, latency: 1us, stateful: true}\n"
                               "    - {name: work, latency: 4us}\n"
                               "    - {name: sink, latency: 1us, stateful: true}\n"
                               "  stages: [{tasks: 1}, {tasks: 1, threads: 4}, {tasks: 1}]\n";
    static const char *const packed[] = {"core0", "core1", "core0", "core1", "core0", "core1"};
    pl_session *s = run_yaml(yaml, NULL, 0);
    const pl_graph *g = pl_session_report(s)->run.graph;
    for (uint32_t u = 0; u < 6; u++)
        assert_string_equal(pl_graph_place_name(g, pl_graph_unit_place(g, u)), packed[u]);
    pl_session_destroy(s);
    const char *sets[] = {"stream.pinning=stages", "stream.stages[0].cores=[1]",
                          "stream.stages[1].cores=[0]", "stream.stages[2].cores=[1]"};
    s = run_yaml(yaml, sets, 4);
    g = pl_session_report(s)->run.graph;
    /* All four workers share core 0: 8 frames x 4 us of their work take 32 us there. */
    for (uint32_t u = 1; u < 5; u++)
        assert_string_equal(pl_graph_place_name(g, pl_graph_unit_place(g, u)), "core0");
    assert_true(makespan(s) >= 32e-6);
    pl_session_destroy(s);
}

/* What the model refuses, with exit status 2 and the key at fault. */
static void bad_input(void **state)
{
    (void)state;
    char teaching[1024];
    snprintf(teaching, sizeof teaching, "%s", pl_test_src("workloads/stream_teaching.yaml"));
    static const char *const cases[][2] = {
        {"stream.stages[0].threads=2", "stateful task 'source', which cannot be replicated"},
        {"stream.stages[1].tasks=3", "the chain has 3"},
        {"stream.stages[1].core=little", "the host has no little cores"},
        {"stream.pinning=stages", "every stage needs `cores`"},
        {"stream.stages[2].buffer=1", "the last stage has no pool after it"},
        {"stream.tasks[1].latency={bgi: 3us}", "not a core type; expected big, little"},
        {"stream.tasks[1].latency={little: 3us}", "has no latency for the host's cores"},
        {"stream.tasks[1].latency=40", "got '40' (missing unit)"},
        {"stream.stages=[]", "expected at least one stage, or auto"},
        {"stream.frames=100000000", "expected at most 50000000 frames"},
        {"stream.handover=0.46us", "set stream.adaptor_cost too"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[] = {"run", teaching, "--set", cases[i][0], NULL};
        pl_test_run r = pl_test_exec(30, args);
        if (r.status != 2 || !pl_test_contains(r.err, cases[i][1]))
            fail_msg("--set %s: status %d, expected 2 and '%s' in: %s", cases[i][0], r.status,
                     cases[i][1], r.err);
        pl_test_run_free(&r);
    }
}


/* The trace has one thread per stage thread, and shows each unit's bubbles with their
 * cause: as many as the metrics count (bubbles above the noise threshold). */
static void trace_threads_and_bubbles(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp();
    char trace[512];
    snprintf(trace, sizeof trace, "%s/trace.json", dir);
    const char *args[] = {
        "run", pl_test_src("workloads/stream_teaching.yaml"), "--trace", trace, "--format", "json",
        NULL};
    pl_test_run r = pl_test_exec(60, args);
    assert_int_equal(r.status, 0);
    char *text = pl_test_read_file(trace, NULL);
    assert_non_null(text);
    const char *threads[] = {"source", "filter.0", "filter.1", "filter.2", "filter.3", "sink"};
    for (size_t i = 0; i < sizeof threads / sizeof threads[0]; i++) {
        char want[128];
        snprintf(want, sizeof want,
                 "\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%zu,"
                 "\"args\":{\"name\":\"%s\"}",
                 i + 1, threads[i]);
        if (!pl_test_contains(text, want))
            fail_msg("no thread %s in the trace", threads[i]);
    }
    /* The same run in process: the source is only ever blocked and the other threads
     * only starved, so the trace's slot bubbles are the source's bubbles and its data
     * bubbles all the others'. */
    const char *path = pl_test_src("workloads/stream_teaching.yaml");
    pl_session *s = NULL;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_session_open(path, NULL, 0, &s, &d), 0);
    assert_int_equal(pl_session_run(s, &d), 0);
    const pl_metrics *m = pl_session_report(s)->run.m;
    uint64_t starved = 0;
    for (uint32_t u = 1; u < m->nunits; u++)
        starved += m->units[u].bubbles;
    int slot = pl_test_count(text, "\"bubble: slot\",\"cat\":\"bubble\",\"ph\":\"B\""),
        data = pl_test_count(text, "\"bubble: data\",\"cat\":\"bubble\",\"ph\":\"B\"");
    print_message("trace: %d slot bubbles, %d data bubbles\n", slot, data);
    assert_int_equal(slot, m->units[0].bubbles);
    assert_int_equal(data, starved);
    assert_true(slot > 0 && data > 0);
    pl_session_destroy(s);
    assert_true(pl_test_contains(r.out, "\"stages\""));
    pl_test_run_free(&r);
    free(text);
    pl_test_rmtree(dir);
    free(dir);
}

/* pipelab partition on the receiver chain (workloads/stream_sdr_receiver.yaml): on its
 * 16 big + 4 little cores the period is gardner_syn_synchronize's 950.59 us (stateful,
 * alone in its stage, the largest task: no partition can beat it), and it takes 10 big +
 * 1 little cores; on 8 identical (big) cores the demodulator and the BCH decoder need
 * replicas. JSON gives the same partition. */
static void partition_command(void **state)
{
    (void)state;
    char scenario[1024], dispatch[1024]; /* pl_test_src's buffer is reused */
    snprintf(scenario, sizeof scenario, "%s", pl_test_src("workloads/stream_sdr_receiver.yaml"));
    snprintf(dispatch, sizeof dispatch, "%s", pl_test_src("workloads/dispatch_teaching.yaml"));
    const char *text_args[] = {"partition", scenario, NULL};
    pl_test_run r = pl_test_exec(30, text_args);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "period     950.6 us per frame"));
    assert_true(pl_test_contains(r.out, "uses       10 big + 1 little cores in 5 stages"));
    pl_test_run_free(&r);
    const char *json_args[] = {"partition", scenario, "--cores", "big=16,little=4",
                               "--format",  "json",   NULL};
    r = pl_test_exec(30, json_args);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "\"period\": 0.00095059"));
    assert_true(pl_test_contains(r.out, "\"decomposition\": \"{(5,1)(1,1)(6,1)(7,7)(4,1)}\""));
    pl_test_run_free(&r);
    const char *bad[][6] = {
        {"partition", scenario, "--cores", "big=16,medium=4", NULL},
        {"partition", scenario, "--cores", "0", NULL},
        {"partition", dispatch, NULL},
        {"run", scenario, "--cores", "4", NULL},
    };
    const char *says[] = {"--cores expects", "--cores expects",
                          "this scenario says model: dispatch",
                          "--cores belongs to pipelab partition"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = pl_test_exec(30, bad[i]);
        assert_int_equal(r.status, 2);
        if (!pl_test_contains(r.err, says[i]))
            fail_msg("case %zu: expected '%s' in: %s", i, says[i], r.err);
        pl_test_run_free(&r);
    }
}

/* A chain whose tasks all take no time: the run and the baseline take 0 s, so the
 * throughput and the speedups are undefined. docs/reports.md: a value that is not a finite
 * number is null in JSON; the text says n/a. It used to print "0 frames/s", "1.00x",
 * "inf frames/s" and "-nanx". */
static void zero_latency(void **state)
{
    (void)state;
    static const char yaml[] = "model: stream\nmachine: {host: {cores: 8, " FREE_WAKING "}}\n"
                               "stream:\n  frames: 10\n  tasks:\n"
                               "    - {name: source, latency: 0us, stateful: true}\n"
                               "    - {name: work, latency: 0us}\n"
                               "  stages: [{tasks: 1}, {tasks: 1, threads: 2}]\n";
    pl_session *s = run_yaml(yaml, NULL, 0);
    const pl_report *r = pl_session_report(s);
    assert_true(makespan(s) == 0);
    assert_true(isnan(r->run.m->throughput));
    assert_true(isnan(r->speedup));
    assert_true(pl_test_figure(r, "period")->value == 0);
    assert_true(isnan(pl_test_figure(r, "speedup")->value));
    char *text = pl_test_render(pl_report_text, r);
    assert_true(pl_test_contains(text, "\nthroughput     n/a (the run takes no time)\n"));
    assert_true(pl_test_contains(text, "\nspeedup        n/a (the run takes no time)\n"));
    /* bound / makespan is 0 / 0, and no unit holds back a run of no time: it used to say
     * "efficiency 100.0 %" and name a unit busy 0.0 % of the run "the bottleneck". */
    assert_true(pl_test_contains(text, "\nefficiency     n/a (the run takes no time)\n"));
    assert_true(pl_test_contains(text, "where the time went:\n"
                                       "  The run takes no time: no unit holds it back.\n"));
    assert_false(pl_test_contains(text, "bottleneck"));
    assert_true(pl_test_contains(text, "stage 1 (source), no stage\n"
                                       "            takes time, so it bounds no throughput\n"));
    assert_true(pl_test_contains(text, "  speedup   n/a: no stage takes time (the chain takes 0 s "
                                       "per frame on one\n            thread)\n"));
    assert_false(pl_test_contains(text, "nan") || pl_test_contains(text, "inf"));
    free(text);
    char *json = pl_test_render(pl_report_json, r);
    assert_true(pl_test_contains(json, "\"throughput_per_s\": null"));
    assert_true(pl_test_contains(json, "\"speedup\": null"));
    assert_true(pl_test_contains(json, "\"efficiency\": null"));
    assert_false(pl_test_contains(json, "nan") || pl_test_contains(json, "inf"));
    free(json);
    pl_session_destroy(s);
}

/* A sweep row of a run of 0 s leaves the throughput and speedup cells empty, as
 * docs/sweeps.md leaves a figure that has no value (it wrote "nan"). The row: point 0, rep
 * 0, 10 frames, seed 1, ok, makespan 0, throughput and speedup empty, bound 0, efficiency
 * empty (bound / makespan is 0 / 0). */
static void zero_latency_sweep(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp();
    char csv[600];
    snprintf(csv, sizeof csv, "%s/rows.csv", dir);
    const char *args[] = {"sweep",  pl_test_src("workloads/stream_teaching.yaml"),
                          "--set",  "stream.tasks[0].latency=0us",
                          "--set",  "stream.tasks[1].latency=0us",
                          "--set",  "stream.tasks[2].latency=0us",
                          "--vary", "stream.frames=10",
                          "-o",     csv,
                          NULL};
    pl_test_run r = pl_test_exec(60, args);
    assert_int_equal(r.status, 0);
    pl_test_run_free(&r);
    char *rows = pl_test_read_file(csv, NULL);
    assert_non_null(rows);
    assert_true(pl_test_contains(rows, "\n0,0,10,1,ok,0,,,0,,"));
    assert_false(pl_test_contains(rows, "nan"));
    free(rows);
    pl_test_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flow_line_table),
        cmocka_unit_test(flow_line_recursion),
        cmocka_unit_test(two_exponential_stations),
        cmocka_unit_test(one_two_one),
        cmocka_unit_test(adaptor_costs),
        cmocka_unit_test(handover),
        cmocka_unit_test(m_to_n),
        cmocka_unit_test(wakeup),
        cmocka_unit_test(trace_threads_and_bubbles),
        cmocka_unit_test(partition_command),
        cmocka_unit_test(core_types),
        cmocka_unit_test(pinning),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(zero_latency),
        cmocka_unit_test(zero_latency_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
