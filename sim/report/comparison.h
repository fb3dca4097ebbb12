/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * comparison.h — two reports compared, before either is rendered: the run's units
 * matched by name, the summary figures of both sides and their differences, the moves
 * of the units' shares of the binding chain, the busiest unit and the faster side.
 * Private to `pipelab compare`: included only by comparison.c, which holds it, and by
 * compare_text.c and compare_json.c, which render it.
 *
 * Every pointer parameter is borrowed for the call unless said otherwise.
 */
#ifndef PL_REPORT_COMPARISON_H
#define PL_REPORT_COMPARISON_H

#include "sim/report/compare.h"
#include "sim/report/parts.h"

#include <stddef.h>

/* A row of the unit table: a unit of A's run, of B's, or of both; -1 for a side that
 * lacks it. */
struct row {
    const char *name; /* borrowed from the graph of the side that has it, A first */
    long unit[2];
};

/* Both sides and their matched units. */
struct compare {
    const pl_compare_side *side[2];
    const pl_run *run[2];
    struct row *rows;
    size_t nrows;
    double noise; /* of the longer makespan: time differences at or below it are 0 */
};

/* Fills c from sides a and b (both with a report) and matches their units. Returns 0 or
 * PL_ENOMEM; either way c is to be finished with pl_compare_fini. */
int pl_compare_init(struct compare *c, const pl_compare_side *a, const pl_compare_side *b);
void pl_compare_fini(struct compare *c);

/* A summary figure of both sides and their difference. */
struct figure {
    const char *label;    /* in the text */
    const char *key;      /* in JSON */
    pl_figure_shape kind; /* for formatting */
    double v[2];
    double delta; /* B - A, within rounding 0; NAN when the sides cannot be compared */
};

#define NFIGURES 6

/* The summary figures of both sides, in their order in the text and in JSON. */
void pl_compare_summary_figures(const struct compare *c, struct figure f[NFIGURES]);

/* B - A of two times: 0 within the noise of the longer makespan. */
double pl_compare_time_difference(const struct compare *c, double a, double b);

/* (B - A) / A, or NAN when A is 0 or a side is missing. */
double pl_compare_change(double a, double d);

/* What a side's run calls its items ("ops", "frames"); borrowed from its graph. */
const char *pl_compare_noun(const struct compare *c, int side);

/* What the unit tables compare, read from one side's metrics of a unit. */
enum what { UTILIZATION, BUBBLE, SHARE, CAUSE /* + edge kind */ };

/* A side's figure `what` of the row's unit; NAN when that side lacks the unit. */
double pl_compare_unit_value(const struct compare *c, const struct row *row, int side, int what);

/* B - A of a unit's figure: times within the noise are 0, shares are exact. */
double pl_compare_unit_delta(const struct compare *c, const struct row *row, int what);

/* How far a unit's share of the binding chain moved; a side without the unit counts as a
 * share of 0. */
double pl_compare_share_moved(const struct compare *c, const struct row *row);

/* A row whose unit's share of the binding chain moved, and by how much. */
struct move {
    size_t row;
    double by; /* |pl_compare_share_moved| */
};

/* The rows whose share of the binding chain moved by more than 1 percentage point,
 * largest move first, ties in row order. Stores a malloc'd array in *out (the caller
 * frees it) and returns its length, or PL_ENOMEM. */
int pl_compare_moved_shares(const struct compare *c, struct move **out);

/* The name of a side's busiest unit (the first of equals), borrowed from its graph, with
 * its utilization in *utilization; NULL without units (*utilization untouched). */
const char *pl_compare_busiest(const struct compare *c, int side, double *utilization);

/* Which side is faster: 1 for B, 0 for A, -1 when their makespans are equal within the
 * noise. *ratio is the slower makespan over the faster one (1 when equal). */
int pl_compare_faster_side(const struct compare *c, double *ratio);

#endif
