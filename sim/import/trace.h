/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trace.h — a profiler trace read into plain arrays, whatever format it came in: the host
 * slices (framework ops, runtime calls, step markers) per host thread, the device
 * activities (kernels, copies, memsets) per stream, and the synchronisation records that
 * say what a sync or a stream wait waited for. Times are integer nanoseconds from the
 * trace's own clock (Kineto writes microseconds with three decimals).
 *
 * The readers (sim/import/kineto.c, sim/import/ascend.c) fill it; the replay builder
 * (sim/import/replay_build.c) reads it. Nothing here knows which format it came from
 * but `format`.
 */
#ifndef PL_IMPORT_TRACE_H
#define PL_IMPORT_TRACE_H

#include "sim/common/error.h"

#include <stddef.h>
#include <stdint.h>

/* "No correlation", "no stream", "no string". */
#define PL_TRACE_NONE UINT64_MAX
#define PL_TRACE_NO_STRING UINT32_MAX

/* What a host slice is. */
typedef enum pl_trace_slice_kind {
    PL_SLICE_OP,   /* a framework op (Kineto cpu_op; Ascend host op): may nest */
    PL_SLICE_CALL, /* a runtime call (Kineto cuda_runtime / hip runtime; Ascend CANN API) */
    PL_SLICE_STEP, /* a step marker: ProfilerStep#N */
} pl_trace_slice_kind;

/* What a runtime call does, from its name (cudaLaunchKernel, hipMemcpyAsync, ...).
 * X(NAME, "word in the scenario's comments") */
#define PL_TRACE_CALLS(X)                                                                 \
    X(OTHER, "other")     /* no device effect known: host time */                        \
    X(LAUNCH, "launch")   /* launches a kernel (cudaLaunchKernel, cuLaunchKernel, ...) */  \
    X(COPY, "copy")       /* starts a copy (cudaMemcpy*, hipMemcpy*) */                    \
    X(MEMSET, "memset")   /* starts a memset (cudaMemset*) */                              \
    X(SYNC_STREAM, "stream sync") /* cudaStreamSynchronize */                             \
    X(SYNC_DEVICE, "device sync") /* cudaDeviceSynchronize */                             \
    X(SYNC_EVENT, "event sync")   /* cudaEventSynchronize */                              \
    X(RECORD, "event record")     /* cudaEventRecord */                                   \
    X(WAIT_EVENT, "stream wait")  /* cudaStreamWaitEvent */
typedef enum pl_trace_call_kind {
#define PL_TRACE_CALL_ENUM(name, word) PL_CALL_##name,
    PL_TRACE_CALLS(PL_TRACE_CALL_ENUM)
#undef PL_TRACE_CALL_ENUM
        PL_CALL_KIND_COUNT
} pl_trace_call_kind;

/* What a device activity is. */
typedef enum pl_trace_activity_kind {
    PL_ACTIVITY_KERNEL,
    PL_ACTIVITY_COPY,
    PL_ACTIVITY_MEMSET,
} pl_trace_activity_kind;

/* Where an event was in the trace file, for messages. */
typedef struct pl_trace_where {
    uint32_t line, column;
} pl_trace_where;

typedef struct pl_trace_slice {
    int64_t ts, dur;      /* ns */
    uint32_t thread;      /* index into pl_trace.threads */
    uint32_t name;        /* string id */
    uint8_t kind;         /* pl_trace_slice_kind */
    uint8_t call;         /* pl_trace_call_kind, for PL_SLICE_CALL */
    uint64_t correlation; /* PL_SLICE_CALL: joins it to its activity and sync record;
                             PL_TRACE_NONE when the trace gives none */
    pl_trace_where where;
} pl_trace_slice;

typedef struct pl_trace_activity {
    int64_t ts, dur;      /* ns */
    uint64_t stream;      /* the stream (Kineto `stream`; Ascend "Stream N") */
    uint32_t name;        /* string id */
    uint8_t kind;         /* pl_trace_activity_kind */
    uint64_t correlation; /* the call that started it, or PL_TRACE_NONE */
    pl_trace_where where;
} pl_trace_activity;

/* A synchronisation record (Kineto cuda_sync), joined to its call by correlation. */
typedef struct pl_trace_sync {
    uint64_t correlation;        /* the runtime call it belongs to */
    uint8_t call;                /* PL_CALL_SYNC_STREAM, _SYNC_DEVICE, _SYNC_EVENT or
                                    _WAIT_EVENT (Kineto's cuda_sync_kind) */
    uint64_t stream;             /* the stream that waits (stream wait), else PL_TRACE_NONE */
    uint64_t wait_on_stream;     /* the stream waited for, or PL_TRACE_NONE */
    uint64_t record_correlation; /* the cudaEventRecord call whose event is waited for, or
                                    PL_TRACE_NONE */
} pl_trace_sync;

typedef struct pl_trace {
    char format[128];         /* "PyTorch profiler (Kineto), CUDA", "... ROCm", "Ascend" */
    char device[128];         /* the device's name when the trace says it, else "" */
    char **strings;           /* interned names */
    size_t nstrings, cap_strings;
    char **threads;           /* host thread names, as the trace names them ("3113936") */
    size_t nthreads, cap_threads;
    pl_trace_slice *slices;   /* in file order */
    size_t nslices, cap_slices;
    pl_trace_activity *activities; /* in file order */
    size_t nactivities, cap_activities;
    pl_trace_sync *syncs;
    size_t nsyncs, cap_syncs;
} pl_trace;

/* Reads the trace at `path` (plain or gzip-compressed JSON, told apart by its first two
 * bytes), streaming, into *out (zeroed by the caller; pl_trace_fini frees it). Fails with
 * PL_EIO (cannot read, truncated gzip), PL_EPARSE (not JSON, or JSON that is not a trace
 * of a known format: a message naming the file, line, column and what was expected),
 * PL_ECONFIG (a trace with no device activity, or a flow that points nowhere), PL_ENOMEM. */
int pl_trace_read(const char *path, pl_trace *out, pl_diag *d);

void pl_trace_fini(pl_trace *t);

/* The string with id `id`. */
const char *pl_trace_string(const pl_trace *t, uint32_t id);

/* The word for a call kind ("stream sync"). */
const char *pl_trace_call_word(pl_trace_call_kind k);

/* The call kind a runtime call's name says (cudaLaunchKernel -> PL_CALL_LAUNCH; hip and
 * cu* spellings, and CANN's aclrtLaunchKernel, aclrtSynchronizeStream, ... too). */
pl_trace_call_kind pl_trace_call_kind_of(const char *name);

#endif
