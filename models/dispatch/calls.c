/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * calls.c — what a replay needs from a dispatch scenario: the policy keys of a replay
 * (host_speed, launch_latency, capture), each op's thread, stream and runtime calls, the
 * events they record and wait for, and the step groups.
 *
 * Templates are read in written order, which is the order in which each first appears in
 * op order, so an event is known to be recorded before a call names it exactly when a
 * call of this template or of an earlier one recorded it. Names become dense ids through
 * hash tables, so loading stays linear in the calls.
 */
#include "models/dispatch/workload.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const activity_keys[] = {"kernel", "copy", "memset", "record", "wait"};
#define NACTIVITIES (sizeof activity_keys / sizeof *activity_keys)

static double opt_real(const pl_node *n, double deflt)
{
    return n ? pl_node_real(n) : deflt;
}

int pl_dispatch_read_replay_policy(const pl_config *cfg, pl_dispatch *w, pl_diag *d)
{
    (void)d;
    w->host_speed = opt_real(pl_config_get(cfg, "dispatch.host_speed"), 1);
    w->launch_latency = opt_real(pl_config_get(cfg, "dispatch.launch_latency"), 0);
    w->graph_launch = opt_real(pl_config_get(cfg, "dispatch.graph_launch"), NAN);
    w->graph_gap = opt_real(pl_config_get(cfg, "dispatch.graph_gap"), NAN);
    if (pl_strmap_init(&w->thread_ids, 8) != 0 || pl_strmap_init(&w->event_ids, 64) != 0 ||
        pl_strmap_init(&w->signal_ids, 16) != 0)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the dispatch workload");
    return 0;
}

static int refuse(pl_diag *d, const pl_node *n, const char *what)
{
    return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n), "%s", what);
}

/* Refuses the first of `keys` (ending with NULL) that entry has: "BEFORE'KEY'AFTER". */
static int refuse_any(const pl_node *entry, const char *const *keys, const char *before,
                      const char *after, pl_diag *d)
{
    for (size_t i = 0; keys[i]; i++) {
        const pl_node *n = pl_node_get(entry, keys[i]);
        if (n)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n), "%s'%s'%s", before,
                              keys[i], after);
    }
    return 0;
}

static int check_group(const pl_node *entry, bool in_step, bool repeated, pl_diag *d)
{
    static const char *const op_only[] = {"thread", "stream", "calls", "host", NULL};
    int rc = refuse_any(entry, op_only,
                        "an entry with `ops` is a group and takes only name, repeat, ops, step, "
                        "measured and capture; move ",
                        " into one of its ops", d);
    if (rc != 0)
        return rc;
    const pl_node *step = pl_node_get(entry, "step");
    bool is_step = step && pl_node_bool(step);
    const pl_node *measured = pl_node_get(entry, "measured");
    const pl_node *capture = pl_node_get(entry, "capture");
    if (!is_step && measured)
        return refuse(d, measured,
                      "expected `measured` only on a step group (`step: true`), "
                      "got it on a group that is not a step");
    if (!is_step && capture)
        return refuse(d, capture,
                      "expected `capture` only on a step group (`step: true`), "
                      "got it on a group that is not a step");
    if (is_step && in_step)
        return refuse(d, step,
                      "expected a step group outside any other step group, got one "
                      "nested in a step group");
    if (is_step && pl_node_int(pl_node_get(entry, "repeat")) > 1)
        return refuse(d, step,
                      "expected a step group to run once (repeat 1), got repeat > 1; "
                      "write each step as its own group");
    if (is_step && repeated)
        return refuse(d, step,
                      "expected a step group to run once, got one inside a group of "
                      "repeat > 1");
    return 0;
}

int pl_dispatch_check_replay_entry(const pl_node *entry, bool group, bool in_step, bool repeated,
                                   pl_diag *d)
{
    if (group)
        return check_group(entry, in_step, repeated, d);
    static const char *const group_only[] = {"step", "measured", "capture", NULL};
    int rc = refuse_any(entry, group_only, "expected ",
                        " only on a group (an entry with `ops`), got it on an op", d);
    if (rc != 0)
        return rc;
    const pl_node *calls = pl_node_get(entry, "calls"), *sync = pl_node_get(entry, "sync");
    if (!calls)
        return 0;
    if (sync && pl_node_bool(sync))
        return refuse(d, sync,
                      "an op with `calls` writes its syncs as calls ({sync: TIME}); "
                      "remove `sync: true`");
    static const char *const classic[] = {"launch", "kernel", "tile", NULL};
    return refuse_any(entry, classic, "an op with `calls` launches its work in its calls; remove ",
                      " (or `calls`)", d);
}

/* ---- Names into dense ids ---------------------------------------------------------- */

static int intern_thread(pl_dispatch *w, const char *name, uint32_t *id, pl_diag *d)
{
    void *v = pl_strmap_get(&w->thread_ids, name);
    if (v) {
        *id = (uint32_t)((uintptr_t)v - 1);
        return 0;
    }
    if (w->nthreads == w->cap_threads) {
        uint32_t cap = w->cap_threads ? 2 * w->cap_threads : 4;
        const char **grown = realloc(w->thread_names, cap * sizeof *grown);
        if (!grown)
            return pl_diag_set(d, PL_ENOMEM, "out of memory for the threads");
        w->thread_names = grown;
        w->cap_threads = cap;
    }
    if (pl_strmap_put(&w->thread_ids, name, (void *)(uintptr_t)(w->nthreads + 1)) != 0)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the threads");
    w->thread_names[w->nthreads] = name;
    *id = w->nthreads++;
    return 0;
}

/* The event's id; a record makes a new name known, anything else must name a known one. */
static int event_id(pl_dispatch *w, const pl_node *n, bool record, uint32_t *id, pl_diag *d)
{
    const char *name = pl_node_str(n);
    void *v = pl_strmap_get(&w->event_ids, name);
    if (v) {
        *id = (uint32_t)((uintptr_t)v - 1);
        return 0;
    }
    if (!record)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                          "expected an event recorded before (by a `record` call of this or "
                          "an earlier op), got '%s', recorded nowhere before",
                          name);
    if (pl_strmap_put(&w->event_ids, name, (void *)(uintptr_t)(w->nevents + 1)) != 0)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the events");
    *id = w->nevents++;
    return 0;
}

/* A host signal's id: a call's `signal` raises a new one, an op's `after` must name one
 * raised before. */
static int signal_id(pl_dispatch *w, const pl_node *n, bool raise, uint32_t *id, pl_diag *d)
{
    const char *name = pl_node_str(n);
    void *v = pl_strmap_get(&w->signal_ids, name);
    if (v && !raise) {
        *id = (uint32_t)((uintptr_t)v - 1);
        return 0;
    }
    if (v)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                          "expected a signal raised once, got '%s', raised before", name);
    if (!raise)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                          "expected a signal raised before (by the `signal` of a call of an "
                          "earlier op), got '%s', raised nowhere before",
                          name);
    if (pl_strmap_put(&w->signal_ids, name, (void *)(uintptr_t)(w->nsignals + 1)) != 0)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the signals");
    *id = w->nsignals++;
    return 0;
}

/* ---- Calls ---------------------------------------------------------------------- */

/* Which of kernel, copy, memset, record, wait, sync the call does; a copy may come with a
 * sync (a blocking copy). */
static int call_kind(const pl_node *call, struct dispatch_call *c, pl_diag *d)
{
    const pl_node *found = NULL, *sync = pl_node_get(call, "sync");
    size_t kind = 0;
    for (size_t i = 0; i < NACTIVITIES; i++) {
        const pl_node *n = pl_node_get(call, activity_keys[i]);
        if (n && found)
            return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), pl_node_path(n),
                              "expected one of kernel, copy, memset, sync, record, wait in a "
                              "call (a blocking copy is copy with sync), got both '%s' and '%s'",
                              activity_keys[kind], activity_keys[i]);
        if (n) {
            found = n;
            kind = i;
        }
    }
    static const enum call_kind kinds[] = {CALL_KERNEL, CALL_COPY, CALL_MEMSET, CALL_RECORD,
                                           CALL_WAIT};
    if (!found && !sync)
        return refuse(d, call,
                      "expected one of kernel, copy, memset, sync, record, wait in a "
                      "call, got none");
    if (found && sync && kinds[kind] != CALL_COPY)
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(sync), pl_node_path(sync),
                          "expected one of kernel, copy, memset, sync, record, wait in a call "
                          "(a blocking copy is copy with sync), got both '%s' and 'sync'",
                          activity_keys[kind]);
    c->kind = found ? kinds[kind] : CALL_SYNC;
    c->blocking = found && sync;
    if (found && kinds[kind] <= CALL_MEMSET)
        c->work = pl_node_real(found);
    c->sync = sync ? pl_node_real(sync) : 0;
    return 0;
}

static int grow_calls(pl_dispatch *w, size_t more, pl_diag *d)
{
    if (w->ncalls + more <= w->cap_calls)
        return 0;
    if (w->ncalls + more > UINT32_MAX / 2)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the calls");
    uint32_t cap = w->cap_calls ? w->cap_calls : 64;
    while (cap < w->ncalls + more)
        cap *= 2;
    struct dispatch_call *grown = realloc(w->calls, cap * sizeof *grown);
    if (!grown)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the calls");
    w->calls = grown;
    w->cap_calls = cap;
    return 0;
}

static int read_call(pl_dispatch *w, const pl_node *call, uint32_t op_stream, pl_diag *d)
{
    struct dispatch_call *c = &w->calls[w->ncalls];
    memset(c, 0, sizeof *c);
    int rc = call_kind(call, c, d);
    if (rc != 0)
        return rc;
    const pl_node *stream = pl_node_get(call, "stream"), *event = pl_node_get(call, "event");
    const pl_node *name = pl_node_get(call, "name");
    c->host = opt_real(pl_node_get(call, "host"), 0);
    c->launch = opt_real(pl_node_get(call, "launch"), 0);
    c->name = name ? pl_node_str(name) : NULL;
    c->stream = stream ? (uint32_t)pl_node_int(stream) : op_stream;
    c->event = PL_DISPATCH_NO_ID;
    c->signal = PL_DISPATCH_NO_ID;
    const pl_node *signal = pl_node_get(call, "signal");
    if (signal && (rc = signal_id(w, signal, true, &c->signal, d)) != 0)
        return rc;
    if (event && (c->kind != CALL_SYNC))
        return refuse(d, event,
                      "expected `event` only on a sync call (sync: TIME, event: E), "
                      "got it on a call that is not a sync");
    if (c->kind == CALL_SYNC && !stream)
        c->stream = PL_DISPATCH_NO_ID; /* a device sync, or an event sync */
    if (event)
        rc = event_id(w, event, false, &c->event, d);
    else if (c->kind == CALL_RECORD || c->kind == CALL_WAIT)
        rc = event_id(w, pl_node_get(call, c->kind == CALL_RECORD ? "record" : "wait"),
                      c->kind == CALL_RECORD, &c->event, d);
    if (rc == 0)
        w->ncalls++;
    return rc;
}

int pl_dispatch_read_op(pl_dispatch *w, const pl_node *entry, struct op_template *t, pl_diag *d)
{
    const pl_node *thread = pl_node_get(entry, "thread"), *stream = pl_node_get(entry, "stream");
    const pl_node *calls = pl_node_get(entry, "calls");
    int rc = intern_thread(w, thread ? pl_node_str(thread) : "main", &t->thread, d);
    t->stream = stream ? (uint32_t)pl_node_int(stream) : 0;
    t->host = opt_real(pl_node_get(entry, "host"), 0);
    t->has_calls = calls != NULL;
    t->first_call = w->ncalls;
    t->after = PL_DISPATCH_NO_ID;
    const pl_node *after = pl_node_get(entry, "after");
    if (rc == 0 && after)
        rc = signal_id(w, after, false, &t->after, d);
    if (rc != 0 || !calls)
        return rc;
    w->has_calls = true;
    rc = grow_calls(w, pl_node_len(calls), d);
    for (size_t i = 0; i < pl_node_len(calls) && rc == 0; i++)
        rc = read_call(w, pl_node_at(calls, i), t->stream, d);
    t->ncalls = w->ncalls - t->first_call;
    return rc;
}

/* ---- Steps ---------------------------------------------------------------------- */

static int push_step(pl_dispatch *w, struct dispatch_step s, pl_diag *d)
{
    if (w->nsteps == w->cap_steps) {
        uint32_t cap = w->cap_steps ? 2 * w->cap_steps : 16;
        struct dispatch_step *grown = realloc(w->steps, cap * sizeof *grown);
        if (!grown)
            return pl_diag_set(d, PL_ENOMEM, "out of memory for the steps");
        w->steps = grown;
        w->cap_steps = cap;
    }
    w->steps[w->nsteps++] = s;
    return 0;
}

int pl_dispatch_add_step(pl_dispatch *w, const pl_config *cfg, const pl_node *group, uint64_t first,
                         uint64_t end, pl_diag *d)
{
    const pl_node *name = pl_node_get(group, "name"), *measured = pl_node_get(group, "measured");
    const pl_node *capture = pl_node_get(group, "capture");
    if (!capture)
        capture = pl_config_get(cfg, "dispatch.capture");
    struct dispatch_step s = {
        .name = name ? pl_node_str(name) : "step",
        .measured = measured ? pl_node_real(measured) : NAN,
        .first = first,
        .end = end,
        .capture = capture && strcmp(pl_node_str(capture), "graph") == 0,
        .capture_at = capture,
    };
    w->step_groups = true;
    return push_step(w, s, d);
}

/* ---- Finishing -------------------------------------------------------------------- */

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static uint32_t dense_stream(const pl_dispatch *w, uint32_t number)
{
    long long key = number;
    const long long *at = bsearch(&key, w->stream_numbers, w->nstreams, sizeof key, cmp_ll);
    return (uint32_t)(at - w->stream_numbers);
}

/* The streams device work or a call names, ascending; each number becomes its index. */
static int make_streams_dense(pl_dispatch *w, pl_diag *d)
{
    size_t n = 0;
    w->stream_numbers = malloc(((size_t)w->ntemplates + w->ncalls + 1) * sizeof(long long));
    if (!w->stream_numbers)
        return pl_diag_set(d, PL_ENOMEM, "out of memory for the streams");
    for (uint32_t t = 0; t < w->ntemplates; t++)
        if (!w->templates[t].has_calls)
            w->stream_numbers[n++] = w->templates[t].stream;
    for (uint32_t c = 0; c < w->ncalls; c++)
        if (w->calls[c].stream != PL_DISPATCH_NO_ID)
            w->stream_numbers[n++] = w->calls[c].stream;
    if (n == 0)
        w->stream_numbers[n++] = 0;
    qsort(w->stream_numbers, n, sizeof(long long), cmp_ll);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        if (distinct == 0 || w->stream_numbers[distinct - 1] != w->stream_numbers[i])
            w->stream_numbers[distinct++] = w->stream_numbers[i];
    w->nstreams = (uint32_t)distinct;
    for (uint32_t t = 0; t < w->ntemplates; t++)
        w->templates[t].stream =
            w->templates[t].has_calls ? 0 : dense_stream(w, w->templates[t].stream);
    for (uint32_t c = 0; c < w->ncalls; c++)
        if (w->calls[c].stream != PL_DISPATCH_NO_ID)
            w->calls[c].stream = dense_stream(w, w->calls[c].stream);
    return 0;
}

int pl_dispatch_finish_load(pl_dispatch *w, const pl_config *cfg, pl_diag *d)
{
    int rc = make_streams_dense(w, d);
    const pl_node *capture = pl_config_get(cfg, "dispatch.capture");
    if (rc == 0 && !w->step_groups && capture && strcmp(pl_node_str(capture), "graph") == 0)
        rc = push_step(w, (struct dispatch_step){"whole trace", NAN, 0, w->nops, true, capture}, d);
    for (uint32_t s = 0; s < w->nsteps && rc == 0; s++) {
        const struct dispatch_step *st = &w->steps[s];
        if (!st->capture || (!isnan(w->graph_launch) && !isnan(w->graph_gap)))
            continue;
        rc = pl_diag_at(d, PL_ECONFIG, pl_node_loc(st->capture_at), pl_node_path(st->capture_at),
                        "a captured graph needs dispatch.graph_launch and dispatch.graph_gap "
                        "(times); '%s' is missing",
                        isnan(w->graph_launch) ? "graph_launch" : "graph_gap");
    }
    pl_strmap_fini(&w->thread_ids);
    pl_strmap_fini(&w->event_ids);
    pl_strmap_fini(&w->signal_ids);
    return rc;
}

void pl_dispatch_free_replay(pl_dispatch *w)
{
    free(w->calls);
    free(w->thread_names);
    free(w->stream_numbers);
    free(w->steps);
    pl_strmap_fini(&w->thread_ids);
    pl_strmap_fini(&w->event_ids);
    pl_strmap_fini(&w->signal_ids);
}

int pl_dispatch_fill_replay(const pl_dispatch *w, const pl_config *cfg, pl_replay *r)
{
    const pl_node *replay = pl_config_get(cfg, "dispatch.replay");
    const pl_node *source = replay ? pl_node_get(replay, "source") : NULL;
    const pl_node *measured = replay ? pl_node_get(replay, "measured") : NULL;
    const pl_node *busy = replay ? pl_node_get(replay, "device_busy") : NULL;
    if (!replay && !w->step_groups)
        return 0;
    int rc = source ? pl_replay_set_source(r, pl_node_str(source)) : 0;
    r->device_busy = busy ? pl_node_real(busy) : NAN;
    for (uint32_t s = 0; s < w->nsteps && w->step_groups && rc == 0; s++)
        rc = pl_replay_add_step(r, w->steps[s].name, w->steps[s].measured, w->steps[s].first,
                                w->steps[s].end, true);
    if (rc == 0 && !w->step_groups)
        rc = pl_replay_add_step(r, "whole trace", measured ? pl_node_real(measured) : NAN, 0,
                                w->nops, false);
    return rc;
}
