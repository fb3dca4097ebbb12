/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * site.c — places, pipes and links of a device's cores, made on demand.
 *
 * Invariant: each (core, pipe name) has exactly one graph unit, and each core one
 * place, however many kernels use them; lookups are linear, as a device has a few
 * dozen cores of a few pipes.
 */
#include "models/tile/site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pipe {
    uint32_t core;
    char *name;
    uint32_t unit;
    bool routed; /* has its link and route */
};

struct pl_tile_site {
    pl_graph *g;
    uint32_t gm_link; /* PL_NO_EDGE when GM is not shared */
    uint32_t *places; /* per core, PL_NO_EDGE until made */
    uint32_t ncores;
    struct pipe *pipes;
    uint32_t npipes, cap;
};

int pl_tile_site_create(pl_graph *g, double gm_bandwidth, pl_tile_site **out)
{
    pl_tile_site *s = calloc(1, sizeof *s);
    if (!s)
        return PL_ENOMEM;
    s->g = g;
    s->gm_link = PL_NO_EDGE;
    if (gm_bandwidth > 0 && pl_graph_add_link(g, "GM", gm_bandwidth, &s->gm_link) != 0) {
        free(s);
        return PL_ENOMEM;
    }
    *out = s;
    return 0;
}

void pl_tile_site_destroy(pl_tile_site *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; i < s->npipes; i++)
        free(s->pipes[i].name);
    free(s->pipes);
    free(s->places);
    free(s);
}

pl_graph *pl_tile_site_graph(const pl_tile_site *s)
{
    return s->g;
}

static int core_place(pl_tile_site *s, uint32_t core, uint32_t *place)
{
    if (core >= s->ncores) {
        uint32_t *grown = realloc(s->places, (core + 1) * sizeof *grown);
        if (!grown)
            return PL_ENOMEM;
        for (uint32_t c = s->ncores; c <= core; c++)
            grown[c] = PL_NO_EDGE;
        s->places = grown;
        s->ncores = core + 1;
    }
    if (s->places[core] == PL_NO_EDGE) {
        char name[32];
        snprintf(name, sizeof name, "core%u", core);
        int rc = pl_graph_add_place(s->g, name, PL_PLACE_DEVICE, 1, &s->places[core]);
        if (rc != 0)
            return rc;
    }
    *place = s->places[core];
    return 0;
}

static int add_pipe(pl_tile_site *s, uint32_t core, const pl_tile_unit *pipe, struct pipe **out)
{
    uint32_t place;
    int rc = core_place(s, core, &place);
    if (rc != 0)
        return rc;
    if (s->npipes == s->cap) {
        uint32_t cap = s->cap ? 2 * s->cap : 16;
        struct pipe *grown = realloc(s->pipes, cap * sizeof *grown);
        if (!grown)
            return PL_ENOMEM;
        s->pipes = grown;
        s->cap = cap;
    }
    char name[160];
    snprintf(name, sizeof name, "core%u.%s", core, pipe->name);
    struct pipe *p = &s->pipes[s->npipes];
    *p = (struct pipe){.core = core, .name = strdup(pipe->name)};
    if (!p->name)
        return PL_ENOMEM;
    s->npipes++;
    *out = p;
    return pl_graph_add_unit(s->g, name, place, &p->unit);
}

/* A link of the pipe's own bandwidth, then GM when the pipe reads or writes it. */
static int add_route(pl_tile_site *s, struct pipe *p, const pl_tile_unit *pipe)
{
    char name[160];
    snprintf(name, sizeof name, "core%u.%s", p->core, pipe->name);
    uint32_t route[2], n = 0;
    int rc = pl_graph_add_link(s->g, name, pipe->bandwidth, &route[n++]);
    if (pipe->gm && s->gm_link != PL_NO_EDGE)
        route[n++] = s->gm_link;
    if (rc == 0)
        rc = pl_graph_set_unit_route(s->g, p->unit, route, n);
    p->routed = rc == 0;
    return rc;
}

int pl_tile_site_unit(pl_tile_site *s, uint32_t core, const pl_tile_unit *pipe, bool moves_bytes,
                      uint32_t *unit)
{
    struct pipe *p = NULL;
    for (uint32_t i = 0; i < s->npipes && !p; i++)
        if (s->pipes[i].core == core && strcmp(s->pipes[i].name, pipe->name) == 0)
            p = &s->pipes[i];
    int rc = p ? 0 : add_pipe(s, core, pipe, &p);
    if (rc == 0 && moves_bytes && !p->routed)
        rc = add_route(s, p, pipe);
    if (rc == 0)
        *unit = p->unit;
    return rc;
}
