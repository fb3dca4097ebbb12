/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * support.h — helpers shared by the tests: run the pipelab program and capture
 * what it prints, read and write files, make scratch directories.
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>.
 */
#ifndef PL_TEST_SUPPORT_H
#define PL_TEST_SUPPORT_H

#include "sim/common/error.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* 1 in a build with AddressSanitizer (gcc says so by __SANITIZE_ADDRESS__, clang by
 * __has_feature), else 0: it checks every access, so that timings are slower, and writes
 * shadow memory beside each array, whose pages fault in as they are first written. */
#if defined(__SANITIZE_ADDRESS__)
#define PL_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PL_TEST_ASAN 1
#endif
#endif
#ifndef PL_TEST_ASAN
#define PL_TEST_ASAN 0
#endif

/* Fails the test unless |a - b| <= tol, compared as doubles. (cmocka's
 * assert_float_equal converts to float, which keeps only about 7 digits.) */
#define pl_assert_near(a, b, tol)                                                                  \
    do {                                                                                           \
        double pl_a_ = (a), pl_b_ = (b), pl_tol_ = (tol);                                          \
        if (!(fabs(pl_a_ - pl_b_) <= pl_tol_))                                                     \
            fail_msg("%s = %.17g, expected %.17g within %g", #a, pl_a_, pl_b_, pl_tol_);           \
    } while (0)

/* Fails the test unless doubles a and b have the same bits. */
#define pl_assert_same_double(a, b)                                                                \
    do {                                                                                           \
        double pl_x_ = (a), pl_y_ = (b);                                                           \
        if (memcmp(&pl_x_, &pl_y_, sizeof pl_x_) != 0)                                             \
            fail_msg("%s = %.17g, expected %.17g bit for bit", #a, pl_x_, pl_y_);                  \
    } while (0)

struct pl_bound;
/* Fails the test unless bounds got and want are the same, bit for bit. */
void pl_test_assert_same_bound(const struct pl_bound *got, const struct pl_bound *want);

/* What one run of the program did. Free with pl_test_run_free. */
typedef struct pl_test_run {
    int status; /* exit status, or 128 + signal number when killed */
    char *out;  /* standard output, NUL-terminated */
    char *err;  /* standard error, NUL-terminated */
    double wall_s;
} pl_test_run;

/* Runs PL_BINARY with the NULL-terminated argument list (argv[0] excluded) in the
 * current directory, with a time limit of limit_s seconds. Fails the test when the
 * program cannot be started. */
pl_test_run pl_test_exec(double limit_s, const char *const *args);
void pl_test_run_free(pl_test_run *r);

/* A path under the source tree: PL_SOURCE_DIR "/" rel. Returns a static buffer
 * overwritten by the next call. */
const char *pl_test_src(const char *rel);

/* Reads a whole file into a NUL-terminated buffer the caller frees; NULL when unreadable.
 * Stores the length in *len when len is not NULL. */
char *pl_test_read_file(const char *path, size_t *len);
/* Writes text to path, failing the test on error. */
void pl_test_write_file(const char *path, const char *text);
/* Creates a fresh scratch directory and returns its path (static storage per call site is
 * not needed: the caller frees it). */
char *pl_test_mkdtemp(void);
/* Removes a directory tree made with pl_test_mkdtemp. */
void pl_test_rmtree(const char *dir);

/* The report's model figure named `name`; fails the test when there is none. */
struct pl_report;
struct pl_figure;
const struct pl_figure *pl_test_figure(const struct pl_report *r, const char *name);

/* splitmix64: a small generator whose sequence is the same everywhere, for tests that
 * draw random cases from a seed they print. */
uint64_t pl_test_random(uint64_t *state);
/* A draw in [0, n), n > 0. */
uint32_t pl_test_below(uint64_t *state, uint32_t n);

/* What a report renderer (pl_report_text, pl_trace_write...) writes for r, as a string the
 * caller frees; fails the test when rendering fails. */
char *pl_test_render(int (*render)(const struct pl_report *r, FILE *out, pl_diag *d),
                     const struct pl_report *r);

/* Opens the scenario at path with the overrides and simulates it into *out (the caller
 * destroys it, also on failure). Returns 0 or the session's error, with d filled. */
struct pl_session;
int pl_test_session(const char *path, const char *const *sets, size_t nsets,
                    struct pl_session **out, pl_diag *d);

/* Writes a scenario (YAML text) into a scratch directory, runs it with the overrides and
 * returns the session (the caller destroys it), failing the test when it does not run.
 * The scratch directory is removed at once: the session has read all it needs. */
struct pl_session *pl_test_run_yaml(const char *yaml, const char *const *sets, size_t nsets);

/* pl_test_run_yaml without the advice (pl_session_skip_advice): for tests that check the
 * run, not its verdict. */
struct pl_session *pl_test_run_yaml_no_advice(const char *yaml, const char *const *sets,
                                              size_t nsets);

/* pl_test_run_yaml with one override, key=value. */
struct pl_session *pl_test_run_yaml_set(const char *yaml, const char *key, int value);

/* How many times needle occurs in text. */
int pl_test_count(const char *text, const char *needle);

/* Executes the finalized graph g with the SimGrid engine into *tl (initialised here; the
 * caller calls pl_timeline_fini), failing the test when it fails. Then executes it again
 * with engine auto and fails the test unless that timeline is the same: every start and
 * end within 1e-9 relative and the same release edges (test_analytic.c says why). So
 * every hand-worked graph checks both engines. */
struct pl_graph;
struct pl_timeline;
void pl_test_simulate(const struct pl_graph *g, struct pl_timeline *tl);

/* A finalized graph named `name` (the caller destroys it) of two units on one device, A
 * and B, two tasks each labelled `label`, where A's first task waits (slot) for the start
 * of B's second and B's first for the end of A's second: a cycle, which the check refuses
 * naming those tasks. */
struct pl_graph *pl_test_cycle_graph(const char *name, const char *label);

/* Whether haystack contains needle. */
int pl_test_contains(const char *haystack, const char *needle);

#endif
