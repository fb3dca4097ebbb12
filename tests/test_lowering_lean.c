/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_lowering_lean.c — what makes lowering cheaper computes the same graph:
 *
 *   - unit and label ids take one byte per task until a graph has more than 256 units
 *     (labels), then four (pl_graph_ids): every task reads back its unit, label and
 *     previous task, and every unit its tasks, whether its ids were written narrow, wide,
 *     or narrow and then widened, also in a changed copy;
 *   - a dispatch template whose costs cannot vary draws them once, not per op: every op's
 *     costs equal drawing each op's in op order from a generator seeded as the session's
 *     (fixed costs consume no random number), and with no random cost no per-op table;
 *   - the dispatch lowering keeps each op's tasks only for bounded queues between host
 *     steps: a queue too deep to fill adds no edge, so the graph lowered with it (ops kept)
 *     equals the one lowered unbounded (one slot), task by task and edge by edge;
 *   - the stream lowering adds each slot edge right after the task it goes into: every
 *     task's edges are still its data edge, then its slot edge;
 *   - a graph whose arrays pl_graph_reserve carved from one block reads back the same
 *     when they grow past it, when a column carved in it is widened, after finalize gave
 *     back the edges' unused room, and in a changed copy that outlives its original.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dispatch_case.h"
#include "models/dispatch/workload.h"
#include "sim/graph/graph.h"
#include "sim/study/session.h"
#include "support.h"

#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <string.h>

/* Units, labels and tasks such that ids cross the one-byte limit while tasks exist:
 * `units` units and as many labels, task i on unit i mod (units so far) with label i mod
 * (labels so far); a new unit and label every 3 tasks. Checks everything against what was
 * added, in g and in a changed copy. */
static void check_ids(uint32_t units)
{
    pl_graph *g = pl_graph_create("ids");
    uint32_t place, id, nunits = 0, nlabels = 0, ntasks = 0;
    assert_int_equal(pl_graph_add_place(g, "host", PL_PLACE_HOST, 4, &place), 0);
    uint32_t unit_of[3 * 400], label_of[3 * 400];
    char name[32];
    while (nunits < units) {
        snprintf(name, sizeof name, "u%u", nunits);
        assert_int_equal(pl_graph_add_unit(g, name, place, &id), 0);
        assert_int_equal(id, nunits++);
        snprintf(name, sizeof name, "l%u", nlabels);
        assert_int_equal(pl_graph_add_label(g, name, &id), 0);
        assert_int_equal(id, nlabels++);
        for (int k = 0; k < 3; k++, ntasks++) {
            unit_of[ntasks] = ntasks % nunits;
            label_of[ntasks] = ntasks % nlabels;
            assert_int_equal(
                pl_graph_add_task(g, unit_of[ntasks], 1e-6, label_of[ntasks], ntasks, &id), 0);
            assert_int_equal(id, ntasks);
        }
    }
    assert_int_equal(pl_graph_finalize(g), 0);
    pl_graph_change none = pl_graph_no_change();
    pl_graph *h = pl_graph_changed(g, &none);
    assert_non_null(h);
    const pl_graph *both[] = {g, h};
    for (int c = 0; c < 2; c++) {
        const pl_graph *q = both[c];
        uint32_t last[400];
        for (uint32_t u = 0; u < units; u++)
            last[u] = PL_NO_EDGE;
        for (uint32_t t = 0; t < ntasks; t++) {
            assert_int_equal(pl_graph_task_unit(q, t), unit_of[t]);
            snprintf(name, sizeof name, "l%u", label_of[t]);
            assert_string_equal(pl_graph_task_label(q, t), name);
            assert_int_equal(pl_graph_task_prev(q, t), last[unit_of[t]]);
            last[unit_of[t]] = t;
        }
        for (uint32_t u = 0, seen = 0; u < units; u++) {
            uint32_t n;
            const uint32_t *tasks = pl_graph_unit_tasks(q, u, &n);
            for (uint32_t i = 0; i < n; i++)
                assert_int_equal(unit_of[tasks[i]], u);
            for (uint32_t i = 1; i < n; i++)
                assert_true(tasks[i - 1] < tasks[i]);
            seen += n;
            if (u + 1 == units)
                assert_int_equal(seen, ntasks);
        }
    }
    pl_graph_destroy(h);
    pl_graph_destroy(g);
}

/* 200 units: one byte throughout; 256: the most one byte names; 257 and 400: widened at
 * the 257th unit and label, after 768 tasks were written narrow. */
static void test_ids_narrow_and_widened(void **state)
{
    (void)state;
    check_ids(200);
    check_ids(256);
    check_ids(257);
    check_ids(400);
}

/* Op A (fixed costs) and op B (random InferShape and kernel) alternate 40 times. */
static const char draws_body[] =
    "  mode: pipelined\n"
    "  ops:\n"
    "    - repeat: 40\n"
    "      ops:\n"
    "        - {name: A, infer: 10us, resize: 8us, launch: 6us, kernel: 12us}\n"
    "        - {name: B, infer: {dist: exponential, mean: 3us}, resize: 8us, launch: 6us,\n"
    "           kernel: {dist: normal, mean: 20us, sd: 5us}}\n";

static void test_dispatch_draws_once_per_fixed_template(void **state)
{
    (void)state;
    pl_test_dispatch x;
    pl_test_dispatch_try(&x, draws_body);
    if (x.rc != 0)
        fail_msg("%s", x.d.msg);
    const pl_dispatch *w = x.l.kept;
    assert_int_equal(w->nops, 80);
    /* The definition: each op's four costs drawn in op order and step order, from a
     * generator seeded as pl_test_dispatch_try seeds the session's (1). */
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 1);
    for (uint64_t k = 0; k < w->nops; k++) {
        const struct op_template *t = &w->templates[w->template_of[k]];
        assert_int_equal(t->varies, strcmp(t->name, "B") == 0);
        const double *cost = pl_dispatch_op_cost(w, k);
        for (int s = 0; s < PL_DISPATCH_STEP_COUNT; s++) {
            double expect = pl_dist_draw(&t->cost[s], rng);
            if (cost[s] != expect)
                fail_msg("op %llu step %d: %.17g, expected %.17g", (unsigned long long)k, s,
                         cost[s], expect);
        }
    }
    gsl_rng_free(rng);
    pl_test_dispatch_done(&x);

    pl_test_dispatch_try(&x, "  ops:\n    - {infer: 1us, resize: 1us, launch: 1us, kernel: 2us,"
                             " repeat: 1000}\n");
    if (x.rc != 0)
        fail_msg("%s", x.d.msg);
    w = x.l.kept;
    assert_null(w->cost); /* no per-op table when no cost varies */
    for (uint64_t k = 0; k < w->nops; k++)
        assert_true(pl_dispatch_op_cost(w, k)[PL_DISPATCH_KERNEL] == 2e-6);
    pl_test_dispatch_done(&x);
}

/* Two graphs are the same: tasks (unit, work, label, item, previous task) and edges. */
static void assert_same_graph(const pl_graph *a, const pl_graph *b)
{
    assert_int_equal(pl_graph_task_count(a), pl_graph_task_count(b));
    assert_int_equal(pl_graph_edge_count(a), pl_graph_edge_count(b));
    for (uint32_t t = 0; t < pl_graph_task_count(a); t++) {
        assert_int_equal(pl_graph_task_unit(a, t), pl_graph_task_unit(b, t));
        assert_true(pl_graph_task_work(a, t) == pl_graph_task_work(b, t));
        assert_string_equal(pl_graph_task_label(a, t), pl_graph_task_label(b, t));
        assert_int_equal(pl_graph_task_item(a, t), pl_graph_task_item(b, t));
        assert_int_equal(pl_graph_task_prev(a, t), pl_graph_task_prev(b, t));
        uint32_t fa, na, fb, nb;
        pl_graph_task_edges(a, t, &fa, &na);
        pl_graph_task_edges(b, t, &fb, &nb);
        assert_int_equal(fa, fb);
        assert_int_equal(na, nb);
    }
    for (uint32_t e = 0; e < pl_graph_edge_count(a); e++) {
        assert_int_equal(pl_graph_edge(a, e)->src, pl_graph_edge(b, e)->src);
        assert_int_equal(pl_graph_edge(a, e)->kind, pl_graph_edge(b, e)->kind);
        assert_int_equal(pl_graph_edge(a, e)->at, pl_graph_edge(b, e)->at);
    }
}

/* Two threads per host step and calls with a sync, so that ops reach every path that reads
 * an op's tasks; a queue of 1000 slots never fills with 300 ops. */
static void test_dispatch_ops_kept_or_not(void **state)
{
    (void)state;
    static const char body[] =
        "  threads: {infer: 2, resize: 2, launch: 2}\n"
        "  queue_depth: %s\n"
        "  stream_depth: 4\n"
        "  ops:\n"
        "    - {name: a, infer: 10us, resize: 8us, launch: 6us, kernel: 12us, repeat: 100}\n"
        "    - name: b\n"
        "      infer: 3us\n"
        "      resize: 2us\n"
        "      calls:\n"
        "        - {launch: 4us, kernel: 9us, name: gemm}\n"
        "        - {host: 1us, sync: 5us}\n"
        "      repeat: 100\n"
        "    - {name: c, infer: 10us, resize: 8us, launch: 6us, kernel: 12us, sync: true,"
        " repeat: 100}\n";
    char text[sizeof body + 16];
    pl_test_dispatch one, kept;
    snprintf(text, sizeof text, body, "unbounded");
    pl_test_dispatch_try(&one, text);
    if (one.rc != 0)
        fail_msg("%s", one.d.msg);
    snprintf(text, sizeof text, body, "1000");
    pl_test_dispatch_try(&kept, text);
    if (kept.rc != 0)
        fail_msg("%s", kept.d.msg);
    assert_int_equal(pl_graph_task_count(one.l.run), pl_graph_task_count(kept.l.run));
    assert_same_graph(one.l.run, kept.l.run);
    assert_same_graph(one.l.baseline, kept.l.baseline);
    pl_test_dispatch_done(&one);
    pl_test_dispatch_done(&kept);
}

/* Edge e of g: its source, kind and event. */
static void assert_edge(const pl_graph *g, uint32_t e, uint32_t src, pl_edge_kind kind,
                        pl_edge_at at)
{
    assert_int_equal(pl_graph_edge(g, e)->src, src);
    assert_int_equal(pl_graph_edge(g, e)->kind, kind);
    assert_int_equal(pl_graph_edge(g, e)->at, at);
}

/* workloads/stream_teaching.yaml: stages of 1, 4 and 1 threads, a pool of 1 buffer per
 * pair of threads, no adaptor cost; a task per frame and stage, so frame k's task of
 * stage s is task 3k + s. By the rules of models/stream/lower.c, pools after stage 0 and
 * stage 1 both pair 4 threads with 1 (lag 4 x 1 = 4 frames), and frame 10's tasks wait:
 * source (task 30), its producer's slot for frame 10 - 1 - 4 = 5 taken off the pool (the
 * start of filter of frame 5, task 16); filter (31), the source of frame 10 (data), then
 * its slot, frame 10 - 4 - 4 = 2's sink starting (task 8); sink (32), the filter. */
static void test_stream_slot_edges_in_order(void **state)
{
    (void)state;
    const char *sets[] = {"stream.frames=20"};
    pl_session *s = NULL;
    pl_diag d;
    pl_diag_init(&d);
    if (pl_session_open(pl_test_src("workloads/stream_teaching.yaml"), sets, 1, &s, &d) != 0 ||
        pl_session_lower(s, &d) != 0)
        fail_msg("%s", d.msg);
    const pl_graph *g = pl_session_graph(s);
    assert_int_equal(pl_graph_task_count(g), 60);
    uint32_t first, n;
    pl_graph_task_edges(g, 30, &first, &n);
    assert_int_equal(n, 1);
    assert_edge(g, first, 16, PL_EDGE_SLOT, PL_AT_START);
    pl_graph_task_edges(g, 31, &first, &n);
    assert_int_equal(n, 2);
    assert_edge(g, first, 30, PL_EDGE_DATA, PL_AT_END);
    assert_edge(g, first + 1, 8, PL_EDGE_SLOT, PL_AT_START);
    pl_graph_task_edges(g, 32, &first, &n);
    assert_int_equal(n, 1);
    assert_edge(g, first, 31, PL_EDGE_DATA, PL_AT_END);
    pl_session_destroy(s);
}

/* n tasks on units t mod nunits (label t mod 2, item t, work t us), each but the first with
 * an edge from the task before; a unit and a label more at task `widen` (the 257th of
 * each when the graph has 256), then the rest. */
static pl_graph *block_graph(uint32_t reserve, uint32_t n, uint32_t nunits, uint32_t widen)
{
    pl_graph *g = pl_graph_create("block");
    uint32_t place, id;
    char name[32];
    assert_int_equal(pl_graph_add_place(g, "host", PL_PLACE_HOST, 4, &place), 0);
    for (uint32_t u = 0; u < nunits; u++) {
        snprintf(name, sizeof name, "u%u", u);
        assert_int_equal(pl_graph_add_unit(g, name, place, &id), 0);
        assert_int_equal(pl_graph_add_label(g, name, &id), 0);
    }
    assert_int_equal(pl_graph_reserve(g, reserve, 2 * reserve), 0); /* edges: more than used */
    for (uint32_t t = 0; t < n; t++) {
        if (t == widen) {
            assert_int_equal(pl_graph_add_unit(g, "extra", place, &id), 0);
            assert_int_equal(pl_graph_add_label(g, "extra", &id), 0);
        }
        assert_int_equal(pl_graph_add_task(g, t % nunits, 1e-6 * t, t % 2, t, &id), 0);
        if (t > 0)
            assert_int_equal(pl_graph_add_edge(g, t - 1, t, PL_EDGE_DATA, PL_AT_END), 0);
    }
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}

/* What block_graph added, read back; work scaled by `factor`. */
static void check_block_graph(const pl_graph *g, uint32_t n, uint32_t nunits, double factor)
{
    assert_int_equal(pl_graph_task_count(g), n);
    assert_int_equal(pl_graph_edge_count(g), n - 1);
    for (uint32_t t = 0; t < n; t++) {
        char name[32];
        snprintf(name, sizeof name, "u%u", t % 2);
        assert_int_equal(pl_graph_task_unit(g, t), t % nunits);
        assert_string_equal(pl_graph_task_label(g, t), name);
        assert_int_equal(pl_graph_task_item(g, t), t);
        assert_true(pl_graph_task_work(g, t) == 1e-6 * t * factor);
        assert_int_equal(pl_graph_task_prev(g, t), t >= nunits ? t - nunits : PL_NO_EDGE);
        uint32_t first, k;
        pl_graph_task_edges(g, t, &first, &k);
        assert_int_equal(k, t > 0);
        if (t > 0)
            assert_int_equal(pl_graph_edge(g, first)->src, t - 1);
    }
    for (uint32_t u = 0; u < nunits; u++) {
        uint32_t k;
        const uint32_t *tasks = pl_graph_unit_tasks(g, u, &k);
        assert_int_equal(k, (n - u + nunits - 1) / nunits);
        for (uint32_t i = 0; i < k; i++)
            assert_int_equal(tasks[i], u + i * nunits);
    }
}

static void test_reserved_block(void **state)
{
    (void)state;
    /* Room for 10 tasks, 300 added: every array grows out of the block. */
    pl_graph *g = block_graph(10, 300, 3, UINT32_MAX);
    check_block_graph(g, 300, 3, 1);
    pl_graph_destroy(g);
    /* Room for all 1000; the 257th unit and label at task 500 widen the columns carved in
     * the block. A copy with every task's work doubled outlives its original. */
    g = block_graph(1000, 1000, 256, 500);
    check_block_graph(g, 1000, 256, 1);
    uint8_t all[257];
    memset(all, 1, sizeof all);
    pl_graph_change c = pl_graph_no_change();
    c.units = all;
    c.work = 2;
    pl_graph *h = pl_graph_changed(g, &c);
    assert_non_null(h);
    pl_graph_destroy(g);
    check_block_graph(h, 1000, 256, 2);
    pl_graph_destroy(h);
}

/* A graph named `name` of n tasks on one unit of one device, not finalized. */
static pl_graph *one_unit_graph(const char *name, uint32_t n)
{
    pl_graph *g = pl_graph_create(name);
    uint32_t place, unit, label, t;
    assert_non_null(g);
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &place), 0);
    assert_int_equal(pl_graph_add_unit(g, "u", place, &unit), 0);
    assert_int_equal(pl_graph_add_label(g, "x", &label), 0);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(pl_graph_add_task(g, unit, 1e-6, label, i, &t), 0);
    return g;
}

/* An edge takes 4 bytes (sim/graph/graph.h: the source in 28 bits, the kind in 3, the
 * event in 1): every kind and event reads back as added, beside sources of alternating
 * bits (0x5555, 0xAAAA), so that no field spills into another; and a graph refuses room
 * for more tasks than an edge can name. */
static void test_packed_edges(void **state)
{
    (void)state;
    assert_int_equal(sizeof(pl_edge), 4);
    const uint32_t n = 1u << 16;
    pl_graph *g = one_unit_graph("edges", n);
    uint32_t e = 0;
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        for (int at = PL_AT_END; at <= PL_AT_START; at++) {
            uint32_t src = (e % 2) ? 0xAAAA : 0x5555;
            assert_int_equal(pl_graph_add_edge(g, src, n - 1, (pl_edge_kind)k, (pl_edge_at)at),
                             0);
            e++;
        }
    assert_int_equal(pl_graph_finalize(g), 0);
    uint32_t first, count;
    pl_graph_task_edges(g, n - 1, &first, &count);
    assert_int_equal(count, 2 * PL_EDGE_KIND_COUNT);
    for (uint32_t i = 0; i < count; i++)
        assert_edge(g, first + i, (i % 2) ? 0xAAAA : 0x5555, (pl_edge_kind)(i / 2),
                    (pl_edge_at)(i % 2));
    pl_graph_destroy(g);
    g = pl_graph_create("too big");
    assert_int_equal(pl_graph_reserve(g, PL_GRAPH_MAX_TASKS + 1, 0), PL_ENOMEM);
    pl_graph_destroy(g);
}

/* Whether a graph has an edge from the configuration (slot, barrier, order:
 * pl_edge_kind_configured), which decides whether its two bounds walk different edges:
 * none with data and sync edges only, one from its first slot edge on, kept by a changed
 * copy. */
static void test_configured_edges(void **state)
{
    (void)state;
    pl_graph *g = one_unit_graph("kinds", 4);
    assert_int_equal(pl_graph_add_edge(g, 0, 1, PL_EDGE_DATA, PL_AT_END), 0);
    assert_int_equal(pl_graph_add_edge(g, 1, 2, PL_EDGE_SYNC, PL_AT_END), 0);
    pl_graph *h = one_unit_graph("kinds and a slot", 4);
    assert_int_equal(pl_graph_add_edge(h, 0, 1, PL_EDGE_DATA, PL_AT_END), 0);
    assert_int_equal(pl_graph_add_edge(h, 1, 3, PL_EDGE_SLOT, PL_AT_START), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    assert_int_equal(pl_graph_finalize(h), 0);
    assert_false(pl_graph_has_configured_edges(g));
    assert_true(pl_graph_has_configured_edges(h));
    pl_graph_change c = pl_graph_no_change();
    pl_graph *copy = pl_graph_changed(h, &c);
    assert_non_null(copy);
    assert_true(pl_graph_has_configured_edges(copy));
    pl_graph_destroy(copy);
    pl_graph_destroy(g);
    pl_graph_destroy(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_narrow_and_widened),
        cmocka_unit_test(test_dispatch_draws_once_per_fixed_template),
        cmocka_unit_test(test_dispatch_ops_kept_or_not),
        cmocka_unit_test(test_stream_slot_edges_in_order),
        cmocka_unit_test(test_reserved_block),
        cmocka_unit_test(test_packed_edges),
        cmocka_unit_test(test_configured_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
