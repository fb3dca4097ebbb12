/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * where_time_went.c — the sentences that close the text report: what the bottleneck
 * is (the verdict, found by simulating changes of the run) and what the changes tried
 * gained, the busiest stage, how far the run is from its bound, how long the device
 * units idle and why, and which units lose time to shared cores, shared bandwidth or
 * full slots. Advice (a deeper buffer) is given only where the verdict simulated it
 * and it shortened the run by more than PL_VERDICT_TIE.
 *
 * Invariant: at most MAX_SENTENCES sentences, always in the same order (verdict, tried,
 * stage, bound, device units in unit order, cores, bandwidth, slots); a sentence that lists
 * units names at most MAX_LISTED of them and only counts the rest, so that the same
 * run always reads the same. Causes loop over PL_EDGE_KINDS; no cause is spelled here.
 */
#include "sim/report/text_sections.h"

#include "sim/report/parts.h"
#include "sim/report/verdicts.h"
#include "sim/measure/groups.h"
#include "sim/common/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Where-the-time-went thresholds: time lost to sharing cores or bandwidth ("shared", the
 * metrics' contention) as a share of busy time, slot bubbles as a share of the makespan,
 * and the efficiency from which a run counts as at its bound. */
#define SHARED_WORTH  0.01
#define SLOT_WORTH    0.05
#define AT_BOUND      0.995
#define MAX_SENTENCES 8
/* Units named in one sentence before the rest are only counted. */
#define MAX_LISTED 3

/* A unit of a device place: a device stream, a core's pipe. */
static int is_device(const pl_run *run, uint32_t u)
{
    return pl_graph_place_kind(run->graph, pl_graph_unit_place(run->graph, u)) == PL_PLACE_DEVICE;
}

/* ---- Where the time went ------------------------------------------------------ */

/* Without a verdict, only what was measured: the busiest unit, never called the
 * bottleneck. */
static void busiest_sentence(const pl_run *run, pl_sentence *s)
{
    if (run->m->nunits == 0) {
        pl_say(s, "The graph has no units.");
        return;
    }
    uint32_t u = pl_metrics_busiest(run->m);
    pl_say(s, "%s is the busiest unit, busy %.1f %% of the makespan (the bottleneck was not "
           "searched: no change of the run was simulated).",
           pl_graph_unit_name(run->graph, u), 100.0 * run->m->units[u].utilization);
}

static int is_transfer_unit(const pl_run *run, uint32_t u)
{
    uint32_t n;
    pl_graph_unit_route(run->graph, u, &n);
    return n > 0;
}

/* What must get less work for anything to speed the run up: the resource whose term
 * binds its bound, and what must come before and after it there. */
static void say_binding(const pl_run *run, pl_sentence *s)
{
    const pl_bound *b = run->bound;
    const char *binds = pl_report_binds(run->graph, b);
    switch (b->kind) {
    case PL_BOUND_UNIT:
        if (is_transfer_unit(run, b->which))
            pl_say(s, "less time alone on %s (less latency, fewer bytes or more bandwidth on "
                   "its route)", binds);
        else
            pl_say(s, "less work on %s", binds);
        break;
    case PL_BOUND_PLACE:
        pl_say(s, "less work on %s or more cores", binds);
        break;
    case PL_BOUND_LINK:
        pl_say(s, "fewer bytes over link %s or more bandwidth on it", binds);
        break;
    case PL_BOUND_CRITICAL_PATH:
        pl_say(s, "a shorter chain of dependent work");
        return;
    }
    double noise = pl_report_noise(run->m);
    bool before = b->head > noise, after = b->tail > noise;
    if (before || after)
        pl_say(s, ", or less work on what must come");
    if (before)
        pl_say(s, " before it (%s)", PL_TIME_TEXT(b->head));
    if (after)
        pl_say(s, "%s after it (%s)", before ? " or" : "", PL_TIME_TEXT(b->tail));
}

static void bound_sentence(const pl_run *run, pl_sentence *s)
{
    double eff = pl_report_efficiency(run);
    double gap = run->m->makespan - run->bound->makespan;
    if (eff < AT_BOUND) {
        pl_say(s,
               "The run reaches %.1f %% of its bound: no buffer, queue, sync policy or order "
               "can save more than %s of the makespan",
               100.0 * eff, PL_TIME_TEXT(gap));
        double conf = pl_report_configured_efficiency(run);
        if (conf >= AT_BOUND)
            pl_say(s, "; as configured it is at its bound (%.1f %%): its buffers, queues, "
                   "sync or order must change to save any of it.", 100.0 * conf);
        else
            pl_say(s, ".");
        return;
    }
    if (gap > pl_report_noise(run->m))
        pl_say(s, "The run is within %s of its bound (%.1f %%): no buffer, queue, sync policy "
               "or order can save more, and beyond that nothing speeds it up without ",
               PL_TIME_TEXT(gap), 100.0 * eff);
    else
        pl_say(s, "The run is at its bound (%.1f %%): nothing speeds it up without ",
               100.0 * eff);
    say_binding(run, s);
    pl_say(s, ".");
}

static int largest_cause(const pl_metrics *m, const pl_unit_metrics *um)
{
    int best = -1;
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        if (um->cause[k] > pl_report_noise(m) && (best < 0 || um->cause[k] > um->cause[best]))
            best = k;
    return best;
}

static void device_sentence(const pl_run *run, uint32_t u, pl_sentence *s)
{
    const pl_unit_metrics *um = &run->m->units[u];
    const char *name = pl_graph_unit_name(run->graph, u);
    double idle = um->fill + um->bubble + um->drain;
    if (idle <= 0) {
        pl_say(s, "%s is never idle.", name);
        return;
    }
    pl_say(s, "%s idles %s (%.1f %% of the makespan): %s fill, %s drain", name, PL_TIME_TEXT(idle),
           pl_report_pct(idle, run->m->makespan), PL_TIME_TEXT(um->fill), PL_TIME_TEXT(um->drain));
    int k = largest_cause(run->m, um);
    if (k < 0) {
        pl_say(s, ", no bubbles.");
        return;
    }
    pl_say(s, " and %s in %llu bubbles, mostly %s (%s).", PL_TIME_TEXT(um->bubble),
           (unsigned long long)um->bubbles, pl_edge_cause_name((pl_edge_kind)k),
           pl_edge_cause_help((pl_edge_kind)k));
}

static int loses_much(const pl_run *run, uint32_t u)
{
    const pl_unit_metrics *um = &run->m->units[u];
    return um->contention > SHARED_WORTH * um->busy;
}

/* A host thread without a route can only lose time to other threads on its cores. */
static int loses_to_cores(const pl_run *run, uint32_t u)
{
    uint32_t place = pl_graph_unit_place(run->graph, u);
    return pl_graph_place_kind(run->graph, place) == PL_PLACE_HOST && !is_transfer_unit(run, u) &&
           loses_much(run, u);
}

/* A transfer unit loses time to other transfers on its route's links (and, on a host,
 * possibly to threads on its cores too). */
static int loses_to_bandwidth(const pl_run *run, uint32_t u)
{
    return is_transfer_unit(run, u) && loses_much(run, u);
}

static int held_by_slots(const pl_run *run, uint32_t u)
{
    return run->m->units[u].cause[PL_EDGE_SLOT] > SLOT_WORTH * run->m->makespan;
}

/* Names the units for which pick(u) holds, each with what describe() adds, at most
 * MAX_LISTED of them, as an English list. Returns how many there were. */
static uint32_t list_units(const pl_run *run, pl_sentence *s, int (*pick)(const pl_run *, uint32_t),
                           void (*describe)(const pl_run *, uint32_t, pl_sentence *))
{
    uint32_t n = 0, listed = 0;
    for (uint32_t u = 0; u < run->m->nunits; u++)
        n += pick(run, u) != 0;
    uint32_t shown = n > MAX_LISTED ? MAX_LISTED : n;
    for (uint32_t u = 0; u < run->m->nunits && listed < shown; u++) {
        if (!pick(run, u))
            continue;
        const char *sep = listed == 0 ? " " : listed + 1 == shown && n == shown ? " and " : ", ";
        pl_say(s, "%s%s", sep, pl_graph_unit_name(run->graph, u));
        describe(run, u, s);
        listed++;
    }
    if (n > shown)
        pl_say(s, " and %u more", (unsigned)(n - shown));
    return n;
}

static void sharing_of(const pl_run *run, uint32_t u, pl_sentence *s)
{
    const pl_unit_metrics *um = &run->m->units[u];
    pl_say(s, " by %s (%.1f %% of its busy time)", PL_TIME_TEXT(um->contention),
           pl_report_pct(um->contention, um->busy));
}

static void slots_of(const pl_run *run, uint32_t u, pl_sentence *s)
{
    double t = run->m->units[u].cause[PL_EDGE_SLOT];
    pl_say(s, " for %s (%.1f %% of the makespan)", PL_TIME_TEXT(t),
           pl_report_pct(t, run->m->makespan));
}

static int cores_sentence(const pl_run *run, pl_sentence *s)
{
    pl_say(s, "Threads sharing host cores slow down");
    int n = list_units(run, s, loses_to_cores, sharing_of) > 0;
    pl_say(s, ".");
    return n;
}

static int bandwidth_sentence(const pl_run *run, pl_sentence *s)
{
    pl_say(s, "Transfers sharing link bandwidth slow down");
    int n = list_units(run, s, loses_to_bandwidth, sharing_of) > 0;
    pl_say(s, ".");
    return n;
}

static bool is_slot_change(pl_change_kind k)
{
    return k == PL_CHANGE_BUFFER || k == PL_CHANGE_POOL || k == PL_CHANGE_QUEUE;
}

/* What the verdict found of one more slot: the one that shortened the run most, when it
 * did by more than PL_VERDICT_TIE; else, when every such change was simulated or bounded
 * below it, that none can. */
static void slot_advice(const pl_verdict *v, pl_sentence *s)
{
    const pl_tried *best = NULL;
    bool all_small = true;
    size_t n = 0;
    for (size_t i = 0; v && i < v->ntried; i++) {
        const pl_tried *t = &v->tried[i];
        if (!is_slot_change(t->kind) || t->status == PL_TRIED_REFUSED)
            continue;
        n++;
        if (t->status == PL_TRIED_SIMULATED && (!best || t->gain > best->gain))
            best = t;
        all_small = all_small && t->gain <= PL_VERDICT_TIE * v->makespan;
    }
    if (best && best->gain > PL_VERDICT_TIE * v->makespan)
        pl_say(s, ": %s takes the makespan to %s (%.1f %%), simulated.", best->change,
               PL_TIME_TEXT(best->makespan), -100.0 * best->gain / v->makespan);
    else if (n > 0 && all_small)
        pl_say(s, ", but one more slot in any buffer, pool or queue gains at most %.0f %% "
               "(simulated or bounded).", 100.0 * PL_VERDICT_TIE);
    else
        pl_say(s, ".");
}

static int slot_sentence(const pl_run *run, const pl_verdict *v, pl_sentence *s)
{
    pl_say(s, "Slot bubbles (%s) hold", pl_edge_cause_help(PL_EDGE_SLOT));
    uint32_t n = list_units(run, s, held_by_slots, slots_of);
    slot_advice(v, s);
    return n > 0;
}

/* Whether a kept unit belongs to the same table row group as u (core3.MTE3 and
 * core7.MTE3): one sentence speaks for both. */
static int like_kept(const pl_run *run, const char *keep, uint32_t u)
{
    char mine[128], other[128];
    pl_unit_group_name(run->graph, u, mine, sizeof mine);
    for (uint32_t v = 0; v < run->m->nunits; v++) {
        if (!keep[v])
            continue;
        pl_unit_group_name(run->graph, v, other, sizeof other);
        if (strcmp(mine, other) == 0)
            return 1;
    }
    return 0;
}

/* The device units to describe: all of them when there is room, else those idle longest
 * (ties by unit id) and one of each pipe on many places, kept in unit order. Sets
 * keep[u]. */
static void pick_devices(const pl_run *run, int room, char *keep)
{
    const pl_metrics *m = run->m;
    for (int taken = 0; taken < room; taken++) {
        int best = -1;
        double best_idle = -1;
        for (uint32_t u = 0; u < m->nunits; u++) {
            double idle = m->units[u].fill + m->units[u].bubble + m->units[u].drain;
            if (!keep[u] && is_device(run, u) && idle > best_idle && !like_kept(run, keep, u)) {
                best = (int)u;
                best_idle = idle;
            }
        }
        if (best < 0)
            return;
        keep[best] = 1;
    }
}

int pl_report_where_time_went(const pl_report *r, FILE *out)
{
    const pl_run *run = &r->run;
    /* Nothing to say of a run that takes no time: no unit is busy, none holds it back. */
    if (!isfinite(pl_report_efficiency(run))) {
        fputs("where the time went:\n", out);
        pl_report_wrapped(out, 2, "The run takes no time: no unit holds it back.");
        return 0;
    }
    pl_sentence verdict = {0}, tried = {0}, stage = {0}, bound = {0}, cores = {0},
                bandwidth = {0}, slots = {0};
    int fixed = 2;
    if (r->verdict) {
        pl_report_verdict_sentence(r->verdict, &verdict);
        pl_report_tried_sentence(r->verdict, &tried);
        fixed++;
    } else {
        busiest_sentence(run, &verdict);
    }
    if (run->m->nstages > 0) {
        pl_report_stage_sentence(run, stage.text, sizeof stage.text);
        fixed++;
    }
    bound_sentence(run, &bound);
    int has_cores = cores_sentence(run, &cores);
    int has_bandwidth = bandwidth_sentence(run, &bandwidth);
    int has_slots = slot_sentence(run, r->verdict, &slots);
    char *keep = calloc((size_t)run->m->nunits + 1, 1);
    if (!keep)
        return PL_ENOMEM;
    pick_devices(run, MAX_SENTENCES - fixed - has_cores - has_bandwidth - has_slots, keep);
    fputs("where the time went:\n", out);
    pl_report_wrapped(out, 2, verdict.text);
    if (r->verdict)
        pl_report_wrapped(out, 2, tried.text);
    if (run->m->nstages > 0)
        pl_report_wrapped(out, 2, stage.text);
    pl_report_wrapped(out, 2, bound.text);
    for (uint32_t u = 0; u < run->m->nunits; u++) {
        pl_sentence device = {0};
        if (!keep[u])
            continue;
        device_sentence(run, u, &device);
        pl_report_wrapped(out, 2, device.text);
    }
    free(keep);
    if (has_cores)
        pl_report_wrapped(out, 2, cores.text);
    if (has_bandwidth)
        pl_report_wrapped(out, 2, bandwidth.text);
    if (has_slots)
        pl_report_wrapped(out, 2, slots.text);
    return 0;
}
