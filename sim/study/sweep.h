/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sweep.h — what-if sweeps: every point of a cartesian product of key values,
 * each replication of each point simulated (with its baseline) in its own child
 * process, several at a time, one CSV row per point and replication.
 *
 * The results file is safe to kill: rows are appended whole as jobs finish, and a
 * sweep run again with resume skips the rows already there. When every job has
 * been heard of, the file is rewritten sorted by point and replication, so that
 * the same sweep gives the same bytes whatever the number of jobs at a time or
 * the order they finished in. docs/sweeps.md describes the file.
 */
#ifndef PL_SWEEP_H
#define PL_SWEEP_H

#include "sim/common/error.h"
#include "sim/study/sweep_points.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct pl_sweep_options {
    const char *scenario;
    const char *const *sets; /* --set overrides applied to every point; borrowed */
    size_t nsets;
    const pl_sweep_points *points; /* borrowed */
    unsigned reps;                 /* replications per point, >= 1: seeds seed .. seed+reps-1 */
    unsigned long long seed;       /* the first seed, when seed_given; else the scenario's */
    bool seed_given;
    size_t shard, nshards; /* this run does the points k with k mod nshards = shard */
    int jobs;              /* children at a time, >= 1 */
    const char *out;       /* the results file */
    bool resume;           /* continue an existing results file */
    bool force;            /* start an existing results file again */
    bool progress;         /* a progress line on standard error */
    bool advice;           /* search each row's verdict: its bottleneck columns */
} pl_sweep_options;

/* What a sweep did. */
typedef struct pl_sweep_tally {
    size_t total;       /* rows this shard's sweep has in all: its points x reps */
    size_t ran;         /* rows simulated now */
    size_t resumed;     /* rows found in the file already */
    size_t failed;      /* rows of the file whose status is not ok, resumed ones included */
    char summary[4096]; /* the summary file written (replications > 1), else "" */
} pl_sweep_tally;

/*
 * Runs the sweep. A point that cannot run is a row with its status and message, not a
 * failure of the sweep. Fails with PL_EUSAGE (a key the schema does not have, `seed` as a
 * swept key, an existing results file without resume or force, a file to resume that
 * another sweep wrote), the scenario's own load failure (PL_EIO, PL_EPARSE, PL_ECONFIG:
 * checked once before any point), PL_EIO (cannot write the results), PL_ECHILD, PL_ENOMEM.
 */
int pl_sweep_run(const pl_sweep_options *o, pl_sweep_tally *t, pl_diag *d);

#endif
