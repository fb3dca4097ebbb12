/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_edges.c — the plan's graph adds its edges task by task, in the order of their
 * destinations (models/plan/lower.c, add_edges), so that they go straight to their rows.
 * Each task's edges must still come in the order they had when each kind of edge came in
 * a pass of its own over the loop, since a task's release edge (the first of its latest
 * events) and so every bubble's cause depend on it. The expected graph is those passes,
 * written out below as the lowering made them before: the flights' edges as their tasks
 * come; the moves' in hop order; then, iteration by iteration, the plan's dependencies
 * in order (a dependency that moves between units goes through its move instead), the
 * window's edges, and the reuse pairs in the reuse list's order, each pair's earlier
 * instance's accesses into its later instance's writers; all grouped by destination,
 * stably, as pl_graph_finalize groups edges that come out of order. Every edge's source,
 * kind and event must match, in order, on every plan scenario of workloads/ (moves and
 * flights in plan_attention_units), at 40 iterations, without a window and with windows 1
 * and 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/model.h"
#include "models/plan/adjacency.h"
#include "models/plan/compact.h"
#include "models/plan/plan.h"
#include "sim/config/config.h"
#include "sim/graph/graph.h"
#include "support.h"

#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>

struct edge {
    uint32_t dst, src, kind, at;
    size_t seq; /* its place among the edges as the passes made them */
};

struct edges {
    struct edge *e;
    size_t n, cap;
};

static void put(struct edges *x, uint32_t src, uint32_t dst, pl_edge_kind kind)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 1024;
        x->e = realloc(x->e, x->cap * sizeof *x->e);
        assert_non_null(x->e);
    }
    x->e[x->n] = (struct edge){dst, src, (uint32_t)kind, (uint32_t)PL_AT_END, x->n};
    x->n++;
}

/* By destination, then as the passes made them: the stable grouping of finalize. */
static int by_dst(const void *a, const void *b)
{
    const struct edge *x = a, *y = b;
    if (x->dst != y->dst)
        return (x->dst > y->dst) - (x->dst < y->dst);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The tasks that access instance k of c (its writers only unless `readers`). */
static uint32_t accesses(const pl_plan_loop *l, const pl_plan_compact *c, uint32_t k, bool readers,
                         uint32_t *out, uint32_t cap)
{
    pl_plan_instance_name name = pl_plan_compact_instance(c, k);
    pl_plan_instance in = {.buffer = name.buffer, .iter = name.iter};
    uint32_t n = pl_plan_instance_tasks(l, &in, readers, out, cap);
    assert_true(n <= cap);
    return n;
}

/* The edges of the plan's graph as the passes of one kind each made them. */
static void expected(const pl_plan_workload *w, const pl_plan *p, const pl_plan_compact *c,
                     uint32_t ntasks, struct edges *x)
{
    const pl_plan_loop *l = &w->loop;
    uint32_t *task_of = malloc(ntasks * sizeof *task_of),
             *done_of = malloc(ntasks * sizeof *done_of), id = 0;
    assert_non_null(task_of);
    assert_non_null(done_of);
    for (uint32_t k = 0; k < c->ntasks; k++) { /* tasks in planned order, each flight after */
        uint32_t t = c->order[k];
        task_of[t] = done_of[t] = id++;
        if (c->lane && c->lane[t] != PL_PLAN_NO_LANE) {
            done_of[t] = id++;
            put(x, task_of[t], done_of[t], PL_EDGE_DATA);
        }
    }
    for (uint32_t n = 0; n < c->nhops; n++, id++) {
        const pl_plan_hop *h = &c->hops[c->hop_order[n]];
        put(x, done_of[h->from], id, PL_EDGE_DATA);
        put(x, id, task_of[h->to], PL_EDGE_DATA);
    }
    uint32_t hop = 0;
    for (uint32_t i = 0; i < l->iterations; i++)
        for (uint32_t k = 0; k < p->ndeps; k++) {
            const pl_plan_dep *e = &p->deps[k];
            if (e->distance > i)
                continue;
            uint32_t from = (i - e->distance) * l->nops + e->src, to = i * l->nops + e->dst;
            if (hop < c->nhops && c->hops[hop].dep == k && c->hops[hop].to == to) {
                hop++;
                continue;
            }
            put(x, done_of[from], task_of[to],
                e->kind == PL_PLAN_DEP_DATA    ? PL_EDGE_DATA
                : e->kind == PL_PLAN_DEP_AFTER ? PL_EDGE_ORDER
                                               : PL_EDGE_SLOT);
        }
    bool first[64], last[64];
    assert_true(l->nops <= 64);
    pl_plan_iteration_ends(p->deps, p->ndeps, l->nops, first, last);
    for (uint32_t i = p->window; p->window && i < l->iterations; i++)
        for (uint32_t a = 0; a < l->nops; a++)
            for (uint32_t b = 0; b < l->nops; b++)
                if (last[a] && first[b])
                    put(x, done_of[(i - p->window) * l->nops + a], task_of[i * l->nops + b],
                        PL_EDGE_SLOT);
    uint32_t cap = l->iterations * l->nops + 1, *from = malloc(cap * sizeof *from),
             *to = malloc(cap * sizeof *to);
    assert_non_null(from);
    assert_non_null(to);
    for (uint32_t r = 0; r < c->nreuse; r++) {
        uint32_t na = accesses(l, c, c->reuse[r].from, true, from, cap);
        uint32_t nb = accesses(l, c, c->reuse[r].to, false, to, cap);
        for (uint32_t a = 0; a < na; a++)
            for (uint32_t b = 0; b < nb; b++)
                if (from[a] != to[b])
                    put(x, done_of[from[a]], task_of[to[b]], PL_EDGE_SLOT);
    }
    qsort(x->e, x->n, sizeof *x->e, by_dst);
    free(task_of);
    free(done_of);
    free(from);
    free(to);
}

/* How many of the cases checked had moves, flights and reuse pairs: each kind must be. */
static unsigned with_moves, with_flights, with_reuse;

/* One scenario: its plan lowered, against the passes. */
static void check(const char *scenario, const char *iterations, const char *window)
{
    const char *sets[] = {iterations, window};
    pl_config *cfg = NULL;
    pl_diag d;
    pl_diag_init(&d);
    if (pl_config_load(pl_test_src(scenario), sets, window ? 2 : 1, pl_scenario_keys, &cfg, &d) !=
        0)
        fail_msg("%s", d.msg);
    pl_plan_workload w;
    pl_plan p;
    pl_plan_compact c;
    pl_graph *g = NULL;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937); /* the latencies drawn, as a session's */
    assert_non_null(rng);
    gsl_rng_set(rng, (unsigned long)pl_config_int(cfg, "seed"));
    int rc = pl_plan_workload_load(cfg, rng, &w, &d);
    gsl_rng_free(rng);
    if (rc != 0 || pl_plan_make_for(&w, &p, &d) != 0)
        fail_msg("%s %s %s: %s", scenario, iterations, window ? window : "", d.msg);
    assert_int_equal(pl_plan_compact_make(&w.loop, &p, &c), 0);
    assert_int_equal(pl_plan_lower_compact(&w, &p, &c, &g), 0);
    with_moves += c.nhops > 0;
    with_flights += c.lane != NULL;
    with_reuse += c.nreuse > 0;
    struct edges x = {0};
    expected(&w, &p, &c, pl_graph_task_count(g), &x);
    assert_int_equal(pl_graph_edge_count(g), x.n);
    size_t at = 0;
    for (uint32_t t = 0; t < pl_graph_task_count(g); t++) {
        uint32_t first, n;
        pl_graph_task_edges(g, t, &first, &n);
        for (uint32_t e = first; e < first + n; e++, at++) {
            const pl_edge *got = pl_graph_edge(g, e);
            const struct edge *want = &x.e[at];
            if (want->dst != t || got->src != want->src || got->kind != want->kind ||
                got->at != want->at)
                fail_msg("%s %s %s: task %u's edge %u is from %u (kind %u), expected one "
                         "into %u from %u (kind %u)",
                         scenario, iterations, window ? window : "", t, e - first, got->src,
                         got->kind, want->dst, want->src, want->kind);
        }
    }
    free(x.e);
    pl_graph_destroy(g);
    pl_plan_compact_fini(&c);
    pl_plan_fini(&p);
    pl_plan_workload_fini(&w);
    pl_config_destroy(cfg);
}

static void every_plan_scenario(void **state)
{
    (void)state;
    static const char *const scenarios[] = {"workloads/plan_teaching.yaml",
                                            "workloads/plan_attention.yaml",
                                            "workloads/plan_attention_units.yaml"};
    static const char *const windows[] = {NULL, "plan.window=1", "plan.window=2"};
    for (size_t s = 0; s < sizeof scenarios / sizeof *scenarios; s++)
        for (size_t k = 0; k < sizeof windows / sizeof *windows; k++)
            check(scenarios[s], "plan.iterations=40", windows[k]);
    assert_true(with_moves > 0 && with_flights > 0 && with_reuse > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_plan_scenario),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
