/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * model.c — the table of models and the schema of a scenario file.
 *
 * PL_MODELS lists the models, one line each: its name, by which its folder
 * (models/NAME/) defines `pl_model_NAME` and its section's keys `pl_NAME_keys`, and
 * the help of its section. The table, the choices of the `model` key and the
 * sections of the schema are all made from that list, so adding a model is a
 * folder and a line here; the layers above find it, its keys and its commands
 * through the table.
 */
#include "models/model.h"
#include "sim/common/parallel.h"
#include "sim/config/machine.h"

#include <string.h>

#define PL_MODELS(X)                                                                        \
    X(dispatch, "the dispatch model's workload and policy")                                 \
    X(tile, "the tile model's kernel, buffers, sync policy and cores")                      \
    X(stream, "the stream model's chain, stages, pools, waiting and pinning")               \
    X(plan, "the plan model's units, buffers, loop body and iterations")

#define DECLARE(name, help)                                                                 \
    extern const pl_model pl_model_##name;                                                  \
    extern const pl_key pl_##name##_keys[];
PL_MODELS(DECLARE)
#undef DECLARE

static const pl_model *const models[] = {
#define ENTRY(name, help) &pl_model_##name,
    PL_MODELS(ENTRY)
#undef ENTRY
};

const pl_model *pl_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if (strcmp(models[i]->name, name) == 0)
            return models[i];
    return NULL;
}

const pl_model *pl_model_at(size_t i)
{
    return i < sizeof models / sizeof models[0] ? models[i] : NULL;
}

const pl_model_command *pl_model_command_find(const char *name)
{
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        for (const pl_model_command *c = models[i]->commands; c && c->name; c++)
            if (strcmp(c->name, name) == 0)
                return c;
    return NULL;
}

void pl_lowering_fini(pl_lowering *l)
{
    pl_graph_destroy(l->run);
    pl_graph_destroy(l->baseline);
    l->run = l->baseline = NULL;
    pl_figures_fini(&l->figures);
    pl_tables_fini(&l->tables);
    pl_replay_fini(&l->replay);
    if (l->kept_free)
        l->kept_free(l->kept);
    l->kept = NULL;
    l->kept_free = NULL;
}

struct graphs {
    pl_lower_fn lower;
    const void *w;
    pl_graph **out[2];
    int rc[2];
};

static void lower_one(void *ctx, size_t i)
{
    struct graphs *g = ctx;
    g->rc[i] = g->lower(g->w, i == 1, g->out[i]);
}

int pl_lowering_graphs(pl_lower_fn lower, const void *w, bool baseline, pl_lowering *l)
{
    struct graphs g = {lower, w, {&l->run, &l->baseline}, {0, 0}};
    pl_parallel_for(baseline ? 2 : 1, lower_one, &g);
    return g.rc[0] != 0 ? g.rc[0] : g.rc[1];
}

/* "dispatch|tile|stream|plan": every name after a bar, then the first bar skipped. */
#define CHOICE(name, help) "|" #name
static const char model_choices[] = PL_MODELS(CHOICE);
#undef CHOICE

const pl_key pl_scenario_keys[] = {
    {.name = "name", .type = PL_KEY_STRING, .help = "a title for reports"},
    {.name = "description", .type = PL_KEY_STRING, .flags = PL_KEY_TEXT,
     .help = "what the scenario teaches or asks"},
    {.name = "base", .type = PL_KEY_BASE,
     .help = "a scenario file this one starts from (relative to this one): its keys, with "
             "those written here in their place; mappings merge key by key, lists do not"},
    {.name = "model", .type = PL_KEY_ENUM, .flags = PL_KEY_REQUIRED, .choices = model_choices + 1,
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
#define SECTION(model, section_help)                                                        \
    {.name = #model, .type = PL_KEY_MAP, .flags = PL_KEY_SECTION,                           \
     .children = pl_##model##_keys, .help = section_help},
    PL_MODELS(SECTION)
#undef SECTION
    {0},
};
