/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_findings.c — tables of values and a model command's findings, as the report
 * layer prints them: text laid out column by column, JSON with nested fields, CSV
 * with quoted names.
 *
 * Expected texts are worked out by hand from the rules in sim/report/rows.h and
 * sim/report/findings.h: each text column after its gap, padded to its width (a
 * fixed width pads each cell, no width pads to the widest cell, heading included),
 * no blanks at the end of a line; times and sizes with pipelab's units (1 us, 2.5 ms,
 * 1 KiB); reals with 12 significant digits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/measure/findings.h"
#include "sim/measure/rows.h"
#include "sim/report/findings.h"
#include "sim/report/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* name: as wide as its widest cell, left; n: likewise, right; t: 8 wide, right, one
 * blank before it; size: in JSON and CSV only; ok: in text only. */
static const pl_column cols[] = {
    {"name", "name", PL_VALUE_TEXT, 0, true, 2}, {"n", "n", PL_VALUE_INT, 0, false, 2},
    {"t_s", "t", PL_VALUE_TIME, 8, false, 1},    {"size_B", NULL, PL_VALUE_SIZE, 0, false, 0},
    {NULL, "ok", PL_VALUE_BOOL, 0, false, 2},
};

static void fill(pl_rows *r, const char *first)
{
    pl_rows_text(r, "%s", first);
    pl_rows_int(r, 1);
    pl_rows_real(r, 1e-6);
    pl_rows_real(r, 1024);
    pl_rows_bool(r, true);
    pl_rows_text(r, "%s", "longer");
    pl_rows_int(r, 12345);
    pl_rows_real(r, 2.5e-3);
    pl_rows_real(r, 3);
    pl_rows_bool(r, false);
}

/* What render wrote to a memory stream. */
static char *text_of(const pl_rows *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    assert_int_equal(pl_report_rows_text(r, out), 0);
    assert_int_equal(fclose(out), 0);
    return text;
}

static void rows_as_text(void **state)
{
    (void)state;
    pl_rows r;
    assert_int_equal(pl_rows_init(&r, "things", NULL, cols, 5), 0);
    fill(&r, "a");
    assert_int_equal(pl_rows_count(&r), 2);
    char *text = text_of(&r);
    /* name 6 wide (longer), n 5 wide (12345), t 8 wide, ok 3 wide (yes). */
    assert_string_equal(text, "  name        n        t   ok\n"
                              "  a           1     1 us  yes\n"
                              "  longer  12345   2.5 ms   no\n");
    free(text);
    pl_rows_fini(&r);
}

/* A left-aligned last column is padded only where something follows it: never. */
static void no_trailing_blanks(void **state)
{
    (void)state;
    static const pl_column left[] = {{"k", "key", PL_VALUE_TEXT, 10, true, 1},
                                     {"v", "value", PL_VALUE_TEXT, 0, true, 2}};
    pl_rows r;
    assert_int_equal(pl_rows_init(&r, "kv", NULL, left, 2), 0);
    pl_rows_text(&r, "x");
    pl_rows_text(&r, "a");
    pl_rows_text(&r, "a very long key");
    pl_rows_text(&r, "bb");
    char *text = text_of(&r);
    assert_string_equal(text, " key         value\n"
                              " x           a\n"
                              " a very long key  bb\n");
    free(text);
    pl_rows_fini(&r);
}

static void rows_as_json_and_csv(void **state)
{
    (void)state;
    pl_rows r;
    assert_int_equal(pl_rows_init(&r, "things", NULL, cols, 5), 0);
    fill(&r, "x,\"y\"");
    json_t *a = pl_report_rows_json(&r);
    assert_non_null(a);
    char *json = json_dumps(a, JSON_COMPACT | JSON_REAL_PRECISION(12));
    assert_string_equal(json, "[{\"name\":\"x,\\\"y\\\"\",\"n\":1,\"t_s\":1e-6,\"size_B\":1024.0},"
                              "{\"name\":\"longer\",\"n\":12345,\"t_s\":0.0025,\"size_B\":3.0}]");
    free(json);
    json_decref(a);

    char *csv = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&csv, &len);
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_report_rows_csv(&r, out, &d), 0);
    assert_int_equal(fclose(out), 0);
    /* RFC 4180: the name with a comma and quotes is quoted, its quotes doubled. */
    assert_string_equal(csv, "name,n,t_s,size_B\n"
                             "\"x,\"\"y\"\"\",1,1e-06,1024\n"
                             "longer,12345,0.0025,3\n");
    free(csv);
    pl_rows_fini(&r);
}

static void findings_as_text_and_json(void **state)
{
    (void)state;
    pl_findings f;
    pl_findings_init(&f, "test");
    f.label_width = 6;
    pl_findings_heading(&f, "findings of %s", "a test");
    assert_int_equal(pl_figures_add(&f.figures, "period", 5e-6, "s", "5 us, the slowest"), 0);
    assert_int_equal(pl_figures_add(&f.figures, "uses", 2, "", "two cores"), 0);
    pl_findings_text(&f, "scenario", "s.yaml");
    pl_findings_int(&f, "cores.big", 2);
    pl_findings_int(&f, "cores.little", 0);
    pl_findings_real(&f, "period", 5e-6);
    pl_findings_bool(&f, "periodic", true);
    pl_rows *r, *empty;
    assert_int_equal(pl_tables_add(&f.tables, "things", "the things", cols, 5, &r), 0);
    fill(r, "a");
    assert_int_equal(pl_tables_add(&f.tables, "none", "nothing", cols, 5, &empty), 0);
    assert_int_equal(pl_findings_status(&f), 0);

    char *text = NULL, *json = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_report_findings(&f, false, out, &d), 0);
    assert_int_equal(fclose(out), 0);
    /* A table without rows is not shown in text. */
    assert_string_equal(text, "findings of a test\n"
                              "period 5 us, the slowest\n"
                              "uses   two cores\n"
                              "\n"
                              "the things:\n"
                              "  name        n        t   ok\n"
                              "  a           1     1 us  yes\n"
                              "  longer  12345   2.5 ms   no\n");
    out = open_memstream(&json, &len);
    assert_int_equal(pl_report_findings(&f, true, out, &d), 0);
    assert_int_equal(fclose(out), 0);
    /* Fields nest at their dots, in order; every table is there, empty or not. Reals as
     * jansson writes them with 12 digits: 1e-6, and 1024.0 for a whole number. */
    assert_string_equal(json, "{\n"
                              "  \"scenario\": \"s.yaml\",\n"
                              "  \"cores\": {\n"
                              "    \"big\": 2,\n"
                              "    \"little\": 0\n"
                              "  },\n"
                              "  \"period\": 5e-6,\n"
                              "  \"periodic\": true,\n"
                              "  \"things\": [\n"
                              "    {\n"
                              "      \"name\": \"a\",\n"
                              "      \"n\": 1,\n"
                              "      \"t_s\": 1e-6,\n"
                              "      \"size_B\": 1024.0\n"
                              "    },\n"
                              "    {\n"
                              "      \"name\": \"longer\",\n"
                              "      \"n\": 12345,\n"
                              "      \"t_s\": 0.0025,\n"
                              "      \"size_B\": 3.0\n"
                              "    }\n"
                              "  ],\n"
                              "  \"none\": []\n"
                              "}\n");
    free(text);
    free(json);
    pl_findings_fini(&f);
}

/* An add that ran out of memory makes the table, and the findings, refuse to print. */
static void incomplete_is_refused(void **state)
{
    (void)state;
    pl_findings f;
    pl_findings_init(&f, "test");
    pl_rows *r;
    assert_int_equal(pl_tables_add(&f.tables, "things", NULL, cols, 5, &r), 0);
    r->failed = true;
    assert_int_equal(pl_findings_status(&f), PL_ENOMEM);
    FILE *out = fopen("/dev/null", "w");
    assert_non_null(out);
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_report_rows_text(r, out), PL_ENOMEM);
    assert_null(pl_report_rows_json(r));
    assert_int_equal(pl_report_findings(&f, false, out, &d), PL_ENOMEM);
    assert_string_equal(d.msg, "out of memory while working out the test");
    fclose(out);
    pl_findings_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_as_text),          cmocka_unit_test(no_trailing_blanks),
        cmocka_unit_test(rows_as_json_and_csv),  cmocka_unit_test(findings_as_text_and_json),
        cmocka_unit_test(incomplete_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
