/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * liveness.c — when each buffer instance of a scheduled loop is live, and which tasks
 * access it. pl_plan_liveness runs the whole computation, pl_plan_footprint all of it but
 * the reuse list and the most bytes live (what a search compares of a map needs neither);
 * its second half, which physical copy of its buffer holds each instance and at which
 * offset of the memory, is in placement.c. The two files are one module behind liveness.h
 * and share the working state in liveness_work.h.
 *
 * An instance lives from its first writer's start to its last access's end, except that an
 * op that reads the previous iteration's value and writes the buffer (an accumulator) is
 * done with the old value when it starts: it updates the buffer in place, so an
 * accumulator needs one version, not two.
 *
 * Invariant: buffer b's instances are out->inst[first[b], first[b + 1]), iteration -1
 * first, and its accessors are ops[at, at + nw + nc + ns) of its roles: writers, then
 * loop-carried readers, then readers of their own iteration, each group in program order.
 *
 * Cost: O(A log A) for the A accesses, O(I log I) for the I instances (their order, the
 * colouring, the sweep for max_live), O(P^2) for the P physical buffers (placement and the
 * reuse between them), plus sorting the reuse list.
 */
#include "models/plan/liveness_work.h"
#include "models/plan/planned.h"
#include "models/plan/sort.h"
#include "sim/common/array.h"
#include "sim/common/error.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Buffer b's accessors, distinct ops in program order: ops[at .. at + nw) write it; the
 * next nc read the previous iteration's value (no writer comes before them, see
 * pl_plan_loop_add_buffer_deps); the next ns read the value of their own iteration. */
struct roles {
    uint32_t at, nw, nc, ns;
};

/* ---- Who accesses each buffer ---- */

static int cmp_access(const void *a, const void *b)
{
    const pl_plan_access *x = a, *y = b;
    if (x->buffer != y->buffer)
        return x->buffer < y->buffer ? -1 : 1;
    if (x->op != y->op)
        return x->op < y->op ? -1 : 1;
    return (int)x->write - (int)y->write;
}

/* The distinct ops of acc[0 .. n) (sorted by op) that write, or read, into out; returns
 * how many. */
static uint32_t distinct_ops(const pl_plan_access *acc, uint32_t n, bool write, uint32_t *out)
{
    uint32_t k = 0;
    for (uint32_t a = 0; a < n; a++)
        if (acc[a].write == write && (k == 0 || out[k - 1] != acc[a].op))
            out[k++] = acc[a].op;
    return k;
}

/* Fills w->roles and w->ops from the loop's accesses, sorted by buffer and op. */
static int find_roles(struct work *w)
{
    const pl_plan_loop *l = w->l;
    pl_plan_access *acc = zalloc(l->naccess, sizeof *acc);
    w->roles = zalloc(l->nbuffers, sizeof *w->roles);
    w->ops = zalloc(l->naccess, sizeof *w->ops);
    if (!acc || !w->roles || !w->ops) {
        free(acc);
        return PL_ENOMEM;
    }
    if (l->naccess)
        memcpy(acc, l->access, l->naccess * sizeof *acc);
    qsort(acc, l->naccess, sizeof *acc, cmp_access);
    uint32_t a = 0, at = 0;
    for (uint32_t b = 0; b < l->nbuffers; b++) {
        uint32_t n = 0;
        while (a + n < l->naccess && acc[a + n].buffer == b)
            n++;
        struct roles *r = &w->roles[b];
        r->at = at;
        r->nw = distinct_ops(acc + a, n, true, w->ops + at);
        uint32_t nr = distinct_ops(acc + a, n, false, w->ops + at + r->nw);
        /* Readers come in program order: those up to the first writer (itself included)
         * have no writer before them. */
        const uint32_t *rd = w->ops + at + r->nw;
        uint32_t fw = r->nw ? w->ops[at] : NONE;
        while (r->nc < nr && rd[r->nc] <= fw)
            r->nc++;
        r->ns = nr - r->nc;
        at += r->nw + nr;
        a += n;
    }
    assert(a == l->naccess);
    free(acc);
    return 0;
}

/* ---- Lifetimes ---- */

/* How many instances buffer b has: one when it is resident (read, never written), one per
 * iteration when written, and one more for the value before the loop that loop-carried
 * reads of iteration 0 take. */
static uint64_t instances_of(const struct work *w, uint32_t b)
{
    const struct roles *r = &w->roles[b];
    if (r->nw == 0)
        return r->nc > 0;
    return (uint64_t)w->l->iterations + (r->nc > 0);
}

static const pl_plan_slot *slot(const struct work *w, uint32_t op, uint32_t iter)
{
    size_t task = (size_t)iter * w->l->nops + op;
    assert(task < w->s->ntasks);
    return &w->s->tasks[task];
}

/* The start (or end) of op o in iteration iter, as a moment. */
static struct moment moment_of(const struct work *w, uint32_t o, uint32_t iter, bool start)
{
    const pl_plan_slot *s = slot(w, o, iter);
    return (struct moment){start ? s->start : s->end, w->pos[(size_t)iter * w->l->nops + o]};
}

static struct moment latest(struct moment a, struct moment b)
{
    return moment_before(a, b) ? b : a;
}

/* The latest end of the n ops of iteration iter, or -INFINITY when n is 0. */
static struct moment last_end(const struct work *w, const uint32_t *ops, uint32_t n, uint32_t iter)
{
    struct moment end = {-INFINITY, 0};
    for (uint32_t k = 0; k < n; k++)
        end = latest(end, moment_of(w, ops[k], iter, false));
    return end;
}

/* Whether op o writes buffer b: then its loop-carried read of b updates b in place (an
 * accumulator), handing the old value over to the new one as it starts. */
static bool writes_buffer(const struct work *w, uint32_t o, uint32_t b)
{
    const struct roles *r = &w->roles[b];
    for (uint32_t k = 0; k < r->nw; k++)
        if (w->ops[r->at + k] == o)
            return true;
    return false;
}

/* When the loop-carried reads of b in iteration iter are done with the previous value:
 * the end of a plain read, the start of an in-place update; -INFINITY when none. An update
 * is done with it as its start's time begins (position 0), before any task starting then,
 * as a lifetime that ends at that time is. */
static struct moment carried_end(const struct work *w, uint32_t b, uint32_t iter)
{
    const struct roles *r = &w->roles[b];
    const uint32_t *carried = w->ops + r->at + r->nw;
    struct moment end = {-INFINITY, 0};
    for (uint32_t k = 0; k < r->nc; k++) {
        struct moment m = moment_of(w, carried[k], iter, writes_buffer(w, carried[k], b));
        if (writes_buffer(w, carried[k], b))
            m.pos = 0;
        end = latest(end, m);
    }
    return end;
}

/* Instance k of buffer b, iteration iter, live from `from` to `to`. */
static void put_instance(struct work *w, uint32_t k, uint32_t b, int32_t iter, struct moment from,
                         struct moment to)
{
    w->out->inst[k] = (pl_plan_instance){b, iter, from.t, to.t, 0, 0};
    w->from[k] = from;
    w->to[k] = to;
}

/* The instance (b, i) into slot k: from its first writer's start to its last access's
 * end, an in-place update of iteration i + 1 counting at its start. */
static void written(struct work *w, uint32_t k, uint32_t b, uint32_t i)
{
    const struct roles *r = &w->roles[b];
    const uint32_t *writers = w->ops + r->at, *carried = writers + r->nw, *same = carried + r->nc;
    struct moment start = {INFINITY, UINT64_MAX};
    for (uint32_t j = 0; j < r->nw; j++) {
        struct moment m = moment_of(w, writers[j], i, true);
        start = moment_before(m, start) ? m : start;
    }
    struct moment end = latest(last_end(w, writers, r->nw, i), last_end(w, same, r->ns, i));
    if (i + 1 < w->l->iterations)
        end = latest(end, carried_end(w, b, i + 1));
    put_instance(w, k, b, (int32_t)i, start, end);
}

/* Writes buffer b's instances, iteration -1 first, from out->inst[w->first[b]]. */
static void fill_buffer(struct work *w, uint32_t b)
{
    const struct roles *r = &w->roles[b];
    const struct moment before = {0, 0}, after = {w->s->makespan, UINT64_MAX};
    uint32_t k = w->first[b];
    if (r->nw == 0 && r->nc > 0)
        put_instance(w, k++, b, -1, before, after);
    if (r->nw == 0)
        return;
    if (r->nc > 0)
        put_instance(w, k++, b, -1, before, carried_end(w, b, 0));
    for (uint32_t i = 0; i < w->l->iterations; i++)
        written(w, k++, b, i);
}

static int fill_instances(struct work *w)
{
    const pl_plan_loop *l = w->l;
    pl_plan_memmap *m = w->out;
    w->first = zalloc(l->nbuffers + 1, sizeof *w->first);
    if (!w->first)
        return PL_ENOMEM;
    uint64_t n = 0, most = 0;
    for (uint32_t b = 0; b < l->nbuffers; b++) {
        w->first[b] = (uint32_t)n;
        uint64_t nb = instances_of(w, b);
        n += nb;
        most = nb > most ? nb : most;
        if (n > UINT32_MAX)
            return PL_ENOMEM;
    }
    w->first[l->nbuffers] = (uint32_t)n;
    m->ninst = (uint32_t)n;
    m->inst = pl_array_alloc(n, sizeof *m->inst);
    m->versions = zalloc(l->nbuffers, sizeof *m->versions);
    w->order = pl_array_alloc(n, sizeof *w->order);
    w->scratch = pl_array_alloc(n / 2 + 1, sizeof *w->scratch);
    w->from = pl_array_alloc(n, sizeof *w->from);
    w->to = pl_array_alloc(n, sizeof *w->to);
    w->busy.e = pl_array_alloc(most, sizeof *w->busy.e);
    w->idle.e = pl_array_alloc(most, sizeof *w->idle.e);
    if (!m->inst || !m->versions || !w->order || !w->scratch || !w->from || !w->to || !w->busy.e ||
        !w->idle.e)
        return PL_ENOMEM;
    for (uint32_t b = 0; b < l->nbuffers; b++)
        fill_buffer(w, b);
    return 0;
}

/* ---- The whole computation ---- */

static bool reuse_before(const pl_plan_reuse *x, const pl_plan_reuse *y)
{
    return x->to < y->to || (x->to == y->to && x->from < y->from);
}

PL_PLAN_SORT(sort_reuse, pl_plan_reuse, reuse_before)

/* The reuse list by (to, from). */
static int sort_reuse_list(pl_plan_memmap *m)
{
    pl_plan_reuse *tmp = zalloc(m->nreuse / 2 + 1, sizeof *tmp);
    if (!tmp)
        return PL_ENOMEM;
    sort_reuse(m->reuse, m->nreuse, tmp);
    free(tmp);
    return 0;
}

/* The planned order (kept in the map for the lowering) and each task's place in it, from 1. */
static int find_positions(struct work *w)
{
    uint32_t n = w->s->ntasks, *order = w->out->order = pl_array_alloc(n, sizeof *order);
    w->pos = pl_array_alloc(n, sizeof *w->pos);
    int rc = order && w->pos ? pl_plan_planned_order(w->l, w->s, order) : PL_ENOMEM;
    for (uint32_t k = 0; rc == 0 && k < n; k++)
        w->pos[order[k]] = (uint64_t)k + 1;
    return rc;
}

/* Frees the per-task and per-instance arrays that only the lifetimes, versions and
 * physical buffers take, before placement and the sweep make their own: the map's peak
 * is then one set of them, not both. */
static void work_shed(struct work *w)
{
    free(w->pos);
    free(w->from);
    free(w->to);
    free(w->order);
    free(w->busy.e);
    free(w->idle.e);
    w->pos = NULL;
    w->from = w->to = NULL;
    w->order = NULL;
    w->busy.e = w->idle.e = NULL;
}

static void work_free(struct work *w)
{
    work_shed(w);
    free(w->roles);
    free(w->ops);
    free(w->first);
    free(w->scratch);
    free(w->pbase);
    free(w->phys);
}

/* The map of l under s into *out: whole, or (whole false) its versions and footprints only,
 * which are the same either way. */
static int map(const pl_plan_loop *l, const pl_plan_schedule *s, bool whole, pl_plan_memmap *out)
{
    assert(l && s && out);
    memset(out, 0, sizeof *out);
    struct work w = {.l = l, .s = s, .out = out, .whole = whole};
    int rc = find_roles(&w);
    if (rc == 0)
        rc = find_positions(&w);
    if (rc == 0)
        rc = fill_instances(&w);
    for (uint32_t b = 0; rc == 0 && b < l->nbuffers; b++)
        pl_plan_colour_buffer(&w, b);
    if (rc == 0)
        rc = pl_plan_find_phys(&w);
    work_shed(&w);
    if (rc == 0)
        rc = pl_plan_place(&w);
    if (rc == 0 && whole)
        rc = pl_plan_sweep_live(&w);
    if (rc == 0) {
        pl_plan_totals(&w);
        if (out->nreuse > 0) /* reuse is NULL until the first pair */
            rc = sort_reuse_list(out);
    }
    work_free(&w);
    if (rc != 0)
        pl_plan_memmap_fini(out);
    return rc;
}

int pl_plan_liveness(const pl_plan_loop *l, const pl_plan_schedule *s, pl_plan_memmap *out)
{
    return map(l, s, true, out);
}

int pl_plan_footprint(const pl_plan_loop *l, const pl_plan_schedule *s, pl_plan_memmap *out)
{
    return map(l, s, false, out);
}

void pl_plan_memmap_fini(pl_plan_memmap *m)
{
    free(m->inst);
    free(m->versions);
    free(m->reuse);
    free(m->order);
    memset(m, 0, sizeof *m);
}

/* ---- The tasks of one instance ---- */

/* The lowest op in [lo, hi) that writes buffer b (reads it, when write is false); hi when
 * none does. */
static uint32_t next_op(const pl_plan_loop *l, uint32_t b, bool write, uint32_t lo, uint32_t hi)
{
    uint32_t best = hi;
    for (uint32_t a = 0; a < l->naccess; a++) {
        const pl_plan_access *x = &l->access[a];
        if (x->buffer == b && x->write == write && x->op >= lo && x->op < best)
            best = x->op;
    }
    return best;
}

/* Puts the tasks of iteration iter whose op in [lo, hi) writes (reads) b after the n
 * tasks in out, at most cap in all; returns n plus how many there are. No allocation:
 * a query may be asked for every instance, and cannot fail. */
static uint32_t put_tasks(const pl_plan_loop *l, uint32_t b, bool write, uint32_t lo, uint32_t hi,
                          uint32_t iter, uint32_t *out, uint32_t cap, uint32_t n)
{
    for (uint32_t o = next_op(l, b, write, lo, hi); o < hi; o = next_op(l, b, write, o + 1, hi)) {
        if (n < cap)
            out[n] = iter * l->nops + o;
        n++;
    }
    return n;
}

uint32_t pl_plan_instance_tasks(const pl_plan_loop *l, const pl_plan_instance *k, bool readers,
                                uint32_t *out, uint32_t cap)
{
    uint32_t b = k->buffer, nops = l->nops, n = 0;
    uint32_t fw = next_op(l, b, true, 0, nops); /* nops: no op writes b */
    if (k->iter < 0 && fw == nops) {
        /* Resident: every read of every iteration takes it. */
        for (uint32_t i = 0; readers && i < l->iterations; i++)
            n = put_tasks(l, b, false, 0, nops, i, out, cap, n);
        return n;
    }
    if (k->iter < 0) /* the value before the loop: iteration 0's loop-carried reads */
        return readers ? put_tasks(l, b, false, 0, fw + 1, 0, out, cap, 0) : 0;
    uint32_t i = (uint32_t)k->iter;
    n = put_tasks(l, b, true, 0, nops, i, out, cap, 0);
    if (!readers)
        return n;
    n = put_tasks(l, b, false, fw + 1, nops, i, out, cap, n);
    if (i + 1 < l->iterations)
        n = put_tasks(l, b, false, 0, fw + 1, i + 1, out, cap, n);
    return n;
}
