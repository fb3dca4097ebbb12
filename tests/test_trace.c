/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_trace.c — the Chrome trace of a three-stage line and of small graphs built to
 * check one property each: no overlap within a thread, one event per task, bubbles
 * named by cause, counters of waiting tasks, escaping of names.
 *
 * The line is the flow line of tests/line.h, which gives the sources: s = (2, 3, 1) us,
 * N = 5, no waiting places, makespan 2 + 3 + 1 + 4 x 3 = 18 us. Times are checked as
 * integer picoseconds parsed from the text, never through doubles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/measure/bound.h"
#include "sim/graph/graph.h"
#include "sim/measure/metrics.h"
#include "sim/report/report.h"
#include "line.h"
#include "trace_read.h"
#include "support.h"
#include "sim/report/trace.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITEMS 5

/* One simulated graph, and a report whose baseline is the run itself: the trace
 * shows only the run. */
struct sim {
    pl_test_sim s;
    pl_report r;
};

static void simulate(struct sim *s, pl_graph *g)
{
    pl_test_sim_run(&s->s, g);
    pl_run run = pl_test_sim_view(&s->s);
    s->r = (pl_report){.scenario = "line.yaml",
                       .model = "line",
                       .mode = "pipelined",
                       .baseline_mode = "pipelined",
                       .seed = 42,
                       .run = run,
                       .baseline = run,
                       .speedup = 1};
}

static void release(struct sim *s)
{
    pl_test_sim_free(&s->s);
}

static int setup(void **state)
{
    struct sim *s = calloc(1, sizeof *s);
    simulate(s, pl_test_line_pipelined(ITEMS));
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    release(*state);
    free(*state);
    return 0;
}

/* ---- Tests ------------------------------------------------------------------------ */

static void test_valid_json(void **state)
{
    struct sim *s = *state;
    char *text = pl_test_render(pl_trace_write, &s->r);
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    if (!doc)
        fail_msg("invalid JSON at line %d: %s", err.line, err.text);
    assert_string_equal(json_string_value(json_object_get(doc, "displayTimeUnit")), "ns");
    json_t *other = json_object_get(doc, "otherData");
    assert_int_equal(json_integer_value(json_object_get(other, "seed")), 42);
    assert_string_equal(json_string_value(json_object_get(other, "mode")), "pipelined");
    /* 2 + 3 + 1 + 4 x 3 = 18 us, printed with 15 digits */
    assert_true(json_real_value(json_object_get(other, "makespan_s")) == 18e-6);
    assert_true(json_array_size(json_object_get(doc, "traceEvents")) > 15);
    json_decref(doc);
    free(text);
}

/* Sorted by start, each event of a thread ends at or before the next one starts; one
 * event per task; one per counted bubble (3 slot waits + 4 data waits, see
 * test_report.c). */
static void test_no_overlap(void **state)
{
    struct sim *s = *state;
    char *text = pl_test_render(pl_trace_write, &s->r);
    pl_test_span sp[64];
    size_t tasks, bubbles, n = pl_test_trace_spans(text, sp, 64, &tasks, &bubbles);
    assert_int_equal(tasks, pl_graph_task_count(s->s.g));
    assert_int_equal(bubbles, 7);
    pl_test_trace_no_overlap(sp, n);
    free(text);
}

/* Back-to-back tasks whose times are not whole picoseconds (k/7 us) still never
 * overlap once printed: both ends go through the same rounding. */
static void test_no_overlap_rounded(void **state)
{
    (void)state;
    pl_graph *g = pl_graph_create("sevenths");
    uint32_t dev, unit, label, t;
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &dev), 0);
    assert_int_equal(pl_graph_add_unit(g, "device.stream", dev, &unit), 0);
    assert_int_equal(pl_graph_add_label(g, "op", &label), 0);
    for (uint32_t k = 0; k < 50; k++)
        assert_int_equal(pl_graph_add_task(g, unit, (k + 1) * 1e-6 / 7, label, k, &t), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    struct sim s;
    simulate(&s, g);
    char *text = pl_test_render(pl_trace_write, &s.r);
    pl_test_span sp[64];
    size_t tasks, bubbles, n = pl_test_trace_spans(text, sp, 64, &tasks, &bubbles);
    assert_int_equal(tasks, 50);
    assert_int_equal(bubbles, 0);
    for (size_t i = 0; i + 1 < n; i++)
        assert_true(sp[i].ts + sp[i].dur <= sp[i + 1].ts);
    /* the last ends at 1 + 2 + ... + 50 = 1275 sevenths of a us = 182.142857 us */
    assert_int_equal(sp[n - 1].ts + sp[n - 1].dur, 182142857);
    free(text);
    release(&s);
}

/* Task events name their op and item and say what released them; bubbles their cause. */
static void test_task_and_bubble_events(void **state)
{
    struct sim *s = *state;
    char *text = pl_test_render(pl_trace_write, &s->r);
    /* prep #2 waits for compute #1 to start at 5 us (slot); post #0 for compute #0 to end
     * at 5 us (data); prep #1 follows prep #0 at 2 us; compute #0 waits for its launch. */
    assert_true(
        pl_test_contains(text, "{\"name\":\"prep #2\",\"cat\":\"task\",\"ph\":\"B\","
                               "\"pid\":1,\"tid\":1,\"ts\":5,\"args\":{\"op\":"
                               "\"prep\",\"item\":2,\"work_us\":2,\"released_by\":"
                               "\"slot\"}},\n{\"name\":\"prep #2\",\"cat\":\"task\",\"ph\":\"E\","
                               "\"pid\":1,\"tid\":1,\"ts\":7,\"args\":{\"op\":\"prep\",\"item\":2,"
                               "\"work_us\":2,\"released_by\":\"slot\"}}"));
    assert_true(pl_test_contains(text, "\"name\":\"post #0\",\"cat\":\"task\",\"ph\":\"B\","
                                       "\"pid\":1,\"tid\":3,\"ts\":5,"));
    assert_true(pl_test_contains(text, "\"item\":0,\"work_us\":1,\"released_by\":\"data\""));
    assert_true(pl_test_contains(text, "\"item\":1,\"work_us\":2,\"released_by\":\"unit order\""));
    assert_true(pl_test_contains(text, "\"item\":0,\"work_us\":2,\"released_by\":\"none\""));
    assert_true(pl_test_contains(text, "\"item\":0,\"work_us\":3,\"released_by\":\"issue\""));
    char slot[512], data[256];
    snprintf(slot, sizeof slot,
             "{\"name\":\"bubble: %s\",\"cat\":\"bubble\",\"ph\":\"B\",\"pid\":1,\"tid\":1,"
             "\"ts\":4,\"args\":{\"cause\":\"%s\"}},\n{\"name\":\"bubble: %s\",\"cat\":\"bubble\","
             "\"ph\":\"E\",\"pid\":1,\"tid\":1,\"ts\":5,\"args\":{\"cause\":\"%s\"}}",
             pl_edge_cause_name(PL_EDGE_SLOT), pl_edge_cause_help(PL_EDGE_SLOT),
             pl_edge_cause_name(PL_EDGE_SLOT), pl_edge_cause_help(PL_EDGE_SLOT));
    snprintf(data, sizeof data, "{\"name\":\"bubble: %s\",\"cat\":\"bubble\"",
             pl_edge_cause_name(PL_EDGE_DATA));
    assert_true(pl_test_contains(text, slot));
    assert_true(pl_test_contains(text, data));
    /* threads are named and keep graph order */
    assert_true(pl_test_contains(text, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":2,"
                                       "\"tid\":2,\"args\":{\"name\":\"device.stream\"}}"));
    assert_true(pl_test_contains(text, "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":2,"
                                       "\"tid\":2,\"args\":{\"sort_index\":1}}"));
    free(text);
}

/* Counter samples are never negative, and come in time order per counter. */
static void test_counters_in_order(void **state)
{
    struct sim *s = *state;
    char *text = pl_test_render(pl_trace_write, &s->r);
    char *save = NULL, last_name[64] = "";
    int64_t last_ts = -1;
    int samples = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (!strstr(line, "\"ph\":\"C\""))
            continue;
        const char *name = pl_test_trace_after(line, "\"name\":\"");
        size_t len = strcspn(name, "\"");
        if (strlen(last_name) != len || strncmp(last_name, name, len) != 0)
            last_ts = -1;
        snprintf(last_name, sizeof last_name, "%.*s", (int)len, name);
        int64_t ts = pl_test_trace_ps(line, "\"ts\":");
        assert_true(ts > last_ts);
        last_ts = ts;
        assert_true(pl_test_trace_int(line, "\"tasks\":") >= 0);
        samples++;
    }
    assert_true(samples >= 3); /* at least the time-0 sample of each unit */
    free(text);
}

/* Three 1 us tasks without edges on one unit are all ready at 0 and start at 0, 1 and
 * 2 us: 2, 1, then 0 wait. A task on a second unit waiting for the last of them is ready
 * when it starts (3 us): its counter stays at 0, sampled once. */
static void test_counter_values(void **state)
{
    (void)state;
    pl_graph *g = pl_graph_create("waiting");
    uint32_t dev, a, b, label, t[3], last;
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &dev), 0);
    assert_int_equal(pl_graph_add_unit(g, "device.a", dev, &a), 0);
    assert_int_equal(pl_graph_add_unit(g, "device.b", dev, &b), 0);
    assert_int_equal(pl_graph_add_label(g, "op", &label), 0);
    for (uint32_t k = 0; k < 3; k++)
        assert_int_equal(pl_graph_add_task(g, a, 1e-6, label, k, &t[k]), 0);
    assert_int_equal(pl_graph_add_task(g, b, 1e-6, label, 3, &last), 0);
    assert_int_equal(pl_graph_add_edge(g, t[2], last, PL_EDGE_DATA, PL_AT_END), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    struct sim s;
    simulate(&s, g);
    char *text = pl_test_render(pl_trace_write, &s.r);
    static const char *const want[] = {
        "{\"name\":\"waiting device.a\",\"ph\":\"C\",\"pid\":1,\"ts\":0,\"args\":{\"tasks\":2}}",
        "{\"name\":\"waiting device.a\",\"ph\":\"C\",\"pid\":1,\"ts\":1,\"args\":{\"tasks\":1}}",
        "{\"name\":\"waiting device.a\",\"ph\":\"C\",\"pid\":1,\"ts\":2,\"args\":{\"tasks\":0}}",
        "{\"name\":\"waiting device.b\",\"ph\":\"C\",\"pid\":1,\"ts\":0,\"args\":{\"tasks\":0}}",
    };
    const char *from = text;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *at = strstr(from, want[i]);
        if (!at)
            fail_msg("missing, or out of order: %s", want[i]);
        from = at + strlen(want[i]);
    }
    assert_int_equal(strstr(text, "\"name\":\"waiting device.b\",\"ph\":\"C\",\"pid\":1,\"ts\":3"),
                     NULL);
    free(text);
    release(&s);
}

/* Names with quotes, backslashes, control characters and non-ASCII text come back
 * intact through a JSON parser; bytes that are not UTF-8 become U+FFFD. */
static void test_escaping(void **state)
{
    (void)state;
    static const char odd[] = "say \"hi\"\\\n\t\xc2\xb5s";
    pl_graph *g = pl_graph_create("odd");
    uint32_t dev, unit, label, bad, t;
    assert_int_equal(pl_graph_add_place(g, "dev\"ice", PL_PLACE_DEVICE, 1, &dev), 0);
    assert_int_equal(pl_graph_add_unit(g, "device.\x01x", dev, &unit), 0);
    assert_int_equal(pl_graph_add_label(g, odd, &label), 0);
    assert_int_equal(pl_graph_add_label(g, "bad\xff", &bad), 0);
    assert_int_equal(pl_graph_add_task(g, unit, 1e-6, label, 0, &t), 0);
    assert_int_equal(pl_graph_add_task(g, unit, 1e-6, bad, 1, &t), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    struct sim s;
    simulate(&s, g);
    char *text = pl_test_render(pl_trace_write, &s.r);
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    if (!doc)
        fail_msg("invalid JSON at line %d: %s", err.line, err.text);
    json_t *events = json_object_get(doc, "traceEvents");
    int found = 0;
    for (size_t i = 0; i < json_array_size(events); i++) {
        json_t *e = json_array_get(events, i);
        const char *op = json_string_value(json_object_get(json_object_get(e, "args"), "op"));
        if (op && strcmp(op, odd) == 0)
            found |= 1;
        if (op && strcmp(op, "bad\xef\xbf\xbd") == 0)
            found |= 2;
        const char *name = json_string_value(json_object_get(json_object_get(e, "args"), "name"));
        if (name && strcmp(name, "device.\x01x") == 0)
            found |= 4;
    }
    assert_int_equal(found, 7);
    json_decref(doc);
    free(text);
    release(&s);
}

/* The trace of one device unit running a task of `seconds` then one of 1 us, parsed back
 * (integers too large for jansson's integers as reals). Each line of the trace is checked
 * to be JSON too: a negative or broken number would not be. */
static json_t *long_trace(double seconds)
{
    pl_graph *g = pl_graph_create("long");
    uint32_t dev, unit, label, t;
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &dev), 0);
    assert_int_equal(pl_graph_add_unit(g, "device.stream", dev, &unit), 0);
    assert_int_equal(pl_graph_add_label(g, "op", &label), 0);
    assert_int_equal(pl_graph_add_task(g, unit, seconds, label, 0, &t), 0);
    assert_int_equal(pl_graph_add_task(g, unit, 1e-6, label, 1, &t), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    struct sim s;
    simulate(&s, g);
    char *text = pl_test_render(pl_trace_write, &s.r);
    json_error_t err;
    json_t *doc = json_loads(text, JSON_DECODE_INT_AS_REAL, &err);
    if (!doc)
        fail_msg("invalid JSON at line %d: %s", err.line, err.text);
    assert_null(strstr(text, "-"));
    free(text);
    release(&s);
    return doc;
}

/* A JSON number as a double, whether written as an integer or not. */
static double number(json_t *event, const char *key)
{
    json_t *v = json_object_get(event, key);
    if (!v)
        v = json_object_get(json_object_get(event, "args"), key);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

/* Times past int64 picoseconds (9.2e6 s) used to wrap around into negative and broken
 * numbers ("work_us":-9223372036854.-775808). Expected: the task of `seconds` s is
 * `seconds` x 1e6 us long, the second starts there and lasts 1 us, each as exact as a
 * double holds it (within a relative 1e-15; 1e7 s = 1e13 us and 1e13 + 1 us are exact). */
static void test_long_times(void **state)
{
    (void)state;
    const double lengths[] = {1e7, 9.3e6, 1e12, 3.7e15, 1e300};
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        double us = lengths[k] * 1e6, tol = lengths[k] == 1e7 ? 0 : us * 1e-15;
        json_t *doc = long_trace(lengths[k]);
        json_t *events = json_object_get(doc, "traceEvents");
        int tasks = 0;
        for (size_t i = 0; i < json_array_size(events); i++) {
            json_t *e = json_array_get(events, i);
            const char *cat = json_string_value(json_object_get(e, "cat"));
            const char *ph = json_string_value(json_object_get(e, "ph"));
            if (!cat || strcmp(cat, "task") != 0 || strcmp(ph, "B") != 0)
                continue;
            double item = number(e, "item");
            pl_assert_near(number(e, "ts"), item ? us : 0, tol);
            /* Its E event follows it: the second ends at the double nearest seconds +
             * 1e-6, up to a 2^-52 part. */
            json_t *end = json_array_get(events, i + 1);
            assert_string_equal(json_string_value(json_object_get(end, "ph")), "E");
            pl_assert_near(number(end, "ts"), item ? us + 1 : us, item ? us * 1e-15 : tol);
            pl_assert_near(number(e, "work_us"), item ? 1 : us, item ? 0 : tol);
            tasks++;
        }
        assert_int_equal(tasks, 2);
        json_decref(doc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_json),         cmocka_unit_test(test_no_overlap),
        cmocka_unit_test(test_no_overlap_rounded), cmocka_unit_test(test_task_and_bubble_events),
        cmocka_unit_test(test_counters_in_order),  cmocka_unit_test(test_counter_values),
        cmocka_unit_test(test_escaping),           cmocka_unit_test(test_long_times),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
