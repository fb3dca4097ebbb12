/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * partition_check.h — what every partition of a task chain into pipeline stages
 * (models/stream/partition.h) must be, whatever the chain, checked for the tests.
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>; a broken rule fails the
 * test.
 */
#ifndef PL_TEST_PARTITION_CHECK_H
#define PL_TEST_PARTITION_CHECK_H

#include "models/stream/partition.h"

#include <stdint.h>

/* The relative tolerance on periods. The partitioner takes periods within 1e-12 relative
 * as equal, and the tests' chains have latencies that are small multiples of one unit (1,
 * 0.1 or 1 us), whose distinct periods differ by far more. */
#define PL_TEST_PERIOD_REL 1e-9

/* The partition p of the n tasks t on cores[type] cores is well formed: contiguous stages
 * covering the chain, loads equal to the work over the threads, one thread where a task is
 * stateful, the cores counted and within the limits, the period the largest load. */
void pl_test_partition_well_formed(const pl_chain_task *t, uint32_t n, const uint32_t cores[2],
                                   const pl_partition *p);

#endif
