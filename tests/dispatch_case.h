/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dispatch_case.h — a dispatch scenario written by a test (its `dispatch` section on the
 * GPU server machine), loaded, lowered by the dispatch model and its run executed with
 * the analytic engine; and the tasks of a unit found by name.
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>; failures fail the
 * test.
 */
#ifndef PL_TEST_DISPATCH_CASE_H
#define PL_TEST_DISPATCH_CASE_H

#include "models/model.h"
#include "sim/graph/timeline.h"

#include <stdint.h>

/* A scenario written to a scratch file, loaded, lowered, and its run executed. */
typedef struct pl_test_dispatch {
    char *dir;
    pl_config *cfg;
    pl_lowering l;
    pl_timeline tl;
    pl_diag d;
    int rc; /* of loading and lowering */
} pl_test_dispatch;

/* Loads and lowers the scenario whose dispatch section is `body`; x->rc and x->d say how
 * that went. Free with pl_test_dispatch_done. */
void pl_test_dispatch_try(pl_test_dispatch *x, const char *body);
/* Loads, lowers and runs; fails the test on any error. */
void pl_test_dispatch_run(pl_test_dispatch *x, const char *body);
void pl_test_dispatch_done(pl_test_dispatch *x);
/* The i-th task of the unit named `unit` of g (failing the test when there is none). */
uint32_t pl_test_task_of(const pl_graph *g, const char *unit, uint32_t i);
/* How many tasks the unit named `unit` has. */
uint32_t pl_test_tasks_on(const pl_graph *g, const char *unit);

#endif
