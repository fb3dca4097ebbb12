/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lower.c — a plan as a task graph, and its baseline.
 *
 * Tasks are added in planned order (their starts, then ends, then a topological rank:
 * pl_plan_planned_order), so that each unit runs them in that order and, with fixed
 * latencies, every edge points from a task added earlier, also between tasks that take
 * no time: a task starts when its unit is free and its edges have arrived, which in the
 * plan is exactly its planned start, because the list scheduler only ever places a task
 * at the later of the two. A pipelined unit's flights and the moves between units go on
 * lanes of their own, each on one free by its planned start (compact.c), so that they
 * too start when the plan says.
 */
#include "models/plan/plan.h"
#include "models/plan/adjacency.h"
#include "models/plan/compact.h"
#include "models/plan/findings.h"
#include "models/plan/variants.h"
#include "sim/common/array.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* About what the plan's making allocates per task of the loop (its schedules and a pass's
 * arrays, a memory map, the compact form, then the two graphs): a 100,000-iteration
 * plan_teaching reaches 90 MiB in all with --no-advice, 189 bytes a loop task. Where the
 * process keeps what it frees (a lowering that is a search: sim/main.c), the heap grows by
 * that much ahead, in huge pages, before the search writes anything (pl_memory_ahead). */
#define AHEAD_PER_LOOP_TASK 180

struct lowering {
    const pl_plan_workload *w;
    const pl_plan *plan;          /* its dependencies and window */
    const pl_plan_compact *tasks; /* its tasks in planned order, units and reuse pairs */
    pl_graph *g;
    uint32_t device;    /* the place of every unit */
    uint32_t *unit_of;  /* graph unit per plan unit */
    uint32_t *class_of; /* class per plan unit (pl_plan_unit_classes) */
    uint32_t *labels;   /* per op */
    uint32_t *task_of;  /* graph task per plan task: where it starts */
    uint32_t *done_of;  /* graph task per plan task where it ends: its flight on a pipelined
                           class (pl_plan_compact.lane), else task_of's */
    uint32_t *lanes;    /* the flights' lanes' graph units, unit after unit; lanes_first[u]:
                           plan unit u's first */
    uint32_t *lanes_first;
    uint32_t hop_base; /* the graph task of the first move in hop order; the others follow */
};

static int add_units(struct lowering *lw)
{
    const pl_plan_loop *l = &lw->w->loop;
    int rc = pl_graph_add_place(lw->g, "device", PL_PLACE_DEVICE, 1, &lw->device);
    for (uint32_t c = 0; !rc && c < l->nclasses; c++)
        for (uint32_t k = 0; !rc && k < l->classes[c].units; k++) {
            char name[160];
            uint32_t u = pl_plan_unit_first(l, c) + k;
            rc = pl_graph_add_unit(lw->g, pl_plan_unit_name(l, u, name, sizeof name), lw->device,
                                   &lw->unit_of[u]);
        }
    for (uint32_t o = 0; !rc && o < l->nops; o++)
        rc = pl_graph_add_label(lw->g, l->ops[o].name, &lw->labels[o]);
    return rc;
}

/* The lanes where the pipelined units' tasks are in flight, as units of the device named
 * after their unit: "tensor flight 1". */
static int add_lanes(struct lowering *lw)
{
    const pl_plan_loop *l = &lw->w->loop;
    const pl_plan_compact *c = lw->tasks;
    uint32_t nunits = pl_plan_unit_count(l), n = 0;
    lw->lanes_first = malloc(((size_t)nunits + 1) * sizeof *lw->lanes_first);
    for (uint32_t u = 0; lw->lanes_first && u < nunits; u++) {
        lw->lanes_first[u] = n;
        n += c->nlanes[u];
    }
    lw->lanes = malloc(((size_t)n + 1) * sizeof *lw->lanes);
    lw->done_of = pl_array_alloc((size_t)c->ntasks + 1, sizeof *lw->done_of);
    int rc = lw->lanes_first && lw->lanes && lw->done_of ? 0 : PL_ENOMEM;
    for (uint32_t u = 0; u < nunits && !rc; u++)
        for (uint32_t k = 0; k < c->nlanes[u] && !rc; k++) {
            char unit[160], name[200];
            snprintf(name, sizeof name, "%s flight %u", pl_plan_unit_name(l, u, unit, sizeof unit),
                     k + 1);
            rc = pl_graph_add_unit(lw->g, name, lw->device, &lw->lanes[lw->lanes_first[u] + k]);
        }
    return rc;
}

/* The planned tasks on their units, in planned order (pl_plan_planned_order). A task of a
 * pipelined class with a lane is two: its hold on the unit (its drawn latency, up to the
 * class's interval), then its flight on the lane (the rest), which waits for the hold as
 * for data (add_edges): a dependency of the workload, not of the plan. */
static int add_planned_tasks(struct lowering *lw)
{
    const pl_plan_loop *l = &lw->w->loop;
    const pl_plan_compact *c = lw->tasks;
    int rc = 0;
    for (uint32_t k = 0; k < c->ntasks && !rc; k++) {
        uint32_t t = c->order[k], u = c->unit[t], label = lw->labels[t % l->nops];
        uint32_t cls = lw->class_of[u];
        bool flies = c->lane && c->lane[t] != PL_PLAN_NO_LANE;
        double work = pl_plan_draw(lw->w, t, pl_plan_alt_of(l, t % l->nops, cls));
        double hold = flies ? pl_plan_hold(&l->classes[cls], work) : work;
        rc = pl_graph_add_task(lw->g, lw->unit_of[u], hold, label, t / l->nops, &lw->task_of[t]);
        if (!rc && flies)
            rc = pl_graph_add_task(lw->g, lw->lanes[lw->lanes_first[u] + c->lane[t]], work - hold,
                                   label, t / l->nops, &lw->done_of[t]);
        else if (!rc && lw->done_of != lw->task_of)
            lw->done_of[t] = lw->task_of[t];
    }
    return rc;
}

/* The buffers moved between units (pl_plan_compact.hops), each a task of its cost on a
 * transfer lane, "transfer 1", "transfer 2", ..., added by planned start (their edges,
 * after the end of the task that wrote the buffer and before the start of the one that
 * reads it, come with the others: add_edges). */
static int add_hops(struct lowering *lw)
{
    const pl_plan_loop *l = &lw->w->loop;
    const pl_plan_compact *c = lw->tasks;
    uint32_t *lanes = malloc(((size_t)c->hop_lanes + 1) * sizeof *lanes);
    int rc = lanes ? 0 : PL_ENOMEM;
    for (uint32_t k = 0; k < c->hop_lanes && !rc; k++) {
        char name[64];
        snprintf(name, sizeof name, "transfer %u", k + 1);
        rc = pl_graph_add_unit(lw->g, name, lw->device, &lanes[k]);
    }
    uint32_t label = 0;
    if (!rc && c->nhops > 0)
        rc = pl_graph_add_label(lw->g, "transfer", &label);
    lw->hop_base = pl_graph_task_count(lw->g);
    for (uint32_t n = 0; n < c->nhops && !rc; n++) {
        const pl_plan_hop *h = &c->hops[c->hop_order[n]];
        double cost =
            pl_plan_transfer_cost(l, &lw->plan->deps[h->dep], lw->class_of[c->unit[h->from]],
                                  lw->class_of[c->unit[h->to]]);
        uint32_t id;
        rc = pl_graph_add_task(lw->g, lanes[h->lane], cost, label, h->to / l->nops, &id);
    }
    free(lanes);
    return rc;
}

static pl_edge_kind edge_kind(uint8_t kind)
{
    return kind == PL_PLAN_DEP_DATA    ? PL_EDGE_DATA
           : kind == PL_PLAN_DEP_AFTER ? PL_EDGE_ORDER
                                       : PL_EDGE_SLOT;
}

/* The tasks that access each buffer's instance of iteration 0, writers only and with the
 * readers (pl_plan_instance_tasks): those of iteration i are the same plus i iterations,
 * for every i but the last (whose readers in the next iteration do not exist), so that
 * the reuse pairs, one or two per instance, need not ask the loop's accesses each time.
 * List j = 2 x buffer + readers is ids[first[j] .. first[j + 1]). */
struct accessors {
    uint32_t *first, *ids;
};

static int accessors_init(const pl_plan_loop *l, struct accessors *a)
{
    uint32_t n = 2 * l->nbuffers, total = 0;
    a->first = calloc((size_t)n + 1, sizeof *a->first);
    for (uint32_t j = 0; a->first && j < n; j++) {
        pl_plan_instance k = {.buffer = j / 2, .iter = 0};
        a->first[j] = total;
        total += pl_plan_instance_tasks(l, &k, j % 2, NULL, 0);
    }
    a->ids = a->first ? malloc(((size_t)total + 1) * sizeof *a->ids) : NULL;
    if (!a->ids)
        return PL_ENOMEM;
    a->first[n] = total;
    for (uint32_t j = 0; j < n; j++) {
        pl_plan_instance k = {.buffer = j / 2, .iter = 0};
        pl_plan_instance_tasks(l, &k, j % 2, a->ids + a->first[j], a->first[j + 1] - a->first[j]);
    }
    return 0;
}

/* The tasks that access instance k (its writers only unless `readers`) into *ids, of
 * *cap entries, grown when they do not fit; *n says how many. PL_ENOMEM. */
static int instance_tasks(const pl_plan_loop *l, const struct accessors *a,
                          pl_plan_instance_name name, bool readers, uint32_t **ids, uint32_t *cap,
                          uint32_t *n)
{
    const pl_plan_instance *k = &(pl_plan_instance){.buffer = name.buffer, .iter = name.iter};
    bool mid = name.iter >= 0 && (uint64_t)name.iter + 1 < l->iterations;
    uint32_t j = 2 * name.buffer + readers;
    *n = mid ? a->first[j + 1] - a->first[j] : pl_plan_instance_tasks(l, k, readers, *ids, *cap);
    if (*n > *cap) {
        uint32_t *bigger = realloc(*ids, (size_t)*n * sizeof *bigger);
        if (!bigger)
            return PL_ENOMEM;
        *ids = bigger;
        *cap = *n;
        if (!mid)
            *n = pl_plan_instance_tasks(l, k, readers, *ids, *cap);
    }
    for (uint32_t x = 0; mid && x < *n; x++)
        (*ids)[x] = a->ids[a->first[j] + x] + (uint32_t)name.iter * l->nops;
    return 0;
}

/* ---- The edges, in the order of their destinations ---- */

/* What add_edges looks up per task: every edge of the graph is added in the order of its
 * destination's id (planned order, then the moves), so that each goes straight to its
 * task's row rather than to a list that finalize sorts (pl_graph_add_edge). */
struct into {
    pl_plan_adjacency adj;         /* the plan's dependencies into each op, in order, and
                                      the ops that start and end an iteration */
    uint32_t *write_first, *write; /* the buffers op o writes, in order */
    uint32_t *reuse_first, *reuse; /* the reuse pairs (their places in the reuse list) whose
                                      later instance is k, in order */
    uint32_t *hop_first, *hop;     /* the moves into task t, by place in hop order */
    struct accessors acc;
    uint32_t *from, cap_from; /* the tasks that access a reuse pair's earlier instance */
};

static void into_fini(struct into *x)
{
    pl_plan_adjacency_fini(&x->adj);
    free(x->write_first);
    free(x->write);
    free(x->reuse_first);
    free(x->reuse);
    free(x->hop_first);
    free(x->hop);
    free(x->acc.first);
    free(x->acc.ids);
    free(x->from);
}

/* x->write_first and x->write: the buffers each op writes, from the writers of each
 * buffer's instance of iteration 0 (x->acc), which are ops. PL_ENOMEM. */
static int index_writes(const pl_plan_loop *l, struct into *x)
{
    const struct accessors *a = &x->acc;
    uint32_t n = 0, *order = NULL;
    for (uint32_t b = 0; b < l->nbuffers; b++)
        n += a->first[2 * b + 1] - a->first[2 * b];
    uint32_t *op = calloc((size_t)n + 1, sizeof *op), *buf = calloc((size_t)n + 1, sizeof *buf);
    x->write = malloc(((size_t)n + 1) * sizeof *x->write);
    int rc = op && buf && x->write ? 0 : PL_ENOMEM;
    n = 0;
    for (uint32_t b = 0; !rc && b < l->nbuffers; b++)
        for (uint32_t j = a->first[2 * b]; j < a->first[2 * b + 1]; j++, n++) {
            op[n] = a->ids[j];
            buf[n] = b;
        }
    if (!rc)
        rc = pl_plan_group(l->nops, n, op, &x->write_first, &order);
    for (uint32_t e = 0; !rc && e < n; e++)
        x->write[e] = buf[order[e]];
    free(op);
    free(buf);
    free(order);
    return rc;
}

/* Indexes what add_edges looks up into *x, which into_fini frees either way. PL_ENOMEM. */
static int into_init(struct lowering *lw, struct into *x)
{
    const pl_plan_loop *l = &lw->w->loop;
    const pl_plan_compact *c = lw->tasks;
    pl_plan_loop with = *l;
    with.deps = lw->plan->deps;
    with.ndeps = lw->plan->ndeps;
    x->cap_from = 2 * l->nops + 1; /* grown by instance_tasks where a resident buffer needs */
    x->from = malloc(x->cap_from * sizeof *x->from);
    uint32_t *key = malloc(((size_t)c->nreuse + c->nhops + 1) * sizeof *key);
    int rc = x->from && key ? accessors_init(l, &x->acc) : PL_ENOMEM;
    if (!rc)
        rc = pl_plan_adjacency_init(&with, &x->adj);
    if (!rc)
        rc = index_writes(l, x);
    for (uint32_t r = 0; !rc && r < c->nreuse; r++)
        key[r] = c->reuse[r].to;
    if (!rc)
        rc = pl_plan_group(c->first[c->nbuffers], c->nreuse, key, &x->reuse_first, &x->reuse);
    for (uint32_t n = 0; !rc && n < c->nhops; n++)
        key[n] = c->hops[c->hop_order[n]].to;
    if (!rc && c->nhops > 0)
        rc = pl_plan_group(c->ntasks, c->nhops, key, &x->hop_first, &x->hop);
    free(key);
    return rc;
}

/* Instance k of c by name, looked up where it is not one of buffer b's (the instance a
 * reuse pair frees is mostly its own buffer's). */
static inline pl_plan_instance_name instance_near(const pl_plan_compact *c, uint32_t b, uint32_t k)
{
    if (k - c->first[b] < c->first[b + 1] - c->first[b])
        return (pl_plan_instance_name){b, c->first_iter[b] + (int32_t)(k - c->first[b])};
    return pl_plan_compact_instance(c, k);
}

/* Whether the dependency k into task t goes through a move (add_hops) instead. */
static bool moved(const struct lowering *lw, const struct into *x, uint32_t t, uint32_t k)
{
    const pl_plan_compact *c = lw->tasks;
    for (uint32_t j = c->nhops ? x->hop_first[t] : 0; c->nhops && j < x->hop_first[t + 1]; j++)
        if (c->hops[c->hop_order[x->hop[j]]].dep == k)
            return true;
    return false;
}

/* The edges into planned task t (iteration i, op o), in the order each kind's own pass
 * over the loop once added them: the moves into it (by planned start); the plan's
 * dependencies (the loop's and the version limits'), data for buffers, order for `after`,
 * slot for a buffer copy that waits to be reused; with plan.window w, the last ops of
 * iteration i - w into a first op; then, where t writes an instance that takes memory
 * another held, every access to the other, pair by pair of the reuse list. */
static int edges_into(struct lowering *lw, struct into *x, uint32_t t)
{
    const pl_plan_loop *l = &lw->w->loop;
    const pl_plan_compact *c = lw->tasks;
    uint32_t o = t % l->nops, i = t / l->nops, to = lw->task_of[t], w = lw->plan->window;
    int rc = 0;
    for (uint32_t j = c->nhops ? x->hop_first[t] : 0; c->nhops && j < x->hop_first[t + 1] && !rc;
         j++)
        rc = pl_graph_add_edge(lw->g, lw->hop_base + x->hop[j], to, PL_EDGE_DATA, PL_AT_END);
    const pl_plan_adjacency *a = &x->adj;
    for (uint32_t j = a->in_first[o]; j < a->in_first[o + 1] && !rc; j++) {
        const pl_plan_dep *e = &lw->plan->deps[a->in[j]];
        if (e->distance <= i && !moved(lw, x, t, a->in[j]))
            rc = pl_graph_add_edge(lw->g, lw->done_of[(i - e->distance) * l->nops + e->src], to,
                                   edge_kind(e->kind), PL_AT_END);
    }
    for (uint32_t e = 0; w && i >= w && a->first_op[o] && e < l->nops && !rc; e++)
        if (a->last_op[e])
            rc = pl_graph_add_edge(lw->g, lw->done_of[(i - w) * l->nops + e], to, PL_EDGE_SLOT,
                                   PL_AT_END);
    for (uint32_t j = x->write_first[o]; j < x->write_first[o + 1] && !rc; j++) {
        uint32_t b = x->write[j], k = c->first[b] + (uint32_t)((int32_t)i - c->first_iter[b]);
        for (uint32_t p = x->reuse_first[k]; p < x->reuse_first[k + 1] && !rc; p++) {
            uint32_t n, r = x->reuse[p];
            rc = instance_tasks(l, &x->acc, instance_near(c, b, c->reuse[r].from), true, &x->from,
                                &x->cap_from, &n);
            for (uint32_t y = 0; y < n && !rc; y++)
                if (x->from[y] != t)
                    rc = pl_graph_add_edge(lw->g, lw->done_of[x->from[y]], to, PL_EDGE_SLOT,
                                           PL_AT_END);
        }
    }
    return rc;
}

/* Every edge of the graph by destination: each planned task's (edges_into), then its
 * flight's, which waits for its hold; last each move's, after the task that wrote its
 * buffer. */
static int add_edges(struct lowering *lw)
{
    const pl_plan_compact *c = lw->tasks;
    struct into x = {0};
    int rc = into_init(lw, &x);
    for (uint32_t k = 0; k < c->ntasks && !rc; k++) {
        uint32_t t = c->order[k];
        rc = edges_into(lw, &x, t);
        if (!rc && lw->done_of[t] != lw->task_of[t])
            rc = pl_graph_add_edge(lw->g, lw->task_of[t], lw->done_of[t], PL_EDGE_DATA, PL_AT_END);
    }
    for (uint32_t n = 0; n < c->nhops && !rc; n++)
        rc = pl_graph_add_edge(lw->g, lw->done_of[c->hops[c->hop_order[n]].from], lw->hop_base + n,
                               PL_EDGE_DATA, PL_AT_END);
    into_fini(&x);
    return rc;
}

/* Names the items, finalizes the graph into *out (NULL on failure) and frees the
 * lowering's arrays; returns rc, or the first failure of those steps. */
static int finish(struct lowering *lw, int rc, pl_graph **out)
{
    if (!rc)
        rc = pl_graph_set_items(lw->g, lw->w->loop.iterations, "iterations");
    if (!rc)
        rc = pl_graph_finalize(lw->g);
    free(lw->unit_of);
    free(lw->class_of);
    free(lw->labels);
    if (lw->done_of != lw->task_of)
        free(lw->done_of);
    free(lw->task_of);
    free(lw->lanes);
    free(lw->lanes_first);
    if (rc)
        pl_graph_destroy(lw->g);
    *out = rc ? NULL : lw->g;
    return rc;
}

int pl_plan_lower_compact(const pl_plan_workload *w, const pl_plan *plan,
                          const pl_plan_compact *tasks, pl_graph **out)
{
    const pl_plan_loop *l = &w->loop;
    struct lowering lw = {.w = w, .plan = plan, .tasks = tasks, .g = pl_graph_create("planned")};
    lw.unit_of = malloc(((size_t)pl_plan_unit_count(l) + 1) * sizeof *lw.unit_of);
    lw.labels = malloc(((size_t)l->nops + 1) * sizeof *lw.labels);
    lw.task_of = malloc(((size_t)tasks->ntasks + 1) * sizeof *lw.task_of);
    lw.class_of = pl_plan_unit_classes(l);
    int rc =
        lw.g && lw.unit_of && lw.labels && lw.task_of && lw.class_of ? add_units(&lw) : PL_ENOMEM;
    if (!rc && tasks->lane)
        rc = add_lanes(&lw);
    else
        lw.done_of = lw.task_of;
    uint32_t flights = 0;
    for (uint32_t t = 0; tasks->lane && t < tasks->ntasks; t++)
        flights += tasks->lane[t] != PL_PLAN_NO_LANE;
    if (!rc) /* the tasks' arrays sized once (the edges come in order: add_edges) */
        rc = pl_graph_reserve(lw.g, tasks->ntasks + flights + tasks->nhops, 0);
    if (!rc)
        rc = add_planned_tasks(&lw);
    if (!rc && tasks->nhops > 0)
        rc = add_hops(&lw);
    if (!rc)
        rc = add_edges(&lw);
    return finish(&lw, rc, out);
}

int pl_plan_lower_planned(const pl_plan_workload *w, pl_plan *plan, pl_graph **out)
{
    pl_plan_compact c;
    *out = NULL;
    int rc = pl_plan_compact_make(&w->loop, plan, &c);
    if (!rc)
        rc = pl_plan_lower_compact(w, plan, &c, out);
    pl_plan_compact_fini(&c);
    return rc;
}

/* The baseline: every op after the one before it in program order, iteration after
 * iteration, each on the first unit of its class. */
static int lower_serial(const pl_plan_workload *w, pl_graph **out)
{
    const pl_plan_loop *l = &w->loop;
    struct lowering lw = {.w = w, .g = pl_graph_create("serial")};
    lw.unit_of = malloc(((size_t)pl_plan_unit_count(l) + 1) * sizeof *lw.unit_of);
    lw.labels = malloc(((size_t)l->nops + 1) * sizeof *lw.labels);
    int rc = lw.g && lw.unit_of && lw.labels ? add_units(&lw) : PL_ENOMEM;
    if (!rc) /* a task and an edge to the one before per op and iteration, sized once */
        rc = pl_graph_reserve(lw.g, l->nops * l->iterations, l->nops * l->iterations);
    uint32_t prev = UINT32_MAX;
    for (uint32_t t = 0; !rc && t < l->nops * l->iterations; t++) {
        uint32_t o = t % l->nops, id;
        rc = pl_graph_add_task(lw.g, lw.unit_of[pl_plan_unit_first(l, l->ops[o].cls)],
                               pl_plan_draw(w, t, 0), lw.labels[o], t / l->nops, &id);
        if (!rc && prev != UINT32_MAX)
            rc = pl_graph_add_edge(lw.g, prev, id, PL_EDGE_ORDER, PL_AT_END);
        prev = id;
    }
    return finish(&lw, rc, out);
}

/* What the two lowerings of a scenario share (pl_lowering_graphs): the run's is the plan's
 * making, whose failure *made says, and its graph; the baseline's only reads the
 * workload. */
struct lowerings {
    pl_plan_kept *k;
    pl_diag *d; /* the making's diagnostic, set by the run's lowering only */
    int *made;  /* the making's result */
};

static int lower_graph(const void *ctx, bool baseline, pl_graph **out)
{
    const struct lowerings *ls = ctx;
    pl_plan_kept *k = ls->k;
    if (baseline)
        return lower_serial(&k->w, out);
    *ls->made = pl_plan_make_for(&k->w, &k->plan, ls->d);
    return *ls->made ? *ls->made : pl_plan_lower_planned(&k->w, &k->plan, out);
}

int pl_plan_lower_scenario(const pl_config *cfg, gsl_rng *rng, pl_lowering *out, pl_diag *d)
{
    *out = (pl_lowering){.mode = "planned", .baseline_mode = "serial"};
    pl_plan_kept *k = calloc(1, sizeof *k);
    if (!k)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    int rc = pl_plan_workload_load(cfg, rng, &k->w, d);
    if (rc) {
        free(k);
        return rc;
    }
    pl_memory_ahead(AHEAD_PER_LOOP_TASK * (size_t)k->w.loop.iterations * k->w.loop.nops);
    const pl_plan_workload *w = &k->w;
    pl_plan *plan = &k->plan;
    out->kept = k;
    out->kept_free = pl_plan_kept_free;
    out->random = w->random;
    /* The plan's making and its graph beside the baseline, which does not depend on it. */
    int made = 0;
    rc = pl_lowering_graphs(lower_graph, &(struct lowerings){k, d, &made}, true, out);
    if (made) {
        pl_lowering_fini(out);
        return made;
    }
    if (!rc)
        rc = pl_plan_figures(&w->loop, plan, &out->figures);
    if (!rc)
        out->predicted = plan->sched.makespan;
    /* Only the tables read the memory map from here on, for -o: made again then. */
    pl_plan_memmap_fini(&plan->mem);
    if (rc) {
        pl_lowering_fini(out);
        return pl_diag_set(
            d, rc, "%s", rc == PL_ENOMEM ? "out of memory" : "cannot build the plan's task graph");
    }
    return 0;
}

int pl_plan_lower_tables(pl_lowering *l, pl_diag *d)
{
    pl_plan_kept *k = l->kept;
    if (l->tables.n > 0)
        return 0;
    /* The memory map the plan had (pl_plan_lower_scenario let it go): the same schedule
     * and dependencies give the same map. */
    pl_plan_loop with = k->w.loop;
    with.deps = k->plan.deps;
    with.ndeps = k->plan.ndeps;
    int rc = k->plan.mem.inst ? 0 : pl_plan_liveness(&with, &k->plan.sched, &k->plan.mem);
    if (!rc)
        rc = pl_plan_tables(&k->w.loop, &k->plan, &l->tables);
    return rc ? pl_diag_set(d, rc, "out of memory for the plan's tables") : 0;
}
