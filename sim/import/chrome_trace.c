/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * chrome_trace.c — assembles Chrome-trace events from the JSON token stream. The
 * invariant: `depth` counts the containers open around the current token; an event is the
 * object at depth events_depth + 1 (inside the events array), its args the object one
 * deeper; a field's value is taken only when the key just before it at that depth is one
 * the readers use, and everything else in the document streams past unstored.
 */
#include "sim/import/chrome_trace.h"

#include "sim/import/json_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields kept from an event, and from its args. */
typedef enum field {
    F_NONE,
    F_PH,
    F_CAT,
    F_NAME,
    F_PID,
    F_TID,
    F_TS,
    F_DUR,
    F_ID,
    F_BP,
    F_ARGS,
    A_CORR,
    A_STREAM,
    A_SYNC_KIND,
    A_WAIT_STREAM,
    A_RECORD_CORR,
    A_NAME,
    A_STREAM_ID,
    F_COUNT
} field;

static const char *const event_keys[] = {
    [F_PH] = "ph", [F_CAT] = "cat", [F_NAME] = "name", [F_PID] = "pid", [F_TID] = "tid",
    [F_TS] = "ts", [F_DUR] = "dur", [F_ID] = "id",     [F_BP] = "bp",   [F_ARGS] = "args",
};
static const char *const arg_keys[] = {
    [A_CORR] = "correlation",
    [A_STREAM] = "stream",
    [A_SYNC_KIND] = "cuda_sync_kind",
    [A_WAIT_STREAM] = "wait_on_stream",
    [A_RECORD_CORR] = "wait_on_cuda_event_record_corr_id",
    [A_NAME] = "name",
    [A_STREAM_ID] = "Stream Id", /* Ascend Hardware tasks */
};

/* A value as written: short fields fit; a longer one (a kernel's name) grows `name`. */
typedef struct value {
    char text[128];
    size_t len;
    bool set;
} value;

typedef struct reader {
    pl_ct *ct;
    pl_diag *d;
    int depth, events_depth; /* events_depth 0: not inside the events array */
    bool in_event, in_args, in_devices;
    int device_index;
    field pending;       /* the field the next value belongs to */
    bool pending_events; /* the root's key was traceEvents */
    bool pending_devices, pending_device_name;
    value v[F_COUNT];
    char *name; /* the event's name, any length */
    size_t name_len, name_cap;
    pl_json_where where;
} reader;

static int bad(reader *r, const pl_json_where *at, const char *what)
{
    return pl_diag_set(r->d, PL_EPARSE, "%s:%u:%u: %s", r->ct->path, at->line, at->column, what);
}

static field lookup(const char *const *keys, size_t n, const char *text, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (keys[i] && strlen(keys[i]) == len && memcmp(keys[i], text, len) == 0)
            return (field)i;
    return F_NONE;
}

static int keep_name(reader *r, const char *text, size_t len)
{
    if (len + 1 > r->name_cap) {
        size_t cap = len + 1 > 2 * r->name_cap ? len + 1 : 2 * r->name_cap;
        char *name = realloc(r->name, cap);
        if (!name)
            return pl_diag_set(r->d, PL_ENOMEM, "out of memory");
        r->name = name;
        r->name_cap = cap;
    }
    memcpy(r->name, text, len);
    r->name_len = len;
    return 0;
}

static int keep(reader *r, const char *text, size_t len)
{
    field f = r->pending;
    r->pending = F_NONE;
    if (f == F_NAME)
        return keep_name(r, text, len);
    if (f == F_NONE || f == F_ARGS)
        return 0;
    value *v = &r->v[f];
    v->len = len < sizeof v->text ? len : sizeof v->text - 1;
    memcpy(v->text, text, v->len);
    v->text[v->len] = '\0';
    v->set = true;
    return 0;
}

/* Microseconds as written ("1661203462598772.123", also as a string) to integer
 * nanoseconds, exactly: the digits are read, never a double (which holds only ~16). A
 * fourth decimal rounds half up. Returns false when the text is not a number. */
static bool us_to_ns(const char *s, int64_t *ns)
{
    bool neg = *s == '-';
    s += neg;
    if (*s < '0' || *s > '9')
        return false;
    int64_t us = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (us > (INT64_MAX / 1000 - 9) / 10)
            return false;
        us = us * 10 + (*s - '0');
    }
    int64_t frac = 0;
    int digits = 0;
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
            if (digits < 3)
                frac = frac * 10 + (*s - '0');
            else if (digits == 3 && *s >= '5')
                frac++;
        }
        for (int i = digits; i < 3; i++)
            frac *= 10;
    }
    if (*s != '\0') /* an exponent, too: the profilers never write one */
        return false;
    *ns = (us * 1000 + frac) * (neg ? -1 : 1);
    return true;
}

/* A number or numeric string as an unsigned id: negative ("-1": none) and anything not a
 * number give PL_CT_NONE; hexadecimal ("0x0", ROCm's stream handles) is read as such. */
static uint64_t to_id(const value *v)
{
    if (!v->set || v->text[0] == '-' || v->text[0] == '\0')
        return PL_CT_NONE;
    char *end;
    unsigned long long x = strtoull(v->text, &end, 0);
    return *end == '\0' ? (uint64_t)x : PL_CT_NONE;
}

static uint32_t key(reader *r, const value *v, int *rc)
{
    uint32_t id = PL_CT_NO_KEY;
    if (v->set && !*rc)
        *rc = pl_strtab_intern(&r->ct->keys, v->text, v->len, &id);
    return id;
}

static int push(pl_ct *ct, const pl_ct_event *e)
{
    if (ct->nev == ct->cap) {
        size_t cap = ct->cap ? ct->cap * 2 : 4096;
        pl_ct_event *ev = realloc(ct->ev, cap * sizeof *ev);
        if (!ev)
            return PL_ENOMEM;
        ct->ev = ev;
        ct->cap = cap;
    }
    ct->ev[ct->nev++] = *e;
    return 0;
}

/* A flow's id: its number, or a string id interned (high bit set to keep them apart). */
static uint64_t flow_id(reader *r, int *rc)
{
    uint64_t id = to_id(&r->v[F_ID]);
    if (id == PL_CT_NONE && r->v[F_ID].set)
        id = (1ull << 63) | key(r, &r->v[F_ID], rc);
    return id;
}

static int finish_event(reader *r)
{
    value *v = r->v;
    char ph = v[F_PH].set ? v[F_PH].text[0] : '\0';
    if (ph != 'X' && ph != 's' && ph != 'f' && ph != 'M')
        return 0; /* instants, counters, ...: nothing a replay uses */
    uint64_t stream = to_id(&v[A_STREAM]);
    pl_ct_event e = {.corr = to_id(&v[A_CORR]),
                     .stream = stream != PL_CT_NONE ? stream : to_id(&v[A_STREAM_ID]),
                     .wait_on_stream = to_id(&v[A_WAIT_STREAM]),
                     .record_corr = to_id(&v[A_RECORD_CORR]),
                     .ph = (uint8_t)ph,
                     .where = r->where};
    int rc = 0;
    if (ph != 'M' && !us_to_ns(v[F_TS].text, &e.ts))
        return pl_diag_set(r->d, PL_EPARSE,
                           "%s:%u:%u: key 'ts': expected a time in microseconds, found %s%s%s",
                           r->ct->path, r->where.line, r->where.column, v[F_TS].set ? "'" : "",
                           v[F_TS].set ? v[F_TS].text : "none", v[F_TS].set ? "'" : "");
    if (v[F_DUR].set && us_to_ns(v[F_DUR].text, &e.dur))
        e.flags |= PL_CT_HAS_DUR;
    if (ph == 'X' && v[F_DUR].set && (!(e.flags & PL_CT_HAS_DUR) || e.dur < 0))
        return pl_diag_set(r->d, PL_EPARSE,
                           "%s:%u:%u: key 'dur': expected a duration in microseconds, 0 or "
                           "more, found '%s'",
                           r->ct->path, r->where.line, r->where.column, v[F_DUR].text);
    e.flags |= (v[F_BP].set && v[F_BP].text[0] == 'e') ? PL_CT_BP_E : 0;
    e.flags |= v[A_CORR].set ? PL_CT_HAS_CORR : 0;
    e.flags |= e.stream != PL_CT_NONE ? PL_CT_HAS_STREAM : 0;
    e.cat = key(r, &v[F_CAT], &rc);
    e.pid = key(r, &v[F_PID], &rc);
    e.tid = key(r, &v[F_TID], &rc);
    e.sync_kind = key(r, &v[A_SYNC_KIND], &rc);
    e.arg_name = key(r, &v[A_NAME], &rc);
    e.id = flow_id(r, &rc);
    if (!rc && ph == 'X')
        rc = pl_strtab_intern(&r->ct->names, r->name ? r->name : "", r->name_len, &e.name);
    else if (!rc && ph == 'M')
        rc = pl_strtab_intern(&r->ct->keys, r->name ? r->name : "", r->name_len, &e.name);
    if (!rc)
        rc = push(r->ct, &e);
    return rc ? pl_diag_set(r->d, PL_ENOMEM, "out of memory") : 0;
}

static void begin_event(reader *r, const pl_json_where *at)
{
    r->in_event = true;
    for (int i = 0; i < F_COUNT; i++)
        r->v[i].set = false;
    r->name_len = 0;
    r->where = (pl_json_where){at->line, at->column};
}

static int open_container(reader *r, pl_json_token tok, const pl_json_where *at)
{
    bool map = tok == PL_JSON_START_MAP;
    field f = r->pending;
    r->pending = F_NONE;
    r->depth++;
    if (r->depth == 1) {
        r->ct->root_object = map;
        r->ct->trace_events = !map;
        r->events_depth = map ? 0 : 1;
    } else if (r->depth == 2 && !map && r->pending_events) {
        r->ct->trace_events = true;
        r->events_depth = 2;
    } else if (r->depth == 2 && !map && r->pending_devices) {
        r->in_devices = true;
    } else if (r->depth == 3 && map && r->in_devices) {
        r->device_index++;
    } else if (r->events_depth && r->depth == r->events_depth + 1 && map) {
        begin_event(r, at);
    } else if (r->in_event && r->depth == r->events_depth + 2 && map && f == F_ARGS) {
        r->in_args = true;
    }
    r->pending_events = r->pending_devices = r->pending_device_name = false;
    return 0;
}

static int close_container(reader *r)
{
    int rc = 0;
    if (r->in_args && r->depth == r->events_depth + 2)
        r->in_args = false;
    else if (r->in_event && r->depth == r->events_depth + 1) {
        r->in_event = false;
        rc = finish_event(r);
    } else if (r->events_depth && r->depth == r->events_depth)
        r->events_depth = 0;
    else if (r->in_devices && r->depth == 2)
        r->in_devices = false;
    r->depth--;
    return rc;
}

static void on_key(reader *r, const char *text, size_t len)
{
    r->pending = F_NONE;
    if (r->depth == 1 && r->ct->root_object) {
        r->pending_events = len == 11 && memcmp(text, "traceEvents", 11) == 0;
        r->pending_devices = len == 16 && memcmp(text, "deviceProperties", 16) == 0;
    } else if (r->in_devices && r->depth == 3) {
        r->pending_device_name = r->device_index == 1 && len == 4 && !memcmp(text, "name", 4);
    } else if (r->in_args && r->depth == r->events_depth + 2) {
        r->pending = lookup(arg_keys, sizeof arg_keys / sizeof *arg_keys, text, len);
    } else if (r->in_event && r->depth == r->events_depth + 1) {
        r->pending = lookup(event_keys, sizeof event_keys / sizeof *event_keys, text, len);
    }
}

static int on_token(void *ctx, pl_json_token tok, const char *text, size_t len,
                    const pl_json_where *at)
{
    reader *r = ctx;
    switch (tok) {
    case PL_JSON_START_MAP:
    case PL_JSON_START_ARRAY:
        return open_container(r, tok, at);
    case PL_JSON_END_MAP:
    case PL_JSON_END_ARRAY:
        return close_container(r);
    case PL_JSON_KEY:
        on_key(r, text, len);
        return 0;
    default:
        break;
    }
    if (r->depth == 0)
        return bad(r, at,
                   "expected a Chrome-trace-format profiler trace (an object with "
                   "traceEvents, or an array of events), found a single value");
    if (r->pending_device_name) {
        size_t n = len < sizeof r->ct->device ? len : sizeof r->ct->device - 1;
        memcpy(r->ct->device, text, n);
        r->ct->device[n] = '\0';
        r->pending_device_name = false;
    }
    return keep(r, text, len);
}

int pl_ct_read(pl_ct *ct, const char *path, int gzipped, pl_diag *d)
{
    reader r = {.ct = ct, .d = d};
    ct->path = path;
    int rc = pl_json_stream_read(path, gzipped, on_token, &r, d);
    free(r.name);
    return rc;
}

void pl_ct_fini(pl_ct *ct)
{
    pl_strtab_fini(&ct->names);
    pl_strtab_fini(&ct->keys);
    free(ct->ev);
    memset(ct, 0, sizeof *ct);
}

const char *pl_ct_key(const pl_ct *ct, uint32_t k)
{
    return k < ct->keys.n ? ct->keys.strings[k] : "";
}

const char *pl_ct_name(const pl_ct *ct, const pl_ct_event *e)
{
    return e->name < ct->names.n ? ct->names.strings[e->name] : "";
}

bool pl_ct_is(const pl_ct *ct, uint32_t k, const char *s)
{
    return k < ct->keys.n && strcmp(ct->keys.strings[k], s) == 0;
}

/* A slice on one thread, for binding flow points: sorted by thread, then start, then
 * longest first, so that among slices starting together the innermost comes last. */
typedef struct span {
    uint32_t pid, tid;
    int64_t ts, end;
    uint32_t index;
} span;

static int span_cmp(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    if (x->tid != y->tid)
        return x->tid < y->tid ? -1 : 1;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The first span not before (pid, tid, ts) when `after`, else the first after it. */
static size_t lower(const span *s, size_t n, const pl_ct_event *f, bool after)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const span *m = &s[mid];
        int c = m->pid != f->pid   ? (m->pid < f->pid ? -1 : 1)
                : m->tid != f->tid ? (m->tid < f->tid ? -1 : 1)
                : m->ts < f->ts    ? -1
                : m->ts > f->ts    ? 1
                                   : (after ? 0 : -1);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint32_t bind(const span *s, size_t n, const pl_ct_event *f, int64_t longest)
{
    if (f->ph == 'f' && !(f->flags & PL_CT_BP_E)) { /* a start always binds enclosing */
        size_t i = lower(s, n, f, true);
        return i < n && s[i].pid == f->pid && s[i].tid == f->tid ? s[i].index : UINT32_MAX;
    }
    /* Enclosing: walk back from the last span starting at or before ts; none can enclose
     * once a span starts more than the longest duration earlier. */
    for (size_t i = lower(s, n, f, false); i-- > 0;) {
        if (s[i].pid != f->pid || s[i].tid != f->tid || s[i].ts < f->ts - longest)
            break;
        if (s[i].end >= f->ts)
            return s[i].index;
    }
    return UINT32_MAX;
}

static int nowhere(const pl_ct *ct, const pl_ct_event *f, pl_diag *d)
{
    int64_t us = f->ts / 1000, frac = f->ts % 1000;
    return pl_diag_set(d, PL_ECONFIG,
                       "%s:%u:%u: flow '%s' id %llu points nowhere: its %s ('%c') binds to no "
                       "event on pid %s tid %s at ts %lld.%03lld us; expected a slice there",
                       ct->path, f->where.line, f->where.column, pl_ct_key(ct, f->cat),
                       (unsigned long long)f->id, f->ph == 's' ? "start" : "finish", f->ph,
                       pl_ct_key(ct, f->pid), pl_ct_key(ct, f->tid), (long long)us,
                       (long long)(frac < 0 ? -frac : frac));
}

int pl_ct_bind_flows(const pl_ct *ct, bool (*joins)(const pl_ct *, uint32_t cat), uint32_t *bound,
                     pl_diag *d)
{
    span *s = malloc((ct->nev ? ct->nev : 1) * sizeof *s);
    if (!s)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    size_t n = 0;
    int64_t longest = 0;
    for (size_t i = 0; i < ct->nev; i++) {
        const pl_ct_event *e = &ct->ev[i];
        bound[i] = UINT32_MAX;
        if (e->ph != 'X')
            continue;
        s[n++] = (span){e->pid, e->tid, e->ts, e->ts + e->dur, (uint32_t)i};
        longest = e->dur > longest ? e->dur : longest;
    }
    qsort(s, n, sizeof *s, span_cmp);
    int rc = 0;
    for (size_t i = 0; i < ct->nev && !rc; i++) {
        const pl_ct_event *f = &ct->ev[i];
        if ((f->ph != 's' && f->ph != 'f') || !joins(ct, f->cat))
            continue;
        bound[i] = bind(s, n, f, longest);
        if (bound[i] == UINT32_MAX)
            rc = nowhere(ct, f, d);
    }
    free(s);
    return rc;
}
