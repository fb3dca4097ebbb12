/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * chrome_trace.h — the events of a Chrome-trace-format document (a `traceEvents` array in
 * an object, or a bare array), streamed from the file into compact records: complete
 * slices (ph X), flow points (ph s, f) and process/thread names (ph M). What a record means
 * is left to the format readers (sim/import/kineto.c, sim/import/ascend.c), which need the
 * whole list: metadata that says which process is the device may come last.
 */
#ifndef PL_IMPORT_CHROME_TRACE_H
#define PL_IMPORT_CHROME_TRACE_H

#include "sim/import/json_stream.h"
#include "sim/import/strtab.h"

#include <stdbool.h>

/* "None": the same values as trace.h's PL_TRACE_NONE and PL_TRACE_NO_STRING (trace.c
 * checks), kept here so that this module needs nothing of trace.h. */
#define PL_CT_NONE   UINT64_MAX
#define PL_CT_NO_KEY UINT32_MAX

enum {
    PL_CT_HAS_DUR = 1,
    PL_CT_BP_E = 2,      /* a flow point that binds to its enclosing slice */
    PL_CT_HAS_CORR = 4,  /* args.correlation */
    PL_CT_HAS_STREAM = 8 /* args.stream, or Ascend's args."Stream Id" */
};

typedef struct pl_ct_event {
    int64_t ts, dur;         /* ns */
    uint64_t corr, stream;   /* args.correlation, args.stream ("Stream Id"), or PL_CT_NONE */
    uint64_t id;             /* a flow's id */
    uint64_t wait_on_stream; /* cuda_sync: args.wait_on_stream, or PL_CT_NONE */
    uint64_t record_corr;    /* cuda_sync: args.wait_on_cuda_event_record_corr_id, or PL_CT_NONE */
    uint32_t name;           /* X: id in the trace's strings; M: key id ("process_name") */
    uint32_t cat, pid, tid;  /* key ids; PL_CT_NO_KEY when absent */
    uint32_t arg_name;       /* M: key id of args.name; else PL_CT_NO_KEY */
    uint32_t sync_kind;      /* key id of args.cuda_sync_kind, or PL_CT_NO_KEY */
    uint8_t ph, flags;
    pl_json_where where; /* the event's opening brace */
} pl_ct_event;

typedef struct pl_ct {
    const char *path; /* borrowed */
    pl_strtab names;  /* slice names: becomes the trace's strings */
    pl_strtab keys;   /* categories, pids, tids, metadata names */
    pl_ct_event *ev;  /* in file order */
    size_t nev, cap;
    char device[128];  /* deviceProperties[0].name */
    bool root_object;  /* the document is an object (else an array) */
    bool trace_events; /* it had a traceEvents array (or is an array) */
} pl_ct;

/* Streams `path` into ct (zeroed by the caller; pl_ct_fini frees it). Fails as
 * pl_json_stream_read does, or PL_EPARSE for a document that is not an object or an array
 * and for an event whose ts is not a number. */
int pl_ct_read(pl_ct *ct, const char *path, int gzipped, pl_diag *d);
void pl_ct_fini(pl_ct *ct);

/* The key with id k ("" for PL_CT_NO_KEY). */
const char *pl_ct_key(const pl_ct *ct, uint32_t k);
/* An X event's name. */
const char *pl_ct_name(const pl_ct *ct, const pl_ct_event *e);
/* Whether key k is `s`. */
bool pl_ct_is(const pl_ct *ct, uint32_t k, const char *s);

/* Binds every flow point (ph s or f) whose category `joins` accepts to the slice it
 * points at: its enclosing slice on the same pid and tid at its ts (the innermost one)
 * for a start, and for a finish with bp "e"; for a finish without, the next slice that
 * starts at or after its ts (the Chrome trace format's rules). bound[i] is the
 * index of the X event flow point i binds to, UINT32_MAX for other events. A flow point
 * that binds to no slice points nowhere: PL_ECONFIG naming file, line, column, category,
 * id and where it pointed. bound has ct->nev entries, filled here. */
int pl_ct_bind_flows(const pl_ct *ct, bool (*joins)(const pl_ct *, uint32_t cat), uint32_t *bound,
                     pl_diag *d);

#endif
