/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * placement.c — where each buffer instance of a scheduled loop lives: which version
 * (physical copy) of its buffer holds it, at which offset of the memory, which instance it
 * must wait for to take that memory, and the totals (the most bytes live at once, the
 * footprint). The second half of pl_plan_liveness (liveness.c), on the lifetimes that
 * liveness.c found, through the working state in liveness_work.h.
 *
 * Invariant: two instances whose lifetimes overlap never share an address. Lifetimes are
 * compared as moments (liveness_work.h): a time, and at one time the planned order. Within a
 * buffer, instances are taken in order of (start moment, index) and each gets the lowest
 * version whose last instance has ended by its start (a heap of free versions and one of
 * busy versions by end); this greedy colouring of an interval graph uses exactly as many
 * versions as the most instances of the buffer live at once. (An empty instance [t, t)
 * takes a version too. With tasks of nonzero latency the only one is a value before the
 * loop that an update at 0 takes in place; it comes first and frees its version at once.)
 * Across buffers, physical buffers (buffer, version) are placed first fit, at the lowest
 * offset where they overlap no placed one whose span overlaps theirs, in order of first
 * use, (span start, buffer, version), or largest first, or both ways keeping the smaller
 * footprint (pl_plan_placement). The placed ones are kept sorted by offset, so that one
 * sweep finds that offset.
 *
 * The reuse list names, for every instance that takes memory another held, the instance it
 * must wait for: the previous instance of its physical buffer, and for the first instance
 * of a physical buffer the last instance of each earlier placed one whose addresses it
 * shares (or, when that one starts at the same time but after it ends, the other way
 * round). It is sorted by (to, from).
 */
#include "models/plan/liveness_work.h"
#include "models/plan/sort.h"
#include "sim/common/array.h"
#include "sim/common/error.h"
#include "sim/measure/extrema.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

/* One physical buffer: a version of a buffer. */
struct phys {
    struct moment start, end; /* span: its first start, its last end */
    double size, offset;
    uint32_t first, last; /* its instances with the earliest and the latest start */
};

/* ---- Sorting and heaps ---- */

PL_PLAN_SORT(sort_entries, struct entry, entry_less)

static struct entry entry_at(struct moment m, uint32_t v)
{
    return (struct entry){m.t, m.pos, v};
}

static inline void heap_push(struct heap *h, struct entry x)
{
    uint32_t i = h->n++;
    while (i > 0 && entry_less(&x, &h->e[(i - 1) / 2])) {
        h->e[i] = h->e[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->e[i] = x;
}

static inline struct entry heap_pop(struct heap *h)
{
    assert(h->n > 0);
    struct entry top = h->e[0], x = h->e[--h->n];
    uint32_t i = 0;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && entry_less(&h->e[c + 1], &h->e[c]))
            c++;
        if (!entry_less(&h->e[c], &x))
            break;
        h->e[i] = h->e[c];
        i = c;
    }
    if (h->n > 0)
        h->e[i] = x;
    return top;
}

/* ---- Versions ---- */

/* Sorts buffer b's instances by (start moment, index) into w->order and gives each the
 * lowest version whose previous instance has ended by its start. */
void pl_plan_colour_buffer(struct work *w, uint32_t b)
{
    pl_plan_instance *inst = w->out->inst;
    uint32_t lo = w->first[b], hi = w->first[b + 1], used = 0;
    for (uint32_t k = lo; k < hi; k++)
        w->order[k] = entry_at(w->from[k], k);
    sort_entries(w->order + lo, hi - lo, w->scratch);
    w->busy.n = w->idle.n = 0;
    for (uint32_t j = lo; j < hi; j++) {
        uint32_t k = w->order[j].v;
        while (w->busy.n > 0 &&
               !moment_before(w->from[k], (struct moment){w->busy.e[0].key, w->busy.e[0].pos})) {
            uint32_t v = heap_pop(&w->busy).v;
            heap_push(&w->idle, (struct entry){v, 0, v});
        }
        inst[k].version = w->idle.n > 0 ? heap_pop(&w->idle).v : used++;
        heap_push(&w->busy, entry_at(w->to[k], inst[k].version));
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
int pl_plan_find_phys(struct work *w)
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
            *p = (struct phys){w->from[k], w->to[k], l->buffers[in->buffer].size, 0, k, k};
        else if (w->whole && push_reuse(w, p->last, k))
            return PL_ENOMEM;
        p->end = moment_before(p->end, w->to[k]) ? w->to[k] : p->end;
        p->last = k;
    }
    return 0;
}

/* Whether two half-open intervals [a0, a1) and [b0, b1) overlap. */
static bool overlap(double a0, double a1, double b0, double b1)
{
    return a0 < b1 && b0 < a1;
}

/* Whether the spans of two physical buffers overlap: neither ends by the other's start. */
static bool spans_overlap(const struct phys *p, const struct phys *q)
{
    return moment_before(p->start, q->end) && moment_before(q->start, p->end);
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
        if (!spans_overlap(p, q))
            continue;
        if (q->offset >= x + p->size)
            break;
        x = pl_max(x, q->offset + q->size);
    }
    return x;
}

/* Records that p takes the addresses of each physical buffer in byoff[0 .. n) it overlaps:
 * p's first instance waits for that one's last. Placed earlier, that one started no later
 * than p; when both start at one time, p may still be the one that ends first (a span of
 * tasks that take no time), and then that one's first instance waits for p's last. */
static int reuse_placed(struct work *w, const uint32_t *byoff, uint32_t n, const struct phys *p)
{
    for (uint32_t i = 0; i < n; i++) {
        const struct phys *q = &w->phys[byoff[i]];
        if (!overlap(p->offset, p->offset + p->size, q->offset, q->offset + q->size))
            continue;
        assert(!spans_overlap(p, q));
        bool p_first = !moment_before(q->start, p->end);
        if (push_reuse(w, p_first ? p->last : q->last, p_first ? q->first : p->first))
            return PL_ENOMEM;
    }
    return 0;
}

/* Places the physical buffers in the order `order` (n of them), each first fit: at the
 * lowest offset where it overlaps no buffer placed before whose span overlaps its own.
 * byoff is scratch for n. Returns the footprint: the end of the highest. */
static double place_in_order(struct work *w, const struct entry *order, uint32_t *byoff)
{
    double footprint = 0;
    for (uint32_t n = 0; n < w->nphys; n++) {
        struct phys *p = &w->phys[order[n].v];
        p->offset = lowest_fit(w, byoff, n, p);
        footprint = pl_max(footprint, p->offset + p->size);
        uint32_t at = n;
        while (at > 0 && w->phys[byoff[at - 1]].offset > p->offset) {
            byoff[at] = byoff[at - 1];
            at--;
        }
        byoff[at] = order[n].v;
    }
    return footprint;
}

/* Places the physical buffers: first fit in order of first use, (span start, buffer,
 * version), and first fit largest first, (size down, span start, buffer, version), the
 * greedy-by-size rule of TFLite Micro's memory planner; the placement the loop asks for,
 * or with PL_PLAN_PLACE_BEST the one with the smaller footprint (first use on a tie).
 * Then, in order of first use, each physical buffer's reuse of the addresses of those
 * placed before it in that order (reuse_placed). */
int pl_plan_place(struct work *w)
{
    struct entry *byspan = zalloc(w->nphys, sizeof *byspan);
    struct entry *bysize = zalloc(w->nphys, sizeof *bysize);
    uint32_t *byoff = zalloc(w->nphys, sizeof *byoff);
    double *first_use = zalloc(w->nphys, sizeof *first_use);
    if (!byspan || !bysize || !byoff || !first_use) {
        free(byspan);
        free(bysize);
        free(byoff);
        free(first_use);
        return PL_ENOMEM;
    }
    for (uint32_t p = 0; p < w->nphys; p++) {
        byspan[p] = (struct entry){w->phys[p].start.t, 0, p}; /* by time: see reuse_placed */
        bysize[p] = (struct entry){-w->phys[p].size, 0, p};
    }
    sort_entries(byspan, w->nphys, w->scratch);
    /* Equal sizes keep the order of first use: the sort is by (key, pos, v), and pos is
     * each buffer's place in that order. */
    for (uint32_t n = 0; n < w->nphys; n++)
        bysize[byspan[n].v].pos = n;
    sort_entries(bysize, w->nphys, w->scratch);
    pl_plan_placement how = w->l->placement;
    double fa = how == PL_PLAN_PLACE_LARGEST ? INFINITY : place_in_order(w, byspan, byoff);
    for (uint32_t p = 0; p < w->nphys; p++)
        first_use[p] = w->phys[p].offset;
    double fb = how == PL_PLAN_PLACE_FIRST_USE ? INFINITY : place_in_order(w, bysize, byoff);
    bool largest = how == PL_PLAN_PLACE_LARGEST || (how == PL_PLAN_PLACE_BEST && fb < fa);
    for (uint32_t p = 0; !largest && p < w->nphys; p++)
        w->phys[p].offset = first_use[p];
    w->out->largest_first = largest;
    w->out->footprint_first_use = fa;
    w->out->footprint_largest_first = fb;
    /* Each then reuses the addresses of the ones before it in order of first use, whatever
     * order placed them. */
    for (uint32_t n = 0; n < w->nphys; n++)
        byoff[n] = byspan[n].v;
    int rc = 0;
    for (uint32_t n = 0; w->whole && n < w->nphys && rc == 0; n++) /* the reuse list */
        rc = reuse_placed(w, byoff, n, &w->phys[byspan[n].v]);
    free(byspan);
    free(bysize);
    free(byoff);
    free(first_use);
    return rc;
}

/* ---- Totals ---- */

/* The most bytes live at once: a sweep over the non-empty lifetimes that, at equal times,
 * takes ends before starts (lifetimes are half open). */
int pl_plan_sweep_live(struct work *w)
{
    pl_plan_memmap *m = w->out;
    struct entry *starts = pl_array_alloc(m->ninst, sizeof *starts);
    struct entry *ends = pl_array_alloc(m->ninst, sizeof *ends);
    if (!starts || !ends) {
        free(starts);
        free(ends);
        return PL_ENOMEM;
    }
    uint32_t n = 0;
    for (uint32_t k = 0; k < m->ninst; k++) {
        if (!(m->inst[k].start < m->inst[k].end))
            continue;
        starts[n] = (struct entry){m->inst[k].start, 0, k};
        ends[n++] = (struct entry){m->inst[k].end, 0, k};
    }
    sort_entries(starts, n, w->scratch);
    sort_entries(ends, n, w->scratch);
    double live = 0;
    for (uint32_t i = 0, j = 0; i < n;) {
        if (ends[j].key <= starts[i].key) {
            live -= w->l->buffers[m->inst[ends[j++].v].buffer].size;
            continue;
        }
        live += w->l->buffers[m->inst[starts[i++].v].buffer].size;
        m->max_live = pl_max(m->max_live, live);
    }
    free(starts);
    free(ends);
    return 0;
}

/* Gives each instance its physical buffer's offset; sums the sizes and the footprint. */
void pl_plan_totals(struct work *w)
{
    pl_plan_memmap *m = w->out;
    for (uint32_t k = 0; k < m->ninst; k++) {
        pl_plan_instance *in = &m->inst[k];
        double size = w->l->buffers[in->buffer].size;
        in->offset = w->phys[phys_of(w, in)].offset;
        m->no_reuse += size;
        m->footprint = pl_max(m->footprint, in->offset + size);
    }
}
