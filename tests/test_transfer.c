/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_transfer.c — shared-bandwidth transfers: links and routes in the graph,
 * flows in the engine, time lost to sharing in the metrics, the link term of the
 * bound.
 *
 * Expected times are worked out by hand in each test from fair sharing: the
 * transfers crossing a link at the same time each get an equal share of its
 * bandwidth, unless a narrower share elsewhere on their route holds them back.
 * Sizes and bandwidths are powers of two, so every expected time is exact in binary
 * and the engine's result is checked to 1e-9 relative.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "line.h"
#include "sim/report/parts.h"
#include "support.h"

#include <math.h>
#include <stdio.h>

/* W bytes per second, S bytes, a fixed latency LAT: S / W = 2^-10 s (about 1 ms), LAT =
 * 2^-20 s (about 1 us). */
#define W   1073741824.0 /* 2^30 B/s */
#define S   1048576.0    /* 2^20 B */
#define LAT 9.5367431640625e-07 /* 2^-20 s */
#define T   (S / W)             /* one S alone on W: 2^-10 s */

#define CORES 4

static void assert_time(double got, double want)
{
    pl_assert_near(got, want, 1e-9 * fabs(want));
}

/* A device place with one unit, routed over links[0..n). */
static uint32_t routed_unit(pl_graph *g, const char *name, const uint32_t *links, uint32_t n)
{
    uint32_t place, unit;
    assert_int_equal(pl_graph_add_place(g, name, PL_PLACE_DEVICE, 1, &place), 0);
    assert_int_equal(pl_graph_add_unit(g, name, place, &unit), 0);
    assert_int_equal(pl_graph_set_unit_route(g, unit, links, n), 0);
    return unit;
}

static uint32_t transfer_task(pl_graph *g, uint32_t unit, double work, double bytes,
                              uint32_t item)
{
    uint32_t label, task;
    assert_int_equal(pl_graph_add_label(g, "load", &label), 0);
    assert_int_equal(pl_graph_add_task(g, unit, work, label, item, &task), 0);
    assert_int_equal(pl_graph_set_task_bytes(g, task, bytes), 0);
    return task;
}

/* ---- The graph ------------------------------------------------------------------- */

/* Links, routes and bytes read back; a task's time alone is its work plus its bytes over
 * the narrowest link of its route; bytes need a route. */
static void test_graph_links_and_routes(void **state)
{
    (void)state;
    pl_graph *g = pl_graph_create("links");
    uint32_t wide, narrow, place, plain, label, t0, t1, t2;
    assert_int_equal(pl_graph_add_link(g, "core0", 4 * W, &wide), 0);
    assert_int_equal(pl_graph_add_link(g, "gm", W, &narrow), 0);
    assert_int_equal(pl_graph_add_link(g, "bad", 0, &(uint32_t){0}), PL_EINVAL);
    assert_int_equal(pl_graph_add_link(g, "bad", INFINITY, &(uint32_t){0}), PL_EINVAL);
    uint32_t route[] = {wide, narrow}, twice[] = {narrow, wide, narrow};
    uint32_t dma = routed_unit(g, "dma", route, 2);
    assert_int_equal(pl_graph_set_unit_route(g, dma, twice, 3), PL_EINVAL);
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &place), 0);
    assert_int_equal(pl_graph_add_unit(g, "cube", place, &plain), 0);
    assert_int_equal(pl_graph_add_label(g, "x", &label), 0);
    assert_int_equal(pl_graph_add_task(g, plain, 3e-6, label, 0, &t0), 0);
    /* Bytes on a unit without a route cannot be moved: refused, and nothing is stored. */
    assert_int_equal(pl_graph_set_task_bytes(g, t0, S), PL_EINVAL);
    assert_int_equal(pl_graph_set_task_bytes(g, t0, 0), 0);
    t1 = transfer_task(g, dma, LAT, S, 0);
    t2 = transfer_task(g, dma, LAT, 0, 1);
    /* The route cannot be taken away from a unit whose tasks carry bytes. */
    assert_int_equal(pl_graph_set_unit_route(g, dma, NULL, 0), PL_EINVAL);
    assert_int_equal(pl_graph_finalize(g), 0);

    assert_int_equal(pl_graph_link_count(g), 2);
    assert_string_equal(pl_graph_link_name(g, narrow), "gm");
    assert_true(pl_graph_link_bandwidth(g, wide) == 4 * W);
    uint32_t n;
    const uint32_t *r = pl_graph_unit_route(g, dma, &n);
    assert_int_equal(n, 2);
    assert_int_equal(r[0], wide);
    assert_int_equal(r[1], narrow);
    pl_graph_unit_route(g, plain, &n);
    assert_int_equal(n, 0);
    assert_true(pl_graph_task_bytes(g, t0) == 0);
    assert_true(pl_graph_task_bytes(g, t1) == S);
    assert_true(pl_graph_task_bytes(g, t2) == 0);
    /* Exact: LAT + 2^20 / 2^30 in binary. */
    assert_true(pl_graph_task_alone(g, t0) == 3e-6);
    assert_true(pl_graph_task_alone(g, t1) == LAT + T);
    assert_true(pl_graph_task_alone(g, t2) == LAT);
    pl_graph_destroy(g);
}

/* ---- (a) One transfer alone ---------------------------------------------------------- */

/* A transfer alone ends at its latency + S over the narrowest link of its route, wherever
 * on the route that link is. */
static void test_one_transfer(void **state)
{
    (void)state;
    pl_graph *g = pl_graph_create("one");
    uint32_t a, b, c;
    assert_int_equal(pl_graph_add_link(g, "a", 4 * W, &a), 0);
    assert_int_equal(pl_graph_add_link(g, "b", W / 2, &b), 0);
    assert_int_equal(pl_graph_add_link(g, "c", 2 * W, &c), 0);
    uint32_t route[] = {a, b, c};
    uint32_t t = transfer_task(g, routed_unit(g, "dma", route, 3), LAT, S, 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    pl_test_sim s;
    pl_test_sim_run(&s, g);
    printf("one transfer: end %.17g s, expected LAT + 2 S/W = %.17g s\n", s.tl.end[t],
           LAT + 2 * T);
    assert_time(s.tl.start[t], 0);
    assert_time(s.tl.end[t], LAT + 2 * T);
    pl_test_sim_free(&s);
}

/* ---- (b) Four cores loading over one GM ----------------------------------------------- */

/* CORES device places ("cores"), each with one DMA unit routed over its own link of
 * bandwidth 4W and the GM link of bandwidth W; each loads S bytes after a latency LAT,
 * all at 0. The GM is the narrowest share: W / 4 each, against 4W on a core's own link.
 * Every load therefore ends at LAT + 4 S / W (the requirement). */
static pl_graph *four_cores(uint32_t *gm, uint32_t tasks[CORES])
{
    pl_graph *g = pl_graph_create("cores");
    assert_int_equal(pl_graph_add_link(g, "gm", W, gm), 0);
    for (int c = 0; c < CORES; c++) {
        char name[32];
        uint32_t own;
        snprintf(name, sizeof name, "core%d.link", c);
        assert_int_equal(pl_graph_add_link(g, name, 4 * W, &own), 0);
        uint32_t route[] = {own, *gm};
        snprintf(name, sizeof name, "core%d.mte2", c);
        tasks[c] = transfer_task(g, routed_unit(g, name, route, 2), LAT, S, 0);
    }
    assert_int_equal(pl_graph_set_items(g, CORES, "loads"), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}

static void test_four_cores_share_gm(void **state)
{
    (void)state;
    uint32_t gm, t[CORES];
    pl_test_sim s;
    pl_test_sim_run(&s, four_cores(&gm, t));
    for (int c = 0; c < CORES; c++) {
        printf("core%d: start %.17g s, end %.17g s, expected LAT + 4 S/W = %.17g s\n", c,
               s.tl.start[t[c]], s.tl.end[t[c]], LAT + 4 * T);
        assert_time(s.tl.start[t[c]], 0);
        assert_time(s.tl.end[t[c]], LAT + 4 * T);
    }
    assert_time(s.m.makespan, LAT + 4 * T);
    pl_test_sim_free(&s);
}

/* ---- (d), (e) Metrics and bound of the four cores -------------------------------------- */

/* Each DMA unit is busy LAT + 4 S/W but would take LAT + S/W alone: it lost 3 S/W to the
 * shared GM. */
static void test_four_cores_contention(void **state)
{
    (void)state;
    uint32_t gm, t[CORES];
    pl_test_sim s;
    pl_test_sim_run(&s, four_cores(&gm, t));
    for (uint32_t u = 0; u < s.m.nunits; u++) {
        const pl_unit_metrics *um = &s.m.units[u];
        printf("%s: busy %.17g s, work %.17g s, contention %.17g s (expected 3 S/W = %.17g)\n",
               pl_graph_unit_name(s.g, u), um->busy, um->work, um->contention, 3 * T);
        assert_time(um->busy, LAT + 4 * T);
        assert_time(um->work, LAT + T);
        assert_time(um->contention, 3 * T);
    }
    pl_test_sim_free(&s);
}

/* The GM must carry 4 S bytes, which takes 4 S / W, and no byte moves before LAT: the
 * link term LAT + 4 S/W binds (the units' own terms are LAT + S/W, the core links' LAT +
 * S/(4W)), and the run reaches it. */
static void test_four_cores_bound(void **state)
{
    (void)state;
    uint32_t gm, t[CORES];
    pl_test_sim s;
    pl_test_sim_run(&s, four_cores(&gm, t));
    printf("bound %.17g s (%s), makespan %.17g s\n", s.b.makespan,
           pl_bound_kind_name(s.b.kind), s.m.makespan);
    assert_int_equal(s.b.kind, PL_BOUND_LINK);
    assert_int_equal(s.b.which, gm);
    assert_string_equal(pl_bound_kind_name(s.b.kind), "shared bandwidth");
    assert_time(s.b.head, LAT);
    assert_time(s.b.work, 4 * T);
    assert_time(s.b.tail, 0);
    assert_time(s.b.makespan, LAT + 4 * T);
    assert_time(s.b.makespan, s.m.makespan);
    assert_time(s.b.critical_path, LAT + T);
    pl_run run = pl_test_sim_view(&s);
    assert_string_equal(pl_report_binds(run.graph, run.bound), "gm");
    pl_test_sim_free(&s);
}

/* ---- (c) Two flows that overlap in part -------------------------------------------------- */

/* One link of bandwidth W. Flow A moves 2S from 0. Flow B moves S/2 and may start only
 * when a task of T (= S/W) on another unit has ended. By hand:
 *   [0, T):      A alone at W moves S; S left.
 *   [T, 2T):     A and B at W/2 each; B's S/2 takes (S/2) / (W/2) = T, so B ends at 2T,
 *                having left A with S - S/2 = S/2.
 *   [2T, 2.5T):  A alone at W moves its last S/2 in T/2: A ends at 2.5T = 2.5 S/W.
 * Alone, A would take 2T and B T/2: A lost T/2 and B T/2 to sharing. */
static void test_partial_overlap(void **state)
{
    (void)state;
    pl_graph *g = pl_graph_create("overlap");
    uint32_t link, place, sleeper, label, wait;
    assert_int_equal(pl_graph_add_link(g, "link", W, &link), 0);
    uint32_t a = transfer_task(g, routed_unit(g, "dma.a", &link, 1), 0, 2 * S, 0);
    uint32_t ub = routed_unit(g, "dma.b", &link, 1);
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &place), 0);
    assert_int_equal(pl_graph_add_unit(g, "cube", place, &sleeper), 0);
    assert_int_equal(pl_graph_add_label(g, "wait", &label), 0);
    assert_int_equal(pl_graph_add_task(g, sleeper, T, label, 0, &wait), 0);
    uint32_t b = transfer_task(g, ub, 0, S / 2, 0);
    assert_int_equal(pl_graph_add_edge(g, wait, b, PL_EDGE_DATA, PL_AT_END), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    pl_test_sim s;
    pl_test_sim_run(&s, g);
    printf("partial overlap: A %.17g..%.17g s (expected 0..%.17g), B %.17g..%.17g s"
           " (expected %.17g..%.17g)\n",
           s.tl.start[a], s.tl.end[a], 2.5 * T, s.tl.start[b], s.tl.end[b], T, 2 * T);
    assert_time(s.tl.start[a], 0);
    assert_time(s.tl.end[a], 2.5 * T);
    assert_time(s.tl.start[b], T);
    assert_time(s.tl.end[b], 2 * T);
    assert_time(s.m.units[0].contention, T / 2);
    assert_time(s.m.units[1].contention, T / 2);
    /* The link carries 2.5 S from 0 with nothing after: 2.5 T, what the run took. */
    assert_int_equal(s.b.kind, PL_BOUND_LINK);
    assert_time(s.b.makespan, 2.5 * T);
    pl_test_sim_free(&s);
}

/* ---- (f) Unit order with transfers ------------------------------------------------------- */

/* One link of bandwidth W. Unit U runs two transfers in order: t1 moves S with no
 * latency, t2 waits T/2 (its latency) and then moves S. Unit V moves 3S from 0. By hand:
 *   [0, 2T):     t1 and V at W/2: t1's S takes 2T. t1 ends at 2T; V has 2S left.
 *   [2T, 2.5T):  t2 starts at 2T (unit order: not before t1 ended) and sleeps T/2; V
 *                alone at W moves S/2, 1.5S left.
 *   [2.5T, 4.5T): t2 and V at W/2: t2's S takes 2T, so t2 ends at 4.5T; V has S/2 left.
 *   [4.5T, 5T):  V alone moves its last S/2: V ends at 5T.
 * All 5S bytes cross the link in 5T, and the link is never idle: the bound is 5T. */
static void test_unit_order_holds(void **state)
{
    (void)state;
    pl_graph *g = pl_graph_create("order");
    uint32_t link;
    assert_int_equal(pl_graph_add_link(g, "link", W, &link), 0);
    uint32_t u = routed_unit(g, "dma.u", &link, 1), v = routed_unit(g, "dma.v", &link, 1);
    uint32_t t1 = transfer_task(g, u, 0, S, 0);
    uint32_t t2 = transfer_task(g, u, T / 2, S, 1);
    uint32_t tv = transfer_task(g, v, 0, 3 * S, 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    pl_test_sim s;
    pl_test_sim_run(&s, g);
    printf("unit order: t1 %.17g..%.17g, t2 %.17g..%.17g, v %.17g..%.17g s\n", s.tl.start[t1],
           s.tl.end[t1], s.tl.start[t2], s.tl.end[t2], s.tl.start[tv], s.tl.end[tv]);
    assert_time(s.tl.end[t1], 2 * T);
    assert_time(s.tl.start[t2], 2 * T);
    assert_true(s.tl.start[t2] >= s.tl.end[t1]);
    assert_int_equal(s.tl.release[t2], PL_NO_EDGE);
    assert_time(s.tl.end[t2], 4.5 * T);
    assert_time(s.tl.end[tv], 5 * T);
    assert_int_equal(s.b.kind, PL_BOUND_LINK);
    assert_time(s.b.makespan, 5 * T);
    pl_test_sim_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graph_links_and_routes),
        cmocka_unit_test(test_one_transfer),
        cmocka_unit_test(test_four_cores_share_gm),
        cmocka_unit_test(test_four_cores_contention),
        cmocka_unit_test(test_four_cores_bound),
        cmocka_unit_test(test_partial_overlap),
        cmocka_unit_test(test_unit_order_holds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
