/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check.c — cycle detection on a task graph.
 *
 * The graph is read as events: S(t) and E(t) for every task t, with S(t) -> E(t),
 * E(prev on unit) -> S(t), and for each edge into t, S(src) or E(src) -> S(t). The
 * graph can finish if and only if these events are acyclic, which is when the tasks are
 * (each after its unit's previous task and its edges' sources). When every edge points
 * to an earlier task, task order is already a topological order and nothing more is
 * needed; otherwise Kahn's algorithm orders the tasks, and only when that fails peels
 * the events that can happen: whatever remains holds a cycle, which is then walked back
 * and printed.
 */
#include "sim/graph/check.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Event ids: 2t is the start of task t, 2t+1 its end. */
#define EV_START(t) (2 * (uint64_t)(t))
#define EV_END(t)   (2 * (uint64_t)(t) + 1)

char *pl_check_task_name(const pl_graph *g, uint32_t task, char *buf, size_t len)
{
    snprintf(buf, len, "%s '%s' #%u", pl_graph_unit_name(g, pl_graph_task_unit(g, task)),
             pl_graph_task_label(g, task), pl_graph_task_item(g, task));
    return buf;
}

/* Successor lists of the event graph in compressed rows. */
struct succ {
    uint64_t *first; /* 2n + 1 */
    uint64_t *to;
};

static void add_succ_count(struct succ *s, uint64_t from)
{
    s->first[from + 1]++;
}

static uint64_t dep_event(const pl_edge *e)
{
    return e->at == PL_AT_START ? EV_START(e->src) : EV_END(e->src);
}

/* Each unit's latest task so far (PL_NO_EDGE: none), for a pass in task order to know
 * each task's previous one on its unit; NULL when out of memory. Free with free(). */
static uint32_t *unit_latest(const pl_graph *g)
{
    uint32_t nu = pl_graph_unit_count(g);
    uint32_t *latest = malloc(((size_t)nu + 1) * sizeof *latest);
    for (uint32_t u = 0; latest && u < nu; u++)
        latest[u] = PL_NO_EDGE;
    return latest;
}

/* The task before t on its unit, for a pass in task order that keeps latest. */
static inline uint32_t prev_in_pass(const pl_graph *g, uint32_t *latest, uint32_t t)
{
    uint32_t u = pl_graph_task_unit(g, t), prev = latest[u];
    latest[u] = t;
    return prev;
}

/* Calls fn(ctx, from, to) for every event edge. Returns 0 or PL_ENOMEM. */
static int each_event_edge(const pl_graph *g, void (*fn)(void *, uint64_t, uint64_t), void *ctx)
{
    uint32_t n = pl_graph_task_count(g), *latest = unit_latest(g);
    if (!latest)
        return PL_ENOMEM;
    for (uint32_t t = 0; t < n; t++) {
        fn(ctx, EV_START(t), EV_END(t));
        uint32_t prev = prev_in_pass(g, latest, t);
        if (prev != PL_NO_EDGE)
            fn(ctx, EV_END(prev), EV_START(t));
        uint32_t first, count;
        pl_graph_task_edges(g, t, &first, &count);
        for (uint32_t e = first; e < first + count; e++)
            fn(ctx, dep_event(pl_graph_edge(g, e)), EV_START(t));
    }
    free(latest);
    return 0;
}

static void count_edge(void *ctx, uint64_t from, uint64_t to)
{
    (void)to;
    add_succ_count(ctx, from);
}

struct fill_ctx {
    struct succ *s;
    uint64_t *pos;
    uint32_t *indeg;
};

static void fill_edge(void *ctx, uint64_t from, uint64_t to)
{
    struct fill_ctx *f = ctx;
    f->s->to[f->pos[from]++] = to;
    f->indeg[to]++;
}

/* Kahn's algorithm; on return indeg[v] > 0 exactly for events on or behind a cycle. */
static int peel(const pl_graph *g, uint32_t *indeg, uint64_t nev)
{
    struct succ s = {calloc(nev + 1, sizeof *s.first), NULL};
    if (!s.first || each_event_edge(g, count_edge, &s)) {
        free(s.first);
        return PL_ENOMEM;
    }
    for (uint64_t v = 0; v < nev; v++)
        s.first[v + 1] += s.first[v];
    s.to = malloc((s.first[nev] + 1) * sizeof *s.to);
    uint64_t *pos = malloc((nev + 1) * sizeof *pos);
    uint64_t *queue = malloc((nev + 1) * sizeof *queue);
    int rc = PL_ENOMEM;
    struct fill_ctx f = {&s, pos, indeg};
    if (s.to && pos && queue)
        memcpy(pos, s.first, nev * sizeof *pos);
    if (s.to && pos && queue && each_event_edge(g, fill_edge, &f) == 0) {
        uint64_t head = 0, tail = 0;
        for (uint64_t v = 0; v < nev; v++)
            if (indeg[v] == 0)
                queue[tail++] = v;
        while (head < tail) {
            uint64_t v = queue[head++];
            for (uint64_t i = s.first[v]; i < s.first[v + 1]; i++)
                if (--indeg[s.to[i]] == 0)
                    queue[tail++] = s.to[i];
        }
        rc = 0;
    }
    free(s.first);
    free(s.to);
    free(pos);
    free(queue);
    return rc;
}

/* A predecessor of event v that is still blocked, and how it is linked to v. */
struct blocked_pred {
    uint64_t ev;
    const char *how; /* "unit order", or an edge kind */
};

static bool blocked_pred_of(const pl_graph *g, const uint32_t *indeg, uint64_t v,
                            struct blocked_pred *out)
{
    uint32_t t = (uint32_t)(v / 2);
    if (v % 2 == 1) {
        *out = (struct blocked_pred){EV_START(t), "its own start"};
        return indeg[EV_START(t)] > 0;
    }
    uint32_t prev = pl_graph_task_prev(g, t);
    if (prev != PL_NO_EDGE && indeg[EV_END(prev)] > 0) {
        *out = (struct blocked_pred){EV_END(prev), "unit order"};
        return true;
    }
    uint32_t first, count;
    pl_graph_task_edges(g, t, &first, &count);
    for (uint32_t e = first; e < first + count; e++) {
        const pl_edge *ed = pl_graph_edge(g, e);
        if (indeg[dep_event(ed)] > 0) {
            *out = (struct blocked_pred){dep_event(ed), pl_edge_kind_name(ed->kind)};
            return true;
        }
    }
    return false;
}

/* Walks blocked predecessors from a blocked event until one repeats, then prints the
 * cycle from that event on. */
static int describe_cycle(const pl_graph *g, const uint32_t *indeg, uint64_t nev, pl_diag *d)
{
    uint64_t v = 0;
    while (v < nev && indeg[v] == 0)
        v++;
    uint8_t *seen = calloc(nev, 1);
    if (!seen)
        return pl_diag_set(d, PL_ENOMEM, "out of memory while describing a cycle");
    struct blocked_pred p;
    while (!seen[v] && blocked_pred_of(g, indeg, v, &p)) {
        seen[v] = 1;
        v = p.ev;
    }
    free(seen);
    char msg[PL_DIAG_MAX - 128] = "";
    size_t len = 0;
    int links = 0;
    uint64_t start = v;
    for (uint64_t hops = 0; hops <= nev && blocked_pred_of(g, indeg, v, &p); hops++) {
        if (v % 2 == 0 && links < 12 && len < sizeof msg) {
            char a[256], b[256];
            len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s waits (%s) for the %s of %s",
                                    links ? "; " : "",
                                    pl_check_task_name(g, (uint32_t)(v / 2), a, sizeof a), p.how,
                                    p.ev % 2 ? "end" : "start",
                                    pl_check_task_name(g, (uint32_t)(p.ev / 2), b, sizeof b));
            links++;
        }
        v = p.ev;
        if (v == start)
            break;
    }
    return pl_diag_set(d, PL_EDEADLOCK,
                       "the model cannot finish: tasks wait on each other in a cycle: %s", msg);
}

/* Kahn's algorithm over tasks: a task follows its unit's previous task and its edges'
 * sources. */
int pl_check_order(const pl_graph *g, uint32_t *order)
{
    uint32_t n = pl_graph_task_count(g), ne = pl_graph_edge_count(g);
    uint32_t *indeg = calloc((size_t)n + 1, sizeof *indeg);
    uint32_t *first = calloc((size_t)n + 2, sizeof *first);
    uint32_t *succ = malloc(((size_t)ne + n + 1) * sizeof *succ);
    uint32_t *latest = unit_latest(g), *again = unit_latest(g);
    int rc = PL_ENOMEM;
    if (indeg && first && succ && latest && again) {
        /* Successor lists in compressed rows: first[s + 1] counts s's successors. */
        for (uint32_t t = 0; t < n; t++) {
            uint32_t prev = prev_in_pass(g, latest, t), e0, k;
            if (prev != PL_NO_EDGE)
                first[prev + 1]++, indeg[t]++;
            pl_graph_task_edges(g, t, &e0, &k);
            for (uint32_t e = e0; e < e0 + k; e++)
                first[pl_graph_edge(g, e)->src + 1]++, indeg[t]++;
        }
        for (uint32_t t = 0; t < n; t++)
            first[t + 1] += first[t];
        for (uint32_t t = 0; t < n; t++) {
            uint32_t prev = prev_in_pass(g, again, t), e0, k;
            if (prev != PL_NO_EDGE)
                succ[first[prev]++] = t;
            pl_graph_task_edges(g, t, &e0, &k);
            for (uint32_t e = e0; e < e0 + k; e++)
                succ[first[pl_graph_edge(g, e)->src]++] = t;
        }
        /* The fill moved each first[s] to the end of s's row, which is where s + 1's
         * row starts: shift back by one. */
        for (uint32_t t = n; t > 0; t--)
            first[t] = first[t - 1];
        first[0] = 0;
        uint32_t head = 0, tail = 0;
        for (uint32_t t = 0; t < n; t++)
            if (indeg[t] == 0)
                order[tail++] = t;
        while (head < tail) {
            uint32_t t = order[head++];
            for (uint32_t i = first[t]; i < first[t + 1]; i++)
                if (--indeg[succ[i]] == 0)
                    order[tail++] = succ[i];
        }
        rc = tail == n ? 0 : PL_EDEADLOCK;
    }
    free(indeg);
    free(first);
    free(succ);
    free(latest);
    free(again);
    return rc;
}

int pl_check_graph(const pl_graph *g, pl_diag *d)
{
    if (pl_graph_edges_backward(g))
        return 0;
    /* Tasks are ordered exactly when their start and end events are (a cycle of events
     * passes through tasks that wait on each other in a cycle, and back), so the order of
     * tasks, a quarter of the memory of the events', settles it; the events are peeled
     * only to name a cycle. */
    uint32_t *order = malloc(((size_t)pl_graph_task_count(g) + 1) * sizeof *order);
    int ordered = order ? pl_check_order(g, order) : PL_ENOMEM;
    free(order);
    if (ordered == 0)
        return 0;
    if (ordered == PL_ENOMEM)
        return pl_diag_set(d, PL_ENOMEM, "out of memory while checking the task graph");
    uint64_t nev = 2 * (uint64_t)pl_graph_task_count(g);
    uint32_t *indeg = calloc(nev + 1, sizeof *indeg);
    if (!indeg)
        return pl_diag_set(d, PL_ENOMEM, "out of memory while checking the task graph");
    int rc = peel(g, indeg, nev);
    if (rc != 0) {
        free(indeg);
        return pl_diag_set(d, rc, "out of memory while checking the task graph");
    }
    bool cyclic = false;
    for (uint64_t v = 0; v < nev && !cyclic; v++)
        cyclic = indeg[v] > 0;
    if (cyclic)
        rc = describe_cycle(g, indeg, nev, d);
    free(indeg);
    return rc;
}
