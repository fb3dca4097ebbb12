/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_report.c — the text, JSON and CSV reports of a three-stage line and its
 * serial baseline, simulated once for all tests.
 *
 * The line is the flow line of tests/line.h, which gives the sources: s = (2, 3, 1) us,
 * N = 5 and no waiting places (b = 0, 0), makespan 2 + 3 + 1 + 4 x 3 = 18 us. Expected
 * numbers are worked out by hand, in the comments next to them, from the start and leave
 * times of its stations blocking after service (Dallery and Gershwin, Queueing Systems
 * 12, 1992): S_i(k) = max(D_{i-1}(k), D_i(k-1)), D_i(k) = max(S_i(k) + s_i, D_{i+1}(k-1)).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/measure/bound.h"
#include "sim/report/gantt.h"
#include "sim/graph/graph.h"
#include "sim/measure/metrics.h"
#include "sim/report/report.h"
#include "sim/report/table.h"
#include "line.h"
#include "support.h"
#include "sim/report/trace.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITEMS 5

/* The line of line.h and its serial baseline, and the report over them, named. */
static int setup(void **state)
{
    pl_test_line *f = pl_test_line_simulate(ITEMS, 42);
    f->r.name = "three stages";
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    pl_test_line_free(*state);
    return 0;
}

/* ---- Rendering into memory ----------------------------------------------------- */

static int gantt_100(const pl_report *r, FILE *out, pl_diag *d)
{
    return pl_gantt_draw(r, out, 100, true, d);
}

typedef int (*renderer)(const pl_report *, FILE *, pl_diag *);

/* The same graph pair with three equal host threads on two cores instead: each runs at
 * 2/3 speed (equal sharing), so its 3 tasks of 10 us take 45 us, 15 us of which is
 * contention; the host's work over its cores (90 us / 2) is the bound. The baseline
 * runs the nine tasks on one thread: 90 us. */
static pl_graph *sharing_graph(int threads)
{
    pl_graph *g = pl_graph_create(threads > 1 ? "threads" : "one thread");
    uint32_t host, label, u[3], t;
    assert_int_equal(pl_graph_add_place(g, "host", PL_PLACE_HOST, 2, &host), 0);
    assert_int_equal(pl_graph_add_label(g, "op", &label), 0);
    for (int i = 0; i < threads; i++) {
        char name[32];
        snprintf(name, sizeof name, "host.worker.%d", i);
        assert_int_equal(pl_graph_add_unit(g, name, host, &u[i]), 0);
    }
    for (uint32_t k = 0; k < 9; k++)
        assert_int_equal(pl_graph_add_task(g, u[k % (uint32_t)threads], 10e-6, label, k, &t), 0);
    assert_int_equal(pl_graph_set_items(g, 9, "ops"), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}

/* ---- The text report ------------------------------------------------------------ */

/* Every number below is from the recurrence in the header, worked by hand:
 * host.prep runs 0-2, 2-4, 5-7, 8-10, 11-13 us (slot waits of 1 us for device.stream to
 * take the previous item), device.stream 2-5, 5-8, ..., 14-17, host.post 5-6, 8-9, ...,
 * 17-18. Serial: host.dispatch prep 6k..6k+2, post 6k+5..6k+6; device 6k+2..6k+5.
 * Phases: the last unit to start is host.post (5 us), the first to finish host.prep
 * (13 us); items 0-2 complete in between, at 6, 9 and 12 us. Latency: item k enters when
 * host.prep starts it (0, 2, 5, 8, 11) and leaves when host.post ends it (6, 9, 12, 15,
 * 18): 6, 7, 7, 7, 7 us, mean 6.8, median and 99th percentile 7. */
static const char expected_text[] =
    "scenario line.yaml (\"three stages\"): model line, mode pipelined, seed 42\n"
    "makespan       18 us\n"
    "throughput     277.8 k items/s (one every 3.6 us)\n"
    "baseline       serial, makespan 30 us\n"
    "speedup        1.67x over serial\n"
    "bound          18 us = 2 us before device.stream starts + 15 us of its work + 1 us after it\n"
    "efficiency     100.0 % (bound / makespan)\n"
    "configured     18 us, set by the longest chain through every edge, the configuration's too\n"
    "efficiency     100.0 % of the configured bound\n"
    "critical path  6 us (the longest chain of dependent work)\n"
    "phases         5 us warm-up, 8 us steady (3 items, one every 3 us), 5 us drain\n"
    "latency        mean 6.8 us, p50 7 us, p99 7 us, max 7 us (first start to in-order exit)\n"
    "engine         simgrid: as asked (engine: simgrid)\n"
    "\n"
    "pipelined      tasks   busy     util  fill  bubbles  bubble  largest  drain  data  slot\n"
    "host.prep          5  10 us  55.56 %   0 s        3    3 us     1 us   5 us   0 s  3 us\n"
    "device.stream      5  15 us  83.33 %  2 us        0     0 s      0 s   1 us   0 s   0 s\n"
    "host.post          5   5 us  27.78 %  5 us        4    8 us     2 us    0 s  8 us   0 s\n"
    "\n"
    "serial (baseline)  tasks   busy     util  fill  bubbles  bubble  largest  drain   host   sync\n"
    "host.dispatch         10  15 us  50.00 %   0 s        5   15 us     3 us    0 s    0 s  15 us\n"
    "device.stream          5  15 us  50.00 %  2 us        4   12 us     3 us   1 us  12 us    0 s\n"
    "\n"
    "binding chain by unit (the tasks that set the makespan; share of it):\n"
    "  device.stream  15 us  83.3 %\n"
    "  host.prep       2 us  11.1 %\n"
    "  host.post       1 us   5.6 %\n"
    "\n"
    "where the time went:\n"
    "  device.stream is the bottleneck: 10 % less work on device.stream takes the\n"
    "  makespan from 18 us to 16.5 us (-8.3 %), more than any other change tried.\n"
    "  Simulated 2 of the 4 changes tried (the bounds show that 2 more cannot do\n"
    "  better): 10 % less work on device.stream: -8.3 %; 10 % less work on every\n"
    "  task of the critical path: -2.8 %.\n"
    "  The run is at its bound (100.0 %): nothing speeds it up without less work on\n"
    "  device.stream, or less work on what must come before it (2 us) or after it\n"
    "  (1 us).\n"
    "  device.stream idles 3 us (16.7 % of the makespan): 2 us fill, 1 us drain, no\n"
    "  bubbles.\n"
    "  Slot bubbles (back-pressure: no free queue or buffer slot) hold host.prep\n"
    "  for 3 us (16.7 % of the makespan).\n";

static void test_text_line(void **state)
{
    pl_test_line *f = *state;
    char *text = pl_test_render(pl_report_text, &f->r);
    assert_string_equal(text, expected_text);
    free(text);
}

/* Contention shows as a `shared` column and a sentence, the bound as the host's cores. */
static void test_text_sharing(void **state)
{
    (void)state;
    pl_test_sim sim[2];
    pl_test_sim_run(&sim[0], sharing_graph(3));
    pl_test_sim_run(&sim[1], sharing_graph(1));
    pl_report r = {.scenario = "share.yaml",
                   .model = "stream",
                   .mode = "threads",
                   .baseline_mode = "one thread",
                   .seed = 7,
                   .random = true,
                   .run = pl_test_sim_view(&sim[0]),
                   .baseline = pl_test_sim_view(&sim[1]),
                   .speedup = sim[1].m.makespan / sim[0].m.makespan};
    char *text = pl_test_render(pl_report_text, &r);
    /* Equal sharing: 45 us per thread, 15 us of it contention (see sharing_graph). */
    assert_true(pl_test_contains(text, "scenario share.yaml: model stream, mode threads, seed 7, "
                                       "durations drawn at random\n"));
    assert_true(pl_test_contains(text, "bound          45 us = 0 s before host starts + 45 us of "
                                       "its threads' work over 2 cores + 0 s after it\n"));
    assert_true(pl_test_contains(text, "threads        tasks   busy      util  fill  bubbles  "
                                       "bubble  largest  drain  shared\n"));
    assert_true(pl_test_contains(text, "host.worker.0      3  45 us  100.00 %   0 s        0     "
                                       "0 s      0 s    0 s   15 us\n"));
    /* the baseline's one thread shares nothing: no column */
    assert_true(pl_test_contains(text, "one thread (baseline)  tasks   busy      util  fill  "
                                       "bubbles  bubble  largest  drain\n"));
    assert_true(pl_test_contains(
        text,
        "  Threads sharing host cores slow down host.worker.0 by 15 "
        "us (33.3 % of its\n  busy time), host.worker.1 by 15 us "
        "(33.3 % of its busy time) and\n  host.worker.2 by 15 us (33.3 % of its busy time).\n"));
    assert_true(pl_test_contains(text, "speedup        2.00x over one thread\n"));
    free(text);
    for (int i = 0; i < 2; i++)
        pl_test_sim_free(&sim[i]);
}

/* ---- JSON ----------------------------------------------------------------------- */

static json_t *load(const char *text)
{
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    if (!doc)
        fail_msg("invalid JSON at line %d: %s", err.line, err.text);
    return doc;
}

static double number(json_t *o, const char *path)
{
    json_t *v = json_object_get(o, path);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

/* The keys of the document, in the documented order. */
static void test_json_key_order(void **state)
{
    pl_test_line *f = *state;
    static const char *const keys[] = {"pipelab",
                                       "scenario",
                                       "name",
                                       "model",
                                       "mode",
                                       "seed",
                                       "random",
                                       "items",
                                       "item_noun",
                                       "makespan_s",
                                       "predicted_makespan_s",
                                       "throughput_per_s",
                                       "speedup",
                                       "bound",
                                       "phases",
                                       "latency",
                                       "stages",
                                       "binding_chain",
                                       "places",
                                       "units",
                                       "analysis",
                                       "replay",
                                       "verdict",
                                       "engine",
                                       "baseline"};
    char *text = pl_test_render(pl_report_json, &f->r);
    json_t *doc = load(text);
    void *it = json_object_iter(doc);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++, it = json_object_iter_next(doc, it))
        assert_string_equal(json_object_iter_key(it), keys[i]);
    assert_null(it);
    json_decref(doc);
    free(text);
}

/* Values are printed with 15 significant digits, which absorbs the engine's rounding
 * (1e-20 s here): the numbers below come back exactly. */
static void test_json_line(void **state)
{
    pl_test_line *f = *state;
    char *text = pl_test_render(pl_report_json, &f->r);
    json_t *doc = load(text);
    assert_string_equal(json_string_value(json_object_get(doc, "model")), "line");
    assert_int_equal(json_integer_value(json_object_get(doc, "seed")), 42);
    assert_true(json_is_false(json_object_get(doc, "random")));
    assert_true(number(doc, "makespan_s") == 18e-6); /* 2 + 3 + 1 + 4 x 3 */
    /* 5 items in 18 us, to the 15 digits printed */
    pl_assert_near(number(doc, "throughput_per_s"), 5 / 18e-6, 1e-14 * 5 / 18e-6);
    /* 30 us serial / 18 us, to the 15 digits printed */
    pl_assert_near(number(doc, "speedup"), 30.0 / 18.0, 1e-14);
    json_t *bound = json_object_get(doc, "bound");
    /* The resource bound (no slot edges): 2 us before device.stream + 5 x 3 us + 1 us. */
    assert_true(number(bound, "makespan_s") == 18e-6);
    assert_string_equal(json_string_value(json_object_get(bound, "kind")), "unit");
    assert_string_equal(json_string_value(json_object_get(bound, "binds")), "device.stream");
    /* One item's chain 2 + 3 + 1 us. */
    assert_true(number(bound, "critical_path_s") == 6e-6);
    /* With its slot edges, the flow line's own makespan (see the top of this file). */
    assert_true(number(json_object_get(bound, "configured"), "makespan_s") == 18e-6);
    /* device.stream 10 % faster: 2 + 2.7 + 1 + 4 x 2.7 = 16.5 us (the flow line). */
    json_t *best = json_object_get(json_object_get(doc, "verdict"), "bottleneck");
    assert_string_equal(json_string_value(json_object_get(best, "kind")), "unit");
    assert_string_equal(json_string_value(json_object_get(best, "name")), "device.stream");
    pl_assert_near(number(best, "gain_s"), 1.5e-6, 1e-15);
    json_t *units = json_object_get(doc, "units");
    assert_int_equal(json_array_size(units), 3);
    /* busy = 5 x (2, 3, 1) us; bubbles: 3 slot waits of 1 us, none, 4 data waits of 2 us */
    static const double busy[] = {10e-6, 15e-6, 5e-6}, fill[] = {0, 2e-6, 5e-6},
                        drain[] = {5e-6, 1e-6, 0}, bubble[] = {3e-6, 0, 8e-6},
                        largest[] = {1e-6, 0, 2e-6};
    static const int bubbles[] = {3, 0, 4};
    for (size_t i = 0; i < 3; i++) {
        json_t *u = json_array_get(units, i);
        assert_true(number(u, "busy_s") == busy[i]);
        assert_true(number(u, "fill_s") == fill[i]);
        assert_true(number(u, "drain_s") == drain[i]);
        assert_true(number(u, "bubble_s") == bubble[i]);
        assert_true(number(u, "largest_bubble_s") == largest[i]);
        assert_int_equal(json_integer_value(json_object_get(u, "bubbles")), bubbles[i]);
        pl_assert_near(number(u, "utilization"), busy[i] / 18e-6, 1e-14);
        json_t *causes = json_object_get(u, "causes");
        assert_int_equal(json_object_size(causes), PL_EDGE_KIND_COUNT);
        for (int k = 0; k < PL_EDGE_KIND_COUNT; k++) {
            double want = i == 0 && k == PL_EDGE_SLOT   ? 3e-6
                          : i == 2 && k == PL_EDGE_DATA ? 8e-6
                                                        : 0;
            assert_true(number(causes, pl_edge_cause_name((pl_edge_kind)k)) == want);
        }
    }
    /* Phases as in expected_text: host.post starts at 5 us, host.prep ends at 13 us. */
    json_t *phases = json_object_get(doc, "phases");
    assert_true(number(phases, "warmup_s") == 5e-6);
    assert_true(number(phases, "steady_s") == 8e-6);
    assert_true(number(phases, "drain_s") == 5e-6);
    assert_int_equal(json_integer_value(json_object_get(phases, "steady_items")), 3);
    assert_true(number(phases, "steady_period_s") == 3e-6);
    /* The host: prep covers 0-4, 5-7, 8-10, 11-13 us; post adds 14-15 and 17-18 and
     * overlaps prep at 5-6, 8-9 and 11-12 us. The device is busy 15 us. */
    json_t *places = json_object_get(doc, "places");
    assert_int_equal(json_array_size(places), 2);
    json_t *host = json_array_get(places, 0), *device = json_array_get(places, 1);
    assert_int_equal(json_integer_value(json_object_get(host, "units")), 2);
    assert_true(number(host, "active_s") == 12e-6);
    assert_true(number(host, "overlap_s") == 3e-6);
    assert_true(number(host, "idle_s") == 6e-6);
    assert_true(number(device, "active_s") == 15e-6);
    assert_true(number(device, "overlap_s") == 0);
    json_t *base = json_object_get(doc, "baseline");
    assert_string_equal(json_string_value(json_object_get(base, "mode")), "serial");
    assert_true(number(base, "makespan_s") == 30e-6); /* 5 x (2 + 3 + 1) us */
    json_t *bb = json_object_get(base, "bound");
    /* device.stream: 2 us before it can start + 15 us of work + 1 us of post after it */
    assert_string_equal(json_string_value(json_object_get(bb, "binds")), "device.stream");
    assert_true(number(bb, "makespan_s") == 18e-6);
    json_t *dev = json_array_get(json_object_get(base, "units"), 1);
    assert_true(number(json_object_get(dev, "causes"), "host") == 12e-6); /* 4 waits of 3 us */
    json_decref(doc);
    free(text);
}

/* No name is null, a random run says so. */
static void test_json_null_name(void **state)
{
    pl_test_line *f = *state;
    pl_report r = f->r;
    r.name = NULL;
    r.random = true;
    char *text = pl_test_render(pl_report_json, &r);
    json_t *doc = load(text);
    assert_true(json_is_null(json_object_get(doc, "name")));
    assert_true(json_is_true(json_object_get(doc, "random")));
    json_decref(doc);
    free(text);
}

/* ---- CSV ------------------------------------------------------------------------ */

/* Splits a CSV line without quoted fields into at most max fields, in place. */
static int split(char *line, char **fields, int max)
{
    int n = 0;
    for (char *p = line; n < max; p++) {
        fields[n++] = p;
        p += strcspn(p, ",");
        if (*p == '\0')
            break;
        *p = '\0';
    }
    return n;
}

static void test_csv_line(void **state)
{
    pl_test_line *f = *state;
    char *text = pl_test_render(pl_report_csv, &f->r);
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    assert_string_equal(line, "scenario,seed,run,makespan_s,throughput,speedup,unit,place,tasks,"
                              "busy_s,work_s,contention_s,utilization,fill_s,bubble_s,drain_s,"
                              "bubbles,largest_bubble_s,binding_s,cause_data_s,cause_host_s,"
                              "cause_slot_s,cause_sync_s,cause_barrier_s,cause_order_s,"
                              "cause_stream_s");
    static const char *const units[] = {"host.prep", "device.stream", "host.post", "host.dispatch",
                                        "device.stream"};
    int rows = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *field[32];
        assert_int_equal(split(line, field, 32), 19 + PL_EDGE_KIND_COUNT);
        int base = rows >= 3;
        const pl_unit_metrics *um = &f->s[base].m.units[base ? rows - 3 : rows];
        /* The run-level columns: each row's run, its makespan and its speedup over the
         * baseline (1 for the baseline's own rows). */
        assert_string_equal(field[0], f->r.scenario);
        assert_string_equal(field[2], base ? "serial" : "pipelined");
        assert_true(strtod(field[3], NULL) == f->s[base].m.makespan);
        assert_true(strtod(field[5], NULL) == (base ? 1 : f->r.speedup));
        assert_string_equal(field[6], units[rows]);
        /* The shortest exact form gives back the very doubles of the metrics */
        assert_true(strtod(field[9], NULL) == um->busy);
        assert_true(strtod(field[18], NULL) == um->binding);
        /* busy + fill + bubble + drain = makespan (metrics.h), to rounding */
        double sum = strtod(field[9], NULL) + strtod(field[13], NULL) + strtod(field[14], NULL) +
                     strtod(field[15], NULL);
        pl_assert_near(sum, f->s[base].m.makespan, 1e-12 * f->s[base].m.makespan);
        rows++;
    }
    assert_int_equal(rows, 5);
    free(text);
}

/* A field holding a comma or a quote is quoted, its quotes doubled (RFC 4180). */
static void test_csv_quoting(void **state)
{
    pl_test_line *f = *state;
    pl_report r = f->r;
    r.mode = "pipe,\"lined\"";
    char *text = pl_test_render(pl_report_csv, &r);
    assert_true(pl_test_contains(text, ",\"pipe,\"\"lined\"\"\","));
    free(text);
}

/* ---- Every renderer ------------------------------------------------------------- */

/* Same report, same bytes: no clock, no addresses, no hash order in any output. */
static void test_same_twice(void **state)
{
    pl_test_line *f = *state;
    renderer fns[] = {pl_report_text, pl_report_json, pl_report_csv, pl_trace_write, gantt_100};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        char *a = pl_test_render(fns[i], &f->r), *b = pl_test_render(fns[i], &f->r);
        assert_true(strlen(a) > 100);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
}

/* A stream that cannot be written makes every renderer return PL_EIO with a message. */
static void test_write_failure(void **state)
{
    pl_test_line *f = *state;
    renderer fns[] = {pl_report_text, pl_report_json, pl_report_csv, pl_trace_write, gantt_100};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        FILE *out = fopen("/dev/null", "r");
        assert_non_null(out);
        pl_diag d;
        pl_diag_init(&d);
        assert_int_equal(fns[i](&f->r, out, &d), PL_EIO);
        assert_int_equal(d.code, PL_EIO);
        assert_true(pl_test_contains(d.msg, "cannot write the "));
        fclose(out);
    }
}

/* A table wider than the fold width prints its columns in blocks that fit beside the first
 * column, which each block repeats; every cell is still there, and no line passes the
 * width unless one column alone does. Widths count characters ("±" is one). */
static void test_table_folds(void **state)
{
    (void)state;
    pl_table *t = pl_table_create(4);
    const char *cells[] = {"unit", "alpha", "beta ± 1", "gamma", "host.a", "1", "22", "333",
                           "dev", "4444", "5", "6"};
    for (size_t i = 0; i < 12; i++)
        pl_table_addf(t, "%s", cells[i]);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(pl_table_print_folded(t, f, "", 22), 0);
    fclose(f);
    /* "host.a" (6) + 2 + "alpha" (5) + 2 + "beta ± 1" (8) = 23 > 22: one column a block. */
    assert_string_equal(text, "unit    alpha\nhost.a      1\ndev      4444\n\n"
                              "unit    beta ± 1\nhost.a        22\ndev            5\n\n"
                              "unit    gamma\nhost.a    333\ndev         6\n");
    free(text);
    /* Without folding, one block as before. */
    f = open_memstream(&text, &len);
    assert_int_equal(pl_table_print(t, f, ""), 0);
    fclose(f);
    assert_string_equal(text, "unit    alpha  beta ± 1  gamma\nhost.a      1        22    333\n"
                              "dev      4444         5      6\n");
    free(text);
    pl_table_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_line),      cmocka_unit_test(test_text_sharing),
        cmocka_unit_test(test_json_key_order), cmocka_unit_test(test_json_line),
        cmocka_unit_test(test_json_null_name), cmocka_unit_test(test_csv_line),
        cmocka_unit_test(test_csv_quoting),    cmocka_unit_test(test_same_twice),
        cmocka_unit_test(test_write_failure),  cmocka_unit_test(test_table_folds),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
