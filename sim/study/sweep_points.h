/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sweep_points.h — the points of a sweep: the cartesian product of the values
 * given to each --vary, in a fixed order.
 *
 * Point k takes, for each key, one of its values: the last key varies fastest and
 * the first slowest, like nested loops written in the order of the options. A
 * value is kept as the user wrote it ("8us", "2", "{dist: normal, mean: 1us, sd:
 * 0.1us}") and reaches the scenario as `--set key=value` would.
 */
#ifndef PL_SWEEP_POINTS_H
#define PL_SWEEP_POINTS_H

#include "sim/common/error.h"

#include <stddef.h>

typedef struct pl_sweep_axis {
    char *key;     /* owned; canonical (pl_keypath_canonical): "dispatch.ops[0].kernel" */
    char *spelled; /* owned; the key as the --vary wrote it: "dispatch.ops.0.kernel" */
    size_t n;
    char **values; /* n owned strings */
    int range;     /* the values are a range start:stop:step, in order */
    size_t cap;    /* entries values has room for */
} pl_sweep_axis;

typedef struct pl_sweep_points {
    size_t naxes;
    pl_sweep_axis *axes; /* owned */
    size_t count;        /* the number of points: the product of the axes' sizes */
} pl_sweep_points;

/* The most points one sweep may have. Every shard of a sharded sweep lowers every point
 * once to learn the units, and a range's values are kept as text: a million points
 * already take minutes of that per shard and some 40 MB. */
#define PL_SWEEP_MAX_POINTS 1000000u

/* The most rows one sweep may have: points times replications. A row takes some 20 bytes
 * of bookkeeping while the sweep runs and a few hundred in the results file. */
#define PL_SWEEP_MAX_ROWS 10000000u

void pl_sweep_points_init(pl_sweep_points *p);
void pl_sweep_points_fini(pl_sweep_points *p);

/*
 * Adds the axis of one --vary argument: "key=v1,v2,..." (commas inside braces or brackets
 * do not split) or "key=start:stop:step" (numbers with the same unit suffix, such as
 * "2us:10us:2us" or "1:8:1"; stop is included when the steps reach it). Fails with
 * PL_EUSAGE, naming the argument and what was expected: no '=', an empty value, a range
 * whose parts are not numbers, whose units differ, whose step is zero or points away from
 * stop, a key that is not a key path, a key given twice (in any spelling: "ops.0", "ops[0]"
 * and "ops[00]" are one key, kept in its canonical spelling "ops[0]"), or more than
 * PL_SWEEP_MAX_POINTS points; or PL_ENOMEM.
 */
int pl_sweep_points_add(pl_sweep_points *p, const char *vary, pl_diag *d);

/*
 * Checks every value of every axis before a sweep starts, by loading the scenario at `path`
 * with `sets` (nsets strings "key=value", borrowed) and the value as one more override: a
 * value of the wrong type or unit, or out of range, fails with PL_EUSAGE naming the --vary,
 * the value and what the key expects ("--vary 'K=1GB,2GB': value '1GB': key 'K': expected
 * a time ..., got '1GB' (GB is a size, not a time)"). A range's values are checked at its
 * two ends, which share its unit and hold every value between them; a list's one by one.
 * A scenario that does not load with `sets` alone is not checked here (returns 0): the
 * sweep reports it as it runs.
 */
int pl_sweep_points_check(const pl_sweep_points *p, const char *path, const char *const *sets,
                          size_t nsets, pl_diag *d);

/* The value that point k (< count) gives to axis a; borrowed. */
const char *pl_sweep_points_value(const pl_sweep_points *p, size_t k, size_t a);

#endif
