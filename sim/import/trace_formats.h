/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trace_formats.h — the format readers behind pl_trace_read: each says whether a streamed
 * Chrome-trace document is its format, and turns its records into a pl_trace. Shared
 * helpers append to a pl_trace's arrays.
 */
#ifndef PL_IMPORT_TRACE_FORMATS_H
#define PL_IMPORT_TRACE_FORMATS_H

#include "sim/import/chrome_trace.h"
#include "sim/import/trace.h"

/* PyTorch profiler (Kineto), CUDA or ROCm: sim/import/kineto.c. */
bool pl_kineto_detect(const pl_ct *ct);
int pl_kineto_convert(const pl_ct *ct, pl_trace *out, pl_diag *d);

/* Ascend PyTorch / MindSpore profiler trace_view.json: sim/import/ascend.c. */
bool pl_ascend_detect(const pl_ct *ct);
int pl_ascend_convert(const pl_ct *ct, pl_trace *out, pl_diag *d);

/* Where an event was, as trace.h writes it. */
static inline pl_trace_where pl_ct_where(const pl_ct_event *e)
{
    return (pl_trace_where){e->where.line, e->where.column};
}

/* Appending; each returns 0 or PL_ENOMEM. */
int pl_trace_add_slice(pl_trace *t, const pl_trace_slice *s);
int pl_trace_add_activity(pl_trace *t, const pl_trace_activity *a);
int pl_trace_add_sync(pl_trace *t, const pl_trace_sync *s);

/* Host threads by the key id of their tid: map[tid] is the thread's index in t->threads,
 * added (named as the trace writes the tid) on first use. map has ct->keys.n entries, all
 * UINT32_MAX at first. */
int pl_trace_thread_of(pl_trace *t, const pl_ct *ct, uint32_t *map, uint32_t tid, uint32_t *index);

#endif
