/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verdict_search.h — what holds a run back, found by simulating changes of it.
 *
 * The candidates (sim/measure/verdict.h): for every stage, and every group of units
 * outside stages (sim/measure/groups.h), its work 10 % lower; for every link that
 * carries bytes, 10 % more bandwidth; for every host with more threads than cores,
 * one more core; the tasks of one longest chain of dependent work 10 % shorter; and
 * the model's own variants, each buffer, pool or queue one slot deeper.
 *
 * Each candidate first gets an upper bound on what it can gain: the run's makespan
 * minus the bound of the changed graph (computed without building it), or for a
 * model's variant, which only changes slot, barrier and order edges, minus the run's
 * resource bound. Then, largest upper bound first, the candidates are simulated a
 * round of two at a time (each SimGrid graph in its own child, as the run is; two, a
 * constant, so that the same run gets the same report on every machine); a candidate
 * whose upper bound cannot shorten the run, or cannot come within PL_VERDICT_TIE of
 * the makespan of the best gain simulated so far, is not simulated.
 * So the verdict names the candidate that gains most among all of them, while the
 * count simulated stays small where the bounds are tight. A candidate the analytic engine
 * runs exactly is simulated by a makespan pass under its change (runner.h:
 * pl_runner_makespan), which gives the very makespan the changed copy of the graph would,
 * without building the copy or a timeline; the pass runs ahead of the candidate's exact
 * bound (on a second core, beside the next candidate's, where a variant's graph will take
 * more memory than the pair; verdict_search.c, run_passes), which it makes needless when
 * its gain is clearly beyond the cut-off
 * (pl_verdict_bound_slack). The exact bound of a change of the run's graph is needless too
 * where the run's own bound with every edge is below the makespan less the cut-off: such a
 * change only lessens work or adds bandwidth or cores, so its bound is no higher and could
 * not rule it out; or where the run's terms, each unit's less the work the change takes
 * from it (pl_bound_terms_most), are below it (tests/test_makespan_pass.c checks that the
 * changed bound is at most both). The other candidates are built and go to SimGrid.
 */
#ifndef PL_VERDICT_SEARCH_H
#define PL_VERDICT_SEARCH_H

#include "models/model.h"
#include "sim/common/error.h"
#include "sim/graph/graph.h"
#include "sim/graph/timeline.h"
#include "sim/measure/bound.h"
#include "sim/measure/verdict.h"

/* The run to judge; all borrowed. */
typedef struct pl_verdict_run {
    const pl_graph *graph;     /* the run's task graph */
    double makespan;           /* its simulated makespan */
    const pl_bound *resource;  /* its resource bound (PL_BOUND_WORKLOAD_EDGES) */
    const pl_bound_terms *terms; /* its bound with every edge, term by term */
    const pl_model *model;     /* its model, whose variants are tried too */
    const pl_lowering *lowering;
    pl_engine_kind engine;     /* the engine the run was simulated with */
    const uint8_t *chain;      /* its critical path as pl_bound_chain marks it (the session
                                  walks it while measuring), or NULL for the search to walk
                                  it */
} pl_verdict_run;

/*
 * How far the bound of a graph g under a change may exceed its analytic makespan M, where
 * the analytic engine is exact for it, with `makespan` (the run's, m >= M) for scale. The
 * bound (every edge, under the change) is made of the same times alone as M and is a
 * lower bound on it but for three slacks: a start may come up to PL_ENGINE_PRECISION
 * before its latest event (the tie rule), once per task along a chain; the check that
 * nothing is shared lets intervals overlap by a trillionth of the makespan, and a link
 * carry 1e-9 more than its bandwidth; and the two add the same times in different orders
 * (a few DBL_EPSILON of the makespan per task). So the bound is at most M plus
 * n (PL_ENGINE_PRECISION + 1e-12 m + 4 DBL_EPSILON m) + 1e-8 m for n tasks, which this
 * returns. The search uses it to skip a candidate's exact bound when its analytic pass
 * already shows a gain that bound could not rule out (tests/test_makespan_pass.c checks
 * it on every workload and change).
 */
double pl_verdict_bound_slack(const pl_graph *g, double makespan);

/* Searches the verdict of run into *out (the caller calls pl_verdict_fini). Fails with the
 * runner's errors (PL_EDEADLOCK, PL_ECHILD, PL_EIO) or PL_ENOMEM, d filled. */
int pl_verdict_search(const pl_verdict_run *run, pl_verdict *out, pl_diag *d);

#endif
