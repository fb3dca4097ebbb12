/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_liveness.c — buffer instances of a scheduled loop: their lifetimes, versions
 * and offsets, the reuse between them, and the totals.
 *
 * Loops and schedules are written by hand here (no scheduler): small cases worked by hand
 * in the comments, with times in whole seconds and sizes in whole bytes, so that every
 * expected value is exact and compared exactly; and random cases from a fixed seed
 * (printed), checked against the rules of models/plan/liveness.h computed again here by brute
 * force, in a different way from the module (per op flags instead of sorted accesses,
 * every candidate offset tried instead of a sweep).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/common/error.h"
#include "models/plan/liveness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEED   20240612u
#define CASES  1000
#define MAXOPS 5
#define MAXBUF 4
#define MAXIT  6
#define MAXACC (3 * MAXOPS * MAXBUF)
#define MAXI   (MAXBUF * (MAXIT + 1)) /* the most instances of a random case */

/* A loop of ops on one unit and a schedule with a slot for each of its tasks, all zero
 * until set_task. Free with plan_free. */
struct plan {
    pl_plan_loop l;
    pl_plan_schedule s;
};

static struct plan plan_new(uint32_t nops, const double *sizes, uint32_t nbuffers,
                            const pl_plan_access *access, uint32_t naccess, uint32_t iterations)
{
    struct plan p = {{0}, {0}};
    p.l.ops = calloc(nops, sizeof *p.l.ops);
    p.l.classes = calloc(1, sizeof *p.l.classes);
    p.l.buffers = calloc(nbuffers ? nbuffers : 1, sizeof *p.l.buffers);
    p.l.access = calloc(naccess ? naccess : 1, sizeof *p.l.access);
    p.s.tasks = calloc((size_t)nops * iterations, sizeof *p.s.tasks);
    assert_non_null(p.l.ops);
    assert_non_null(p.l.classes);
    assert_non_null(p.l.buffers);
    assert_non_null(p.l.access);
    assert_non_null(p.s.tasks);
    for (uint32_t o = 0; o < nops; o++)
        p.l.ops[o] = (pl_plan_op){NULL, 0, 1};
    p.l.nops = nops;
    p.l.classes[0] = (pl_plan_class){NULL, 1};
    p.l.nclasses = 1;
    for (uint32_t b = 0; b < nbuffers; b++)
        p.l.buffers[b] = (pl_plan_buffer){NULL, sizes[b]};
    p.l.nbuffers = nbuffers;
    if (naccess)
        memcpy(p.l.access, access, naccess * sizeof *access);
    p.l.naccess = naccess;
    p.l.iterations = iterations;
    p.l.memory = INFINITY;
    p.s.ntasks = nops * iterations;
    p.s.rule = "by hand";
    return p;
}

static void plan_free(struct plan *p)
{
    pl_plan_loop_fini(&p->l);
    free(p->s.tasks);
}

/* Task (op, iter) runs [start, end) on unit 0. */
static void set_task(struct plan *p, uint32_t op, uint32_t iter, double start, double end)
{
    p->s.tasks[(size_t)iter * p->l.nops + op] = (pl_plan_slot){0, start, end};
    p->s.makespan = fmax(p->s.makespan, end);
}

static void liveness(const struct plan *p, pl_plan_memmap *m)
{
    assert_int_equal(pl_plan_liveness(&p->l, &p->s, m), 0);
}

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
    struct plan p = plan_new(2, sizes, 1, acc, 2, 4);
    for (uint32_t i = 0; i < 4; i++) {
        set_task(&p, 0, i, 2 * i, 2 * i + 1);
        set_task(&p, 1, i, 2 * i + 2, 2 * i + 3);
    }
    pl_plan_memmap m;
    liveness(&p, &m);
    assert_int_equal(m.ninst, 4);
    for (uint32_t i = 0; i < 4; i++)
        expect_instance(&m, i, 0, (int32_t)i, 2 * i, 2 * i + 3, i % 2, 1024 * (i % 2));
    assert_int_equal(m.versions[0], 2);
    pl_assert_near(m.footprint, 2 * 1024, 0);
    pl_assert_near(m.max_live, 2 * 1024, 0);
    pl_assert_near(m.no_reuse, 4 * 1024, 0);
    expect_reuse(&m, (const uint32_t[][2]){{0, 2}, {1, 3}}, 2);
    pl_plan_memmap_fini(&m);
    plan_free(&p);
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
    struct plan p = plan_new(2, sizes, 1, acc, 2, 4);
    for (uint32_t i = 0; i < 4; i++) {
        set_task(&p, 0, i, 3 * i, 3 * i + 1);
        set_task(&p, 1, i, 3 * i + 1, 3 * i + 3);
    }
    pl_plan_memmap m;
    liveness(&p, &m);
    assert_int_equal(m.versions[0], 1);
    for (uint32_t i = 0; i < 4; i++)
        expect_instance(&m, i, 0, (int32_t)i, 3 * i, 3 * i + 3, 0, 0);
    pl_assert_near(m.footprint, 1024, 0);
    pl_assert_near(m.max_live, 1024, 0);
    expect_reuse(&m, (const uint32_t[][2]){{0, 1}, {1, 2}, {2, 3}}, 3);
    pl_plan_memmap_fini(&m);

    for (uint32_t i = 0; i < 4; i++) {
        set_task(&p, 0, i, 2 * i, 2 * i + 1);
        set_task(&p, 1, i, 2 * i + 1, 2 * i + 3);
    }
    liveness(&p, &m);
    assert_int_equal(m.versions[0], 2);
    pl_assert_near(m.footprint, 2 * 1024, 0);
    pl_assert_near(m.max_live, 2 * 1024, 0);
    pl_plan_memmap_fini(&m);
    plan_free(&p);
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
static struct plan accumulator(void)
{
    const double sizes[] = {8, 4};
    const pl_plan_access acc[] = {
        {0, 0, true}, {1, 0, false}, {1, 1, false}, {1, 1, true}, {2, 1, false},
    };
    struct plan p = plan_new(3, sizes, 2, acc, 5, 3);
    for (uint32_t i = 0; i < 3; i++)
        for (uint32_t o = 0; o < 3; o++)
            set_task(&p, o, i, 3 * i + o, 3 * i + o + 1);
    return p;
}

static void test_accumulator(void **state)
{
    (void)state;
    struct plan p = accumulator();
    pl_plan_memmap m;
    liveness(&p, &m);
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
    plan_free(&p);
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
    struct plan p = plan_new(2, sizes, 1, acc, 2, 3);
    for (uint32_t i = 0; i < 3; i++) {
        set_task(&p, 0, i, 3 * i, 3 * i + 2);
        set_task(&p, 1, i, 3 * i + 1, 3 * i + 3);
    }
    pl_plan_memmap m;
    liveness(&p, &m);
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
    plan_free(&p);
}

/* Op 0 reads W (100 bytes, never written: resident) and writes Y (10); op 1 reads Y; U (50)
 * is never accessed. 2 iterations, op 0 at [2i, 2i+1), op 1 at [2i+1, 2i+2), makespan 4.
 * W: one instance [0, 4), version 0; Y: [0,2) and [2,4), one version; U: none. Spans
 * W [0,4) and Y [0,4) from 0, W first (buffer 0): W at 0, Y at 100. footprint =
 * max_live = 110; no_reuse = 100 + 2 * 10 = 120. */
static struct plan resident(void)
{
    const double sizes[] = {100, 10, 50};
    const pl_plan_access acc[] = {{0, 0, false}, {0, 1, true}, {1, 1, false}};
    struct plan p = plan_new(2, sizes, 3, acc, 3, 2);
    for (uint32_t i = 0; i < 2; i++) {
        set_task(&p, 0, i, 2 * i, 2 * i + 1);
        set_task(&p, 1, i, 2 * i + 1, 2 * i + 2);
    }
    return p;
}

static void test_resident(void **state)
{
    (void)state;
    struct plan p = resident();
    assert_true(pl_plan_buffer_resident(&p.l, 0));
    assert_false(pl_plan_buffer_resident(&p.l, 1));
    pl_plan_memmap m;
    liveness(&p, &m);
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
    plan_free(&p);
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
    struct plan p = plan_new(4, sizes, 3, acc, 6, 1);
    for (uint32_t o = 0; o < 4; o++)
        set_task(&p, o, 0, o, o + 1);
    pl_plan_memmap m;
    liveness(&p, &m);
    assert_int_equal(m.ninst, 3);
    expect_instance(&m, 0, 0, 0, 0, 2, 0, 0);
    expect_instance(&m, 1, 1, 0, 2, 4, 0, 0);
    expect_instance(&m, 2, 2, 0, 0, 4, 0, 64);
    pl_assert_near(m.footprint, 80, 0);
    pl_assert_near(m.max_live, 80, 0);
    pl_assert_near(m.no_reuse, 112, 0);
    expect_reuse(&m, (const uint32_t[][2]){{0, 1}}, 1);
    pl_plan_memmap_fini(&m);
    plan_free(&p);
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
    struct plan p = accumulator();
    pl_plan_memmap m;
    liveness(&p, &m);
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
    plan_free(&p);

    p = resident();
    liveness(&p, &m);
    expect_tasks(&p.l, &m.inst[0], false, NULL, 0);
    expect_tasks(&p.l, &m.inst[0], true, (const uint32_t[]){0, 2}, 2);
    expect_tasks(&p.l, &m.inst[2], true, (const uint32_t[]){2, 3}, 2);
    pl_plan_memmap_fini(&m);
    plan_free(&p);
}

/* A loop without buffers has no instance and needs no memory; fini is safe on a zeroed
 * map and twice. */
static void test_empty(void **state)
{
    (void)state;
    struct plan p = plan_new(1, NULL, 0, NULL, 0, 3);
    for (uint32_t i = 0; i < 3; i++)
        set_task(&p, 0, i, i, i + 1);
    pl_plan_memmap m;
    liveness(&p, &m);
    assert_int_equal(m.ninst, 0);
    assert_int_equal(m.nreuse, 0);
    pl_assert_near(m.footprint, 0, 0);
    pl_assert_near(m.max_live, 0, 0);
    pl_assert_near(m.no_reuse, 0, 0);
    pl_plan_memmap_fini(&m);
    pl_plan_memmap_fini(&m);
    pl_plan_memmap zero = {0};
    pl_plan_memmap_fini(&zero);
    plan_free(&p);
}

/* ---- Random cases against brute force ---- */

static bool overlap(double a0, double a1, double b0, double b1)
{
    return a0 < b1 && b0 < a1;
}

/* Whether op o writes (reads) buffer b. */
static bool accesses(const pl_plan_loop *l, uint32_t o, uint32_t b, bool write)
{
    for (uint32_t a = 0; a < l->naccess; a++)
        if (l->access[a].op == o && l->access[a].buffer == b && l->access[a].write == write)
            return true;
    return false;
}

static const pl_plan_slot *task(const struct plan *p, uint32_t op, uint32_t iter)
{
    return &p->s.tasks[(size_t)iter * p->l.nops + op];
}

/* The latest end of the ops in [lo, hi) that read b in iteration iter, or -INFINITY. An op
 * that reads b with no writer before it and writes b itself updates b in place: when
 * `in_place`, it is done with the old value as it starts. */
static double reads_end(const struct plan *p, uint32_t b, uint32_t lo, uint32_t hi, uint32_t iter,
                        bool in_place)
{
    double end = -INFINITY;
    for (uint32_t o = lo; o < hi; o++) {
        if (!accesses(&p->l, o, b, false))
            continue;
        bool update = in_place && accesses(&p->l, o, b, true);
        end = fmax(end, update ? task(p, o, iter)->start : task(p, o, iter)->end);
    }
    return end;
}

/* Buffer b's instances by the rules of models/plan/liveness.h, appended to want[*n]. */
static void brute_instances(const struct plan *p, uint32_t b, pl_plan_instance *want, uint32_t *n)
{
    const pl_plan_loop *l = &p->l;
    uint32_t fw = l->nops;
    for (uint32_t o = l->nops; o-- > 0;)
        if (accesses(l, o, b, true))
            fw = o;
    double carried0 = reads_end(p, b, 0, fw < l->nops ? fw + 1 : l->nops, 0, true);
    if (fw == l->nops) {
        if (carried0 > -INFINITY)
            want[(*n)++] = (pl_plan_instance){b, -1, 0, p->s.makespan, 0, 0};
        return;
    }
    if (carried0 > -INFINITY)
        want[(*n)++] = (pl_plan_instance){b, -1, 0, carried0, 0, 0};
    for (uint32_t i = 0; i < l->iterations; i++) {
        double start = INFINITY, end = -INFINITY;
        for (uint32_t o = 0; o < l->nops; o++) {
            if (!accesses(l, o, b, true))
                continue;
            start = fmin(start, task(p, o, i)->start);
            end = fmax(end, task(p, o, i)->end);
        }
        end = fmax(end, reads_end(p, b, fw + 1, l->nops, i, false));
        if (i + 1 < l->iterations)
            end = fmax(end, reads_end(p, b, 0, fw + 1, i + 1, true));
        want[(*n)++] = (pl_plan_instance){b, (int32_t)i, start, end, 0, 0};
    }
}

/* The most instances of buffer b (every buffer when b is UINT32_MAX) live at once, each
 * weighing `weight` bytes (its size when weight is 0). The maximum is reached at some
 * instance's start. */
static double brute_live(const struct plan *p, const pl_plan_memmap *m, uint32_t b, double weight)
{
    double most = 0;
    for (uint32_t k = 0; k < m->ninst; k++) {
        double t = m->inst[k].start, live = 0;
        for (uint32_t j = 0; j < m->ninst; j++) {
            const pl_plan_instance *in = &m->inst[j];
            if ((b == UINT32_MAX || in->buffer == b) && in->start <= t && t < in->end)
                live += weight > 0 ? weight : p->l.buffers[in->buffer].size;
        }
        most = fmax(most, live);
    }
    return most;
}

/* The offsets of the physical buffers by the header's rule, checked against m: in order of
 * (span start, buffer, version), the lowest of 0 and every placed one's end that overlaps
 * no placed one with an overlapping span. */
static void check_placement(const struct plan *p, const pl_plan_memmap *m)
{
    struct phys {
        uint32_t b, v;
        double start, end, size, offset;
        bool placed;
    } ph[MAXI];
    uint32_t n = 0;
    for (uint32_t k = 0; k < m->ninst; k++) {
        const pl_plan_instance *in = &m->inst[k];
        uint32_t q = 0;
        while (q < n && !(ph[q].b == in->buffer && ph[q].v == in->version))
            q++;
        if (q == n)
            ph[n++] = (struct phys){
                in->buffer, in->version, in->start, in->end, p->l.buffers[in->buffer].size,
                in->offset, false};
        ph[q].start = fmin(ph[q].start, in->start);
        ph[q].end = fmax(ph[q].end, in->end);
        pl_assert_near(in->offset, ph[q].offset, 0); /* one offset per physical buffer */
    }
    for (uint32_t placed = 0; placed < n; placed++) {
        uint32_t next = n;
        for (uint32_t q = 0; q < n; q++) {
            if (ph[q].placed)
                continue;
            if (next == n || ph[q].start < ph[next].start ||
                (ph[q].start == ph[next].start &&
                 (ph[q].b < ph[next].b || (ph[q].b == ph[next].b && ph[q].v < ph[next].v))))
                next = q;
        }
        double best = INFINITY;
        for (uint32_t c = 0; c <= n; c++) {
            if (c < n && !ph[c].placed)
                continue;
            double x = c < n ? ph[c].offset + ph[c].size : 0;
            bool fits = true;
            for (uint32_t q = 0; q < n && fits; q++)
                fits = !(ph[q].placed &&
                         overlap(ph[q].start, ph[q].end, ph[next].start, ph[next].end) &&
                         overlap(ph[q].offset, ph[q].offset + ph[q].size, x, x + ph[next].size));
            if (fits)
                best = fmin(best, x);
        }
        pl_assert_near(ph[next].offset, best, 0);
        ph[next].placed = true;
    }
}

static bool same_phys(const pl_plan_instance *a, const pl_plan_instance *b)
{
    return a->buffer == b->buffer && a->version == b->version;
}

/* Whether instance j comes before k in order of (start, iteration). */
static bool earlier(const pl_plan_memmap *m, uint32_t j, uint32_t k)
{
    const pl_plan_instance *a = &m->inst[j], *b = &m->inst[k];
    return a->start < b->start || (a->start == b->start && a->iter < b->iter);
}

/* How many instances of k's physical buffer come before k (after k when `after`). */
static uint32_t phys_rank(const pl_plan_memmap *m, uint32_t k, bool after)
{
    uint32_t n = 0;
    for (uint32_t j = 0; j < m->ninst; j++)
        if (same_phys(&m->inst[j], &m->inst[k]) && (after ? earlier(m, k, j) : earlier(m, j, k)))
            n++;
    return n;
}

/* The span of k's physical buffer: its first start, its last end. */
static void phys_span(const pl_plan_memmap *m, uint32_t k, double *start, double *end)
{
    *start = INFINITY;
    *end = -INFINITY;
    for (uint32_t j = 0; j < m->ninst; j++) {
        if (!same_phys(&m->inst[j], &m->inst[k]))
            continue;
        *start = fmin(*start, m->inst[j].start);
        *end = fmax(*end, m->inst[j].end);
    }
}

/* Whether the header's rule lists (from j, to k): k follows j in their physical buffer, or
 * k is the first instance of a physical buffer that takes addresses of one whose span
 * ended before, and j is that one's last. */
static bool reuses(const struct plan *p, const pl_plan_memmap *m, uint32_t j, uint32_t k)
{
    const pl_plan_instance *a = &m->inst[j], *b = &m->inst[k];
    if (same_phys(a, b))
        return phys_rank(m, k, false) == phys_rank(m, j, false) + 1;
    double s0, e0, s1, e1;
    phys_span(m, j, &s0, &e0);
    phys_span(m, k, &s1, &e1);
    return phys_rank(m, j, true) == 0 && phys_rank(m, k, false) == 0 && e0 <= s1 &&
           overlap(a->offset, a->offset + p->l.buffers[a->buffer].size, b->offset,
                   b->offset + p->l.buffers[b->buffer].size);
}

/* The reuse list is every pair the rule gives, each once, sorted by (to, from); in each,
 * `to` starts after `from` ends. */
static void check_reuse(const struct plan *p, const pl_plan_memmap *m)
{
    uint32_t r = 0;
    for (uint32_t k = 0; k < m->ninst; k++) {
        for (uint32_t j = 0; j < m->ninst; j++) {
            if (!reuses(p, m, j, k))
                continue;
            assert_true(r < m->nreuse);
            assert_int_equal(m->reuse[r].from, j);
            assert_int_equal(m->reuse[r].to, k);
            assert_true(m->inst[j].end <= m->inst[k].start);
            r++;
        }
    }
    assert_int_equal(m->nreuse, r);
}

/* One random loop and schedule: up to MAXOPS ops, MAXBUF buffers, MAXIT iterations; each
 * op reads a buffer one time in 3 and writes it one time in 4, sometimes twice; tasks
 * start at whole seconds: anywhere in [0, 16); or in [3i, 3i + 6) for iteration i; or
 * about in program order, task t in [2t, 2t + 3) (so that buffers come and go and others
 * take their memory). They last 1 to 4 s, so that ends and starts often meet. Sizes are
 * whole bytes from 1 to 16, or all 8. */
static struct plan random_plan(uint64_t *rng)
{
    uint32_t nbuf = pl_test_below(rng, 3) == 0 ? 1 : 1 + pl_test_below(rng, MAXBUF);
    uint32_t nops = 1 + pl_test_below(rng, MAXOPS);
    uint32_t iters =
        pl_test_below(rng, 3) == 0 ? 1 : 1 + pl_test_below(rng, MAXIT); /* one: a plain DAG */
    bool one_size = pl_test_below(rng, 2) == 0;
    double sizes[MAXBUF];
    for (uint32_t b = 0; b < nbuf; b++)
        sizes[b] = one_size ? 8 : 1 + pl_test_below(rng, 16);
    pl_plan_access acc[MAXACC];
    uint32_t na = 0;
    for (uint32_t o = 0; o < nops; o++) {
        for (uint32_t b = 0; b < nbuf; b++) {
            if (pl_test_below(rng, 3) == 0)
                acc[na++] = (pl_plan_access){o, b, false};
            if (pl_test_below(rng, 4) == 0)
                acc[na++] = (pl_plan_access){o, b, true};
            if (na > 0 && pl_test_below(rng, 10) == 0)
                acc[na] = acc[na - 1], na++;
        }
    }
    struct plan p = plan_new(nops, sizes, nbuf, acc, na, iters);
    uint32_t order = pl_test_below(rng, 3);
    for (uint32_t i = 0; i < iters; i++) {
        for (uint32_t o = 0; o < nops; o++) {
            uint32_t start = order == 0   ? pl_test_below(rng, 16)
                             : order == 1 ? 3 * i + pl_test_below(rng, 6)
                                          : 2 * (i * nops + o) + pl_test_below(rng, 3);
            set_task(&p, o, i, start, start + 1 + pl_test_below(rng, 4));
        }
    }
    return p;
}

static void check_random(uint64_t *rng)
{
    struct plan p = random_plan(rng);
    pl_plan_memmap m;
    liveness(&p, &m);

    pl_plan_instance want[MAXI];
    uint32_t nwant = 0;
    for (uint32_t b = 0; b < p.l.nbuffers; b++)
        brute_instances(&p, b, want, &nwant);
    assert_int_equal(m.ninst, nwant);
    double no_reuse = 0;
    for (uint32_t k = 0; k < m.ninst; k++) {
        assert_int_equal(m.inst[k].buffer, want[k].buffer);
        assert_int_equal(m.inst[k].iter, want[k].iter);
        pl_assert_near(m.inst[k].start, want[k].start, 0);
        pl_assert_near(m.inst[k].end, want[k].end, 0);
        /* Empty only for a value before the loop that an update at 0 takes in place. */
        assert_true(m.inst[k].start < m.inst[k].end ||
                    (m.inst[k].iter == -1 && m.inst[k].end == 0));
        assert_true(m.inst[k].version < m.versions[m.inst[k].buffer]);
        no_reuse += p.l.buffers[m.inst[k].buffer].size;
    }
    pl_assert_near(m.no_reuse, no_reuse, 0);

    for (uint32_t b = 0; b < p.l.nbuffers; b++)
        assert_int_equal(m.versions[b], (uint32_t)brute_live(&p, &m, b, 1));
    for (uint32_t j = 0; j < m.ninst; j++) {
        const pl_plan_instance *a = &m.inst[j];
        double sa = p.l.buffers[a->buffer].size;
        assert_true(a->offset >= 0 && a->offset + sa <= m.footprint);
        for (uint32_t k = j + 1; k < m.ninst; k++) {
            const pl_plan_instance *b = &m.inst[k];
            double sb = p.l.buffers[b->buffer].size;
            if (overlap(a->start, a->end, b->start, b->end))
                assert_false(overlap(a->offset, a->offset + sa, b->offset, b->offset + sb));
        }
    }
    pl_assert_near(m.max_live, brute_live(&p, &m, UINT32_MAX, 0), 0);
    assert_true(m.footprint >= m.max_live - 1e-9);
    if (p.l.nbuffers == 1) /* one buffer: its copies all overlap, so they stack exactly */
        pl_assert_near(m.footprint, m.max_live, 0);
    check_placement(&p, &m);
    check_reuse(&p, &m);
    pl_plan_memmap_fini(&m);
    plan_free(&p);
}

/* CASES random loops from SEED: about 400 need more than one version of a buffer, 36 have
 * a buffer that takes another's memory, 25 an empty value before the loop (updated in place
 * at 0). */
static void test_random_against_brute_force(void **state)
{
    (void)state;
    printf("seed %u\n", SEED);
    uint64_t rng = SEED;
    for (int c = 0; c < CASES; c++)
        check_random(&rng);
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
    struct plan p = plan_new(NB + 1, sizes, NB, acc, na, IT);
    for (uint32_t i = 0; i < IT; i++)
        for (uint32_t o = 0; o <= NB; o++)
            set_task(&p, o, i, i + o, i + o + 1);
    pl_plan_memmap m;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    liveness(&p, &m);
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
    plan_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_versions),
        cmocka_unit_test(test_in_place_and_ping_pong),
        cmocka_unit_test(test_accumulator),
        cmocka_unit_test(test_carried_read),
        cmocka_unit_test(test_resident),
        cmocka_unit_test(test_cross_buffer_reuse),
        cmocka_unit_test(test_instance_tasks),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_random_against_brute_force),
        cmocka_unit_test(test_many_instances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
