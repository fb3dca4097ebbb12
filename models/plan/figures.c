/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figures.c — the plan's figures, tables and printed form.
 *
 * Every number here is read from the plan; nothing is recomputed. Times print
 * with pipelab's units (PL_TIME_TEXT), the CSV tables in seconds and bytes with
 * enough digits to give the doubles back.
 */
#include "models/plan/figures.h"
#include "sim/common/units.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *pl_plan_unit_name(const pl_plan_loop *l, uint32_t u, char *buf, size_t len)
{
    uint32_t c = 0;
    while (c + 1 < l->nclasses && pl_plan_unit_first(l, c + 1) <= u)
        c++;
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

/* A growing string. */
struct text {
    char *s;
    size_t n, cap;
    bool failed;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
    for (int pass = 0; pass < 2 && !t->failed; pass++) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->n : NULL, t->s ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = true;
        } else if (t->s && (size_t)n < t->cap - t->n) {
            t->n += (size_t)n;
            return;
        } else {
            size_t cap = (t->cap + (size_t)n + 1) * 2;
            char *s = realloc(t->s, cap);
            t->failed = !s;
            t->s = s ? s : t->s;
            t->cap = s ? cap : t->cap;
        }
    }
}

/* ---- Figures -------------------------------------------------------------------------- */

static int ii_figures(const pl_plan_loop *l, const pl_plan *p, pl_figures *f)
{
    const pl_plan_steady *st = &p->steady;
    const pl_plan_bounds *b = &p->bounds;
    char cycle[512] = "";
    size_t at = 0;
    for (uint32_t i = 0; i <= b->ncycle && b->ncycle && at < sizeof cycle; i++)
        at += (size_t)snprintf(cycle + at, sizeof cycle - at, "%s%s", i ? " -> " : "",
                               l->ops[b->cycle[i % b->ncycle]].name);
    int rc =
        st->periodic
            ? pl_figures_add(f, "II", st->ii, "s",
                             "%s: iterations %u to %u repeat every %u iteration%s; MII %s, gap "
                             "%.1f %%",
                             PL_TIME_TEXT(st->ii), st->first, st->last, st->period,
                             st->period == 1 ? "" : "s", PL_TIME_TEXT(b->mii),
                             pct(st->ii - b->mii, b->mii))
            : pl_figures_add(f, "II", st->ii, "s",
                             "%s on average (the schedule never repeats exactly); MII %s",
                             PL_TIME_TEXT(st->ii), PL_TIME_TEXT(b->mii));
    const pl_plan_class *c = &l->classes[b->res_class];
    if (!rc)
        rc = pl_figures_add(f, "ResMII", b->res_mii, "s",
                            "%s: class %s has %s of work per iteration on %u unit%s",
                            PL_TIME_TEXT(b->res_mii), c->name, PL_TIME_TEXT(b->res_mii * c->units),
                            c->units, c->units == 1 ? "" : "s");
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
    int rc = pl_figures_add(f, "planned makespan", m, "s",
                            "%s; bound %s = max(critical path %s, class %s's work %s with its "
                            "lead-in and tail); gap %.2f %%",
                            PL_TIME_TEXT(m), PL_TIME_TEXT(b->makespan),
                            PL_TIME_TEXT(b->critical_path), l->classes[b->resource_class].name,
                            PL_TIME_TEXT(b->resource), pct(m - b->makespan, b->makespan));
    if (!rc && st->periodic)
        rc = pl_figures_add(f, "phases", st->end - st->start, "s",
                            "prologue %s (until iteration %u starts), steady %s, epilogue %s",
                            PL_TIME_TEXT(st->start), st->first, PL_TIME_TEXT(st->end - st->start),
                            PL_TIME_TEXT(m - st->end));
    return rc;
}

static int search_figure(const pl_plan *p, pl_figures *f)
{
    char window[96] = "";
    if (p->window)
        snprintf(window, sizeof window, "; plan.window holds %u iteration%s in flight", p->window,
                 p->window == 1 ? "" : "s");
    return pl_figures_add(f, "search", p->schedules, "",
                          "rule '%s', the best of %u schedules tried; with no memory limit the "
                          "plan takes %s using %s of buffers%s",
                          p->sched.rule, p->schedules, PL_TIME_TEXT(p->free_makespan),
                          PL_SIZE_TEXT(p->free_footprint), window);
}

static int memory_figures(const pl_plan_loop *l, const pl_plan *p, pl_figures *f)
{
    const pl_plan_memmap *m = &p->mem;
    char limit[96] = "no memory limit";
    if (isfinite(l->memory))
        snprintf(limit, sizeof limit, "memory %s", PL_SIZE_TEXT(l->memory));
    int rc = pl_figures_add(f, "memory", m->footprint, "B",
                            "buffers take %s with reuse (max live %s; %s with no reuse); %s",
                            PL_SIZE_TEXT(m->footprint), PL_SIZE_TEXT(m->max_live),
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
    struct text t = {0};
    if (!v)
        return PL_ENOMEM;
    uint32_t n = body_tasks(l, p, v), mid = body_iteration(st);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t task = v[k].task;
        char unit[160];
        long long back = (long long)(task / l->nops) - mid;
        add(&t, "%s+%s %s[i%+lld] on %s", k ? ", " : "", PL_TIME_TEXT(v[k].at),
            l->ops[task % l->nops].name, back,
            pl_plan_unit_name(l, p->sched.tasks[task].unit, unit, sizeof unit));
    }
    int rc = t.failed ? PL_ENOMEM
                      : pl_figures_add(f, "body", st->ii * st->period, "s",
                                       "one repetition, i = iteration %u: %s", mid, t.s ? t.s : "");
    free(t.s);
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
        rc = search_figure(p, out);
    if (!rc && l->nbuffers)
        rc = memory_figures(l, p, out);
    if (!rc)
        rc = body_figure(l, p, out);
    return rc;
}

/* ---- Tables ---------------------------------------------------------------------------- */

static char *schedule_csv(const pl_plan_loop *l, const pl_plan *p)
{
    struct text t = {0};
    add(&t, "op,iteration,unit,start_s,end_s\n");
    for (uint32_t k = 0; k < p->sched.ntasks; k++) {
        const pl_plan_slot *s = &p->sched.tasks[k];
        char unit[160];
        add(&t, "%s,%u,%s,%.12g,%.12g\n", l->ops[k % l->nops].name, k / l->nops,
            pl_plan_unit_name(l, s->unit, unit, sizeof unit), s->start, s->end);
    }
    if (t.failed)
        free(t.s);
    return t.failed ? NULL : t.s;
}

static char *buffers_csv(const pl_plan_loop *l, const pl_plan *p)
{
    struct text t = {0};
    add(&t, "buffer,iteration,version,offset_B,size_B,start_s,end_s\n");
    for (uint32_t k = 0; k < p->mem.ninst; k++) {
        const pl_plan_instance *x = &p->mem.inst[k];
        add(&t, "%s,%d,%u,%.12g,%.12g,%.12g,%.12g\n", l->buffers[x->buffer].name, x->iter,
            x->version, x->offset, l->buffers[x->buffer].size, x->start, x->end);
    }
    if (t.failed)
        free(t.s);
    return t.failed ? NULL : t.s;
}

int pl_plan_attach(const pl_plan_loop *l, const pl_plan *p, pl_attachments *out)
{
    char *s = schedule_csv(l, p);
    int rc = s ? pl_attachments_add(out, "schedule.csv", s) : PL_ENOMEM;
    if (!rc && l->nbuffers) {
        char *b = buffers_csv(l, p);
        rc = b ? pl_attachments_add(out, "buffers.csv", b) : PL_ENOMEM;
    }
    return rc;
}

/* ---- pipelab plan ------------------------------------------------------------------------ */

static int print_text(const pl_plan_loop *l, const pl_plan *p, FILE *out)
{
    pl_figures f = {0};
    int rc = pl_plan_figures(l, p, &f);
    for (size_t i = 0; !rc && i < f.n; i++)
        fprintf(out, "%-18s %s\n", f.v[i].name, f.v[i].text);
    pl_figures_fini(&f);
    fputs("\nschedule:\n", out);
    fprintf(out, "  %-16s %9s  %-10s %12s %12s\n", "op", "iteration", "unit", "start", "end");
    for (uint32_t k = 0; !rc && k < p->sched.ntasks; k++) {
        const pl_plan_slot *s = &p->sched.tasks[k];
        char unit[160];
        fprintf(out, "  %-16s %9u  %-10s %12s %12s\n", l->ops[k % l->nops].name, k / l->nops,
                pl_plan_unit_name(l, s->unit, unit, sizeof unit), PL_TIME_TEXT(s->start),
                PL_TIME_TEXT(s->end));
    }
    if (!rc && p->mem.ninst) {
        fputs("\nbuffer map:\n", out);
        fprintf(out, "  %-12s %9s %8s %12s %12s %12s\n", "buffer", "iteration", "version", "offset",
                "from", "to");
        for (uint32_t k = 0; k < p->mem.ninst; k++) {
            const pl_plan_instance *x = &p->mem.inst[k];
            fprintf(out, "  %-12s %9d %8u %12s %12s %12s\n", l->buffers[x->buffer].name, x->iter,
                    x->version, PL_SIZE_TEXT(x->offset), PL_TIME_TEXT(x->start),
                    PL_TIME_TEXT(x->end));
        }
    }
    return rc;
}

static json_t *schedule_json(const pl_plan_loop *l, const pl_plan *p)
{
    json_t *a = json_array();
    for (uint32_t k = 0; a && k < p->sched.ntasks; k++) {
        const pl_plan_slot *s = &p->sched.tasks[k];
        char unit[160];
        json_array_append_new(a,
                              json_pack("{s:s, s:I, s:s, s:f, s:f}", "op", l->ops[k % l->nops].name,
                                        "iteration", (json_int_t)(k / l->nops), "unit",
                                        pl_plan_unit_name(l, s->unit, unit, sizeof unit), "start_s",
                                        s->start, "end_s", s->end));
    }
    return a;
}

static json_t *buffers_json(const pl_plan_loop *l, const pl_plan *p)
{
    json_t *a = json_array();
    for (uint32_t k = 0; a && k < p->mem.ninst; k++) {
        const pl_plan_instance *x = &p->mem.inst[k];
        json_array_append_new(
            a, json_pack("{s:s, s:I, s:I, s:f, s:f, s:f, s:f}", "buffer",
                         l->buffers[x->buffer].name, "iteration", (json_int_t)x->iter, "version",
                         (json_int_t)x->version, "offset_B", x->offset, "size_B",
                         l->buffers[x->buffer].size, "start_s", x->start, "end_s", x->end));
    }
    return a;
}

static json_t *plan_json(const pl_plan_loop *l, const pl_plan *p)
{
    const pl_plan_bounds *b = &p->bounds;
    json_t *bounds =
        json_pack("{s:f, s:f, s:f, s:f, s:f}", "res_mii_s", b->res_mii, "rec_mii_s", b->rec_mii,
                  "mii_s", b->mii, "critical_path_s", b->critical_path, "makespan_s", b->makespan);
    json_t *memory = json_pack("{s:f, s:f, s:f}", "footprint_B", p->mem.footprint, "max_live_B",
                               p->mem.max_live, "no_reuse_B", p->mem.no_reuse);
    return json_pack("{s:f, s:b, s:I, s:f, s:I, s:s, s:o, s:o, s:o, s:o}", "ii_s", p->steady.ii,
                     "periodic", p->steady.periodic, "period", (json_int_t)p->steady.period,
                     "makespan_s", p->sched.makespan, "schedules", (json_int_t)p->schedules, "rule",
                     p->sched.rule, "bounds", bounds, "memory", memory, "schedule",
                     schedule_json(l, p), "buffers", buffers_json(l, p));
}

int pl_plan_print(const pl_plan_loop *l, const pl_plan *p, bool json, FILE *out, pl_diag *d)
{
    int rc = 0;
    if (json) {
        json_t *doc = plan_json(l, p);
        rc = doc ? json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) : PL_ENOMEM;
        json_decref(doc);
        if (rc == 0)
            fputc('\n', out);
    } else {
        rc = print_text(l, p, out);
    }
    if (rc == PL_ENOMEM)
        return pl_diag_set(d, rc, "out of memory");
    if (rc || fflush(out) != 0 || ferror(out))
        return pl_diag_set(d, PL_EIO, "cannot write the plan");
    return 0;
}
