/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_config.c — loading scenarios against a test schema that mirrors the
 * real one: a machine file, defaults, --set overrides, and every class of bad
 * input with its exact message.
 *
 * Good scenarios are the YAML files in tests/data/config. Bad ones are written by each test
 * into a scratch directory as s.yaml (and m.yaml for the machine), so that the
 * text and the line:column the message must name sit side by side; in expected
 * messages {S}, {M} and {D} stand for the scratch scenario, machine and
 * directory. Columns are counted by hand in the texts, 1-based, in characters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- The test schema ----------------------------------------------------------- */

static const pl_key op_keys[9];

static const pl_key op_keys[9] = {
    {.name = "name", .type = PL_KEY_STRING, .help = "the op's name"},
    {.name = "infer",
     .type = PL_KEY_RANDOM,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG,
     .clock = "machine.host.clock",
     .help = "InferShape time"},
    {.name = "resize",
     .type = PL_KEY_RANDOM,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG,
     .clock = "machine.host.clock",
     .help = "Resize time"},
    {.name = "launch",
     .type = PL_KEY_RANDOM,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG,
     .clock = "machine.host.clock",
     .help = "Launch time"},
    {.name = "kernel",
     .type = PL_KEY_RANDOM,
     .quantity = PL_Q_TIME,
     .flags = PL_KEY_NONNEG,
     .clock = "machine.device.clock",
     .help = "kernel time"},
    {.name = "sync", .type = PL_KEY_BOOL, .deflt = "false", .help = "waits for the device"},
    {.name = "repeat",
     .type = PL_KEY_INT,
     .flags = PL_KEY_POSITIVE,
     .deflt = "1",
     .help = "times in a row"},
    {.name = "ops", .type = PL_KEY_LIST, .children = op_keys, .help = "a group's ops"},
    {0},
};

static const pl_key thread_keys[] = {
    {.name = "infer", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1"},
    {.name = "resize", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1"},
    {.name = "launch", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1"},
    {0},
};

static const pl_key dispatch_keys[] = {
    {.name = "mode", .type = PL_KEY_ENUM, .choices = "serial|pipelined", .deflt = "pipelined"},
    {.name = "queue_depth",
     .type = PL_KEY_INT,
     .flags = PL_KEY_NONNEG | PL_KEY_UNBOUNDED,
     .deflt = "unbounded"},
    {.name = "threads", .type = PL_KEY_MAP, .children = thread_keys},
    {.name = "ops", .type = PL_KEY_LIST, .flags = PL_KEY_REQUIRED, .children = op_keys},
    {0},
};

static const pl_key host_keys[] = {
    {.name = "cores", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE, .deflt = "1"},
    {.name = "clock",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_FREQUENCY,
     .flags = PL_KEY_POSITIVE},
    {.name = "efficiency", .type = PL_KEY_REAL, .flags = PL_KEY_NONNEG, .deflt = "1.0"},
    {0},
};

static const pl_key device_keys[] = {
    {.name = "clock",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_FREQUENCY,
     .flags = PL_KEY_POSITIVE},
    {.name = "bandwidth",
     .type = PL_KEY_QUANTITY,
     .quantity = PL_Q_BANDWIDTH,
     .flags = PL_KEY_POSITIVE},
    {0},
};

static const pl_key machine_keys[] = {
    {.name = "base", .type = PL_KEY_BASE},
    {.name = "host", .type = PL_KEY_MAP, .children = host_keys},
    {.name = "device", .type = PL_KEY_MAP, .children = device_keys},
    {0},
};

static const pl_key tile_keys[] = {
    {.name = "count", .type = PL_KEY_INT, .flags = PL_KEY_POSITIVE | PL_KEY_REQUIRED},
    {0},
};

static const pl_key schema[] = {
    {.name = "model", .type = PL_KEY_ENUM, .flags = PL_KEY_REQUIRED, .choices = "dispatch|tile"},
    {.name = "seed", .type = PL_KEY_INT, .flags = PL_KEY_WIDE, .deflt = "1"},
    {.name = "machine", .type = PL_KEY_INCLUDE, .children = machine_keys},
    {.name = "dispatch", .type = PL_KEY_MAP, .flags = PL_KEY_SECTION, .children = dispatch_keys},
    {.name = "tile", .type = PL_KEY_MAP, .flags = PL_KEY_SECTION, .children = tile_keys},
    {.name = "base", .type = PL_KEY_BASE},
    {0},
};

/* ---- Helpers --------------------------------------------------------------------- */

#define DATA PL_SOURCE_DIR "/tests/data/config/"

static char *scratch; /* the scratch directory of this run */

static int make_scratch(void **state)
{
    (void)state;
    scratch = pl_test_mkdtemp();
    return 0;
}

static int remove_scratch(void **state)
{
    (void)state;
    pl_test_rmtree(scratch);
    free(scratch);
    return 0;
}

static pl_config *load_ok(const char *path, const char *const *sets, size_t nsets)
{
    pl_diag d;
    pl_diag_init(&d);
    pl_config *c = NULL;
    int rc = pl_config_load(path, sets, nsets, schema, &c, &d);
    if (rc)
        print_error("%s\n", d.msg);
    assert_int_equal(rc, 0);
    assert_non_null(c);
    return c;
}

/* Replaces {S}, {M} and {D} in a message by the scratch paths. */
static void expand(const char *msg, char *out, size_t len)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = msg; *p && n + 1 < len; p++) {
        const char *file = strncmp(p, "{S}", 3) == 0   ? "s.yaml"
                           : strncmp(p, "{M}", 3) == 0 ? "m.yaml"
                           : strncmp(p, "{D}", 3) == 0 ? ""
                                                       : NULL;
        if (file) {
            n += (size_t)snprintf(out + n, len - n, "%s%s%s", scratch, *file ? "/" : "", file);
            p += 2;
        } else {
            out[n++] = *p;
            out[n] = '\0';
        }
    }
}

static void write_scratch(const char *name, const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    remove(path);
    if (text)
        pl_test_write_file(path, text);
}

/* Loads scenario text (with machine text as m.yaml, when given) against schema `keys` and
 * checks that it fails with code and exactly the message msg. */
static void refused_in(const pl_key *keys, const char *scenario, const char *machine,
                       const char *const *sets, size_t nsets, int code, const char *msg)
{
    write_scratch("s.yaml", scenario);
    write_scratch("m.yaml", machine);
    char path[4200], want[PL_DIAG_MAX];
    snprintf(path, sizeof path, "%s/s.yaml", scratch);
    expand(msg, want, sizeof want);
    pl_diag d;
    pl_diag_init(&d);
    pl_config *c = NULL;
    int rc = pl_config_load(path, sets, nsets, keys, &c, &d);
    if (rc != code || strcmp(d.msg, want) != 0)
        print_error("got %d \"%s\"\nwant %d \"%s\"\n", rc, d.msg, code, want);
    assert_int_equal(rc, code);
    assert_string_equal(d.msg, want);
    assert_null(c);
}

static void refused_with(const char *scenario, const char *machine, const char *const *sets,
                         size_t nsets, int code, const char *msg)
{
    refused_in(schema, scenario, machine, sets, nsets, code, msg);
}

#define REFUSED(scenario, code, msg) refused_with(scenario, NULL, NULL, 0, code, msg)

/* A good scenario and machine that the --set tests change. */
static const char *const base_scenario = "model: dispatch\n"
                                         "machine: m.yaml\n"
                                         "dispatch:\n"
                                         "  ops:\n"
                                         "    - {name: a, infer: 1us, resize: 1us, launch: 1us, "
                                         "kernel: 10us}\n";
static const char *const base_machine = "host:\n"
                                        "  cores: 4\n"
                                        "  clock: 2 GHz\n"
                                        "device:\n"
                                        "  clock: 1 GHz\n";

static void set_refused(const char *arg, int code, const char *msg)
{
    const char *sets[] = {arg};
    refused_with(base_scenario, base_machine, sets, 1, code, msg);
}

static pl_config *load_base_with(const char *const *sets, size_t nsets)
{
    write_scratch("s.yaml", base_scenario);
    write_scratch("m.yaml", base_machine);
    char path[4200];
    snprintf(path, sizeof path, "%s/s.yaml", scratch);
    return load_ok(path, sets, nsets);
}

static void assert_close(double got, double want)
{
    if (!(got <= want * (1 + 1e-12) && got >= want * (1 - 1e-12)))
        print_error("got %.17g, want %.17g\n", got, want);
    assert_true(got <= want * (1 + 1e-12) && got >= want * (1 - 1e-12));
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
    pl_config *c = load_ok(DATA "good.yaml", NULL, 0);
    assert_string_equal(pl_config_file(c), DATA "good.yaml");
    assert_string_equal(pl_config_str(c, "model"), "dispatch");
    /* From the machine file. */
    assert_int_equal(pl_config_int(c, "machine.host.cores"), 4);
    assert_close(pl_config_real(c, "machine.host.clock"), 2e9);
    assert_close(pl_config_real(c, "machine.device.bandwidth"), 9e11);
    /* As written in good.yaml. */
    assert_string_equal(pl_config_str(c, "dispatch.mode"), "serial");
    assert_int_equal(pl_config_int(c, "dispatch.threads.launch"), 2);
    assert_true(pl_config_bool(c, "dispatch.ops[0].sync"));
    assert_string_equal(pl_config_str(c, "dispatch.ops[0].name"), "matmul");
    assert_int_equal(pl_config_int(c, "dispatch.ops[1].repeat"), 3);
    /* 2000 cycles of the 2 GHz host clock = 1 us; 500 cycles of the 1 GHz device = 0.5 us. */
    const pl_dist *infer = dist_at(c, "dispatch.ops[0].infer");
    assert_int_equal(infer->kind, PL_DIST_FIXED);
    assert_close(infer->a, 1e-6);
    assert_close(dist_at(c, "dispatch.ops[1].ops[0].kernel")->a, 0.5e-6);
    assert_close(dist_at(c, "dispatch.ops[0].resize")->a, 1.5e-6);
    const pl_dist *launch = dist_at(c, "dispatch.ops[0].launch");
    assert_int_equal(launch->kind, PL_DIST_UNIFORM);
    assert_close(launch->a, 1e-6);
    assert_close(launch->b, 3e-6);
    const pl_dist *kernel = dist_at(c, "dispatch.ops.0.kernel");
    assert_int_equal(kernel->kind, PL_DIST_NORMAL);
    assert_close(kernel->a, 10e-6);
    assert_close(kernel->b, 1e-6);
    /* The parameters of a distribution are values too. */
    assert_close(pl_config_real(c, "dispatch.ops[0].kernel.sd"), 1e-6);
    assert_string_equal(pl_config_str(c, "dispatch.ops[0].kernel.dist"), "normal");
    pl_config_destroy(c);
}

static void test_good_defaults(void **state)
{
    (void)state;
    pl_config *c = load_ok(DATA "good.yaml", NULL, 0);
    /* The defaults of the test schema, for keys good.yaml leaves out. */
    assert_int_equal(pl_config_int(c, "seed"), 1);
    assert_close(pl_config_real(c, "machine.host.efficiency"), 1.0);
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
    pl_config *c = load_ok(DATA "good.yaml", NULL, 0);
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
    pl_config *c = load_ok(DATA "inline.yaml", NULL, 0);
    /* 1000 cycles of the inline 1 GHz host clock = 1 us; cores by default. */
    assert_close(dist_at(c, "dispatch.ops[0].infer")->a, 1e-6);
    assert_int_equal(pl_config_int(c, "machine.host.cores"), 1);
    pl_config_destroy(c);
}

static void test_print_round_trip(void **state)
{
    (void)state;
    pl_config *c = load_ok(DATA "good.yaml", NULL, 0);
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
    snprintf(path, sizeof path, "%s/printed.yaml", scratch);
    pl_test_write_file(path, text);
    pl_config *again = load_ok(path, NULL, 0);
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
    assert_close(k->a, 10e-6);
    assert_close(k->b, 1e-6);
    assert_string_equal(pl_config_str(c, "dispatch.ops[0].name"), "renamed");
    assert_int_equal(pl_config_int(c, "dispatch.queue_depth"), 4);
    assert_close(pl_config_real(c, "machine.device.bandwidth"), 1e12);
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
    assert_close(dist_at(c, "dispatch.ops[0].kernel")->a, 3e-6);
    assert_close(pl_config_real(c, "machine.device.bandwidth"), 9e11);
    pl_config_destroy(c);
}

static void test_set_creates(void **state)
{
    (void)state;
    /* A scenario without dispatch and machine: --set builds both. */
    write_scratch("s.yaml", "model: dispatch\n");
    char path[4200];
    snprintf(path, sizeof path, "%s/s.yaml", scratch);
    const char *sets[] = {"dispatch.ops=[{name: x, kernel: 1500 cycles}]",
                          "machine.device.clock=1.5 GHz"};
    pl_config *c = load_ok(path, sets, 2);
    /* 1500 cycles / 1.5 GHz = 1 us. */
    assert_close(dist_at(c, "dispatch.ops[0].kernel")->a, 1e-6);
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

/* ---- Bad scenarios, one class each ------------------------------------------------ */

static void test_unknown_key(void **state)
{
    (void)state;
    REFUSED("model: dispatch\n"
            "dispatch:\n"
            "  threads:\n"
            "    lanch: 2\n"
            "  ops: []\n",
            PL_ECONFIG,
            "{S}:4:5: key 'dispatch.threads.lanch': unknown key (did you mean "
            "'dispatch.threads.launch'?); expected one of: infer, resize, launch");
    /* A key of a section written at the top. */
    REFUSED("model: dispatch\n"
            "ops: []\n",
            PL_ECONFIG,
            "{S}:2:1: key 'ops': unknown key (did you mean 'dispatch.ops'?); expected one of: "
            "model, seed, machine, dispatch, tile, base");
    /* In a list item the suggestion keeps the item number. */
    REFUSED("model: dispatch\n"
            "dispatch:\n"
            "  ops:\n"
            "    - name: a\n"
            "    - name: b\n"
            "      kernal: 1us\n",
            PL_ECONFIG,
            "{S}:6:7: key 'dispatch.ops[1].kernal': unknown key (did you mean "
            "'dispatch.ops[1].kernel'?); expected one of: name, infer, resize, launch, kernel, "
            "sync, repeat, ops");
    REFUSED("model: dispatch\n"
            "bogus_thing: 1\n",
            PL_ECONFIG,
            "{S}:2:1: key 'bogus_thing': unknown key; expected one of: model, seed, machine, "
            "dispatch, tile, base");
    /* In the machine file, at its location there. */
    refused_with(base_scenario, "host:\n  cors: 4\n", NULL, 0, PL_ECONFIG,
                 "{M}:2:3: key 'machine.host.cors': unknown key (did you mean "
                 "'machine.host.cores'?); expected one of: cores, clock, efficiency");
}

static void test_missing_unit(void **state)
{
    (void)state;
    /* "    - kernel: 12": the value is column 15. */
    REFUSED("model: dispatch\n"
            "dispatch:\n"
            "  ops:\n"
            "    - kernel: 12\n",
            PL_ECONFIG,
            "{S}:4:15: key 'dispatch.ops[0].kernel': expected a time with a unit (ns, us, ms, s, "
            "or cycles of a clock), got '12' (missing unit)");
    refused_with(base_scenario, "device:\n  bandwidth: 900\n", NULL, 0, PL_ECONFIG,
                 "{M}:2:14: key 'machine.device.bandwidth': expected a bandwidth with a unit "
                 "(B/s, KB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s), got '900' (missing unit)");
}

static void test_wrong_type(void **state)
{
    (void)state;
    REFUSED("model: dispatch\nseed: abc\n", PL_ECONFIG,
            "{S}:2:7: key 'seed': expected an integer, got 'abc'");
    REFUSED("model: dispatch\nseed: 2.5\n", PL_ECONFIG,
            "{S}:2:7: key 'seed': expected an integer, got '2.5'");
    REFUSED("model: dispatch\nseed: 2us\n", PL_ECONFIG,
            "{S}:2:7: key 'seed': expected an integer, got '2us'");
    REFUSED("model: dispatch\nseed: unbounded\n", PL_ECONFIG,
            "{S}:2:7: key 'seed': expected an integer, got 'unbounded'");
    REFUSED("model: dispatch\ndispatch:\n  threads: 3\n  ops: []\n", PL_ECONFIG,
            "{S}:3:12: key 'dispatch.threads': expected a mapping, got '3'");
    REFUSED("model: dispatch\ndispatch:\n  ops: {a: 1}\n", PL_ECONFIG,
            "{S}:3:8: key 'dispatch.ops': expected a list of mappings, got a mapping");
    REFUSED("model: dispatch\ndispatch:\n  ops: [3]\n", PL_ECONFIG,
            "{S}:3:9: key 'dispatch.ops[0]': expected a mapping (an item of dispatch.ops), got "
            "'3'");
    REFUSED("model: dispatch\ndispatch:\n  ops:\n    - sync: yes\n", PL_ECONFIG,
            "{S}:4:13: key 'dispatch.ops[0].sync': expected true or false, got 'yes'");
    REFUSED("model: dispatch\ndispatch:\n  ops:\n    - name: {a: 1}\n", PL_ECONFIG,
            "{S}:4:13: key 'dispatch.ops[0].name': expected a string, got a mapping");
    REFUSED("model: dispatch\ndispatch:\n  ops:\n    - kernel: [1us]\n", PL_ECONFIG,
            "{S}:4:15: key 'dispatch.ops[0].kernel': expected a time >= 0 with a unit (ns, us, "
            "ms, s, or cycles of a clock) or a distribution such as {dist: normal, mean: ..., "
            "sd: ...}, got a list");
    REFUSED("model: dispatch\nmachine: [a]\n", PL_ECONFIG,
            "{S}:2:10: key 'machine': expected a mapping or the name of a YAML file, got a list");
    refused_with(base_scenario, "host:\n  efficiency: high\n", NULL, 0, PL_ECONFIG,
                 "{M}:2:15: key 'machine.host.efficiency': expected a number >= 0, got 'high'");
    refused_with(base_scenario, "host:\n  clock: 2 GB\n", NULL, 0, PL_ECONFIG,
                 "{M}:2:10: key 'machine.host.clock': expected a frequency with a unit (Hz, kHz, "
                 "MHz, GHz), got '2 GB' (GB is a size, not a frequency)");
}

static void test_out_of_range(void **state)
{
    (void)state;
    /* Negative where >= 0: "    - infer: -1us", the value at column 14. */
    REFUSED("model: dispatch\ndispatch:\n  ops:\n    - infer: -1us\n", PL_ECONFIG,
            "{S}:4:14: key 'dispatch.ops[0].infer': expected a time >= 0 with a unit (ns, us, "
            "ms, s, or cycles of a clock) or a distribution such as {dist: normal, mean: ..., "
            "sd: ...}, got '-1us'");
    REFUSED("model: dispatch\ndispatch:\n  queue_depth: -1\n  ops: []\n", PL_ECONFIG,
            "{S}:3:16: key 'dispatch.queue_depth': expected an integer >= 0 or 'unbounded', got "
            "'-1'");
    refused_with(base_scenario, "host:\n  efficiency: -0.5\n", NULL, 0, PL_ECONFIG,
                 "{M}:2:15: key 'machine.host.efficiency': expected a number >= 0, got '-0.5'");
    /* Zero where > 0. */
    REFUSED("model: dispatch\ndispatch:\n  threads:\n    launch: 0\n  ops: []\n", PL_ECONFIG,
            "{S}:4:13: key 'dispatch.threads.launch': expected an integer > 0, got '0'");
    REFUSED("model: dispatch\ndispatch:\n  ops:\n    - repeat: 0\n", PL_ECONFIG,
            "{S}:4:15: key 'dispatch.ops[0].repeat': expected an integer > 0, got '0'");
    refused_with(base_scenario, "host:\n  cores: 0\n", NULL, 0, PL_ECONFIG,
                 "{M}:2:10: key 'machine.host.cores': expected an integer > 0, got '0'");
    refused_with(base_scenario, "device:\n  clock: 0 GHz\n", NULL, 0, PL_ECONFIG,
                 "{M}:2:10: key 'machine.device.clock': expected a frequency > 0 with a unit (Hz, "
                 "kHz, MHz, GHz), got '0 GHz'");
    /* A count over 2^31 - 1 (PL_KEY_INT_MAX), unless the key is PL_KEY_WIDE like a seed. */
    REFUSED("model: dispatch\ndispatch:\n  threads:\n    launch: 2147483648\n  ops: []\n",
            PL_ECONFIG,
            "{S}:4:13: key 'dispatch.threads.launch': expected an integer > 0, got '2147483648' "
            "(more than 2147483647, the largest count pipelab takes)");
    write_scratch("s.yaml", "model: dispatch\nseed: 9223372036854775807\ndispatch: {ops: []}\n");
    char path[4200];
    snprintf(path, sizeof path, "%s/s.yaml", scratch);
    pl_config *c = load_ok(path, NULL, 0);
    assert_true(pl_config_int(c, "seed") == 9223372036854775807LL);
    pl_config_destroy(c);
    /* Too large for a long long, or for a double. */
    REFUSED("model: dispatch\nseed: 99999999999999999999\n", PL_ECONFIG,
            "{S}:2:7: key 'seed': expected an integer, got '99999999999999999999' (out of "
            "range)");
    refused_with(base_scenario, "host:\n  efficiency: 1e999\n", NULL, 0, PL_ECONFIG,
                 "{M}:2:15: key 'machine.host.efficiency': expected a number >= 0, got '1e999' "
                 "(out of range)");
}

static void test_not_finite(void **state)
{
    (void)state;
    REFUSED("model: dispatch\ndispatch:\n  ops:\n    - kernel: nan us\n", PL_ECONFIG,
            "{S}:4:15: key 'dispatch.ops[0].kernel': expected a time with a unit (ns, us, ms, s, "
            "or cycles of a clock), got 'nan us' (not a finite number)");
    /* "    - kernel: {dist: normal, mean: inf us, sd: 1us}": '{' at 15, "inf" 21 later. */
    REFUSED("model: dispatch\ndispatch:\n  ops:\n    - kernel: {dist: normal, mean: inf us, sd: "
            "1us}\n",
            PL_ECONFIG,
            "{S}:4:36: key 'dispatch.ops[0].kernel.mean': expected a time with a unit (ns, us, "
            "ms, s, or cycles of a clock), got 'inf us' (not a finite number)");
    refused_with(base_scenario, "host:\n  efficiency: nan\n", NULL, 0, PL_ECONFIG,
                 "{M}:2:15: key 'machine.host.efficiency': expected a number >= 0, got 'nan'");
    refused_with(base_scenario, "host:\n  efficiency: .inf\n", NULL, 0, PL_ECONFIG,
                 "{M}:2:15: key 'machine.host.efficiency': expected a number >= 0, got '.inf'");
    REFUSED("model: dispatch\nseed: .nan\n", PL_ECONFIG,
            "{S}:2:7: key 'seed': expected an integer, got '.nan'");
}

static void test_bad_enum(void **state)
{
    (void)state;
    REFUSED("model: dispatch\ndispatch:\n  mode: fast\n  ops: []\n", PL_ECONFIG,
            "{S}:3:9: key 'dispatch.mode': expected one of: serial, pipelined; got 'fast'");
    REFUSED("model: stream\n", PL_ECONFIG,
            "{S}:1:8: key 'model': expected one of: dispatch, tile; got 'stream'");
}

static void test_bad_distribution(void **state)
{
    (void)state;
#define OP "model: dispatch\ndispatch:\n  ops:\n    - kernel: "
    /* '{' is column 15 in every case below. */
    REFUSED(OP "{dist: poisson, mean: 1us}\n", PL_ECONFIG,
            "{S}:4:22: key 'dispatch.ops[0].kernel.dist': expected a distribution: fixed, "
            "normal, lognormal, exponential, uniform or gamma; got 'poisson'");
    REFUSED(OP "{mean: 10us}\n", PL_ECONFIG,
            "{S}:4:15: key 'dispatch.ops[0].kernel': a distribution needs 'dist: NAME' (fixed, "
            "normal, lognormal, exponential, uniform or gamma)");
    REFUSED(OP "{dist: normal, mean: 10us}\n", PL_ECONFIG,
            "{S}:4:15: key 'dispatch.ops[0].kernel': distribution 'normal' needs 'sd' (its "
            "parameters: mean, sd)");
    /* The extra key "sd" is 31 characters after '{'. */
    REFUSED(OP "{dist: exponential, mean: 1us, sd: 1us}\n", PL_ECONFIG,
            "{S}:4:46: key 'dispatch.ops[0].kernel.sd': not a parameter of distribution "
            "'exponential'; expected: dist, mean");
    REFUSED(OP "{dist: normal, mean: 0us, sd: 1us}\n", PL_ECONFIG,
            "{S}:4:36: key 'dispatch.ops[0].kernel.mean': expected a mean > 0, got '0us'");
    REFUSED(OP "{dist: gamma, mean: 1us, sd: -1us}\n", PL_ECONFIG,
            "{S}:4:44: key 'dispatch.ops[0].kernel.sd': expected an sd >= 0, got '-1us'");
    REFUSED(OP "{dist: uniform, min: 3us, max: 2us}\n", PL_ECONFIG,
            "{S}:4:46: key 'dispatch.ops[0].kernel.max': expected a max > min (3us), got '2us'");
    REFUSED(OP "{dist: uniform, min: -1us, max: 2us}\n", PL_ECONFIG,
            "{S}:4:36: key 'dispatch.ops[0].kernel.min': expected a min >= 0, got '-1us'");
    REFUSED(OP "{dist: fixed, value: -1us}\n", PL_ECONFIG,
            "{S}:4:36: key 'dispatch.ops[0].kernel.value': expected a value >= 0, got '-1us'");
    REFUSED(OP "{dist: normal, mean: 10, sd: 1us}\n", PL_ECONFIG,
            "{S}:4:36: key 'dispatch.ops[0].kernel.mean': expected a time with a unit (ns, us, "
            "ms, s, or cycles of a clock), got '10' (missing unit)");
    REFUSED(OP "{dist: normal, mean: [1us], sd: 1us}\n", PL_ECONFIG,
            "{S}:4:36: key 'dispatch.ops[0].kernel.mean': expected a time >= 0 with a unit (ns, "
            "us, ms, s, or cycles of a clock), got a list");
#undef OP
}

static void test_cycles_without_clock(void **state)
{
    (void)state;
    /* machine.device.clock is not set: the message names the key to set. */
    refused_with("model: dispatch\nmachine: m.yaml\ndispatch:\n  ops:\n    - kernel: 100 cycles\n",
                 "host:\n  clock: 2 GHz\n", NULL, 0, PL_ECONFIG,
                 "{S}:5:15: key 'dispatch.ops[0].kernel': '100 cycles' counts cycles of "
                 "machine.device.clock, which is not set; set machine.device.clock (e.g. 1.5 "
                 "GHz) or write the time in ns, us, ms or s");
    /* The clock is checked when the cycles need it, even before its own turn comes. */
    refused_with("model: dispatch\ndispatch:\n  ops:\n    - kernel: 100 cycles\nmachine: m.yaml\n",
                 "device:\n  clock: fast\n", NULL, 0, PL_ECONFIG,
                 "{M}:2:10: key 'machine.device.clock': expected a frequency with a unit (Hz, "
                 "kHz, MHz, GHz), got 'fast' (not a number)");
}

/* Clocks with a default, without a bound, missing from a key, or not a frequency: cases the
 * test schema above has none of. */
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
    write_scratch("s.yaml", "t: 500 cycles\n");
    char path[4200];
    snprintf(path, sizeof path, "%s/s.yaml", scratch);
    pl_diag d;
    pl_diag_init(&d);
    pl_config *c = NULL;
    assert_int_equal(pl_config_load(path, NULL, 0, clock_schema, &c, &d), 0);
    assert_close(pl_config_real(c, "t"), 0.25e-6);
    assert_close(pl_config_real(c, "clk"), 2e9); /* and the default is filled in */
    pl_config_destroy(c);
    /* A clock of 0 Hz counts nothing: reported at the clock. */
    refused_in(clock_schema, "clk: 0 Hz\nt: 5 cycles\n", NULL, NULL, 0, PL_ECONFIG,
               "{S}:1:6: key 'clk': expected a frequency > 0 to count the cycles of 't' (5 "
               "cycles), got '0 Hz'");
    refused_in(clock_schema, "free: 5 cycles\n", NULL, NULL, 0, PL_ECONFIG,
               "{S}:1:7: key 'free': expected a time in ns, us, ms or s, got '5 cycles' (this "
               "key has no clock to count cycles of)");
    refused_in(clock_schema, "odd: 5 cycles\n", NULL, NULL, 0, PL_ECONFIG,
               "{S}:1:6: key 'odd': the schema says this key counts cycles of t, which is not a "
               "frequency key");
    /* Without a clock the units offered leave cycles out. */
    refused_in(clock_schema, "free: 5\n", NULL, NULL, 0, PL_ECONFIG,
               "{S}:1:7: key 'free': expected a time with a unit (ns, us, ms or s), got '5' "
               "(missing unit)");
}

static void test_missing_required(void **state)
{
    (void)state;
    REFUSED("model: dispatch\ndispatch:\n  mode: serial\n", PL_ECONFIG,
            "{S}:3:3: key 'dispatch.ops': required key is missing; expected a list of mappings");
    /* The selected model's section is checked even when absent, at the top. */
    REFUSED("model: dispatch\n", PL_ECONFIG,
            "{S}:1:1: key 'dispatch.ops': required key is missing; expected a list of mappings");
    REFUSED("model: tile\n", PL_ECONFIG,
            "{S}:1:1: key 'tile.count': required key is missing; expected an integer > 0");
    REFUSED("seed: 3\n", PL_ECONFIG,
            "{S}:1:1: key 'model': required key is missing; expected one of: dispatch, tile");
}

static void test_section_of_other_model(void **state)
{
    (void)state;
    REFUSED("model: dispatch\ntile:\n  count: 2\ndispatch:\n  ops: []\n", PL_ECONFIG,
            "{S}:2:1: key 'tile': section 'tile' belongs to model tile, but this scenario says "
            "model: dispatch");
    /* The other way round, the selected section may be absent when nothing is required. */
    REFUSED("model: tile\ntile:\n  count: 2\ndispatch:\n  ops: []\n", PL_ECONFIG,
            "{S}:4:1: key 'dispatch': section 'dispatch' belongs to model dispatch, but this "
            "scenario says model: tile");
}

static void test_files(void **state)
{
    (void)state;
    pl_diag d;
    pl_diag_init(&d);
    pl_config *c = NULL;
    char path[4200], want[4400];
    snprintf(path, sizeof path, "%s/absent.yaml", scratch);
    assert_int_equal(pl_config_load(path, NULL, 0, schema, &c, &d), PL_EIO);
    assert_null(c);
    snprintf(want, sizeof want, "%s: cannot read: No such file or directory", path);
    assert_string_equal(d.msg, want);
    /* A missing machine file is reported at the `machine` key, with the path resolved
     * against the scenario's directory. */
    REFUSED("model: dispatch\nmachine: nope.yaml\ndispatch:\n  ops: []\n", PL_EIO,
            "{S}:2:1: key 'machine': cannot read '{D}/nope.yaml': No such file or directory");
    refused_with(base_scenario, "- host\n", NULL, 0, PL_EPARSE,
                 "{M}:1:1: expected a mapping of keys to values at the top, got a list");
    refused_with(base_scenario, "host: [\n", NULL, 0, PL_EPARSE,
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
    snprintf(path, sizeof path, "%s/sub", scratch);
    assert_int_equal(mkdir(path, 0700), 0);
    write_scratch("sub/m.yaml", "host: {cores: 4, clock: 2 GHz}\ndevice: {clock: 1 GHz}\n");
    write_scratch("sub/base.yaml", "model: dispatch\nseed: 7\nmachine: m.yaml\ndispatch:\n"
                                   "  mode: serial\n  threads: {infer: 2, launch: 3}\n"
                                   "  ops: [{kernel: 1us}, {kernel: 2us}]\n");
    write_scratch("m2.yaml", "base: sub/m.yaml\nhost: {cores: 2}\n");
    write_scratch("s.yaml", "base: sub/base.yaml\nmachine: m2.yaml\ndispatch:\n"
                            "  threads: {launch: 1}\n  ops: [{kernel: 5us}]\n");
    snprintf(path, sizeof path, "%s/s.yaml", scratch);
    pl_config *c = load_ok(path, NULL, 0);
    assert_int_equal(pl_config_int(c, "seed"), 7);                     /* from the base */
    assert_string_equal(pl_config_str(c, "dispatch.mode"), "serial");  /* from the base */
    assert_int_equal(pl_config_int(c, "dispatch.threads.infer"), 2);   /* merged mapping */
    assert_int_equal(pl_config_int(c, "dispatch.threads.launch"), 1);  /* written here */
    assert_int_equal(pl_node_len(pl_config_get(c, "dispatch.ops")), 1); /* a list: replaced */
    assert_close(dist_at(c, "dispatch.ops[0].kernel")->a, 5e-6);
    assert_int_equal(pl_config_int(c, "machine.host.cores"), 2);       /* m2 over sub/m */
    assert_close(pl_config_real(c, "machine.host.clock"), 2e9);        /* from sub/m */
    assert_close(pl_config_real(c, "machine.device.clock"), 1e9);
    assert_null(pl_config_get(c, "base"));
    assert_null(pl_config_get(c, "machine.base"));
    pl_config_destroy(c);
    /* A --set may name a base too; what the tree already says wins. */
    const char *sets[] = {"machine.base=" PL_SOURCE_DIR "/tests/data/config/machines/two-ghz.yaml"};
    write_scratch("s.yaml", "model: dispatch\nmachine: {host: {cores: 3}}\ndispatch: {ops: []}\n");
    c = load_ok(path, sets, 1);
    assert_int_equal(pl_config_int(c, "machine.host.cores"), 3);
    assert_close(pl_config_real(c, "machine.device.bandwidth"), 9e11);
    pl_config_destroy(c);
}

/* Files that name each other in a cycle, through `base` or an include, are refused with
 * the files of the cycle in order; so is a base that is not a file name. */
static void test_base_cycle(void **state)
{
    (void)state;
    write_scratch("a.yaml", "base: b.yaml\nhost: {cores: 2}\n");
    write_scratch("b.yaml", "base: a.yaml\n");
    REFUSED("model: dispatch\nmachine: a.yaml\ndispatch: {ops: []}\n", PL_ECONFIG,
            "{D}/b.yaml:1:1: key 'base': the files name each other in a cycle: {D}/a.yaml -> "
            "{D}/b.yaml -> {D}/a.yaml");
    REFUSED("base: s.yaml\nmodel: dispatch\n", PL_ECONFIG,
            "{S}:1:1: key 'base': the files name each other in a cycle: {S} -> {S}");
    REFUSED("model: dispatch\nmachine: {base: [a.yaml]}\n", PL_ECONFIG,
            "{S}:2:11: key 'machine.base': expected the name of a YAML file to start from");
}

static void test_malformed(void **state)
{
    (void)state;
    REFUSED("model: dispatch\ndispatch: [\n", PL_EPARSE,
            "{S}:3:1: malformed YAML: did not find expected node content while parsing a flow "
            "node (which started at line 3, column 1)");
    REFUSED("model: dispatch\ndispatch: &d\n  ops: []\n", PL_EPARSE,
            "{S}:2:11: key 'dispatch': anchors and aliases are not supported; use repeat");
    REFUSED("model: dispatch\nmodel: tile\n", PL_EPARSE,
            "{S}:2:1: key 'model': duplicate key (first written at line 1, column 1)");
    REFUSED("- model\n", PL_EPARSE,
            "{S}:1:1: expected a mapping of keys to values at the top, got a list");
    REFUSED("model: dispatch\n---\nmodel: tile\n", PL_EPARSE,
            "{S}:2:1: more than one YAML document; expected one (remove the '---')");
    REFUSED("model: dispatch\nseed: \xff\n", PL_EPARSE,
            "{S}:2:7: byte 0xFF is not UTF-8; expected UTF-8 text");
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
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_missing_unit),
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_not_finite),
        cmocka_unit_test(test_bad_enum),
        cmocka_unit_test(test_bad_distribution),
        cmocka_unit_test(test_cycles_without_clock),
        cmocka_unit_test(test_clock_cases),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_section_of_other_model),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_base),
        cmocka_unit_test(test_base_cycle),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
