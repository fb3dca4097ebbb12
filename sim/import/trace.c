/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trace.c — reading a profiler trace: the file is streamed once into compact records
 * (chrome_trace.c), the format is recognised from what the records hold, and its reader
 * fills the pl_trace. The invariant of a read trace: it holds at least one device
 * activity, every string id it holds is below nstrings, every thread index below nthreads.
 */
#include "sim/import/trace.h"

#include "sim/import/trace_formats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(PL_CT_NONE == PL_TRACE_NONE && PL_CT_NO_KEY == PL_TRACE_NO_STRING,
               "chrome_trace.h and trace.h mean the same by none");

#define GROW(t, arr, n, cap)                                                                       \
    do {                                                                                           \
        if ((t)->n == (t)->cap) {                                                                  \
            size_t c_ = (t)->cap ? (t)->cap * 2 : 1024;                                            \
            void *p_ = realloc((t)->arr, c_ * sizeof *(t)->arr);                                   \
            if (!p_)                                                                               \
                return PL_ENOMEM;                                                                  \
            (t)->arr = p_;                                                                         \
            (t)->cap = c_;                                                                         \
        }                                                                                          \
    } while (0)

int pl_trace_add_slice(pl_trace *t, const pl_trace_slice *s)
{
    GROW(t, slices, nslices, cap_slices);
    t->slices[t->nslices++] = *s;
    return 0;
}

int pl_trace_add_activity(pl_trace *t, const pl_trace_activity *a)
{
    GROW(t, activities, nactivities, cap_activities);
    t->activities[t->nactivities++] = *a;
    return 0;
}

int pl_trace_add_sync(pl_trace *t, const pl_trace_sync *s)
{
    GROW(t, syncs, nsyncs, cap_syncs);
    t->syncs[t->nsyncs++] = *s;
    return 0;
}

int pl_trace_thread_of(pl_trace *t, const pl_ct *ct, uint32_t *map, uint32_t tid, uint32_t *index)
{
    if (tid < ct->keys.n && map[tid] != UINT32_MAX) {
        *index = map[tid];
        return 0;
    }
    for (size_t i = 0; tid >= ct->keys.n && i < t->nthreads; i++) {
        if (t->threads[i][0] == '\0') { /* events without a tid: one thread, named "" */
            *index = (uint32_t)i;
            return 0;
        }
    }
    GROW(t, threads, nthreads, cap_threads);
    char *name = strdup(pl_ct_key(ct, tid));
    if (!name)
        return PL_ENOMEM;
    t->threads[t->nthreads] = name;
    *index = (uint32_t)t->nthreads++;
    if (tid < ct->keys.n)
        map[tid] = *index;
    return 0;
}

/* What a runtime call's name says it does. CANN's names come as "AscendCL@aclrt...". */
static const struct {
    const char *prefix;
    pl_trace_call_kind kind;
} call_names[] = {
    {"cudaLaunchKernel", PL_CALL_LAUNCH},
    {"cudaLaunchCooperativeKernel", PL_CALL_LAUNCH},
    {"cuLaunchKernel", PL_CALL_LAUNCH},
    {"cuLaunchCooperativeKernel", PL_CALL_LAUNCH},
    {"cudaGraphLaunch", PL_CALL_LAUNCH},
    {"cuGraphLaunch", PL_CALL_LAUNCH},
    {"hipLaunchKernel", PL_CALL_LAUNCH},
    {"hipExtLaunchKernel", PL_CALL_LAUNCH},
    {"hipModuleLaunchKernel", PL_CALL_LAUNCH},
    {"hipExtModuleLaunchKernel", PL_CALL_LAUNCH},
    {"hipLaunchCooperativeKernel", PL_CALL_LAUNCH},
    {"hipGraphLaunch", PL_CALL_LAUNCH},
    {"aclrtLaunchKernel", PL_CALL_LAUNCH},
    {"aclnn", PL_CALL_LAUNCH},
    {"aclopCompileAndExecute", PL_CALL_LAUNCH},
    {"aclopExecute", PL_CALL_LAUNCH},
    {"cudaMemcpy", PL_CALL_COPY},
    {"cuMemcpy", PL_CALL_COPY},
    {"hipMemcpy", PL_CALL_COPY},
    {"aclrtMemcpy", PL_CALL_COPY},
    {"cudaMemset", PL_CALL_MEMSET},
    {"cuMemset", PL_CALL_MEMSET},
    {"hipMemset", PL_CALL_MEMSET},
    {"aclrtMemset", PL_CALL_MEMSET},
    {"cudaStreamSynchronize", PL_CALL_SYNC_STREAM},
    {"cuStreamSynchronize", PL_CALL_SYNC_STREAM},
    {"hipStreamSynchronize", PL_CALL_SYNC_STREAM},
    {"aclrtSynchronizeStream", PL_CALL_SYNC_STREAM},
    {"cudaDeviceSynchronize", PL_CALL_SYNC_DEVICE},
    {"cuCtxSynchronize", PL_CALL_SYNC_DEVICE},
    {"hipDeviceSynchronize", PL_CALL_SYNC_DEVICE},
    {"aclrtSynchronizeDevice", PL_CALL_SYNC_DEVICE},
    {"cudaEventSynchronize", PL_CALL_SYNC_EVENT},
    {"cuEventSynchronize", PL_CALL_SYNC_EVENT},
    {"hipEventSynchronize", PL_CALL_SYNC_EVENT},
    {"aclrtSynchronizeEvent", PL_CALL_SYNC_EVENT},
    {"cudaEventRecord", PL_CALL_RECORD},
    {"cuEventRecord", PL_CALL_RECORD},
    {"hipEventRecord", PL_CALL_RECORD},
    {"aclrtRecordEvent", PL_CALL_RECORD},
    {"cudaStreamWaitEvent", PL_CALL_WAIT_EVENT},
    {"cuStreamWaitEvent", PL_CALL_WAIT_EVENT},
    {"hipStreamWaitEvent", PL_CALL_WAIT_EVENT},
    {"aclrtStreamWaitEvent", PL_CALL_WAIT_EVENT},
};

pl_trace_call_kind pl_trace_call_kind_of(const char *name)
{
    const char *at = strchr(name, '@');
    if (at && strncmp(name, "AscendCL@", 9) == 0)
        name = at + 1;
    for (size_t i = 0; i < sizeof call_names / sizeof *call_names; i++)
        if (strncmp(name, call_names[i].prefix, strlen(call_names[i].prefix)) == 0)
            return call_names[i].kind;
    return PL_CALL_OTHER;
}

const char *pl_trace_call_word(pl_trace_call_kind k)
{
    static const char *const words[] = {
#define PL_TRACE_CALL_WORD(name, word) word,
        PL_TRACE_CALLS(PL_TRACE_CALL_WORD)
#undef PL_TRACE_CALL_WORD
    };
    return (unsigned)k < PL_CALL_KIND_COUNT ? words[k] : "?";
}

const char *pl_trace_string(const pl_trace *t, uint32_t id)
{
    return id < t->nstrings ? t->strings[id] : "";
}

void pl_trace_fini(pl_trace *t)
{
    for (size_t i = 0; i < t->nstrings; i++)
        free(t->strings[i]);
    for (size_t i = 0; i < t->nthreads; i++)
        free(t->threads[i]);
    free(t->strings);
    free(t->threads);
    free(t->slices);
    free(t->activities);
    free(t->syncs);
    memset(t, 0, sizeof *t);
}

/* gzip's magic bytes 0x1f 0x8b; the file is also checked to be readable here. */
static int sniff_gzip(const char *path, int *gzipped, pl_diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return pl_diag_set(d, PL_EIO, "%s: cannot read: %s", path, strerror(errno));
    unsigned char magic[2] = {0, 0};
    size_t n = fread(magic, 1, 2, f);
    fclose(f);
    *gzipped = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    return 0;
}

static int unknown_format(const pl_ct *ct, pl_diag *d)
{
    const char *found = !ct->trace_events ? "a JSON object without traceEvents"
                        : ct->nev == 0    ? "no events"
                                          : "events of no category these profilers write";
    return pl_diag_set(d, PL_EPARSE,
                       "%s:1:1: expected a Chrome-trace-format profiler trace (PyTorch "
                       "profiler/Kineto or Ascend trace_view.json), found %s",
                       ct->path, found);
}

static int convert(const pl_ct *ct, pl_trace *out, pl_diag *d)
{
    int rc;
    if (pl_ascend_detect(ct))
        rc = pl_ascend_convert(ct, out, d);
    else if (pl_kineto_detect(ct))
        rc = pl_kineto_convert(ct, out, d);
    else
        return unknown_format(ct, d);
    if (!rc && out->nactivities == 0)
        rc = pl_diag_set(d, PL_ECONFIG,
                         "%s: no device activity: expected kernels, copies or memsets on a "
                         "device stream, found %zu host slices and none on a device",
                         ct->path, out->nslices);
    return rc;
}

int pl_trace_read(const char *path, pl_trace *out, pl_diag *d)
{
    int gzipped = 0;
    int rc = sniff_gzip(path, &gzipped, d);
    if (rc)
        return rc;
    pl_ct ct = {0};
    rc = pl_ct_read(&ct, path, gzipped, d);
    if (!rc)
        rc = convert(&ct, out, d);
    if (!rc) {
        if (ct.device[0])
            snprintf(out->device, sizeof out->device, "%s", ct.device);
        out->strings = ct.names.strings;
        out->nstrings = ct.names.n;
        out->cap_strings = ct.names.cap;
        pl_strtab_drop_index(&ct.names);
        memset(&ct.names, 0, sizeof ct.names);
    } else {
        pl_trace_fini(out);
    }
    pl_ct_fini(&ct);
    return rc == PL_ENOMEM ? pl_diag_set(d, PL_ENOMEM, "out of memory") : rc;
}
