/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verdict_candidates.c — the changes a verdict tries (verdict_search.h): one per stage and
 * group of units, link group, host short of cores, the critical path and model variant,
 * each with its change of the run's graph, in the order the search keeps.
 */
#include "sim/study/verdict_work.h"

#include "sim/measure/groups.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    snprintf(c->t.change, sizeof c->t.change, "10 %% less work on every task of the critical path");
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
        c->least = v[i].least;
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

int pl_verdict_candidates(struct search *s, pl_diag *d)
{
    uint32_t nu = pl_graph_unit_count(s->run->graph);
    int rc = (s->work = calloc((size_t)nu + 1, sizeof *s->work)) ? 0 : PL_ENOMEM;
    for (uint32_t u = 0; u < nu && rc == 0; u++)
        s->work[u] = unit_work(s->run->graph, u);
    if (rc == 0)
        rc = work_candidates(s);
    if (rc == 0)
        rc = link_candidates(s);
    if (rc == 0)
        rc = core_candidates(s);
    if (rc == 0)
        rc = chain_candidate(s);
    if (rc == PL_ENOMEM)
        rc = pl_diag_set(d, rc, "out of memory");
    if (rc == 0)
        rc = variant_candidates(s, d);
    return rc;
}
