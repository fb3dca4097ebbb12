/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * graph_impl.h — the representation of the task graph, which the files of the graph
 * module share: graph.c builds it, graph_query.c reads it, graph_change.c copies it and
 * graph_arrays.c sizes its task arrays. Only sim/graph/graph*.c
 * include this header; everyone else sees the opaque pl_graph of sim/graph/graph.h.
 *
 * The invariants of these arrays (edges grouped by destination after finalize, bytes
 * covering tasks [0, nbytes) only) are written at the top of graph.c, which keeps them.
 */
#ifndef PL_GRAPH_IMPL_H
#define PL_GRAPH_IMPL_H

#include "sim/graph/graph.h"

#include <stdbool.h>
#include <stdint.h>

struct place {
    char *name;
    pl_place_kind kind;
    int cores;
    pl_host_scheduler sched;
};

struct unit {
    char *name;
    uint32_t place;
    uint32_t first; /* into unit_tasks, after finalize */
    uint32_t count;
    uint32_t *route; /* link ids, or NULL */
    uint32_t nroute;
    uint32_t carrying; /* tasks with bytes > 0 */
    double narrowest;  /* the smallest bandwidth on the route */
    uint32_t stage;    /* PL_NO_STAGE when it belongs to none */
    uint8_t wait;      /* pl_wait_kind */
    double wakeup;     /* seconds a passive waiter pays when woken */
};

struct link {
    char *name;
    double bandwidth;
};

/* What a graph and its changed copies share: every task array but `work`, and the
 * labels. The last graph that lets go of it frees them. */
struct shared {
    unsigned refs;
};

struct pending_edge {
    uint32_t dst;
    pl_edge edge;
};

/* Invariants while building: edges arrive grouped by destination (each edge's destination
 * at least the previous one's) until one does not. Until then they go straight to
 * t.edges, and edge_first[t] is set for every task t <= last_dst; from then on (and in
 * a graph that never saw an edge out of order: never) every edge is in `pending` instead,
 * the in-order ones first, and finalize sorts them by destination. */
struct pl_graph {
    struct pl_graph_tasks t; /* first: the inline accessors of graph.h read it */
    struct shared *shared;   /* NULL while building */
    uint64_t serial;         /* pl_graph_serial */
    char *name;
    struct place *places;
    uint32_t nplaces, cap_places;
    struct unit *units;
    uint32_t nunits, cap_units;
    uint32_t *last_task; /* per unit while building: its latest task, or PL_NO_EDGE; then
                            finalize's scratch */
    uint32_t nlabels, cap_labels;
    uint32_t *label_slots; /* open addressing: label id + 1, or 0 for a free slot */
    uint32_t nslots;       /* a power of two over twice nlabels, or 0 before the first */
    char **stages;
    uint32_t nstages, cap_stages;
    uint32_t cap_tasks, cap_edges, cap_bytes, cap_sleep;
    uint32_t last_dst; /* the latest destination of an edge in order */
    struct pending_edge *pending;
    uint32_t npending, cap_pending;
    struct link *links;
    uint32_t nlinks, cap_links;
    uint32_t *unit_tasks; /* ntasks, grouped by unit, after finalize */
    uint64_t items;
    char *item_noun;
    bool backward; /* every edge's source comes before its destination */
    uint32_t kinds; /* bit k set: some edge is of kind k */
    /* The block pl_graph_reserve carved the task arrays from (graph_arrays.c), or NULL;
     * shared with the changed copies and freed with the shared arrays. block_order: its
     * room for the unit order, while the arrays still have the reserved size. */
    void *block;
    size_t block_bytes;
    uint32_t *block_order;
};

/* ---- graph_arrays.c: the task arrays' memory ------------------------------------ */

/* Whether p lies in g's block. */
bool pl_graph_in_block(const pl_graph *g, const void *p);
/* free(p), unless p lies in the block. */
void pl_graph_free_array(const pl_graph *g, void *p);
/* Makes the array *p hold n elements of size sz, keeping its first `keep` (moved out of
 * the block when it lies there); false when out of memory (*p then unchanged). */
bool pl_graph_resize_array(const pl_graph *g, void *p, size_t n, size_t sz, size_t keep);
/* Makes every task array hold exactly `cap` tasks (edge_first one more). 0 or PL_ENOMEM. */
int pl_graph_resize_tasks(pl_graph *g, uint32_t cap);
/* Column c (g's unit or label ids), from one byte per task to four: the graph is getting
 * its first unit or label one byte cannot name. 0 or PL_ENOMEM. */
int pl_graph_widen_ids(pl_graph *g, pl_graph_ids *c);
/* Carves room for `tasks` tasks and `edges` edges from one block (the graph has neither
 * yet). 0 or PL_ENOMEM. */
int pl_graph_carve(pl_graph *g, uint32_t tasks, uint32_t edges);
/* Gives back the room for edges the block holds beyond the graph's (they are its last
 * part); on failure the room stays. */
void pl_graph_trim_block(pl_graph *g);
/* Makes `*col`, a column of doubles that covers tasks [0, *n) and has room for *cap, cover
 * task too, the new entries 0; grown to the room the task arrays have. The column is written
 * in task order as tasks get a value, so its pages are made present a stretch ahead
 * (pl_array_present) each time the writes enter a new stretch, rather than faulting in one
 * by one; a column whose last value comes early holds at most one stretch more. 0 or
 * PL_ENOMEM. */
int pl_graph_cover(pl_graph *g, double **col, uint32_t *n, uint32_t *cap, uint32_t task);

/* The serial of the next graph made (pl_graph_serial). */
uint64_t pl_graph_next_serial(void);

#endif
