/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * trace_read.h — reading a Chrome trace written by pipelab back, for tests: the
 * trace puts one event on each line, and times are microseconds printed from
 * integer picoseconds, so they are read back exactly as integer picoseconds.
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>; a line without the
 * field asked for fails the test.
 */
#ifndef PL_TEST_TRACE_READ_H
#define PL_TEST_TRACE_READ_H

#include <stddef.h>
#include <stdint.h>

/* Where the value of `key` (e.g. "\"ts\":") starts in line. */
const char *pl_test_trace_after(const char *line, const char *key);
long pl_test_trace_int(const char *line, const char *key);
/* A time in microseconds as written ("12", "3.25"), as integer picoseconds. */
int64_t pl_test_trace_ps(const char *line, const char *key);

/* One slice (a B event and its E): its process, thread, start and duration in
 * picoseconds. */
typedef struct pl_test_span {
    long pid, tid;
    int64_t ts, dur;
} pl_test_span;

/* Collects the slices of a trace into out (at most max), counting task and bubble
 * slices; fails the test on an E event that ends no slice or a slice with no E. Cuts text into lines (it is modified). Returns the number collected. */
size_t pl_test_trace_spans(char *text, pl_test_span *out, size_t max, size_t *tasks,
                           size_t *bubbles);

/* Sorts spans by thread and start, and asserts that each ends at or before the next
 * one of its thread starts. */
void pl_test_trace_no_overlap(pl_test_span *spans, size_t n);

#endif
