/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_intervals.c — the interval list (intervals.csv): every unit's timeline as
 * tasks, fill, bubbles and drain, for the run and its baseline.
 *
 * The invariant checked on three workloads: a unit's rows tile [0, makespan] in
 * order, and add up, kind by kind and cause by cause, to what the metrics say of
 * that unit. Exact rows are checked on the dispatch teaching example, whose
 * numbers are worked out, with their sources, in the comment of
 * workloads/dispatch_teaching.yaml, and on hand-made graphs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/common/csv.h"
#include "sim/graph/graph.h"
#include "line.h"
#include "sim/measure/metrics.h"
#include "sim/report/report.h"
#include "sim/study/session.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "run,unit,task,start_s,end_s,kind,cause,item\n"

/* ---- Reading the CSV back ------------------------------------------------------- */

#define NFIELDS 8

/* One row, its text fields unquoted into its own storage. */
typedef struct row {
    char *field[NFIELDS]; /* run, unit, task, start_s, end_s, kind, cause, item */
    double start, end;
} row;

typedef struct table {
    row *rows;
    size_t n;
} table;

/* The end of the RFC 4180 field at s: past its closing quote, or at its separator. Fails
 * the test on a malformed field. */
static const char *field_end(const char *s)
{
    if (*s != '"') {
        while (*s && *s != ',' && *s != '\n') {
            if (*s == '"' || *s == '\r')
                fail_msg("unquoted field holds a quote or CR");
            s++;
        }
        return s;
    }
    for (s++;; s++) {
        if (*s == '\0')
            fail_msg("unterminated quoted field");
        if (*s == '"' && s[1] != '"')
            return s + 1;
        if (*s == '"')
            s++;
    }
}

/* Reads one RFC 4180 field at *p into a malloc'd string and moves *p to its
 * separator. Fails the test on a malformed field. The string has room for the field's
 * own characters, not for the rest of the text (which made reading a table quadratic). */
static char *read_field(const char **p)
{
    const char *s = *p, *e = field_end(s);
    size_t n = 0;
    char *out = malloc((size_t)(e - s) + 1);
    assert_non_null(out);
    if (*s == '"') {
        for (s++; s + 1 < e; s++) {
            if (*s == '"')
                s++; /* "" is one quote */
            out[n++] = *s;
        }
    } else {
        memcpy(out, s, (size_t)(e - s));
        n = (size_t)(e - s);
    }
    out[n] = '\0';
    if (*e != ',' && *e != '\n')
        fail_msg("field not followed by a comma or LF");
    *p = e;
    return out;
}

/* Parses the rows after the header; every row must have exactly NFIELDS fields. */
static table parse(const char *csv)
{
    assert_true(strncmp(csv, HEADER, strlen(HEADER)) == 0);
    table t = {0};
    size_t cap = 0;
    for (const char *p = csv + strlen(HEADER); *p; p++) {
        if (t.n == cap) {
            cap = cap ? 2 * cap : 1024;
            t.rows = realloc(t.rows, cap * sizeof *t.rows);
            assert_non_null(t.rows);
        }
        row *r = &t.rows[t.n++];
        for (int f = 0; f < NFIELDS; f++) {
            r->field[f] = read_field(&p);
            if (f + 1 < NFIELDS && *p++ != ',')
                fail_msg("row %zu has %d fields, expected %d", t.n, f + 1, NFIELDS);
        }
        assert_int_equal(*p, '\n');
        r->start = strtod(r->field[3], NULL);
        r->end = strtod(r->field[4], NULL);
    }
    return t;
}

static void table_free(table *t)
{
    for (size_t i = 0; i < t->n; i++)
        for (int f = 0; f < NFIELDS; f++)
            free(t->rows[i].field[f]);
    free(t->rows);
}

static int is(const row *r, const char *kind)
{
    return strcmp(r->field[5], kind) == 0;
}

/* ---- The invariant ---------------------------------------------------------------- */

/* What one unit's rows add up to. */
typedef struct sums {
    double busy, fill, bubble, drain, cause[PL_EDGE_KIND_COUNT], largest;
    uint64_t tasks, bubbles;
    const char *fill_cause; /* "" when there is no fill row or it has no cause */
} sums;

static int cause_index(const char *name)
{
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        if (strcmp(name, pl_edge_cause_name((pl_edge_kind)k)) == 0)
            return k;
    fail_msg("unknown cause '%s'", name);
    return -1;
}

/* Consumes the rows of one unit from *at, checking that they follow each other without
 * overlap from 0 to the makespan: gaps are allowed only where an idle interval at or below
 * the noise threshold was left out. */
static sums unit_sums(const table *t, size_t *at, const char *mode, const char *unit,
                      double makespan)
{
    sums s = {.fill_cause = ""};
    double eps = pl_metrics_noise(makespan), clock = 0;
    for (; *at < t->n; ++*at) {
        const row *r = &t->rows[*at];
        if (strcmp(r->field[0], mode) || strcmp(r->field[1], unit))
            break;
        double len = r->end - r->start;
        if (!(r->start >= clock && r->start - clock <= eps && len >= 0))
            fail_msg("%s %s: row %zu [%.17g, %.17g] does not follow %.17g", mode, unit, *at,
                     r->start, r->end, clock);
        clock = r->end;
        if (is(r, "task")) {
            s.busy += len;
            s.tasks++;
            assert_string_equal(r->field[6], "");
            assert_true(r->field[7][0] != '\0'); /* its item */
        } else if (is(r, "waking")) {
            /* Waking threads after a task: busy time, as the metrics count it. */
            s.busy += len;
        } else if (is(r, "fill")) {
            s.fill += len;
            s.fill_cause = r->field[6];
        } else if (is(r, "bubble")) {
            s.bubble += len;
            s.bubbles++;
            s.largest = len > s.largest ? len : s.largest;
            if (r->field[6][0])
                s.cause[cause_index(r->field[6])] += len;
        } else if (is(r, "drain")) {
            s.drain += len;
            assert_string_equal(r->field[2], "");
            assert_string_equal(r->field[6], "");
            assert_string_equal(r->field[7], "");
        } else {
            fail_msg("unknown kind '%s'", r->field[5]);
        }
    }
    assert_true(makespan - clock <= eps);
    return s;
}

/* The sums equal the metrics within 1e-12 of the makespan. The rows are the metrics' own
 * differences of the timeline's doubles, printed with 17 digits and read back exactly,
 * so only the idle intervals left out as rounding could tell them apart: the workloads
 * here have none (every gap is 0 or above the noise threshold), and a hand-made graph
 * that had one would differ by at most 1e-9 of the makespan per interval. Counts are
 * exact. */
static void check_unit(const sums *s, const pl_unit_metrics *um, double makespan)
{
    double tol = 1e-12 * makespan;
    assert_int_equal(s->tasks, um->tasks);
    assert_int_equal(s->bubbles, um->bubbles);
    pl_assert_near(s->busy, um->busy, tol);
    pl_assert_near(s->fill, um->fill, tol);
    pl_assert_near(s->bubble, um->bubble, tol);
    pl_assert_near(s->drain, um->drain, tol);
    pl_assert_near(s->largest, um->largest_bubble, tol);
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        pl_assert_near(s->cause[k], um->cause[k], tol);
    if (s->fill_cause[0])
        assert_int_equal(cause_index(s->fill_cause), um->fill_cause);
}

/* Checks one graph's rows from *at, unit by unit in graph order. */
static void check_run(const table *t, size_t *at, const char *mode, const pl_run *run)
{
    for (uint32_t u = 0; u < run->m->nunits; u++) {
        sums s = unit_sums(t, at, mode, pl_graph_unit_name(run->graph, u), run->m->makespan);
        check_unit(&s, &run->m->units[u], run->m->makespan);
    }
}

/* The whole file: the run's rows, then the baseline's when it is another graph, and
 * nothing else. */
static void check_report(const pl_report *r, const table *t)
{
    size_t at = 0;
    check_run(t, &at, r->mode, &r->run);
    if (r->baseline.graph != r->run.graph)
        check_run(t, &at, r->baseline_mode, &r->baseline);
    assert_int_equal(at, t->n);
}

/* ---- Workloads ------------------------------------------------------------------- */

/* The workload simulated without advice (which does not change the timelines). */
static pl_session *simulate(const char *rel)
{
    pl_session *s = NULL;
    pl_diag d;
    pl_diag_init(&d);
    int rc = pl_session_open(pl_test_src(rel), NULL, 0, &s, &d);
    if (rc == 0) {
        pl_session_skip_advice(s);
        rc = pl_session_run(s, &d);
    }
    if (rc != 0)
        fail_msg("%s: %s", rel, d.msg);
    return s;
}

static void check_workload(const char *rel)
{
    pl_session *s = simulate(rel);
    const pl_report *r = pl_session_report(s);
    char *csv = pl_test_render(pl_report_intervals, r);
    table t = parse(csv);
    check_report(r, &t);
    table_free(&t);
    free(csv);
    pl_session_destroy(s);
}

static void dispatch_teaching_sums(void **state)
{
    (void)state;
    check_workload("workloads/dispatch_teaching.yaml");
}

static void stream_teaching_sums(void **state)
{
    (void)state;
    check_workload("workloads/stream_teaching.yaml");
}

/* Threads that sleep while they wait, woken at a cost: waking rows, busy time. */
static void stream_sleeping_sums(void **state)
{
    (void)state;
    check_workload("workloads/stream_sleeping.yaml");
}

static void tile_buffering_sums(void **state)
{
    (void)state;
    check_workload("workloads/tile_buffering.yaml");
}

/* The rows of one unit of one graph, in order, into out (at most max); returns how many. */
static size_t rows_of(const table *t, const char *mode, const char *unit, const row **out,
                      size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->rows[i].field[0], mode) && !strcmp(t->rows[i].field[1], unit)) {
            assert_true(n < max);
            out[n++] = &t->rows[i];
        }
    return n;
}

/* The teaching example, as the text report prints it: the serial device.stream waits 24 us
 * for the first op's three host steps (fill, ended by its launch: cause host), then runs 100
 * kernels of 12 us with a 12 us bubble before each later one, also ended by a launch:
 * 99 bubbles, 1.188 ms, all `host`; the makespan 2.412 ms is its last kernel's end, so
 * no drain. The pipelined device.stream waits 24 us (10 + 8 + 6) and then runs its
 * kernels back to back to 1.224 ms. Tolerance 1e-15 s: the engine's rounding of sums of
 * microseconds. */
static void dispatch_teaching_rows(void **state)
{
    (void)state;
    pl_session *s = simulate("workloads/dispatch_teaching.yaml");
    char *csv = pl_test_render(pl_report_intervals, pl_session_report(s));
    table t = parse(csv);
    static const row *dev[400];
    size_t n = rows_of(&t, "serial", "device.stream", dev, 400);
    assert_int_equal(n, 1 + 100 + 99);
    assert_string_equal(dev[0]->field[2], "op");
    assert_string_equal(dev[0]->field[5], "fill");
    assert_string_equal(dev[0]->field[6], "host");
    pl_assert_near(dev[0]->start, 0, 0);
    pl_assert_near(dev[0]->end, 24e-6, 1e-15);
    pl_assert_near(dev[1]->start, 24e-6, 1e-15);
    for (size_t i = 1; i < n; i++) {
        const row *r = dev[i];
        assert_string_equal(r->field[2], "op");
        assert_string_equal(r->field[5], i % 2 ? "task" : "bubble");
        assert_string_equal(r->field[6], i % 2 ? "" : "host");
        pl_assert_near(r->end - r->start, 12e-6, 1e-15);
    }
    pl_assert_near(dev[n - 1]->end, 2412e-6, 1e-15);
    /* The serial host thread ends 12 us before the last kernel: a drain, without task. */
    n = rows_of(&t, "serial", "host.dispatch", dev, 400);
    assert_int_equal(n, 301);
    assert_string_equal(dev[n - 1]->field[5], "drain");
    pl_assert_near(dev[n - 1]->end - dev[n - 1]->start, 12e-6, 1e-15);
    n = rows_of(&t, "pipelined", "device.stream", dev, 400);
    assert_int_equal(n, 101);
    assert_string_equal(dev[0]->field[5], "fill");
    pl_assert_near(dev[0]->end, 24e-6, 1e-15);
    pl_assert_near(dev[n - 1]->end, 1224e-6, 1e-15);
    table_free(&t);
    free(csv);
    pl_session_destroy(s);
}

/* ---- Hand-made graphs ------------------------------------------------------------ */

/* The line of line.h, worked by hand there: host.prep runs 0-2, 2-4, 5-7, 8-10, 11-13 us,
 * waiting 1 us for a slot before items 2-4, then drains to 18 us; host.post starts at
 * 5 us (fill, ended by data) and waits 2 us for data before each later item. */
static void line_rows(void **state)
{
    (void)state;
    pl_test_line *l = pl_test_line_simulate(5, 42);
    char *csv = pl_test_render(pl_report_intervals, &l->r);
    table t = parse(csv);
    check_report(&l->r, &t);
    const row *prep[16] = {NULL};
    size_t n = rows_of(&t, "pipelined", "host.prep", prep, 16);
    assert_int_equal(n, 5 + 3 + 1);
    static const char *const kinds[] = {"task", "task",   "bubble", "task", "bubble",
                                        "task", "bubble", "task",   "drain"};
    static const double starts_us[] = {0, 2, 4, 5, 7, 8, 10, 11, 13};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(prep[i]->field[5], kinds[i]);
        assert_string_equal(prep[i]->field[6], is(prep[i], "bubble") ? "slot" : "");
        pl_assert_near(prep[i]->start, starts_us[i] * 1e-6, 1e-15);
    }
    n = rows_of(&t, "pipelined", "host.post", prep, 16);
    assert_int_equal(n, 1 + 5 + 4);
    assert_string_equal(prep[0]->field[5], "fill");
    assert_string_equal(prep[0]->field[6], "data");
    pl_assert_near(prep[0]->end, 5e-6, 1e-15);
    table_free(&t);
    free(csv);
    pl_test_line_free(l);
}

/* A unit and a label that need quoting, a unit without tasks (idle from 0 to the
 * makespan: one fill row, no task, no cause), and a report whose baseline is its run:
 * its rows are written once. */
static void quoting_and_empty_units(void **state)
{
    (void)state;
    pl_graph *g = pl_graph_create("odd");
    uint32_t dev, label, u, idle, task;
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &dev), 0);
    assert_int_equal(pl_graph_add_unit(g, "dev,\"a\"", dev, &u), 0);
    assert_int_equal(pl_graph_add_unit(g, "dev.idle", dev, &idle), 0);
    assert_int_equal(pl_graph_add_label(g, "k,1", &label), 0);
    assert_int_equal(pl_graph_add_task(g, u, 3e-6, label, 0, &task), 0);
    assert_int_equal(pl_graph_add_task(g, u, 0, label, 1, &task), 0);
    assert_int_equal(pl_graph_set_items(g, 2, "items"), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    pl_test_sim sim;
    pl_test_sim_run(&sim, g);
    pl_report r = {.scenario = "odd.yaml",
                   .model = "hand",
                   .mode = "odd",
                   .baseline_mode = "odd",
                   .run = pl_test_sim_view(&sim),
                   .baseline = pl_test_sim_view(&sim),
                   .speedup = 1};
    char *csv = pl_test_render(pl_report_intervals, &r);
    /* 3 us is written 3e-06, the shortest text of the double the engine computed (0 + 3e-6);
     * a task of no time is written; each task row names its item, the fill of a unit
     * without tasks none. */
    assert_string_equal(csv, HEADER "odd,\"dev,\"\"a\"\"\",\"k,1\",0,3e-06,task,,0\n"
                                    "odd,\"dev,\"\"a\"\"\",\"k,1\",3e-06,3e-06,task,,1\n"
                                    "odd,dev.idle,,0,3e-06,fill,,\n");
    table t = parse(csv);
    check_report(&r, &t);
    table_free(&t);
    free(csv);
    pl_test_sim_free(&sim);
}

/* pl_csv_put_real keeps the last value it wrote and its text, since a row of intervals
 * starts where the one before ended: a value written again must come out as the first
 * time, and 0 and -0, equal as doubles, each as its own text (pl_csv_real's: "0", "-0"). */
static void reals_written_again(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    const double xs[] = {0.1, 0.1, 0.0, -0.0, -0.0, 0.0, 3e-6, 0.1 + 0.2, 0.30000000000000004};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        pl_csv_put_real(out, xs[i]);
    assert_int_equal(fclose(out), 0);
    assert_string_equal(text, ",0.1,0.1,0,-0,-0,0,3e-06,0.30000000000000004,0.30000000000000004");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dispatch_teaching_sums),  cmocka_unit_test(stream_teaching_sums),
        cmocka_unit_test(stream_sleeping_sums),    cmocka_unit_test(tile_buffering_sums),
        cmocka_unit_test(dispatch_teaching_rows),  cmocka_unit_test(line_rows),
        cmocka_unit_test(quoting_and_empty_units), cmocka_unit_test(reals_written_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
