/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * model.c — the list of models and the schema of a scenario file.
 *
 * A new model is a new entry in `models` and a section in pl_scenario_keys;
 * nothing else in the front end changes.
 */
#include "models/model.h"
#include "models/dispatch/dispatch.h"
#include "sim/config/machine.h"
#include "models/plan/plan.h"
#include "models/stream/stream.h"
#include "models/tile/tile.h"
#include "models/tile/depths.h"

#include <string.h>

static const pl_model models[] = {
    {"dispatch", "host operator dispatch (InferShape, Resize, Launch) feeding a device stream",
     pl_dispatch_lower_scenario, NULL},
    {"tile", "a tiled kernel on accelerator cores (N-buffering, event or barrier sync, SPMD)",
     pl_tile_lower_scenario, pl_tile_advise},
    {"stream", "a chain of tasks cut into stages of host threads, frame after frame (StreamPU)",
     pl_stream_lower_scenario, NULL},
    {"plan", "a loop of ops on tensor, vector and DMA units, list-scheduled over iterations",
     pl_plan_lower_scenario, NULL},
};

const pl_model *pl_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if (strcmp(models[i].name, name) == 0)
            return &models[i];
    return NULL;
}

void pl_lowering_fini(pl_lowering *l)
{
    pl_graph_destroy(l->run);
    pl_graph_destroy(l->baseline);
    l->run = l->baseline = NULL;
    pl_figures_fini(&l->figures);
    pl_attachments_fini(&l->files);
    if (l->kept_free)
        l->kept_free(l->kept);
    l->kept = NULL;
    l->kept_free = NULL;
}

const pl_key pl_scenario_keys[] = {
    {.name = "name", .type = PL_KEY_STRING, .help = "a title for reports"},
    {.name = "description", .type = PL_KEY_STRING, .help = "what the scenario teaches or asks"},
    {.name = "base", .type = PL_KEY_BASE,
     .help = "a scenario file this one starts from (relative to this one): its keys, with "
             "those written here in their place; mappings merge key by key, lists do not"},
    {.name = "model", .type = PL_KEY_ENUM, .flags = PL_KEY_REQUIRED, .choices = "dispatch|tile|stream|plan",
     .help = "which pipeline the scenario describes"},
    {.name = "seed", .type = PL_KEY_INT, .flags = PL_KEY_NONNEG | PL_KEY_WIDE, .deflt = "1",
     .help = "seed of the random durations; --seed overrides it"},
    {.name = "engine", .type = PL_KEY_ENUM, .choices = "auto|simgrid|analytic", .deflt = "auto",
     .help = "what executes the task graphs: the analytic engine (one pass, exact when no core "
             "or link is shared at once), SimGrid (models the sharing), or auto: the analytic "
             "one where it is exact; --engine overrides it"},
    {.name = "machine", .type = PL_KEY_INCLUDE, .flags = PL_KEY_REQUIRED,
     .children = pl_machine_keys,
     .help = "the machine: a file (relative to the scenario) or a mapping"},
    {.name = "dispatch", .type = PL_KEY_MAP, .flags = PL_KEY_SECTION,
     .children = pl_dispatch_keys, .help = "the dispatch model's workload and policy"},
    {.name = "tile", .type = PL_KEY_MAP, .flags = PL_KEY_SECTION, .children = pl_tile_keys,
     .help = "the tile model's kernel, buffers, sync policy and cores"},
    {.name = "stream", .type = PL_KEY_MAP, .flags = PL_KEY_SECTION, .children = pl_stream_keys,
     .help = "the stream model's chain, stages, pools, waiting and pinning"},
    {.name = "plan", .type = PL_KEY_MAP, .flags = PL_KEY_SECTION, .children = pl_plan_keys,
     .help = "the plan model's units, buffers, loop body and iterations"},
    {0},
};
