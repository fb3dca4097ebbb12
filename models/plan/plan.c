/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plan.c — reading a plan scenario into a loop: classes, buffers, ops with their
 * times, and the dependencies written and implied.
 *
 * The schema has checked types and ranges; what is checked here is that names
 * refer to something, that each op's time is given exactly one way, and that the
 * dependencies within one iteration form no cycle. Every message names the key
 * where the mistake was written.
 */
#include "models/plan/plan.h"
#include "sim/common/array.h"
#include "sim/config/dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pl_plan_workload_fini(pl_plan_workload *w)
{
    pl_plan_loop_fini(&w->loop);
    free(w->draws);
    free(w->alt_first);
    *w = (pl_plan_workload){0};
}

static int nomem(pl_diag *d)
{
    return pl_diag_set(d, PL_ENOMEM, "out of memory");
}

/* The index of the mapping key `name` in a plan.units or plan.buffers node; -1. */
static int key_index(const pl_node *map, const char *name)
{
    for (size_t i = 0; map && i < pl_node_len(map); i++)
        if (strcmp(pl_node_key(map, i), name) == 0)
            return (int)i;
    return -1;
}

/* "dma, tensor, vector": the keys of a mapping, for messages. */
static const char *key_list(const pl_node *map, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; map && i < pl_node_len(map) && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", pl_node_key(map, i));
    return map && pl_node_len(map) ? buf : "none";
}

/* The index of the class named `name` in plan.units into *cls; PL_ECONFIG at node `at`
 * (where the name was written) when there is none. */
static int class_named(const pl_node *units, const char *name, const pl_node *at, int *cls,
                       pl_diag *d)
{
    char names[512];
    *cls = key_index(units, name);
    if (*cls < 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(at), pl_node_path(at),
                          "no unit class named '%s' in plan.units (it has: %s)", name,
                          key_list(units, names, sizeof names));
    return 0;
}

/* ---- Classes and buffers ---------------------------------------------------------- */

/* plan.intervals: the pipelined classes' issue intervals. */
static int read_intervals(const pl_node *sec, pl_plan_loop *l, pl_diag *d)
{
    const pl_node *intervals = pl_node_get(sec, "intervals"), *units = pl_node_get(sec, "units");
    for (size_t i = 0; intervals && i < pl_node_len(intervals); i++) {
        const pl_node *n = pl_node_at(intervals, i);
        int c;
        int rc = class_named(units, pl_node_key(intervals, i), n, &c, d);
        if (rc)
            return rc;
        l->classes[c].interval = pl_node_real(n);
    }
    return 0;
}

static int read_classes(const pl_node *sec, pl_plan_loop *l, pl_diag *d)
{
    const pl_node *units = pl_node_get(sec, "units");
    l->nclasses = (uint32_t)pl_node_len(units);
    l->classes = calloc(l->nclasses + 1, sizeof *l->classes);
    if (!l->classes)
        return nomem(d);
    for (uint32_t c = 0; c < l->nclasses; c++) {
        l->classes[c].name = strdup(pl_node_key(units, c));
        l->classes[c].units = (uint32_t)pl_node_int(pl_node_at(units, c));
        if (!l->classes[c].name)
            return nomem(d);
        if (l->classes[c].units > 1024)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(pl_node_at(units, c)),
                              pl_node_path(pl_node_at(units, c)),
                              "at most 1024 units per class, got %u", l->classes[c].units);
    }
    return read_intervals(sec, l, d);
}

static int read_buffers(const pl_node *sec, pl_plan_loop *l, pl_diag *d)
{
    const pl_node *bufs = pl_node_get(sec, "buffers"); /* absent: a loop without buffers */
    l->nbuffers = bufs ? (uint32_t)pl_node_len(bufs) : 0;
    l->buffers = calloc(l->nbuffers + 1, sizeof *l->buffers);
    if (!l->buffers)
        return nomem(d);
    for (uint32_t b = 0; b < l->nbuffers; b++) {
        l->buffers[b].name = strdup(pl_node_key(bufs, b));
        l->buffers[b].size = pl_node_real(pl_node_at(bufs, b));
        if (!l->buffers[b].name)
            return nomem(d);
    }
    return 0;
}

/* ---- An op's time ------------------------------------------------------------------- */

/* What a machine unit gives a class: fixed time plus amount over rate. */
struct rate {
    double fixed, per_second;
};

/* The machine.device.units entry named `name`, or NULL. */
static const pl_node *machine_unit(const pl_config *cfg, const char *name)
{
    const pl_node *units = pl_config_get(cfg, "machine.device.units");
    for (size_t i = 0; units && i < pl_node_len(units); i++)
        if (strcmp(pl_node_str(pl_node_get(pl_node_at(units, i), "name")), name) == 0)
            return pl_node_at(units, i);
    return NULL;
}

/* The machine unit that plan.rates names for the op's class, read for bytes (a dma
 * unit's latency and bandwidth) or flops (a compute unit's overhead and rate). */
static int class_rate(const pl_config *cfg, const pl_node *op, const char *cls, bool bytes,
                      struct rate *r, pl_diag *d)
{
    const pl_node *amount = pl_node_get(op, bytes ? "bytes" : "flops");
    const pl_node *name = pl_node_get(pl_config_get(cfg, "plan.rates"), cls);
    if (!name)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(amount), pl_node_path(amount),
                          "an op given in %s needs a rate: set plan.rates.%s to the machine unit "
                          "that times class %s",
                          bytes ? "bytes" : "flops", cls, cls);
    const pl_node *entry = machine_unit(cfg, pl_node_str(name));
    if (!entry)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(name), pl_node_path(name),
                          "no unit named '%s' in machine.device.units", pl_node_str(name));
    const pl_node *bw = pl_node_get(entry, "bandwidth"), *rate = pl_node_get(entry, "rate"),
                  *per = pl_node_get(entry, "per_cycle"),
                  *clock = pl_config_get(cfg, "machine.device.clock");
    if (bytes ? !bw : !(rate || (per && clock)))
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(amount), pl_node_path(amount),
                          "machine unit '%s' has no %s to time %s; give the op a latency instead",
                          pl_node_str(name),
                          bytes ? "bandwidth" : "rate (or per_cycle and a clock)",
                          bytes ? "bytes" : "flops");
    const pl_node *fixed = pl_node_get(entry, bytes ? "latency" : "overhead");
    r->fixed = fixed ? pl_node_real(fixed) : 0;
    r->per_second = bytes  ? pl_node_real(bw)
                    : rate ? pl_node_real(rate)
                           : pl_node_real(per) * pl_node_real(clock);
    return 0;
}

/* The op's latency distribution from exactly one of latency, bytes and flops. */
static int op_time(const pl_config *cfg, const pl_node *op, const char *cls, pl_dist *out,
                   pl_diag *d)
{
    static const char *const ways[] = {"latency", "bytes", "flops"};
    int given = -1;
    for (int k = 0; k < 3; k++) {
        const pl_node *n = pl_node_get(op, ways[k]);
        if (n && given >= 0)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                              "the op's time is given twice (%s and %s); give one", ways[given],
                              ways[k]);
        if (n)
            given = k;
    }
    if (given < 0)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(op), pl_node_path(op),
                          "the op has no time; give latency, or bytes or flops with plan.rates");
    if (given == 0) {
        *out = *pl_node_dist(pl_node_get(op, "latency"));
        return 0;
    }
    struct rate r = {0, 1};
    int rc = class_rate(cfg, op, cls, given == 1, &r, d);
    if (!rc)
        *out = pl_dist_fixed(r.fixed + pl_node_real(pl_node_get(op, ways[given])) / r.per_second);
    return rc;
}

/* plan.transfers: what moving a buffer between units of the classes each joins costs. */
static int read_transfers(const pl_config *cfg, const pl_node *sec, pl_plan_loop *l, pl_diag *d)
{
    const pl_node *list = pl_node_get(sec, "transfers"), *units = pl_node_get(sec, "units");
    size_t n = list ? pl_node_len(list) : 0;
    l->transfers = calloc(n + 1, sizeof *l->transfers);
    if (!l->transfers)
        return nomem(d);
    for (size_t i = 0; i < n; i++) {
        const pl_node *x = pl_node_at(list, i), *between = pl_node_get(x, "between"),
                      *link = pl_node_get(x, "link"), *lat = pl_node_get(x, "latency"),
                      *bw = pl_node_get(x, "bandwidth");
        pl_plan_transfer *t = &l->transfers[l->ntransfers++];
        if (!(t->joins = calloc(l->nclasses + 1, sizeof *t->joins)))
            return nomem(d);
        for (size_t k = 0; k < pl_node_len(between); k++) {
            const pl_node *name = pl_node_at(between, k);
            int c;
            int rc = class_named(units, pl_node_str(name), name, &c, d);
            if (rc)
                return rc;
            t->joins[c] = true;
        }
        if (link && (bw || lat))
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(link), pl_node_path(link),
                              "a transfer is priced by its link or by its latency and bandwidth; "
                              "give one way");
        const pl_node *entry = link ? machine_unit(cfg, pl_node_str(link)) : NULL;
        if (link && !(entry && pl_node_get(entry, "bandwidth")))
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(link), pl_node_path(link),
                              entry ? "machine unit '%s' has no bandwidth to price a transfer"
                                    : "no unit named '%s' in machine.device.units",
                              pl_node_str(link));
        if (entry) {
            lat = pl_node_get(entry, "latency");
            bw = pl_node_get(entry, "bandwidth");
        }
        t->latency = lat ? pl_node_real(lat) : 0;
        t->bandwidth = bw ? pl_node_real(bw) : INFINITY;
    }
    return 0;
}

/* ---- Ops ---------------------------------------------------------------------------- */

static int find_op(const pl_node *ops, const char *name)
{
    for (size_t i = 0; i < pl_node_len(ops); i++)
        if (strcmp(pl_node_str(pl_node_get(pl_node_at(ops, i), "name")), name) == 0)
            return (int)i;
    return -1;
}

static int read_access(const pl_node *sec, const pl_node *op, uint32_t o, bool write,
                       pl_plan_loop *l, pl_diag *d)
{
    const pl_node *list = pl_node_get(op, write ? "writes" : "reads"),
                  *bufs = pl_node_get(sec, "buffers");
    for (size_t i = 0; list && i < pl_node_len(list); i++) {
        const pl_node *n = pl_node_at(list, i);
        int b = key_index(bufs, pl_node_str(n));
        char names[512];
        if (b < 0)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                              "no buffer named '%s' in plan.buffers (it has: %s)", pl_node_str(n),
                              key_list(bufs, names, sizeof names));
        pl_plan_access *a = realloc(l->access, (l->naccess + 1) * sizeof *a);
        if (!a)
            return nomem(d);
        l->access = a;
        l->access[l->naccess++] = (pl_plan_access){o, (uint32_t)b, write};
    }
    return 0;
}

static int read_after(const pl_node *ops, const pl_node *op, uint32_t o, pl_plan_loop *l,
                      pl_diag *d)
{
    const pl_node *list = pl_node_get(op, "after");
    for (size_t i = 0; list && i < pl_node_len(list); i++) {
        const pl_node *n = pl_node_at(list, i);
        bool bare = pl_node_type_of(n) == PL_NODE_SCALAR;
        const pl_node *name = bare ? n : pl_node_get(n, "op");
        int src = find_op(ops, pl_node_str(name));
        if (src < 0)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(name), pl_node_path(name),
                              "no op named '%s' in plan.ops", pl_node_str(name));
        long long dist = bare ? 0 : pl_node_int(pl_node_get(n, "distance"));
        if (dist > 1000000)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                              "a distance of at most 1000000 iterations, got %lld", dist);
        pl_plan_dep *v = realloc(l->deps, (l->ndeps + 1) * sizeof *v);
        if (!v)
            return nomem(d);
        l->deps = v;
        l->deps[l->ndeps++] =
            (pl_plan_dep){(uint32_t)src, o, (uint32_t)dist, PL_PLAN_DEP_AFTER, -1};
    }
    return 0;
}

/* The op's `also` list: the other classes that may run it, each with its time there
 * (dist, one per entry). */
static int read_also(const pl_config *cfg, const pl_node *sec, const pl_node *op, uint32_t o,
                     pl_plan_loop *l, pl_dist *dist, pl_diag *d)
{
    const pl_node *list = pl_node_get(op, "also"), *units = pl_node_get(sec, "units");
    pl_plan_op *x = &l->ops[o];
    size_t n = list ? pl_node_len(list) : 0;
    if (n > 0 && l->nclasses > 32)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(list), pl_node_path(list),
                          "an op that may run on several classes needs at most 32 classes in "
                          "plan.units; it has %u",
                          l->nclasses);
    x->also = calloc(n + 1, sizeof *x->also);
    if (!x->also)
        return nomem(d);
    for (size_t i = 0; i < n; i++) {
        const pl_node *e = pl_node_at(list, i), *unit = pl_node_get(e, "unit");
        int c;
        int rc = class_named(units, pl_node_str(unit), unit, &c, d);
        if (rc)
            return rc;
        if (pl_plan_latency_on(l, o, (uint32_t)c) >= 0)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(unit), pl_node_path(unit),
                              "class '%s' already runs op %s; name each class once",
                              pl_node_str(unit), x->name);
        rc = op_time(cfg, e, pl_node_str(unit), &dist[i], d);
        if (rc)
            return rc;
        x->also[x->nalso++] = (pl_plan_alt){(uint32_t)c, pl_dist_mean(&dist[i])};
    }
    return 0;
}

static int read_op(const pl_config *cfg, const pl_node *sec, uint32_t o, pl_plan_loop *l,
                   pl_dist *dist, pl_diag *d)
{
    const pl_node *ops = pl_node_get(sec, "ops"), *op = pl_node_at(ops, o);
    const pl_node *name = pl_node_get(op, "name"), *unit = pl_node_get(op, "unit");
    if (find_op(ops, pl_node_str(name)) != (int)o)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(name), pl_node_path(name),
                          "an op named '%s' comes earlier in plan.ops; names must differ",
                          pl_node_str(name));
    int cls;
    int rc = class_named(pl_node_get(sec, "units"), pl_node_str(unit), unit, &cls, d);
    if (rc)
        return rc;
    l->ops[o].name = strdup(pl_node_str(name));
    l->ops[o].cls = (uint32_t)cls;
    if (!l->ops[o].name)
        return nomem(d);
    rc = op_time(cfg, op, pl_node_str(unit), dist, d);
    l->ops[o].latency = pl_dist_mean(dist);
    if (!rc)
        rc = read_also(cfg, sec, op, o, l, dist + 1, d);
    if (!rc)
        rc = read_access(sec, op, o, false, l, d);
    if (!rc)
        rc = read_access(sec, op, o, true, l, d);
    if (!rc)
        rc = read_after(ops, op, o, l, d);
    return rc;
}

/* ---- The loop ------------------------------------------------------------------------ */

static int read_loop(const pl_config *cfg, pl_plan_workload *w, pl_dist **dist, pl_diag *d)
{
    const pl_node *sec = pl_config_get(cfg, "plan"), *ops = pl_node_get(sec, "ops");
    pl_plan_loop *l = &w->loop;
    /* l->nops stays 0 until l->ops exists: pl_plan_loop_fini frees that many names. */
    size_t nops = pl_node_len(ops);
    const pl_node *iter = pl_node_get(sec, "iterations");
    unsigned long long tasks = (unsigned long long)nops * (unsigned long long)pl_node_int(iter);
    if (nops == 0 || nops > PL_PLAN_MAX_OPS)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(ops), pl_node_path(ops),
                          "a loop has 1 to %d ops; got %zu", PL_PLAN_MAX_OPS, nops);
    if (tasks > PL_PLAN_MAX_TASKS)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(iter), pl_node_path(iter),
                          "%zu ops times %lld iterations are %llu tasks, more than the %llu a "
                          "plan may have; lower `iterations`",
                          nops, pl_node_int(iter), tasks, PL_PLAN_MAX_TASKS);
    l->iterations = (uint32_t)pl_node_int(iter);
    const pl_node *mem = pl_node_get(sec, "memory"), *win = pl_node_get(sec, "window");
    l->memory = mem ? pl_node_real(mem) : INFINITY;
    w->memory_loc = *pl_node_loc(mem ? mem : sec);
    const pl_node *most = pl_node_get(sec, "max_iteration"), *ii = pl_node_get(sec, "target_ii");
    l->max_iteration = most ? pl_node_real(most) : 0;
    l->target_ii = ii ? pl_node_real(ii) : 0;
    w->max_iteration_loc = *pl_node_loc(most ? most : sec);
    w->target_ii_loc = *pl_node_loc(ii ? ii : sec);
    l->window = win ? (uint32_t)fmin((double)pl_node_int(win), (double)UINT32_MAX) : 0;
    w->plain = strcmp(pl_node_str(pl_node_get(sec, "scheduler")), "plain") == 0;
    const char *place = pl_node_str(pl_node_get(sec, "placement"));
    l->placement = !strcmp(place, "first_use")       ? PL_PLAN_PLACE_FIRST_USE
                   : !strcmp(place, "largest_first") ? PL_PLAN_PLACE_LARGEST
                                                     : PL_PLAN_PLACE_BEST;
    l->ops = calloc(nops + 1, sizeof *l->ops);
    w->alt_first = calloc(nops + 1, sizeof *w->alt_first);
    if (!l->ops || !w->alt_first)
        return nomem(d);
    /* Each op's times, its own class's then its `also` list's, one after another. */
    for (size_t o = 0; o < nops; o++) {
        const pl_node *also = pl_node_get(pl_node_at(ops, o), "also");
        w->alt_first[o + 1] = w->alt_first[o] + 1 + (uint32_t)(also ? pl_node_len(also) : 0);
    }
    w->stride = w->alt_first[nops];
    if ((unsigned long long)w->stride * l->iterations > 4 * PL_PLAN_MAX_TASKS)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(iter), pl_node_path(iter),
                          "%u op times (each op's and its `also` list's) times %u iterations are "
                          "more than the %llu a plan may draw; lower `iterations`",
                          w->stride, l->iterations, 4 * PL_PLAN_MAX_TASKS);
    *dist = calloc((size_t)w->stride + 1, sizeof **dist);
    if (!*dist)
        return nomem(d);
    l->nops = (uint32_t)nops;
    int rc = read_classes(sec, l, d);
    if (!rc)
        rc = read_buffers(sec, l, d);
    if (!rc)
        rc = read_transfers(cfg, sec, l, d);
    for (uint32_t o = 0; !rc && o < l->nops; o++)
        rc = read_op(cfg, sec, o, l, &(*dist)[w->alt_first[o]], d);
    if (!rc && pl_plan_loop_add_buffer_deps(l))
        rc = nomem(d);
    return rc;
}

/* The key of op time k of an iteration (pl_plan_workload.alt_first), for messages. */
static void time_key(const pl_plan_workload *w, uint32_t k, char *key, size_t len)
{
    uint32_t o = 0;
    while (w->alt_first[o + 1] <= k)
        o++;
    if (k == w->alt_first[o])
        snprintf(key, len, "plan.ops[%u].latency", o);
    else
        snprintf(key, len, "plan.ops[%u].also[%u].latency", o, k - w->alt_first[o] - 1);
}

/* Every task's latency on each class that may run it, drawn iteration after iteration in
 * program order (an op's own class first); where none is random, one iteration's, which
 * every iteration has (pl_plan_workload.draws). */
static int draw(pl_plan_workload *w, const pl_dist *dist, gsl_rng *rng, pl_diag *d)
{
    const pl_plan_loop *l = &w->loop;
    for (uint32_t k = 0; k < w->stride; k++)
        w->random = w->random || pl_dist_is_random(&dist[k]);
    if (!rng)
        return 0;
    size_t n = (size_t)w->stride * (w->random ? l->iterations : 1);
    w->draws = pl_array_alloc(n + 1, sizeof *w->draws);
    if (!w->draws)
        return nomem(d);
    for (size_t t = 0; t < n; t++) {
        const pl_dist *dt = &dist[t % w->stride];
        double x = w->draws[t] = pl_dist_draw(dt, rng);
        if (!(isfinite(x) && x >= 0)) {
            char key[96];
            time_key(w, (uint32_t)(t % w->stride), key, sizeof key);
            return pl_dist_check_draw(dt, x, key, d);
        }
    }
    return 0;
}

int pl_plan_workload_load(const pl_config *cfg, gsl_rng *rng, pl_plan_workload *out, pl_diag *d)
{
    *out = (pl_plan_workload){0};
    pl_dist *dist = NULL;
    int rc = read_loop(cfg, out, &dist, d);
    char cycle[512];
    if (!rc && pl_plan_check_cycles(&out->loop, cycle, sizeof cycle)) {
        const pl_node *ops = pl_config_get(cfg, "plan.ops");
        rc = pl_diag_at(d, PL_ECONFIG, pl_node_loc(ops), pl_node_path(ops),
                        "the dependencies form a cycle within one iteration (%s): each op of it "
                        "waits for another; give one of them a distance",
                        cycle);
    }
    if (!rc)
        rc = draw(out, dist, rng, d);
    free(dist);
    if (rc)
        pl_plan_workload_fini(out);
    return rc;
}
