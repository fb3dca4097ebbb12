/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * stream.c — loading a stream scenario: the chain, its stages and policy, and
 * the frames' drawn times.
 *
 * A task's latency is one value for every core type or one per type; a type it
 * has no value for, or that the host has no cores of, cannot run it (INFINITY to
 * the partitioner). Stages are checked against the chain and the host; with
 * `stages: auto` the partitioner cuts them. Draws go frame by frame, task by task,
 * and for each task once per core type in use (stages' types and the baseline's),
 * so that a stage and the baseline on the same type see the same draw.
 */
#include "models/stream/workload.h"
#include "sim/common/array.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The chain ----------------------------------------------------------------- */

/* Task i's latency distribution on each type, from its `latency` node. */
static void read_latency(const pl_node *lat, pl_dist out[PL_CORE_TYPES])
{
    for (int t = 0; t < PL_CORE_TYPES; t++) {
        const pl_node *v = lat;
        if (pl_node_type_of(lat) == PL_NODE_MAP && !pl_node_get(lat, "dist"))
            v = pl_node_get(lat, pl_core_type_name((pl_core_type)t));
        out[t] = v ? *pl_node_dist(v) : pl_dist_fixed(INFINITY);
    }
}

static int chain_task(const pl_stream_chain *c, const pl_node *task, uint32_t i,
                      pl_dist dist[PL_CORE_TYPES], pl_diag *d)
{
    const pl_node *lat = pl_node_get(task, "latency");
    read_latency(lat, dist);
    bool runs = false;
    for (int t = 0; t < PL_CORE_TYPES; t++) {
        c->tasks[i].latency[t] = pl_dist_mean(&dist[t]);
        runs = runs || (c->cores[t] > 0 && isfinite(c->tasks[i].latency[t]));
    }
    c->tasks[i].stateful = pl_node_bool(pl_node_get(task, "stateful"));
    c->sleeps[i] = strcmp(pl_node_str(pl_node_get(task, "kind")), "sleep") == 0;
    c->names[i] = pl_node_str(pl_node_get(task, "name"));
    if (!runs)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(lat), pl_node_path(lat),
                          "task '%s' has no latency for the host's cores (%lld big, %lld "
                          "little); give one per core type the host has",
                          c->names[i], c->cores[PL_CORE_BIG], c->cores[PL_CORE_LITTLE]);
    return 0;
}

/* The chain and, when dist is not NULL, each task's distributions (*dist, caller frees). */
static int load_chain(const pl_config *cfg, pl_stream_chain *c, pl_dist (**dist)[PL_CORE_TYPES],
                      pl_diag *d)
{
    memset(c, 0, sizeof *c);
    const pl_node *tasks = pl_config_get(cfg, "stream.tasks");
    size_t n = pl_node_len(tasks);
    if (n == 0 || n > PL_STREAM_MAX_TASKS)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(tasks), pl_node_path(tasks),
                          "expected between 1 and %d tasks, got %zu", PL_STREAM_MAX_TASKS, n);
    c->typed = pl_machine_host_cores(cfg, c->cores);
    pl_machine_host_scheduler(cfg, &c->sched.slice, &c->sched.tick);
    pl_machine_host_waking(cfg, &c->wakeup, &c->sched.wake_cost);
    c->sched.lag_limit = pl_machine_host_lag_limit(cfg);
    if (pl_config_get(cfg, "stream.wakeup"))
        c->wakeup = pl_config_real(cfg, "stream.wakeup");
    c->n = (uint32_t)n;
    c->tasks = calloc(n, sizeof *c->tasks);
    c->names = calloc(n, sizeof *c->names);
    c->sleeps = calloc(n, sizeof *c->sleeps);
    pl_dist(*dists)[PL_CORE_TYPES] = calloc(n, sizeof *dists);
    if (!c->tasks || !c->names || !c->sleeps || !dists) {
        free(dists);
        pl_stream_chain_fini(c);
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the chain");
    }
    int rc = 0;
    for (uint32_t i = 0; i < c->n && rc == 0; i++)
        rc = chain_task(c, pl_node_at(tasks, i), i, dists[i], d);
    if (rc != 0 || !dist) {
        free(dists);
        if (rc != 0)
            pl_stream_chain_fini(c);
        return rc;
    }
    *dist = dists;
    return 0;
}

int pl_stream_chain_load(const pl_config *cfg, pl_stream_chain *out, pl_diag *d)
{
    return load_chain(cfg, out, NULL, d);
}

void pl_stream_chain_fini(pl_stream_chain *c)
{
    free(c->tasks);
    free(c->names);
    free(c->sleeps);
    c->tasks = NULL;
    c->names = NULL;
    c->sleeps = NULL;
}

/* ---- Stages -------------------------------------------------------------------- */

static void name_stage(const pl_stream *w, pl_stream_stage *s)
{
    const char *first = w->chain.names[s->first];
    if (s->tasks == 1)
        snprintf(s->name, sizeof s->name, "%s", first);
    else
        snprintf(s->name, sizeof s->name, "%s..%s", first, w->chain.names[s->first + s->tasks - 1]);
}

/* What every stage needs, however it was chosen: its mean time and whether it is
 * stateful, its name. */
static void finish_stage(const pl_stream *w, pl_stream_stage *s)
{
    s->mean = 0;
    s->stateful = false;
    for (uint32_t i = s->first; i < s->first + s->tasks; i++) {
        s->mean += w->chain.tasks[i].latency[s->type];
        s->stateful = s->stateful || w->chain.tasks[i].stateful;
    }
    name_stage(w, s);
}

static int stages_from_partition(const pl_config *cfg, pl_stream *w, pl_diag *d)
{
    uint32_t cores[PL_CORE_TYPES];
    for (int t = 0; t < PL_CORE_TYPES; t++)
        cores[t] = (uint32_t)w->chain.cores[t];
    pl_partition p;
    int rc = pl_partition_find(w->chain.tasks, w->chain.n, cores, &p);
    if (rc == PL_ENOMEM)
        return pl_diag_set(d, rc, "out of memory partitioning the chain");
    if (rc != 0) /* load_chain made sure that every task runs on some type with cores */
        return pl_diag_set(d, rc, "no partition of the chain fits the host's cores");
    w->stages = calloc(p.nstages, sizeof *w->stages);
    if (!w->stages) {
        pl_partition_fini(&p);
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the stages");
    }
    long long buffer = pl_config_int(cfg, "stream.buffer");
    for (uint32_t s = 0; s < p.nstages; s++) {
        const pl_stage_plan *sp = &p.stages[s];
        w->stages[s] = (pl_stream_stage){.first = sp->first,
                                         .tasks = sp->tasks,
                                         .threads = sp->threads,
                                         .type = sp->type,
                                         .buffer = buffer};
        finish_stage(w, &w->stages[s]);
    }
    w->nstages = p.nstages;
    pl_partition_fini(&p);
    return 0;
}

/* A pinned stage's `cores`: core numbers on the host, of the stage's type (big cores are
 * numbered first). */
static int stage_cores(pl_stream *w, pl_stream_stage *s, const pl_node *item, pl_diag *d)
{
    const pl_node *list = pl_node_get(item, "cores");
    if (!list || pl_node_len(list) == 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(item), pl_node_path(item),
                          "with stream.pinning: stages every stage needs `cores`, the cores "
                          "its threads are pinned to");
    long long nbig = w->chain.cores[PL_CORE_BIG], total = nbig + w->chain.cores[PL_CORE_LITTLE];
    s->ncores = (uint32_t)pl_node_len(list);
    s->cores = calloc(s->ncores, sizeof *s->cores);
    if (!s->cores)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the stages");
    for (uint32_t i = 0; i < s->ncores; i++) {
        const pl_node *c = pl_node_at(list, i);
        char *end = NULL;
        long long v = strtoll(pl_node_text(c), &end, 10);
        bool number = end != pl_node_text(c) && *end == '\0';
        pl_core_type type = v < nbig ? PL_CORE_BIG : PL_CORE_LITTLE;
        if (!number || v < 0 || v >= total)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(c), pl_node_path(c),
                              "expected a core number from 0 to %lld, got '%s'", total - 1,
                              pl_node_text(c));
        if (type != s->type)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(c), pl_node_path(c),
                              "core %lld is a %s core (big cores are 0 to %lld), but the stage "
                              "runs on %s cores",
                              v, pl_core_type_name(type), nbig - 1, pl_core_type_name(s->type));
        s->cores[i] = (uint32_t)v;
    }
    return 0;
}

/* The checks on one configured stage that need the chain and the host. */
static int check_stage(pl_stream *w, pl_stream_stage *s, const pl_node *item, bool last, pl_diag *d)
{
    const pl_node *threads = pl_node_get(item, "threads");
    const pl_node *core = pl_node_get(item, "core");
    const pl_node *buffer = pl_node_get(item, "buffer");
    if (w->chain.cores[s->type] == 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(core), pl_node_path(core),
                          "the host has no %s cores; %s", pl_core_type_name(s->type),
                          w->chain.typed ? "choose a type it has" : "it has identical cores: big");
    for (uint32_t i = s->first; i < s->first + s->tasks; i++) {
        if (!isfinite(w->chain.tasks[i].latency[s->type]))
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(core), pl_node_path(core),
                              "task '%s' has no latency on %s cores, so the stage cannot run "
                              "on them",
                              w->chain.names[i], pl_core_type_name(s->type));
        if (w->chain.tasks[i].stateful && s->threads > 1)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(threads), pl_node_path(threads),
                              "the stage holds stateful task '%s', which cannot be replicated: "
                              "expected 1 thread, got %u",
                              w->chain.names[i], s->threads);
    }
    if (last && buffer)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(buffer), pl_node_path(buffer),
                          "the last stage has no pool after it; remove `buffer`");
    if (w->pinning == PL_PIN_STAGES)
        return stage_cores(w, s, item, d);
    const pl_node *cores = pl_node_get(item, "cores");
    if (cores)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(cores), pl_node_path(cores),
                          "`cores` pins a stage's threads only with stream.pinning: stages");
    return 0;
}

static int stages_from_config(const pl_config *cfg, const pl_node *list, pl_stream *w, pl_diag *d)
{
    size_t n = pl_node_len(list);
    if (n == 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(list), pl_node_path(list),
                          "expected at least one stage, or auto");
    w->stages = calloc(n, sizeof *w->stages);
    if (!w->stages)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the stages");
    w->nstages = (uint32_t)n;
    uint64_t next = 0;
    for (uint32_t s = 0; s < w->nstages; s++) {
        const pl_node *item = pl_node_at(list, s);
        const pl_node *tasks = pl_node_get(item, "tasks");
        const pl_node *buffer = pl_node_get(item, "buffer");
        pl_stream_stage *st = &w->stages[s];
        if (next + (uint64_t)pl_node_int(tasks) > w->chain.n)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(tasks), pl_node_path(tasks),
                              "the stages so far hold %llu tasks and this one %lld more, but "
                              "the chain has %u",
                              (unsigned long long)next, pl_node_int(tasks), w->chain.n);
        st->first = (uint32_t)next;
        st->tasks = (uint32_t)pl_node_int(tasks);
        const pl_node *threads = pl_node_get(item, "threads");
        if (pl_node_int(threads) > PL_STREAM_MAX_THREADS)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(threads), pl_node_path(threads),
                              "expected at most %d threads, got %lld", PL_STREAM_MAX_THREADS,
                              pl_node_int(threads));
        st->threads = (uint32_t)pl_node_int(threads);
        st->type = strcmp(pl_node_str(pl_node_get(item, "core")), "little") == 0 ? PL_CORE_LITTLE
                                                                                 : PL_CORE_BIG;
        st->buffer = buffer ? pl_node_int(buffer) : pl_config_int(cfg, "stream.buffer");
        next += st->tasks;
        int rc = check_stage(w, st, item, s + 1 == w->nstages, d);
        if (rc != 0)
            return rc;
        finish_stage(w, st);
    }
    if (next != w->chain.n)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(list), pl_node_path(list),
                          "the stages hold %llu tasks, but the chain has %u; the last stage "
                          "should end at task '%s'",
                          (unsigned long long)next, w->chain.n, w->chain.names[w->chain.n - 1]);
    return 0;
}

/* ---- Policy and draws ---------------------------------------------------------- */

static int read_policy(const pl_config *cfg, pl_stream *w, pl_diag *d)
{
    const pl_node *frames = pl_config_get(cfg, "stream.frames");
    if ((unsigned long long)pl_node_int(frames) > PL_STREAM_MAX_FRAMES)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(frames), pl_node_path(frames),
                          "expected at most %llu frames, got %lld", PL_STREAM_MAX_FRAMES,
                          pl_node_int(frames));
    w->frames = (uint64_t)pl_node_int(frames);
    w->waiting = strcmp(pl_config_str(cfg, "stream.waiting"), "active") == 0 ? PL_WAIT_ACTIVE
                                                                             : PL_WAIT_PASSIVE;
    w->wakeup = w->waiting == PL_WAIT_PASSIVE ? w->chain.wakeup : 0;
    w->adaptor = pl_config_real(cfg, "stream.adaptor_cost");
    w->handover = pl_config_real(cfg, "stream.handover");
    if (w->handover > 0 && w->adaptor == 0) {
        const pl_node *h = pl_config_get(cfg, "stream.handover");
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(h), pl_node_path(h),
                          "a handover time spaces a pool's pushes, which exist only where they "
                          "cost time: set stream.adaptor_cost too");
    }
    const char *pin = pl_config_str(cfg, "stream.pinning");
    w->pinning = strcmp(pin, "packed") == 0   ? PL_PIN_PACKED
                 : strcmp(pin, "stages") == 0 ? PL_PIN_STAGES
                                              : PL_PIN_NONE;
    const pl_node *stages = pl_config_get(cfg, "stream.stages");
    w->automatic = pl_node_type_of(stages) == PL_NODE_SCALAR;
    if (w->automatic && w->pinning == PL_PIN_STAGES) {
        const pl_node *p = pl_config_get(cfg, "stream.pinning");
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(p), pl_node_path(p),
                          "pinning: stages needs the stages listed, each with its cores; with "
                          "stages: auto use none or packed");
    }
    return 0;
}

/* The baseline's thread runs the whole chain: on big cores when every task runs there,
 * else on little ones. */
static int base_type(pl_stream *w, const pl_config *cfg, pl_diag *d)
{
    for (int t = 0; t < PL_CORE_TYPES; t++) {
        bool all = w->chain.cores[t] > 0;
        for (uint32_t i = 0; i < w->chain.n; i++)
            all = all && isfinite(w->chain.tasks[i].latency[t]);
        if (all) {
            w->base_type = (pl_core_type)t;
            return 0;
        }
    }
    const pl_node *tasks = pl_config_get(cfg, "stream.tasks");
    return pl_diag_at(d, PL_ECONFIG, pl_node_loc(tasks), pl_node_path(tasks),
                      "no core type runs every task, so the baseline (the whole chain on one "
                      "thread) cannot run; give each task a latency for one common type");
}

static int check_size(const pl_stream *w, const pl_config *cfg, pl_diag *d)
{
    uint64_t per_frame = pl_stream_tasks_per_frame(w);
    if (w->frames * per_frame <= PL_GRAPH_MAX_TASKS)
        return 0;
    const pl_node *frames = pl_config_get(cfg, "stream.frames");
    return pl_diag_at(d, PL_ECONFIG, pl_node_loc(frames), pl_node_path(frames),
                      "%llu frames through %u stages make %llu tasks, more than pipelab "
                      "simulates in one run (%u); use fewer frames",
                      (unsigned long long)w->frames, w->nstages,
                      (unsigned long long)(w->frames * per_frame), PL_GRAPH_MAX_TASKS);
}

/* Draws every frame's work; a draw that is not a finite time >= 0 is refused, naming the
 * task's key. */
static int draw(pl_stream *w, gsl_rng *rng, pl_diag *d)
{
    bool used[PL_CORE_TYPES] = {false};
    used[w->base_type] = true;
    for (uint32_t s = 0; s < w->nstages; s++)
        used[w->stages[s].type] = true;
    for (uint32_t i = 0; i < w->chain.n; i++)
        for (int t = 0; t < PL_CORE_TYPES; t++)
            w->random = w->random || (used[t] && pl_dist_is_random(&w->dist[i][t]));
    for (uint64_t k = 0; k < w->frames; k++) {
        double *work = w->work + k * w->nstages;
        double *slept = w->slept ? w->slept + k * w->nstages : NULL;
        w->base[k] = 0;
        if (slept)
            w->base_slept[k] = 0;
        for (uint32_t s = 0; s < w->nstages; s++) {
            const pl_stream_stage *st = &w->stages[s];
            work[s] = 0;
            if (slept)
                slept[s] = 0;
            for (uint32_t i = st->first; i < st->first + st->tasks; i++) {
                double v[PL_CORE_TYPES] = {0, 0};
                for (int t = 0; t < PL_CORE_TYPES; t++)
                    if (used[t])
                        v[t] = pl_dist_draw(&w->dist[i][t], rng);
                for (int t = 0; t < PL_CORE_TYPES; t++)
                    if (!(isfinite(v[t]) && v[t] >= 0)) {
                        char key[64];
                        snprintf(key, sizeof key, "stream.tasks[%u].latency", i);
                        return pl_dist_check_draw(&w->dist[i][t], v[t], key, d);
                    }
                work[s] += v[st->type];
                w->base[k] += v[w->base_type];
                if (slept && w->chain.sleeps[i]) {
                    slept[s] += v[st->type];
                    w->base_slept[k] += v[w->base_type];
                }
            }
        }
    }
    return 0;
}

static void destroy(pl_stream *w)
{
    if (!w)
        return;
    for (uint32_t s = 0; w->stages && s < w->nstages; s++)
        free(w->stages[s].cores);
    free(w->stages);
    free(w->dist);
    free(w->work);
    free(w->base);
    free(w->slept);
    free(w->base_slept);
    pl_stream_chain_fini(&w->chain);
    free(w);
}

static int load(const pl_config *cfg, gsl_rng *rng, pl_stream **out, pl_diag *d)
{
    pl_stream *w = calloc(1, sizeof *w);
    if (!w)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the stream workload");
    int rc = load_chain(cfg, &w->chain, &w->dist, d);
    if (rc == 0)
        rc = read_policy(cfg, w, d);
    if (rc == 0)
        rc = base_type(w, cfg, d);
    const pl_node *stages = pl_config_get(cfg, "stream.stages");
    if (rc == 0)
        rc =
            w->automatic ? stages_from_partition(cfg, w, d) : stages_from_config(cfg, stages, w, d);
    if (rc == 0)
        rc = check_size(w, cfg, d);
    if (rc == 0) {
        w->work = pl_array_alloc_written(w->frames * w->nstages, sizeof *w->work);
        w->base = pl_array_alloc_written(w->frames, sizeof *w->base);
        bool sleeps = false;
        for (uint32_t i = 0; i < w->chain.n; i++)
            sleeps = sleeps || w->chain.sleeps[i];
        if (sleeps) {
            w->slept = pl_array_alloc_written(w->frames * w->nstages, sizeof *w->slept);
            w->base_slept = pl_array_alloc_written(w->frames, sizeof *w->base_slept);
        }
        if (!w->work || !w->base || (sleeps && (!w->slept || !w->base_slept)))
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory for %llu frames",
                             (unsigned long long)w->frames);
    }
    if (rc == 0)
        rc = draw(w, rng, d);
    if (rc != 0) {
        destroy(w);
        return rc;
    }
    *out = w;
    return 0;
}

/* The workload is kept for the variants (models/stream/variants.h): its stage names are its
 * own, and it reads the config no more. */
static void kept_free(void *w)
{
    destroy(w);
}

static int lower_graph(const void *w, bool baseline, pl_graph **out)
{
    return pl_stream_lower(w, baseline, out);
}

int pl_stream_lower_scenario(const pl_config *cfg, gsl_rng *rng, pl_lowering *out, pl_diag *d)
{
    pl_stream *w = NULL;
    int rc = load(cfg, rng, &w, d);
    if (rc != 0)
        return rc;
    memset(out, 0, sizeof *out);
    out->mode = "pipelined";
    out->baseline_mode = "one thread";
    out->random = w->random;
    out->kept = w;
    out->kept_free = kept_free;
    rc = pl_lowering_graphs(lower_graph, w, true, out);
    if (rc == 0)
        rc = pl_stream_figures(w, &out->figures);
    if (rc != 0) {
        pl_lowering_fini(out);
        return pl_diag_set(d, rc, "out of memory lowering the stream workload");
    }
    return 0;
}
