/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verdict.h — what holds a run back, established by simulating changes of it.
 *
 * A candidate is one change of the run: a unit's (or a stage's) work 10 % lower, a
 * buffer, pool or queue one slot deeper, a link's bandwidth 10 % higher, one more core
 * on a host whose threads share cores, the longest chain of dependent work 10 %
 * shorter. The search (sim/study/verdict_search.h) proves with the bounds which
 * candidates cannot shorten the run or cannot beat the best one, simulates the rest,
 * and names as the bottleneck the candidate whose change shortened the makespan most
 * (with every other one within PL_VERDICT_TIE of the makespan of it). This header
 * holds the result, as data for the reports.
 */
#ifndef PL_VERDICT_H
#define PL_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a candidate changes. X(NAME, spelled in JSON and text) */
#define PL_CHANGE_KINDS(X)                                                             \
    X(UNIT, "unit")                                                                    \
    X(STAGE, "stage")                                                                  \
    X(BUFFER, "buffer")                                                                \
    X(QUEUE, "queue")                                                                  \
    X(POOL, "pool")                                                                    \
    X(LINK, "link")                                                                    \
    X(CORES, "cores")                                                                  \
    X(CHAIN, "chain")

typedef enum pl_change_kind {
#define PL_CHANGE_ENUM(name, spelled) PL_CHANGE_##name,
    PL_CHANGE_KINDS(PL_CHANGE_ENUM)
#undef PL_CHANGE_ENUM
        PL_CHANGE_KIND_COUNT
} pl_change_kind;

const char *pl_change_kind_name(pl_change_kind k);

/* How much a relief changes: work 10 % lower, bandwidth 10 % higher, one slot, one core. */
#define PL_VERDICT_LESS_WORK 0.9
#define PL_VERDICT_MORE_BANDWIDTH 1.1
/* Gains within this share of the makespan of the best one tie with it; a piece of
 * advice is given only for a gain above it. */
#define PL_VERDICT_TIE 0.01

/* What became of a candidate. */
typedef enum pl_tried_status {
    PL_TRIED_SIMULATED, /* simulated: makespan and gain are measured */
    PL_TRIED_BOUNDED,   /* not simulated: the bounds prove it gains at most `gain`, which
                           cannot shorten the run or cannot beat or tie the best one */
    PL_TRIED_REFUSED,   /* not possible as configured (`note` says why): not simulated */
} pl_tried_status;

/* One candidate. */
typedef struct pl_tried {
    pl_change_kind kind;
    char name[96];    /* spelled as the report spells it: core0.VECTOR, filter, t, GM, host */
    char change[192]; /* a phrase: "10 % less work on core0.VECTOR" */
    pl_tried_status status;
    double makespan;  /* SIMULATED: the makespan with the change; else NaN */
    double gain;      /* SIMULATED: run's makespan - makespan; BOUNDED: at most this;
                         REFUSED: NaN */
    char note[320];   /* REFUSED: why ("three 32 KiB slots do not fit the 64 KiB L0A") */
} pl_tried;

/* The verdict of one run. Owns `tried`. Zero-initialised: not searched. */
typedef struct pl_verdict {
    bool searched;
    double makespan;  /* the run's */
    size_t ntried;    /* candidates, simulated or not */
    size_t nsimulated;
    pl_tried *tried;  /* the simulated ones first, by gain (largest first, ties in candidate
                         order), then the bounded ones by their upper bound, then the
                         refused ones in candidate order */
    size_t nbest;     /* how many of the first tried tie for the largest gain: 0 when no
                         candidate gains anything, else 1, or more when several tie */
} pl_verdict;

void pl_verdict_fini(pl_verdict *v);

/* The simulated candidate of this kind and name, when its gain is worth advice (above
 * PL_VERDICT_TIE of the makespan); else NULL. */
const pl_tried *pl_verdict_helps(const pl_verdict *v, pl_change_kind kind, const char *name);

#endif
