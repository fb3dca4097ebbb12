/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plan_loops.h — random plan loops for the scheduler's tests: DAGs drawn as the Standard
 * Task Graph set draws them (Tobita & Kasahara, J. Scheduling 5(5), 2002: edges of equal
 * probability or a number of predecessors per task, over all tasks or layer to layer), with
 * its dummy entry and exit tasks of time 0, and loops of several classes with loop-carried
 * dependencies; all from gsl's mt19937 with a seed the caller prints.
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>; failures fail the
 * test.
 */
#ifndef PL_TEST_PLAN_LOOPS_H
#define PL_TEST_PLAN_LOOPS_H

#include "models/plan/loop.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#define PL_TEST_MAXCLS 4 /* the most classes of a random loop */

/* ---- Drawing and timing ---- */

/* A gsl mt19937 seeded with seed; prints the test's name and the seed. The caller frees it
 * with gsl_rng_free. */
gsl_rng *pl_test_rng_new(unsigned long seed, const char *test);
/* A whole number in [lo, hi]. */
uint32_t pl_test_draw(gsl_rng *r, uint32_t lo, uint32_t hi);
/* True with probability p. */
bool pl_test_chance(gsl_rng *r, double p);
/* Monotonic time in seconds, for the times the tests print. */
double pl_test_seconds(void);

/* ---- Building loops ---- */

/* A loop under construction: deps grow as they are added. The loop is the caller's, to free
 * with pl_plan_loop_fini. */
typedef struct pl_test_build {
    pl_plan_loop l;
    uint32_t cap;
} pl_test_build;

/* nops ops of class 0 and latency 0, nclasses classes of one unit, one iteration, no
 * buffers, no memory limit. */
pl_test_build pl_test_build_new(uint32_t nops, uint32_t nclasses);
/* Adds src -> dst at distance d. A dependency of distance 0 always goes from a lower op to
 * a higher one here, so the loops never hold a cycle of distance 0 and index order is a
 * topological order of those dependencies. */
void pl_test_add_dep(pl_test_build *b, uint32_t src, uint32_t dst, uint32_t d);

/* ---- Random loops ---- */

/* The four edge generators of the STG set. */
typedef enum pl_test_shape {
    PL_TEST_SAMEPROB,
    PL_TEST_SAMEPRED,
    PL_TEST_LAYRPROB,
    PL_TEST_LAYRPRED,
    PL_TEST_NSHAPES
} pl_test_shape;
extern const char *const pl_test_shape_names[PL_TEST_NSHAPES];

/* A DAG of n tasks as an STG file holds it: ops 1 .. n with whole latencies 1 .. 20, the
 * dummy entry 0 before every task with no predecessor and the dummy exit n + 1 after every
 * task with no successor, both of latency 0; one class of `units` units, one iteration. The
 * caller frees it with pl_plan_loop_fini. */
pl_plan_loop pl_test_random_dag(gsl_rng *r, pl_test_shape s, uint32_t n, uint32_t units);
/* A loop body of n ops on 2-4 classes of 1-3 units, latencies 1 .. 20 (0 for one op in ten,
 * so that zero-length tasks touch others), a random DAG inside the iteration and `carried`
 * loop-carried dependencies of distance 1-3 between any two ops (an op on itself
 * included), `iterations` iterations. The caller frees it with pl_plan_loop_fini. */
pl_plan_loop pl_test_random_loop(gsl_rng *r, uint32_t n, uint32_t carried, uint32_t iterations);

/* Gives loop l choices: each op, with probability 1/2, one or more other classes that may
 * run it at whole latencies 1 .. 20; each dependency of distance 0 a buffer of 1 .. 4 bytes
 * that its source writes and its destination reads (a data dependency); and one or two
 * transfers, each joining a random set of classes, at a whole latency 0 .. 3 and 1 byte
 * per second, so that every time stays a whole number. */
void pl_test_add_choices(gsl_rng *r, pl_plan_loop *l);
/* pl_test_add_choices, then each class pipelined with probability 0.3, at an issue interval
 * of 1 .. 4. */
void pl_test_add_choices_pipelined(gsl_rng *r, pl_plan_loop *l);

/* Calls fn(l, window, k, ctx) for 48 random loops k (3-10 ops, 0-3 loop-carried
 * dependencies, 20 to `most` iterations; with `choices`, pl_test_add_choices_pipelined),
 * each at windows 0 and 2, drawn from a generator of `seed` (printed with `what`). */
void pl_test_each_random_loop(unsigned long seed, const char *what, uint32_t most, bool choices,
                              void (*fn)(const pl_plan_loop *l, uint32_t window, int k, void *ctx),
                              void *ctx);

/* Loop l as a scenario (YAML text; the caller frees it): its classes with their units and
 * intervals, its buffers, its ops with their latencies (and `also` lists) in microseconds,
 * the reads and writes of its data dependencies, the others as `after` lists, and its
 * transfers at 1 byte per microsecond for each byte per second of l, so that the scenario
 * is l with every time in microseconds. */
char *pl_test_loop_yaml(const pl_plan_loop *l);

#endif
