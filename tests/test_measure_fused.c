/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_measure_fused.c — the measures computed in fused passes give, to the last bit, what
 * the plain computations give: the metrics' one pass over the timeline (units, items,
 * phases, places of one unit) and the places' merge against per-unit loops, a sort of
 * each place's events and per-item loops; and the bounds of graphs with every kind of
 * edge, routed units and shared links, walked in one scratch, against bounds walked in
 * memory of their own; and the terms and the critical path, and the resource bound and
 * the critical path, read from one walk against each walked on its own.
 *
 * The expected values are those plain computations, written out below as the metrics
 * computed them before their passes were fused (per unit over its task list; a place's
 * events merged by a heap, here sorted, which adds the same spans in the same time
 * order), compared with memcmp, so that a result one ulp off fails. The graphs are drawn
 * from a fixed seed (printed): host places of one and of three units, device places of
 * one and two, routed units over shared links, edges of every kind and both events, tasks
 * of no duration, works of many exponents, and items no task names; and device places of
 * 2 to 16 units, whose events the places' merge takes by a scan of the units' cursors up
 * to 8 units and by a heap beyond.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/engine/analytic.h"
#include "sim/graph/graph.h"
#include "sim/measure/bound.h"
#include "sim/measure/metrics.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x2545f4914f6cdd1du;

static uint64_t next(void)
{
    return pl_test_random(&rng);
}

/* A work of many exponents, sometimes 0 (a task of no duration unless it moves bytes). */
static double draw_work(void)
{
    if (next() % 7 == 0)
        return 0;
    return ldexp((double)(next() % 1000 + 1), (int)(next() % 12) - 30);
}

/* An edge kind: any, or with `workload` one of the workload's own (none the
 * configuration sets). */
static pl_edge_kind draw_kind(bool workload)
{
    for (;;) {
        pl_edge_kind k = (pl_edge_kind)(next() % PL_EDGE_KIND_COUNT);
        if (!workload || !pl_edge_kind_configured(k))
            return k;
    }
}

/* n tasks on units of: host "wide" (3 cores, 3 threads), host "one" (1 thread), device
 * "dev" (2 units), device "dma" (3 units routed over 3 links, two of them shared); each
 * task has up to 3 edges from earlier tasks, of any kind (with `workload`, of the
 * workload's kinds only) and either event. */
static pl_graph *draw_graph_of(uint32_t n, bool workload)
{
    pl_graph *g = pl_graph_create("drawn");
    uint32_t p[4], u, l, label, id;
    assert_non_null(g);
    assert_int_equal(pl_graph_add_place(g, "wide", PL_PLACE_HOST, 3, &p[0]), 0);
    assert_int_equal(pl_graph_add_place(g, "one", PL_PLACE_HOST, 1, &p[1]), 0);
    assert_int_equal(pl_graph_add_place(g, "dev", PL_PLACE_DEVICE, 1, &p[2]), 0);
    assert_int_equal(pl_graph_add_place(g, "dma", PL_PLACE_DEVICE, 1, &p[3]), 0);
    static const uint32_t place_of[] = {0, 0, 0, 1, 2, 2, 3, 3, 3};
    const uint32_t nunits = sizeof place_of / sizeof place_of[0];
    for (uint32_t i = 0; i < nunits; i++) {
        char name[16];
        snprintf(name, sizeof name, "u%u", i);
        assert_int_equal(pl_graph_add_unit(g, name, p[place_of[i]], &u), 0);
    }
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(pl_graph_add_link(g, i == 0 ? "hbm" : i == 1 ? "l2" : "l1",
                                           ldexp(1, 30 + (int)i), &l),
                         0);
    const uint32_t routes[3][2] = {{0, 1}, {1, 0}, {1, 2}}, lengths[3] = {2, 1, 2};
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(pl_graph_set_unit_route(g, 6 + i, routes[i], lengths[i]), 0);
    assert_int_equal(pl_graph_add_label(g, "op", &label), 0);
    for (uint32_t t = 0; t < n; t++) {
        uint32_t unit = (uint32_t)(next() % nunits), item = (uint32_t)(next() % (n / 6 + 1));
        assert_int_equal(pl_graph_add_task(g, unit, draw_work(), label, item, &id), 0);
        if (unit >= 6 && next() % 5 != 0)
            assert_int_equal(pl_graph_set_task_bytes(g, id, (double)(next() % 4096) * 64), 0);
        for (uint64_t k = next() % 4; k > 0 && t > 0; k--)
            assert_int_equal(pl_graph_add_edge(g, (uint32_t)(next() % t), t,
                                               draw_kind(workload),
                                               next() % 2 ? PL_AT_START : PL_AT_END),
                             0);
    }
    assert_int_equal(pl_graph_set_items(g, n / 6 + 5, "ops"), 0); /* some named by none */
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}

static pl_graph *draw_graph(uint32_t n)
{
    return draw_graph_of(n, false);
}

static void assert_same_terms(const pl_bound_term *got, const pl_bound_term *want, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        pl_assert_same_double(got[i].head, want[i].head);
        pl_assert_same_double(got[i].work, want[i].work);
        pl_assert_same_double(got[i].tail, want[i].tail);
    }
}

/* The bounds of each drawn graph (times alone from an array, since units move bytes;
 * chains through START edges) in one scratch across graphs of different sizes, the larger
 * first, so that a reused array not cleared would show, and under a change that scales
 * work and bandwidth: each as it is walked in memory of its own. */
static void bounds_of_drawn_graphs(void **state)
{
    (void)state;
    pl_graph *graphs[] = {draw_graph(5000), draw_graph(700), draw_graph(1)};
    uint8_t units[9] = {0, 1, 0, 0, 1, 0, 0, 1, 0}, links[3] = {1, 0, 0};
    pl_graph_change change = pl_graph_no_change();
    change.units = units;
    change.work = 0.9;
    change.links = links;
    change.bandwidth = 2;
    pl_bound_scratch scratch = {0};
    for (size_t i = 0; i < sizeof graphs / sizeof graphs[0]; i++) {
        const pl_graph *g = graphs[i];
        pl_bound got, want;
        pl_bound_terms terms, want_terms;
        assert_int_equal(pl_bound_terms_compute_in(&scratch, g, &terms), 0);
        assert_int_equal(pl_bound_terms_compute(g, &want_terms), 0);
        pl_test_assert_same_bound(&terms.bound, &want_terms.bound);
        assert_same_terms(terms.units, want_terms.units, pl_graph_unit_count(g));
        assert_same_terms(terms.places, want_terms.places, pl_graph_place_count(g));
        assert_same_terms(terms.links, want_terms.links, pl_graph_link_count(g));
        for (int edges = 0; edges < 2; edges++) {
            const pl_graph_change *c = edges ? &change : NULL;
            assert_int_equal(pl_bound_compute_in(&scratch, g, (pl_bound_edges)edges, c, &got),
                             0);
            assert_int_equal(pl_bound_compute_with(g, (pl_bound_edges)edges, c, &want), 0);
            pl_test_assert_same_bound(&got, &want);
        }
        pl_bound_terms_fini(&terms);
        pl_bound_terms_fini(&want_terms);
    }
    pl_bound_scratch_fini(&scratch);
    for (size_t i = 0; i < sizeof graphs / sizeof graphs[0]; i++)
        pl_graph_destroy(graphs[i]);
}

/* The resource bound and the critical path from one walk of the workload's edges, in g's
 * scratch: as pl_bound_compute_with and pl_bound_chain (want_on) give them on their own. */
static void check_resource_chain(pl_bound_scratch *scratch, const pl_graph *g,
                                 const uint8_t *want_on)
{
    uint32_t n = pl_graph_task_count(g);
    uint8_t *on = malloc(n);
    pl_bound got, alone, want;
    assert_int_equal(pl_bound_resource_chain_in(scratch, g, &got, on), 0);
    assert_int_equal(pl_bound_resource_chain_in(scratch, g, &alone, NULL), 0);
    assert_int_equal(pl_bound_compute_with(g, PL_BOUND_WORKLOAD_EDGES, NULL, &want), 0);
    pl_test_assert_same_bound(&got, &want);
    pl_test_assert_same_bound(&alone, &want);
    assert_memory_equal(on, want_on, n);
    free(on);
}

/* The terms and the critical path of drawn graphs with and without edges from the
 * configuration, in one scratch (one walk for both where there are none), and the
 * resource bound and the critical path from one walk: each as pl_bound_terms_compute,
 * pl_bound_compute_with and pl_bound_chain give it on its own. */
static void terms_with_chain(void **state)
{
    (void)state;
    pl_bound_scratch scratch = {0};
    static const uint32_t sizes[] = {5000, 700, 1};
    for (int workload = 0; workload < 2; workload++)
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            pl_graph *g = draw_graph_of(sizes[i], workload);
            uint32_t n = pl_graph_task_count(g);
            if (n > 1)
                assert_int_equal(pl_graph_has_configured_edges(g), !workload);
            uint8_t *on = malloc(n), *want_on = malloc(n);
            pl_bound_terms terms, want;
            assert_int_equal(pl_bound_terms_chain_in(&scratch, g, &terms, on), 0);
            assert_int_equal(pl_bound_terms_compute(g, &want), 0);
            assert_int_equal(pl_bound_chain(g, want_on), 0);
            pl_test_assert_same_bound(&terms.bound, &want.bound);
            assert_same_terms(terms.units, want.units, pl_graph_unit_count(g));
            assert_same_terms(terms.places, want.places, pl_graph_place_count(g));
            assert_same_terms(terms.links, want.links, pl_graph_link_count(g));
            assert_memory_equal(on, want_on, n);
            assert_true(memchr(on, 1, n) != NULL); /* a chain of at least one task */
            check_resource_chain(&scratch, g, want_on);
            pl_bound_terms_fini(&terms);
            pl_bound_terms_fini(&want);
            free(on);
            free(want_on);
            pl_graph_destroy(g);
        }
    pl_bound_scratch_fini(&scratch);
}

/* Unit u's metrics as the metrics computed them before the pass: a loop over its tasks. */
static void reference_unit(const pl_graph *g, const pl_timeline *tl, uint32_t u,
                           pl_unit_metrics *um)
{
    uint32_t n, routed;
    const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
    pl_graph_unit_route(g, u, &routed);
    double makespan = tl->makespan, eps = pl_metrics_noise(makespan);
    memset(um, 0, sizeof *um);
    um->tasks = n;
    um->fill_cause = -1;
    if (n == 0) {
        um->fill = makespan;
        return;
    }
    um->fill = tl->start[tasks[0]];
    if (tl->release[tasks[0]] != PL_NO_EDGE)
        um->fill_cause = pl_graph_edge(g, tl->release[tasks[0]])->kind;
    double busy = 0, work = 0, prev_end = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = tasks[i];
        busy += tl->end[t] - tl->start[t];
        work += routed ? pl_graph_task_alone(g, t) : pl_graph_task_work(g, t);
        double gap = tl->start[t] - prev_end;
        prev_end = tl->end[t];
        if (i == 0 || gap <= 0)
            continue;
        um->bubble += gap;
        if (tl->release[t] != PL_NO_EDGE)
            um->cause[pl_graph_edge(g, tl->release[t])->kind] += gap;
        if (gap > eps) {
            um->bubbles++;
            if (gap > um->largest_bubble)
                um->largest_bubble = gap;
        }
    }
    um->busy = busy;
    um->work = work;
    um->drain = makespan - tl->end[tasks[n - 1]];
    um->contention = um->busy - um->work > eps ? um->busy - um->work : 0;
    um->utilization = makespan > 0 ? um->busy / makespan : 0;
}

struct event {
    double at;
    int step;
};

static int by_time(const void *a, const void *b)
{
    const struct event *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (x->step > y->step) - (x->step < y->step);
}

/* Place p's active and overlapping time from all its units' events sorted by time, ends
 * before starts: the spans added in time order, as the heap's merge added them. */
static void reference_place(const pl_graph *g, const pl_timeline *tl, uint32_t p,
                            pl_place_metrics *pm)
{
    struct event *ev = malloc((2 * (size_t)pl_graph_task_count(g) + 1) * sizeof *ev);
    assert_non_null(ev);
    size_t n = 0;
    *pm = (pl_place_metrics){0};
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        if (pl_graph_unit_place(g, u) != p)
            continue;
        pm->units++;
        uint32_t k;
        const uint32_t *tasks = pl_graph_unit_tasks(g, u, &k);
        for (uint32_t i = 0; i < k; i++)
            if (tl->end[tasks[i]] > tl->start[tasks[i]]) {
                ev[n++] = (struct event){tl->start[tasks[i]], +1};
                ev[n++] = (struct event){tl->end[tasks[i]], -1};
            }
    }
    qsort(ev, n, sizeof *ev, by_time);
    int busy = 0;
    double last = 0;
    for (size_t i = 0; i < n; i++) {
        if (busy >= 1)
            pm->active += ev[i].at - last;
        if (busy >= 2)
            pm->overlap += ev[i].at - last;
        busy += ev[i].step;
        last = ev[i].at;
    }
    pm->idle = tl->makespan - pm->active;
    free(ev);
}

/* The phases as they were computed: first starts and last ends from each unit's task
 * list, then the items completing in the steady state from a loop over the tasks. */
static void reference_phases(const pl_graph *g, const pl_timeline *tl, pl_phases *out)
{
    *out = (pl_phases){0};
    double full = 0, emptying = 0;
    int any = 0;
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        uint32_t n;
        const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
        double first = INFINITY, last = -INFINITY;
        for (uint32_t i = 0; i < n; i++)
            if (tl->end[tasks[i]] > tl->start[tasks[i]]) {
                first = tl->start[tasks[i]] < first ? tl->start[tasks[i]] : first;
                last = tl->end[tasks[i]];
            }
        if (last < first)
            continue;
        full = any && full > first ? full : first;
        emptying = any && emptying < last ? emptying : last;
        any = 1;
    }
    if (!any || emptying <= full) {
        out->warmup = any ? emptying : 0;
        out->drain = tl->makespan - (any ? emptying : 0);
        return;
    }
    out->warmup = full;
    out->steady = emptying - full;
    out->drain = tl->makespan - emptying;
    uint64_t span = pl_graph_item_span(g);
    double *leave = malloc((span + 1) * sizeof *leave), first = INFINITY, last = -INFINITY;
    assert_non_null(leave);
    for (uint64_t i = 0; i < span; i++)
        leave[i] = -INFINITY;
    for (uint32_t t = 0; t < pl_graph_task_count(g); t++)
        leave[pl_graph_task_item(g, t)] = fmax(leave[pl_graph_task_item(g, t)], tl->end[t]);
    for (uint64_t i = 0; i < span; i++)
        if (leave[i] > full && leave[i] <= emptying) {
            out->steady_items++;
            first = fmin(first, leave[i]);
            last = fmax(last, leave[i]);
        }
    if (out->steady_items >= 2)
        out->period = (last - first) / (double)(out->steady_items - 1);
    free(leave);
}

/* The binding chain's tasks and time per unit, walked from the first task that ends
 * last. */
static void reference_binding(const pl_graph *g, const pl_timeline *tl, double *per_unit,
                              uint32_t *tasks)
{
    uint32_t t = PL_NO_EDGE;
    for (uint32_t i = 0; i < pl_graph_task_count(g); i++)
        if (t == PL_NO_EDGE || tl->end[i] > tl->end[t])
            t = i;
    for (int through_end = 1; t != PL_NO_EDGE; (*tasks)++) {
        if (through_end)
            per_unit[pl_graph_task_unit(g, t)] += tl->end[t] - tl->start[t];
        if (pl_metrics_released_by_edge(g, tl, t, pl_graph_task_prev(g, t))) {
            const pl_edge *e = pl_graph_edge(g, tl->release[t]);
            through_end = e->at == PL_AT_END;
            t = e->src;
        } else {
            through_end = 1;
            t = pl_graph_task_prev(g, t);
        }
    }
}

static void check_metrics(pl_graph *g)
{
    pl_timeline tl;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_timeline_alloc(&tl, pl_graph_task_count(g)), 0);
    assert_int_equal(pl_analytic_run(g, &tl, &d), 0);
    pl_metrics m;
    assert_int_equal(pl_metrics_compute(g, &tl, &m), 0);
    double *binding = calloc(pl_graph_unit_count(g) + 1, sizeof *binding);
    uint32_t binding_tasks = 0;
    assert_non_null(binding);
    reference_binding(g, &tl, binding, &binding_tasks);
    assert_int_equal(m.binding_tasks, binding_tasks);
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        pl_unit_metrics want;
        reference_unit(g, &tl, u, &want);
        want.binding = binding[u];
        if (memcmp(&m.units[u], &want, sizeof want) != 0)
            fail_msg("unit %u: busy %.17g work %.17g bubble %.17g, expected %.17g %.17g %.17g",
                     u, m.units[u].busy, m.units[u].work, m.units[u].bubble, want.busy,
                     want.work, want.bubble);
    }
    for (uint32_t p = 0; p < pl_graph_place_count(g); p++) {
        pl_place_metrics want;
        reference_place(g, &tl, p, &want);
        assert_int_equal(m.places[p].units, want.units);
        pl_assert_same_double(m.places[p].active, want.active);
        pl_assert_same_double(m.places[p].overlap, want.overlap);
        pl_assert_same_double(m.places[p].idle, want.idle);
    }
    pl_phases want;
    reference_phases(g, &tl, &want);
    pl_assert_same_double(m.phases.warmup, want.warmup);
    pl_assert_same_double(m.phases.steady, want.steady);
    pl_assert_same_double(m.phases.drain, want.drain);
    assert_int_equal(m.phases.steady_items, want.steady_items);
    pl_assert_same_double(m.phases.period, want.period);
    free(binding);
    pl_metrics_fini(&m);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
}

/* The metrics of drawn graphs, with a steady state and without, against the plain
 * computations. */
static void metrics_in_one_pass(void **state)
{
    (void)state;
    check_metrics(draw_graph(6000));
    check_metrics(draw_graph(40));
    check_metrics(draw_graph(1));
}

/* n tasks on the units of two device places, of `a` and of `b` units, each task after up
 * to two earlier ones (either event): places whose events the sweep merges by a scan of
 * their units (8 units or fewer) and by a heap (more). */
static pl_graph *draw_wide_graph(uint32_t n, uint32_t a, uint32_t b)
{
    pl_graph *g = pl_graph_create("wide");
    uint32_t p[2], u, label, id;
    assert_non_null(g);
    assert_int_equal(pl_graph_add_place(g, "a", PL_PLACE_DEVICE, 1, &p[0]), 0);
    assert_int_equal(pl_graph_add_place(g, "b", PL_PLACE_DEVICE, 1, &p[1]), 0);
    for (uint32_t i = 0; i < a + b; i++) {
        char name[16];
        snprintf(name, sizeof name, "u%u", i);
        assert_int_equal(pl_graph_add_unit(g, name, p[i >= a], &u), 0);
    }
    assert_int_equal(pl_graph_add_label(g, "op", &label), 0);
    for (uint32_t t = 0; t < n; t++) {
        uint32_t unit = (uint32_t)(next() % (a + b));
        assert_int_equal(pl_graph_add_task(g, unit, draw_work(), label, t, &id), 0);
        for (uint64_t k = next() % 3; k > 0 && t > 0; k--)
            assert_int_equal(pl_graph_add_edge(g, (uint32_t)(next() % t), t, PL_EDGE_DATA,
                                               next() % 2 ? PL_AT_START : PL_AT_END),
                             0);
    }
    assert_int_equal(pl_graph_set_items(g, n, "ops"), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}

/* Places of 2, 8, 9 and 16 units, on either side of where the sweep goes from a scan of
 * the units to a heap of them, against the sort of each place's events. */
static void places_of_many_units(void **state)
{
    (void)state;
    check_metrics(draw_wide_graph(4000, 8, 9));
    check_metrics(draw_wide_graph(4000, 2, 16));
}

int main(void)
{
    printf("seed %#llx\n", (unsigned long long)rng);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bounds_of_drawn_graphs),
        cmocka_unit_test(terms_with_chain),
        cmocka_unit_test(metrics_in_one_pass),
        cmocka_unit_test(places_of_many_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
