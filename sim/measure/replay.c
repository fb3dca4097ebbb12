/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * replay.c — a replay's steps, and the run measured as the trace was.
 */
#include "sim/measure/replay.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *key, *help;
} idle_causes[] = {
#define PL_IDLE_CAUSE_INFO(name, key, help) {key, help},
    PL_IDLE_CAUSES(PL_IDLE_CAUSE_INFO)
#undef PL_IDLE_CAUSE_INFO
};

const char *pl_idle_cause_key(pl_idle_cause c)
{
    return c < PL_IDLE_CAUSE_COUNT ? idle_causes[c].key : "?";
}

const char *pl_idle_cause_help(pl_idle_cause c)
{
    return c < PL_IDLE_CAUSE_COUNT ? idle_causes[c].help : "?";
}

int pl_replay_add_step(pl_replay *r, const char *name, double measured, uint64_t first,
                       uint64_t end, bool host_span)
{
    pl_replay_step *grown = realloc(r->steps, (r->nsteps + 1) * sizeof *grown);
    if (!grown)
        return PL_ENOMEM;
    r->steps = grown;
    char *copy = strdup(name);
    if (!copy)
        return PL_ENOMEM;
    r->steps[r->nsteps++] = (pl_replay_step){copy, measured, first, end, host_span};
    return 0;
}

int pl_replay_set_source(pl_replay *r, const char *source)
{
    char *copy = strdup(source);
    if (!copy)
        return PL_ENOMEM;
    free(r->source);
    r->source = copy;
    return 0;
}

void pl_replay_fini(pl_replay *r)
{
    for (size_t i = 0; i < r->nsteps; i++)
        free(r->steps[i].name);
    free(r->steps);
    free(r->source);
    memset(r, 0, sizeof *r);
}

void pl_replay_result_fini(pl_replay_result *res)
{
    free(res->simulated);
    memset(res, 0, sizeof *res);
}
