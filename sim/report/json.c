/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * json.c — the report as one JSON document, built with jansson.
 *
 * Invariant: keys appear in the order documented in docs/reports.md (jansson keeps
 * insertion order, and nothing is sorted), every cause of PL_EDGE_KINDS appears in
 * every unit whether or not it is zero, and a quantity that is not a finite number
 * (a speedup over an empty run) is null rather than an invalid JSON number.
 */
#include "sim/report/report.h"

#include "sim/report/parts.h"
#include "sim/report/replay.h"
#include "sim/report/verdicts.h"

#include <stdlib.h>

#ifndef PL_VERSION
#define PL_VERSION "dev"
#endif


/* A bound's value and its binding term. */
static json_t *term_object(const pl_run *run, const pl_bound *b)
{
    json_t *o = json_object();
    o = pl_report_json_with(o, "makespan_s", pl_report_json_real(b->makespan));
    /* The configured bound's chain runs through every edge: not the critical path. */
    const char *kind = b == run->configured && b->kind == PL_BOUND_CRITICAL_PATH
                           ? "longest chain"
                           : pl_bound_kind_name(b->kind);
    o = pl_report_json_with(o, "kind", json_string(kind));
    o = pl_report_json_with(o, "binds", pl_report_json_text(pl_report_binds(run->graph, b)));
    o = pl_report_json_with(o, "head_s", pl_report_json_real(b->head));
    o = pl_report_json_with(o, "work_s", pl_report_json_real(b->work));
    return pl_report_json_with(o, "tail_s", pl_report_json_real(b->tail));
}

/* The resource bound, with the configured bound inside it. */
static json_t *bound_object(const pl_run *run)
{
    json_t *o = term_object(run, run->bound);
    o = pl_report_json_with(o, "critical_path_s", pl_report_json_real(run->bound->critical_path));
    o = pl_report_json_with(o, "efficiency", pl_report_json_real(pl_report_efficiency(run)));
    json_t *c = term_object(run, run->configured);
    c = pl_report_json_with(c, "efficiency",
                            pl_report_json_real(pl_report_configured_efficiency(run)));
    return pl_report_json_with(o, "configured", c);
}

static json_t *chain_array(const pl_run *run)
{
    pl_share *shares;
    int n = pl_report_chain_shares(run, &shares);
    if (n < 0)
        return NULL;
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = json_object();
        o = pl_report_json_with(o, "unit",
                                json_string(pl_graph_unit_name(run->graph, shares[i].unit)));
        o = pl_report_json_with(o, "time_s", pl_report_json_real(shares[i].time));
        o = pl_report_json_with(o, "share", pl_report_json_real(shares[i].share));
        a = pl_report_json_append(a, o);
    }
    free(shares);
    return a;
}

static json_t *causes_object(const pl_unit_metrics *um)
{
    json_t *o = json_object();
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        o = pl_report_json_with(o, pl_edge_cause_name((pl_edge_kind)k),
                                pl_report_json_real(um->cause[k]));
    return o;
}

static json_t *unit_object(const pl_run *run, uint32_t u)
{
    const pl_unit_metrics *um = &run->m->units[u];
    const pl_graph *g = run->graph;
    json_t *o = json_object();
    o = pl_report_json_with(o, "name", json_string(pl_graph_unit_name(g, u)));
    o = pl_report_json_with(o, "place",
                            json_string(pl_graph_place_name(g, pl_graph_unit_place(g, u))));
    o = pl_report_json_with(o, "tasks", pl_report_json_unsigned(um->tasks));
    o = pl_report_json_with(o, "busy_s", pl_report_json_real(um->busy));
    o = pl_report_json_with(o, "work_s", pl_report_json_real(um->work));
    o = pl_report_json_with(o, "contention_s", pl_report_json_real(um->contention));
    o = pl_report_json_with(o, "utilization", pl_report_json_real(um->utilization));
    o = pl_report_json_with(o, "fill_s", pl_report_json_real(um->fill));
    o = pl_report_json_with(o, "bubble_s", pl_report_json_real(um->bubble));
    o = pl_report_json_with(o, "drain_s", pl_report_json_real(um->drain));
    o = pl_report_json_with(o, "bubbles", pl_report_json_unsigned(um->bubbles));
    o = pl_report_json_with(o, "largest_bubble_s", pl_report_json_real(um->largest_bubble));
    o = pl_report_json_with(o, "binding_s", pl_report_json_real(um->binding));
    o = pl_report_json_with(o, "causes", causes_object(um));
    return o;
}

static json_t *units_array(const pl_run *run)
{
    json_t *a = json_array();
    for (uint32_t u = 0; u < run->m->nunits; u++)
        a = pl_report_json_append(a, unit_object(run, u));
    return a;
}

static json_t *phases_object(const pl_run *run)
{
    const pl_phases *ph = &run->m->phases;
    json_t *o = json_object();
    o = pl_report_json_with(o, "warmup_s", pl_report_json_real(ph->warmup));
    o = pl_report_json_with(o, "steady_s", pl_report_json_real(ph->steady));
    o = pl_report_json_with(o, "drain_s", pl_report_json_real(ph->drain));
    o = pl_report_json_with(o, "steady_items", pl_report_json_unsigned(ph->steady_items));
    o = pl_report_json_with(o, "steady_period_s", pl_report_json_real(ph->period));
    return o;
}

static json_t *places_array(const pl_run *run)
{
    json_t *a = json_array();
    for (uint32_t p = 0; p < run->m->nplaces; p++) {
        const pl_place_metrics *pm = &run->m->places[p];
        json_t *o = json_object();
        o = pl_report_json_with(o, "name", json_string(pl_graph_place_name(run->graph, p)));
        o = pl_report_json_with(o, "units", json_integer(pm->units));
        o = pl_report_json_with(o, "active_s", pl_report_json_real(pm->active));
        o = pl_report_json_with(o, "overlap_s", pl_report_json_real(pm->overlap));
        o = pl_report_json_with(o, "idle_s", pl_report_json_real(pm->idle));
        a = pl_report_json_append(a, o);
    }
    return a;
}

/* The model's figures, or null when it worked out none. */
static json_t *figures_object(const pl_figures *f)
{
    if (!f || f->n == 0)
        return json_null();
    json_t *items = json_array();
    for (size_t i = 0; i < f->n; i++) {
        json_t *o = json_object();
        o = pl_report_json_with(o, "name", pl_report_json_text(f->v[i].name));
        o = pl_report_json_with(o, "value", pl_report_json_real(f->v[i].value));
        o = pl_report_json_with(o, "unit", pl_report_json_text(f->v[i].unit));
        o = pl_report_json_with(o, "text", pl_report_json_text(f->v[i].text));
        items = pl_report_json_append(items, o);
    }
    json_t *o = json_object();
    o = pl_report_json_with(o, "title", pl_report_json_text(f->title));
    return pl_report_json_with(o, "items", items);
}

/* Which engine computed the run's timeline, and why. */
static json_t *engine_object(const pl_run *run)
{
    json_t *o = json_object();
    o = pl_report_json_with(o, "name", json_string(pl_engine_name(run->tl->engine)));
    return pl_report_json_with(o, "why", pl_report_json_text(run->tl->engine_why));
}

static json_t *baseline_object(const pl_report *r)
{
    const pl_run *b = &r->baseline;
    json_t *o = json_object();
    o = pl_report_json_with(o, "mode", pl_report_json_text(r->baseline_mode));
    o = pl_report_json_with(o, "makespan_s", pl_report_json_real(b->m->makespan));
    o = pl_report_json_with(o, "throughput_per_s", pl_report_json_real(b->m->throughput));
    o = pl_report_json_with(o, "bound", bound_object(b));
    o = pl_report_json_with(o, "phases", phases_object(b));
    o = pl_report_json_with(o, "latency", pl_report_latency_json(b));
    o = pl_report_json_with(o, "places", places_array(b));
    o = pl_report_json_with(o, "units", units_array(b));
    o = pl_report_json_with(o, "binding_chain", chain_array(b));
    o = pl_report_json_with(o, "engine", engine_object(b));
    return o;
}

static json_t *document(const pl_report *r)
{
    const pl_run *run = &r->run;
    json_t *o = json_object();
    o = pl_report_json_with(o, "pipelab", json_string(PL_VERSION));
    o = pl_report_json_with(o, "scenario", pl_report_json_text(r->scenario));
    o = pl_report_json_with(o, "name", pl_report_json_text(r->name));
    o = pl_report_json_with(o, "model", pl_report_json_text(r->model));
    o = pl_report_json_with(o, "mode", pl_report_json_text(r->mode));
    o = pl_report_json_with(o, "seed", pl_report_json_unsigned(r->seed));
    o = pl_report_json_with(o, "random", json_boolean(r->random));
    o = pl_report_json_with(o, "items", pl_report_json_unsigned(pl_graph_items(run->graph)));
    o = pl_report_json_with(o, "item_noun", json_string(pl_graph_item_noun(run->graph)));
    o = pl_report_json_with(o, "makespan_s", pl_report_json_real(run->m->makespan));
    o = pl_report_json_with(o, "predicted_makespan_s",
                            r->predicted > 0 ? pl_report_json_real(r->predicted) : json_null());
    o = pl_report_json_with(o, "throughput_per_s", pl_report_json_real(run->m->throughput));
    o = pl_report_json_with(o, "speedup", pl_report_json_real(r->speedup));
    o = pl_report_json_with(o, "bound", bound_object(run));
    o = pl_report_json_with(o, "phases", phases_object(run));
    o = pl_report_json_with(o, "latency", pl_report_latency_json(run));
    o = pl_report_json_with(o, "stages", pl_report_stages_json(run));
    o = pl_report_json_with(o, "binding_chain", chain_array(run));
    o = pl_report_json_with(o, "places", places_array(run));
    o = pl_report_json_with(o, "units", units_array(run));
    o = pl_report_json_with(o, "analysis", figures_object(r->figures));
    o = pl_report_json_with(o, "replay", pl_report_replay_json(r));
    o = pl_report_json_with(o, "verdict", pl_report_verdict_json(r->verdict));
    o = pl_report_json_with(o, "engine", engine_object(run));
    o = pl_report_json_with(o, "baseline", baseline_object(r));
    return o;
}

int pl_report_json(const pl_report *r, FILE *out, pl_diag *d)
{
    json_t *doc = document(r);
    if (!doc)
        return pl_diag_set(d, PL_ENOMEM,
                           "cannot build the JSON report: out of memory, or a name that is "
                           "not UTF-8");
    int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(doc);
    fputc('\n', out);
    if (rc != 0 && !ferror(out))
        return pl_diag_set(d, PL_EIO, "cannot write the JSON report");
    return pl_report_flush(out, d, "JSON report");
}
