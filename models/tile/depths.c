/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * depths.c — rounds of trial kernels, each round simulated at once.
 *
 * Invariant: a kernel's depths name its graph (pl_tile_lower_depths), and the same graph
 * simulated by the same engine gives the same makespan; so every makespan already known
 * is kept with its depths and never simulated again: the run's (its configured depths),
 * each one-slot-deeper buffer the verdict simulated (the configured depths but that
 * buffer's, plus one), and each probe simulated so far.
 */
#include "models/tile/depths.h"

#include "models/tile/tile.h"
#include "models/tile/period.h"
#include "sim/common/units.h"
#include "sim/measure/bound.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* How close to the goal counts as reaching it, and how many rounds a search may take. */
#define WITHIN     0.01
#define MAX_ROUNDS 40

/* One buffer's search: depth lo misses the goal (0: none tried), hi reaches it. */
struct search {
    bool on; /* searched; else the buffer stays at its configured depth */
    uint32_t lo, hi;
    bool hi_tried; /* hi was simulated, not only known to be deep enough */
    bool lo_bound; /* at_lo is only the bound of lo's kernel, which exceeds the goal: it was
                      not simulated */
    double at_lo, at_hi;
};

/* A trial: every buffer's depth, and which buffer's search it answers (-1: none). */
struct probe {
    uint32_t depth[PL_TILE_MAX_BUFFERS];
    int buffer;
    bool bounded; /* not simulated: result.bound exceeds the goal, result.makespan is NaN */
    pl_trial result;
};

/* A kernel simulated already: its depths and what it gave (bound NaN: not computed). */
struct known {
    uint32_t depth[PL_TILE_MAX_BUFFERS];
    pl_trial trial;
};

struct advice {
    const pl_tile_program *p;
    const pl_trier *t;
    struct known *known; /* owned: room for every kernel a search can try, and the verdict's */
    size_t nknown, cap;
    uint32_t ample[PL_TILE_MAX_BUFFERS]; /* deep enough that no slot is ever waited for;
                                            a buffer not searched: its configured depth */
    struct search s[PL_TILE_MAX_BUFFERS];
    uint32_t searched; /* buffers searched */
    double goal;       /* 0 until the first round has set it */
};

static bool same_depths(const struct advice *a, const uint32_t *x, const uint32_t *y)
{
    return memcmp(x, y, a->p->nbuffers * sizeof *x) == 0;
}

/* What the kernel with these depths gave, or NULL when it was not simulated. */
static const pl_trial *known_trial(const struct advice *a, const uint32_t *depth)
{
    for (size_t i = 0; i < a->nknown; i++)
        if (same_depths(a, a->known[i].depth, depth))
            return &a->known[i].trial;
    return NULL;
}

/* Keeps what the kernel with these depths gave (room for it was made in advance). */
static void remember(struct advice *a, const uint32_t *depth, pl_trial trial)
{
    if (known_trial(a, depth) || a->nknown == a->cap)
        return;
    struct known *k = &a->known[a->nknown++];
    memcpy(k->depth, depth, sizeof k->depth);
    k->trial = trial;
}

/* The makespans the verdict measured: the run's, at the configured depths, and each
 * simulated one-slot-deeper buffer's (models/tile/variants.c lowers those). */
static void remember_verdict(struct advice *a, const pl_verdict *v)
{
    const pl_tile_program *p = a->p;
    uint32_t depth[PL_TILE_MAX_BUFFERS] = {0};
    if (!v->searched)
        return;
    for (uint32_t b = 0; b < p->nbuffers; b++)
        depth[b] = p->buffers[b].depth;
    remember(a, depth, (pl_trial){.makespan = v->makespan, .bound = NAN});
    for (size_t i = 0; i < v->ntried; i++) {
        const pl_tried *t = &v->tried[i];
        for (uint32_t b = 0; b < p->nbuffers; b++) {
            if (t->kind != PL_CHANGE_BUFFER || t->status != PL_TRIED_SIMULATED ||
                strcmp(t->name, p->buffers[b].name) != 0)
                continue;
            depth[b]++;
            remember(a, depth, (pl_trial){.makespan = t->makespan, .bound = NAN});
            depth[b]--;
        }
    }
}

/* Simulates n probes at once; once the goal is set, a probe whose graph's bound exceeds it
 * cannot reach it and is only bounded. A probe that repeats an earlier one shares its
 * result; one whose makespan is known is not simulated, and its bound, where it is read
 * (against the goal, or round 0's kernel with every buffer ample), is computed as the
 * trier computes it; elsewhere it stays unknown, NaN. */
static int try_all(struct advice *a, struct probe *pb, size_t n, pl_diag *d)
{
    pl_graph **g = calloc(n + 1, sizeof *g);
    pl_trial *res = calloc(n + 1, sizeof *res);
    size_t *slot = calloc(n + 1, sizeof *slot); /* probe i's result: res[slot[i]] */
    int rc = g && res && slot ? 0 : PL_ENOMEM;
    size_t m = 0; /* probes to simulate, their graphs first in g */
    for (size_t i = 0; i < n && rc == 0; i++) {
        slot[i] = n; /* none */
        pb[i].bounded = false;
        for (size_t j = 0; j < i && slot[i] == n; j++)
            if (slot[j] != n && same_depths(a, pb[j].depth, pb[i].depth))
                slot[i] = slot[j]; /* the same graph: simulated, never bounded, once */
        if (slot[i] != n)
            continue;
        const pl_trial *known = known_trial(a, pb[i].depth);
        bool read = a->goal > 0 || pb[i].buffer < 0; /* its bound is read */
        pl_trial got = known ? *known : (pl_trial){.makespan = NAN, .bound = NAN};
        pl_graph *one = NULL;
        if (!known || (read && isnan(got.bound)))
            rc = pl_tile_lower_depths(a->p, pb[i].depth, &one);
        pl_bound b;
        if (rc == 0 && one && (a->goal > 0 || known)) {
            rc = pl_bound_compute(one, &b);
            got.bound = b.makespan;
        }
        pb[i].bounded = rc == 0 && a->goal > 0 && got.bound > a->goal;
        if (rc == 0 && !pb[i].bounded && !known) {
            slot[i] = m;
            g[m++] = one;
            continue;
        }
        if (pb[i].bounded)
            got.makespan = NAN;
        pb[i].result = got;
        pl_graph_destroy(one);
    }
    if (rc == PL_ENOMEM)
        rc = pl_diag_set(d, rc, "out of memory lowering a trial kernel");
    if (rc == 0 && m > 0)
        rc = a->t->simulate(a->t->ctx, (const pl_graph *const *)g, m, res, d);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (slot[i] == n)
            continue; /* bounded or known */
        pb[i].result = res[slot[i]];
        remember(a, pb[i].depth, pb[i].result);
    }
    for (size_t i = 0; g && i < m; i++)
        pl_graph_destroy(g[i]);
    free(g);
    free(res);
    free(slot);
    return rc;
}

/* A probe with every buffer at its ample depth but b at depth. */
static struct probe probe_of(const struct advice *a, int b, uint32_t depth)
{
    struct probe pb = {.buffer = b};
    for (uint32_t i = 0; i < a->p->nbuffers; i++)
        pb.depth[i] = a->ample[i];
    if (b >= 0)
        pb.depth[b] = depth;
    return pb;
}

static void record(struct advice *a, const struct probe *pb)
{
    if (pb->buffer < 0)
        return;
    struct search *s = &a->s[pb->buffer];
    uint32_t depth = pb->depth[pb->buffer];
    double t = pb->result.makespan;
    if (!pb->bounded && t <= a->goal && depth <= s->hi) {
        s->hi = depth;
        s->hi_tried = true;
        s->at_hi = t;
    } else if ((pb->bounded || t > a->goal) && depth > s->lo) {
        s->lo = depth;
        s->lo_bound = pb->bounded;
        s->at_lo = pb->bounded ? pb->result.bound : t;
    }
}

/* The next depth to try for a search not yet settled: bisect, but gallop up from lo
 * while hi is only the ample depth. */
static uint32_t next_depth(const struct search *s)
{
    uint32_t mid = s->lo + (s->hi - s->lo) / 2;
    uint32_t gallop = s->lo ? 2 * s->lo : 1;
    return s->hi_tried || gallop >= mid ? mid : gallop;
}

/* Round 0: every buffer ample (it sets the goal), and for each buffer the depth the
 * period predicts and the one below it. */
static int first_round(struct advice *a, const pl_tile_period *pr, pl_trial *ample, pl_diag *d)
{
    const pl_tile_program *p = a->p;
    struct probe *pb = calloc(2 * (size_t)p->nbuffers + 1, sizeof *pb);
    if (!pb)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    size_t n = 0;
    pb[n++] = probe_of(a, -1, 0);
    double period = pl_tile_period_unbuffered(pr, p);
    for (uint32_t b = 0; b < p->nbuffers; b++) {
        if (!a->s[b].on)
            continue;
        uint32_t guess = pl_tile_period_depth_for(pr, p, b, period);
        guess = guess < a->ample[b] ? guess : a->ample[b];
        pb[n++] = probe_of(a, (int)b, guess);
        if (guess > 1)
            pb[n++] = probe_of(a, (int)b, guess - 1);
    }
    int rc = try_all(a, pb, n, d);
    if (rc == 0) {
        *ample = pb[0].result;
        double reach = ample->bound * (1 + WITHIN);
        a->goal = ample->makespan <= reach ? reach : ample->makespan * (1 + WITHIN);
        for (size_t i = 1; i < n; i++)
            record(a, &pb[i]);
    }
    free(pb);
    return rc;
}

static int search_rounds(struct advice *a, pl_diag *d)
{
    const pl_tile_program *p = a->p;
    struct probe *pb = calloc((size_t)p->nbuffers + 1, sizeof *pb);
    if (!pb)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    int rc = 0;
    for (int round = 0; round < MAX_ROUNDS && rc == 0; round++) {
        size_t n = 0;
        for (uint32_t b = 0; b < p->nbuffers; b++)
            if (a->s[b].on && a->s[b].hi - a->s[b].lo > 1)
                pb[n++] = probe_of(a, (int)b, next_depth(&a->s[b]));
        if (n == 0)
            break;
        rc = try_all(a, pb, n, d);
        for (size_t i = 0; i < n && rc == 0; i++)
            record(a, &pb[i]);
    }
    free(pb);
    return rc;
}

/* "UB 96 KiB of 188 KiB" for every memory used, or what does not fit. Returns whether
 * all fit. */
static bool fit(const struct advice *a, char *buf, size_t len)
{
    const pl_tile_program *p = a->p;
    bool fits = true;
    size_t at = 0;
    buf[0] = '\0';
    for (pl_onchip_memory m = 0; m < PL_ONCHIP_COUNT; m++) {
        double need = 0;
        for (uint32_t b = 0; b < p->nbuffers; b++)
            if (p->buffers[b].memory == m)
                need += a->s[b].hi * p->buffers[b].size;
        if (need <= 0 || at >= len)
            continue;
        bool ok = need <= p->capacity[m];
        fits = fits && ok;
        at += (size_t)snprintf(buf + at, len - at, "%s%s %s of %s%s", at ? ", " : "",
                               pl_onchip_name(m), PL_SIZE_TEXT(need), PL_SIZE_TEXT(p->capacity[m]),
                               ok ? "" : " (does not fit)");
    }
    return fits;
}

/* What the other buffers were in a buffer's probes. */
static const char *others(const struct advice *a)
{
    if (a->searched == a->p->nbuffers)
        return a->searched > 1 ? " (the other buffers deep)" : "";
    return a->searched > 1 ? " (the other searched buffers deep, the rest as configured)"
                           : " (the other buffers as configured)";
}

static int depth_figures(const struct advice *a, const pl_trial *ample, pl_figures *f)
{
    const pl_tile_program *p = a->p;
    const char *free_slots = a->searched == p->nbuffers
                                 ? "every slot free when needed"
                                 : "the searched buffers' slots free when needed and the other "
                                   "buffers as configured";
    int rc;
    if (ample->makespan <= ample->bound * (1 + WITHIN))
        rc = pl_figures_add(f, "goal", a->goal, "s",
                            "%s: within 1 %% of the bound %s of the kernel with %s, which "
                            "takes %s",
                            PL_TIME_TEXT(a->goal), PL_TIME_TEXT(ample->bound), free_slots,
                            PL_TIME_TEXT(ample->makespan));
    else
        rc = pl_figures_add(f, "goal", a->goal, "s",
                            "%s: within 1 %% of the %s the kernel takes with %s; its bound %s "
                            "is out of reach by buffering alone",
                            PL_TIME_TEXT(a->goal), PL_TIME_TEXT(ample->makespan), free_slots,
                            PL_TIME_TEXT(ample->bound));
    for (uint32_t b = 0; b < p->nbuffers && rc == 0; b++) {
        const struct search *s = &a->s[b];
        if (!s->on)
            continue;
        char name[128], below[128] = "";
        snprintf(name, sizeof name, "depth %s", p->buffers[b].name);
        if (s->lo > 0)
            snprintf(below, sizeof below, ", %s%s with %u%s", s->lo_bound ? "at least " : "",
                     PL_TIME_TEXT(s->at_lo), s->lo, s->lo_bound ? ", its bound" : "");
        rc = pl_figures_add(
            f, name, s->hi, "", "%u slot%s of %s in %s (configured %u): %s with %u%s%s", s->hi,
            s->hi == 1 ? "" : "s", PL_SIZE_TEXT(p->buffers[b].size),
            pl_onchip_name(p->buffers[b].memory), p->buffers[b].depth,
            PL_TIME_TEXT(s->hi_tried ? s->at_hi : ample->makespan), s->hi, below, others(a));
    }
    return rc;
}

static int together(struct advice *a, pl_figures *f, pl_diag *d)
{
    struct probe pb = {.buffer = -1};
    for (uint32_t b = 0; b < a->p->nbuffers; b++)
        pb.depth[b] = a->s[b].hi;
    int rc = try_all(a, &pb, 1, d);
    if (rc != 0)
        return rc;
    char room[512];
    bool fits = fit(a, room, sizeof room);
    double t = pb.result.makespan;
    rc = pl_figures_add(
        f, "depths together", t, "s", "%s with every %s at its depth%s (%s the goal); %s: %s",
        PL_TIME_TEXT(t), a->searched == a->p->nbuffers ? "buffer" : "searched buffer",
        a->searched == a->p->nbuffers ? "" : " and the others as configured",
        t <= a->goal ? "within" : "beyond", room, fits ? "they fit" : "they do not fit on chip");
    return rc == 0 ? 0 : pl_diag_set(d, rc, "out of memory");
}

/* Which buffers to search: those whose one more slot shortened the run by more than 1 % in
 * the verdict, or every one when the verdict was not searched. Returns how many. */
static uint32_t choose(struct advice *a, const pl_verdict *v)
{
    uint32_t n = 0;
    for (uint32_t b = 0; b < a->p->nbuffers; b++) {
        a->s[b].on = !v->searched || pl_verdict_helps(v, PL_CHANGE_BUFFER, a->p->buffers[b].name);
        n += a->s[b].on;
    }
    return n;
}

int pl_tile_advise(pl_lowering *l, const pl_trier *t, const pl_verdict *v, pl_diag *d)
{
    const pl_tile_program *p = l->kept;
    if (!p || p->nbuffers == 0)
        return 0;
    struct advice a = {.p = p, .t = t};
    a.searched = choose(&a, v);
    if (a.searched == 0) {
        int rc = pl_figures_add(&l->figures, "depths", 0, "",
                                "not searched: one more slot in a buffer was not among the "
                                "changes that shortened the run by more than 1 %%");
        return rc == 0 ? 0 : pl_diag_set(d, rc, "out of memory");
    }
    if (p->sync != PL_TILE_EVENT) {
        int rc = pl_figures_add(&l->figures, "depths", 0, "",
                                "not searched with %s, where a deeper buffer also changes "
                                "what a consumer waits for; set tile.sync=event to search",
                                pl_tile_variant_name(p, PL_TILE_PIPELINED));
        return rc == 0 ? 0 : pl_diag_set(d, rc, "out of memory");
    }
    pl_tile_period pr;
    pl_tile_period_compute(p, &pr);
    for (uint32_t b = 0; b < p->nbuffers; b++) {
        uint64_t need = (pr.tiles + p->buffers[b].span - 1) / p->buffers[b].span;
        a.ample[b] = need < 1 ? 1 : need > UINT32_MAX / 4 ? UINT32_MAX / 4 : (uint32_t)need;
        if (!a.s[b].on)
            a.ample[b] = p->buffers[b].depth;
        a.s[b] =
            (struct search){.on = a.s[b].on, .lo = 0, .hi = a.ample[b], .at_lo = NAN, .at_hi = NAN};
    }
    /* The verdict's kernels, round 0, MAX_ROUNDS rounds and the depths together. */
    a.cap = (size_t)(MAX_ROUNDS + 3) * p->nbuffers + 3;
    a.known = malloc(a.cap * sizeof *a.known);
    if (!a.known)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    remember_verdict(&a, v);
    pl_trial ample = {0};
    int rc = first_round(&a, &pr, &ample, d);
    if (rc == 0)
        rc = search_rounds(&a, d);
    if (rc == 0)
        rc = depth_figures(&a, &ample, &l->figures);
    if (rc == 0)
        rc = together(&a, &l->figures, d);
    free(a.known);
    return rc == PL_ENOMEM ? pl_diag_set(d, rc, "out of memory") : rc;
}
