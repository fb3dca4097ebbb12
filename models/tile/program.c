/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * program.c — reading a tile kernel from a scenario and checking it.
 *
 * The pipes are the six default ones (MTE2, MTE1, CUBE, VECTOR, MTE3, SCALAR)
 * plus and overridden by machine.device.units. Steps and buffers come from
 * tile.steps and tile.buffers, or from tile.gemm. Once loaded, every name has been
 * resolved to an index, every step's unit has the figure its amount needs, every
 * memory holds its buffers, and every random duration has been drawn.
 */
#include "models/tile/program.h"
#include "models/tile/gemm.h"

#include <math.h>
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

int pl_tile_program_unit(const pl_tile_program *p, const char *name)
{
    for (uint32_t u = 0; u < p->nunits; u++)
        if (strcmp(p->units[u].name, name) == 0)
            return (int)u;
    return -1;
}

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

/* ---- Checks ------------------------------------------------------------------------ */

/* Where to point for step s: its entry in tile.steps, or tile.gemm. */
static const pl_node *step_node(const pl_node *sec, uint32_t s)
{
    const pl_node *steps = pl_node_get(sec, "steps");
    return steps ? pl_node_at(steps, s) : pl_node_get(sec, "gemm");
}

static const pl_node *buffer_node(const pl_node *sec, uint32_t b)
{
    const pl_node *list = pl_node_get(sec, "buffers");
    return list ? pl_node_at(list, b) : pl_node_get(sec, "gemm");
}

/* The unit has the figure the step's amount needs. */
static int check_step_unit(const pl_node *sec, const pl_tile_program *p, uint32_t s, pl_diag *d)
{
    const pl_tile_step *st = &p->steps[s];
    const pl_tile_unit *u = &p->units[st->unit];
    const pl_node *at = step_node(sec, s);
    if (st->amount == PL_TILE_BYTES && !u->dma)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(at), pl_node_path(at),
                          "step %s moves bytes, but %s is a compute unit; give it flops or "
                          "time",
                          st->op, u->name);
    if (st->amount == PL_TILE_FLOPS && u->dma)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(at), pl_node_path(at),
                          "step %s does flops, but %s is a dma unit; give it bytes or time", st->op,
                          u->name);
    if (st->amount == PL_TILE_BYTES && u->bandwidth <= 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(at), pl_node_path(at),
                          "step %s moves bytes on %s, whose bandwidth is not given; add it "
                          "to machine.device.units or give the step a time",
                          st->op, u->name);
    if (st->amount == PL_TILE_FLOPS && u->rate <= 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(at), pl_node_path(at),
                          "step %s does flops on %s, whose rate is not given; add it to "
                          "machine.device.units or give the step a time",
                          st->op, u->name);
    return 0;
}

/* Derives each buffer's acquiring and releasing steps; a buffer read but never written
 * is an error. */
static int derive_buffers(const pl_node *sec, pl_tile_program *p, pl_diag *d)
{
    for (uint32_t b = 0; b < p->nbuffers; b++) {
        pl_tile_buffer *buf = &p->buffers[b];
        int first_writer = -1, last_reader = -1, last_writer = -1;
        for (uint32_t s = 0; s < p->nsteps; s++) {
            if (p->steps[s].writes == (int)b) {
                if (first_writer < 0)
                    first_writer = (int)s;
                last_writer = (int)s;
            }
            for (uint32_t r = 0; r < p->steps[s].nreads; r++)
                if (p->steps[s].reads[r] == b)
                    last_reader = (int)s;
        }
        const pl_node *at = buffer_node(sec, b);
        if (first_writer < 0)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(at), pl_node_path(at),
                              "no step writes buffer '%s'; a step fills it with `writes: %s`",
                              buf->name, buf->name);
        buf->acquire = (uint32_t)first_writer;
        buf->release = buf->release_store ? p->nsteps - 1
                       : last_reader >= 0 ? (uint32_t)last_reader
                                          : (uint32_t)last_writer;
    }
    return 0;
}

/* Every memory holds depth x size of each of its buffers. */
static int check_capacity(const pl_node *sec, const pl_tile_program *p, pl_diag *d)
{
    for (pl_onchip_memory m = 0; m < PL_ONCHIP_COUNT; m++) {
        double need = 0;
        int largest = -1;
        char parts[512] = "";
        size_t len = 0;
        for (uint32_t b = 0; b < p->nbuffers; b++) {
            const pl_tile_buffer *buf = &p->buffers[b];
            if (buf->memory != m)
                continue;
            char size[32];
            need += buf->depth * buf->size;
            if (largest < 0 ||
                buf->depth * buf->size > p->buffers[largest].depth * p->buffers[largest].size)
                largest = (int)b;
            if (len < sizeof parts)
                len += (size_t)snprintf(
                    parts + len, sizeof parts - len, "%s%s %u x %s", len ? " + " : "", buf->name,
                    buf->depth, pl_units_format(buf->size, PL_Q_SIZE, 4, size, sizeof size));
        }
        if (largest < 0)
            continue;
        const pl_node *at = buffer_node(sec, (uint32_t)largest);
        if (p->capacity[m] <= 0)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(at), pl_node_path(at),
                              "buffer '%s' lives in %s, whose capacity is not given; add "
                              "machine.device.memories.%s",
                              p->buffers[largest].name, pl_onchip_name(m), pl_onchip_name(m));
        if (need > p->capacity[m]) {
            char a[32], b[32];
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(at), pl_node_path(at),
                              "the buffers in %s do not fit: %s = %s, more than its %s; "
                              "lower a depth or a size",
                              pl_onchip_name(m), parts,
                              pl_units_format(need, PL_Q_SIZE, 4, a, sizeof a),
                              pl_units_format(p->capacity[m], PL_Q_SIZE, 4, b, sizeof b));
        }
    }
    return 0;
}

/* Tiles split over cores in whole groups: the largest `every` and `span`. */
static int check_split(const pl_config *cfg, const pl_node *sec, pl_tile_program *p, pl_diag *d)
{
    p->group = 1;
    for (uint32_t s = 0; s < p->nsteps; s++)
        if (p->steps[s].every > p->group)
            p->group = p->steps[s].every;
    for (uint32_t b = 0; b < p->nbuffers; b++)
        if (p->buffers[b].span > p->group)
            p->group = p->buffers[b].span;
    const pl_node *count = pl_node_get(sec, "count");
    const pl_node *at = count ? count : sec;
    if (p->tiles % p->group != 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(at), pl_node_path(at),
                          "%llu tiles do not make whole groups of %u (the largest `every` or "
                          "`span`)",
                          (unsigned long long)p->tiles, p->group);
    if (p->tiles * p->nsteps > PL_TILE_MAX_TASKS)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(at), pl_node_path(at),
                          "%llu tiles of %u steps are more than %llu tasks, more than fit in "
                          "memory",
                          (unsigned long long)p->tiles, p->nsteps,
                          (unsigned long long)PL_TILE_MAX_TASKS);
    const pl_node *cores = pl_node_get(sec, "cores");
    long long have = pl_config_int(cfg, "machine.device.cores");
    p->cores = (uint32_t)pl_node_int(cores);
    if (p->cores > have)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(cores), pl_node_path(cores),
                          "expected at most machine.device.cores = %lld cores, got %u", have,
                          p->cores);
    if (p->cores > p->tiles / p->group && p->group == 1)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(cores), pl_node_path(cores),
                          "%u cores but only %llu tiles to split; lower it", p->cores,
                          (unsigned long long)p->tiles);
    if (p->cores > p->tiles / p->group)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(cores), pl_node_path(cores),
                          "%u cores but only %llu groups of %u tiles (the largest `every` or "
                          "`span`) to split; lower it",
                          p->cores, (unsigned long long)(p->tiles / p->group), p->group);
    return 0;
}

/* With batch sync a consumer waits for `batch` tiles of its producer at once, so every
 * buffer between two pipes must hold them all, or the producer would wait for a slot
 * the consumer frees only after the batch: a deadlock. */
static int check_sync(const pl_node *sec, pl_tile_program *p, pl_diag *d)
{
    const char *sync = pl_node_str(pl_node_get(sec, "sync"));
    const pl_node *batch = pl_node_get(sec, "batch");
    p->sync = strcmp(sync, "event") == 0     ? PL_TILE_EVENT
              : strcmp(sync, "barrier") == 0 ? PL_TILE_BARRIER
                                             : PL_TILE_BATCH;
    if (p->sync != PL_TILE_BATCH) {
        if (batch)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(batch), pl_node_path(batch),
                              "`batch` applies only to `sync: batch` (sync is %s)", sync);
        return 0;
    }
    if (!batch)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(pl_node_get(sec, "sync")),
                          pl_node_path(pl_node_get(sec, "sync")),
                          "`sync: batch` needs `batch`, the tiles per wait");
    p->batch = (uint32_t)pl_node_int(batch);
    for (uint32_t s = 0; s < p->nsteps; s++)
        for (uint32_t r = 0; r < p->steps[s].nreads; r++) {
            const pl_tile_buffer *b = &p->buffers[p->steps[s].reads[r]];
            bool across = p->steps[b->acquire].unit != p->steps[s].unit;
            if (across && (uint64_t)b->depth * b->span < p->batch)
                return pl_diag_at(d, PL_ECONFIG, pl_node_loc(batch), pl_node_path(batch),
                                  "a wait per %u tiles needs buffer '%s' to hold %u tiles, but "
                                  "it has %u slot(s) of %u tile(s); raise its depth or lower "
                                  "the batch",
                                  p->batch, b->name, p->batch, b->depth, b->span);
        }
    return 0;
}

static int check_program(const pl_config *cfg, const pl_node *sec, pl_tile_program *p, pl_diag *d)
{
    int rc = 0;
    for (uint32_t s = 0; s < p->nsteps && rc == 0; s++)
        rc = check_step_unit(sec, p, s, d);
    if (rc == 0)
        rc = derive_buffers(sec, p, d);
    if (rc == 0)
        rc = check_capacity(sec, p, d);
    if (rc == 0)
        rc = check_split(cfg, sec, p, d);
    if (rc == 0)
        rc = check_sync(sec, p, d);
    return rc;
}

/* ---- Durations --------------------------------------------------------------------- */

static int draw_times(pl_tile_program *p, gsl_rng *rng, pl_diag *d)
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
    for (uint64_t k = 0; k < p->tiles; k++)
        for (uint32_t s = 0; s < p->nsteps; s++) {
            const pl_tile_step *st = &p->steps[s];
            p->time[k * p->nsteps + s] =
                st->amount == PL_TILE_TIME ? pl_dist_draw(&st->time, rng) : 0;
        }
    return 0;
}

/* Whether step s touches buffer b (reads or writes it). */
bool pl_tile_step_touches(const pl_tile_program *p, uint32_t s, int b)
{
    bool t = p->steps[s].writes == b;
    for (uint32_t r = 0; r < p->steps[s].nreads; r++)
        t = t || (int)p->steps[s].reads[r] == b;
    return t;
}

/* Whether later step s overwrites the buffer that step e reads or writes. */
bool pl_tile_step_overwrites(const pl_tile_program *p, uint32_t e, uint32_t s)
{
    int b = p->steps[s].writes;
    return b >= 0 && pl_tile_step_touches(p, e, b);
}

/* Whether later step s reads what step e wrote, or overwrites what e used. */
bool pl_tile_step_feeds(const pl_tile_program *p, uint32_t e, uint32_t s)
{
    const pl_tile_step *b = &p->steps[s];
    for (uint32_t r = 0; r < b->nreads; r++)
        if ((int)b->reads[r] == p->steps[e].writes)
            return true;
    return pl_tile_step_overwrites(p, e, s);
}

bool pl_tile_step_runs(const pl_tile_program *p, uint32_t s, uint64_t i)
{
    return (i + 1) % p->steps[s].every == 0;
}

double pl_tile_step_alone(const pl_tile_program *p, uint32_t s, uint64_t k)
{
    const pl_tile_step *st = &p->steps[s];
    const pl_tile_unit *u = &p->units[st->unit];
    switch (st->amount) {
    case PL_TILE_BYTES:
        return u->latency + st->bytes / u->bandwidth;
    case PL_TILE_FLOPS:
        return u->overhead + st->flops / u->rate;
    case PL_TILE_TIME:
        break;
    }
    return p->time ? p->time[k * p->nsteps + s] : st->time.a;
}

int pl_tile_program_load(const pl_config *cfg, const pl_node *sec, gsl_rng *rng,
                         pl_tile_program **out, pl_diag *d)
{
    pl_tile_program *p = calloc(1, sizeof *p);
    if (!p)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the tile kernel");
    int rc = read_machine(cfg, p, d);
    if (rc == 0)
        rc = read_kernel(cfg, sec, p, d);
    if (rc == 0)
        rc = check_program(cfg, sec, p, d);
    if (rc == 0)
        rc = draw_times(p, rng, d);
    if (rc != 0) {
        pl_tile_program_destroy(p);
        return rc;
    }
    *out = p;
    return 0;
}

void pl_tile_program_destroy(pl_tile_program *p)
{
    if (!p)
        return;
    for (uint32_t u = 0; u < p->nunits; u++)
        free(p->units[u].name);
    for (uint32_t b = 0; b < p->nbuffers; b++)
        free(p->buffers[b].name);
    for (uint32_t s = 0; s < p->nsteps; s++)
        free(p->steps[s].op);
    free(p->time);
    free(p);
}
