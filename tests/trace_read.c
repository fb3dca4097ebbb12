/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trace_read.c — fields and events of a pipelab Chrome trace, read back exactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "trace_read.h"

#include <stdlib.h>
#include <string.h>

const char *pl_test_trace_after(const char *line, const char *key)
{
    const char *p = strstr(line, key);
    assert_non_null(p);
    return p + strlen(key);
}

long pl_test_trace_int(const char *line, const char *key)
{
    return strtol(pl_test_trace_after(line, key), NULL, 10);
}

int64_t pl_test_trace_ps(const char *line, const char *key)
{
    const char *p = pl_test_trace_after(line, key);
    int64_t whole = 0, frac = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        whole = whole * 10 + (*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            frac = frac * 10 + (*p - '0');
    assert_true(digits <= 6);
    for (; digits < 6; digits++)
        frac *= 10;
    return whole * 1000000 + frac;
}

size_t pl_test_trace_spans(char *text, pl_test_span *out, size_t max, size_t *tasks,
                           size_t *bubbles)
{
    size_t n = 0;
    *tasks = *bubbles = 0;
    char *save = NULL;
    /* A slice is a B event and, on its thread, the next E event: the B's slice is the last
     * opened and not yet closed of its thread (out[open] while open < n). */
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        long pid = -1, tid = -1;
        int begins = strstr(line, "\"ph\":\"B\"") != NULL,
            ends = strstr(line, "\"ph\":\"E\"") != NULL;
        if (!begins && !ends)
            continue;
        pid = pl_test_trace_int(line, "\"pid\":");
        tid = pl_test_trace_int(line, "\"tid\":");
        int64_t ts = pl_test_trace_ps(line, "\"ts\":");
        if (begins) {
            assert_true(n < max);
            out[n++] = (pl_test_span){pid, tid, ts, -1};
            *tasks += strstr(line, "\"cat\":\"task\"") != NULL;
            *bubbles += strstr(line, "\"cat\":\"bubble\"") != NULL;
            continue;
        }
        size_t i = n;
        while (i > 0 && !(out[i - 1].pid == pid && out[i - 1].tid == tid && out[i - 1].dur < 0))
            i--;
        if (i == 0)
            fail_msg("an E event at %lld ps on pid %ld tid %ld ends no slice", (long long)ts, pid,
                     tid);
        out[i - 1].dur = ts - out[i - 1].ts;
        assert_true(out[i - 1].dur >= 0);
    }
    for (size_t i = 0; i < n; i++)
        if (out[i].dur < 0)
            fail_msg("the slice at %lld ps on pid %ld tid %ld has no E event", (long long)out[i].ts,
                     out[i].pid, out[i].tid);
    return n;
}

static int by_thread_then_time(const void *pa, const void *pb)
{
    const pl_test_span *a = pa, *b = pb;
    if (a->pid != b->pid)
        return a->pid < b->pid ? -1 : 1;
    if (a->tid != b->tid)
        return a->tid < b->tid ? -1 : 1;
    return (a->ts > b->ts) - (a->ts < b->ts);
}

void pl_test_trace_no_overlap(pl_test_span *spans, size_t n)
{
    qsort(spans, n, sizeof *spans, by_thread_then_time);
    for (size_t i = 0; i + 1 < n; i++)
        if (spans[i].pid == spans[i + 1].pid && spans[i].tid == spans[i + 1].tid)
            assert_true(spans[i].ts + spans[i].dur <= spans[i + 1].ts);
}
