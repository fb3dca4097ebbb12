/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dispatch.c — the dispatch workload and its two lowerings.
 *
 * Loading turns the op list into templates (one per written op) and instances
 * (one per op launched, repeats unrolled), and draws every instance's durations,
 * so that the run and its baseline see the same numbers.
 *
 * Lowering adds, per op, its InferShape, Resize and Launch tasks on host threads
 * and its kernel on the device stream, in op order, so every edge points to an
 * earlier task. A bounded queue of depth b between a producer pool of p threads
 * and its consumer is a slot edge: the producer thread's next task (op k + p)
 * waits until the consumer has taken op k - b off the queue (the start of that
 * consumer task), which is when op k could be pushed. With p = 1 this is exactly
 * blocking after service (Y. Dallery and S. B. Gershwin, "Manufacturing flow line
 * systems: a review of models and analytical results", Queueing Systems 12, 1992).
 */
#include "models/dispatch/dispatch.h"
#include "models/dispatch/workload.h"
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

static const char *const step_units[] = {
#define PL_DISPATCH_STEP_UNIT(name, key, unit) unit,
    PL_DISPATCH_STEPS(PL_DISPATCH_STEP_UNIT)
#undef PL_DISPATCH_STEP_UNIT
};

/* ---- Loading ------------------------------------------------------------------- */

static bool is_group(const pl_node *entry)
{
    return pl_node_get(entry, "ops") != NULL;
}

/* A group takes only name, repeat and ops; an op needs all four costs. */
static int check_entry(const pl_node *entry, pl_diag *d)
{
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
        return 0;
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
static int count_list(const pl_node *list, uint32_t *templates, uint64_t *ops, pl_diag *d)
{
    *ops = 0;
    for (size_t i = 0; i < pl_node_len(list); i++) {
        const pl_node *entry = pl_node_at(list, i);
        int rc = check_entry(entry, d);
        if (rc != 0)
            return rc;
        uint64_t each = 1;
        if (is_group(entry)) {
            rc = count_list(pl_node_get(entry, "ops"), templates, &each, d);
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

static int draw_op(struct loader *L, uint32_t tpl)
{
    const struct op_template *t = &L->w->templates[tpl];
    double *cost = &L->w->cost[L->next_op * PL_DISPATCH_STEP_COUNT];
    for (int s = 0; s < PL_DISPATCH_STEP_COUNT; s++) {
        int rc = t->key[s] ? pl_dist_draw_checked(&t->cost[s], L->rng, t->key[s], &cost[s], L->d)
                           : (cost[s] = 0, 0);
        if (rc != 0)
            return rc;
    }
    L->w->template_of[L->next_op++] = tpl;
    return 0;
}

/* Makes the template of an op entry. A tile kernel, read before (read_kernels), has its
 * random durations drawn once per template: every repetition of the op runs the same
 * kernel. */
static int add_template(struct loader *L, const pl_node *entry, size_t index, uint32_t *out)
{
    uint32_t id = L->next_template++;
    struct op_template *t = &L->w->templates[id];
    const pl_node *name = pl_node_get(entry, "name"), *tile = pl_node_get(entry, "tile");
    snprintf(t->fallback, sizeof t->fallback, "op%zu", index);
    t->name = name ? pl_node_str(name) : t->fallback;
    t->sync = pl_node_bool(pl_node_get(entry, "sync"));
    for (int s = 0; s < PL_DISPATCH_STEP_COUNT; s++) {
        const pl_node *cost = pl_node_get(entry, step_keys[s]);
        t->cost[s] = cost ? *pl_node_dist(cost) : pl_dist_fixed(0);
        t->key[s] = cost ? pl_node_path(cost) : NULL;
        L->w->random = L->w->random || pl_dist_is_random(&t->cost[s]);
    }
    *out = id;
    if (!tile)
        return 0;
    int rc = pl_tile_program_draw(t->tile, L->rng, L->d);
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
    return 0;
}

int pl_dispatch_load(const pl_config *cfg, gsl_rng *rng, pl_dispatch **out, pl_diag *d)
{
    const pl_node *ops = pl_config_get(cfg, "dispatch.ops");
    uint32_t ntemplates = 0;
    uint64_t nops = 0;
    int rc = count_list(ops, &ntemplates, &nops, d);
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
    w->template_of = malloc(nops * sizeof *w->template_of);
    w->cost = malloc(nops * PL_DISPATCH_STEP_COUNT * sizeof *w->cost);
    if (!w->template_of || !w->cost) {
        pl_dispatch_destroy(w);
        return pl_diag_set(d, PL_ENOMEM, "out of memory for %llu ops",
                           (unsigned long long)nops);
    }
    L.next_template = 0;
    rc = expand_list(&L, ops);
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

/* ---- Lowering ------------------------------------------------------------------ */

struct lowering {
    const pl_dispatch *w;
    pl_graph *g;
    uint32_t *labels;                           /* graph label per template */
    uint32_t nthreads[PL_DISPATCH_STEP_COUNT];  /* units per step */
    uint32_t *units[PL_DISPATCH_STEP_COUNT];    /* unit ids per step */
    uint32_t *task[PL_DISPATCH_STEP_COUNT];     /* task id per op and step */
    uint32_t *kernel_end; /* per op: the task whose end is the end of its kernel */
    pl_tile_site *site;   /* the device's cores, when some kernel is a tile program */
};

static int add_pool(struct lowering *lw, int step, uint32_t place, const char *prefix)
{
    uint32_t n = lw->nthreads[step];
    lw->units[step] = malloc(n * sizeof *lw->units[step]);
    if (!lw->units[step])
        return PL_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        char name[64];
        if (n == 1)
            snprintf(name, sizeof name, "%s.%s", prefix, step_units[step]);
        else
            snprintf(name, sizeof name, "%s.%s.%u", prefix, step_units[step], i);
        int rc = pl_graph_add_unit(lw->g, name, place, &lw->units[step][i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Places and units. Serial mode has one host thread, host.dispatch, for all three host
 * steps; pipelined mode a pool per step. The device has one in-order stream. */
static int add_units(struct lowering *lw, pl_dispatch_mode mode)
{
    uint32_t host, device;
    int rc = pl_graph_add_place(lw->g, "host", PL_PLACE_HOST, lw->w->cores, &host);
    if (rc == 0)
        rc = pl_graph_add_place(lw->g, "device", PL_PLACE_DEVICE, 1, &device);
    for (int s = 0; s < PL_DISPATCH_STEP_COUNT; s++)
        lw->nthreads[s] = mode == PL_DISPATCH_SERIAL || s == PL_DISPATCH_KERNEL ? 1
                                                                               : lw->w->threads[s];
    if (mode == PL_DISPATCH_SERIAL) {
        uint32_t thread = 0;
        if (rc == 0)
            rc = pl_graph_add_unit(lw->g, "host.dispatch", host, &thread);
        for (int s = 0; s < PL_DISPATCH_HOST_STEPS && rc == 0; s++) {
            lw->units[s] = malloc(sizeof *lw->units[s]);
            if (!lw->units[s])
                return PL_ENOMEM;
            lw->units[s][0] = thread;
        }
    } else {
        for (int s = 0; s < PL_DISPATCH_HOST_STEPS && rc == 0; s++)
            rc = add_pool(lw, s, host, "host");
    }
    if (rc == 0)
        rc = add_pool(lw, PL_DISPATCH_KERNEL, device, "device");
    return rc;
}

static int add_labels(struct lowering *lw)
{
    lw->labels = malloc(((size_t)lw->w->ntemplates + 1) * sizeof *lw->labels);
    if (!lw->labels)
        return PL_ENOMEM;
    for (uint32_t t = 0; t < lw->w->ntemplates; t++) {
        int rc = pl_graph_add_label(lw->g, lw->w->templates[t].name, &lw->labels[t]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Op k's kernel is a tile program: its task on the device stream (no work) issues the
 * program on the cores, and a second one (no work either) waits for every pipe to finish
 * it, so that the stream runs the next kernel only after this one, in order. */
static int add_tile_kernel(struct lowering *lw, uint64_t k)
{
    const pl_dispatch *w = lw->w;
    uint32_t tpl = w->template_of[k], stream = lw->units[PL_DISPATCH_KERNEL][0];
    pl_tile_ends ends = {0};
    int rc = pl_tile_lower_kernel(lw->site, w->templates[tpl].tile, PL_TILE_PIPELINED,
                                  (uint32_t)k, &ends);
    for (uint32_t i = 0; i < ends.n && rc == 0; i++)
        rc = pl_graph_add_edge(lw->g, lw->task[PL_DISPATCH_KERNEL][k], ends.first[i],
                               PL_EDGE_ISSUE, PL_AT_END);
    if (rc == 0)
        rc = pl_graph_add_task(lw->g, stream, 0, lw->labels[tpl], (uint32_t)k, &lw->kernel_end[k]);
    for (uint32_t i = 0; i < ends.n && rc == 0; i++)
        rc = pl_graph_add_edge(lw->g, ends.last[i], lw->kernel_end[k], PL_EDGE_DATA, PL_AT_END);
    pl_tile_ends_fini(&ends);
    return rc;
}

static int add_op(struct lowering *lw, uint64_t k)
{
    const pl_dispatch *w = lw->w;
    uint32_t tpl = w->template_of[k];
    int rc = 0;
    for (int s = 0; s < PL_DISPATCH_STEP_COUNT && rc == 0; s++) {
        uint32_t unit = lw->units[s][k % lw->nthreads[s]];
        rc = pl_graph_add_task(lw->g, unit, w->cost[k * PL_DISPATCH_STEP_COUNT + s],
                               lw->labels[tpl], (uint32_t)k, &lw->task[s][k]);
        /* Steps of one op on one thread (serial mode) are ordered by the thread itself;
         * the edge is still there, as the dependency it is, for the resource bound and
         * the critical path (on a tie the thread's own order releases the step). */
        (void)unit;
        if (rc == 0 && s > 0)
            rc = pl_graph_add_edge(lw->g, lw->task[s - 1][k], lw->task[s][k],
                                   s == PL_DISPATCH_KERNEL ? PL_EDGE_ISSUE : PL_EDGE_DATA,
                                   PL_AT_END);
    }
    lw->kernel_end[k] = lw->task[PL_DISPATCH_KERNEL][k];
    if (rc == 0 && w->templates[tpl].tile)
        rc = add_tile_kernel(lw, k);
    if (rc == 0 && w->templates[tpl].sync && k > 0)
        rc = pl_graph_add_edge(lw->g, lw->kernel_end[k - 1], lw->task[PL_DISPATCH_INFER][k],
                               PL_EDGE_SYNC, PL_AT_END);
    return rc;
}

/* Queue between producer step s and consumer step c, of depth `depth`: the producer's
 * task of op j is its thread's next task after op j - p (p threads take ops round-robin),
 * so it waits for the consumer to take op j - p - depth off the queue. */
static int add_slot_edge(struct lowering *lw, int s, uint32_t producer_task, int c,
                         long long depth, uint64_t j)
{
    uint64_t p = lw->nthreads[s];
    if (depth == PL_UNBOUNDED || j < p + (uint64_t)depth)
        return 0;
    return pl_graph_add_edge(lw->g, lw->task[c][j - p - (uint64_t)depth], producer_task,
                             PL_EDGE_SLOT, PL_AT_START);
}

/* The slot edges into op j's tasks. Pipelined: the queues between host steps and the
 * device stream after Launch. Serial: only the device stream, and the thread's next task
 * after launching op j - 1 is op j's InferShape. */
static int add_queue_edges(struct lowering *lw, pl_dispatch_mode mode, uint64_t j)
{
    const pl_dispatch *w = lw->w;
    if (mode == PL_DISPATCH_SERIAL)
        return add_slot_edge(lw, PL_DISPATCH_LAUNCH, lw->task[PL_DISPATCH_INFER][j],
                             PL_DISPATCH_KERNEL, w->stream_depth, j);
    int rc = 0;
    for (int s = 0; s < PL_DISPATCH_HOST_STEPS && rc == 0; s++) {
        long long depth = s + 1 == PL_DISPATCH_KERNEL ? w->stream_depth : w->queue_depth;
        rc = add_slot_edge(lw, s, lw->task[s][j], s + 1, depth, j);
    }
    return rc;
}

static void free_lowering(struct lowering *lw)
{
    free(lw->labels);
    free(lw->kernel_end);
    pl_tile_site_destroy(lw->site);
    for (int s = 0; s < PL_DISPATCH_STEP_COUNT; s++) {
        free(lw->units[s]);
        free(lw->task[s]);
    }
}

static int lower_into(struct lowering *lw, pl_dispatch_mode mode)
{
    const pl_dispatch *w = lw->w;
    int rc = add_units(lw, mode);
    if (rc == 0)
        rc = add_labels(lw);
    for (int s = 0; s < PL_DISPATCH_STEP_COUNT && rc == 0; s++) {
        lw->task[s] = malloc(w->nops * sizeof *lw->task[s]);
        if (!lw->task[s])
            rc = PL_ENOMEM;
    }
    lw->kernel_end = malloc(w->nops * sizeof *lw->kernel_end);
    if (!lw->kernel_end)
        rc = PL_ENOMEM;
    for (uint32_t t = 0; t < w->ntemplates && rc == 0 && !lw->site; t++)
        if (w->templates[t].tile)
            rc = pl_tile_site_create(lw->g, w->templates[t].tile->gm_bandwidth, &lw->site);
    for (uint64_t j = 0; j < w->nops && rc == 0; j++) {
        rc = add_op(lw, j);
        if (rc == 0)
            rc = add_queue_edges(lw, mode, j);
    }
    if (rc == 0)
        rc = pl_graph_set_items(lw->g, w->nops, "ops");
    if (rc == 0)
        rc = pl_graph_finalize(lw->g);
    return rc;
}

int pl_dispatch_lower(const pl_dispatch *w, pl_dispatch_mode mode, pl_graph **out)
{
    struct lowering lw = {.w = w};
    lw.g = pl_graph_create(mode == PL_DISPATCH_SERIAL ? "serial" : "pipelined");
    if (!lw.g)
        return PL_ENOMEM;
    int rc = lower_into(&lw, mode);
    free_lowering(&lw);
    if (rc != 0) {
        pl_graph_destroy(lw.g);
        return rc;
    }
    *out = lw.g;
    return 0;
}

static void kept_free(void *w)
{
    pl_dispatch_destroy(w);
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
    rc = pl_dispatch_lower(w, w->mode, &out->run);
    if (rc == 0 && w->mode != PL_DISPATCH_SERIAL)
        rc = pl_dispatch_lower(w, PL_DISPATCH_SERIAL, &out->baseline);
    if (rc != 0) {
        pl_lowering_fini(out);
        return pl_diag_set(d, rc, "out of memory lowering the dispatch workload");
    }
    return 0;
}
