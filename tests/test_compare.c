/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_compare.c — two runs of workloads/dispatch_teaching.yaml side by side, as text
 * and as JSON: dispatch.mode=serial against the default pipelined mode, and the
 * pipelined mode against itself with two Launch threads.
 *
 * Expected values: worked out in the workload's comment from the makespan of a flow line,
 * sum s_i + (N - 1) x max s_i (it cites the sources): 100 ops of InferShape 10 us,
 * Resize 8 us, Launch 6 us and a 12 us kernel. Serial: makespan (24 + 12) + 99 x 24 =
 * 2412 us, device.stream busy 1200 / 2412 = 49.75 %.
 * Pipelined: makespan (10 + 8 + 6 + 12) + 99 x 12 = 1224 us, device.stream busy
 * 1200 / 1224 = 98.04 %. The other figures are worked out in the comments next to
 * them and agree with what `pipelab run` prints for the same scenario and overrides.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/report/compare.h"
#include "sim/study/session.h"
#include "support.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORKLOAD "workloads/dispatch_teaching.yaml"

/* The three sessions, simulated once for all tests. */
struct fixture {
    pl_session *serial, *pipelined, *launch2;
};

static pl_session *simulate(const char *set)
{
    const char *sets[] = {set};
    pl_session *s;
    pl_diag d;
    if (pl_test_session(pl_test_src(WORKLOAD), sets, set ? 1 : 0, &s, &d) != 0)
        fail_msg("%s with %s: %s", WORKLOAD, set ? set : "no override", d.msg);
    return s;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->serial = simulate("dispatch.mode=serial");
    f->pipelined = simulate(NULL);
    f->launch2 = simulate("dispatch.threads.launch=2");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    pl_session_destroy(f->serial);
    pl_session_destroy(f->pipelined);
    pl_session_destroy(f->launch2);
    free(f);
    return 0;
}

/* A session's report with the scenario named as the user would have typed it, so that
 * the output does not depend on where the source tree is. */
static pl_report named(const pl_session *s)
{
    pl_report r = *pl_session_report(s);
    r.scenario = WORKLOAD;
    return r;
}

typedef int (*renderer)(const pl_compare_side *, const pl_compare_side *, FILE *, pl_diag *);

static char *render(renderer how, const pl_compare_side *a, const pl_compare_side *b)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(how(a, b, out, &d), 0);
    assert_int_equal(fclose(out), 0);
    return text;
}

static json_t *render_json(const pl_compare_side *a, const pl_compare_side *b)
{
    char *text = render(pl_compare_json, a, b);
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    if (!doc)
        fail_msg("the comparison is not JSON: %s at line %d\n%s", err.text, err.line, text);
    free(text);
    return doc;
}

/* The real at a path of object keys, failing the test when it is missing. */
static double real_at(const json_t *o, const char *k1, const char *k2, const char *k3)
{
    const json_t *v = json_object_get(o, k1);
    if (v && k2)
        v = json_object_get(v, k2);
    if (v && k3)
        v = json_object_get(v, k3);
    if (!json_is_number(v))
        fail_msg("no number at %s.%s.%s", k1, k2 ? k2 : "", k3 ? k3 : "");
    return json_number_value(v);
}

/* The unit object named `name` in the document's units, with its index. */
static const json_t *unit_named(const json_t *doc, const char *name, size_t *index)
{
    const json_t *units = json_object_get(doc, "units");
    size_t i;
    const json_t *u;
    json_array_foreach(units, i, u)
    {
        if (strcmp(json_string_value(json_object_get(u, "name")), name) == 0) {
            *index = i;
            return u;
        }
    }
    fail_msg("no unit %s in the comparison", name);
    return NULL;
}

/* ---- Serial against pipelined ------------------------------------------------------ */

/* Row by row:
 * - makespan 2412 us and 1224 us (the header comment): B - A = -1188 us, -49.3 %.
 * - throughput 100 ops / 2.412 ms = 41.46 k ops/s, / 1.224 ms = 81.70 k ops/s ("81.7 k"
 *   at 4 significant digits); B - A = 40.24 k ops/s, +97.1 % (2412 / 1224 - 1).
 * - baseline: both sides' baseline is the serial graph, 2412 us.
 * - speedup: A runs its own baseline, 1.00x; B 2412 / 1224 = 1.97x.
 * - bound: serial, host.dispatch's 0 + 2400 us of work + the last kernel's 12 us after
 *   it; pipelined, 24 us before device.stream starts + its 1200 us; both efficiencies
 *   100 % (`pipelab run` prints both bounds and efficiencies).
 * - units: host.dispatch does all 300 host steps, busy 2400 / 2412 = 99.50 %; the
 *   serial device.stream waits for a launch 24 - 12 = 12 us between kernels, 99 x 12 =
 *   1188 us of host bubbles. Pipelined: InferShape is the slowest host step, so Resize
 *   waits 10 - 8 = 2 us per op and Launch 10 - 6 = 4 us (data bubbles 198 us and 396 us),
 *   and the device never waits; utilizations 1000, 800, 600 and 1200 us over 1224 us.
 * - binding chain: serial, host.dispatch's 2400 us (99.5 %) and the last kernel's 12 us
 *   (0.5 %); pipelined, op 0's 10 + 8 + 6 us on the host (0.8, 0.7, 0.5 %) and then the
 *   device's 1200 us (98.0 %). The busiest unit moves from host.dispatch to the stream. */
static const char expected_serial_pipelined[] =
    "A: dispatch.mode=serial; scenario workloads/dispatch_teaching.yaml (\"dispatch teaching"
    " example\"), model dispatch, mode serial, baseline serial, seed 1\n"
    "B: scenario workloads/dispatch_teaching.yaml (\"dispatch teaching example\"), model"
    " dispatch, mode pipelined, baseline serial, seed 1\n"
    "\n"
    "                        A             B             B-A   change\n"
    "makespan         2.412 ms      1.224 ms       -1.188 ms  -49.3 %\n"
    "throughput  41.46 k ops/s  81.7 k ops/s  +40.24 k ops/s  +97.1 %\n"
    "baseline         2.412 ms      2.412 ms             0 s    0.0 %\n"
    "speedup             1.00x         1.97x          +0.97x  +97.1 %\n"
    "bound            2.412 ms      1.224 ms       -1.188 ms  -49.3 %\n"
    "efficiency        100.0 %       100.0 %          0.0 pp    0.0 %\n"
    "B is 1.97x faster than A: makespan 1.224 ms against 2.412 ms.\n"
    "\n"
    "units of the run (util: busy / makespan; chain: share of the binding chain):\n"
    "  unit            util A   util B        B-A  bubble A  bubble B        B-A  chain A  chain B"
    "       B-A\n"
    "  host.dispatch  99.50 %        -          -       0 s         -          -   99.5 %        -"
    "         -\n"
    "  device.stream  49.75 %  98.04 %  +48.29 pp  1.188 ms       0 s  -1.188 ms    0.5 %   98.0 %"
    "  +97.5 pp\n"
    "  host.infer           -  81.70 %          -         -       0 s          -        -    0.8 %"
    "         -\n"
    "  host.resize          -  65.36 %          -         -    198 us          -        -    0.7 %"
    "         -\n"
    "  host.launch          -  49.02 %          -         -    396 us          -        -    0.5 %"
    "         -\n"
    "\n"
    "binding chain:\n"
    "  host.dispatch, only in A, took 99.5 % of the binding chain.\n"
    "  device.stream's share of the binding chain rose from 0.5 % to 98.0 %.\n"
    "  The busiest unit moved from host.dispatch (busy 99.5 % of the makespan in A)\n"
    "  to device.stream (busy 98.0 % in B).\n"
    "\n"
    "bubble time by cause, where A and B differ:\n"
    "  unit           cause         A       B        B-A\n"
    "  device.stream  host   1.188 ms     0 s  -1.188 ms\n"
    "  host.resize    data          -  198 us          -\n"
    "  host.launch    data          -  396 us          -\n";

static void test_text_serial_pipelined(void **state)
{
    struct fixture *f = *state;
    pl_report ra = named(f->serial), rb = named(f->pipelined);
    pl_compare_side a = {&ra, "dispatch.mode=serial"}, b = {&rb, NULL};
    char *text = render(pl_compare_text, &a, &b);
    assert_string_equal(text, expected_serial_pipelined);
    free(text);
}

/* The same figures as the text, unrounded: tolerances are 1 ps for times (the engine's
 * times are exact to far better) and 1e-9 for ratios. */
static void test_json_serial_pipelined(void **state)
{
    struct fixture *f = *state;
    pl_report ra = named(f->serial), rb = named(f->pipelined);
    pl_compare_side a = {&ra, "dispatch.mode=serial"}, b = {&rb, NULL};
    json_t *doc = render_json(&a, &b);

    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "a"), "label")),
                        "dispatch.mode=serial");
    assert_true(json_is_null(json_object_get(json_object_get(doc, "b"), "label")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "a"), "mode")),
                        "serial");
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "b"), "mode")),
                        "pipelined");

    /* 2412 and 1224 us (worked out in the header); the change is 1224 / 2412 - 1. */
    pl_assert_near(real_at(doc, "summary", "makespan_s", "a"), 2412e-6, 1e-12);
    pl_assert_near(real_at(doc, "summary", "makespan_s", "b"), 1224e-6, 1e-12);
    pl_assert_near(real_at(doc, "summary", "makespan_s", "delta"), -1188e-6, 1e-12);
    pl_assert_near(real_at(doc, "summary", "makespan_s", "change"), 1224.0 / 2412 - 1, 1e-9);
    /* 100 ops over each makespan. */
    pl_assert_near(real_at(doc, "summary", "throughput_per_s", "delta"),
                   100 / 1224e-6 - 100 / 2412e-6, 1e-3);
    /* A's speedup over its own (identical) serial baseline is 1; B's 2412 / 1224. */
    pl_assert_near(real_at(doc, "summary", "speedup", "a"), 1.0, 1e-9);
    pl_assert_near(real_at(doc, "summary", "speedup", "delta"), 2412.0 / 1224 - 1, 1e-9);
    pl_assert_near(real_at(doc, "summary", "baseline_makespan_s", "delta"), 0.0, 0.0);
    pl_assert_near(real_at(doc, "summary", "bound_s", "delta"), -1188e-6, 1e-12);
    pl_assert_near(real_at(doc, "summary", "efficiency", "delta"), 0.0, 1e-9);
    assert_string_equal(json_string_value(json_object_get(doc, "faster")), "b");
    pl_assert_near(real_at(doc, "ratio", NULL, NULL), 2412.0 / 1224, 1e-9);

    /* device.stream: busy 1200 us of 2412 and of 1224; 1188 us of host bubbles in A,
     * none in B; on the binding chain 12 us in A, 1200 us in B. */
    size_t at;
    const json_t *dev = unit_named(doc, "device.stream", &at);
    assert_int_equal(at, 1); /* after A's host.dispatch, in A's order */
    assert_string_equal(json_string_value(json_object_get(dev, "in")), "both");
    pl_assert_near(real_at(dev, "utilization", "a", NULL), 1200.0 / 2412, 1e-9);
    pl_assert_near(real_at(dev, "utilization", "b", NULL), 1200.0 / 1224, 1e-9);
    pl_assert_near(real_at(dev, "utilization", "delta", NULL), 1200.0 / 1224 - 1200.0 / 2412, 1e-9);
    pl_assert_near(real_at(dev, "bubble_s", "delta", NULL), -1188e-6, 1e-12);
    pl_assert_near(real_at(dev, "causes", "host", "a"), 1188e-6, 1e-12);
    pl_assert_near(real_at(dev, "causes", "host", "delta"), -1188e-6, 1e-12);
    pl_assert_near(real_at(dev, "chain_share", "a", NULL), 12.0 / 2412, 1e-9);
    pl_assert_near(real_at(dev, "chain_share", "b", NULL), 1200.0 / 1224, 1e-9);

    /* host.dispatch is only in A: B's figures and the differences are null. */
    const json_t *disp = unit_named(doc, "host.dispatch", &at);
    assert_int_equal(at, 0);
    assert_string_equal(json_string_value(json_object_get(disp, "in")), "a");
    pl_assert_near(real_at(disp, "utilization", "a", NULL), 2400.0 / 2412, 1e-9);
    assert_true(json_is_null(json_object_get(json_object_get(disp, "utilization"), "b")));
    assert_true(json_is_null(json_object_get(json_object_get(disp, "utilization"), "delta")));
    const json_t *launch = unit_named(doc, "host.launch", &at);
    assert_int_equal(at, 4); /* B's units A lacks, in B's order: infer, resize, launch */
    pl_assert_near(real_at(launch, "causes", "data", "b"), 396e-6, 1e-12);

    /* The binding chain's moves, largest first: host.dispatch (99.5 % to none), then
     * device.stream (+97.5 points); the host steps of B move less than 1 point. */
    const json_t *moves = json_object_get(doc, "binding_chain");
    assert_int_equal(json_array_size(moves), 2);
    const json_t *m0 = json_array_get(moves, 0), *m1 = json_array_get(moves, 1);
    assert_string_equal(json_string_value(json_object_get(m0, "unit")), "host.dispatch");
    assert_true(json_is_null(json_object_get(m0, "b")));
    pl_assert_near(real_at(m0, "delta", NULL, NULL), -2400.0 / 2412, 1e-9);
    assert_string_equal(json_string_value(json_object_get(m1, "unit")), "device.stream");
    pl_assert_near(real_at(m1, "delta", NULL, NULL), 1200.0 / 1224 - 12.0 / 2412, 1e-9);

    /* The busiest unit (the issue-20 name for what the landed key called the bottleneck):
     * host.dispatch, busy 99.5 %, in A; device.stream, 98.0 %, in B. No "bottleneck" key:
     * a comparison searches no verdict. */
    const json_t *busiest = json_object_get(doc, "busiest");
    assert_string_equal(json_string_value(json_object_get(busiest, "a")), "host.dispatch");
    assert_string_equal(json_string_value(json_object_get(busiest, "b")), "device.stream");
    assert_true(json_is_true(json_object_get(busiest, "moved")));
    assert_null(json_object_get(doc, "bottleneck"));
    assert_null(json_object_get(doc, "critical_path"));
    assert_null(json_object_get(dev, "critical_share"));
    json_decref(doc);
}

/* ---- Units on one side only -------------------------------------------------------- */

/* Two Launch threads take the ops in turn: host.launch.0 and .1 replace host.launch.
 * Each does 50 launches of 6 us, busy 300 / 1224 = 24.51 %; a launch still waits for
 * InferShape's 10 us, so each thread idles 20 - 6 = 14 us between its ops: 49 x 14 =
 * 686 us of data bubbles. Launch.1 starts at 28 us (after op 1's 10 + 10 + 8 us) and
 * never sets the makespan (0.0 % of the binding chain), which is still op 0's host
 * steps and then the device, so the makespan stays 1224 us and no share moves. */
static const char expected_launch2[] =
    "A: scenario workloads/dispatch_teaching.yaml (\"dispatch teaching example\"), model"
    " dispatch, mode pipelined, baseline serial, seed 1\n"
    "B: launch=2; scenario workloads/dispatch_teaching.yaml (\"dispatch teaching example\"),"
    " model dispatch, mode pipelined, baseline serial, seed 1\n"
    "\n"
    "                       A             B      B-A  change\n"
    "makespan        1.224 ms      1.224 ms      0 s   0.0 %\n"
    "throughput  81.7 k ops/s  81.7 k ops/s  0 ops/s   0.0 %\n"
    "baseline        2.412 ms      2.412 ms      0 s   0.0 %\n"
    "speedup            1.97x         1.97x    0.00x   0.0 %\n"
    "bound           1.224 ms      1.224 ms      0 s   0.0 %\n"
    "efficiency       100.0 %       100.0 %   0.0 pp   0.0 %\n"
    "A and B take the same time: makespan 1.224 ms.\n"
    "\n"
    "units of the run (util: busy / makespan; chain: share of the binding chain):\n"
    "  unit            util A   util B      B-A  bubble A  bubble B  B-A  chain A"
    "  chain B     B-A\n"
    "  host.infer     81.70 %  81.70 %  0.00 pp       0 s       0 s  0 s    0.8 %"
    "    0.8 %  0.0 pp\n"
    "  host.resize    65.36 %  65.36 %  0.00 pp    198 us    198 us  0 s    0.7 %"
    "    0.7 %  0.0 pp\n"
    "  host.launch    49.02 %        -        -    396 us         -    -    0.5 %"
    "        -       -\n"
    "  device.stream  98.04 %  98.04 %  0.00 pp       0 s       0 s  0 s   98.0 %"
    "   98.0 %  0.0 pp\n"
    "  host.launch.0        -  24.51 %        -         -    686 us    -        -"
    "    0.5 %       -\n"
    "  host.launch.1        -  24.51 %        -         -    686 us    -        -"
    "    0.0 %       -\n"
    "\n"
    "binding chain:\n"
    "  No unit's share of the binding chain changed by more than 1 percentage\n"
    "  point.\n"
    "  The busiest unit stays device.stream: busy 98.0 % of the makespan in A and\n"
    "  98.0 % in B.\n"
    "\n"
    "bubble time by cause, where A and B differ:\n"
    "  unit           cause       A       B  B-A\n"
    "  host.launch    data   396 us       -    -\n"
    "  host.launch.0  data        -  686 us    -\n"
    "  host.launch.1  data        -  686 us    -\n";

static void test_text_one_side(void **state)
{
    struct fixture *f = *state;
    pl_report ra = named(f->pipelined), rb = named(f->launch2);
    pl_compare_side a = {&ra, "A"}, b = {&rb, "launch=2"};
    char *text = render(pl_compare_text, &a, &b);
    assert_string_equal(text, expected_launch2);
    free(text);
}

static void test_json_one_side(void **state)
{
    struct fixture *f = *state;
    pl_report ra = named(f->pipelined), rb = named(f->launch2);
    pl_compare_side a = {&ra, "A"}, b = {&rb, "launch=2"};
    json_t *doc = render_json(&a, &b);

    /* A's four units in A's order, then B's two new threads in B's order. */
    static const char *const names[] = {"host.infer",    "host.resize",   "host.launch",
                                        "device.stream", "host.launch.0", "host.launch.1"};
    static const char *const in[] = {"both", "both", "a", "both", "b", "b"};
    const json_t *units = json_object_get(doc, "units");
    assert_int_equal(json_array_size(units), 6);
    for (size_t i = 0; i < 6; i++) {
        const json_t *u = json_array_get(units, i);
        assert_string_equal(json_string_value(json_object_get(u, "name")), names[i]);
        assert_string_equal(json_string_value(json_object_get(u, "in")), in[i]);
    }
    size_t at;
    const json_t *l1 = unit_named(doc, "host.launch.1", &at);
    assert_true(json_is_null(json_object_get(json_object_get(l1, "utilization"), "a")));
    pl_assert_near(real_at(l1, "utilization", "b", NULL), 300.0 / 1224, 1e-9);
    pl_assert_near(real_at(l1, "bubble_s", "b", NULL), 686e-6, 1e-12);
    assert_true(json_is_null(json_object_get(json_object_get(l1, "bubble_s"), "delta")));
    /* A matched unit whose figures are the same on both sides: differences 0. */
    const json_t *resize = unit_named(doc, "host.resize", &at);
    pl_assert_near(real_at(resize, "bubble_s", "delta", NULL), 0.0, 0.0);
    pl_assert_near(real_at(resize, "causes", "data", "delta"), 0.0, 0.0);

    /* Equal makespans: no side is faster, the ratio is 1, no share moves. */
    assert_true(json_is_null(json_object_get(doc, "faster")));
    pl_assert_near(real_at(doc, "ratio", NULL, NULL), 1.0, 0.0);
    pl_assert_near(real_at(doc, "summary", "makespan_s", "delta"), 0.0, 0.0);
    assert_true(json_is_array(json_object_get(doc, "binding_chain")));
    assert_int_equal(json_array_size(json_object_get(doc, "binding_chain")), 0);
    assert_true(json_is_false(json_object_get(json_object_get(doc, "busiest"), "moved")));
    json_decref(doc);
}

/* ---- Direction and determinism ------------------------------------------------------ */

/* Swapping the sides turns "faster" into "slower" and negates every difference. */
static void test_swapped(void **state)
{
    struct fixture *f = *state;
    pl_report ra = named(f->pipelined), rb = named(f->serial);
    pl_compare_side a = {&ra, NULL}, b = {&rb, NULL};
    char *text = render(pl_compare_text, &a, &b);
    assert_true(pl_test_contains(text, "B is 1.97x slower than A: makespan 2.412 ms against"
                                       " 1.224 ms.\n"));
    assert_true(pl_test_contains(text, "device.stream's share of the binding chain fell from"
                                       " 98.0 % to 0.5 %.\n"));
    assert_true(pl_test_contains(text, "makespan        1.224 ms       2.412 ms       +1.188 ms"
                                       "  +97.1 %\n"));
    /* Same inputs, same bytes. */
    char *again = render(pl_compare_text, &a, &b);
    assert_string_equal(text, again);
    free(again);
    free(text);

    json_t *doc = render_json(&a, &b);
    assert_string_equal(json_string_value(json_object_get(doc, "faster")), "a");
    pl_assert_near(real_at(doc, "summary", "makespan_s", "delta"), 1188e-6, 1e-12);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_serial_pipelined),
        cmocka_unit_test(test_json_serial_pipelined),
        cmocka_unit_test(test_text_one_side),
        cmocka_unit_test(test_json_one_side),
        cmocka_unit_test(test_swapped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
