/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * findings.c — the plan's figures, tables and the findings of `pipelab plan`.
 *
 * Every number here is read from the plan; nothing is recomputed. The figures'
 * sentences print times with pipelab's units (PL_TIME_TEXT); the tables hold values,
 * which the report layer prints.
 */
#include "models/plan/findings.h"
#include "models/plan/constraints.h"
#include "sim/common/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pl_plan_unit_name(const pl_plan_loop *l, uint32_t u, char *buf, size_t len)
{
    uint32_t c = pl_plan_unit_class(l, u);
    if (l->classes[c].units == 1)
        snprintf(buf, len, "%s", l->classes[c].name);
    else
        snprintf(buf, len, "%s%u", l->classes[c].name, u - pl_plan_unit_first(l, c));
    return buf;
}

/* part as a percentage of whole; rounding below 1e-9 of whole counts as nothing, so that
 * a plan at its bound does not print a gap of -0.0 %. */
static double pct(double part, double whole)
{
    return whole > 0 && fabs(part) > 1e-9 * whole ? 100.0 * part / whole : 0;
}

/* ---- Figures -------------------------------------------------------------------------- */

/* The II of a loop too short to reach a steady state: its time per iteration over the
 * whole loop, and why it has no steady state. */
static int unsteady_figure(const pl_plan_loop *l, const pl_plan *p, pl_figures *f)
{
    const pl_plan_steady *st = &p->steady;
    char why[256];
    if (st->first < st->last)
        snprintf(why, sizeof why,
                 "iterations %u to %u complete at a slope of %s per iteration, below the MII %s",
                 st->first, st->last, PL_TIME_TEXT(st->slope), PL_TIME_TEXT(p->bounds.mii));
    else
        snprintf(why, sizeof why, "it has one iteration; MII %s", PL_TIME_TEXT(p->bounds.mii));
    return pl_figures_add(f, "II", st->ii, "s",
                          "%s per iteration over the whole loop (%s from its first start to its "
                          "last end, %u iteration%s); the loop is too short to reach a steady "
                          "state: %s",
                          PL_TIME_TEXT(st->ii), PL_TIME_TEXT(st->span), l->iterations,
                          l->iterations == 1 ? "" : "s", why);
}

static int ii_figures(const pl_plan_loop *l, const pl_plan *p, pl_figures *f)
{
    const pl_plan_steady *st = &p->steady;
    const pl_plan_bounds *b = &p->bounds;
    char cycle[512] = "";
    size_t at = 0;
    for (uint32_t i = 0; i <= b->ncycle && b->ncycle && at < sizeof cycle; i++)
        at += (size_t)snprintf(cycle + at, sizeof cycle - at, "%s%s", i ? " -> " : "",
                               l->ops[b->cycle[i % b->ncycle]].name);
    int rc = st->periodic ? pl_figures_add(f, "II", st->ii, "s",
                                           "%s: iterations %u to %u repeat every %u iteration%s; "
                                           "MII %s, gap %.1f %%",
                                           PL_TIME_TEXT(st->ii), st->first, st->last, st->period,
                                           st->period == 1 ? "" : "s", PL_TIME_TEXT(b->mii),
                                           pct(st->ii - b->mii, b->mii))
             : st->steady ? pl_figures_add(f, "II", st->ii, "s",
                                           "%s per iteration: iterations %u to %u complete at "
                                           "that rate (the least-squares slope of their "
                                           "completions; the schedule never repeats exactly); "
                                           "MII %s, gap %.1f %%",
                                           PL_TIME_TEXT(st->ii), st->first, st->last,
                                           PL_TIME_TEXT(b->mii), pct(st->ii - b->mii, b->mii))
                          : unsteady_figure(l, p, f);
    const pl_plan_class *c = &l->classes[b->res_class];
    char pipe[96] = "", res[320];
    if (c->interval > 0 && !pl_plan_classes_several(b->res_set))
        snprintf(pipe, sizeof pipe, " (pipelined: each op holds a unit for at most %s)",
                 PL_TIME_TEXT(c->interval));
    if (!rc)
        rc = pl_figures_add(f, "ResMII", b->res_mii, "s", "%s: %s%s", PL_TIME_TEXT(b->res_mii),
                            pl_plan_res_mii_text(l, b, res, sizeof res), pipe);
    if (!rc && b->ncycle)
        rc = pl_figures_add(f, "RecMII", b->rec_mii, "s",
                            "%s: the recurrence %s takes %s over %u iteration%s",
                            PL_TIME_TEXT(b->rec_mii), cycle, PL_TIME_TEXT(b->cycle_latency),
                            b->cycle_distance, b->cycle_distance == 1 ? "" : "s");
    else if (!rc)
        rc = pl_figures_add(f, "RecMII", 0, "s", "0: no dependence cycle crosses iterations");
    return rc;
}

static int makespan_figures(const pl_plan_loop *l, const pl_plan *p, pl_figures *f)
{
    const pl_plan_bounds *b = &p->bounds;
    const pl_plan_steady *st = &p->steady;
    double m = p->sched.makespan;
    char set[256];
    int rc =
        pl_figures_add(f, "planned makespan", m, "s",
                       "%s; bound %s = max(critical path %s, %s's work %s with its "
                       "lead-in and tail); gap %.2f %%",
                       PL_TIME_TEXT(m), PL_TIME_TEXT(b->makespan), PL_TIME_TEXT(b->critical_path),
                       pl_plan_classes_name(l, b->resource_set, b->resource_class, set, sizeof set),
                       PL_TIME_TEXT(b->resource), pct(m - b->makespan, b->makespan));
    if (!rc && st->periodic)
        rc = pl_figures_add(f, "loop phases", st->end - st->start, "s",
                            "prologue %s until iteration %u starts, steady %s until iteration %u "
                            "starts, epilogue %s: by iteration starts (a run's phases line "
                            "counts from the pipeline being full instead)",
                            PL_TIME_TEXT(st->start), st->first, PL_TIME_TEXT(st->end - st->start),
                            st->last, PL_TIME_TEXT(m - st->end));
    return rc;
}

/* What plan.max_iteration and plan.target_ii asked, and what the plan gives (constraints.h):
 * a plan that did not meet them was refused before. */
static int constraint_figures(const pl_plan_loop *l, const pl_plan *p, pl_figures *f)
{
    int rc = 0;
    if (l->max_iteration > 0) {
        uint32_t which;
        double longest = pl_plan_longest_iteration(l, &p->sched, &which);
        rc = pl_figures_add(f, "longest iteration", longest, "s",
                            "%s (iteration %u), within plan.max_iteration's %s",
                            PL_TIME_TEXT(longest), which, PL_TIME_TEXT(l->max_iteration));
    }
    if (!rc && l->target_ii > 0)
        rc = pl_figures_add(f, "target II", l->target_ii, "s", "%s, met: the plan runs at %s",
                            PL_TIME_TEXT(l->target_ii), PL_TIME_TEXT(p->steady.ii));
    return rc;
}

static int search_figure(const pl_plan *p, pl_figures *f)
{
    char window[96] = "";
    if (p->window)
        snprintf(window, sizeof window, "; plan.window holds %u iteration%s in flight", p->window,
                 p->window == 1 ? "" : "s");
    /* A schedule at the makespan bound ends the search (sched.h, pl_plan_options.bound). */
    bool at_bound = pl_plan_at_bound(p->sched.makespan, p->bounds.makespan, p->sched.ntasks);
    return pl_figures_add(f, "search", p->schedules, "",
                          "rule '%s', the best of %u schedules tried%s; with no memory limit the "
                          "plan takes %s using %s of buffers%s",
                          p->sched.rule, p->schedules,
                          at_bound ? " (it reaches the bound, where the search stops)" : "",
                          PL_TIME_TEXT(p->free_makespan), PL_SIZE_TEXT(p->free_footprint), window);
}

static int memory_figures(const pl_plan_loop *l, const pl_plan *p, pl_figures *f)
{
    const pl_plan_memmap *m = &p->mem;
    char limit[96] = "no memory limit";
    if (isfinite(l->memory))
        snprintf(limit, sizeof limit, "memory %s", PL_SIZE_TEXT(l->memory));
    /* The placement used, and the other one's footprint where it was tried. */
    char placed[128];
    double other = m->largest_first ? m->footprint_first_use : m->footprint_largest_first;
    if (isfinite(other))
        snprintf(placed, sizeof placed, "placed %s (%s: %s)",
                 m->largest_first ? "largest first" : "in order of first use",
                 m->largest_first ? "in order of first use" : "largest first", PL_SIZE_TEXT(other));
    else
        snprintf(placed, sizeof placed, "placed %s",
                 m->largest_first ? "largest first" : "in order of first use");
    int rc = pl_figures_add(f, "memory", m->footprint, "B",
                            "buffers take %s with reuse, %s (max live %s; %s with no reuse); %s",
                            PL_SIZE_TEXT(m->footprint), placed, PL_SIZE_TEXT(m->max_live),
                            PL_SIZE_TEXT(m->no_reuse), limit);
    for (uint32_t b = 0; b < l->nbuffers && !rc; b++) {
        char name[160];
        uint32_t v = m->versions[b];
        snprintf(name, sizeof name, "buffer %s", l->buffers[b].name);
        char allowed[64] = "";
        if (p->limits && p->limits[b] > v)
            snprintf(allowed, sizeof allowed, " (%u allowed)", p->limits[b]);
        rc = pl_figures_add(
            f, name, v, "", "%u version%s%s of %s%s", v, v == 1 ? "" : "s",
            v == 1   ? (pl_plan_buffer_resident(l, b) ? " (resident)" : " (reused in place)")
            : v == 2 ? " (ping-pong)"
                     : "",
            PL_SIZE_TEXT(l->buffers[b].size), allowed);
    }
    return rc;
}

/* A task of the steady body and when it starts in it. */
struct in_body {
    double at;
    uint32_t task;
};

static int by_time(const void *a, const void *b)
{
    const struct in_body *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->task < y->task ? -1 : x->task > y->task;
}

/* The repetition of the steady body in the middle of the steady state, so that the
 * earlier iterations whose ops it holds exist too. */
static uint32_t body_iteration(const pl_plan_steady *st)
{
    return st->first + st->period * ((st->last - st->first) / (2 * st->period));
}

/* The tasks that start within one repetition of the steady body, by start. */
static uint32_t body_tasks(const pl_plan_loop *l, const pl_plan *p, struct in_body *v)
{
    const pl_plan_steady *st = &p->steady;
    double len = st->ii * st->period, tol = 1e-9 * p->sched.makespan;
    double from = pl_plan_iteration_start(l, &p->sched, body_iteration(st));
    uint32_t n = 0;
    for (uint32_t t = 0; t < p->sched.ntasks; t++) {
        double at = p->sched.tasks[t].start - from;
        if (at >= -tol && at < len - tol)
            v[n++] = (struct in_body){fmax(at, 0), t};
    }
    qsort(v, n, sizeof *v, by_time);
    return n;
}

static int body_figure(const pl_plan_loop *l, const pl_plan *p, pl_figures *f)
{
    const pl_plan_steady *st = &p->steady;
    if (!st->periodic)
        return 0;
    struct in_body *v = malloc(((size_t)p->sched.ntasks + 1) * sizeof *v);
    char *text = NULL;
    size_t len = 0;
    FILE *t = v ? open_memstream(&text, &len) : NULL;
    if (!t) {
        free(v);
        return PL_ENOMEM;
    }
    uint32_t n = body_tasks(l, p, v), mid = body_iteration(st);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t task = v[k].task;
        char unit[160];
        long long back = (long long)(task / l->nops) - mid;
        fprintf(t, "%s+%s %s[i%+lld] on %s", k ? ", " : "", PL_TIME_TEXT(v[k].at),
                l->ops[task % l->nops].name, back,
                pl_plan_unit_name(l, p->sched.tasks[task].unit, unit, sizeof unit));
    }
    int failed = ferror(t);
    int rc = fclose(t) != 0 || failed
                 ? PL_ENOMEM
                 : pl_figures_add(f, "body", st->ii * st->period, "s",
                                  "one repetition, i = iteration %u: %s", mid, text);
    free(text);
    free(v);
    return rc;
}

int pl_plan_figures(const pl_plan_loop *l, const pl_plan *p, pl_figures *out)
{
    int rc = pl_figures_title(out, "plan analysis");
    if (!rc)
        rc = ii_figures(l, p, out);
    if (!rc)
        rc = makespan_figures(l, p, out);
    if (!rc)
        rc = constraint_figures(l, p, out);
    if (!rc)
        rc = search_figure(p, out);
    if (!rc && l->nbuffers)
        rc = memory_figures(l, p, out);
    if (!rc)
        rc = body_figure(l, p, out);
    return rc;
}

/* ---- Tables ---------------------------------------------------------------------------- */

/* The schedule: text as `pipelab plan` prints it, keys as schedule.csv and JSON name them. */
static const pl_column schedule_cols[] = {
    {"op", "op", PL_VALUE_TEXT, 16, true, 2},
    {"iteration", "iteration", PL_VALUE_INT, 9, false, 1},
    {"unit", "unit", PL_VALUE_TEXT, 10, true, 2},
    {"start_s", "start", PL_VALUE_TIME, 12, false, 1},
    {"end_s", "end", PL_VALUE_TIME, 12, false, 1},
};

/* The buffer map; its size column is not printed in text. */
static const pl_column buffer_cols[] = {
    {"buffer", "buffer", PL_VALUE_TEXT, 12, true, 2},
    {"iteration", "iteration", PL_VALUE_INT, 9, false, 1},
    {"version", "version", PL_VALUE_INT, 8, false, 1},
    {"offset_B", "offset", PL_VALUE_SIZE, 12, false, 1},
    {"size_B", NULL, PL_VALUE_SIZE, 0, false, 0},
    {"start_s", "from", PL_VALUE_TIME, 12, false, 1},
    {"end_s", "to", PL_VALUE_TIME, 12, false, 1},
};

#define NCOLS(cols) (sizeof cols / sizeof cols[0])

static int schedule_table(const pl_plan_loop *l, const pl_plan *p, pl_tables *out)
{
    pl_rows *r;
    int rc = pl_tables_add(out, "schedule", "schedule", schedule_cols, NCOLS(schedule_cols), &r);
    for (uint32_t k = 0; !rc && k < p->sched.ntasks; k++) {
        const pl_plan_slot *s = &p->sched.tasks[k];
        char unit[160];
        pl_rows_text(r, "%s", l->ops[k % l->nops].name);
        pl_rows_int(r, k / l->nops);
        pl_rows_text(r, "%s", pl_plan_unit_name(l, s->unit, unit, sizeof unit));
        pl_rows_real(r, s->start);
        pl_rows_real(r, s->end);
    }
    return rc;
}

static int buffer_table(const pl_plan_loop *l, const pl_plan *p, pl_tables *out)
{
    pl_rows *r;
    int rc = pl_tables_add(out, "buffers", "buffer map", buffer_cols, NCOLS(buffer_cols), &r);
    for (uint32_t k = 0; !rc && k < p->mem.ninst; k++) {
        const pl_plan_instance *x = &p->mem.inst[k];
        pl_rows_text(r, "%s", l->buffers[x->buffer].name);
        pl_rows_int(r, x->iter);
        pl_rows_int(r, x->version);
        pl_rows_real(r, x->offset);
        pl_rows_real(r, l->buffers[x->buffer].size);
        pl_rows_real(r, x->start);
        pl_rows_real(r, x->end);
    }
    return rc;
}

int pl_plan_tables(const pl_plan_loop *l, const pl_plan *p, pl_tables *out)
{
    int rc = schedule_table(l, p, out);
    if (!rc && l->nbuffers)
        rc = buffer_table(l, p, out);
    return rc ? rc : pl_tables_status(out);
}

/* ---- pipelab plan ------------------------------------------------------------------------ */

int pl_plan_findings(const pl_plan_loop *l, const pl_plan *p, pl_findings *out)
{
    const pl_plan_bounds *b = &p->bounds;
    out->label_width = 18;
    int rc = pl_plan_figures(l, p, &out->figures);
    pl_findings_real(out, "ii_s", p->steady.ii);
    pl_findings_bool(out, "steady", p->steady.steady);
    pl_findings_bool(out, "periodic", p->steady.periodic);
    pl_findings_int(out, "period", p->steady.period);
    pl_findings_real(out, "makespan_s", p->sched.makespan);
    pl_findings_int(out, "schedules", p->schedules);
    pl_findings_text(out, "rule", p->sched.rule);
    pl_findings_real(out, "bounds.res_mii_s", b->res_mii);
    pl_findings_real(out, "bounds.rec_mii_s", b->rec_mii);
    pl_findings_real(out, "bounds.mii_s", b->mii);
    pl_findings_real(out, "bounds.critical_path_s", b->critical_path);
    pl_findings_real(out, "bounds.makespan_s", b->makespan);
    pl_findings_real(out, "memory.footprint_B", p->mem.footprint);
    pl_findings_real(out, "memory.max_live_B", p->mem.max_live);
    pl_findings_real(out, "memory.no_reuse_B", p->mem.no_reuse);
    pl_findings_text(out, "memory.placement", p->mem.largest_first ? "largest_first" : "first_use");
    pl_findings_real(out, "memory.footprint_first_use_B", p->mem.footprint_first_use);
    pl_findings_real(out, "memory.footprint_largest_first_B", p->mem.footprint_largest_first);
    if (!rc)
        rc = schedule_table(l, p, &out->tables);
    if (!rc)
        rc = buffer_table(l, p, &out->tables);
    return rc ? rc : pl_findings_status(out);
}
