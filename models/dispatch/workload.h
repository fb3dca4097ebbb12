/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * workload.h — a dispatch workload loaded: its policy, its op templates and every op's
 * drawn costs, in op order. Shared by dispatch.c (loading, lowering) and
 * models/dispatch/variants.c (the queues one slot deeper); not part of the model's
 * interface.
 */
#ifndef PL_DISPATCH_WORKLOAD_H
#define PL_DISPATCH_WORKLOAD_H

#include "models/dispatch/dispatch.h"
#include "models/tile/program.h"

struct op_template {
    const char *name; /* borrowed from the config */
    char fallback[32];
    pl_dist cost[PL_DISPATCH_STEP_COUNT];
    const char *key[PL_DISPATCH_STEP_COUNT]; /* each cost's key path, borrowed, or NULL */
    bool sync;
    pl_tile_program *tile; /* the kernel as a tile program, or NULL */
};

struct pl_dispatch {
    pl_dispatch_mode mode;
    uint32_t threads[PL_DISPATCH_HOST_STEPS];
    long long queue_depth, stream_depth; /* PL_UNBOUNDED or >= 0 */
    int cores;
    struct op_template *templates;
    uint32_t ntemplates;
    uint64_t nops;
    uint32_t *template_of; /* per op */
    double *cost;          /* per op, PL_DISPATCH_STEP_COUNT values */
    bool random;
};

#endif
