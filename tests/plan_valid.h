/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plan_valid.h — a validator of the plan model's schedules, written from the rules of
 * models/plan/loop.h and models/plan/sched.h, not from the scheduler's code.
 *
 * The validator checks a schedule against its loop: every task on a unit of a class that
 * may run its op (its own or an `also` one), ending exactly its latency there after it
 * starts, at or after 0; every dependency {src, dst, d} kept for every iteration i >= d,
 * with the transfer's cost where a buffer moves between units; no two tasks' holds (their
 * latencies, or on a pipelined class the interval where that is shorter) overlapping on a
 * unit (a
 * zero-length task may touch another); the makespan the latest end; and with a window of w
 * iterations, the rule models/plan/sched.h states: iteration i's first ops (no dependency
 * of distance 0 into them) start after iteration i - w's last ops (none of distance 0 out
 * of them) end — which, with the dependencies, means after all of iteration i - w ends.
 * All times in the tests are sums of the same whole numbers, so every comparison is exact.
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>.
 */
#ifndef PL_TEST_PLAN_VALID_H
#define PL_TEST_PLAN_VALID_H

#include "models/plan/loop.h"
#include "models/plan/sched.h"

#include <stdbool.h>
#include <stdint.h>

#define PL_TEST_WHY 256 /* bytes of a validator's message */

/* What the case being checked is, for the failure messages: the test writes it. */
extern char pl_test_where[160];

/* Fails the test with the message unless cond holds, after printing pl_test_where. */
#define pl_test_check(cond, ...)                                                                   \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            print_message("failed on %s\n", pl_test_where);                                        \
            fail_msg(__VA_ARGS__);                                                                 \
        }                                                                                          \
    } while (0)

/* The slot of task (op, it) in s, a schedule of l. */
const pl_plan_slot *pl_test_task(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t op,
                                 uint32_t it);

/* Every rule of a schedule of loop l planned with a window of w (0: none); false with the
 * first broken one in why (PL_TEST_WHY bytes). */
bool pl_test_valid(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t w, char *why);
/* The same, failing the test (pl_test_check) on the first broken rule. */
void pl_test_validate(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t w);

/* Whether two schedules place every task alike (field by field: the slots have padding). */
bool pl_test_same_tasks(const pl_plan_schedule *a, const pl_plan_schedule *b);

#endif
