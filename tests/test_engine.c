/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_engine.c — the SimGrid engine and the runner, on graphs built by hand.
 *
 * Expected values come from closed forms computed here, independently of the
 * engine: the start and leave times of a flow line whose stations block after service
 * (Y. Dallery and S. B. Gershwin, "Manufacturing flow line systems: a review of models
 * and analytical results", Queueing Systems 12, 1992), as a (max, +) recurrence (F.
 * Baccelli, G. Cohen, G. J. Olsder and J.-P. Quadrat, "Synchronization and Linearity: An
 * Algebra for Discrete Event Systems", Wiley, 1992); the makespans of three lines worked
 * out from sum s_i + (N - 1) x max s_i (unbounded buffers): the first job's way through
 * every station, then one job per cycle of the slowest station, the cycle time of the
 * line as a marked graph (C. V. Ramamoorthy and G. S. Ho, "Performance Evaluation of
 * Asynchronous Concurrent Systems Using Petri Nets", IEEE Transactions on Software
 * Engineering SE-6(5), 1980); and equal processor sharing for host threads on fewer
 * cores.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/graph/check.h"
#include "sim/graph/graph.h"
#include "sim/engine/runner.h"
#include "sim/measure/bound.h"
#include "support.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAXS 8
#define MAXN 64

/* A line of m stations, N jobs, b[i] waiting places after station i (-1: unbounded),
 * saturated source, blocking after service. */
struct line {
    int m, n;
    double s[MAXS];
    int b[MAXS];
};

/* The graph the models build for such a line: one unit per station, a data edge from
 * the previous station's end, and for a finite buffer a slot edge: the producer's task
 * for job k+1 waits for the start of the consumer's task for job k - b (that is when
 * the consumer takes job k - b off the queue, making room for job k). */
static pl_graph *line_graph(const struct line *L, uint32_t task[MAXS][MAXN])
{
    pl_graph *g = pl_graph_create("line");
    uint32_t place, label, unit[MAXS];
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &place), 0);
    assert_int_equal(pl_graph_add_label(g, "job", &label), 0);
    for (int i = 0; i < L->m; i++) {
        char name[16];
        snprintf(name, sizeof name, "st%d", i);
        assert_int_equal(pl_graph_add_unit(g, name, place, &unit[i]), 0);
    }
    for (int k = 0; k < L->n; k++)
        for (int i = 0; i < L->m; i++) {
            assert_int_equal(
                pl_graph_add_task(g, unit[i], L->s[i], label, (uint32_t)k, &task[i][k]), 0);
            if (i > 0)
                assert_int_equal(
                    pl_graph_add_edge(g, task[i - 1][k], task[i][k], PL_EDGE_DATA, PL_AT_END), 0);
        }
    for (int i = 0; i + 1 < L->m; i++)
        for (int k = 0; L->b[i] >= 0 && k + 1 < L->n; k++)
            if (k - L->b[i] >= 0)
                assert_int_equal(pl_graph_add_edge(g, task[i + 1][k - L->b[i]], task[i][k + 1],
                                                   PL_EDGE_SLOT, PL_AT_START),
                                 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}

/* Blocking after service with b_i waiting places after station i (see the header):
 * S_i(k) = max(D_{i-1}(k), D_i(k-1)), D_i(k) = max(S_i(k) + s_i, D_{i+1}(k - b_i - 1)),
 * D_0 = 0 (saturated source), indices from 0 here. Job k - b - 1
 * comes before job k, so one sweep in job order computes it. */
static void line_recurrence(const struct line *L, double S[MAXS][MAXN])
{
    double D[MAXS][MAXN] = {{0}};
    for (int k = 0; k < L->n; k++)
        for (int i = 0; i < L->m; i++) {
            S[i][k] = fmax(i > 0 ? D[i - 1][k] : 0, k > 0 ? D[i][k - 1] : 0);
            D[i][k] = S[i][k] + L->s[i];
            int j = k - L->b[i] - 1;
            if (i + 1 < L->m && L->b[i] >= 0 && j >= 0)
                D[i][k] = fmax(D[i][k], D[i + 1][j]);
        }
}

static double simulate_line(const struct line *L, double S[MAXS][MAXN])
{
    uint32_t task[MAXS][MAXN];
    pl_graph *g = line_graph(L, task);
    pl_timeline tl;
    pl_test_simulate(g, &tl);
    for (int i = 0; S && i < L->m; i++)
        for (int k = 0; k < L->n; k++)
            S[i][k] = tl.start[task[i][k]];
    double makespan = tl.makespan;
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
    return makespan;
}

/* Makespans worked out from sum s_i + (N - 1) x max s_i: (2, 3, 1) us, 5 jobs,
 * 2 + 3 + 1 + 4 x 3 = 18 with unbounded buffers, and the recurrence gives 18 with none
 * too; (4, 1, 1, 1) us, 10 jobs, 4 + 1 + 1 + 1 + 9 x 4 = 43. Exact to 1e-9 relative. */
static void test_flow_line_table(void **state)
{
    (void)state;
    struct line a = {3, 5, {2, 3, 1}, {-1, -1}};
    pl_assert_near(simulate_line(&a, NULL), 18, 18e-9);
    struct line b = {3, 5, {2, 3, 1}, {0, 0}};
    pl_assert_near(simulate_line(&b, NULL), 18, 18e-9);
    struct line c = {4, 10, {4, 1, 1, 1}, {-1, -1, -1}};
    pl_assert_near(simulate_line(&c, NULL), 43, 43e-9);
}

/* Random lines with finite buffers: every start time equals the recurrence above. */
static void test_random_lines_match_recurrence(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    for (int trial = 0; trial < 40; trial++) {
        struct line L = {
            2 + (int)gsl_rng_uniform_int(r, 4), 1 + (int)gsl_rng_uniform_int(r, 30), {0}, {0}};
        for (int i = 0; i < L.m; i++) {
            L.s[i] = 1e-6 * (double)(1 + gsl_rng_uniform_int(r, 9));
            L.b[i] = (int)gsl_rng_uniform_int(r, 4) - 1;
        }
        double want[MAXS][MAXN], got[MAXS][MAXN];
        line_recurrence(&L, want);
        simulate_line(&L, got);
        for (int i = 0; i < L.m; i++)
            for (int k = 0; k < L.n; k++)
                pl_assert_near(got[i][k], want[i][k], 1e-9 * fmax(want[i][k], 1e-6));
    }
    gsl_rng_free(r);
}

/* Three threads with 3 tasks each (10, 8, 6 us) on a host with 2 cores. Equal sharing:
 * with k threads running, each progresses at min(1, 2/k). Computed event by event. */
static void test_threads_share_cores(void **state)
{
    (void)state;
    const double w[3] = {10e-6, 8e-6, 6e-6};
    pl_graph *g = pl_graph_create("sharing");
    uint32_t place, label, unit[3], task[3][3];
    assert_int_equal(pl_graph_add_place(g, "host", PL_PLACE_HOST, 2, &place), 0);
    assert_int_equal(pl_graph_add_label(g, "op", &label), 0);
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "t%d", i);
        assert_int_equal(pl_graph_add_unit(g, name, place, &unit[i]), 0);
        for (int k = 0; k < 3; k++)
            assert_int_equal(pl_graph_add_task(g, unit[i], w[i], label, (uint32_t)k, &task[i][k]),
                             0);
    }
    assert_int_equal(pl_graph_finalize(g), 0);
    pl_timeline tl;
    pl_test_simulate(g, &tl);

    double left[3], now = 0, end[3][3];
    int next[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++)
        left[i] = w[i];
    for (;;) {
        int running = 0;
        for (int i = 0; i < 3; i++)
            running += next[i] < 3;
        if (!running)
            break;
        double rate = fmin(1.0, 2.0 / running), dt = INFINITY;
        for (int i = 0; i < 3; i++)
            if (next[i] < 3)
                dt = fmin(dt, left[i] / rate);
        now += dt;
        for (int i = 0; i < 3; i++) {
            if (next[i] >= 3)
                continue;
            left[i] -= dt * rate;
            if (left[i] <= 1e-18) {
                end[i][next[i]++] = now;
                left[i] = w[i];
            }
        }
    }
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++)
            pl_assert_near(tl.end[task[i][k]], end[i][k], 1e-9 * end[i][k]);
    /* From the run printed by hand: w3's first task ends at 9 us (6 us at 2/3 speed). */
    pl_assert_near(tl.end[task[2][0]], 9e-6, 1e-15);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
}

/* Two units each waiting for the other's second task: a cycle, named before simulating. */
static void test_cycle_is_reported(void **state)
{
    (void)state;
    pl_graph *g = pl_test_cycle_graph("cyclic", "x");
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_check_graph(g, &d), PL_EDEADLOCK);
    assert_true(pl_test_contains(d.msg, "A 'x' #0 waits (slot) for the start of B 'x' #1"));
    assert_true(pl_test_contains(d.msg, "waits (data) for the end of A 'x' #1"));
    pl_timeline tl;
    const pl_graph *gs[] = {g};
    assert_int_equal(pl_runner_simulate(gs, &tl, 1, 1, PL_ENGINE_SIMGRID, &d), PL_EDEADLOCK);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
}

/* Two threads on a host of one core, each with one 1 ms task that sleeps the given share of
 * its time (the end of it) without the core. */
static pl_graph *two_sleepers(double share)
{
    pl_graph *g = pl_graph_create("sleepers");
    uint32_t host, dev, label, u[2], t[2], d, dt;
    assert_int_equal(pl_graph_add_place(g, "host", PL_PLACE_HOST, 1, &host), 0);
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &dev), 0);
    assert_int_equal(pl_graph_add_label(g, "x", &label), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pl_graph_add_unit(g, i ? "B" : "A", host, &u[i]), 0);
        assert_int_equal(pl_graph_add_task(g, u[i], 1e-3, label, 0, &t[i]), 0);
        assert_int_equal(pl_graph_set_task_sleep(g, t[i], share), 0);
    }
    /* Refused: a share out of [0, 1], and a device task (it holds no core anyway). */
    assert_int_equal(pl_graph_set_task_sleep(g, t[0], 1.5), PL_EINVAL);
    assert_int_equal(pl_graph_set_task_sleep(g, t[0], -0.1), PL_EINVAL);
    assert_int_equal(pl_graph_add_unit(g, "D", dev, &d), 0);
    assert_int_equal(pl_graph_add_task(g, d, 1e-3, label, 0, &dt), 0);
    assert_int_equal(pl_graph_set_task_sleep(g, dt, 0.5), PL_EINVAL);
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}

/* Sleeping tasks hold no core. Sleeping all of their 1 ms, the two threads of one core end
 * together at 1 ms, nothing shared, on the analytic engine. Sleeping half of it, each works
 * 0.5 ms on the core and then sleeps: the core's work is 1 ms, so the two works end at 1 ms
 * at best (in slices: A 0 to 0.5 ms, B 0.5 to 1 ms; fairly: both at half speed to 1 ms),
 * the last sleep at 1.5 ms; the engine is SimGrid (two threads want the one core at once),
 * and the bound counts only work on the host's core (1 ms) where the chains are 1 ms too. */
static void test_sleeping_tasks(void **state)
{
    (void)state;
    for (int half = 0; half < 2; half++) {
        pl_graph *g = two_sleepers(half ? 0.5 : 1);
        const pl_graph *gs[] = {g};
        pl_timeline tl;
        pl_diag d;
        pl_diag_init(&d);
        assert_int_equal(pl_runner_simulate(gs, &tl, 1, 1, PL_ENGINE_AUTO, &d), 0);
        assert_int_equal(tl.engine, half ? PL_ENGINE_SIMGRID : PL_ENGINE_ANALYTIC);
        pl_assert_near(tl.makespan, half ? 1.5e-3 : 1e-3, 1e-15);
        pl_bound b;
        assert_int_equal(pl_bound_compute(g, &b), 0);
        pl_assert_near(b.makespan, 1e-3, 1e-15);
        pl_timeline_fini(&tl);
        pl_graph_destroy(g);
    }
}

/* A sleeper woken by a spinner, worked by hand (docs/stream.md, "Threads and cores"): on
 * a host of 2 cores with wake cost 2 us, thread A spins (active) and runs a0 and a1 of
 * 10 us each; thread B sleeps when it waits (passive, wake-up 3 us) and runs b0, then b1,
 * each after the matching task of A (data edges from a0's and a1's ends).
 * - b0 (5 us): B is free from 0 and sleeps until a0 ends at 10 us, so A pays 2 us after
 *   a0 (a1 runs 12-22) and b0 starts 3 us after a0's end: 13-18.
 * - b1 (5 us): B is free from 18 and sleeps until a1 ends at 22: A pays 2 us after a1
 *   (woke 2 us), b1 runs 25-30. Makespan 30 us.
 * - b0 of 20 us instead (13-33): B is busy when a1 ends at 22, so A pays nothing after
 *   a1 and b1 starts at once when b0 ends: 33-38.
 * Both engines, and the auto engine picks the analytic one (2 threads, 2 cores). */
static void test_spinner_wakes_sleeper(void **state)
{
    (void)state;
    for (int busy = 0; busy < 2; busy++) {
        pl_graph *g = pl_graph_create("wake");
        uint32_t host, label, a, b, a0, a1, b0, b1;
        assert_int_equal(pl_graph_add_place(g, "host", PL_PLACE_HOST, 2, &host), 0);
        pl_host_scheduler sched = {.slice = 4e-3, .tick = 4e-3, .wake_cost = 2e-6};
        assert_int_equal(pl_graph_set_place_scheduler(g, host, sched), 0);
        assert_int_equal(pl_graph_add_label(g, "x", &label), 0);
        assert_int_equal(pl_graph_add_unit(g, "A", host, &a), 0);
        assert_int_equal(pl_graph_add_unit(g, "B", host, &b), 0);
        assert_int_equal(pl_graph_set_unit_wait(g, a, PL_WAIT_ACTIVE, 0), 0);
        assert_int_equal(pl_graph_set_unit_wait(g, b, PL_WAIT_PASSIVE, 3e-6), 0);
        assert_int_equal(pl_graph_add_task(g, a, 10e-6, label, 0, &a0), 0);
        assert_int_equal(pl_graph_add_task(g, a, 10e-6, label, 1, &a1), 0);
        assert_int_equal(pl_graph_add_task(g, b, busy ? 20e-6 : 5e-6, label, 0, &b0), 0);
        assert_int_equal(pl_graph_add_task(g, b, 5e-6, label, 1, &b1), 0);
        assert_int_equal(pl_graph_add_edge(g, a0, b0, PL_EDGE_DATA, PL_AT_END), 0);
        assert_int_equal(pl_graph_add_edge(g, a1, b1, PL_EDGE_DATA, PL_AT_END), 0);
        assert_int_equal(pl_graph_finalize(g), 0);
        assert_true(pl_graph_wakes(g));
        const pl_graph *gs[] = {g};
        for (int e = 0; e < 2; e++) {
            pl_timeline tl;
            pl_diag d;
            pl_diag_init(&d);
            pl_engine_kind engine = e ? PL_ENGINE_SIMGRID : PL_ENGINE_AUTO;
            assert_int_equal(pl_runner_simulate(gs, &tl, 1, 1, engine, &d), 0);
            if (!e)
                assert_int_equal(tl.engine, PL_ENGINE_ANALYTIC);
            assert_non_null(tl.woke);
            pl_assert_near(tl.start[a1], 12e-6, 1e-15);
            pl_assert_near(tl.woke[a0], 2e-6, 1e-15);
            pl_assert_near(tl.start[b0], 13e-6, 1e-15);
            pl_assert_near(tl.woke[a1], busy ? 0 : 2e-6, 1e-15);
            pl_assert_near(tl.start[b1], busy ? 33e-6 : 25e-6, 1e-15);
            pl_assert_near(tl.makespan, busy ? 38e-6 : 30e-6, 1e-15);
            pl_timeline_fini(&tl);
        }
        pl_graph_destroy(g);
    }
}

/* The preemption cases' graph: a host of `cores` cores in 4 ms slices on 4 ms ticks, a
 * sleeping thread's lag kept within `limit`; its place into *host and a label into *label. */
static pl_graph *sliced_host(const char *name, int cores, double limit, uint32_t *host,
                             uint32_t *label)
{
    pl_graph *g = pl_graph_create(name);
    assert_int_equal(pl_graph_add_place(g, "host", PL_PLACE_HOST, cores, host), 0);
    pl_host_scheduler sched = {.slice = 4e-3, .tick = 4e-3, .lag_limit = limit};
    assert_int_equal(pl_graph_set_place_scheduler(g, *host, sched), 0);
    assert_int_equal(pl_graph_add_label(g, "x", label), 0);
    return g;
}

/* A task of unit u that sleeps all its `length` (it holds no core). */
static uint32_t sleeping_task(pl_graph *g, uint32_t u, double length, uint32_t label, uint32_t item)
{
    uint32_t t;
    assert_int_equal(pl_graph_add_task(g, u, length, label, item, &t), 0);
    assert_int_equal(pl_graph_set_task_sleep(g, t, 1), 0);
    return t;
}

/* g finalized and simulated by the auto engine, which must take SimGrid: its threads want
 * more cores than there are. */
static void run_sliced(pl_graph *g, pl_timeline *tl)
{
    assert_int_equal(pl_graph_finalize(g), 0);
    const pl_graph *gs[] = {g};
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_runner_simulate(gs, tl, 1, 1, PL_ENGINE_AUTO, &d), 0);
    assert_int_equal(tl->engine, PL_ENGINE_SIMGRID);
}

/* Waking, worked by hand (pl_host_scheduler.lag_limit, as Linux's EEVDF: docs/stream.md,
 * "Threads and cores"). One core in 4 ms slices on 4 ms ticks. Thread A works 10 ms;
 * thread B works W (b0, none when W = 0), sleeps S (a sleeping task: no core) and then
 * works 0.5 ms (b2). A sleeping thread keeps its lag (the average core time of the
 * runnable threads, its own among them, less its own), and a woken one is placed from it;
 * with one other thread at a, at a - 2 lag.
 * - W = 0, S = 3 ms: B sleeps at 0 owed nothing (lag 0); woken at 3 ms it counts A's 3 ms,
 *   and A, at the average, keeps the core: B queues until A's slice is over at the 4 ms
 *   tick, b2 runs 4-4.5 ms and A ends at 10.5 ms. (A fair scheduler's sleeper credit would
 *   have let B take the core at 3 ms.)
 * - W = 0.5 ms after A, S = 1 ms: B waits for the core until A's slice is over at 4 ms, b0
 *   runs 4-4.5 ms, and B sleeps owed (4 + 0.5) / 2 - 0.5 = 1.75 ms; woken at 5.5 ms it is
 *   placed at A's 5 ms less 3.5 ms, the average is 3.25 ms, A has had more: B takes the core
 *   at once, b2 runs 5.5-6 ms, and A, with 5 ms to go, ends at 11 ms.
 * - the same with a lag limit of 0: B's lag counts 0, it is placed at A's 5 ms, the average,
 *   and queues; A's slice, begun at 4.5 ms, is over on the 12 ms tick, after A ends at
 *   10.5 ms: b2 runs 10.5-11 ms.
 * - W = 1 ms before A, S = 1 ms: b0 runs 0-1 ms while A waits, and B sleeps owing
 *   (1 + 0) / 2 - 1 = -0.5 ms; woken at 2 ms it is not owed and queues until A's slice,
 *   begun at 1 ms, is over on the 8 ms tick: b2 runs 8-8.5 ms and A ends at 11.5 ms. */
static void test_wake_preemption(void **state)
{
    (void)state;
    static const struct {
        double work, sleep, limit;
        bool b_first;
        double b_start, a_end;
    } cases[] = {
        {0, 3e-3, 4e-3, false, 4e-3, 10.5e-3},
        {0.5e-3, 1e-3, 4e-3, false, 5.5e-3, 11e-3},
        {0.5e-3, 1e-3, 0, false, 10.5e-3, 10.5e-3},
        {1e-3, 1e-3, 4e-3, true, 8e-3, 11.5e-3},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        uint32_t host, label, a, b, a0, b0, b2;
        pl_graph *g = sliced_host("preempt", 1, cases[k].limit, &host, &label);
        if (cases[k].b_first)
            assert_int_equal(pl_graph_add_unit(g, "B", host, &b), 0);
        assert_int_equal(pl_graph_add_unit(g, "A", host, &a), 0);
        if (!cases[k].b_first)
            assert_int_equal(pl_graph_add_unit(g, "B", host, &b), 0);
        assert_int_equal(pl_graph_add_task(g, a, 10e-3, label, 0, &a0), 0);
        if (cases[k].work > 0)
            assert_int_equal(pl_graph_add_task(g, b, cases[k].work, label, 0, &b0), 0);
        sleeping_task(g, b, cases[k].sleep, label, 1);
        assert_int_equal(pl_graph_add_task(g, b, 0.5e-3, label, 2, &b2), 0);
        pl_timeline tl;
        run_sliced(g, &tl);
        print_message("case %zu: b2 %g-%g, a0 ends %g\n", k, tl.start[b2], tl.end[b2], tl.end[a0]);
        pl_assert_near(tl.start[b2], cases[k].b_start, 1e-15);
        pl_assert_near(tl.end[b2], cases[k].b_start + 0.5e-3, 1e-15);
        pl_assert_near(tl.end[a0], cases[k].a_end, 1e-15);
        pl_timeline_fini(&tl);
        pl_graph_destroy(g);
    }
}

/* A woken thread that owes core time does not take a core, even from a thread that has had
 * more than the average (EEVDF picks only threads that are owed). One core, lags within
 * 4 ms. B works 1 ms first (b0) while A and W, 10 ms each, queue; B sleeps at 1 ms owing
 * (0 + 0 + 1) / 3 - 1 = -2/3 ms. A runs from 1 ms. B wakes at 2 ms, placed at the others'
 * average 0.5 ms less -2/3 x 3 / 2, so at 1.5 ms; A, at 1 ms against an average of
 * 0.83 ms, has had more, but B is not owed and queues behind W. A's slice, begun at 1 ms,
 * is over on the 8 ms tick, W's on the 12 ms one: b2 runs 12-12.5 ms, A (7 ms done) ends at
 * 15.5 ms and W at 21.5 ms. (Taking A's core, b2 would have run at 2 ms.) */
static void test_wake_owing(void **state)
{
    (void)state;
    uint32_t host, label, b, a, w, b0, a0, w0, b2;
    pl_graph *g = sliced_host("owing", 1, 4e-3, &host, &label);
    assert_int_equal(pl_graph_add_unit(g, "B", host, &b), 0);
    assert_int_equal(pl_graph_add_unit(g, "A", host, &a), 0);
    assert_int_equal(pl_graph_add_unit(g, "W", host, &w), 0);
    assert_int_equal(pl_graph_add_task(g, b, 1e-3, label, 0, &b0), 0);
    sleeping_task(g, b, 1e-3, label, 1);
    assert_int_equal(pl_graph_add_task(g, b, 0.5e-3, label, 2, &b2), 0);
    assert_int_equal(pl_graph_add_task(g, a, 10e-3, label, 0, &a0), 0);
    assert_int_equal(pl_graph_add_task(g, w, 10e-3, label, 0, &w0), 0);
    pl_timeline tl;
    run_sliced(g, &tl);
    print_message("b0 %g-%g, b2 %g-%g, a0 %g-%g, w0 %g-%g\n", tl.start[b0], tl.end[b0],
                  tl.start[b2], tl.end[b2], tl.start[a0], tl.end[a0], tl.start[w0], tl.end[w0]);
    pl_assert_near(tl.start[b2], 12e-3, 1e-15);
    pl_assert_near(tl.end[a0], 15.5e-3, 1e-15);
    pl_assert_near(tl.end[w0], 21.5e-3, 1e-15);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
}

/* The woken thread takes the core it last ran on, not any core whose thread has had more
 * than the average (as Linux wakes it on its previous CPU). Two cores in 4 ms slices on
 * 4 ms ticks, lags within 4 ms. A works 10 ms from 0 on core 0, E 1 ms from 0 on core 1.
 * B, queued, works 0.1 ms at 1 ms on core 1 (b0) and sleeps owed (1.1 + 0.1) / 2 - 0.1 =
 * 0.5 ms; C sleeps 2 ms from 0 (owed nothing), then works 10 ms (c1) on core 1, free,
 * placed at A's 2 ms. B wakes at 4.1 ms: A and C have had 4.1 ms each, B is placed at
 * 4.1 - 0.5 x 3 / 2 = 3.35 ms, the average is 3.85 ms; C, on B's core, has had more, so B
 * takes core 1 at once: b2 runs 4.1-4.6 ms, C, with 7.9 ms to go, ends at 12.5 ms, and A
 * ends at 10 ms. (Taking core 0 from A, the first of the two with the most core time, A
 * would end at 10.5 ms and C at 12 ms.) */
static void test_wake_preemption_own_core(void **state)
{
    (void)state;
    uint32_t host, label, a, e, b, c, a0, e0, b0, b2, c1;
    pl_graph *g = sliced_host("own core", 2, 4e-3, &host, &label);
    assert_int_equal(pl_graph_add_unit(g, "A", host, &a), 0);
    assert_int_equal(pl_graph_add_unit(g, "E", host, &e), 0);
    assert_int_equal(pl_graph_add_unit(g, "B", host, &b), 0);
    assert_int_equal(pl_graph_add_unit(g, "C", host, &c), 0);
    assert_int_equal(pl_graph_add_task(g, a, 10e-3, label, 0, &a0), 0);
    assert_int_equal(pl_graph_add_task(g, e, 1e-3, label, 0, &e0), 0);
    assert_int_equal(pl_graph_add_task(g, b, 0.1e-3, label, 0, &b0), 0);
    sleeping_task(g, b, 3e-3, label, 1);
    assert_int_equal(pl_graph_add_task(g, b, 0.5e-3, label, 2, &b2), 0);
    sleeping_task(g, c, 2e-3, label, 0);
    assert_int_equal(pl_graph_add_task(g, c, 10e-3, label, 1, &c1), 0);
    pl_timeline tl;
    run_sliced(g, &tl);
    print_message("b0 %g-%g, b2 %g-%g, a0 ends %g, c1 %g-%g\n", tl.start[b0], tl.end[b0],
                  tl.start[b2], tl.end[b2], tl.end[a0], tl.start[c1], tl.end[c1]);
    pl_assert_near(tl.start[b0], 1e-3, 1e-15);
    pl_assert_near(tl.start[b2], 4.1e-3, 1e-15);
    pl_assert_near(tl.end[b2], 4.6e-3, 1e-15);
    pl_assert_near(tl.end[a0], 10e-3, 1e-15);
    pl_assert_near(tl.start[c1], 2e-3, 1e-15);
    pl_assert_near(tl.end[c1], 12.5e-3, 1e-15);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
}

/* A spinner's core is taken as a worker's is (the kernel does not know that it spins). One
 * core as in test_wake_preemption; thread A spins (active waiting) from 0 for the end of
 * B's task b2 and then works 1 ms (a0); B works W (b0), sleeps S and then works 0.5 ms (b2).
 * - W = 0, S = 3 ms: B, owed nothing, queues until A's slice is over at the 4 ms tick; b2
 *   runs 4-4.5 ms and A, queued at 4 ms, runs a0 4.5-5.5 ms.
 * - W = 0.5 ms, S = 1 ms: b0 waits for A's slice to end at 4 ms and runs 4-4.5 ms; B sleeps
 *   owed 1.75 ms, and woken at 5.5 ms takes the core from A, which has spun 5 ms against
 *   an average of 3.25 ms: b2 runs 5.5-6 ms; A, stopped and queued, gets the core back at
 *   6 ms, sees b2's end and runs a0 6-7 ms. */
static void test_spinner_preempted(void **state)
{
    (void)state;
    static const struct {
        double work, sleep, b_start, a_start;
    } cases[] = {{0, 3e-3, 4e-3, 4.5e-3}, {0.5e-3, 1e-3, 5.5e-3, 6e-3}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        uint32_t host, label, a, b, a0, b0, b2;
        pl_graph *g = sliced_host("spinner", 1, 4e-3, &host, &label);
        assert_int_equal(pl_graph_add_unit(g, "A", host, &a), 0);
        assert_int_equal(pl_graph_add_unit(g, "B", host, &b), 0);
        assert_int_equal(pl_graph_set_unit_wait(g, a, PL_WAIT_ACTIVE, 0), 0);
        assert_int_equal(pl_graph_add_task(g, a, 1e-3, label, 0, &a0), 0);
        if (cases[k].work > 0)
            assert_int_equal(pl_graph_add_task(g, b, cases[k].work, label, 0, &b0), 0);
        sleeping_task(g, b, cases[k].sleep, label, 1);
        assert_int_equal(pl_graph_add_task(g, b, 0.5e-3, label, 2, &b2), 0);
        assert_int_equal(pl_graph_add_edge(g, b2, a0, PL_EDGE_DATA, PL_AT_END), 0);
        pl_timeline tl;
        run_sliced(g, &tl);
        print_message("case %zu: b2 from %g, a0 from %g\n", k, tl.start[b2], tl.start[a0]);
        pl_assert_near(tl.start[b2], cases[k].b_start, 1e-15);
        pl_assert_near(tl.start[a0], cases[k].a_start, 1e-15);
        pl_assert_near(tl.makespan, cases[k].a_start + 1e-3, 1e-15);
        pl_timeline_fini(&tl);
        pl_graph_destroy(g);
    }
}

/* The release edge is the edge whose event came last; ties go to the first listed. */
static void test_release_edge(void **state)
{
    (void)state;
    pl_graph *g = pl_graph_create("release");
    uint32_t place, label, u[3], t[3];
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &place), 0);
    assert_int_equal(pl_graph_add_label(g, "x", &label), 0);
    for (int i = 0; i < 3; i++) {
        char name[8];
        snprintf(name, sizeof name, "u%d", i);
        assert_int_equal(pl_graph_add_unit(g, name, place, &u[i]), 0);
    }
    assert_int_equal(pl_graph_add_task(g, u[0], 2e-6, label, 0, &t[0]), 0);
    assert_int_equal(pl_graph_add_task(g, u[1], 5e-6, label, 0, &t[1]), 0);
    assert_int_equal(pl_graph_add_task(g, u[2], 1e-6, label, 0, &t[2]), 0);
    assert_int_equal(pl_graph_add_edge(g, t[0], t[2], PL_EDGE_DATA, PL_AT_END), 0);
    assert_int_equal(pl_graph_add_edge(g, t[1], t[2], PL_EDGE_SYNC, PL_AT_END), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    pl_timeline tl;
    pl_test_simulate(g, &tl);
    uint32_t first, n;
    pl_graph_task_edges(g, t[2], &first, &n);
    assert_int_equal(tl.release[t[2]], first + 1);
    assert_int_equal(pl_graph_edge(g, tl.release[t[2]])->kind, PL_EDGE_SYNC);
    pl_assert_near(tl.start[t[2]], 5e-6, 1e-18);
    pl_timeline_fini(&tl);
    pl_graph_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_line_table),
        cmocka_unit_test(test_random_lines_match_recurrence),
        cmocka_unit_test(test_threads_share_cores),
        cmocka_unit_test(test_cycle_is_reported),
        cmocka_unit_test(test_release_edge),
        cmocka_unit_test(test_sleeping_tasks),
        cmocka_unit_test(test_spinner_wakes_sleeper),
        cmocka_unit_test(test_wake_preemption),
        cmocka_unit_test(test_spinner_preempted),
        cmocka_unit_test(test_wake_preemption_own_core),
        cmocka_unit_test(test_wake_owing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
