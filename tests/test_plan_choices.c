/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_choices.c — ops that may run on several unit classes (`also`) and the cost of
 * moving a buffer between units (plan.transfers): the scheduler places each task where it
 * ends earliest (HEFT's rule), pays a transfer only across units, the bounds stay lower
 * bounds, and the simulated graph, with each move as its own task, reproduces the plan.
 *
 * HEFT's example is Topcuoglu, Hariri and Wu, "Performance-effective and low-complexity
 * task scheduling for heterogeneous computing", IEEE Trans. Parallel and Distributed
 * Systems 13(3), 2002: the DAG, computation costs and communication costs of its Fig. 2
 * and the HEFT schedule of its Fig. 3(a), makespan 80. The other cases are worked by hand
 * in their comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/plan/bounds.h"
#include "models/plan/sched.h"
#include "sim/graph/graph.h"
#include "sim/measure/figure.h"
#include "sim/measure/metrics.h"
#include "sim/report/report.h"
#include "sim/study/session.h"
#include "plan_loops.h"
#include "plan_valid.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US 1e-6

/* HEFT's example: ten tasks on three processors p1, p2, p3 (each its own class of one
 * unit), each task's cost on each (Fig. 2's table), each edge a buffer of as many bytes as
 * its communication cost, moved at 1 byte per microsecond between any two processors. */
static const char heft[] =
    "model: plan\n"
    "machine: {}\n"
    "plan:\n"
    "  iterations: 1\n"
    "  units: {p1: 1, p2: 1, p3: 1}\n"
    "  transfers: [{between: [p1, p2, p3], bandwidth: 1MB/s}]\n"
    "  buffers: {e12: 18B, e13: 12B, e14: 9B, e15: 11B, e16: 14B, e28: 19B, e29: 16B,\n"
    "            e37: 23B, e48: 27B, e49: 23B, e59: 13B, e68: 15B, e710: 17B, e810: 11B,\n"
    "            e910: 13B}\n"
    "  ops:\n"
    "    - {name: t1, unit: p1, latency: 14us, also: [{unit: p2, latency: 16us},\n"
    "       {unit: p3, latency: 9us}], writes: [e12, e13, e14, e15, e16]}\n"
    "    - {name: t2, unit: p1, latency: 13us, also: [{unit: p2, latency: 19us},\n"
    "       {unit: p3, latency: 18us}], reads: [e12], writes: [e28, e29]}\n"
    "    - {name: t3, unit: p1, latency: 11us, also: [{unit: p2, latency: 13us},\n"
    "       {unit: p3, latency: 19us}], reads: [e13], writes: [e37]}\n"
    "    - {name: t4, unit: p1, latency: 13us, also: [{unit: p2, latency: 8us},\n"
    "       {unit: p3, latency: 17us}], reads: [e14], writes: [e48, e49]}\n"
    "    - {name: t5, unit: p1, latency: 12us, also: [{unit: p2, latency: 13us},\n"
    "       {unit: p3, latency: 10us}], reads: [e15], writes: [e59]}\n"
    "    - {name: t6, unit: p1, latency: 13us, also: [{unit: p2, latency: 16us},\n"
    "       {unit: p3, latency: 9us}], reads: [e16], writes: [e68]}\n"
    "    - {name: t7, unit: p1, latency: 7us, also: [{unit: p2, latency: 15us},\n"
    "       {unit: p3, latency: 11us}], reads: [e37], writes: [e710]}\n"
    "    - {name: t8, unit: p1, latency: 5us, also: [{unit: p2, latency: 11us},\n"
    "       {unit: p3, latency: 14us}], reads: [e28, e48, e68], writes: [e810]}\n"
    "    - {name: t9, unit: p1, latency: 18us, also: [{unit: p2, latency: 12us},\n"
    "       {unit: p3, latency: 20us}], reads: [e29, e49, e59], writes: [e910]}\n"
    "    - {name: t10, unit: p1, latency: 21us, also: [{unit: p2, latency: 7us},\n"
    "       {unit: p3, latency: 16us}], reads: [e710, e810, e910]}\n";

/* The unit of each task and its start and end (us) on the lowered graph. */
struct placed {
    const char *unit;
    double start, end;
};

static struct placed placed(const pl_session *s, const char *op)
{
    const pl_graph *g = pl_session_graph(s);
    const pl_timeline *tl = pl_session_report(s)->run.tl;
    for (uint32_t t = 0; t < pl_graph_task_count(g); t++)
        if (strcmp(pl_graph_task_label(g, t), op) == 0)
            return (struct placed){pl_graph_unit_name(g, pl_graph_task_unit(g, t)),
                                   tl->start[t] / US, tl->end[t] / US};
    fail_msg("no task %s", op);
    return (struct placed){0};
}

/* With the plain rule (upward rank, earliest finish with insertion) the plan is HEFT's
 * schedule of Fig. 3(a), task by task, makespan 80; the simulation, with the 9 moves
 * between processors as tasks of their own, gives the same. */
static void test_heft(void **state)
{
    (void)state;
    static const struct {
        const char *op, *unit;
        double start, end;
    } want[] = {
        {"t1", "p3", 0, 9},   {"t2", "p1", 27, 40},  {"t3", "p3", 9, 28},  {"t4", "p2", 18, 26},
        {"t5", "p3", 28, 38}, {"t6", "p2", 26, 42},  {"t7", "p3", 38, 49}, {"t8", "p1", 57, 62},
        {"t9", "p2", 56, 68}, {"t10", "p2", 73, 80},
    };
    static const char *const plain[] = {"plan.scheduler=plain"};
    pl_session *s = pl_test_run_yaml(heft, plain, 1);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(r->predicted, 80 * US, 1e-15);
    pl_assert_near(r->run.m->makespan, 80 * US, 1e-15);
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        struct placed p = placed(s, want[k].op);
        print_message("%-3s on %s, %2.0f to %2.0f us\n", want[k].op, p.unit, p.start, p.end);
        assert_string_equal(p.unit, want[k].unit);
        pl_assert_near(p.start, want[k].start, 1e-9);
        pl_assert_near(p.end, want[k].end, 1e-9);
    }
    /* Edges between processors in that schedule: 1-2, 1-4, 1-6, 2-9, 4-8, 5-9, 6-8, 7-10
     * and 8-10; the other six stay on their processor. */
    assert_int_equal(pl_graph_task_count(pl_session_graph(s)), 10 + 9);
    pl_session_destroy(s);

    /* The whole search (the plain rule first) is never longer. */
    s = pl_test_run_yaml(heft, NULL, 0);
    r = pl_session_report(s);
    print_message("the whole search: %g us\n", r->predicted / US);
    assert_true(r->predicted <= 80 * US);
    pl_assert_near(r->run.m->makespan, r->predicted, 1e-9 * r->predicted);
    pl_session_destroy(s);
}

/* Two independent matrix products of one iteration, each on the cube (4 us) or the vector
 * unit (6 us): equal priorities (mean latency 5 us), so m1 goes first and takes the cube
 * [0, 4], where it ends first; m2 would end at 8 on the cube after it, at 6 on the vector
 * unit: the vector unit, makespan 6. With m2 at 40 us on the vector unit its priority is
 * the higher (mean 22 us against 5): m2 goes first and takes the cube [0, 4], and m1 ends
 * at 6 on the vector unit against 8 on the cube: makespan 6 again, the ops swapped. */
static void test_two_kinds(void **state)
{
    (void)state;
    static const char yaml[] =
        "model: plan\nmachine: {}\nplan:\n  iterations: 1\n  scheduler: plain\n"
        "  units: {cube: 1, vector: 1}\n  ops:\n"
        "    - {name: m1, unit: cube, latency: 4us, also: [{unit: vector, latency: 6us}]}\n"
        "    - {name: m2, unit: cube, latency: 4us, also: [{unit: vector, latency: 6us}]}\n";
    pl_session *s = pl_test_run_yaml(yaml, NULL, 0);
    assert_string_equal(placed(s, "m1").unit, "cube");
    assert_string_equal(placed(s, "m2").unit, "vector");
    pl_assert_near(pl_session_report(s)->run.m->makespan, 6 * US, 1e-15);
    pl_session_destroy(s);
    static const char *const slow[] = {"plan.ops[1].also[0].latency=40us"};
    s = pl_test_run_yaml(yaml, slow, 1);
    assert_string_equal(placed(s, "m2").unit, "cube");
    pl_assert_near(placed(s, "m2").end, 4, 1e-9);
    assert_string_equal(placed(s, "m1").unit, "vector");
    pl_assert_near(pl_session_report(s)->run.m->makespan, 6 * US, 1e-15);
    pl_session_destroy(s);
}

/* A producer on unit a (2 us) writes X; its consumer takes 5 us on a or 3 us on b, and X
 * moves from a to b in L. With L = 4 us the consumer ends at 2 + 5 = 7 on a against
 * 2 + 4 + 3 = 9 on b: a, no move, 2 tasks. With L = 1 us, b ends at 6: b, and the move is
 * a task of 1 us on "transfer 1", from 2 to 3 us. */
static void test_transfer(void **state)
{
    (void)state;
    static const char yaml[] =
        "model: plan\nmachine: {}\nplan:\n  iterations: 1\n  scheduler: plain\n"
        "  units: {a: 1, b: 1}\n  buffers: {X: 1KiB}\n"
        "  transfers: [{between: [a, b], latency: 4us}]\n  ops:\n"
        "    - {name: p, unit: a, latency: 2us, writes: [X]}\n"
        "    - {name: c, unit: a, latency: 5us, also: [{unit: b, latency: 3us}], reads: [X]}\n";
    pl_session *s = pl_test_run_yaml(yaml, NULL, 0);
    assert_string_equal(placed(s, "c").unit, "a");
    pl_assert_near(pl_session_report(s)->run.m->makespan, 7 * US, 1e-15);
    assert_int_equal(pl_graph_task_count(pl_session_graph(s)), 2);
    pl_session_destroy(s);
    static const char *const fast[] = {"plan.transfers[0].latency=1us"};
    s = pl_test_run_yaml(yaml, fast, 1);
    assert_string_equal(placed(s, "c").unit, "b");
    pl_assert_near(pl_session_report(s)->run.m->makespan, 6 * US, 1e-15);
    struct placed move = placed(s, "transfer");
    assert_string_equal(move.unit, "transfer 1");
    pl_assert_near(move.start, 2, 1e-9);
    pl_assert_near(move.end, 3, 1e-9);
    pl_session_destroy(s);
}

/* Random loops with choices and transfers (plan_loops.h), some with pipelined classes:
 * every schedule of the whole search valid under the rules (plan_valid.h: each task on a
 * class that may run it, at its latency there, each moved buffer in time), never shorter
 * than the bound; and, as scenarios, simulated to the planned makespan. */
static void test_random(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(20261208, "random loops with choices");
    uint32_t moved = 0, chose = 0;
    for (uint32_t c = 0; c < 200; c++) {
        pl_plan_loop l = pl_test_random_loop(r, pl_test_draw(r, 3, 12), pl_test_draw(r, 0, 2),
                                             pl_test_draw(r, 1, 20));
        pl_test_add_choices_pipelined(r, &l);
        snprintf(pl_test_where, sizeof pl_test_where, "loop %u (%u ops, %u classes, %u deps)", c,
                 l.nops, l.nclasses, l.ndeps);
        pl_plan_options o = {.attempts = 4};
        pl_plan_schedule s;
        pl_plan_bounds b;
        assert_int_equal(pl_plan_schedule_loop(&l, &o, &s), 0);
        assert_int_equal(pl_plan_bounds_compute(&l, &b), 0);
        pl_test_validate(&l, &s, 0);
        pl_test_check(s.makespan >= b.makespan, "makespan %g below the bound %g", s.makespan,
                      b.makespan);
        for (uint32_t t = 0; t < s.ntasks; t++) {
            const pl_plan_op *op = &l.ops[t % l.nops];
            uint32_t first = pl_plan_unit_first(&l, op->cls);
            chose += s.tasks[t].unit < first || s.tasks[t].unit >= first + l.classes[op->cls].units;
        }
        if (c < 40) { /* the simulation, on the first 40 */
            char *yaml = pl_test_loop_yaml(&l);
            pl_session *ses = pl_test_run_yaml(yaml, NULL, 0);
            const pl_report *rep = pl_session_report(ses);
            pl_test_check(fabs(rep->run.m->makespan - rep->predicted) <= 1e-9 * rep->predicted,
                          "simulated %g, planned %g:\n%s", rep->run.m->makespan, rep->predicted,
                          yaml);
            const pl_graph *g = pl_session_graph(ses);
            for (uint32_t t = 0; t < pl_graph_task_count(g); t++)
                moved += strcmp(pl_graph_task_label(g, t), "transfer") == 0;
            pl_session_destroy(ses);
            free(yaml);
        }
        pl_plan_bounds_fini(&b);
        pl_plan_schedule_fini(&s);
        pl_plan_loop_fini(&l);
    }
    print_message("200 loops: %u tasks placed on another class than their own; %u moves "
                  "simulated in the first 40\n",
                  chose, moved);
    assert_true(chose > 100);
    assert_true(moved > 40);
    gsl_rng_free(r);
}

/* workloads/plan_attention_units.yaml, as its comment says: ResMII is the vector unit's
 * work per block, softmax 16 + 131072 / 128 cycles and rescale 16 + 49152 / 128 cycles at
 * 1.8 GHz (configs/ascend_910b.yaml's VECTOR), 1440 cycles = 800 ns; the simulation
 * reproduces the plan; every block moves S and Oj to the vector core and P back (3 moves),
 * and each load run on the vector core's engine moves to the cube (1 more); with free
 * moves the plan reaches its bound. */
static void test_attention_units(void **state)
{
    (void)state;
    pl_session *s;
    pl_diag d;
    if (pl_test_session(pl_test_src("workloads/plan_attention_units.yaml"), NULL, 0, &s, &d))
        fail_msg("%s", d.msg);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(pl_test_figure(r, "ResMII")->value, 1440 / 1.8e9, 1e-15);
    pl_assert_near(r->run.m->makespan, r->predicted, 1e-9 * r->predicted);
    const pl_graph *g = pl_session_graph(s);
    uint32_t moves = 0, remote_loads = 0;
    for (uint32_t t = 0; t < pl_graph_task_count(g); t++) {
        const char *label = pl_graph_task_label(g, t),
                   *unit = pl_graph_unit_name(g, pl_graph_task_unit(g, t));
        moves += strcmp(label, "transfer") == 0;
        remote_loads += strncmp(label, "load", 4) == 0 && strcmp(unit, "aiv_dma") == 0;
    }
    print_message("makespan %g us, %u moves, %u loads on aiv_dma\n", r->run.m->makespan / US, moves,
                  remote_loads);
    assert_true(remote_loads > 0);
    assert_int_equal(moves, 3 * 32 + remote_loads);
    pl_session_destroy(s);

    static const char *const free_moves[] = {"plan.transfers=[]"};
    if (pl_test_session(pl_test_src("workloads/plan_attention_units.yaml"), free_moves, 1, &s, &d))
        fail_msg("%s", d.msg);
    /* The vector unit's bound: its first op (softmax 0) can start after loadK (100 cycles
     * + 32 KiB at 198 GB/s) and qk (528 cycles), then 32 blocks of 800 ns, and nothing
     * follows the last rescale. */
    double bound = 100 / 1.8e9 + 32768 / 198e9 + 528 / 1.8e9 + 32 * 1440 / 1.8e9;
    r = pl_session_report(s);
    print_message("free moves: %g us, bound %g us\n", r->predicted / US, bound / US);
    pl_assert_near(r->predicted, bound, 1e-9 * bound);
    pl_assert_near(r->run.m->makespan, bound, 1e-9 * bound);
    pl_session_destroy(s);
}

/* A loop with no choices may have more classes than a set of them holds (32): 40 classes
 * of one unit, op i on class i taking i + 1 us, 5 iterations. The busiest class is the
 * last: ResMII 40 us, and its five copies, one after another from 0, end at 200 us (the
 * makespan: no op depends on another). */
static void test_many_classes(void **state)
{
    (void)state;
    char yaml[8192];
    size_t n = (size_t)snprintf(yaml, sizeof yaml,
                                "model: plan\nmachine: {}\nplan:\n  iterations: 5\n  units: {");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(yaml + n, sizeof yaml - n, "%sc%d: 1", i ? ", " : "", i);
    n += (size_t)snprintf(yaml + n, sizeof yaml - n, "}\n  ops:\n");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(yaml + n, sizeof yaml - n,
                              "    - {name: o%d, unit: c%d, latency: %dus}\n", i, i, i + 1);
    pl_session *s = pl_test_run_yaml(yaml, NULL, 0);
    const pl_report *r = pl_session_report(s);
    pl_assert_near(pl_test_figure(r, "ResMII")->value, 40 * US, 1e-15);
    assert_true(pl_test_contains(pl_test_figure(r, "ResMII")->text, "class c39 has"));
    pl_assert_near(r->run.m->makespan, 200 * US, 1e-15);
    pl_session_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heft),
        cmocka_unit_test(test_two_kinds),
        cmocka_unit_test(test_transfer),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_attention_units),
        cmocka_unit_test(test_many_classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
