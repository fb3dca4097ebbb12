/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * partition.c — the exact optimal cut of a task chain into stages on big and
 * little cores (StreamPU's OTAC with one core type, HeRAD's problem with two).
 *
 * The optimal period is one of the candidates W_t(i..k) / r: the work of a stage on a
 * type, over a thread count (r = 1 for a stage with a stateful task). Whether a period P
 * fits is monotone in P, so the smallest candidate that fits is found by bisection. First
 * on the period itself, between a lower bound and the whole chain on one thread, until
 * at most BUDGET candidates lie in the window (counted in O(1) per stage), so that long
 * chains on many cores do not need n^2 R candidates in memory; then on the candidates
 * in the window, never sorted: each step moves the median of the remaining ones into
 * place (quickselect) and keeps the half that holds the answer, O(m) expected in all.
 *
 * A check fills a table over (i, a): the best way to run tasks i..n-1 with exactly a
 * cores of the `column` type, the type with fewer cores (big on a tie), so that a check
 * costs O(n^2) on identical cores. Its key is k * (n + 1) + stages, where k counts the
 * cores of the other, `keyed`, type: the smaller key has fewer of those, then fewer
 * stages. Invariant: every key in the table is either NONE (no way) or at most `cap`,
 * the largest key with at most cores[keyed] cores. A stage takes the fewest threads that
 * bring it to P, which an optimal partition always does (one more thread costs a core and
 * lowers no period that P already bounds).
 *
 * Ties: among partitions with the smallest period, the fewest cores, the fewest big cores
 * and the fewest stages, the answer is the lexicographically smallest sequence of stages
 * compared one stage after the other from the chain's start, first by the stage's length
 * (shorter first), then by its type (big first). The threads of each stage then follow.
 *
 * Tolerance: a stage of work W fits P on r threads when W / r <= P (1 + 1e-12), so that a
 * candidate P = W / r computed in floating point gives back r threads, not r + 1. Work is
 * summed task by task from the stage's first task, in the same order everywhere, so a
 * stage's W is the same number in the candidates, the checks and the answer. Distinct
 * periods closer than 1e-12 relative are taken as equal.
 *
 * Cost: each check is O(n^2 (min(cores[BIG], cores[LITTLE]) + 1)), O(n^2) with identical
 * cores; about log2(n^2 (cores[BIG] + cores[LITTLE])) checks, plus O(n^2) to count the
 * window at each step on the period and O(n^2 + m) to collect the m <= BUDGET candidates
 * of the last window (all of them when no type runs every task, as then no bisection on
 * the period can start).
 */
#include "models/stream/partition.h"
#include "sim/common/error.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOL    1e-12      /* relative: W / r within P (1 + TOL) fits P */
#define SLACK  1e-9       /* relative: how far outside the bounds candidates are kept */
#define BUDGET 65536      /* the most candidates worth collecting at once */
#define NEVER  UINT32_MAX /* threads: the stage cannot reach P on this type */
#define NONE   UINT64_MAX /* key: no way to run these tasks */

struct search {
    const pl_chain_task *tasks;
    size_t n;
    uint32_t cores[PL_CORE_TYPES]; /* those the chain can use: at most n stages' worth */
    uint32_t most[PL_CORE_TYPES];  /* threads of one stage: min(cores, the stage limit) */
    pl_core_type column, keyed;    /* whose cores index the table, whose the key counts */
    size_t width;                  /* cores[column] + 1 */
    uint64_t cap;                  /* cores[keyed] (n + 1) + n */
    uint64_t *table;               /* (n + 1) x width keys; row n is the empty tail */
};

/* The tasks of one stage so far: their work on each type and whether one is stateful. */
struct span {
    double work[PL_CORE_TYPES];
    bool stateful;
};

static void span_add(struct span *sp, const pl_chain_task *task)
{
    for (int t = 0; t < PL_CORE_TYPES; t++)
        sp->work[t] += task->latency[t];
    sp->stateful = sp->stateful || task->stateful;
}

/* The fewest threads of type t that bring the stage to `period`, or NEVER when none
 * up to most[t] do. Nondecreasing as the stage grows, which lets the checks stop. */
static uint32_t threads(const struct search *s, const struct span *sp, pl_core_type t,
                        double period)
{
    double w = sp->work[t];
    if (s->cores[t] == 0)
        return NEVER;
    if (w <= period * (1 + TOL))
        return 1;
    if (sp->stateful || !(period > 0))
        return NEVER;
    double q = w / period;
    if (!(q * (1 - TOL) <= (double)s->most[t])) /* also an infinite w */
        return NEVER;
    double r = ceil(q * (1 - TOL));
    return r < 2 ? 2 : (uint32_t)r;
}

/* Tasks i..k-1 on r threads of the column type, then the best tail from k with a - r.
 * Branch-free minima: which key wins is data, not control flow. */
static void relax_column(const struct search *s, uint64_t *restrict row,
                         const uint64_t *restrict tail, uint32_t r)
{
    const size_t width = s->width;
    for (size_t a = r; a < width; a++) {
        uint64_t v = tail[a - r] + (tail[a - r] != NONE); /* NONE stays NONE */
        row[a] = v < row[a] ? v : row[a];
    }
}

/* What r threads of the keyed type and one stage add to a key. r <= cores[keyed], so
 * cap >= the result. */
static uint64_t keyed_cost(const struct search *s, uint32_t r)
{
    return (uint64_t)r * (s->n + 1) + 1;
}

/* Tasks i..k-1 on r threads of the keyed type, then the best tail from k with a: NONE
 * when the tail already has more than cores[keyed] - r of them. */
static void relax_keyed(const struct search *s, uint64_t *restrict row,
                        const uint64_t *restrict tail, uint32_t r)
{
    const size_t width = s->width;
    const uint64_t add = keyed_cost(s, r), most = s->cap - add;
    for (size_t a = 0; a < width; a++) {
        uint64_t v = tail[a] <= most ? tail[a] + add : NONE;
        row[a] = v < row[a] ? v : row[a];
    }
}

/* The best way to run tasks i..n-1 with each stage at most `period`, from the rows below. */
static void fill_row(struct search *s, size_t i, double period)
{
    uint64_t *row = s->table + i * s->width;
    for (size_t a = 0; a < s->width; a++)
        row[a] = NONE;
    struct span sp = {{0, 0}, false};
    bool alive[PL_CORE_TYPES] = {true, true};
    for (size_t k = i + 1; k <= s->n && (alive[PL_CORE_BIG] || alive[PL_CORE_LITTLE]); k++) {
        span_add(&sp, &s->tasks[k - 1]);
        const uint64_t *tail = s->table + k * s->width;
        for (int t = 0; t < PL_CORE_TYPES; t++) {
            uint32_t r = alive[t] ? threads(s, &sp, (pl_core_type)t, period) : NEVER;
            alive[t] = r != NEVER;
            if (r != NEVER && (pl_core_type)t == s->column)
                relax_column(s, row, tail, r);
            else if (r != NEVER)
                relax_keyed(s, row, tail, r);
        }
    }
}

static void fill_table(struct search *s, double period)
{
    uint64_t *last = s->table + s->n * s->width;
    for (size_t a = 0; a < s->width; a++)
        last[a] = a == 0 ? 0 : NONE;
    for (size_t i = s->n; i-- > 0;)
        fill_row(s, i, period);
}

static bool fits(struct search *s, double period)
{
    fill_table(s, period);
    for (size_t a = 0; a < s->width; a++)
        if (s->table[a] != NONE)
            return true;
    return false;
}

/* No period below this fits: a task's stage carries at least its latency over all the
 * cores of a type (over one thread when stateful), and all the stages together carry at
 * least every task on its fastest type, over all the cores. SLACK absorbs the rounding
 * of sums taken in another order than the stages'. */
static double lower_bound(const struct search *s)
{
    double most = 0, total = 0;
    for (size_t i = 0; i < s->n; i++) {
        const pl_chain_task *task = &s->tasks[i];
        double fastest = INFINITY, spread = INFINITY;
        for (int t = 0; t < PL_CORE_TYPES; t++) {
            if (s->cores[t] == 0)
                continue;
            fastest = fmin(fastest, task->latency[t]);
            spread = fmin(spread, task->latency[t] / (task->stateful ? 1 : s->most[t]));
        }
        most = fmax(most, spread);
        total += fastest;
    }
    double all = (double)s->cores[PL_CORE_BIG] + (double)s->cores[PL_CORE_LITTLE];
    return fmax(most, total / all) * (1 - SLACK);
}

/* The whole chain on one thread of its fastest type always fits; INFINITY when no type
 * with cores runs every task. The same sum as the candidate for stage 0..n-1, r = 1. */
static double upper_bound(const struct search *s)
{
    struct span sp = {{0, 0}, false};
    for (size_t i = 0; i < s->n; i++)
        span_add(&sp, &s->tasks[i]);
    double best = INFINITY;
    for (int t = 0; t < PL_CORE_TYPES; t++)
        if (s->cores[t] > 0)
            best = fmin(best, sp.work[t]);
    return best;
}

/* The candidates of one stage on type t within [lo, hi], into out unless it is NULL;
 * returns how many. Thread counts below w / hi - 1 give w / r > hi for sure. */
static size_t stage_candidates(const struct search *s, const struct span *sp, pl_core_type t,
                               double lo, double hi, double *out)
{
    double w = sp->work[t];
    if (s->cores[t] == 0 || !isfinite(w) || w < lo)
        return 0;
    uint64_t most = sp->stateful || w == 0 ? 1 : s->most[t];
    double skip = floor(w / hi) - 1; /* NaN when w = hi = 0 */
    uint64_t r = skip > 1 ? (skip < (double)most ? (uint64_t)skip : most) : 1;
    size_t m = 0;
    for (; r <= most; r++) {
        double c = w / (double)r;
        if (c < lo)
            break;
        if (c <= hi && out)
            out[m] = c;
        m += c <= hi;
    }
    return m;
}

/* Every candidate period in [lo, hi], into out unless it is NULL; returns how many. */
static size_t collect(const struct search *s, double lo, double hi, double *out)
{
    size_t m = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct span sp = {{0, 0}, false};
        for (size_t k = i; k < s->n; k++) {
            span_add(&sp, &s->tasks[k]);
            for (int t = 0; t < PL_CORE_TYPES; t++)
                m += stage_candidates(s, &sp, (pl_core_type)t, lo, hi, out ? out + m : NULL);
        }
    }
    return m;
}

/* How many candidates of one stage on type t lie in [lo, hi], give or take a thread
 * count at either end. */
static double stage_count(const struct search *s, const struct span *sp, pl_core_type t, double lo,
                          double hi)
{
    double w = sp->work[t];
    if (s->cores[t] == 0 || !isfinite(w) || w < lo)
        return 0;
    if (sp->stateful || w == 0)
        return w <= hi;
    double most = fmin(s->most[t], lo > 0 ? floor(w / lo) : INFINITY);
    double least = fmax(1, ceil(w / hi));
    return most >= least ? most - least + 1 : 0;
}

/* About how many candidates lie in [lo, hi]: enough to tell when to collect them. */
static double count_between(const struct search *s, double lo, double hi)
{
    double m = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct span sp = {{0, 0}, false};
        for (size_t k = i; k < s->n; k++) {
            span_add(&sp, &s->tasks[k]);
            for (int t = 0; t < PL_CORE_TYPES; t++)
                m += stage_count(s, &sp, (pl_core_type)t, lo, hi);
        }
    }
    return m;
}

/* Bisects [lo, hi] on the period, at the geometric midpoint as the window may span orders
 * of magnitude, until at most BUDGET candidates lie in it. Invariant: the smallest
 * candidate that fits lies in [lo, hi (1 + SLACK)]. It holds when no candidate at or below
 * lo fits and hi fits, since the largest stage load of what fits at hi is a candidate
 * within TOL of hi, and it fits too. */
static void narrow(struct search *s, double *lo, double *hi)
{
    for (int step = 0; step < 200 && count_between(s, *lo, *hi) > BUDGET; step++) {
        double mid = *lo > 0 ? sqrt(*lo * *hi) : *hi / 2;
        if (!(mid > *lo && mid < *hi))
            return;
        if (fits(s, mid))
            *hi = mid;
        else
            *lo = mid;
    }
}

static void swap(double *a, size_t i, size_t j)
{
    double x = a[i];
    a[i] = a[j];
    a[j] = x;
}

static double median3(double x, double y, double z)
{
    if (x < y)
        return y < z ? y : (x < z ? z : x);
    return x < z ? x : (y < z ? z : y);
}

/* Rearranges a[lo, hi) so that a[k] holds the value it would hold sorted, with nothing
 * larger before it and nothing smaller after it: Hoare's selection with a median-of-three
 * pivot and a three-way split, so that runs of equal candidates cost no extra. */
static void select_nth(double *a, size_t lo, size_t hi, size_t k)
{
    while (hi - lo > 1) {
        double pivot = median3(a[lo], a[lo + (hi - lo) / 2], a[hi - 1]);
        size_t lt = lo, i = lo, gt = hi; /* [lo, lt) < pivot, [lt, i) = pivot, [gt, hi) > */
        while (i < gt) {
            if (a[i] < pivot)
                swap(a, lt++, i++);
            else if (a[i] > pivot)
                swap(a, i, --gt);
            else
                i++;
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return;
    }
}

/* The smallest of the m candidates that fits, or -1 when none does. Invariant: it lies
 * in c[lo, hi), or is c[hi] when hi < m (a candidate that fits, with everything in
 * c[lo, hi) no larger), or there is none when hi = m. */
static double smallest_fit(struct search *s, double *c, size_t m)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        select_nth(c, lo, hi, mid);
        if (fits(s, c[mid]))
            hi = mid;
        else
            lo = mid + 1;
    }
    return hi < m ? c[hi] : -1;
}

static pl_stage_plan plan(size_t first, size_t end, uint32_t r, pl_core_type t, double work)
{
    return (pl_stage_plan){.first = (uint32_t)first,
                           .tasks = (uint32_t)(end - first),
                           .threads = r,
                           .type = t,
                           .load = work / r};
}

/* Whether tasks i..k-1 on r threads of type t, then the best tail from k (row `tail`),
 * make `key` with a cores of the column type from i on. */
static bool completes(const struct search *s, pl_core_type t, uint32_t r, const uint64_t *tail,
                      size_t a, uint64_t key)
{
    if (r == NEVER)
        return false;
    if (t == s->column)
        return r <= a && tail[a - r] != NONE && tail[a - r] + 1 == key;
    uint64_t add = keyed_cost(s, r);
    return tail[a] <= s->cap - add && tail[a] + add == key;
}

/* The first stage of the chosen partition of tasks i..n-1 with a cores of the column type
 * (the table filled at `period`): the shortest stage, big before little, that an optimal
 * tail completes to the table's key. */
static pl_stage_plan next_stage(const struct search *s, double period, size_t i, size_t a)
{
    uint64_t key = s->table[i * s->width + a];
    struct span sp = {{0, 0}, false};
    for (size_t k = i + 1; k <= s->n; k++) {
        span_add(&sp, &s->tasks[k - 1]);
        for (int t = 0; t < PL_CORE_TYPES; t++) {
            uint32_t r = threads(s, &sp, (pl_core_type)t, period);
            if (completes(s, (pl_core_type)t, r, s->table + k * s->width, a, key))
                return plan(i, k, r, (pl_core_type)t, sp.work[t]);
        }
    }
    assert(!"the table's key has no stage that reaches it");
    return plan(i, s->n, 1, PL_CORE_BIG, 0);
}

/* The column of the answer: the fewest cores in all, then the fewest big ones. */
static size_t best_column(const struct search *s)
{
    size_t best = s->width;
    uint64_t best_total = UINT64_MAX, best_big = UINT64_MAX;
    for (size_t a = 0; a < s->width; a++) {
        if (s->table[a] == NONE)
            continue;
        uint64_t keyed = s->table[a] / (s->n + 1), total = a + keyed;
        uint64_t big = s->column == PL_CORE_BIG ? a : keyed;
        if (total < best_total || (total == best_total && big < best_big)) {
            best = a;
            best_total = total;
            best_big = big;
        }
    }
    assert(best < s->width);
    return best;
}

/* Walks the table filled at `period` into *out. */
static int recover(const struct search *s, double period, pl_partition *out)
{
    size_t a = best_column(s);
    uint64_t key = s->table[a];
    out->nstages = (uint32_t)(key % (s->n + 1));
    out->stages = calloc(out->nstages, sizeof *out->stages);
    if (!out->stages)
        return PL_ENOMEM;
    out->used[s->column] = (uint32_t)a;
    out->used[s->keyed] = (uint32_t)(key / (s->n + 1));
    size_t i = 0;
    for (uint32_t st = 0; st < out->nstages; st++) {
        pl_stage_plan p = next_stage(s, period, i, a);
        out->stages[st] = p;
        out->period = fmax(out->period, p.load);
        i += p.tasks;
        a -= p.type == s->column ? p.threads : 0;
    }
    assert(i == s->n && a == 0);
    return 0;
}

/* PL_EINVAL when a task runs on no type that has cores (as with no cores at all). */
static int check_tasks(const struct search *s)
{
    for (size_t i = 0; i < s->n; i++) {
        bool runs = false;
        for (int t = 0; t < PL_CORE_TYPES; t++) {
            assert(s->tasks[i].latency[t] >= 0); /* and not NaN */
            runs = runs || (s->cores[t] > 0 && isfinite(s->tasks[i].latency[t]));
        }
        if (!runs)
            return PL_EINVAL;
    }
    return 0;
}

/* Sets up the table; PL_ENOMEM when it, or a key, would not fit in memory or 64 bits. */
static int search_init(struct search *s, const pl_chain_task *tasks, uint32_t n,
                       const uint32_t cores[PL_CORE_TYPES])
{
    *s = (struct search){.tasks = tasks, .n = n};
    uint64_t usable = (uint64_t)n * PL_PARTITION_MAX_THREADS;
    for (int t = 0; t < PL_CORE_TYPES; t++) {
        s->cores[t] = cores[t] < usable ? cores[t] : (uint32_t)usable;
        s->most[t] =
            s->cores[t] < PL_PARTITION_MAX_THREADS ? s->cores[t] : PL_PARTITION_MAX_THREADS;
    }
    bool big_column = s->cores[PL_CORE_BIG] <= s->cores[PL_CORE_LITTLE];
    s->column = big_column ? PL_CORE_BIG : PL_CORE_LITTLE;
    s->keyed = big_column ? PL_CORE_LITTLE : PL_CORE_BIG;
    s->width = (size_t)s->cores[s->column] + 1;
    uint64_t rows = (uint64_t)n + 1;
    if (s->cores[s->keyed] > (UINT64_MAX - 1 - n) / rows)
        return PL_ENOMEM;
    s->cap = s->cores[s->keyed] * rows + n;
    if (rows > SIZE_MAX / sizeof *s->table / s->width)
        return PL_ENOMEM;
    s->table = malloc((size_t)rows * s->width * sizeof *s->table);
    return s->table ? 0 : PL_ENOMEM;
}

/* Narrows the window, collects its candidates, finds the smallest that fits and walks
 * its table into *out. With no upper bound (no type runs every task) it collects them
 * all: the smallest that fits, if any does, is among them. */
static int solve(struct search *s, pl_partition *out)
{
    double lo = lower_bound(s), hi = upper_bound(s);
    if (isfinite(hi)) {
        narrow(s, &lo, &hi);
        hi *= 1 + SLACK;
    }
    size_t m = collect(s, lo, hi, NULL);
    double *c = m < SIZE_MAX / sizeof *c ? malloc((m + 1) * sizeof *c) : NULL;
    if (!c)
        return PL_ENOMEM;
    collect(s, lo, hi, c);
    double period = smallest_fit(s, c, m);
    free(c);
    if (period < 0)
        return PL_EINVAL;
    fill_table(s, period);
    return recover(s, period, out);
}

int pl_partition_find(const pl_chain_task *tasks, uint32_t n, const uint32_t cores[PL_CORE_TYPES],
                      pl_partition *out)
{
    assert(tasks && n >= 1 && cores && out);
    memset(out, 0, sizeof *out);
    struct search s;
    int rc = search_init(&s, tasks, n, cores);
    if (rc == 0)
        rc = check_tasks(&s);
    if (rc == 0)
        rc = solve(&s, out);
    free(s.table);
    if (rc != 0)
        pl_partition_fini(out);
    return rc;
}

void pl_partition_fini(pl_partition *p)
{
    free(p->stages);
    memset(p, 0, sizeof *p);
}
