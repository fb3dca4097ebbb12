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
 * every edge is at most the unchanged graph's, bit for bit (verdict_search.c,
 * bound_needless, which then leaves out the changed bound's walk).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tally {
    unsigned changes, exact, shared, lessened;
    double widest; /* the largest bound - makespan seen, relative to the slack */
};

/* Under c, which lessens work or adds bandwidth or cores, g's bound with every edge is at
 * most `unchanged`, g's own (pl_bound_terms_compute). */
static void bound_lessened(const char *what, const pl_graph *g, const pl_graph_change *c,
                           double unchanged, struct tally *t)
{
    pl_bound b;
    assert_int_equal(pl_bound_compute_with(g, PL_BOUND_ALL_EDGES, c, &b), 0);
    if (b.makespan > unchanged)
        fail_msg("%s, %s graph: the bound under a change the verdict makes, %.17g, is above the "
                 "unchanged graph's %.17g",
                 what, pl_graph_name(g), b.makespan, unchanged);
    t->lessened++;
}

/* One graph under one change, both ways; `unchanged` > 0: c is one the verdict makes, and
 * g's own bound is that. */
static void one_change(const char *what, const pl_graph *g, const pl_graph_change *c,
                       double unchanged, pl_analytic_scratch *s, struct tally *t)
{
    if (unchanged > 0)
        bound_lessened(what, g, c, unchanged, t);
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
    double own = terms.bound.makespan;
    pl_bound_terms_fini(&terms);
    assert_true(own > 0);
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
        one_change(what, g, &c, 0, s, t);
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
            one_change(what, g, &c, 0, s, t);
        }
    }
    free(units);
    free(links);
    free(tasks);
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
    printf("%u changes: %u exact, %u shared, %u bounds under a change the verdict makes; the "
           "widest bound beyond its makespan took %.2g of the slack\n",
           t.changes, t.exact, t.shared, t.lessened, t.widest);
    /* Both kinds were met, or the test would not check what it says. */
    assert_true(t.exact > 0 && t.shared > 0 && t.lessened > t.changes / 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pass_is_the_changed_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
