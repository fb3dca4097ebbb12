/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * period.c — step times, chains of dependent steps, and the terms of the
 * period.
 */
#include "models/tile/period.h"

#include "sim/common/units.h"

#include <string.h>

/* The longest chain of dependent steps of one tile from step `from` to step `to`
 * (every step that runs in it taking its mean time), or -1 when `to` does not depend
 * on `from`. */
static double chain_between(const pl_tile_period *pr, const pl_tile_program *p, uint32_t from,
                            uint32_t to)
{
    double dist[PL_TILE_MAX_STEPS];
    for (uint32_t s = from; s <= to; s++) {
        dist[s] = s == from ? pr->step[s] : -1;
        for (uint32_t e = from; e < s; e++)
            if (dist[e] >= 0 && pl_tile_step_feeds(p, e, s) && dist[e] + pr->step[s] > dist[s])
                dist[s] = dist[e] + pr->step[s];
    }
    return dist[to];
}

/* One tile alone: the longest chain ending at any step. */
static double first_tile(const pl_tile_period *pr, const pl_tile_program *p)
{
    double dist[PL_TILE_MAX_STEPS], longest = 0;
    for (uint32_t s = 0; s < p->nsteps; s++) {
        double before = 0;
        for (uint32_t e = 0; e < s; e++)
            if (pl_tile_step_feeds(p, e, s) && dist[e] > before)
                before = dist[e];
        dist[s] = before + pr->step[s];
        if (dist[s] > longest)
            longest = dist[s];
    }
    return longest;
}

/* Mean step and pipe times over the busiest core's tiles, and GM bytes per tile. */
static double step_times(const pl_tile_program *p, pl_tile_period *pr)
{
    double gm_bytes = 0;
    for (uint32_t s = 0; s < p->nsteps; s++) {
        double sum = 0;
        uint64_t runs = 0;
        for (uint64_t i = 0; i < pr->tiles; i++)
            if (pl_tile_step_runs(p, s, i)) {
                sum += pl_tile_step_alone(p, s, i);
                runs++;
            }
        pr->step[s] = runs ? sum / (double)runs : 0;
        pr->pipe[p->steps[s].unit] += sum / (double)pr->tiles;
        const pl_tile_step *st = &p->steps[s];
        if (p->units[st->unit].gm && st->amount == PL_TILE_BYTES)
            gm_bytes += st->bytes * (double)runs / (double)pr->tiles;
    }
    return gm_bytes;
}

static void consider(pl_tile_period *pr, double term, pl_tile_limit limit, uint32_t which)
{
    if (term > pr->period) {
        pr->period = term;
        pr->limit = limit;
        pr->which = which;
    }
}

void pl_tile_period_compute(const pl_tile_program *p, pl_tile_period *out)
{
    pl_tile_period *pr = out;
    memset(pr, 0, sizeof *pr);
    uint64_t groups = p->tiles / p->group;
    pr->tiles = (groups / p->cores + (groups % p->cores != 0)) * p->group;
    pr->cores = groups < p->cores ? (uint32_t)groups : p->cores;
    if (pr->tiles == 0)
        return;
    double gm_bytes = step_times(p, pr);
    if (p->gm_bandwidth > 0)
        pr->gm = gm_bytes * (double)p->tiles / p->gm_bandwidth / (double)pr->tiles;
    for (uint32_t u = 0; u < p->nunits; u++)
        consider(pr, pr->pipe[u], PL_LIMIT_PIPE, u);
    for (uint32_t b = 0; b < p->nbuffers; b++) {
        const pl_tile_buffer *buf = &p->buffers[b];
        double chain = chain_between(pr, p, buf->acquire, buf->release);
        pr->chain[b] = chain >= 0 ? chain : pr->step[buf->acquire];
        pr->buffer[b] = pr->chain[b] / ((double)buf->depth * buf->span);
        consider(pr, pr->buffer[b], PL_LIMIT_BUFFER, b);
    }
    consider(pr, pr->gm, PL_LIMIT_GM, 0);
    pr->first = first_tile(pr, p);
    pr->bound = (double)pr->tiles * pr->period;
    pr->estimate = pr->first + (double)(pr->tiles - 1) * pr->period;
}

double pl_tile_period_unbuffered(const pl_tile_period *pr, const pl_tile_program *p)
{
    double period = pr->gm;
    for (uint32_t u = 0; u < p->nunits; u++)
        if (pr->pipe[u] > period)
            period = pr->pipe[u];
    return period;
}

uint32_t pl_tile_period_depth_for(const pl_tile_period *pr, const pl_tile_program *p, uint32_t b,
                                  double period)
{
    const pl_tile_buffer *buf = &p->buffers[b];
    uint32_t depth = 1;
    while (depth < UINT32_MAX / 2 && pr->chain[b] > period * depth * buf->span)
        depth++;
    return depth;
}

/* "MTE2 2 us, VECTOR 3 us": the pipes with work. */
static void list_pipes(const pl_tile_period *pr, const pl_tile_program *p, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (uint32_t u = 0; u < p->nunits && at < len; u++)
        if (pr->pipe[u] > 0)
            at += (size_t)snprintf(buf + at, len - at, "%s%s %s", at ? ", " : "", p->units[u].name,
                                   PL_TIME_TEXT(pr->pipe[u]));
}

static void what_sets(const pl_tile_period *pr, const pl_tile_program *p, char *buf, size_t len)
{
    if (pr->limit == PL_LIMIT_PIPE) {
        snprintf(buf, len, "set by pipe %s", p->units[pr->which].name);
        return;
    }
    if (pr->limit == PL_LIMIT_GM) {
        snprintf(buf, len, "set by GM bandwidth shared by %u cores", pr->cores);
        return;
    }
    const pl_tile_buffer *b = &p->buffers[pr->which];
    int at = snprintf(buf, len,
                      "set by buffer %s: a slot stays taken at least %s (%s to %s) and it has %u",
                      b->name, PL_TIME_TEXT(pr->chain[pr->which]), p->steps[b->acquire].op,
                      p->steps[b->release].op, b->depth);
    if (b->span > 1 && at > 0 && (size_t)at < len)
        snprintf(buf + at, len - (size_t)at, ", each for %u tiles", b->span);
}

int pl_tile_period_figures(const pl_tile_period *pr, const pl_tile_program *p, pl_figures *out)
{
    char sets[256], pipes[512];
    what_sets(pr, p, sets, sizeof sets);
    list_pipes(pr, p, pipes, sizeof pipes);
    int rc =
        pl_figures_add(out, "period", pr->period, "s", "%s per tile, %s (pipes per tile: %s%s%s)",
                       PL_TIME_TEXT(pr->period), sets, pipes, pr->gm > 0 ? "; GM " : "",
                       pr->gm > 0 ? PL_TIME_TEXT(pr->gm) : "");
    if (rc == 0)
        rc = pl_figures_add(out, "period bound", pr->bound, "s",
                            "%s = %llu tiles on the busiest core x %s", PL_TIME_TEXT(pr->bound),
                            (unsigned long long)pr->tiles, PL_TIME_TEXT(pr->period));
    if (rc == 0)
        rc = pl_figures_add(out, "estimate", pr->estimate, "s",
                            "%s = %s for the first tile alone + %llu x %s",
                            PL_TIME_TEXT(pr->estimate), PL_TIME_TEXT(pr->first),
                            (unsigned long long)(pr->tiles - 1), PL_TIME_TEXT(pr->period));
    return rc;
}
