/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_stream_partition_solvers.c — the optimal cut of a task chain into pipeline stages,
 * against two solvers written here, apart from the partitioner: an exhaustive search,
 * which tries every composition of the chain, every core type and every thread count per
 * stage, on random small chains drawn from a fixed seed (printed); and a plainer solver
 * for chains too long to search exhaustively, on longer chains from the same seed.
 * Periods are compared to 1e-9 relative (partition_check.h says why).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "partition_check.h"
#include "support.h"

#include "sim/common/error.h"
#include "models/stream/partition.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED    20240611u
#define MAXN    7 /* the longest chain the exhaustive search tries */
#define MAXCORE 4 /* the most cores of a type it tries */

/* ---- The exhaustive search ---- */

/* A partition as the exhaustive search sees it. */
struct candidate {
    double period;
    uint32_t used[2], nstages;
    pl_stage_plan stages[MAXN];
};

struct exhaustive {
    const pl_chain_task *t;
    uint32_t n, cores[2];
    struct candidate cur, best;
    bool found;
};

/* Negative when a is better: smaller period (beyond PL_TEST_PERIOD_REL), then fewer cores, fewer
 * big cores, fewer stages, then stage by stage the shorter stage, then big before little. */
static int compare(const struct candidate *a, const struct candidate *b)
{
    if (a->period < b->period * (1 - PL_TEST_PERIOD_REL) ||
        a->period > b->period * (1 + PL_TEST_PERIOD_REL))
        return a->period < b->period ? -1 : 1;
    uint32_t ta = a->used[0] + a->used[1], tb = b->used[0] + b->used[1];
    if (ta != tb)
        return ta < tb ? -1 : 1;
    if (a->used[0] != b->used[0])
        return a->used[0] < b->used[0] ? -1 : 1;
    if (a->nstages != b->nstages)
        return a->nstages < b->nstages ? -1 : 1;
    for (uint32_t s = 0; s < a->nstages; s++) {
        const pl_stage_plan *x = &a->stages[s], *y = &b->stages[s];
        if (x->tasks != y->tasks)
            return x->tasks < y->tasks ? -1 : 1;
        if (x->type != y->type)
            return x->type < y->type ? -1 : 1;
    }
    return 0;
}

/* Every way to run tasks i..n-1 after the stages in e->cur. */
static void enumerate(struct exhaustive *e, uint32_t i)
{
    if (i == e->n) {
        if (!e->found || compare(&e->cur, &e->best) < 0)
            e->best = e->cur;
        e->found = true;
        return;
    }
    struct candidate saved = e->cur;
    for (uint32_t k = i + 1; k <= e->n; k++) {
        bool stateful = false;
        for (uint32_t j = i; j < k; j++)
            stateful = stateful || e->t[j].stateful;
        for (int type = 0; type < 2; type++) {
            double w = 0;
            for (uint32_t j = i; j < k; j++)
                w += e->t[j].latency[type];
            uint32_t most = stateful ? 1 : e->cores[type];
            for (uint32_t r = 1; r <= most && isfinite(w); r++) {
                if (e->cur.used[type] + r > e->cores[type])
                    break;
                e->cur.stages[e->cur.nstages++] =
                    (pl_stage_plan){i, k - i, r, (pl_core_type)type, w / r};
                e->cur.used[type] += r;
                e->cur.period = fmax(e->cur.period, w / r);
                enumerate(e, k);
                e->cur = saved;
            }
        }
    }
}

/* A latency of 0..6 units (zero one time in 14, so that equal values are common), or
 * INFINITY one time in 10 when `infinite`. */
static double draw_latency(uint64_t *s, bool infinite, double unit)
{
    if (infinite && pl_test_below(s, 10) == 0)
        return INFINITY;
    return pl_test_below(s, 14) == 0 ? 0 : (1 + pl_test_below(s, 6)) * unit;
}

/* One random chain against the exhaustive search: same period, cores, big cores and
 * stages, and the same stages (the documented tie rule), or PL_EINVAL from both. */
static void agree_once(uint64_t *rng, bool two_types, double unit)
{
    pl_chain_task t[MAXN];
    uint32_t n = 1 + pl_test_below(rng, MAXN);
    uint32_t cores[2] = {1 + pl_test_below(rng, MAXCORE), 0};
    if (two_types) {
        cores[0] = pl_test_below(rng, MAXCORE + 1);
        cores[1] = pl_test_below(rng, MAXCORE + 1);
        if (cores[0] + cores[1] == 0)
            cores[1] = 1;
    }
    for (uint32_t i = 0; i < n; i++) {
        t[i].latency[0] = draw_latency(rng, two_types, unit);
        t[i].latency[1] = draw_latency(rng, two_types, unit);
        t[i].stateful = pl_test_below(rng, 3) == 0;
    }
    struct exhaustive e = {.t = t, .n = n, .cores = {cores[0], cores[1]}};
    enumerate(&e, 0);
    pl_partition p;
    int rc = pl_partition_find(t, n, cores, &p);
    if (!e.found) {
        assert_int_equal(rc, PL_EINVAL);
        return;
    }
    assert_int_equal(rc, 0);
    pl_test_partition_well_formed(t, n, cores, &p);
    pl_assert_near(p.period, e.best.period, PL_TEST_PERIOD_REL * e.best.period);
    assert_int_equal(p.used[0] + p.used[1], e.best.used[0] + e.best.used[1]);
    assert_int_equal(p.used[0], e.best.used[0]);
    assert_int_equal(p.nstages, e.best.nstages);
    for (uint32_t s = 0; s < p.nstages; s++) {
        assert_int_equal(p.stages[s].tasks, e.best.stages[s].tasks);
        assert_int_equal(p.stages[s].type, e.best.stages[s].type);
        assert_int_equal(p.stages[s].threads, e.best.stages[s].threads);
    }
    pl_partition_fini(&p);
}

/* 400 chains on identical cores and 400 on big and little cores, from SEED; every other
 * chain counts its latencies in units of 0.1, which floating point does not hold
 * exactly, so that equal periods reached by different sums differ in their last bits. */
static void test_agrees_with_exhaustive_search(void **state)
{
    (void)state;
    printf("seed %u\n", SEED);
    uint64_t rng = SEED;
    for (int c = 0; c < 400; c++)
        agree_once(&rng, false, c % 2 ? 0.1 : 1);
    for (int c = 0; c < 400; c++)
        agree_once(&rng, true, c % 2 ? 0.1 : 1);
}

/* ---- Longer chains, where the partitioner narrows its window on the period first ---- */

/* A plainer solver for chains too long to search exhaustively, written apart from the
 * partitioner: every candidate sorted, bisection over them, and a forward table over
 * (tasks done, big cores used) of (little cores, stages). It shares the partitioner's
 * tolerance, W / r <= P (1 + 1e-12), without which two solvers could disagree on periods
 * that differ only by rounding. */
struct plain_cell {
    uint32_t little, stages;
    bool reached;
};

/* The fewest threads of type `type` (at most its cores, one when stateful) that bring
 * tasks i..k-1 to period p, tried in turn; 0 when none does. */
static uint32_t plain_threads(const pl_chain_task *t, uint32_t i, uint32_t k, int type,
                              const uint32_t cores[2], double p)
{
    double w = 0;
    bool stateful = false;
    for (uint32_t j = i; j < k; j++) {
        w += t[j].latency[type];
        stateful = stateful || t[j].stateful;
    }
    uint32_t most = stateful ? 1 : cores[type];
    for (uint32_t r = 1; r <= most; r++)
        if (w / r <= p * (1 + 1e-12))
            return r;
    return 0;
}

static void plain_relax(struct plain_cell *to, uint32_t little, uint32_t stages)
{
    if (!to->reached || little < to->little || (little == to->little && stages < to->stages))
        *to = (struct plain_cell){little, stages, true};
}

/* Fills cell[k * (cores[0] + 1) + b] for period p. */
static void plain_table(const pl_chain_task *t, uint32_t n, const uint32_t cores[2], double p,
                        struct plain_cell *cell)
{
    const uint32_t w = cores[0] + 1;
    memset(cell, 0, sizeof *cell * (n + 1) * w);
    cell[0].reached = true;
    for (uint32_t j = 0; j < n; j++)
        for (uint32_t k = j + 1; k <= n; k++)
            for (int type = 0; type < 2; type++) {
                uint32_t r = plain_threads(t, j, k, type, cores, p);
                for (uint32_t b = 0; b < w && r > 0; b++) {
                    const struct plain_cell *c = &cell[j * w + b];
                    uint32_t big = b + (type == 0 ? r : 0);
                    uint32_t little = c->little + (type == 1 ? r : 0);
                    if (c->reached && big <= cores[0] && little <= cores[1])
                        plain_relax(&cell[k * w + big], little, c->stages + 1);
                }
            }
}

static bool plain_fits(const pl_chain_task *t, uint32_t n, const uint32_t cores[2], double p,
                       struct plain_cell *cell)
{
    plain_table(t, n, cores, p, cell);
    for (uint32_t b = 0; b <= cores[0]; b++)
        if (cell[n * (cores[0] + 1) + b].reached)
            return true;
    return false;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The plain solver's period, cores of each type and stages, into *out (stages not
 * filled). */
static void plain_solve(const pl_chain_task *t, uint32_t n, const uint32_t cores[2],
                        pl_partition *out)
{
    size_t m = 0, most = (size_t)n * (n + 1) / 2 * (cores[0] + cores[1]);
    double *c = malloc(most * sizeof *c);
    struct plain_cell *cell = malloc(sizeof *cell * (n + 1) * (cores[0] + 1));
    assert_true(c && cell);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t k = i + 1; k <= n; k++)
            for (int type = 0; type < 2; type++) {
                double w = 0;
                bool stateful = false;
                for (uint32_t j = i; j < k; j++) {
                    w += t[j].latency[type];
                    stateful = stateful || t[j].stateful;
                }
                for (uint32_t r = 1; r <= (stateful ? 1 : cores[type]) && isfinite(w); r++)
                    c[m++] = w / r;
            }
    qsort(c, m, sizeof *c, by_value);
    size_t lo = 0, hi = m - 1; /* the whole chain on one thread fits: c[m - 1] at most */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (plain_fits(t, n, cores, c[mid], cell))
            hi = mid;
        else
            lo = mid + 1;
    }
    assert_true(plain_fits(t, n, cores, c[lo], cell));
    *out = (pl_partition){.period = c[lo]};
    uint32_t best_total = UINT32_MAX;
    for (uint32_t b = 0; b <= cores[0]; b++) {
        const struct plain_cell *e = &cell[n * (cores[0] + 1) + b];
        if (e->reached && b + e->little < best_total) {
            best_total = b + e->little;
            *out = (pl_partition){NULL, e->stages, c[lo], {b, e->little}};
        }
    }
    free(cell);
    free(c);
}

/* 150 tasks, latencies 1..50 on each type (from SEED), the first and the last stateful
 * (a source and a sink, as in StreamPU's chains), on 48 + 16, 16 + 48, 64 + 0 and 0 + 64
 * cores: the partitioner agrees with the plain solver on the period (1e-9 relative), the
 * cores of each type and the stages. Long replicable stages give hundreds of thousands of
 * candidates, so the partitioner narrows its window on the period before collecting. */
static void test_agrees_with_plain_solver(void **state)
{
    (void)state;
    enum { N = 150 };
    const uint32_t cores[][2] = {{48, 16}, {16, 48}, {64, 0}, {0, 64}};
    uint64_t rng = SEED;
    for (int c = 0; c < 4; c++) {
        pl_chain_task t[N];
        for (int i = 0; i < N; i++) {
            double big = 1 + pl_test_below(&rng, 50), little = 1 + pl_test_below(&rng, 50);
            t[i] = (pl_chain_task){{big, little}, i == 0 || i == N - 1};
        }
        pl_partition p, q;
        assert_int_equal(pl_partition_find(t, N, cores[c], &p), 0);
        pl_test_partition_well_formed(t, N, cores[c], &p);
        plain_solve(t, N, cores[c], &q);
        pl_assert_near(p.period, q.period, PL_TEST_PERIOD_REL * q.period);
        assert_int_equal(p.used[PL_CORE_BIG], q.used[PL_CORE_BIG]);
        assert_int_equal(p.used[PL_CORE_LITTLE], q.used[PL_CORE_LITTLE]);
        assert_int_equal(p.nstages, q.nstages);
        pl_partition_fini(&p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agrees_with_exhaustive_search),
        cmocka_unit_test(test_agrees_with_plain_solver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
