/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check.c — checking a tile kernel as read from a scenario for what the schema cannot,
 * and deriving on the way what its steps and buffers imply.
 *
 * Once a program passes: every step's unit has the figure its amount needs; every buffer
 * is written, and knows the step that takes a slot (its first writer) and the one that
 * frees it; every memory holds depth x size of its buffers; the tiles split in whole
 * groups (of the largest `every` and `span`) over at most the device's cores, at least a
 * group per core, and make at most PL_TILE_MAX_TASKS tasks; and under batch sync every
 * buffer between two pipes holds a whole batch. An error points at the step or buffer as
 * written in tile.steps and tile.buffers, or at tile.gemm when the kernel was derived.
 */
#include "models/tile/check.h"
#include "sim/common/units.h"

#include <stdio.h>
#include <string.h>

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

bool pl_tile_capacity_excess(const pl_tile_program *p, pl_onchip_memory m, char *msg, size_t len)
{
    double need = 0;
    char parts[512] = "";
    size_t at = 0;
    for (uint32_t b = 0; b < p->nbuffers; b++) {
        const pl_tile_buffer *buf = &p->buffers[b];
        if (buf->memory != m)
            continue;
        char size[32];
        need += buf->depth * buf->size;
        if (at < sizeof parts)
            at += (size_t)snprintf(parts + at, sizeof parts - at, "%s%s %u x %s", at ? " + " : "",
                                   buf->name, buf->depth,
                                   pl_units_format(buf->size, PL_Q_SIZE, 4, size, sizeof size));
    }
    if (need <= p->capacity[m])
        return false;
    char a[32], b[32];
    snprintf(msg, len, "the buffers in %s do not fit: %s = %s, more than its %s", pl_onchip_name(m),
             parts, pl_units_format(need, PL_Q_SIZE, 4, a, sizeof a),
             pl_units_format(p->capacity[m], PL_Q_SIZE, 4, b, sizeof b));
    return true;
}

/* Every memory holds depth x size of each of its buffers. */
static int check_capacity(const pl_node *sec, const pl_tile_program *p, pl_diag *d)
{
    for (pl_onchip_memory m = 0; m < PL_ONCHIP_COUNT; m++) {
        int largest = -1;
        for (uint32_t b = 0; b < p->nbuffers; b++) {
            const pl_tile_buffer *buf = &p->buffers[b];
            if (buf->memory == m &&
                (largest < 0 ||
                 buf->depth * buf->size > p->buffers[largest].depth * p->buffers[largest].size))
                largest = (int)b;
        }
        if (largest < 0)
            continue;
        const pl_node *at = buffer_node(sec, (uint32_t)largest);
        if (p->capacity[m] <= 0)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(at), pl_node_path(at),
                              "buffer '%s' lives in %s, whose capacity is not given; add "
                              "machine.device.memories.%s",
                              p->buffers[largest].name, pl_onchip_name(m), pl_onchip_name(m));
        char msg[PL_DIAG_MAX];
        if (pl_tile_capacity_excess(p, m, msg, sizeof msg))
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(at), pl_node_path(at),
                              "%s; lower a depth or a size", msg);
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
    if (pl_tile_program_tasks(p) > PL_TILE_MAX_TASKS)
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

int pl_tile_program_check(const pl_config *cfg, const pl_node *sec, pl_tile_program *p, pl_diag *d)
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
