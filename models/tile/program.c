/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * program.c — what a loaded tile kernel answers: which pipe has a name, what its steps
 * say about each other (which buffers they touch, which step feeds or overwrites which,
 * on which tiles a step runs) and how long a step takes alone; and freeing it.
 * models/tile/kernel.c reads a program from a scenario.
 *
 * Invariant of a loaded program, which is read-only: every name has been resolved to an
 * index, every step's unit has the figure its amount needs, and time holds tiles x nsteps
 * draws, tile-major, when some step's time is random (NULL otherwise).
 */
#include "models/tile/program.h"

#include <stdlib.h>
#include <string.h>

int pl_tile_program_unit(const pl_tile_program *p, const char *name)
{
    for (uint32_t u = 0; u < p->nunits; u++)
        if (strcmp(p->units[u].name, name) == 0)
            return (int)u;
    return -1;
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

uint64_t pl_tile_program_tasks(const pl_tile_program *p)
{
    return p->tiles * p->nsteps;
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

void pl_tile_program_destroy(pl_tile_program *p)
{
    if (!p)
        return;
    for (uint32_t u = 0; u < p->nunits; u++)
        free(p->units[u].name);
    for (uint32_t b = 0; b < p->nbuffers; b++)
        free(p->buffers[b].name);
    for (uint32_t s = 0; s < p->nsteps; s++) {
        free(p->steps[s].op);
        free(p->steps[s].time_key);
    }
    free(p->time);
    free(p);
}
