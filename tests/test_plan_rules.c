/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_rules.c — rules of the plan model's list scheduler, one at a time, every
 * schedule checked by the validator of plan_valid.h, written from the rules of
 * models/plan/loop.h and models/plan/sched.h, not from the scheduler's code: the validator
 * itself on a schedule written by hand, a window and a cycle worked by hand in the
 * comments, and version limits on random loops with buffers, from gsl's mt19937 with a
 * fixed seed (printed): a buffer limited to v versions by pl_plan_version_deps never takes
 * more than v in pl_plan_liveness, and the searches' map (pl_plan_footprint) gives the
 * whole map's versions, footprints and offsets bit for bit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan_loops.h"
#include "plan_valid.h"
#include "support.h"

#include "sim/common/error.h"
#include "models/plan/liveness.h"
#include "models/plan/loop.h"
#include "models/plan/sched.h"

#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED_BUFFERS 20240616u
#define NBUFFERS     300

/* ---- The validator on schedules written by hand ------------------------------------ */

/* Ops a (class 0, latency 2), b (class 1, 3), z (class 0, 0), c (class 0, 4); a -> b at
 * distance 0, b -> a at distance 1; class 0 has units 0 and 1, class 1 unit 2; 2
 * iterations. First ops (no distance-0 dependency in): a, z, c; last ops: b, z, c. */
static pl_plan_loop hand_loop(void)
{
    pl_test_build b = pl_test_build_new(4, 2);
    b.l.ops[0] = (pl_plan_op){NULL, 0, 2, NULL, 0};
    b.l.ops[1] = (pl_plan_op){NULL, 1, 3, NULL, 0};
    b.l.ops[2] = (pl_plan_op){NULL, 0, 0, NULL, 0};
    b.l.ops[3] = (pl_plan_op){NULL, 0, 4, NULL, 0};
    b.l.classes[0].units = 2;
    pl_test_add_dep(&b, 0, 1, 0);
    pl_test_add_dep(&b, 1, 0, 1);
    b.l.iterations = 2;
    return b.l;
}

/* A valid schedule of hand_loop, with a window of 1 too: iteration 0 a [0,2) u0, b [2,5)
 * u2, z [2,2) u0 (touching a's end), c [0,4) u1; iteration 1 a [5,7) u0 (after b 0),
 * b [7,10) u2, z [5,5) u0 (touching a's start), c [5,9) u1 (after b 0, for the window);
 * makespan 10. */
static const pl_plan_slot hand_slots[8] = {
    {0, 0, 2}, {2, 2, 5}, {0, 2, 2}, {1, 0, 4}, {0, 5, 7}, {2, 7, 10}, {0, 5, 5}, {1, 5, 9},
};

/* The validator accepts the schedule above and rejects each of these changes to it, one at
 * a time: a task on a unit of the wrong class, an end that is not start + latency, a start
 * below 0, a dependency broken within an iteration and across one, a zero-length task
 * inside another, two tasks overlapping, a wrong makespan, a first op of iteration 1 that
 * starts before a last op of iteration 0 ends under a window of 1 (valid with no window),
 * and a window other than the one planned with. */
static void test_validator(void **state)
{
    (void)state;
    struct change {
        uint32_t task;
        pl_plan_slot slot;
        double makespan;
        uint32_t window; /* what the schedule says */
        uint32_t check;  /* what it is checked with */
        const char *what;
    };
    const struct change changes[] = {
        {0, {2, 0, 2}, 10, 0, 0, "on unit 2"},
        {1, {2, 2, 6}, 10, 0, 0, "latency 3"},
        {2, {0, -1, -1}, 10, 0, 0, "starts at -1"},
        {1, {2, 1, 4}, 10, 0, 0, "dependency 0 -> 1 (distance 0)"},
        {4, {0, 4, 6}, 10, 0, 0, "dependency 1 -> 0 (distance 1)"},
        {2, {0, 1, 1}, 10, 0, 0, "unit 0: a task at [1, 1) overlaps one ending at 2"},
        {3, {0, 0, 4}, 10, 0, 0, "unit 0: a task at [0, 4) overlaps one ending at 2"},
        {0, {0, 0, 2}, 11, 0, 0, "makespan 11, latest end 10"},
        {6, {0, 3, 3}, 10, 1, 1, "window 1: a first op of iteration 1 starts at 3"},
        {6, {0, 3, 3}, 10, 0, 0, NULL},
        {0, {0, 0, 2}, 10, 0, 1, "window 0, planned with 1"},
        {0, {0, 0, 2}, 10, 1, 1, NULL},
    };
    pl_plan_loop l = hand_loop();
    pl_plan_slot slots[8];
    for (size_t k = 0; k < sizeof changes / sizeof changes[0]; k++) {
        const struct change *c = &changes[k];
        memcpy(slots, hand_slots, sizeof slots);
        slots[c->task] = c->slot;
        pl_plan_schedule s = {slots, 8, c->makespan, c->window, "by hand", 1};
        char why[PL_TEST_WHY] = "";
        bool ok = pl_test_valid(&l, &s, c->check, why);
        if (c->what) {
            assert_false(ok);
            if (!pl_test_contains(why, c->what))
                fail_msg("change %zu: '%s' does not say '%s'", k, why, c->what);
        } else if (!ok) {
            fail_msg("change %zu: rejected, %s", k, why);
        }
    }
    pl_plan_loop_fini(&l);
}

/* ---- A window and a cycle, worked by hand ---------------------------------------------- */

/* A window of 1 on two independent ops, a (latency 1, class 0) and b (latency 2, class 1), 3
 * iterations. Both are first and last ops, so each iteration waits for all of the one
 * before: a and b of iteration i start at 2i (when b of i - 1 ends), makespan 6. Without
 * the window, a runs back to back at 0, 1, 2 and b at 0, 2, 4: makespan 6 too. */
static void test_window_by_hand(void **state)
{
    (void)state;
    pl_test_build b = pl_test_build_new(2, 2);
    b.l.ops[0] = (pl_plan_op){NULL, 0, 1, NULL, 0};
    b.l.ops[1] = (pl_plan_op){NULL, 1, 2, NULL, 0};
    b.l.iterations = 3;
    snprintf(pl_test_where, sizeof pl_test_where, "window by hand");
    pl_plan_schedule s;
    pl_plan_options o = {.window = 1};
    assert_int_equal(pl_plan_schedule_loop(&b.l, &o, &s), 0);
    pl_test_validate(&b.l, &s, 1);
    for (uint32_t i = 0; i < 3; i++) {
        pl_assert_near(pl_test_task(&b.l, &s, 0, i)->start, 2.0 * i, 0); /* by hand, above */
        pl_assert_near(pl_test_task(&b.l, &s, 1, i)->start, 2.0 * i, 0);
    }
    pl_assert_near(s.makespan, 6, 0);
    pl_plan_schedule_fini(&s);
    o.window = 0;
    assert_int_equal(pl_plan_schedule_loop(&b.l, &o, &s), 0);
    pl_test_validate(&b.l, &s, 0);
    for (uint32_t i = 0; i < 3; i++)
        pl_assert_near(pl_test_task(&b.l, &s, 0, i)->start, 1.0 * i, 0); /* by hand, above */
    pl_assert_near(s.makespan, 6, 0);
    pl_plan_schedule_fini(&s);
    pl_plan_loop_fini(&b.l);
}

/* Ops 0 -> 1 -> 2 -> 1, all at distance 0: a cycle within one iteration, which
 * models/plan/sched.h says fails with PL_EINVAL, leaving the schedule empty (its fini frees it
 * on failure). The same cycle with 2 -> 1 at distance 1 schedules: 0, 1, 2 of latency 1
 * on one unit, 2 iterations, back to back, makespan 6. */
static void test_cycle(void **state)
{
    (void)state;
    pl_test_build b = pl_test_build_new(3, 1);
    for (uint32_t o = 0; o < 3; o++)
        b.l.ops[o].latency = 1;
    pl_test_add_dep(&b, 0, 1, 0);
    pl_test_add_dep(&b, 1, 2, 0);
    pl_test_add_dep(&b, 2, 1, 1);
    b.l.iterations = 2;
    b.l.deps[2].distance = 0; /* past pl_test_add_dep's guard: the cycle */
    pl_plan_schedule s;
    pl_plan_options o = {0};
    assert_int_equal(pl_plan_schedule_loop(&b.l, &o, &s), PL_EINVAL);
    assert_null(s.tasks);
    b.l.deps[2].distance = 1;
    assert_int_equal(pl_plan_schedule_loop(&b.l, &o, &s), 0);
    snprintf(pl_test_where, sizeof pl_test_where, "the cycle broken by a distance");
    pl_test_validate(&b.l, &s, 0);
    pl_assert_near(s.makespan, 6, 0); /* 6 tasks of 1 on one unit, none idle: above */
    pl_plan_schedule_fini(&s);
    pl_plan_loop_fini(&b.l);
}

/* ---- Version limits ------------------------------------------------------------------ */

/* A loop with 1-5 buffers: each op reads each buffer with probability 1/4 and writes it with
 * 1/5 (an op that does both reads the buffer and then writes it in place when no writer
 * comes before it) unless `in_place` is false, when an op never does both; a few `after`
 * dependencies; then the buffers' dependencies (pl_plan_loop_add_buffer_deps). */
static pl_plan_loop random_buffer_loop(gsl_rng *r, bool in_place)
{
    uint32_t n = pl_test_draw(r, 2, 16), nb = pl_test_draw(r, 1, 5);
    pl_test_build b = pl_test_build_new(n, pl_test_draw(r, 1, 3));
    for (uint32_t c = 0; c < b.l.nclasses; c++)
        b.l.classes[c].units = pl_test_draw(r, 1, 3);
    for (uint32_t o = 0; o < n; o++) {
        b.l.ops[o].latency = pl_test_draw(r, 1, 20);
        b.l.ops[o].cls = pl_test_draw(r, 0, b.l.nclasses - 1);
    }
    for (uint32_t k = pl_test_draw(r, 0, n / 2); k > 0; k--) {
        uint32_t x = pl_test_draw(r, 0, n - 1), y = pl_test_draw(r, 0, n - 1);
        if (x != y)
            pl_test_add_dep(&b, x < y ? x : y, x < y ? y : x, 0);
    }
    b.l.buffers = calloc(nb, sizeof *b.l.buffers);
    b.l.access = calloc((size_t)2 * n * nb, sizeof *b.l.access);
    assert_non_null(b.l.buffers);
    assert_non_null(b.l.access);
    b.l.nbuffers = nb;
    for (uint32_t k = 0; k < nb; k++)
        b.l.buffers[k].size = pl_test_draw(r, 1, 64);
    for (uint32_t o = 0; o < n; o++)
        for (uint32_t k = 0; k < nb; k++) {
            bool rd = pl_test_chance(r, 0.25), wr = pl_test_chance(r, 0.2);
            if (rd && wr && !in_place)
                rd = false;
            if (rd)
                b.l.access[b.l.naccess++] = (pl_plan_access){o, k, false};
            if (wr)
                b.l.access[b.l.naccess++] = (pl_plan_access){o, k, true};
        }
    b.l.iterations = pl_test_draw(r, 2, 20);
    assert_int_equal(pl_plan_loop_add_buffer_deps(&b.l), 0);
    return b.l;
}

/* Whether some op reads buffer k with no writer of k before it in program order, so
 * takes the previous iteration's value (pl_plan_loop_add_buffer_deps). */
static bool carried_read(const pl_plan_loop *l, uint32_t k)
{
    uint32_t first = UINT32_MAX;
    for (uint32_t a = 0; a < l->naccess; a++)
        if (l->access[a].buffer == k && l->access[a].write && l->access[a].op < first)
            first = l->access[a].op;
    for (uint32_t a = 0; a < l->naccess; a++)
        if (l->access[a].buffer == k && !l->access[a].write && l->access[a].op <= first)
            return true;
    return false;
}

/* What the searches compare of a map (pl_plan_footprint) is what the whole map m gives, bit
 * for bit: versions, footprints, placement, instances and their offsets, planned order;
 * without reuse list and max_live. */
static void same_footprint(const pl_plan_loop *l, const pl_plan_schedule *s,
                           const pl_plan_memmap *m)
{
    pl_plan_memmap f;
    assert_int_equal(pl_plan_footprint(l, s, &f), 0);
    assert_int_equal(f.ninst, m->ninst);
    assert_memory_equal(f.versions, m->versions, l->nbuffers * sizeof *f.versions);
    for (uint32_t k = 0; k < m->ninst; k++) {
        const pl_plan_instance *x = &f.inst[k], *y = &m->inst[k];
        assert_int_equal(x->buffer, y->buffer);
        assert_int_equal(x->iter, y->iter);
        assert_int_equal(x->version, y->version);
        pl_assert_same_double(x->start, y->start);
        pl_assert_same_double(x->end, y->end);
        pl_assert_same_double(x->offset, y->offset);
    }
    assert_memory_equal(f.order, m->order, s->ntasks * sizeof *f.order);
    pl_assert_same_double(f.footprint, m->footprint);
    pl_assert_same_double(f.footprint_first_use, m->footprint_first_use);
    pl_assert_same_double(f.footprint_largest_first, m->footprint_largest_first);
    pl_assert_same_double(f.no_reuse, m->no_reuse);
    assert_int_equal(f.largest_first, m->largest_first);
    assert_int_equal(f.nreuse, 0);
    pl_assert_same_double(f.max_live, 0);
    pl_plan_memmap_fini(&f);
}

/* One loop with random limits 0 (none) to 3 and a window of 0 (none) to 3: schedules it
 * with the version dependencies, best and plain, validates both against those
 * dependencies and the window, and checks the versions pl_plan_liveness counts.
 *
 * At most the limit v of a limited buffer b: the first writer of (b, i) waits for every
 * access to (b, i - v), so (b, i) starts after (b, i - v) ends, and so after (b, i - k v)
 * ends for every k >= 1; among any v + 1 instances two have iterations congruent mod v
 * (the value before the loop counting as iteration -1), and those do not overlap, so at
 * most v are live at once; colouring intervals in order of their start takes no more
 * colours than that. An accumulator (a first writer that reads the value it replaces)
 * waits for nothing of its own: the old value ends as it starts (models/plan/liveness.h).
 *
 * At most w versions with a window of w, w + 1 when b has a loop-carried read: iteration i
 * begins after i - w has ended, so at any time at most w consecutive iterations have begun
 * and not ended; instance (b, i) lives within iteration i, or, when iteration i + 1 reads
 * it, until a task of i + 1 ends at the latest, so one instance more may be live. */
static void check_versions(gsl_rng *r, const pl_plan_loop *l, uint32_t c)
{
    uint32_t *limit = calloc(l->nbuffers, sizeof *limit), w = pl_test_draw(r, 0, 3);
    assert_non_null(limit);
    for (uint32_t k = 0; k < l->nbuffers; k++)
        limit[k] = pl_test_draw(r, 0, 3);
    pl_plan_loop v = *l;
    assert_int_equal(pl_plan_version_deps(l, limit, &v.deps, &v.ndeps), 0);
    for (int plain = 0; plain < 2; plain++) {
        pl_plan_schedule s;
        pl_plan_options o = {.plain = plain, .window = w};
        snprintf(pl_test_where, sizeof pl_test_where,
                 "buffer loop %u (%u ops, %u buffers, %u iterations, window %u, %s)", c, l->nops,
                 l->nbuffers, l->iterations, w, plain ? "plain" : "best");
        assert_int_equal(pl_plan_schedule_loop(&v, &o, &s), 0);
        pl_test_validate(&v, &s, w);
        pl_plan_memmap m;
        assert_int_equal(pl_plan_liveness(l, &s, &m), 0);
        for (uint32_t k = 0; k < l->nbuffers; k++) {
            if (limit[k] && !pl_plan_buffer_resident(l, k))
                pl_test_check(m.versions[k] <= limit[k], "buffer %u: %u versions, limited to %u", k,
                              m.versions[k], limit[k]);
            if (w && !pl_plan_buffer_resident(l, k))
                pl_test_check(m.versions[k] <= w + carried_read(l, k),
                              "buffer %u: %u versions, window %u, %s loop-carried read", k,
                              m.versions[k], w, carried_read(l, k) ? "a" : "no");
        }
        same_footprint(l, &s, &m);
        pl_plan_memmap_fini(&m);
        pl_plan_schedule_fini(&s);
    }
    free(v.deps);
    free(limit);
}

/* 300 loops with buffers, 150 with no op reading and writing one buffer, 150 with. */
static void test_version_limits(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(SEED_BUFFERS, "version limits");
    double t0 = pl_test_seconds();
    for (uint32_t c = 0; c < NBUFFERS; c++) {
        pl_plan_loop l = random_buffer_loop(r, c % 2 == 1);
        check_versions(r, &l, c);
        pl_plan_loop_fini(&l);
    }
    print_message("%u loops with buffers; %.2f s\n", NBUFFERS, pl_test_seconds() - t0);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validator),
        cmocka_unit_test(test_window_by_hand),
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_version_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
