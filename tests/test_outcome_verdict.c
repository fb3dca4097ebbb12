/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_outcome_verdict.c — the verdict a sweep's or replication's worker sends its parent
 * with --advice (sim/study/outcome.h): the bottleneck's name comes back whole, whatever
 * bytes it holds, and its gain exactly; an outcome without it has no verdict line, so the
 * text of a sweep without --advice is what it was; a verdict cut short or malformed is
 * refused. And the tally (sim/study/tally.h) that counts the replications' bottlenecks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/common/pool.h"
#include "sim/study/outcome.h"
#include "sim/study/tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *written(const pl_outcome *o, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    assert_int_equal(pl_outcome_write(o, f), 0);
    fclose(f);
    return buf;
}

/* An advised outcome whose bottleneck's name holds the words of the protocol. */
static void advised(pl_outcome *o, const char *bottleneck)
{
    pl_outcome_init(o);
    o->seed = 3;
    o->makespan = 52e-6;
    o->throughput = o->speedup = o->bound = o->efficiency = 1;
    o->advised = true;
    o->bottleneck = strdup(bottleneck);
    o->bottleneck_gain = 0.1 + 0.2; /* not a short decimal: it must come back exactly */
}

static void test_verdict_round_trip(void **state)
{
    (void)state;
    static const char *const names[] = {"buffer t", "unit core0.VECTOR + link GM", "",
                                        "unit x\nmessage 0:\n", "stage 12:34 unit 0x1p+0"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        pl_outcome a, b;
        advised(&a, names[i]);
        size_t len;
        char *buf = written(&a, &len);
        pl_outcome_init(&b);
        pl_pool_result res = {.status = 0, .out = buf, .len = len};
        assert_int_equal(pl_outcome_from_child(&res, "point 0 rep 0", &b), 0);
        assert_int_equal(b.status, PL_OUTCOME_OK);
        assert_true(b.advised);
        assert_string_equal(b.bottleneck, names[i]);
        assert_true(b.bottleneck_gain == 0.1 + 0.2);
        assert_true(b.makespan == 52e-6);
        pl_outcome_fini(&b);
        pl_outcome_fini(&a);
        free(buf);
    }
}

/* Without --advice the text is the landed one: status, seed, figures, units, message. */
static void test_no_verdict_line_without_advice(void **state)
{
    (void)state;
    pl_outcome a, b;
    pl_outcome_init(&a);
    a.seed = 1;
    a.makespan = a.throughput = a.speedup = a.bound = a.efficiency = 1;
    size_t len;
    char *buf = written(&a, &len);
    assert_string_equal(buf, "status ok\nseed 1\nfigures 0x1p+0 0x1p+0 0x1p+0 0x1p+0 0x1p+0\n"
                             "message 0:\n");
    pl_diag d;
    pl_diag_init(&d);
    pl_outcome_init(&b);
    assert_int_equal(pl_outcome_read(buf, len, &b, &d), 0);
    assert_false(b.advised);
    assert_null(b.bottleneck);
    pl_outcome_fini(&b);
    pl_outcome_fini(&a);
    free(buf);
}

/* Every proper prefix of an advised text is refused, the verdict line cut anywhere. */
static void test_every_cut_is_refused(void **state)
{
    (void)state;
    pl_outcome a;
    advised(&a, "buffer t");
    size_t len;
    char *buf = written(&a, &len);
    for (size_t n = 0; n < len; n++) {
        pl_outcome b;
        pl_outcome_init(&b);
        pl_pool_result res = {.status = 0, .out = buf, .len = n};
        assert_int_equal(pl_outcome_from_child(&res, "replication 1", &b), 0);
        assert_int_equal(b.status, PL_OUTCOME_FAILED);
        assert_false(b.advised);
        assert_null(b.bottleneck);
        pl_outcome_fini(&b);
    }
    pl_outcome_fini(&a);
    free(buf);
}

#define HEAD "status ok\nseed 1\nfigures 0x1p+0 0x1p+0 0x1p+0 0x1p+0 0x1p+0\n"

/* A malformed verdict line is refused, naming the byte where it goes wrong (HEAD is 60
 * bytes long, "verdict " 8 more). */
static void test_malformed_verdict(void **state)
{
    (void)state;
    static const struct {
        const char *text, *why;
    } cases[] = {
        {HEAD "verdict 0x1p+0 9:buffer t\nmessage 0:\n", "a malformed verdict at byte 86"},
        {HEAD "verdict buffer t\nmessage 0:\n", "a malformed verdict at byte 74"},
        {HEAD "verdict 0x1p+0 buffer t\nmessage 0:\n", "a malformed verdict at byte 75"},
        {HEAD "verdict 0x1p+0 8:buffer t message 0:\n", "a malformed verdict at byte 85"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pl_outcome o;
        pl_outcome_init(&o);
        pl_diag d;
        pl_diag_init(&d);
        assert_int_equal(pl_outcome_read(cases[i].text, strlen(cases[i].text), &o, &d), PL_EPARSE);
        assert_string_equal(d.msg, cases[i].why);
        pl_outcome_fini(&o);
    }
}

/* Most often first, ties in the order of first occurrence; NULL texts left out. */
static void test_tally(void **state)
{
    (void)state;
    const char *const texts[] = {"unit a", NULL, "buffer t", "", "buffer t", "unit a", ""};
    pl_tally t;
    assert_int_equal(pl_tally_of(texts, 7, &t), 0);
    assert_int_equal(t.ngroups, 3);
    assert_string_equal(t.groups[0].text, "unit a");
    assert_int_equal(t.groups[0].count, 2);
    assert_int_equal(t.groups[0].members[0], 0);
    assert_int_equal(t.groups[0].members[1], 5);
    assert_string_equal(t.groups[1].text, "buffer t");
    assert_int_equal(t.groups[1].members[0], 2);
    assert_string_equal(t.groups[2].text, "");
    assert_int_equal(t.groups[2].count, 2);
    pl_tally_fini(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_round_trip),
        cmocka_unit_test(test_no_verdict_line_without_advice),
        cmocka_unit_test(test_every_cut_is_refused),
        cmocka_unit_test(test_malformed_verdict),
        cmocka_unit_test(test_tally),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
