/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * kernel.c — reading a tile kernel from a scenario into a pl_tile_program.
 *
 * The pipes are the six default ones (MTE2, MTE1, CUBE, VECTOR, MTE3, SCALAR)
 * plus and overridden by machine.device.units. Steps and buffers come from
 * tile.steps and tile.buffers, or from tile.gemm. Once loaded, every name has been
 * resolved to an index, every step's unit has the figure its amount needs, every
 * memory holds its buffers, and every random duration has been drawn.
 */
#include "models/tile/kernel.h"
#include "models/tile/check.h"
#include "models/tile/gemm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The pipes every core has unless the machine says otherwise (the PTO ISA's names). */
static const struct {
    const char *name;
    bool dma, gm;
} default_units[] = {
    {"MTE2", true, true},     {"MTE1", true, false}, {"CUBE", false, false},
    {"VECTOR", false, false}, {"MTE3", true, true},  {"SCALAR", false, false},
};

static int buffer_index(const pl_tile_program *p, const char *name)
{
    for (uint32_t b = 0; b < p->nbuffers; b++)
        if (strcmp(p->buffers[b].name, name) == 0)
            return (int)b;
    return -1;
}

static int add_unit(pl_tile_program *p, const char *name, bool dma, bool gm, uint32_t *id)
{
    int u = pl_tile_program_unit(p, name);
    if (u < 0) {
        u = (int)p->nunits++;
        p->units[u].name = strdup(name);
        if (!p->units[u].name)
            return PL_ENOMEM;
    }
    p->units[u].dma = dma;
    p->units[u].gm = gm;
    *id = (uint32_t)u;
    return 0;
}

/* ---- The machine ----------------------------------------------------------------- */

/* Whether a listed dma unit touches GM: what its from/to say, else what the default
 * pipe of that name does. */
static bool unit_touches_gm(const pl_node *entry, const char *name)
{
    const pl_node *from = pl_node_get(entry, "from"), *to = pl_node_get(entry, "to");
    if (from || to)
        return (from && strcmp(pl_node_str(from), "GM") == 0) ||
               (to && strcmp(pl_node_str(to), "GM") == 0);
    for (size_t i = 0; i < sizeof default_units / sizeof default_units[0]; i++)
        if (strcmp(default_units[i].name, name) == 0)
            return default_units[i].gm;
    return false;
}

static int read_unit(const pl_config *cfg, pl_tile_program *p, const pl_node *entry, pl_diag *d)
{
    const char *name = pl_node_str(pl_node_get(entry, "name"));
    bool dma = strcmp(pl_node_str(pl_node_get(entry, "kind")), "dma") == 0;
    if (pl_tile_program_unit(p, name) < 0 && p->nunits == PL_TILE_MAX_UNITS)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(entry), pl_node_path(entry),
                          "a core has at most %d pipes", PL_TILE_MAX_UNITS);
    uint32_t u;
    if (add_unit(p, name, dma, dma && unit_touches_gm(entry, name), &u) != 0)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    pl_tile_unit *unit = &p->units[u];
    const pl_node *bw = pl_node_get(entry, "bandwidth"), *rate = pl_node_get(entry, "rate"),
                  *per = pl_node_get(entry, "per_cycle");
    const char *wrong = dma ? (rate  ? "rate"
                               : per ? "per_cycle"
                                     : NULL)
                            : (bw ? "bandwidth" : NULL);
    if (wrong) {
        const pl_node *n = pl_node_get(entry, wrong);
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n), "a %s unit has no %s; %s",
                          dma ? "dma" : "compute", wrong,
                          dma ? "give it a bandwidth" : "give it a rate or per_cycle");
    }
    if (rate && per)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(per), pl_node_path(per),
                          "give rate or per_cycle, not both");
    unit->bandwidth = bw ? pl_node_real(bw) : 0;
    unit->latency = pl_node_real(pl_node_get(entry, "latency"));
    unit->overhead = pl_node_real(pl_node_get(entry, "overhead"));
    unit->rate = rate ? pl_node_real(rate) : 0;
    if (per) {
        const pl_node *clock = pl_config_get(cfg, "machine.device.clock");
        if (!clock)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(per), pl_node_path(per),
                              "per_cycle counts cycles of machine.device.clock, which is not "
                              "given");
        unit->rate = pl_node_real(per) * pl_node_real(clock);
    }
    return 0;
}

static int read_machine(const pl_config *cfg, pl_tile_program *p, pl_diag *d)
{
    for (size_t i = 0; i < sizeof default_units / sizeof default_units[0]; i++) {
        uint32_t u;
        if (add_unit(p, default_units[i].name, default_units[i].dma, default_units[i].gm, &u))
            return pl_diag_set(d, PL_ENOMEM, "out of memory");
    }
    const pl_node *units = pl_config_get(cfg, "machine.device.units");
    for (size_t i = 0; units && i < pl_node_len(units); i++) {
        int rc = read_unit(cfg, p, pl_node_at(units, i), d);
        if (rc != 0)
            return rc;
    }
    const pl_node *gm = pl_config_get(cfg, "machine.device.gm_bandwidth");
    p->gm_bandwidth = gm ? pl_node_real(gm) : 0;
    for (pl_onchip_memory m = 0; m < PL_ONCHIP_COUNT; m++) {
        char path[64];
        snprintf(path, sizeof path, "machine.device.memories.%s", pl_onchip_name(m));
        const pl_node *n = pl_config_get(cfg, path);
        p->capacity[m] = n ? pl_node_real(n) : 0;
    }
    return 0;
}

/* ---- Buffers and steps as written -------------------------------------------------- */

static int read_buffers(const pl_node *sec, pl_tile_program *p, pl_diag *d)
{
    const pl_node *list = pl_node_get(sec, "buffers");
    uint32_t deflt = (uint32_t)pl_node_int(pl_node_get(sec, "depth"));
    for (size_t i = 0; i < pl_node_len(list); i++) {
        const pl_node *e = pl_node_at(list, i), *name = pl_node_get(e, "name");
        if (p->nbuffers == PL_TILE_MAX_BUFFERS)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(e), pl_node_path(e),
                              "a kernel has at most %d buffers", PL_TILE_MAX_BUFFERS);
        if (buffer_index(p, pl_node_str(name)) >= 0)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(name), pl_node_path(name),
                              "a buffer named '%s' is already defined", pl_node_str(name));
        pl_tile_buffer *b = &p->buffers[p->nbuffers++];
        b->name = strdup(pl_node_str(name));
        if (!b->name)
            return pl_diag_set(d, PL_ENOMEM, "out of memory");
        /* The schema's choices are the on-chip memories' names. */
        b->memory = (pl_onchip_memory)pl_onchip_from_name(pl_node_str(pl_node_get(e, "memory")));
        b->size = pl_node_real(pl_node_get(e, "size"));
        const pl_node *depth = pl_node_get(e, "depth");
        b->depth = depth ? (uint32_t)pl_node_int(depth) : deflt;
        b->span = (uint32_t)pl_node_int(pl_node_get(e, "span"));
        b->release_store = strcmp(pl_node_str(pl_node_get(e, "release")), "store") == 0;
    }
    return 0;
}

/* Exactly one of bytes, flops and time. */
static int read_amount(pl_tile_step *s, const pl_node *e, pl_diag *d)
{
    static const char *const keys[] = {"bytes", "flops", "time"};
    const pl_node *given = NULL;
    for (int a = 0; a < 3; a++) {
        const pl_node *n = pl_node_get(e, keys[a]);
        if (!n)
            continue;
        if (given)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                              "a step takes one of bytes, flops and time; '%s' is already "
                              "given",
                              keys[s->amount]);
        given = n;
        s->amount = (pl_tile_amount)a;
    }
    if (!given)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(e), pl_node_path(e),
                          "a step needs its amount: bytes (dma), flops (compute) or time");
    if (s->amount == PL_TILE_BYTES)
        s->bytes = pl_node_real(given);
    else if (s->amount == PL_TILE_FLOPS)
        s->flops = pl_node_real(given);
    else
        s->time = *pl_node_dist(given);
    if (s->amount == PL_TILE_TIME && pl_dist_is_random(&s->time) &&
        !(s->time_key = strdup(pl_node_path(given))))
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    return 0;
}

static int resolve_buffer(const pl_tile_program *p, const pl_node *n, uint32_t *out, pl_diag *d)
{
    int b = buffer_index(p, pl_node_str(n));
    if (b < 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                          "no buffer named '%s' in tile.buffers", pl_node_str(n));
    *out = (uint32_t)b;
    return 0;
}

static int read_step(pl_tile_program *p, const pl_node *e, pl_diag *d)
{
    pl_tile_step *s = &p->steps[p->nsteps];
    const pl_node *unit = pl_node_get(e, "unit");
    int u = pl_tile_program_unit(p, pl_node_str(unit));
    if (u < 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(unit), pl_node_path(unit),
                          "no pipe named '%s' (the defaults are MTE2, MTE1, CUBE, VECTOR, "
                          "MTE3, SCALAR; others go in machine.device.units)",
                          pl_node_str(unit));
    s->unit = (uint32_t)u;
    s->op = strdup(pl_node_str(pl_node_get(e, "op")));
    if (!s->op)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    p->nsteps++;
    s->every = (uint32_t)pl_node_int(pl_node_get(e, "every"));
    int rc = read_amount(s, e, d);
    s->writes = -1;
    const pl_node *writes = pl_node_get(e, "writes"), *reads = pl_node_get(e, "reads");
    uint32_t b = 0;
    if (rc == 0 && writes && (rc = resolve_buffer(p, writes, &b, d)) == 0)
        s->writes = (int)b;
    for (size_t i = 0; rc == 0 && reads && i < pl_node_len(reads); i++) {
        const pl_node *r = pl_node_at(reads, i);
        if (s->nreads == PL_TILE_MAX_READS)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(r), pl_node_path(r),
                              "a step reads at most %d buffers", PL_TILE_MAX_READS);
        rc = resolve_buffer(p, r, &s->reads[s->nreads++], d);
    }
    return rc;
}

static int read_steps(const pl_node *sec, pl_tile_program *p, pl_diag *d)
{
    const pl_node *list = pl_node_get(sec, "steps");
    for (size_t i = 0; i < pl_node_len(list); i++) {
        if (p->nsteps == PL_TILE_MAX_STEPS)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(pl_node_at(list, i)),
                              pl_node_path(pl_node_at(list, i)), "a tile has at most %d steps",
                              PL_TILE_MAX_STEPS);
        int rc = read_step(p, pl_node_at(list, i), d);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Either gemm, or count, buffers and steps. */
static int read_kernel(const pl_config *cfg, const pl_node *sec, pl_tile_program *p, pl_diag *d)
{
    const pl_node *gemm = pl_node_get(sec, "gemm");
    static const char *const written[] = {"count", "buffers", "steps"};
    for (int i = 0; i < 3; i++) {
        const pl_node *n = pl_node_get(sec, written[i]);
        if (gemm && n)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                              "%s derives the tiles, buffers and steps; remove %s or %s",
                              pl_node_path(gemm), pl_node_path(n), pl_node_path(gemm));
        if (!gemm && !n)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(sec), pl_node_path(sec),
                              "expected %s.%s (or %s.gemm)", pl_node_path(sec), written[i],
                              pl_node_path(sec));
    }
    if (gemm)
        return pl_tile_gemm_generate(cfg, sec, p, d);
    p->tiles = (uint64_t)pl_node_int(pl_node_get(sec, "count"));
    int rc = read_buffers(sec, p, d);
    if (rc == 0)
        rc = read_steps(sec, p, d);
    const pl_node *steps = pl_node_get(sec, "steps");
    if (rc == 0 && p->nsteps == 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(steps), pl_node_path(steps),
                          "expected at least one step, got an empty list");
    return rc;
}

/* ---- Durations --------------------------------------------------------------------- */

int pl_tile_program_draw(pl_tile_program *p, gsl_rng *rng, pl_diag *d)
{
    for (uint32_t s = 0; s < p->nsteps; s++)
        if (p->steps[s].amount == PL_TILE_TIME && pl_dist_is_random(&p->steps[s].time))
            p->random = true;
    if (!p->random)
        return 0;
    p->time = malloc(p->tiles * p->nsteps * sizeof *p->time);
    if (!p->time)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for %llu tiles",
                           (unsigned long long)p->tiles);
    int rc = 0;
    for (uint64_t k = 0; k < p->tiles && rc == 0; k++)
        for (uint32_t s = 0; s < p->nsteps && rc == 0; s++) {
            const pl_tile_step *st = &p->steps[s];
            double *t = &p->time[k * p->nsteps + s];
            *t = 0;
            if (st->amount == PL_TILE_TIME && st->time_key)
                rc = pl_dist_draw_checked(&st->time, rng, st->time_key, t, d);
            else if (st->amount == PL_TILE_TIME)
                *t = pl_dist_draw(&st->time, rng);
        }
    return rc;
}

int pl_tile_program_read(const pl_config *cfg, const pl_node *sec, pl_tile_program **out,
                         pl_diag *d)
{
    pl_tile_program *p = calloc(1, sizeof *p);
    if (!p)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the tile kernel");
    int rc = read_machine(cfg, p, d);
    if (rc == 0)
        rc = read_kernel(cfg, sec, p, d);
    if (rc == 0)
        rc = pl_tile_program_check(cfg, sec, p, d);
    if (rc != 0) {
        pl_tile_program_destroy(p);
        return rc;
    }
    *out = p;
    return 0;
}

int pl_tile_program_load(const pl_config *cfg, const pl_node *sec, gsl_rng *rng,
                         pl_tile_program **out, pl_diag *d)
{
    pl_tile_program *p = NULL;
    int rc = pl_tile_program_read(cfg, sec, &p, d);
    if (rc == 0)
        rc = pl_tile_program_draw(p, rng, d);
    if (rc != 0) {
        pl_tile_program_destroy(p);
        return rc;
    }
    *out = p;
    return 0;
}
