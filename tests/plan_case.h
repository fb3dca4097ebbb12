/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plan_case.h — a plan loop with a schedule written by the test (no scheduler), for the
 * tests of buffer liveness: ops of latency 1 on one unit, the buffers and accesses given,
 * and each task placed by hand.
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>; failures fail the
 * test.
 */
#ifndef PL_TEST_PLAN_CASE_H
#define PL_TEST_PLAN_CASE_H

#include "models/plan/liveness.h"
#include "models/plan/loop.h"
#include "models/plan/sched.h"

#include <stdint.h>

/* A loop of ops on one unit and a schedule with a slot for each of its tasks, all zero
 * until pl_test_plan_set_task. Free with pl_test_plan_free. */
typedef struct pl_test_plan {
    pl_plan_loop l;
    pl_plan_schedule s;
} pl_test_plan;

/* nops ops of class 0 and latency 1, one class of one unit, nbuffers buffers of the given
 * sizes, the naccess accesses copied (both arrays borrowed; NULL when the count is 0),
 * `iterations` iterations, no memory limit. */
pl_test_plan pl_test_plan_new(uint32_t nops, const double *sizes, uint32_t nbuffers,
                              const pl_plan_access *access, uint32_t naccess, uint32_t iterations);
void pl_test_plan_free(pl_test_plan *p);

/* Task (op, iter) runs [start, end) on unit 0; the makespan grows to its end. */
void pl_test_plan_set_task(pl_test_plan *p, uint32_t op, uint32_t iter, double start, double end);

/* pl_plan_liveness of p into m (the caller calls pl_plan_memmap_fini), failing the test
 * when it fails. */
void pl_test_plan_liveness(const pl_test_plan *p, pl_plan_memmap *m);

#endif
