/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_gantt.c — the ASCII Gantt chart of a three-stage line and its serial
 * baseline: item numbers for a handful of items, a summary that fits the width for
 * ten thousand, and the width taken from the environment.
 *
 * The line is the flow line of tests/line.h, which gives the sources: s = (2, 3, 1) us
 * and no waiting places, makespan 2 + 3 + 1 + (N - 1) x 3 = 2 + 3 N + 1 us, worked out
 * from the sum of the stage times plus (N - 1) times the slowest (18 us for N = 5); the
 * baseline runs an item at a time, 6 N us.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/measure/bound.h"
#include "sim/report/gantt.h"
#include "sim/common/text.h"
#include "sim/graph/graph.h"
#include "sim/measure/metrics.h"
#include "sim/report/report.h"
#include "line.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *draw_scaled(const pl_report *r, int width, bool shared)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_gantt_draw(r, out, width, shared, &d), 0);
    assert_int_equal(fclose(out), 0);
    return text;
}

/* Both charts on the longer one's scale (--gantt-shared-scale). */
static char *draw(const pl_report *r, int width)
{
    return draw_scaled(r, width, true);
}

/* Counts the lines of text and checks that none is wider than width. */
static int lines_within(const char *text, int width)
{
    int lines = 0;
    for (const char *p = text; *p; lines++) {
        size_t len = strcspn(p, "\n");
        if ((int)len > width)
            fail_msg("line %d is %zu wide: %.*s", lines + 1, len, (int)len, p);
        p += len + (p[len] == '\n');
    }
    return lines;
}

/* ---- Tests ---------------------------------------------------------------------- */

/* At 100 columns the 30 us of the baseline take 84 columns of 0.357 us; every task is
 * at least 2.8 columns wide, so rows show item numbers. Checked against the start and
 * end times worked out in test_report.c: host.prep waits 1 us for a free slot before
 * items 2, 3 and 4 ("s"), host.post 2 us for data before items 1-4 ("d"); in the
 * baseline the device starves for 3 us between items ("h") while the host thread waits
 * for it ("y", sync: the second letter of "sync", since "s" is taken by slot). */
static const char expected_chart[] =
    "pipelined: makespan 18 us\n"
    "host.prep     |00000011111sss222222ss333333sss44444...............                      "
    "           |\n"
    "device.stream |......000000001111111122222222233333333444444444...                      "
    "           |\n"
    "host.post     |..............000ddddd111dddddd222ddddd333dddddd444                      "
    "           |\n"
    "              +----------------------------+---------------------------+----------------"
    "-----------+\n"
    "              0 s                          10 us                       20 us            "
    "       30 us\n"
    "\n"
    "serial: makespan 30 us\n"
    "host.dispatch |000000yyyyyyyy00011111yyyyyyyyy11122222yyyyyyyyy22333333yyyyyyyy333444444"
    "yyyyyyyy444|\n"
    "device.stream |......00000000hhhhhhhh111111111hhhhhhhh222222222hhhhhhhh33333333hhhhhhhhh"
    "44444444...|\n"
    "              +----------------------------+---------------------------+----------------"
    "-----------+\n"
    "              0 s                          10 us                       20 us            "
    "       30 us\n"
    "\n"
    "legend: 0-9 busy on an item (last digit of its number); d bubble, waiting for data from "
    "an earlier\n"
    "        stage; h bubble, starved by host: waiting for a launch; s bubble, back-pressure: "
    "no free\n"
    "        queue or buffer slot; y bubble, waiting for the device to finish (host-device "
    "sync); . fill\n"
    "        or drain (idle before the first or after the last task)\n";

static void test_five_items(void **state)
{
    (void)state;
    pl_test_line *f = pl_test_line_simulate(5, 1);
    char *chart = draw(&f->r, 100);
    assert_string_equal(chart, expected_chart);
    assert_int_equal(lines_within(chart, 100), 17);
    free(chart);
    pl_test_line_free(f);
}

/* Each on its own scale (the default): the 18 us run now takes all 84 columns, 0.214 us
 * each, its axis ending at its own makespan; the baseline is drawn as before. */
static void test_own_scale(void **state)
{
    (void)state;
    pl_test_line *f = pl_test_line_simulate(5, 1);
    char *chart = draw_scaled(&f->r, 100, false);
    const char *run = strstr(chart, "host.post     |");
    const char *axis = strstr(chart, "\n              0 s");
    assert_non_null(run);
    assert_non_null(axis);
    /* The run's last task (item 4 of host.post) ends at 18 us: the last column. */
    assert_int_equal(run[strlen("host.post     |") + 83], '4');
    assert_true(strncmp(axis + 1, "              0 s", 17) == 0);
    assert_true(pl_test_contains(chart, "18 us\n\nserial: makespan 30 us"));
    /* The baseline's part is the shared chart's. */
    char *shared = draw(&f->r, 100);
    assert_string_equal(strstr(chart, "serial: makespan"), strstr(shared, "serial: makespan"));
    free(shared);
    free(chart);
    pl_test_line_free(f);
}

/* 10 000 items at 100 columns: 60 ms of baseline over 84 columns, 0.71 ms (about 120
 * serial items) per column, so every row is summarised by how busy each column is, and a
 * column idle more than half of its time shows the cause of most of that idle time. The
 * chart has a fixed number of lines whatever the count: the run's title, 3 rows and 2 axis
 * lines, a blank, the baseline's title, 2 rows and 2 axis lines, a blank, and 2 lines of
 * legend (#, =, d and .): 15. */
static void test_ten_thousand_items(void **state)
{
    (void)state;
    pl_test_line *f = pl_test_line_simulate(10000, 1);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char *chart = draw(&f->r, 100);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    assert_true(took < 0.5); /* linear in tasks + columns: 2 ms here, 0.1 s under valgrind */
    assert_int_equal(lines_within(chart, 100), 15);
    /* makespans: 2 + 3 x 10000 + 1 us and 6 x 10000 us */
    assert_true(pl_test_contains(chart, "pipelined: makespan 30 ms\n"));
    assert_true(pl_test_contains(chart, "serial: makespan 60 ms\n"));
    /* device.stream is busy 3 us of every 3 us in the run, half the time in the baseline;
     * host.post 1 us in 3, waiting 2 us in 3 for data from device.stream */
    assert_true(pl_test_contains(chart, "\ndevice.stream |"
                                        "##########################################="));
    assert_true(pl_test_contains(chart, "\nhost.post     |"
                                        "ddddddddddddddddddddddddddddddddddddddddddd"));
    assert_true(pl_test_contains(chart, "\ndevice.stream |"
                                        "========================================"));
    free(chart);
    pl_test_line_free(f);
}

/* At the narrowest width every line fits, and a name longer than a third of the width
 * keeps its end, where pools number their threads. */
static void test_narrow(void **state)
{
    (void)state;
    pl_test_line *f = pl_test_line_simulate(5, 1);
    char *chart = draw(&f->r, 10);
    /* 10 is taken as 40: 13 columns of label, 24 of time; the legend wraps to 13 lines */
    assert_int_equal(lines_within(chart, 40), 6 + 1 + 5 + 1 + 13);
    assert_true(pl_test_contains(chart, "\ndevice.stream |..001122233444.         |\n"));
    free(chart);
    pl_test_line_free(f);

    pl_graph *g = pl_graph_create("long");
    uint32_t dev, unit, label, t;
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &dev), 0);
    assert_int_equal(pl_graph_add_unit(g, "device.launch.pool.thread.12", dev, &unit), 0);
    assert_int_equal(pl_graph_add_label(g, "op", &label), 0);
    for (uint32_t k = 0; k < 3; k++)
        assert_int_equal(pl_graph_add_task(g, unit, 1e-6, label, k, &t), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    pl_test_sim sim;
    pl_test_sim_run(&sim, g);
    pl_run run = pl_test_sim_view(&sim);
    pl_report r = {.mode = "pipelined", .baseline_mode = "serial", .run = run, .baseline = run};
    chart = draw(&r, 40);
    lines_within(chart, 40);
    /* 40 / 3 = 13 columns of label: '~' and the last 12 characters */
    assert_true(pl_test_contains(chart, "\n~ol.thread.12 |"));
    free(chart);
    pl_test_sim_free(&sim);
}

static void test_width(void **state)
{
    (void)state;
    FILE *out = tmpfile();
    assert_non_null(out);
    setenv("COLUMNS", "120", 1);
    assert_int_equal(pl_text_width(out), 120);
    setenv("COLUMNS", "12", 1);
    assert_int_equal(pl_text_width(out), 40); /* never below 40 */
    setenv("COLUMNS", "wide", 1);
    assert_int_equal(pl_text_width(out), 100); /* not a number, not a terminal */
    unsetenv("COLUMNS");
    assert_int_equal(pl_text_width(out), 100);
    fclose(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_five_items),
        cmocka_unit_test(test_own_scale),
        cmocka_unit_test(test_ten_thousand_items),
        cmocka_unit_test(test_narrow),
        cmocka_unit_test(test_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
