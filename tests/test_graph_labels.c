/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_graph_labels.c — the task graph's labels (pl_graph_add_label): the same text gives
 * the same id and distinct texts distinct ids, however many there are.
 *
 * 200,000 distinct op names used to take minutes to lower (each label was searched for
 * among all the earlier ones: 40,000 took 7.2 s, 200,000 took 288 s); the table is now
 * hashed, and scripts/bench_labels.sh shows the time doubling with the names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/graph/graph.h"
#include "support.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define LABELS 200000u

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* op0 .. op199999, each interned twice (the second time in reverse order) and carried by a
 * task: the ids are 0 .. 199999 in order of first use, the second interning gives the same
 * id, and each task's label reads back as its text. Also names that differ only past a
 * long common prefix, and the empty name. The whole takes a fraction of a second; more
 * than 20 s (a linear search takes minutes) fails. */
static void test_many_distinct_labels(void **state)
{
    (void)state;
    double t0 = now();
    pl_graph *g = pl_graph_create("labels");
    uint32_t place, unit, id, task;
    char text[64];
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &place), 0);
    assert_int_equal(pl_graph_add_unit(g, "device.stream", place, &unit), 0);
    for (uint32_t i = 0; i < LABELS; i++) {
        snprintf(text, sizeof text, "op%u", i);
        assert_int_equal(pl_graph_add_label(g, text, &id), 0);
        if (id != i)
            fail_msg("'%s' got id %u, expected %u", text, id, i);
        assert_int_equal(pl_graph_add_task(g, unit, 1e-6, id, i, &task), 0);
    }
    for (uint32_t i = LABELS; i-- > 0;) {
        snprintf(text, sizeof text, "op%u", i);
        assert_int_equal(pl_graph_add_label(g, text, &id), 0);
        if (id != i)
            fail_msg("'%s' again got id %u, expected %u", text, id, i);
    }
    const char *odd[] = {"", "a long common prefix of an op name, then: x",
                         "a long common prefix of an op name, then: y"};
    for (uint32_t k = 0; k < 3; k++) {
        assert_int_equal(pl_graph_add_label(g, odd[k], &id), 0);
        assert_int_equal(id, LABELS + k);
        assert_int_equal(pl_graph_add_task(g, unit, 1e-6, id, LABELS + k, &task), 0);
    }
    assert_int_equal(pl_graph_finalize(g), 0);
    for (uint32_t i = 0; i < LABELS; i++) {
        snprintf(text, sizeof text, "op%u", i);
        assert_string_equal(pl_graph_task_label(g, i), text);
    }
    for (uint32_t k = 0; k < 3; k++)
        assert_string_equal(pl_graph_task_label(g, LABELS + k), odd[k]);
    pl_graph_destroy(g);
    double took = now() - t0;
    printf("%u distinct labels, each interned twice: %.2f s\n", LABELS, took);
    assert_true(took < 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_distinct_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
