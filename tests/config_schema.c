/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * config_schema.c — the test schema and the loads against it (see config_schema.h). The
 * schema has a key of every type the loader knows: strings, enumerations, booleans, counts
 * with and without bounds, wide integers, reals, quantities, times that may count cycles
 * of a clock or be random, mappings, lists of mappings nested in themselves, sections that
 * belong to one model, an included machine file, and base files. The scratch directory is
 * made once per program and every test writes its files into it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config_schema.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const pl_key pl_test_schema[] = {
    {.name = "model", .type = PL_KEY_ENUM, .flags = PL_KEY_REQUIRED, .choices = "dispatch|tile"},
    {.name = "seed", .type = PL_KEY_INT, .flags = PL_KEY_WIDE, .deflt = "1"},
    {.name = "machine", .type = PL_KEY_INCLUDE, .children = machine_keys},
    {.name = "dispatch", .type = PL_KEY_MAP, .flags = PL_KEY_SECTION, .children = dispatch_keys},
    {.name = "tile", .type = PL_KEY_MAP, .flags = PL_KEY_SECTION, .children = tile_keys},
    {.name = "base", .type = PL_KEY_BASE},
    {0},
};

const char *const pl_test_base_scenario = "model: dispatch\n"
                                          "machine: m.yaml\n"
                                          "dispatch:\n"
                                          "  ops:\n"
                                          "    - {name: a, infer: 1us, resize: 1us, launch: 1us, "
                                          "kernel: 10us}\n";
const char *const pl_test_base_machine = "host:\n"
                                         "  cores: 4\n"
                                         "  clock: 2 GHz\n"
                                         "device:\n"
                                         "  clock: 1 GHz\n";

/* ---- Scratch files ----------------------------------------------------------------- */

static char *scratch; /* the scratch directory of this run */

int pl_test_scratch_make(void **state)
{
    (void)state;
    scratch = pl_test_mkdtemp();
    return 0;
}

int pl_test_scratch_remove(void **state)
{
    (void)state;
    pl_test_rmtree(scratch);
    free(scratch);
    return 0;
}

const char *pl_test_scratch(void)
{
    return scratch;
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

void pl_test_write_scratch(const char *name, const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    remove(path);
    if (text)
        pl_test_write_file(path, text);
}

/* ---- Loads ------------------------------------------------------------------------- */

pl_config *pl_test_load_ok(const char *path, const char *const *sets, size_t nsets)
{
    pl_diag d;
    pl_diag_init(&d);
    pl_config *c = NULL;
    int rc = pl_config_load(path, sets, nsets, pl_test_schema, &c, &d);
    if (rc)
        print_error("%s\n", d.msg);
    assert_int_equal(rc, 0);
    assert_non_null(c);
    return c;
}

void pl_test_refused_in(const pl_key *keys, const char *scenario, const char *machine,
                        const char *const *sets, size_t nsets, int code, const char *msg)
{
    pl_test_write_scratch("s.yaml", scenario);
    pl_test_write_scratch("m.yaml", machine);
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

void pl_test_refused_with(const char *scenario, const char *machine, const char *const *sets,
                          size_t nsets, int code, const char *msg)
{
    pl_test_refused_in(pl_test_schema, scenario, machine, sets, nsets, code, msg);
}

/* ---- Values ------------------------------------------------------------------------ */

void pl_test_assert_close(double got, double want)
{
    if (!(got <= want * (1 + 1e-12) && got >= want * (1 - 1e-12)))
        print_error("got %.17g, want %.17g\n", got, want);
    assert_true(got <= want * (1 + 1e-12) && got >= want * (1 - 1e-12));
}
