/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * simgrid.c — the SimGrid engine: one long-lived actor per unit.
 *
 * Each actor walks its unit's tasks in order. Before a task it waits until every
 * incoming edge's event (the start or end of the source task) has happened, then
 * records the start, does the work and records the end, then pays the waking it owes
 * (a thread that woke a sleeping one: pl_timeline.woke). Host threads execute
 * flops on a SimGrid host with the place's cores, so SimGrid shares cores when
 * threads outnumber them, unless the place runs its threads in slices (a core one
 * thread at a time, as a kernel runs them: simgrid_slices.c); device units sleep for
 * their work. A unit with a route then sends the task's bytes from its place's host to an endpoint
 * host of its own over the route's links, whose bandwidth SimGrid shares between the flows crossing
 * them. Links have latency 0 (a transfer's fixed latency is the task's work, slept
 * before sending), because under CM02 flows on a shared link are weighted by their
 * route's latency: with latency 0 the flows on a link share it equally.
 *
 * An actor that must wait registers with the unit that owns the awaited task and
 * blocks on its own semaphore; that unit wakes it when the event happens. The
 * count of actors neither blocked nor finished ("active") is kept exact: a waker
 * counts the woken actor active at once. When it falls to zero while some actor
 * still waits, nothing can ever happen again: that is a deadlock, and every waiter
 * is woken to stop. Invariant: a task starts at or after all its edges' events and
 * after its unit's previous task ended.
 *
 * A unit "waited" for a task when the latest of its edges' events came more than
 * PL_ENGINE_PRECISION after it was free of its previous task (its end and the waking
 * after it; 0 for its first task); this is decided
 * on the recorded times, not on whether the actor happened to block, so the rule is
 * the one an analytic engine would apply. A passive unit that waited sleeps its
 * wake-up latency before the task starts (a sleep uses no core). An active unit
 * spins instead: while it blocks, an exec too large to ever finish keeps one core of
 * its host busy and shares the cores with the working threads; it is cancelled when
 * the last edge's event happens, and the task starts at once (on a place in slices the
 * spinner holds its core instead: simgrid_slices.c). Neither changes the
 * count of active actors: a spinning actor is blocked like any other waiter, and one
 * sleeping its wake-up is active because its sleep will end.
 *
 * This file and simgrid_slices.c are the module libpipelab_simgrid.so (simgrid_module.h),
 * not part of the program: the program opens it only to simulate on SimGrid.
 */
#define _DEFAULT_SOURCE /* mkstemps */
#include "sim/engine/simgrid.h"

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/exec.h>
#include <simgrid/host.h>
#include <simgrid/semaphore.h>
#include <xbt/config.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/common/interrupt.h"
#include "sim/engine/simgrid_impl.h"
#include "sim/graph/check.h"

/* An active waiter's exec: at HOST_SPEED it would take 1e291 s, so it never finishes and
 * only ever ends by being cancelled. */
#define SPIN_FLOPS 1e300
/* The stack of each actor, in KiB (see init_simgrid). */
#define ACTOR_STACK_KIB 256

static double event_time(const pl_timeline *tl, uint32_t task, uint8_t at)
{
    return at == PL_AT_START ? tl->start[task] : tl->end[task];
}

static void wake(struct engine *e, struct unit_ctx *w)
{
    w->waiting = false;
    e->nwaiting--;
    e->active++;
    sg_sem_release(w->wake);
}

/* Wakes every unit waiting on an event of unit u that has now happened. */
static void notify(struct engine *e, struct unit_ctx *u)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < u->nwaiters; i++) {
        struct unit_ctx *w = &e->units[u->waiters[i]];
        if (pl_sg_reached(e->tl, w->wait_task, w->wait_at))
            wake(e, w);
        else
            u->waiters[kept++] = u->waiters[i];
    }
    u->nwaiters = kept;
}

/* Called when an actor stops being active; detects that nobody can make progress. */
static void check_progress(struct engine *e)
{
    if (e->active > 0 || e->nwaiting == 0 || e->deadlock)
        return;
    e->deadlock = true;
    for (uint32_t i = 0; i < e->nunits; i++) {
        e->units[i].nwaiters = 0;
        if (e->units[i].waiting)
            wake(e, &e->units[i]);
    }
}

/* Registers u as waiting for edge ed's event and counts it blocked. */
void pl_sg_register_wait(struct unit_ctx *u, const pl_edge *ed)
{
    struct engine *e = u->e;
    struct unit_ctx *owner = &e->units[pl_graph_task_unit(e->g, ed->src)];
    u->waiting = true;
    u->wait_task = ed->src;
    u->wait_at = ed->at;
    u->wait_kind = ed->kind;
    owner->waiters[owner->nwaiters++] = u->id;
    e->nwaiting++;
    e->active--;
    check_progress(e);
}

/* Stops waiting for the event u registered for (a spinner's wait that timed out). */
void pl_sg_unregister_wait(struct unit_ctx *u)
{
    struct engine *e = u->e;
    struct unit_ctx *owner = &e->units[pl_graph_task_unit(e->g, u->wait_task)];
    /* Removed in place, the others kept in the order they came, which is the order they
     * are woken in. */
    uint32_t kept = 0;
    for (uint32_t i = 0; i < owner->nwaiters; i++)
        if (owner->waiters[i] != u->id)
            owner->waiters[kept++] = owner->waiters[i];
    owner->nwaiters = kept;
    u->waiting = false;
    e->nwaiting--;
    e->active++;
}

/* An active waiter starts spinning when it first blocks for a task, and keeps spinning
 * across the task's edges until spin_stop. */
static void spin_start(struct unit_ctx *u)
{
    if (!u->spins || u->spin)
        return;
    u->spin = sg_actor_exec_init(SPIN_FLOPS);
    sg_exec_start(u->spin);
}

/* Frees the core the spinner held; sg_exec_cancel also drops the reference that
 * sg_actor_exec_init gave us, which destroys the exec. */
static void spin_stop(struct unit_ctx *u)
{
    if (!u->spin)
        return;
    sg_exec_cancel(u->spin);
    u->spin = NULL;
}

/* Blocks until the edge's event has happened; false when the engine deadlocked. */
static bool wait_for(struct unit_ctx *u, const pl_edge *ed)
{
    struct engine *e = u->e;
    if (u->cores)
        return pl_slices_wait(u, ed);
    /* Starting the spin is a simcall, which lets the other actors of this moment run
     * first: the awaited event may have happened meanwhile, and its notification gone
     * by before this unit was registered to receive it. */
    spin_start(u);
    if (pl_sg_reached(e->tl, ed->src, ed->at))
        return true;
    pl_sg_register_wait(u, ed);
    sg_sem_acquire(u->wake);
    return !e->deadlock;
}

/* Waits for all of task t's edges; records the release edge and stores the latest edge
 * event in *latest_out (-INFINITY without edges). False on deadlock. */
static bool await_edges(struct unit_ctx *u, uint32_t t, double *latest_out)
{
    struct engine *e = u->e;
    uint32_t first, n;
    pl_graph_task_edges(e->g, t, &first, &n);
    uint32_t release = PL_NO_EDGE;
    double latest = -INFINITY;
    for (uint32_t i = first; i < first + n; i++) {
        const pl_edge *ed = pl_graph_edge(e->g, i);
        while (!pl_sg_reached(e->tl, ed->src, ed->at))
            if (!wait_for(u, ed))
                return false;
        double when = event_time(e->tl, ed->src, ed->at);
        if (when > latest) {
            latest = when;
            release = i;
        }
    }
    e->tl->release[t] = release;
    *latest_out = latest;
    return true;
}

/* A passive unit that waited for task t (its latest edge event came more than
 * PL_ENGINE_PRECISION after it was free for t) pays its wake-up latency. With wakeup 0 there
 * is no sleep at all, so that the default leaves SimGrid's schedule untouched. */
static void pay_wakeup(const struct unit_ctx *u, double latest)
{
    if (u->wakeup > 0 && latest > u->free_since + PL_ENGINE_PRECISION)
        sg_actor_sleep_for(u->wakeup);
}

/* At task t's start or end, now: u owes its wake cost for each edge from that event to a
 * task that a sleeping unit is free for and waits for since more than PL_ENGINE_PRECISION
 * (the rule of sim/engine/analytic_wake.c). */
static void owe(struct unit_ctx *u, uint32_t t, bool start)
{
    const struct engine *e = u->e;
    if (!e->wake_first || u->wake_cost <= 0)
        return;
    double now = simgrid_get_clock();
    for (uint32_t i = e->wake_first[t]; i < e->wake_first[t + 1]; i++) {
        if (((e->wake_out[i] & PL_OUT_FROM_START) != 0) != start)
            continue;
        uint32_t d = e->wake_out[i] & ~PL_OUT_FROM_START;
        const struct unit_ctx *w = &e->units[pl_graph_task_unit(e->g, d)];
        if (w->awaits == d && w->free_since < now - PL_ENGINE_PRECISION)
            u->owed += u->wake_cost;
    }
}

/* After task t, u pays the waking it owes, on its core. */
static void pay_owed(struct unit_ctx *u, uint32_t t)
{
    if (u->owed <= 0)
        return;
    if (u->e->tl->woke)
        u->e->tl->woke[t] = u->owed;
    if (u->cores)
        pl_slices_work(u, u->owed);
    else
        sg_actor_execute(u->owed * HOST_SPEED);
    u->owed = 0;
}

/* The part of a host task's work done on a core: all of it but the share it sleeps. */
static double awake_part(double work, double sleep_share)
{
    return sleep_share > 0 ? work * (1 - sleep_share) : work;
}

/* A host task works on a core, then sleeps the share of its time it sleeps (its core
 * given up, on a place in slices); a device task sleeps for its work. */
static void do_work(struct unit_ctx *u, double work, double sleep_share)
{
    if (work <= 0)
        return;
    if (!u->on_host) {
        sg_actor_sleep_for(work);
        return;
    }
    double awake = awake_part(work, sleep_share);
    if (u->cores && awake > 0)
        pl_slices_work(u, awake);
    else if (awake > 0)
        sg_actor_execute(awake * HOST_SPEED);
    if (sleep_share > 0) {
        if (u->cores)
            pl_slices_sleep(u);
        sg_actor_sleep_for(work * sleep_share);
    }
}

/* Moves the task's bytes over the unit's route; the flow's rate is set by SimGrid's
 * sharing of every link it crosses. */
static void transfer(const struct unit_ctx *u, double bytes)
{
    if (bytes > 0 && u->to)
        sg_host_sendto(u->from, u->to, bytes);
}

static void unit_actor(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct unit_ctx *u = sg_actor_self_get_data();
    struct engine *e = u->e;
    uint32_t n;
    const uint32_t *tasks = pl_graph_unit_tasks(e->g, u->id, &n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = tasks[i];
        double latest;
        u->awaits = t;
        u->free_since = simgrid_get_clock();
        bool ok = await_edges(u, t, &latest);
        spin_stop(u);
        if (!ok)
            return;
        pay_wakeup(u, latest);
        /* On a place in slices a task that works starts once its thread runs: on a core. */
        double work = pl_graph_task_work(e->g, t), sleep_share = pl_graph_task_sleep(e->g, t);
        if (u->cores && awake_part(work, sleep_share) > 0)
            pl_slices_take_core(u);
        u->awaits = PL_NO_EDGE;
        e->tl->start[t] = simgrid_get_clock();
        notify(e, u);
        owe(u, t, true);
        do_work(u, work, sleep_share);
        transfer(u, pl_graph_task_bytes(e->g, t));
        e->tl->end[t] = simgrid_get_clock();
        notify(e, u);
        owe(u, t, false);
        pay_owed(u, t);
    }
    u->awaits = PL_NO_EDGE;
    if (u->cores)
        pl_slices_sleep(u);
    e->active--;
    check_progress(e);
}

static bool routed(const pl_graph *g, uint32_t unit)
{
    uint32_t n;
    pl_graph_unit_route(g, unit, &n);
    return n > 0;
}

/* The zone's elements: hosts and links first, then routes, as SimGrid requires. A routed
 * unit gets an endpoint host e<unit> and one route from its place's host to it. */
static void write_zone(FILE *f, const pl_graph *g)
{
    for (uint32_t p = 0; p < pl_graph_place_count(g); p++)
        fprintf(f, "  <host id=\"p%u\" speed=\"%.17gf\" core=\"%d\"/>\n", p, HOST_SPEED,
                pl_graph_place_kind(g, p) == PL_PLACE_HOST ? pl_graph_place_cores(g, p) : 1);
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        if (routed(g, u))
            fprintf(f, "  <host id=\"e%u\" speed=\"1f\"/>\n", u);
    for (uint32_t l = 0; l < pl_graph_link_count(g); l++)
        fprintf(f, "  <link id=\"l%u\" bandwidth=\"%.17gBps\" latency=\"0s\"/>\n", l,
                pl_graph_link_bandwidth(g, l));
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        uint32_t n;
        const uint32_t *route = pl_graph_unit_route(g, u, &n);
        if (n == 0)
            continue;
        fprintf(f, "  <route src=\"p%u\" dst=\"e%u\">", pl_graph_unit_place(g, u), u);
        for (uint32_t i = 0; i < n; i++)
            fprintf(f, "<link_ctn id=\"l%u\"/>", route[i]);
        fprintf(f, "</route>\n");
    }
}

/* Writes the platform: one SimGrid host per place, one per routed unit's endpoint, one
 * link per graph link, all named by index so that no user text reaches the XML. */
static int write_platform(const pl_graph *g, char *path, size_t len, pl_diag *d)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, len, "%s/pipelab-platform-XXXXXX.xml", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemps(path, 4);
    if (fd < 0)
        return pl_diag_set(d, PL_EIO, "cannot create the platform file %s", path);
    /* Removed if this process is interrupted before it removes the file itself. */
    pl_interrupt_track_file(path);
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(path);
        return pl_diag_set(d, PL_EIO, "cannot write the platform file %s", path);
    }
    fprintf(f, "<?xml version='1.0'?>\n"
               "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
               "<platform version=\"4.1\">\n<zone id=\"pipelab\" routing=\"Full\">\n");
    write_zone(f, g);
    fprintf(f, "</zone>\n</platform>\n");
    if (fclose(f) != 0) {
        unlink(path);
        return pl_diag_set(d, PL_EIO, "cannot write the platform file %s", path);
    }
    return 0;
}

/* SimGrid wants argc/argv; these are the options the design relies on for exact times. */
static void init_simgrid(void)
{
    static char prog[] = "pipelab", log[] = "--log=root.thresh:critical";
    char *argv[] = {prog, log, NULL};
    int argc = 2;
    simgrid_init(&argc, argv);
    sg_cfg_set_string("network/model", "CM02");
    sg_cfg_set_boolean("network/crosstraffic", "no");
    sg_cfg_set_double("network/TCP-gamma", 0);
    sg_cfg_set_double("surf/precision", PL_ENGINE_PRECISION);
    /* One actor per unit, each with a stack of its own: SimGrid's default of 8 MiB each
     * would reserve 8 GiB of address space for a thousand units, which a memory limit
     * (ulimit -v) refuses; a unit's loop needs a few KiB. */
    sg_cfg_set_int("contexts/stack-size", ACTOR_STACK_KIB);
}

/* e->wake_first and e->wake_out: the edges whose event may wake a sleeping thread
 * (pl_graph_out_edges, wake_only); left NULL where there are none. */
static int wake_edges(struct engine *e)
{
    return pl_graph_wakes(e->g) ? pl_graph_out_edges(e->g, true, &e->wake_first, &e->wake_out) : 0;
}

static int start_actors(struct engine *e, pl_diag *d)
{
    e->units = calloc(e->nunits, sizeof *e->units);
    if (!e->units || pl_slices_start(e) != 0 || wake_edges(e) != 0)
        return pl_diag_set(d, PL_ENOMEM, "out of memory starting the engine");
    for (uint32_t u = 0; u < e->nunits; u++) {
        struct unit_ctx *c = &e->units[u];
        uint32_t place = pl_graph_unit_place(e->g, u);
        c->e = e;
        c->id = u;
        c->on_host = pl_graph_place_kind(e->g, place) == PL_PLACE_HOST;
        c->spins = c->on_host && pl_graph_unit_wait(e->g, u) == PL_WAIT_ACTIVE;
        c->wakeup =
            pl_graph_unit_wait(e->g, u) == PL_WAIT_PASSIVE ? pl_graph_unit_wakeup(e->g, u) : 0;
        c->wake_cost = pl_graph_unit_wake_cost(e->g, u);
        c->awaits = PL_NO_EDGE;
        c->wake = sg_sem_init(0);
        if (e->cores[place].queue) {
            c->cores = &e->cores[place];
            c->grant = sg_sem_init(0);
            c->cut = sg_sem_init(0);
            c->last_core = PL_NO_ID;
        }
        c->waiters = malloc(e->nunits * sizeof *c->waiters);
        if (!c->waiters)
            return pl_diag_set(d, PL_ENOMEM, "out of memory starting the engine");
        char host[32];
        snprintf(host, sizeof host, "p%u", place);
        sg_host_t here = sg_host_by_name(host);
        if (routed(e->g, u)) {
            snprintf(host, sizeof host, "e%u", u);
            c->from = here;
            c->to = sg_host_by_name(host);
        }
        sg_actor_t a = sg_actor_init(pl_graph_unit_name(e->g, u), here);
        sg_actor_set_data(a, c);
        sg_actor_start(a, unit_actor, 0, NULL);
        e->active++;
    }
    return 0;
}

static int describe_deadlock(const struct engine *e, pl_diag *d)
{
    char msg[PL_DIAG_MAX - 128] = "";
    size_t len = 0;
    for (uint32_t u = 0; u < e->nunits && len < sizeof msg; u++) {
        uint32_t n;
        const uint32_t *tasks = pl_graph_unit_tasks(e->g, u, &n);
        uint32_t i = 0;
        while (i < n && !isnan(e->tl->end[tasks[i]]))
            i++;
        if (i == n)
            continue;
        char a[256];
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s waits", len ? "; " : "",
                                pl_check_task_name(e->g, tasks[i], a, sizeof a));
        uint32_t first, ne;
        pl_graph_task_edges(e->g, tasks[i], &first, &ne);
        for (uint32_t k = first; k < first + ne && len < sizeof msg; k++) {
            const pl_edge *ed = pl_graph_edge(e->g, k);
            if (pl_sg_reached(e->tl, ed->src, ed->at))
                continue;
            len += (size_t)snprintf(msg + len, sizeof msg - len, " (%s) for the %s of %s",
                                    pl_edge_kind_name(ed->kind), ed->at ? "start" : "end",
                                    pl_check_task_name(e->g, ed->src, a, sizeof a));
            break;
        }
    }
    return pl_diag_set(d, PL_EDEADLOCK, "the model cannot finish: %s", msg);
}

static void stop_actors(struct engine *e)
{
    for (uint32_t u = 0; e->units && u < e->nunits; u++) {
        if (e->units[u].wake)
            sg_sem_destroy(e->units[u].wake);
        if (e->units[u].grant)
            sg_sem_destroy(e->units[u].grant);
        if (e->units[u].cut)
            sg_sem_destroy(e->units[u].cut);
        free(e->units[u].waiters);
    }
    pl_slices_stop(e);
    free(e->units);
    free(e->wake_first);
    free(e->wake_out);
}

/* The module's one exported name: everything else in it, SimGrid's calls and the copies
 * of the graph and common layers it is linked with, stays hidden inside. */
__attribute__((visibility("default"))) int pl_simgrid_engine_run(const pl_graph *g, pl_timeline *tl,
                                                                 pl_diag *d)
{
    char platform[4096];
    init_simgrid();
    int rc = write_platform(g, platform, sizeof platform, d);
    if (rc != 0) {
        pl_interrupt_untrack_file(platform);
        return rc;
    }
    simgrid_load_platform(platform);
    unlink(platform);
    pl_interrupt_untrack_file(platform);
    struct engine e = {.g = g, .tl = tl, .nunits = pl_graph_unit_count(g)};
    rc = start_actors(&e, d);
    if (rc == 0) {
        simgrid_run();
        uint32_t unfinished = pl_timeline_seal(tl);
        if (e.deadlock || unfinished > 0)
            rc = describe_deadlock(&e, d);
    }
    stop_actors(&e);
    return rc;
}
