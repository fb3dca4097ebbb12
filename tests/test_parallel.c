/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_parallel.c — a run's independent pieces on several threads give what one thread
 * gives (sim/common/parallel.h):
 *
 *   - pl_parallel_for does every piece once, however many there are, also when a piece
 *     calls it again (its pieces then run in the piece's own thread);
 *   - pl_parallel_limit bounds the width and 0 lifts the bound;
 *   - a whole run of each model (lowering both graphs, executing them, measuring them in
 *     pieces, the verdict's rounds) renders the same JSON report, byte for byte, on as
 *     many threads as the machine gives as on one;
 *   - where several graphs fail, the runner reports the first in graph order, as on one
 *     thread.
 *
 * On a machine with one core both sides take one thread; the comparisons then check
 * nothing, and the test says so and is skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/common/parallel.h"
#include "sim/engine/runner.h"
#include "sim/graph/graph.h"
#include "sim/report/report.h"
#include "sim/study/session.h"
#include "support.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct counts {
    size_t n;
    atomic_int *done;
};

static void count_piece(void *ctx, size_t i)
{
    struct counts *c = ctx;
    atomic_fetch_add(&c->done[i], 1);
}

static void test_every_piece_once(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 2, 3, 17, 1000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        struct counts c = {sizes[k], calloc(sizes[k] + 1, sizeof(atomic_int))};
        assert_non_null(c.done);
        pl_parallel_for(c.n, count_piece, &c);
        for (size_t i = 0; i < c.n; i++)
            assert_int_equal(atomic_load(&c.done[i]), 1);
        free(c.done);
    }
}

/* Piece i does 10 pieces of its own, counted in done[10 i ..]. */
static void nested_piece(void *ctx, size_t i)
{
    struct counts *c = ctx;
    struct counts inner = {10, c->done + 10 * i};
    pl_parallel_for(inner.n, count_piece, &inner);
}

static void test_nested_pieces(void **state)
{
    (void)state;
    struct counts c = {4, calloc(41, sizeof(atomic_int))};
    assert_non_null(c.done);
    pl_parallel_for(c.n, nested_piece, &c);
    for (size_t i = 0; i < 40; i++)
        assert_int_equal(atomic_load(&c.done[i]), 1);
    free(c.done);
}

static void test_limit(void **state)
{
    (void)state;
    unsigned cores = pl_parallel_width();
    assert_true(cores >= 1);
    pl_parallel_limit(1);
    assert_int_equal(pl_parallel_width(), 1);
    pl_parallel_limit(cores + 5);
    assert_int_equal(pl_parallel_width(), cores);
    pl_parallel_limit(0);
    assert_int_equal(pl_parallel_width(), cores);
}

/* The JSON report of a whole run of the scenario at rel (from the source tree). */
static char *report_of(const char *rel, const char *const *sets, size_t nsets)
{
    pl_session *s = NULL;
    pl_diag d;
    if (pl_test_session(pl_test_src(rel), sets, nsets, &s, &d) != 0)
        fail_msg("%s: %s", rel, d.msg);
    char *json = pl_test_render(pl_report_json, pl_session_report(s));
    pl_session_destroy(s);
    return json;
}

static void test_runs_the_same_on_one_thread(void **state)
{
    (void)state;
    if (pl_parallel_width() < 2)
        skip();
    /* Each model's teaching scenario, grown so that each piece takes a while (and so
     * the pieces overlap), and the tile GEMM whose verdict tries many candidates. */
    static const struct {
        const char *scenario, *set;
    } cases[] = {
        {"workloads/dispatch_teaching.yaml", "dispatch.ops[0].repeat=20000"},
        {"workloads/stream_teaching.yaml", "stream.frames=20000"},
        {"workloads/tile_matmul_gelu.yaml", "tile.count=4096"},
        {"workloads/tile_gemm.yaml", NULL},
        {"workloads/plan_teaching.yaml", "plan.iterations=2000"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *sets[] = {cases[i].set};
        size_t nsets = cases[i].set ? 1 : 0;
        pl_parallel_limit(0);
        char *many = report_of(cases[i].scenario, sets, nsets);
        pl_parallel_limit(1);
        char *one = report_of(cases[i].scenario, sets, nsets);
        pl_parallel_limit(0);
        if (strcmp(many, one) != 0)
            fail_msg("%s: the report on %u threads differs from the one on one thread",
                     cases[i].scenario, pl_parallel_width());
        free(many);
        free(one);
    }
}

/* A graph of one task that runs, named `name`. */
static pl_graph *fine_graph(const char *name)
{
    pl_graph *g = pl_graph_create(name);
    uint32_t place, label, unit, task;
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &place), 0);
    assert_int_equal(pl_graph_add_label(g, name, &label), 0);
    assert_int_equal(pl_graph_add_unit(g, "A", place, &unit), 0);
    assert_int_equal(pl_graph_add_task(g, unit, 1e-6, label, 0, &task), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}

static void test_first_failure_in_graph_order(void **state)
{
    (void)state;
    if (pl_parallel_width() < 2)
        skip();
    pl_graph *g[3] = {fine_graph("fine"), pl_test_cycle_graph("first", "first"),
                      pl_test_cycle_graph("second", "second")};
    pl_timeline tls[3];
    pl_diag d;
    for (int pass = 0; pass < 2; pass++) {
        pl_parallel_limit(pass == 0 ? 0 : 1);
        pl_diag_init(&d);
        assert_int_equal(
            pl_runner_simulate((const pl_graph *const *)g, tls, 3, 0, PL_ENGINE_AUTO, &d),
            PL_EDEADLOCK);
        assert_true(pl_test_contains(d.msg, "'first' #0"));
        assert_false(pl_test_contains(d.msg, "'second'"));
        for (int i = 0; i < 3; i++)
            pl_timeline_fini(&tls[i]);
    }
    pl_parallel_limit(0);
    for (int i = 0; i < 3; i++)
        pl_graph_destroy(g[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_piece_once),
        cmocka_unit_test(test_nested_pieces),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_runs_the_same_on_one_thread),
        cmocka_unit_test(test_first_failure_in_graph_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
