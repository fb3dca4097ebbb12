/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_sched.c — the plan model's list scheduler, checked by a validator written here
 * from the rules of models/plan/loop.h and models/plan/sched.h, not from the scheduler's
 * code.
 *
 * The validator checks a schedule against its loop: every task on a unit of its op's
 * class, ending exactly its latency after it starts, at or after 0; every dependency
 * {src, dst, d} kept for every iteration i >= d; no two tasks overlapping on a unit (a
 * zero-length task may touch another); the makespan the latest end; and with a window of w
 * iterations, the rule models/plan/sched.h states: iteration i's first ops (no dependency
 * of distance 0 into them) start after iteration i - w's last ops (none of distance 0 out
 * of them) end — which, with the dependencies, means after all of iteration i - w ends.
 * All times here are sums of the same whole numbers, so every comparison is exact.
 *
 * The loops are random, from gsl's mt19937 with fixed seeds (printed): DAGs drawn as the
 * Standard Task Graph set draws them (Tobita & Kasahara, J. Scheduling 5(5), 2002: edges
 * of equal probability or a number of predecessors per task, over all tasks or layer to
 * layer), with its dummy entry and exit tasks of time 0; and loops of several classes with
 * loop-carried dependencies, windows and buffers with version limits. On each, the
 * properties the headers promise: the best schedule is never longer than the plain b-level
 * one (models/plan/sched.h) nor shorter than pl_plan_bounds' bound (models/plan/bounds.h),
 * a recurrence's II never beats RecMII, and a buffer limited to v versions by
 * pl_plan_version_deps never takes more than v in pl_plan_liveness.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/common/error.h"
#include "models/plan/bounds.h"
#include "models/plan/liveness.h"
#include "models/plan/loop.h"
#include "models/plan/sched.h"
#include "models/plan/steady.h"
#include "models/plan/stg.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEED_DAGS    20240613u
#define SEED_LOOPS   20240614u
#define SEED_WINDOWS 20240615u
#define SEED_BUFFERS 20240616u
#define SEED_TIMING  20240617u
#define SEED_STEADY  20240618u
#define SEED_OPTIONS 20240619u
#define NDAGS        400 /* 100 on each of P = 2, 4, 8, 16 */
#define NLOOPS       200
#define NWINDOWS     150
#define NBUFFERS     300
#define NSTEADY      200
#define MAXCLS       4
#define WHY          256 /* bytes of a validator's message */

static const uint32_t unit_counts[] = {2, 4, 8, 16};

/* What the case being checked is, for the failure messages. */
static char where[160];

#define check(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            print_message("failed on %s\n", where);                                                \
            fail_msg(__VA_ARGS__);                                                                 \
        }                                                                                          \
    } while (0)

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static gsl_rng *rng_new(unsigned long seed, const char *test)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed);
    print_message("%s: seed %lu (gsl mt19937)\n", test, seed);
    return r;
}

/* A whole number in [lo, hi]. */
static uint32_t draw(gsl_rng *r, uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)gsl_rng_uniform_int(r, hi - lo + 1);
}

static bool chance(gsl_rng *r, double p)
{
    return gsl_rng_uniform(r) < p;
}

/* ---- Building loops ------------------------------------------------------------------- */

/* A loop under construction: deps grow as they are added. */
struct build {
    pl_plan_loop l;
    uint32_t cap;
};

/* nops ops of class 0 and latency 0, nclasses classes of one unit, one iteration, no
 * buffers, no memory limit. */
static struct build build_new(uint32_t nops, uint32_t nclasses)
{
    struct build b = {{0}, 16};
    b.l.ops = calloc(nops, sizeof *b.l.ops);
    b.l.classes = calloc(nclasses, sizeof *b.l.classes);
    b.l.deps = malloc(b.cap * sizeof *b.l.deps);
    assert_non_null(b.l.ops);
    assert_non_null(b.l.classes);
    assert_non_null(b.l.deps);
    b.l.nops = nops;
    b.l.nclasses = nclasses;
    for (uint32_t c = 0; c < nclasses; c++)
        b.l.classes[c].units = 1;
    b.l.iterations = 1;
    b.l.memory = INFINITY;
    return b;
}

/* Adds src -> dst at distance d. A dependency of distance 0 always goes from a lower op to
 * a higher one here, so the loops never hold a cycle of distance 0 and index order is a
 * topological order of those dependencies. */
static void add_dep(struct build *b, uint32_t src, uint32_t dst, uint32_t d)
{
    assert_true(d > 0 || src < dst);
    if (b->l.ndeps == b->cap) {
        b->cap *= 2;
        b->l.deps = realloc(b->l.deps, b->cap * sizeof *b->l.deps);
        assert_non_null(b->l.deps);
    }
    b->l.deps[b->l.ndeps++] = (pl_plan_dep){src, dst, d, PL_PLAN_DEP_AFTER, -1};
}

/* Whether src -> dst at distance 0 is already there. */
static bool has_dep(const struct build *b, uint32_t src, uint32_t dst)
{
    for (uint32_t k = 0; k < b->l.ndeps; k++)
        if (b->l.deps[k].src == src && b->l.deps[k].dst == dst && b->l.deps[k].distance == 0)
            return true;
    return false;
}

/* The four edge generators of the STG set, over ops lo .. hi - 1 (ids in order). */
enum shape { SAMEPROB, SAMEPRED, LAYRPROB, LAYRPRED, NSHAPES };
static const char *const shape_names[] = {"sameprob", "samepred", "layrprob", "layrpred"};

/* Every pair i < j is an edge with the same probability, 2 avg / (n - 1) for an average of
 * avg predecessors per task (n (n - 1) / 2 pairs, n tasks). */
static void gen_sameprob(struct build *b, gsl_rng *r, uint32_t lo, uint32_t hi, double avg)
{
    double p = hi - lo > 1 ? 2 * avg / (hi - lo - 1) : 0;
    for (uint32_t j = lo; j < hi; j++)
        for (uint32_t i = lo; i < j; i++)
            if (chance(r, p))
                add_dep(b, i, j, 0);
}

/* Task j draws its number of predecessors uniformly in 0 .. 2 avg (at most j - lo), and
 * takes them uniformly among the tasks before it. */
static void gen_samepred(struct build *b, gsl_rng *r, uint32_t lo, uint32_t hi, double avg)
{
    for (uint32_t j = lo + 1; j < hi; j++) {
        uint32_t k = draw(r, 0, (uint32_t)(2 * avg)), n = 0;
        if (k > j - lo)
            k = j - lo;
        while (n < k) {
            uint32_t i = draw(r, lo, j - 1);
            if (!has_dep(b, i, j)) {
                add_dep(b, i, j, 0);
                n++;
            }
        }
    }
}

/* Cuts lo .. hi - 1 into layers of consecutive tasks: layer[j - lo] is task j's layer
 * and start[k] the first task of layer k (start[count] = hi). Returns the count of layers,
 * at most nl, drawn in 2 .. n / 2. */
static uint32_t layers(gsl_rng *r, uint32_t lo, uint32_t hi, uint32_t *layer, uint32_t *start)
{
    uint32_t n = hi - lo, nl = n < 2 ? 1 : draw(r, 2, n / 2 > 2 ? n / 2 : 2), k = 0;
    start[0] = lo;
    for (uint32_t j = lo; j < hi; j++) {
        /* Each layer has at least one task; a new layer begins with probability
         * (nl - 1) / (n - 1), so that there are nl layers on average. */
        if (j > lo && k + 1 < nl && chance(r, (double)(nl - 1) / (n - 1)))
            start[++k] = j;
        layer[j - lo] = k;
    }
    start[k + 1] = hi;
    return k + 1;
}

/* Layered: each task j of layer k > 0 takes predecessors in layer k - 1 = [from, to).
 * layrprob joins it to each with the same probability, avg / (to - from), and to at
 * least one; layrpred draws 1 .. 2 avg of them. */
static void join_layer(struct build *b, gsl_rng *r, bool prob, uint32_t j, uint32_t from,
                       uint32_t to, double avg)
{
    uint32_t n = 0;
    if (prob) {
        for (uint32_t i = from; i < to; i++)
            if (chance(r, avg / (to - from))) {
                add_dep(b, i, j, 0);
                n++;
            }
        if (n == 0)
            add_dep(b, draw(r, from, to - 1), j, 0);
        return;
    }
    uint32_t want = draw(r, 1, (uint32_t)(2 * avg));
    if (want > to - from)
        want = to - from;
    while (n < want) {
        uint32_t i = draw(r, from, to - 1);
        if (!has_dep(b, i, j)) {
            add_dep(b, i, j, 0);
            n++;
        }
    }
}

static void gen_layered(struct build *b, gsl_rng *r, bool prob, uint32_t lo, uint32_t hi,
                        double avg)
{
    uint32_t *layer = malloc((hi - lo + 1) * sizeof *layer),
             *start = malloc((hi - lo + 2) * sizeof *start);
    assert_non_null(layer);
    assert_non_null(start);
    layers(r, lo, hi, layer, start);
    for (uint32_t j = lo; j < hi; j++) {
        uint32_t k = layer[j - lo];
        if (k > 0)
            join_layer(b, r, prob, j, start[k - 1], start[k], avg);
    }
    free(layer);
    free(start);
}

static void gen_edges(struct build *b, gsl_rng *r, enum shape s, uint32_t lo, uint32_t hi,
                      double avg)
{
    switch (s) {
    case SAMEPROB:
        gen_sameprob(b, r, lo, hi, avg);
        break;
    case SAMEPRED:
        gen_samepred(b, r, lo, hi, avg);
        break;
    case LAYRPROB:
        gen_layered(b, r, true, lo, hi, avg);
        break;
    default:
        gen_layered(b, r, false, lo, hi, avg);
        break;
    }
}

/* A DAG of n tasks as an STG file holds it: ops 1 .. n with whole latencies 1 .. 20, the
 * dummy entry 0 before every task with no predecessor and the dummy exit n + 1 after every
 * task with no successor, both of latency 0; one class of `units` units, one iteration. */
static pl_plan_loop random_dag(gsl_rng *r, enum shape s, uint32_t n, uint32_t units)
{
    struct build b = build_new(n + 2, 1);
    b.l.classes[0].units = units;
    for (uint32_t o = 1; o <= n; o++)
        b.l.ops[o].latency = draw(r, 1, 20);
    gen_edges(&b, r, s, 1, n + 1, 1 + 4 * gsl_rng_uniform(r));
    bool *has_in = calloc(n + 2, sizeof *has_in), *has_out = calloc(n + 2, sizeof *has_out);
    assert_non_null(has_in);
    assert_non_null(has_out);
    for (uint32_t k = 0; k < b.l.ndeps; k++) {
        has_in[b.l.deps[k].dst] = true;
        has_out[b.l.deps[k].src] = true;
    }
    for (uint32_t o = 1; o <= n; o++) {
        if (!has_in[o])
            add_dep(&b, 0, o, 0);
        if (!has_out[o])
            add_dep(&b, o, n + 1, 0);
    }
    free(has_in);
    free(has_out);
    return b.l;
}

/* A loop body of n ops on 2-4 classes of 1-3 units, latencies 1 .. 20 (0 for one op in ten,
 * so that zero-length tasks touch others), a random DAG inside the iteration and `carried`
 * loop-carried dependencies of distance 1-3 between any two ops (an op on itself
 * included), `iterations` iterations. */
static pl_plan_loop random_loop(gsl_rng *r, uint32_t n, uint32_t carried, uint32_t iterations)
{
    struct build b = build_new(n, draw(r, 2, MAXCLS));
    for (uint32_t c = 0; c < b.l.nclasses; c++)
        b.l.classes[c].units = draw(r, 1, 3);
    for (uint32_t o = 0; o < n; o++) {
        b.l.ops[o].latency = chance(r, 0.1) ? 0 : draw(r, 1, 20);
        b.l.ops[o].cls = draw(r, 0, b.l.nclasses - 1);
    }
    gen_edges(&b, r, (enum shape)draw(r, 0, NSHAPES - 1), 0, n, 1 + 2 * gsl_rng_uniform(r));
    for (uint32_t k = carried; k > 0; k--)
        add_dep(&b, draw(r, 0, n - 1), draw(r, 0, n - 1), draw(r, 1, 3));
    b.l.iterations = iterations;
    return b.l;
}

/* ---- The validator ------------------------------------------------------------------- */

static const pl_plan_slot *task(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t op,
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

/* Writes why a schedule is wrong into why (WHY bytes) and returns false. */
static bool reject(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool reject(char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, WHY, fmt, ap);
    va_end(ap);
    return false;
}

/* No two tasks overlap on a unit: sorted by start (then end), each starts at or after the
 * latest end before it; a zero-length task may sit where another starts or ends. */
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
                v[n++] = (struct span){s->tasks[t].start, s->tasks[t].end};
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
                first_start = fmin(first_start, task(l, s, o, i)->start);
            if (!has_zero_dep(l, o, false))
                last_end = fmax(last_end, task(l, s, o, i - w)->end);
            begin = fmin(begin, task(l, s, o, i)->start);
            end = fmax(end, task(l, s, o, i - w)->end);
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

/* Each task on a unit of its class, [start, start + latency) exactly, start >= 0. */
static bool tasks_ok(const pl_plan_loop *l, const pl_plan_schedule *s, char *why)
{
    for (uint32_t i = 0; i < l->iterations; i++)
        for (uint32_t o = 0; o < l->nops; o++) {
            const pl_plan_slot *t = task(l, s, o, i);
            uint32_t first = pl_plan_unit_first(l, l->ops[o].cls);
            if (t->unit < first || t->unit >= first + l->classes[l->ops[o].cls].units)
                return reject(why, "task (%u, %u) on unit %u, not of class %u", o, i, t->unit,
                              l->ops[o].cls);
            if (!(t->start >= 0))
                return reject(why, "task (%u, %u) starts at %g", o, i, t->start);
            if (t->end != t->start + l->ops[o].latency)
                return reject(why, "task (%u, %u): [%g, %g), latency %g", o, i, t->start, t->end,
                              l->ops[o].latency);
        }
    return true;
}

/* Every dependency {src, dst, d}: (dst, i) starts at or after (src, i - d) ends, i >= d. */
static bool deps_ok(const pl_plan_loop *l, const pl_plan_schedule *s, char *why)
{
    for (uint32_t k = 0; k < l->ndeps; k++) {
        const pl_plan_dep *d = &l->deps[k];
        for (uint32_t i = d->distance; i < l->iterations; i++) {
            double start = task(l, s, d->dst, i)->start,
                   end = task(l, s, d->src, i - d->distance)->end;
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

/* Every rule of a schedule of loop l planned with a window of w (0: none); false with the
 * first broken one in why (WHY bytes). */
static bool valid(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t w, char *why)
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

static void validate(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t w)
{
    char why[WHY];
    check(valid(l, s, w, why), "%s", why);
}

/* Whether two schedules place every task alike (field by field: the slots have padding). */
static bool same_tasks(const pl_plan_schedule *a, const pl_plan_schedule *b)
{
    if (a->ntasks != b->ntasks)
        return false;
    for (uint32_t t = 0; t < a->ntasks; t++)
        if (a->tasks[t].unit != b->tasks[t].unit || a->tasks[t].start != b->tasks[t].start ||
            a->tasks[t].end != b->tasks[t].end)
            return false;
    return true;
}

/* ---- The validator on schedules written by hand ------------------------------------ */

/* Ops a (class 0, latency 2), b (class 1, 3), z (class 0, 0), c (class 0, 4); a -> b at
 * distance 0, b -> a at distance 1; class 0 has units 0 and 1, class 1 unit 2; 2
 * iterations. First ops (no distance-0 dependency in): a, z, c; last ops: b, z, c. */
static pl_plan_loop hand_loop(void)
{
    struct build b = build_new(4, 2);
    b.l.ops[0] = (pl_plan_op){NULL, 0, 2};
    b.l.ops[1] = (pl_plan_op){NULL, 1, 3};
    b.l.ops[2] = (pl_plan_op){NULL, 0, 0};
    b.l.ops[3] = (pl_plan_op){NULL, 0, 4};
    b.l.classes[0].units = 2;
    add_dep(&b, 0, 1, 0);
    add_dep(&b, 1, 0, 1);
    b.l.iterations = 2;
    return b.l;
}

/* A valid schedule of hand_loop, with a window of 1 too: iteration 0 a [0,2) u0, b [2,5)
 * u2, z [2,2) u0 (touching a's end), c [0,4) u1; iteration 1 a [5,7) u0 (after b 0),
 * b [7,10) u2, z [5,5) u0 (touching a's start), c [5,9) u1 (after b 0, for the window);
 * makespan 10. */
static const pl_plan_slot hand_slots[8] = {
    {0, 0, 2}, {2, 2, 5}, {0, 2, 2}, {1, 0, 4}, {0, 5, 7}, {2, 7, 10}, {0, 5, 5}, {1, 5, 9},
};

/* The validator accepts the schedule above and rejects each of these changes to it, one at
 * a time: a task on a unit of the wrong class, an end that is not start + latency, a start
 * below 0, a dependency broken within an iteration and across one, a zero-length task
 * inside another, two tasks overlapping, a wrong makespan, a first op of iteration 1 that
 * starts before a last op of iteration 0 ends under a window of 1 (valid with no window),
 * and a window other than the one planned with. */
static void test_validator(void **state)
{
    (void)state;
    struct change {
        uint32_t task;
        pl_plan_slot slot;
        double makespan;
        uint32_t window; /* what the schedule says */
        uint32_t check;  /* what it is checked with */
        const char *what;
    };
    const struct change changes[] = {
        {0, {2, 0, 2}, 10, 0, 0, "on unit 2"},
        {1, {2, 2, 6}, 10, 0, 0, "latency 3"},
        {2, {0, -1, -1}, 10, 0, 0, "starts at -1"},
        {1, {2, 1, 4}, 10, 0, 0, "dependency 0 -> 1 (distance 0)"},
        {4, {0, 4, 6}, 10, 0, 0, "dependency 1 -> 0 (distance 1)"},
        {2, {0, 1, 1}, 10, 0, 0, "unit 0: a task at [1, 1) overlaps one ending at 2"},
        {3, {0, 0, 4}, 10, 0, 0, "unit 0: a task at [0, 4) overlaps one ending at 2"},
        {0, {0, 0, 2}, 11, 0, 0, "makespan 11, latest end 10"},
        {6, {0, 3, 3}, 10, 1, 1, "window 1: a first op of iteration 1 starts at 3"},
        {6, {0, 3, 3}, 10, 0, 0, NULL},
        {0, {0, 0, 2}, 10, 0, 1, "window 0, planned with 1"},
        {0, {0, 0, 2}, 10, 1, 1, NULL},
    };
    pl_plan_loop l = hand_loop();
    pl_plan_slot slots[8];
    for (size_t k = 0; k < sizeof changes / sizeof changes[0]; k++) {
        const struct change *c = &changes[k];
        memcpy(slots, hand_slots, sizeof slots);
        slots[c->task] = c->slot;
        pl_plan_schedule s = {slots, 8, c->makespan, c->window, "by hand", 1};
        char why[WHY] = "";
        bool ok = valid(&l, &s, c->check, why);
        if (c->what) {
            assert_false(ok);
            if (!pl_test_contains(why, c->what))
                fail_msg("change %zu: '%s' does not say '%s'", k, why, c->what);
        } else if (!ok) {
            fail_msg("change %zu: rejected, %s", k, why);
        }
    }
    pl_plan_loop_fini(&l);
}

/* ---- Bounds computed here ---------------------------------------------------------- */

/* max(the critical path through the unrolled iterations, the largest ceil(N W_c / P_c)):
 * a bound every schedule obeys, computed here independently of models/plan/bounds.c. Ops in index
 * order are topologically ordered (add_dep), so iteration-major order is too. */
static double simple_bound(const pl_plan_loop *l, double *cp)
{
    size_t n = (size_t)l->nops * l->iterations;
    double *fin = malloc((n + 1) * sizeof *fin), work[MAXCLS + 1] = {0}, bound = 0;
    assert_non_null(fin);
    *cp = 0;
    for (uint32_t i = 0; i < l->iterations; i++)
        for (uint32_t o = 0; o < l->nops; o++) {
            double start = 0;
            for (uint32_t k = 0; k < l->ndeps; k++) {
                const pl_plan_dep *d = &l->deps[k];
                if (d->dst == o && d->distance <= i)
                    start = fmax(start, fin[(size_t)(i - d->distance) * l->nops + d->src]);
            }
            fin[(size_t)i * l->nops + o] = start + l->ops[o].latency;
            *cp = fmax(*cp, start + l->ops[o].latency);
        }
    for (uint32_t o = 0; o < l->nops; o++)
        work[l->ops[o].cls] += l->ops[o].latency;
    for (uint32_t c = 0; c < l->nclasses; c++)
        bound = fmax(bound, ceil(work[c] * l->iterations / l->classes[c].units));
    free(fin);
    return fmax(*cp, bound);
}

/* ---- Checking one loop ----------------------------------------------------------------- */

struct outcome {
    double bound;       /* pl_plan_bounds' makespan bound */
    double best, plain; /* makespans */
    bool periodic;      /* >= 8 iterations and a steady state that repeats exactly */
    bool rec_checked;   /* ... long enough for the RecMII check */
    bool below_res;     /* ... with an II below ResMII */
};

/* Schedules l with window w, best and plain; validates both; checks best <= plain, the
 * tie rule, the bounds, determinism (every `again`), and the II of a recurrence. */
static struct outcome check_loop(const pl_plan_loop *l, uint32_t w, bool again)
{
    pl_plan_bounds bd;
    pl_plan_schedule best, plain;
    pl_plan_options ob = {.window = w}, op = {.window = w, .plain = true};
    assert_int_equal(pl_plan_bounds_compute(l, &bd), 0);
    assert_int_equal(pl_plan_schedule_loop(l, &ob, &best), 0);
    assert_int_equal(pl_plan_schedule_loop(l, &op, &plain), 0);
    validate(l, &best, w);
    validate(l, &plain, w);

    /* models/plan/sched.h: "The shortest schedule wins; among equal ones the first tried, so the
     * result is never longer than the plain rule's", the plain rule being tried first. */
    check(best.makespan <= plain.makespan, "best %g > plain %g", best.makespan, plain.makespan);
    check(plain.tried == 1 && strcmp(plain.rule, "b-level") == 0, "plain: %u tried, rule %s",
          plain.tried, plain.rule);
    check(best.tried >= 4 && best.tried <= 4 + 64, "best: %u tried (4 rules, <= 64 perturbed)",
          best.tried);
    if (best.makespan == plain.makespan)
        check(strcmp(best.rule, "b-level") == 0 && same_tasks(&best, &plain),
              "best ties plain at %g but is not the plain schedule (rule %s)", best.makespan,
              best.rule);

    /* models/plan/bounds.h: no schedule beats the bound; here 1e-9 relative, though with whole
     * latencies both are whole numbers. The bound is at least the simple one computed
     * here, and its critical path is the same chain. */
    double cp, simple = simple_bound(l, &cp);
    check(bd.critical_path == cp, "critical path %g, %g here", bd.critical_path, cp);
    check(bd.makespan >= simple, "bound %g below max(CP, ceil(N W_c / P_c)) = %g", bd.makespan,
          simple);
    check(best.makespan >= bd.makespan - 1e-9 * best.makespan, "best %g beats the bound %g",
          best.makespan, bd.makespan);

    /* STYLE.md rule 10: the same loop gives the same schedule. */
    if (again) {
        pl_plan_schedule s2;
        assert_int_equal(pl_plan_schedule_loop(l, &ob, &s2), 0);
        check(same_tasks(&s2, &best) && s2.makespan == best.makespan, "two runs differ");
        pl_plan_schedule_fini(&s2);
    }

    /* A recurrence of latency L over d iterations: (x, i + k d) starts at least k L after
     * (x, i), going k times round the cycle; in a steady run of period k and shift D that
     * covers i .. i + k d, that is d D >= k L, so II = D / k >= L / d = RecMII.
     * A run faster than ResMII would be a transient, which pl_plan_steady_find passes
     * over (test_fill_pattern): none may be reported. */
    struct outcome out = {bd.makespan, best.makespan, plain.makespan, false, false, false};
    if (l->iterations >= 8) {
        pl_plan_steady st;
        pl_plan_steady_find(l, &best, bd.mii, &st);
        out.periodic = st.periodic;
        out.below_res = st.periodic && st.ii < bd.res_mii - 1e-9 * bd.res_mii;
        check(!out.below_res, "steady II %g below ResMII %g", st.ii, bd.res_mii);
        out.rec_checked =
            st.periodic && bd.ncycle > 0 && st.last - st.first >= st.period * bd.cycle_distance;
        if (out.rec_checked)
            check(st.ii >= bd.rec_mii - 1e-9 * bd.rec_mii,
                  "II %g < RecMII %g (period %u, %u .. %u)", st.ii, bd.rec_mii, st.period, st.first,
                  st.last);
    }

    pl_plan_bounds_fini(&bd);
    pl_plan_schedule_fini(&best);
    pl_plan_schedule_fini(&plain);
    return out;
}

/* ---- Tests ------------------------------------------------------------------------------- */

struct gaps {
    double sum, worst;
    uint32_t n;
};

static void gap_add(struct gaps *g, double makespan, double bound)
{
    double gap = makespan / bound - 1;
    g->sum += gap;
    g->worst = fmax(g->worst, gap);
    g->n++;
}

/* 400 STG-like DAGs of 10-150 tasks (plus the dummies), 100 on each of 2, 4, 8 and 16
 * units, the four edge generators in turn. Besides the checks of check_loop, the mean gap
 * to the bound of the best schedule must be strictly below the plain rule's: models/plan/sched.h
 * tries more rules so as to do better than plain b-level, and over 400 graphs it must
 * improve at least one (the gaps are printed; no threshold on them beyond that). */
static void test_random_dags(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(SEED_DAGS, "random DAGs");
    struct gaps best[5] = {{0}}, plain[5] = {{0}}; /* per P, then all */
    uint32_t improved[5] = {0}, at_bound = 0;
    double t0 = seconds();
    for (uint32_t c = 0; c < NDAGS; c++) {
        enum shape s = (enum shape)(c % NSHAPES);
        uint32_t p = (c / NSHAPES) % 4, n = draw(r, 10, 150);
        snprintf(where, sizeof where, "DAG %u (%s, %u tasks, %u units)", c, shape_names[s], n,
                 unit_counts[p]);
        pl_plan_loop l = random_dag(r, s, n, unit_counts[p]);
        struct outcome o = check_loop(&l, 0, c % 10 == 0);
        uint32_t into[2] = {p, 4}; /* this P, and all */
        for (int k = 0; k < 2; k++) {
            gap_add(&best[into[k]], o.best, o.bound);
            gap_add(&plain[into[k]], o.plain, o.bound);
            improved[into[k]] += o.best < o.plain;
        }
        at_bound += o.best == o.bound;
        pl_plan_loop_fini(&l);
    }
    for (uint32_t k = 0; k < 5; k++) {
        char what[32];
        snprintf(what, sizeof what, k < 4 ? "P = %u" : "all", k < 4 ? unit_counts[k] : 0);
        print_message("%-7s %3u DAGs: gap to the bound, best mean %.4f%% worst %.4f%%; plain "
                      "mean %.4f%% worst %.4f%%; best shorter on %u\n",
                      what, best[k].n, 100 * best[k].sum / best[k].n, 100 * best[k].worst,
                      100 * plain[k].sum / plain[k].n, 100 * plain[k].worst, improved[k]);
    }
    print_message("best at the bound (so optimal) on %u of %u; %.2f s\n", at_bound, NDAGS,
                  seconds() - t0);
    assert_int_equal(best[4].n, NDAGS);
    /* models/plan/sched.h's search: strictly better on average than plain b-level. */
    assert_true(best[4].sum / best[4].n < plain[4].sum / plain[4].n);
    gsl_rng_free(r);
}

/* The options on 40 DAGs (50-150 tasks, 4 units): models/plan/sched.h's `quick` tries the 4 fixed
 * rules only, `attempts` = 5 adds 5 perturbed ones, the default as many as keep the search
 * within about two million placements, at most 64 (64 here: 2e6 / 152 tasks > 64), and
 * `plain` 1. Each search holds the fixed rules, plain first, so none is longer than quick
 * and quick none longer than plain. */
static void test_options(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(SEED_OPTIONS, "options");
    for (uint32_t c = 0; c < 40; c++) {
        uint32_t n = draw(r, 50, 150);
        snprintf(where, sizeof where, "DAG %u (%u tasks) with options", c, n);
        pl_plan_loop l = random_dag(r, (enum shape)(c % NSHAPES), n, 4);
        const pl_plan_options opts[] = {{.plain = true}, {.quick = true}, {.attempts = 5}, {0}};
        const uint32_t tried[] = {1, 4, 4 + 5, 4 + 64};
        double m[4];
        for (int k = 0; k < 4; k++) {
            pl_plan_schedule s;
            assert_int_equal(pl_plan_schedule_loop(&l, &opts[k], &s), 0);
            validate(&l, &s, 0);
            check(s.tried == tried[k], "options %d: %u tried, expected %u", k, s.tried, tried[k]);
            m[k] = s.makespan;
            pl_plan_schedule_fini(&s);
        }
        check(m[1] <= m[0] && m[2] <= m[1] && m[3] <= m[1],
              "plain %g, quick %g, 5 attempts %g, default %g", m[0], m[1], m[2], m[3]);
        pl_plan_loop_fini(&l);
    }
    gsl_rng_free(r);
}

/* 200 loops of 2-4 classes, 3-24 ops, 1-40 iterations with loop-carried dependencies. */
static void test_random_loops(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(SEED_LOOPS, "random loops");
    struct gaps best = {0}, plain = {0};
    uint32_t improved = 0, periodic = 0, rec_checked = 0, below_res = 0;
    double t0 = seconds();
    for (uint32_t c = 0; c < NLOOPS; c++) {
        uint32_t n = draw(r, 3, 24), carried = draw(r, 0, 3);
        pl_plan_loop l = random_loop(r, n, carried, draw(r, 1, 40));
        snprintf(where, sizeof where, "loop %u (%u ops, %u classes, %u deps, %u iterations)", c,
                 l.nops, l.nclasses, l.ndeps, l.iterations);
        struct outcome o = check_loop(&l, 0, c % 10 == 0);
        gap_add(&best, o.best, o.bound);
        gap_add(&plain, o.plain, o.bound);
        improved += o.best < o.plain;
        periodic += o.periodic;
        rec_checked += o.rec_checked;
        below_res += o.below_res;
        pl_plan_loop_fini(&l);
    }
    print_message("%u loops: gap to the bound, best mean %.4f%% worst %.4f%%; plain mean %.4f%% "
                  "worst %.4f%%; best shorter on %u\n",
                  NLOOPS, 100 * best.sum / best.n, 100 * best.worst, 100 * plain.sum / plain.n,
                  100 * plain.worst, improved);
    print_message("periodic steady states (>= 8 iterations): %u; II >= RecMII checked on %u; "
                  "II below ResMII on %u; %.2f s\n",
                  periodic, rec_checked, below_res, seconds() - t0);
    gsl_rng_free(r);
}

/* 200 small loops (2-6 ops, 1-3 recurrences, 16-40 iterations), which settle into an
 * exact repetition more often than the larger ones: the checks of check_loop, the RecMII
 * one above all. */
static void test_steady(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(SEED_STEADY, "steady states");
    uint32_t periodic = 0, rec_checked = 0, below_res = 0;
    double t0 = seconds();
    for (uint32_t c = 0; c < NSTEADY; c++) {
        uint32_t n = draw(r, 2, 6), carried = draw(r, 1, 3);
        pl_plan_loop l = random_loop(r, n, carried, draw(r, 16, 40));
        snprintf(where, sizeof where, "small loop %u (%u ops, %u deps, %u iterations)", c, l.nops,
                 l.ndeps, l.iterations);
        struct outcome o = check_loop(&l, 0, false);
        periodic += o.periodic;
        rec_checked += o.rec_checked;
        below_res += o.below_res;
        pl_plan_loop_fini(&l);
    }
    print_message("%u small loops: periodic %u; II >= RecMII checked on %u; II below ResMII on "
                  "%u; %.2f s\n",
                  NSTEADY, periodic, rec_checked, below_res, seconds() - t0);
    gsl_rng_free(r);
}

/* 150 loops with a window of 1-4 iterations: the validator checks the window's rule. */
static void test_windows(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(SEED_WINDOWS, "windows");
    double t0 = seconds();
    for (uint32_t c = 0; c < NWINDOWS; c++) {
        uint32_t n = draw(r, 3, 24), carried = draw(r, 0, 3);
        pl_plan_loop l = random_loop(r, n, carried, draw(r, 1, 40));
        uint32_t w = draw(r, 1, 4);
        snprintf(where, sizeof where, "loop %u (%u ops, %u iterations, window %u)", c, l.nops,
                 l.iterations, w);
        check_loop(&l, w, false);
        pl_plan_loop_fini(&l);
    }
    print_message("%u loops with windows; %.2f s\n", NWINDOWS, seconds() - t0);
    gsl_rng_free(r);
}

/* A window of 1 on two independent ops, a (latency 1, class 0) and b (latency 2, class 1), 3
 * iterations. Both are first and last ops, so each iteration waits for all of the one
 * before: a and b of iteration i start at 2i (when b of i - 1 ends), makespan 6. Without
 * the window, a runs back to back at 0, 1, 2 and b at 0, 2, 4: makespan 6 too. */
static void test_window_by_hand(void **state)
{
    (void)state;
    struct build b = build_new(2, 2);
    b.l.ops[0] = (pl_plan_op){NULL, 0, 1};
    b.l.ops[1] = (pl_plan_op){NULL, 1, 2};
    b.l.iterations = 3;
    snprintf(where, sizeof where, "window by hand");
    pl_plan_schedule s;
    pl_plan_options o = {.window = 1};
    assert_int_equal(pl_plan_schedule_loop(&b.l, &o, &s), 0);
    validate(&b.l, &s, 1);
    for (uint32_t i = 0; i < 3; i++) {
        pl_assert_near(task(&b.l, &s, 0, i)->start, 2.0 * i, 0); /* by hand, above */
        pl_assert_near(task(&b.l, &s, 1, i)->start, 2.0 * i, 0);
    }
    pl_assert_near(s.makespan, 6, 0);
    pl_plan_schedule_fini(&s);
    o.window = 0;
    assert_int_equal(pl_plan_schedule_loop(&b.l, &o, &s), 0);
    validate(&b.l, &s, 0);
    for (uint32_t i = 0; i < 3; i++)
        pl_assert_near(task(&b.l, &s, 0, i)->start, 1.0 * i, 0); /* by hand, above */
    pl_assert_near(s.makespan, 6, 0);
    pl_plan_schedule_fini(&s);
    pl_plan_loop_fini(&b.l);
}

/* a (latency 1, class A of one unit) -> c (8, class B of 8 units) -> b (1, class A), 8
 * iterations. b-levels: a 10, c 9, b 1, so all the a go first, back to back at i; c of
 * iteration i at i + 1 on its own unit, ending at i + 9; b at i + 9, once A is free (from
 * 8): makespan 17. The bound is 16 (class A: 8 x 2 of work on one unit, from 0 to the
 * end); 17 is optimal: b of iteration 0 cannot start before 9 and only 8 units of a's work
 * can fill A before it. The schedule repeats with II 1, below ResMII 2: a finite loop's
 * fill pattern, which is why check_loop does not hold II to ResMII. */
static void test_fill_pattern(void **state)
{
    (void)state;
    struct build b = build_new(3, 2);
    b.l.ops[0] = (pl_plan_op){NULL, 0, 1};
    b.l.ops[1] = (pl_plan_op){NULL, 1, 8};
    b.l.ops[2] = (pl_plan_op){NULL, 0, 1};
    b.l.classes[1].units = 8;
    add_dep(&b, 0, 1, 0);
    add_dep(&b, 1, 2, 0);
    b.l.iterations = 8;
    snprintf(where, sizeof where, "fill pattern");
    pl_plan_schedule s;
    pl_plan_options o = {0};
    pl_plan_bounds bd;
    assert_int_equal(pl_plan_schedule_loop(&b.l, &o, &s), 0);
    assert_int_equal(pl_plan_bounds_compute(&b.l, &bd), 0);
    validate(&b.l, &s, 0);
    for (uint32_t i = 0; i < 8; i++) { /* by hand, above */
        pl_assert_near(task(&b.l, &s, 0, i)->start, i, 0);
        pl_assert_near(task(&b.l, &s, 1, i)->start, i + 1, 0);
        pl_assert_near(task(&b.l, &s, 2, i)->start, i + 9, 0);
    }
    pl_assert_near(s.makespan, 17, 0);
    pl_assert_near(bd.makespan, 16, 0);
    pl_assert_near(bd.res_mii, 2, 0);
    pl_plan_steady st;
    /* Iterations start every 1 while ops 2 queue up for the unit ops 0 hold: a transient
     * faster than ResMII = 2, not a steady state. */
    pl_plan_steady_find(&b.l, &s, bd.mii, &st);
    assert_false(st.periodic);
    pl_plan_bounds_fini(&bd);
    pl_plan_schedule_fini(&s);
    pl_plan_loop_fini(&b.l);
}

/* Ops 0 -> 1 -> 2 -> 1, all at distance 0: a cycle within one iteration, which
 * models/plan/sched.h says fails with PL_EINVAL, leaving the schedule empty (its fini frees it
 * on failure). The same cycle with 2 -> 1 at distance 1 schedules: 0, 1, 2 of latency 1
 * on one unit, 2 iterations, back to back, makespan 6. */
static void test_cycle(void **state)
{
    (void)state;
    struct build b = build_new(3, 1);
    for (uint32_t o = 0; o < 3; o++)
        b.l.ops[o].latency = 1;
    add_dep(&b, 0, 1, 0);
    add_dep(&b, 1, 2, 0);
    add_dep(&b, 2, 1, 1);
    b.l.iterations = 2;
    b.l.deps[2].distance = 0; /* past add_dep's guard: the cycle */
    pl_plan_schedule s;
    pl_plan_options o = {0};
    assert_int_equal(pl_plan_schedule_loop(&b.l, &o, &s), PL_EINVAL);
    assert_null(s.tasks);
    b.l.deps[2].distance = 1;
    assert_int_equal(pl_plan_schedule_loop(&b.l, &o, &s), 0);
    snprintf(where, sizeof where, "the cycle broken by a distance");
    validate(&b.l, &s, 0);
    pl_assert_near(s.makespan, 6, 0); /* 6 tasks of 1 on one unit, none idle: above */
    pl_plan_schedule_fini(&s);
    pl_plan_loop_fini(&b.l);
}

/* ---- Published graphs ------------------------------------------------------------------ */

/* ---- Version limits ------------------------------------------------------------------ */

/* A loop with 1-5 buffers: each op reads each buffer with probability 1/4 and writes it with
 * 1/5 (an op that does both reads the buffer and then writes it in place when no writer
 * comes before it) unless `in_place` is false, when an op never does both; a few `after`
 * dependencies; then the buffers' dependencies (pl_plan_loop_add_buffer_deps). */
static pl_plan_loop random_buffer_loop(gsl_rng *r, bool in_place)
{
    uint32_t n = draw(r, 2, 16), nb = draw(r, 1, 5);
    struct build b = build_new(n, draw(r, 1, 3));
    for (uint32_t c = 0; c < b.l.nclasses; c++)
        b.l.classes[c].units = draw(r, 1, 3);
    for (uint32_t o = 0; o < n; o++) {
        b.l.ops[o].latency = draw(r, 1, 20);
        b.l.ops[o].cls = draw(r, 0, b.l.nclasses - 1);
    }
    for (uint32_t k = draw(r, 0, n / 2); k > 0; k--) {
        uint32_t x = draw(r, 0, n - 1), y = draw(r, 0, n - 1);
        if (x != y)
            add_dep(&b, x < y ? x : y, x < y ? y : x, 0);
    }
    b.l.buffers = calloc(nb, sizeof *b.l.buffers);
    b.l.access = calloc((size_t)2 * n * nb, sizeof *b.l.access);
    assert_non_null(b.l.buffers);
    assert_non_null(b.l.access);
    b.l.nbuffers = nb;
    for (uint32_t k = 0; k < nb; k++)
        b.l.buffers[k].size = draw(r, 1, 64);
    for (uint32_t o = 0; o < n; o++)
        for (uint32_t k = 0; k < nb; k++) {
            bool rd = chance(r, 0.25), wr = chance(r, 0.2);
            if (rd && wr && !in_place)
                rd = false;
            if (rd)
                b.l.access[b.l.naccess++] = (pl_plan_access){o, k, false};
            if (wr)
                b.l.access[b.l.naccess++] = (pl_plan_access){o, k, true};
        }
    b.l.iterations = draw(r, 2, 20);
    assert_int_equal(pl_plan_loop_add_buffer_deps(&b.l), 0);
    return b.l;
}

/* Whether some op reads buffer k with no writer of k before it in program order, so
 * takes the previous iteration's value (pl_plan_loop_add_buffer_deps). */
static bool carried_read(const pl_plan_loop *l, uint32_t k)
{
    uint32_t first = UINT32_MAX;
    for (uint32_t a = 0; a < l->naccess; a++)
        if (l->access[a].buffer == k && l->access[a].write && l->access[a].op < first)
            first = l->access[a].op;
    for (uint32_t a = 0; a < l->naccess; a++)
        if (l->access[a].buffer == k && !l->access[a].write && l->access[a].op <= first)
            return true;
    return false;
}

/* One loop with random limits 0 (none) to 3 and a window of 0 (none) to 3: schedules it
 * with the version dependencies, best and plain, validates both against those
 * dependencies and the window, and checks the versions pl_plan_liveness counts.
 *
 * At most the limit v of a limited buffer b: the first writer of (b, i) waits for every
 * access to (b, i - v), so (b, i) starts after (b, i - v) ends, and so after (b, i - k v)
 * ends for every k >= 1; among any v + 1 instances two have iterations congruent mod v
 * (the value before the loop counting as iteration -1), and those do not overlap, so at
 * most v are live at once; colouring intervals in order of their start takes no more
 * colours than that. An accumulator (a first writer that reads the value it replaces)
 * waits for nothing of its own: the old value ends as it starts (models/plan/liveness.h).
 *
 * At most w versions with a window of w, w + 1 when b has a loop-carried read: iteration i
 * begins after i - w has ended, so at any time at most w consecutive iterations have begun
 * and not ended; instance (b, i) lives within iteration i, or, when iteration i + 1 reads
 * it, until a task of i + 1 ends at the latest, so one instance more may be live. */
static void check_versions(gsl_rng *r, const pl_plan_loop *l, uint32_t c)
{
    uint32_t *limit = calloc(l->nbuffers, sizeof *limit), w = draw(r, 0, 3);
    assert_non_null(limit);
    for (uint32_t k = 0; k < l->nbuffers; k++)
        limit[k] = draw(r, 0, 3);
    pl_plan_loop v = *l;
    assert_int_equal(pl_plan_version_deps(l, limit, &v.deps, &v.ndeps), 0);
    for (int plain = 0; plain < 2; plain++) {
        pl_plan_schedule s;
        pl_plan_options o = {.plain = plain, .window = w};
        snprintf(where, sizeof where,
                 "buffer loop %u (%u ops, %u buffers, %u iterations, window %u, %s)", c, l->nops,
                 l->nbuffers, l->iterations, w, plain ? "plain" : "best");
        assert_int_equal(pl_plan_schedule_loop(&v, &o, &s), 0);
        validate(&v, &s, w);
        pl_plan_memmap m;
        assert_int_equal(pl_plan_liveness(l, &s, &m), 0);
        for (uint32_t k = 0; k < l->nbuffers; k++) {
            if (limit[k] && !pl_plan_buffer_resident(l, k))
                check(m.versions[k] <= limit[k], "buffer %u: %u versions, limited to %u", k,
                      m.versions[k], limit[k]);
            if (w && !pl_plan_buffer_resident(l, k))
                check(m.versions[k] <= w + carried_read(l, k),
                      "buffer %u: %u versions, window %u, %s loop-carried read", k, m.versions[k],
                      w, carried_read(l, k) ? "a" : "no");
        }
        pl_plan_memmap_fini(&m);
        pl_plan_schedule_fini(&s);
    }
    free(v.deps);
    free(limit);
}

/* 300 loops with buffers, 150 with no op reading and writing one buffer, 150 with. */
static void test_version_limits(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(SEED_BUFFERS, "version limits");
    double t0 = seconds();
    for (uint32_t c = 0; c < NBUFFERS; c++) {
        pl_plan_loop l = random_buffer_loop(r, c % 2 == 1);
        check_versions(r, &l, c);
        pl_plan_loop_fini(&l);
    }
    print_message("%u loops with buffers; %.2f s\n", NBUFFERS, seconds() - t0);
    gsl_rng_free(r);
}

/* ---- Timing -------------------------------------------------------------------------------- */

/* A 100-task samepred DAG on 4 units: how long the best search and the plain rule take.
 * Printed, not asserted. */
static void test_timing(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(SEED_TIMING, "timing");
    pl_plan_loop l = random_dag(r, SAMEPRED, 100, 4);
    pl_plan_options ob = {0}, op = {.plain = true};
    pl_plan_schedule best, plain;
    double t0 = seconds();
    assert_int_equal(pl_plan_schedule_loop(&l, &ob, &best), 0);
    double t1 = seconds();
    assert_int_equal(pl_plan_schedule_loop(&l, &op, &plain), 0);
    double t2 = seconds();
    print_message("100 tasks on 4 units: best %.3f ms (%u schedules tried, makespan %g), plain "
                  "%.3f ms (makespan %g)\n",
                  1e3 * (t1 - t0), best.tried, best.makespan, 1e3 * (t2 - t1), plain.makespan);
    pl_plan_schedule_fini(&best);
    pl_plan_schedule_fini(&plain);
    pl_plan_loop_fini(&l);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validator),      cmocka_unit_test(test_random_dags),
        cmocka_unit_test(test_options),        cmocka_unit_test(test_random_loops),
        cmocka_unit_test(test_steady),         cmocka_unit_test(test_windows),
        cmocka_unit_test(test_window_by_hand), cmocka_unit_test(test_fill_pattern),
        cmocka_unit_test(test_cycle),          cmocka_unit_test(test_version_limits),
        cmocka_unit_test(test_timing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
