/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gaps.c — a unit's gaps in blocks. Invariant: the blocks hold the gaps in time
 * order (within a block and from one block to the next), every block holds at least
 * one gap and at most BLOCK, and no gap is empty; all time from `tail` on is free;
 * ends[b] is the end of block b's last gap, kept beside the block list so that a search
 * by time reads one array rather than a block per step.
 * Since the gaps never overlap, their ends increase along the line, which is what the
 * searches by `ready` rely on.
 */
#include "models/plan/gaps.h"
#include "sim/common/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 256 /* gaps a block holds: a take moves at most this many */

struct interval {
    double start, end;
};

struct pl_gap_block {
    uint32_t n;
    struct interval g[BLOCK];
};

void pl_gaps_reset(pl_gaps *g)
{
    for (uint32_t b = 0; b < g->nblocks; b++)
        free(g->blocks[b]);
    g->nblocks = 0;
    g->tail = 0;
}

void pl_gaps_fini(pl_gaps *g)
{
    pl_gaps_reset(g);
    free(g->blocks);
    free(g->ends);
    *g = (pl_gaps){0};
}

pl_gap_at pl_gaps_tail(const pl_gaps *g)
{
    return (pl_gap_at){g->nblocks, 0};
}

/* The first block whose last gap ends after `ready`; nblocks when none does. Most tasks
 * are ready after the gaps of every block but the last: those two are looked at first. */
static uint32_t first_block(const pl_gaps *g, double ready)
{
    uint32_t n = g->nblocks;
    if (n == 0 || g->ends[n - 1] <= ready)
        return n;
    if (n == 1 || g->ends[n - 2] <= ready)
        return n - 1;
    uint32_t lo = 0, hi = n - 2;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (g->ends[mid] <= ready)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The first gap of b that ends after `ready` (b's last one does). */
static uint32_t first_gap(const struct pl_gap_block *b, double ready)
{
    uint32_t lo = 0, hi = b->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (b->g[mid].end <= ready)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

pl_gap_fit pl_gaps_earliest(const pl_gaps *g, double ready, double length, uint64_t *steps)
{
    uint32_t b = first_block(g, ready);
    for (uint32_t i = b < g->nblocks ? first_gap(g->blocks[b], ready) : 0; b < g->nblocks;
         b++, i = 0)
        for (; i < g->blocks[b]->n; i++) {
            ++*steps;
            const struct interval *x = &g->blocks[b]->g[i];
            double start = pl_max(ready, x->start);
            if (start + length <= x->end)
                return (pl_gap_fit){start, {b, i}};
        }
    return (pl_gap_fit){pl_max(ready, g->tail), pl_gaps_tail(g)};
}

/* Puts a new empty block at position `at` of the block list. Returns it, or NULL when out
 * of memory (the line is then unchanged). */
static struct pl_gap_block *insert_block(pl_gaps *g, uint32_t at)
{
    if (g->nblocks == g->cap) {
        uint32_t cap = g->cap ? 2 * g->cap : 8;
        struct pl_gap_block **v = realloc(g->blocks, cap * sizeof *v);
        if (v)
            g->blocks = v;
        double *e = v ? realloc(g->ends, cap * sizeof *e) : NULL;
        if (!e)
            return NULL;
        g->ends = e;
        g->cap = cap;
    }
    struct pl_gap_block *b = malloc(sizeof *b);
    if (!b)
        return NULL;
    b->n = 0;
    memmove(&g->blocks[at + 1], &g->blocks[at], (g->nblocks - at) * sizeof *g->blocks);
    memmove(&g->ends[at + 1], &g->ends[at], (g->nblocks - at) * sizeof *g->ends);
    g->blocks[at] = b;
    g->nblocks++;
    return b;
}

static void remove_block(pl_gaps *g, uint32_t at)
{
    free(g->blocks[at]);
    memmove(&g->blocks[at], &g->blocks[at + 1], (g->nblocks - at - 1) * sizeof *g->blocks);
    memmove(&g->ends[at], &g->ends[at + 1], (g->nblocks - at - 1) * sizeof *g->ends);
    g->nblocks--;
}

/* A gap after all the others. */
static int append(pl_gaps *g, struct interval x)
{
    struct pl_gap_block *b = g->nblocks ? g->blocks[g->nblocks - 1] : NULL;
    if (!b || b->n == BLOCK)
        b = insert_block(g, g->nblocks);
    if (!b)
        return PL_ENOMEM;
    b->g[b->n++] = x;
    g->ends[g->nblocks - 1] = x.end;
    return 0;
}

/* Moves the upper half of the (full) block at `at` into a new block after it. */
static int split(pl_gaps *g, uint32_t at)
{
    struct pl_gap_block *upper = insert_block(g, at + 1);
    if (!upper)
        return PL_ENOMEM;
    struct pl_gap_block *lower = g->blocks[at];
    uint32_t half = lower->n / 2;
    upper->n = lower->n - half;
    memcpy(upper->g, &lower->g[half], upper->n * sizeof *upper->g);
    lower->n = half;
    g->ends[at] = lower->g[half - 1].end;
    g->ends[at + 1] = upper->g[upper->n - 1].end;
    return 0;
}

int pl_gaps_take(pl_gaps *g, pl_gap_at at, double start, double end)
{
    if (at.block == g->nblocks) {
        struct interval left = {g->tail, start};
        int rc = left.end > left.start ? append(g, left) : 0;
        if (rc == 0)
            g->tail = end;
        return rc;
    }
    struct pl_gap_block *b = g->blocks[at.block];
    struct interval x = b->g[at.index], keep[2];
    uint32_t nkeep = 0;
    if (start > x.start)
        keep[nkeep++] = (struct interval){x.start, start};
    if (x.end > end)
        keep[nkeep++] = (struct interval){end, x.end};
    if (b->n - 1 + nkeep > BLOCK) {
        int rc = split(g, at.block);
        if (rc)
            return rc;
        if (at.index >= b->n) {
            at.index -= b->n;
            b = g->blocks[++at.block];
        }
    }
    memmove(&b->g[at.index + nkeep], &b->g[at.index + 1], (b->n - at.index - 1) * sizeof *b->g);
    memcpy(&b->g[at.index], keep, nkeep * sizeof *keep);
    b->n = b->n - 1 + nkeep;
    if (b->n == 0)
        remove_block(g, at.block);
    else
        g->ends[at.block] = b->g[b->n - 1].end;
    return 0;
}
