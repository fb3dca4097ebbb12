/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * simgrid_impl.h — what the two files of the SimGrid engine's module share (simgrid.c,
 * the actors; simgrid_slices.c, host cores in slices): the engine's state and the calls
 * between them. Private to the module.
 */
#ifndef PL_SIMGRID_IMPL_H
#define PL_SIMGRID_IMPL_H

#include "sim/graph/graph.h"
#include "sim/graph/timeline.h"

#include <simgrid/forward.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

/* Host cores run at this many flops per second, so a task of w seconds is w * HOST_SPEED
 * flops. Any speed gives the same times; this one keeps flop counts well scaled. */
#define HOST_SPEED 1e9
struct engine;

struct unit_ctx {
    struct engine *e;
    uint32_t id;
    bool on_host;
    bool spins;         /* active waiting (host units only) */
    double wakeup;      /* passive waiting: seconds slept after waiting */
    double wake_cost;   /* seconds it pays to wake a sleeping thread */
    uint32_t awaits;    /* the task it is free for and waits to start, or PL_NO_EDGE */
    double free_since;  /* since when it is free for `awaits` */
    double owed;        /* the waking owed for its current task */
    sg_exec_t spin;     /* while an active waiter blocks: its busy-core exec, else NULL */
    sg_host_t from, to; /* a routed unit's place and endpoint; NULL without a route */
    sg_sem_t wake;
    bool waiting;
    uint32_t wait_task; /* while waiting: the task whose event it awaits */
    uint8_t wait_at;
    uint8_t wait_kind;
    uint32_t *waiters; /* units blocked on events of this unit's tasks */
    uint32_t nwaiters;
    struct cores *cores; /* its place's when the place runs threads in slices, else NULL */
    sg_sem_t grant;      /* released when a core is handed to it */
    bool holds;          /* whether it holds a core of its place */
    double slice_end;    /* while it holds one: when its slice is over */
    double since;        /* while it holds one: since when */
    double vr;           /* the core time it had before, as the kernel counts it (its
                            vruntime: placed anew when it wakes, from its lag) */
    double lag;          /* what it was owed when it last slept: the average core time of
                            the runnable units less its own (pl_slices_sleep) */
    bool slept;          /* it gave its core up to sleep (passive waiting, a sleeping task) and
                            has not had one since: it takes one as a woken thread */
    bool spinning;       /* it spins on its core, waiting on `wake` */
    double stretch_end;  /* while it works or spins on its core: when that stretch ends; 0
                            otherwise (a woken unit may stop it before, not at, that time) */
    sg_sem_t cut;        /* released to stop its stretch of work when its core is taken */
    uint32_t core;       /* while it holds one, or has been handed one: which */
    uint32_t last_core;  /* the core it last ran on; PL_NO_ID before it ran */
};

/* A host place whose threads outnumber its cores, scheduled in slices (pl_host_scheduler):
 * a core runs one thread at a time; the threads that want one wait in a queue, first come
 * first served. Invariant: free + the units holding a core = the place's cores, and a unit
 * is queued only while no core is free. */
struct cores {
    int free;
    uint32_t *holder; /* per core: the unit holding it or handed it, else PL_NO_ID */
    uint32_t *members; /* the place's units, `cap` of them */
    uint32_t *queue; /* a ring of unit ids */
    uint32_t head, len, cap;
    double zero; /* the runnable units' average core time when the last of them slept */
    pl_host_scheduler sched;
};

struct engine {
    const pl_graph *g;
    pl_timeline *tl;
    struct cores *cores; /* per place; queue NULL where SimGrid shares the cores */
    struct unit_ctx *units;
    uint32_t nunits;
    /* Per task, in compressed rows (wake_first[t] .. wake_first[t + 1]), its edges whose
     * event may wake a sleeping thread: their destination | PL_OUT_FROM_START; NULL where no
     * unit pays to wake another. */
    uint32_t *wake_first, *wake_out;
    uint32_t active;
    uint32_t nwaiting;
    bool deadlock;
};

/* Whether event `at` of `task` has happened (its time is recorded). */
static inline bool pl_sg_reached(const pl_timeline *tl, uint32_t task, uint8_t at)
{
    return !isnan(at == PL_AT_START ? tl->start[task] : tl->end[task]);
}

/* simgrid.c: registers u as waiting for edge ed's event (woken by the event's unit) and
 * counts it blocked; and the other way round, for a wait that ended without the event. */
void pl_sg_register_wait(struct unit_ctx *u, const pl_edge *ed);
void pl_sg_unregister_wait(struct unit_ctx *u);

/* simgrid_slices.c. Queues and cores for the places in slices (e->cores, one per place;
 * a queue only where the place runs in slices); 0 or PL_ENOMEM. Freed by pl_slices_stop. */
int pl_slices_start(struct engine *e);
void pl_slices_stop(struct engine *e);
/* u takes a core of its place (waiting in the queue for one), or gives its core up (to the
 * first unit queued); each does nothing where u already holds one, or holds none. */
void pl_slices_take_core(struct unit_ctx *u);
void pl_slices_give_core(struct unit_ctx *u);
/* u gives its core up to sleep (a sleeping task, passive waiting) or for good (its last
 * task done), keeping its lag: it wants none until it takes one again, then as a woken
 * thread. */
void pl_slices_sleep(struct unit_ctx *u);
/* Does `work` seconds on u's core, taking one first, preempted as slices end. */
void pl_slices_work(struct unit_ctx *u, double work);
/* Blocks until edge ed's event has happened (simgrid.c's wait_for on a place in slices);
 * false when the engine deadlocked. */
bool pl_slices_wait(struct unit_ctx *u, const pl_edge *ed);

#endif
