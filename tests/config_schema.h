/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * config_schema.h — a test schema that mirrors the real one (a model, a seed, a machine file
 * with a host and a device, a dispatch section of ops, a tile section, base files), a
 * scratch directory for the scenarios the tests write, and loads of them that must succeed
 * or be refused with an exact message.
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>; failures fail the test.
 */
#ifndef PL_TEST_CONFIG_SCHEMA_H
#define PL_TEST_CONFIG_SCHEMA_H

#include "sim/config/config.h"

#include <stddef.h>

/* The schema of a whole test scenario. */
extern const pl_key pl_test_schema[];

/* A good scenario and machine that the --set tests change, and that the tests of a bad
 * machine file pair with it (loaded from the scratch directory as s.yaml and m.yaml). */
extern const char *const pl_test_base_scenario;
extern const char *const pl_test_base_machine;

/* cmocka group setup and teardown: make a fresh scratch directory, and remove it with all
 * that the tests wrote into it. */
int pl_test_scratch_make(void **state);
int pl_test_scratch_remove(void **state);
/* The scratch directory of this run (borrowed; valid until pl_test_scratch_remove). */
const char *pl_test_scratch(void);

/* Writes text as the file name in the scratch directory, replacing what was there; with
 * text NULL, only removes it. */
void pl_test_write_scratch(const char *name, const char *text);

/* Loads the scenario at path with the overrides against the test schema, failing the test
 * (and printing the message) when it is refused. The caller frees the config with
 * pl_config_destroy. */
pl_config *pl_test_load_ok(const char *path, const char *const *sets, size_t nsets);

/* Loads scenario text (with machine text as m.yaml, when given) against schema `keys` and
 * checks that it fails with code and exactly the message msg. Both texts are written to
 * the scratch directory, as s.yaml and m.yaml (NULL removes m.yaml), so that the text and
 * the line:column the message must name sit side by side; in msg {S}, {M} and {D} stand
 * for the scratch scenario, machine and directory. */
void pl_test_refused_in(const pl_key *keys, const char *scenario, const char *machine,
                        const char *const *sets, size_t nsets, int code, const char *msg);
/* The same against the test schema. */
void pl_test_refused_with(const char *scenario, const char *machine, const char *const *sets,
                          size_t nsets, int code, const char *msg);

/* A scenario alone, without a machine file or overrides, is refused. */
#define PL_TEST_REFUSED(scenario, code, msg)                                                       \
    pl_test_refused_with(scenario, NULL, NULL, 0, code, msg)

/* Fails the test unless got is within 1e-12 relative of want (want > 0). */
void pl_test_assert_close(double got, double want);

#endif
