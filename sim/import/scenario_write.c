/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scenario_write.c — a replay as a dispatch scenario in YAML: a comment saying where
 * every number came from, the dispatch keys measured on the trace, one step group per
 * step with its measured duration, and each op with its host time and its calls.
 * Durations are written in microseconds with the trace's nanosecond precision.
 */
#include "sim/import/replay_ops.h"

#include <inttypes.h>
#include <string.h>

/* "12.345us", "12us", "0us". */
static void put_time(FILE *f, int64_t ns)
{
    if (ns < 0)
        ns = 0;
    if (ns % 1000 == 0)
        fprintf(f, "%" PRId64 "us", ns / 1000);
    else {
        char frac[8];
        snprintf(frac, sizeof frac, "%03" PRId64, ns % 1000);
        for (int i = 2; i > 0 && frac[i] == '0'; i--)
            frac[i] = '\0';
        fprintf(f, "%" PRId64 ".%sus", ns / 1000, frac);
    }
}

/* The length of the well-formed UTF-8 sequence at s (Unicode's table 3-7: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0 when the byte there starts none. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    unsigned char lo = 0x80, hi = 0xbf;
    size_t n;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if (s[k] < 0x80 || s[k] > 0xbf)
            return 0;
    return n;
}

/* Text from the trace as a scenario may hold it: a control character (which no scenario
 * string may hold, and a newline would end a comment) or a byte that is not well-formed
 * UTF-8 is written as '?'; with `escape`, '"' and '\\' are escaped for a double-quoted
 * scalar. */
static void put_text(FILE *f, const char *text, bool escape)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        size_t n = utf8_len(s);
        if (n == 0 || *s < 0x20 || *s == 0x7f) {
            fputc('?', f);
            s++;
            continue;
        }
        if (escape && (*s == '"' || *s == '\\'))
            fputc('\\', f);
        fwrite(s, 1, n, f);
        s += n;
    }
}

/* A double-quoted YAML scalar. */
static void put_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    put_text(f, s, true);
    fputc('"', f);
}

static void put_comment_text(FILE *f, const char *s)
{
    put_text(f, s, false);
}

static const char *const activity_key[] = {"kernel", "copy", "memset"};

static void put_call(FILE *f, const pl_import *im, const pl_rcall *c, int64_t host)
{
    const pl_trace *t = im->t;
    fputs("            - {", f);
    bool comma = false;
#define SEP() (comma ? fputs(", ", f) : 0, comma = true)
    if (host > 0) {
        SEP();
        fputs("host: ", f);
        put_time(f, host);
    }
    if (c->launch > 0 && c->kind != PL_RCALL_SYNC) {
        SEP();
        fputs("launch: ", f);
        put_time(f, c->launch);
    }
    switch (c->kind) {
    case PL_RCALL_LAUNCH: {
        const pl_trace_activity *a = &t->activities[c->activity];
        SEP();
        fprintf(f, "%s: ", activity_key[a->kind]);
        put_time(f, a->dur);
        fprintf(f, ", stream: %" PRIu64, a->stream);
        if (c->sync >= 0) {
            fputs(", sync: ", f);
            put_time(f, c->sync);
        }
        fputs(", name: ", f);
        put_quoted(f, pl_trace_string(t, a->name));
        break;
    }
    case PL_RCALL_SYNC:
        SEP();
        fputs("sync: ", f);
        put_time(f, c->sync);
        if (c->event != PL_TRACE_NONE)
            fprintf(f, ", event: e%" PRIu64, c->event);
        else if (c->stream != PL_TRACE_NONE)
            fprintf(f, ", stream: %" PRIu64, c->stream);
        break;
    case PL_RCALL_RECORD:
        SEP();
        fprintf(f, "record: e%" PRIu64 ", stream: %" PRIu64, c->event, c->stream);
        break;
    case PL_RCALL_WAIT:
        SEP();
        fprintf(f, "wait: e%" PRIu64 ", stream: %" PRIu64, c->event, c->stream);
        break;
    default:
        break;
    }
    if (c->signal && c->kind != PL_RCALL_DROPPED)
        fprintf(f, ", signal: h%zu", (size_t)(c - im->calls));
#undef SEP
    fputs("}\n", f);
}

static void put_inferred(FILE *f, const char *key, uint64_t event, uint64_t stream)
{
    fprintf(f, "            - {%s: i%" PRIu64 ", stream: %" PRIu64 "}   # inferred\n", key, event,
            stream);
}

static void put_op(FILE *f, const pl_import *im, const pl_rop *o)
{
    const pl_trace *t = im->t;
    fputs("        - name: ", f);
    put_quoted(f, pl_trace_string(t, o->name));
    fputc('\n', f);
    if (o->thread != im->main_thread) {
        fputs("          thread: ", f);
        put_quoted(f, t->threads[o->thread]);
        fputc('\n', f);
    }
    if (o->after != PL_NO_INDEX && im->calls[o->after].kind != PL_RCALL_DROPPED)
        fprintf(f, "          after: h%zu   # waited for another thread\n", o->after);
    if (o->infer > 0) {
        fputs("          infer: ", f);
        put_time(f, o->infer);
        fputc('\n', f);
    }
    /* an op whose every call was dropped, or the main thread's marker span in a step where
     * it made no call, is host time with no calls */
    int64_t carry = 0;
    bool any = false;
    for (size_t i = 0; i < o->ncalls; i++)
        any = any || im->calls[o->first + i].kind != PL_RCALL_DROPPED;
    fputs(any ? "          calls:\n" : "          calls: []\n", f);
    for (size_t i = 0; i < o->ncalls; i++) {
        const pl_rcall *c = &im->calls[o->first + i];
        if (c->kind == PL_RCALL_DROPPED) {
            carry += c->host + c->launch;
            continue;
        }
        if (c->wait_before != PL_TRACE_NONE)
            put_inferred(f, "wait", c->wait_before, c->stream);
        put_call(f, im, c, c->host + carry);
        carry = 0;
        if (c->record_after != PL_TRACE_NONE)
            put_inferred(f, "record", c->record_after, c->stream);
    }
    if (o->trailing + carry > 0) {
        fputs("          host: ", f);
        put_time(f, o->trailing + carry);
        fputc('\n', f);
    }
}

static void put_stat(FILE *f, const char *key, const pl_rstat *s, const char *what)
{
    fprintf(f, "  %s: ", key);
    put_time(f, s->median);
    fprintf(f, "   # median of %zu %s\n", s->n, what);
}

static void put_header(FILE *f, const pl_import *im)
{
    const pl_trace *t = im->t;
    fputs("# A replay of the profiler trace ", f);
    put_comment_text(f, im->source);
    fprintf(f, ", written by pipelab import.\n# Trace: %s%s", t->format,
            t->device[0] ? ", device " : "");
    put_comment_text(f, t->device);
    fprintf(f, "; %zu host thread(s) replayed.\n", im->nthreads_used);
    fprintf(f, "# Every duration below was measured in the trace:\n"
               "#  - infer: an op's host time before its first call; host: host time between\n"
               "#    calls (framework work and runtime calls that start nothing on the device);\n"
               "#    launch: a runtime call's own time; kernel, copy, memset: the device time\n"
               "#    of what the call started, on the stream the trace names;\n"
               "#  - sync: the part of a synchronising call after what it waited for had\n"
               "#    finished (all of it when that was already done), which the replay adds\n"
               "#    to the simulated wait;\n"
               "#  - record and wait: CUDA events joining streams%s\n"
            "#  - signal and after: a thread that made no call for over 1 ms while another\n"
            "#    did waited for it; it resumes after that thread's last call (`after`).\n",
            im->inferred_waits ? ";\n#    the `i` events marked inferred are not in the trace: "
                                 "a kernel started within\n#    50 us of the end of another "
                                 "stream's work, over 50 us later than its own\n#    stream "
                                 "and launch allowed;"
                               : ";");
    fprintf(f, "# Kept: %zu ops, %zu kernels, %zu copies, %zu memsets, %zu syncs "
               "(%zu blocking copies),\n# %zu event records, %zu stream waits, %zu inferred "
               "waits, %zu waits for another thread.",
            im->nops, im->kernels, im->copies, im->memsets, im->syncs, im->blocking,
            im->records, im->waits, im->inferred_waits, im->joins);
    for (size_t s = 0; s < im->nsteps; s++)
        if (im->steps[s].nops == 0) {
            fputs("\n# ", f);
            put_comment_text(f, pl_trace_string(t, im->steps[s].name));
            fputs(" made no call the replay keeps: left out.", f);
        }
    if (im->unmatched)
        fprintf(f, "\n# %zu device activities of the trace are not replayed: started outside "
                   "the steps kept,\n# or by no runtime call the trace recorded.",
                im->unmatched);
    if (im->dropped_calls)
        fprintf(f, " %zu stream waits for events recorded before the steps kept are left out.",
                im->dropped_calls);
    fputs("\n# docs/replay.md says what a replay cannot know.\n", f);
    fputs("name: ", f);
    char name[512];
    snprintf(name, sizeof name, "replay of %s", im->source);
    put_quoted(f, name);
    fputs("\nmodel: dispatch\n", f);
    fprintf(f, "machine:\n  host:\n    cores: %zu   # one per replayed host thread and "
               "pipeline step: the trace\n                # does not say how many the host "
               "had, and its threads did not share\n",
            im->nthreads_used * 3 > 1 ? im->nthreads_used * 3 : 1);
    fputs("dispatch:\n  mode: serial   # each host thread as recorded\n"
          "  host_speed: 1  # as recorded; 2 replays a host twice as fast\n",
          f);
    put_stat(f, "launch_latency", &im->latency,
             "kernel starts after their launch returned to an idle stream (within 1 ms)");
    put_stat(f, "graph_launch", &im->launch_cost,
             "kernel launch calls: the host cost of one graph launch");
    put_stat(f, "graph_gap", &im->gap,
             "gaps between a queued kernel and the one before it");
    fputs("  replay:\n    source: ", f);
    put_quoted(f, im->source);
    fputc('\n', f);
    const pl_rstep *whole = &im->steps[0];
    if (whole->name == PL_TRACE_NO_STRING) {
        fputs("    measured: ", f);
        put_time(f, whole->end - whole->ts);
        fputs("   # first host op to last end, host or device (no step markers)\n", f);
    }
    fputs("    device_busy: ", f);
    put_time(f, im->device_busy);
    fputs("   # union of the replayed kernels, copies and memsets\n", f);
}

int pl_import_write(const pl_import *im, FILE *f, pl_diag *d)
{
    put_header(f, im);
    fputs("  ops:\n", f);
    for (size_t s = 0; s < im->nsteps; s++) {
        const pl_rstep *st = &im->steps[s];
        if (st->nops == 0)
            continue;
        fputs("    - name: ", f);
        put_quoted(f, st->name == PL_TRACE_NO_STRING ? "whole trace"
                                                     : pl_trace_string(im->t, st->name));
        fputc('\n', f);
        if (st->name != PL_TRACE_NO_STRING) {
            fputs("      step: true\n      measured: ", f);
            put_time(f, st->end - st->ts);
            fputs("   # the step marker's duration\n", f);
        }
        fputs("      ops:\n", f);
        for (size_t o = st->first; o < st->first + st->nops; o++)
            put_op(f, im, &im->ops[o]);
    }
    return ferror(f) ? pl_diag_set(d, PL_EIO, "cannot write the scenario") : 0;
}
