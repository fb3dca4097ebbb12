/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_sched.c — the plan model's list scheduler on random loops, every schedule
 * checked by the validator of plan_valid.h, written from the rules of models/plan/loop.h
 * and models/plan/sched.h, not from the scheduler's code.
 *
 * The loops are random, from gsl's mt19937 with fixed seeds (printed): DAGs drawn as the
 * Standard Task Graph set draws them (Tobita & Kasahara, J. Scheduling 5(5), 2002), and
 * loops of several classes with loop-carried dependencies and windows (plan_loops.h). On
 * each, the properties the headers promise: the best schedule is never longer than the
 * plain b-level one (models/plan/sched.h) nor shorter than pl_plan_bounds' bound
 * (models/plan/bounds.h), and a recurrence's II never beats RecMII. One loop, a finite
 * loop's fill pattern, is worked by hand in its comment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan_loops.h"
#include "plan_valid.h"
#include "support.h"

#include "models/plan/bounds.h"
#include "models/plan/loop.h"
#include "models/plan/sched.h"
#include "models/plan/steady.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED_DAGS    20240613u
#define SEED_LOOPS   20240614u
#define SEED_WINDOWS 20240615u
#define SEED_TIMING  20240617u
#define SEED_STEADY  20240618u
#define SEED_OPTIONS 20240619u
#define NDAGS        400 /* 100 on each of P = 2, 4, 8, 16 */
#define NLOOPS       200
#define NWINDOWS     150
#define NSTEADY      200

static const uint32_t unit_counts[] = {2, 4, 8, 16};

/* ---- Bounds computed here ---------------------------------------------------------- */

/* max(the critical path through the unrolled iterations, the largest ceil(N W_c / P_c)):
 * a bound every schedule obeys, computed here independently of models/plan/bounds.c. Ops in index
 * order are topologically ordered (pl_test_add_dep), so iteration-major order is too. */
static double simple_bound(const pl_plan_loop *l, double *cp)
{
    size_t n = (size_t)l->nops * l->iterations;
    double *fin = malloc((n + 1) * sizeof *fin), work[PL_TEST_MAXCLS + 1] = {0}, bound = 0;
    assert_non_null(fin);
    *cp = 0;
    for (uint32_t i = 0; i < l->iterations; i++)
        for (uint32_t o = 0; o < l->nops; o++) {
            double start = 0;
            for (uint32_t k = 0; k < l->ndeps; k++) {
                const pl_plan_dep *d = &l->deps[k];
                if (d->dst == o && d->distance <= i)
                    start = fmax(start, fin[(size_t)(i - d->distance) * l->nops + d->src]);
            }
            fin[(size_t)i * l->nops + o] = start + l->ops[o].latency;
            *cp = fmax(*cp, start + l->ops[o].latency);
        }
    for (uint32_t o = 0; o < l->nops; o++)
        work[l->ops[o].cls] += l->ops[o].latency;
    for (uint32_t c = 0; c < l->nclasses; c++)
        bound = fmax(bound, ceil(work[c] * l->iterations / l->classes[c].units));
    free(fin);
    return fmax(*cp, bound);
}

/* ---- Checking one loop ----------------------------------------------------------------- */

struct outcome {
    double bound;       /* pl_plan_bounds' makespan bound */
    double best, plain; /* makespans */
    bool periodic;      /* >= 8 iterations and a steady state that repeats exactly */
    bool sloped;        /* ... a steady state found by the completions' slope alone */
    bool rec_checked;   /* ... long enough for the RecMII check */
    bool below_res;     /* ... with an II below ResMII */
};

/* Schedules l with window w, best and plain; validates both; checks best <= plain, the
 * tie rule, the bounds, determinism (every `again`), and the II of a recurrence. */
static struct outcome check_loop(const pl_plan_loop *l, uint32_t w, bool again)
{
    pl_plan_bounds bd;
    pl_plan_schedule best, plain;
    pl_plan_options ob = {.window = w}, op = {.window = w, .plain = true};
    assert_int_equal(pl_plan_bounds_compute(l, &bd), 0);
    assert_int_equal(pl_plan_schedule_loop(l, &ob, &best), 0);
    assert_int_equal(pl_plan_schedule_loop(l, &op, &plain), 0);
    pl_test_validate(l, &best, w);
    pl_test_validate(l, &plain, w);

    /* models/plan/sched.h: "The shortest schedule wins; among equal ones the first tried, so the
     * result is never longer than the plain rule's", the plain rule being tried first. */
    pl_test_check(best.makespan <= plain.makespan, "best %g > plain %g", best.makespan,
                  plain.makespan);
    pl_test_check(plain.tried == 1 && strcmp(plain.rule, "b-level") == 0,
                  "plain: %u tried, rule %s", plain.tried, plain.rule);
    pl_test_check(best.tried >= 4 && best.tried <= 4 + 64,
                  "best: %u tried (4 rules, <= 64 perturbed)", best.tried);
    if (best.makespan == plain.makespan)
        pl_test_check(strcmp(best.rule, "b-level") == 0 && pl_test_same_tasks(&best, &plain),
                      "best ties plain at %g but is not the plain schedule (rule %s)",
                      best.makespan, best.rule);

    /* models/plan/bounds.h: no schedule beats the bound; here 1e-9 relative, though with whole
     * latencies both are whole numbers. The bound is at least the simple one computed
     * here, and its critical path is the same chain. */
    double cp, simple = simple_bound(l, &cp);
    pl_test_check(bd.critical_path == cp, "critical path %g, %g here", bd.critical_path, cp);
    pl_test_check(bd.makespan >= simple, "bound %g below max(CP, ceil(N W_c / P_c)) = %g",
                  bd.makespan, simple);
    pl_test_check(best.makespan >= bd.makespan - 1e-9 * best.makespan, "best %g beats the bound %g",
                  best.makespan, bd.makespan);

    /* STYLE.md rule 10: the same loop gives the same schedule. */
    if (again) {
        pl_plan_schedule s2;
        assert_int_equal(pl_plan_schedule_loop(l, &ob, &s2), 0);
        pl_test_check(pl_test_same_tasks(&s2, &best) && s2.makespan == best.makespan,
                      "two runs differ");
        pl_plan_schedule_fini(&s2);
    }

    /* A recurrence of latency L over d iterations: (x, i + k d) starts at least k L after
     * (x, i), going k times round the cycle; in a steady run of period k and shift D that
     * covers i .. i + k d, that is d D >= k L, so II = D / k >= L / d = RecMII.
     * A run faster than ResMII would be a transient, which pl_plan_steady_find passes
     * over (test_fill_pattern): none may be reported.
     * models/plan/steady.h: a steady state never runs faster than the MII; without one the II
     * is (max c_i - min t_i) / N; a repetition's completions repeat as its starts do. */
    struct outcome out = {bd.makespan, best.makespan, plain.makespan, false, false, false, false};
    if (l->iterations >= 8) {
        pl_plan_steady st;
        pl_plan_steady_find(l, &best, bd.mii, &st);
        out.periodic = st.periodic;
        out.sloped = st.steady && !st.periodic;
        out.below_res = st.steady && st.ii < bd.res_mii - 1e-9 * bd.res_mii;
        double tol = 1e-9 * best.makespan, t0 = INFINITY, cn = 0;
        for (uint32_t i = 0; i < l->iterations; i++) {
            t0 = fmin(t0, pl_plan_iteration_start(l, &best, i));
            cn = fmax(cn, pl_plan_iteration_end(l, &best, i));
        }
        pl_test_check(st.periodic <= st.steady, "periodic but not steady");
        if (st.steady)
            pl_test_check(st.ii >= bd.mii - tol, "steady II %g below MII %g", st.ii, bd.mii);
        else
            pl_test_check(st.ii == (cn - t0) / l->iterations,
                          "II %g without a steady state, not %g / %u", st.ii, cn - t0,
                          l->iterations);
        for (uint32_t i = st.first; st.periodic && i + st.period <= st.last; i++)
            pl_test_check(fabs(pl_plan_iteration_end(l, &best, i + st.period) -
                               pl_plan_iteration_end(l, &best, i) - st.ii * st.period) <= tol,
                          "iteration %u completes out of step with the repetition", i);
        pl_test_check(!out.below_res, "steady II %g below ResMII %g", st.ii, bd.res_mii);
        out.rec_checked =
            st.periodic && bd.ncycle > 0 && st.last - st.first >= st.period * bd.cycle_distance;
        if (out.rec_checked)
            pl_test_check(st.ii >= bd.rec_mii - 1e-9 * bd.rec_mii,
                          "II %g < RecMII %g (period %u, %u .. %u)", st.ii, bd.rec_mii, st.period,
                          st.first, st.last);
    }

    pl_plan_bounds_fini(&bd);
    pl_plan_schedule_fini(&best);
    pl_plan_schedule_fini(&plain);
    return out;
}

/* ---- Tests ------------------------------------------------------------------------------- */

struct gaps {
    double sum, worst;
    uint32_t n;
};

static void gap_add(struct gaps *g, double makespan, double bound)
{
    double gap = makespan / bound - 1;
    g->sum += gap;
    g->worst = fmax(g->worst, gap);
    g->n++;
}

/* 400 STG-like DAGs of 10-150 tasks (plus the dummies), 100 on each of 2, 4, 8 and 16
 * units, the four edge generators in turn. Besides the checks of check_loop, the mean gap
 * to the bound of the best schedule must be strictly below the plain rule's: models/plan/sched.h
 * tries more rules so as to do better than plain b-level, and over 400 graphs it must
 * improve at least one, and the mean gap must not exceed what the search reached before
 * (the gaps are printed). */
static void test_random_dags(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(SEED_DAGS, "random DAGs");
    struct gaps best[5] = {{0}}, plain[5] = {{0}}; /* per P, then all */
    uint32_t improved[5] = {0}, at_bound = 0;
    double t0 = pl_test_seconds();
    for (uint32_t c = 0; c < NDAGS; c++) {
        pl_test_shape s = (pl_test_shape)(c % PL_TEST_NSHAPES);
        uint32_t p = (c / PL_TEST_NSHAPES) % 4, n = pl_test_draw(r, 10, 150);
        snprintf(pl_test_where, sizeof pl_test_where, "DAG %u (%s, %u tasks, %u units)", c,
                 pl_test_shape_names[s], n, unit_counts[p]);
        pl_plan_loop l = pl_test_random_dag(r, s, n, unit_counts[p]);
        struct outcome o = check_loop(&l, 0, c % 10 == 0);
        uint32_t into[2] = {p, 4}; /* this P, and all */
        for (int k = 0; k < 2; k++) {
            gap_add(&best[into[k]], o.best, o.bound);
            gap_add(&plain[into[k]], o.plain, o.bound);
            improved[into[k]] += o.best < o.plain;
        }
        at_bound += o.best == o.bound;
        pl_plan_loop_fini(&l);
    }
    for (uint32_t k = 0; k < 5; k++) {
        char what[32];
        snprintf(what, sizeof what, k < 4 ? "P = %u" : "all", k < 4 ? unit_counts[k] : 0);
        print_message("%-7s %3u DAGs: gap to the bound, best mean %.4f%% worst %.4f%%; plain "
                      "mean %.4f%% worst %.4f%%; best shorter on %u\n",
                      what, best[k].n, 100 * best[k].sum / best[k].n, 100 * best[k].worst,
                      100 * plain[k].sum / plain[k].n, 100 * plain[k].worst, improved[k]);
    }
    print_message("best at the bound (so optimal) on %u of %u; %.2f s\n", at_bound, NDAGS,
                  pl_test_seconds() - t0);
    assert_int_equal(best[4].n, NDAGS);
    /* models/plan/sched.h's search: strictly better on average than plain b-level. */
    assert_true(best[4].sum / best[4].n < plain[4].sum / plain[4].n);
    /* And no worse than before ops could run on several classes, pipelined or not (the
     * search's mean gap on these 400 DAGs then: 1.4834 %, rounded as printed above). */
    assert_true(100 * best[4].sum / best[4].n <= 1.48345);
    gsl_rng_free(r);
}

/* The options on 40 DAGs (50-150 tasks, 4 units): models/plan/sched.h's `quick` tries the 4 fixed
 * rules only, `attempts` = 5 adds 5 perturbed ones, the default as many as keep the search
 * within about two million placements, at most 64 (64 here: 2e6 / 152 tasks > 64), and
 * `plain` 1. Each search holds the fixed rules, plain first, so none is longer than quick
 * and quick none longer than plain. */
static void test_options(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(SEED_OPTIONS, "options");
    for (uint32_t c = 0; c < 40; c++) {
        uint32_t n = pl_test_draw(r, 50, 150);
        snprintf(pl_test_where, sizeof pl_test_where, "DAG %u (%u tasks) with options", c, n);
        pl_plan_loop l = pl_test_random_dag(r, (pl_test_shape)(c % PL_TEST_NSHAPES), n, 4);
        const pl_plan_options opts[] = {{.plain = true}, {.quick = true}, {.attempts = 5}, {0}};
        const uint32_t tried[] = {1, 4, 4 + 5, 4 + 64};
        double m[4];
        for (int k = 0; k < 4; k++) {
            pl_plan_schedule s;
            assert_int_equal(pl_plan_schedule_loop(&l, &opts[k], &s), 0);
            pl_test_validate(&l, &s, 0);
            pl_test_check(s.tried == tried[k], "options %d: %u tried, expected %u", k, s.tried,
                          tried[k]);
            m[k] = s.makespan;
            pl_plan_schedule_fini(&s);
        }
        pl_test_check(m[1] <= m[0] && m[2] <= m[1] && m[3] <= m[1],
                      "plain %g, quick %g, 5 attempts %g, default %g", m[0], m[1], m[2], m[3]);
        pl_plan_loop_fini(&l);
    }
    gsl_rng_free(r);
}

/* 200 loops of 2-4 classes, 3-24 ops, 1-40 iterations with loop-carried dependencies. */
static void test_random_loops(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(SEED_LOOPS, "random loops");
    struct gaps best = {0}, plain = {0};
    uint32_t improved = 0, periodic = 0, sloped = 0, rec_checked = 0, below_res = 0;
    double t0 = pl_test_seconds();
    for (uint32_t c = 0; c < NLOOPS; c++) {
        uint32_t n = pl_test_draw(r, 3, 24), carried = pl_test_draw(r, 0, 3);
        pl_plan_loop l = pl_test_random_loop(r, n, carried, pl_test_draw(r, 1, 40));
        snprintf(pl_test_where, sizeof pl_test_where,
                 "loop %u (%u ops, %u classes, %u deps, %u iterations)", c, l.nops, l.nclasses,
                 l.ndeps, l.iterations);
        struct outcome o = check_loop(&l, 0, c % 10 == 0);
        gap_add(&best, o.best, o.bound);
        gap_add(&plain, o.plain, o.bound);
        improved += o.best < o.plain;
        periodic += o.periodic;
        sloped += o.sloped;
        rec_checked += o.rec_checked;
        below_res += o.below_res;
        pl_plan_loop_fini(&l);
    }
    print_message("%u loops: gap to the bound, best mean %.4f%% worst %.4f%%; plain mean %.4f%% "
                  "worst %.4f%%; best shorter on %u\n",
                  NLOOPS, 100 * best.sum / best.n, 100 * best.worst, 100 * plain.sum / plain.n,
                  100 * plain.worst, improved);
    print_message("periodic steady states (>= 8 iterations): %u; by the slope alone: %u; II >= "
                  "RecMII checked on %u; II below ResMII on %u; %.2f s\n",
                  periodic, sloped, rec_checked, below_res, pl_test_seconds() - t0);
    gsl_rng_free(r);
}

/* 200 small loops (2-6 ops, 1-3 recurrences, 16-40 iterations), which settle into an
 * exact repetition more often than the larger ones: the checks of check_loop, the RecMII
 * one above all. */
static void test_steady(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(SEED_STEADY, "steady states");
    uint32_t periodic = 0, sloped = 0, rec_checked = 0, below_res = 0;
    double t0 = pl_test_seconds();
    for (uint32_t c = 0; c < NSTEADY; c++) {
        uint32_t n = pl_test_draw(r, 2, 6), carried = pl_test_draw(r, 1, 3);
        pl_plan_loop l = pl_test_random_loop(r, n, carried, pl_test_draw(r, 16, 40));
        snprintf(pl_test_where, sizeof pl_test_where,
                 "small loop %u (%u ops, %u deps, %u iterations)", c, l.nops, l.ndeps,
                 l.iterations);
        struct outcome o = check_loop(&l, 0, false);
        periodic += o.periodic;
        sloped += o.sloped;
        rec_checked += o.rec_checked;
        below_res += o.below_res;
        pl_plan_loop_fini(&l);
    }
    print_message("%u small loops: periodic %u; by the slope alone %u; II >= RecMII checked on "
                  "%u; II below ResMII on %u; %.2f s\n",
                  NSTEADY, periodic, sloped, rec_checked, below_res, pl_test_seconds() - t0);
    gsl_rng_free(r);
}

/* 150 loops with a window of 1-4 iterations: the validator checks the window's rule. */
static void test_windows(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(SEED_WINDOWS, "windows");
    double t0 = pl_test_seconds();
    for (uint32_t c = 0; c < NWINDOWS; c++) {
        uint32_t n = pl_test_draw(r, 3, 24), carried = pl_test_draw(r, 0, 3);
        pl_plan_loop l = pl_test_random_loop(r, n, carried, pl_test_draw(r, 1, 40));
        uint32_t w = pl_test_draw(r, 1, 4);
        snprintf(pl_test_where, sizeof pl_test_where, "loop %u (%u ops, %u iterations, window %u)",
                 c, l.nops, l.iterations, w);
        check_loop(&l, w, false);
        pl_plan_loop_fini(&l);
    }
    print_message("%u loops with windows; %.2f s\n", NWINDOWS, pl_test_seconds() - t0);
    gsl_rng_free(r);
}

/* a (latency 1, class A of one unit) -> c (8, class B of 8 units) -> b (1, class A), 8
 * iterations. b-levels: a 10, c 9, b 1, so all the a go first, back to back at i; c of
 * iteration i at i + 1 on its own unit, ending at i + 9; b at i + 9, once A is free (from
 * 8): makespan 17. The bound is 16 (class A: 8 x 2 of work on one unit, from 0 to the
 * end); 17 is optimal: b of iteration 0 cannot start before 9 and only 8 units of a's work
 * can fill A before it. The schedule repeats with II 1, below ResMII 2: a finite loop's
 * fill pattern, which is why check_loop does not hold II to ResMII. */
static void test_fill_pattern(void **state)
{
    (void)state;
    pl_test_build b = pl_test_build_new(3, 2);
    b.l.ops[0] = (pl_plan_op){NULL, 0, 1, NULL, 0};
    b.l.ops[1] = (pl_plan_op){NULL, 1, 8, NULL, 0};
    b.l.ops[2] = (pl_plan_op){NULL, 0, 1, NULL, 0};
    b.l.classes[1].units = 8;
    pl_test_add_dep(&b, 0, 1, 0);
    pl_test_add_dep(&b, 1, 2, 0);
    b.l.iterations = 8;
    snprintf(pl_test_where, sizeof pl_test_where, "fill pattern");
    pl_plan_schedule s;
    pl_plan_options o = {0};
    pl_plan_bounds bd;
    assert_int_equal(pl_plan_schedule_loop(&b.l, &o, &s), 0);
    assert_int_equal(pl_plan_bounds_compute(&b.l, &bd), 0);
    pl_test_validate(&b.l, &s, 0);
    for (uint32_t i = 0; i < 8; i++) { /* by hand, above */
        pl_assert_near(pl_test_task(&b.l, &s, 0, i)->start, i, 0);
        pl_assert_near(pl_test_task(&b.l, &s, 1, i)->start, i + 1, 0);
        pl_assert_near(pl_test_task(&b.l, &s, 2, i)->start, i + 9, 0);
    }
    pl_assert_near(s.makespan, 17, 0);
    pl_assert_near(bd.makespan, 16, 0);
    pl_assert_near(bd.res_mii, 2, 0);
    pl_plan_steady st;
    /* Iterations start every 1 while ops 2 queue up for the unit ops 0 hold: a transient
     * faster than ResMII = 2, not a steady state. */
    pl_plan_steady_find(&b.l, &s, bd.mii, &st);
    assert_false(st.periodic);
    /* Iteration i completes when b ends, at i + 10: over the middle half, iterations 8 / 4 = 2
     * to 7 - 2 = 5, a slope of 1, below the MII 2. No steady state: the II is the time per
     * iteration over the whole loop, (17 - 0) / 8. */
    assert_false(st.steady);
    assert_int_equal(st.first, 2);
    assert_int_equal(st.last, 5);
    pl_assert_near(st.slope, 1, 1e-12);
    pl_assert_near(st.ii, 17.0 / 8, 0);
    pl_plan_bounds_fini(&bd);
    pl_plan_schedule_fini(&s);
    pl_plan_loop_fini(&b.l);
}

/* ---- Timing -------------------------------------------------------------------------------- */

/* A 100-task samepred DAG on 4 units: how long the best search and the plain rule take.
 * Printed, not asserted. */
static void test_timing(void **state)
{
    (void)state;
    gsl_rng *r = pl_test_rng_new(SEED_TIMING, "timing");
    pl_plan_loop l = pl_test_random_dag(r, PL_TEST_SAMEPRED, 100, 4);
    pl_plan_options ob = {0}, op = {.plain = true};
    pl_plan_schedule best, plain;
    double t0 = pl_test_seconds();
    assert_int_equal(pl_plan_schedule_loop(&l, &ob, &best), 0);
    double t1 = pl_test_seconds();
    assert_int_equal(pl_plan_schedule_loop(&l, &op, &plain), 0);
    double t2 = pl_test_seconds();
    print_message("100 tasks on 4 units: best %.3f ms (%u schedules tried, makespan %g), plain "
                  "%.3f ms (makespan %g)\n",
                  1e3 * (t1 - t0), best.tried, best.makespan, 1e3 * (t2 - t1), plain.makespan);
    pl_plan_schedule_fini(&best);
    pl_plan_schedule_fini(&plain);
    pl_plan_loop_fini(&l);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_dags),  cmocka_unit_test(test_options),
        cmocka_unit_test(test_random_loops), cmocka_unit_test(test_steady),
        cmocka_unit_test(test_windows),      cmocka_unit_test(test_fill_pattern),
        cmocka_unit_test(test_timing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
