/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_results.c — a libFuzzer target for the readers of what sweeps write and take
 * back: a results file (as `pipelab summary`, --resume and merge_results.sh read it:
 * loaded, sorted, summarised and written again) and --vary arguments.
 *
 * The input is a results file; its lines that start with "#vary " are not rows but
 * --vary arguments, parsed into sweep points whose values are then read (at most 1000
 * points). Its lines that start with "#record " (and "#other ") make the record of a
 * sweep (sweep_record.h) and of a second one: the lines without a '#' are checked
 * against the record as --resume checks a file, the two records compared, and, as
 * scripts/merge_results.sh merges two shards, the lines split in two halves (the second
 * with the first's header) are each checked, merged and sorted. Any failure must be a
 * diagnostic; a crash, a leak or a sanitizer report is a finding.
 */
#include "fuzz_scratch.h"

#include "sim/study/results.h"
#include "sim/study/summary.h"
#include "sim/study/sweep_points.h"
#include "sim/study/sweep_record.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VARY   8
#define MAX_RECORD 64

/* Parses the input's #vary lines into sweep points and reads every value. */
static void vary(const uint8_t *data, size_t size)
{
    char *args[MAX_VARY];
    size_t n = pl_fuzz_lines(data, size, "#vary ", args, MAX_VARY);
    pl_sweep_points p;
    pl_sweep_points_init(&p);
    pl_diag d;
    pl_diag_init(&d);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        ok = ok && pl_sweep_points_add(&p, args[i], &d) == 0;
        free(args[i]);
    }
    for (size_t k = 0; ok && k < p.count && k < 1000; k++)
        for (size_t a = 0; a < p.naxes; a++)
            if (!pl_sweep_points_value(&p, k, a))
                abort();
    pl_sweep_points_fini(&p);
}

/* The lines after `prefix` joined, each with its line break; the caller frees it. */
static char *joined(const uint8_t *data, size_t size, const char *prefix)
{
    char *lines[MAX_RECORD], *text = NULL;
    size_t n = pl_fuzz_lines(data, size, prefix, lines, MAX_RECORD), len = 0;
    FILE *f = open_memstream(&text, &len);
    for (size_t i = 0; i < n; i++) {
        if (f)
            fprintf(f, "%s\n", lines[i]);
        free(lines[i]);
    }
    if (f && fclose(f) != 0) {
        free(text);
        text = NULL;
    }
    return text;
}

/* Writes `first` bytes of rows then rows[from..size) to a scratch file `name`, loads it
 * and checks it against record; true when it passed (r is then loaded). */
static bool checked(const char *name, const char *rows, size_t first, size_t from, size_t size,
                    const char *record, pl_results *r)
{
    memset(r, 0, sizeof *r);
    char *text = malloc(first + size - from + 1);
    if (!text)
        return false;
    memcpy(text, rows, first);
    memcpy(text + first, rows + from, size - from);
    const char *path = pl_fuzz_write(name, (const uint8_t *)text, first + size - from);
    free(text);
    pl_diag d;
    pl_diag_init(&d);
    return path && pl_results_load(path, r, &d) == 0 &&
           pl_sweep_record_verify(path, record, r, &d) == 0;
}

/* What --resume and merge_results.sh check, on the input's lines without a '#'. */
static void resume_and_merge(const uint8_t *data, size_t size)
{
    char *record = joined(data, size, "#record "), *other = joined(data, size, "#other ");
    char *rows = malloc(size + 1);
    size_t n = 0;
    for (size_t i = 0; record && other && rows && i < size;) {
        const uint8_t *nl = memchr(data + i, '\n', size - i);
        size_t end = nl ? (size_t)(nl - data) + 1 : size;
        if (data[i] != '#') {
            memcpy(rows + n, data + i, end - i);
            n += end - i;
        }
        i = end;
    }
    pl_diag d;
    pl_diag_init(&d);
    pl_results a = {0}, b = {0};
    if (record && other && rows) {
        pl_sweep_record_compare("a.csv", record, *other ? other : record, &d);
        /* The header, then the rows split at the line break nearest the middle. */
        const char *h = memchr(rows, '\n', n), *mid = memchr(rows + n / 2, '\n', n - n / 2);
        size_t header = h ? (size_t)(h - rows) + 1 : n, cut = mid ? (size_t)(mid - rows) + 1 : n;
        if (cut < header)
            cut = header;
        bool ok = checked("whole.csv", rows, 0, 0, n, record, &a);
        pl_results_fini(&a);
        ok = checked("a.csv", rows, 0, 0, cut, record, &a) &&
             checked("b.csv", rows, header, cut, n, *other ? other : record, &b);
        /* Merged: b's rows moved to a's, sorted (a point and rep twice is refused). */
        pl_results_row *all = ok ? realloc(a.rows, (a.nrows + b.nrows + 1) * sizeof *all) : NULL;
        if (all) {
            if (b.nrows)
                memcpy(all + a.nrows, b.rows, b.nrows * sizeof *all);
            a.rows = all;
            a.nrows += b.nrows;
            b.nrows = 0;
            if (pl_results_sort(&a, "merged.csv", &d) == 0) {
                const char *path = pl_fuzz_write("merged.csv", (const uint8_t *)"", 0);
                if (path)
                    pl_results_write(&a, path, &d);
            }
        }
        pl_results_fini(&a);
        pl_results_fini(&b);
    }
    free(rows);
    free(record);
    free(other);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vary(data, size);
    resume_and_merge(data, size);
    const char *written = pl_fuzz_write("results.csv", data, size);
    if (!written)
        return 0;
    char path[4096], again[4096 + 16];
    snprintf(path, sizeof path, "%s", written);
    snprintf(again, sizeof again, "%s.again", path);
    pl_results r;
    pl_diag d;
    pl_diag_init(&d);
    if (pl_results_load(path, &r, &d) == 0 && pl_results_sort(&r, path, &d) == 0) {
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            for (int k = 0; k < 3; k++)
                pl_summary_write(&r, path, (pl_summary_format)k, null, &d);
            fclose(null);
        }
        pl_results_write(&r, again, &d);
    }
    pl_results_fini(&r);
    return 0;
}
