/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tile.c — lowering a tile kernel to the task graph.
 *
 * Each core is a device place with one unit per pipe its steps use; a dma pipe
 * that moves bytes has its own link (its bandwidth) and, when it reads or writes
 * GM, the device's one GM link after it, so concurrent transfers of all cores share
 * GM fairly. A core's tiles are lowered tile by tile, step by step, so every pipe
 * issues in program order. Edges come in a second pass over the core, because a
 * barrier waits for a producer of a later tile:
 *
 *   data     a step that reads buffer X waits for the step that last wrote X
 *            (same tile, or an earlier tile of the same slot when X spans tiles);
 *            a step that writes X waits for earlier readers and writers of X in its
 *            tile on other pipes;
 *   barrier  with `barrier` sync a TSYNC waits for every op issued so far on the
 *            producer's pipe. The kernel is a software-pipelined loop: a step that takes
 *            a slot of X runs ahead of the step that frees it by (depth - 1) x span
 *            tiles, and any other step as far ahead as the furthest step that uses its
 *            output. So the TSYNC before a consumer of tile k, issued ahead by a(c),
 *            waits for its producer's tile k + a(p) - a(c). With `batch` sync the wait is
 *            for the producer of the last tile of the consumer's batch;
 *   slot     the step that takes a slot of X for tile i (its first writer) waits for
 *            the step that freed the slot depth slots back.
 *
 * The naive variant has every buffer single and chains each task to the previous
 * task of its core in program order (a `barrier` edge: the naive kernel waits for
 * each op before issuing the next), so one core takes exactly N x a tile's steps.
 */
#include "models/tile/tile.h"
#include "models/tile/kernel.h"
#include "models/tile/period.h"
#include "models/tile/site.h"
#include "sim/common/array.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lower {
    const pl_tile_program *p;
    pl_tile_variant v;
    pl_tile_site *site;
    pl_graph *g;
    uint32_t item;      /* every task's item, or PL_TILE_PER_TILE */
    pl_tile_ends *ends; /* NULL when not wanted */
    uint32_t labels[PL_TILE_MAX_STEPS];
    uint32_t units[PL_TILE_MAX_UNITS]; /* this core's graph unit per pipe; PL_NO_EDGE */
    uint32_t first_task[PL_TILE_MAX_UNITS], last_task[PL_TILE_MAX_UNITS]; /* this core's */
    uint64_t first, n; /* this core's block of tiles */
    uint32_t *task;    /* n x nsteps task ids of this core; PL_NO_EDGE where a step skips */
    uint64_t ahead[PL_TILE_MAX_STEPS]; /* tiles each step is issued ahead (barrier sync) */
    /* What the steps say about each other and their work, worked out once per kernel rather
     * than once per task: per step, its task's work when every tile's is the same (`same`),
     * and the earlier steps on other pipes whose buffer it overwrites (bit e for step e). */
    bool same[PL_TILE_MAX_STEPS];
    double work[PL_TILE_MAX_STEPS];
    uint64_t overwrites[PL_TILE_MAX_STEPS];
};

static uint32_t depth_of(const struct lower *lw, uint32_t b)
{
    return lw->v == PL_TILE_NAIVE ? 1 : lw->p->buffers[b].depth;
}

static uint32_t task_at(const struct lower *lw, uint64_t i, uint32_t s)
{
    return lw->task[i * lw->p->nsteps + s];
}

/* The task of step s in the latest tile <= i of this core where s runs: s runs on the
 * tiles i' with (i' + 1) a multiple of its `every`. */
static uint32_t latest_run(const struct lower *lw, uint64_t i, uint32_t s)
{
    uint64_t every = lw->p->steps[s].every;
    return i + 1 < every ? PL_NO_EDGE : task_at(lw, (i + 1) / every * every - 1, s);
}

/* ---- Places, units, links ------------------------------------------------------- */

static bool moves_bytes(const pl_tile_program *p, uint32_t u)
{
    for (uint32_t s = 0; s < p->nsteps; s++)
        if (p->steps[s].unit == u && p->steps[s].amount == PL_TILE_BYTES)
            return true;
    return false;
}

static bool used(const pl_tile_program *p, uint32_t u)
{
    for (uint32_t s = 0; s < p->nsteps; s++)
        if (p->steps[s].unit == u)
            return true;
    return false;
}

static int add_core(struct lower *lw, uint32_t c)
{
    const pl_tile_program *p = lw->p;
    int rc = 0;
    for (uint32_t u = 0; u < p->nunits && rc == 0; u++) {
        lw->units[u] = lw->first_task[u] = lw->last_task[u] = PL_NO_EDGE;
        if (used(p, u))
            rc = pl_tile_site_unit(lw->site, c, &p->units[u], moves_bytes(p, u), &lw->units[u]);
    }
    return rc;
}

/* ---- Tasks ----------------------------------------------------------------------- */

static int add_task(struct lower *lw, uint64_t i, uint32_t s)
{
    const pl_tile_program *p = lw->p;
    const pl_tile_step *st = &p->steps[s];
    uint64_t k = lw->first + i;
    uint32_t *t = &lw->task[i * p->nsteps + s];
    *t = PL_NO_EDGE;
    if (!pl_tile_step_runs(p, s, i))
        return 0;
    double work = lw->same[s] ? lw->work[s] : pl_tile_step_alone(p, s, k);
    uint32_t item = lw->item == PL_TILE_PER_TILE ? (uint32_t)k : lw->item;
    int rc = pl_graph_add_task(lw->g, lw->units[st->unit], work, lw->labels[s], item, t);
    if (rc == 0 && st->amount == PL_TILE_BYTES)
        rc = pl_graph_set_task_bytes(lw->g, *t, st->bytes);
    if (lw->first_task[st->unit] == PL_NO_EDGE)
        lw->first_task[st->unit] = *t;
    lw->last_task[st->unit] = *t;
    return rc;
}

/* ---- Edges ----------------------------------------------------------------------- */

/* The step that last wrote buffer b before step s of tile i: earlier in the tile, or in
 * an earlier tile of the same slot. Stores its tile and step; false when none did. */
static bool last_writer(const struct lower *lw, uint32_t b, uint64_t i, uint32_t s, uint64_t *wi,
                        uint32_t *ws)
{
    const pl_tile_program *p = lw->p;
    uint32_t span = p->buffers[b].span;
    for (;;) {
        for (uint32_t w = s; w-- > 0;)
            if (p->steps[w].writes == (int)b && pl_tile_step_runs(p, w, i)) {
                *wi = i;
                *ws = w;
                return true;
            }
        if (i % span == 0)
            return false;
        i--;
        s = p->nsteps;
    }
}

/* The tile whose producer ws a consumer s in tile i waits for, given that the producer
 * of its data ran in tile wi, under the sync policy. */
static uint64_t sync_tile(const struct lower *lw, uint32_t ws, uint32_t s, uint64_t i, uint64_t wi)
{
    const pl_tile_program *p = lw->p;
    uint64_t last = lw->n - 1, t = wi;
    if (lw->v == PL_TILE_NAIVE || p->sync == PL_TILE_EVENT)
        return wi;
    if (p->sync == PL_TILE_BARRIER)
        t = wi + lw->ahead[ws] - lw->ahead[s];
    else
        t = (i / p->batch + 1) * p->batch - 1;
    t = t > last ? last : t;
    return t > wi ? t : wi;
}

static int add_read_edges(struct lower *lw, uint64_t i, uint32_t s, uint32_t t)
{
    const pl_tile_program *p = lw->p;
    const pl_tile_step *st = &p->steps[s];
    int rc = 0;
    for (uint32_t r = 0; r < st->nreads && rc == 0; r++) {
        uint32_t b = st->reads[r], ws;
        uint64_t wi;
        if (!last_writer(lw, b, i, s, &wi, &ws) || p->steps[ws].unit == st->unit)
            continue;
        uint64_t at = sync_tile(lw, ws, s, i, wi);
        rc = pl_graph_add_edge(lw->g, latest_run(lw, at, ws), t,
                               at > wi ? PL_EDGE_BARRIER : PL_EDGE_DATA, PL_AT_END);
        /* A barrier on a later tile of the writer's pipe implies the data edge, which
         * the schedule does not need but the resource bound, which leaves barriers out,
         * does: the data is still the writer's. Listed after, so that on a tie the
         * barrier releases the task, as before. */
        if (rc == 0 && at > wi)
            rc = pl_graph_add_edge(lw->g, latest_run(lw, wi, ws), t, PL_EDGE_DATA, PL_AT_END);
    }
    return rc;
}

/* A step that writes b waits for the earlier readers and writers of b in its tile on
 * other pipes: they must be done with the data it overwrites. */
static int add_overwrite_edges(struct lower *lw, uint64_t i, uint32_t s, uint32_t t)
{
    int rc = 0;
    for (uint32_t e = 0; e < s && rc == 0; e++)
        if ((lw->overwrites[s] >> e & 1) && pl_tile_step_runs(lw->p, e, i))
            rc = pl_graph_add_edge(lw->g, task_at(lw, i, e), t, PL_EDGE_DATA, PL_AT_END);
    return rc;
}

/* The per-step figures of struct lower: each step's work where it is the same on every
 * tile (a transfer's fixed latency, a compute step's time alone, an undrawn time), and the
 * steps each one overwrites on other pipes. */
static void know_steps(struct lower *lw)
{
    const pl_tile_program *p = lw->p;
    for (uint32_t s = 0; s < p->nsteps; s++) {
        const pl_tile_step *st = &p->steps[s];
        lw->same[s] = st->amount != PL_TILE_TIME || !p->time;
        lw->work[s] = st->amount == PL_TILE_BYTES ? p->units[st->unit].latency
                      : lw->same[s]               ? pl_tile_step_alone(p, s, 0)
                                                  : 0;
        lw->overwrites[s] = 0;
        for (uint32_t e = 0; e < s; e++)
            if (pl_tile_step_overwrites(p, e, s) && p->steps[e].unit != st->unit)
                lw->overwrites[s] |= (uint64_t)1 << e;
    }
}

/* The task that frees buffer b's slot used by tiles [from, to]: the buffer's release step
 * in the latest of those tiles where it runs; failing that (a release step that runs on
 * fewer tiles than the slot), the last task of those tiles that touches b, or any last
 * task for `release: store`. PL_NO_EDGE when no task in the slot touches b. */
static uint32_t slot_release(const struct lower *lw, uint32_t b, uint64_t from, uint64_t to)
{
    const pl_tile_program *p = lw->p;
    const pl_tile_buffer *buf = &p->buffers[b];
    for (uint64_t i = to + 1; i-- > from;)
        if (pl_tile_step_runs(p, buf->release, i))
            return task_at(lw, i, buf->release);
    for (uint64_t i = to + 1; i-- > from;)
        for (uint32_t s = p->nsteps; s-- > 0;)
            if (pl_tile_step_runs(p, s, i) &&
                (buf->release_store || pl_tile_step_touches(p, s, (int)b)))
                return task_at(lw, i, s);
    return PL_NO_EDGE;
}

/* The first writer of b, where it first runs in a slot's tiles, waits for the slot's
 * previous user, depth slots back, to free it. */
static int add_slot_edge(struct lower *lw, uint64_t i, uint32_t s, uint32_t t)
{
    const pl_tile_program *p = lw->p;
    int b = p->steps[s].writes;
    if (b < 0 || p->buffers[b].acquire != s)
        return 0;
    const pl_tile_buffer *buf = &p->buffers[b];
    uint64_t depth = depth_of(lw, (uint32_t)b), item = i / buf->span;
    /* The first tile of the slot's tiles where s runs: the least e >= item * span with
     * e + 1 a multiple of s's `every`. Before i, the slot was taken there. */
    uint64_t every = p->steps[s].every, taken = (item * buf->span + every) / every * every - 1;
    if (taken < i)
        return 0;
    if (item < depth)
        return 0;
    uint64_t from = (item - depth) * buf->span;
    uint32_t freed = slot_release(lw, (uint32_t)b, from, from + buf->span - 1);
    if (freed == PL_NO_EDGE)
        return 0;
    return pl_graph_add_edge(lw->g, freed, t, PL_EDGE_SLOT, PL_AT_END);
}

static int add_edges(struct lower *lw)
{
    const pl_tile_program *p = lw->p;
    uint32_t prev = PL_NO_EDGE;
    int rc = 0;
    for (uint64_t i = 0; i < lw->n && rc == 0; i++)
        for (uint32_t s = 0; s < p->nsteps && rc == 0; s++) {
            uint32_t t = task_at(lw, i, s);
            if (t == PL_NO_EDGE)
                continue;
            if (lw->v == PL_TILE_NAIVE && prev != PL_NO_EDGE &&
                pl_graph_task_unit(lw->g, prev) != pl_graph_task_unit(lw->g, t))
                rc = pl_graph_add_edge(lw->g, prev, t, PL_EDGE_BARRIER, PL_AT_END);
            prev = t;
            if (rc == 0)
                rc = add_read_edges(lw, i, s, t);
            if (rc == 0)
                rc = add_overwrite_edges(lw, i, s, t);
            if (rc == 0)
                rc = add_slot_edge(lw, i, s, t);
        }
    return rc;
}

/* ---- The kernel ------------------------------------------------------------------- */

/* How many tiles ahead the software-pipelined loop issues each step (see the top of the
 * file), from the last step back: at least as far as any step it feeds, and a step that
 * takes a slot as far as the slot allows past the step that frees it. Along every edge
 * this keeps (tile - ahead, step) increasing, so barrier edges make no cycle. */
static void issue_ahead(struct lower *lw)
{
    const pl_tile_program *p = lw->p;
    for (uint32_t s = p->nsteps; s-- > 0;) {
        uint64_t a = 0;
        for (uint32_t c = s + 1; c < p->nsteps; c++)
            if (pl_tile_step_feeds(p, s, c) && lw->ahead[c] > a)
                a = lw->ahead[c];
        for (uint32_t b = 0; b < p->nbuffers; b++) {
            const pl_tile_buffer *buf = &p->buffers[b];
            uint64_t slot = lw->ahead[buf->release] + (uint64_t)(depth_of(lw, b) - 1) * buf->span;
            if (buf->acquire == s && buf->release > s && slot > a)
                a = slot;
        }
        lw->ahead[s] = a;
    }
}

/* Records the core's first and last task on each of its pipes. */
static int add_ends(struct lower *lw)
{
    pl_tile_ends *e = lw->ends;
    for (uint32_t u = 0; e && u < lw->p->nunits; u++) {
        if (lw->first_task[u] == PL_NO_EDGE)
            continue;
        if (e->n == e->cap) {
            uint32_t cap = e->cap ? 2 * e->cap : 16;
            uint32_t *first = realloc(e->first, cap * sizeof *first);
            if (first)
                e->first = first;
            uint32_t *last = realloc(e->last, cap * sizeof *last);
            if (last)
                e->last = last;
            if (!first || !last)
                return PL_ENOMEM;
            e->cap = cap;
        }
        e->first[e->n] = lw->first_task[u];
        e->last[e->n++] = lw->last_task[u];
    }
    return 0;
}

static int lower_core(struct lower *lw, uint32_t c)
{
    const pl_tile_program *p = lw->p;
    int rc = add_core(lw, c);
    for (uint64_t i = 0; i < lw->n && rc == 0; i++)
        for (uint32_t s = 0; s < p->nsteps && rc == 0; s++)
            rc = add_task(lw, i, s);
    if (rc == 0)
        rc = add_edges(lw);
    return rc == 0 ? add_ends(lw) : rc;
}

void pl_tile_ends_fini(pl_tile_ends *e)
{
    free(e->first);
    free(e->last);
    *e = (pl_tile_ends){0};
}

int pl_tile_lower_kernel(pl_tile_site *site, const pl_tile_program *p, pl_tile_variant v,
                         uint32_t item, pl_tile_ends *ends)
{
    struct lower lw = {
        .p = p, .v = v, .site = site, .g = pl_tile_site_graph(site), .item = item, .ends = ends};
    int rc = 0;
    for (uint32_t s = 0; s < p->nsteps && rc == 0; s++)
        rc = pl_graph_add_label(lw.g, p->steps[s].op, &lw.labels[s]);
    issue_ahead(&lw);
    know_steps(&lw);
    /* Whole groups per core, the first (groups mod cores) cores one more. */
    uint64_t groups = p->tiles / p->group, base = groups / p->cores, extra = groups % p->cores;
    lw.task = pl_array_alloc_written((base + 1) * p->group * p->nsteps, sizeof *lw.task);
    if (!lw.task)
        return PL_ENOMEM;
    lw.first = 0;
    for (uint32_t c = 0; c < p->cores && rc == 0; c++) {
        lw.n = (base + (c < extra)) * p->group;
        rc = lower_core(&lw, c);
        lw.first += lw.n;
    }
    free(lw.task);
    return rc;
}

const char *pl_tile_variant_name(const pl_tile_program *p, pl_tile_variant v)
{
    if (v == PL_TILE_NAIVE)
        return "single-buffered";
    return p->sync == PL_TILE_EVENT     ? "event sync"
           : p->sync == PL_TILE_BARRIER ? "barrier sync"
                                        : "batch sync";
}

int pl_tile_lower_depths(const pl_tile_program *p, const uint32_t *depth, pl_graph **out)
{
    pl_tile_program *q = malloc(sizeof *q);
    if (!q)
        return PL_ENOMEM;
    *q = *p; /* shares p's strings and drawn times, read-only */
    for (uint32_t b = 0; b < p->nbuffers; b++)
        q->buffers[b].depth = depth[b];
    int rc = pl_tile_lower(q, PL_TILE_PIPELINED, out);
    free(q);
    return rc;
}

/* The tasks pl_tile_lower_kernel adds: on each core's block of n tiles (whole groups, the
 * first groups mod cores cores one more), step s runs on the tiles i with i + 1 a multiple
 * of its `every`, n / every of them. At most pl_tile_program_tasks. */
static uint64_t kernel_tasks(const pl_tile_program *p)
{
    uint64_t groups = p->tiles / p->group, base = groups / p->cores, extra = groups % p->cores;
    uint64_t tasks = 0;
    for (int more = 0; more < 2; more++) {
        uint64_t n = (base + (uint64_t)more) * p->group, cores = more ? extra : p->cores - extra;
        for (uint32_t s = 0; s < p->nsteps; s++)
            tasks += cores * (n / p->steps[s].every);
    }
    return tasks;
}

int pl_tile_lower(const pl_tile_program *p, pl_tile_variant v, pl_graph **out)
{
    pl_graph *g = pl_graph_create(pl_tile_variant_name(p, v));
    pl_tile_site *site = NULL;
    int rc = g ? pl_tile_site_create(g, p->gm_bandwidth, &site) : PL_ENOMEM;
    /* Room for every task at once and about two edges each, so that the graph's arrays
     * are not copied while they grow. */
    uint64_t tasks = kernel_tasks(p);
    if (rc == 0)
        rc = pl_graph_reserve(g, (uint32_t)tasks, (uint32_t)(3 * tasks));
    if (rc == 0)
        rc = pl_tile_lower_kernel(site, p, v, PL_TILE_PER_TILE, NULL);
    pl_tile_site_destroy(site);
    if (rc == 0)
        rc = pl_graph_set_items(g, p->tiles, "tiles");
    if (rc == 0)
        rc = pl_graph_finalize(g);
    if (rc != 0) {
        pl_graph_destroy(g);
        return rc;
    }
    *out = g;
    return 0;
}

static void kept_free(void *p)
{
    pl_tile_program_destroy(p);
}

/* The period and what it predicts, from the program alone. */
static int analysis(const pl_tile_program *p, pl_figures *f)
{
    pl_tile_period pr;
    pl_tile_period_compute(p, &pr);
    char title[128];
    snprintf(title, sizeof title, "kernel analysis (%u %s, %llu tiles on the busiest)", pr.cores,
             pr.cores == 1 ? "core" : "cores", (unsigned long long)pr.tiles);
    int rc = pl_figures_title(f, title);
    return rc == 0 ? pl_tile_period_figures(&pr, p, f) : rc;
}

/* The run pipelined, the baseline naive. */
static int lower_graph(const void *p, bool baseline, pl_graph **out)
{
    return pl_tile_lower(p, baseline ? PL_TILE_NAIVE : PL_TILE_PIPELINED, out);
}

int pl_tile_lower_scenario(const pl_config *cfg, gsl_rng *rng, pl_lowering *out, pl_diag *d)
{
    pl_tile_program *p = NULL;
    int rc = pl_tile_program_load(cfg, pl_config_get(cfg, "tile"), rng, &p, d);
    if (rc != 0)
        return rc;
    memset(out, 0, sizeof *out);
    out->mode = pl_tile_variant_name(p, PL_TILE_PIPELINED);
    out->baseline_mode = pl_tile_variant_name(p, PL_TILE_NAIVE);
    out->random = p->random;
    out->kept = p;
    out->kept_free = kept_free;
    rc = pl_lowering_graphs(lower_graph, p, true, out);
    if (rc == 0)
        rc = analysis(p, &out->figures);
    if (rc != 0) {
        pl_lowering_fini(out);
        return pl_diag_set(d, rc, "out of memory lowering the tile kernel");
    }
    return 0;
}
