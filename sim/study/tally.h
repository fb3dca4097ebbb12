/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tally.h — how often each text occurs among a list of texts, most often first: which
 * bottleneck the replications of a scenario got, and how many times each.
 */
#ifndef PL_TALLY_H
#define PL_TALLY_H

#include <stddef.h>

/* One distinct text and where it occurs. */
typedef struct pl_tally_group {
    const char *text; /* borrowed from the texts tallied */
    size_t count;
    size_t *members; /* the indices of the texts equal to it, in increasing order; owned */
} pl_tally_group;

/* The groups, by count (largest first), ties in the order their texts first occur. */
typedef struct pl_tally {
    size_t ngroups;
    pl_tally_group *groups; /* owned */
} pl_tally;

/* Tallies texts[0 .. n-1] (borrowed; they must outlive t), leaving out the NULL ones, into
 * t, which the caller finishes with pl_tally_fini, also after a failure. Returns 0 or
 * PL_ENOMEM. */
int pl_tally_of(const char *const *texts, size_t n, pl_tally *t);
void pl_tally_fini(pl_tally *t);

#endif
