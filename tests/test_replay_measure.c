/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_replay_measure.c — a replayed run measured as its trace was (sim/measure/replay.h):
 * each step's simulated span, the device's busy time as the union of its streams, and
 * the device's idle time by cause, on one small graph simulated by both engines.
 *
 * The graph (times in microseconds), built by replay_graph below: a host place with
 * threads H (host.main) and H2 (host.worker), a device place with streams D0 and D1; D1
 * is a passive unit with a wake-up of 1 us (a launch latency: a kernel released on an
 * idle D1 starts 1 us after its release). Items 0-2 are step 0, items 3-6 step 1.
 *
 *   item  host tasks                           device tasks
 *   0     L0 on H, 2                           K0 on D0, 10, issue from L0
 *   1     L1 on H, 2                           K1 on D1, 3, issue from L1
 *   2     L2 on H, 1; S2 on H, 2, sync on K2   K2 on D1, 4, issue from L2, stream from K0
 *   3     L3 on H, 1                           K3 on D0, 2, issue from L3
 *   4     L4 on H, 3                           K4 on D0, 1, issue from L4
 *   5     P5 on H2, 1, sync on K4              K5 on D0, 2, issue from P5
 *   6     F6 on H, 1, sync on K6               K6 on D1, 1, data from K5
 *
 * Worked by hand (each task starts at the later of its unit's previous end and its
 * edges' last event, plus D1's 1 us when that event came after D1's previous end):
 *   H:  L0 0-2, L1 2-4, L2 4-5, S2 17-19 (K2 ends 17), L3 19-20, L4 20-23, F6 29-30
 *   H2: P5 24-25 (K4 ends 24)
 *   D0: K0 2-12, K3 20-22, K4 23-24, K5 25-27
 *   D1: K1 5-8 (released 4), K2 13-17 (the stream edge at 12 comes last), K6 28-29
 *       (released 27 by the data edge)
 * The device runs 2-12 (K1 inside K0), 13-17, 20-22, 23-24, 25-27, 28-29: 20 us, where
 * the streams' busy times add up to 23 us. Its idle gaps and the task ending each:
 *   before 2   K0, issued by L0, whose thread ran no sync task then: starved by host
 *   12-13      K2, released by its stream edge: waiting on another stream
 *   17-20      K3, issued by L3, whose thread H ran the sync task S2 at 17-19: sync
 *   22-23      K4, issued by L4, H ran only L4: starved by host
 *   24-25      K5, issued by P5, itself released by a sync edge: waiting for a sync
 *   27-28      K6, released by a data edge: other
 *   after 29   nothing ends it: starved by host
 *
 * Then random graphs of the same kinds of tasks and edges, against brute force: the idle
 * time and the device's busy time add up as they must.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/graph/graph.h"
#include "sim/graph/timeline.h"
#include "sim/measure/replay.h"
#include "support.h"

#include <math.h>
#include <stdlib.h>

#define US  1e-6
#define TOL 1e-15 /* times of tens of microseconds, from sums of a few of them */

enum { H, H2, D0, D1, NUNITS };

static uint32_t task(pl_graph *g, const uint32_t *unit, int u, double us, uint32_t item)
{
    uint32_t label, id;
    assert_int_equal(pl_graph_add_label(g, "op", &label), 0);
    assert_int_equal(pl_graph_add_task(g, unit[u], us * US, label, item, &id), 0);
    return id;
}

static void edge(pl_graph *g, uint32_t from, uint32_t to, pl_edge_kind kind)
{
    assert_int_equal(pl_graph_add_edge(g, from, to, kind, PL_AT_END), 0);
}

/* The graph of the table at the top of this file, finalized. */
static pl_graph *replay_graph(void)
{
    pl_graph *g = pl_graph_create("replay");
    uint32_t host, device, u[NUNITS];
    assert_int_equal(pl_graph_add_place(g, "host", PL_PLACE_HOST, 2, &host), 0);
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &device), 0);
    static const char *const names[] = {"host.main", "host.worker", "device.stream0",
                                        "device.stream1"};
    for (int i = 0; i < NUNITS; i++)
        assert_int_equal(pl_graph_add_unit(g, names[i], i < D0 ? host : device, &u[i]), 0);
    assert_int_equal(pl_graph_set_unit_wait(g, u[D1], PL_WAIT_PASSIVE, 1 * US), 0);
    uint32_t l0 = task(g, u, H, 2, 0), k0 = task(g, u, D0, 10, 0);
    edge(g, l0, k0, PL_EDGE_ISSUE);
    uint32_t l1 = task(g, u, H, 2, 1), k1 = task(g, u, D1, 3, 1);
    edge(g, l1, k1, PL_EDGE_ISSUE);
    uint32_t l2 = task(g, u, H, 1, 2), k2 = task(g, u, D1, 4, 2), s2 = task(g, u, H, 2, 2);
    edge(g, l2, k2, PL_EDGE_ISSUE);
    edge(g, k0, k2, PL_EDGE_STREAM);
    edge(g, k2, s2, PL_EDGE_SYNC);
    uint32_t l3 = task(g, u, H, 1, 3), k3 = task(g, u, D0, 2, 3);
    edge(g, l3, k3, PL_EDGE_ISSUE);
    uint32_t l4 = task(g, u, H, 3, 4), k4 = task(g, u, D0, 1, 4);
    edge(g, l4, k4, PL_EDGE_ISSUE);
    uint32_t p5 = task(g, u, H2, 1, 5), k5 = task(g, u, D0, 2, 5);
    edge(g, k4, p5, PL_EDGE_SYNC);
    edge(g, p5, k5, PL_EDGE_ISSUE);
    uint32_t k6 = task(g, u, D1, 1, 6), f6 = task(g, u, H, 1, 6);
    edge(g, k5, k6, PL_EDGE_DATA);
    edge(g, k6, f6, PL_EDGE_SYNC);
    assert_int_equal(pl_graph_set_items(g, 7, "ops"), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}

typedef struct fixture {
    pl_graph *g;
    pl_timeline tl;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->g = replay_graph();
    pl_test_simulate(f->g, &f->tl);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    pl_timeline_fini(&f->tl);
    pl_graph_destroy(f->g);
    free(f);
    return 0;
}

static void measure(const fixture *f, const pl_replay *r, pl_replay_result *out)
{
    assert_int_equal(pl_replay_measure(f->g, &f->tl, r, out), 0);
}

/* Two steps measured by their host tasks, as ProfilerStep markers are. */
static void test_two_steps(void **state)
{
    fixture *f = *state;
    pl_replay r = {0};
    assert_int_equal(pl_replay_add_step(&r, "ProfilerStep#1", 20 * US, 0, 3, true), 0);
    assert_int_equal(pl_replay_add_step(&r, "ProfilerStep#2", NAN, 3, 7, true), 0);
    pl_replay_result res;
    measure(f, &r, &res);
    /* Step 0: L0 starts at 0, S2 ends at 19 (its device tasks end by 17). */
    pl_assert_near(res.simulated[0], 19 * US, TOL);
    /* Step 1: L3 starts at 19, F6 ends at 30; K5 and K6 are inside. */
    pl_assert_near(res.simulated[1], 11 * US, TOL);
    /* The union 2-12, 13-17, 20-22, 23-24, 25-27, 28-29: 10 + 4 + 2 + 1 + 2 + 1. */
    pl_assert_near(res.device_busy, 20 * US, TOL);
    /* Step 0 (0-19): 0-2 before K0, host; 12-13 stream; 17-19 after its last device task
     * (K2 ends 17), host. Step 1 (19-30): 19-20, the end of the gap 17-20, sync; 22-23
     * host; 24-25 sync; 27-28 other; 29-30 after its last device task (K6), host. */
    pl_assert_near(res.device_idle[PL_IDLE_HOST], (2 + 2 + 1 + 1) * US, TOL);
    pl_assert_near(res.device_idle[PL_IDLE_SYNC], (1 + 1) * US, TOL);
    pl_assert_near(res.device_idle[PL_IDLE_STREAM], 1 * US, TOL);
    pl_assert_near(res.device_idle[PL_IDLE_OTHER], 1 * US, TOL);
    pl_replay_result_fini(&res);
    pl_replay_fini(&r);
}

/* One step over every task, host and device, as a trace without step markers. */
static void test_whole_trace(void **state)
{
    fixture *f = *state;
    pl_replay r = {0};
    assert_int_equal(pl_replay_add_step(&r, "whole trace", 31 * US, 0, 7, false), 0);
    pl_replay_result res;
    measure(f, &r, &res);
    /* L0 starts at 0, F6 ends at 30. */
    pl_assert_near(res.simulated[0], 30 * US, TOL);
    pl_assert_near(res.device_busy, 20 * US, TOL);
    /* 30 - 20 = 10 us idle: 0-2, 22-23 and 29-30 host; the whole gap 17-20 (it comes
     * before K6, the step's last device task) and 24-25 sync; 12-13 stream; 27-28 other. */
    pl_assert_near(res.device_idle[PL_IDLE_HOST], (2 + 1 + 1) * US, TOL);
    pl_assert_near(res.device_idle[PL_IDLE_SYNC], (3 + 1) * US, TOL);
    pl_assert_near(res.device_idle[PL_IDLE_STREAM], 1 * US, TOL);
    pl_assert_near(res.device_idle[PL_IDLE_OTHER], 1 * US, TOL);
    pl_replay_result_fini(&res);
    pl_replay_fini(&r);
}

/* Device busy counts only the steps' items: step 0 alone has K0, K1 and K2, whose union
 * is 2-12 and 13-17 (K1 at 5-8 overlaps K0), not their sum 10 + 3 + 4 = 17. The device
 * tasks of other items still keep the device from being idle: 20-22 is busy with K3,
 * outside the step's span anyway. */
static void test_busy_of_steps_only(void **state)
{
    fixture *f = *state;
    pl_replay r = {0};
    assert_int_equal(pl_replay_add_step(&r, "ProfilerStep#1", NAN, 0, 3, true), 0);
    pl_replay_result res;
    measure(f, &r, &res);
    pl_assert_near(res.device_busy, 14 * US, TOL);
    pl_assert_near(res.simulated[0], 19 * US, TOL);
    pl_assert_near(res.device_idle[PL_IDLE_HOST], 4 * US, TOL);
    pl_assert_near(res.device_idle[PL_IDLE_STREAM], 1 * US, TOL);
    assert_true(res.device_idle[PL_IDLE_SYNC] == 0);
    assert_true(res.device_idle[PL_IDLE_OTHER] == 0);
    pl_replay_result_fini(&res);
    pl_replay_fini(&r);
}

/* A step whose items have no task (past the graph's items) has no span: NaN, no idle. */
static void test_step_without_tasks(void **state)
{
    fixture *f = *state;
    pl_replay r = {0};
    assert_int_equal(pl_replay_add_step(&r, "empty", 1 * US, 100, 200, true), 0);
    pl_replay_result res;
    measure(f, &r, &res);
    assert_true(isnan(res.simulated[0]));
    assert_true(res.device_busy == 0);
    for (int c = 0; c < PL_IDLE_CAUSE_COUNT; c++)
        assert_true(res.device_idle[c] == 0);
    pl_replay_result_fini(&res);
    pl_replay_fini(&r);
}

/* ---- Random graphs -------------------------------------------------------------- */

/* Where any of the device tasks of g whose item is in [first, end) (all items: end 0)
 * runs within [from, to], by brute force: the elementary intervals between every start
 * and end, each covered or not at its midpoint. */
static double covered(const pl_graph *g, const pl_timeline *tl, double from, double to,
                      uint32_t first, uint32_t end)
{
    uint32_t n = pl_graph_task_count(g), m = 0;
    double *at = malloc((2 * (size_t)n + 2) * sizeof *at);
    at[m++] = from;
    at[m++] = to;
    for (uint32_t t = 0; t < n; t++) {
        at[m++] = tl->start[t] < from ? from : tl->start[t] > to ? to : tl->start[t];
        at[m++] = tl->end[t] < from ? from : tl->end[t] > to ? to : tl->end[t];
    }
    double sum = 0;
    for (uint32_t i = 0; i < m; i++) {
        double next = INFINITY; /* the least time after at[i] */
        for (uint32_t j = 0; j < m; j++)
            if (at[j] > at[i] && at[j] < next)
                next = at[j];
        if (!isfinite(next))
            continue;
        double mid = (at[i] + next) / 2;
        bool busy = false;
        for (uint32_t t = 0; t < n && !busy; t++) {
            uint32_t place = pl_graph_unit_place(g, pl_graph_task_unit(g, t));
            uint32_t item = pl_graph_task_item(g, t);
            busy = pl_graph_place_kind(g, place) == PL_PLACE_DEVICE &&
                   (end == 0 || (item >= first && item < end)) && tl->start[t] < mid &&
                   tl->end[t] > mid;
        }
        /* each elementary interval once: only from the first of equal times */
        bool first_of = true;
        for (uint32_t j = 0; j < i; j++)
            first_of = first_of && at[j] != at[i];
        if (busy && first_of)
            sum += next - at[i];
    }
    free(at);
    return sum;
}

/* A random graph of `items` items: per item a launch on a random host thread, a kernel
 * of 0 to 5 us on a random stream issued by it, then at random a sync task on the
 * launching thread and a stream edge from the other stream's last kernel. */
static pl_graph *random_graph(uint64_t *seed, uint32_t items)
{
    pl_graph *g = pl_graph_create("random");
    uint32_t host, device, u[NUNITS], last[2] = {UINT32_MAX, UINT32_MAX};
    assert_int_equal(pl_graph_add_place(g, "host", PL_PLACE_HOST, 2, &host), 0);
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &device), 0);
    for (int i = 0; i < NUNITS; i++)
        assert_int_equal(pl_graph_add_unit(g, "u", i < D0 ? host : device, &u[i]), 0);
    assert_int_equal(pl_graph_set_unit_wait(g, u[D1], PL_WAIT_PASSIVE, 0.5 * US), 0);
    for (uint32_t i = 0; i < items; i++) {
        int h = (int)pl_test_below(seed, 2), d = (int)pl_test_below(seed, 2);
        uint32_t l = task(g, u, h, 1 + pl_test_below(seed, 3), i);
        uint32_t k = task(g, u, D0 + d, pl_test_below(seed, 6), i);
        edge(g, l, k, PL_EDGE_ISSUE);
        if (pl_test_below(seed, 4) == 0)
            edge(g, k, task(g, u, h, 1, i), PL_EDGE_SYNC);
        if (pl_test_below(seed, 4) == 0 && last[1 - d] != UINT32_MAX)
            edge(g, last[1 - d], k, PL_EDGE_STREAM);
        last[d] = k;
    }
    assert_int_equal(pl_graph_set_items(g, items, "ops"), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}

/* On random graphs, per step of 10 items, the idle time by cause adds up to the step's
 * span less the time some device task (of any item) runs in it, and the device's busy
 * time is the union of the step's own device tasks: both by brute force (covered). */
static void test_random_graphs(void **state)
{
    (void)state;
    for (uint64_t case_seed = 1; case_seed <= 20; case_seed++) {
        uint64_t seed = case_seed;
        pl_graph *g = random_graph(&seed, 30);
        pl_timeline tl;
        pl_test_simulate(g, &tl);
        for (uint32_t first = 0; first < 30; first += 10) {
            pl_replay r = {0};
            assert_int_equal(pl_replay_add_step(&r, "step", NAN, first, first + 10, true), 0);
            pl_replay_result res;
            assert_int_equal(pl_replay_measure(g, &tl, &r, &res), 0);
            double idle = 0, from = INFINITY, to = -INFINITY;
            for (int c = 0; c < PL_IDLE_CAUSE_COUNT; c++)
                idle += res.device_idle[c];
            for (uint32_t t = 0; t < pl_graph_task_count(g); t++) {
                uint32_t item = pl_graph_task_item(g, t);
                uint32_t place = pl_graph_unit_place(g, pl_graph_task_unit(g, t));
                if (item < first || item >= first + 10 ||
                    pl_graph_place_kind(g, place) == PL_PLACE_DEVICE)
                    continue;
                from = fmin(from, tl.start[t]);
                to = fmax(to, tl.end[t]);
            }
            pl_assert_near(res.simulated[0], to - from, TOL);
            pl_assert_near(idle, to - from - covered(g, &tl, from, to, 0, 0), 1e-12);
            pl_assert_near(res.device_busy, covered(g, &tl, -INFINITY, INFINITY, first, first + 10),
                           1e-12);
            pl_replay_result_fini(&res);
            pl_replay_fini(&r);
        }
        pl_timeline_fini(&tl);
        pl_graph_destroy(g);
    }
}

/* A pipelined dispatch: the launch waits for an InferShape that waited for a sync.
 * Threads HI (InferShape) and HL (Launch), stream D:
 *   HL: L0 0-1, issues K0 on D 1-6
 *   HI: I1 2 us, sync on K0: 6-8
 *   HL: L1 1 us, data from I1: 8-9, issues K1 on D 9-10
 * The device idles 0-1 (K0's launch: starved by host) and 6-9: K1's launch L1 ran no sync
 * and was not released by one, but L1 waited for I1, released by the sync on K0, inside
 * the gap: waiting for a sync, 3 us. Whole trace 0-10, busy 6 us. */
static void test_sync_behind_the_launch(void **state)
{
    (void)state;
    pl_graph *g = pl_graph_create("pipelined");
    uint32_t host, device, u[3], label, l0, k0, i1, l1, k1;
    assert_int_equal(pl_graph_add_place(g, "host", PL_PLACE_HOST, 2, &host), 0);
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &device), 0);
    assert_int_equal(pl_graph_add_unit(g, "host.infer", host, &u[0]), 0);
    assert_int_equal(pl_graph_add_unit(g, "host.launch", host, &u[1]), 0);
    assert_int_equal(pl_graph_add_unit(g, "device.stream", device, &u[2]), 0);
    assert_int_equal(pl_graph_add_label(g, "op", &label), 0);
    assert_int_equal(pl_graph_add_task(g, u[1], 1 * US, label, 0, &l0), 0);
    assert_int_equal(pl_graph_add_task(g, u[2], 5 * US, label, 0, &k0), 0);
    assert_int_equal(pl_graph_add_task(g, u[0], 2 * US, label, 1, &i1), 0);
    assert_int_equal(pl_graph_add_task(g, u[1], 1 * US, label, 1, &l1), 0);
    assert_int_equal(pl_graph_add_task(g, u[2], 1 * US, label, 1, &k1), 0);
    edge(g, l0, k0, PL_EDGE_ISSUE);
    edge(g, k0, i1, PL_EDGE_SYNC);
    edge(g, i1, l1, PL_EDGE_DATA);
    edge(g, l1, k1, PL_EDGE_ISSUE);
    assert_int_equal(pl_graph_set_items(g, 2, "ops"), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    pl_timeline tl;
    pl_test_simulate(g, &tl);
    pl_replay r = {0};
    assert_int_equal(pl_replay_add_step(&r, "whole trace", NAN, 0, 2, false), 0);
    pl_replay_result res;
    assert_int_equal(pl_replay_measure(g, &tl, &r, &res), 0);
    pl_assert_near(res.simulated[0], 10 * US, TOL);
    pl_assert_near(res.device_busy, 6 * US, TOL);
    pl_assert_near(res.device_idle[PL_IDLE_HOST], 1 * US, TOL);
    pl_assert_near(res.device_idle[PL_IDLE_SYNC], 3 * US, TOL);
    pl_replay_result_fini(&res);
    pl_replay_fini(&r);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_steps),          cmocka_unit_test(test_whole_trace),
        cmocka_unit_test(test_busy_of_steps_only), cmocka_unit_test(test_step_without_tasks),
        cmocka_unit_test(test_random_graphs),      cmocka_unit_test(test_sync_behind_the_launch),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
