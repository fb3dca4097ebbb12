/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plan_loops.c — random plan loops (see plan_loops.h). Every dependency of distance 0 goes
 * from a lower op to a higher one, so index order is a topological order of those.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan_loops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- Drawing and timing ---- */

double pl_test_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

gsl_rng *pl_test_rng_new(unsigned long seed, const char *test)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed);
    print_message("%s: seed %lu (gsl mt19937)\n", test, seed);
    return r;
}

uint32_t pl_test_draw(gsl_rng *r, uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)gsl_rng_uniform_int(r, hi - lo + 1);
}

bool pl_test_chance(gsl_rng *r, double p)
{
    return gsl_rng_uniform(r) < p;
}

/* ---- Building loops ---- */

pl_test_build pl_test_build_new(uint32_t nops, uint32_t nclasses)
{
    pl_test_build b = {{0}, 16};
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

void pl_test_add_dep(pl_test_build *b, uint32_t src, uint32_t dst, uint32_t d)
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
static bool has_dep(const pl_test_build *b, uint32_t src, uint32_t dst)
{
    for (uint32_t k = 0; k < b->l.ndeps; k++)
        if (b->l.deps[k].src == src && b->l.deps[k].dst == dst && b->l.deps[k].distance == 0)
            return true;
    return false;
}

/* ---- Random loops ---- */

const char *const pl_test_shape_names[PL_TEST_NSHAPES] = {"sameprob", "samepred", "layrprob",
                                                          "layrpred"};

/* The edge generators draw over ops lo .. hi - 1 (ids in order). */

/* Every pair i < j is an edge with the same probability, 2 avg / (n - 1) for an average of
 * avg predecessors per task (n (n - 1) / 2 pairs, n tasks). */
static void gen_sameprob(pl_test_build *b, gsl_rng *r, uint32_t lo, uint32_t hi, double avg)
{
    double p = hi - lo > 1 ? 2 * avg / (hi - lo - 1) : 0;
    for (uint32_t j = lo; j < hi; j++)
        for (uint32_t i = lo; i < j; i++)
            if (pl_test_chance(r, p))
                pl_test_add_dep(b, i, j, 0);
}

/* Task j draws its number of predecessors uniformly in 0 .. 2 avg (at most j - lo), and
 * takes them uniformly among the tasks before it. */
static void gen_samepred(pl_test_build *b, gsl_rng *r, uint32_t lo, uint32_t hi, double avg)
{
    for (uint32_t j = lo + 1; j < hi; j++) {
        uint32_t k = pl_test_draw(r, 0, (uint32_t)(2 * avg)), n = 0;
        if (k > j - lo)
            k = j - lo;
        while (n < k) {
            uint32_t i = pl_test_draw(r, lo, j - 1);
            if (!has_dep(b, i, j)) {
                pl_test_add_dep(b, i, j, 0);
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
    uint32_t n = hi - lo, nl = n < 2 ? 1 : pl_test_draw(r, 2, n / 2 > 2 ? n / 2 : 2), k = 0;
    start[0] = lo;
    for (uint32_t j = lo; j < hi; j++) {
        /* Each layer has at least one task; a new layer begins with probability
         * (nl - 1) / (n - 1), so that there are nl layers on average. */
        if (j > lo && k + 1 < nl && pl_test_chance(r, (double)(nl - 1) / (n - 1)))
            start[++k] = j;
        layer[j - lo] = k;
    }
    start[k + 1] = hi;
    return k + 1;
}

/* Layered: each task j of layer k > 0 takes predecessors in layer k - 1 = [from, to).
 * layrprob joins it to each with the same probability, avg / (to - from), and to at
 * least one; layrpred draws 1 .. 2 avg of them. */
static void join_layer(pl_test_build *b, gsl_rng *r, bool prob, uint32_t j, uint32_t from,
                       uint32_t to, double avg)
{
    uint32_t n = 0;
    if (prob) {
        for (uint32_t i = from; i < to; i++)
            if (pl_test_chance(r, avg / (to - from))) {
                pl_test_add_dep(b, i, j, 0);
                n++;
            }
        if (n == 0)
            pl_test_add_dep(b, pl_test_draw(r, from, to - 1), j, 0);
        return;
    }
    uint32_t want = pl_test_draw(r, 1, (uint32_t)(2 * avg));
    if (want > to - from)
        want = to - from;
    while (n < want) {
        uint32_t i = pl_test_draw(r, from, to - 1);
        if (!has_dep(b, i, j)) {
            pl_test_add_dep(b, i, j, 0);
            n++;
        }
    }
}

static void gen_layered(pl_test_build *b, gsl_rng *r, bool prob, uint32_t lo, uint32_t hi,
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

static void gen_edges(pl_test_build *b, gsl_rng *r, pl_test_shape s, uint32_t lo, uint32_t hi,
                      double avg)
{
    switch (s) {
    case PL_TEST_SAMEPROB:
        gen_sameprob(b, r, lo, hi, avg);
        break;
    case PL_TEST_SAMEPRED:
        gen_samepred(b, r, lo, hi, avg);
        break;
    case PL_TEST_LAYRPROB:
        gen_layered(b, r, true, lo, hi, avg);
        break;
    default:
        gen_layered(b, r, false, lo, hi, avg);
        break;
    }
}

pl_plan_loop pl_test_random_dag(gsl_rng *r, pl_test_shape s, uint32_t n, uint32_t units)
{
    pl_test_build b = pl_test_build_new(n + 2, 1);
    b.l.classes[0].units = units;
    for (uint32_t o = 1; o <= n; o++)
        b.l.ops[o].latency = pl_test_draw(r, 1, 20);
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
            pl_test_add_dep(&b, 0, o, 0);
        if (!has_out[o])
            pl_test_add_dep(&b, o, n + 1, 0);
    }
    free(has_in);
    free(has_out);
    return b.l;
}

pl_plan_loop pl_test_random_loop(gsl_rng *r, uint32_t n, uint32_t carried, uint32_t iterations)
{
    pl_test_build b = pl_test_build_new(n, pl_test_draw(r, 2, PL_TEST_MAXCLS));
    for (uint32_t c = 0; c < b.l.nclasses; c++)
        b.l.classes[c].units = pl_test_draw(r, 1, 3);
    for (uint32_t o = 0; o < n; o++) {
        b.l.ops[o].latency = pl_test_chance(r, 0.1) ? 0 : pl_test_draw(r, 1, 20);
        b.l.ops[o].cls = pl_test_draw(r, 0, b.l.nclasses - 1);
    }
    gen_edges(&b, r, (pl_test_shape)pl_test_draw(r, 0, PL_TEST_NSHAPES - 1), 0, n,
              1 + 2 * gsl_rng_uniform(r));
    for (uint32_t k = carried; k > 0; k--)
        pl_test_add_dep(&b, pl_test_draw(r, 0, n - 1), pl_test_draw(r, 0, n - 1),
                        pl_test_draw(r, 1, 3));
    b.l.iterations = iterations;
    return b.l;
}

void pl_test_add_choices(gsl_rng *r, pl_plan_loop *l)
{
    for (uint32_t o = 0; o < l->nops; o++) {
        pl_plan_op *op = &l->ops[o];
        op->also = calloc(l->nclasses, sizeof *op->also);
        assert_non_null(op->also);
        for (uint32_t c = 0; c < l->nclasses && pl_test_chance(r, 0.5); c++)
            if (c != op->cls && pl_test_chance(r, 0.6))
                op->also[op->nalso++] = (pl_plan_alt){c, pl_test_draw(r, 1, 20)};
    }
    uint32_t nbuf = 0;
    for (uint32_t k = 0; k < l->ndeps; k++)
        nbuf += l->deps[k].distance == 0;
    l->buffers = calloc(nbuf + 1, sizeof *l->buffers);
    assert_non_null(l->buffers);
    for (uint32_t k = 0; k < l->ndeps; k++) {
        if (l->deps[k].distance != 0)
            continue;
        char name[32];
        snprintf(name, sizeof name, "b%u", l->nbuffers);
        l->buffers[l->nbuffers] = (pl_plan_buffer){strdup(name), pl_test_draw(r, 1, 4)};
        l->deps[k].kind = PL_PLAN_DEP_DATA;
        l->deps[k].buffer = (int32_t)l->nbuffers++;
    }
    l->ntransfers = pl_test_draw(r, 1, 2);
    l->transfers = calloc(l->ntransfers, sizeof *l->transfers);
    assert_non_null(l->transfers);
    for (uint32_t k = 0; k < l->ntransfers; k++) {
        pl_plan_transfer *x = &l->transfers[k];
        x->joins = calloc(l->nclasses, sizeof *x->joins);
        assert_non_null(x->joins);
        for (uint32_t c = 0; c < l->nclasses; c++)
            x->joins[c] = pl_test_chance(r, 0.7);
        x->latency = pl_test_draw(r, 0, 3);
        x->bandwidth = 1;
    }
}

/* Appends to a growing text. */
struct text {
    char *s;
    size_t n, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    while (t->n + (size_t)need + 1 > t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4096;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)need;
}

char *pl_test_loop_yaml(const pl_plan_loop *l)
{
    struct text y = {0};
    put(&y, "model: plan\nmachine: {}\nplan:\n  iterations: %u\n  units: {", l->iterations);
    for (uint32_t c = 0; c < l->nclasses; c++)
        put(&y, "%sc%u: %u", c ? ", " : "", c, l->classes[c].units);
    put(&y, "}\n");
    if (pl_plan_pipelined(l)) {
        put(&y, "  intervals: {");
        for (uint32_t c = 0, k = 0; c < l->nclasses; c++)
            if (l->classes[c].interval > 0)
                put(&y, "%sc%u: %gus", k++ ? ", " : "", c, l->classes[c].interval);
        put(&y, "}\n");
    }
    if (l->nbuffers) {
        put(&y, "  buffers: {");
        for (uint32_t b = 0; b < l->nbuffers; b++)
            put(&y, "%s%s: %gB", b ? ", " : "", l->buffers[b].name, l->buffers[b].size);
        put(&y, "}\n");
    }
    if (l->ntransfers) {
        put(&y, "  transfers:\n");
        for (uint32_t k = 0; k < l->ntransfers; k++) {
            put(&y, "    - {between: [");
            for (uint32_t c = 0, n = 0; c < l->nclasses; c++)
                if (l->transfers[k].joins[c])
                    put(&y, "%sc%u", n++ ? ", " : "", c);
            put(&y, "], latency: %gus, bandwidth: %gMB/s}\n", l->transfers[k].latency,
                l->transfers[k].bandwidth);
        }
    }
    put(&y, "  ops:\n");
    for (uint32_t o = 0; o < l->nops; o++) {
        const pl_plan_op *op = &l->ops[o];
        put(&y, "    - {name: o%u, unit: c%u, latency: %gus", o, op->cls, op->latency);
        for (uint32_t a = 0; a < op->nalso; a++)
            put(&y, "%s{unit: c%u, latency: %gus}", a ? ", " : ", also: [", op->also[a].cls,
                op->also[a].latency);
        put(&y, "%s", op->nalso ? "]" : "");
        const char *lists[] = {"reads", "writes", "after"};
        for (int w = 0; w < 3; w++) {
            put(&y, ", %s: [", lists[w]);
            for (uint32_t k = 0, n = 0; k < l->ndeps; k++) {
                const pl_plan_dep *d = &l->deps[k];
                bool data = d->kind == PL_PLAN_DEP_DATA;
                if (w == 0 && data && d->dst == o)
                    put(&y, "%s%s", n++ ? ", " : "", l->buffers[d->buffer].name);
                else if (w == 1 && data && d->src == o)
                    put(&y, "%s%s", n++ ? ", " : "", l->buffers[d->buffer].name);
                else if (w == 2 && !data && d->dst == o)
                    put(&y, "%s{op: o%u, distance: %u}", n++ ? ", " : "", d->src, d->distance);
            }
            put(&y, "]");
        }
        put(&y, "}\n");
    }
    return y.s;
}

void pl_test_add_choices_pipelined(gsl_rng *r, pl_plan_loop *l)
{
    pl_test_add_choices(r, l);
    for (uint32_t c = 0; c < l->nclasses; c++)
        l->classes[c].interval = pl_test_chance(r, 0.3) ? pl_test_draw(r, 1, 4) : 0;
}

void pl_test_each_random_loop(unsigned long seed, const char *what, uint32_t most, bool choices,
                              void (*fn)(const pl_plan_loop *l, uint32_t window, int k, void *ctx),
                              void *ctx)
{
    gsl_rng *r = pl_test_rng_new(seed, what);
    for (int k = 0; k < 48; k++) {
        pl_plan_loop l = pl_test_random_loop(r, pl_test_draw(r, 3, 10), pl_test_draw(r, 0, 3),
                                             pl_test_draw(r, 20, most));
        if (choices)
            pl_test_add_choices_pipelined(r, &l);
        for (uint32_t w = 0; w <= 2; w += 2)
            fn(&l, w, k, ctx);
        pl_plan_loop_fini(&l);
    }
    gsl_rng_free(r);
}
