/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sweep_units.h — the units of each point of a sweep, which name the unit columns of its
 * results (sweep_columns.h): the union of every point's units, in point order.
 *
 * A point's units are those its lowering (with the seed of replication 0) gives. Lowering
 * every point before simulating any would cost about as much as the sweep itself, so a
 * sweep lowers a few points and predicts the rest: point 0, then three more values of
 * each swept key (its second, middle and last) with the other keys at their first value.
 * A key whose values lowered all give point 0's units is taken as one the units do not
 * depend on; every combination of the values of the other keys is lowered (one point per
 * distinct set of units when the prediction holds), and a point takes the units of the
 * lowered point with its values of those keys.
 * Each point's own run checks the prediction (pl_sweep_units_check): a point whose run
 * reports other units, or that did not report them (it failed or crashed), is lowered
 * before the sweep ends (pl_sweep_units_settle), so that the header is always the one
 * that lowering every point gives.
 *
 * Invariant: from[k] is a point that was lowered (from[from[k]] == from[k]) and whose
 * units point k is given; known[k] says whether they are point k's own (lowered, or
 * checked against its run), not a prediction.
 */
#ifndef PL_SWEEP_UNITS_H
#define PL_SWEEP_UNITS_H

#include "sim/common/error.h"
#include "sim/study/outcome.h"
#include "sim/study/sweep_columns.h"
#include "sim/study/sweep_points.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The whole of a pool job (pool.h) that lowers point `point` without simulating it and
 * writes its outcome (pl_outcome_job) to out. Returns the job's exit status. */
typedef int (*pl_sweep_lower_work)(void *ctx, size_t point, FILE *out);

typedef struct pl_sweep_unit_list {
    size_t n;
    char **names; /* owned */
} pl_sweep_unit_list;

/* The caller provides the storage: pl_sweep_units_init, then pl_sweep_units_fini. */
typedef struct pl_sweep_units {
    const pl_sweep_points *points; /* borrowed */
    int width;                     /* lowering jobs at a time */
    pl_sweep_lower_work lower;
    void *ctx;
    pl_sweep_unit_list *lists; /* per point; empty but for lowered or checked points */
    size_t *from;              /* per point: whose list it is given */
    bool *known;               /* per point: its list is its own */
    size_t lowered;            /* points lowered so far, for the benchmarks' curiosity */
} pl_sweep_units;

/* Fails with PL_ENOMEM. */
int pl_sweep_units_init(pl_sweep_units *u, const pl_sweep_points *points, int width,
                        pl_sweep_lower_work lower, void *ctx, pl_diag *d);
void pl_sweep_units_fini(pl_sweep_units *u);

/* Lowers every point (every), or the points that predict the others (above), in the pool;
 * a point whose lowering process died of a signal is lowered once more (a point that
 * crashes again has no units). Fails as pl_pool_run does, or with PL_ENOMEM. */
int pl_sweep_units_learn(pl_sweep_units *u, bool every, pl_diag *d);

/* Checks the prediction for point k against o, the outcome of its replication 0. Returns
 * false when o ran (status OK) with other units than predicted: k is then given those
 * (known), and the header may be another. An outcome that did not run checks nothing. */
bool pl_sweep_units_check(pl_sweep_units *u, size_t k, const pl_outcome *o);

/* Takes point k's predicted units as its own (a resumed row that checked them). */
void pl_sweep_units_trust(pl_sweep_units *u, size_t k);

/* Whether every point's units are known. */
bool pl_sweep_units_all_known(const pl_sweep_units *u);

/* Lowers every point whose units are not known (pl_sweep_units_learn's way). Fails as
 * pl_sweep_units_learn. */
int pl_sweep_units_settle(pl_sweep_units *u, pl_diag *d);

/* Adds the unit columns of every point, in point order, to c. Fails with PL_ENOMEM. */
int pl_sweep_units_columns(const pl_sweep_units *u, pl_sweep_columns *c);

#endif
