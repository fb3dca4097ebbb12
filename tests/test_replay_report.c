/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_replay_report.c — the replay section of the text and JSON reports
 * (sim/report/replay.h): a replay's steps measured beside simulated, the device's busy
 * time and its idle time by cause, and nothing (JSON null) for a report that is not a
 * replay's.
 *
 * The report is the three-stage line of tests/line.h with a replay and its result set
 * by hand below (no model fills them here), so every number printed is one written in
 * this file: times with 4 significant digits (pl_units_format), errors
 * (simulated - measured) / measured as signed percentages with one decimal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/measure/replay.h"
#include "sim/report/report.h"
#include "line.h"
#include "support.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MS 1e-3

static int setup(void **state)
{
    *state = pl_test_line_simulate(5, 42);
    return 0;
}

static int teardown(void **state)
{
    pl_test_line_free(*state);
    return 0;
}

/* Fails, showing the report, unless text contains want. */
static void expect_in(const char *text, const char *want)
{
    if (!pl_test_contains(text, want)) {
        fprintf(stderr, "expected\n%s\nin\n%s", want, text);
        fail();
    }
}

/* A report of the line with a replay of three steps: one 0.5 % short, one without a
 * measured time, one 3 % long. */
typedef struct three {
    pl_replay p;
    double simulated[3];
    pl_replay_result res;
    pl_report r;
} three;

static void three_steps(three *t, const pl_test_line *f)
{
    pl_replay *p = &t->p;
    *p = (pl_replay){0};
    assert_int_equal(pl_replay_set_source(p, "a100_training_steps.json.gz"), 0);
    assert_int_equal(pl_replay_add_step(p, "ProfilerStep#1009", 75.473 * MS, 0, 1, true), 0);
    assert_int_equal(pl_replay_add_step(p, "ProfilerStep#1010", NAN, 1, 2, true), 0);
    assert_int_equal(pl_replay_add_step(p, "ProfilerStep#1011", 70 * MS, 2, 3, true), 0);
    p->device_busy = 200 * MS;
    t->simulated[0] = 75.1 * MS;
    t->simulated[1] = 80 * MS;
    t->simulated[2] = 72.1 * MS;
    t->res = (pl_replay_result){.simulated = t->simulated, .device_busy = 199.99 * MS};
    t->res.device_idle[PL_IDLE_HOST] = 12.3 * MS;
    t->res.device_idle[PL_IDLE_SYNC] = 3.1 * MS;
    t->res.device_idle[PL_IDLE_STREAM] = 0.2 * MS;
    t->r = f->r;
    t->r.replay = p;
    t->r.replay_result = &t->res;
}

/* (75.1 - 75.473) / 75.473 = -0.494 %, -0.5 % to one decimal; (72.1 - 70) / 70 = +3.0 %;
 * device busy (199.99 - 200) / 200 = -0.005 %, which rounds to 0.0 % and prints without a
 * sign; 199.99 ms is 200 ms to 4 digits. The idle line is wrapped at 78 columns. The
 * section comes after the summary, before the unit tables. */
static const char expected_section[] =
    "engine         simgrid: as asked (engine: simgrid)\n"
    "\n"
    "replay of a100_training_steps.json.gz (3 steps):\n"
    "  step               measured  simulated   error\n"
    "  ProfilerStep#1009  75.47 ms    75.1 ms  -0.5 %\n"
    "  ProfilerStep#1010       n/a      80 ms     n/a\n"
    "  ProfilerStep#1011     70 ms    72.1 ms  +3.0 %\n"
    "  device busy          200 ms     200 ms   0.0 %\n"
    "  device idle: 12.3 ms starved by host, 3.1 ms waiting for a sync, 200 us\n"
    "  waiting on another stream, 0 s other\n"
    "\n"
    "pipelined      tasks";

static void test_text_section(void **state)
{
    three t;
    three_steps(&t, *state);
    char *text = pl_test_render(pl_report_text, &t.r);
    expect_in(text, expected_section);
    free(text);
    pl_replay_fini(&t.p);
}

/* Not a replay: no section at all, the summary runs into the unit table. */
static void test_text_not_a_replay(void **state)
{
    pl_test_line *f = *state;
    char *text = pl_test_render(pl_report_text, &f->r);
    assert_false(pl_test_contains(text, "replay"));
    assert_true(pl_test_contains(text, "engine         simgrid: as asked (engine: simgrid)\n"
                                       "\n"
                                       "pipelined      tasks"));
    free(text);
}

/* Fourteen steps: twelve rows, then one line for the last two. Step k (from 0) measured
 * 10 ms and simulated 10 ms, but the last two: 10.25 ms (+2.5 %) and 9.8 ms (-2.0 %), so
 * the largest error of the two left out is 2.5 %; with the last one not measured, 2.5 %
 * is the largest of those measured. */
static void test_text_many_steps(void **state)
{
    pl_test_line *f = *state;
    pl_replay p = {0};
    double simulated[14];
    for (int k = 0; k < 14; k++) {
        char name[32];
        snprintf(name, sizeof name, "ProfilerStep#%d", 100 + k);
        assert_int_equal(pl_replay_add_step(&p, name, 10 * MS, (uint64_t)k, (uint64_t)k + 1, true),
                         0);
        simulated[k] = 10 * MS;
    }
    simulated[12] = 10.25 * MS;
    simulated[13] = 9.8 * MS;
    p.device_busy = NAN;
    pl_replay_result res = {.simulated = simulated, .device_busy = 100 * MS};
    pl_report r = f->r;
    r.replay = &p;
    r.replay_result = &res;
    char *text = pl_test_render(pl_report_text, &r);
    /* No source: "-", as the header writes a scenario without a file. */
    expect_in(text, "replay of - (14 steps):\n");
    expect_in(text, "  ProfilerStep#111     10 ms      10 ms  0.0 %\n"
                    "  ... 2 more steps, all within 2.5 %\n"
                    "  device busy            n/a     100 ms    n/a\n");
    assert_false(pl_test_contains(text, "ProfilerStep#112"));
    free(text);
    p.steps[13].measured = NAN;
    text = pl_test_render(pl_report_text, &r);
    expect_in(text, "  ... 2 more steps, those measured within 2.5 %\n");
    free(text);
    p.steps[12].measured = NAN;
    text = pl_test_render(pl_report_text, &r);
    expect_in(text, "  ... 2 more steps, none measured\n");
    free(text);
    pl_replay_fini(&p);
}

/* The JSON report of r, parsed. */
static json_t *render_json(const pl_report *r)
{
    char *text = pl_test_render(pl_report_json, r);
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    free(text);
    if (!doc)
        fail_msg("the JSON report does not parse: line %d: %s", err.line, err.text);
    return doc;
}

static double number(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_number(v))
        fail_msg("%s is not a number", key);
    return json_number_value(v);
}

/* The keys of an object, in order, against a NULL-terminated list. */
static void assert_keys(json_t *o, const char *const *keys)
{
    void *it = json_object_iter(o);
    for (size_t i = 0; keys[i]; i++, it = json_object_iter_next(o, it)) {
        assert_non_null(it);
        assert_string_equal(json_object_iter_key(it), keys[i]);
    }
    assert_null(it);
}

/* The numbers of three_steps as written (JSON reals have 15 significant digits). */
static void test_json(void **state)
{
    three t;
    three_steps(&t, *state);
    json_t *doc = render_json(&t.r);
    json_t *o = json_object_get(doc, "replay");
    static const char *const keys[] = {"source", "steps", "device_busy", "device_idle", NULL};
    assert_keys(o, keys);
    assert_string_equal(json_string_value(json_object_get(o, "source")),
                        "a100_training_steps.json.gz");
    json_t *steps = json_object_get(o, "steps");
    assert_int_equal(json_array_size(steps), 3);
    static const char *const step_keys[] = {"name", "measured_s", "simulated_s", "error", NULL};
    json_t *s0 = json_array_get(steps, 0), *s1 = json_array_get(steps, 1),
           *s2 = json_array_get(steps, 2);
    assert_keys(s0, step_keys);
    assert_string_equal(json_string_value(json_object_get(s0, "name")), "ProfilerStep#1009");
    pl_assert_near(number(s0, "measured_s"), 0.075473, 1e-17);
    pl_assert_near(number(s0, "simulated_s"), 0.0751, 1e-17);
    /* (0.0751 - 0.075473) / 0.075473 = -0.00494216..., to 15 digits */
    pl_assert_near(number(s0, "error"), (0.0751 - 0.075473) / 0.075473, 1e-15);
    /* not measured: null, and so is its error */
    assert_true(json_is_null(json_object_get(s1, "measured_s")));
    pl_assert_near(number(s1, "simulated_s"), 0.08, 1e-17);
    assert_true(json_is_null(json_object_get(s1, "error")));
    pl_assert_near(number(s2, "error"), 2.1 / 70, 1e-15); /* (72.1 - 70) / 70 */
    json_t *busy = json_object_get(o, "device_busy");
    static const char *const busy_keys[] = {"measured_s", "simulated_s", "error", NULL};
    assert_keys(busy, busy_keys);
    pl_assert_near(number(busy, "measured_s"), 0.2, 1e-17);
    pl_assert_near(number(busy, "simulated_s"), 0.19999, 1e-17);
    pl_assert_near(number(busy, "error"), -0.00005, 1e-15); /* -0.01 ms / 200 ms */
    json_t *idle = json_object_get(o, "device_idle");
    static const char *const idle_keys[] = {"host", "sync", "stream", "other", NULL};
    assert_keys(idle, idle_keys);
    pl_assert_near(number(idle, "host"), 0.0123, 1e-17);
    pl_assert_near(number(idle, "sync"), 0.0031, 1e-17);
    pl_assert_near(number(idle, "stream"), 0.0002, 1e-17);
    assert_true(number(idle, "other") == 0);
    json_decref(doc);
    pl_replay_fini(&t.p);
}

/* Not a replay: "replay": null, right after "analysis". */
static void test_json_not_a_replay(void **state)
{
    pl_test_line *f = *state;
    json_t *doc = render_json(&f->r);
    void *it = json_object_iter_at(doc, "analysis");
    it = json_object_iter_next(doc, it);
    assert_string_equal(json_object_iter_key(it), "replay");
    assert_true(json_is_null(json_object_iter_value(it)));
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_section),      cmocka_unit_test(test_text_not_a_replay),
        cmocka_unit_test(test_text_many_steps),   cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_not_a_replay),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
