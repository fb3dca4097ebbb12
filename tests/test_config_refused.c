/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_config_refused.c — every class of bad input to the loader, one test each, with its
 * exact message: unknown keys, missing units, wrong types, values out of range or not
 * finite, bad enumerations and distributions, cycles without a clock, missing required
 * keys, sections of another model and malformed YAML. Scenarios are loaded against the test
 * schema (config_schema.h), which mirrors the real one.
 *
 * Each test writes its scenario into a scratch directory as s.yaml (and m.yaml for the
 * machine), so that the text and the line:column the message must name sit side by side;
 * in expected messages {S}, {M} and {D} stand for the scratch scenario, machine and
 * directory. Columns are counted by hand in the texts, 1-based, in characters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config_schema.h"
#include "support.h"

#include "sim/config/config.h"

#include <stdio.h>

/* ---- Bad scenarios, one class each ------------------------------------------------ */

static void test_unknown_key(void **state)
{
    (void)state;
    PL_TEST_REFUSED("model: dispatch\n"
                    "dispatch:\n"
                    "  threads:\n"
                    "    lanch: 2\n"
                    "  ops: []\n",
                    PL_ECONFIG,
                    "{S}:4:5: key 'dispatch.threads.lanch': unknown key (did you mean "
                    "'dispatch.threads.launch'?); expected one of: infer, resize, launch");
    /* A key of a section written at the top. */
    PL_TEST_REFUSED(
        "model: dispatch\n"
        "ops: []\n",
        PL_ECONFIG,
        "{S}:2:1: key 'ops': unknown key (did you mean 'dispatch.ops'?); expected one of: "
        "model, seed, machine, dispatch, tile, base");
    /* In a list item the suggestion keeps the item number. */
    PL_TEST_REFUSED(
        "model: dispatch\n"
        "dispatch:\n"
        "  ops:\n"
        "    - name: a\n"
        "    - name: b\n"
        "      kernal: 1us\n",
        PL_ECONFIG,
        "{S}:6:7: key 'dispatch.ops[1].kernal': unknown key (did you mean "
        "'dispatch.ops[1].kernel'?); expected one of: name, infer, resize, launch, kernel, "
        "sync, repeat, ops");
    PL_TEST_REFUSED(
        "model: dispatch\n"
        "bogus_thing: 1\n",
        PL_ECONFIG,
        "{S}:2:1: key 'bogus_thing': unknown key; expected one of: model, seed, machine, "
        "dispatch, tile, base");
    /* In the machine file, at its location there. */
    pl_test_refused_with(pl_test_base_scenario, "host:\n  cors: 4\n", NULL, 0, PL_ECONFIG,
                         "{M}:2:3: key 'machine.host.cors': unknown key (did you mean "
                         "'machine.host.cores'?); expected one of: cores, clock, efficiency");
}

/* A key that is not ASCII says so, with the letter it looks like; at the top, an unknown key
 * is reported before the model it may be a misspelling of is found missing (issue 19:
 * "mоdel" with a Cyrillic о, U+043E, said "required key is missing"). */
static void test_unknown_key_not_ascii(void **state)
{
    (void)state;
    PL_TEST_REFUSED("m\xd0\xbe"
                    "del: dispatch\ndispatch: {ops: []}\n",
                    PL_ECONFIG,
                    "{S}:1:1: key 'm\xd0\xbe"
                    "del': unknown key (not ASCII: U+043E at byte 2 "
                    "looks like 'o'; did you mean 'model'?); expected one of: model, seed, "
                    "machine, dispatch, tile, base");
    PL_TEST_REFUSED("model: dispatch\ndispatch:\n  ops:\n    - \xc3\xa9: 1\n", PL_ECONFIG,
                    "{S}:4:7: key 'dispatch.ops[0].\xc3\xa9': unknown key (not ASCII: U+00E9 at "
                    "byte 1); expected one of: name, infer, resize, launch, kernel, sync, repeat, "
                    "ops");
}

static void test_missing_unit(void **state)
{
    (void)state;
    /* "    - kernel: 12": the value is column 15. */
    PL_TEST_REFUSED(
        "model: dispatch\n"
        "dispatch:\n"
        "  ops:\n"
        "    - kernel: 12\n",
        PL_ECONFIG,
        "{S}:4:15: key 'dispatch.ops[0].kernel': expected a time with a unit (ns, us, ms, s, "
        "or cycles of a clock), got '12' (missing unit)");
    pl_test_refused_with(
        pl_test_base_scenario, "device:\n  bandwidth: 900\n", NULL, 0, PL_ECONFIG,
        "{M}:2:14: key 'machine.device.bandwidth': expected a bandwidth with a unit "
        "(B/s, KB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s), got '900' (missing unit)");
}

static void test_wrong_type(void **state)
{
    (void)state;
    PL_TEST_REFUSED("model: dispatch\nseed: abc\n", PL_ECONFIG,
                    "{S}:2:7: key 'seed': expected an integer, got 'abc'");
    PL_TEST_REFUSED("model: dispatch\nseed: 2.5\n", PL_ECONFIG,
                    "{S}:2:7: key 'seed': expected an integer, got '2.5'");
    PL_TEST_REFUSED("model: dispatch\nseed: 2us\n", PL_ECONFIG,
                    "{S}:2:7: key 'seed': expected an integer, got '2us'");
    PL_TEST_REFUSED("model: dispatch\nseed: unbounded\n", PL_ECONFIG,
                    "{S}:2:7: key 'seed': expected an integer, got 'unbounded'");
    PL_TEST_REFUSED("model: dispatch\ndispatch:\n  threads: 3\n  ops: []\n", PL_ECONFIG,
                    "{S}:3:12: key 'dispatch.threads': expected a mapping, got '3'");
    PL_TEST_REFUSED("model: dispatch\ndispatch:\n  ops: {a: 1}\n", PL_ECONFIG,
                    "{S}:3:8: key 'dispatch.ops': expected a list of mappings, got a mapping");
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  ops: [3]\n", PL_ECONFIG,
        "{S}:3:9: key 'dispatch.ops[0]': expected a mapping (an item of dispatch.ops), got "
        "'3'");
    PL_TEST_REFUSED("model: dispatch\ndispatch:\n  ops:\n    - sync: yes\n", PL_ECONFIG,
                    "{S}:4:13: key 'dispatch.ops[0].sync': expected true or false, got 'yes'");
    PL_TEST_REFUSED("model: dispatch\ndispatch:\n  ops:\n    - name: {a: 1}\n", PL_ECONFIG,
                    "{S}:4:13: key 'dispatch.ops[0].name': expected a string, got a mapping");
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  ops:\n    - kernel: [1us]\n", PL_ECONFIG,
        "{S}:4:15: key 'dispatch.ops[0].kernel': expected a time >= 0 with a unit (ns, us, "
        "ms, s, or cycles of a clock) or a distribution such as {dist: normal, mean: ..., "
        "sd: ...}, got a list");
    PL_TEST_REFUSED(
        "model: dispatch\nmachine: [a]\n", PL_ECONFIG,
        "{S}:2:10: key 'machine': expected a mapping or the name of a YAML file, got a list");
    pl_test_refused_with(
        pl_test_base_scenario, "host:\n  efficiency: high\n", NULL, 0, PL_ECONFIG,
        "{M}:2:15: key 'machine.host.efficiency': expected a number >= 0, got 'high'");
    pl_test_refused_with(
        pl_test_base_scenario, "host:\n  clock: 2 GB\n", NULL, 0, PL_ECONFIG,
        "{M}:2:10: key 'machine.host.clock': expected a frequency with a unit (Hz, kHz, "
        "MHz, GHz), got '2 GB' (GB is a size, not a frequency)");
}

static void test_out_of_range(void **state)
{
    (void)state;
    /* Negative where >= 0: "    - infer: -1us", the value at column 14. */
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  ops:\n    - infer: -1us\n", PL_ECONFIG,
        "{S}:4:14: key 'dispatch.ops[0].infer': expected a time >= 0 with a unit (ns, us, "
        "ms, s, or cycles of a clock) or a distribution such as {dist: normal, mean: ..., "
        "sd: ...}, got '-1us'");
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  queue_depth: -1\n  ops: []\n", PL_ECONFIG,
        "{S}:3:16: key 'dispatch.queue_depth': expected an integer >= 0 or 'unbounded', got "
        "'-1'");
    pl_test_refused_with(
        pl_test_base_scenario, "host:\n  efficiency: -0.5\n", NULL, 0, PL_ECONFIG,
        "{M}:2:15: key 'machine.host.efficiency': expected a number >= 0, got '-0.5'");
    /* Zero where > 0. */
    PL_TEST_REFUSED("model: dispatch\ndispatch:\n  threads:\n    launch: 0\n  ops: []\n",
                    PL_ECONFIG,
                    "{S}:4:13: key 'dispatch.threads.launch': expected an integer > 0, got '0'");
    PL_TEST_REFUSED("model: dispatch\ndispatch:\n  ops:\n    - repeat: 0\n", PL_ECONFIG,
                    "{S}:4:15: key 'dispatch.ops[0].repeat': expected an integer > 0, got '0'");
    pl_test_refused_with(pl_test_base_scenario, "host:\n  cores: 0\n", NULL, 0, PL_ECONFIG,
                         "{M}:2:10: key 'machine.host.cores': expected an integer > 0, got '0'");
    pl_test_refused_with(
        pl_test_base_scenario, "device:\n  clock: 0 GHz\n", NULL, 0, PL_ECONFIG,
        "{M}:2:10: key 'machine.device.clock': expected a frequency > 0 with a unit (Hz, "
        "kHz, MHz, GHz), got '0 GHz'");
    /* A count over 2^31 - 1 (PL_KEY_INT_MAX), unless the key is PL_KEY_WIDE like a seed. */
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  threads:\n    launch: 2147483648\n  ops: []\n", PL_ECONFIG,
        "{S}:4:13: key 'dispatch.threads.launch': expected an integer > 0, got '2147483648' "
        "(more than 2147483647, the largest count pipelab takes)");
    pl_test_write_scratch("s.yaml",
                          "model: dispatch\nseed: 9223372036854775807\ndispatch: {ops: []}\n");
    char path[4200];
    snprintf(path, sizeof path, "%s/s.yaml", pl_test_scratch());
    pl_config *c = pl_test_load_ok(path, NULL, 0);
    assert_true(pl_config_int(c, "seed") == 9223372036854775807LL);
    pl_config_destroy(c);
    /* Too large for a long long, or for a double. */
    PL_TEST_REFUSED("model: dispatch\nseed: 99999999999999999999\n", PL_ECONFIG,
                    "{S}:2:7: key 'seed': expected an integer, got '99999999999999999999' (out of "
                    "range)");
    pl_test_refused_with(
        pl_test_base_scenario, "host:\n  efficiency: 1e999\n", NULL, 0, PL_ECONFIG,
        "{M}:2:15: key 'machine.host.efficiency': expected a number >= 0, got '1e999' "
        "(out of range)");
}

static void test_not_finite(void **state)
{
    (void)state;
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  ops:\n    - kernel: nan us\n", PL_ECONFIG,
        "{S}:4:15: key 'dispatch.ops[0].kernel': expected a time with a unit (ns, us, ms, s, "
        "or cycles of a clock), got 'nan us' (not a finite number)");
    /* "    - kernel: {dist: normal, mean: inf us, sd: 1us}": '{' at 15, "inf" 21 later. */
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  ops:\n    - kernel: {dist: normal, mean: inf us, sd: "
        "1us}\n",
        PL_ECONFIG,
        "{S}:4:36: key 'dispatch.ops[0].kernel.mean': expected a time with a unit (ns, us, "
        "ms, s, or cycles of a clock), got 'inf us' (not a finite number)");
    pl_test_refused_with(
        pl_test_base_scenario, "host:\n  efficiency: nan\n", NULL, 0, PL_ECONFIG,
        "{M}:2:15: key 'machine.host.efficiency': expected a number >= 0, got 'nan'");
    pl_test_refused_with(
        pl_test_base_scenario, "host:\n  efficiency: .inf\n", NULL, 0, PL_ECONFIG,
        "{M}:2:15: key 'machine.host.efficiency': expected a number >= 0, got '.inf'");
    PL_TEST_REFUSED("model: dispatch\nseed: .nan\n", PL_ECONFIG,
                    "{S}:2:7: key 'seed': expected an integer, got '.nan'");
}

/* Finite but absurd values, which made makespans inf and speedups nan (issue 19): the limits
 * are those of units.h (a time 0 or 1e-15 s to 1e6 s, a frequency 1 Hz to 1e15 Hz) and of
 * validate_scalar.c (a number 0 or 1e-15 to 1e18). */
static void test_absurd(void **state)
{
    (void)state;
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  ops:\n    - kernel: 1e308s\n", PL_ECONFIG,
        "{S}:4:15: key 'dispatch.ops[0].kernel': expected a time with a unit (ns, us, ms, s, "
        "or cycles of a clock), got '1e308s' (out of range: a time is 0 or from 1e-15 s to "
        "1e6 s)");
    /* Past the limit by a little: 1e6 s is taken, 1000001 s is not. */
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  ops:\n    - kernel: 1000001 s\n", PL_ECONFIG,
        "{S}:4:15: key 'dispatch.ops[0].kernel': expected a time with a unit (ns, us, ms, s, "
        "or cycles of a clock), got '1000001 s' (out of range: a time is 0 or from 1e-15 s to "
        "1e6 s)");
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  ops:\n    - kernel: 1e-300 s\n", PL_ECONFIG,
        "{S}:4:15: key 'dispatch.ops[0].kernel': expected a time with a unit (ns, us, ms, s, "
        "or cycles of a clock), got '1e-300 s' (out of range: a time is 0 or from 1e-15 s to "
        "1e6 s)");
    pl_test_refused_with(
        pl_test_base_scenario, "device:\n  clock: 1e-300 GHz\n", NULL, 0, PL_ECONFIG,
        "{M}:2:10: key 'machine.device.clock': expected a frequency with a unit (Hz, kHz, MHz, "
        "GHz), got '1e-300 GHz' (out of range: a frequency is from 1 Hz to 1e15 Hz)");
    pl_test_refused_with(
        pl_test_base_scenario, "host:\n  efficiency: 1e300\n", NULL, 0, PL_ECONFIG,
        "{M}:2:15: key 'machine.host.efficiency': expected a number >= 0, got '1e300' "
        "(out of range: a number is 0 or from 1e-15 to 1e18)");
    /* A distribution's parameters are times like any other. */
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  ops:\n    - kernel: {dist: gamma, mean: 1ns, sd: "
        "1e200 s}\n",
        PL_ECONFIG,
        "{S}:4:44: key 'dispatch.ops[0].kernel.sd': expected a time with a unit (ns, us, ms, "
        "s, or cycles of a clock), got '1e200 s' (out of range: a time is 0 or from 1e-15 s to "
        "1e6 s)");
}

/* Control characters in a string or a key, which forged lines of a child's report or
 * reached the terminal raw (issue 19): refused where they are written, shown escaped. */
static void test_control_characters(void **state)
{
    (void)state;
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  ops:\n    - name: \"a\\nb\"\n", PL_ECONFIG,
        "{S}:4:13: key 'dispatch.ops[0].name': expected a string without control characters "
        "(bytes below 0x20, or 0x7f), got 'a\\nb' (byte 2 is 0x0a)");
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  ops:\n    - name: \"\\e[2J\\x7f\"\n", PL_ECONFIG,
        "{S}:4:13: key 'dispatch.ops[0].name': expected a string without control characters "
        "(bytes below 0x20, or 0x7f), got '\\x1b[2J\\x7f' (byte 1 is 0x1b)");
    /* A key: at the top the message names no key path, since the key is what is wrong. */
    PL_TEST_REFUSED("model: dispatch\n\"x\\ty\": 1\n", PL_ECONFIG,
                    "{S}:2:1: expected a key without control characters (bytes below 0x20, or "
                    "0x7f), got 'x\\ty' (byte 2 is 0x09)");
    /* A tab inside a value is a control character; around it YAML takes it as a blank. */
    PL_TEST_REFUSED("model: dispatch\ndispatch:\n  ops:\n    - kernel: \"1\\tus\"\n", PL_ECONFIG,
                    "{S}:4:15: key 'dispatch.ops[0].kernel': expected a quantity without control "
                    "characters (bytes below 0x20, or 0x7f), got '1\\tus' (byte 2 is 0x09)");
}

static void test_bad_enum(void **state)
{
    (void)state;
    PL_TEST_REFUSED("model: dispatch\ndispatch:\n  mode: fast\n  ops: []\n", PL_ECONFIG,
                    "{S}:3:9: key 'dispatch.mode': expected one of: serial, pipelined; got 'fast'");
    PL_TEST_REFUSED("model: stream\n", PL_ECONFIG,
                    "{S}:1:8: key 'model': expected one of: dispatch, tile; got 'stream'");
}

static void test_bad_distribution(void **state)
{
    (void)state;
#define OP "model: dispatch\ndispatch:\n  ops:\n    - kernel: "
    /* '{' is column 15 in every case below. */
    PL_TEST_REFUSED(OP "{dist: poisson, mean: 1us}\n", PL_ECONFIG,
                    "{S}:4:22: key 'dispatch.ops[0].kernel.dist': expected a distribution: fixed, "
                    "normal, lognormal, exponential, uniform or gamma; got 'poisson'");
    PL_TEST_REFUSED(
        OP "{mean: 10us}\n", PL_ECONFIG,
        "{S}:4:15: key 'dispatch.ops[0].kernel': a distribution needs 'dist: NAME' (fixed, "
        "normal, lognormal, exponential, uniform or gamma)");
    PL_TEST_REFUSED(OP "{dist: normal, mean: 10us}\n", PL_ECONFIG,
                    "{S}:4:15: key 'dispatch.ops[0].kernel': distribution 'normal' needs 'sd' (its "
                    "parameters: mean, sd)");
    /* The extra key "sd" is 31 characters after '{'. */
    PL_TEST_REFUSED(OP "{dist: exponential, mean: 1us, sd: 1us}\n", PL_ECONFIG,
                    "{S}:4:46: key 'dispatch.ops[0].kernel.sd': not a parameter of distribution "
                    "'exponential'; expected: dist, mean");
    PL_TEST_REFUSED(OP "{dist: normal, mean: 0us, sd: 1us}\n", PL_ECONFIG,
                    "{S}:4:36: key 'dispatch.ops[0].kernel.mean': expected a mean > 0, got '0us'");
    PL_TEST_REFUSED(OP "{dist: gamma, mean: 1us, sd: -1us}\n", PL_ECONFIG,
                    "{S}:4:44: key 'dispatch.ops[0].kernel.sd': expected an sd >= 0, got '-1us'");
    PL_TEST_REFUSED(
        OP "{dist: uniform, min: 3us, max: 2us}\n", PL_ECONFIG,
        "{S}:4:46: key 'dispatch.ops[0].kernel.max': expected a max > min (3us), got '2us'");
    PL_TEST_REFUSED(OP "{dist: uniform, min: -1us, max: 2us}\n", PL_ECONFIG,
                    "{S}:4:36: key 'dispatch.ops[0].kernel.min': expected a min >= 0, got '-1us'");
    PL_TEST_REFUSED(
        OP "{dist: fixed, value: -1us}\n", PL_ECONFIG,
        "{S}:4:36: key 'dispatch.ops[0].kernel.value': expected a value >= 0, got '-1us'");
    PL_TEST_REFUSED(
        OP "{dist: normal, mean: 10, sd: 1us}\n", PL_ECONFIG,
        "{S}:4:36: key 'dispatch.ops[0].kernel.mean': expected a time with a unit (ns, us, "
        "ms, s, or cycles of a clock), got '10' (missing unit)");
    PL_TEST_REFUSED(
        OP "{dist: normal, mean: [1us], sd: 1us}\n", PL_ECONFIG,
        "{S}:4:36: key 'dispatch.ops[0].kernel.mean': expected a time >= 0 with a unit (ns, "
        "us, ms, s, or cycles of a clock), got a list");
#undef OP
}

static void test_cycles_without_clock(void **state)
{
    (void)state;
    /* machine.device.clock is not set: the message names the key to set. */
    pl_test_refused_with(
        "model: dispatch\nmachine: m.yaml\ndispatch:\n  ops:\n    - kernel: 100 cycles\n",
        "host:\n  clock: 2 GHz\n", NULL, 0, PL_ECONFIG,
        "{S}:5:15: key 'dispatch.ops[0].kernel': '100 cycles' counts cycles of "
        "machine.device.clock, which is not set; set machine.device.clock (e.g. 1.5 "
        "GHz) or write the time in ns, us, ms or s");
    /* The clock is checked when the cycles need it, even before its own turn comes. */
    pl_test_refused_with(
        "model: dispatch\ndispatch:\n  ops:\n    - kernel: 100 cycles\nmachine: m.yaml\n",
        "device:\n  clock: fast\n", NULL, 0, PL_ECONFIG,
        "{M}:2:10: key 'machine.device.clock': expected a frequency with a unit (Hz, "
        "kHz, MHz, GHz), got 'fast' (not a number)");
}

/* Clocks with a default, without a bound, missing from a key, or not a frequency: cases the
 * test schema (config_schema.c) has none of. */
static const pl_key clock_schema[] = {
    {.name = "clk", .type = PL_KEY_QUANTITY, .quantity = PL_Q_FREQUENCY, .deflt = "2 GHz"},
    {.name = "t", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .clock = "clk"},
    {.name = "free", .type = PL_KEY_RANDOM, .quantity = PL_Q_TIME},
    {.name = "odd", .type = PL_KEY_QUANTITY, .quantity = PL_Q_TIME, .clock = "t"},
    {0},
};

static void test_clock_cases(void **state)
{
    (void)state;
    /* clk is absent: its default, 2 GHz, counts the cycles; 500 / 2e9 s = 0.25 us. */
    pl_test_write_scratch("s.yaml", "t: 500 cycles\n");
    char path[4200];
    snprintf(path, sizeof path, "%s/s.yaml", pl_test_scratch());
    pl_diag d;
    pl_diag_init(&d);
    pl_config *c = NULL;
    assert_int_equal(pl_config_load(path, NULL, 0, clock_schema, &c, &d), 0);
    pl_test_assert_close(pl_config_real(c, "t"), 0.25e-6);
    pl_test_assert_close(pl_config_real(c, "clk"), 2e9); /* and the default is filled in */
    pl_config_destroy(c);
    /* A clock of 0 Hz counts nothing: reported at the clock. */
    pl_test_refused_in(clock_schema, "clk: 0 Hz\nt: 5 cycles\n", NULL, NULL, 0, PL_ECONFIG,
                       "{S}:1:6: key 'clk': expected a frequency > 0 to count the cycles of 't' (5 "
                       "cycles), got '0 Hz'");
    pl_test_refused_in(
        clock_schema, "free: 5 cycles\n", NULL, NULL, 0, PL_ECONFIG,
        "{S}:1:7: key 'free': expected a time in ns, us, ms or s, got '5 cycles' (this "
        "key has no clock to count cycles of)");
    pl_test_refused_in(
        clock_schema, "odd: 5 cycles\n", NULL, NULL, 0, PL_ECONFIG,
        "{S}:1:6: key 'odd': the schema says this key counts cycles of t, which is not a "
        "frequency key");
    /* Without a clock the units offered leave cycles out. */
    pl_test_refused_in(
        clock_schema, "free: 5\n", NULL, NULL, 0, PL_ECONFIG,
        "{S}:1:7: key 'free': expected a time with a unit (ns, us, ms or s), got '5' "
        "(missing unit)");
}

static void test_missing_required(void **state)
{
    (void)state;
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch:\n  mode: serial\n", PL_ECONFIG,
        "{S}:3:3: key 'dispatch.ops': required key is missing; expected a list of mappings");
    /* The selected model's section is checked even when absent, at the top. */
    PL_TEST_REFUSED(
        "model: dispatch\n", PL_ECONFIG,
        "{S}:1:1: key 'dispatch.ops': required key is missing; expected a list of mappings");
    PL_TEST_REFUSED("model: tile\n", PL_ECONFIG,
                    "{S}:1:1: key 'tile.count': required key is missing; expected an integer > 0");
    PL_TEST_REFUSED(
        "seed: 3\n", PL_ECONFIG,
        "{S}:1:1: key 'model': required key is missing; expected one of: dispatch, tile");
}

static void test_section_of_other_model(void **state)
{
    (void)state;
    PL_TEST_REFUSED(
        "model: dispatch\ntile:\n  count: 2\ndispatch:\n  ops: []\n", PL_ECONFIG,
        "{S}:2:1: key 'tile': section 'tile' belongs to model tile, but this scenario says "
        "model: dispatch");
    /* The other way round, the selected section may be absent when nothing is required. */
    PL_TEST_REFUSED(
        "model: tile\ntile:\n  count: 2\ndispatch:\n  ops: []\n", PL_ECONFIG,
        "{S}:4:1: key 'dispatch': section 'dispatch' belongs to model dispatch, but this "
        "scenario says model: tile");
}

static void test_malformed(void **state)
{
    (void)state;
    PL_TEST_REFUSED(
        "model: dispatch\ndispatch: [\n", PL_EPARSE,
        "{S}:3:1: malformed YAML: did not find expected node content while parsing a flow "
        "node (which started at line 3, column 1)");
    PL_TEST_REFUSED("model: dispatch\ndispatch: &d\n  ops: []\n", PL_EPARSE,
                    "{S}:2:11: key 'dispatch': anchors and aliases are not supported; use repeat");
    PL_TEST_REFUSED("model: dispatch\nmodel: tile\n", PL_EPARSE,
                    "{S}:2:1: key 'model': duplicate key (first written at line 1, column 1)");
    PL_TEST_REFUSED("- model\n", PL_EPARSE,
                    "{S}:1:1: expected a mapping of keys to values at the top, got a list");
    PL_TEST_REFUSED("model: dispatch\n---\nmodel: tile\n", PL_EPARSE,
                    "{S}:2:1: more than one YAML document; expected one (remove the '---')");
    PL_TEST_REFUSED("model: dispatch\nseed: \xff\n", PL_EPARSE,
                    "{S}:2:7: byte 0xFF is not UTF-8; expected UTF-8 text");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_unknown_key_not_ascii),
        cmocka_unit_test(test_missing_unit),
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_not_finite),
        cmocka_unit_test(test_absurd),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_bad_enum),
        cmocka_unit_test(test_bad_distribution),
        cmocka_unit_test(test_cycles_without_clock),
        cmocka_unit_test(test_clock_cases),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_section_of_other_model),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, pl_test_scratch_make, pl_test_scratch_remove);
}
