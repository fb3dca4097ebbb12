/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * line.c — the three-stage line fixture of the report tests (see line.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "line.h"
#include "sim/engine/runner.h"
#include "sim/study/verdict_search.h"
#include "support.h"

#include <stdlib.h>
#include <string.h>

pl_graph *pl_test_line_pipelined(uint32_t items)
{
    pl_graph *g = pl_graph_create("pipelined");
    uint32_t host, dev, u[3], lab[3], prev[3] = {0};
    static const char *const units[] = {"host.prep", "device.stream", "host.post"};
    static const char *const labels[] = {"prep", "compute", "post"};
    static const double work[] = {2e-6, 3e-6, 1e-6};
    assert_int_equal(pl_graph_add_place(g, "host", PL_PLACE_HOST, 2, &host), 0);
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &dev), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pl_graph_add_unit(g, units[i], i == 1 ? dev : host, &u[i]), 0);
        assert_int_equal(pl_graph_add_label(g, labels[i], &lab[i]), 0);
    }
    for (uint32_t k = 0; k < items; k++) {
        uint32_t t[3];
        for (int i = 0; i < 3; i++)
            assert_int_equal(pl_graph_add_task(g, u[i], work[i], lab[i], k, &t[i]), 0);
        assert_int_equal(pl_graph_add_edge(g, t[0], t[1], PL_EDGE_ISSUE, PL_AT_END), 0);
        assert_int_equal(pl_graph_add_edge(g, t[1], t[2], PL_EDGE_DATA, PL_AT_END), 0);
        for (int i = 0; i < 2 && k > 0; i++)
            assert_int_equal(pl_graph_add_edge(g, prev[i + 1], t[i], PL_EDGE_SLOT, PL_AT_START), 0);
        memcpy(prev, t, sizeof prev);
    }
    assert_int_equal(pl_graph_set_items(g, items, "items"), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}

pl_graph *pl_test_line_serial(uint32_t items)
{
    pl_graph *g = pl_graph_create("serial");
    uint32_t host, dev, thread, stream, prep, compute, post;
    assert_int_equal(pl_graph_add_place(g, "host", PL_PLACE_HOST, 2, &host), 0);
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &dev), 0);
    assert_int_equal(pl_graph_add_unit(g, "host.dispatch", host, &thread), 0);
    assert_int_equal(pl_graph_add_unit(g, "device.stream", dev, &stream), 0);
    assert_int_equal(pl_graph_add_label(g, "prep", &prep), 0);
    assert_int_equal(pl_graph_add_label(g, "compute", &compute), 0);
    assert_int_equal(pl_graph_add_label(g, "post", &post), 0);
    for (uint32_t k = 0; k < items; k++) {
        uint32_t a, b, c;
        assert_int_equal(pl_graph_add_task(g, thread, 2e-6, prep, k, &a), 0);
        assert_int_equal(pl_graph_add_task(g, stream, 3e-6, compute, k, &b), 0);
        assert_int_equal(pl_graph_add_task(g, thread, 1e-6, post, k, &c), 0);
        assert_int_equal(pl_graph_add_edge(g, a, b, PL_EDGE_ISSUE, PL_AT_END), 0);
        assert_int_equal(pl_graph_add_edge(g, b, c, PL_EDGE_SYNC, PL_AT_END), 0);
    }
    assert_int_equal(pl_graph_set_items(g, items, "items"), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}

void pl_test_sim_run(pl_test_sim *s, pl_graph *g)
{
    s->g = g;
    pl_test_simulate(g, &s->tl);
    assert_int_equal(pl_metrics_compute(g, &s->tl, &s->m), 0);
    assert_int_equal(pl_bound_compute_with(g, PL_BOUND_WORKLOAD_EDGES, NULL, &s->b), 0);
    assert_int_equal(pl_bound_terms_compute(g, &s->terms), 0);
    s->configured = s->terms.bound;
}

void pl_test_sim_free(pl_test_sim *s)
{
    pl_metrics_fini(&s->m);
    pl_bound_terms_fini(&s->terms);
    pl_timeline_fini(&s->tl);
    pl_graph_destroy(s->g);
    s->g = NULL;
}

pl_run pl_test_sim_view(const pl_test_sim *s)
{
    return (pl_run){s->g, &s->tl, &s->m, &s->b, &s->configured};
}

pl_test_line *pl_test_line_simulate(uint32_t items, unsigned long long seed)
{
    pl_test_line *l = calloc(1, sizeof *l);
    assert_non_null(l);
    pl_test_sim_run(&l->s[0], pl_test_line_pipelined(items));
    pl_test_sim_run(&l->s[1], pl_test_line_serial(items));
    const pl_test_sim *sim = &l->s[0];
    pl_verdict_run run = {sim->g, sim->m.makespan, &sim->b, &sim->terms,
                          NULL,   NULL,            PL_ENGINE_ANALYTIC, NULL};
    pl_diag d;
    pl_diag_init(&d);
    if (pl_verdict_search(&run, &l->verdict, &d) != 0)
        fail_msg("%s", d.msg);
    l->r = (pl_report){.scenario = "line.yaml",
                       .model = "line",
                       .mode = "pipelined",
                       .baseline_mode = "serial",
                       .seed = seed,
                       .run = pl_test_sim_view(&l->s[0]),
                       .baseline = pl_test_sim_view(&l->s[1]),
                       .speedup = l->s[1].m.makespan / l->s[0].m.makespan,
                       .verdict = &l->verdict};
    return l;
}

void pl_test_line_free(pl_test_line *l)
{
    for (int i = 0; i < 2; i++)
        pl_test_sim_free(&l->s[i]);
    pl_verdict_fini(&l->verdict);
    free(l);
}
