/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bounds.c — ResMII, RecMII, the critical path and the resource bounds of a
 * loop.
 *
 * RecMII is the maximum cycle ratio of the op graph, where a dependency src -> dst
 * of distance d weighs lat(src) and d. It is found exactly by cycle improvement:
 * with lambda the best ratio found so far (0 at first), Bellman-Ford on the weights
 * lat(src) - lambda d looks for a cycle of positive weight; one exists exactly when
 * some cycle's ratio exceeds lambda, and its own ratio, computed from its ops,
 * becomes the new lambda. Each round strictly raises lambda to the ratio of a real
 * cycle, so the rounds end, and the last cycle found is the one reported.
 *
 * The critical path is computed over the unrolled iterations, keeping for each op
 * only the finish times of the last (largest distance + 1) iterations.
 */
#include "models/plan/bounds.h"
#include "sim/common/units.h"
#include "sim/measure/extrema.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pl_plan_bounds_fini(pl_plan_bounds *b)
{
    free(b->cycle);
    b->cycle = NULL;
    b->ncycle = 0;
}

/* ---- Cycles of distance 0 ----------------------------------------------------------- */

/* Rotates a cycle of ops so that it starts at its first op in program order. */
static void rotate_to_first(uint32_t *cyc, uint32_t n)
{
    uint32_t low = 0;
    for (uint32_t i = 1; i < n; i++)
        low = cyc[i] < cyc[low] ? i : low;
    for (uint32_t r = 0; r < low; r++) {
        uint32_t first = cyc[0];
        memmove(cyc, cyc + 1, (n - 1) * sizeof *cyc);
        cyc[n - 1] = first;
    }
}

/* Walks back from op v along distance-0 dependencies whose source is `left` (not
 * ordered) until an op repeats; writes the cycle in dependency order into cyc. Every op
 * left has such a dependency, so the walk never stops short. */
static uint32_t walk_cycle(const pl_plan_loop *l, const bool *left, uint32_t v, uint32_t *cyc,
                           uint32_t *seen_at)
{
    uint32_t n = 0;
    for (uint32_t o = 0; o < l->nops; o++)
        seen_at[o] = UINT32_MAX;
    while (seen_at[v] == UINT32_MAX) {
        seen_at[v] = n;
        cyc[n++] = v;
        for (uint32_t k = 0; k < l->ndeps; k++)
            if (l->deps[k].distance == 0 && l->deps[k].dst == v && left[l->deps[k].src]) {
                v = l->deps[k].src;
                break;
            }
    }
    /* cyc[seen_at[v] ..] walked backwards from v: reverse it into dependency order. */
    uint32_t from = seen_at[v], len = n - from;
    for (uint32_t i = 0; i < len / 2; i++) {
        uint32_t t = cyc[from + i];
        cyc[from + i] = cyc[n - 1 - i];
        cyc[n - 1 - i] = t;
    }
    memmove(cyc, cyc + from, len * sizeof *cyc);
    rotate_to_first(cyc, len);
    return len;
}

/* How op a waits for op b in the same iteration, for a cycle's description: "data A"
 * (the buffer it reads), "after" or "memory". */
static const char *dep_kind(const pl_plan_loop *l, uint32_t a, uint32_t b, char *out, size_t len)
{
    for (uint32_t k = 0; k < l->ndeps; k++) {
        const pl_plan_dep *dep = &l->deps[k];
        if (dep->distance != 0 || dep->src != a || dep->dst != b)
            continue;
        if (dep->kind == PL_PLAN_DEP_DATA && dep->buffer >= 0)
            snprintf(out, len, "data %s", l->buffers[dep->buffer].name);
        else
            snprintf(out, len, "%s", dep->kind == PL_PLAN_DEP_AFTER ? "after" : "memory");
        return out;
    }
    return "?";
}

uint32_t pl_plan_check_cycles(const pl_plan_loop *l, char *buf, size_t len)
{
    size_t n1 = (size_t)l->nops + 1;
    uint32_t *order = malloc(n1 * sizeof *order), *cyc = malloc(n1 * sizeof *cyc),
             *seen = malloc(n1 * sizeof *seen);
    bool *left = malloc(n1 * sizeof *left);
    uint32_t ncyc = 0;
    int n = order && cyc && seen && left ? pl_plan_topo_order(l, order) : PL_ENOMEM;
    if (n >= 0 && (uint32_t)n < l->nops) {
        for (uint32_t o = 0; o < l->nops; o++)
            left[o] = true;
        for (int i = 0; i < n; i++)
            left[order[i]] = false;
        uint32_t v = 0;
        while (!left[v])
            v++;
        ncyc = walk_cycle(l, left, v, cyc, seen);
        size_t at = 0;
        buf[0] = '\0';
        for (uint32_t i = 0; i <= ncyc && at < len; i++) {
            char kind[160];
            if (i > 0)
                at += (size_t)snprintf(buf + at, len - at, " -(%s)-> ",
                                       dep_kind(l, cyc[i - 1], cyc[i % ncyc], kind, sizeof kind));
            if (at < len)
                at += (size_t)snprintf(buf + at, len - at, "%s", l->ops[cyc[i % ncyc]].name);
        }
    }
    free(order);
    free(cyc);
    free(seen);
    free(left);
    return ncyc;
}

/* ---- RecMII ----------------------------------------------------------------------- */

struct ratio_search {
    const pl_plan_loop *l;
    const double *lat; /* per op: its least latency (pl_plan_least_latency) */
    double *dist;
    uint32_t *pred; /* the dependency that last raised dist[op] */
    uint32_t *cyc;
    double eps;
};

/* Bellman-Ford for the longest paths under weights lat(src) - lambda d, from every op at
 * once. Returns an op on a cycle of positive weight, or UINT32_MAX when there is none. */
static uint32_t positive_cycle(struct ratio_search *s, double lambda)
{
    const pl_plan_loop *l = s->l;
    uint32_t last = UINT32_MAX;
    for (uint32_t o = 0; o < l->nops; o++) {
        s->dist[o] = 0;
        s->pred[o] = UINT32_MAX;
    }
    for (uint32_t round = 0; round <= l->nops; round++) {
        last = UINT32_MAX;
        for (uint32_t k = 0; k < l->ndeps; k++) {
            const pl_plan_dep *e = &l->deps[k];
            double w = s->lat[e->src] - lambda * e->distance;
            if (s->dist[e->src] + w > s->dist[e->dst] + s->eps) {
                s->dist[e->dst] = s->dist[e->src] + w;
                s->pred[e->dst] = k;
                last = e->dst;
            }
        }
        if (last == UINT32_MAX)
            return UINT32_MAX;
    }
    /* Still raising after nops rounds: nops steps back along pred land on the cycle. */
    for (uint32_t i = 0; i < l->nops; i++)
        last = l->deps[s->pred[last]].src;
    return last;
}

/* The cycle through op v along pred, in dependency order, into s->cyc; its latency and
 * distance. */
static uint32_t trace_cycle(struct ratio_search *s, uint32_t v, double *lat, uint32_t *dist)
{
    uint32_t n = 0, o = v;
    *lat = 0;
    *dist = 0;
    do {
        const pl_plan_dep *e = &s->l->deps[s->pred[o]];
        s->cyc[n++] = e->src;
        *lat += s->lat[e->src];
        *dist += e->distance;
        o = e->src;
    } while (o != v && n <= s->l->nops);
    for (uint32_t i = 0; i < n / 2; i++) {
        uint32_t t = s->cyc[i];
        s->cyc[i] = s->cyc[n - 1 - i];
        s->cyc[n - 1 - i] = t;
    }
    rotate_to_first(s->cyc, n);
    return n;
}

static int rec_mii(const pl_plan_loop *l, const double *least, pl_plan_bounds *b)
{
    size_t n1 = (size_t)l->nops + 1;
    struct ratio_search s = {l,
                             least,
                             malloc(n1 * sizeof(double)),
                             malloc(n1 * sizeof(uint32_t)),
                             malloc(n1 * sizeof(uint32_t)),
                             0};
    int rc = s.dist && s.pred && s.cyc ? 0 : PL_ENOMEM;
    double total = 0;
    for (uint32_t o = 0; o < l->nops; o++)
        total += least[o];
    s.eps = 1e-12 * fmax(total, 1e-300);
    double lambda = 0;
    for (uint32_t v; !rc && (v = positive_cycle(&s, lambda)) != UINT32_MAX;) {
        double lat;
        uint32_t dist, n = trace_cycle(&s, v, &lat, &dist);
        if (dist == 0 || !(lat / dist > lambda))
            break; /* rounding: no cycle is measurably better */
        lambda = lat / dist;
        free(b->cycle);
        b->cycle = malloc(n * sizeof *b->cycle);
        if (!b->cycle) {
            rc = PL_ENOMEM;
            break;
        }
        memcpy(b->cycle, s.cyc, n * sizeof *b->cycle);
        b->ncycle = n;
        b->cycle_latency = lat;
        b->cycle_distance = dist;
    }
    b->rec_mii = lambda;
    free(s.dist);
    free(s.pred);
    free(s.cyc);
    return rc;
}

/* ---- Makespan bounds ---------------------------------------------------------------- */

/* The longest chain through all iterations; head[o] (t-level in iteration 0) and tail[o]
 * (what follows o in the last iteration) from the distance-0 dependencies. */
static int chains(const pl_plan_loop *l, const double *least, const uint32_t *order, double *head,
                  double *tail, double *cp)
{
    uint32_t span = 1, *in_first = NULL, *in = NULL;
    for (uint32_t k = 0; k < l->ndeps; k++)
        span = l->deps[k].distance + 1 > span ? l->deps[k].distance + 1 : span;
    if (span > l->iterations)
        span = l->iterations;
    /* ring[(i % span) * nops + o]: when task (o, i) ends at the earliest. */
    double *ring = malloc((size_t)span * l->nops * sizeof *ring + 1);
    int rc = ring ? pl_plan_dep_index(l, true, &in_first, &in) : PL_ENOMEM;
    *cp = 0;
    for (uint32_t i = 0; !rc && i < l->iterations; i++)
        for (uint32_t j = 0; j < l->nops; j++) {
            uint32_t o = order[j];
            double start = 0;
            for (uint32_t k = in_first[o]; k < in_first[o + 1]; k++) {
                const pl_plan_dep *e = &l->deps[in[k]];
                if (e->distance <= i)
                    start = pl_max(start, ring[((i - e->distance) % span) * l->nops + e->src]);
            }
            if (i == 0)
                head[o] = start;
            ring[(i % span) * l->nops + o] = start + least[o];
            *cp = pl_max(*cp, start + least[o]);
        }
    for (uint32_t j = l->nops; !rc && j-- > 0;)
        tail[order[j]] = 0;
    for (uint32_t j = l->nops; !rc && j-- > 0;) {
        /* Every op after order[j] has its tail: push it to order[j]'s sources. */
        uint32_t o = order[j];
        for (uint32_t k = in_first[o]; k < in_first[o + 1]; k++) {
            const pl_plan_dep *e = &l->deps[in[k]];
            if (e->distance == 0)
                tail[e->src] = fmax(tail[e->src], least[o] + tail[o]);
        }
    }
    free(ring);
    free(in_first);
    free(in);
    return rc;
}

/* x rounded up to an integer, within a rounding error; 0 stays 0 (the ceiling of the
 * small negative 0 - 1e-9 would be -0, which prints as "-0 s"). */
static double round_up(double x)
{
    double r = ceil(x - 1e-9 * fmax(1, fabs(x)));
    return r == 0 ? 0 : r;
}

/* A set of classes: bit c of `set` for class c, or where `set` is 0 the one class `one`
 * (any class, also beyond the 32 a mask holds: a loop with no choices may have more). */
struct classes {
    uint32_t set, one;
};

static bool in(struct classes k, uint32_t c)
{
    return k.set ? c < 32 && (k.set >> c & 1u) : c == k.one;
}

/* What the ops that only classes in k may run hold those classes' units for: w per
 * iteration, on p units; head, the earliest any of them can start; tail, the least time
 * from the end of one's hold to the loop's end (its flight, then what depends on it). Each
 * op counts its least hold and its least flight over the classes that may run it. */
struct held {
    double w, p, head, tail;
};

static bool runs_within(const pl_plan_loop *l, uint32_t o, struct classes k)
{
    const pl_plan_op *op = &l->ops[o];
    bool within = in(k, op->cls);
    for (uint32_t a = 0; within && a < op->nalso; a++)
        within = in(k, op->also[a].cls);
    return within;
}

static struct held held_within(const pl_plan_loop *l, const double *head, const double *tail,
                               struct classes k)
{
    struct held h = {0, 0, INFINITY, INFINITY};
    for (uint32_t c = 0; c < l->nclasses; c++)
        h.p += in(k, c) ? l->classes[c].units : 0;
    for (uint32_t o = 0; o < l->nops; o++) {
        if (!runs_within(l, o, k))
            continue;
        const pl_plan_op *op = &l->ops[o];
        double hold = pl_plan_hold(&l->classes[op->cls], op->latency), flight = op->latency - hold;
        for (uint32_t a = 0; a < op->nalso; a++) {
            double x = pl_plan_hold(&l->classes[op->also[a].cls], op->also[a].latency);
            hold = fmin(hold, x);
            flight = fmin(flight, op->also[a].latency - x);
        }
        h.w += hold;
        h.head = fmin(h.head, head[o]);
        h.tail = fmin(h.tail, flight + tail[o]);
    }
    return h;
}

/* Takes the bounds of the ops that only classes k may run into b where larger; class 0
 * alone sets ResMII first (which stays at it when no class has work). */
static void set_bounds(const pl_plan_loop *l, const double *head, const double *tail,
                       struct classes k, pl_plan_bounds *b)
{
    struct held h = held_within(l, head, tail, k);
    if (!isfinite(h.head))
        return; /* no op runs within the set */
    double per = h.w / h.p, bound = h.head + l->iterations * per + h.tail;
    uint32_t lowest = k.set ? (uint32_t)__builtin_ctz(k.set) : k.one;
    if (per > b->res_mii || (!k.set && k.one == 0)) {
        b->res_mii = per;
        b->res_set = k.set;
        b->res_class = lowest;
    }
    if (bound > b->resource) {
        b->resource = bound;
        b->resource_set = k.set;
        b->resource_class = lowest;
    }
}

/* ResMII and the resource bound: over each class alone (which is all where every op has
 * one class), and where ops may run on several, over every set of classes too (the ops
 * that only the set's classes may run share its units), or with more than
 * PL_PLAN_ALL_SETS classes over each op's own set and the set of all. */
static void resource_bounds(const pl_plan_loop *l, const double *least, const double *head,
                            const double *tail, pl_plan_bounds *b)
{
    b->res_mii = b->resource = b->work = 0;
    b->res_set = b->resource_set = 0; /* class 0 alone until another class or set binds */
    b->res_class = b->resource_class = 0;
    bool choices = false;
    for (uint32_t c = 0; c < l->nclasses; c++) { /* class by class, each op in its own */
        double w = 0;
        for (uint32_t o = 0; o < l->nops; o++)
            w += l->ops[o].cls == c ? least[o] : 0;
        b->work += w * l->iterations;
    }
    for (uint32_t o = 0; o < l->nops; o++)
        choices = choices || l->ops[o].nalso > 0;
    for (uint32_t c = 0; c < l->nclasses; c++)
        set_bounds(l, head, tail, (struct classes){0, c}, b);
    if (!choices) /* loops with choices have at most 32 classes (plan.c) */
        return;
    uint32_t all = l->nclasses >= 32 ? UINT32_MAX : (1u << l->nclasses) - 1;
    if (l->nclasses <= PL_PLAN_ALL_SETS) {
        for (uint32_t set = 1; set <= all; set++)
            if (pl_plan_classes_several(set))
                set_bounds(l, head, tail, (struct classes){set, 0}, b);
        return;
    }
    for (uint32_t o = 0; o < l->nops; o++) {
        uint32_t set = 1u << l->ops[o].cls;
        for (uint32_t a = 0; a < l->ops[o].nalso; a++)
            set |= 1u << l->ops[o].also[a].cls;
        set_bounds(l, head, tail, (struct classes){set, 0}, b);
    }
    set_bounds(l, head, tail, (struct classes){all, 0}, b);
}

int pl_plan_bounds_compute(const pl_plan_loop *l, pl_plan_bounds *out)
{
    *out = (pl_plan_bounds){0};
    size_t n1 = (size_t)l->nops + 1;
    uint32_t *order = malloc(n1 * sizeof *order);
    double *head = malloc(n1 * sizeof *head), *tail = malloc(n1 * sizeof *tail);
    double *least = malloc(n1 * sizeof *least); /* per op: what the bounds count */
    int rc = order && head && tail && least ? pl_plan_topo_order(l, order) : PL_ENOMEM;
    if (rc >= 0)
        rc = (uint32_t)rc == l->nops ? 0 : PL_EINVAL;
    for (uint32_t o = 0; !rc && o < l->nops; o++)
        least[o] = pl_plan_least_latency(l, o);
    if (!rc)
        rc = chains(l, least, order, head, tail, &out->critical_path);
    if (!rc)
        rc = rec_mii(l, least, out);
    if (!rc) {
        resource_bounds(l, least, head, tail, out);
        out->integral = true;
        for (uint32_t o = 0; o < l->nops; o++) {
            const pl_plan_op *op = &l->ops[o];
            out->integral = out->integral && op->latency == floor(op->latency);
            for (uint32_t a = 0; a < op->nalso; a++)
                out->integral = out->integral && op->also[a].latency == floor(op->also[a].latency);
        }
        for (uint32_t c = 0; c < l->nclasses; c++)
            out->integral =
                out->integral && l->classes[c].interval == floor(l->classes[c].interval);
        if (out->integral)
            out->resource = round_up(out->resource);
        out->mii = fmax(out->res_mii, out->rec_mii);
        out->makespan = fmax(out->critical_path, out->resource);
    }
    free(order);
    free(head);
    free(tail);
    free(least);
    if (rc)
        pl_plan_bounds_fini(out);
    return rc;
}

const char *pl_plan_classes_name(const pl_plan_loop *l, uint32_t set, uint32_t one, char *buf,
                                 size_t len)
{
    if (!pl_plan_classes_several(set)) {
        snprintf(buf, len, "class %s", l->classes[one].name);
        return buf;
    }
    size_t at = (size_t)snprintf(buf, len, "classes ");
    for (uint32_t c = 0, k = 0; c < l->nclasses && c < 32 && at < len; c++)
        if (set >> c & 1u)
            at += (size_t)snprintf(buf + at, len - at, "%s%s", k++ ? ", " : "", l->classes[c].name);
    return buf;
}

uint32_t pl_plan_classes_units(const pl_plan_loop *l, uint32_t set, uint32_t one)
{
    uint32_t n = 0;
    for (uint32_t c = 0; pl_plan_classes_several(set) && c < l->nclasses && c < 32; c++)
        n += (set >> c & 1u) ? l->classes[c].units : 0;
    return pl_plan_classes_several(set) ? n : l->classes[one].units;
}

const char *pl_plan_res_mii_text(const pl_plan_loop *l, const pl_plan_bounds *b, char *buf,
                                 size_t len)
{
    char set[256];
    uint32_t units = pl_plan_classes_units(l, b->res_set, b->res_class);
    snprintf(buf, len, "%s %s %s of work per iteration on %u unit%s",
             pl_plan_classes_name(l, b->res_set, b->res_class, set, sizeof set),
             pl_plan_classes_several(b->res_set) ? "have" : "has", PL_TIME_TEXT(b->res_mii * units),
             units, units == 1 ? "" : "s");
    return buf;
}
