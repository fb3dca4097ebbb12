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
 * peak resident memory of this process and of its children in KiB.
 *
 * usage: engine_time SCENARIO auto|simgrid|analytic [KEY=VALUE]...
 * exit status: 0, or 2 when the scenario or the engine fails (the message says why).
 */
#include "sim/engine/runner.h"
#include "sim/study/session.h"

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

int main(int argc, char **argv)
{
    if (argc < 3 || pl_engine_named(argv[2]) == PL_ENGINE_KIND_COUNT) {
        fprintf(stderr, "usage: engine_time SCENARIO auto|simgrid|analytic [KEY=VALUE]...\n");
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
    double t0 = now_s(), t1 = t0;
    if (rc == 0) {
        const pl_graph *g[] = {pl_session_graph(s)};
        rc = pl_runner_simulate(g, &tl, 1, 1, pl_engine_named(argv[2]), &d);
        t1 = now_s();
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
           "graph_timeline_bytes_per_task %.1f rss_kib %ld child_rss_kib %ld\n",
           tl.ntasks, pl_engine_name(tl.engine), t1 - t0, tl.ntasks / (t1 - t0), tl.makespan,
           (double)bytes / tl.ntasks, self.ru_maxrss, kids.ru_maxrss);
    pl_timeline_fini(&tl);
    pl_session_destroy(s);
    return 0;
}
