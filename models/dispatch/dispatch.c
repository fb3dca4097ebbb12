/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dispatch.c — the dispatch workload and its two lowerings.
 *
 * Loading turns the op list into templates (one per written op) and instances
 * (one per op launched, repeats unrolled), and draws every instance's durations,
 * so that the run and its baseline see the same numbers: once per template when none
 * of its costs is random, else once per instance.
 *
 * Ops written as runtime calls, threads, streams, events and step groups are read by
 * calls.c; the lowerings are in lower.c and lower_calls.c.
 */
#include "models/dispatch/dispatch.h"
#include "models/dispatch/workload.h"
#include "sim/common/array.h"
#include "sim/config/machine.h"
#include "models/tile/tile.h"
#include "models/tile/kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const step_keys[] = {
#define PL_DISPATCH_STEP_KEY(name, key, unit) key,
    PL_DISPATCH_STEPS(PL_DISPATCH_STEP_KEY)
#undef PL_DISPATCH_STEP_KEY
};

/* ---- Loading ------------------------------------------------------------------- */

static bool is_group(const pl_node *entry)
{
    return pl_node_get(entry, "ops") != NULL;
}

static bool is_step(const pl_node *entry)
{
    const pl_node *step = pl_node_get(entry, "step");
    return step && pl_node_bool(step);
}

/* A group takes only name, repeat and ops (and a step's keys); an op needs all four costs
 * unless it lists its calls. `in_step`: inside a step group; `repeated`: inside a group of
 * repeat > 1. */
static int check_entry(const pl_node *entry, bool in_step, bool repeated, pl_diag *d)
{
    if (!is_group(entry)) {
        int rc = pl_dispatch_check_replay_entry(entry, false, in_step, repeated, d);
        if (rc != 0 || pl_node_get(entry, "calls"))
            return rc;
    }
    if (is_group(entry)) {
        for (int s = 0; s < PL_DISPATCH_STEP_COUNT; s++) {
            const pl_node *n = pl_node_get(entry, step_keys[s]);
            if (n)
                return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                                  "an entry with `ops` is a group and takes only name, repeat "
                                  "and ops; move '%s' into one of its ops",
                                  step_keys[s]);
        }
        const pl_node *tile = pl_node_get(entry, "tile");
        if (tile)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(tile), pl_node_path(tile),
                              "an entry with `ops` is a group and takes only name, repeat "
                              "and ops; move 'tile' into one of its ops");
        const pl_node *sync = pl_node_get(entry, "sync");
        if (sync && pl_node_bool(sync))
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(sync), pl_node_path(sync),
                              "a group cannot be `sync`; mark the op that needs it");
        const pl_node *ops = pl_node_get(entry, "ops");
        if (pl_node_len(ops) == 0)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(ops), pl_node_path(ops),
                              "a group needs at least one op, got an empty list");
        return pl_dispatch_check_replay_entry(entry, true, in_step, repeated, d);
    }
    for (int s = 0; s < PL_DISPATCH_HOST_STEPS; s++)
        if (!pl_node_get(entry, step_keys[s]))
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(entry), pl_node_path(entry),
                              "an op needs infer, resize, launch and kernel; '%s' is missing",
                              step_keys[s]);
    const pl_node *kernel = pl_node_get(entry, "kernel"), *tile = pl_node_get(entry, "tile");
    if (kernel && tile)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(tile), pl_node_path(tile),
                          "an op's kernel is a time or a tile program, not both; remove "
                          "'kernel' or 'tile'");
    if (!kernel && !tile)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(entry), pl_node_path(entry),
                          "an op needs infer, resize, launch and kernel; 'kernel' is missing "
                          "(a time, or `tile`: a tile program)");
    return 0;
}

/* Counts templates and ops of a list, checking every entry. The op count saturates
 * above the limit so that absurd repeats cannot overflow. */
static int count_list(const pl_node *list, bool in_step, bool repeated, uint32_t *templates,
                      uint64_t *ops, pl_diag *d)
{
    *ops = 0;
    for (size_t i = 0; i < pl_node_len(list); i++) {
        const pl_node *entry = pl_node_at(list, i);
        int rc = check_entry(entry, in_step, repeated, d);
        if (rc != 0)
            return rc;
        uint64_t each = 1;
        if (is_group(entry)) {
            bool again = repeated || pl_node_int(pl_node_get(entry, "repeat")) > 1;
            rc = count_list(pl_node_get(entry, "ops"), in_step || is_step(entry), again,
                            templates, &each, d);
            if (rc != 0)
                return rc;
        } else {
            (*templates)++;
        }
        uint64_t rep = (uint64_t)pl_node_int(pl_node_get(entry, "repeat"));
        uint64_t add = each > PL_DISPATCH_MAX_OPS / rep ? PL_DISPATCH_MAX_OPS + 1 : each * rep;
        *ops = *ops + add > PL_DISPATCH_MAX_OPS ? PL_DISPATCH_MAX_OPS + 1 : *ops + add;
        if (*ops > PL_DISPATCH_MAX_OPS)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(entry), pl_node_path(entry),
                              "the op list expands to more than %llu ops, more than fit in "
                              "memory; lower `repeat`",
                              (unsigned long long)PL_DISPATCH_MAX_OPS);
    }
    return 0;
}

struct loader {
    const pl_config *cfg;
    pl_diag *d;
    pl_dispatch *w;
    gsl_rng *rng;
    uint32_t next_template;
    uint64_t next_op;
};

/* Draws template t's costs into cost, step by step. */
static int draw_costs(struct loader *L, const struct op_template *t, double *cost)
{
    for (int s = 0; s < PL_DISPATCH_STEP_COUNT; s++) {
        int rc = t->key[s] ? pl_dist_draw_checked(&t->cost[s], L->rng, t->key[s], &cost[s], L->d)
                           : (cost[s] = 0, 0);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* The next op, of template tpl: its own draws when the template's costs vary. A cost
 * that cannot vary consumes no random number, so drawing it once per template gives
 * every op the same values, and the random ones the same stream, as drawing per op. */
static int draw_op(struct loader *L, uint32_t tpl)
{
    const struct op_template *t = &L->w->templates[tpl];
    int rc = t->varies ? draw_costs(L, t, &L->w->cost[L->next_op * PL_DISPATCH_STEP_COUNT]) : 0;
    L->w->template_of[L->next_op++] = tpl;
    return rc;
}

/* Makes the template of an op entry. A tile kernel, read before (read_kernels), has its
 * random durations drawn once per template: every repetition of the op runs the same
 * kernel. */
static int add_template(struct loader *L, const pl_node *entry, size_t index, uint32_t *out)
{
    uint32_t id = L->next_template++;
    struct op_template *t = &L->w->templates[id];
    *out = id;
    const pl_node *name = pl_node_get(entry, "name"), *tile = pl_node_get(entry, "tile");
    snprintf(t->fallback, sizeof t->fallback, "op%zu", index);
    t->name = name ? pl_node_str(name) : t->fallback;
    t->sync = pl_node_bool(pl_node_get(entry, "sync"));
    int rc = pl_dispatch_read_op(L->w, entry, t, L->d);
    if (rc != 0)
        return rc;
    for (int s = 0; s < PL_DISPATCH_STEP_COUNT; s++) {
        const pl_node *cost = pl_node_get(entry, step_keys[s]);
        t->cost[s] = cost ? *pl_node_dist(cost) : pl_dist_fixed(0);
        t->key[s] = cost ? pl_node_path(cost) : NULL;
        t->varies = t->varies || pl_dist_is_random(&t->cost[s]);
    }
    L->w->random = L->w->random || t->varies;
    if (t->varies && !L->w->cost &&
        !(L->w->cost = pl_array_alloc(L->w->nops * PL_DISPATCH_STEP_COUNT, sizeof *L->w->cost)))
        return pl_diag_set(L->d, PL_ENOMEM, "out of memory for %llu ops",
                           (unsigned long long)L->w->nops);
    rc = t->varies ? 0 : draw_costs(L, t, t->drawn);
    if (rc != 0)
        return rc;
    if (!tile)
        return 0;
    rc = pl_tile_program_draw(t->tile, L->rng, L->d);
    if (rc == 0)
        L->w->random = L->w->random || t->tile->random;
    return rc;
}

/* Expands a list in program order. A group's templates are made on its first
 * repetition and reused by the next ones. */
static int expand_list(struct loader *L, const pl_node *list)
{
    for (size_t i = 0; i < pl_node_len(list); i++) {
        const pl_node *entry = pl_node_at(list, i);
        long long rep = pl_node_int(pl_node_get(entry, "repeat"));
        if (!is_group(entry)) {
            uint32_t tpl;
            int rc = add_template(L, entry, i, &tpl);
            if (rc != 0)
                return rc;
            for (long long r = 0; r < rep && rc == 0; r++)
                rc = draw_op(L, tpl);
            if (rc != 0)
                return rc;
            continue;
        }
        uint64_t first_op = L->next_op;
        int rc = expand_list(L, pl_node_get(entry, "ops"));
        if (rc != 0)
            return rc;
        uint64_t len = L->next_op - first_op;
        if (is_step(entry))
            rc = pl_dispatch_add_step(L->w, L->cfg, entry, first_op, L->next_op, L->d);
        for (long long r = 1; r < rep && rc == 0; r++)
            for (uint64_t k = 0; k < len && rc == 0; k++)
                rc = draw_op(L, L->w->template_of[first_op + k]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* a x b, or UINT64_MAX when that does not fit. */
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
    return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* Reads the tile kernel of every op of a list that has one, into its template (in the
 * order expand_list makes them), without drawing anything, and adds to *tasks each
 * kernel's tasks times the runs of its op (`runs` is how often the list runs), refusing
 * more than PL_TILE_MAX_TASKS in all before a task or a duration is allocated. */
static int read_kernels(struct loader *L, const pl_node *list, uint64_t runs, uint64_t *tasks)
{
    for (size_t i = 0; i < pl_node_len(list); i++) {
        const pl_node *entry = pl_node_at(list, i), *tile = pl_node_get(entry, "tile");
        uint64_t entry_runs = mul_sat(runs, (uint64_t)pl_node_int(pl_node_get(entry, "repeat")));
        if (is_group(entry)) {
            int rc = read_kernels(L, pl_node_get(entry, "ops"), entry_runs, tasks);
            if (rc != 0)
                return rc;
            continue;
        }
        pl_tile_program **p = &L->w->templates[L->next_template++].tile;
        if (!tile)
            continue;
        int rc = pl_tile_program_read(L->cfg, tile, p, L->d);
        if (rc != 0)
            return rc;
        uint64_t each = pl_tile_program_tasks(*p), add = mul_sat(each, entry_runs);
        *tasks = add > UINT64_MAX - *tasks ? UINT64_MAX : *tasks + add;
        if (*tasks > PL_TILE_MAX_TASKS)
            return pl_diag_at(L->d, PL_ECONFIG, pl_node_loc(tile), pl_node_path(tile),
                              "expected at most %llu tile tasks in all (each kernel's tiles x "
                              "steps, each time its op runs), more than fit in memory; "
                              "%llu tiles x %u steps run %llu times bring the total to %llu; "
                              "lower `repeat` or the tiles",
                              (unsigned long long)PL_TILE_MAX_TASKS,
                              (unsigned long long)(*p)->tiles, (*p)->nsteps,
                              (unsigned long long)entry_runs, (unsigned long long)*tasks);
    }
    return 0;
}

static int read_policy(const pl_config *cfg, pl_dispatch *w, pl_diag *d)
{
    w->mode = strcmp(pl_config_str(cfg, "dispatch.mode"), "serial") == 0 ? PL_DISPATCH_SERIAL
                                                                        : PL_DISPATCH_PIPELINED;
    for (int s = 0; s < PL_DISPATCH_HOST_STEPS; s++) {
        char path[64];
        snprintf(path, sizeof path, "dispatch.threads.%s", step_keys[s]);
        const pl_node *n = pl_config_get(cfg, path);
        if (pl_node_int(n) > PL_DISPATCH_MAX_THREADS)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), path,
                              "expected at most %d threads, got %lld", PL_DISPATCH_MAX_THREADS,
                              pl_node_int(n));
        w->threads[s] = (uint32_t)pl_node_int(n);
    }
    w->queue_depth = pl_config_int(cfg, "dispatch.queue_depth");
    w->stream_depth = pl_config_int(cfg, "dispatch.stream_depth");
    /* Dispatch threads are not pinned: on a host with core types they share all cores. */
    long long cores[PL_CORE_TYPES];
    pl_machine_host_cores(cfg, cores);
    w->cores = (int)(cores[PL_CORE_BIG] + cores[PL_CORE_LITTLE]);
    pl_machine_host_scheduler(cfg, &w->host_sched.slice, &w->host_sched.tick);
    w->host_sched.lag_limit = pl_machine_host_lag_limit(cfg);
    /* No wake cost (machine.host.scheduler.wake_cost) between the pipelined host steps: each
     * step's cost is measured per op, its hand-over to the next step included. */
    return pl_dispatch_read_replay_policy(cfg, w, d);
}

int pl_dispatch_load(const pl_config *cfg, gsl_rng *rng, pl_dispatch **out, pl_diag *d)
{
    const pl_node *ops = pl_config_get(cfg, "dispatch.ops");
    uint32_t ntemplates = 0;
    uint64_t nops = 0;
    int rc = count_list(ops, false, false, &ntemplates, &nops, d);
    if (rc != 0)
        return rc;
    if (nops == 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(ops), pl_node_path(ops),
                          "expected at least one op, got an empty list");
    pl_dispatch *w = calloc(1, sizeof *w);
    if (!w)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the dispatch workload");
    rc = read_policy(cfg, w, d);
    if (rc != 0) {
        pl_dispatch_destroy(w);
        return rc;
    }
    w->ntemplates = ntemplates;
    w->nops = nops;
    w->templates = calloc(ntemplates, sizeof *w->templates);
    if (!w->templates) {
        pl_dispatch_destroy(w);
        return pl_diag_set(d, PL_ENOMEM, "out of memory for %u ops", ntemplates);
    }
    struct loader L = {cfg, d, w, rng, 0, 0};
    uint64_t tile_tasks = 0;
    rc = read_kernels(&L, ops, 1, &tile_tasks);
    if (rc != 0) {
        pl_dispatch_destroy(w);
        return rc;
    }
    w->template_of = pl_array_alloc_written(nops, sizeof *w->template_of);
    if (!w->template_of) {
        pl_dispatch_destroy(w);
        return pl_diag_set(d, PL_ENOMEM, "out of memory for %llu ops",
                           (unsigned long long)nops);
    }
    L.next_template = 0;
    rc = expand_list(&L, ops);
    if (rc == 0)
        rc = pl_dispatch_finish_load(w, cfg, d);
    if (rc != 0) {
        pl_dispatch_destroy(w);
        return rc;
    }
    *out = w;
    return 0;
}

void pl_dispatch_destroy(pl_dispatch *w)
{
    if (!w)
        return;
    for (uint32_t t = 0; w->templates && t < w->ntemplates; t++)
        pl_tile_program_destroy(w->templates[t].tile);
    free(w->templates);
    free(w->template_of);
    free(w->cost);
    pl_dispatch_free_replay(w);
    free(w);
}

uint64_t pl_dispatch_op_count(const pl_dispatch *w)
{
    return w->nops;
}

bool pl_dispatch_random(const pl_dispatch *w)
{
    return w->random;
}

static void kept_free(void *w)
{
    pl_dispatch_destroy(w);
}

/* The run in the workload's own mode, the baseline serial. */
static int lower_graph(const void *w, bool baseline, pl_graph **out)
{
    const pl_dispatch *dw = w;
    return pl_dispatch_lower(dw, baseline ? PL_DISPATCH_SERIAL : dw->mode, out);
}

int pl_dispatch_lower_scenario(const pl_config *cfg, gsl_rng *rng, pl_lowering *out, pl_diag *d)
{
    pl_dispatch *w = NULL;
    int rc = pl_dispatch_load(cfg, rng, &w, d);
    if (rc != 0)
        return rc;
    memset(out, 0, sizeof *out);
    out->mode = w->mode == PL_DISPATCH_SERIAL ? "serial" : "pipelined";
    out->baseline_mode = "serial";
    out->random = w->random;
    out->kept = w;
    out->kept_free = kept_free;
    rc = pl_lowering_graphs(lower_graph, w, w->mode != PL_DISPATCH_SERIAL, out);
    if (rc == 0)
        rc = pl_dispatch_fill_replay(w, cfg, &out->replay);
    if (rc != 0) {
        pl_lowering_fini(out);
        return pl_diag_set(d, rc, "out of memory lowering the dispatch workload");
    }
    return 0;
}
