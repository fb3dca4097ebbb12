/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * graph.h — the task graph: the one IR between the models and the engine.
 *
 * A graph has places, units and tasks. A *place* is where units run: a host
 * whose cores are shared by its threads, or a device whose units are each
 * exclusively owned. A *unit* does one thing at a time (a host thread, a
 * device stream, a DMA engine) and runs its tasks in the order they were
 * added. A *task* has a unit, an amount of work in seconds (at full speed of
 * one core for a host thread), and dependency edges. An edge says that a task
 * may not start before another task has started or ended, and carries a kind
 * so that the metrics can say why a unit waited. A *link* has a bandwidth that
 * the transfers crossing it share; a unit with a *route* (a list of links) is a
 * transfer unit, whose tasks move their bytes over the route after their work.
 *
 * Lifecycle: create, add places, units, labels, tasks and edges, finalize,
 * then query. A finalized graph is read-only and may be shared. Models build
 * graphs; nothing here knows which model did.
 *
 * One module in three files behind this header: sim/graph/graph.c builds a graph,
 * sim/graph/graph_query.c answers the queries and sim/graph/graph_change.c makes
 * changed copies of a finalized graph.
 */
#ifndef PL_GRAPH_H
#define PL_GRAPH_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Edge kinds. X(NAME, name, cause column in reports, what a unit waiting on it waits for)
 * A bubble's cause is the kind of the edge that released the task ending the bubble.
 */
#define PL_EDGE_KINDS(X)                                                                           \
    X(DATA, "data", "data", "waiting for data from an earlier stage")                              \
    X(ISSUE, "issue", "host", "starved by host: waiting for a launch")                             \
    X(SLOT, "slot", "slot", "back-pressure: no free queue or buffer slot")                         \
    X(SYNC, "sync", "sync", "waiting for the device to finish (host-device sync)")                 \
    X(BARRIER, "barrier", "barrier", "waiting at a global barrier")                                \
    X(ORDER, "order", "order", "waiting for the op it must follow (program order)")                \
    X(STREAM, "stream", "stream", "waiting on another stream (an event it must wait for)")

typedef enum pl_edge_kind {
#define PL_EDGE_ENUM(name, spelled, cause, help) PL_EDGE_##name,
    PL_EDGE_KINDS(PL_EDGE_ENUM)
#undef PL_EDGE_ENUM
        PL_EDGE_KIND_COUNT
} pl_edge_kind;

const char *pl_edge_kind_name(pl_edge_kind k);  /* "issue" */
const char *pl_edge_cause_name(pl_edge_kind k); /* "host" */
const char *pl_edge_cause_help(pl_edge_kind k); /* "starved by host: waiting for a launch" */

/* Which event of the source task an edge waits for. */
typedef enum pl_edge_at { PL_AT_END = 0, PL_AT_START = 1 } pl_edge_at;

typedef enum pl_place_kind {
    PL_PLACE_HOST,   /* `cores` cores shared by the threads placed here */
    PL_PLACE_DEVICE, /* each unit placed here is exclusively owned */
} pl_place_kind;

/* How a host place's cores run more threads than it has (docs/stream.md, "Threads and
 * cores"). slice 0: SimGrid's fair sharing, every runnable thread a share of the cores at
 * every instant. Otherwise as a kernel does: a core runs one thread at a time, a thread
 * that blocks gives its core to the first runnable one, and a thread keeps its core until
 * its slice is over and another is runnable, the slice ending on the first tick at or
 * after `slice` seconds from when it got the core (tick 0: at `slice` exactly); a thread
 * that spins holds its core while it waits. */
typedef struct pl_host_scheduler {
    double slice, tick;
    /* Seconds a thread of the place spends, on its core, waking a sleeping thread: after
     * a task whose start or end is an event that a passive host thread of another unit
     * sleeps waiting for (docs/stream.md, "Threads and cores"). 0: waking is free. */
    double wake_cost;
    /* Waking, as Linux's EEVDF scheduler (6.6 on) does it: a thread that sleeps (passive
     * waiting, a sleeping task) keeps its lag, the core time it is owed (the average of the
     * place's runnable threads', its own among them, less its own), within +-lag_limit
     * seconds, and is placed from it when it wakes. Woken and finding no core free, it takes
     * at once the core it last ran on (before it ran: that of the running thread that has
     * had the most core time) when its lag is not negative and the thread there has had
     * more core time than the average; otherwise it queues. */
    double lag_limit;
} pl_host_scheduler;

/* How a host thread waits for an edge's event. */
typedef enum pl_wait_kind {
    PL_WAIT_PASSIVE = 0, /* it sleeps, and pays its wake-up latency when woken */
    PL_WAIT_ACTIVE = 1,  /* it spins: one core's worth of its place stays busy while it waits */
} pl_wait_kind;

/* Sentinel for "no edge" in edge indices. */
#define PL_NO_EDGE UINT32_MAX
/* Sentinel for "no stage" in a unit's stage. */
#define PL_NO_STAGE UINT32_MAX

typedef struct pl_graph pl_graph;

/* The most tasks a graph holds: an edge keeps its source task in 28 bits. */
#define PL_GRAPH_MAX_TASKS ((1u << 28) - 1)

/* One dependency as stored, in 4 bytes: the source task, its kind, and whether the start
 * or the end of the source releases it. */
typedef struct pl_edge {
    unsigned src : 28; /* at most PL_GRAPH_MAX_TASKS - 1 */
    unsigned kind : 3; /* pl_edge_kind */
    unsigned at : 1;   /* pl_edge_at */
} pl_edge;

/* ---- Building ---------------------------------------------------------------- */

/* Creates an empty graph named `name` (copied), e.g. "pipelined" or "serial". Returns NULL
 * when out of memory. Free with pl_graph_destroy. */
pl_graph *pl_graph_create(const char *name);
void pl_graph_destroy(pl_graph *g);

/* Each add returns 0 or PL_ENOMEM (also for a task past PL_GRAPH_MAX_TASKS); ids count
 * from 0 in the order of adding. Strings are copied. The graph must not be finalized. */
int pl_graph_add_place(pl_graph *g, const char *name, pl_place_kind kind, int cores, uint32_t *id);
int pl_graph_add_unit(pl_graph *g, const char *name, uint32_t place, uint32_t *id);
/* A stage: the units that share one step of the work, each taking its items in turn
 * (the threads of a stream stage). Stages only group units for the reports. */
int pl_graph_add_stage(pl_graph *g, const char *name, uint32_t *id);
void pl_graph_set_unit_stage(pl_graph *g, uint32_t unit, uint32_t stage);
/* How `unit` waits when a task's edges have not all happened by the time its previous task
 * ended (or, for its first task, by time 0). Passive (the default, with wakeup 0): the task
 * starts `wakeup` seconds after the last of those events. Active: it starts at that event,
 * and while it waits the unit keeps a core of its place busy, competing with the place's
 * other threads. PL_EINVAL for a negative or infinite wakeup, or for active waiting with a
 * wakeup or on a device place. */
int pl_graph_set_unit_wait(pl_graph *g, uint32_t unit, pl_wait_kind kind, double wakeup);
/* How host place `place` shares its cores (fair sharing until set). PL_EINVAL for a device
 * place, or a slice, tick or wake cost negative or not finite. */
int pl_graph_set_place_scheduler(pl_graph *g, uint32_t place, pl_host_scheduler s);
/* Interns a task label (an op name); the same text gives the same id. */
int pl_graph_add_label(pl_graph *g, const char *text, uint32_t *id);
/* Appends a task to `unit`'s in-order list. `item` is the workload item (op, tile, frame)
 * the task belongs to, `work` its duration in seconds on an idle resource (>= 0). */
int pl_graph_add_task(pl_graph *g, uint32_t unit, double work, uint32_t label, uint32_t item,
                      uint32_t *id);
/* Task `to` may not start before task `from` has reached `at`. Either task may have been
 * added before or after the other; a graph whose edges and unit orders form a cycle is
 * caught by pl_check_graph. */
int pl_graph_add_edge(pl_graph *g, uint32_t from, uint32_t to, pl_edge_kind kind, pl_edge_at at);
/* A link: bandwidth in bytes per second, shared fairly by the transfers crossing it at
 * the same time (HBM shared by every core's DMA units). PL_EINVAL when the bandwidth is
 * not a positive finite number. */
int pl_graph_add_link(pl_graph *g, const char *name, double bandwidth, uint32_t *id);
/* Makes `unit` a transfer unit: each of its tasks first spends its work (the transfer's
 * fixed latency), then moves its bytes across these links, in order (copied). A unit has
 * at most one route; setting it again replaces it. PL_EINVAL when a link appears twice,
 * or when n is 0 and some of the unit's tasks carry bytes. */
int pl_graph_set_unit_route(pl_graph *g, uint32_t unit, const uint32_t *links, uint32_t n);
/* Bytes task `task` moves over its unit's route after its work (>= 0; default 0). Only
 * tasks of a unit with a route may carry bytes: PL_EINVAL when bytes > 0 and the unit
 * has none (yet). */
int pl_graph_set_task_bytes(pl_graph *g, uint32_t task, double bytes);
/* The share of host `task`'s time (0 to 1, 0 until set) spent sleeping rather than working:
 * the last `share` of its time alone it waits without a core (a sleep_for, an I/O, a
 * device), whatever a change makes of its work. PL_EINVAL for a share out of [0, 1] or a
 * task of a device place. */
int pl_graph_set_task_sleep(pl_graph *g, uint32_t task, double share);
/* What the workload's items are called ("ops") and how many there are, for throughput. */
int pl_graph_set_items(pl_graph *g, uint64_t count, const char *noun);
/* Makes room for `tasks` tasks and `edges` edges in all, so that a model that knows its
 * graph's size fills arrays allocated once (optional: the graph grows by doubling
 * anyway). Returns 0 or PL_ENOMEM (also for more than PL_GRAPH_MAX_TASKS tasks). */
int pl_graph_reserve(pl_graph *g, uint32_t tasks, uint32_t edges);
/* Freezes the graph: groups edges by destination task (in the order they were added) and
 * tasks by unit. Returns 0 or PL_ENOMEM. */
int pl_graph_finalize(pl_graph *g);

/* ---- Queries (finalized graph; ids must be in range) ------------------------- */

const char *pl_graph_name(const pl_graph *g);
/* A number no other graph of the process has, so that a cache of what was worked out for a
 * graph is not taken for another graph at the same address; a changed copy has its own. */
uint64_t pl_graph_serial(const pl_graph *g);
uint32_t pl_graph_place_count(const pl_graph *g);
const char *pl_graph_place_name(const pl_graph *g, uint32_t place);
pl_place_kind pl_graph_place_kind(const pl_graph *g, uint32_t place);
int pl_graph_place_cores(const pl_graph *g, uint32_t place);
pl_host_scheduler pl_graph_place_scheduler(const pl_graph *g, uint32_t place);

uint32_t pl_graph_unit_count(const pl_graph *g);
const char *pl_graph_unit_name(const pl_graph *g, uint32_t unit);
uint32_t pl_graph_unit_place(const pl_graph *g, uint32_t unit);
uint32_t pl_graph_unit_stage(const pl_graph *g, uint32_t unit); /* or PL_NO_STAGE */
pl_wait_kind pl_graph_unit_wait(const pl_graph *g, uint32_t unit);
double pl_graph_unit_wakeup(const pl_graph *g, uint32_t unit);
/* What a thread of `unit` pays to wake another: its host place's wake cost; 0 on a device. */
double pl_graph_unit_wake_cost(const pl_graph *g, uint32_t unit);
/* Whether `unit` sleeps while it waits, so that waking it costs the waker: a host thread that
 * waits passively. */
bool pl_graph_unit_sleeps(const pl_graph *g, uint32_t unit);
/* Whether some unit of g may pay to wake another: a unit with a wake cost, and another one
 * that sleeps. */
bool pl_graph_wakes(const pl_graph *g);

/* Every task's out-edges in compressed rows: task s's are (*out)[(*first)[s] ..
 * (*first)[s + 1]), each its destination task, with PL_OUT_FROM_START set where the edge
 * waits for s's start; a row in the order of the destinations' edges. With wake_only, only
 * the edges a thread pays to wake another for: from a unit with a wake cost to another
 * unit that sleeps. *first has task count + 2 entries. The caller frees both arrays (also
 * on failure: PL_ENOMEM). */
#define PL_OUT_FROM_START (1u << 31)
int pl_graph_out_edges(const pl_graph *g, bool wake_only, uint32_t **first, uint32_t **out);
uint32_t pl_graph_stage_count(const pl_graph *g);
const char *pl_graph_stage_name(const pl_graph *g, uint32_t stage);
/* The unit's tasks in run order: *n of them, borrowed. */
const uint32_t *pl_graph_unit_tasks(const pl_graph *g, uint32_t unit, uint32_t *n);

/* The most units (labels) a graph names in one byte per task. */
#define PL_GRAPH_IDS8 256

/* A per-task column of unit or label ids: one byte each while the graph has at most
 * PL_GRAPH_IDS8 units (labels), in `narrow` (`wide` NULL), four from the next one on, in
 * `wide` (`narrow` NULL). Most graphs have a few units and labels and many tasks. */
typedef struct pl_graph_ids {
    uint8_t *narrow;
    uint32_t *wide;
} pl_graph_ids;

static inline uint32_t pl_graph_ids_at(const pl_graph_ids *c, uint32_t task)
{
    return c->narrow ? c->narrow[task] : c->wide[task];
}

/* The task arrays of a graph, laid out for passes over every task (one array per field,
 * so that a pass reads only the fields it needs), and read through the inline accessors
 * below. The graph owns them; nothing outside sim/graph/ reads or writes them directly.
 * A graph and its changed copies (pl_graph_changed) share every array but `work`. */
struct pl_graph_tasks {
    uint32_t ntasks;
    uint32_t nedges; /* after finalize */
    uint32_t nbytes; /* tasks [0, nbytes) may carry bytes; later tasks carry none */
    uint32_t nsleep; /* tasks [0, nsleep) may sleep; later tasks do not */
    bool final;
    double *work;
    pl_graph_ids unit, label;
    uint32_t *item;
    uint32_t *edge_first; /* ntasks + 1: edges [edge_first[t], edge_first[t + 1]) go into t */
    pl_edge *edges;
    double *bytes; /* NULL until a task carries bytes */
    double *sleep; /* NULL until a task sleeps: the share of its time it sleeps */
    char **labels;
};

/* A graph begins with its task arrays. */
static inline const struct pl_graph_tasks *pl_graph_tasks_of(const pl_graph *g)
{
    return (const struct pl_graph_tasks *)(const void *)g;
}

static inline uint32_t pl_graph_task_count(const pl_graph *g)
{
    return pl_graph_tasks_of(g)->ntasks;
}

static inline uint32_t pl_graph_task_unit(const pl_graph *g, uint32_t task)
{
    assert(task < pl_graph_tasks_of(g)->ntasks);
    return pl_graph_ids_at(&pl_graph_tasks_of(g)->unit, task);
}

static inline double pl_graph_task_work(const pl_graph *g, uint32_t task)
{
    assert(task < pl_graph_tasks_of(g)->ntasks);
    return pl_graph_tasks_of(g)->work[task];
}

static inline uint32_t pl_graph_task_item(const pl_graph *g, uint32_t task)
{
    assert(task < pl_graph_tasks_of(g)->ntasks);
    return pl_graph_tasks_of(g)->item[task];
}

static inline const char *pl_graph_task_label(const pl_graph *g, uint32_t task)
{
    const struct pl_graph_tasks *t = pl_graph_tasks_of(g);
    assert(task < t->ntasks);
    return t->labels[pl_graph_ids_at(&t->label, task)];
}

/* The task before this one on its unit, or PL_NO_EDGE for the unit's first task. */
/* The task before `task` on its unit, or PL_NO_EDGE: a search in the unit's tasks
 * (pl_graph_unit_tasks, in task order), not stored per task. A pass over every task in
 * task order (or in any order that keeps each unit's) keeps each unit's latest task
 * instead. The graph must be finalized. */
uint32_t pl_graph_task_prev(const pl_graph *g, uint32_t task);
/* The place of `task` among its unit's tasks (pl_graph_unit_tasks), by the same search; a
 * walk along a unit reads its neighbours from there. The graph must be finalized. */
uint32_t pl_graph_task_rank(const pl_graph *g, uint32_t task);

/* The task's incoming edges: global edge indices [*first, *first + *n). */
static inline void pl_graph_task_edges(const pl_graph *g, uint32_t task, uint32_t *first,
                                       uint32_t *n)
{
    const struct pl_graph_tasks *t = pl_graph_tasks_of(g);
    assert(t->final && task < t->ntasks);
    *first = t->edge_first[task];
    *n = t->edge_first[task + 1] - t->edge_first[task];
}

static inline uint32_t pl_graph_edge_count(const pl_graph *g)
{
    assert(pl_graph_tasks_of(g)->final);
    return pl_graph_tasks_of(g)->nedges;
}

static inline const pl_edge *pl_graph_edge(const pl_graph *g, uint32_t edge)
{
    assert(pl_graph_tasks_of(g)->final && edge < pl_graph_tasks_of(g)->nedges);
    return &pl_graph_tasks_of(g)->edges[edge];
}

/* Whether every edge's source was added before its destination, so that task order is
 * already a topological order of the edges (and, with unit order, of the whole graph). */
bool pl_graph_edges_backward(const pl_graph *g);

uint32_t pl_graph_link_count(const pl_graph *g);
const char *pl_graph_link_name(const pl_graph *g, uint32_t link);
double pl_graph_link_bandwidth(const pl_graph *g, uint32_t link);
/* The unit's route: *n link ids, borrowed; *n is 0 for a unit without one. */
const uint32_t *pl_graph_unit_route(const pl_graph *g, uint32_t unit, uint32_t *n);
static inline double pl_graph_task_bytes(const pl_graph *g, uint32_t task)
{
    const struct pl_graph_tasks *t = pl_graph_tasks_of(g);
    assert(task < t->ntasks);
    return task < t->nbytes ? t->bytes[task] : 0;
}
/* The share of the task's time it sleeps (pl_graph_set_task_sleep); 0 for most. */
static inline double pl_graph_task_sleep(const pl_graph *g, uint32_t task)
{
    const struct pl_graph_tasks *t = pl_graph_tasks_of(g);
    assert(task < t->ntasks);
    return task < t->nsleep ? t->sleep[task] : 0;
}
/* The bandwidth of the narrowest link of the unit's route, the rate at which its
 * transfers move bytes alone; 0 for a unit without a route. */
double pl_graph_unit_narrowest(const pl_graph *g, uint32_t unit);
/* How long the task takes on an idle machine: its work, plus its bytes over the narrowest
 * link of its unit's route. What a task takes beyond this was lost to sharing (cores or
 * bandwidth). */
double pl_graph_task_alone(const pl_graph *g, uint32_t task);

/* The memory the finalized graph holds, in bytes: every array and string it allocated. */
size_t pl_graph_bytes(const pl_graph *g);

uint64_t pl_graph_items(const pl_graph *g);
/* Whether edges of this kind come from the configuration (its buffers and queues, its
 * sync policy, its chosen order: slot, barrier and order edges) rather than from the
 * workload's own dependencies (data, issue, sync). */
bool pl_edge_kind_configured(pl_edge_kind k);
/* Whether some edge of g comes from the configuration (pl_edge_kind_configured): without
 * one, a bound over the workload's edges and one over every edge walk the same edges. */
bool pl_graph_has_configured_edges(const pl_graph *g);
/* One more than the largest item a task names, or pl_graph_items when that is larger:
 * the size of an array indexed by item. */
uint64_t pl_graph_item_span(const pl_graph *g);
const char *pl_graph_item_noun(const pl_graph *g);

/* ---- Changed copies (finalized graph) -------------------------------------------- */

/* Sentinel for "no place" in a change. */
#define PL_NO_ID UINT32_MAX

/* A change of a graph, as a what-if: the work of chosen units' tasks and of chosen tasks
 * scaled, one link's bandwidth scaled, one host given more cores. Work is what a task
 * takes besides moving bytes; bytes are the links' business. Arrays borrowed. */
typedef struct pl_graph_change {
    const uint8_t *units; /* per unit: nonzero scales the work of its tasks; NULL: none */
    const uint8_t *tasks; /* per task: nonzero scales its work; NULL: none */
    double work;          /* the factor for those */
    const uint8_t *links; /* per link: nonzero scales its bandwidth; NULL: none */
    double bandwidth;     /* the factor for those */
    uint32_t place;       /* the host given more cores, or PL_NO_ID */
    int cores;            /* how many more */
} pl_graph_change;

/* A change that changes nothing. */
pl_graph_change pl_graph_no_change(void);

/* Under change c (NULL: none): task t's work (pl_graph_scaled_work is its slow path, for a
 * change that scales work); its time alone (work plus bytes over the
 * narrowest link of its unit's route, at the changed bandwidths); a link's bandwidth; the
 * narrowest bandwidth of a unit's route (0 for a unit without one); a place's cores. */
double pl_graph_scaled_work(const pl_graph *g, const pl_graph_change *c, uint32_t t);
static inline double pl_graph_changed_work(const pl_graph *g, const pl_graph_change *c, uint32_t t)
{
    return c && (c->units || c->tasks) ? pl_graph_scaled_work(g, c, t) : pl_graph_task_work(g, t);
}
double pl_graph_changed_alone(const pl_graph *g, const pl_graph_change *c, uint32_t t);
double pl_graph_changed_bandwidth(const pl_graph *g, const pl_graph_change *c, uint32_t link);
double pl_graph_changed_narrowest(const pl_graph *g, const pl_graph_change *c, uint32_t unit);
int pl_graph_changed_cores(const pl_graph *g, const pl_graph_change *c, uint32_t place);

/* A finalized copy of g with change c, named like g; NULL when out of memory. Free with
 * pl_graph_destroy. */
pl_graph *pl_graph_changed(const pl_graph *g, const pl_graph_change *c);

#endif
