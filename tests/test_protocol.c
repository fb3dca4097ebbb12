/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_protocol.c — what children send their parent: a sweep or replication worker's
 * outcome (sim/study/outcome.h) and a SimGrid child's report (sim/engine/runner.h). No
 * name or message, whatever bytes it holds, may be read as another item, and a report
 * cut short, malformed or followed by more is refused, never taken for a result.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/common/pool.h"
#include "sim/engine/runner.h"
#include "sim/study/outcome.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The name of issue 19: on the landed line-per-item text, its second line was read as the
 * outcome's figures, and every run reported a makespan of 1 s. */
#define FORGED "x\nfigures 0x1p+0 0x1p+0 0x1p+0 0x1p+0 0x1p+0"

static char *written(const pl_outcome *o, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    assert_int_equal(pl_outcome_write(o, f), 0);
    fclose(f);
    return buf;
}

static void forged_outcome(pl_outcome *o)
{
    static const char *const names[] = {FORGED, "a\nb", "12:34 unit 0x1p+0 0x1p+0 5:fake",
                                        "message 0:", ""};
    pl_outcome_init(o);
    o->seed = 7;
    o->makespan = 0.1 + 0.2; /* not 1: the forged figures must not be taken */
    o->throughput = 1.0 / 3;
    o->speedup = 1.5;
    o->bound = 0.25;
    o->efficiency = 0.75;
    o->nunits = sizeof names / sizeof names[0];
    o->units = calloc(o->nunits, sizeof *o->units);
    for (size_t i = 0; i < o->nunits; i++)
        o->units[i] = (pl_outcome_unit){strdup(names[i]), 0.5 + (double)i, 1e-6 * (double)i};
    snprintf(o->message, sizeof o->message, "line one\nstatus failed\nmessage 3:abc\n");
}

/* Names holding line breaks and the words of the protocol come back exactly, as they were
 * written, and the figures are the outcome's own. */
static void test_forged_names_round_trip(void **state)
{
    (void)state;
    pl_outcome a, b;
    forged_outcome(&a);
    size_t len;
    char *buf = written(&a, &len);
    pl_outcome_init(&b);
    pl_pool_result res = {.status = 0, .out = buf, .len = len};
    assert_int_equal(pl_outcome_from_child(&res, "replication 0", &b), 0);
    assert_int_equal(b.status, PL_OUTCOME_OK);
    assert_true(b.makespan == 0.1 + 0.2 && b.throughput == 1.0 / 3 && b.speedup == 1.5);
    assert_true(b.bound == 0.25 && b.efficiency == 0.75 && b.seed == 7);
    assert_int_equal(b.nunits, a.nunits);
    for (size_t i = 0; i < a.nunits; i++) {
        assert_string_equal(b.units[i].name, a.units[i].name);
        assert_true(b.units[i].util == a.units[i].util);
        assert_true(b.units[i].bubble == a.units[i].bubble);
    }
    assert_string_equal(b.message, a.message);
    pl_outcome_fini(&b);
    pl_outcome_fini(&a);
    free(buf);
}

/* Every proper prefix of a's text is refused as `who`'s: a child killed while writing
 * never gives a result, wherever it stopped (a name or the verdict line cut in two
 * included). Frees a. */
static void every_cut_refused(pl_outcome *a, const char *who)
{
    size_t len;
    char *buf = written(a, &len);
    char want[96];
    snprintf(want, sizeof want, "%s ended without a whole result (exit 0): ", who);
    for (size_t n = 0; n < len; n++) {
        pl_outcome b;
        pl_outcome_init(&b);
        pl_pool_result res = {.status = 0, .out = buf, .len = n};
        assert_int_equal(pl_outcome_from_child(&res, who, &b), 0);
        assert_int_equal(b.status, PL_OUTCOME_FAILED);
        assert_true(pl_test_contains(b.message, want));
        assert_int_equal(b.nunits, 0);
        assert_false(b.advised);
        assert_null(b.bottleneck);
        pl_outcome_fini(&b);
    }
    pl_outcome_fini(a);
    free(buf);
}

static void test_every_cut_is_refused(void **state)
{
    (void)state;
    pl_outcome a;
    forged_outcome(&a);
    every_cut_refused(&a, "point 3");
}

/* Reads text and expects PL_EPARSE with `why`, the reader's message. */
static void refused(const char *text, const char *why)
{
    pl_outcome o;
    pl_outcome_init(&o);
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_outcome_read(text, strlen(text), &o, &d), PL_EPARSE);
    assert_string_equal(d.msg, why);
    pl_outcome_fini(&o);
}

#define HEAD "status ok\nseed 1\nfigures 0x1p+0 0x1p+0 0x1p+0 0x1p+0 0x1p+0\n"

/* Each malformed text gets the message of pl_outcome_read naming the byte where it goes
 * wrong (HEAD is 60 bytes long). */
static void test_malformed_texts_are_refused(void **state)
{
    (void)state;
    pl_outcome o;
    pl_outcome_init(&o);
    pl_diag d;
    pl_diag_init(&d);
    const char *two = HEAD "unit 0x1p-1 0x0p+0 2:a\n\nmessage 0:\n";
    assert_int_equal(pl_outcome_read(two, strlen(two), &o, &d), 0);
    assert_string_equal(o.units[0].name, "a\n");
    pl_outcome_fini(&o);
    /* The landed form: a name without its length. */
    refused(HEAD "unit 0x1p-1 0x0p+0 source\nmessage 0:\n", "a malformed unit at byte 79");
    refused(HEAD "unit 0x1p-1 0x0p+0 9:source\nmessage 0:\n", "a malformed unit at byte 90");
    refused(HEAD "message 3:ab\n", "no message at byte 73");
    refused(HEAD "message 0:\nx", "more after the message at byte 71");
    refused(HEAD "message 0:", "no message at byte 70");
    refused(HEAD "message 99999999999:\n", "no message at byte 77");
    refused(HEAD "figures 0x1p+0 0x1p+0 0x1p+0 0x1p+0 0x1p+0\nmessage 0:\n",
            "no message at byte 60");
    refused("status fine\nseed 1\n", "an unknown status at byte 11");
    refused("status ok\nseed 18446744073709551616\n",
            "a seed that is not a 64-bit number at byte 35");
    refused("status ok\nseed -1\n", "no seed at byte 17");
    refused("status ok\nseed 1\nfigures 1 2 3 4\nmessage 0:\n", "no five figures at byte 32");
    /* A NUL inside a name would cut it short: refused. */
    pl_outcome_init(&o);
    const char nul[] = HEAD "unit 0x1p-1 0x0p+0 3:a\0b\nmessage 0:\n";
    assert_int_equal(pl_outcome_read(nul, sizeof nul - 1, &o, &d), PL_EPARSE);
    assert_string_equal(d.msg, "a malformed unit at byte 81");
    pl_outcome_fini(&o);
}

/* ---- The verdict (--advice) ------------------------------------------------------ */

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

/* The bottleneck's name comes back whole, whatever bytes it holds, and its gain
 * exactly. */
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
static void test_every_verdict_cut_is_refused(void **state)
{
    (void)state;
    pl_outcome a;
    advised(&a, "buffer t");
    every_cut_refused(&a, "replication 1");
}

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
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        refused(cases[i].text, cases[i].why);
}

/* ---- A SimGrid child's report ---------------------------------------------------- */

/* The header runner.c writes: status, task count, message. */
struct header {
    int32_t rc;
    uint32_t ntasks;
    char msg[PL_DIAG_MAX];
};

/* Writes a header, `arrays` of the start, end and release arrays for h.ntasks tasks and
 * `extra` more bytes into a pipe, and reads it back as a report for 2 tasks and 4 edges. */
static int report(struct header h, int arrays, size_t extra, pl_diag *child, pl_diag *d,
                  uint32_t release1)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(pl_pool_write_all(p[1], &h, sizeof h), 0);
    double x[3] = {0.5, 1.5, 2.5};
    uint32_t release[3] = {PL_NO_EDGE, release1, 3};
    for (int i = 0; i < arrays && i < 2; i++)
        assert_int_equal(pl_pool_write_all(p[1], x, h.ntasks * sizeof *x), 0);
    if (arrays == 3)
        assert_int_equal(pl_pool_write_all(p[1], release, h.ntasks * sizeof *release), 0);
    char junk[8] = "junk";
    assert_int_equal(pl_pool_write_all(p[1], junk, extra), 0);
    close(p[1]);
    pl_timeline tl;
    assert_int_equal(pl_timeline_init(&tl, 2), 0);
    pl_diag_init(child);
    pl_diag_init(d);
    int rc = pl_runner_read_report(p[0], 2, 4, &tl, child, d);
    if (rc == 0 && child->code == 0)
        assert_true(tl.start[1] == 1.5 && tl.end[0] == 0.5 && tl.release[1] == 3);
    pl_timeline_fini(&tl);
    close(p[0]);
    return rc;
}

static void test_simgrid_report(void **state)
{
    (void)state;
    pl_diag child, d;
    struct header h = {0, 2, "done"};
    assert_int_equal(report(h, 3, 0, &child, &d, 3), 0);
    assert_int_equal(child.code, 0);
    h = (struct header){PL_EDEADLOCK, 2, "the model cannot finish: a\nb waits"};
    assert_int_equal(report(h, 3, 0, &child, &d, 3), 0);
    assert_int_equal(child.code, PL_EDEADLOCK);
    assert_string_equal(child.msg, "the model cannot finish: a\nb waits");
    /* Out of memory, the child sends no arrays. */
    h = (struct header){PL_ENOMEM, 2, "out of memory for the timeline"};
    assert_int_equal(report(h, 0, 0, &child, &d, 3), 0);
    assert_int_equal(child.code, PL_ENOMEM);
    h = (struct header){0, 2, "done"};
    assert_int_equal(report(h, 3, 4, &child, &d, 3), PL_EPARSE);
    assert_string_equal(d.msg, "the report goes on after its timeline");
    assert_int_equal(report(h, 2, 0, &child, &d, 3), PL_EPARSE);
    assert_string_equal(d.msg, "the report ends within its timeline");
    assert_int_equal(report(h, 3, 0, &child, &d, 4), PL_EPARSE);
    assert_string_equal(d.msg, "task 1 of the report names edge 4 of 4");
    h.ntasks = 3;
    assert_int_equal(report(h, 3, 0, &child, &d, 3), PL_EPARSE);
    assert_string_equal(d.msg, "the report is for 3 tasks, not 2");
    h = (struct header){1, 2, "done"};
    assert_int_equal(report(h, 3, 0, &child, &d, 3), PL_EPARSE);
    assert_string_equal(d.msg, "the report's status 1 is no error code");
    h = (struct header){0, 2, ""};
    memset(h.msg, 'x', sizeof h.msg);
    assert_int_equal(report(h, 3, 0, &child, &d, 3), PL_EPARSE);
    assert_string_equal(d.msg, "the report's message has no end");
    assert_int_equal(child.code, 0);
    assert_string_equal(child.msg, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forged_names_round_trip),
        cmocka_unit_test(test_every_cut_is_refused),
        cmocka_unit_test(test_malformed_texts_are_refused),
        cmocka_unit_test(test_verdict_round_trip),
        cmocka_unit_test(test_no_verdict_line_without_advice),
        cmocka_unit_test(test_every_verdict_cut_is_refused),
        cmocka_unit_test(test_malformed_verdict),
        cmocka_unit_test(test_simgrid_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
