/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * partition_check.c — checks of a partition that hold for any chain (see
 * partition_check.h): one pass over the stages, adding up what each one says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "partition_check.h"
#include "support.h"

#include <math.h>

void pl_test_partition_well_formed(const pl_chain_task *t, uint32_t n, const uint32_t cores[2],
                                   const pl_partition *p)
{
    uint32_t at = 0, used[2] = {0, 0};
    double period = 0;
    assert_true(p->nstages >= 1);
    for (uint32_t s = 0; s < p->nstages; s++) {
        const pl_stage_plan *st = &p->stages[s];
        assert_int_equal(st->first, at);
        assert_true(st->tasks >= 1 && st->threads >= 1 && st->type < PL_CORE_TYPES);
        double w = 0;
        for (uint32_t i = at; i < at + st->tasks; i++) {
            w += t[i].latency[st->type];
            if (t[i].stateful)
                assert_int_equal(st->threads, 1);
        }
        pl_assert_near(st->load, w / st->threads, PL_TEST_PERIOD_REL * st->load);
        used[st->type] += st->threads;
        period = fmax(period, st->load);
        at += st->tasks;
    }
    assert_int_equal(at, n);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(p->used[k], used[k]);
        assert_true(used[k] <= cores[k]);
    }
    pl_assert_near(p->period, period, 0);
}
