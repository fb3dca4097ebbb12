/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_variants.c — every model's buffers, pools and queues one slot deeper: the variants
 * a lowered scenario offers (names, change phrases, refusals) and the makespans of their
 * graphs, simulated with the analytic engine (each checked to share no core or link, so
 * that it is what the SimGrid engine gives too).
 *
 * Expected values: tile_buffering.yaml's own comment (the period max(L, C, S, (L + C + S)
 * / B), Ramamoorthy and Ho 1980: 59 us at B = 2, 52 us at B = 3); the capacity of L0A in
 * configs/ascend_910b.yaml; the plan of plan_teaching.yaml worked out in its comment; and
 * for the random workloads, the run lowered with the key set one higher (the change as a
 * user makes it), which must be the same graph with the same drawn durations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/model.h"
#include "models/plan/variants.h"
#include "sim/engine/analytic.h"
#include "sim/engine/sharing.h"
#include "sim/measure/bound.h"
#include "support.h"

#include <gsl/gsl_rng.h>
#include <string.h>

/* A scenario loaded and lowered as pipelab run does it. */
struct lowered {
    pl_config *cfg;
    const pl_model *model;
    pl_lowering l;
    pl_variant *v;
    size_t n;
};

static void lower(struct lowered *x, const char *rel, const char *const *sets, size_t nsets)
{
    pl_diag d;
    pl_diag_init(&d);
    memset(x, 0, sizeof *x);
    if (pl_config_load(pl_test_src(rel), sets, nsets, pl_scenario_keys, &x->cfg, &d) != 0)
        fail_msg("%s: %s", rel, d.msg);
    x->model = pl_model_find(pl_config_str(x->cfg, "model"));
    assert_non_null(x->model);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)pl_config_int(x->cfg, "seed"));
    int rc = x->model->lower(x->cfg, rng, &x->l, &d);
    gsl_rng_free(rng);
    if (rc != 0)
        fail_msg("%s: %s", rel, d.msg);
    assert_non_null(x->model->variants);
    assert_non_null(x->model->lower_variant);
    if (x->model->variants(&x->l, &x->v, &x->n, &d) != 0)
        fail_msg("%s: %s", rel, d.msg);
}

static void done(struct lowered *x)
{
    free(x->v);
    pl_lowering_fini(&x->l);
    pl_config_destroy(x->cfg);
}

/* The makespan of a finalized graph with the analytic engine, which must share nothing. */
static double makespan(const pl_graph *g)
{
    pl_timeline tl;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_timeline_init(&tl, pl_graph_task_count(g)), 0);
    if (pl_analytic_run(g, &tl, &d) != 0)
        fail_msg("%s", d.msg);
    bool shared = false;
    char why[256];
    assert_int_equal(pl_sharing_found(g, &tl, &shared, why, sizeof why), 0);
    if (shared)
        fail_msg("the analytic timeline shares a resource: %s", why);
    double t = tl.makespan;
    pl_timeline_fini(&tl);
    return t;
}

/* The makespan of variant i of x. */
static double variant_makespan(const struct lowered *x, size_t i)
{
    pl_graph *g = NULL;
    pl_diag d;
    pl_diag_init(&d);
    assert_string_equal(x->v[i].refused, "");
    if (x->model->lower_variant(&x->l, i, &g, &d) != 0)
        fail_msg("%s", d.msg);
    double t = makespan(g);
    pl_graph_destroy(g);
    return t;
}

/* The makespan of the run of rel with the overrides. */
static double run_makespan(const char *rel, const char *const *sets, size_t nsets)
{
    struct lowered x;
    lower(&x, rel, sets, nsets);
    double t = makespan(x.l.run);
    done(&x);
    return t;
}

/* ---- tile --------------------------------------------------------------------------- */

#define BUFFERING "workloads/tile_buffering.yaml"

/* Depth 2: one buffer, t; with 3 slots VECTOR binds: 7 us for the first tile + 15 x 3 us
 * = 52 us, the workload's comment's depth-3 line; the run itself takes 59 us. */
static void tile_depth_two(void **state)
{
    (void)state;
    struct lowered x;
    const char *sets[] = {"tile.depth=2"};
    lower(&x, BUFFERING, sets, 1);
    assert_int_equal(x.n, 1);
    assert_int_equal(x.v[0].kind, PL_CHANGE_BUFFER);
    assert_string_equal(x.v[0].name, "t");
    assert_string_equal(x.v[0].change, "one more slot in buffer t (3 instead of 2)");
    pl_assert_near(makespan(x.l.run), 59e-6, 1e-12);
    pl_assert_near(variant_makespan(&x, 0), 52e-6, 1e-12);
    done(&x);
}

/* Depth 1: no overlap, 16 x 7 = 112 us; with 2 slots, the depth-2 run: 59 us. */
static void tile_depth_one(void **state)
{
    (void)state;
    struct lowered x;
    const char *sets[] = {"tile.depth=1"};
    lower(&x, BUFFERING, sets, 1);
    assert_int_equal(x.n, 1);
    assert_string_equal(x.v[0].change, "one more slot in buffer t (2 instead of 1)");
    pl_assert_near(makespan(x.l.run), 112e-6, 1e-12);
    pl_assert_near(variant_makespan(&x, 0), 59e-6, 1e-12);
    done(&x);
}

/* The GEMM at depth 2 on one core: L0A (64 KiB in configs/ascend_910b.yaml) holds two
 * 32 KiB slots of a_l0 and no third, L0B likewise b_l0, L0C (128 KiB) two 64 KiB slots of
 * c_l0; L1 (512 KiB) has room for a third slot of a_l1 or b_l1. The refusals are the
 * words of `pipelab run workloads/tile_gemm.yaml --set tile.depth=3`. */
static void tile_gemm_refused(void **state)
{
    (void)state;
    struct lowered x;
    const char *sets[] = {"tile.depth=2", "tile.cores=1"};
    lower(&x, "workloads/tile_gemm.yaml", sets, 2);
    assert_int_equal(x.n, 5);
    const char *names[] = {"a_l1", "b_l1", "a_l0", "b_l0", "c_l0"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(x.v[i].name, names[i]);
    assert_string_equal(x.v[0].refused, "");
    assert_string_equal(x.v[1].refused, "");
    assert_string_equal(x.v[2].change, "one more slot in buffer a_l0 (3 instead of 2)");
    assert_string_equal(x.v[2].refused, "the buffers in L0A do not fit: a_l0 3 x 32 KiB = "
                                        "96 KiB, more than its 64 KiB");
    assert_string_equal(x.v[3].refused, "the buffers in L0B do not fit: b_l0 3 x 32 KiB = "
                                        "96 KiB, more than its 64 KiB");
    assert_string_equal(x.v[4].refused, "the buffers in L0C do not fit: c_l0 3 x 64 KiB = "
                                        "192 KiB, more than its 128 KiB");
    done(&x);
}

/* ---- dispatch ----------------------------------------------------------------------- */

#define DECODE "workloads/dispatch_llm_decode.yaml"

/* The decode step as shipped (queue_depth 64, stream_depth 1024): both queues are bounded,
 * and one more slot in either is the run with that key one higher, which the same seed
 * draws the same: 8.160 ms, as the run (the device is busy 99 % of it; the host only runs
 * further ahead). */
static void dispatch_decode(void **state)
{
    (void)state;
    struct lowered x;
    lower(&x, DECODE, NULL, 0);
    assert_int_equal(x.n, 2);
    assert_int_equal(x.v[0].kind, PL_CHANGE_QUEUE);
    assert_string_equal(x.v[0].name, "queue_depth");
    assert_string_equal(x.v[0].change, "one more slot in each queue between host steps "
                                       "(dispatch.queue_depth 65 instead of 64)");
    assert_string_equal(x.v[1].name, "stream_depth");
    assert_string_equal(x.v[1].change, "one more slot in the device stream's queue "
                                       "(dispatch.stream_depth 1025 instead of 1024)");
    double run = makespan(x.l.run);
    pl_assert_near(run, 8.15971334268843e-3, 1e-15); /* pipelab run DECODE */
    const char *q[] = {"dispatch.queue_depth=65"}, *s[] = {"dispatch.stream_depth=1025"};
    pl_assert_near(variant_makespan(&x, 0), run_makespan(DECODE, q, 1), 0);
    pl_assert_near(variant_makespan(&x, 1), run_makespan(DECODE, s, 1), 0);
    pl_assert_near(variant_makespan(&x, 0), run, 0);
    done(&x);
}

/* queue_depth 4096: the 1260 ops never fill a queue of 4096 (op j waits for op j - 1 -
 * 4096 only from j = 4097), so the run has no queue edge between host steps and one more
 * slot changes nothing: 8.160 ms, the "stays at 8.16 ms". */
static void dispatch_decode_deep(void **state)
{
    (void)state;
    struct lowered x;
    const char *sets[] = {"dispatch.queue_depth=4096"};
    lower(&x, DECODE, sets, 1);
    assert_int_equal(x.n, 2);
    assert_string_equal(x.v[0].change, "one more slot in each queue between host steps "
                                       "(dispatch.queue_depth 4097 instead of 4096)");
    pl_assert_near(makespan(x.l.run), 8.15971334268843e-3, 1e-15);
    pl_assert_near(variant_makespan(&x, 0), 8.15971334268843e-3, 1e-15);
    done(&x);
}

/* Two stations that block each other (tests/data/variants/dispatch_queue.yaml): InferShape
 * (A) 1, 1, 1, 5 us, Resize (B) 5, 1, 1, 1 us, Launch and kernels 0; A's op j waits for B
 * to start op j - 1 - b. b = 1: A0 0-1, B0 1-6, A1 1-2, B1 6-7, A2 (after B0's start) 2-3,
 * B2 7-8, A3 (after B1's start, 6) 6-11, B3 11-12: 12 us. b = 2: A3 waits for B0's start
 * only: 3-8, B3 8-9: 9 us. */
static void dispatch_blocking(void **state)
{
    (void)state;
    struct lowered x;
    lower(&x, "tests/data/variants/dispatch_queue.yaml", NULL, 0);
    assert_int_equal(x.n, 1); /* stream_depth is unbounded: no variant */
    assert_string_equal(x.v[0].name, "queue_depth");
    pl_assert_near(makespan(x.l.run), 12e-6, 1e-15);
    pl_assert_near(variant_makespan(&x, 0), 9e-6, 1e-15);
    done(&x);
}

/* Serial mode (tests/data/variants/dispatch_stream.yaml): one host thread, 3 us per op;
 * kernels 10, 1, 1 us; op j's InferShape waits for kernel j - 1 - b to start. b = 0:
 * host 0-3, K0 3-13; host 3-6 (after K0's start), K1 13-14; host 13-16 (after K1's start),
 * K2 16-17: 17 us. b = 1: op 2 waits for K0's start: host 6-9, K2 14-15: 15 us. The
 * queues between host steps are not in a serial run: no queue_depth variant. */
static void dispatch_serial(void **state)
{
    (void)state;
    struct lowered x;
    lower(&x, "tests/data/variants/dispatch_stream.yaml", NULL, 0);
    assert_int_equal(x.n, 1);
    assert_string_equal(x.v[0].name, "stream_depth");
    assert_string_equal(x.v[0].change, "one more slot in the device stream's queue "
                                       "(dispatch.stream_depth 1 instead of 0)");
    pl_assert_near(makespan(x.l.run), 17e-6, 1e-15);
    pl_assert_near(variant_makespan(&x, 0), 15e-6, 1e-15);
    done(&x);
}

/* ---- stream ------------------------------------------------------------------------- */

#define TEACHING "workloads/stream_teaching.yaml"

/* stream_teaching: pool 1 (source -> filter) and pool 2 (filter -> sink), one buffer each.
 * With fixed times (filter 40 us on 4 threads) every stage takes 10 us a frame and no
 * pool ever blocks: 60 us for the first frame + 999 x 10 us = 10.05 ms, the run and both
 * variants (docs/stream.md's estimate, exact then). */
static void stream_fixed(void **state)
{
    (void)state;
    struct lowered x;
    const char *sets[] = {"stream.tasks[1].latency=40us"};
    lower(&x, TEACHING, sets, 1);
    assert_int_equal(x.n, 2);
    assert_int_equal(x.v[0].kind, PL_CHANGE_POOL);
    assert_string_equal(x.v[0].name, "pool 1");
    assert_string_equal(x.v[0].change, "one more slot in pool 1, source -> filter (2 buffers per "
                                       "pair of threads instead of 1)");
    assert_string_equal(x.v[1].name, "pool 2");
    assert_string_equal(x.v[1].change, "one more slot in pool 2, filter -> sink (2 buffers per "
                                       "pair of threads instead of 1)");
    pl_assert_near(makespan(x.l.run), 10.05e-3, 1e-12);
    pl_assert_near(variant_makespan(&x, 0), 10.05e-3, 1e-12);
    pl_assert_near(variant_makespan(&x, 1), 10.05e-3, 1e-12);
    done(&x);
}

/* With the random filter (seed 1) each variant is the run with that stage's `buffer` set
 * to 2, as a user sets it; neither pool alone gains anything (15.67 ms, the run), while
 * both together (stream.buffer=2) give 13.89 ms: one deeper pool leaves the other
 * blocking. */
static void stream_random(void **state)
{
    (void)state;
    struct lowered x;
    lower(&x, TEACHING, NULL, 0);
    assert_int_equal(x.n, 2);
    const char *one[] = {"stream.stages[0].buffer=2"}, *two[] = {"stream.stages[1].buffer=2"};
    double run = makespan(x.l.run);
    pl_assert_near(run, 15.6711024199983e-3, 1e-15); /* pipelab run TEACHING */
    pl_assert_near(variant_makespan(&x, 0), run_makespan(TEACHING, one, 1), 0);
    pl_assert_near(variant_makespan(&x, 1), run_makespan(TEACHING, two, 1), 0);
    pl_assert_near(variant_makespan(&x, 0), run, 1e-15);
    pl_assert_near(variant_makespan(&x, 1), run, 1e-15);
    done(&x);
}

/* An unbounded pool has no variant; a pool of 0 buffers one of 1. */
static void stream_unbounded(void **state)
{
    (void)state;
    struct lowered x;
    const char *sets[] = {"stream.stages[0].buffer=unbounded", "stream.stages[1].buffer=0"};
    lower(&x, TEACHING, sets, 2);
    assert_int_equal(x.n, 1);
    assert_string_equal(x.v[0].name, "pool 2");
    assert_string_equal(x.v[0].change, "one more slot in pool 2, filter -> sink (1 buffer per "
                                       "pair of threads instead of 0)");
    done(&x);
}

/* ---- plan --------------------------------------------------------------------------- */

#define PLAN "workloads/plan_teaching.yaml"

/* plan_teaching (384 KiB): A, B and C have two versions, D one; a third of A, B or C or a
 * second of D still fits (at most 352 KiB for C's) and plans to 68 us, the plan's own: 1 us
 * of loads before the first matmul + 16 x 4 us on the one tensor unit + 3 us of act and
 * store after the last is the bound, which no version can beat. */
static void plan_teaching(void **state)
{
    (void)state;
    struct lowered x;
    lower(&x, PLAN, NULL, 0);
    assert_int_equal(x.n, 4);
    const char *names[] = {"A", "B", "C", "D"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(x.v[i].kind, PL_CHANGE_BUFFER);
        assert_string_equal(x.v[i].name, names[i]);
        pl_assert_near(variant_makespan(&x, i), 68e-6, 1e-15);
        /* the variant's planned makespan, which its simulation reproduces */
        pl_assert_near(((const pl_plan_kept *)x.l.kept)->variants[i].sched.makespan, 68e-6, 1e-15);
    }
    assert_string_equal(x.v[0].change, "one more slot in buffer A (3 versions instead of 2)");
    assert_string_equal(x.v[3].change, "one more slot in buffer D (2 versions instead of 1)");
    pl_assert_near(makespan(x.l.run), 68e-6, 1e-15);
    done(&x);
}

/* With 256 KiB the plan kept one version of A and B (83 us: load 1 us + matmul 4 us per
 * iteration, the workload's comment). A second version of A alone (256 KiB) leaves B
 * single: loadB of iteration i + 1 still waits for matmul i, matmul i runs 1 + 5i to
 * 5 + 5i, the last ends at 80 us, act and store follow: 83 us again; likewise B. */
static void plan_memory(void **state)
{
    (void)state;
    struct lowered x;
    const char *sets[] = {"plan.memory=256KiB"};
    lower(&x, PLAN, sets, 1);
    assert_int_equal(x.n, 4);
    assert_string_equal(x.v[0].change, "one more slot in buffer A (2 versions instead of 1)");
    pl_assert_near(makespan(x.l.run), 83e-6, 1e-15);
    pl_assert_near(variant_makespan(&x, 0), 83e-6, 1e-15);
    pl_assert_near(variant_makespan(&x, 1), 83e-6, 1e-15);
    done(&x);
}

/* With 224 KiB the plan has one version of A, B and D and two of C: 32 + 32 + 128 + 32 KiB,
 * all of it. A second version of A or B needs 32 KiB more: refused. The buffers C and D
 * may take one more version, which the placement still fits in 224 KiB, but A and B stay
 * single, so the iteration still takes load 1 us + matmul 4 us: 83 us, as the run. */
static void plan_refused(void **state)
{
    (void)state;
    struct lowered x;
    const char *sets[] = {"plan.memory=224KiB"};
    lower(&x, PLAN, sets, 1);
    assert_int_equal(x.n, 4);
    assert_string_equal(x.v[0].refused, "with 2 versions of A the buffers need 256 KiB, more "
                                        "than the memory's 224 KiB");
    assert_string_equal(x.v[1].refused, "with 2 versions of B the buffers need 256 KiB, more "
                                        "than the memory's 224 KiB");
    assert_string_equal(x.v[2].change, "one more slot in buffer C (3 versions instead of 2)");
    pl_assert_near(makespan(x.l.run), 83e-6, 1e-15);
    pl_assert_near(variant_makespan(&x, 2), 83e-6, 1e-15);
    pl_assert_near(variant_makespan(&x, 3), 83e-6, 1e-15);
    done(&x);
}

/* ---- the tile depth search under a verdict ------------------------------------------ */

/* A trier that simulates with the analytic engine and counts the graphs it was given. */
static int simulate(void *ctx, const pl_graph *const *graphs, size_t n, pl_trial *out, pl_diag *d)
{
    (void)d;
    for (size_t i = 0; i < n; i++) {
        pl_bound b;
        assert_int_equal(pl_bound_compute(graphs[i], &b), 0);
        out[i] = (pl_trial){.makespan = makespan(graphs[i]), .bound = b.makespan};
    }
    *(size_t *)ctx += n;
    return 0;
}

/* The figure named `name` of x's figures, or NULL. */
static const pl_figure *figure(const struct lowered *x, const char *name)
{
    for (size_t i = 0; i < x->l.figures.n; i++)
        if (strcmp(x->l.figures.v[i].name, name) == 0)
            return &x->l.figures.v[i];
    return NULL;
}

/* Lowers rel with the overrides and runs the model's advice under verdict v; returns how
 * many graphs it simulated. */
static size_t advise(struct lowered *x, const char *rel, const char *const *sets, size_t nsets,
                     const pl_verdict *v)
{
    size_t simulated = 0;
    pl_trier t = {.simulate = simulate, .ctx = &simulated};
    pl_diag d;
    pl_diag_init(&d);
    lower(x, rel, sets, nsets);
    if (x->model->advise(&x->l, &t, v, &d) != 0)
        fail_msg("%s: %s", rel, d.msg);
    return simulated;
}

/* A verdict of a run of `run` seconds in which one more slot in buffer `name` was
 * simulated and took `with` seconds (one tried change, stored in *tried). */
static pl_verdict one_tried(pl_tried *tried, const char *name, double run, double with)
{
    *tried = (pl_tried){.kind = PL_CHANGE_BUFFER,
                        .status = PL_TRIED_SIMULATED,
                        .makespan = with,
                        .gain = run - with};
    snprintf(tried->name, sizeof tried->name, "%s", name);
    return (pl_verdict){.searched = true,
                        .makespan = run,
                        .ntried = 1,
                        .nsimulated = 1,
                        .tried = tried,
                        .nbest = run > with};
}

#define TWO "tests/data/variants/tile_two.yaml"

/* Not searched (an empty verdict): every buffer is searched with the other one deep, as
 * before verdicts: with b deep, a needs 2 slots (28 us, VECTOR's 3 us binds; 42 us with
 * 1), and b likewise (tests/data/variants/tile_two.yaml). */
static void depths_unsearched_verdict(void **state)
{
    (void)state;
    struct lowered x;
    pl_verdict v = {0};
    assert_true(advise(&x, TWO, NULL, 0, &v) > 0);
    assert_int_equal((int)figure(&x, "depth a")->value, 2);
    assert_int_equal((int)figure(&x, "depth b")->value, 2);
    assert_string_equal(figure(&x, "depth a")->text, "2 slots of 16 KiB in UB (configured 1): "
                                                     "28 us with 2, 42 us with 1 (the other "
                                                     "buffers deep)");
    done(&x);
}

/* A verdict in which only buffer a's one more slot helped (made up for the test): only a
 * is searched, and b stays at its configured single slot in every probe. Then b's slot
 * (5 us per tile) binds whatever a's depth: a with as many slots as tiles takes 2 + 8 x 5
 * = 42 us, the critical path, so the goal is 42.42 us and one slot of a reaches it. */
static void depths_one_buffer_helps(void **state)
{
    (void)state;
    struct lowered x;
    pl_tried helped;
    pl_verdict v = one_tried(&helped, "a", 42e-6, 28e-6);
    advise(&x, TWO, NULL, 0, &v);
    assert_null(figure(&x, "depth b"));
    assert_int_equal((int)figure(&x, "depth a")->value, 1);
    assert_string_equal(figure(&x, "goal")->text,
                        "42.42 us: within 1 % of the bound 42 us of the kernel with the searched "
                        "buffers' slots free when needed and the other buffers as configured, "
                        "which takes 42 us");
    assert_string_equal(figure(&x, "depth a")->text, "1 slot of 16 KiB in UB (configured 1): "
                                                     "42 us with 1 (the other buffers as "
                                                     "configured)");
    assert_string_equal(figure(&x, "depths together")->text,
                        "42 us with every searched buffer at its depth and the others as "
                        "configured (within the goal); UB 32 KiB of 188 KiB: they fit");
    done(&x);
}

/* tile_buffering at depth 3 takes 52 us, VECTOR's bound; one more slot in t gives 52 us
 * again (gain 0, not above 1 %): the depths are not searched, nothing is simulated, and
 * one figure says why. */
static void depths_nothing_helps(void **state)
{
    (void)state;
    struct lowered x;
    pl_tried tried;
    pl_verdict v = one_tried(&tried, "t", 52e-6, 52e-6);
    const char *sets[] = {"tile.depth=3"};
    assert_int_equal(advise(&x, BUFFERING, sets, 1, &v), 0);
    assert_null(figure(&x, "goal"));
    assert_null(figure(&x, "depth t"));
    assert_string_equal(figure(&x, "depths")->text,
                        "not searched: one more slot in a buffer was not among the changes "
                        "that shortened the run by more than 1 %");
    done(&x);
}

/* tile_buffering at depth 2 (59 us), where one more slot in t gives 52 us: t is searched,
 * and depth 3 is the smallest that reaches 52.52 us (the workload's comment; its
 * buffer has 32 KiB slots). */
static void depths_t_helps(void **state)
{
    (void)state;
    struct lowered x;
    pl_tried tried;
    pl_verdict v = one_tried(&tried, "t", 59e-6, 52e-6);
    const char *sets[] = {"tile.depth=2"};
    advise(&x, BUFFERING, sets, 1, &v);
    assert_int_equal((int)figure(&x, "depth t")->value, 3);
    assert_string_equal(figure(&x, "depth t")->text, "3 slots of 32 KiB in UB (configured 2): "
                                                     "52 us with 3, 59 us with 2");
    done(&x);
}

/* tests/data/variants/tile_store.yaml: with the other buffers deep, b0 needs 2 slots
 * (421 us, the goal 425.2 us); with 1 its slot is held 18 us a tile, so the graph's bound,
 * 32 x 18 = 576 us, already misses the goal: that trial is not simulated, and the figure
 * says what is known of it: 8 kernels simulated in all, one fewer than before. */
static void depths_bounded_probe(void **state)
{
    (void)state;
    struct lowered x;
    pl_verdict v = {0};
    size_t simulated = advise(&x, "tests/data/variants/tile_store.yaml", NULL, 0, &v);
    assert_int_equal(simulated, 8); /* 9 when every trial is simulated, as before bounds */
    assert_string_equal(figure(&x, "depth b0")->text,
                        "2 slots of 1 KiB in UB (configured 1): 421 us with 2, at least 576 us "
                        "with 1, its bound (the other buffers deep)");
    done(&x);
}

/* Barrier sync with a verdict in which one more slot in t helped (made up for the test):
 * the depth is still not searched, since a deeper buffer also moves what a TSYNC waits
 * for, and the figure says so (models/tile/depths.c). */
static void depths_barrier(void **state)
{
    (void)state;
    struct lowered x;
    pl_tried tried;
    pl_verdict v = one_tried(&tried, "t", 112e-6, 90e-6);
    const char *sets[] = {"tile.sync=barrier", "tile.depth=1"};
    assert_int_equal(advise(&x, BUFFERING, sets, 2, &v), 0);
    assert_null(figure(&x, "depth t"));
    assert_string_equal(figure(&x, "depths")->text,
                        "not searched with barrier sync, where a deeper buffer also changes "
                        "what a consumer waits for; set tile.sync=event to search");
    done(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tile_depth_two),
        cmocka_unit_test(tile_depth_one),
        cmocka_unit_test(tile_gemm_refused),
        cmocka_unit_test(dispatch_decode),
        cmocka_unit_test(dispatch_decode_deep),
        cmocka_unit_test(dispatch_blocking),
        cmocka_unit_test(dispatch_serial),
        cmocka_unit_test(stream_fixed),
        cmocka_unit_test(stream_random),
        cmocka_unit_test(stream_unbounded),
        cmocka_unit_test(plan_teaching),
        cmocka_unit_test(plan_memory),
        cmocka_unit_test(plan_refused),
        cmocka_unit_test(depths_unsearched_verdict),
        cmocka_unit_test(depths_one_buffer_helps),
        cmocka_unit_test(depths_nothing_helps),
        cmocka_unit_test(depths_t_helps),
        cmocka_unit_test(depths_bounded_probe),
        cmocka_unit_test(depths_barrier),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
