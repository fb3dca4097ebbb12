/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * session.c — a scenario from file to report.
 *
 * The session owns everything the report points to: config, graphs, timelines,
 * metrics and bounds, and a replay's measure. When the scenario's mode is its own baseline, the baseline
 * is the same run, simulated once.
 */
#include "sim/study/session.h"
#include "models/model.h"
#include "sim/common/parallel.h"
#include "sim/engine/runner.h"
#include "sim/graph/check.h"
#include "sim/study/verdict_search.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct measured {
    pl_timeline tl;
    pl_metrics m;
    pl_bound bound;        /* the resource bound */
    pl_bound configured;   /* with every edge */
    pl_bound_terms terms;  /* the same, term by term, for the verdict: the run's only */
    uint8_t *chain;        /* owned: its critical path (pl_bound_chain), for the verdict:
                              the run's only, NULL without advice */
    bool have_tl, have_m;
};

struct pl_session {
    pl_config *cfg;
    pl_lowering lowering;
    struct measured run, base;
    pl_verdict verdict;
    pl_replay_result replay; /* the run measured as its trace was; zero when not a replay */
    pl_report report;
    bool lowered, ran;
    bool no_advice;
    bool one_at_a_time;
    pl_session_times times;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int pl_session_open(const char *scenario, const char *const *sets, size_t nsets,
                    pl_session **out, pl_diag *d)
{
    pl_session *s = calloc(1, sizeof *s);
    if (!s)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    int rc = pl_config_load(scenario, sets, nsets, pl_scenario_keys, &s->cfg, d);
    if (rc != 0) {
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

static void measured_fini(struct measured *m)
{
    if (m->have_tl)
        pl_timeline_fini(&m->tl);
    if (m->have_m)
        pl_metrics_fini(&m->m);
    pl_bound_terms_fini(&m->terms);
    free(m->chain);
    m->chain = NULL;
}

void pl_session_destroy(pl_session *s)
{
    if (!s)
        return;
    measured_fini(&s->run);
    measured_fini(&s->base);
    pl_verdict_fini(&s->verdict);
    pl_replay_result_fini(&s->replay);
    pl_lowering_fini(&s->lowering);
    pl_config_destroy(s->cfg);
    free(s);
}

void pl_session_skip_advice(pl_session *s)
{
    s->no_advice = true;
}

void pl_session_one_at_a_time(pl_session *s)
{
    s->one_at_a_time = true;
}

const pl_config *pl_session_config(const pl_session *s)
{
    return s->cfg;
}

/* The scenario's model; NULL when it names none (lower says so). */
static const pl_model *model_of(const pl_session *s)
{
    return pl_model_find(pl_config_str(s->cfg, "model"));
}

static int lower(pl_session *s, pl_diag *d)
{
    const pl_model *model = model_of(s);
    if (!model) {
        const char *name = pl_config_str(s->cfg, "model");
        const pl_node *n = pl_config_get(s->cfg, "model");
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), "model", "no model named '%s'", name);
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    gsl_rng_set(rng, (unsigned long)pl_config_int(s->cfg, "seed"));
    int rc = model->lower(s->cfg, rng, &s->lowering, d);
    gsl_rng_free(rng);
    return rc;
}

static pl_engine_kind engine_of(const pl_session *s)
{
    return pl_engine_named(pl_config_str(s->cfg, "engine"));
}

static int simulate(pl_session *s, pl_diag *d)
{
    const pl_graph *graphs[2] = {s->lowering.run, s->lowering.baseline};
    pl_timeline tls[2];
    size_t n = s->lowering.baseline ? 2 : 1;
    int rc = pl_runner_simulate(graphs, tls, n, s->one_at_a_time ? 1 : (int)n, engine_of(s), d);
    s->run.tl = tls[0];
    s->run.have_tl = true;
    if (n == 2) {
        s->base.tl = tls[1];
        s->base.have_tl = true;
    }
    return rc;
}

/* The run and the baseline measured at once (parallel.h), in pieces none of which reads
 * what another writes: the metrics of each graph, and its walks (its bounds and, for the
 * run's verdict, its critical path). A walk's scratch is as large as a timeline, so the
 * walks take turns in one scratch, sized for the larger graph, as one thread would hold
 * it (taken anew by each walk, an array past what a worker thread's own heap held, 64
 * MiB, was mapped again for the second, before every thread came to allocate from one
 * heap, pl_memory_one_heap: a 1e7-task tile run measured in 1.3 to 2.2 s over five runs,
 * against 0.8 to 1.7), while the metrics run beside them. The pieces in the order of
 * their failures: the run's first. */
enum piece { RUN_METRICS, RUN_WALKS, BASE_METRICS, BASE_WALKS, PIECES };

struct measures {
    pl_session *s;
    pthread_mutex_t walking;
    pl_bound_scratch scratch; /* the walks', held by the one walking */
    int rc[PIECES];
};

/* g's walks, in one scratch: both bounds of its run and, for the verdict, the bound with
 * every edge term by term and the critical path of the workload's edges. Without an edge
 * from the configuration both bounds walk the same edges: one walk gives all three (the
 * resource bound is the configured one). With them, the chain comes from the resource
 * bound's walk, which counts the workload's edges: two walks. */
static int walks(pl_bound_scratch *scratch, const pl_graph *g, struct measured *m, bool verdict)
{
    bool one = !pl_graph_has_configured_edges(g);
    int rc = 0;
    if (verdict && !(m->chain = calloc((size_t)pl_graph_task_count(g) + 1, 1)))
        return PL_ENOMEM;
    if (verdict) {
        rc = one ? pl_bound_terms_chain_in(scratch, g, &m->terms, m->chain)
                 : pl_bound_terms_compute_in(scratch, g, &m->terms);
        if (rc == 0)
            m->configured = m->terms.bound;
    } else {
        rc = pl_bound_compute_in(scratch, g, PL_BOUND_ALL_EDGES, NULL, &m->configured);
    }
    if (rc == 0 && one)
        m->bound = m->configured;
    else if (rc == 0)
        rc = pl_bound_resource_chain_in(scratch, g, &m->bound, m->chain);
    return rc;
}

static void measure_piece(void *ctx, size_t p)
{
    struct measures *m = ctx;
    pl_session *s = m->s;
    bool run = p == RUN_METRICS || p == RUN_WALKS;
    const pl_graph *g = run ? s->lowering.run : s->lowering.baseline;
    struct measured *to = run ? &s->run : &s->base;
    if (!g)
        return;
    if (p == RUN_METRICS || p == BASE_METRICS) {
        m->rc[p] = pl_metrics_compute(g, &to->tl, &to->m);
        to->have_m = m->rc[p] == 0;
        return;
    }
    pthread_mutex_lock(&m->walking);
    m->rc[p] = walks(&m->scratch, g, to, run && !s->no_advice);
    pthread_mutex_unlock(&m->walking);
}

static int measure_both(pl_session *s, pl_diag *d)
{
    struct measures m = {.s = s};
    const pl_graph *run = s->lowering.run, *base = s->lowering.baseline;
    uint32_t most = run ? pl_graph_task_count(run) : 0;
    if (base && pl_graph_task_count(base) > most)
        most = pl_graph_task_count(base);
    m.scratch.tasks = (size_t)most + 1; /* its arrays taken by the first walk */
    pthread_mutex_init(&m.walking, NULL);
    pl_parallel_for(PIECES, measure_piece, &m);
    pthread_mutex_destroy(&m.walking);
    pl_bound_scratch_fini(&m.scratch);
    for (size_t p = 0; p < PIECES; p++)
        if (m.rc[p] != 0)
            return pl_diag_set(d, m.rc[p], "out of memory measuring the %s run",
                               pl_graph_name(p < BASE_METRICS ? s->lowering.run
                                                              : s->lowering.baseline));
    return 0;
}

/* A replay's run measured as its trace was: nothing when the scenario replays none. */
static int measure_replay(pl_session *s, pl_diag *d)
{
    if (s->lowering.replay.nsteps == 0)
        return 0;
    int rc = pl_replay_measure(s->lowering.run, &s->run.tl, &s->lowering.replay, &s->replay);
    if (rc != 0)
        return pl_diag_set(d, rc, "out of memory measuring the replay of %s",
                           s->lowering.replay.source ? s->lowering.replay.source : "a trace");
    return 0;
}

/* The trier offered to a model's advice: each graph executed by the session's engine, and
 * its bound computed. Where the analytic engine may run a graph, its makespan comes from a
 * makespan pass (no timeline: a trial needs no more), in one scratch for all of them; the
 * graphs it is not exact for go to SimGrid, each in its own child, all at once. Every graph
 * is checked first, so that a failure is the one pl_runner_simulate gives. */
static int try_graphs(void *ctx, const pl_graph *const *graphs, size_t n, pl_trial *out,
                      pl_diag *d)
{
    const pl_session *s = ctx;
    pl_engine_kind engine = engine_of(s);
    pl_timeline *tls = calloc(n + 1, sizeof *tls);
    const pl_graph **left = calloc(n + 1, sizeof *left);
    size_t *which = calloc(n + 1, sizeof *which), m = 0;
    int rc = tls && left && which ? 0 : pl_diag_set(d, PL_ENOMEM, "out of memory");
    pl_analytic_scratch scratch = {0};
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = pl_check_graph(graphs[i], d);
    for (size_t i = 0; i < n && rc == 0; i++) {
        bool exact = false;
        if (engine != PL_ENGINE_SIMGRID)
            rc = pl_runner_makespan(&scratch, graphs[i], NULL, engine, &out[i].makespan, &exact, d);
        if (rc == 0 && !exact) {
            which[m] = i;
            left[m++] = graphs[i];
        }
    }
    pl_analytic_scratch_fini(&scratch);
    if (rc == 0 && m > 0)
        rc = pl_runner_simulate(left, tls, m, 0, PL_ENGINE_SIMGRID, d);
    for (size_t j = 0; j < m; j++) {
        if (rc == 0)
            out[which[j]].makespan = tls[j].makespan;
        pl_timeline_fini(&tls[j]);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        pl_bound b;
        if (pl_bound_compute(graphs[i], &b) != 0)
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
        else
            out[i].bound = b.makespan;
    }
    free(tls);
    free(left);
    free(which);
    return rc;
}

/* The verdict on the run, then the model's advice, which reads it; each timed. */
static int advise(pl_session *s, pl_diag *d)
{
    const pl_model *model = model_of(s);
    if (s->no_advice)
        return 0;
    pl_verdict_run run = {s->lowering.run, s->run.tl.makespan, &s->run.bound, &s->run.terms,
                          model, &s->lowering, engine_of(s), s->run.chain};
    double t0 = now_s();
    int rc = pl_verdict_search(&run, &s->verdict, d);
    double t1 = now_s();
    free(s->run.chain);
    s->run.chain = NULL;
    s->times.verdict = t1 - t0;
    if (rc != 0 || !model || !model->advise)
        return rc;
    pl_trier t = {try_graphs, s};
    rc = model->advise(&s->lowering, &t, &s->verdict, d);
    s->times.advice = now_s() - t1;
    return rc;
}

static void fill_report(pl_session *s)
{
    pl_report *r = &s->report;
    const pl_node *name = pl_config_get(s->cfg, "name");
    r->scenario = pl_config_file(s->cfg);
    r->name = name ? pl_node_str(name) : NULL;
    r->model = pl_config_str(s->cfg, "model");
    r->mode = s->lowering.mode;
    r->baseline_mode = s->lowering.baseline_mode;
    r->seed = (unsigned long long)pl_config_int(s->cfg, "seed");
    r->random = s->lowering.random;
    r->run = (pl_run){s->lowering.run, &s->run.tl, &s->run.m, &s->run.bound,
                      &s->run.configured};
    r->baseline = r->run;
    if (s->lowering.baseline)
        r->baseline = (pl_run){s->lowering.baseline, &s->base.tl, &s->base.m, &s->base.bound,
                               &s->base.configured};
    r->verdict = s->verdict.searched ? &s->verdict : NULL;
    /* Undefined (NaN: null in JSON, n/a in text) for a run that takes no time. */
    r->speedup = r->run.m->makespan > 0 ? r->baseline.m->makespan / r->run.m->makespan : NAN;
    r->figures = &s->lowering.figures;
    r->tables = &s->lowering.tables;
    r->predicted = s->lowering.predicted;
    r->replay = s->lowering.replay.nsteps > 0 ? &s->lowering.replay : NULL;
    r->replay_result = r->replay ? &s->replay : NULL;
}

int pl_session_lower(pl_session *s, pl_diag *d)
{
    if (s->lowered)
        return 0;
    double t0 = now_s();
    int rc = lower(s, d);
    s->times.lower = now_s() - t0;
    s->lowered = rc == 0;
    return rc;
}

const pl_graph *pl_session_graph(const pl_session *s)
{
    return s->lowered ? s->lowering.run : NULL;
}

const pl_graph *pl_session_baseline_graph(const pl_session *s)
{
    return s->lowered ? s->lowering.baseline : NULL;
}

int pl_session_run(pl_session *s, pl_diag *d)
{
    int rc = pl_session_lower(s, d);
    double t0 = now_s();
    if (rc == 0)
        rc = simulate(s, d);
    double t1 = now_s();
    if (rc == 0)
        rc = measure_both(s, d);
    if (rc == 0)
        rc = measure_replay(s, d);
    double t2 = now_s();
    if (rc == 0)
        rc = advise(s, d);
    if (rc == 0) {
        fill_report(s);
        s->ran = true;
    }
    s->times.execute = t1 - t0;
    s->times.measure = t2 - t1;
    s->times.advise = now_s() - t2;
    return rc;
}

const pl_report *pl_session_report(const pl_session *s)
{
    return s->ran ? &s->report : NULL;
}

bool pl_session_lowering_searches(const pl_session *s)
{
    const pl_model *model = model_of(s);
    return model && model->lowering_searches;
}

uint64_t pl_session_tasks(const pl_session *s)
{
    uint64_t n = s->lowering.run ? pl_graph_task_count(s->lowering.run) : 0;
    if (s->lowering.baseline)
        n += pl_graph_task_count(s->lowering.baseline);
    return n;
}

pl_session_times pl_session_timing(const pl_session *s)
{
    return s->times;
}

int pl_session_tables(pl_session *s, pl_diag *d)
{
    const pl_model *model = model_of(s);
    return s->lowered && model && model->tables ? model->tables(&s->lowering, d) : 0;
}
