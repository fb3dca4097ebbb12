/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_dispatch_replay.c — what the dispatch model does with what a replay needs: ops
 * written as runtime calls, several host threads and device streams, events, syncs with
 * their cost, launch latency, a faster host, the pipelined split of calls, captured graphs,
 * step groups and the replay they describe, and the bad inputs among them.
 *
 * Each scenario is small and written here; it is loaded through the config loader,
 * lowered by the model and executed with the analytic engine. Every expected time is
 * worked by hand in the comment above its scenario from the lowering rules of
 * docs/replay.md (a host task of host + launch issues its device task at its end; a stream
 * runs its device tasks in op order; a sync task starts when the device work it waits for
 * has ended). Times are exact sums of microseconds: compared within 1e-15 s.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dispatch_case.h"
#include "models/model.h"
#include "sim/engine/analytic.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define US  1e-6
#define TOL 1e-15


/* Two streams joined by an event. Host (host.dispatch): launch k0 [0,2] -> stream 0 runs
 * k0 [2,12]; record e [2,3] (e := k0); wait e on stream 1 [3,4]; launch k1 [4,5] ->
 * stream 1 may not start k1 before k0 ends: [12,16]. Makespan 16 us (without the wait
 * k1 would run [5,9] and the makespan be 12 us). */
static void test_streams_and_events(void **state)
{
    (void)state;
    pl_test_dispatch x;
    pl_test_dispatch_run(&x, "  mode: serial\n"
            "  ops:\n"
            "    - name: a\n"
            "      calls:\n"
            "        - {launch: 2us, kernel: 10us, name: k0}\n"
            "        - {launch: 1us, record: e}\n"
            "        - {launch: 1us, wait: e, stream: 1}\n"
            "        - {launch: 1us, kernel: 4us, stream: 1, name: k1}\n");
    const pl_graph *g = x.l.run;
    assert_null(x.l.baseline);
    assert_int_equal(pl_graph_unit_count(g), 3);
    assert_int_equal(pl_test_tasks_on(g, "host.dispatch"), 4);
    uint32_t k1 = pl_test_task_of(g, "device.stream1", 0);
    assert_string_equal(pl_graph_task_label(g, k1), "k1");
    pl_assert_near(x.tl.start[k1], 12 * US, TOL);
    pl_assert_near(x.tl.makespan, 16 * US, TOL);
    assert_int_equal(pl_graph_edge(g, x.tl.release[k1])->kind, PL_EDGE_STREAM);
    pl_test_dispatch_done(&x);
}

/* A stream sync and a device sync, each with its cost. Host: launch k0 [0,1] -> stream 0
 * [1,11]; launch k1 [1,2] -> stream 1 [2,5]; host 1 us [2,3], then the stream-1 sync waits
 * for k1 (5) and costs 2 us: [5,7]; launch k2 [7,8] -> stream 1 [8,9]; the device sync
 * waits for the last task of every stream (k0 at 11, k2 at 9) and costs 4 us: [11,15].
 * Makespan 15 us. */
static void test_stream_and_device_sync(void **state)
{
    (void)state;
    pl_test_dispatch x;
    pl_test_dispatch_run(&x, "  mode: serial\n"
            "  ops:\n"
            "    - calls:\n"
            "        - {launch: 1us, kernel: 10us}\n"
            "        - {launch: 1us, kernel: 3us, stream: 1}\n"
            "        - {host: 1us, sync: 2us, stream: 1}\n"
            "        - {launch: 1us, kernel: 1us, stream: 1}\n"
            "        - {sync: 4us}\n");
    const pl_graph *g = x.l.run;
    assert_int_equal(pl_test_tasks_on(g, "host.dispatch"), 6);
    uint32_t stream_sync = pl_test_task_of(g, "host.dispatch", 3);
    uint32_t device_sync = pl_test_task_of(g, "host.dispatch", 5);
    pl_assert_near(x.tl.start[stream_sync], 5 * US, TOL);
    pl_assert_near(x.tl.end[stream_sync], 7 * US, TOL);
    pl_assert_near(x.tl.start[device_sync], 11 * US, TOL);
    assert_int_equal(pl_graph_edge(g, x.tl.release[device_sync])->kind, PL_EDGE_SYNC);
    pl_assert_near(x.tl.makespan, 15 * US, TOL);
    pl_test_dispatch_done(&x);
}

/* A blocking copy: launch k [0,1] -> [1,6]; the copy's launch [1,3], the copy queued
 * behind k [6,9], its sync [9,10]; the next launch [10,11] -> [11,13]. Makespan 13 us. */
static void test_blocking_copy(void **state)
{
    (void)state;
    pl_test_dispatch x;
    pl_test_dispatch_run(&x, "  mode: serial\n"
            "  ops:\n"
            "    - calls:\n"
            "        - {launch: 1us, kernel: 5us}\n"
            "        - {launch: 2us, copy: 3us, sync: 1us}\n"
            "        - {launch: 1us, kernel: 2us}\n");
    const pl_graph *g = x.l.run;
    assert_int_equal(pl_graph_unit_count(g), 2); /* host.dispatch, device.stream */
    assert_int_equal(pl_test_tasks_on(g, "device.stream"), 3);
    uint32_t sync = pl_test_task_of(g, "host.dispatch", 2);
    pl_assert_near(x.tl.start[sync], 9 * US, TOL);
    pl_assert_near(x.tl.makespan, 13 * US, TOL);
    pl_test_dispatch_done(&x);
}

/* Two host threads, serial: t1 launches a [0,4] -> stream 0 [4,6]; t2 launches b [0,1]
 * -> stream 1 [1,4] and c [1,2] -> stream 0 behind a (op order): [6,7]. Makespan 7 us; c's
 * launch ends at 2 us, where one thread would have ended it at 4 + 1 + 1 = 6 us. */
static void test_two_threads(void **state)
{
    (void)state;
    pl_test_dispatch x;
    pl_test_dispatch_run(&x, "  mode: serial\n"
            "  ops:\n"
            "    - {name: a, thread: t1, calls: [{launch: 4us, kernel: 2us}]}\n"
            "    - {name: b, thread: t2, calls: [{launch: 1us, kernel: 3us, stream: 1}]}\n"
            "    - {name: c, thread: t2, calls: [{launch: 1us, kernel: 1us}]}\n");
    const pl_graph *g = x.l.run;
    assert_int_equal(pl_test_tasks_on(g, "host.t1"), 1);
    assert_int_equal(pl_test_tasks_on(g, "host.t2"), 2);
    pl_assert_near(x.tl.end[pl_test_task_of(g, "host.t2", 1)], 2 * US, TOL);
    pl_assert_near(x.tl.start[pl_test_task_of(g, "device.stream0", 1)], 6 * US, TOL);
    pl_assert_near(x.tl.makespan, 7 * US, TOL);
    pl_test_dispatch_done(&x);
}

/* A host signal: b (thread t2) is `after` the call of a (thread t1) that raises s1.
 * Serial: a's call task [0,4] raises s1 at 4, its kernel [4,6] on stream 0; b's first host
 * task (infer 1 + launch 1) waits for it: [4,6], its kernel [6,9] on stream 1. Makespan
 * 9 us; without `after` b would run at once ([0,2], kernel [2,5]) and the run end at 6.
 * Pipelined: a's InferShape and Resize take no time, its Launch [0,4] raises s1; b's
 * InferShape waits for it, [4,5], Resize [5,5], Launch [5,6], kernel [6,9]: 9 us again. */
static void test_signals(void **state)
{
    (void)state;
    static const char *const modes[] = {"serial", "pipelined"};
    for (int m = 0; m < 2; m++) {
        char body[512];
        snprintf(body, sizeof body,
                 "  mode: %s\n"
                 "  ops:\n"
                 "    - {name: a, thread: t1, calls: [{launch: 4us, kernel: 2us, signal: s1}]}\n"
                 "    - {name: b, thread: t2, after: s1, infer: 1us,\n"
                 "       calls: [{launch: 1us, kernel: 3us, stream: 1}]}\n",
                 modes[m]);
        pl_test_dispatch x;
        pl_test_dispatch_run(&x, body);
        const pl_graph *g = x.l.run;
        pl_assert_near(x.tl.start[pl_test_task_of(g, "device.stream1", 0)], 6 * US, TOL);
        pl_assert_near(x.tl.makespan, 9 * US, TOL);
        pl_test_dispatch_done(&x);
    }
}

/* launch_latency 2 us: k0 released at 1 to an idle stream starts at 3 ([3,8]); k1
 * released at 2, queued behind k0, starts at k0's end ([8,13]); k2's launch ends at
 * 2 + 20 + 1 = 23, after the stream went idle at 13, so it starts at 25 ([25,26]).
 * Makespan 26 us. */
static void test_launch_latency(void **state)
{
    (void)state;
    pl_test_dispatch x;
    pl_test_dispatch_run(&x, "  mode: serial\n"
            "  launch_latency: 2us\n"
            "  ops:\n"
            "    - calls:\n"
            "        - {launch: 1us, kernel: 5us}\n"
            "        - {launch: 1us, kernel: 5us}\n"
            "        - {host: 20us, launch: 1us, kernel: 1us}\n");
    const pl_graph *g = x.l.run;
    pl_assert_near(x.tl.start[pl_test_task_of(g, "device.stream", 0)], 3 * US, TOL);
    pl_assert_near(x.tl.start[pl_test_task_of(g, "device.stream", 1)], 8 * US, TOL);
    pl_assert_near(x.tl.start[pl_test_task_of(g, "device.stream", 2)], 25 * US, TOL);
    pl_assert_near(x.tl.makespan, 26 * US, TOL);
    pl_test_dispatch_done(&x);
}

/* A host-bound list. At host_speed 1 (serial): x0 infer [0,4] resize [4,6] launch [6,8]
 * -> [8,9]; x1 [8,16] -> [16,17]; y: host 2 + launch 4 [16,22] -> [22,23]; its sync
 * waits for 23, 2 us: [23,25]; its trailing host [25,27]. Makespan 27 us, host work
 * 8 + 8 + 6 + 2 + 2 = 26 us. At host_speed 2 every host time halves: x0 [0,2] [2,3] [3,4]
 * -> [4,5]; x1 [4,8] -> [8,9]; y [8,11] -> [11,12]; sync [12,13]; trailing [13,14].
 * Makespan 14 us, host work 13 us: exactly half; the device's 4 us do not change. */
static const char host_bound[] = "  mode: serial\n"
                                 "  ops:\n"
                                 "    - {name: x, infer: 4us, resize: 2us, launch: 2us, "
                                 "kernel: 1us, repeat: 2}\n"
                                 "    - name: y\n"
                                 "      host: 2us\n"
                                 "      calls:\n"
                                 "        - {host: 2us, launch: 4us, kernel: 1us}\n"
                                 "        - {sync: 2us}\n";

static double host_work(const pl_graph *g)
{
    double sum = 0;
    for (uint32_t t = 0; t < pl_graph_task_count(g); t++)
        if (pl_graph_place_kind(g, pl_graph_unit_place(g, pl_graph_task_unit(g, t))) ==
            PL_PLACE_HOST)
            sum += pl_graph_task_work(g, t);
    return sum;
}

static void test_host_speed(void **state)
{
    (void)state;
    char body[1024];
    pl_test_dispatch x;
    pl_test_dispatch_run(&x, host_bound);
    pl_assert_near(x.tl.makespan, 27 * US, TOL);
    pl_assert_near(host_work(x.l.run), 26 * US, TOL);
    pl_test_dispatch_done(&x);
    snprintf(body, sizeof body, "  host_speed: 2\n%s", host_bound);
    pl_test_dispatch_run(&x, body);
    pl_assert_near(x.tl.makespan, 14 * US, TOL);
    pl_assert_near(host_work(x.l.run), 13 * US, TOL);
    pl_test_dispatch_done(&x);
}

/* The pipelined split of op a (twice): InferShape 1 us; Resize = resize 2 + the calls'
 * host 1 + the record's launch 1 + the trailing host 1 = 5 us; Launch = launch 2 -> k
 * (3 us), launch 1 -> k (2 us), the sync (1 us). Run 0: infer [0,1], resize [1,6], launch
 * [6,8] -> [8,11], launch [8,9] -> [11,13], sync waits for 13: [13,14]. Run 1's InferShape
 * waits for that sync: [14,15], resize [15,20], launch [20,22] -> [22,25], [22,23] ->
 * [25,27], sync [27,28]. Makespan 28 us. The serial baseline: op 0 host 4 + launch 2 =
 * [0,6] -> [6,9]; record [6,7]; launch [7,8] -> [9,11]; sync [11,12]; trailing [12,13];
 * op 1 the same 13 us later: makespan 26 us. */
static const char split[] = "  mode: pipelined\n"
                            "  ops:\n"
                            "    - name: a\n"
                            "      infer: 1us\n"
                            "      resize: 2us\n"
                            "      host: 1us\n"
                            "      repeat: 2\n"
                            "      calls:\n"
                            "        - {host: 1us, launch: 2us, kernel: 3us}\n"
                            "        - {launch: 1us, record: e}\n"
                            "        - {launch: 1us, kernel: 2us}\n"
                            "        - {sync: 1us}\n";

static void test_pipelined_split(void **state)
{
    (void)state;
    pl_test_dispatch x;
    pl_test_dispatch_run(&x, split);
    const pl_graph *g = x.l.run;
    pl_assert_near(pl_graph_task_work(g, pl_test_task_of(g, "host.resize", 0)), 5 * US, TOL);
    assert_int_equal(pl_test_tasks_on(g, "host.launch"), 6);
    pl_assert_near(x.tl.start[pl_test_task_of(g, "host.infer", 1)], 14 * US, TOL);
    pl_assert_near(x.tl.makespan, 28 * US, TOL);
    pl_timeline base;
    assert_int_equal(pl_timeline_init(&base, pl_graph_task_count(x.l.baseline)), 0);
    assert_int_equal(pl_analytic_run(x.l.baseline, &base, &x.d), 0);
    pl_assert_near(base.makespan, 26 * US, TOL);
    pl_timeline_fini(&base);
    pl_test_dispatch_done(&x);
}

/* The same op once on each of two recorded threads, pipelined: each thread has its own
 * three pools. t1 runs as run 0 above (sync [13,14]). t2: infer [0,1], resize [1,6],
 * launch [6,8] -> its kernel is behind t1's two on stream 0 (op order): [13,16]; launch
 * [8,9] -> [16,18]; sync waits for 18: [18,19]. Makespan 19 us. */
static void test_pipelined_threads(void **state)
{
    (void)state;
    pl_test_dispatch x;
    pl_test_dispatch_run(&x, "  mode: pipelined\n"
            "  ops:\n"
            "    - {thread: t1, infer: 1us, resize: 2us, host: 1us, calls: [{host: 1us, "
            "launch: 2us, kernel: 3us}, {launch: 1us, record: e}, {launch: 1us, kernel: 2us}, "
            "{sync: 1us}]}\n"
            "    - {thread: t2, infer: 1us, resize: 2us, host: 1us, calls: [{host: 1us, "
            "launch: 2us, kernel: 3us}, {launch: 1us, record: e}, {launch: 1us, kernel: 2us}, "
            "{sync: 1us}]}\n");
    const pl_graph *g = x.l.run;
    assert_int_equal(pl_test_tasks_on(g, "host.t1.infer"), 1);
    assert_int_equal(pl_test_tasks_on(g, "host.t2.launch"), 3);
    pl_assert_near(x.tl.start[pl_test_task_of(g, "host.t2.launch", 2)], 18 * US, TOL);
    pl_assert_near(x.tl.makespan, 19 * US, TOL);
    pl_test_dispatch_done(&x);
}

/* Two steps. Captured (graph_launch 5 us, graph_gap 1 us): step 1 is one graph launch
 * [0,5] issuing a's kernels on stream 0, 2 + 1 = 3 us [5,8] and 3 + 1 = 4 us [8,12], and
 * b's on stream 1, 2 + 1 = 3 us [5,8]; the step has a sync (2 us), so one sync follows
 * the graph, waiting for both streams' last kernels (12 and 8): [12,14]. Step 2 has no
 * sync: its graph launch [14,19] issues c's kernel, 3 us: [19,22]. Makespan 22 us, three
 * host tasks in all. Not captured: a's launches [0,7] -> [7,9] and [7,11] -> [11,14]; b's
 * [11,15] -> stream 1 [15,17]; the device sync waits for 17: [17,19]; c [19,23] -> [23,25].
 * Makespan 25 us. Step 2 alone not captured (capture: none on it): [14,18] -> [18,20],
 * makespan 20 us. */
static const char steps[] = "  mode: serial\n"
                            "  %s\n"
                            "  graph_launch: 5us\n"
                            "  graph_gap: 1us\n"
                            "  replay: {source: trace.json, device_busy: 12us}\n"
                            "  ops:\n"
                            "    - name: ProfilerStep#1\n"
                            "      step: true\n"
                            "      measured: 30us\n"
                            "      ops:\n"
                            "        - name: a\n"
                            "          calls:\n"
                            "            - {host: 3us, launch: 4us, kernel: 2us}\n"
                            "            - {launch: 4us, kernel: 3us}\n"
                            "        - name: b\n"
                            "          calls:\n"
                            "            - {launch: 4us, kernel: 2us, stream: 1}\n"
                            "            - {sync: 2us}\n"
                            "    - name: ProfilerStep#2\n"
                            "      step: true\n"
                            "      %s\n"
                            "      ops:\n"
                            "        - {name: c, calls: [{launch: 4us, kernel: 2us}]}\n";

static void run_steps(pl_test_dispatch *x, const char *capture, const char *second)
{
    char body[2048];
    snprintf(body, sizeof body, steps, capture, second);
    pl_test_dispatch_run(x, body);
}

static void test_capture(void **state)
{
    (void)state;
    pl_test_dispatch x;
    run_steps(&x, "capture: graph", "repeat: 1");
    const pl_graph *g = x.l.run;
    assert_int_equal(pl_test_tasks_on(g, "host.dispatch"), 3);
    uint32_t sync = pl_test_task_of(g, "host.dispatch", 1);
    pl_assert_near(pl_graph_task_work(g, sync), 2 * US, TOL);
    pl_assert_near(x.tl.start[sync], 12 * US, TOL);
    pl_assert_near(pl_graph_task_work(g, pl_test_task_of(g, "device.stream1", 0)), 3 * US, TOL);
    pl_assert_near(x.tl.makespan, 22 * US, TOL);
    pl_test_dispatch_done(&x);
    run_steps(&x, "capture: none", "repeat: 1");
    pl_assert_near(x.tl.makespan, 25 * US, TOL);
    pl_test_dispatch_done(&x);
    run_steps(&x, "capture: graph", "capture: none");
    pl_assert_near(x.tl.makespan, 20 * US, TOL);
    pl_test_dispatch_done(&x);
}

/* The replay the step groups describe: one step per group, its ops' range, its measured
 * time (NaN when not given), a host span; the source and device busy time as written. */
static void test_steps_replay(void **state)
{
    (void)state;
    pl_test_dispatch x;
    run_steps(&x, "capture: none", "repeat: 1");
    const pl_replay *r = &x.l.replay;
    assert_string_equal(r->source, "trace.json");
    pl_assert_near(r->device_busy, 12 * US, TOL);
    assert_int_equal(r->nsteps, 2);
    assert_string_equal(r->steps[0].name, "ProfilerStep#1");
    pl_assert_near(r->steps[0].measured, 30 * US, TOL);
    assert_int_equal(r->steps[0].first, 0);
    assert_int_equal(r->steps[0].end, 2);
    assert_true(r->steps[0].host_span);
    assert_string_equal(r->steps[1].name, "ProfilerStep#2");
    assert_true(isnan(r->steps[1].measured));
    assert_int_equal(r->steps[1].first, 2);
    assert_int_equal(r->steps[1].end, 3);
    pl_test_dispatch_done(&x);
}

/* Without step groups: one step "whole trace" over every op, not a host span, measured
 * as dispatch.replay says; without dispatch.replay either, no replay at all. */
static void test_whole_trace_replay(void **state)
{
    (void)state;
    pl_test_dispatch x;
    pl_test_dispatch_run(&x, "  mode: serial\n"
            "  replay: {measured: 40us}\n"
            "  ops:\n"
            "    - {calls: [{launch: 1us, kernel: 2us}], repeat: 3}\n");
    const pl_replay *r = &x.l.replay;
    assert_null(r->source);
    assert_true(isnan(r->device_busy));
    assert_int_equal(r->nsteps, 1);
    assert_string_equal(r->steps[0].name, "whole trace");
    pl_assert_near(r->steps[0].measured, 40 * US, TOL);
    assert_int_equal(r->steps[0].first, 0);
    assert_int_equal(r->steps[0].end, 3);
    assert_false(r->steps[0].host_span);
    pl_test_dispatch_done(&x);
    pl_test_dispatch_run(&x, "  mode: serial\n"
            "  ops:\n"
            "    - {calls: [{launch: 1us, kernel: 2us}], repeat: 3}\n");
    assert_int_equal(x.l.replay.nsteps, 0);
    assert_null(x.l.replay.steps);
    assert_null(x.l.replay.source);
    pl_test_dispatch_done(&x);
}

/* stream_depth 0 with calls: the launch of a stream's n-th kernel waits for the start of
 * its (n - 1 - depth)-th. Launches [0,1] -> [1,6] and [1,2] -> [6,11]; the third (n = 2)
 * waits for kernel 1 to start (6): [6,7] -> [11,16]; the trailing 10 us [7,17]: 17 us.
 * The variant one slot deeper (stream_depth 1): the third launch waits for kernel 0's start
 * (1), so it runs [2,3], the trailing host [3,13], the kernels still end at 16: 16 us. */
static void test_stream_depth_variant(void **state)
{
    (void)state;
    pl_test_dispatch x;
    pl_test_dispatch_run(&x, "  mode: serial\n"
            "  stream_depth: 0\n"
            "  ops:\n"
            "    - host: 10us\n"
            "      calls: [{launch: 1us, kernel: 5us}, {launch: 1us, kernel: 5us},\n"
            "              {launch: 1us, kernel: 5us}]\n");
    pl_assert_near(x.tl.makespan, 17 * US, TOL);
    const pl_model *m = pl_model_find("dispatch");
    pl_variant *v = NULL;
    size_t n = 0;
    assert_int_equal(m->variants(&x.l, &v, &n, &x.d), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].name, "stream_depth");
    pl_graph *g = NULL;
    assert_int_equal(m->lower_variant(&x.l, 0, &g, &x.d), 0);
    pl_timeline tl;
    assert_int_equal(pl_timeline_init(&tl, pl_graph_task_count(g)), 0);
    assert_int_equal(pl_analytic_run(g, &tl, &x.d), 0);
    pl_assert_near(tl.makespan, 16 * US, TOL);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
    free(v);
    pl_test_dispatch_done(&x);
}

/* ---- Bad input: one diagnostic naming file, line, column and key ---------------------- */

struct refusal {
    const char *body;
    const char *key;  /* the key the diagnostic names */
    int line, col;    /* in the scenario file, whose first 4 lines are the header; the
                         column of the value (or of the mapping) that is refused */
    const char *says; /* part of what it says */
};

static const struct refusal refusals[] = {
    {"  ops:\n    - {calls: [{kernel: 1us}], after: s}\n", "dispatch.ops[0].after", 6, 39,
     "expected a signal raised before (by the `signal` of a call of an earlier op), got 's', "
     "raised nowhere before"},
    {"  ops:\n    - {calls: [{kernel: 1us, signal: s}, {kernel: 1us, signal: s}]}\n",
     "dispatch.ops[0].calls[1].signal", 6, 64, "expected a signal raised once, got 's', raised "
     "before"},
    {"  ops:\n    - {calls: [{kernel: 1us}], launch: 1us}\n", "dispatch.ops[0].launch", 6, 40,
     "an op with `calls` launches its work in its calls; remove 'launch'"},
    {"  ops:\n    - {calls: [{kernel: 1us}], kernel: 1us}\n", "dispatch.ops[0].kernel", 6, 40,
     "remove 'kernel'"},
    {"  ops:\n    - {calls: [{host: 1us}]}\n", "dispatch.ops[0].calls[0]", 6, 16,
     "expected one of kernel, copy, memset, sync, record, wait in a call, got none"},
    {"  ops:\n    - {calls: [{kernel: 1us, record: e}]}\n", "dispatch.ops[0].calls[0].record", 6,
     38, "got both 'kernel' and 'record'"},
    {"  ops:\n    - {calls: [{kernel: 1us, sync: 1us}]}\n", "dispatch.ops[0].calls[0].sync", 6, 36,
     "got both 'kernel' and 'sync'"},
    {"  ops:\n    - {calls: [{kernel: 1us}, {wait: e}]}\n", "dispatch.ops[0].calls[1].wait", 6, 38,
     "expected an event recorded before (by a `record` call of this or an earlier op), "
     "got 'e', recorded nowhere before"},
    {"  ops:\n    - {calls: [{sync: 1us, event: e}]}\n    - {calls: [{record: e}]}\n",
     "dispatch.ops[0].calls[0].event", 6, 35, "got 'e', recorded nowhere before"},
    {"  ops:\n    - {name: a, step: true, infer: 1us, resize: 1us, launch: 1us, kernel: 1us}\n",
     "dispatch.ops[0].step", 6, 23, "expected 'step' only on a group"},
    {"  ops:\n    - {step: true, repeat: 2, ops: [{calls: [{kernel: 1us}]}]}\n",
     "dispatch.ops[0].step", 6, 14, "expected a step group to run once (repeat 1)"},
    {"  capture: graph\n  graph_gap: 1us\n  ops:\n    - {calls: [{kernel: 1us}]}\n",
     "dispatch.capture", 5, 12,
     "a captured graph needs dispatch.graph_launch and "
     "dispatch.graph_gap (times); 'graph_launch' is missing"},
    {"  graph_launch: 1us\n  ops:\n    - {step: true, capture: graph, ops: [{calls: "
     "[{kernel: 1us}]}]}\n",
     "dispatch.ops[0].capture", 7, 29, "'graph_gap' is missing"},
    {"  ops:\n    - {step: true, ops: [{step: true, ops: [{calls: [{kernel: 1us}]}]}]}\n",
     "dispatch.ops[0].ops[0].step", 6, 33, "nested in a step group"},
    {"  ops:\n    - {measured: 1us, ops: [{calls: [{kernel: 1us}]}]}\n", "dispatch.ops[0].measured",
     6, 18, "expected `measured` only on a step group"},
    {"  ops:\n    - {repeat: 2, ops: [{step: true, ops: [{calls: [{kernel: 1us}]}]}]}\n",
     "dispatch.ops[0].ops[0].step", 6, 32, "got one inside a group of repeat > 1"},
    {"  ops:\n    - {calls: [{kernel: 1us}], sync: true}\n", "dispatch.ops[0].sync", 6, 38,
     "an op with `calls` writes its syncs as calls"},
};

static void test_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++) {
        const struct refusal *f = &refusals[i];
        pl_test_dispatch x;
        pl_test_dispatch_try(&x, f->body);
        char where[600];
        snprintf(where, sizeof where, "%s/s.yaml:%d:%d: key '%s': ", x.dir, f->line, f->col,
                 f->key);
        if (x.rc != PL_ECONFIG || strncmp(x.d.msg, where, strlen(where)) != 0 ||
            !strstr(x.d.msg, f->says))
            fail_msg("case %zu: rc %d, got \"%s\", expected \"%s...%s\"", i, x.rc, x.d.msg, where,
                     f->says);
        pl_test_dispatch_done(&x);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_streams_and_events),
        cmocka_unit_test(test_stream_and_device_sync),
        cmocka_unit_test(test_blocking_copy),
        cmocka_unit_test(test_two_threads),
        cmocka_unit_test(test_signals),
        cmocka_unit_test(test_launch_latency),
        cmocka_unit_test(test_host_speed),
        cmocka_unit_test(test_pipelined_split),
        cmocka_unit_test(test_pipelined_threads),
        cmocka_unit_test(test_capture),
        cmocka_unit_test(test_steps_replay),
        cmocka_unit_test(test_whole_trace_replay),
        cmocka_unit_test(test_stream_depth_variant),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
