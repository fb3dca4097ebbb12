/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_waiting.c — how units wait (graph.h, pl_graph_set_unit_wait): a passive unit
 * pays its wake-up latency only when its edges' last event came strictly after its
 * previous task ended; an active host thread keeps a core busy while it waits.
 *
 * Every expected time is worked out by hand in the comment above its assertion:
 * device units hold for exactly their work, and k host threads on c cores each run
 * at min(1, c/k) of a core (equal processor sharing). Times are in microseconds.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/engine/simgrid.h"
#include "sim/graph/graph.h"
#include "sim/engine/runner.h"
#include "support.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define US 1e-6
#define N  5
/* Times here are a few tens of microseconds; SimGrid's clock is exact to far better. */
#define TOL 1e-15

static uint32_t add_place(pl_graph *g, const char *name, pl_place_kind kind, int cores)
{
    uint32_t id;
    assert_int_equal(pl_graph_add_place(g, name, kind, cores, &id), 0);
    return id;
}

static uint32_t add_unit(pl_graph *g, const char *name, uint32_t place)
{
    uint32_t id;
    assert_int_equal(pl_graph_add_unit(g, name, place, &id), 0);
    return id;
}

static uint32_t add_task(pl_graph *g, uint32_t unit, double work, uint32_t item)
{
    uint32_t label, id;
    assert_int_equal(pl_graph_add_label(g, "x", &label), 0);
    assert_int_equal(pl_graph_add_task(g, unit, work, label, item, &id), 0);
    return id;
}

static void add_edge(pl_graph *g, uint32_t from, uint32_t to, pl_edge_kind kind, pl_edge_at at)
{
    assert_int_equal(pl_graph_add_edge(g, from, to, kind, at), 0);
}

/* Finalizes and simulates g through the runner; the caller finalizes tl. */
static void simulate(pl_graph *g, pl_timeline *tl)
{
    assert_int_equal(pl_graph_finalize(g), 0);
    pl_test_simulate(g, tl);
}

/* A producer P and a consumer C on a device, N tasks each, a data edge from the end of
 * P's task k to C's task k, and C waiting passively with a wake-up of `wakeup`. */
static void producer_consumer(double p_work, double c_work, double wakeup, uint32_t c_task[N],
                              pl_timeline *tl, pl_graph **out)
{
    pl_graph *g = pl_graph_create("producer-consumer");
    uint32_t dev = add_place(g, "device", PL_PLACE_DEVICE, 1);
    uint32_t p = add_unit(g, "P", dev), c = add_unit(g, "C", dev);
    assert_int_equal(pl_graph_set_unit_wait(g, c, PL_WAIT_PASSIVE, wakeup), 0);
    for (uint32_t k = 0; k < N; k++) {
        uint32_t pt = add_task(g, p, p_work, k);
        c_task[k] = add_task(g, c, c_work, k);
        add_edge(g, pt, c_task[k], PL_EDGE_DATA, PL_AT_END);
    }
    simulate(g, tl);
    *out = g;
}

/* P 10 us, C 2 us, wake-up 3 us. P's task k ends at 10(k+1). C's task k-1 ended at
 * 10k + 3 + 2 = 10k + 5 < 10(k+1), so C waits every time: its task k starts at
 * 10(k+1) + 3 and ends at 10(k+1) + 5. Makespan = N*10 + 3 + 2 = 55 us. */
static void test_passive_wakeup_every_task(void **state)
{
    (void)state;
    uint32_t c[N];
    pl_timeline tl;
    pl_graph *g;
    producer_consumer(10 * US, 2 * US, 3 * US, c, &tl, &g);
    for (int k = 0; k < N; k++) {
        pl_assert_near(tl.start[c[k]], (10.0 * (k + 1) + 3) * US, TOL);
        pl_assert_near(tl.end[c[k]], (10.0 * (k + 1) + 5) * US, TOL);
    }
    pl_assert_near(tl.makespan, (N * 10 + 3 + 2) * US, TOL);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
}

/* P 2 us, C 10 us, wake-up 3 us: C is the bottleneck. C's first task waits for P's end
 * at 2 > 0 and starts at 2 + 3 = 5. Afterwards P's task k ends at 2(k+1), long before C's
 * previous task ends at 5 + 10k, so C never waits again: task k starts at 5 + 10k.
 * Makespan = 5 + N*10 = 55 us. */
static void test_passive_wakeup_only_first(void **state)
{
    (void)state;
    uint32_t c[N];
    pl_timeline tl;
    pl_graph *g;
    producer_consumer(2 * US, 10 * US, 3 * US, c, &tl, &g);
    for (int k = 0; k < N; k++)
        pl_assert_near(tl.start[c[k]], (5 + 10.0 * k) * US, TOL);
    pl_assert_near(tl.makespan, (5 + N * 10) * US, TOL);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
}

/* Ties: C (wake-up 3 us, tasks of 10 us) and P (tasks of 10 and 15 us) on a device.
 *   c0 waits for the start of p0, at 0 = C's free time 0: no wake-up, c0 = [0, 10].
 *   c1 waits for the end of p0, at 10 = c0's end: no wake-up, c1 = [10, 20].
 *   c2 waits for the end of p1, at 25 > c1's end 20: wake-up, c2 = [28, 38].
 * Both unit orders are run, so that SimGrid schedules C's and P's actors at time 10 in
 * both orders (C may block on p0's end for no time, or find it recorded): the rule reads
 * the recorded times, not whether the actor blocked. */
static void test_no_wakeup_on_ties(void **state)
{
    (void)state;
    for (int c_first = 0; c_first < 2; c_first++) {
        pl_graph *g = pl_graph_create("ties");
        uint32_t dev = add_place(g, "device", PL_PLACE_DEVICE, 1);
        uint32_t c, p;
        if (c_first) {
            c = add_unit(g, "C", dev);
            p = add_unit(g, "P", dev);
        } else {
            p = add_unit(g, "P", dev);
            c = add_unit(g, "C", dev);
        }
        assert_int_equal(pl_graph_set_unit_wait(g, c, PL_WAIT_PASSIVE, 3 * US), 0);
        uint32_t p0 = add_task(g, p, 10 * US, 0), p1 = add_task(g, p, 15 * US, 1);
        uint32_t c0 = add_task(g, c, 10 * US, 0), c1 = add_task(g, c, 10 * US, 1);
        uint32_t c2 = add_task(g, c, 10 * US, 2);
        add_edge(g, p0, c0, PL_EDGE_DATA, PL_AT_START);
        add_edge(g, p0, c1, PL_EDGE_DATA, PL_AT_END);
        add_edge(g, p1, c2, PL_EDGE_DATA, PL_AT_END);
        pl_timeline tl;
        simulate(g, &tl);
        pl_assert_near(tl.start[c0], 0, TOL);
        pl_assert_near(tl.start[c1], 10 * US, TOL);
        pl_assert_near(tl.start[c2], 28 * US, TOL);
        pl_assert_near(tl.makespan, 38 * US, TOL);
        pl_timeline_fini(&tl);
        pl_graph_destroy(g);
    }
}

/* Threads A and B on a host with `cores` cores, A waiting in mode `wait`, and a device
 * unit D. D's task d0 holds 25 us; A's task a0 (5 us) waits for the end of d0; B has two
 * tasks b0 and b1 of 10 us and no edges. */
struct spin_graph {
    uint32_t a0, b0, b1, d0;
};

static pl_graph *spin_graph(int cores, pl_wait_kind wait, struct spin_graph *t)
{
    pl_graph *g = pl_graph_create("spin");
    uint32_t host = add_place(g, "host", PL_PLACE_HOST, cores);
    uint32_t dev = add_place(g, "device", PL_PLACE_DEVICE, 1);
    uint32_t a = add_unit(g, "A", host), b = add_unit(g, "B", host), d = add_unit(g, "D", dev);
    assert_int_equal(pl_graph_set_unit_wait(g, a, wait, 0), 0);
    t->d0 = add_task(g, d, 25 * US, 0);
    t->a0 = add_task(g, a, 5 * US, 0);
    t->b0 = add_task(g, b, 10 * US, 0);
    t->b1 = add_task(g, b, 10 * US, 1);
    add_edge(g, t->d0, t->a0, PL_EDGE_SYNC, PL_AT_END);
    return g;
}

/* One core, A spinning. [0, 25]: A spins and B runs at 1/2: b0 ends at 20; b1 has done
 * 2.5 us of work at 25. At 25 d0 ends, the spin is cancelled and a0 starts at once; A and
 * B still share the core at 1/2 each: a0 needs 5 us of work, done at 35; b1 has 7.5 left,
 * 5 done by 35, and the last 2.5 alone: b1 ends at 37.5. */
static void test_active_one_core(void **state)
{
    (void)state;
    struct spin_graph t;
    pl_graph *g = spin_graph(1, PL_WAIT_ACTIVE, &t);
    pl_timeline tl;
    simulate(g, &tl);
    pl_assert_near(tl.end[t.d0], 25 * US, TOL);
    pl_assert_near(tl.end[t.b0], 20 * US, 1e-9 * 20 * US);
    pl_assert_near(tl.start[t.a0], 25 * US, TOL);
    pl_assert_near(tl.end[t.a0], 35 * US, 1e-9 * 35 * US);
    pl_assert_near(tl.end[t.b1], 37.5 * US, 1e-9 * 37.5 * US);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
}

/* One core, A passive (wake-up 0): A uses no core while it waits. B alone: b0 = [0, 10],
 * b1 = [10, 20]; a0 starts when d0 ends at 25, alone: [25, 30]. */
static void test_passive_one_core(void **state)
{
    (void)state;
    struct spin_graph t;
    pl_graph *g = spin_graph(1, PL_WAIT_PASSIVE, &t);
    pl_timeline tl;
    simulate(g, &tl);
    pl_assert_near(tl.end[t.b0], 10 * US, TOL);
    pl_assert_near(tl.end[t.b1], 20 * US, TOL);
    pl_assert_near(tl.start[t.a0], 25 * US, TOL);
    pl_assert_near(tl.end[t.a0], 30 * US, TOL);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
}

/* Two cores, A spinning: the spinner has a core of its own, so B runs at full speed and
 * the times are the passive ones: b0 = [0, 10], b1 = [10, 20], a0 = [25, 30]. */
static void test_active_two_cores(void **state)
{
    (void)state;
    struct spin_graph t;
    pl_graph *g = spin_graph(2, PL_WAIT_ACTIVE, &t);
    pl_timeline tl;
    simulate(g, &tl);
    pl_assert_near(tl.end[t.b0], 10 * US, TOL);
    pl_assert_near(tl.end[t.b1], 20 * US, TOL);
    pl_assert_near(tl.start[t.a0], 25 * US, TOL);
    pl_assert_near(tl.end[t.a0], 30 * US, TOL);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
}

static void test_set_unit_wait_rejects(void **state)
{
    (void)state;
    pl_graph *g = pl_graph_create("modes");
    uint32_t host = add_place(g, "host", PL_PLACE_HOST, 2);
    uint32_t dev = add_place(g, "device", PL_PLACE_DEVICE, 1);
    uint32_t h = add_unit(g, "h", host), d = add_unit(g, "d", dev);
    assert_int_equal(pl_graph_set_unit_wait(g, d, PL_WAIT_ACTIVE, 0), PL_EINVAL);
    assert_int_equal(pl_graph_set_unit_wait(g, h, PL_WAIT_PASSIVE, -1e-6), PL_EINVAL);
    assert_int_equal(pl_graph_set_unit_wait(g, h, PL_WAIT_PASSIVE, INFINITY), PL_EINVAL);
    assert_int_equal(pl_graph_set_unit_wait(g, h, PL_WAIT_PASSIVE, NAN), PL_EINVAL);
    assert_int_equal(pl_graph_set_unit_wait(g, h, PL_WAIT_ACTIVE, 1e-6), PL_EINVAL);
    assert_int_equal(pl_graph_set_unit_wait(g, h, PL_WAIT_ACTIVE, 0), 0);
    assert_int_equal(pl_graph_set_unit_wait(g, d, PL_WAIT_PASSIVE, 2e-6), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    assert_int_equal(pl_graph_unit_wait(g, h), PL_WAIT_ACTIVE);
    assert_int_equal(pl_graph_unit_wait(g, d), PL_WAIT_PASSIVE);
    pl_assert_near(pl_graph_unit_wakeup(g, h), 0, 0);
    pl_assert_near(pl_graph_unit_wakeup(g, d), 2e-6, 0);
    pl_graph_destroy(g);
}

/* What a forked pl_simgrid_run reports back through shared memory. */
struct engine_result {
    int rc;
    double end_b0;
    char msg[PL_DIAG_MAX];
};

/* The runner refuses a cyclic graph before simulating, so the engine's own deadlock
 * detection is reached only by calling it directly, in a child (one SimGrid engine per
 * process) that an alarm kills if the engine hangs. */
static void run_engine_in_child(const pl_graph *g, struct engine_result *r)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(30);
        pl_timeline tl;
        pl_diag d;
        pl_diag_init(&d);
        if (pl_timeline_init(&tl, pl_graph_task_count(g)) != 0)
            _exit(2);
        r->rc = pl_simgrid_run(g, &tl, &d);
        r->end_b0 = tl.end[1];
        snprintf(r->msg, sizeof r->msg, "%s", d.msg);
        pl_timeline_fini(&tl);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        fail_msg("the engine child died of signal %d (SIGALRM: it hung)", WTERMSIG(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Threads A and B on a one-core host, both spinning, in a cycle of slot and data edges:
 * a0 waits for the start of b1, b1 for the end of a1. B's task b0 (10 us, task id 1)
 * has no edge: it shares the core with A's spinner and ends at 20 us; then B blocks too,
 * nobody is active and the engine reports a deadlock instead of spinning forever. */
static void test_deadlock_with_active_units(void **state)
{
    (void)state;
    pl_graph *g = pl_graph_create("cyclic");
    uint32_t host = add_place(g, "host", PL_PLACE_HOST, 1);
    uint32_t a = add_unit(g, "A", host), b = add_unit(g, "B", host);
    assert_int_equal(pl_graph_set_unit_wait(g, a, PL_WAIT_ACTIVE, 0), 0);
    assert_int_equal(pl_graph_set_unit_wait(g, b, PL_WAIT_ACTIVE, 0), 0);
    uint32_t a0 = add_task(g, a, 1 * US, 0), b0 = add_task(g, b, 10 * US, 0);
    uint32_t a1 = add_task(g, a, 1 * US, 1), b1 = add_task(g, b, 1 * US, 1);
    assert_int_equal(b0, 1);
    add_edge(g, b1, a0, PL_EDGE_SLOT, PL_AT_START);
    add_edge(g, a1, b1, PL_EDGE_DATA, PL_AT_END);
    assert_int_equal(pl_graph_finalize(g), 0);
    struct engine_result *r =
        mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(r != MAP_FAILED);
    run_engine_in_child(g, r);
    assert_int_equal(r->rc, PL_EDEADLOCK);
    assert_true(pl_test_contains(r->msg, "waits (slot) for the start of B"));
    assert_true(pl_test_contains(r->msg, "waits (data) for the end of A"));
    pl_assert_near(r->end_b0, 20 * US, 1e-9 * 20 * US);
    munmap(r, sizeof *r);
    pl_graph_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passive_wakeup_every_task),
        cmocka_unit_test(test_passive_wakeup_only_first),
        cmocka_unit_test(test_no_wakeup_on_ties),
        cmocka_unit_test(test_active_one_core),
        cmocka_unit_test(test_passive_one_core),
        cmocka_unit_test(test_active_two_cores),
        cmocka_unit_test(test_set_unit_wait_rejects),
        cmocka_unit_test(test_deadlock_with_active_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
