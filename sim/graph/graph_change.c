/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * graph_change.c — a finalized graph read or copied under a change (sim/graph/graph.h):
 * work scaled on chosen units and tasks, a link's bandwidth scaled, a host given more
 * cores. A changed copy shares its original's task arrays (all but the work, which a
 * change scales) and labels, and copies only the small tables of places, units, links and
 * stages: trying a change costs one array of work, not a rebuild.
 */
#include "sim/graph/graph_impl.h"

#include "sim/common/array.h"
#include "sim/common/error.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

bool pl_edge_kind_configured(pl_edge_kind k)
{
    return k == PL_EDGE_SLOT || k == PL_EDGE_BARRIER || k == PL_EDGE_ORDER;
}

bool pl_graph_has_configured_edges(const pl_graph *g)
{
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        if ((g->kinds >> k & 1u) && pl_edge_kind_configured((pl_edge_kind)k))
            return true;
    return false;
}

pl_graph_change pl_graph_no_change(void)
{
    return (pl_graph_change){.work = 1, .bandwidth = 1, .place = PL_NO_ID};
}

static bool scales(const pl_graph *g, const pl_graph_change *c, uint32_t t)
{
    return c && ((c->units && c->units[pl_graph_task_unit(g, t)]) || (c->tasks && c->tasks[t]));
}

double pl_graph_scaled_work(const pl_graph *g, const pl_graph_change *c, uint32_t t)
{
    assert(t < g->t.ntasks);
    double work = g->t.work[t];
    return scales(g, c, t) ? work * c->work : work;
}

double pl_graph_changed_bandwidth(const pl_graph *g, const pl_graph_change *c, uint32_t link)
{
    assert(link < g->nlinks);
    double bw = g->links[link].bandwidth;
    return c && c->links && c->links[link] ? bw * c->bandwidth : bw;
}

int pl_graph_changed_cores(const pl_graph *g, const pl_graph_change *c, uint32_t place)
{
    assert(place < g->nplaces);
    int cores = g->places[place].cores;
    return c && c->place == place ? cores + c->cores : cores;
}

double pl_graph_changed_narrowest(const pl_graph *g, const pl_graph_change *c, uint32_t unit)
{
    assert(unit < g->nunits);
    const struct unit *u = &g->units[unit];
    if (u->nroute == 0)
        return 0;
    if (!c || !c->links)
        return u->narrowest;
    double least = 0;
    for (uint32_t k = 0; k < u->nroute; k++) {
        double bw = pl_graph_changed_bandwidth(g, c, u->route[k]);
        least = k == 0 || bw < least ? bw : least;
    }
    return least;
}

double pl_graph_changed_alone(const pl_graph *g, const pl_graph_change *c, uint32_t t)
{
    double work = pl_graph_changed_work(g, c, t), bytes = pl_graph_task_bytes(g, t);
    uint32_t u = pl_graph_task_unit(g, t);
    if (bytes <= 0 || g->units[u].nroute == 0)
        return work;
    return work + bytes / pl_graph_changed_narrowest(g, c, u);
}

/* ---- The copy --------------------------------------------------------------------- */

/* A copy of n elements of size sz (at least one element allocated), or NULL. */
static void *dup_array(const void *src, size_t n, size_t sz)
{
    void *p = malloc((n + 1) * sz);
    if (p && n > 0)
        memcpy(p, src, n * sz);
    return p;
}

/* Copies the n strings of src into a new array *out, counting in *count those copied
 * (what pl_graph_destroy frees), or fails. */
static int dup_strings(char *const *src, uint32_t n, char ***out, uint32_t *count)
{
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (!v)
        return PL_ENOMEM;
    *out = v;
    for (uint32_t i = 0; i < n; i++, (*count)++)
        if (!(v[i] = strdup(src[i])))
            return PL_ENOMEM;
    return 0;
}

static int copy_places_units_links(pl_graph *h, const pl_graph *g, const pl_graph_change *c)
{
    h->places = calloc((size_t)g->nplaces + 1, sizeof *h->places);
    h->units = calloc((size_t)g->nunits + 1, sizeof *h->units);
    h->links = calloc((size_t)g->nlinks + 1, sizeof *h->links);
    if (!h->places || !h->units || !h->links)
        return PL_ENOMEM;
    for (uint32_t p = 0; p < g->nplaces; p++, h->nplaces++) {
        h->places[p] = g->places[p];
        h->places[p].cores = pl_graph_changed_cores(g, c, p);
        if (!(h->places[p].name = strdup(g->places[p].name)))
            return PL_ENOMEM;
    }
    for (uint32_t l = 0; l < g->nlinks; l++, h->nlinks++) {
        h->links[l].bandwidth = pl_graph_changed_bandwidth(g, c, l);
        if (!(h->links[l].name = strdup(g->links[l].name)))
            return PL_ENOMEM;
    }
    for (uint32_t u = 0; u < g->nunits; u++, h->nunits++) {
        const struct unit *from = &g->units[u];
        h->units[u] = *from;
        h->units[u].name = strdup(from->name);
        h->units[u].route = from->route ? dup_array(from->route, from->nroute, sizeof(uint32_t))
                                        : NULL;
        if (from->nroute > 0)
            h->units[u].narrowest = pl_graph_changed_narrowest(g, c, u);
        if (!h->units[u].name || (from->route && !h->units[u].route))
            return PL_ENOMEM;
    }
    h->cap_places = h->nplaces;
    h->cap_units = h->nunits;
    h->cap_links = h->nlinks;
    return 0;
}

/* The copy's own work; every other task array is its original's. */
static int share_tasks(pl_graph *h, const pl_graph *g, const pl_graph_change *c)
{
    double *work = pl_array_alloc((size_t)g->t.ntasks + 1, sizeof *work);
    if (!work)
        return PL_ENOMEM;
    for (uint32_t t = 0; t < g->t.ntasks; t++)
        work[t] = pl_graph_changed_work(g, c, t);
    h->t = g->t;
    h->t.work = work;
    h->unit_tasks = g->unit_tasks;
    h->block = g->block;
    h->block_bytes = g->block_bytes;
    h->shared = g->shared;
    h->shared->refs++;
    h->nlabels = g->nlabels;
    h->cap_labels = g->cap_labels;
    h->cap_tasks = h->t.ntasks + 1;
    h->cap_edges = g->cap_edges;
    h->cap_bytes = g->cap_bytes;
    h->cap_sleep = g->cap_sleep;
    return 0;
}

pl_graph *pl_graph_changed(const pl_graph *g, const pl_graph_change *c)
{
    assert(g->t.final);
    pl_graph *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->serial = pl_graph_next_serial();
    h->name = strdup(g->name);
    h->item_noun = strdup(g->item_noun);
    int rc = h->name && h->item_noun ? 0 : PL_ENOMEM;
    if (rc == 0)
        rc = copy_places_units_links(h, g, c);
    if (rc == 0 && (rc = dup_strings(g->stages, g->nstages, &h->stages, &h->nstages)) == 0)
        h->cap_stages = h->nstages;
    if (rc == 0)
        rc = share_tasks(h, g, c);
    if (rc != 0) {
        pl_graph_destroy(h);
        return NULL;
    }
    h->items = g->items;
    h->backward = g->backward;
    h->kinds = g->kinds;
    return h;
}
