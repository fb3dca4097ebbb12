/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * analysis.c — what the stages predict before any simulation.
 *
 * A stage spends, per frame, its tasks' mean latencies on its core type plus a
 * pull and a push when adaptors cost time; r threads taking frames in turn divide
 * that by r. The largest of these loads is the period the pipeline cannot beat
 * (StreamPU's and the partitioner's objective), and the first frame's way
 * through every stage + (frames - 1) x period estimates the makespan, exactly so
 * for fixed latencies when pools never block. With a handover time h, a pool whose
 * frames go through L pairs of threads passes at most one per h / L, which bounds the
 * period too.
 */
#include "models/stream/workload.h"

#include "sim/common/units.h"

#include <math.h>
#include <stdio.h>

/* Adaptor time per frame of stage s: a pull unless it is the first, a push unless it
 * is the last. */
static double adaptor_time(const pl_stream *w, uint32_t s)
{
    return w->adaptor * ((s > 0) + (s + 1 < w->nstages));
}

static double stage_load(const pl_stream *w, uint32_t s)
{
    return (w->stages[s].mean + adaptor_time(w, s)) / w->stages[s].threads;
}

/* The least time per frame through the pool after stage s: 0 without a handover time. */
static double pool_pace(const pl_stream *w, uint32_t s)
{
    return w->handover / (double)pl_stream_pool_pairs(w, s);
}

static int add_title(const pl_stream *w, pl_figures *out)
{
    char title[160];
    long long big = w->chain.cores[PL_CORE_BIG], little = w->chain.cores[PL_CORE_LITTLE];
    if (!w->automatic)
        snprintf(title, sizeof title, "stage analysis (%u stages as configured)", w->nstages);
    else if (w->chain.typed)
        snprintf(title, sizeof title,
                 "stage analysis (optimal partition for %lld big + %lld little cores)", big,
                 little);
    else
        snprintf(title, sizeof title, "stage analysis (optimal partition for %lld cores)", big);
    return pl_figures_title(out, title);
}

static int add_stage(const pl_stream *w, uint32_t s, pl_figures *out)
{
    const pl_stream_stage *st = &w->stages[s];
    char name[32], adaptors[96] = "";
    snprintf(name, sizeof name, "stage %u", s + 1);
    if (adaptor_time(w, s) > 0)
        snprintf(adaptors, sizeof adaptors, " + %s of adaptors", PL_TIME_TEXT(adaptor_time(w, s)));
    return pl_figures_add(out, name, stage_load(w, s), "s",
                          "%s: %u task%s%s on %u %s thread%s, %s%s per frame / %u = %s", st->name,
                          st->tasks, st->tasks == 1 ? "" : "s", st->stateful ? " (stateful)" : "",
                          st->threads, pl_core_type_name(st->type), st->threads == 1 ? "" : "s",
                          PL_TIME_TEXT(st->mean), adaptors, st->threads,
                          PL_TIME_TEXT(stage_load(w, s)));
}

static int add_pool(const pl_stream *w, uint32_t s, pl_figures *out)
{
    char name[32];
    unsigned long long pairs = (unsigned long long)pl_stream_pool_pairs(w, s);
    snprintf(name, sizeof name, "pool %u", s + 1);
    return pl_figures_add(out, name, pool_pace(w, s), "s",
                          "%s -> %s: one frame per %s handover through each of its %llu "
                          "pair%s of threads = %s",
                          w->stages[s].name, w->stages[s + 1].name, PL_TIME_TEXT(w->handover),
                          pairs, pairs == 1 ? "" : "s", PL_TIME_TEXT(pool_pace(w, s)));
}

/* Threads of each type against the host's cores: more threads than cores share them.
 * Where they do, spin while they wait and some tasks sleep, the line says that a real
 * kernel may run them far slower, its threads in step with its tick, which the model's
 * do not fall into (docs/stream.md, "Measured machines"). */
static int add_threads(const pl_stream *w, pl_figures *out)
{
    long long threads[PL_CORE_TYPES] = {0, 0};
    for (uint32_t s = 0; s < w->nstages; s++)
        threads[w->stages[s].type] += w->stages[s].threads;
    char text[512];
    size_t len = 0;
    double total = 0;
    bool shared = false;
    for (int t = 0; t < PL_CORE_TYPES; t++) {
        shared = shared || threads[t] > w->chain.cores[t];
        if (threads[t] == 0 && (t != PL_CORE_BIG || w->chain.typed))
            continue;
        total += (double)threads[t];
        const char *type = w->chain.typed ? pl_core_type_name((pl_core_type)t) : "";
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%lld on %lld %s%score%s%s",
                                len ? ", " : "", threads[t], w->chain.cores[t], type,
                                *type ? " " : "", w->chain.cores[t] == 1 ? "" : "s",
                                threads[t] > w->chain.cores[t] ? " (they share them)" : "");
    }
    if (shared && w->waiting == PL_WAIT_ACTIVE && w->slept)
        snprintf(text + len, sizeof text - len,
                 "; threads that spin and sleep on shared cores may run far slower on a "
                 "real kernel than simulated, in step with its tick (StreamPU's "
                 "S_4st_u16_act: 567 to 938 frames/s measured, 1,662 simulated; "
                 "docs/stream.md, \"Measured machines\")");
    return pl_figures_add(out, "threads", total, "", "%s", text);
}

/* The period and the throughput it allows: the largest stage load, or the pace of the
 * pool after stage `pool` where that is larger (pool < nstages - 1); a period of 0 (no
 * stage takes time) allows any, and no rate is printed for it. */
static int add_period(const pl_stream *w, uint32_t worst, uint32_t pool, double period,
                      pl_figures *out)
{
    char rate[64] = "no stage takes time, so it bounds no throughput";
    if (period > 0)
        snprintf(rate, sizeof rate, "at most %.4g frames/s", 1 / period);
    if (pool + 1 < w->nstages)
        return pl_figures_add(
            out, "period", period, "s", "%s per frame, the pace of pool %u (%s -> %s), %s",
            PL_TIME_TEXT(period), pool + 1, w->stages[pool].name, w->stages[pool + 1].name, rate);
    return pl_figures_add(out, "period", period, "s",
                          "%s per frame, the largest stage load: stage %u (%s), %s",
                          PL_TIME_TEXT(period), worst + 1, w->stages[worst].name, rate);
}

/* The chain's time on one thread over the period: undefined (NaN, null in JSON) when
 * the period is 0. */
static int add_speedup(const pl_stream *w, double chain, double period, pl_figures *out)
{
    const char *type = w->chain.typed ? pl_core_type_name(w->base_type) : "";
    if (!(period > 0))
        return pl_figures_add(out, "speedup", NAN, "",
                              "n/a: no stage takes time (the chain takes %s per frame on one "
                              "%s%sthread)",
                              PL_TIME_TEXT(chain), type, *type ? " " : "");
    return pl_figures_add(out, "speedup", chain / period, "",
                          "%.3gx at most: the chain takes %s per frame on one %s%sthread",
                          chain / period, PL_TIME_TEXT(chain), type, *type ? " " : "");
}

int pl_stream_figures(const pl_stream *w, pl_figures *out)
{
    int rc = add_title(w, out);
    uint32_t worst = 0;
    double first = 0, chain = 0;
    for (uint32_t s = 0; s < w->nstages && rc == 0; s++) {
        rc = add_stage(w, s, out);
        if (stage_load(w, s) > stage_load(w, worst))
            worst = s;
        first += w->stages[s].mean + adaptor_time(w, s);
    }
    for (uint32_t i = 0; i < w->chain.n; i++)
        chain += w->chain.tasks[i].latency[w->base_type];
    double period = stage_load(w, worst), n = (double)w->frames;
    uint32_t pool = w->nstages; /* none sets the period */
    for (uint32_t s = 0; w->handover > 0 && s + 1 < w->nstages && rc == 0; s++) {
        rc = add_pool(w, s, out);
        if (pool_pace(w, s) > period) {
            period = pool_pace(w, s);
            pool = s;
        }
    }
    if (rc == 0)
        rc = add_threads(w, out);
    if (rc == 0)
        rc = add_period(w, worst, pool, period, out);
    if (rc == 0)
        rc = pl_figures_add(out, "estimate", first + (n - 1) * period, "s",
                            "%s = %s for the first frame through every stage + %llu x %s",
                            PL_TIME_TEXT(first + (n - 1) * period), PL_TIME_TEXT(first),
                            (unsigned long long)(w->frames - 1), PL_TIME_TEXT(period));
    if (rc == 0)
        rc = add_speedup(w, chain, period, out);
    return rc;
}
