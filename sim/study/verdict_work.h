/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verdict_work.h — the working state of one pl_verdict_search, which its two files share:
 * verdict_candidates.c makes the candidates, verdict_search.c bounds and simulates them.
 * Only sim/study/verdict_candidates.c and sim/study/verdict_search.c include this header.
 */
#ifndef PL_VERDICT_WORK_H
#define PL_VERDICT_WORK_H

#include "sim/engine/runner.h"
#include "sim/study/verdict_search.h"

/* One change tried: what the report lists of it, the change, and where the search is. */
struct cand {
    pl_tried t;
    pl_graph_change change; /* for a change of the graph */
    uint8_t *mask;          /* owned: the units or tasks it scales, or NULL */
    long variant;           /* the model's variant it lowers, or -1 */
    bool replans;           /* a variant whose graph only its own bound bounds */
    double least;           /* where it replans: a makespan it cannot beat (0: none known) */
    double most;            /* upper bound on its gain */
    bool exact;             /* most is from the changed graph's own bound */
    bool ran;               /* its makespan pass ran (when its turn came, or ahead); then
                               passed says whether it found no core or link shared */
    bool passed;            /* its pass ran and the analytic engine is exact for it */
    double pass;            /* its makespan, when passed */
    size_t order;           /* when it was made */
};

/* One search: the run (borrowed) and its candidates (owned: the array, each one's mask). */
struct search {
    const pl_verdict_run *run;
    struct cand *c;
    size_t n, cap;
    /* The walks of the chain's and the candidates' bounds, one after the other; freed
     * before each round's simulations, so that it never adds to what they hold. */
    pl_bound_scratch scratch;
    /* The starts and ends of every makespan pass, one candidate after the other. */
    pl_analytic_scratch times;
    double *work; /* per unit of the run: the work of its tasks, summed once */
};

/* The candidates of s->run, in order (verdict_search.h, "The candidates"): each stage's and
 * group of units' work, each group of links, each host short of cores, the critical path,
 * the model's variants; each unit's work into s->work first. Fails with PL_ENOMEM or the
 * model's errors, d filled. */
int pl_verdict_candidates(struct search *s, pl_diag *d);

#endif
