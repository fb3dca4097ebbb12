/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_tile_report.c — what the reports say about a tile kernel: the period and
 * its estimate, the smallest buffer depths, each pipe's share of a core, and the
 * phases.
 *
 * Expected values: the steady period max(L, C, S, (L + C + S) / B) of load, compute and
 * store engines with B in-place slots, the cycle time of the kernel as a marked graph
 * (C. V. Ramamoorthy and G. S. Ho, "Performance Evaluation of Asynchronous Concurrent
 * Systems Using Petri Nets", IEEE Transactions on Software Engineering SE-6(5), 1980),
 * and the makespans worked out from it, 512 and 323 for L, C, S = 2, 5, 1, N = 64; and
 * the single-buffered baseline's T = N x (L + C + S), in which one op runs at a time
 * (section 3.1 of the PTO ISA guide "Pipeline and Parallel Execution",
 * docs/coding/pipeline-parallel.md of PTO Tile Lib, gitcode.com/cann/pto-isa).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/study/session.h"
#include "support.h"

#include <stdio.h>
#include <string.h>

#define KERNEL "tests/data/tile/three_stage.yaml"

/* Runs the three-stage kernel (one core) with depth B, with or without the advice. */
static pl_session *run_depth(int depth, bool advice)
{
    char set[32];
    snprintf(set, sizeof set, "tile.depth=%d", depth);
    const char *sets[] = {set, "tile.cores=1"};
    pl_session *s = NULL;
    pl_diag d;
    pl_diag_init(&d);
    int rc = pl_session_open(pl_test_src(KERNEL), sets, 2, &s, &d);
    if (rc == 0 && !advice)
        pl_session_skip_advice(s);
    if (rc == 0)
        rc = pl_session_run(s, &d);
    if (rc != 0)
        fail_msg("%s: %s", KERNEL, d.msg);
    return s;
}

static bool has_figure(const pl_report *r, const char *name)
{
    for (size_t i = 0; r->figures && i < r->figures->n; i++)
        if (strcmp(r->figures->v[i].name, name) == 0)
            return true;
    return false;
}

/* With B = 1 the slot's chain L + C + S = 8 us sets the period and first tile +
 * 63 periods = 8 + 63 x 8 = 512 us; with B = 2 VECTOR's C = 5 us does (8 / 2 = 4 is
 * less): 8 + 63 x 5 = 323 us, both what the simulation gives. The period bound N x
 * period (512, 320 us) never exceeds it. */
static void test_period_three_stage(void **state)
{
    (void)state;
    const double period[] = {8e-6, 5e-6}, estimate[] = {512e-6, 323e-6};
    for (int b = 1; b <= 2; b++) {
        pl_session *s = run_depth(b, false);
        const pl_report *r = pl_session_report(s);
        pl_assert_near(pl_test_figure(r, "period")->value, period[b - 1], 1e-15);
        pl_assert_near(pl_test_figure(r, "estimate")->value, estimate[b - 1], 1e-15);
        pl_assert_near(r->run.m->makespan, estimate[b - 1], 1e-15);
        pl_assert_near(pl_test_figure(r, "period bound")->value, 64 * period[b - 1], 1e-15);
        assert_true(pl_test_figure(r, "period bound")->value <= r->run.m->makespan + 1e-15);
        assert_non_null(strstr(pl_test_figure(r, "period")->text,
                               b == 1 ? "set by buffer t" : "set by pipe VECTOR"));
        assert_false(has_figure(r, "depth t")); /* advice skipped */
        pl_session_destroy(s);
    }
}

/* Every slot free, the kernel takes 8 + 63 x 5 = 323 us, its bound; B = 1 takes
 * 512 us, more than 1 % above, and one more slot (B = 2) reaches it: the verdict says so,
 * t is searched, and the smallest depth is 2. At B = 3 the kernel is at its bound, one
 * more slot gains nothing, and the depths are not searched. */
static void test_depth_three_stage(void **state)
{
    (void)state;
    pl_session *s = run_depth(1, true);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(pl_test_figure(r, "goal")->value, 323e-6 * 1.01, 1e-15);
    assert_int_equal((int)pl_test_figure(r, "depth t")->value, 2);
    pl_assert_near(pl_test_figure(r, "depths together")->value, 323e-6, 1e-15);
    assert_non_null(strstr(pl_test_figure(r, "depths together")->text, "they fit"));
    pl_session_destroy(s);
    s = run_depth(3, true);
    r = pl_session_report(s);
    assert_false(has_figure(r, "goal"));
    assert_false(has_figure(r, "depth t"));
    assert_string_equal(pl_test_figure(r, "depths")->text,
                        "not searched: one more slot in a buffer was not among the changes "
                        "that shortened the run by more than 1 %");
    pl_session_destroy(s);
}

/* The single-buffered baseline runs one op at a time: no overlap, never all idle, and
 * each pipe's share is its part of L + C + S (2, 5 and 1 of 8 us). Double-buffered, the
 * pipes overlap. */
static void test_pipe_shares(void **state)
{
    (void)state;
    pl_session *s = run_depth(2, false);
    const pl_report *r = pl_session_report(s);
    const pl_metrics *base = r->baseline.m;
    assert_int_equal(base->nplaces, 1);
    assert_int_equal(base->places[0].units, 3);
    pl_assert_near(base->places[0].overlap, 0, 1e-15);
    pl_assert_near(base->places[0].idle, 0, 1e-15);
    pl_assert_near(base->places[0].active, 512e-6, 1e-15);
    const double share[] = {2.0 / 8, 5.0 / 8, 1.0 / 8};
    for (uint32_t u = 0; u < 3; u++)
        pl_assert_near(base->units[u].utilization, share[u], 1e-12);
    const pl_place_metrics *run = &r->run.m->places[0];
    assert_true(run->overlap > 0);
    pl_assert_near(run->active + run->idle, r->run.m->makespan, 1e-15);
    pl_session_destroy(s);
}

/* Phases of the B = 2 run: MTE3 starts last, after the first tile's load and compute
 * (2 + 5 = 7 us); MTE2 finishes first, when it has loaded tile 63, which waits for the
 * slot freed by tile 61's store: tile k's compute ends at 7 + 5k, its store at 8 + 5k,
 * so tile 63's load runs 313-315 us. In between the stores end every 5 us. */
static void test_phases(void **state)
{
    (void)state;
    pl_session *s = run_depth(2, false);
    const pl_phases *ph = &pl_session_report(s)->run.m->phases;
    pl_assert_near(ph->warmup, 7e-6, 1e-15);
    pl_assert_near(ph->warmup + ph->steady, 315e-6, 1e-15);
    pl_assert_near(ph->drain, 323e-6 - 315e-6, 1e-15);
    pl_assert_near(ph->period, 5e-6, 1e-15);
    /* stores ending in (7, 315] us: tiles 0 to 61, at 8 + 5k */
    assert_int_equal(ph->steady_items, 62);
    pl_session_destroy(s);
}

/* With barrier sync (depth 2, one core) one more slot in t shortens the run by less than
 * 1 %, so the depths are not searched, and the report says why. (Where one more slot does
 * help, the barrier figure says why they are not searched: tests/test_variants.c.) */
static void test_no_depths_with_barrier(void **state)
{
    (void)state;
    const char *sets[] = {"tile.sync=barrier", "tile.cores=1"};
    pl_session *s = NULL;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_session_open(pl_test_src(KERNEL), sets, 2, &s, &d), 0);
    assert_int_equal(pl_session_run(s, &d), 0);
    const pl_report *r = pl_session_report(s);
    assert_string_equal(pl_test_figure(r, "depths")->text,
                        "not searched: one more slot in a buffer was not among the changes "
                        "that shortened the run by more than 1 %");
    assert_false(has_figure(r, "depth t"));
    pl_session_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_three_stage),
        cmocka_unit_test(test_depth_three_stage),
        cmocka_unit_test(test_pipe_shares),
        cmocka_unit_test(test_phases),
        cmocka_unit_test(test_no_depths_with_barrier),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
