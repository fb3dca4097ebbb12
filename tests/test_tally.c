/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_tally.c — the tally (sim/study/tally.h) that counts the replications' and sweep
 * points' bottlenecks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/study/tally.h"

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
        cmocka_unit_test(test_tally),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
