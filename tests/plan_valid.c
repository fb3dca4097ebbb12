/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plan_valid.c — the schedule validator (see plan_valid.h): each rule is one function that
 * writes why it is broken, and pl_test_valid applies them in turn.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan_valid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

char pl_test_where[160];

const pl_plan_slot *pl_test_task(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t op,
                                 uint32_t it)
{
    return &s->tasks[(size_t)it * l->nops + op];
}

struct span {
    double start, end;
};

static int cmp_span(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Writes why a schedule is wrong into why (PL_TEST_WHY bytes) and returns false. */
static bool reject(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool reject(char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, PL_TEST_WHY, fmt, ap);
    va_end(ap);
    return false;
}

/* No two tasks' holds overlap on a unit: sorted by start (then end), each starts at or after
 * the latest end of a hold before it; a zero-length task may sit where another starts or
 * ends. A hold is the task's latency, or on a pipelined class the interval where that is
 * shorter (loop.h). */
/* The class of unit u: classes number their units one after another. */
static uint32_t class_of(const pl_plan_loop *l, uint32_t u)
{
    uint32_t c = 0;
    for (uint32_t first = 0; c < l->nclasses && u >= first + l->classes[c].units; c++)
        first += l->classes[c].units;
    return c;
}

/* How long task t (on its unit, for end - start) holds its unit. */
static double hold(const pl_plan_loop *l, const pl_plan_slot *t)
{
    double interval = l->classes[class_of(l, t->unit)].interval, latency = t->end - t->start;
    return interval > 0 && interval < latency ? interval : latency;
}

/* Op o's latency on class c (its own or an `also` one), or -1. */
static double latency_on(const pl_plan_loop *l, uint32_t o, uint32_t c)
{
    if (l->ops[o].cls == c)
        return l->ops[o].latency;
    for (uint32_t a = 0; a < l->ops[o].nalso; a++)
        if (l->ops[o].also[a].cls == c)
            return l->ops[o].also[a].latency;
    return -1;
}

/* What dependency d costs from a task on unit a to one on unit b (loop.h): nothing on one
 * unit, else for a buffer the first transfer joining both classes, latency + bytes over
 * bandwidth. */
static double move_cost(const pl_plan_loop *l, const pl_plan_dep *d, uint32_t a, uint32_t b)
{
    if (a == b || d->kind != PL_PLAN_DEP_DATA || d->buffer < 0)
        return 0;
    for (uint32_t k = 0; k < l->ntransfers; k++)
        if (l->transfers[k].joins[class_of(l, a)] && l->transfers[k].joins[class_of(l, b)])
            return l->transfers[k].latency + l->buffers[d->buffer].size / l->transfers[k].bandwidth;
    return 0;
}

static bool units_ok(const pl_plan_loop *l, const pl_plan_schedule *s, char *why)
{
    uint32_t nunits = 0;
    for (uint32_t c = 0; c < l->nclasses; c++)
        nunits += l->classes[c].units;
    struct span *v = malloc(((size_t)s->ntasks + 1) * sizeof *v);
    assert_non_null(v);
    bool ok = true;
    for (uint32_t u = 0; ok && u < nunits; u++) {
        size_t n = 0;
        for (uint32_t t = 0; t < s->ntasks; t++)
            if (s->tasks[t].unit == u)
                v[n++] =
                    (struct span){s->tasks[t].start, s->tasks[t].start + hold(l, &s->tasks[t])};
        qsort(v, n, sizeof *v, cmp_span);
        double busy = -INFINITY;
        for (size_t k = 0; ok && k < n; k++) {
            if (v[k].start < busy)
                ok = reject(why, "unit %u: a task at [%g, %g) overlaps one ending at %g", u,
                            v[k].start, v[k].end, busy);
            busy = fmax(busy, v[k].end);
        }
    }
    free(v);
    return ok;
}

/* Whether op o has a dependency of distance 0 into it (into) or out of it (!into). */
static bool has_zero_dep(const pl_plan_loop *l, uint32_t o, bool into)
{
    for (uint32_t k = 0; k < l->ndeps; k++)
        if (l->deps[k].distance == 0 && (into ? l->deps[k].dst : l->deps[k].src) == o)
            return true;
    return false;
}

/* With a window of w: models/plan/sched.h's rule (first ops of i after last ops of i - w), and
 * its consequence (all of i after all of i - w). */
static bool window_ok(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t w, char *why)
{
    for (uint32_t i = w; i < l->iterations; i++) {
        double first_start = INFINITY, last_end = -INFINITY, begin = INFINITY, end = -INFINITY;
        for (uint32_t o = 0; o < l->nops; o++) {
            if (!has_zero_dep(l, o, true))
                first_start = fmin(first_start, pl_test_task(l, s, o, i)->start);
            if (!has_zero_dep(l, o, false))
                last_end = fmax(last_end, pl_test_task(l, s, o, i - w)->end);
            begin = fmin(begin, pl_test_task(l, s, o, i)->start);
            end = fmax(end, pl_test_task(l, s, o, i - w)->end);
        }
        if (first_start < last_end)
            return reject(why,
                          "window %u: a first op of iteration %u starts at %g, before a last op "
                          "of %u ends at %g",
                          w, i, first_start, i - w, last_end);
        if (begin < end)
            return reject(why, "window %u: iteration %u begins at %g, before %u ends at %g", w, i,
                          begin, i - w, end);
    }
    return true;
}

/* Each task on a unit of a class that may run its op, [start, start + its latency there)
 * exactly, start >= 0. */
static bool tasks_ok(const pl_plan_loop *l, const pl_plan_schedule *s, char *why)
{
    uint32_t nunits = 0;
    for (uint32_t c = 0; c < l->nclasses; c++)
        nunits += l->classes[c].units;
    for (uint32_t i = 0; i < l->iterations; i++)
        for (uint32_t o = 0; o < l->nops; o++) {
            const pl_plan_slot *t = pl_test_task(l, s, o, i);
            double latency = t->unit < nunits ? latency_on(l, o, class_of(l, t->unit)) : -1;
            if (latency < 0)
                return reject(why, "task (%u, %u) on unit %u, of no class that may run it", o, i,
                              t->unit);
            if (!(t->start >= 0))
                return reject(why, "task (%u, %u) starts at %g", o, i, t->start);
            if (t->end != t->start + latency)
                return reject(why, "task (%u, %u): [%g, %g), latency %g", o, i, t->start, t->end,
                              latency);
        }
    return true;
}

/* Every dependency {src, dst, d}: (dst, i) starts at or after (src, i - d) ends, i >= d, and
 * its buffer has moved where the two run on different units. */
static bool deps_ok(const pl_plan_loop *l, const pl_plan_schedule *s, char *why)
{
    for (uint32_t k = 0; k < l->ndeps; k++) {
        const pl_plan_dep *d = &l->deps[k];
        for (uint32_t i = d->distance; i < l->iterations; i++) {
            const pl_plan_slot *from = pl_test_task(l, s, d->src, i - d->distance),
                               *to = pl_test_task(l, s, d->dst, i);
            double start = to->start, end = from->end + move_cost(l, d, from->unit, to->unit);
            if (start < end)
                return reject(why,
                              "dependency %u -> %u (distance %u): (%u, %u) starts at %g, (%u, %u) "
                              "ends at %g",
                              d->src, d->dst, d->distance, d->dst, i, start, d->src,
                              i - d->distance, end);
        }
    }
    return true;
}

bool pl_test_valid(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t w, char *why)
{
    if (s->ntasks != l->nops * l->iterations)
        return reject(why, "%u tasks for %u ops x %u iterations", s->ntasks, l->nops,
                      l->iterations);
    if (s->window != w)
        return reject(why, "window %u, planned with %u", s->window, w);
    if (!tasks_ok(l, s, why) || !deps_ok(l, s, why) || !units_ok(l, s, why))
        return false;
    double latest = 0;
    for (uint32_t t = 0; t < s->ntasks; t++)
        latest = fmax(latest, s->tasks[t].end);
    if (s->makespan != latest)
        return reject(why, "makespan %g, latest end %g", s->makespan, latest);
    return w == 0 || window_ok(l, s, w, why);
}

void pl_test_validate(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t w)
{
    char why[PL_TEST_WHY];
    pl_test_check(pl_test_valid(l, s, w, why), "%s", why);
}

bool pl_test_same_tasks(const pl_plan_schedule *a, const pl_plan_schedule *b)
{
    if (a->ntasks != b->ntasks)
        return false;
    for (uint32_t t = 0; t < a->ntasks; t++)
        if (a->tasks[t].unit != b->tasks[t].unit || a->tasks[t].start != b->tasks[t].start ||
            a->tasks[t].end != b->tasks[t].end)
            return false;
    return true;
}
