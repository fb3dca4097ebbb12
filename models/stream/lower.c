/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lower.c — a stream workload as a task graph.
 *
 * One unit per thread; frame k of stage s goes to thread k mod r_s. Per frame
 * and stage there is one task of the stage's drawn time; when adaptors cost time,
 * a pull task before it (not in the first stage) and a push task after it (not in
 * the last). Tasks are added frame by frame, stage by stage, so every edge points
 * back.
 *
 * The pool between stage s (m threads) and s + 1 (n threads) holds b buffers per
 * pair of threads that exchange frames. Frames go round-robin on both sides, so
 * frame k travels through pair (k mod m, k mod n), and the pairs in use are the
 * L = lcm(m, n) residues of k mod L: frame k can be pushed once frame k - L*b has
 * been pulled from the same pool (with m = 1 or n = 1 that is StreamPU's pool
 * per thread of the wider side). Without adaptor costs a push and a pull take no
 * time and need no task of their own: the producer's next frame (k + m) waits,
 * with a slot edge, for the start of the consumer's frame k - L*b (b = 0: frame k
 * itself, a direct hand-over), which is blocking after service exactly (as in the
 * flow lines of Dallery and Gershwin, Queueing Systems 12, 1992), and the consumer's
 * frame k waits for the end of the producer's with a data edge. With adaptor costs,
 * the push of frame k waits for the end of the pull of frame k - L*b (b = 0: for the
 * consumer's thread to finish its previous frame), then the pull waits for the end of
 * the push. With a handover time h, each pair's frames go through it no faster than one
 * every h, push to push (the counters both threads poll move between their cores for
 * each): a task of h per frame on a unit per pair, which holds no core, starts with the
 * frame's push, and the pair's next push waits for its end.
 */
#include "models/stream/workload.h"
#include "sim/common/array.h"

#include <stdio.h>
#include <stdlib.h>

/* A pinned host core and its place. The host may have billions of cores; only those
 * that threads are pinned to get one, so they are kept by core number in a table. */
struct pinned {
    uint32_t core; /* NO_CORE: a free slot */
    uint32_t place;
};
#define NO_CORE UINT32_MAX

struct lowering {
    const pl_stream *w;
    pl_graph *g;
    uint32_t **units;      /* per stage: its threads' unit ids */
    struct pinned *pinned; /* pinned cores and their places: an open-addressed table */
    size_t pinned_cap;     /* a power of two, over twice the threads; 0 when not pinned */
    uint32_t type_place[PL_CORE_TYPES];
    uint32_t next_core[PL_CORE_TYPES]; /* packed pinning: the next core of each type */
    uint32_t *comp, *pull, *push;      /* frames x stages task ids */
    uint32_t *pass;                    /* likewise, with a handover time: the hand-over tasks */
    uint32_t **pairs;                  /* per stage but the last, with a handover time: the
                                          units of its pool's pairs of threads */
    uint32_t label_pull, label_push, label_pass;
    uint32_t *labels; /* per stage */
    uint64_t *lag;    /* per stage but the last: pool_lag, worked out once */
};

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* ---- Places and threads -------------------------------------------------------- */

/* A table for every thread's core, when threads are pinned; PL_ENOMEM. */
static int make_pinned(struct lowering *lw)
{
    const pl_stream *w = lw->w;
    if (w->pinning == PL_PIN_NONE)
        return 0;
    size_t threads = 0;
    for (uint32_t s = 0; s < w->nstages; s++)
        threads += w->stages[s].threads;
    lw->pinned_cap = 4;
    while (lw->pinned_cap < 2 * threads + 2)
        lw->pinned_cap *= 2;
    lw->pinned = malloc(lw->pinned_cap * sizeof *lw->pinned);
    if (!lw->pinned)
        return PL_ENOMEM;
    for (size_t i = 0; i < lw->pinned_cap; i++)
        lw->pinned[i] = (struct pinned){NO_CORE, PL_NO_EDGE};
    return 0;
}

/* The place of unpinned threads of type t: the host, or the cores of that type. */
static int type_place(struct lowering *lw, pl_core_type t, uint32_t *place)
{
    if (lw->type_place[t] == PL_NO_EDGE) {
        const char *name = lw->w->chain.typed ? pl_core_type_name(t) : "host";
        int rc = pl_graph_add_place(lw->g, name, PL_PLACE_HOST, (int)lw->w->chain.cores[t],
                                    &lw->type_place[t]);
        if (rc == 0)
            rc = pl_graph_set_place_scheduler(lw->g, lw->type_place[t], lw->w->chain.sched);
        if (rc != 0)
            return rc;
    }
    *place = lw->type_place[t];
    return 0;
}

/* The place of one core, for pinned threads: "core<i>" with one core. */
static int core_place(struct lowering *lw, uint32_t core, uint32_t *place)
{
    size_t i = (core * 2654435761u) & (lw->pinned_cap - 1);
    while (lw->pinned[i].core != NO_CORE && lw->pinned[i].core != core)
        i = (i + 1) & (lw->pinned_cap - 1);
    if (lw->pinned[i].core == NO_CORE) {
        char name[32];
        snprintf(name, sizeof name, "core%u", core);
        int rc = pl_graph_add_place(lw->g, name, PL_PLACE_HOST, 1, &lw->pinned[i].place);
        if (rc == 0)
            rc = pl_graph_set_place_scheduler(lw->g, lw->pinned[i].place, lw->w->chain.sched);
        if (rc != 0)
            return rc;
        lw->pinned[i].core = core;
    }
    *place = lw->pinned[i].place;
    return 0;
}

/* Where thread i of stage s runs. */
static int thread_place(struct lowering *lw, const pl_stream_stage *s, uint32_t i, uint32_t *place)
{
    const pl_stream *w = lw->w;
    if (w->pinning == PL_PIN_STAGES)
        return core_place(lw, s->cores[i % s->ncores], place);
    if (w->pinning == PL_PIN_NONE)
        return type_place(lw, s->type, place);
    uint32_t count = (uint32_t)w->chain.cores[s->type];
    uint32_t first = s->type == PL_CORE_BIG ? 0 : (uint32_t)w->chain.cores[PL_CORE_BIG];
    uint32_t core = first + lw->next_core[s->type]++ % count;
    return core_place(lw, core, place);
}

static int add_threads(struct lowering *lw, uint32_t s)
{
    const pl_stream_stage *st = &lw->w->stages[s];
    uint32_t stage;
    int rc = pl_graph_add_stage(lw->g, st->name, &stage);
    lw->units[s] = malloc(st->threads * sizeof *lw->units[s]);
    if (!lw->units[s])
        return PL_ENOMEM;
    for (uint32_t i = 0; i < st->threads && rc == 0; i++) {
        char name[128];
        if (st->threads == 1)
            snprintf(name, sizeof name, "%s", st->name);
        else
            snprintf(name, sizeof name, "%s.%u", st->name, i);
        uint32_t place = 0;
        rc = thread_place(lw, st, i, &place);
        if (rc == 0)
            rc = pl_graph_add_unit(lw->g, name, place, &lw->units[s][i]);
        if (rc == 0)
            pl_graph_set_unit_stage(lw->g, lw->units[s][i], stage);
        if (rc == 0)
            rc = pl_graph_set_unit_wait(lw->g, lw->units[s][i], lw->w->waiting, lw->w->wakeup);
    }
    return rc;
}

/* ---- Frames -------------------------------------------------------------------- */

uint64_t pl_stream_pool_pairs(const pl_stream *w, uint32_t s)
{
    uint64_t m = w->stages[s].threads, n = w->stages[s + 1].threads;
    return m / gcd(m, n) * n;
}

uint64_t pl_stream_tasks_per_frame(const pl_stream *w)
{
    uint64_t pools = w->nstages - 1;
    return w->nstages + (w->adaptor > 0 ? 2 * pools : 0) + (w->handover > 0 ? pools : 0);
}

/* Frames back from frame k to the frame whose pull frees k's buffer in the pool after
 * stage s: L*b, or 0 for no pool; UINT64_MAX when the pool never fills. */
static uint64_t pool_lag(const pl_stream *w, uint32_t s)
{
    const pl_stream_stage *a = &w->stages[s];
    uint64_t pairs = pl_stream_pool_pairs(w, s);
    if (a->buffer == PL_UNBOUNDED)
        return UINT64_MAX;
    if ((uint64_t)a->buffer > w->frames / pairs)
        return UINT64_MAX;
    return pairs * (uint64_t)a->buffer;
}

/* With a handover time: a unit per pair of threads of each pool that some frame goes
 * through, "pool 1" (or "pool 1 pair 0", "pool 1 pair 1", ... where threads of several
 * pairs use the pool), on a place of their own: they hold no core. */
static int add_pairs(struct lowering *lw)
{
    const pl_stream *w = lw->w;
    uint32_t place;
    int rc = pl_graph_add_place(lw->g, "pools", PL_PLACE_DEVICE, 1, &place);
    if (rc == 0)
        rc = pl_graph_add_label(lw->g, "handover", &lw->label_pass);
    for (uint32_t s = 0; s + 1 < w->nstages && rc == 0; s++) {
        uint64_t pairs = pl_stream_pool_pairs(w, s), used = pairs < w->frames ? pairs : w->frames;
        lw->pairs[s] = malloc((used + 1) * sizeof *lw->pairs[s]);
        if (!lw->pairs[s])
            return PL_ENOMEM;
        for (uint64_t p = 0; p < used && rc == 0; p++) {
            char name[64];
            if (pairs == 1)
                snprintf(name, sizeof name, "pool %u", s + 1);
            else
                snprintf(name, sizeof name, "pool %u pair %llu", s + 1, (unsigned long long)p);
            rc = pl_graph_add_unit(lw->g, name, place, &lw->pairs[s][p]);
        }
    }
    return rc;
}

/* With a handover time: frame k's push after stage s waits for the hand-over of the frame
 * before it through the same pair of threads (k - L), then frame k's own hand-over starts
 * with its push. */
static int add_pass(struct lowering *lw, uint32_t s, uint64_t k)
{
    const pl_stream *w = lw->w;
    uint64_t pairs = pl_stream_pool_pairs(w, s), at = k * w->nstages + s;
    int rc = k < pairs ? 0
                       : pl_graph_add_edge(lw->g, lw->pass[at - pairs * w->nstages], lw->push[at],
                                           PL_EDGE_SLOT, PL_AT_END);
    if (rc == 0)
        rc = pl_graph_add_task(lw->g, lw->pairs[s][k % pairs], w->handover, lw->label_pass,
                               (uint32_t)k, &lw->pass[at]);
    if (rc == 0)
        rc = pl_graph_add_edge(lw->g, lw->push[at], lw->pass[at], PL_EDGE_DATA, PL_AT_START);
    return rc;
}

/* The slot edge of frame k into stage s's side of the pool after it. */
static int add_slot(struct lowering *lw, uint32_t s, uint64_t k)
{
    const pl_stream *w = lw->w;
    uint32_t ns = w->nstages;
    uint64_t lag = lw->lag[s], m = w->stages[s].threads, n = w->stages[s + 1].threads;
    if (lag == UINT64_MAX)
        return 0;
    if (w->adaptor == 0) {
        /* The producer's next frame waits until the consumer takes frame k - lag. */
        if (k + m >= w->frames || k < lag)
            return 0;
        return pl_graph_add_edge(lw->g, lw->comp[(k - lag) * ns + s + 1],
                                 lw->comp[(k + m) * ns + s], PL_EDGE_SLOT, PL_AT_START);
    }
    if (lag > 0)
        return k < lag ? 0
                       : pl_graph_add_edge(lw->g, lw->pull[(k - lag) * ns + s + 1],
                                           lw->push[k * ns + s], PL_EDGE_SLOT, PL_AT_END);
    if (k < n)
        return 0;
    /* No pool: the push waits for the consumer's thread to be done with its last frame. */
    uint64_t prev = (k - n) * ns + s + 1;
    uint32_t last = s + 2 < ns ? lw->push[prev] : lw->comp[prev];
    return pl_graph_add_edge(lw->g, last, lw->push[k * ns + s], PL_EDGE_SLOT, PL_AT_END);
}

static int add_frame_stage(struct lowering *lw, uint64_t k, uint32_t s)
{
    const pl_stream *w = lw->w;
    uint32_t ns = w->nstages, item = (uint32_t)k;
    uint32_t unit = lw->units[s][k % w->stages[s].threads];
    uint64_t at = k * ns + s;
    int rc = 0;
    if (w->adaptor > 0 && s > 0) {
        rc = pl_graph_add_task(lw->g, unit, w->adaptor, lw->label_pull, item, &lw->pull[at]);
        if (rc == 0)
            rc = pl_graph_add_edge(lw->g, lw->push[at - 1], lw->pull[at], PL_EDGE_DATA, PL_AT_END);
    }
    if (rc == 0)
        rc = pl_graph_add_task(lw->g, unit, w->work[at], lw->labels[s], item, &lw->comp[at]);
    if (rc == 0 && w->slept && w->work[at] > 0)
        rc = pl_graph_set_task_sleep(lw->g, lw->comp[at], w->slept[at] / w->work[at]);
    if (rc == 0 && w->adaptor == 0 && s > 0)
        rc = pl_graph_add_edge(lw->g, lw->comp[at - 1], lw->comp[at], PL_EDGE_DATA, PL_AT_END);
    /* A frame's pull, work and push follow each other on their thread anyway; the data
     * edges between them say so to the bound, whose critical path follows edges only. */
    if (rc == 0 && w->adaptor > 0 && s > 0)
        rc = pl_graph_add_edge(lw->g, lw->pull[at], lw->comp[at], PL_EDGE_DATA, PL_AT_END);
    if (rc == 0 && w->adaptor > 0 && s + 1 < ns)
        rc = pl_graph_add_task(lw->g, unit, w->adaptor, lw->label_push, item, &lw->push[at]);
    if (rc == 0 && w->adaptor > 0 && s + 1 < ns)
        rc = pl_graph_add_edge(lw->g, lw->comp[at], lw->push[at], PL_EDGE_DATA, PL_AT_END);
    /* The slot edge into the stage's side of the pool after it: with adaptor costs into the
     * frame's push; without, into the producer's task of frame k itself, standing for the
     * push of the frame before it on the same thread (k - m). Added right after the task it
     * goes into, so that edges arrive grouped by destination (see sim/graph/graph.c). */
    uint64_t m = w->stages[s].threads;
    if (rc == 0 && s + 1 < ns && w->adaptor > 0)
        rc = add_slot(lw, s, k);
    else if (rc == 0 && s + 1 < ns && k >= m)
        rc = add_slot(lw, s, k - m);
    if (rc == 0 && s + 1 < ns && w->handover > 0)
        rc = add_pass(lw, s, k);
    return rc;
}

/* Frame k's tasks and the edges into them. */
static int add_frame(struct lowering *lw, uint64_t k)
{
    int rc = 0;
    for (uint32_t s = 0; s < lw->w->nstages && rc == 0; s++)
        rc = add_frame_stage(lw, k, s);
    return rc;
}

static int add_labels(struct lowering *lw)
{
    const pl_stream *w = lw->w;
    lw->labels = malloc(w->nstages * sizeof *lw->labels);
    if (!lw->labels)
        return PL_ENOMEM;
    int rc = pl_graph_add_label(lw->g, "pull", &lw->label_pull);
    if (rc == 0)
        rc = pl_graph_add_label(lw->g, "push", &lw->label_push);
    for (uint32_t s = 0; s < w->nstages && rc == 0; s++)
        rc = pl_graph_add_label(lw->g, w->stages[s].name, &lw->labels[s]);
    return rc;
}

static int lower_stages(struct lowering *lw)
{
    const pl_stream *w = lw->w;
    size_t cells = (size_t)w->frames * w->nstages;
    lw->units = calloc(w->nstages, sizeof *lw->units);
    lw->lag = malloc(w->nstages * sizeof *lw->lag);
    for (uint32_t s = 0; lw->lag && s + 1 < w->nstages; s++)
        lw->lag[s] = pool_lag(w, s);
    lw->comp = pl_array_alloc_written(cells, sizeof *lw->comp);
    if (w->adaptor > 0) {
        lw->pull = pl_array_alloc(cells, sizeof *lw->pull);
        lw->push = pl_array_alloc(cells, sizeof *lw->push);
    }
    if (w->handover > 0) {
        lw->pass = pl_array_alloc(cells, sizeof *lw->pass);
        lw->pairs = calloc(w->nstages, sizeof *lw->pairs);
    }
    if (!lw->units || !lw->lag || !lw->comp || (w->adaptor > 0 && (!lw->pull || !lw->push)) ||
        (w->handover > 0 && (!lw->pass || !lw->pairs)) || make_pinned(lw) != 0)
        return PL_ENOMEM;
    /* Every frame's tasks, each with about two edges: room made once, so that the graph's
     * arrays are not copied while they grow. */
    size_t tasks = (size_t)w->frames * pl_stream_tasks_per_frame(w);
    if (tasks < UINT32_MAX / 2 && pl_graph_reserve(lw->g, (uint32_t)tasks, (uint32_t)(2 * tasks)))
        return PL_ENOMEM;
    int rc = add_labels(lw);
    for (uint32_t s = 0; s < w->nstages && rc == 0; s++)
        rc = add_threads(lw, s);
    if (rc == 0 && w->handover > 0)
        rc = add_pairs(lw);
    for (uint64_t k = 0; k < w->frames && rc == 0; k++)
        rc = add_frame(lw, k);
    return rc;
}

/* The baseline: one thread runs every task of frame k, frame after frame. */
static int lower_baseline(struct lowering *lw)
{
    const pl_stream *w = lw->w;
    uint32_t place, unit, label;
    int rc = type_place(lw, w->base_type, &place);
    if (rc == 0)
        rc = pl_graph_add_unit(lw->g, "chain", place, &unit);
    if (rc == 0)
        rc = pl_graph_add_label(lw->g, "chain", &label);
    if (rc == 0 && w->frames < UINT32_MAX)
        rc = pl_graph_reserve(lw->g, (uint32_t)w->frames, 0);
    for (uint64_t k = 0; k < w->frames && rc == 0; k++) {
        uint32_t id;
        rc = pl_graph_add_task(lw->g, unit, w->base[k], label, (uint32_t)k, &id);
        if (rc == 0 && w->base_slept && w->base[k] > 0)
            rc = pl_graph_set_task_sleep(lw->g, id, w->base_slept[k] / w->base[k]);
    }
    return rc;
}

static void free_lowering(struct lowering *lw)
{
    for (uint32_t s = 0; lw->units && s < lw->w->nstages; s++)
        free(lw->units[s]);
    free(lw->units);
    free(lw->pinned);
    free(lw->comp);
    free(lw->pull);
    free(lw->push);
    free(lw->pass);
    for (uint32_t s = 0; lw->pairs && s < lw->w->nstages; s++)
        free(lw->pairs[s]);
    free(lw->pairs);
    free(lw->labels);
    free(lw->lag);
}

int pl_stream_lower(const pl_stream *w, bool baseline, pl_graph **out)
{
    struct lowering lw = {.w = w};
    for (int t = 0; t < PL_CORE_TYPES; t++)
        lw.type_place[t] = PL_NO_EDGE;
    lw.g = pl_graph_create(baseline ? "one thread" : "pipelined");
    if (!lw.g)
        return PL_ENOMEM;
    int rc = baseline ? lower_baseline(&lw) : lower_stages(&lw);
    if (rc == 0)
        rc = pl_graph_set_items(lw.g, w->frames, "frames");
    if (rc == 0)
        rc = pl_graph_finalize(lw.g);
    free_lowering(&lw);
    if (rc != 0) {
        pl_graph_destroy(lw.g);
        return rc;
    }
    *out = lw.g;
    return 0;
}
