/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_keys.c — schema lookups, nearest-key suggestions and the key listing,
 * on a small schema with a self-referencing list like dispatch.ops[].ops[].
 *
 * Expected suggestions follow the rule of keys.c: a name is near when its edit
 * distance (insertions, deletions, substitutions, adjacent swaps) is at most
 * max(1, length / 3); the mapping's own table is searched first, then every
 * table reachable from the root, shallowest first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/config/keys.h"
#include "sim/config/keys_list.h"

#include <stdio.h>
#include <stdlib.h>

static const pl_key op_keys[4];

static const pl_key op_keys[4] = {
    {.name = "name", .type = PL_KEY_STRING, .help = "the op's name"},
    {.name = "kernel",
     .type = PL_KEY_RANDOM,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock",
     .help = "device time"},
    {.name = "ops", .type = PL_KEY_LIST, .children = op_keys, .help = "nested ops"},
    {0},
};

static const pl_key thread_keys[] = {
    {.name = "infer", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1"},
    {.name = "resize", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1"},
    {.name = "launch", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1"},
    {0},
};

static const pl_key dispatch_keys[] = {
    {.name = "mode",
     .type = PL_KEY_ENUM,
     .choices = "serial|pipelined",
     .deflt = "pipelined",
     .help = "how ops are dispatched"},
    {.name = "threads", .type = PL_KEY_MAP, .children = thread_keys, .help = "threads per step"},
    {.name = "ops",
     .type = PL_KEY_LIST,
     .flags = PL_KEY_REQUIRED,
     .children = op_keys,
     .help = "the ops"},
    {0},
};

static const pl_key device_keys[] = {
    {.name = "clock",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_FREQUENCY,
     .flags = PL_KEY_POSITIVE,
     .help = "device clock"},
    {0},
};

static const pl_key machine_keys[] = {
    {.name = "device", .type = PL_KEY_MAP, .children = device_keys, .help = "the device"},
    {0},
};

static const pl_key root_keys[] = {
    {.name = "model",
     .type = PL_KEY_ENUM,
     .flags = PL_KEY_REQUIRED,
     .choices = "dispatch|tile",
     .help = "which pipeline"},
    {.name = "seed", .type = PL_KEY_INT, .deflt = "1", .help = "random seed"},
    {.name = "machine", .type = PL_KEY_INCLUDE, .children = machine_keys, .help = "the machine"},
    {.name = "dispatch",
     .type = PL_KEY_MAP,
     .flags = PL_KEY_SECTION,
     .children = dispatch_keys,
     .help = "host dispatch"},
    {0},
};

static void test_find(void **state)
{
    (void)state;
    assert_ptr_equal(pl_keys_find(root_keys, "seed"), &root_keys[1]);
    assert_ptr_equal(pl_keys_find(thread_keys, "launch"), &thread_keys[2]);
    assert_null(pl_keys_find(root_keys, "Seed"));
    assert_null(pl_keys_find(root_keys, ""));
}

static void test_at(void **state)
{
    (void)state;
    assert_ptr_equal(pl_keys_at(root_keys, "machine.device.clock"), &device_keys[0]);
    assert_ptr_equal(pl_keys_at(root_keys, "dispatch.threads"), &dispatch_keys[1]);
    /* Item numbers in any spelling are passed over, and lists nest through themselves. */
    assert_ptr_equal(pl_keys_at(root_keys, "dispatch.ops[2].kernel"), &op_keys[1]);
    assert_ptr_equal(pl_keys_at(root_keys, "dispatch.ops[].kernel"), &op_keys[1]);
    assert_ptr_equal(pl_keys_at(root_keys, "dispatch.ops.2.ops[0].name"), &op_keys[0]);
    assert_null(pl_keys_at(root_keys, "dispatch.nope"));
    assert_null(pl_keys_at(root_keys, "dispatch.mode.x"));
    assert_null(pl_keys_at(root_keys, "dispatch.threads.2"));
    assert_null(pl_keys_at(root_keys, "dispatch.ops[2"));
}

static void test_nearest_in(void **state)
{
    (void)state;
    /* One letter dropped, two letters swapped: distance 1 each. */
    assert_ptr_equal(pl_keys_nearest_in(thread_keys, "lanch"), &thread_keys[2]);
    assert_ptr_equal(pl_keys_nearest_in(thread_keys, "laucnh"), &thread_keys[2]);
    /* "infre" is a swap away from "infer". */
    assert_ptr_equal(pl_keys_nearest_in(thread_keys, "infre"), &thread_keys[0]);
    /* "lnch" is two away from "launch", and 4 / 3 allows one. */
    assert_null(pl_keys_nearest_in(thread_keys, "lnch"));
    assert_null(pl_keys_nearest_in(thread_keys, "workers"));
}

/* Letters of other scripts that look like ASCII ones (issue 19: "mоdel" with a Cyrillic о,
 * U+043E, bytes D0 BE). The code points are Unicode's. */
static void test_lookalikes(void **state)
{
    (void)state;
    char out[64];
    pl_keys_fold("m\xd0\xbe"
                 "del",
                 out, sizeof out);
    assert_string_equal(out, "model");
    /* Greek omicron U+03BF, Cyrillic a U+0430 and a Unicode hyphen U+2010. */
    pl_keys_fold("\xce\xbf\xd0\xb0\xe2\x80\x90x", out, sizeof out);
    assert_string_equal(out, "oa-x");
    /* A letter that looks like no ASCII one is kept; a cut buffer holds whole bytes. */
    pl_keys_fold("\xc3\xa9t\xc3\xa9", out, sizeof out);
    assert_string_equal(out, "\xc3\xa9t\xc3\xa9");
    pl_keys_fold("launch", out, 4);
    assert_string_equal(out, "lau");
    unsigned cp = 0;
    char like = '?';
    assert_int_equal(pl_keys_first_non_ascii("m\xd0\xbe"
                                             "del",
                                             &cp, &like),
                     2);
    assert_int_equal(cp, 0x043E);
    assert_int_equal(like, 'o');
    assert_int_equal(pl_keys_first_non_ascii("\xc3\xa9x", &cp, &like), 1);
    assert_int_equal(cp, 0x00E9);
    assert_int_equal(like, '\0');
    assert_int_equal(pl_keys_first_non_ascii("launch", &cp, &like), 0);
    /* Bytes that are not UTF-8 are code points of their own. */
    assert_int_equal(pl_keys_first_non_ascii("a\xff", &cp, &like), 2);
    assert_int_equal(cp, 0xFF);
    /* A suggestion looks through them: "lаunch" with a Cyrillic а is "launch" exactly. */
    assert_ptr_equal(pl_keys_nearest_in(thread_keys, "l\xd0\xb0unch"), &thread_keys[2]);
}

static const char *nearest(const pl_key *table, const char *name)
{
    static char buf[256];
    return pl_keys_nearest(root_keys, table, name, buf, sizeof buf);
}

static void test_nearest(void **state)
{
    (void)state;
    /* In the mapping's own table, written as the full schema path. */
    assert_string_equal(nearest(thread_keys, "lanch"), "dispatch.threads.launch");
    assert_string_equal(nearest(root_keys, "sed"), "seed");
    assert_string_equal(nearest(root_keys, "dispach"), "dispatch");
    /* A key written at the wrong level is found where it belongs. */
    assert_string_equal(nearest(root_keys, "ops"), "dispatch.ops");
    assert_string_equal(nearest(root_keys, "threads"), "dispatch.threads");
    assert_string_equal(nearest(root_keys, "clock"), "machine.device.clock");
    assert_string_equal(nearest(root_keys, "kernel"), "dispatch.ops[].kernel");
    assert_string_equal(nearest(dispatch_keys, "launch"), "dispatch.threads.launch");
    /* ...and misspelt at the wrong level, one mistake away. */
    assert_string_equal(nearest(root_keys, "kernal"), "dispatch.ops[].kernel");
    /* Nothing near. */
    assert_null(nearest(root_keys, "zzzzzz"));
    assert_null(nearest(thread_keys, "workers"));
    assert_null(
        nearest(root_keys, "a-very-long-name-that-is-nothing-like-any-key-in-the-schema-at-all"));
}

static void test_nearest_short_buffer(void **state)
{
    (void)state;
    char buf[8];
    /* The suggestion is truncated to the buffer and terminated. */
    assert_string_equal(pl_keys_nearest(root_keys, thread_keys, "lanch", buf, sizeof buf),
                        "dispatc");
}

static void test_print(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_keys_list(root_keys, NULL, 0, f, &d), 0);
    assert_int_equal(fclose(f), 0);
    /* Columns are as wide as their widest entry (23 for dispatch.threads.resize, 24 for
     * "quantity or distribution", 47 for kernel's units, 9 for "pipelined") and two
     * spaces apart; keys without help end at their default, with no trailing blanks;
     * dispatch.ops[].ops[] is the table of dispatch.ops[] reached again, in one line.
     * A header row names the columns. */
    /* clang-format off */
    assert_string_equal(
        text,
        "KEY                      TYPE                      UNIT                                              DEFAULT    HELP\n"
        "model                    choice                    dispatch|tile                                     required   which pipeline\n"
        "seed                     integer                   -                                                 1          random seed\n"
        "machine                  file or mapping           -                                                 -          the machine\n"
        "machine.device           mapping                   -                                                 -          the device\n"
        "machine.device.clock     quantity                  Hz, kHz, MHz, GHz                                 -          device clock\n"
        "dispatch                 mapping                   -                                                 -          host dispatch\n"
        "dispatch.mode            choice                    serial|pipelined                                  pipelined  how ops are dispatched\n"
        "dispatch.threads         mapping                   -                                                 -          threads per step\n"
        "dispatch.threads.infer   integer                   -                                                 1\n"
        "dispatch.threads.resize  integer                   -                                                 1\n"
        "dispatch.threads.launch  integer                   -                                                 1\n"
        "dispatch.ops[]           list                      -                                                 required   the ops\n"
        "dispatch.ops[].name      string                    -                                                 -          the op's name\n"
        "dispatch.ops[].kernel    quantity or distribution  ns, us, ms, s, or cycles of machine.device.clock  -          device time\n"
        "dispatch.ops[].ops[]     list                      -                                                 -          nested ops (same keys as dispatch.ops[])\n");
    /* clang-format on */
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),       cmocka_unit_test(test_at),
        cmocka_unit_test(test_nearest_in), cmocka_unit_test(test_lookalikes),
        cmocka_unit_test(test_nearest),    cmocka_unit_test(test_nearest_short_buffer),
        cmocka_unit_test(test_print),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
