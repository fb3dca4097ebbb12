/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * replay_index.c — what the replay builder looks up in a trace: each call's activities
 * and sync record by correlation (sorted indices, binary search), the stream of each
 * event record that a sync record names, medians, and the growing list of calls.
 */
#include "sim/import/replay_ops.h"

#include <stdlib.h>
#include <string.h>

typedef struct keyed {
    uint64_t key;
    int64_t ts;
    size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Sorts n items by (key, ts, index) into a new index array; NULL when out of memory. */
static size_t *sorted_index(keyed *k, size_t n)
{
    qsort(k, n, sizeof *k, cmp_keyed);
    size_t *out = malloc((n ? n : 1) * sizeof *out);
    for (size_t j = 0; out && j < n; j++)
        out[j] = k[j].i;
    return out;
}

static int index_trace(pl_import *im)
{
    const pl_trace *t = im->t;
    size_t n = t->nactivities > t->nsyncs ? t->nactivities : t->nsyncs;
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    if (!k)
        return PL_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < t->nactivities; i++)
        if (t->activities[i].correlation != PL_TRACE_NONE)
            k[m++] = (keyed){t->activities[i].correlation, t->activities[i].ts, i};
    im->nby_corr = m;
    im->by_corr = sorted_index(k, m);
    for (size_t i = 0; i < t->nsyncs; i++)
        k[i] = (keyed){t->syncs[i].correlation, 0, i};
    im->syncs_by_corr = sorted_index(k, t->nsyncs);
    free(k);
    return im->by_corr && im->syncs_by_corr ? 0 : PL_ENOMEM;
}

/* The first position in idx (n entries, sorted by key(i)) whose key is >= key. */
static size_t lower_bound(const size_t *idx, size_t n, uint64_t key,
                          uint64_t (*key_of)(const pl_trace *, size_t), const pl_trace *t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_of(t, idx[mid]) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint64_t activity_corr(const pl_trace *t, size_t i)
{
    return t->activities[i].correlation;
}

static uint64_t sync_corr(const pl_trace *t, size_t i)
{
    return t->syncs[i].correlation;
}

void pl_import_activities_of(const pl_import *im, size_t slice, size_t *first, size_t *n)
{
    uint64_t corr = im->t->slices[slice].correlation;
    *first = 0;
    *n = 0;
    if (corr == PL_TRACE_NONE)
        return;
    size_t lo = lower_bound(im->by_corr, im->nby_corr, corr, activity_corr, im->t), hi = lo;
    while (hi < im->nby_corr && activity_corr(im->t, im->by_corr[hi]) == corr)
        hi++;
    *first = lo;
    *n = hi - lo;
}

const pl_trace_sync *pl_import_sync_of(const pl_import *im, size_t slice)
{
    uint64_t corr = im->t->slices[slice].correlation;
    if (corr == PL_TRACE_NONE)
        return NULL;
    size_t lo = lower_bound(im->syncs_by_corr, im->t->nsyncs, corr, sync_corr, im->t);
    return lo < im->t->nsyncs && sync_corr(im->t, im->syncs_by_corr[lo]) == corr
               ? &im->t->syncs[im->syncs_by_corr[lo]]
               : NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t pl_median(int64_t *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_i64);
    return v[(n - 1) / 2];
}

size_t pl_import_new_call(pl_import *im)
{
    if (im->ncalls == im->cap_calls) {
        size_t cap = im->cap_calls ? 2 * im->cap_calls : 1024;
        pl_rcall *grown = realloc(im->calls, cap * sizeof *grown);
        if (!grown)
            return PL_NO_INDEX;
        im->calls = grown;
        im->cap_calls = cap;
    }
    im->calls[im->ncalls] = (pl_rcall){.slice = PL_NO_INDEX, .activity = PL_NO_INDEX,
                                       .sync = -1, .stream = PL_TRACE_NONE,
                                       .event = PL_TRACE_NONE,
                                       .record_after = PL_TRACE_NONE,
                                       .wait_before = PL_TRACE_NONE};
    return im->ncalls++;
}


/* The stream of each record call that some sync record waits for. */
static int find_record_streams(pl_import *im)
{
    const pl_trace *t = im->t;
    im->record_stream = malloc((t->nslices ? t->nslices : 1) * sizeof *im->record_stream);
    keyed *k = malloc((t->nslices ? t->nslices : 1) * sizeof *k);
    if (!im->record_stream || !k) {
        free(k);
        return PL_ENOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < t->nslices; i++) {
        im->record_stream[i] = PL_TRACE_NONE;
        if (t->slices[i].kind == PL_SLICE_CALL && t->slices[i].call == PL_CALL_RECORD &&
            t->slices[i].correlation != PL_TRACE_NONE)
            k[m++] = (keyed){t->slices[i].correlation, 0, i};
    }
    qsort(k, m, sizeof *k, cmp_keyed);
    for (size_t j = 0; j < t->nsyncs; j++) {
        const pl_trace_sync *r = &t->syncs[j];
        if (r->record_correlation == PL_TRACE_NONE || r->wait_on_stream == PL_TRACE_NONE)
            continue;
        keyed probe = {r->record_correlation, 0, 0};
        size_t lo = 0, hi = m;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (k[mid].key < probe.key)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < m && k[lo].key == probe.key)
            im->record_stream[k[lo].i] = r->wait_on_stream;
    }
    free(k);
    return 0;
}

int pl_import_index(pl_import *im)
{
    int rc = index_trace(im);
    return rc == 0 ? find_record_streams(im) : rc;
}
