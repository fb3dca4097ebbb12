/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_config_scale.c — loading stays bounded and linear as the files grow: a chain of
 * 50,000 files that start from one another, a base merge of two mappings of 60,000 keys,
 * a tile file named by 100 ops, against the real scenario schema.
 *
 * The scenarios are written here into a scratch directory. The times asserted are
 * generous bounds (a sanitizer build included) on what the landed code took far longer
 * to do: 12.7 s and a crash for the chain, 31 s or more for the merge, 33 s and 4 GB for
 * the tile file; the limits come from sim/config/config.h (PL_CONFIG_MAX_CHAIN = 64
 * files, PL_CONFIG_MAX_INCLUDED = 16 MiB).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config_schema.h"
#include "support.h"

#include "models/model.h"
#include "sim/config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The tail of a scenario that is good on its own: the machine inline, so that only the
 * files a test writes are read. */
#define GOOD_TAIL                                                                                  \
    "model: dispatch\nmachine: {host: {cores: 1}, device: {clock: 1 GHz}}\n"                       \
    "dispatch: {ops: [{infer: 1us, resize: 1us, launch: 1us, kernel: 1us}]}\n"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The path of name in the scratch directory, in a static buffer. */
static const char *at(const char *name)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/%s", pl_test_scratch(), name);
    return path;
}

/* Loads the scratch file `name` against the real schema with the overrides; returns the
 * code, the config in *out (NULL on failure), the message in d and the wall time in
 * *seconds. */
static int load(const char *name, const char *const *sets, size_t nsets, pl_config **out,
                pl_diag *d, double *seconds)
{
    char path[4200];
    snprintf(path, sizeof path, "%s", at(name));
    pl_diag_init(d);
    *out = NULL;
    double t0 = now();
    int rc = pl_config_load(path, sets, nsets, pl_scenario_keys, out, d);
    *seconds = now() - t0;
    return rc;
}

/* Loads the scratch file `name`, failing the test when it is refused; the caller
 * destroys the config. */
static pl_config *load_ok(const char *name, const char *const *sets, size_t nsets, double *seconds)
{
    pl_config *c;
    pl_diag d;
    if (load(name, sets, nsets, &c, &d, seconds) != 0)
        fail_msg("%s: %s", name, d.msg);
    return c;
}

/* Loads the scratch file `name` and checks that it is refused with PL_ECONFIG and exactly
 * the message want, in which every {D} stands for the scratch directory, within
 * max_seconds. */
static void refused(const char *name, const char *const *sets, size_t nsets, const char *want,
                    double max_seconds)
{
    char expanded[9000];
    size_t n = 0;
    for (const char *p = want; *p && n + 1 < sizeof expanded; p++) {
        if (strncmp(p, "{D}", 3) == 0) {
            n += (size_t)snprintf(expanded + n, sizeof expanded - n, "%s", pl_test_scratch());
            p += 2;
        } else {
            expanded[n++] = *p;
        }
    }
    expanded[n < sizeof expanded ? n : sizeof expanded - 1] = '\0';
    pl_config *c;
    pl_diag d;
    double seconds;
    assert_int_equal(load(name, sets, nsets, &c, &d, &seconds), PL_ECONFIG);
    assert_string_equal(d.msg, expanded);
    if (seconds > max_seconds)
        fail_msg("%s: refused after %.2f s, more than %.2f s", name, seconds, max_seconds);
}

/* Writes the chain dir/c0.yaml -> dir/c1.yaml -> ... of n files, each starting from the
 * next (`base`), the last one a whole scenario. */
static void write_chain(const char *dir, int n)
{
    char name[64], text[128];
    for (int i = 0; i + 1 < n; i++) {
        snprintf(name, sizeof name, "%s/c%d.yaml", dir, i);
        snprintf(text, sizeof text, "base: c%d.yaml\n", i + 1);
        pl_test_write_scratch(name, text);
    }
    snprintf(name, sizeof name, "%s/c%d.yaml", dir, n - 1);
    pl_test_write_scratch(name, "seed: 64\n" GOOD_TAIL);
}

/* A chain of 50,000 files is refused at its 65th file, before it is read, in well under
 * a second (the landed code read them all, quadratically, and overflowed the stack after
 * 12.7 s); a chain of exactly PL_CONFIG_MAX_CHAIN = 64 files loads. */
static void test_deep_chain(void **state)
{
    (void)state;
    assert_int_equal(mkdir(at("long"), 0700), 0);
    assert_int_equal(mkdir(at("limit"), 0700), 0);
    write_chain("long", 50000);
    write_chain("limit", 64);
    refused("long/c0.yaml", NULL, 0,
            "{D}/long/c63.yaml:1:1: key 'base': expected at most 64 files in a chain, each "
            "starting from or including the next; '{D}/long/c64.yaml' would be file 65",
            1.0);
    double seconds;
    pl_config *c = load_ok("limit/c0.yaml", NULL, 0, &seconds);
    assert_int_equal(pl_config_int(c, "seed"), 64); /* from the 64th file */
    pl_config_destroy(c);
}

/* A file read before is not read again, so its chain is known: naming it one file deeper
 * than the first time makes the chain too long, and the message says by how much. Here
 * m0.yaml starts a chain of 63 machine files: the scenario's machine (files 2 to 64) is
 * within the limit, a base named by --set that names it (files 3 to 65) is not. */
static void test_deep_chain_read_before(void **state)
{
    (void)state;
    assert_int_equal(mkdir(at("m"), 0700), 0);
    char name[64], text[128];
    for (int i = 0; i < 62; i++) {
        snprintf(name, sizeof name, "m/m%d.yaml", i);
        snprintf(text, sizeof text, "base: m%d.yaml\n", i + 1);
        pl_test_write_scratch(name, text);
    }
    pl_test_write_scratch("m/m62.yaml", "host: {cores: 1}\ndevice: {clock: 1 GHz}\n");
    pl_test_write_scratch("m/b.yaml", "machine: m0.yaml\n");
    pl_test_write_scratch("m/s.yaml", "model: dispatch\nmachine: m0.yaml\ndispatch: {ops: "
                                      "[{infer: 1us, resize: 1us, launch: 1us, kernel: 1us}]}\n");
    double seconds;
    pl_config_destroy(load_ok("m/s.yaml", NULL, 0, &seconds));
    char set[4300];
    snprintf(set, sizeof set, "base=%s", at("m/b.yaml"));
    const char *sets[] = {set};
    refused("m/s.yaml", sets, 1,
            "{D}/m/b.yaml:1:1: key 'machine': expected at most 64 files in a chain, each "
            "starting from or including the next; '{D}/m/m0.yaml' starts a chain of 63, which "
            "makes 65 here",
            1.0);
}

/* Writes a mapping file of plan units {prefix0: 1, ...} of n keys, after `head`. */
static void write_units(const char *name, const char *head, const char *prefix, int n)
{
    FILE *f = fopen(at(name), "w");
    assert_non_null(f);
    fputs(head, f);
    fputs("  units:\n", f);
    for (int i = 0; i < n; i++)
        fprintf(f, "    %s%d: 1\n", prefix, i);
    assert_int_equal(fclose(f), 0);
}

/* Starting from a base merges the two mappings in time linear in their keys (the landed
 * merge compared every pair: 31 s at 60,000 keys each); the scenario's own keys come
 * first, then the base's it lacks, in the base's order. */
static void test_merge_linear(void **state)
{
    (void)state;
    enum { N = 60000 };
    write_units("units_base.yaml", "plan:\n", "b", N);
    write_units("units.yaml",
                "base: units_base.yaml\nmodel: plan\nmachine: {host: {cores: 1}, device: "
                "{clock: 1 GHz}}\nplan:\n  iterations: 4\n  ops:\n    - {name: op, unit: "
                "a0, latency: 1us}\n",
                "a", N);
    double seconds;
    pl_config *c = load_ok("units.yaml", NULL, 0, &seconds);
    assert_true(seconds < 5.0);
    const pl_node *units = pl_config_get(c, "plan.units");
    assert_int_equal(pl_node_len(units), 2 * N);
    assert_string_equal(pl_node_key(units, 0), "a0");
    assert_string_equal(pl_node_key(units, N - 1), "a59999");
    assert_string_equal(pl_node_key(units, N), "b0");
    assert_string_equal(pl_node_key(units, 2 * N - 1), "b59999");
    pl_config_destroy(c);
}

/* The effective configuration of a scenario that starts from a base is what it was before
 * merging was hashed, to the byte: the text below is what the landed program's
 * `pipelab config` printed for these two files (with the host's scheduler, whose keys
 * came later, filled in by their defaults). Keys the base adds at the top level go
 * where `base` was written; in a merged mapping they go after the scenario's own. */
static void test_merge_order(void **state)
{
    (void)state;
    pl_test_write_scratch("order_base.yaml",
                          "model: dispatch\nseed: 7\ndispatch:\n  mode: serial\n"
                          "  threads: {infer: 2, launch: 3}\n"
                          "  ops: [{infer: 1us, resize: 1us, launch: 1us, kernel: 1us}]\n"
                          "machine:\n  host: {cores: 4, name: base host}\n"
                          "  device: {clock: 1 GHz}\n");
    pl_test_write_scratch("order.yaml", "name: top\nbase: order_base.yaml\nengine: analytic\n"
                                        "dispatch:\n  threads: {resize: 5}\n  queue_depth: 2\n"
                                        "machine:\n  host: {cores: 2}\n");
    double seconds;
    pl_config *c = load_ok("order.yaml", NULL, 0, &seconds);
    pl_diag d;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    assert_int_equal(pl_config_print(c, out, &d), 0);
    assert_int_equal(fclose(out), 0);
    assert_string_equal(text, "name: top\nmodel: dispatch\nseed: 7\nengine: analytic\n"
                              "dispatch:\n  threads: {resize: 5, infer: 2, launch: 3}\n"
                              "  queue_depth: 2\n  mode: serial\n"
                              "  ops: [{infer: 1us, resize: 1us, launch: 1us, kernel: 1us, "
                              "sync: false, repeat: 1}]\n"
                              "  stream_depth: unbounded\nmachine:\n"
                              "  host: {cores: 2, name: base host, scheduler: {policy: slices, "
                              "slice: 4 ms, tick: 4 ms, wakeup: 35 us, wake_cost: 14 us, "
                              "lag_limit: 4 ms}}\n"
                              "  device: {clock: 1 GHz, cores: 1}\n");
    free(text);
    pl_config_destroy(c);
}

/* Writes a dispatch scenario of 100 ops whose kernels are the tile file `tile`, one op a
 * line from line 5 on: "    - {infer: 1us, resize: 1us, launch: 1us, tile: FILE}". */
static void write_hundred_ops(const char *name, const char *tile)
{
    FILE *f = fopen(at(name), "w");
    assert_non_null(f);
    fputs("model: dispatch\nmachine: {host: {cores: 1}, device: {clock: 1 GHz}}\n"
          "dispatch:\n  ops:\n",
          f);
    for (int i = 0; i < 100; i++)
        fprintf(f, "    - {infer: 1us, resize: 1us, launch: 1us, tile: %s}\n", tile);
    assert_int_equal(fclose(f), 0);
}

/* A tile file named by 100 ops is read and parsed once: every op's copy of it points to
 * the one file name that parse made (the landed code parsed it 100 times, each with its
 * own name), and each copy is whole and in its place. */
static void test_include_read_once(void **state)
{
    (void)state;
    pl_test_write_scratch("small_tile.yaml",
                          "count: 8\nbuffers: [{name: t, memory: UB, size: 1 KiB}]\n"
                          "steps:\n  - {op: TLOAD, unit: MTE2, time: 1us, writes: t}\n");
    write_hundred_ops("hundred.yaml", "small_tile.yaml");
    double seconds;
    pl_config *c = load_ok("hundred.yaml", NULL, 0, &seconds);
    const pl_node *first = pl_config_get(c, "dispatch.ops[0].tile");
    assert_non_null(first);
    for (int i = 0; i < 100; i++) {
        char key[64];
        snprintf(key, sizeof key, "dispatch.ops[%d].tile", i);
        const pl_node *tile = pl_config_get(c, key);
        assert_non_null(tile);
        assert_ptr_equal(pl_node_loc(tile)->file, pl_node_loc(first)->file);
        assert_string_equal(pl_node_path(tile), key);
        snprintf(key, sizeof key, "dispatch.ops[%d].tile.count", i);
        assert_int_equal(pl_config_int(c, key), 8);
        snprintf(key, sizeof key, "dispatch.ops[%d].tile.steps[0].unit", i);
        assert_string_equal(pl_config_str(c, key), "MTE2");
    }
    pl_config_destroy(c);
}

/* How much slower a build is than a release build at loading a scenario: AddressSanitizer
 * checks every access (the refusal below took 2.9 s in a release build and 10.0 s with it,
 * the same afternoon on the same VM), so its time bound is scaled alike. */
#define BUILD_SLOWDOWN (PL_TEST_ASAN ? 4.0 : 1.0)

/* A 1,200,000-byte tile file named by 100 ops: each op's copy counts, and the 14th
 * would bring the included files to 14 x 1,200,000 = 16,800,000 bytes, more than
 * 16 MiB = 16,777,216. Refused there, within 10 s in a release build (1.6 to 2.9 s,
 * reading the file once and copying it 13 times; the landed code read it 100 times: 33 s,
 * 4 GB), and BUILD_SLOWDOWN times that with a sanitizer. */
static void test_include_budget(void **state)
{
    (void)state;
    FILE *f = fopen(at("big_tile.yaml"), "w");
    assert_non_null(f);
    long size = 0;
    size += fprintf(f, "count: 8\nsteps:\n");
    for (int i = 0; size < 1199900; i++)
        size += fprintf(f, "  - {op: TLOAD%d, unit: MTE2, time: 1us}\n", i);
    fprintf(f, "#%*s\n", (int)(1200000 - size - 2), "");
    assert_int_equal(fclose(f), 0);
    struct stat st;
    assert_int_equal(stat(at("big_tile.yaml"), &st), 0);
    assert_int_equal(st.st_size, 1200000);
    write_hundred_ops("bomb.yaml", "big_tile.yaml");
    refused("bomb.yaml", NULL, 0,
            "{D}/bomb.yaml:18:46: key 'dispatch.ops[13].tile': expected at most 16777216 bytes "
            "(16 MiB) of included files in all, a file counting once for every key that names "
            "it; '{D}/big_tile.yaml' (1200000 bytes) makes 16800000",
            10.0 * BUILD_SLOWDOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deep_chain),
        cmocka_unit_test(test_deep_chain_read_before),
        cmocka_unit_test(test_merge_linear),
        cmocka_unit_test(test_merge_order),
        cmocka_unit_test(test_include_read_once),
        cmocka_unit_test(test_include_budget),
    };
    return cmocka_run_group_tests(tests, pl_test_scratch_make, pl_test_scratch_remove);
}
