/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * parallel.c — pieces on threads (see parallel.h). Each thread, the caller's among them,
 * takes the next piece not yet taken from one atomic counter until none is left; which
 * thread runs a piece changes nothing, since a piece writes only its own results.
 */
#define _GNU_SOURCE /* sched_getaffinity, sched_getcpu, CPU_COUNT, pthread_attr_setaffinity_np */
#include "sim/common/parallel.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>

/* The most threads one call starts: more than a run's two graphs and four measuring
 * pieces would ever use. */
#define MAX_THREADS 16

/* The limit pl_parallel_limit set; 0: none. */
static unsigned limit;
/* Whether this thread is running a piece: a nested call runs inline. */
static _Thread_local bool in_piece;

struct work {
    pl_parallel_fn fn;
    void *ctx;
    size_t n;
    atomic_size_t next;
    cpu_set_t allowed; /* the process's cores, given back to a started thread */
    bool moved;        /* whether started threads begin away from the caller's core */
};

static void take(struct work *w)
{
    in_piece = true;
    for (size_t i; (i = atomic_fetch_add(&w->next, 1)) < w->n;)
        w->fn(w->ctx, i);
    in_piece = false;
}

/* A started thread: once running away from its creator's core, it may go anywhere. */
static void *started_thread(void *arg)
{
    struct work *w = arg;
    if (w->moved)
        (void)sched_setaffinity(0, sizeof w->allowed, &w->allowed);
    take(w);
    return NULL;
}

/* The process's cores into *set (empty when they cannot be read), and the threads that
 * pl_parallel_for may use on them. */
static unsigned width_of(cpu_set_t *set)
{
    CPU_ZERO(set);
    int n = sched_getaffinity(0, sizeof *set, set) == 0 ? CPU_COUNT(set) : 0;
    unsigned cores = n > 0 ? (unsigned)n : 1;
    return limit > 0 && limit < cores ? limit : cores;
}

unsigned pl_parallel_width(void)
{
    cpu_set_t set;
    return width_of(&set);
}

void pl_parallel_limit(unsigned width)
{
    limit = width;
}

/* Starts threads on the process's cores other than the caller's, where there are any: the
 * kernel may otherwise start one on its creator's core, where one of the two waits for the
 * other until the balancer moves it, a tick later (4 ms measured on a 2-core machine,
 * more than a whole 400,000-task pass). */
static void start_away(struct work *w, pthread_attr_t *attr)
{
    w->moved = false;
    int here = sched_getcpu();
    if (here < 0 || CPU_COUNT(&w->allowed) == 0)
        return;
    cpu_set_t away = w->allowed;
    CPU_CLR(here, &away);
    w->moved = CPU_COUNT(&away) > 0 && pthread_attr_setaffinity_np(attr, sizeof away, &away) == 0;
}

void pl_parallel_for(size_t n, pl_parallel_fn fn, void *ctx)
{
    if (in_piece) {
        for (size_t i = 0; i < n; i++)
            fn(ctx, i);
        return;
    }
    struct work w = {.fn = fn, .ctx = ctx, .n = n};
    atomic_init(&w.next, 0);
    size_t threads = n < 2 ? 1 : width_of(&w.allowed);
    if (threads > n)
        threads = n;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    pthread_t ids[MAX_THREADS];
    size_t started = 0;
    pthread_attr_t attr;
    if (threads > 1 && pthread_attr_init(&attr) == 0) {
        start_away(&w, &attr);
        for (size_t t = 1; t < threads; t++)
            if (pthread_create(&ids[started], &attr, started_thread, &w) == 0)
                started++;
        pthread_attr_destroy(&attr);
    }
    take(&w);
    for (size_t t = 0; t < started; t++)
        pthread_join(ids[t], NULL);
}
