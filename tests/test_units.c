/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_units.c — parsing every unit, the spellings users write, the texts that
 * must be refused, and formatting.
 *
 * Expected values are the unit definitions themselves (1 us = 1e-6 s, 1 KiB =
 * 1024 B, ...); parsed values are compared with a relative tolerance of 1e-12
 * because "1.5e3 ns" is computed as 1500 * 1e-9 in binary floating point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/common/error.h"
#include "sim/common/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double parse_ok(const char *text, pl_quantity q, double clock_hz)
{
    double v = -1;
    char why[256] = "";
    int rc = pl_units_parse(text, q, clock_hz, &v, why, sizeof why);
    if (rc != 0)
        print_error("'%s' was refused: %s\n", text, why);
    assert_int_equal(rc, 0);
    return v;
}

static void assert_close(double got, double want)
{
    if (fabs(got - want) > 1e-12 * fabs(want))
        print_error("got %.17g, want %.17g\n", got, want);
    assert_true(fabs(got - want) <= 1e-12 * fabs(want));
}

/* Checks that text is refused for q and that the reason says `why`, exactly. */
static void assert_refused(const char *text, pl_quantity q, double clock_hz, const char *why)
{
    double v = 12345;
    char got[512] = "";
    assert_int_equal(pl_units_parse(text, q, clock_hz, &v, got, sizeof got), PL_ECONFIG);
    assert_string_equal(got, why);
    assert_true(v == 12345); /* a refused text leaves the output alone */
}

struct unit_case {
    const char *text;
    pl_quantity q;
    double si;
};

/* Every unit of units.h once, with the SI value its definition gives. */
static const struct unit_case every_unit[] = {
    {"3ns", PL_Q_TIME, 3e-9},
    {"3us", PL_Q_TIME, 3e-6},
    {"3\xc2\xb5s", PL_Q_TIME, 3e-6}, /* MICRO SIGN */
    {"3\xce\xbcs", PL_Q_TIME, 3e-6}, /* GREEK SMALL LETTER MU */
    {"3ms", PL_Q_TIME, 3e-3},
    {"3s", PL_Q_TIME, 3.0},
    {"3B", PL_Q_SIZE, 3.0},
    {"3KB", PL_Q_SIZE, 3e3},
    {"3MB", PL_Q_SIZE, 3e6},
    {"3GB", PL_Q_SIZE, 3e9},
    {"3KiB", PL_Q_SIZE, 3.0 * 1024},
    {"3MiB", PL_Q_SIZE, 3.0 * 1024 * 1024},
    {"3GiB", PL_Q_SIZE, 3.0 * 1024 * 1024 * 1024},
    {"3B/s", PL_Q_BANDWIDTH, 3.0},
    {"3KB/s", PL_Q_BANDWIDTH, 3e3},
    {"3MB/s", PL_Q_BANDWIDTH, 3e6},
    {"3GB/s", PL_Q_BANDWIDTH, 3e9},
    {"3TB/s", PL_Q_BANDWIDTH, 3e12},
    {"3KiB/s", PL_Q_BANDWIDTH, 3.0 * 1024},
    {"3MiB/s", PL_Q_BANDWIDTH, 3.0 * 1024 * 1024},
    {"3GiB/s", PL_Q_BANDWIDTH, 3.0 * 1024 * 1024 * 1024},
    {"3Hz", PL_Q_FREQUENCY, 3.0},
    {"3kHz", PL_Q_FREQUENCY, 3e3},
    {"3MHz", PL_Q_FREQUENCY, 3e6},
    {"3GHz", PL_Q_FREQUENCY, 3e9},
    {"3FLOPS", PL_Q_RATE, 3.0},
    {"3GFLOPS", PL_Q_RATE, 3e9},
    {"3TFLOPS", PL_Q_RATE, 3e12},
};

static void test_every_unit(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof every_unit / sizeof every_unit[0]; i++)
        assert_close(parse_ok(every_unit[i].text, every_unit[i].q, 0), every_unit[i].si);
}

static void test_spellings(void **state)
{
    (void)state;
    /* 12 us = 12e-6 s, however the space and the exponent are written. */
    assert_close(parse_ok("12us", PL_Q_TIME, 0), 12e-6);
    assert_close(parse_ok("12 us", PL_Q_TIME, 0), 12e-6);
    assert_close(parse_ok("12\tus", PL_Q_TIME, 0), 12e-6);
    assert_close(parse_ok("1.2e1 us", PL_Q_TIME, 0), 12e-6);
    assert_close(parse_ok("1.5e3 ns", PL_Q_TIME, 0), 1.5e-6);
    assert_close(parse_ok(".5 s", PL_Q_TIME, 0), 0.5);
    assert_close(parse_ok("+2 ms", PL_Q_TIME, 0), 2e-3);
    /* Negative numbers parse; whether a key allows them is the schema's business. */
    assert_close(parse_ok("-2 ms", PL_Q_TIME, 0), -2e-3);
    assert_true(parse_ok("0 s", PL_Q_TIME, 0) == 0.0);
    /* The examples of units.h. */
    assert_close(parse_ok("2 GiB", PL_Q_SIZE, 0), 2147483648.0);
    assert_close(parse_ok("900 GB/s", PL_Q_BANDWIDTH, 0), 9e11);
    assert_close(parse_ok("1.8 GHz", PL_Q_FREQUENCY, 0), 1.8e9);
    assert_close(parse_ok("40 TFLOPS", PL_Q_RATE, 0), 4e13);
}

static void test_cycles(void **state)
{
    (void)state;
    /* 1500 cycles of a 1.5 GHz clock = 1500 / 1.5e9 s = 1 us. */
    assert_close(parse_ok("1500 cycles", PL_Q_TIME, 1.5e9), 1e-6);
    assert_close(parse_ok("3e3cycles", PL_Q_TIME, 1e9), 3e-6);
    assert_true(pl_units_is_cycles("1500 cycles"));
    assert_true(pl_units_is_cycles("3e3cycles"));
    assert_false(pl_units_is_cycles("1500 us"));
    assert_false(pl_units_is_cycles("cycles"));
    assert_false(pl_units_is_cycles("1500 Cycles"));
    assert_refused("100 cycles", PL_Q_TIME, 0,
                   "a time in ns, us, ms or s, got '100 cycles' (cycles need a clock, and none "
                   "is known)");
    /* A value that can never be in cycles (clock_hz < 0) does not offer them. */
    assert_refused("100", PL_Q_TIME, -1,
                   "a time with a unit (ns, us, ms or s), got '100' (missing unit)");
    /* Cycles measure time only. */
    assert_refused("100 cycles", PL_Q_SIZE, 1e9,
                   "a size with a unit (B, KiB, MiB, GiB, KB, MB, GB), got '100 cycles' (cycles "
                   "is a time, not a size)");
}

/* The limits of units.h, at and just past each end (issue 19: 1e308 s made a makespan inf,
 * 1e-300 B/s a transfer time inf). 0 is always taken; a key's own bound refuses it where it
 * must be > 0. */
static void test_limits(void **state)
{
    (void)state;
    assert_true(parse_ok("1e6 s", PL_Q_TIME, -1) == 1e6);
    assert_true(parse_ok("1e-6 ns", PL_Q_TIME, -1) > 0);
    assert_true(parse_ok("0 s", PL_Q_TIME, -1) == 0);
    assert_close(parse_ok("-5 us", PL_Q_TIME, -1), -5e-6); /* a key's bound refuses it */
    assert_true(parse_ok("0 B/s", PL_Q_BANDWIDTH, -1) == 0);
    assert_true(parse_ok("8388608 GiB", PL_Q_SIZE, -1) == 0x1p53);
    assert_true(parse_ok("1e6 TB/s", PL_Q_BANDWIDTH, -1) == 1e18);
    /* 1e9 cycles at 1 kHz are 1e6 s; one more cycle is past the limit. */
    assert_close(parse_ok("1e9 cycles", PL_Q_TIME, 1e3), 1e6);
    const char *time = "out of range: a time is 0 or from 1e-15 s to 1e6 s";
    struct {
        const char *text;
        pl_quantity q;
        const char *want;
    } past[] = {
        {"1000001 s", PL_Q_TIME, time},
        {"1e308s", PL_Q_TIME, time},
        {"-1e7 s", PL_Q_TIME, time},
        {"1e-7 ns", PL_Q_TIME, time},
        {"1000000001 cycles", PL_Q_TIME, time},
        {"8388609 GiB", PL_Q_SIZE, "out of range: a size is 0 or from 1 B to 2^53 B (8 PiB)"},
        {"0.5 B", PL_Q_SIZE, "out of range: a size is 0 or from 1 B to 2^53 B (8 PiB)"},
        {"1e-300 B/s", PL_Q_BANDWIDTH, "out of range: a bandwidth is from 1 B/s to 1e18 B/s"},
        {"2e6 TB/s", PL_Q_BANDWIDTH, "out of range: a bandwidth is from 1 B/s to 1e18 B/s"},
        {"0.5 Hz", PL_Q_FREQUENCY, "out of range: a frequency is from 1 Hz to 1e15 Hz"},
        {"2e6 GHz", PL_Q_FREQUENCY, "out of range: a frequency is from 1 Hz to 1e15 Hz"},
        {"1e7 TFLOPS", PL_Q_RATE, "out of range: a compute rate is from 1 FLOPS to 1e18 FLOPS"},
    };
    for (size_t i = 0; i < sizeof past / sizeof past[0]; i++) {
        double v = 12345;
        char got[512] = "";
        assert_int_equal(pl_units_parse(past[i].text, past[i].q, 1e3, &v, got, sizeof got),
                         PL_ECONFIG);
        if (!strstr(got, past[i].want))
            fail_msg("'%s': got '%s', expected it to say '%s'", past[i].text, got, past[i].want);
        assert_true(v == 12345);
    }
    double min, max;
    pl_units_limits(PL_Q_TIME, &min, &max);
    assert_true(min == 1e-15 && max == 1e6);
    pl_units_limits(PL_Q_BANDWIDTH, &min, &max);
    assert_true(min == 1 && max == 1e18);
}

static void test_refused(void **state)
{
    (void)state;
    const char *time_units = "a time with a unit (ns, us, ms, s, or cycles of a clock), got ";
    char want[512];
#define REFUSED(text, reason)                                                                      \
    do {                                                                                           \
        snprintf(want, sizeof want, "%s'%s' (%s)", time_units, text, reason);                      \
        assert_refused(text, PL_Q_TIME, 1e9, want);                                                \
    } while (0)
    REFUSED("12", "missing unit");
    REFUSED("12 ", "missing unit");
    REFUSED("12 parsecs", "unknown unit 'parsecs'");
    REFUSED("12 US", "unknown unit 'US'"); /* units are case-sensitive */
    REFUSED("12 us us", "unknown unit 'us us'");
    REFUSED("12 GB", "GB is a size, not a time");
    REFUSED("1e999 s", "number out of range");
    REFUSED("1e-999 s", "number out of range");
    REFUSED("nan s", "not a finite number");
    REFUSED("-nan s", "not a finite number");
    REFUSED("inf s", "not a finite number");
    REFUSED("Infinity s", "not a finite number");
    REFUSED("0x10 s", "not a decimal number");
    REFUSED("-", "not a number");
    REFUSED("", "not a number");
    REFUSED("us", "not a number");
    REFUSED("twelve us", "not a number");
#undef REFUSED
    /* A number too large once scaled: 1e300 TB/s is 1e312 B/s. */
    assert_refused("1e300 TB/s", PL_Q_BANDWIDTH, 0,
                   "a bandwidth with a unit (B/s, KB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s), "
                   "got '1e300 TB/s' (number out of range)");
}

static void test_names(void **state)
{
    (void)state;
    /* The strings of PL_QUANTITIES. */
    assert_string_equal(pl_quantity_name(PL_Q_TIME), "time");
    assert_string_equal(pl_quantity_name(PL_Q_RATE), "compute rate");
    assert_string_equal(pl_quantity_units(PL_Q_FREQUENCY), "Hz, kHz, MHz, GHz");
    assert_null(pl_quantity_name(PL_QUANTITY_COUNT));
    assert_null(pl_quantity_units((pl_quantity)-1));
}

static void assert_format(double v, pl_quantity q, int digits, const char *want)
{
    char buf[64];
    assert_string_equal(pl_units_format(v, q, digits, buf, sizeof buf), want);
}

static void test_format(void **state)
{
    (void)state;
    /* The examples of units.h. */
    assert_format(12e-6, PL_Q_TIME, 4, "12 us");
    assert_format(1.224e-3, PL_Q_TIME, 4, "1.224 ms");
    assert_format(65536, PL_Q_SIZE, 4, "64 KiB");
    assert_format(1.6e12, PL_Q_BANDWIDTH, 4, "1.6 TB/s");
    /* Zero in the base unit. */
    assert_format(0, PL_Q_TIME, 4, "0 s");
    assert_format(0, PL_Q_SIZE, 4, "0 B");
    /* Each time unit, and the ends of the ladder: below 1 ns stays in ns, above 1000 s in s. */
    assert_format(5e-9, PL_Q_TIME, 4, "5 ns");
    assert_format(2.5, PL_Q_TIME, 4, "2.5 s");
    assert_format(5e-10, PL_Q_TIME, 4, "0.5 ns");
    assert_format(3600, PL_Q_TIME, 4, "3600 s");
    assert_format(-12e-6, PL_Q_TIME, 4, "-12 us");
    /* %.*g rounding to 3 digits: 1.2345 ms -> 1.23 ms. */
    assert_format(1.2345e-3, PL_Q_TIME, 3, "1.23 ms");
    /* 999.96 us to 4 digits rounds to 1000 us, which is printed as 1 ms. */
    assert_format(999.96e-6, PL_Q_TIME, 4, "1 ms");
    /* Sizes in binary units: 1023 B stays in B, 1536 B is 1.5 KiB, 3 GiB. */
    assert_format(1023, PL_Q_SIZE, 4, "1023 B");
    assert_format(1536, PL_Q_SIZE, 4, "1.5 KiB");
    assert_format(3.0 * 1024 * 1024 * 1024, PL_Q_SIZE, 4, "3 GiB");
    assert_format(2.5e6, PL_Q_BANDWIDTH, 4, "2.5 MB/s");
    assert_format(1.8e9, PL_Q_FREQUENCY, 4, "1.8 GHz");
    assert_format(4e13, PL_Q_RATE, 4, "40 TFLOPS");
    /* A buffer too small is truncated and terminated. */
    char small[4];
    assert_string_equal(pl_units_format(12e-6, PL_Q_TIME, 4, small, sizeof small), "12 ");
}

static void test_round_trip(void **state)
{
    (void)state;
    /* What format prints, parse reads back (to the digits printed). */
    const double values[] = {3e-9, 12e-6, 1.224e-3, 7.5};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char buf[64];
        pl_units_format(values[i], PL_Q_TIME, 6, buf, sizeof buf);
        assert_close(parse_ok(buf, PL_Q_TIME, 0), values[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_unit), cmocka_unit_test(test_spellings),
        cmocka_unit_test(test_cycles),     cmocka_unit_test(test_refused),
        cmocka_unit_test(test_names),      cmocka_unit_test(test_format),
        cmocka_unit_test(test_round_trip), cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
