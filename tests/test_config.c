/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_config.c — loading scenarios against the test schema (config_schema.h), which
 * mirrors the real one: a machine file, defaults, printing, --set overrides and the ones
 * refused, and files that start from a base file. Every other class of bad input, with its
 * exact message, is in test_config_refused.c.
 *
 * Good scenarios are the YAML files in tests/data/config; the others are written by each
 * test into a scratch directory as s.yaml (and m.yaml for the machine), so that the text
 * and the line:column the message must name sit side by side; in expected messages {S},
 * {M} and {D} stand for the scratch scenario, machine and directory. Columns are counted by
 * hand in the texts, 1-based, in characters.
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
#include <stdlib.h>
#include <sys/stat.h>

/* ---- Helpers --------------------------------------------------------------------- */

#define DATA PL_SOURCE_DIR "/tests/data/config/"

/* The base scenario and machine with the override arg are refused with code and msg. */
static void set_refused(const char *arg, int code, const char *msg)
{
    const char *sets[] = {arg};
    pl_test_refused_with(pl_test_base_scenario, pl_test_base_machine, sets, 1, code, msg);
}

/* The base scenario and machine (config_schema.h), loaded with the overrides. */
static pl_config *load_base_with(const char *const *sets, size_t nsets)
{
    pl_test_write_scratch("s.yaml", pl_test_base_scenario);
    pl_test_write_scratch("m.yaml", pl_test_base_machine);
    char path[4200];
    snprintf(path, sizeof path, "%s/s.yaml", pl_test_scratch());
    return pl_test_load_ok(path, sets, nsets);
}

static const pl_dist *dist_at(const pl_config *c, const char *path)
{
    const pl_node *n = pl_config_get(c, path);
    assert_non_null(n);
    return pl_node_dist(n);
}

static void assert_at(const pl_node *n, const char *file, int line, int col)
{
    const pl_loc *loc = pl_node_loc(n);
    assert_string_equal(loc->file, file);
    assert_int_equal(loc->line, line);
    assert_int_equal(loc->col, col);
}

static char *print_config(const pl_config *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_config_print(c, f, &d), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* ---- Good scenarios ---------------------------------------------------------------- */

static void test_good_values(void **state)
{
    (void)state;
    pl_config *c = pl_test_load_ok(DATA "good.yaml", NULL, 0);
    assert_string_equal(pl_config_file(c), DATA "good.yaml");
    assert_string_equal(pl_config_str(c, "model"), "dispatch");
    /* From the machine file. */
    assert_int_equal(pl_config_int(c, "machine.host.cores"), 4);
    pl_test_assert_close(pl_config_real(c, "machine.host.clock"), 2e9);
    pl_test_assert_close(pl_config_real(c, "machine.device.bandwidth"), 9e11);
    /* As written in good.yaml. */
    assert_string_equal(pl_config_str(c, "dispatch.mode"), "serial");
    assert_int_equal(pl_config_int(c, "dispatch.threads.launch"), 2);
    assert_true(pl_config_bool(c, "dispatch.ops[0].sync"));
    assert_string_equal(pl_config_str(c, "dispatch.ops[0].name"), "matmul");
    assert_int_equal(pl_config_int(c, "dispatch.ops[1].repeat"), 3);
    /* 2000 cycles of the 2 GHz host clock = 1 us; 500 cycles of the 1 GHz device = 0.5 us. */
    const pl_dist *infer = dist_at(c, "dispatch.ops[0].infer");
    assert_int_equal(infer->kind, PL_DIST_FIXED);
    pl_test_assert_close(infer->a, 1e-6);
    pl_test_assert_close(dist_at(c, "dispatch.ops[1].ops[0].kernel")->a, 0.5e-6);
    pl_test_assert_close(dist_at(c, "dispatch.ops[0].resize")->a, 1.5e-6);
    const pl_dist *launch = dist_at(c, "dispatch.ops[0].launch");
    assert_int_equal(launch->kind, PL_DIST_UNIFORM);
    pl_test_assert_close(launch->a, 1e-6);
    pl_test_assert_close(launch->b, 3e-6);
    const pl_dist *kernel = dist_at(c, "dispatch.ops.0.kernel");
    assert_int_equal(kernel->kind, PL_DIST_NORMAL);
    pl_test_assert_close(kernel->a, 10e-6);
    pl_test_assert_close(kernel->b, 1e-6);
    /* The parameters of a distribution are values too. */
    pl_test_assert_close(pl_config_real(c, "dispatch.ops[0].kernel.sd"), 1e-6);
    assert_string_equal(pl_config_str(c, "dispatch.ops[0].kernel.dist"), "normal");
    pl_config_destroy(c);
}

static void test_good_defaults(void **state)
{
    (void)state;
    pl_config *c = pl_test_load_ok(DATA "good.yaml", NULL, 0);
    /* The defaults of the test schema, for keys good.yaml leaves out. */
    assert_int_equal(pl_config_int(c, "seed"), 1);
    pl_test_assert_close(pl_config_real(c, "machine.host.efficiency"), 1.0);
    assert_int_equal(pl_config_int(c, "dispatch.queue_depth"), PL_UNBOUNDED);
    assert_int_equal(pl_config_int(c, "dispatch.threads.infer"), 1);
    assert_int_equal(pl_config_int(c, "dispatch.threads.resize"), 1);
    assert_int_equal(pl_config_int(c, "dispatch.ops[0].repeat"), 1);
    assert_false(pl_config_bool(c, "dispatch.ops[1].sync"));
    /* ...also in the items of nested lists. */
    assert_int_equal(pl_config_int(c, "dispatch.ops[1].ops[0].repeat"), 1);
    assert_false(pl_config_bool(c, "dispatch.ops[1].ops[0].sync"));
    /* No default, not written: absent. The tile section belongs to another model. */
    assert_null(pl_config_get(c, "dispatch.ops[0].ops"));
    assert_null(pl_config_get(c, "tile"));
    assert_null(pl_config_get(c, "dispatch.nope"));
    /* Defaults are located at the mapping they were added to: the root (line 3) and the
     * threads mapping (line 8, column 5). */
    assert_at(pl_config_get(c, "seed"), DATA "good.yaml", 3, 1);
    assert_at(pl_config_get(c, "dispatch.threads.infer"), DATA "good.yaml", 8, 5);
    assert_string_equal(pl_node_path(pl_config_get(c, "dispatch.threads.infer")),
                        "dispatch.threads.infer");
    pl_config_destroy(c);
}

static void test_good_locations(void **state)
{
    (void)state;
    pl_config *c = pl_test_load_ok(DATA "good.yaml", NULL, 0);
    /* The machine keeps the locations of its own file, under the scenario's key. */
    const pl_node *machine = pl_config_get(c, "machine");
    assert_at(machine, DATA "machines/two-ghz.yaml", 2, 1);
    assert_int_equal(pl_node_key_loc(machine)->line, 4);
    assert_string_equal(pl_node_key_loc(machine)->file, DATA "good.yaml");
    assert_at(pl_config_get(c, "machine.host.cores"), DATA "machines/two-ghz.yaml", 3, 10);
    assert_string_equal(pl_node_path(pl_config_get(c, "machine.host.cores")), "machine.host.cores");
    /* "      kernel: {dist: normal, mean: 10us, sd: 1us}": "10us" is column 36. */
    assert_at(pl_config_get(c, "dispatch.ops[0].kernel.mean"), DATA "good.yaml", 14, 36);
    pl_config_destroy(c);
}

static void test_inline_machine(void **state)
{
    (void)state;
    pl_config *c = pl_test_load_ok(DATA "inline.yaml", NULL, 0);
    /* 1000 cycles of the inline 1 GHz host clock = 1 us; cores by default. */
    pl_test_assert_close(dist_at(c, "dispatch.ops[0].infer")->a, 1e-6);
    assert_int_equal(pl_config_int(c, "machine.host.cores"), 1);
    pl_config_destroy(c);
}

static void test_print_round_trip(void **state)
{
    (void)state;
    pl_config *c = pl_test_load_ok(DATA "good.yaml", NULL, 0);
    char *text = print_config(c);
    /* The machine inlined, defaults filled in after the written keys of each mapping in
     * schema order, scalars as written. */
    assert_string_equal(text, "model: dispatch\n"
                              "machine:\n"
                              "  host:\n"
                              "    cores: 4\n"
                              "    clock: 2 GHz\n"
                              "    efficiency: 1.0\n"
                              "  device:\n"
                              "    clock: 1 GHz\n"
                              "    bandwidth: 900 GB/s\n"
                              "dispatch:\n"
                              "  mode: serial\n"
                              "  threads:\n"
                              "    launch: 2\n"
                              "    infer: 1\n"
                              "    resize: 1\n"
                              "  ops:\n"
                              "  - name: matmul\n"
                              "    infer: 2000 cycles\n"
                              "    resize: 1.5us\n"
                              "    launch: {dist: uniform, min: 1us, max: 3us}\n"
                              "    kernel: {dist: normal, mean: 10us, sd: 1us}\n"
                              "    sync: true\n"
                              "    repeat: 1\n"
                              "  - repeat: 3\n"
                              "    ops:\n"
                              "    - {name: add, infer: 1us, resize: 1us, launch: 1us, kernel: 500 "
                              "cycles, sync: false, repeat: 1}\n"
                              "    sync: false\n"
                              "  queue_depth: unbounded\n"
                              "seed: 1\n");
    /* Loaded again, the printed configuration is the same tree and prints the same. */
    char path[4200];
    snprintf(path, sizeof path, "%s/printed.yaml", pl_test_scratch());
    pl_test_write_file(path, text);
    pl_config *again = pl_test_load_ok(path, NULL, 0);
    assert_true(pl_node_equal(pl_config_root(c), pl_config_root(again)));
    char *text2 = print_config(again);
    assert_string_equal(text, text2);
    free(text2);
    free(text);
    pl_config_destroy(again);
    pl_config_destroy(c);
}

/* ---- --set ---------------------------------------------------------------------- */

static void test_set(void **state)
{
    (void)state;
    const char *sets[] = {
        "seed=7",                                                     /* a scalar */
        "dispatch.threads.launch=3",                                  /* nested, map created */
        "dispatch.ops[0].kernel={dist: normal, mean: 10us, sd: 1us}", /* a distribution */
        "dispatch.ops.0.name=renamed",                                /* an item, dotted */
        "dispatch.queue_depth=4",                                     /* absent: created */
        "machine.device.bandwidth=1 TB/s",                            /* into the machine file */
        "machine.host.cores=2",
        "machine.host.cores=8", /* the last one wins */
    };
    pl_config *c = load_base_with(sets, sizeof sets / sizeof sets[0]);
    assert_int_equal(pl_config_int(c, "seed"), 7);
    assert_int_equal(pl_config_int(c, "dispatch.threads.launch"), 3);
    assert_int_equal(pl_config_int(c, "dispatch.threads.infer"), 1);
    const pl_dist *k = dist_at(c, "dispatch.ops[0].kernel");
    assert_int_equal(k->kind, PL_DIST_NORMAL);
    pl_test_assert_close(k->a, 10e-6);
    pl_test_assert_close(k->b, 1e-6);
    assert_string_equal(pl_config_str(c, "dispatch.ops[0].name"), "renamed");
    assert_int_equal(pl_config_int(c, "dispatch.queue_depth"), 4);
    pl_test_assert_close(pl_config_real(c, "machine.device.bandwidth"), 1e12);
    assert_int_equal(pl_config_int(c, "machine.host.cores"), 8);
    /* A set value is located in its argument: "seed=7" has the value at column 6. */
    assert_at(pl_config_get(c, "seed"), "--set 'seed=7'", 1, 6);
    assert_int_equal(pl_node_key_loc(pl_config_get(c, "seed"))->col, 1);
    /* "dispatch.ops[0].kernel=" is 23 characters, and "mean" 15 more into the value. */
    assert_at(pl_config_get(c, "dispatch.ops[0].kernel.mean"),
              "--set 'dispatch.ops[0].kernel={dist: normal, mean: 10us, sd: 1us}'", 1, 45);
    pl_config_destroy(c);
}

static void test_set_item_and_machine(void **state)
{
    (void)state;
    char machine_arg[4200];
    snprintf(machine_arg, sizeof machine_arg, "machine=%s", DATA "machines/two-ghz.yaml");
    const char *sets[] = {
        "dispatch.ops[0]={name: z, kernel: 3000 cycles}", /* a whole item */
        machine_arg, /* another machine file, relative to the working directory */
    };
    pl_config *c = load_base_with(sets, 2);
    assert_string_equal(pl_config_str(c, "dispatch.ops[0].name"), "z");
    assert_null(pl_config_get(c, "dispatch.ops[0].infer"));
    assert_false(pl_config_bool(c, "dispatch.ops[0].sync"));
    /* 3000 cycles of two-ghz.yaml's 1 GHz device clock. */
    pl_test_assert_close(dist_at(c, "dispatch.ops[0].kernel")->a, 3e-6);
    pl_test_assert_close(pl_config_real(c, "machine.device.bandwidth"), 9e11);
    pl_config_destroy(c);
}

static void test_set_creates(void **state)
{
    (void)state;
    /* A scenario without dispatch and machine: --set builds both. */
    pl_test_write_scratch("s.yaml", "model: dispatch\n");
    char path[4200];
    snprintf(path, sizeof path, "%s/s.yaml", pl_test_scratch());
    const char *sets[] = {"dispatch.ops=[{name: x, kernel: 1500 cycles}]",
                          "machine.device.clock=1.5 GHz"};
    pl_config *c = pl_test_load_ok(path, sets, 2);
    /* 1500 cycles / 1.5 GHz = 1 us. */
    pl_test_assert_close(dist_at(c, "dispatch.ops[0].kernel")->a, 1e-6);
    assert_string_equal(pl_config_str(c, "dispatch.mode"), "pipelined");
    pl_config_destroy(c);
}

static void test_set_refused(void **state)
{
    (void)state;
    set_refused("seed", PL_EUSAGE,
                "--set 'seed':1:5: key 'seed': expected KEY=VALUE (e.g. "
                "dispatch.threads.launch=2), got no '='");
    /* "dispatch.ops[" is 13 characters: the 5 is column 14. */
    set_refused("dispatch.ops[5].kernel=1us", PL_EUSAGE,
                "--set 'dispatch.ops[5].kernel=1us':1:14: key 'dispatch.ops[5]': no such item; "
                "dispatch.ops has 1 item(s), numbered from 0");
    set_refused("dispatch.ops.3=1us", PL_EUSAGE,
                "--set 'dispatch.ops.3=1us':1:14: key 'dispatch.ops.3': no such item; "
                "dispatch.ops has 1 item(s), numbered from 0");
    set_refused("dispatch.ops.x.name=a", PL_EUSAGE,
                "--set 'dispatch.ops.x.name=a':1:14: key 'dispatch.ops.x': dispatch.ops is a "
                "list; expected an item number, got 'x'");
    set_refused("dispatch[0]=1", PL_EUSAGE,
                "--set 'dispatch[0]=1':1:10: key 'dispatch[0]': dispatch is a mapping, not a "
                "list; expected a key name");
    set_refused("dispatch..mode=serial", PL_EUSAGE,
                "--set 'dispatch..mode=serial':1:10: expected a key name in the key path "
                "'dispatch..mode'");
    set_refused("=5", PL_EUSAGE, "--set '=5':1:1: expected a key name in the key path ''");
    /* "dispatch.ops[0].name." is 21 characters: x is column 22. */
    set_refused("dispatch.ops[0].name.x=1", PL_ECONFIG,
                "--set 'dispatch.ops[0].name.x=1':1:22: key 'dispatch.ops[0].name.x': "
                "dispatch.ops[0].name holds a value ('a'), not a mapping or a list");
}

static void test_set_bad_value(void **state)
{
    (void)state;
    /* The value starts after "seed=", at column 6. */
    set_refused("seed=abc", PL_ECONFIG,
                "--set 'seed=abc':1:6: key 'seed': expected an integer, got 'abc'");
    /* 23 characters of key and '=', then "{dist: normal, mean: 10us, sd: " (31): column 55. */
    set_refused("dispatch.ops[0].kernel={dist: normal, mean: 10us, sd: -1us}", PL_ECONFIG,
                "--set 'dispatch.ops[0].kernel={dist: normal, mean: 10us, sd: -1us}':1:55: key "
                "'dispatch.ops[0].kernel.sd': expected an sd >= 0, got '-1us'");
    /* libyaml finds the flow sequence unfinished at the end of the text, column 9: the end
     * of "seed=[1,". */
    set_refused("seed=[1,", PL_EPARSE,
                "--set 'seed=[1,':1:9: malformed YAML: did not find expected node content "
                "while parsing a flow node (which started at line 1, column 9)");
    /* Unknown keys are found by validation, at the key's part of the argument. */
    set_refused("dispatch.threads.lanch=2", PL_ECONFIG,
                "--set 'dispatch.threads.lanch=2':1:18: key 'dispatch.threads.lanch': unknown "
                "key (did you mean 'dispatch.threads.launch'?); expected one of: infer, resize, "
                "launch");
    set_refused("machine=nope.yaml", PL_EIO,
                "--set 'machine=nope.yaml':1:1: key 'machine': cannot read 'nope.yaml': No such "
                "file or directory");
}

/* ---- Files and base files ------------------------------------------------------- */

static void test_files(void **state)
{
    (void)state;
    pl_diag d;
    pl_diag_init(&d);
    pl_config *c = NULL;
    char path[4200], want[4400];
    snprintf(path, sizeof path, "%s/absent.yaml", pl_test_scratch());
    assert_int_equal(pl_config_load(path, NULL, 0, pl_test_schema, &c, &d), PL_EIO);
    assert_null(c);
    snprintf(want, sizeof want, "%s: cannot read: No such file or directory", path);
    assert_string_equal(d.msg, want);
    /* A missing machine file is reported at the `machine` key, with the path resolved
     * against the scenario's directory. */
    PL_TEST_REFUSED(
        "model: dispatch\nmachine: nope.yaml\ndispatch:\n  ops: []\n", PL_EIO,
        "{S}:2:1: key 'machine': cannot read '{D}/nope.yaml': No such file or directory");
    pl_test_refused_with(pl_test_base_scenario, "- host\n", NULL, 0, PL_EPARSE,
                         "{M}:1:1: expected a mapping of keys to values at the top, got a list");
    pl_test_refused_with(
        pl_test_base_scenario, "host: [\n", NULL, 0, PL_EPARSE,
        "{M}:2:1: malformed YAML: did not find expected node content while parsing a "
        "flow node (which started at line 2, column 1)");
}

/* A file that starts from another (`base`) has the other's keys, with its own in their
 * place: mappings merge key by key, lists and values are replaced whole, and the base's
 * own file names are read relative to the base. */
static void test_base(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s/sub", pl_test_scratch());
    assert_int_equal(mkdir(path, 0700), 0);
    pl_test_write_scratch("sub/m.yaml", "host: {cores: 4, clock: 2 GHz}\ndevice: {clock: 1 GHz}\n");
    pl_test_write_scratch("sub/base.yaml", "model: dispatch\nseed: 7\nmachine: m.yaml\ndispatch:\n"
                                           "  mode: serial\n  threads: {infer: 2, launch: 3}\n"
                                           "  ops: [{kernel: 1us}, {kernel: 2us}]\n");
    pl_test_write_scratch("m2.yaml", "base: sub/m.yaml\nhost: {cores: 2}\n");
    pl_test_write_scratch("s.yaml", "base: sub/base.yaml\nmachine: m2.yaml\ndispatch:\n"
                                    "  threads: {launch: 1}\n  ops: [{kernel: 5us}]\n");
    snprintf(path, sizeof path, "%s/s.yaml", pl_test_scratch());
    pl_config *c = pl_test_load_ok(path, NULL, 0);
    assert_int_equal(pl_config_int(c, "seed"), 7);                      /* from the base */
    assert_string_equal(pl_config_str(c, "dispatch.mode"), "serial");   /* from the base */
    assert_int_equal(pl_config_int(c, "dispatch.threads.infer"), 2);    /* merged mapping */
    assert_int_equal(pl_config_int(c, "dispatch.threads.launch"), 1);   /* written here */
    assert_int_equal(pl_node_len(pl_config_get(c, "dispatch.ops")), 1); /* a list: replaced */
    pl_test_assert_close(dist_at(c, "dispatch.ops[0].kernel")->a, 5e-6);
    assert_int_equal(pl_config_int(c, "machine.host.cores"), 2);        /* m2 over sub/m */
    pl_test_assert_close(pl_config_real(c, "machine.host.clock"), 2e9); /* from sub/m */
    pl_test_assert_close(pl_config_real(c, "machine.device.clock"), 1e9);
    assert_null(pl_config_get(c, "base"));
    assert_null(pl_config_get(c, "machine.base"));
    pl_config_destroy(c);
    /* A --set may name a base too; what the tree already says wins. */
    const char *sets[] = {"machine.base=" PL_SOURCE_DIR "/tests/data/config/machines/two-ghz.yaml"};
    pl_test_write_scratch("s.yaml",
                          "model: dispatch\nmachine: {host: {cores: 3}}\ndispatch: {ops: []}\n");
    c = pl_test_load_ok(path, sets, 1);
    assert_int_equal(pl_config_int(c, "machine.host.cores"), 3);
    pl_test_assert_close(pl_config_real(c, "machine.device.bandwidth"), 9e11);
    pl_config_destroy(c);
}

/* Files that name each other in a cycle, through `base` or an include, are refused with
 * the files of the cycle in order; so is a base that is not a file name. */
static void test_base_cycle(void **state)
{
    (void)state;
    pl_test_write_scratch("a.yaml", "base: b.yaml\nhost: {cores: 2}\n");
    pl_test_write_scratch("b.yaml", "base: a.yaml\n");
    PL_TEST_REFUSED(
        "model: dispatch\nmachine: a.yaml\ndispatch: {ops: []}\n", PL_ECONFIG,
        "{D}/b.yaml:1:1: key 'base': the files name each other in a cycle: {D}/a.yaml -> "
        "{D}/b.yaml -> {D}/a.yaml");
    PL_TEST_REFUSED("base: s.yaml\nmodel: dispatch\n", PL_ECONFIG,
                    "{S}:1:1: key 'base': the files name each other in a cycle: {S} -> {S}");
    PL_TEST_REFUSED("model: dispatch\nmachine: {base: [a.yaml]}\n", PL_ECONFIG,
                    "{S}:2:11: key 'machine.base': expected the name of a YAML file to start from");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_values),
        cmocka_unit_test(test_good_defaults),
        cmocka_unit_test(test_good_locations),
        cmocka_unit_test(test_inline_machine),
        cmocka_unit_test(test_print_round_trip),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_set_item_and_machine),
        cmocka_unit_test(test_set_creates),
        cmocka_unit_test(test_set_refused),
        cmocka_unit_test(test_set_bad_value),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_base),
        cmocka_unit_test(test_base_cycle),
    };
    return cmocka_run_group_tests(tests, pl_test_scratch_make, pl_test_scratch_remove);
}
