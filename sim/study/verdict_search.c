/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verdict_search.c — the candidates' upper bounds, and rounds of simulations (the
 * candidates themselves are made in verdict_candidates.c).
 *
 * Invariant: the candidates keep the order in which they were made (stages, groups of
 * units, links, hosts, the chain, the model's variants); every sort below breaks ties
 * by that order, so that the same run always gets the same verdict and the same list.
 */
#include "sim/study/verdict_search.h"
#include "sim/study/verdict_work.h"

#include "sim/engine/runner.h"
#include "sim/common/parallel.h"
#include "sim/engine/simgrid.h"
#include "sim/measure/metrics.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Candidates simulated at once. A constant, not the machine's processors, so that which
 * candidates are simulated, and so the report, is the same on every machine. */
#define PL_VERDICT_ROUND 2

/* ---- Upper bounds and simulations ----------------------------------------------- */

/* A first upper bound on every candidate's gain, cheap: the run's resource bound for a
 * model's variant that keeps the run's units and order, the terms' least bound for a
 * change of the graph. A variant that plans again has only its own graph's bound, made
 * exact by lowering it, except where the run already takes no longer than the makespan
 * that the model says no plan of the variant beats (pl_variant.least), give or take the
 * noise (pl_metrics_noise: the run's own sums, added up over a long loop, round past the
 * bound's by far less): it cannot gain, and is not lowered. Elsewhere its first bound is
 * none (the whole makespan), so that it keeps its place first in line. */
static void upper_bounds(struct search *s)
{
    const pl_verdict_run *run = s->run;
    double m = run->makespan;
    for (size_t i = 0; i < s->n; i++) {
        struct cand *c = &s->c[i];
        if (c->t.status == PL_TRIED_REFUSED)
            continue;
        bool beaten = c->replans && c->least > 0 && m - c->least <= pl_metrics_noise(m);
        double least = beaten            ? m
                       : c->replans      ? 0
                       : c->variant >= 0 ? run->resource->makespan
                                         : pl_bound_terms_least(run->graph, run->terms, &c->change);
        c->most = fmax(0, m - least);
        c->exact = c->variant >= 0 && (!c->replans || beaten);
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
 * variant that plans again is lowered for it; a link widened where no route's narrowest
 * one is, from the run's terms, pl_bound_terms_widened, without a walk). */
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
    } else {
        /* A link widened where no route's narrowest one is: the run's terms give the bound
         * without a walk (pl_bound_terms_widened). Other changes are walked. */
        const pl_graph *g = s->run->graph;
        bool known = pl_bound_terms_widened(g, s->run->terms, &c->change, &b.makespan);
        if (!known && pl_bound_compute_in(&s->scratch, g, PL_BOUND_ALL_EDGES, &c->change, &b) != 0)
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

/* Whether c gets a makespan pass ahead of its exact bound: a change of the run's graph,
 * with an engine that may be analytic, not decided by a bound. */
static bool wants_pass(const struct search *s, const struct cand *c)
{
    return !c->exact && c->variant < 0 && s->run->engine != PL_ENGINE_SIMGRID;
}

/* Whether c wants a pass (wants_pass) that has not run yet, and is not refused. */
static bool pass_due(const struct search *s, const struct cand *c)
{
    return wants_pass(s, c) && !c->ran && c->t.status != PL_TRIED_REFUSED;
}

/* Two candidates' makespan passes at once, the first in the search's scratch. */
struct two_passes {
    struct search *s;
    struct cand *c[2];
    pl_analytic_scratch own; /* the second's */
    int rc[2];
    pl_diag d[2];
};

static void pass_piece(void *ctx, size_t i)
{
    struct two_passes *p = ctx;
    struct cand *c = p->c[i];
    p->rc[i] = pl_runner_makespan(i == 0 ? &p->s->times : &p->own, p->s->run->graph, &c->change,
                                  PL_ENGINE_AUTO, &c->pass, &c->passed, &p->d[i]);
}

/*
 * Runs the makespan pass of candidate i and, where the process has a second core for it,
 * that of the next candidate in line that will want one while its upper bound is above
 * the cut-off, at once: each is a function of the run's graph and its change alone, so it
 * comes out the same whenever it runs, and the search goes on as if each had run in its
 * turn. A pass run ahead that fails is forgotten, to run again in its turn (its failure,
 * if any, is then the search's, as before); one whose turn does not come (a round's best
 * gain raised the cut-off past it) costs its time only. The second pass takes memory of
 * its own, as much as the first's, freed at once: only where a model's variant is still
 * in line to be lowered, whose graph takes more than that, so that the pair adds nothing
 * to the run's peak. Elsewhere that memory would be fresh, and a machine slow to hand out
 * fresh pages (this project's VMs: a 1e7-task dispatch run's verdict took 0.06 to 0.18 s
 * with the pair against 0.085 s without) loses what the second core gains.
 */
static int run_passes(struct search *s, size_t i, double cutoff, pl_diag *d)
{
    struct two_passes p = {.s = s, .c = {&s->c[i], NULL}};
    bool variant_ahead = false;
    for (size_t j = i + 1; j < s->n; j++)
        variant_ahead = variant_ahead || (s->c[j].variant >= 0 && s->c[j].most > cutoff &&
                                          s->c[j].t.status != PL_TRIED_REFUSED);
    for (size_t j = i + 1; j < s->n && variant_ahead && pl_parallel_width() > 1; j++) {
        const struct cand *c = &s->c[j];
        if (c->t.status == PL_TRIED_REFUSED || c->most <= cutoff)
            break;
        if (pass_due(s, c)) {
            p.c[1] = &s->c[j];
            break;
        }
    }
    pl_diag_init(&p.d[0]);
    pl_diag_init(&p.d[1]);
    pl_parallel_for(p.c[1] ? 2 : 1, pass_piece, &p);
    pl_analytic_scratch_fini(&p.own);
    for (size_t k = 0; k < 2 && p.c[k]; k++) {
        struct cand *c = p.c[k];
        c->ran = k == 0 || p.rc[k] == 0;
        c->passed = c->ran && c->passed;
    }
    return p.rc[0] != 0 ? pl_diag_set(d, p.rc[0], "%s", p.d[0].msg) : 0;
}

/* Runs candidate i's makespan pass ahead of its exact bound (a change of the run's graph,
 * with an engine that may be analytic), unless it ran already, and says whether it shows
 * the bound to be needless: a gain beyond `cutoff` by more than pl_verdict_bound_slack
 * proves that the exact bound would not rule c out either (the header says why), so c is
 * simulated as it would have been, with the bound left unmade. Otherwise, or where the pass
 * is not exact, the exact bound decides as before, and the simulation takes an exact
 * pass's makespan. */
static int pass_first(struct search *s, size_t i, double cutoff, bool *beyond, pl_diag *d)
{
    const pl_graph *g = s->run->graph;
    double m = s->run->makespan;
    struct cand *c = &s->c[i];
    *beyond = false;
    if (!wants_pass(s, c))
        return 0;
    int rc = 0;
    if (!c->ran) {
        /* The walks' arrays and the passes' take turns, so that they never add up. */
        pl_bound_scratch_fini(&s->scratch);
        rc = run_passes(s, i, cutoff, d);
    }
    *beyond = rc == 0 && c->passed && m - c->pass > cutoff + pl_verdict_bound_slack(g, m);
    return rc;
}

/* Whether c's exact bound cannot rule it out: a change of the run's graph only lessens work
 * or adds bandwidth or cores, so its bound is at most the run's own with every edge (the
 * same sums of smaller terms; rounding is monotone), here below the cut-off's makespan; or
 * at most the run's terms less the work c takes from each unit's (pl_bound_terms_most),
 * below it. The second takes a pass over the tasks c scales, where the walk it spares
 * takes several over every task and edge: it decides the candidates of a run at its bound
 * whose passes gained too little to decide them, such as the critical path's. */
static bool bound_needless(const struct search *s, const struct cand *c, double cutoff)
{
    const pl_verdict_run *run = s->run;
    double m = run->makespan;
    if (c->variant >= 0)
        return false;
    /* 4 DBL_EPSILON m more, so that m less the exact bound, rounded, is above the cut-off. */
    return run->terms->bound.makespan + pl_verdict_bound_slack(run->graph, m) < m - cutoff ||
           pl_bound_terms_most(run->graph, run->terms, &c->change) + 4 * DBL_EPSILON * m <
               m - cutoff;
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
    if (rc == 0 && !(c->ran && !c->passed && s->run->engine == PL_ENGINE_AUTO))
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
            if ((rc = pass_first(s, next, cutoff, &beyond, d)) != 0 ||
                (!beyond && !bound_needless(s, c, cutoff) && (rc = exact_bound(s, c, d)) != 0))
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
    int rc = pl_verdict_candidates(&s, d);
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
