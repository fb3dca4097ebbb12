/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_verdict.c — the verdict search: candidates, their bounds, the simulations, the
 * bottleneck named, ties, and the verdict of runs whose answer is worked out by hand.
 *
 * The flow line of tests/line.h (host.prep 2 us, device.stream 3 us, host.post 1 us per
 * item, 5 items, no room between stages) takes sum + (N - 1) x slowest = 18 us (Dallery
 * and Gershwin, "Manufacturing flow line systems", Queueing Systems 12, 1992). Each
 * candidate's makespan below is worked out with the same formula.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "line.h"
#include "sim/measure/bound.h"
#include "sim/study/session.h"
#include "sim/study/verdict_search.h"
#include "support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const pl_tried *find(const pl_verdict *v, pl_change_kind kind, const char *name)
{
    for (size_t i = 0; i < v->ntried; i++)
        if (v->tried[i].kind == kind && strcmp(v->tried[i].name, name) == 0)
            return &v->tried[i];
    fail_msg("no candidate %s %s", pl_change_kind_name(kind), name);
    return NULL;
}

static void search(const pl_test_sim *sim, pl_verdict *v)
{
    pl_verdict_run run = {sim->g, sim->m.makespan, &sim->b, &sim->terms,
                          NULL,   NULL,            PL_ENGINE_ANALYTIC, NULL};
    pl_diag d;
    pl_diag_init(&d);
    if (pl_verdict_search(&run, v, &d) != 0)
        fail_msg("%s", d.msg);
}

/* device.stream 10 % faster: 2 + 2.7 + 1 + 4 x 2.7 = 16.5 us, the most any change
 * gains. host.prep 10 % faster would give 1.8 + 3 + 1 + 4 x 3 = 17.8 us, host.post
 * 17.9 us, but neither is simulated: with any work 10 % lower every chain is at most
 * 10 % shorter, so device.stream's term stays at least 0.9 x (2 + 1) + 15 = 17.7 us,
 * a gain of at most 0.3 us, which cannot come within 1 % of the makespan (0.18 us) of
 * device.stream's 1.5 us. */
static void line_verdict(void **state)
{
    (void)state;
    pl_test_sim sim;
    pl_test_sim_run(&sim, pl_test_line_pipelined(5));
    pl_verdict v;
    search(&sim, &v);
    assert_true(v.searched);
    assert_int_equal(v.nbest, 1);
    assert_int_equal(v.tried[0].kind, PL_CHANGE_UNIT);
    assert_string_equal(v.tried[0].name, "device.stream");
    assert_string_equal(v.tried[0].change, "10 % less work on device.stream");
    pl_assert_near(v.tried[0].makespan, 16.5e-6, 1e-15);
    pl_assert_near(v.tried[0].gain, 1.5e-6, 1e-15);
    /* prep, stream, post and the critical path: no link, no host with more threads than
     * its 2 cores. */
    assert_int_equal(v.ntried, 4);
    const pl_tried *prep = find(&v, PL_CHANGE_UNIT, "host.prep");
    assert_int_equal(prep->status, PL_TRIED_BOUNDED);
    pl_assert_near(prep->gain, 0.3e-6, 1e-15);
    const pl_tried *post = find(&v, PL_CHANGE_UNIT, "host.post");
    assert_int_equal(post->status, PL_TRIED_BOUNDED);
    pl_assert_near(post->gain, 0.3e-6, 1e-15);
    pl_verdict_fini(&v);
    pl_test_sim_free(&sim);
}

/* One unit, one task of 10 us: 10 % less work on the unit and 10 % less work on the
 * critical path (the same task) both give 9 us: a tie, and the verdict names both. */
static void tie(void **state)
{
    (void)state;
    pl_graph *g = pl_graph_create("one");
    uint32_t place, unit, label, task;
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &place), 0);
    assert_int_equal(pl_graph_add_unit(g, "device.stream", place, &unit), 0);
    assert_int_equal(pl_graph_add_label(g, "op", &label), 0);
    assert_int_equal(pl_graph_add_task(g, unit, 10e-6, label, 0, &task), 0);
    assert_int_equal(pl_graph_set_items(g, 1, "ops"), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    pl_test_sim sim;
    pl_test_sim_run(&sim, g);
    pl_verdict v;
    search(&sim, &v);
    assert_int_equal(v.nbest, 2);
    assert_int_equal(v.nsimulated, 2);
    for (size_t i = 0; i < 2; i++)
        pl_assert_near(v.tried[i].gain, 1e-6, 1e-15);
    /* Equal gains keep the order the candidates were made in: units first. */
    assert_int_equal(v.tried[0].kind, PL_CHANGE_UNIT);
    assert_int_equal(v.tried[1].kind, PL_CHANGE_CHAIN);
    pl_verdict_fini(&v);
    pl_test_sim_free(&sim);
}

/* The resource bound leaves out slot edges: the flow line's device.stream term, 2 us
 * before it + 5 x 3 us + 1 us after = 18 us, and its critical path one item's chain,
 * 2 + 3 + 1 = 6 us; with the slot edges the chain through every edge is the 18 us of
 * the flow line itself. */
static void resource_bound(void **state)
{
    (void)state;
    pl_test_sim sim;
    pl_test_sim_run(&sim, pl_test_line_pipelined(5));
    assert_int_equal(sim.b.kind, PL_BOUND_UNIT);
    pl_assert_near(sim.b.makespan, 18e-6, 1e-15);
    pl_assert_near(sim.b.critical_path, 6e-6, 1e-15);
    pl_assert_near(sim.configured.critical_path, 18e-6, 1e-15);
    pl_test_sim_free(&sim);
}

/* ---- Scenarios ------------------------------------------------------------------ */

static pl_session *run(const char *scenario, const char *const *sets, size_t nsets)
{
    pl_session *s = NULL;
    pl_diag d;
    pl_diag_init(&d);
    int rc = pl_session_open(pl_test_src(scenario), sets, nsets, &s, &d);
    if (rc == 0)
        rc = pl_session_run(s, &d);
    if (rc != 0)
        fail_msg("%s: %s", scenario, d.msg);
    return s;
}

static void expect(const char *scenario, const char *const *sets, size_t nsets,
                   pl_change_kind kind, const char *name)
{
    pl_session *s = run(scenario, sets, nsets);
    const pl_verdict *v = pl_session_report(s)->verdict;
    assert_non_null(v);
    assert_true(v->nbest >= 1);
    if (v->tried[0].kind != kind || strcmp(v->tried[0].name, name) != 0)
        fail_msg("%s: expected %s %s, the verdict names %s %s", scenario,
                 pl_change_kind_name(kind), name, pl_change_kind_name(v->tried[0].kind),
                 v->tried[0].name);
    pl_session_destroy(s);
}

/* dispatch_teaching: the device stream runs 100 kernels of 12 us back to back after a
 * 24 us fill (1.224 ms): only a faster stream shortens it (by 120 us), the host threads
 * already keep ahead of it. */
static void dispatch_pipelined(void **state)
{
    (void)state;
    expect("workloads/dispatch_teaching.yaml", NULL, 0, PL_CHANGE_UNIT, "device.stream");
}

/* The serial baseline as the run: one host thread does every step of every op and
 * waits for nothing but itself (2.412 ms, 99.5 % busy): it is the bottleneck. */
static void dispatch_serial(void **state)
{
    (void)state;
    const char *sets[] = {"dispatch.mode=serial"};
    expect("workloads/dispatch_teaching.yaml", sets, 1, PL_CHANGE_UNIT, "host.dispatch");
}

/* stream_teaching: the filter stage's four threads carry the heaviest load (the bound
 * names filter.2): 10 % less work on the filter shortens the run most. */
static void stream_filter(void **state)
{
    (void)state;
    expect("workloads/stream_teaching.yaml", NULL, 0, PL_CHANGE_STAGE, "filter");
}

/* tile_buffering at depth 3: VECTOR runs back to back (52 us = 2 + 48 + 2, the
 * workload's comment): only less work on it shortens the kernel. */
static void tile_depth3(void **state)
{
    (void)state;
    const char *sets[] = {"tile.depth=3"};
    expect("workloads/tile_buffering.yaml", sets, 1, PL_CHANGE_UNIT, "core0.VECTOR");
}

/* Depth 1: one slot means no overlap at all (112 us); a second one lets two tiles
 * overlap, 59 us (the workload's own comment), far more than 10 % less work anywhere
 * can give. Depth 2: the third slot reaches VECTOR's bound, 52 us. */
static void tile_depths_1_2(void **state)
{
    (void)state;
    const char *one[] = {"tile.depth=1"}, *two[] = {"tile.depth=2"};
    expect("workloads/tile_buffering.yaml", one, 1, PL_CHANGE_BUFFER, "t");
    expect("workloads/tile_buffering.yaml", two, 1, PL_CHANGE_BUFFER, "t");
}

/* The single-buffered kernel: 112 us against a resource bound of 2 + 48 + 2 = 52 us
 * (VECTOR's work and what must come before and after it, whatever the buffers):
 * efficiency 52 / 112 = 46.4 %; with its one slot's edges the bound is the run itself,
 * 16 x 7 us = 112 us. */
static void single_buffer_efficiency(void **state)
{
    (void)state;
    const char *one[] = {"tile.depth=1"};
    pl_session *s = run("workloads/tile_buffering.yaml", one, 1);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(r->run.m->makespan, 112e-6, 1e-15);
    pl_assert_near(r->run.bound->makespan, 52e-6, 1e-15);
    pl_assert_near(r->run.bound->makespan / r->run.m->makespan, 52.0 / 112.0, 1e-12);
    pl_assert_near(r->run.configured->makespan, 112e-6, 1e-15);
    pl_session_destroy(s);
}

/* The resource bound does not depend on the sync policy: behind barriers the kernel
 * takes 86 us, but its bound is still VECTOR's 2 + 48 + 2 = 52 us, as with events (each
 * TEXP still reads its own tile's load, whatever later load the barrier waits for). */
static void bound_without_barriers(void **state)
{
    (void)state;
    const char *sets[] = {"tile.sync=barrier"};
    pl_session *s = run("workloads/tile_event_vs_tsync.yaml", sets, 1);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(r->run.m->makespan, 86e-6, 1e-15);
    pl_assert_near(r->run.bound->makespan, 52e-6, 1e-15);
    pl_assert_near(r->run.bound->head, 2e-6, 1e-15);
    pl_session_destroy(s);
}

/* 24 cores share one GM of 1.6 TB/s: their loads alone take 1.363 ms of the 1.514 ms
 * (tile_gemm.yaml's comment); 10 % more bandwidth gains most. */
static void gemm_24_cores(void **state)
{
    (void)state;
    const char *sets[] = {"tile.cores=24"};
    expect("workloads/tile_gemm.yaml", sets, 1, PL_CHANGE_LINK, "GM");
}

/* A run of 0 s: its throughput, speedup and efficiencies are undefined (NaN: null in
 * JSON, n/a in text), and no change can shorten it. */
static void no_time(void **state)
{
    (void)state;
    pl_session *s = run("tests/data/verdict/no_time.yaml", NULL, 0);
    const pl_report *r = pl_session_report(s);
    assert_true(r->run.m->makespan == 0);
    assert_true(isnan(r->run.m->throughput));
    assert_true(isnan(r->speedup));
    assert_int_equal(r->verdict->nbest, 0);
    assert_int_equal(r->verdict->nsimulated, 0);
    pl_session_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(line_verdict),       cmocka_unit_test(tie),
        cmocka_unit_test(resource_bound),     cmocka_unit_test(dispatch_pipelined),
        cmocka_unit_test(dispatch_serial),    cmocka_unit_test(stream_filter),
        cmocka_unit_test(tile_depth3),        cmocka_unit_test(tile_depths_1_2),
        cmocka_unit_test(single_buffer_efficiency), cmocka_unit_test(gemm_24_cores),
        cmocka_unit_test(no_time),            cmocka_unit_test(bound_without_barriers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
