/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * simgrid_slices.c — host cores in slices (pl_host_scheduler): a place whose threads
 * outnumber its cores, scheduled as a kernel schedules them rather than shared by SimGrid.
 *
 * A core runs one thread at a time. A unit takes a core to work or to spin, from the free
 * ones or, when none is, by queueing (first come, first served) until one is given up; a
 * slice begins whenever it gets one, and is over on the first tick at or after `slice`
 * from then. A unit keeps its core from task to task until it blocks (a passive unit
 * waiting), its slice is over while another unit is queued (it is preempted and queues
 * in its turn), a woken unit takes it, or it ends. A unit that slept (waiting passively,
 * or in a sleeping task) is placed as Linux's EEVDF places a waking thread, from the lag it
 * kept (place_woken: the core time it was owed), and when it finds no core free it takes
 * the core of a running unit that has had more than its share at once (wake_victim), and
 * queues otherwise. A spinner keeps its core while it waits, and sees its event only while
 * it runs. The work runs at the core's full speed: with one thread a core it takes its
 * time, which the unit waits out unless its slice is over or its core is taken first.
 * Invariant: free cores + units holding one = the place's cores, and units are queued only
 * while no core is free.
 *
 * Part of the module libpipelab_simgrid.so, with simgrid.c.
 */
#include "sim/engine/simgrid_impl.h"
#include "sim/common/error.h"
#include "sim/engine/simgrid.h"

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/semaphore.h>

#include <math.h>
#include <stdlib.h>

/* When a slice begun at `now` is over: on the first tick at or after now + slice. */
static double slice_over_at(const struct cores *c, double now)
{
    double end = now + c->sched.slice;
    return c->sched.tick > 0 ? ceil(end / c->sched.tick - 1e-9) * c->sched.tick : end;
}

/* u's core time by now: what it had before, and its stretch on a core so far. */
static double core_time(const struct unit_ctx *u, double now)
{
    return u->vr + (u->holds ? now - u->since : 0);
}

/* Whether v, running, may be stopped now (its core taken by a woken unit: its `cut`, or its
 * `wake` while it spins, is released): in a stretch of work or a spin that ends later
 * (never at the very moment it ends on its own, which would leave its wait two reasons to
 * return). */
static bool stoppable(const struct unit_ctx *v, double now)
{
    return v->holds && v->stretch_end > now + PL_ENGINE_PRECISION;
}

/* The average core time by now of the place's runnable units (holding a core or queued
 * for one) other than u, and in *n their count. */
static double average_but(const struct unit_ctx *u, double now, uint32_t *n)
{
    const struct engine *e = u->e;
    const struct cores *c = u->cores;
    double sum = 0;
    *n = 0;
    for (uint32_t i = 0; i < c->cap; i++) {
        const struct unit_ctx *w = &e->units[c->members[i]];
        if (w == u || !(w->holds || !w->slept))
            continue;
        sum += core_time(w, now);
        ++*n;
    }
    return *n > 0 ? sum / *n : 0;
}

/* Places u, woken, as Linux's EEVDF places a waking task (place_entity, PLACE_LAG): its
 * core time set so that its lag against the average of the runnable units, itself among
 * them, is again what it was when it slept. With n others at average a, that is
 * a - lag (n + 1) / n; with none, the place's average when it last had a runnable unit,
 * less lag. Returns that average, u among them. */
static double place_woken(struct unit_ctx *u, double now)
{
    uint32_t n;
    double a = average_but(u, now, &n);
    u->vr = n > 0 ? a - u->lag * (n + 1) / n : u->cores->zero - u->lag;
    return (a * n + u->vr) / (n + 1);
}

/* The unit whose core u, woken and placed (`average`: the runnable units' average core
 * time, u among them, as place_woken gives it), takes at once, or NULL. As EEVDF, which
 * wakes a thread on the CPU it last ran on where none is idle and preempts the thread
 * running there when that one is no longer eligible (it has had more core time than the
 * average) and the woken one is (its lag is not negative): the unit on the core u last ran
 * on (for a unit that has not run yet, the running one with the most core time). */
static struct unit_ctx *wake_victim(struct unit_ctx *u, double now, double average)
{
    const struct engine *e = u->e;
    const struct cores *c = u->cores;
    if (u->lag < 0)
        return NULL;
    struct unit_ctx *v = NULL;
    if (u->last_core != PL_NO_ID) {
        uint32_t h = c->holder[u->last_core];
        v = h != PL_NO_ID && stoppable(&e->units[h], now) ? &e->units[h] : NULL;
    } else {
        for (uint32_t i = 0; i < c->cap; i++) {
            struct unit_ctx *w = &e->units[c->members[i]];
            if (w != u && stoppable(w, now) && (!v || core_time(w, now) > core_time(v, now)))
                v = w;
        }
    }
    return v && core_time(v, now) - average > PL_ENGINE_PRECISION ? v : NULL;
}

/* Gets u a core of its place: a free one; for a unit that slept, the core of a running
 * unit that wake_victim names, whose stretch of work or spin then ends and which queues for
 * a core; or the first one given up after the units queued before it have had theirs. A
 * new slice begins. The place's books are kept before any simcall: a simcall lets the
 * other actors of the moment run, and they must find every core held or free. */
void pl_slices_take_core(struct unit_ctx *u)
{
    struct cores *c = u->cores;
    if (u->holds)
        return;
    double now = simgrid_get_clock();
    struct unit_ctx *v = NULL;
    double average = u->slept ? place_woken(u, now) : 0;
    if (c->free > 0 && c->len == 0) { /* the core it last ran on, else the first free */
        c->free--;
        bool back = u->last_core != PL_NO_ID && c->holder[u->last_core] == PL_NO_ID;
        u->core = back ? u->last_core : 0;
        while (c->holder[u->core] != PL_NO_ID)
            u->core++;
    } else if (u->slept && (v = wake_victim(u, now, average)) != NULL) {
        v->vr += now - v->since;
        v->holds = false;
        u->core = v->core;
    } else {
        c->queue[(c->head + c->len++) % c->cap] = u->id;
        sg_sem_acquire(u->grant);
    }
    c->holder[u->core] = u->id;
    u->last_core = u->core;
    u->slept = false;
    u->holds = true;
    u->since = simgrid_get_clock();
    u->slice_end = slice_over_at(c, u->since);
    if (v)
        sg_sem_release(v->spinning ? v->wake : v->cut);
}

/* u gives its core up: to the first unit queued (that core is then held for it), or back
 * to the free ones. */
void pl_slices_give_core(struct unit_ctx *u)
{
    struct cores *c = u->cores;
    if (!u->holds)
        return;
    u->holds = false;
    u->vr += simgrid_get_clock() - u->since;
    c->holder[u->core] = PL_NO_ID;
    if (c->len == 0) {
        c->free++;
        return;
    }
    uint32_t next = c->queue[c->head];
    c->head = (c->head + 1) % c->cap;
    c->len--;
    u->e->units[next].core = u->core;
    c->holder[u->core] = next;
    sg_sem_release(u->e->units[next].grant);
}

/* u sleeps (passive waiting, a sleeping task) or ends: it gives its core up, keeping its
 * lag, as EEVDF does (update_entity_lag): the average core time of the runnable units,
 * itself among them, less its own, within pl_host_scheduler.lag_limit either way. */
void pl_slices_sleep(struct unit_ctx *u)
{
    double now = simgrid_get_clock(), own = core_time(u, now), limit = u->cores->sched.lag_limit;
    uint32_t n;
    double a = average_but(u, now, &n), average = (a * n + own) / (n + 1);
    u->lag = fmax(-limit, fmin(limit, average - own));
    if (n == 0)
        u->cores->zero = own;
    pl_slices_give_core(u);
    u->slept = true;
}

/* u's slice is over: another unit that wants a core takes u's, and u queues for one;
 * with none, u goes on in a new slice. */
static void slice_over(struct unit_ctx *u)
{
    if (u->cores->len > 0) {
        pl_slices_give_core(u);
        pl_slices_take_core(u);
    } else {
        u->slice_end = slice_over_at(u->cores, simgrid_get_clock());
    }
}

/* Does `work` seconds on u's core, at the core's full speed, preempted when a slice is
 * over and another unit wants the core, or when a woken unit takes the core. One thread
 * runs on a core at a time, so the work takes its time: u waits that long on its `cut`
 * semaphore, which pl_slices_take_core releases to stop it early. */
void pl_slices_work(struct unit_ctx *u, double work)
{
    pl_slices_take_core(u);
    double now = simgrid_get_clock(), until = now + work;
    while (until - now > PL_ENGINE_PRECISION) {
        if (!u->holds || u->slice_end - now <= PL_ENGINE_PRECISION) {
            double before = now;
            if (u->holds)
                slice_over(u);
            else
                pl_slices_take_core(u);
            now = simgrid_get_clock();
            until += now - before; /* the time queued is not work */
            continue;
        }
        u->stretch_end = until < u->slice_end ? until : u->slice_end;
        sg_sem_acquire_timeout(u->cut, u->stretch_end - now);
        u->stretch_end = 0;
        now = simgrid_get_clock();
    }
}

/* wait_for on a place in slices. A passive unit gives its core up and sleeps. A spinner
 * holds its core while it waits, until its slice is over and another unit wants the core;
 * then it queues like any runnable thread, and sees whether its event happened only once it
 * runs again. */
bool pl_slices_wait(struct unit_ctx *u, const pl_edge *ed)
{
    struct engine *e = u->e;
    if (!u->spins) {
        pl_slices_sleep(u);
        pl_sg_register_wait(u, ed);
        sg_sem_acquire(u->wake);
        return !e->deadlock;
    }
    pl_slices_take_core(u);
    while (!pl_sg_reached(e->tl, ed->src, ed->at)) {
        if (!u->holds) { /* its core was taken while it spun */
            pl_slices_take_core(u);
            continue;
        }
        pl_sg_register_wait(u, ed);
        double room = u->slice_end - simgrid_get_clock();
        u->spinning = true;
        u->stretch_end = u->slice_end;
        bool timed_out = room <= 0 || sg_sem_acquire_timeout(u->wake, room) != 0;
        u->stretch_end = 0;
        u->spinning = false;
        if (e->deadlock)
            return false;
        if (!timed_out && !u->holds) { /* a woken unit took its core: pl_slices_take_core */
            if (u->waiting)
                pl_sg_unregister_wait(u);
            else /* the event's wake came at the same moment: its token is taken here */
                sg_sem_acquire(u->wake);
            continue;
        }
        if (timed_out) {
            if (u->waiting)
                pl_sg_unregister_wait(u);
            else /* the event's wake came as the wait timed out: its token is taken here */
                sg_sem_acquire(u->wake);
            slice_over(u);
        }
    }
    return true;
}

/* The places whose threads outnumber their cores and run in slices get their queue. */
int pl_slices_start(struct engine *e)
{
    uint32_t np = pl_graph_place_count(e->g);
    if (!(e->cores = calloc((size_t)np + 1, sizeof *e->cores)))
        return PL_ENOMEM;
    for (uint32_t u = 0; u < e->nunits; u++)
        e->cores[pl_graph_unit_place(e->g, u)].cap++;
    for (uint32_t p = 0; p < np; p++) {
        struct cores *c = &e->cores[p];
        c->sched = pl_graph_place_scheduler(e->g, p);
        c->free = pl_graph_place_cores(e->g, p);
        bool sliced = pl_graph_place_kind(e->g, p) == PL_PLACE_HOST && c->sched.slice > 0 &&
                      (int)c->cap > c->free;
        if (!sliced)
            continue;
        uint32_t ncores = (uint32_t)c->free;
        if (!(c->queue = calloc(c->cap, sizeof *c->queue)) ||
            !(c->members = calloc(c->cap, sizeof *c->members)) ||
            !(c->holder = malloc(((size_t)ncores + 1) * sizeof *c->holder)))
            return PL_ENOMEM;
        for (uint32_t k = 0; k < ncores; k++)
            c->holder[k] = PL_NO_ID;
    }
    uint32_t *n = calloc((size_t)np + 1, sizeof *n);
    if (!n)
        return PL_ENOMEM;
    for (uint32_t u = 0; u < e->nunits; u++) {
        struct cores *c = &e->cores[pl_graph_unit_place(e->g, u)];
        if (c->members)
            c->members[n[pl_graph_unit_place(e->g, u)]++] = u;
    }
    free(n);
    return 0;
}

void pl_slices_stop(struct engine *e)
{
    for (uint32_t p = 0; e->cores && p < pl_graph_place_count(e->g); p++) {
        free(e->cores[p].queue);
        free(e->cores[p].holder);
        free(e->cores[p].members);
    }
    free(e->cores);
    e->cores = NULL;
}
