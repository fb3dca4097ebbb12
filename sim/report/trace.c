/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trace.c — the run's timeline, then the baseline's, as a Chrome trace, streamed one
 * event per line.
 *
 * A trace can hold millions of events, so it is never built in memory: events are
 * printed as they are found, graph by graph (the run's places are processes 1 to P, the
 * baseline's the next ones), unit by unit in graph order, and within a unit its slices in
 * time order. Each data and issue edge (a producer to its consumer, a launch to its kernel)
 * is a flow: an `s` event on the source task and an `f` event bound to the destination,
 * both written with the destination's slices, so not in time order (viewers sort by ts).
 * Invariant: every time is rounded once to an integer number of ticks (picoseconds,
 * or a power of ten of them for times past 4.6e6 s, see struct clock) and printed
 * from that integer in exact decimal microseconds; a slice is a B and an E event, so
 * where one slice of a thread ends and the next begins the two events carry the very
 * same text, and no slice of a thread overlaps the next, as the tasks of a unit do not.
 * Strings are escaped here (put_escaped), the closing metadata is built with jansson.
 */
#include "sim/report/trace.h"

#include "sim/report/parts.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

/* Every time of a trace is a whole number of ticks of 10^exp picoseconds: exp is 0 (ticks
 * are picoseconds) unless the trace's longest time would then not fit in 2^62 ticks, and
 * then the least that fits. A tick is so at most a 2^-62 part of that time, far below a
 * double's precision, so every time is still written exactly as far as its double goes. */
#define MAX_TICKS 0x1p62

struct clock {
    int exp;           /* a tick is 10^exp picoseconds */
    double per_second; /* ticks per second: 10^(12 - exp) */
};

/* The clock for times up to `longest` seconds (finite, >= 0). */
static struct clock clock_for(double longest)
{
    struct clock c = {0, 1e12};
    while (longest * c.per_second >= MAX_TICKS && c.exp < 330) {
        c.exp++;
        c.per_second = pow(10, 12 - c.exp);
    }
    return c;
}

/* Seconds to ticks, the one rounding every time in the trace goes through. */
static int64_t ticks(const struct clock *c, double seconds)
{
    return (int64_t)llround(seconds * c->per_second);
}

/* v in decimal, at least `width` digits (zeros in front): the trace's integers, written
 * without a format string to parse for each. */
static void put_digits(FILE *out, uint64_t v, int width)
{
    char buf[24];
    size_t at = sizeof buf;
    do {
        buf[--at] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 || (int)(sizeof buf - at) < width);
    fwrite(buf + at, 1, sizeof buf - at, out);
}

static void put_uint(FILE *out, uint64_t v)
{
    put_digits(out, v, 1);
}

/* Ticks as microseconds in exact decimal, without trailing zeros after the point: "2",
 * "3.5"; with ticks of 10^exp ps past a microsecond, the digits then exp - 6 zeros. */
static void put_us(FILE *out, const struct clock *c, int64_t t)
{
    assert(t >= 0);
    if (c->exp >= 6) {
        put_uint(out, (uint64_t)t);
        for (int i = 6; i < c->exp && t != 0; i++)
            fputc('0', out);
        return;
    }
    int64_t unit = 1;
    for (int i = c->exp; i < 6; i++)
        unit *= 10;
    int64_t whole = t / unit, frac = t % unit;
    put_uint(out, (uint64_t)whole);
    if (frac == 0)
        return;
    int digits = 6 - c->exp;
    while (frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    fputc('.', out);
    put_digits(out, (uint64_t)frac, digits);
}

/* ---- Strings ------------------------------------------------------------------ */

/* The length of the well-formed UTF-8 sequence at s (RFC 3629), or 0 when there is
 * none. The second byte's range rules out overlong forms, surrogates and code points
 * past U+10FFFF; the terminating NUL fails every continuation test, so s is never read
 * past its end. */
static int utf8_length(const unsigned char *s)
{
    unsigned c = s[0];
    int n = c < 0x80 ? 1 : c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
    unsigned lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
    unsigned hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
    for (int i = 1; i < n; i++) {
        unsigned b = s[i];
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf))
            return 0;
    }
    return n;
}

/* The length of the run at s that goes out as it is, in one write: well-formed UTF-8
 * without quotes, backslashes or control characters. */
static size_t plain_run(const unsigned char *s)
{
    size_t run = 0;
    while (s[run] >= 0x20 && s[run] != '"' && s[run] != '\\') {
        int n = utf8_length(s + run);
        if (n == 0)
            break;
        run += (size_t)n;
    }
    return run;
}

/* The inside of a JSON string: quote, backslash and control characters escaped, bytes
 * that are not UTF-8 replaced by U+FFFD, so that the trace stays valid JSON whatever a
 * scenario calls its ops. */
static void put_escaped(FILE *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        size_t run = plain_run(s);
        if (run > 0) {
            fwrite(s, 1, run, out);
            s += run;
            continue;
        }
        int n = utf8_length(s);
        if (n == 0) {
            fputs("\\ufffd", out);
            n = 1;
        } else if (*s == '"' || *s == '\\') {
            fprintf(out, "\\%c", *s);
        } else {
            fprintf(out, "\\u%04x", *s);
        }
        s += n;
    }
}

static void put_string(FILE *out, const char *text)
{
    fputc('"', out);
    put_escaped(out, text);
    fputc('"', out);
}

/* ---- Events ------------------------------------------------------------------- */

/* Starts the next event on a line of its own, after a comma for all but the first. */
struct writer {
    FILE *out;
    int events;
    struct clock clock;
    uint32_t pid0;  /* the processes of the graph being written follow this pid */
    uint32_t flow0; /* and its flows' ids this one */
};

/* The process of unit u: its place, numbered from 1 after the graphs written before. */
static uint32_t pid_of(const struct writer *w, const pl_graph *g, uint32_t u)
{
    return w->pid0 + pl_graph_unit_place(g, u) + 1;
}

static FILE *next_event(struct writer *w)
{
    fputs(w->events++ ? ",\n{" : "\n{", w->out);
    return w->out;
}

static void metadata(struct writer *w, const char *what, uint32_t pid, uint32_t tid,
                     const char *name, uint32_t sort_index)
{
    FILE *out = next_event(w);
    fprintf(out,
            "\"name\":\"%s_name\",\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32
            ",\"args\":{\"name\":",
            what, pid, tid);
    put_string(out, name);
    fputs("}}", out);
    out = next_event(w);
    fprintf(out,
            "\"name\":\"%s_sort_index\",\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32
            ",\"args\":{\"sort_index\":%" PRIu32 "}}",
            what, pid, tid, sort_index);
}

/* Processes are places and threads are units, both numbered from 1 (Perfetto treats
 * pid 0 specially) and sorted in graph order, a graph's after those of the graphs before;
 * the baseline's places are named "baseline (MODE): PLACE". */
static void names(struct writer *w, const pl_graph *g, const char *baseline)
{
    for (uint32_t p = 0; p < pl_graph_place_count(g); p++) {
        char name[512];
        if (baseline)
            snprintf(name, sizeof name, "baseline (%s): %s", baseline, pl_graph_place_name(g, p));
        else
            snprintf(name, sizeof name, "%s", pl_graph_place_name(g, p));
        metadata(w, "process", w->pid0 + p + 1, 0, name, w->pid0 + p);
    }
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        metadata(w, "thread", pid_of(w, g, u), u + 1, pl_graph_unit_name(g, u), u);
}

/* What a slice of a thread says: its category, and its name and args, each written by a
 * function of ctx (the args as the members of the args object). */
struct slice {
    const char *cat;
    void (*name)(FILE *out, const void *ctx);
    void (*args)(FILE *out, const void *ctx);
    const void *ctx;
};

static void slice_event(struct writer *w, const pl_graph *g, uint32_t u, const char *ph, int64_t at,
                        const struct slice *s)
{
    FILE *out = next_event(w);
    fputs("\"name\":\"", out);
    s->name(out, s->ctx);
    fputs("\",\"cat\":\"", out);
    fputs(s->cat, out);
    fputs("\",\"ph\":\"", out);
    fputs(ph, out);
    fputs("\",\"pid\":", out);
    put_uint(out, pid_of(w, g, u));
    fputs(",\"tid\":", out);
    put_uint(out, u + 1);
    fputs(",\"ts\":", out);
    put_us(out, &w->clock, at);
    fputs(",\"args\":{", out);
    s->args(out, s->ctx);
    fputs("}}", out);
}

/* A slice of unit u from `from` to `to`: a B event and an E event with the same name and
 * args, rather than one X event with a duration, so that where one slice ends and the next
 * begins both events carry the same time as text (a viewer that works out ts + dur in
 * binary floating point, as speedscope does after shifting every time, could see the two
 * overlap), and so that a viewer that matches an E to its B by name and args (speedscope
 * does) finds it. */
static void slice(struct writer *w, const pl_graph *g, uint32_t u, int64_t from, int64_t to,
                  const struct slice *s)
{
    slice_event(w, g, u, "B", from, s);
    slice_event(w, g, u, "E", to, s);
}

/* What set the task's start: the kind of its release edge when that edge came after the
 * unit's previous task ended, else the unit's order, or nothing for a first task without
 * edges. */
static const char *released_by(const pl_run *run, uint32_t t, uint32_t prev)
{
    if (pl_metrics_released_by_edge(run->graph, run->tl, t, prev))
        return pl_edge_kind_name(pl_graph_edge(run->graph, run->tl->release[t])->kind);
    return prev != PL_NO_EDGE ? "unit order" : "none";
}

/* What a task's slice says. */
struct task_slice {
    const char *label, *released_by;
    uint32_t item;
    double alone;
};

static void put_task_name(FILE *out, const void *ctx)
{
    const struct task_slice *t = ctx;
    put_escaped(out, t->label);
    fputs(" #", out);
    put_uint(out, t->item);
}

static void put_task_args(FILE *out, const void *ctx)
{
    const struct task_slice *t = ctx;
    fputs("\"op\":", out);
    put_string(out, t->label);
    fputs(",\"item\":", out);
    put_uint(out, t->item);
    fputs(",\"work_us\":", out);
    /* Not a time of the timeline: a clock of its own keeps a short task's work when the
     * timeline's ticks are long. */
    struct clock own = clock_for(t->alone);
    put_us(out, &own, ticks(&own, t->alone));
    fputs(",\"released_by\":", out);
    put_string(out, t->released_by);
}

static void task_event(struct writer *w, const pl_run *run, uint32_t u, uint32_t t, uint32_t prev)
{
    const pl_graph *g = run->graph;
    struct task_slice ts = {pl_graph_task_label(g, t), released_by(run, t, prev),
                            pl_graph_task_item(g, t), pl_graph_task_alone(g, t)};
    struct slice s = {"task", put_task_name, put_task_args, &ts};
    slice(w, g, u, ticks(&w->clock, run->tl->start[t]), ticks(&w->clock, run->tl->end[t]), &s);
}

/* What a bubble's slice says: its cause and the cause's explanation. */
struct bubble_slice {
    const char *cause, *help;
};

static void put_bubble_name(FILE *out, const void *ctx)
{
    fputs("bubble: ", out);
    put_escaped(out, ((const struct bubble_slice *)ctx)->cause);
}

static void put_bubble_args(FILE *out, const void *ctx)
{
    fputs("\"cause\":", out);
    put_string(out, ((const struct bubble_slice *)ctx)->help);
}

/* The gap before task t, after prev on its unit (PL_NO_EDGE: none), when it is longer than
 * the noise threshold of the metrics and at least a picosecond, named by the cause that
 * ended it. */
static void bubble_event(struct writer *w, const pl_run *run, uint32_t u, uint32_t t, uint32_t prev)
{
    const pl_graph *g = run->graph;
    const pl_timeline *tl = run->tl;
    double eps = pl_metrics_noise(tl->makespan);
    if (prev == PL_NO_EDGE || tl->start[t] - pl_timeline_free(tl, prev) <= eps)
        return;
    int64_t from = ticks(&w->clock, pl_timeline_free(tl, prev));
    int64_t to = ticks(&w->clock, tl->start[t]);
    if (to <= from)
        return;
    uint32_t e = tl->release[t];
    pl_edge_kind k = e == PL_NO_EDGE ? PL_EDGE_KIND_COUNT : (pl_edge_kind)pl_graph_edge(g, e)->kind;
    struct bubble_slice b = {e == PL_NO_EDGE ? "none" : pl_edge_cause_name(k),
                             e == PL_NO_EDGE ? "no edge released the task" : pl_edge_cause_help(k)};
    struct slice s = {"bubble", put_bubble_name, put_bubble_args, &b};
    slice(w, g, u, from, to, &s);
}

static void put_waking_name(FILE *out, const void *ctx)
{
    (void)ctx;
    fputs("waking", out);
}

static void put_waking_args(FILE *out, const void *ctx)
{
    (void)ctx;
    fputs("\"what\":\"waking threads that slept waiting for this task\"", out);
}

/* The time task t's thread spent right after it waking threads that slept waiting for it
 * (pl_timeline.woke), when it is at least a tick. */
static void waking_event(struct writer *w, const pl_run *run, uint32_t u, uint32_t t)
{
    const pl_timeline *tl = run->tl;
    if (!tl->woke || tl->woke[t] <= 0)
        return;
    int64_t from = ticks(&w->clock, tl->end[t]), to = ticks(&w->clock, pl_timeline_free(tl, t));
    if (to <= from)
        return;
    struct slice s = {"waking", put_waking_name, put_waking_args, NULL};
    slice(w, run->graph, u, from, to, &s);
}

/* One end of a flow: `s` on the source task at its start, `f` on the destination at its
 * start, bound to the slice that encloses it (bp e), both with the edge's id. */
static void flow_end(struct writer *w, const pl_graph *g, uint32_t t, const char *ph, int64_t at,
                     const char *name, uint32_t id)
{
    FILE *out = next_event(w);
    uint32_t u = pl_graph_task_unit(g, t);
    fprintf(out,
            "\"name\":\"%s\",\"cat\":\"flow\",\"ph\":\"%s\",%s\"id\":%" PRIu32 ",\"pid\":%" PRIu32
            ",\"tid\":%" PRIu32 ",\"ts\":",
            name, ph, *ph == 'f' ? "\"bp\":\"e\"," : "", id, pid_of(w, g, u), u + 1);
    put_us(out, &w->clock, at);
    fputc('}', out);
}

/* The flows into task t: from each producer (data edge) and each launch (issue edge). */
static void flow_events(struct writer *w, const pl_run *run, uint32_t t)
{
    const pl_graph *g = run->graph;
    uint32_t e0, k;
    pl_graph_task_edges(g, t, &e0, &k);
    for (uint32_t e = e0; e < e0 + k; e++) {
        const pl_edge *ed = pl_graph_edge(g, e);
        if (ed->kind != PL_EDGE_DATA && ed->kind != PL_EDGE_ISSUE)
            continue;
        const char *name = pl_edge_kind_name((pl_edge_kind)ed->kind);
        flow_end(w, g, ed->src, "s", ticks(&w->clock, run->tl->start[ed->src]), name,
                 w->flow0 + e + 1);
        flow_end(w, g, t, "f", ticks(&w->clock, run->tl->start[t]), name, w->flow0 + e + 1);
    }
}

/* ---- Counters ----------------------------------------------------------------- */

/* When task t became ready: the event of its release edge (the last of its edges), 0
 * with no edges; never after its start, which rounding could otherwise suggest. */
static int64_t ready_ticks(const struct clock *c, const pl_run *run, uint32_t t)
{
    uint32_t e = run->tl->release[t];
    int64_t start = ticks(c, run->tl->start[t]), ready = 0;
    if (e != PL_NO_EDGE) {
        const pl_edge *ed = pl_graph_edge(run->graph, e);
        ready = ticks(c, ed->at == PL_AT_START ? run->tl->start[ed->src] : run->tl->end[ed->src]);
    }
    return ready < start ? ready : start;
}

static int by_value(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

static void counter_event(struct writer *w, const pl_graph *g, uint32_t u, int64_t when,
                          uint32_t waiting)
{
    FILE *out = next_event(w);
    fputs("\"name\":\"waiting ", out);
    put_escaped(out, pl_graph_unit_name(g, u));
    fprintf(out, "\",\"ph\":\"C\",\"pid\":%" PRIu32 ",\"ts\":", pid_of(w, g, u));
    put_us(out, &w->clock, when);
    fprintf(out, ",\"args\":{\"tasks\":%" PRIu32 "}}", waiting);
}

/* The number of u's tasks that are ready but not started: a sample at time 0, then one
 * at every event time where the number changes. Ready times are sorted into `ready`
 * (room for the unit's tasks); start times are already in order, since a unit runs its
 * tasks in order. */
static void waiting_counter(struct writer *w, const pl_run *run, uint32_t u, int64_t *ready)
{
    uint32_t n;
    const uint32_t *tasks = pl_graph_unit_tasks(run->graph, u, &n);
    for (uint32_t i = 0; i < n; i++)
        ready[i] = ready_ticks(&w->clock, run, tasks[i]);
    qsort(ready, n, sizeof *ready, by_value);
    int sampled = n == 0 || ready[0] > 0;
    if (sampled)
        counter_event(w, run->graph, u, 0, 0);
    uint32_t r = 0, s = 0, last = 0;
    while (s < n) {
        int64_t start = ticks(&w->clock, run->tl->start[tasks[s]]);
        int64_t now = r < n && ready[r] < start ? ready[r] : start;
        while (r < n && ready[r] == now)
            r++;
        while (s < n && ticks(&w->clock, run->tl->start[tasks[s]]) == now)
            s++;
        if (!sampled || r - s != last)
            counter_event(w, run->graph, u, now, r - s);
        sampled = 1;
        last = r - s;
    }
}

/* ---- The trace ---------------------------------------------------------------- */

static void unit_events(struct writer *w, const pl_run *run, uint32_t u, int64_t *ready)
{
    uint32_t n;
    const uint32_t *tasks = pl_graph_unit_tasks(run->graph, u, &n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t prev = i > 0 ? tasks[i - 1] : PL_NO_EDGE;
        bubble_event(w, run, u, tasks[i], prev);
        task_event(w, run, u, tasks[i], prev);
        waking_event(w, run, u, tasks[i]);
        flow_events(w, run, tasks[i]);
    }
    waiting_counter(w, run, u, ready);
}

/* The latest time of the timeline: the makespan, or a later end that rounding could make
 * of it. */
static double longest_time(const pl_run *run)
{
    double most = run->m->makespan;
    for (uint32_t t = 0; t < pl_graph_task_count(run->graph); t++)
        most = fmax(most, run->tl->end[t]);
    return most;
}

static uint32_t most_tasks(const pl_graph *g)
{
    uint32_t most = 0;
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++) {
        uint32_t n;
        pl_graph_unit_tasks(g, u, &n);
        most = n > most ? n : most;
    }
    return most;
}

static json_t *other_data(const pl_report *r)
{
    json_t *o = json_object();
    o = pl_report_json_with(o, "scenario", pl_report_json_text(r->scenario));
    o = pl_report_json_with(o, "model", pl_report_json_text(r->model));
    o = pl_report_json_with(o, "mode", pl_report_json_text(r->mode));
    o = pl_report_json_with(o, "seed", pl_report_json_unsigned(r->seed));
    o = pl_report_json_with(o, "makespan_s", pl_report_json_real(r->run.m->makespan));
    return o;
}

/* One graph's processes, threads and events, after those of the graphs before. */
static void graph_events(struct writer *w, const pl_run *run, const char *baseline, int64_t *ready)
{
    names(w, run->graph, baseline);
    for (uint32_t u = 0; u < pl_graph_unit_count(run->graph); u++)
        unit_events(w, run, u, ready);
}

int pl_trace_write(const pl_report *r, FILE *out, pl_diag *d)
{
    const pl_run *run = &r->run, *base = &r->baseline;
    /* The baseline is its own graph unless the scenario's baseline is its run. */
    bool with_base = base->graph && base->graph != run->graph;
    uint32_t most = most_tasks(run->graph), in_base = with_base ? most_tasks(base->graph) : 0;
    most = in_base > most ? in_base : most;
    int64_t *ready = malloc(((size_t)most + 1) * sizeof *ready);
    json_t *other = other_data(r);
    if (!ready || !other) {
        free(ready);
        json_decref(other);
        return pl_diag_set(d, PL_ENOMEM, "out of memory while writing the trace");
    }
    double longest = longest_time(run);
    if (with_base)
        longest = fmax(longest, longest_time(base));
    struct writer w = {out, 0, clock_for(longest), 0, 0};
    flockfile(out); /* once for the whole trace, rather than once per call */
    fputs("{\"traceEvents\":[", out);
    graph_events(&w, run, NULL, ready);
    if (with_base) {
        w.pid0 = pl_graph_place_count(run->graph);
        w.flow0 = pl_graph_edge_count(run->graph);
        graph_events(&w, base, r->baseline_mode, ready);
    }
    fputs("\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":", out);
    json_dumpf(other, out, JSON_COMPACT | JSON_REAL_PRECISION(15));
    fputs("}\n", out);
    funlockfile(out);
    free(ready);
    json_decref(other);
    return pl_report_flush(out, d, "trace");
}
