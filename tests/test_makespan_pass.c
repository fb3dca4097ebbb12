/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_makespan_pass.c — the makespan pass under a change (analytic.h, runner.h) against the
 * changed copy it stands for, and the slack of pl_verdict_bound_slack.
 *
 * The claim checked: for every graph of every scenario in workloads/ and tests/data/tile/,
 * and of variants where cores and links are shared, and for changes of each kind the
 * verdict makes (a unit's work, every other task's work, a link's bandwidth up and down, a
 * host's cores), pl_runner_makespan gives what pl_runner_simulate gives for
 * pl_graph_changed(g, c): the same status, with the analytic engine the very makespan bits
 * or the very refusal, with auto the same choice of engine (exact where it was not refused). The
 * expected values come from the changed copy, which is how the verdict simulated its candidates
 * before the pass. Where the pass is exact, the graph's bound under the change stays within
 * pl_verdict_bound_slack of its makespan (the argument in verdict_search.h). And under each
 * change the verdict makes (less work, more bandwidth, one more core) the graph's bound with
 * every edge is at most the unchanged graph's, bit for bit, and at most what
 * pl_bound_terms_most makes of the unchanged graph's terms (verdict_search.c, bound_needless,
 * which then leaves out the changed bound's walk); that upper bound falls below the unchanged
 * bound for some of the changes, or it would spare no walk. Where a change widens links
 * and leaves every route's narrowest link the narrowest, pl_bound_terms_widened gives the
 * changed bound to the bit (verdict_search.c, exact_bound, then walks nothing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/engine/runner.h"
#include "sim/measure/bound.h"
#include "sim/study/session.h"
#include "sim/study/verdict_search.h"
#include "support.h"

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tally {
    unsigned changes, exact, shared, lessened, below, widened;
    double widest; /* the largest bound - makespan seen, relative to the slack */
};

/* Under c, which lessens work or adds bandwidth or cores, g's bound with every edge is at
 * most g's own (pl_bound_terms_compute, whose terms are `own`), and at most
 * pl_bound_terms_most of own under c. */
static void bound_lessened(const char *what, const pl_graph *g, const pl_graph_change *c,
                           const pl_bound_terms *own, struct tally *t)
{
    pl_bound b;
    double unchanged = own->bound.makespan;
    assert_int_equal(pl_bound_compute_with(g, PL_BOUND_ALL_EDGES, c, &b), 0);
    if (b.makespan > unchanged)
        fail_msg("%s, %s graph: the bound under a change the verdict makes, %.17g, is above the "
                 "unchanged graph's %.17g",
                 what, pl_graph_name(g), b.makespan, unchanged);
    pl_graph_change none = pl_graph_no_change();
    double most = pl_bound_terms_most(g, own, c ? c : &none);
    if (b.makespan > most)
        fail_msg("%s, %s graph: the bound under a change the verdict makes, %.17g, is above "
                 "pl_bound_terms_most's %.17g",
                 what, pl_graph_name(g), b.makespan, most);
    double widened;
    if (c && pl_bound_terms_widened(g, own, c, &widened)) {
        if (memcmp(&widened, &b.makespan, sizeof widened) != 0)
            fail_msg("%s, %s graph: the bound with a link widened, %.17g from the terms, %.17g "
                     "walked",
                     what, pl_graph_name(g), widened, b.makespan);
        t->widened++;
    }
    t->lessened++;
    t->below += most < unchanged;
}

/* One graph under one change, both ways; `own` not NULL: c is one the verdict makes, and
 * g's own terms are those. */
static void one_change(const char *what, const pl_graph *g, const pl_graph_change *c,
                       const pl_bound_terms *own, pl_analytic_scratch *s, struct tally *t)
{
    if (own)
        bound_lessened(what, g, c, own, t);
    pl_diag d1, d2;
    pl_diag_init(&d1);
    pl_diag_init(&d2);
    pl_graph *copy = pl_graph_changed(g, c);
    assert_non_null(copy);
    const pl_graph *gs[] = {copy};
    pl_timeline tl;
    int want = pl_runner_simulate(gs, &tl, 1, 1, PL_ENGINE_ANALYTIC, &d1);
    double makespan = -1;
    bool exact = true;
    int got = pl_runner_makespan(s, g, c, PL_ENGINE_ANALYTIC, &makespan, &exact, &d2);
    if (got != want)
        fail_msg("%s, %s graph: the pass says %s, the copy %s (%s)", what, pl_graph_name(g),
                 pl_errname(got), pl_errname(want), d1.msg);
    if (want == 0 && memcmp(&makespan, &tl.makespan, sizeof makespan) != 0)
        fail_msg("%s, %s graph: makespan %.17g from the pass, %.17g from the copy", what,
                 pl_graph_name(g), makespan, tl.makespan);
    if (want != 0)
        assert_string_equal(d2.msg, d1.msg);
    pl_timeline_fini(&tl);
    /* With auto: exact exactly where the analytic engine was not refused (auto would run
     * the copy in SimGrid where it was), and no failure either way. */
    assert_int_equal(pl_runner_makespan(s, g, c, PL_ENGINE_AUTO, &makespan, &exact, &d2), 0);
    assert_int_equal(exact, want == 0);
    if (exact) {
        pl_bound b;
        assert_int_equal(pl_bound_compute_with(g, PL_BOUND_ALL_EDGES, c, &b), 0);
        double slack = pl_verdict_bound_slack(g, makespan);
        if (b.makespan > makespan + slack)
            fail_msg("%s, %s graph: bound %.17g beyond makespan %.17g by more than %.3g", what,
                     pl_graph_name(g), b.makespan, makespan, slack);
        if (slack > 0 && (b.makespan - makespan) / slack > t->widest)
            t->widest = (b.makespan - makespan) / slack;
    }
    t->changes++;
    t->exact += exact;
    t->shared += !exact;
    pl_graph_destroy(copy);
}

/* The changes the verdict makes, of each kind, and a few it does not (bandwidth halved, a
 * core fewer) so that sharing appears and disappears. */
static void every_change(const char *what, const pl_graph *g, pl_analytic_scratch *s,
                         struct tally *t)
{
    uint32_t nu = pl_graph_unit_count(g), nl = pl_graph_link_count(g);
    uint32_t nt = pl_graph_task_count(g);
    pl_bound_terms terms;
    assert_int_equal(pl_bound_terms_compute(g, &terms), 0);
    const pl_bound_terms *own = &terms;
    assert_true(own->bound.makespan > 0);
    one_change(what, g, NULL, own, s, t);
    uint8_t *units = calloc((size_t)nu + 1, 1), *links = calloc((size_t)nl + 1, 1);
    uint8_t *tasks = calloc((size_t)nt + 1, 1);
    assert_true(units && links && tasks);
    pl_graph_change c = pl_graph_no_change();
    c.work = 0.9;
    c.units = units;
    for (uint32_t u = 0; u < nu && u < 6; u++) {
        units[u] = 1;
        one_change(what, g, &c, own, s, t);
        units[u] = 0;
    }
    c = pl_graph_no_change();
    c.work = 0.9;
    c.tasks = tasks;
    for (uint32_t i = 0; i < nt; i += 2)
        tasks[i] = 1;
    one_change(what, g, &c, own, s, t);
    for (uint32_t l = 0; l < nl && l < 4; l++) {
        links[l] = 1;
        c = pl_graph_no_change();
        c.links = links;
        c.bandwidth = 1.1;
        one_change(what, g, &c, own, s, t);
        c.bandwidth = 0.5;
        one_change(what, g, &c, NULL, s, t);
        links[l] = 0;
    }
    for (uint32_t p = 0; p < pl_graph_place_count(g); p++) {
        if (pl_graph_place_kind(g, p) != PL_PLACE_HOST)
            continue;
        c = pl_graph_no_change();
        c.place = p;
        c.cores = 1;
        one_change(what, g, &c, own, s, t);
        if (pl_graph_place_cores(g, p) > 1) {
            c.cores = -1;
            one_change(what, g, &c, NULL, s, t);
        }
    }
    free(units);
    free(links);
    free(tasks);
    pl_bound_terms_fini(&terms);
}

/* The run and baseline of the scenario at path with one override (or none), lowered only. */
static void scenario(const char *path, const char *set, pl_analytic_scratch *s, struct tally *t)
{
    pl_session *ses = NULL;
    pl_diag d;
    pl_diag_init(&d);
    if (pl_session_open(path, &set, set ? 1 : 0, &ses, &d) != 0 || pl_session_lower(ses, &d) != 0)
        fail_msg("%s: %s", path, d.msg);
    char what[512];
    snprintf(what, sizeof what, "%s %s", strrchr(path, '/') + 1, set ? set : "");
    every_change(what, pl_session_graph(ses), s, t);
    if (pl_session_baseline_graph(ses))
        every_change(what, pl_session_baseline_graph(ses), s, t);
    pl_session_destroy(ses);
}

static void test_pass_is_the_changed_copy(void **state)
{
    (void)state;
    struct tally t = {0};
    pl_analytic_scratch s = {0};
    const char *patterns[] = {"workloads/*.yaml", "tests/data/tile/*.yaml"};
    for (size_t k = 0; k < 2; k++) {
        glob_t gl;
        char pattern[1024];
        snprintf(pattern, sizeof pattern, "%s", pl_test_src(patterns[k]));
        assert_int_equal(glob(pattern, 0, NULL, &gl), 0);
        for (size_t i = 0; i < gl.gl_pathc; i++)
            scenario(gl.gl_pathv[i], NULL, &s, &t);
        globfree(&gl);
    }
    /* Where cores and links are shared (threads outnumbering cores, active waiters on too
     * few cores, sixteen DMA units on one GM), and a wake-up latency. */
    scenario(pl_test_src("workloads/dispatch_teaching.yaml"), "machine.host.cores=2", &s, &t);
    scenario(pl_test_src("workloads/stream_teaching.yaml"), "stream.wakeup=3us", &s, &t);
    scenario(pl_test_src("workloads/stream_teaching.yaml"), "stream.waiting=active", &s, &t);
    scenario(pl_test_src("workloads/tile_gemm.yaml"), "tile.cores=8", &s, &t);
    pl_analytic_scratch_fini(&s);
    printf("%u changes: %u exact, %u shared, %u bounds under a change the verdict makes (%u "
           "shown below the unchanged bound from its terms, %u widened links' from the terms "
           "to the bit); the widest bound beyond its makespan took %.2g of the slack\n",
           t.changes, t.exact, t.shared, t.lessened, t.below, t.widened, t.widest);
    /* Both kinds were met, or the test would not check what it says. */
    assert_true(t.exact > 0 && t.shared > 0 && t.lessened > t.changes / 2 && t.below > 0 &&
                t.widened > 0);
}

/* A unit of many tasks whose times alone span six orders of magnitude, so that its sum
 * rounds at almost every step, and one task's work 10 % lower at a time: the changed
 * bound, walked, stays at or below pl_bound_terms_most's, which is below the unchanged
 * bound wherever the work taken exceeds the rounding room (bound.c). Without that room the
 * walked bound comes out above it, by the sums' rounding, within the first few tries. */
static void test_terms_most_within_rounding(void **state)
{
    (void)state;
    enum { N = 100000, TRIES = 400 };
    pl_graph *g = pl_graph_create("one long unit");
    uint32_t place, unit, label, id;
    assert_non_null(g);
    assert_int_equal(pl_graph_add_place(g, "dev", PL_PLACE_DEVICE, 1, &place), 0);
    assert_int_equal(pl_graph_add_unit(g, "u", place, &unit), 0);
    assert_int_equal(pl_graph_add_label(g, "op", &label), 0);
    uint64_t x = 88172645463325252ull; /* xorshift64 */
    for (uint32_t t = 0; t < N; t++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double work = ldexp(1 + (double)(x % 1000003) / 1000003, -10 - (int)(x % 20));
        assert_int_equal(pl_graph_add_task(g, unit, work, label, t, &id), 0);
    }
    assert_int_equal(pl_graph_set_items(g, N, "ops"), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    pl_bound_terms own;
    assert_int_equal(pl_bound_terms_compute(g, &own), 0);
    uint8_t *tasks = calloc(N, 1);
    assert_non_null(tasks);
    pl_graph_change c = pl_graph_no_change();
    c.work = 0.9;
    c.tasks = tasks;
    unsigned below = 0;
    for (uint32_t k = 0; k < TRIES; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint32_t t = (uint32_t)(x % N);
        tasks[t] = 1;
        pl_bound b;
        assert_int_equal(pl_bound_compute_with(g, PL_BOUND_ALL_EDGES, &c, &b), 0);
        double most = pl_bound_terms_most(g, &own, &c);
        if (b.makespan > most)
            fail_msg("task %u of work %.17g 10 %% lower: bound %.17g above %.17g", t,
                     pl_graph_task_work(g, t), b.makespan, most);
        below += most < own.bound.makespan;
        tasks[t] = 0;
    }
    printf("%u of %u changes shown below the unchanged bound\n", below, (unsigned)TRIES);
    assert_true(below > TRIES / 2);
    free(tasks);
    pl_bound_terms_fini(&own);
    pl_graph_destroy(g);
}

/* The 16-core GEMM, whose bound is GM's link term (its cores' DMA units share GM, each
 * over a narrower link of its own): GM 10 % wider, the bound from the terms is the walked
 * one to the bit, and below the unchanged bound, so that the link's own term is the one
 * taken again. */
static void test_widened_binding_link(void **state)
{
    (void)state;
    const char *set = "tile.cores=16";
    pl_session *ses = NULL;
    pl_diag d;
    pl_diag_init(&d);
    if (pl_session_open(pl_test_src("workloads/tile_gemm.yaml"), &set, 1, &ses, &d) != 0 ||
        pl_session_lower(ses, &d) != 0)
        fail_msg("tile_gemm.yaml: %s", d.msg);
    const pl_graph *g = pl_session_graph(ses);
    pl_bound_terms own;
    assert_int_equal(pl_bound_terms_compute(g, &own), 0);
    assert_int_equal(own.bound.kind, PL_BOUND_LINK);
    uint8_t *links = calloc((size_t)pl_graph_link_count(g) + 1, 1);
    assert_non_null(links);
    links[own.bound.which] = 1;
    pl_graph_change c = pl_graph_no_change();
    c.links = links;
    c.bandwidth = 1.1;
    pl_bound walked;
    double widened = 0;
    assert_int_equal(pl_bound_compute_with(g, PL_BOUND_ALL_EDGES, &c, &walked), 0);
    assert_true(pl_bound_terms_widened(g, &own, &c, &widened));
    pl_assert_same_double(widened, walked.makespan);
    assert_true(widened < own.bound.makespan);
    free(links);
    pl_bound_terms_fini(&own);
    pl_session_destroy(ses);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pass_is_the_changed_copy),
        cmocka_unit_test(test_terms_most_within_rounding),
        cmocka_unit_test(test_widened_binding_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
