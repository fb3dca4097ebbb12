/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_liveness.c — buffer instances of a scheduled loop: their lifetimes, versions
 * and offsets, the reuse between them, and the totals.
 *
 * Loops and schedules are written by hand here (no scheduler; plan_case.h): small cases
 * worked by hand in the comments, with times in whole seconds and sizes in whole bytes, so
 * that every expected value is exact and compared exactly. Random cases checked against
 * brute force are in test_plan_liveness_random.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan_case.h"
#include "support.h"

#include "models/plan/liveness.h"

#include <stdio.h>
#include <time.h>

/* Instance k is (buffer, iter), lives [start, end), version `version` at `offset`. */
static void expect_instance(const pl_plan_memmap *m, uint32_t k, uint32_t buffer, int32_t iter,
                            double start, double end, uint32_t version, double offset)
{
    assert_true(k < m->ninst);
    const pl_plan_instance *in = &m->inst[k];
    assert_int_equal(in->buffer, buffer);
    assert_int_equal(in->iter, iter);
    pl_assert_near(in->start, start, 0);
    pl_assert_near(in->end, end, 0);
    assert_int_equal(in->version, version);
    pl_assert_near(in->offset, offset, 0);
}

/* The reuse list is exactly pairs[0 .. n) (from, to), in order. */
static void expect_reuse(const pl_plan_memmap *m, const uint32_t (*pairs)[2], uint32_t n)
{
    assert_int_equal(m->nreuse, n);
    for (uint32_t r = 0; r < n; r++) {
        assert_int_equal(m->reuse[r].from, pairs[r][0]);
        assert_int_equal(m->reuse[r].to, pairs[r][1]);
    }
}

/* ---- Worked by hand ---- */

/* Op 0 writes B (1024 bytes), op 1 reads it, 4 iterations: op 0 of iteration i runs
 * [2i, 2i+1), op 1 [2i+2, 2i+3). Instance i lives [2i, 2i+3) and overlaps only i - 1 and
 * i + 1 (i + 2 starts at 2i+4): versions 0, 1, 0, 1, both copies live over [2, 7) and
 * [2, 9), so at 0 and 1024. footprint = max_live = 2 * 1024, no_reuse = 4 * 1024; each
 * instance waits for the one two before it. */
static void test_two_versions(void **state)
{
    (void)state;
    const double sizes[] = {1024};
    const pl_plan_access acc[] = {{0, 0, true}, {1, 0, false}};
    pl_test_plan p = pl_test_plan_new(2, sizes, 1, acc, 2, 4);
    for (uint32_t i = 0; i < 4; i++) {
        pl_test_plan_set_task(&p, 0, i, 2 * i, 2 * i + 1);
        pl_test_plan_set_task(&p, 1, i, 2 * i + 2, 2 * i + 3);
    }
    pl_plan_memmap m;
    pl_test_plan_liveness(&p, &m);
    assert_int_equal(m.ninst, 4);
    for (uint32_t i = 0; i < 4; i++)
        expect_instance(&m, i, 0, (int32_t)i, 2 * i, 2 * i + 3, i % 2, 1024 * (i % 2));
    assert_int_equal(m.versions[0], 2);
    pl_assert_near(m.footprint, 2 * 1024, 0);
    pl_assert_near(m.max_live, 2 * 1024, 0);
    pl_assert_near(m.no_reuse, 4 * 1024, 0);
    expect_reuse(&m, (const uint32_t[][2]){{0, 2}, {1, 3}}, 2);
    pl_plan_memmap_fini(&m);
    pl_test_plan_free(&p);
}

/* The same loop. Back to back (op 0 [3i, 3i+1), op 1 [3i+1, 3i+3)), instance i lives
 * [3i, 3i+3) and ends as i + 1 starts: one version, in place, footprint = max_live = 1024,
 * each instance after the one before. With op 0 of i + 1 during op 1 of i (op 0 [2i, 2i+1),
 * op 1 [2i+1, 2i+3)), instance i lives [2i, 2i+3) and overlaps i + 1: ping-pong, 2. */
static void test_in_place_and_ping_pong(void **state)
{
    (void)state;
    const double sizes[] = {1024};
    const pl_plan_access acc[] = {{0, 0, true}, {1, 0, false}};
    pl_test_plan p = pl_test_plan_new(2, sizes, 1, acc, 2, 4);
    for (uint32_t i = 0; i < 4; i++) {
        pl_test_plan_set_task(&p, 0, i, 3 * i, 3 * i + 1);
        pl_test_plan_set_task(&p, 1, i, 3 * i + 1, 3 * i + 3);
    }
    pl_plan_memmap m;
    pl_test_plan_liveness(&p, &m);
    assert_int_equal(m.versions[0], 1);
    for (uint32_t i = 0; i < 4; i++)
        expect_instance(&m, i, 0, (int32_t)i, 3 * i, 3 * i + 3, 0, 0);
    pl_assert_near(m.footprint, 1024, 0);
    pl_assert_near(m.max_live, 1024, 0);
    expect_reuse(&m, (const uint32_t[][2]){{0, 1}, {1, 2}, {2, 3}}, 3);
    pl_plan_memmap_fini(&m);

    for (uint32_t i = 0; i < 4; i++) {
        pl_test_plan_set_task(&p, 0, i, 2 * i, 2 * i + 1);
        pl_test_plan_set_task(&p, 1, i, 2 * i + 1, 2 * i + 3);
    }
    pl_test_plan_liveness(&p, &m);
    assert_int_equal(m.versions[0], 2);
    pl_assert_near(m.footprint, 2 * 1024, 0);
    pl_assert_near(m.max_live, 2 * 1024, 0);
    pl_plan_memmap_fini(&m);
    pl_test_plan_free(&p);
}

/* load (op 0) writes X (8 bytes); mac (op 1) reads X, reads acc (4 bytes) and writes it;
 * store (op 2) reads acc. 3 iterations, op o of iteration i at [3i+o, 3i+o+1), makespan 9.
 * mac has no writer of acc before it: it reads the previous iteration's acc, and as it
 * writes acc too it updates it in place, so the old value ends as mac starts.
 *   X: (X,i) = [3i, 3i+2), load to mac: [0,2) [3,5) [6,8), one version.
 *   acc: (acc,-1) = [0, start of mac 0) = [0,1); (acc,i) from mac i's start 3i+1 to the
 *   end of store i (3i+3) or the start of mac i+1 (3i+4): [1,4) [4,7), and [7,9) for the
 *   last (store 2 ends at 9, there is no mac 3). Each starts as the one before ends: one
 *   version, in place.
 *   Spans: X [0,8), acc [0,9), both from 0, X first (buffer 0): X at 0, acc at 8;
 *   footprint 12. Live bytes: acc's 4 throughout, plus X's 8 at times: max_live 12.
 *   no_reuse = 3 * 8 + 4 * 4 = 40.
 * Instances: 0..2 = X 0..2, 3 = acc -1, 4..6 = acc 0..2. */
static pl_test_plan accumulator(void)
{
    const double sizes[] = {8, 4};
    const pl_plan_access acc[] = {
        {0, 0, true}, {1, 0, false}, {1, 1, false}, {1, 1, true}, {2, 1, false},
    };
    pl_test_plan p = pl_test_plan_new(3, sizes, 2, acc, 5, 3);
    for (uint32_t i = 0; i < 3; i++)
        for (uint32_t o = 0; o < 3; o++)
            pl_test_plan_set_task(&p, o, i, 3 * i + o, 3 * i + o + 1);
    return p;
}

static void test_accumulator(void **state)
{
    (void)state;
    pl_test_plan p = accumulator();
    pl_plan_memmap m;
    pl_test_plan_liveness(&p, &m);
    assert_int_equal(m.ninst, 7);
    for (uint32_t i = 0; i < 3; i++)
        expect_instance(&m, i, 0, (int32_t)i, 3 * i, 3 * i + 2, 0, 0);
    expect_instance(&m, 3, 1, -1, 0, 1, 0, 8);
    expect_instance(&m, 4, 1, 0, 1, 4, 0, 8);
    expect_instance(&m, 5, 1, 1, 4, 7, 0, 8);
    expect_instance(&m, 6, 1, 2, 7, 9, 0, 8);
    assert_int_equal(m.versions[0], 1);
    assert_int_equal(m.versions[1], 1);
    pl_assert_near(m.footprint, 12, 0);
    pl_assert_near(m.max_live, 12, 0);
    pl_assert_near(m.no_reuse, 40, 0);
    expect_reuse(&m, (const uint32_t[][2]){{0, 1}, {1, 2}, {3, 4}, {4, 5}, {5, 6}}, 5);
    pl_plan_memmap_fini(&m);
    pl_test_plan_free(&p);
}

/* A plain loop-carried read: op 0 reads S (16 bytes), op 1 writes it, so op 0 reads the
 * previous iteration's S and holds it to its end. 3 iterations, op 0 at [3i, 3i+2), op 1
 * at [3i+1, 3i+3) (another unit), makespan 9.
 *   (S,-1) = [0, end of op 0 of iteration 0) = [0,2); (S,i) from op 1's start 3i+1 to the
 *   end of op 0 of i+1 (3i+5): [1,5) [4,8), and [7,9) for the last (op 1 2 ends at 9).
 *   Versions by start: -1 -> 0; 0 -> 1 (0 busy until 2); 1 -> 0 (free at 2 <= 4);
 *   2 -> 1 (free at 5 <= 7, 0 busy until 8): ping-pong, 2 versions.
 *   Spans [0,8) and [1,9) overlap: at 0 and 16; footprint = max_live = 32; no_reuse 64. */
static void test_carried_read(void **state)
{
    (void)state;
    const double sizes[] = {16};
    const pl_plan_access acc[] = {{0, 0, false}, {1, 0, true}};
    pl_test_plan p = pl_test_plan_new(2, sizes, 1, acc, 2, 3);
    for (uint32_t i = 0; i < 3; i++) {
        pl_test_plan_set_task(&p, 0, i, 3 * i, 3 * i + 2);
        pl_test_plan_set_task(&p, 1, i, 3 * i + 1, 3 * i + 3);
    }
    pl_plan_memmap m;
    pl_test_plan_liveness(&p, &m);
    assert_int_equal(m.ninst, 4);
    expect_instance(&m, 0, 0, -1, 0, 2, 0, 0);
    expect_instance(&m, 1, 0, 0, 1, 5, 1, 16);
    expect_instance(&m, 2, 0, 1, 4, 8, 0, 0);
    expect_instance(&m, 3, 0, 2, 7, 9, 1, 16);
    assert_int_equal(m.versions[0], 2);
    pl_assert_near(m.footprint, 32, 0);
    pl_assert_near(m.max_live, 32, 0);
    pl_assert_near(m.no_reuse, 64, 0);
    expect_reuse(&m, (const uint32_t[][2]){{0, 2}, {1, 3}}, 2);
    pl_plan_memmap_fini(&m);
    pl_test_plan_free(&p);
}

/* Op 0 reads W (100 bytes, never written: resident) and writes Y (10); op 1 reads Y; U (50)
 * is never accessed. 2 iterations, op 0 at [2i, 2i+1), op 1 at [2i+1, 2i+2), makespan 4.
 * W: one instance [0, 4), version 0; Y: [0,2) and [2,4), one version; U: none. Spans
 * W [0,4) and Y [0,4) from 0, W first (buffer 0): W at 0, Y at 100. footprint =
 * max_live = 110; no_reuse = 100 + 2 * 10 = 120. */
static pl_test_plan resident(void)
{
    const double sizes[] = {100, 10, 50};
    const pl_plan_access acc[] = {{0, 0, false}, {0, 1, true}, {1, 1, false}};
    pl_test_plan p = pl_test_plan_new(2, sizes, 3, acc, 3, 2);
    for (uint32_t i = 0; i < 2; i++) {
        pl_test_plan_set_task(&p, 0, i, 2 * i, 2 * i + 1);
        pl_test_plan_set_task(&p, 1, i, 2 * i + 1, 2 * i + 2);
    }
    return p;
}

static void test_resident(void **state)
{
    (void)state;
    pl_test_plan p = resident();
    assert_true(pl_plan_buffer_resident(&p.l, 0));
    assert_false(pl_plan_buffer_resident(&p.l, 1));
    pl_plan_memmap m;
    pl_test_plan_liveness(&p, &m);
    assert_int_equal(m.ninst, 3);
    expect_instance(&m, 0, 0, -1, 0, 4, 0, 0);
    expect_instance(&m, 1, 1, 0, 0, 2, 0, 100);
    expect_instance(&m, 2, 1, 1, 2, 4, 0, 100);
    assert_int_equal(m.versions[0], 1);
    assert_int_equal(m.versions[1], 1);
    assert_int_equal(m.versions[2], 0);
    pl_assert_near(m.footprint, 110, 0);
    pl_assert_near(m.max_live, 110, 0);
    pl_assert_near(m.no_reuse, 120, 0);
    expect_reuse(&m, (const uint32_t[][2]){{1, 2}}, 1);
    pl_plan_memmap_fini(&m);
    pl_test_plan_free(&p);
}

/* One iteration, op o at [o, o+1): op 0 writes X (64 bytes) and Z (16), op 1 reads X,
 * op 2 writes Y (32), op 3 reads Y and Z. X lives [0,2), Y [2,4), Z [0,4). Placed by
 * span start: X at 0, Z at 64 (it overlaps X), Y at 0 (its span overlaps Z's but not
 * X's, and 0 + 32 <= 64). footprint = max_live = X + Z = 80 (Y + Z is 48); no_reuse 112.
 * Reuse: Y (instance 1) takes X's (instance 0) memory. */
static void test_cross_buffer_reuse(void **state)
{
    (void)state;
    const double sizes[] = {64, 32, 16};
    const pl_plan_access acc[] = {
        {0, 0, true}, {0, 2, true}, {1, 0, false}, {2, 1, true}, {3, 1, false}, {3, 2, false},
    };
    pl_test_plan p = pl_test_plan_new(4, sizes, 3, acc, 6, 1);
    for (uint32_t o = 0; o < 4; o++)
        pl_test_plan_set_task(&p, o, 0, o, o + 1);
    pl_plan_memmap m;
    pl_test_plan_liveness(&p, &m);
    assert_int_equal(m.ninst, 3);
    expect_instance(&m, 0, 0, 0, 0, 2, 0, 0);
    expect_instance(&m, 1, 1, 0, 2, 4, 0, 0);
    expect_instance(&m, 2, 2, 0, 0, 4, 0, 64);
    pl_assert_near(m.footprint, 80, 0);
    pl_assert_near(m.max_live, 80, 0);
    pl_assert_near(m.no_reuse, 112, 0);
    expect_reuse(&m, (const uint32_t[][2]){{0, 1}}, 1);
    pl_plan_memmap_fini(&m);
    pl_test_plan_free(&p);
}

/* The accumulator's tasks (task = 3i + op): X 0 is written by load 0 (0), read by mac 0
 * (1); acc -1 is read by mac 0 (1) only; acc 0 is written by mac 0 (1), read by store 0
 * (2) and mac 1 (4); acc 1 by mac 1 (4), then store 1 (5) and mac 2 (7); acc 2 by mac 2
 * (7), then store 2 (8), there is no mac 3. The resident W is read by op 0 of both
 * iterations (0, 2) and written by none. */
static void expect_tasks(const pl_plan_loop *l, const pl_plan_instance *k, bool readers,
                         const uint32_t *tasks, uint32_t n)
{
    uint32_t out[8];
    assert_int_equal(pl_plan_instance_tasks(l, k, readers, out, 8), n);
    for (uint32_t t = 0; t < n; t++)
        assert_int_equal(out[t], tasks[t]);
}

static void test_instance_tasks(void **state)
{
    (void)state;
    pl_test_plan p = accumulator();
    pl_plan_memmap m;
    pl_test_plan_liveness(&p, &m);
    expect_tasks(&p.l, &m.inst[0], false, (const uint32_t[]){0}, 1);
    expect_tasks(&p.l, &m.inst[0], true, (const uint32_t[]){0, 1}, 2);
    expect_tasks(&p.l, &m.inst[3], false, NULL, 0);
    expect_tasks(&p.l, &m.inst[3], true, (const uint32_t[]){1}, 1);
    expect_tasks(&p.l, &m.inst[4], false, (const uint32_t[]){1}, 1);
    expect_tasks(&p.l, &m.inst[4], true, (const uint32_t[]){1, 2, 4}, 3);
    expect_tasks(&p.l, &m.inst[5], true, (const uint32_t[]){4, 5, 7}, 3);
    expect_tasks(&p.l, &m.inst[6], true, (const uint32_t[]){7, 8}, 2);

    /* Too small an out: the count is still all of them, and nothing past cap is written. */
    uint32_t out[3] = {99, 99, 99};
    assert_int_equal(pl_plan_instance_tasks(&p.l, &m.inst[5], true, out, 1), 3);
    assert_int_equal(out[0], 4);
    assert_int_equal(out[1], 99);
    assert_int_equal(pl_plan_instance_tasks(&p.l, &m.inst[5], true, NULL, 0), 3);
    pl_plan_memmap_fini(&m);
    pl_test_plan_free(&p);

    p = resident();
    pl_test_plan_liveness(&p, &m);
    expect_tasks(&p.l, &m.inst[0], false, NULL, 0);
    expect_tasks(&p.l, &m.inst[0], true, (const uint32_t[]){0, 2}, 2);
    expect_tasks(&p.l, &m.inst[2], true, (const uint32_t[]){2, 3}, 2);
    pl_plan_memmap_fini(&m);
    pl_test_plan_free(&p);
}

/* A loop without buffers has no instance and needs no memory; fini is safe on a zeroed
 * map and twice. */
static void test_empty(void **state)
{
    (void)state;
    pl_test_plan p = pl_test_plan_new(1, NULL, 0, NULL, 0, 3);
    for (uint32_t i = 0; i < 3; i++)
        pl_test_plan_set_task(&p, 0, i, i, i + 1);
    pl_plan_memmap m;
    pl_test_plan_liveness(&p, &m);
    assert_int_equal(m.ninst, 0);
    assert_int_equal(m.nreuse, 0);
    pl_assert_near(m.footprint, 0, 0);
    pl_assert_near(m.max_live, 0, 0);
    pl_assert_near(m.no_reuse, 0, 0);
    pl_plan_memmap_fini(&m);
    pl_plan_memmap_fini(&m);
    pl_plan_memmap zero = {0};
    pl_plan_memmap_fini(&zero);
    pl_test_plan_free(&p);
}

/* ---- Size ---- */

/* 5 buffers over 20000 iterations, 100000 instances: op o < 5 writes buffer o and op
 * o > 0 reads buffer o - 1; op o of iteration i runs [i + o, i + o + 1). (b, i) lives
 * [i + b, i + b + 2) and overlaps only i - 1 and i + 1: 2 versions each, all spans overlap,
 * footprint = max_live = 2 * (1 + 2 + 3 + 4 + 5) = 30. The time is printed; the bound
 * asserted is generous, there to catch a pass quadratic in the instances (minutes). */
static void test_many_instances(void **state)
{
    (void)state;
    enum { NB = 5, IT = 20000 };
    const double sizes[NB] = {1, 2, 3, 4, 5};
    pl_plan_access acc[2 * NB];
    uint32_t na = 0;
    for (uint32_t b = 0; b < NB; b++) {
        acc[na++] = (pl_plan_access){b, b, true};
        acc[na++] = (pl_plan_access){b + 1, b, false};
    }
    pl_test_plan p = pl_test_plan_new(NB + 1, sizes, NB, acc, na, IT);
    for (uint32_t i = 0; i < IT; i++)
        for (uint32_t o = 0; o <= NB; o++)
            pl_test_plan_set_task(&p, o, i, i + o, i + o + 1);
    pl_plan_memmap m;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pl_test_plan_liveness(&p, &m);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) * 1e-6;
    printf("%u instances: %.1f ms\n", m.ninst, ms);
    assert_true(ms < 10000);
    assert_int_equal(m.ninst, NB * IT);
    for (uint32_t k = 0; k < NB; k++)
        assert_int_equal(m.versions[k], 2);
    pl_assert_near(m.footprint, 30, 0);
    pl_assert_near(m.max_live, 30, 0);
    assert_int_equal(m.nreuse, NB * IT - 2 * NB);
    pl_plan_memmap_fini(&m);
    pl_test_plan_free(&p);
}

/* Placement by hand: A (1 byte) lives [0,2), B (1) [1,4), C (2) [2,5), one iteration:
 * op 0 writes A at [0,1), op 1 reads A and writes B at [1,2), op 2 writes C at [2,3), op 3
 * reads B at [3,4), op 4 reads C at [4,5).
 *   First fit in order of first use: A at 0, B at 1 (A is live), C at 2 (B is live over
 *   [1,2)): footprint 4.
 *   Largest first (C, then A and B in order of first use): C at 0, A at 0 (their spans
 *   meet at 2 but do not overlap), B at 2 (A and C both live with it): footprint 3, which
 *   is max_live (B and C over [2,4)). So the default takes largest first, and C waits for
 *   A's addresses: reuse A -> C. Asked for, each placement gives its own. */
static void test_largest_first(void **state)
{
    (void)state;
    const double sizes[] = {1, 1, 2};
    const pl_plan_access acc[] = {{0, 0, true},  {1, 0, false}, {1, 1, true},
                                  {2, 2, true},  {3, 1, false}, {4, 2, false}};
    pl_test_plan p = pl_test_plan_new(5, sizes, 3, acc, 6, 1);
    for (uint32_t o = 0; o < 5; o++)
        pl_test_plan_set_task(&p, o, 0, o, o + 1);
    const struct {
        pl_plan_placement how;
        double footprint, offset[3];
        bool largest;
    } cases[] = {
        {PL_PLAN_PLACE_BEST, 3, {0, 2, 0}, true},
        {PL_PLAN_PLACE_FIRST_USE, 4, {0, 1, 2}, false},
        {PL_PLAN_PLACE_LARGEST, 3, {0, 2, 0}, true},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        p.l.placement = cases[c].how;
        pl_plan_memmap m;
        pl_test_plan_liveness(&p, &m);
        assert_int_equal(m.ninst, 3);
        for (uint32_t k = 0; k < 3; k++)
            pl_assert_near(m.inst[k].offset, cases[c].offset[k], 0);
        pl_assert_near(m.footprint, cases[c].footprint, 0);
        pl_assert_near(m.max_live, 3, 0);
        assert_int_equal(m.largest_first, cases[c].largest);
        if (cases[c].how == PL_PLAN_PLACE_BEST) {
            pl_assert_near(m.footprint_first_use, 4, 0);
            pl_assert_near(m.footprint_largest_first, 3, 0);
            expect_reuse(&m, (const uint32_t[][2]){{0, 2}}, 1);
        }
        pl_plan_memmap_fini(&m);
    }
    pl_test_plan_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_versions),   cmocka_unit_test(test_in_place_and_ping_pong),
        cmocka_unit_test(test_accumulator),    cmocka_unit_test(test_carried_read),
        cmocka_unit_test(test_resident),       cmocka_unit_test(test_cross_buffer_reuse),
        cmocka_unit_test(test_instance_tasks), cmocka_unit_test(test_empty),
        cmocka_unit_test(test_many_instances), cmocka_unit_test(test_largest_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
