/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verdict_search.c — candidates, their upper bounds, and rounds of simulations.
 *
 * Invariant: the candidates keep the order in which they were made (stages, groups of
 * units, links, hosts, the chain, the model's variants); every sort below breaks ties
 * by that order, so that the same run always gets the same verdict and the same list.
 */
#include "sim/study/verdict_search.h"

#include "sim/engine/runner.h"
#include "sim/engine/simgrid.h"
#include "sim/measure/groups.h"
#include "sim/measure/metrics.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Candidates simulated at once. A constant, not the machine's processors, so that which
 * candidates are simulated, and so the report, is the same on every machine. */
#define PL_VERDICT_ROUND 2

struct cand {
    pl_tried t;
    pl_graph_change change; /* for a change of the graph */
    uint8_t *mask;          /* owned: the units or tasks it scales, or NULL */
    long variant;           /* the model's variant it lowers, or -1 */
    bool replans;           /* a variant whose graph only its own bound bounds */
    double most;            /* upper bound on its gain */
    bool exact;             /* most is from the changed graph's own bound */
    bool passed;            /* its pass ran and the analytic engine is exact for it */
    bool shared;            /* its pass ran and found a core or a link shared */
    double pass;            /* its makespan, when passed */
    size_t order;           /* when it was made */
};

struct search {
    const pl_verdict_run *run;
    struct cand *c;
    size_t n, cap;
    /* The walks of the chain's and the candidates' bounds, one after the other; freed
     * before each round's simulations, so that it never adds to what they hold. */
    pl_bound_scratch scratch;
    /* The starts and ends of every makespan pass, one candidate after the other. */
    pl_analytic_scratch times;
    double *work; /* per unit of the run: the work of its tasks, summed once */
};

static int push(struct search *s, pl_change_kind kind, const char *name, struct cand **out)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        struct cand *c = realloc(s->c, cap * sizeof *c);
        if (!c)
            return PL_ENOMEM;
        s->c = c;
        s->cap = cap;
    }
    struct cand *c = &s->c[s->n];
    *c = (struct cand){.change = pl_graph_no_change(), .variant = -1, .order = s->n};
    c->t.kind = kind;
    c->t.status = PL_TRIED_BOUNDED;
    c->t.makespan = NAN;
    snprintf(c->t.name, sizeof c->t.name, "%s", name);
    s->n++;
    *out = c;
    return 0;
}

/* ---- Candidates ------------------------------------------------------------------- */

static double unit_work(const pl_graph *g, uint32_t u)
{
    uint32_t n;
    const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
    double work = 0;
    for (uint32_t i = 0; i < n; i++)
        work += pl_graph_task_work(g, tasks[i]);
    return work;
}

/* Whether every unit in mask is a transfer unit (one with a route of links). */
static bool all_transfers(const pl_graph *g, const uint8_t *mask)
{
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        uint32_t n;
        pl_graph_unit_route(g, u, &n);
        if (mask[u] && n == 0)
            return false;
    }
    return true;
}

/* A candidate that scales the work of the units in mask (owned by it from here). For
 * transfer units that is their fixed latency: their bytes are the links' candidates. */
static int less_work(struct search *s, pl_change_kind kind, const char *name, uint8_t *mask)
{
    struct cand *c;
    if (push(s, kind, name, &c) != 0) {
        free(mask);
        return PL_ENOMEM;
    }
    c->mask = mask;
    c->change.units = mask;
    c->change.work = PL_VERDICT_LESS_WORK;
    snprintf(c->t.change, sizeof c->t.change, "10 %% less %s on %s%s",
             all_transfers(s->run->graph, mask) ? "latency" : "work",
             kind == PL_CHANGE_STAGE ? "stage " : "", name);
    return 0;
}

/* One candidate per stage, and one per group of the units outside stages, when it
 * has work to lessen. */
static int work_candidates(struct search *s)
{
    const pl_graph *g = s->run->graph;
    uint32_t nu = pl_graph_unit_count(g);
    uint8_t *done = calloc((size_t)nu + 1, 1);
    int rc = done ? 0 : PL_ENOMEM;
    for (uint32_t st = 0; st < pl_graph_stage_count(g) && rc == 0; st++) {
        uint8_t *mask = calloc((size_t)nu + 1, 1);
        double work = 0;
        if (!mask) {
            rc = PL_ENOMEM;
            break;
        }
        for (uint32_t u = 0; u < nu; u++)
            if (pl_graph_unit_stage(g, u) == st) {
                mask[u] = done[u] = 1;
                work += s->work[u];
            }
        if (work > 0)
            rc = less_work(s, PL_CHANGE_STAGE, pl_graph_stage_name(g, st), mask);
        else
            free(mask);
    }
    for (uint32_t u = 0; u < nu && rc == 0; u++) {
        if (done[u])
            continue;
        char name[128], other[128];
        uint8_t *mask = calloc((size_t)nu + 1, 1);
        if (!mask) {
            rc = PL_ENOMEM;
            break;
        }
        pl_unit_group_name(g, u, name, sizeof name);
        double work = 0;
        uint32_t members = 0;
        for (uint32_t v = u; v < nu; v++) {
            if (done[v])
                continue;
            pl_unit_group_name(g, v, other, sizeof other);
            if (strcmp(name, other) == 0) {
                mask[v] = done[v] = 1;
                work += s->work[v];
                members++;
            }
        }
        /* A group of one is named as its unit. */
        if (members == 1)
            snprintf(name, sizeof name, "%s", pl_graph_unit_name(g, u));
        if (work > 0)
            rc = less_work(s, PL_CHANGE_UNIT, name, mask);
        else
            free(mask);
    }
    free(done);
    return rc;
}

/* Whether some task moves bytes over link l. */
static bool carries(const pl_graph *g, uint32_t l)
{
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        uint32_t nr, n;
        const uint32_t *route = pl_graph_unit_route(g, u, &nr);
        const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
        for (uint32_t k = 0; k < nr; k++)
            for (uint32_t i = 0; i < n && route[k] == l; i++)
                if (pl_graph_task_bytes(g, tasks[i]) > 0)
                    return true;
    }
    return false;
}

/* One candidate per group of links that carry bytes (core*.MTE2: the same link of every
 * core, as the same kernel uses it on each), a link of its own named as itself. */
static int link_candidates(struct search *s)
{
    const pl_graph *g = s->run->graph;
    uint32_t nl = pl_graph_link_count(g);
    uint8_t *done = calloc((size_t)nl + 1, 1);
    if (!done)
        return PL_ENOMEM;
    for (uint32_t l = 0; l < nl; l++) {
        char name[96], other[96];
        if (done[l] || !carries(g, l))
            continue;
        uint8_t *mask = calloc((size_t)nl + 1, 1);
        struct cand *c;
        if (!mask || push(s, PL_CHANGE_LINK, "", &c) != 0) {
            free(mask);
            free(done);
            return PL_ENOMEM;
        }
        pl_name_group(pl_graph_link_name(g, l), name, sizeof name);
        uint32_t members = 0;
        for (uint32_t k = l; k < nl; k++) {
            pl_name_group(pl_graph_link_name(g, k), other, sizeof other);
            if (!done[k] && strcmp(name, other) == 0 && carries(g, k)) {
                mask[k] = done[k] = 1;
                members++;
            }
        }
        if (members == 1)
            snprintf(name, sizeof name, "%s", pl_graph_link_name(g, l));
        snprintf(c->t.name, sizeof c->t.name, "%s", name);
        c->mask = mask;
        c->change.links = mask;
        c->change.bandwidth = PL_VERDICT_MORE_BANDWIDTH;
        snprintf(c->t.change, sizeof c->t.change, "10 %% more bandwidth on link %s", name);
    }
    free(done);
    return 0;
}

/* One more core for every host whose threads outnumber its cores. */
static int core_candidates(struct search *s)
{
    const pl_graph *g = s->run->graph;
    for (uint32_t p = 0; p < pl_graph_place_count(g); p++) {
        if (pl_graph_place_kind(g, p) != PL_PLACE_HOST)
            continue;
        uint32_t threads = 0;
        for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
            threads += pl_graph_unit_place(g, u) == p && s->work[u] > 0;
        struct cand *c;
        if (threads <= (uint32_t)pl_graph_place_cores(g, p))
            continue;
        if (push(s, PL_CHANGE_CORES, pl_graph_place_name(g, p), &c) != 0)
            return PL_ENOMEM;
        c->change.place = p;
        c->change.cores = 1;
        snprintf(c->t.change, sizeof c->t.change, "one more core on %s (%d instead of %d)",
                 pl_graph_place_name(g, p), pl_graph_place_cores(g, p) + 1,
                 pl_graph_place_cores(g, p));
    }
    return 0;
}

static int chain_candidate(struct search *s)
{
    const pl_graph *g = s->run->graph;
    uint32_t n = pl_graph_task_count(g);
    uint8_t *mask = calloc((size_t)n + 1, 1);
    int rc = !mask ? PL_ENOMEM : s->run->chain ? 0 : pl_bound_chain_in(&s->scratch, g, mask);
    if (rc != 0) {
        free(mask);
        return PL_ENOMEM;
    }
    if (s->run->chain)
        memcpy(mask, s->run->chain, n);
    struct cand *c;
    if (push(s, PL_CHANGE_CHAIN, "critical path", &c) != 0) {
        free(mask);
        return PL_ENOMEM;
    }
    c->mask = mask;
    c->change.tasks = mask;
    c->change.work = PL_VERDICT_LESS_WORK;
    snprintf(c->t.change, sizeof c->t.change,
             "10 %% less work on every task of the critical path");
    return 0;
}

static int variant_candidates(struct search *s, pl_diag *d)
{
    const pl_model *model = s->run->model;
    if (!model || !model->variants)
        return 0;
    pl_variant *v = NULL;
    size_t n = 0;
    int rc = model->variants(s->run->lowering, &v, &n, d);
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct cand *c;
        if ((rc = push(s, v[i].kind, v[i].name, &c)) != 0)
            break;
        c->variant = (long)i;
        c->replans = v[i].replans;
        snprintf(c->t.change, sizeof c->t.change, "%s", v[i].change);
        if (v[i].refused[0]) {
            c->t.status = PL_TRIED_REFUSED;
            c->t.gain = NAN;
            snprintf(c->t.note, sizeof c->t.note, "%s", v[i].refused);
        }
    }
    free(v);
    return rc;
}

/* ---- Upper bounds and simulations ----------------------------------------------- */

/* A first upper bound on every candidate's gain, cheap: the run's resource bound for a
 * model's variant, the terms' least bound for a change of the graph. */
static void upper_bounds(struct search *s)
{
    const pl_verdict_run *run = s->run;
    for (size_t i = 0; i < s->n; i++) {
        struct cand *c = &s->c[i];
        if (c->t.status == PL_TRIED_REFUSED)
            continue;
        double least = c->replans        ? 0
                       : c->variant >= 0 ? run->resource->makespan
                                         : pl_bound_terms_least(run->graph, run->terms, &c->change);
        c->most = fmax(0, run->makespan - least);
        c->exact = c->variant >= 0 && !c->replans;
        c->t.gain = c->most;
    }
}

static int graph_of(const struct search *s, const struct cand *c, pl_graph **out, pl_diag *d)
{
    if (c->variant >= 0)
        return s->run->model->lower_variant(s->run->lowering, (size_t)c->variant, out, d);
    *out = pl_graph_changed(s->run->graph, &c->change);
    return *out ? 0 : pl_diag_set(d, PL_ENOMEM, "out of memory");
}

/* Makes c's upper bound exact: the run's makespan minus the changed graph's bound (a
 * variant that plans again is lowered for it). */
static int exact_bound(struct search *s, struct cand *c, pl_diag *d)
{
    pl_bound b;
    if (c->exact)
        return 0;
    pl_analytic_scratch_fini(&s->times);
    if (c->replans) {
        /* Not held while the variant is lowered: its graph takes as much again. */
        pl_bound_scratch_fini(&s->scratch);
        pl_graph *g = NULL;
        int rc = graph_of(s, c, &g, d);
        if (rc == 0 && pl_bound_compute_in(&s->scratch, g, PL_BOUND_ALL_EDGES, NULL, &b) != 0)
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
        pl_graph_destroy(g);
        if (rc != 0)
            return rc;
    } else if (pl_bound_compute_in(&s->scratch, s->run->graph, PL_BOUND_ALL_EDGES, &c->change,
                                   &b) != 0) {
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    }
    c->most = fmax(0, fmin(c->most, s->run->makespan - b.makespan));
    c->t.gain = c->most;
    c->exact = true;
    return 0;
}

double pl_verdict_bound_slack(const pl_graph *g, double makespan)
{
    double n = pl_graph_task_count(g), m = makespan;
    return n * (PL_ENGINE_PRECISION + 1e-12 * m + 4 * DBL_EPSILON * m) + 1e-8 * m;
}

/* Runs c's makespan pass ahead of its exact bound (a change of the run's graph, with an
 * engine that may be analytic), and says whether it shows the bound to be needless: a
 * gain beyond `cutoff` by more than pl_verdict_bound_slack proves that the exact bound
 * would not rule c out either (the header says why), so c is simulated as it would have
 * been, with the bound left unmade. Otherwise, or where the pass is not exact, the exact
 * bound decides as before, and the simulation takes an exact pass's makespan. */
static int pass_first(struct search *s, struct cand *c, double cutoff, bool *beyond, pl_diag *d)
{
    const pl_graph *g = s->run->graph;
    double m = s->run->makespan;
    *beyond = false;
    if (c->exact || c->variant >= 0 || s->run->engine == PL_ENGINE_SIMGRID)
        return 0;
    /* The walks' arrays and the pass's take turns, so that they never add up. */
    pl_bound_scratch_fini(&s->scratch);
    int rc = pl_runner_makespan(&s->times, g, &c->change, PL_ENGINE_AUTO, &c->pass, &c->passed, d);
    c->shared = rc == 0 && !c->passed;
    *beyond = rc == 0 && c->passed && m - c->pass > cutoff + pl_verdict_bound_slack(g, m);
    return rc;
}

/* Largest upper bound first; the refused ones last; ties in the order made. */
static int by_most(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    bool rx = x->t.status == PL_TRIED_REFUSED, ry = y->t.status == PL_TRIED_REFUSED;
    if (rx != ry)
        return rx ? 1 : -1;
    if (!rx && x->most != y->most)
        return x->most > y->most ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Simulated: c's makespan and its gain over the run's. */
static void simulated(const struct search *s, struct cand *c, double makespan)
{
    c->t.status = PL_TRIED_SIMULATED;
    c->t.makespan = makespan;
    c->t.gain = s->run->makespan - makespan;
}

/* Simulates c with the analytic engine where it is exact for c: a makespan pass in the
 * search's scratch, under c's change of the run's graph (no copy of it is built) or over
 * the model's variant (built and freed before the next candidate's), without a timeline.
 * Where the analytic engine is not exact for it (its change makes a core or a link
 * shared): with the analytic engine only, as asked, c is not possible as asked, which is
 * not a failure of the run; with the engine chosen per graph, its graph goes back in *left
 * (taken by the caller) for SimGrid. */
static int simulate_analytic(struct search *s, struct cand *c, pl_graph **left, pl_diag *d)
{
    pl_graph *g = NULL;
    pl_diag why;
    pl_diag_init(&why);
    bool exact = false;
    double makespan = 0;
    if (c->passed) {
        simulated(s, c, c->pass);
        return 0;
    }
    /* Not held while a variant is lowered: its graph takes more than the passes' arrays. */
    if (c->variant >= 0)
        pl_analytic_scratch_fini(&s->times);
    int rc = c->variant >= 0 ? graph_of(s, c, &g, d) : 0;
    /* A change whose pass ran ahead of its bound and found sharing goes to SimGrid. */
    if (rc == 0 && !(c->shared && s->run->engine == PL_ENGINE_AUTO))
        rc = pl_runner_makespan(&s->times, g ? g : s->run->graph, g ? NULL : &c->change,
                                s->run->engine, &makespan, &exact, &why);
    if (rc == 0 && exact) {
        simulated(s, c, makespan);
    } else if (rc == 0) {
        if (!g)
            rc = graph_of(s, c, &g, d);
        *left = g;
        g = NULL;
    } else if (rc == PL_ECONFIG) {
        c->t.status = PL_TRIED_REFUSED;
        c->t.gain = NAN;
        snprintf(c->t.note, sizeof c->t.note, "not exact with engine analytic: %.280s", why.msg);
        rc = 0;
    } else if (why.code != 0) {
        rc = pl_diag_set(d, rc, "%s", why.msg);
    }
    pl_graph_destroy(g);
    return rc;
}

/* Simulates the n candidates at c: each on its own with the analytic engine where it
 * may run them exactly, and the others with SimGrid, all at once (a child each). */
static int simulate(struct search *s, struct cand *c, size_t n, pl_diag *d)
{
    pl_graph **g = calloc(n + 1, sizeof *g);
    pl_timeline *tls = calloc(n + 1, sizeof *tls);
    size_t *which = calloc(n + 1, sizeof *which), m = 0;
    int rc = g && tls && which ? 0 : pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (s->run->engine == PL_ENGINE_SIMGRID)
            rc = graph_of(s, &c[i], &g[m], d);
        else
            rc = simulate_analytic(s, &c[i], &g[m], d);
        if (g[m])
            which[m++] = i;
    }
    /* The passes' arrays are not carried into the SimGrid children. */
    if (m > 0)
        pl_analytic_scratch_fini(&s->times);
    if (rc == 0 && m > 0)
        rc = pl_runner_simulate((const pl_graph *const *)g, tls, m, 0, PL_ENGINE_SIMGRID, d);
    for (size_t i = 0; i < m; i++) {
        if (rc == 0)
            simulated(s, &c[which[i]], tls[i].makespan);
        pl_timeline_fini(&tls[i]);
    }
    for (size_t i = 0; g && i <= n; i++)
        pl_graph_destroy(g[i]);
    free(g);
    free(tls);
    free(which);
    return rc;
}

/* Rounds of up to `width` simulations, largest first upper bound first. A candidate
 * whose upper bound (made exact first) is at or below the cut-off, the noise or the best
 * gain so far less PL_VERDICT_TIE of the makespan, stays bounded; once a first bound is
 * below it, so are all the later ones. */
static int rounds(struct search *s, size_t width, pl_diag *d)
{
    double m = s->run->makespan, noise = pl_metrics_noise(m), best = 0;
    size_t next = 0, *which = calloc(width + 1, sizeof *which);
    struct cand *batch = calloc(width + 1, sizeof *batch);
    int rc = batch && which ? 0 : pl_diag_set(d, PL_ENOMEM, "out of memory");
    bool more = true;
    while (rc == 0 && more) {
        double cutoff = fmax(noise, best - PL_VERDICT_TIE * m);
        size_t n = 0;
        for (; next < s->n && n < width && rc == 0; next++) {
            struct cand *c = &s->c[next];
            if (c->t.status == PL_TRIED_REFUSED || c->most <= cutoff) {
                more = false;
                break;
            }
            bool beyond = false;
            if ((rc = pass_first(s, c, cutoff, &beyond, d)) != 0 ||
                (!beyond && (rc = exact_bound(s, c, d)) != 0))
                break;
            if (c->most > cutoff) {
                which[n] = next;
                batch[n++] = *c;
            }
        }
        more = more && next < s->n;
        pl_bound_scratch_fini(&s->scratch);
        if (rc == 0 && n > 0)
            rc = simulate(s, batch, n, d);
        for (size_t i = 0; i < n && rc == 0; i++) {
            s->c[which[i]] = batch[i];
            if (batch[i].t.status == PL_TRIED_SIMULATED)
                best = fmax(best, batch[i].t.gain);
        }
    }
    free(batch);
    free(which);
    return rc;
}

/* Simulated first by gain, then bounded by their upper bound, then refused; ties in the
 * order made. */
static int by_outcome(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->t.status != y->t.status)
        return x->t.status < y->t.status ? -1 : 1;
    if (x->t.status != PL_TRIED_REFUSED && x->t.gain != y->t.gain)
        return x->t.gain > y->t.gain ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int fill(struct search *s, pl_verdict *out)
{
    qsort(s->c, s->n, sizeof *s->c, by_outcome);
    *out = (pl_verdict){.searched = true, .makespan = s->run->makespan, .ntried = s->n};
    out->tried = calloc(s->n + 1, sizeof *out->tried);
    if (!out->tried)
        return PL_ENOMEM;
    double m = s->run->makespan, noise = pl_metrics_noise(m);
    for (size_t i = 0; i < s->n; i++) {
        out->tried[i] = s->c[i].t;
        out->nsimulated += s->c[i].t.status == PL_TRIED_SIMULATED;
    }
    if (out->nsimulated > 0 && out->tried[0].gain > noise) {
        double best = out->tried[0].gain;
        while (out->nbest < out->nsimulated &&
               out->tried[out->nbest].gain >= best - PL_VERDICT_TIE * m)
            out->nbest++;
    }
    return 0;
}

int pl_verdict_search(const pl_verdict_run *run, pl_verdict *out, pl_diag *d)
{
    struct search s = {.run = run};
    uint32_t nu = pl_graph_unit_count(run->graph);
    int rc = (s.work = calloc((size_t)nu + 1, sizeof *s.work)) ? 0 : PL_ENOMEM;
    for (uint32_t u = 0; u < nu && rc == 0; u++)
        s.work[u] = unit_work(run->graph, u);
    if (rc == 0)
        rc = work_candidates(&s);
    if (rc == 0)
        rc = link_candidates(&s);
    if (rc == 0)
        rc = core_candidates(&s);
    if (rc == 0)
        rc = chain_candidate(&s);
    if (rc == PL_ENOMEM)
        rc = pl_diag_set(d, rc, "out of memory");
    if (rc == 0)
        rc = variant_candidates(&s, d);
    if (rc == 0)
        upper_bounds(&s);
    if (rc == 0) {
        qsort(s.c, s.n, sizeof *s.c, by_most);
        rc = rounds(&s, PL_VERDICT_ROUND, d);
    }
    if (rc == 0 && fill(&s, out) != 0)
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t i = 0; i < s.n; i++)
        free(s.c[i].mask);
    free(s.c);
    pl_bound_scratch_fini(&s.scratch);
    pl_analytic_scratch_fini(&s.times);
    free(s.work);
    return rc;
}
