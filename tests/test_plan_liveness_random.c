/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_liveness_random.c — buffer instances of random loops with schedules written
 * here (no scheduler; plan_case.h), from a fixed seed (printed): their lifetimes, versions
 * and offsets, the reuse between them, and the totals, checked against the rules of
 * models/plan/liveness.h computed again here by brute force, in a different way from the
 * module (per op flags instead of sorted accesses, every candidate offset tried instead of
 * a sweep).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan_case.h"
#include "support.h"

#include "models/plan/liveness.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#define SEED   20240612u
#define CASES  1000
#define MAXOPS 5
#define MAXBUF 4
#define MAXIT  6
#define MAXACC (3 * MAXOPS * MAXBUF)
#define MAXI   (MAXBUF * (MAXIT + 1)) /* the most instances of a random case */

/* ---- Random cases against brute force ---- */

static bool overlap(double a0, double a1, double b0, double b1)
{
    return a0 < b1 && b0 < a1;
}

/* Whether op o writes (reads) buffer b. */
static bool accesses(const pl_plan_loop *l, uint32_t o, uint32_t b, bool write)
{
    for (uint32_t a = 0; a < l->naccess; a++)
        if (l->access[a].op == o && l->access[a].buffer == b && l->access[a].write == write)
            return true;
    return false;
}

static const pl_plan_slot *task(const pl_test_plan *p, uint32_t op, uint32_t iter)
{
    return &p->s.tasks[(size_t)iter * p->l.nops + op];
}

/* The latest end of the ops in [lo, hi) that read b in iteration iter, or -INFINITY. An op
 * that reads b with no writer before it and writes b itself updates b in place: when
 * `in_place`, it is done with the old value as it starts. */
static double reads_end(const pl_test_plan *p, uint32_t b, uint32_t lo, uint32_t hi, uint32_t iter,
                        bool in_place)
{
    double end = -INFINITY;
    for (uint32_t o = lo; o < hi; o++) {
        if (!accesses(&p->l, o, b, false))
            continue;
        bool update = in_place && accesses(&p->l, o, b, true);
        end = fmax(end, update ? task(p, o, iter)->start : task(p, o, iter)->end);
    }
    return end;
}

/* Buffer b's instances by the rules of models/plan/liveness.h, appended to want[*n]. */
static void brute_instances(const pl_test_plan *p, uint32_t b, pl_plan_instance *want, uint32_t *n)
{
    const pl_plan_loop *l = &p->l;
    uint32_t fw = l->nops;
    for (uint32_t o = l->nops; o-- > 0;)
        if (accesses(l, o, b, true))
            fw = o;
    double carried0 = reads_end(p, b, 0, fw < l->nops ? fw + 1 : l->nops, 0, true);
    if (fw == l->nops) {
        if (carried0 > -INFINITY)
            want[(*n)++] = (pl_plan_instance){b, -1, 0, p->s.makespan, 0, 0};
        return;
    }
    if (carried0 > -INFINITY)
        want[(*n)++] = (pl_plan_instance){b, -1, 0, carried0, 0, 0};
    for (uint32_t i = 0; i < l->iterations; i++) {
        double start = INFINITY, end = -INFINITY;
        for (uint32_t o = 0; o < l->nops; o++) {
            if (!accesses(l, o, b, true))
                continue;
            start = fmin(start, task(p, o, i)->start);
            end = fmax(end, task(p, o, i)->end);
        }
        end = fmax(end, reads_end(p, b, fw + 1, l->nops, i, false));
        if (i + 1 < l->iterations)
            end = fmax(end, reads_end(p, b, 0, fw + 1, i + 1, true));
        want[(*n)++] = (pl_plan_instance){b, (int32_t)i, start, end, 0, 0};
    }
}

/* The most instances of buffer b (every buffer when b is UINT32_MAX) live at once, each
 * weighing `weight` bytes (its size when weight is 0). The maximum is reached at some
 * instance's start. */
static double brute_live(const pl_test_plan *p, const pl_plan_memmap *m, uint32_t b, double weight)
{
    double most = 0;
    for (uint32_t k = 0; k < m->ninst; k++) {
        double t = m->inst[k].start, live = 0;
        for (uint32_t j = 0; j < m->ninst; j++) {
            const pl_plan_instance *in = &m->inst[j];
            if ((b == UINT32_MAX || in->buffer == b) && in->start <= t && t < in->end)
                live += weight > 0 ? weight : p->l.buffers[in->buffer].size;
        }
        most = fmax(most, live);
    }
    return most;
}

/* The physical buffers (buffer, version) of m with their spans and sizes. */
struct phys {
    uint32_t b, v;
    double start, end, size, offset, brute;
    bool placed;
};

/* Whether physical buffer q comes before r in order of first use: (span start, buffer,
 * version); or, largest first, by size down and then in that order. */
static bool placed_before(const struct phys *q, const struct phys *r, bool largest)
{
    if (largest && q->size != r->size)
        return q->size > r->size;
    return q->start < r->start ||
           (q->start == r->start && (q->b < r->b || (q->b == r->b && q->v < r->v)));
}

/* Places ph[0 .. n) by brute force into .brute, in order of first use or largest first:
 * each at the lowest of 0 and every placed one's end that overlaps no placed one with an
 * overlapping span. Returns the footprint. */
static double brute_place(struct phys *ph, uint32_t n, bool largest)
{
    double footprint = 0;
    for (uint32_t q = 0; q < n; q++)
        ph[q].placed = false;
    for (uint32_t placed = 0; placed < n; placed++) {
        uint32_t next = n;
        for (uint32_t q = 0; q < n; q++)
            if (!ph[q].placed && (next == n || placed_before(&ph[q], &ph[next], largest)))
                next = q;
        double best = INFINITY;
        for (uint32_t c = 0; c <= n; c++) {
            if (c < n && !ph[c].placed)
                continue;
            double x = c < n ? ph[c].brute + ph[c].size : 0;
            bool fits = true;
            for (uint32_t q = 0; q < n && fits; q++)
                fits = !(ph[q].placed &&
                         overlap(ph[q].start, ph[q].end, ph[next].start, ph[next].end) &&
                         overlap(ph[q].brute, ph[q].brute + ph[q].size, x, x + ph[next].size));
            if (fits)
                best = fmin(best, x);
        }
        ph[next].brute = best;
        ph[next].placed = true;
        footprint = fmax(footprint, best + ph[next].size);
    }
    return footprint;
}

/* Offsets: both placements by brute force (first fit in order of first use, and largest
 * first), their footprints as the module reports them, and the offsets those of the one
 * with the smaller footprint (first use on a tie), the default placement. Returns 1 when
 * largest first has the smaller footprint, -1 when first use has, 0 on a tie. */
static int check_placement(const pl_test_plan *p, const pl_plan_memmap *m)
{
    struct phys ph[MAXI];
    uint32_t n = 0;
    for (uint32_t k = 0; k < m->ninst; k++) {
        const pl_plan_instance *in = &m->inst[k];
        uint32_t q = 0;
        while (q < n && !(ph[q].b == in->buffer && ph[q].v == in->version))
            q++;
        if (q == n)
            ph[n++] = (struct phys){in->buffer, in->version, in->start, in->end,
                                    p->l.buffers[in->buffer].size, in->offset, 0, false};
        ph[q].start = fmin(ph[q].start, in->start);
        ph[q].end = fmax(ph[q].end, in->end);
        pl_assert_near(in->offset, ph[q].offset, 0); /* one offset per physical buffer */
    }
    double largest = brute_place(ph, n, true);
    pl_assert_near(m->footprint_largest_first, largest, 0);
    double first_use = brute_place(ph, n, false);
    pl_assert_near(m->footprint_first_use, first_use, 0);
    bool chose_largest = largest < first_use;
    assert_int_equal(m->largest_first, chose_largest);
    if (chose_largest)
        brute_place(ph, n, true);
    for (uint32_t q = 0; q < n; q++)
        pl_assert_near(ph[q].offset, ph[q].brute, 0);
    return chose_largest ? 1 : first_use < largest ? -1 : 0;
}

static bool same_phys(const pl_plan_instance *a, const pl_plan_instance *b)
{
    return a->buffer == b->buffer && a->version == b->version;
}

/* Whether instance j comes before k in order of (start, iteration). */
static bool earlier(const pl_plan_memmap *m, uint32_t j, uint32_t k)
{
    const pl_plan_instance *a = &m->inst[j], *b = &m->inst[k];
    return a->start < b->start || (a->start == b->start && a->iter < b->iter);
}

/* How many instances of k's physical buffer come before k (after k when `after`). */
static uint32_t phys_rank(const pl_plan_memmap *m, uint32_t k, bool after)
{
    uint32_t n = 0;
    for (uint32_t j = 0; j < m->ninst; j++)
        if (same_phys(&m->inst[j], &m->inst[k]) && (after ? earlier(m, k, j) : earlier(m, j, k)))
            n++;
    return n;
}

/* The span of k's physical buffer: its first start, its last end. */
static void phys_span(const pl_plan_memmap *m, uint32_t k, double *start, double *end)
{
    *start = INFINITY;
    *end = -INFINITY;
    for (uint32_t j = 0; j < m->ninst; j++) {
        if (!same_phys(&m->inst[j], &m->inst[k]))
            continue;
        *start = fmin(*start, m->inst[j].start);
        *end = fmax(*end, m->inst[j].end);
    }
}

/* Whether the header's rule lists (from j, to k): k follows j in their physical buffer, or
 * k is the first instance of a physical buffer that takes addresses of one whose span
 * ended before, and j is that one's last. */
static bool reuses(const pl_test_plan *p, const pl_plan_memmap *m, uint32_t j, uint32_t k)
{
    const pl_plan_instance *a = &m->inst[j], *b = &m->inst[k];
    if (same_phys(a, b))
        return phys_rank(m, k, false) == phys_rank(m, j, false) + 1;
    double s0, e0, s1, e1;
    phys_span(m, j, &s0, &e0);
    phys_span(m, k, &s1, &e1);
    return phys_rank(m, j, true) == 0 && phys_rank(m, k, false) == 0 && e0 <= s1 &&
           overlap(a->offset, a->offset + p->l.buffers[a->buffer].size, b->offset,
                   b->offset + p->l.buffers[b->buffer].size);
}

/* The reuse list is every pair the rule gives, each once, sorted by (to, from); in each,
 * `to` starts after `from` ends. */
static void check_reuse(const pl_test_plan *p, const pl_plan_memmap *m)
{
    uint32_t r = 0;
    for (uint32_t k = 0; k < m->ninst; k++) {
        for (uint32_t j = 0; j < m->ninst; j++) {
            if (!reuses(p, m, j, k))
                continue;
            assert_true(r < m->nreuse);
            assert_int_equal(m->reuse[r].from, j);
            assert_int_equal(m->reuse[r].to, k);
            assert_true(m->inst[j].end <= m->inst[k].start);
            r++;
        }
    }
    assert_int_equal(m->nreuse, r);
}

/* One random loop and schedule: up to MAXOPS ops, MAXBUF buffers, MAXIT iterations; each
 * op reads a buffer one time in 3 and writes it one time in 4, sometimes twice; tasks
 * start at whole seconds: anywhere in [0, 16); or in [3i, 3i + 6) for iteration i; or
 * about in program order, task t in [2t, 2t + 3) (so that buffers come and go and others
 * take their memory). They last 1 to 4 s, so that ends and starts often meet. Sizes are
 * whole bytes from 1 to 16, or all 8. */
static pl_test_plan random_plan(uint64_t *rng)
{
    uint32_t nbuf = pl_test_below(rng, 3) == 0 ? 1 : 1 + pl_test_below(rng, MAXBUF);
    uint32_t nops = 1 + pl_test_below(rng, MAXOPS);
    uint32_t iters =
        pl_test_below(rng, 3) == 0 ? 1 : 1 + pl_test_below(rng, MAXIT); /* one: a plain DAG */
    bool one_size = pl_test_below(rng, 2) == 0;
    double sizes[MAXBUF];
    for (uint32_t b = 0; b < nbuf; b++)
        sizes[b] = one_size ? 8 : 1 + pl_test_below(rng, 16);
    pl_plan_access acc[MAXACC];
    uint32_t na = 0;
    for (uint32_t o = 0; o < nops; o++) {
        for (uint32_t b = 0; b < nbuf; b++) {
            if (pl_test_below(rng, 3) == 0)
                acc[na++] = (pl_plan_access){o, b, false};
            if (pl_test_below(rng, 4) == 0)
                acc[na++] = (pl_plan_access){o, b, true};
            if (na > 0 && pl_test_below(rng, 10) == 0)
                acc[na] = acc[na - 1], na++;
        }
    }
    pl_test_plan p = pl_test_plan_new(nops, sizes, nbuf, acc, na, iters);
    uint32_t order = pl_test_below(rng, 3);
    for (uint32_t i = 0; i < iters; i++) {
        for (uint32_t o = 0; o < nops; o++) {
            uint32_t start = order == 0   ? pl_test_below(rng, 16)
                             : order == 1 ? 3 * i + pl_test_below(rng, 6)
                                          : 2 * (i * nops + o) + pl_test_below(rng, 3);
            pl_test_plan_set_task(&p, o, i, start, start + 1 + pl_test_below(rng, 4));
        }
    }
    return p;
}

static void check_random(uint64_t *rng, int wins[3])
{
    pl_test_plan p = random_plan(rng);
    pl_plan_memmap m;
    pl_test_plan_liveness(&p, &m);

    pl_plan_instance want[MAXI];
    uint32_t nwant = 0;
    for (uint32_t b = 0; b < p.l.nbuffers; b++)
        brute_instances(&p, b, want, &nwant);
    assert_int_equal(m.ninst, nwant);
    double no_reuse = 0;
    for (uint32_t k = 0; k < m.ninst; k++) {
        assert_int_equal(m.inst[k].buffer, want[k].buffer);
        assert_int_equal(m.inst[k].iter, want[k].iter);
        pl_assert_near(m.inst[k].start, want[k].start, 0);
        pl_assert_near(m.inst[k].end, want[k].end, 0);
        /* Empty only for a value before the loop that an update at 0 takes in place. */
        assert_true(m.inst[k].start < m.inst[k].end ||
                    (m.inst[k].iter == -1 && m.inst[k].end == 0));
        assert_true(m.inst[k].version < m.versions[m.inst[k].buffer]);
        no_reuse += p.l.buffers[m.inst[k].buffer].size;
    }
    pl_assert_near(m.no_reuse, no_reuse, 0);

    for (uint32_t b = 0; b < p.l.nbuffers; b++)
        assert_int_equal(m.versions[b], (uint32_t)brute_live(&p, &m, b, 1));
    for (uint32_t j = 0; j < m.ninst; j++) {
        const pl_plan_instance *a = &m.inst[j];
        double sa = p.l.buffers[a->buffer].size;
        assert_true(a->offset >= 0 && a->offset + sa <= m.footprint);
        for (uint32_t k = j + 1; k < m.ninst; k++) {
            const pl_plan_instance *b = &m.inst[k];
            double sb = p.l.buffers[b->buffer].size;
            if (overlap(a->start, a->end, b->start, b->end))
                assert_false(overlap(a->offset, a->offset + sa, b->offset, b->offset + sb));
        }
    }
    pl_assert_near(m.max_live, brute_live(&p, &m, UINT32_MAX, 0), 0);
    assert_true(m.footprint >= m.max_live - 1e-9);
    if (p.l.nbuffers == 1) /* one buffer: its copies all overlap, so they stack exactly */
        pl_assert_near(m.footprint, m.max_live, 0);
    int better = check_placement(&p, &m);
    wins[better + 1]++;
    check_reuse(&p, &m);
    pl_plan_memmap_fini(&m);
    pl_test_plan_free(&p);
}

/* CASES random loops from SEED: about 400 need more than one version of a buffer, 36 have
 * a buffer that takes another's memory, 25 an empty value before the loop (updated in place
 * at 0). Both placements are checked against brute force; largest first has the smaller
 * footprint in 5 of them, where the default placement takes it, and ties in the others. */
static void test_random_against_brute_force(void **state)
{
    (void)state;
    printf("seed %u\n", SEED);
    uint64_t rng = SEED;
    int wins[3] = {0}; /* first use smaller, a tie, largest first smaller */
    for (int c = 0; c < CASES; c++)
        check_random(&rng, wins);
    /* Largest first beats first use in some cases, where the default takes it, and not in
     * others (a tie, or first use smaller), where the default keeps first use. */
    printf("footprints: first use smaller in %d cases, largest first in %d, a tie in %d\n",
           wins[0], wins[2], wins[1]);
    assert_true(wins[2] > 0 && wins[0] + wins[1] > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_against_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
