/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * line.h — the three-stage line the report tests render, and a graph simulated,
 * measured and bounded in one call.
 *
 * The line: host.prep (2 us) launches device.stream (3 us), whose result host.post
 * (1 us) reads; with no waiting places a stage starts item k + 1 only once the next
 * stage has started item k (slot edges, as the models build bounded queues): a flow line
 * with blocking after service and no buffers (Y. Dallery and S. B. Gershwin,
 * "Manufacturing flow line systems: a review of models and analytical results",
 * Queueing Systems 12, 1992). 5 items take 2 + 3 + 1 + 4 x 3 = 18 us, worked out: the
 * first item passes every stage, then one more leaves per 3 us of the slowest stage,
 * the cycle time of the line as a marked graph (C. V. Ramamoorthy and G. S. Ho,
 * "Performance Evaluation of Asynchronous Concurrent Systems Using Petri Nets", IEEE
 * Transactions on Software Engineering SE-6(5), 1980). Its serial baseline: one host
 * thread prepares an item, launches it, waits for the device (sync) and
 * post-processes it before taking the next: 6 us per item.
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>; failures fail the
 * test.
 */
#ifndef PL_TEST_LINE_H
#define PL_TEST_LINE_H

#include "sim/measure/bound.h"
#include "sim/graph/graph.h"
#include "sim/measure/metrics.h"
#include "sim/report/report.h"
#include "sim/graph/timeline.h"

pl_graph *pl_test_line_pipelined(uint32_t items);
pl_graph *pl_test_line_serial(uint32_t items);

/* A graph with its timeline, metrics and bound. */
typedef struct pl_test_sim {
    pl_graph *g;
    pl_timeline tl;
    pl_metrics m;
    pl_bound b;
    pl_bound configured; /* with every edge; b is the resource bound */
    pl_bound_terms terms; /* configured, term by term */
} pl_test_sim;

/* Simulates g (taken: freed by pl_test_sim_free) and reads metrics and bound. */
void pl_test_sim_run(pl_test_sim *s, pl_graph *g);
void pl_test_sim_free(pl_test_sim *s);
/* The pl_run a report shows for s; borrows s. */
pl_run pl_test_sim_view(const pl_test_sim *s);

/* The line (s[0]) and its serial baseline (s[1]) simulated, the line's verdict
 * searched with the analytic engine, and a report over them: scenario "line.yaml",
 * model "line", modes "pipelined" and "serial", the given seed. */
typedef struct pl_test_line {
    pl_test_sim s[2];
    pl_verdict verdict;
    pl_report r;
} pl_test_line;

/* Returns a line the caller frees with pl_test_line_free. */
pl_test_line *pl_test_line_simulate(uint32_t items, unsigned long long seed);
void pl_test_line_free(pl_test_line *l);

#endif
