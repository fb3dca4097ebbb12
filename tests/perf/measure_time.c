/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * measure_time.c — times each measure of one scenario's run and baseline, for
 * scripts/bench_measure.sh and for finding what measuring spends its time on.
 *
 * Loads and lowers the scenario (with --set overrides), executes the run graph and its
 * baseline with the analytic engine, then measures both as `pipelab run` does (the
 * metrics, the resource bound, the configured bound term by term for the run and whole
 * for the baseline, the bounds' walks sharing one scratch), timing each call. The first
 * round meets fresh memory as pipelab does; later rounds (ROUNDS, default 1) show the
 * same calls over memory already touched. Prints one line per round:
 *   round R metrics_s M bound_s B configured_s C total_s T
 * each the sum over the run and the baseline, in seconds of the process's CPU time (less
 * sensitive than the wall clock to other processes on a shared machine).
 *
 * usage: measure_time SCENARIO ROUNDS [KEY=VALUE]...
 * exit status: 0, or 2 when the scenario fails (the message says why).
 */
#include "sim/engine/runner.h"
#include "sim/measure/bound.h"
#include "sim/measure/metrics.h"
#include "sim/study/session.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The seconds each of the three measures took, added into t[0..2]. */
static int measure(const pl_graph *g, const pl_timeline *tl, bool terms, pl_bound_scratch *s,
                   double t[3])
{
    pl_metrics m;
    pl_bound b;
    pl_bound_terms bt = {0};
    double t0 = now_s();
    int rc = pl_metrics_compute(g, tl, &m);
    double t1 = now_s();
    if (rc == 0)
        rc = pl_bound_compute_in(s, g, PL_BOUND_WORKLOAD_EDGES, NULL, &b);
    double t2 = now_s();
    if (rc == 0)
        rc = terms ? pl_bound_terms_compute_in(s, g, &bt)
                   : pl_bound_compute_in(s, g, PL_BOUND_ALL_EDGES, NULL, &b);
    double t3 = now_s();
    t[0] += t1 - t0;
    t[1] += t2 - t1;
    t[2] += t3 - t2;
    if (rc == 0)
        pl_metrics_fini(&m);
    pl_bound_terms_fini(&bt);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: measure_time SCENARIO ROUNDS [KEY=VALUE]...\n");
        return 2;
    }
    pl_diag d;
    pl_diag_init(&d);
    pl_session *s = NULL;
    int rc = pl_session_open(argv[1], (const char *const *)argv + 3, (size_t)argc - 3, &s, &d);
    if (rc == 0)
        rc = pl_session_lower(s, &d);
    const pl_graph *g[2] = {NULL, NULL};
    pl_timeline tl[2];
    memset(tl, 0, sizeof tl);
    size_t n = 0;
    if (rc == 0) {
        g[0] = pl_session_graph(s);
        g[1] = pl_session_baseline_graph(s);
        n = g[1] ? 2 : 1;
        rc = pl_runner_simulate(g, tl, n, 1, PL_ENGINE_ANALYTIC, &d);
    }
    for (int r = 0; r < atoi(argv[2]) && rc == 0; r++) {
        double t[3] = {0, 0, 0};
        pl_bound_scratch scratch = {0};
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = measure(g[i], &tl[i], i == 0, &scratch, t);
        pl_bound_scratch_fini(&scratch);
        printf("round %d metrics_s %.4f bound_s %.4f configured_s %.4f total_s %.4f\n", r,
               t[0], t[1], t[2], t[0] + t[1] + t[2]);
    }
    if (rc != 0)
        fprintf(stderr, "measure_time: %s\n", rc == PL_ENOMEM ? "out of memory" : d.msg);
    for (size_t i = 0; i < n; i++)
        pl_timeline_fini(&tl[i]);
    pl_session_destroy(s);
    return rc == 0 ? 0 : 2;
}
