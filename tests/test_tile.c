/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_tile.c — the tile model end to end through the session: scenario file,
 * lowering, SimGrid, timeline.
 *
 * Expected values: the makespans of load, compute and store engines with B in-place
 * slots, worked out from the steady period max(L, C, S, (L + C + S) / B), the cycle time
 * of the kernel as a marked graph, the largest delay over tokens of its circuits (C. V.
 * Ramamoorthy and G. S. Ho, "Performance Evaluation of Asynchronous Concurrent Systems
 * Using Petri Nets", IEEE Transactions on Software Engineering SE-6(5), 1980): for
 * L, C, S = 2, 5, 1 and N = 64, 64 x 8 = 512 with B = 1 and 8 + 63 x 5 = 323 with B = 2;
 * the single-buffered baseline's T = N x (L + C + S) (section 3.1 of the PTO ISA guide
 * "Pipeline and Parallel Execution", docs/coding/pipeline-parallel.md of PTO Tile Lib,
 * gitcode.com/cann/pto-isa); and the max-plus recursion of a three-engine line with B
 * in-place slots, computed here tile by tile:
 *   load    LS(k) = max(LE(k-1), SE(k-B))     LE(k) = LS(k) + L(k)
 *   compute CS(k) = max(CE(k-1), LE(w(k)))    CE(k) = CS(k) + C(k)
 *   store   SS(k) = max(SE(k-1), CE(k))       SE(k) = SS(k) + S(k)
 * where w(k) = k with event sync, and min(k + B - 1, N - 1) with barrier sync (the
 * TSYNC waits for every load issued so far, and the loop runs B - 1 loads ahead).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/study/session.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define KERNEL "tests/data/tile/three_stage.yaml"

static pl_session *open_run(const char *const *sets, size_t nsets, pl_diag *d, int *rc)
{
    pl_session *s = NULL;
    pl_diag_init(d);
    *rc = pl_session_open(pl_test_src(KERNEL), sets, nsets, &s, d);
    if (*rc == 0)
        *rc = pl_session_run(s, d);
    return s;
}

static pl_session *run(const char *const *sets, size_t nsets)
{
    pl_diag d;
    int rc;
    pl_session *s = open_run(sets, nsets, &d, &rc);
    if (rc != 0)
        fail_msg("%s: %s", KERNEL, d.msg);
    return s;
}

static int unit_id(const pl_graph *g, const char *name)
{
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        if (strcmp(pl_graph_unit_name(g, u), name) == 0)
            return (int)u;
    fail_msg("no unit %s", name);
    return -1;
}

/* The tasks of one pipe of core 0, in tile order. */
static const uint32_t *pipe_tasks(const pl_run *r, const char *name, uint32_t *n)
{
    return pl_graph_unit_tasks(r->graph, (uint32_t)unit_id(r->graph, name), n);
}

/* L, C, S = 2, 5, 1, N = 64 (worked out in the header): B = 1 takes 512, B = 2 takes 323;
 * the single-buffered baseline takes N x (L + C + S) = 512 either way. Exact to 1e-9. */
static void test_buffering_makespans(void **state)
{
    (void)state;
    const double expect[] = {512e-6, 323e-6, 323e-6};
    for (int b = 1; b <= 3; b++) {
        char set[32];
        snprintf(set, sizeof set, "tile.depth=%d", b);
        const char *sets[] = {set};
        pl_session *s = run(sets, 1);
        const pl_report *r = pl_session_report(s);
        pl_assert_near(r->run.m->makespan, expect[b - 1], expect[b - 1] * 1e-9);
        pl_assert_near(r->baseline.m->makespan, 512e-6, 512e-15);
        assert_string_equal(r->mode, "event sync");
        assert_string_equal(r->baseline_mode, "single-buffered");
        pl_session_destroy(s);
    }
}

/* The baseline is N x (L + C + S) per core, whatever the depth: 10 tiles of 3 + 1 + 4 us
 * take 80 us on one core; on two cores each takes 5 tiles, 40 us. */
static void test_baseline_formula(void **state)
{
    (void)state;
    const char *one[] = {"tile.count=10", "tile.depth=3", "tile.steps[0].time=3us",
                         "tile.steps[1].time=1us", "tile.steps[2].time=4us"};
    pl_session *s = run(one, 5);
    pl_assert_near(pl_session_report(s)->baseline.m->makespan, 80e-6, 80e-15);
    pl_session_destroy(s);
    const char *two[] = {"tile.count=10", "tile.depth=3", "tile.steps[0].time=3us",
                         "tile.steps[1].time=1us", "tile.steps[2].time=4us", "tile.cores=2"};
    s = run(two, 6);
    pl_assert_near(pl_session_report(s)->baseline.m->makespan, 40e-6, 40e-15);
    pl_session_destroy(s);
}

/* The recursion in the header over the durations the run drew, compared with every
 * task's start and end to 1e-12 relative. Loads are evaluated as far ahead as the
 * compute of tile k needs (tile w(k)); a load only needs stores of earlier tiles, which
 * are done by then because w(k) - B < k. */
static void check_recursion(const pl_run *r, int depth, int barrier)
{
    uint32_t n, nc, ns;
    const uint32_t *load = pipe_tasks(r, "core0.MTE2", &n);
    const uint32_t *comp = pipe_tasks(r, "core0.VECTOR", &nc);
    const uint32_t *store = pipe_tasks(r, "core0.MTE3", &ns);
    assert_true(n == nc && n == ns && n <= 64);
    double LE[64], CE[64], SE[64];
    uint32_t loaded = 0;
    const pl_timeline *tl = r->tl;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t w = barrier ? (k + depth - 1 < n ? k + depth - 1 : n - 1) : k;
        for (; loaded <= w; loaded++) {
            uint32_t j = loaded;
            double ls = fmax(j ? LE[j - 1] : 0, j >= (uint32_t)depth ? SE[j - depth] : 0);
            LE[j] = ls + pl_graph_task_work(r->graph, load[j]);
            pl_assert_near(tl->start[load[j]], ls, 1e-12 * LE[j]);
        }
        double cs = fmax(k ? CE[k - 1] : 0, LE[w]);
        CE[k] = cs + pl_graph_task_work(r->graph, comp[k]);
        double ss = fmax(k ? SE[k - 1] : 0, CE[k]);
        SE[k] = ss + pl_graph_task_work(r->graph, store[k]);
        pl_assert_near(tl->start[comp[k]], cs, 1e-12 * CE[k]);
        pl_assert_near(tl->start[store[k]], ss, 1e-12 * SE[k]);
        pl_assert_near(tl->end[store[k]], SE[k], 1e-12 * SE[k]);
    }
    pl_assert_near(r->m->makespan, SE[n - 1], 1e-12 * SE[n - 1]);
}

/* B = 1, 2, 3 on a balanced kernel (L = C = S = 2 us), and on one whose L, C and S are
 * drawn per tile (uniform 1..3 us, three seeds): the run agrees with the recursion at
 * every task. */
static void test_recursion(void **state)
{
    (void)state;
    const char *times[][3] = {
        {"tile.steps[0].time=2us", "tile.steps[1].time=2us", "tile.steps[2].time=2us"},
        {"tile.steps[0].time={dist: uniform, min: 1us, max: 3us}",
         "tile.steps[1].time={dist: uniform, min: 1us, max: 3us}",
         "tile.steps[2].time={dist: uniform, min: 1us, max: 3us}"},
    };
    for (int kind = 0; kind < 2; kind++)
        for (int b = 1; b <= 3; b++)
            for (int seed = 1; seed <= (kind ? 3 : 1); seed++) {
                char depth[32], sd[32];
                snprintf(depth, sizeof depth, "tile.depth=%d", b);
                snprintf(sd, sizeof sd, "seed=%d", seed);
                const char *sets[] = {times[kind][0], times[kind][1], times[kind][2], depth, sd,
                                      "tile.count=40"};
                pl_session *s = run(sets, 6);
                check_recursion(&pl_session_report(s)->run, b, 0);
                pl_session_destroy(s);
            }
}

/* Barrier sync follows the recursion with w(k) = min(k + B - 1, N - 1), and is never
 * faster than event sync on the same kernel and draws; batch sync neither. */
static void test_barrier_never_faster(void **state)
{
    (void)state;
    for (int b = 1; b <= 3; b++)
        for (int seed = 1; seed <= 4; seed++) {
            char depth[32], sd[32];
            snprintf(depth, sizeof depth, "tile.depth=%d", b);
            snprintf(sd, sizeof sd, "seed=%d", seed);
            const char *base[] = {"tile.steps[0].time={dist: exponential, mean: 2us}",
                                  "tile.steps[1].time={dist: exponential, mean: 3us}",
                                  "tile.steps[2].time={dist: exponential, mean: 1us}",
                                  depth, sd, "tile.count=48", "tile.sync=event"};
            pl_session *ev = run(base, 7);
            base[6] = "tile.sync=barrier";
            pl_session *ba = run(base, 7);
            const pl_report *re = pl_session_report(ev), *rb = pl_session_report(ba);
            check_recursion(&rb->run, b, 1);
            assert_true(rb->run.m->makespan >= re->run.m->makespan * (1 - 1e-12));
            if (b > 1)
                assert_true(rb->run.m->makespan > re->run.m->makespan);
            else /* one slot: nothing is issued ahead, so the TSYNC waits for the same load */
                pl_assert_near(rb->run.m->makespan, re->run.m->makespan, 1e-15);
            pl_session_destroy(ba);
            if (b >= 2) {
                char batch[32];
                snprintf(batch, sizeof batch, "tile.batch=%d", b);
                const char *bs[] = {base[0], base[1], base[2], depth, sd, "tile.count=48",
                                    "tile.sync=batch", batch};
                pl_session *bt = run(bs, 8);
                assert_true(pl_session_report(bt)->run.m->makespan >=
                            re->run.m->makespan * (1 - 1e-12));
                pl_session_destroy(bt);
            }
            pl_session_destroy(ev);
        }
}

static void expect_error(const char *const *sets, size_t nsets, const char *message)
{
    pl_diag d;
    int rc;
    pl_session *s = open_run(sets, nsets, &d, &rc);
    assert_int_equal(rc, PL_ECONFIG);
    if (!pl_test_contains(d.msg, message))
        fail_msg("expected '%s' in: %s", message, d.msg);
    pl_session_destroy(s);
}

/* Buffers that do not fit their memory are rejected with the buffer, the need and the
 * capacity; the location is the buffer's entry in the scenario. */
static void test_capacity(void **state)
{
    (void)state;
    const char *ub[] = {"tile.buffers[0].size=67 KiB", "tile.buffers[0].depth=4"};
    expect_error(ub, 2,
                 "three_stage.yaml:13:7: key 'tile.buffers[0]': the buffers in UB do not fit: "
                 "t 4 x 67 KiB = 268 KiB, more than its 188 KiB");
    const char *two[] = {"tile.buffers=[{name: t, memory: UB, size: 80 KiB}, {name: u, memory: "
                         "UB, size: 30 KiB, depth: 1}]",
                         "tile.steps[1].writes=u"};
    expect_error(two, 2,
                 "the buffers in UB do not fit: t 2 x 80 KiB + u 1 x 30 KiB = 190 KiB, more "
                 "than its 188 KiB");
    const char *l0[] = {"tile.buffers[0].memory=L0C"};
    expect_error(l0, 1,
                 "buffer 't' lives in L0C, whose capacity is not given; add "
                 "machine.device.memories.L0C");
    /* Exactly full fits: 188 KiB = 4 x 47 KiB. */
    const char *full[] = {"tile.buffers[0].size=47 KiB", "tile.buffers[0].depth=4"};
    pl_session *s = run(full, 2);
    pl_session_destroy(s);
}

static void test_model_errors(void **state)
{
    (void)state;
    const char *a[] = {"tile.steps[1].unit=MTE9"};
    expect_error(a, 1, "key 'tile.steps[1].unit': no pipe named 'MTE9'");
    const char *b[] = {"tile.steps[1].reads=[u]"};
    expect_error(b, 1, "key 'tile.steps[1].reads[0]': no buffer named 'u' in tile.buffers");
    const char *c[] = {"tile.steps[1]={op: X, unit: VECTOR, time: 1us, flops: 4}"};
    expect_error(c, 1, "key 'tile.steps[1].time': a step takes one of bytes, flops and time; "
                       "'flops' is already given");
    const char *e[] = {"tile.steps[1]={op: X, unit: VECTOR, reads: [t]}"};
    expect_error(e, 1, "a step needs its amount: bytes (dma), flops (compute) or time");
    const char *f[] = {"tile.steps[1]={op: X, unit: VECTOR, bytes: 4 KiB, reads: [t]}"};
    expect_error(f, 1, "step X moves bytes, but VECTOR is a compute unit");
    const char *g[] = {"tile.steps[0]={op: TLOAD, unit: MTE2, bytes: 4 KiB, writes: t}"};
    expect_error(g, 1, "step TLOAD moves bytes on MTE2, whose bandwidth is not given");
    const char *h[] = {"tile.sync=batch"};
    expect_error(h, 1, "key 'tile.sync': `sync: batch` needs `batch`");
    const char *i[] = {"tile.sync=batch", "tile.batch=4"};
    expect_error(i, 2,
                 "key 'tile.batch': a wait per 4 tiles needs buffer 't' to hold 4 tiles, but it "
                 "has 2 slot(s)");
    const char *j[] = {"tile.batch=4"};
    expect_error(j, 1, "`batch` applies only to `sync: batch` (sync is event)");
    const char *k[] = {"tile.cores=5"};
    expect_error(k, 1, "key 'tile.cores': expected at most machine.device.cores = 4 cores, got 5");
    const char *l[] = {"tile.count=3", "tile.cores=4"};
    expect_error(l, 2, "4 cores but only 3 tiles to split");
    const char *m[] = {"tile.steps[2].every=3"};
    expect_error(m, 1, "64 tiles do not make whole groups of 3");
    const char *n[] = {"tile.steps[0].writes=u", "tile.steps[1].writes=u",
                       ("tile.buffers=[{name: t, memory: UB, size: 1 KiB}, {name: u, memory: L1, "
                        "size: 1 KiB}]")};
    expect_error(n, 3, "key 'tile.buffers[0]': no step writes buffer 't'");
    const char *o[] = {"tile.gemm={m: 100, n: 64, k: 64, tile_m: 64, tile_n: 64, tile_k: 64}"};
    expect_error(o, 1, "tile.gemm derives the tiles, buffers and steps; remove tile.count");
}

/* A GEMM of 256 x 256 x 512 in 128 x 128 x 64 tiles: 2 x 2 output blocks of 8 K steps,
 * 32 tiles; five steps per tile and one store per block: 164 tasks. A step's bytes are
 * its slice: A is 128 x 64 fp16 = 16 KiB. */
static void test_gemm_shape(void **state)
{
    (void)state;
    const char *sets[] = {
        "tile={gemm: {m: 256, n: 256, k: 512, tile_m: 128, tile_n: 128, tile_k: 64}}",
        "machine.device.memories={L1: 512 KiB, L0A: 64 KiB, L0B: 64 KiB, L0C: 256 KiB}",
        "machine.device.units=[{name: MTE2, kind: dma, bandwidth: 64 GB/s}, {name: MTE1, kind: "
        "dma, bandwidth: 256 GB/s}, {name: MTE3, kind: dma, bandwidth: 64 GB/s}, {name: CUBE, "
        "kind: compute, per_cycle: 8192}]"};
    pl_session *s = run(sets, 3);
    const pl_report *r = pl_session_report(s);
    const pl_graph *g = r->run.graph;
    assert_int_equal(pl_graph_task_count(g), 164);
    assert_int_equal(pl_graph_items(g), 32);
    uint32_t n;
    const uint32_t *loads = pipe_tasks(&r->run, "core0.MTE2", &n);
    assert_int_equal(n, 64);
    pl_assert_near(pl_graph_task_bytes(g, loads[0]), 16384, 0);
    const uint32_t *mm = pipe_tasks(&r->run, "core0.CUBE", &n);
    /* 2 x 128 x 128 x 64 flops at 8192 flops per cycle of 1 GHz: 256 ns. */
    pl_assert_near(pl_graph_task_work(g, mm[0]), 256e-9, 1e-18);
    const uint32_t *st = pipe_tasks(&r->run, "core0.MTE3", &n);
    assert_int_equal(n, 4);
    /* Each store follows the last TMATMUL of its block: block b's 8th tile. */
    assert_true(r->run.tl->start[st[0]] >= r->run.tl->end[mm[7]]);
    pl_session_destroy(s);
}

/* Shared GM: 4 cores each load S = 1 MB at once through their own MTE2 link of 4W =
 * 40 GB/s over a GM of W = 10 GB/s, after a latency of 1 us. GM is shared fairly, so
 * each load gets W/4 and ends at 1 us + 4S/W = 401 us (the requirement), while
 * alone it would take 1 us + S/W = 101 us: 300 us stretched per load. */
static void test_shared_gm(void **state)
{
    (void)state;
    const char *sets[] = {
        "tile.count=4", "tile.cores=4", "machine.device.gm_bandwidth=10 GB/s",
        ("machine.device.units=[{name: MTE2, kind: dma, bandwidth: 40 GB/s, latency: 1 us, "
         "from: GM, to: UB}]"),
        "tile.steps=[{op: TLOAD, unit: MTE2, bytes: 1 MB, writes: t}]"};
    pl_session *s = run(sets, 5);
    const pl_report *r = pl_session_report(s);
    for (int c = 0; c < 4; c++) {
        char name[32];
        snprintf(name, sizeof name, "core%d.MTE2", c);
        uint32_t n;
        const uint32_t *t = pipe_tasks(&r->run, name, &n);
        assert_int_equal(n, 1);
        pl_assert_near(r->run.tl->end[t[0]], 401e-6, 401e-15);
        const pl_unit_metrics *um = &r->run.m->units[unit_id(r->run.graph, name)];
        pl_assert_near(um->contention, 300e-6, 300e-15);
    }
    pl_session_destroy(s);
}

/* A dispatch op whose kernel is a tile program. Op 0's kernel runs 12..32 us on the
 * stream; op 1 is launched at 24 us, so its program starts when op 0's kernel ends, at
 * 32 us. Each core takes 4 tiles of three 1 us steps with 3 slots: 3 + 3 x 1 = 6 us, so
 * the program ends at 38 us, and op 2's kernel (launched at 36 us) runs 38..40 us. */
static void test_dispatch_runs_tile_kernel(void **state)
{
    (void)state;
    pl_session *s = NULL;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_session_open(pl_test_src("tests/data/tile/dispatch_with_tile.yaml"), NULL,
                                     0, &s, &d),
                     0);
    if (pl_session_run(s, &d) != 0)
        fail_msg("%s", d.msg);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(r->run.m->makespan, 40e-6, 40e-15);
    for (int c = 0; c < 2; c++) {
        char load[32], store[32];
        snprintf(load, sizeof load, "core%d.MTE2", c);
        snprintf(store, sizeof store, "core%d.MTE3", c);
        uint32_t n;
        const uint32_t *l = pipe_tasks(&r->run, load, &n);
        assert_int_equal(n, 4);
        pl_assert_near(r->run.tl->start[l[0]], 32e-6, 32e-15);
        const uint32_t *st = pipe_tasks(&r->run, store, &n);
        pl_assert_near(r->run.tl->end[st[3]], 38e-6, 38e-15);
        assert_int_equal(pl_graph_task_item(r->run.graph, l[0]), 1);
    }
    /* The trace's processes: host threads, the device stream, and both cores' pipes. */
    assert_int_equal(pl_graph_place_count(r->run.graph), 4);
    assert_string_equal(pl_graph_place_name(r->run.graph, 2), "core0");
    pl_session_destroy(s);
    const char *both[] = {"dispatch.ops[1].kernel=3us"};
    s = NULL;
    assert_int_equal(pl_session_open(pl_test_src("tests/data/tile/dispatch_with_tile.yaml"), both,
                                     1, &s, &d),
                     0);
    assert_int_equal(pl_session_run(s, &d), PL_ECONFIG);
    if (!pl_test_contains(d.msg, "key 'dispatch.ops[1].tile': an op's kernel is a time or a "
                                 "tile program, not both"))
        fail_msg("unexpected: %s", d.msg);
    pl_session_destroy(s);
}

/* Steps that run once per K tiles. A buffer written every tile but read only every 2nd
 * tile still frees its slots (the tile whose copy nobody reads frees it after its
 * write), and a buffer whose first writer runs once per 2-tile slot takes its slot there:
 * with one slot, the second block's TCOPY waits for the first block's TSTORE. */
static void test_every_and_span(void **state)
{
    (void)state;
    const char *odd[] = {
        "tile.count=4",
        ("tile.buffers=[{name: x, memory: UB, size: 1 KiB}, {name: y, memory: UB, size: "
         "1 KiB}]"),
        ("tile.steps=[{op: TLOAD, unit: MTE2, time: 1us, writes: x}, {op: TMOV, unit: VECTOR, "
         "time: 1us, reads: [x], writes: y, every: 2}, {op: TSTORE, unit: MTE3, time: 1us, "
         "reads: [y], every: 2}]")};
    pl_session *s = run(odd, 3);
    assert_true(pl_session_report(s)->run.m->makespan > 0);
    pl_session_destroy(s);
    const char *acc[] = {
        "tile.count=4", "tile.depth=1",
        ("tile.buffers=[{name: a, memory: UB, size: 1 KiB}, {name: acc, memory: UB, size: "
         "1 KiB, span: 2}, {name: y, memory: UB, size: 1 KiB, span: 2}]"),
        ("tile.steps=[{op: TLOAD, unit: MTE2, time: 1us, writes: a}, {op: TMUL, unit: CUBE, "
         "time: 1us, reads: [a], writes: acc}, {op: TCOPY, unit: VECTOR, time: 1us, reads: "
         "[acc], writes: y, every: 2}, {op: TSTORE, unit: MTE3, time: 10us, reads: [y], every: "
         "2}]")};
    s = run(acc, 4);
    const pl_run *r = &pl_session_report(s)->run;
    uint32_t n, m;
    const uint32_t *copy = pipe_tasks(r, "core0.VECTOR", &n);
    const uint32_t *store = pipe_tasks(r, "core0.MTE3", &m);
    assert_int_equal(n, 2);
    assert_int_equal(m, 2);
    assert_true(r->tl->start[copy[1]] >= r->tl->end[store[0]]);
    pl_session_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buffering_makespans),
        cmocka_unit_test(test_baseline_formula),
        cmocka_unit_test(test_recursion),
        cmocka_unit_test(test_barrier_never_faster),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_model_errors),
        cmocka_unit_test(test_gemm_shape),
        cmocka_unit_test(test_shared_gm),
        cmocka_unit_test(test_dispatch_runs_tile_kernel),
        cmocka_unit_test(test_every_and_span),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
