/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * loop.c — the loop's units and the dependencies its buffers imply.
 */
#include "models/plan/loop.h"

#include <stdlib.h>
#include <string.h>

void pl_plan_loop_fini(pl_plan_loop *l)
{
    for (uint32_t i = 0; i < l->nops; i++) {
        free(l->ops[i].name);
        free(l->ops[i].also);
    }
    for (uint32_t i = 0; i < l->ntransfers; i++)
        free(l->transfers[i].joins);
    free(l->transfers);
    for (uint32_t i = 0; i < l->nclasses; i++)
        free(l->classes[i].name);
    for (uint32_t i = 0; i < l->nbuffers; i++)
        free(l->buffers[i].name);
    free(l->ops);
    free(l->classes);
    free(l->deps);
    free(l->buffers);
    free(l->access);
    *l = (pl_plan_loop){0};
}

bool pl_plan_pipelined(const pl_plan_loop *l)
{
    for (uint32_t c = 0; c < l->nclasses; c++)
        if (l->classes[c].interval > 0)
            return true;
    return false;
}

uint32_t pl_plan_unit_class(const pl_plan_loop *l, uint32_t u)
{
    uint32_t c = 0;
    while (c + 1 < l->nclasses && pl_plan_unit_first(l, c + 1) <= u)
        c++;
    return c;
}

uint32_t pl_plan_alt_of(const pl_plan_loop *l, uint32_t o, uint32_t c)
{
    const pl_plan_op *op = &l->ops[o];
    if (op->cls == c)
        return 0;
    for (uint32_t a = 0; a < op->nalso; a++)
        if (op->also[a].cls == c)
            return a + 1;
    return UINT32_MAX;
}

uint32_t *pl_plan_unit_classes(const pl_plan_loop *l)
{
    uint32_t *of = malloc(((size_t)pl_plan_unit_count(l) + 1) * sizeof *of);
    for (uint32_t c = 0, u = 0; of && c < l->nclasses; c++)
        for (uint32_t k = 0; k < l->classes[c].units; k++)
            of[u++] = c;
    return of;
}

double pl_plan_latency_on(const pl_plan_loop *l, uint32_t o, uint32_t c)
{
    uint32_t a = pl_plan_alt_of(l, o, c);
    return a == UINT32_MAX ? -1 : a == 0 ? l->ops[o].latency : l->ops[o].also[a - 1].latency;
}

double pl_plan_least_latency(const pl_plan_loop *l, uint32_t o)
{
    const pl_plan_op *op = &l->ops[o];
    double least = op->latency;
    for (uint32_t a = 0; a < op->nalso; a++)
        least = op->also[a].latency < least ? op->also[a].latency : least;
    return least;
}

double pl_plan_mean_latency(const pl_plan_loop *l, uint32_t o)
{
    const pl_plan_op *op = &l->ops[o];
    if (op->nalso == 0)
        return op->latency;
    double sum = op->latency * l->classes[op->cls].units, units = l->classes[op->cls].units;
    for (uint32_t a = 0; a < op->nalso; a++) {
        sum += op->also[a].latency * l->classes[op->also[a].cls].units;
        units += l->classes[op->also[a].cls].units;
    }
    return sum / units;
}

bool pl_plan_choices(const pl_plan_loop *l)
{
    for (uint32_t o = 0; o < l->nops; o++)
        if (l->ops[o].nalso > 0)
            return true;
    return l->ntransfers > 0;
}

double pl_plan_transfer_cost(const pl_plan_loop *l, const pl_plan_dep *e, uint32_t a, uint32_t b)
{
    if (e->kind != PL_PLAN_DEP_DATA || e->buffer < 0)
        return 0;
    for (uint32_t k = 0; k < l->ntransfers; k++) {
        const pl_plan_transfer *x = &l->transfers[k];
        if (x->joins[a] && x->joins[b])
            return x->latency + l->buffers[e->buffer].size / x->bandwidth;
    }
    return 0;
}

/* The i-th class that may run op (its own first). */
static uint32_t alt_class(const pl_plan_op *op, uint32_t i)
{
    return i == 0 ? op->cls : op->also[i - 1].cls;
}

double pl_plan_mean_transfer(const pl_plan_loop *l, const pl_plan_dep *e)
{
    if (l->ntransfers == 0 || e->kind != PL_PLAN_DEP_DATA || e->buffer < 0)
        return 0;
    const pl_plan_op *src = &l->ops[e->src], *dst = &l->ops[e->dst];
    double sum = 0, pairs = 0;
    for (uint32_t i = 0; i <= src->nalso; i++)
        for (uint32_t j = 0; j <= dst->nalso; j++) {
            uint32_t a = alt_class(src, i), b = alt_class(dst, j);
            double ua = l->classes[a].units, ub = l->classes[b].units;
            /* Ordered pairs of different units: within one class, a unit and each other. */
            double n = a == b ? ua * (ub - 1) : ua * ub;
            sum += n * pl_plan_transfer_cost(l, e, a, b);
            pairs += n;
        }
    return pairs > 0 ? sum / pairs : 0;
}

uint32_t pl_plan_unit_first(const pl_plan_loop *l, uint32_t cls)
{
    uint32_t first = 0;
    for (uint32_t c = 0; c < cls; c++)
        first += l->classes[c].units;
    return first;
}

uint32_t pl_plan_unit_count(const pl_plan_loop *l)
{
    return pl_plan_unit_first(l, l->nclasses);
}

bool pl_plan_buffer_resident(const pl_plan_loop *l, uint32_t b)
{
    for (uint32_t a = 0; a < l->naccess; a++)
        if (l->access[a].buffer == b && l->access[a].write)
            return false;
    return true;
}

int pl_plan_group(uint32_t n, uint32_t m, const uint32_t *key, uint32_t **first, uint32_t **list)
{
    *first = calloc((size_t)n + 2, sizeof **first);
    *list = malloc(((size_t)m + 1) * sizeof **list);
    if (!*first || !*list)
        return PL_ENOMEM;
    for (uint32_t e = 0; e < m; e++)
        (*first)[key[e] + 2]++;
    for (uint32_t k = 0; k < n; k++)
        (*first)[k + 2] += (*first)[k + 1];
    for (uint32_t e = 0; e < m; e++) /* first[k + 1] fills group k, and ends as its end */
        (*list)[(*first)[key[e] + 1]++] = e;
    return 0;
}

int pl_plan_dep_index(const pl_plan_loop *l, bool by_dst, uint32_t **first, uint32_t **list)
{
    uint32_t *key = malloc(((size_t)l->ndeps + 1) * sizeof *key);
    if (!key) {
        *first = *list = NULL;
        return PL_ENOMEM;
    }
    for (uint32_t k = 0; k < l->ndeps; k++)
        key[k] = by_dst ? l->deps[k].dst : l->deps[k].src;
    int rc = pl_plan_group(l->nops, l->ndeps, key, first, list);
    free(key);
    return rc;
}

static int push_dep(pl_plan_loop *l, uint32_t *cap, pl_plan_dep dep)
{
    if (l->ndeps == *cap) {
        uint32_t ncap = *cap ? 2 * *cap : 16;
        pl_plan_dep *v = realloc(l->deps, ncap * sizeof *v);
        if (!v)
            return PL_ENOMEM;
        l->deps = v;
        *cap = ncap;
    }
    l->deps[l->ndeps++] = dep;
    return 0;
}

/* Whether op o writes buffer b. */
static bool writes(const pl_plan_loop *l, uint32_t o, uint32_t b)
{
    for (uint32_t a = 0; a < l->naccess; a++)
        if (l->access[a].op == o && l->access[a].buffer == b && l->access[a].write)
            return true;
    return false;
}

/* Whether op o reads buffer b. */
static bool reads(const pl_plan_loop *l, uint32_t o, uint32_t b)
{
    for (uint32_t a = 0; a < l->naccess; a++)
        if (l->access[a].op == o && l->access[a].buffer == b && !l->access[a].write)
            return true;
    return false;
}

static int buffer_deps(pl_plan_loop *l, uint32_t b, uint32_t *cap)
{
    uint32_t prev_writer = UINT32_MAX;
    for (uint32_t o = 0; o < l->nops; o++) {
        if (reads(l, o, b)) {
            /* Writers before o in program order give this iteration's value; with none,
             * o reads what the previous iteration left. */
            bool before = prev_writer != UINT32_MAX;
            for (uint32_t w = 0; w < (before ? o : l->nops); w++) {
                if (!writes(l, w, b))
                    continue;
                pl_plan_dep dep = {w, o, before ? 0 : 1, PL_PLAN_DEP_DATA, (int32_t)b};
                if (push_dep(l, cap, dep))
                    return PL_ENOMEM;
            }
        }
        if (writes(l, o, b)) {
            if (prev_writer != UINT32_MAX) {
                pl_plan_dep dep = {prev_writer, o, 0, PL_PLAN_DEP_DATA, (int32_t)b};
                if (push_dep(l, cap, dep))
                    return PL_ENOMEM;
            }
            prev_writer = o;
        }
    }
    return 0;
}

int pl_plan_loop_add_buffer_deps(pl_plan_loop *l)
{
    uint32_t cap = l->ndeps;
    for (uint32_t b = 0; b < l->nbuffers; b++) {
        int rc = buffer_deps(l, b, &cap);
        if (rc)
            return rc;
    }
    return 0;
}

/* A min-heap of op indices: the smallest ready op comes out first. */
static void heap_push(uint32_t *h, uint32_t *n, uint32_t v)
{
    uint32_t i = (*n)++;
    for (; i > 0 && h[(i - 1) / 2] > v; i = (i - 1) / 2)
        h[i] = h[(i - 1) / 2];
    h[i] = v;
}

static uint32_t heap_pop(uint32_t *h, uint32_t *n)
{
    uint32_t top = h[0], last = h[--*n], i = 0;
    for (uint32_t c; (c = 2 * i + 1) < *n; i = c) {
        if (c + 1 < *n && h[c + 1] < h[c])
            c++;
        if (h[c] >= last)
            break;
        h[i] = h[c];
    }
    h[i] = last;
    return top;
}

int pl_plan_topo_order(const pl_plan_loop *l, uint32_t *order)
{
    size_t n1 = (size_t)l->nops + 1;
    uint32_t *indeg = calloc(n1, sizeof *indeg), *heap = malloc(n1 * sizeof *heap);
    uint32_t *first = NULL, *out = NULL;
    int n = indeg && heap ? pl_plan_dep_index(l, false, &first, &out) : PL_ENOMEM;
    if (n == 0) {
        for (uint32_t k = 0; k < l->ndeps; k++)
            indeg[l->deps[k].dst] += l->deps[k].distance == 0;
        uint32_t nheap = 0;
        for (uint32_t o = 0; o < l->nops; o++)
            if (indeg[o] == 0)
                heap_push(heap, &nheap, o);
        while (nheap) {
            uint32_t o = heap_pop(heap, &nheap);
            order[n++] = (uint32_t)o;
            for (uint32_t j = first[o]; j < first[o + 1]; j++) {
                const pl_plan_dep *e = &l->deps[out[j]];
                if (e->distance == 0 && --indeg[e->dst] == 0)
                    heap_push(heap, &nheap, e->dst);
            }
        }
    }
    free(indeg);
    free(heap);
    free(first);
    free(out);
    return n;
}

/* Whether op o reads b's value of the previous iteration: it reads b and no writer of b
 * comes before it in program order. */
static bool carried_read(const pl_plan_loop *l, uint32_t o, uint32_t b)
{
    if (!reads(l, o, b))
        return false;
    for (uint32_t w = 0; w < o; w++)
        if (writes(l, w, b))
            return false;
    return true;
}

static int version_deps(pl_plan_loop *l, uint32_t b, uint32_t v, uint32_t *cap)
{
    uint32_t first = 0;
    while (first < l->nops && !writes(l, first, b))
        first++;
    if (first == l->nops)
        return 0; /* resident: never rewritten */
    for (uint32_t x = 0; x < l->nops; x++) {
        bool carried = carried_read(l, x, b);
        bool same = writes(l, x, b) || (reads(l, x, b) && !carried);
        /* Iteration i's first writer reuses the copy of iteration i - v: it waits for that
         * copy's writers and readers (of iteration i - v), and its carried readers (of
         * iteration i - v + 1). */
        if (same && !(v == 0 && x == first)) {
            pl_plan_dep dep = {x, first, v, PL_PLAN_DEP_MEMORY, (int32_t)b};
            if (push_dep(l, cap, dep))
                return PL_ENOMEM;
        }
        if (carried && !(v == 1 && x == first)) {
            pl_plan_dep dep = {x, first, v - 1, PL_PLAN_DEP_MEMORY, (int32_t)b};
            if (push_dep(l, cap, dep))
                return PL_ENOMEM;
        }
    }
    return 0;
}

int pl_plan_version_deps(const pl_plan_loop *l, const uint32_t *versions, pl_plan_dep **deps,
                         uint32_t *ndeps)
{
    pl_plan_loop tmp = *l;
    uint32_t cap = l->ndeps + 1;
    tmp.deps = malloc(cap * sizeof *tmp.deps);
    if (!tmp.deps)
        return PL_ENOMEM;
    if (l->ndeps > 0) /* a loop without dependencies may have no array at all */
        memcpy(tmp.deps, l->deps, l->ndeps * sizeof *tmp.deps);
    for (uint32_t b = 0; b < l->nbuffers; b++)
        if (versions && versions[b] && version_deps(&tmp, b, versions[b], &cap)) {
            free(tmp.deps);
            return PL_ENOMEM;
        }
    *deps = tmp.deps;
    *ndeps = tmp.ndeps;
    return 0;
}
