/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_probe.c — the plan's searches for the window and the version limits look at a
 * probe, the loop cut to its first iterations (models/plan/make.h); the plan they make must
 * be the one that the same searches over the whole loop make.
 *
 * For every plan scenario of the project that plans (workloads/, tests/, the fuzz inputs),
 * at several memory limits and several lengths (the scenario's own, and lengths where the
 * default probe is shorter than the loop), with the whole search and with the plain rule:
 * pl_plan_make (the default probe) against pl_plan_make_probed with a probe of the whole
 * loop (which is the search before probes existed). Everything the plan reports must be
 * equal bit for bit: the window, the limits, how many schedules were tried, the free
 * schedule's makespan and footprint, the schedule of every task and the memory map.
 *
 * The same for random loops (plan_loops.h: several classes, loop-carried dependencies, no
 * buffers, so that the window's search is what the probe decides), from a fixed seed. The
 * probe is a heuristic, not a proof: over 240 random loops of another seed (77), 3 (loops
 * 28, 163 and 174) still plan otherwise than their whole loop with the checks (a list
 * schedule whose transient outlasts the probe: the whole loop's makespan is not monotone in
 * the window where the probe's is), against 50 without them.
 *
 * And the check can fail: with a probe of 2 iterations taken at its word, some of these
 * plans differ (with 8 iterations or more every scenario here agrees at 1000 iterations:
 * the least probe, 256, leaves a wide margin); and without the probe's checks (near ties,
 * a window search that does not settle) some random loops differ.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/model.h"
#include "models/plan/make.h"
#include "models/plan/plan.h"
#include "sim/config/config.h"
#include "plan_loops.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A scenario and the overrides of one case (NULL-terminated, besides the iterations). */
struct scenario {
    const char *path;
    const char *sets[2];
};

static const struct scenario scenarios[] = {
    {"workloads/plan_teaching.yaml", {NULL}},
    {"workloads/plan_teaching.yaml", {"plan.memory=256KiB", NULL}},
    {"workloads/plan_teaching.yaml", {"plan.memory=320KiB", NULL}},
    {"workloads/plan_teaching.yaml", {"plan.window=2", NULL}},
    {"workloads/plan_attention.yaml", {NULL}},
    {"workloads/plan_attention.yaml", {"plan.memory=320KiB", NULL}},
    {"workloads/plan_attention.yaml", {"plan.memory=1MiB", NULL}},
    {"tests/plan_free_ops.yaml", {NULL}},
    {"tests/fuzz/found/run/plan_gaps_filled_from_front.yaml", {NULL}},
    {"tests/fuzz/found/run/plan_one_op_no_deps.yaml", {NULL}},
    {"tests/fuzz/found/run/plan_resident_reused.yaml", {NULL}},
    {"tests/fuzz/seeds/scenario/plan_no_buffers.yaml", {NULL}},
};

/* The lengths tried besides the scenario's own: from just above the least probe to many
 * probes' worth. */
static const unsigned lengths[] = {300, 1000, 2500};

/* Loads scenario s with `iterations` (0: its own) into *w. */
static void load(const struct scenario *s, unsigned iterations, pl_plan_workload *w)
{
    const char *sets[4];
    size_t n = 0;
    char iter[64];
    for (; s->sets[n]; n++)
        sets[n] = s->sets[n];
    if (iterations) {
        snprintf(iter, sizeof iter, "plan.iterations=%u", iterations);
        sets[n++] = iter;
    }
    /* The fuzz inputs name the machine as seen from where the fuzz target ran them: every
     * scenario is read from a copy that names it from the source tree. */
    char *text = pl_test_read_file(pl_test_src(s->path), NULL), *dir = pl_test_mkdtemp();
    char *at = strstr(text, "machine: ../configs/"), path[4096];
    snprintf(path, sizeof path, "%s/scenario.yaml", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        fail_msg("cannot write %s", path);
    if (at) {
        fprintf(f, "%.*smachine: %s/configs/%s", (int)(at - text), text, pl_test_src("."),
                at + strlen("machine: ../configs/"));
    } else {
        fputs(text, f);
    }
    fclose(f);
    pl_config *cfg;
    pl_diag d;
    pl_diag_init(&d);
    if (pl_config_load(path, sets, n, pl_scenario_keys, &cfg, &d) != 0)
        fail_msg("%s: %s", s->path, d.msg);
    if (pl_plan_workload_load(cfg, NULL, w, &d) != 0)
        fail_msg("%s: %s", s->path, d.msg);
    pl_config_destroy(cfg);
    pl_test_rmtree(dir);
    free(dir);
    free(text);
}

/* Field by field (the structs have padding): the tasks' slots, the dependencies, the
 * buffer instances. */
static bool same_slots(const pl_plan_schedule *a, const pl_plan_schedule *b)
{
    for (uint32_t t = 0; t < a->ntasks; t++)
        if (a->tasks[t].unit != b->tasks[t].unit || a->tasks[t].start != b->tasks[t].start ||
            a->tasks[t].end != b->tasks[t].end)
            return false;
    return true;
}

static bool same_deps(const pl_plan *a, const pl_plan *b)
{
    for (uint32_t k = 0; k < a->ndeps; k++) {
        const pl_plan_dep *x = &a->deps[k], *y = &b->deps[k];
        if (x->src != y->src || x->dst != y->dst || x->distance != y->distance ||
            x->kind != y->kind || x->buffer != y->buffer)
            return false;
    }
    return true;
}

static bool same_memmap(const pl_plan_memmap *x, const pl_plan_memmap *y)
{
    bool same = x->footprint == y->footprint && x->max_live == y->max_live &&
                x->no_reuse == y->no_reuse && x->ninst == y->ninst && x->nreuse == y->nreuse;
    for (uint32_t k = 0; same && k < x->ninst; k++) {
        const pl_plan_instance *a = &x->inst[k], *b = &y->inst[k];
        same = a->buffer == b->buffer && a->iter == b->iter && a->start == b->start &&
               a->end == b->end && a->version == b->version && a->offset == b->offset;
    }
    for (uint32_t k = 0; same && k < x->nreuse; k++)
        same = x->reuse[k].from == y->reuse[k].from && x->reuse[k].to == y->reuse[k].to;
    return same;
}

/* Whether two plans of loop l are the same in everything the plan reports. */
static bool same_plan(const pl_plan_loop *l, const pl_plan *a, const pl_plan *b)
{
    bool same = a->window == b->window && a->schedules == b->schedules &&
                a->free_makespan == b->free_makespan && a->free_footprint == b->free_footprint &&
                memcmp(a->limits, b->limits, l->nbuffers * sizeof *a->limits) == 0 &&
                a->ndeps == b->ndeps && same_deps(a, b);
    same = same && a->sched.ntasks == b->sched.ntasks && a->sched.makespan == b->sched.makespan &&
           strcmp(a->sched.rule, b->sched.rule) == 0 && a->sched.tried == b->sched.tried &&
           a->sched.window == b->sched.window && same_slots(&a->sched, &b->sched);
    return same && same_memmap(&a->mem, &b->mem);
}

/* Whether the default probe (0) or one of `probe` iterations plans loop l as its whole
 * does, with the whole search and with the plain rule: the same plan, or the same failure
 * (a loop that does not fit the memory); counts in *cut the cases where the default probe
 * was shorter than the loop. */
static bool probe_agrees(const pl_plan_loop *l, pl_plan_probe probe, unsigned *cut)
{
    bool same = true;
    for (int plain = 0; plain < 2; plain++) {
        pl_plan whole, probed;
        pl_diag dw, dp;
        pl_diag_init(&dw);
        pl_diag_init(&dp);
        int rw = pl_plan_make_probed(l, plain, (pl_plan_probe){l->iterations, false}, &whole, &dw);
        int rp = pl_plan_make_probed(l, plain, probe, &probed, &dp);
        pl_plan_bounds b;
        if (pl_plan_bounds_compute(l, &b) != 0)
            fail_msg("no bounds");
        *cut += pl_plan_probe_iterations(l, b.mii) < l->iterations;
        pl_plan_bounds_fini(&b);
        same = same && rw == rp && strcmp(dw.msg, dp.msg) == 0;
        same = same && (rw != 0 || same_plan(l, &whole, &probed));
        if (!rw)
            pl_plan_fini(&whole);
        if (!rp)
            pl_plan_fini(&probed);
    }
    return same;
}

static void test_probe_plans_as_the_whole_loop(void **state)
{
    (void)state;
    unsigned cut = 0, cases = 0;
    for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++)
        for (size_t k = 0; k <= sizeof lengths / sizeof lengths[0]; k++) {
            pl_plan_workload w;
            load(&scenarios[s], k ? lengths[k - 1] : 0, &w);
            if (!probe_agrees(&w.loop, (pl_plan_probe){0}, &cut))
                fail_msg("%s %s at %u iterations: the probe plans otherwise than the whole "
                         "loop",
                         scenarios[s].path, scenarios[s].sets[0] ? scenarios[s].sets[0] : "",
                         w.loop.iterations);
            cases++;
            pl_plan_workload_fini(&w);
        }
    /* Every scenario at 1000 and 2500 iterations has a probe shorter than the loop (the
     * least probe is PL_PLAN_PROBE_MIN = 256; these loops overlap a few iterations). */
    printf("%u cases, %u with a probe shorter than the loop\n", cases, cut);
    assert_true(cut >= 2 * 2 * sizeof scenarios / sizeof scenarios[0]);
}

/* The random loops of these tests, in turn: fn(loop, k) for each, from the fixed seed. */
static void for_random_loops(const char *test, void (*fn)(const pl_plan_loop *l, int k, void *),
                             void *ctx)
{
    gsl_rng *r = pl_test_rng_new(20261206, test);
    for (int k = 0; k < 24; k++) {
        pl_plan_loop l = pl_test_random_loop(r, pl_test_draw(r, 3, 10), pl_test_draw(r, 0, 3),
                                             pl_test_draw(r, 400, 900));
        fn(&l, k, ctx);
        pl_plan_loop_fini(&l);
    }
    gsl_rng_free(r);
}

static void random_agrees(const pl_plan_loop *l, int k, void *cut)
{
    if (!probe_agrees(l, (pl_plan_probe){0}, cut))
        fail_msg("random loop %d (%u ops, %u iterations): the probe plans otherwise than the "
                 "whole loop",
                 k, l->nops, l->iterations);
}

static void test_probe_plans_random_loops_as_the_whole(void **state)
{
    (void)state;
    unsigned cut = 0;
    for_random_loops("test_probe_plans_random_loops_as_the_whole", random_agrees, &cut);
    printf("%u of 48 plans with a probe shorter than the loop\n", cut);
    assert_true(cut >= 24);
}

/* A probe of 2 iterations holds no steady state: taken at its word (unchecked), it chooses
 * otherwise on some of the same loops, which shows that the comparison above can fail. */
static void test_a_short_probe_does_not(void **state)
{
    (void)state;
    unsigned cut = 0, differ = 0;
    for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
        pl_plan_workload w;
        load(&scenarios[s], 1000, &w);
        differ += !probe_agrees(&w.loop, (pl_plan_probe){2, true}, &cut);
        pl_plan_workload_fini(&w);
    }
    printf("a probe of 2 iterations plans %u of %zu scenarios otherwise\n", differ,
           sizeof scenarios / sizeof scenarios[0]);
    assert_true(differ > 0);
}

static void random_differs(const pl_plan_loop *l, int k, void *differ)
{
    (void)k;
    unsigned cut = 0;
    *(unsigned *)differ += !probe_agrees(l, (pl_plan_probe){0, true}, &cut);
}

/* And the checks matter: the default probe taken at its word, without them, plans some of
 * the random loops otherwise (a window search that ends in a near tie, or does not
 * settle). */
static void test_an_unchecked_probe_does_not(void **state)
{
    (void)state;
    unsigned differ = 0;
    for_random_loops("test_an_unchecked_probe_does_not", random_differs, &differ);
    printf("the default probe unchecked plans %u of 24 random loops otherwise\n", differ);
    assert_true(differ > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_plans_as_the_whole_loop),
        cmocka_unit_test(test_probe_plans_random_loops_as_the_whole),
        cmocka_unit_test(test_a_short_probe_does_not),
        cmocka_unit_test(test_an_unchecked_probe_does_not),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
