/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_keypath.c — key paths in their canonical spelling, and the keys of a sweep's --vary
 * compared in it.
 *
 * The expected spellings follow the grammar of keypath.h: "ops.0", "ops[0]" and "ops[00]"
 * name one list item (issue 19: two --vary spellings of one key were taken as two keys,
 * and the CSV said 1 or 50 us while every row simulated 7 us).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/config/keypath.h"
#include "sim/study/sweep_points.h"

#include <string.h>

static void assert_canonical(const char *text, const char *want)
{
    char out[256], why[128] = "";
    size_t bad = 99;
    int rc = pl_keypath_canonical(text, out, sizeof out, &bad, why, sizeof why);
    if (rc != 0)
        fail_msg("'%s' was refused at byte %zu: %s", text, bad, why);
    assert_string_equal(out, want);
}

static void test_canonical(void **state)
{
    (void)state;
    assert_canonical("dispatch.ops[0].kernel", "dispatch.ops[0].kernel");
    assert_canonical("dispatch.ops.0.kernel", "dispatch.ops[0].kernel");
    assert_canonical("dispatch.ops[00].kernel", "dispatch.ops[0].kernel");
    assert_canonical("dispatch.ops.007.ops[12].kernel", "dispatch.ops[7].ops[12].kernel");
    assert_canonical("dispatch.threads.launch", "dispatch.threads.launch");
    assert_canonical("a[1][2]", "a[1][2]");
    /* The first part names a key of the top mapping, never an item. */
    assert_canonical("0.x", "0.x");
    /* Ten digits are no item number (keypath.c takes at most nine): kept as a name. */
    assert_canonical("a.0000000001", "a.0000000001");
}

static void test_canonical_refused(void **state)
{
    (void)state;
    char out[8], why[128];
    size_t bad = 99;
    assert_int_equal(pl_keypath_canonical("a..b", out, sizeof out, &bad, why, sizeof why),
                     PL_EUSAGE);
    assert_string_equal(why, "expected a key name");
    assert_int_equal(bad, 2);
    /* "ab.0" becomes "ab[0]": 6 bytes with the terminator, one more than out has. */
    assert_int_equal(pl_keypath_canonical("ab.0", out, 5, &bad, why, sizeof why), PL_EUSAGE);
    assert_string_equal(why, "key path too long");
    assert_int_equal(pl_keypath_canonical("ab.0", out, 6, &bad, why, sizeof why), 0);
    assert_string_equal(out, "ab[0]");
}

static void test_vary_aliases(void **state)
{
    (void)state;
    pl_sweep_points p;
    pl_sweep_points_init(&p);
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_sweep_points_add(&p, "dispatch.ops.0.kernel=1us,50us", &d), 0);
    /* The CSV column is the canonical spelling; the --vary's own is kept for messages. */
    assert_string_equal(p.axes[0].key, "dispatch.ops[0].kernel");
    assert_string_equal(p.axes[0].spelled, "dispatch.ops.0.kernel");
    const char *aliases[] = {"dispatch.ops[0].kernel=7us", "dispatch.ops[00].kernel=7us",
                             "dispatch.ops.00.kernel=7us"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(pl_sweep_points_add(&p, aliases[i], &d), PL_EUSAGE);
        char want[512];
        size_t n = strcspn(aliases[i], "=");
        snprintf(want, sizeof want,
                 "--vary '%s': dispatch.ops[0].kernel is varied twice, as "
                 "'dispatch.ops.0.kernel' and as '%.*s', which name one key",
                 aliases[i], (int)n, aliases[i]);
        assert_string_equal(d.msg, want);
    }
    assert_int_equal(pl_sweep_points_add(&p, "dispatch.ops.0.kernel=7us", &d), PL_EUSAGE);
    assert_string_equal(d.msg, "--vary 'dispatch.ops.0.kernel=7us': dispatch.ops[0].kernel is "
                               "varied twice");
    assert_int_equal(pl_sweep_points_add(&p, "dispatch..kernel=7us", &d), PL_EUSAGE);
    assert_string_equal(d.msg,
                        "--vary 'dispatch..kernel=7us': expected a key name at byte 10 of the key");
    /* Another item is another key. */
    assert_int_equal(pl_sweep_points_add(&p, "dispatch.ops.1.kernel=7us", &d), 0);
    assert_int_equal(p.naxes, 2);
    assert_int_equal(p.count, 2);
    pl_sweep_points_fini(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_canonical_refused),
        cmocka_unit_test(test_vary_aliases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
