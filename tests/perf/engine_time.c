/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * engine_time.c — times one engine on one scenario's run graph, for scripts/bench.sh.
 *
 * Loads and lowers the scenario (with --set overrides), then executes only its run
 * graph (not the baseline) through the runner with the engine asked for, as pipelab
 * run does: for SimGrid that includes the fork, the platform file and the timeline's
 * trip over the pipe. Prints one line: tasks, the engine that ran, wall seconds of the
 * execution, tasks per second, the makespan, the bytes per task of the task graph plus
 * its timeline (what pl_graph_bytes counts, and the timeline's three arrays), and the
 * peak resident memory of this process and of its children in KiB. When the analytic
 * engine ran, also the seconds of another analytic pass over the same timeline (memory
 * already touched: the pass alone, as tests/perf/floor times its own), best of three.
 *
 * With --dump FILE it executes nothing: it writes the run graph and its baseline in the
 * format tests/perf/floor reads (see there), for the floor yardstick of the same graphs.
 *
 * usage: engine_time SCENARIO auto|simgrid|analytic [KEY=VALUE]...
 *        engine_time --dump FILE SCENARIO [KEY=VALUE]...
 * exit status: 0, or 2 when the scenario or the engine fails (the message says why).
 */
#include "sim/engine/analytic.h"
#include "sim/engine/runner.h"
#include "sim/study/session.h"

#include <stdint.h>
#include <stdlib.h>

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Writes g as floor.c reads it; the edges must point backward. */
static int dump_graph(FILE *f, const pl_graph *g)
{
    uint32_t n = pl_graph_task_count(g), head[2] = {n, pl_graph_edge_count(g)};
    if (!pl_graph_edges_backward(g))
        return -1;
    double *alone = malloc(((size_t)n + 1) * sizeof *alone);
    uint32_t *a = malloc(((size_t)n + 1) * sizeof *a);
    int rc = alone && a && fwrite(head, sizeof head, 1, f) == 1 ? 0 : -1;
    for (uint32_t t = 0; t < n; t++)
        alone[t] = pl_graph_task_alone(g, t);
    if (rc == 0 && fwrite(alone, sizeof *alone, n, f) != n)
        rc = -1;
    for (uint32_t t = 0; t < n; t++)
        a[t] = pl_graph_task_prev(g, t);
    if (rc == 0 && fwrite(a, sizeof *a, n, f) != n)
        rc = -1;
    for (uint32_t t = 0, k; t <= n && rc == 0; t++)
        if (t < n)
            pl_graph_task_edges(g, t, &a[t], &k);
        else
            a[t] = head[1];
    if (rc == 0 && fwrite(a, sizeof *a, (size_t)n + 1, f) != (size_t)n + 1)
        rc = -1;
    for (uint32_t e = 0; e < head[1] && rc == 0; e++) {
        const pl_edge *edge = pl_graph_edge(g, e);
        uint32_t v = edge->src | (edge->at == PL_AT_START ? 0x80000000u : 0);
        rc = fwrite(&v, sizeof v, 1, f) == 1 ? 0 : -1;
    }
    free(alone);
    free(a);
    return rc;
}

static int dump(int argc, char **argv)
{
    pl_diag d;
    pl_diag_init(&d);
    pl_session *s = NULL;
    int rc = pl_session_open(argv[3], (const char *const *)argv + 4, (size_t)argc - 4, &s, &d);
    if (rc == 0)
        rc = pl_session_lower(s, &d);
    FILE *f = rc == 0 ? fopen(argv[2], "wb") : NULL;
    if (rc == 0 && !f)
        snprintf(d.msg, sizeof d.msg, "cannot write %s", argv[2]);
    rc = f ? dump_graph(f, pl_session_graph(s)) : -1;
    if (rc == 0 && pl_session_baseline_graph(s))
        rc = dump_graph(f, pl_session_baseline_graph(s));
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "engine_time: %s\n", f ? "a graph has edges pointing forward" : d.msg);
    pl_session_destroy(s);
    return rc == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "--dump") == 0)
        return dump(argc, argv);
    if (argc < 3 || pl_engine_named(argv[2]) == PL_ENGINE_KIND_COUNT) {
        fprintf(stderr, "usage: engine_time SCENARIO auto|simgrid|analytic [KEY=VALUE]...\n"
                        "       engine_time --dump FILE SCENARIO [KEY=VALUE]...\n");
        return 2;
    }
    pl_diag d;
    pl_diag_init(&d);
    pl_session *s = NULL;
    int rc = pl_session_open(argv[1], (const char *const *)argv + 3, (size_t)argc - 3, &s, &d);
    if (rc == 0)
        rc = pl_session_lower(s, &d);
    pl_timeline tl;
    memset(&tl, 0, sizeof tl);
    double t0 = now_s(), t1 = t0, pass = 0;
    if (rc == 0) {
        const pl_graph *g[] = {pl_session_graph(s)};
        rc = pl_runner_simulate(g, &tl, 1, 1, pl_engine_named(argv[2]), &d);
        t1 = now_s();
    }
    for (int i = 0; i < 3 && rc == 0 && tl.engine == PL_ENGINE_ANALYTIC; i++) {
        double t2 = now_s();
        rc = pl_analytic_run(pl_session_graph(s), &tl, &d);
        pass = i == 0 || now_s() - t2 < pass ? now_s() - t2 : pass;
    }
    if (rc != 0) {
        fprintf(stderr, "engine_time: %s\n", d.msg);
        pl_timeline_fini(&tl);
        pl_session_destroy(s);
        return 2;
    }
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    size_t bytes = pl_graph_bytes(pl_session_graph(s)) + sizeof tl +
                   ((size_t)tl.ntasks + 1) * (2 * sizeof *tl.start + sizeof *tl.release);
    printf("tasks %u engine %s wall_s %.4f tasks_per_s %.4g makespan_s %.9g "
           "graph_timeline_bytes_per_task %.1f rss_kib %ld child_rss_kib %ld pass_s %.6f\n",
           tl.ntasks, pl_engine_name(tl.engine), t1 - t0, tl.ntasks / (t1 - t0), tl.makespan,
           (double)bytes / tl.ntasks, self.ru_maxrss, kids.ru_maxrss, pass);
    pl_timeline_fini(&tl);
    pl_session_destroy(s);
    return 0;
}
