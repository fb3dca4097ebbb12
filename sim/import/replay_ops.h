/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * replay_ops.h — a replay as it is built: steps, ops and their calls, in the scenario's
 * order, with every duration in integer nanoseconds. Shared by replay_build.c (host
 * side), replay_index.c (lookups), replay_device.c (what each call did on the device)
 * and scenario_write.c; not part of the import's interface.
 */
#ifndef PL_IMPORT_REPLAY_OPS_H
#define PL_IMPORT_REPLAY_OPS_H

#include "sim/import/import.h"

#include <stddef.h>
#include <stdint.h>

#define PL_NO_INDEX SIZE_MAX

typedef enum pl_rcall_kind {
    PL_RCALL_LAUNCH, /* starts a kernel, copy or memset (and may wait for it: sync >= 0) */
    PL_RCALL_SYNC,   /* waits for a stream, the device (stream NONE) or an event */
    PL_RCALL_RECORD, /* records event `event` on `stream` */
    PL_RCALL_WAIT,   /* `stream` waits for event `event` */
    PL_RCALL_DROPPED, /* a wait whose event was recorded before the steps kept: host time */
} pl_rcall_kind;

typedef struct pl_rcall {
    size_t slice;       /* the runtime call in the trace; PL_NO_INDEX for an inferred one */
    size_t activity;    /* LAUNCH: the activity it started */
    uint8_t kind;       /* pl_rcall_kind */
    int64_t host;       /* host time since the thread's previous call ended */
    int64_t launch;     /* the call's own host time (the part before any wait) */
    int64_t sync;       /* the host's cost after the wait; -1: it does not wait */
    uint64_t stream;    /* PL_TRACE_NONE: a sync of the whole device */
    uint64_t event;     /* RECORD, WAIT, event SYNC: the event's number; else NONE */
    uint64_t record_after; /* an inferred event recorded on this LAUNCH's stream after it */
    uint64_t wait_before;  /* an inferred event this LAUNCH's stream waits for first */
    bool signal;           /* an op of another thread waits for its end (pl_rop.after) */
} pl_rcall;

typedef struct pl_rop {
    uint32_t name;       /* string id of the op (or of the call outside any op) */
    uint32_t thread;     /* trace thread */
    size_t step;
    int64_t infer;       /* host time before its first call */
    int64_t trailing;    /* host time after its last call */
    size_t first, ncalls; /* its calls, in pl_import.calls */
    size_t after;         /* the call of another thread whose end it waited for, or
                             PL_NO_INDEX */
} pl_rop;

typedef struct pl_rstep {
    uint32_t name;      /* string id, e.g. ProfilerStep#1009; NO_STRING: the whole trace */
    int64_t ts, end;    /* ns: the marker's span, or the whole replayed span */
    size_t first, nops; /* its ops */
} pl_rstep;

/* A statistic for the comments: a median and how many values it was taken over. */
typedef struct pl_rstat {
    int64_t median;
    size_t n;
} pl_rstat;

struct pl_import {
    const pl_trace *t;
    size_t *by_corr;       /* activity indices sorted by correlation, then start */
    size_t nby_corr;
    size_t *syncs_by_corr; /* sync record indices sorted by correlation */
    uint64_t *record_stream; /* per call slice kept as RECORD: its stream (from the sync
                                records that wait for it), else NONE; indexed like slices */
    const char *source;
    uint32_t main_thread;
    pl_rstep *steps;
    size_t nsteps;
    pl_rop *ops;
    size_t nops, cap_ops;
    pl_rcall *calls;
    size_t ncalls, cap_calls;
    bool explicit_syncs;   /* the trace has sync records (Kineto cuda_sync) */
    /* Measured and derived, for the scenario and its comments. */
    int64_t device_busy;   /* union of the replayed activities */
    pl_rstat latency;      /* launch-to-start of activities that found their stream idle */
    pl_rstat gap;          /* start-after-end of activities that were queued */
    pl_rstat launch_cost;  /* kernel launch calls */
    size_t activities, kernels, copies, memsets;
    size_t syncs, blocking, records, waits, inferred_waits;
    size_t unmatched;      /* activities of the trace the replay does not have: started
                              outside the steps kept, or by no call the trace recorded */
    size_t dropped_calls;  /* record and wait calls whose stream the trace does not say */
    size_t nthreads_used;
    size_t joins;          /* ops that waited for another thread's call */
};

/* replay_device.c: resolves what each call of im did on the device (activities, what a
 * sync waited for and its cost, events), infers cross-stream waits where the trace has
 * no sync records, and measures the statistics above. Returns 0 or PL_ENOMEM. */
int pl_replay_device(pl_import *im, pl_diag *d);

/* Grows the calls array by one, returning the new call's index, or PL_NO_INDEX when out
 * of memory. */
size_t pl_import_new_call(pl_import *im);

/* replay_index.c: sorts the trace's activities and sync records by correlation and finds
 * the stream of each event record a sync record names. Returns 0 or PL_ENOMEM. */
int pl_import_index(pl_import *im);

/* The activities call slice `slice` started: *n of them from *first in im->by_corr. */
void pl_import_activities_of(const pl_import *im, size_t slice, size_t *first, size_t *n);

/* The sync record of call slice `slice`, or NULL. */
const pl_trace_sync *pl_import_sync_of(const pl_import *im, size_t slice);

/* The median of n values (sorted in place): the lower of the two middle ones; 0 for
 * none. */
int64_t pl_median(int64_t *v, size_t n);

#endif
