/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sharing.c — finding shared cores and links, in the graph and on a timeline.
 *
 * A resource has a capacity (a host's cores, a link's bandwidth) and each interval
 * that uses it a demand (one core; a transfer's rate alone). On a timeline a resource
 * is crowded when, just after some interval starts, the demands of the open intervals
 * exceed its capacity: with starts and ends each sorted by time, the demand open after
 * the i-th start is the demand of the starts up to it less that of the ends at or
 * before it. Intervals that touch (one ends where the next starts) do not overlap, and
 * neither do those that overlap by less than a trillionth of the makespan, which is
 * rounding between sums taken in different orders; zero-length intervals use nothing.
 * Every question may be asked of a graph under a change (pl_graph_change): its cores,
 * bandwidths, rates and work are then read as a changed copy of it holds them.
 */
#include "sim/engine/sharing.h"
#include "sim/common/error.h"
#include "sim/common/units.h"

#include <stdio.h>
#include <stdlib.h>

/* Demands summed in floating point are compared with some slack. */
#define SLACK 1e-9

/* One end of an interval: when, and how much demand it opens or closes. */
struct mark {
    double t, demand;
};

/* The intervals that use one resource. */
struct spans {
    struct mark *start, *end;
    size_t n;
};

static void span_add(struct spans *s, double from, double to, double demand)
{
    if (to > from) {
        s->start[s->n] = (struct mark){from, demand};
        s->end[s->n] = (struct mark){to, demand};
        s->n++;
    }
}

static int by_time(const void *a, const void *b)
{
    double x = ((const struct mark *)a)->t, y = ((const struct mark *)b)->t;
    return (x > y) - (x < y);
}

/* Whether the open demand ever exceeds cap; *when is the first such moment. */
static bool crowded(struct spans *s, double cap, double eps, double *when)
{
    qsort(s->start, s->n, sizeof *s->start, by_time);
    qsort(s->end, s->n, sizeof *s->end, by_time);
    double open = 0;
    size_t ended = 0;
    for (size_t i = 0; i < s->n; i++) {
        while (ended < s->n && s->end[ended].t <= s->start[i].t + eps)
            open -= s->end[ended++].demand;
        open += s->start[i].demand;
        if (open > cap * (1 + SLACK)) {
            *when = s->start[i].t;
            return true;
        }
    }
    return false;
}

/* Per unit: its rate alone when its tasks carry bytes (the narrowest link of its
 * route), else 0. Worked out once per question. */
static int unit_rates(const pl_graph *g, const pl_graph_change *c, double **out)
{
    uint32_t nu = pl_graph_unit_count(g);
    double *rate = calloc((size_t)nu + 1, sizeof *rate);
    if (!rate)
        return PL_ENOMEM;
    /* Only a unit with a route carries bytes (pl_graph_set_task_bytes), so only those
     * units' tasks are read. */
    for (uint32_t u = 0; u < nu; u++) {
        uint32_t n, nroute;
        pl_graph_unit_route(g, u, &nroute);
        const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
        for (uint32_t i = 0; i < n && nroute > 0 && rate[u] == 0; i++)
            if (pl_graph_task_bytes(g, tasks[i]) > 0)
                rate[u] = pl_graph_changed_narrowest(g, c, u);
    }
    *out = rate;
    return 0;
}

static bool on_route(const pl_graph *g, uint32_t unit, uint32_t link)
{
    uint32_t n;
    const uint32_t *route = pl_graph_unit_route(g, unit, &n);
    for (uint32_t i = 0; i < n; i++)
        if (route[i] == link)
            return true;
    return false;
}

/* Threads on a host place (0 for a device place, whose units are each owned). */
static uint32_t threads_on(const pl_graph *g, uint32_t place)
{
    if (pl_graph_place_kind(g, place) != PL_PLACE_HOST)
        return 0;
    uint32_t n = 0;
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        n += pl_graph_unit_place(g, u) == place;
    return n;
}

static bool place_oversubscribed(const pl_graph *g, const pl_graph_change *c, uint32_t p)
{
    return threads_on(g, p) > (uint32_t)pl_graph_changed_cores(g, c, p);
}

/* Whether the units carrying bytes over the link could, all at once, move more than it
 * can; *carriers counts them. */
static bool link_oversubscribed(const pl_graph *g, const pl_graph_change *c, const double *rate,
                                uint32_t l, uint32_t *carriers)
{
    double demand = 0;
    *carriers = 0;
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        if (rate[u] > 0 && on_route(g, u, l)) {
            demand += rate[u];
            ++*carriers;
        }
    return *carriers > 1 && demand > pl_graph_changed_bandwidth(g, c, l) * (1 + SLACK);
}

static void say_place(const pl_graph *g, const pl_graph_change *c, uint32_t p, char *why,
                      size_t len)
{
    int cores = pl_graph_changed_cores(g, c, p);
    snprintf(why, len, "host '%s' has %u threads for %d core%s", pl_graph_place_name(g, p),
             threads_on(g, p), cores, cores == 1 ? "" : "s");
}

static void say_link(const pl_graph *g, const pl_graph_change *c, uint32_t l, uint32_t carriers,
                     char *why, size_t len)
{
    snprintf(why, len, "link '%s' of %s carries the transfers of %u units",
             pl_graph_link_name(g, l), PL_RATE_TEXT(pl_graph_changed_bandwidth(g, c, l)), carriers);
}

bool pl_sharing_possible_under(const pl_graph *g, const pl_graph_change *c, char *why, size_t len)
{
    snprintf(why, len, "no core or link is shared");
    for (uint32_t p = 0; p < pl_graph_place_count(g); p++)
        if (place_oversubscribed(g, c, p)) {
            say_place(g, c, p, why, len);
            return true;
        }
    double *rate;
    if (unit_rates(g, c, &rate) != 0) {
        snprintf(why, len, "out of memory telling which links are shared");
        return true;
    }
    bool shared = false;
    uint32_t carriers;
    for (uint32_t l = 0; l < pl_graph_link_count(g) && !shared; l++)
        if ((shared = link_oversubscribed(g, c, rate, l, &carriers)))
            say_link(g, c, l, carriers, why, len);
    free(rate);
    return shared;
}

bool pl_sharing_possible(const pl_graph *g, char *why, size_t len)
{
    return pl_sharing_possible_under(g, NULL, why, len);
}

/* The place's threads' busy time (a task's work but the share it sleeps, which comes last:
 * pl_graph_task_sleep, and the waking after it: pl_timeline.woke), and for active waiters
 * the time they spin: from the previous task's end (or 0) to a later start, the waking
 * after that task included. Each takes one core. */
static void place_spans(const pl_graph *g, const pl_graph_change *c, const pl_timeline *tl,
                        uint32_t p, struct spans *s)
{
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        if (pl_graph_unit_place(g, u) != p)
            continue;
        bool spins = pl_graph_unit_wait(g, u) == PL_WAIT_ACTIVE;
        uint32_t n;
        const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t t = tasks[i];
            if (spins)
                span_add(s, i ? tl->end[tasks[i - 1]] : 0, tl->start[t], 1);
            double work = pl_graph_changed_work(g, c, t) * (1 - pl_graph_task_sleep(g, t));
            span_add(s, tl->start[t], tl->start[t] + work, 1);
            if (!spins && tl->woke)
                span_add(s, tl->end[t], tl->end[t] + tl->woke[t], 1);
        }
    }
}

/* The link's transfers, each from its task's end less the time its bytes take, at its
 * unit's rate. */
static void link_spans(const pl_graph *g, const pl_graph_change *c, const pl_timeline *tl,
                       const double *rate, uint32_t l, struct spans *s)
{
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        if (rate[u] <= 0 || !on_route(g, u, l))
            continue;
        uint32_t n;
        const uint32_t *tasks = pl_graph_unit_tasks(g, u, &n);
        for (uint32_t i = 0; i < n; i++)
            if (pl_graph_task_bytes(g, tasks[i]) > 0)
                span_add(s, tl->start[tasks[i]] + pl_graph_changed_work(g, c, tasks[i]),
                         tl->end[tasks[i]], rate[u]);
    }
}

/* Appends "; " and a sentence to why, which holds *used bytes. */
static void append(char *why, size_t len, size_t *used, const char *what)
{
    if (*used < len)
        *used += (size_t)snprintf(why + *used, len - *used, "%s%s", *used ? "; " : "", what);
}

/* Looks at every resource that could be shared until one is; see the header. */
static void search(const pl_graph *g, const pl_graph_change *c, const pl_timeline *tl,
                   const double *rate, struct spans *s, bool *found, char *why, size_t len)
{
    double eps = 1e-12 * tl->makespan, when = 0;
    char what[256], said[384];
    size_t used = 0;
    uint32_t carriers;
    for (uint32_t p = 0; p < pl_graph_place_count(g) && !*found; p++) {
        if (!place_oversubscribed(g, c, p))
            continue;
        s->n = 0;
        place_spans(g, c, tl, p, s);
        say_place(g, c, p, what, sizeof what);
        int cores = pl_graph_changed_cores(g, c, p);
        if ((*found = crowded(s, cores, eps, &when)))
            snprintf(why, len, "%s, and more than %d run at once at %s", what, cores,
                     PL_TIME_TEXT(when));
        snprintf(said, sizeof said, "%s, but never more than %d run at once", what, cores);
        if (!*found)
            append(why, len, &used, said);
    }
    for (uint32_t l = 0; l < pl_graph_link_count(g) && !*found; l++) {
        if (!link_oversubscribed(g, c, rate, l, &carriers))
            continue;
        s->n = 0;
        link_spans(g, c, tl, rate, l, s);
        say_link(g, c, l, carriers, what, sizeof what);
        if ((*found = crowded(s, pl_graph_changed_bandwidth(g, c, l), eps, &when)))
            snprintf(why, len, "%s, and at %s more than it can move", what, PL_TIME_TEXT(when));
        snprintf(said, sizeof said, "%s, but never more than it can move", what);
        if (!*found)
            append(why, len, &used, said);
    }
    if (!why[0])
        snprintf(why, len, "no core or link is shared");
}

int pl_sharing_found_under(const pl_graph *g, const pl_graph_change *c, const pl_timeline *tl,
                           bool *found, char *why, size_t len)
{
    /* At most two spans per task: its work and, for an active waiter, its spin, or for a
     * passive one, its waking. */
    size_t cap = 2 * (size_t)pl_graph_task_count(g) + 1;
    struct spans s = {malloc(cap * sizeof *s.start), malloc(cap * sizeof *s.end), 0};
    double *rate = NULL;
    int rc = s.start && s.end ? unit_rates(g, c, &rate) : PL_ENOMEM;
    *found = false;
    why[0] = '\0';
    if (rc == 0)
        search(g, c, tl, rate, &s, found, why, len);
    free(s.start);
    free(s.end);
    free(rate);
    return rc;
}

int pl_sharing_found(const pl_graph *g, const pl_timeline *tl, bool *found, char *why, size_t len)
{
    return pl_sharing_found_under(g, NULL, tl, found, why, len);
}
