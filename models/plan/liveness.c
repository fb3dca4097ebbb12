/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * liveness.c — when each buffer instance of a scheduled loop is live, which physical
 * copy of its buffer holds it, and at which offset of the memory.
 *
 * An instance lives from its first writer's start to its last access's end, except that an
 * op that reads the previous iteration's value and writes the buffer (an accumulator) is
 * done with the old value when it starts: it updates the buffer in place, so an
 * accumulator needs one version, not two.
 *
 * Invariant: two instances whose lifetimes overlap never share an address. Within a
 * buffer, instances are taken in order of (start, iteration) and each gets the lowest
 * version whose last instance has ended by its start (a heap of free versions and one of
 * busy versions by end); this greedy colouring of an interval graph uses exactly as many
 * versions as the most instances of the buffer live at once. (An empty instance [t, t)
 * takes a version too. With tasks of nonzero latency the only one is a value before the
 * loop that an update at 0 takes in place; it comes first and frees its version at once.)
 * Across buffers, physical buffers (buffer, version) are placed first fit in order of
 * (span start, buffer, version): at the lowest offset where they overlap no placed one
 * whose span overlaps theirs. The placed ones are kept sorted by offset, so that one sweep
 * finds that offset.
 *
 * The reuse list names, for every instance that takes memory another held, the instance it
 * must wait for: the previous instance of its physical buffer, and for the first instance
 * of a physical buffer the last instance of each earlier placed one whose addresses it
 * shares. It is sorted by (to, from).
 *
 * Cost: O(A log A) for the A accesses, O(I log I) for the I instances (their order, the
 * colouring, the sweep for max_live), O(P^2) for the P physical buffers (placement and the
 * reuse between them), plus sorting the reuse list.
 */
#include "models/plan/liveness.h"
#include "sim/common/error.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* Buffer b's accessors, distinct ops in program order: ops[at .. at + nw) write it; the
 * next nc read the previous iteration's value (no writer comes before them, see
 * pl_plan_loop_add_buffer_deps); the next ns read the value of their own iteration. */
struct roles {
    uint32_t at, nw, nc, ns;
};

/* One physical buffer: a version of a buffer. */
struct phys {
    double start, end; /* span: its first start, its last end */
    double size, offset;
    uint32_t first, last; /* its instances with the earliest and the latest start */
};

/* What the sorts and the heaps hold: a key, ties broken by v. */
struct entry {
    double key;
    uint32_t v;
};

/* A binary min-heap of entries. */
struct heap {
    struct entry *e;
    uint32_t n;
};

struct work {
    const pl_plan_loop *l;
    const pl_plan_schedule *s;
    pl_plan_memmap *out;
    struct roles *roles; /* per buffer */
    uint32_t *ops;       /* what roles index */
    uint32_t *first;     /* per buffer: its first instance in out->inst */
    struct entry *order; /* instances by buffer, then (start, index) */
    struct heap busy;    /* versions in use, by the end of their last instance */
    struct heap idle;    /* versions free, by number */
    uint32_t *pbase;     /* per buffer: its version 0's physical buffer */
    struct phys *phys;
    uint32_t nphys;
    uint32_t reuse_cap;
};

/* ---- Sorting and heaps ---- */

static int cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

static bool entry_less(struct entry a, struct entry b)
{
    return a.key < b.key || (a.key == b.key && a.v < b.v);
}

static void heap_push(struct heap *h, struct entry x)
{
    uint32_t i = h->n++;
    while (i > 0 && entry_less(x, h->e[(i - 1) / 2])) {
        h->e[i] = h->e[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->e[i] = x;
}

static struct entry heap_pop(struct heap *h)
{
    assert(h->n > 0);
    struct entry top = h->e[0], x = h->e[--h->n];
    uint32_t i = 0;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && entry_less(h->e[c + 1], h->e[c]))
            c++;
        if (!entry_less(h->e[c], x))
            break;
        h->e[i] = h->e[c];
        i = c;
    }
    if (h->n > 0)
        h->e[i] = x;
    return top;
}

/* calloc of at least one element, so that NULL always means out of memory. */
static void *zalloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

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

/* The latest end of the n ops of iteration iter, or -INFINITY when n is 0. */
static double last_end(const struct work *w, const uint32_t *ops, uint32_t n, uint32_t iter)
{
    double end = -INFINITY;
    for (uint32_t k = 0; k < n; k++)
        end = fmax(end, slot(w, ops[k], iter)->end);
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
 * the end of a plain read, the start of an in-place update; -INFINITY when none. */
static double carried_end(const struct work *w, uint32_t b, uint32_t iter)
{
    const struct roles *r = &w->roles[b];
    const uint32_t *carried = w->ops + r->at + r->nw;
    double end = -INFINITY;
    for (uint32_t k = 0; k < r->nc; k++) {
        const pl_plan_slot *s = slot(w, carried[k], iter);
        end = fmax(end, writes_buffer(w, carried[k], b) ? s->start : s->end);
    }
    return end;
}

/* The instance (b, i): from its first writer's start to its last access's end, an
 * in-place update of iteration i + 1 counting at its start. */
static pl_plan_instance written(const struct work *w, uint32_t b, uint32_t i)
{
    const struct roles *r = &w->roles[b];
    const uint32_t *writers = w->ops + r->at, *carried = writers + r->nw, *same = carried + r->nc;
    double start = INFINITY;
    for (uint32_t k = 0; k < r->nw; k++)
        start = fmin(start, slot(w, writers[k], i)->start);
    double end = fmax(last_end(w, writers, r->nw, i), last_end(w, same, r->ns, i));
    if (i + 1 < w->l->iterations)
        end = fmax(end, carried_end(w, b, i + 1));
    return (pl_plan_instance){b, (int32_t)i, start, end, 0, 0};
}

/* Writes buffer b's instances, iteration -1 first, from out->inst[w->first[b]]. */
static void fill_buffer(struct work *w, uint32_t b)
{
    const struct roles *r = &w->roles[b];
    pl_plan_instance *k = w->out->inst + w->first[b];
    if (r->nw == 0 && r->nc > 0)
        *k++ = (pl_plan_instance){b, -1, 0, w->s->makespan, 0, 0};
    if (r->nw == 0)
        return;
    if (r->nc > 0)
        *k++ = (pl_plan_instance){b, -1, 0, carried_end(w, b, 0), 0, 0};
    for (uint32_t i = 0; i < w->l->iterations; i++)
        *k++ = written(w, b, i);
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
    m->inst = zalloc(n, sizeof *m->inst);
    m->versions = zalloc(l->nbuffers, sizeof *m->versions);
    w->order = zalloc(n, sizeof *w->order);
    w->busy.e = zalloc(most, sizeof *w->busy.e);
    w->idle.e = zalloc(most, sizeof *w->idle.e);
    if (!m->inst || !m->versions || !w->order || !w->busy.e || !w->idle.e)
        return PL_ENOMEM;
    for (uint32_t b = 0; b < l->nbuffers; b++)
        fill_buffer(w, b);
    return 0;
}

/* ---- Versions ---- */

/* Sorts buffer b's instances by (start, iteration) into w->order and gives each the lowest
 * version whose previous instance has ended by its start. */
static void colour_buffer(struct work *w, uint32_t b)
{
    pl_plan_instance *inst = w->out->inst;
    uint32_t lo = w->first[b], hi = w->first[b + 1], used = 0;
    for (uint32_t k = lo; k < hi; k++)
        w->order[k] = (struct entry){inst[k].start, k};
    qsort(w->order + lo, hi - lo, sizeof *w->order, cmp_entry);
    w->busy.n = w->idle.n = 0;
    for (uint32_t j = lo; j < hi; j++) {
        pl_plan_instance *k = &inst[w->order[j].v];
        while (w->busy.n > 0 && w->busy.e[0].key <= k->start) {
            uint32_t v = heap_pop(&w->busy).v;
            heap_push(&w->idle, (struct entry){v, v});
        }
        k->version = w->idle.n > 0 ? heap_pop(&w->idle).v : used++;
        heap_push(&w->busy, (struct entry){k->end, k->version});
    }
    w->out->versions[b] = used;
}

/* ---- Physical buffers ---- */

static int push_reuse(struct work *w, uint32_t from, uint32_t to)
{
    pl_plan_memmap *m = w->out;
    if (m->nreuse == w->reuse_cap) {
        if (w->reuse_cap == UINT32_MAX)
            return PL_ENOMEM;
        uint32_t cap = w->reuse_cap > UINT32_MAX / 2 ? UINT32_MAX
                       : w->reuse_cap                ? 2 * w->reuse_cap
                                                     : 16;
        pl_plan_reuse *v = realloc(m->reuse, (size_t)cap * sizeof *v);
        if (!v)
            return PL_ENOMEM;
        m->reuse = v;
        w->reuse_cap = cap;
    }
    m->reuse[m->nreuse++] = (pl_plan_reuse){from, to};
    return 0;
}

static uint32_t phys_of(const struct work *w, const pl_plan_instance *k)
{
    return w->pbase[k->buffer] + k->version;
}

/* The physical buffers' spans, first and last instances, and the reuse between
 * consecutive instances of each. */
static int find_phys(struct work *w)
{
    const pl_plan_loop *l = w->l;
    const pl_plan_memmap *m = w->out;
    w->pbase = zalloc(l->nbuffers, sizeof *w->pbase);
    if (!w->pbase)
        return PL_ENOMEM;
    for (uint32_t b = 0; b < l->nbuffers; b++) {
        w->pbase[b] = w->nphys;
        w->nphys += m->versions[b];
    }
    w->phys = zalloc(w->nphys, sizeof *w->phys);
    if (!w->phys)
        return PL_ENOMEM;
    for (uint32_t p = 0; p < w->nphys; p++)
        w->phys[p].first = NONE;
    for (uint32_t j = 0; j < m->ninst; j++) {
        uint32_t k = w->order[j].v;
        const pl_plan_instance *in = &m->inst[k];
        struct phys *p = &w->phys[phys_of(w, in)];
        if (p->first == NONE)
            *p = (struct phys){in->start, in->end, l->buffers[in->buffer].size, 0, k, k};
        else if (push_reuse(w, p->last, k))
            return PL_ENOMEM;
        p->end = fmax(p->end, in->end);
        p->last = k;
    }
    return 0;
}

/* Whether two half-open intervals [a0, a1) and [b0, b1) overlap. */
static bool overlap(double a0, double a1, double b0, double b1)
{
    return a0 < b1 && b0 < a1;
}

/* The lowest offset for p that overlaps no physical buffer of byoff[0 .. n) (sorted by
 * offset) whose span overlaps p's. It is 0 or the end of one of them: each step moves x
 * past a buffer that every lower offset would overlap. */
static double lowest_fit(const struct work *w, const uint32_t *byoff, uint32_t n,
                         const struct phys *p)
{
    double x = 0;
    for (uint32_t i = 0; i < n; i++) {
        const struct phys *q = &w->phys[byoff[i]];
        if (!overlap(p->start, p->end, q->start, q->end))
            continue;
        if (q->offset >= x + p->size)
            break;
        x = fmax(x, q->offset + q->size);
    }
    return x;
}

/* Records that p takes the addresses of each physical buffer in byoff[0 .. n) it overlaps:
 * p's first instance waits for that one's last. */
static int reuse_placed(struct work *w, const uint32_t *byoff, uint32_t n, const struct phys *p)
{
    for (uint32_t i = 0; i < n; i++) {
        const struct phys *q = &w->phys[byoff[i]];
        if (!overlap(p->offset, p->offset + p->size, q->offset, q->offset + q->size))
            continue;
        assert(!overlap(p->start, p->end, q->start, q->end));
        if (push_reuse(w, q->last, p->first))
            return PL_ENOMEM;
    }
    return 0;
}

/* Places the physical buffers first fit in order of (span start, buffer, version). */
static int place(struct work *w)
{
    struct entry *byspan = zalloc(w->nphys, sizeof *byspan);
    uint32_t *byoff = zalloc(w->nphys, sizeof *byoff);
    if (!byspan || !byoff) {
        free(byspan);
        free(byoff);
        return PL_ENOMEM;
    }
    for (uint32_t p = 0; p < w->nphys; p++)
        byspan[p] = (struct entry){w->phys[p].start, p};
    qsort(byspan, w->nphys, sizeof *byspan, cmp_entry);
    int rc = 0;
    for (uint32_t n = 0; n < w->nphys && rc == 0; n++) {
        struct phys *p = &w->phys[byspan[n].v];
        p->offset = lowest_fit(w, byoff, n, p);
        rc = reuse_placed(w, byoff, n, p);
        uint32_t at = n;
        while (at > 0 && w->phys[byoff[at - 1]].offset > p->offset) {
            byoff[at] = byoff[at - 1];
            at--;
        }
        byoff[at] = byspan[n].v;
    }
    free(byspan);
    free(byoff);
    return rc;
}

/* ---- Totals ---- */

/* The most bytes live at once: a sweep over the non-empty lifetimes that, at equal times,
 * takes ends before starts (lifetimes are half open). */
static int sweep_live(struct work *w)
{
    pl_plan_memmap *m = w->out;
    struct entry *starts = zalloc(m->ninst, sizeof *starts);
    struct entry *ends = zalloc(m->ninst, sizeof *ends);
    if (!starts || !ends) {
        free(starts);
        free(ends);
        return PL_ENOMEM;
    }
    uint32_t n = 0;
    for (uint32_t k = 0; k < m->ninst; k++) {
        if (!(m->inst[k].start < m->inst[k].end))
            continue;
        starts[n] = (struct entry){m->inst[k].start, k};
        ends[n++] = (struct entry){m->inst[k].end, k};
    }
    qsort(starts, n, sizeof *starts, cmp_entry);
    qsort(ends, n, sizeof *ends, cmp_entry);
    double live = 0;
    for (uint32_t i = 0, j = 0; i < n;) {
        if (ends[j].key <= starts[i].key) {
            live -= w->l->buffers[m->inst[ends[j++].v].buffer].size;
            continue;
        }
        live += w->l->buffers[m->inst[starts[i++].v].buffer].size;
        m->max_live = fmax(m->max_live, live);
    }
    free(starts);
    free(ends);
    return 0;
}

/* Gives each instance its physical buffer's offset; sums the sizes and the footprint. */
static void totals(struct work *w)
{
    pl_plan_memmap *m = w->out;
    for (uint32_t k = 0; k < m->ninst; k++) {
        pl_plan_instance *in = &m->inst[k];
        double size = w->l->buffers[in->buffer].size;
        in->offset = w->phys[phys_of(w, in)].offset;
        m->no_reuse += size;
        m->footprint = fmax(m->footprint, in->offset + size);
    }
}

static int cmp_reuse(const void *a, const void *b)
{
    const pl_plan_reuse *x = a, *y = b;
    if (x->to != y->to)
        return x->to < y->to ? -1 : 1;
    return (x->from > y->from) - (x->from < y->from);
}

static void work_free(struct work *w)
{
    free(w->roles);
    free(w->ops);
    free(w->first);
    free(w->order);
    free(w->busy.e);
    free(w->idle.e);
    free(w->pbase);
    free(w->phys);
}

int pl_plan_liveness(const pl_plan_loop *l, const pl_plan_schedule *s, pl_plan_memmap *out)
{
    assert(l && s && out);
    memset(out, 0, sizeof *out);
    struct work w = {.l = l, .s = s, .out = out};
    int rc = find_roles(&w);
    if (rc == 0)
        rc = fill_instances(&w);
    for (uint32_t b = 0; rc == 0 && b < l->nbuffers; b++)
        colour_buffer(&w, b);
    if (rc == 0)
        rc = find_phys(&w);
    if (rc == 0)
        rc = place(&w);
    if (rc == 0)
        rc = sweep_live(&w);
    if (rc == 0) {
        totals(&w);
        if (out->nreuse > 0) /* reuse is NULL until the first pair */
            qsort(out->reuse, out->nreuse, sizeof *out->reuse, cmp_reuse);
    }
    work_free(&w);
    if (rc != 0)
        pl_plan_memmap_fini(out);
    return rc;
}

void pl_plan_memmap_fini(pl_plan_memmap *m)
{
    free(m->inst);
    free(m->versions);
    free(m->reuse);
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
