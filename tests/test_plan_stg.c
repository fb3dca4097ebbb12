/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_stg.c — reading Standard Task Graph (STG) files into a loop of one iteration.
 *
 * Expected values: small graphs written here, whose ops and dependencies are read off
 * their text. (The published STG set is not shipped: its pages reserve all rights.
 * docs/plan.md says how the scheduler fares on it and scripts/bench_plan.sh runs it on
 * a downloaded copy.) Bad inputs are checked for the error code, the exit status it maps
 * to, and a message naming the file, line, column and what was wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/common/error.h"
#include "models/plan/loop.h"
#include "models/plan/stg.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *scratch; /* a directory for the hand-written files */

static int setup(void **state)
{
    (void)state;
    scratch = pl_test_mkdtemp();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pl_test_rmtree(scratch);
    free(scratch);
    return 0;
}

/* Writes text to a file of the scratch directory; returns its path (static storage). */
static const char *write_stg(const char *name, const char *text)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    pl_test_write_file(path, text);
    return path;
}

/* A graph of n = 3 real tasks: 1 and 2 after the entry, 3 after both, the exit after 3. */
static const char SMALL[] = "3\n"
                            "0 0 0\n"
                            "1 2 1 0\n"
                            "2 3 1 0\n"
                            "3 4 2 1 2\n"
                            "4 0 1 3\n"
                            "# CP Length : 7\n";

/* Every dependency of an STG loop is an `after` one of distance 0 without a buffer. */
static void check_dep(const pl_plan_dep *dep, uint32_t src, uint32_t dst)
{
    assert_int_equal(dep->src, src);
    assert_int_equal(dep->dst, dst);
    assert_int_equal(dep->distance, 0);
    assert_int_equal(dep->kind, PL_PLAN_DEP_AFTER);
    assert_int_equal(dep->buffer, -1);
}

/* The fields that do not depend on the graph: one class, one iteration, no buffers. */
static void check_shape(const pl_plan_loop *l, uint32_t units)
{
    assert_int_equal(l->nclasses, 1);
    assert_string_equal(l->classes[0].name, "unit");
    assert_int_equal(l->classes[0].units, units);
    assert_int_equal(l->iterations, 1);
    assert_true(isinf(l->memory) && l->memory > 0);
    assert_int_equal(l->window, 0);
    assert_int_equal(l->nbuffers, 0);
    assert_int_equal(l->naccess, 0);
    for (uint32_t o = 0; o < l->nops; o++) {
        char name[16];
        snprintf(name, sizeof name, "%u", o);
        assert_string_equal(l->ops[o].name, name);
        assert_int_equal(l->ops[o].cls, 0);
        assert_true(l->ops[o].latency >= 0);
    }
}

/* The small graph, exactly: ops 0..4 with latencies 0 2 3 4 0, deps in file order. */
static void check_small(const pl_plan_loop *l, uint32_t units)
{
    static const double lat[] = {0, 2, 3, 4, 0};
    assert_int_equal(l->nops, 5);
    check_shape(l, units);
    for (uint32_t o = 0; o < 5; o++)
        pl_assert_near(l->ops[o].latency, lat[o], 0);
    assert_int_equal(l->ndeps, 5);
    check_dep(&l->deps[0], 0, 1);
    check_dep(&l->deps[1], 0, 2);
    check_dep(&l->deps[2], 1, 3);
    check_dep(&l->deps[3], 2, 3);
    check_dep(&l->deps[4], 3, 4);
}

static void test_small(void **state)
{
    (void)state;
    pl_plan_loop l;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_plan_stg_read(write_stg("small.stg", SMALL), 3, &l, &d), 0);
    check_small(&l, 3);
    pl_plan_loop_fini(&l);
}

/* Comments before the header and between task lines, blank lines, tabs, leading and
 * trailing blanks, CRLF line ends, no newline at the end: the same graph. */
static void test_whitespace(void **state)
{
    (void)state;
    static const char text[] = "# Standard Task Graph Set Project\r\n"
                               "\r\n"
                               "   3   \r\n"
                               "0\t0\t0\r\n"
                               "  # a comment between task lines\n"
                               "          1          2          1          0\n"
                               "\n"
                               "2 3 1 0\t\t\n"
                               "3\t4  2 1     2\r\n"
                               "4 0 1 3";
    pl_plan_loop l;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_plan_stg_read(write_stg("blanks.stg", text), 1, &l, &d), 0);
    check_small(&l, 1);
    pl_plan_loop_fini(&l);
}

/* n = 0: the entry and the exit only. */
static void test_empty_graph(void **state)
{
    (void)state;
    pl_plan_loop l;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_plan_stg_read(write_stg("none.stg", "0\n0 0 0\n1 0 1 0\n"), 2, &l, &d), 0);
    assert_int_equal(l.nops, 2);
    check_shape(&l, 2);
    assert_int_equal(l.ndeps, 1);
    check_dep(&l.deps[0], 0, 1);
    pl_plan_loop_fini(&l);
}

/* Predecessors need not have smaller ids; only a task listing itself is refused here. */
static void test_forward_predecessor(void **state)
{
    (void)state;
    pl_plan_loop l;
    pl_diag d;
    pl_diag_init(&d);
    const char *path = write_stg("forward.stg", "2\n0 0 0\n1 5 2 0 2\n2 6 1 0\n3 0 1 1\n");
    assert_int_equal(pl_plan_stg_read(path, 1, &l, &d), 0);
    assert_int_equal(l.ndeps, 4);
    check_dep(&l.deps[1], 2, 1);
    pl_plan_loop_fini(&l);
}

/* --- Bad inputs ------------------------------------------------------------------- */

struct bad {
    const char *text;
    const char *where; /* "LINE:COL" */
    const char *what;  /* a part of the message */
};

/* Each case is a whole file; most have one real task (n = 1) and one thing wrong. */
static const struct bad BAD[] = {
    {"", "1:1", "the file is empty: expected the number of tasks"},
    {"abc\n", "1:1", "expected the number of tasks, a non-negative integer, found 'abc'"},
    {"3 4\n", "1:3", "unexpected '4' after the number of tasks"},
    {"1000001\n", "1:1", "the number of tasks is 1000001, more than 1000000"},
    {"-2\n", "1:1", "the number of tasks is negative (-2)"},
    {"1\n0 0 0\n1 -5 1 0\n2 0 1 1\n", "3:3", "the processing time of task 1 is negative (-5)"},
    {"1\n0 0 0\n1 1.5 1 0\n2 0 1 1\n", "3:3",
     "expected the processing time of task 1, a non-negative integer, found '1.5'"},
    {"1\n0 0 0\n1 +5 1 0\n2 0 1 1\n", "3:3", "found '+5'"},
    {"1\n0 0 0\n1 99999999999999999999 1 0\n2 0 1 1\n", "3:3",
     "the processing time of task 1 is 99999999999999999999, more than 9007199254740992"},
    {"1\n0 0 0\n2 1 1 0\n2 0 1 1\n", "3:1",
     "expected task 1 here (ids go from 0 to 2 in order), found task 2"},
    {"1\n0 0 0\n1 1 1 0\n2 0 1 7\n", "4:7", "predecessor 1 of 1 of task 2 is 7, more than 2"},
    {"1\n0 0 0\n1 1 1 1\n2 0 1 1\n", "3:7", "task 1 lists itself as a predecessor"},
    {"1\n0 0 0\n1 1 1 0\n2 0 2 1 1\n", "4:9", "task 2 lists predecessor 1 twice"},
    {"1\n0 0 0\n1 1 2 0\n2 0 1 1\n", "3:8",
     "expected predecessor 2 of 2 of task 1, found the end of the line"},
    {"1\n0 0 0\n1 1 5 0\n2 0 1 1\n", "3:5",
     "the number of predecessors of task 1 is 5, more than 2"},
    {"1\n0 0 0\n1 1 1 0 x\n2 0 1 1\n", "3:9", "unexpected 'x' after predecessor 1 of 1 of task 1"},
    {"1\n0 0 0\n1 1 1 0\n", "4:1",
     "the file ends after 2 of the n + 2 = 3 task lines (n = 1 on line 1)"},
    {"1\n0 0 0\n1 1 1 0\n2 0 1 1\n3 0 1 2\n# info\n", "5:1",
     "expected a comment ('#') or the end of the file after the n + 2 = 3 task lines (n = 1 on "
     "line 1: is it right?)"},
    {"1\n0 0 0\n1 1 0 x\n2 0 1 1\n", "3:7",
     "unexpected 'x' after the number of predecessors of task 1, 0"},
    {"1\n0 0 0\n1 1 1 0\n2 0\n", "4:4", "expected the number of predecessors of task 2"},
};

static void test_bad_inputs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        char name[32], where[4300];
        snprintf(name, sizeof name, "bad%zu.stg", i);
        const char *path = write_stg(name, BAD[i].text);
        snprintf(where, sizeof where, "%s:%s: ", path, BAD[i].where);
        pl_plan_loop l;
        pl_diag d;
        pl_diag_init(&d);
        int rc = pl_plan_stg_read(path, 2, &l, &d);
        printf("%s\n", d.msg);
        assert_int_equal(rc, PL_EPARSE);
        assert_int_equal(d.code, PL_EPARSE);
        assert_int_equal(pl_exit_status(rc), 2);
        if (strncmp(d.msg, where, strlen(where)) != 0)
            fail_msg("case %zu: '%s' does not begin with '%s'", i, d.msg, where);
        if (!pl_test_contains(d.msg, BAD[i].what))
            fail_msg("case %zu: '%s' does not say '%s'", i, d.msg, BAD[i].what);
        assert_null(l.ops);
        assert_int_equal(l.nops, 0);
        assert_null(l.deps);
        assert_null(l.classes);
    }
}

/* Reads path, expecting PL_EIO and a message that starts with the path and says `what`. */
static void refused(const char *path, const char *what)
{
    pl_plan_loop l;
    pl_diag d;
    pl_diag_init(&d);
    int rc = pl_plan_stg_read(path, 2, &l, &d);
    printf("%s\n", d.msg);
    assert_int_equal(rc, PL_EIO);
    assert_int_equal(pl_exit_status(rc), 2);
    assert_int_equal(strncmp(d.msg, path, strlen(path)), 0);
    if (!pl_test_contains(d.msg, what))
        fail_msg("'%s' does not say '%s'", d.msg, what);
    assert_null(l.ops);
}

/* A FIFO with no writer is refused at once: it used to block the reader for ever (an
 * alarm fails the test after 10 s). A directory too. */
static void test_not_regular(void **state)
{
    (void)state;
    char fifo[4200];
    snprintf(fifo, sizeof fifo, "%s/graph.fifo", scratch);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    alarm(10);
    refused(fifo, ": cannot read: a FIFO (named pipe), not a regular file");
    alarm(0);
    refused(scratch, ": cannot read: Is a directory");
}

/* A file of PL_PLAN_STG_MAX_BYTES + 1 bytes (sparse: it takes no room) is refused before
 * it is read; one of PL_PLAN_STG_MAX_BYTES would be read. */
static void test_too_large(void **state)
{
    (void)state;
    const char *path = write_stg("large.stg", "# nothing but a comment\n");
    assert_int_equal(truncate(path, (off_t)(128 << 20) + 1), 0); /* PL_PLAN_STG_MAX_BYTES + 1 */
    refused(path, ": cannot read: larger than the 128 MiB an STG graph may take");
}

/* A missing file is PL_EIO, naming the path; no units is PL_ECONFIG. */
static void test_unreadable(void **state)
{
    (void)state;
    char missing[4200];
    snprintf(missing, sizeof missing, "%s/no-such.stg", scratch);
    refused(missing, ": cannot read: No such file or directory");
    pl_plan_loop l;
    pl_diag d;
    pl_diag_init(&d);
    int rc = pl_plan_stg_read(write_stg("small.stg", SMALL), 0, &l, &d);
    assert_int_equal(rc, PL_ECONFIG);
    assert_int_equal(pl_exit_status(rc), 2);
    assert_true(pl_test_contains(d.msg, "units"));
    assert_null(l.ops);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small),       cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_empty_graph), cmocka_unit_test(test_forward_predecessor),
        cmocka_unit_test(test_bad_inputs),  cmocka_unit_test(test_unreadable),
        cmocka_unit_test(test_not_regular), cmocka_unit_test(test_too_large),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
