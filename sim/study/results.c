/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * results.c — a results file read back, sorted, rewritten and summarised.
 *
 * Invariant: rows[i].line is exactly the i-th whole line after the header (or, after
 * sorting, a permutation of them), so writing header and rows back gives a file whose
 * rows are byte for byte the ones read.
 */
#include "sim/study/results.h"
#include "sim/study/tally.h"
#include "sim/common/csv.h"
#include "sim/common/input.h"
#include "sim/common/output.h"
#include "sim/measure/stats.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void pl_results_fini(pl_results *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        free(r->rows[i].line);
    free(r->rows);
    free(r->header);
    memset(r, 0, sizeof *r);
}

int pl_results_read_text(const char *path, size_t max, char **text, size_t *len, pl_diag *d)
{
    char too_large[96];
    snprintf(too_large, sizeof too_large, "larger than the %zu bytes a results file may have",
             max);
    pl_diag why;
    pl_diag_init(&why);
    int rc = pl_input_read(path, max, too_large, text, len, &why);
    if (rc == PL_ENOMEM)
        return pl_diag_set(d, rc, "out of memory reading %s", path);
    return rc ? pl_diag_set(d, rc, "cannot read %s: %s", path, why.msg) : 0;
}

static bool leading_number(const char **p, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(*p, &end, 10);
    if (end == *p || **p == '-' || errno == ERANGE || *end != ',')
        return false;
    *out = (size_t)v;
    *p = end + 1;
    return true;
}

static int add_row(pl_results *r, const char *line, size_t len, const char *path, size_t lineno,
                   pl_diag *d)
{
    pl_results_row row = {.lineno = lineno};
    const char *p = line;
    if (!leading_number(&p, &row.point) || !leading_number(&p, &row.rep))
        return pl_diag_set(d, PL_EPARSE,
                           "%s:%zu:1: a row must start with its point and rep numbers", path,
                           lineno);
    pl_results_row *rows = realloc(r->rows, (r->nrows + 1) * sizeof *rows);
    if (!rows)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    r->rows = rows;
    row.line = malloc(len + 1);
    if (!row.line)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    memcpy(row.line, line, len);
    row.line[len] = '\0';
    rows[r->nrows++] = row;
    return 0;
}

int pl_results_load(const char *path, pl_results *r, pl_diag *d)
{
    memset(r, 0, sizeof *r);
    char *text = NULL;
    size_t len = 0;
    int rc = pl_results_read_text(path, PL_RESULTS_MAX_BYTES, &text, &len, d);
    if (rc != 0)
        return rc;
    const char *p = text, *stop = text + len;
    size_t lineno = 0;
    while (rc == 0 && p < stop) {
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        if (!nl)
            break;
        size_t n = (size_t)(nl - p);
        lineno++;
        if (lineno == 1 && n > 0 && p[n - 1] == '\r') {
            rc = pl_diag_set(d, PL_EPARSE,
                             "%s:1:%zu: the file has CRLF (Windows) line ends; pipelab writes and "
                             "reads LF ends: convert it with dos2unix or sed -i 's/\\r$//'",
                             path, n);
        } else if (lineno == 1) {
            r->header = strndup(p, n);
            if (!r->header)
                rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
        } else {
            rc = add_row(r, p, n, path, lineno, d);
        }
        p = nl + 1;
    }
    r->whole = (size_t)(p - text);
    r->unfinished = len - r->whole;
    free(text);
    if (rc == 0 && !r->header)
        rc = pl_diag_set(d, PL_EPARSE, "%s:1:1: no header line", path);
    return rc;
}

static int by_point(const void *a, const void *b)
{
    const pl_results_row *x = a, *y = b;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    return (x->rep > y->rep) - (x->rep < y->rep);
}

int pl_results_sort(pl_results *r, const char *path, pl_diag *d)
{
    if (r->nrows > 1)
        qsort(r->rows, r->nrows, sizeof *r->rows, by_point);
    for (size_t i = 1; i < r->nrows; i++)
        if (by_point(&r->rows[i - 1], &r->rows[i]) == 0)
            return pl_diag_set(d, PL_EPARSE, "%s holds point %zu rep %zu twice", path,
                               r->rows[i].point, r->rows[i].rep);
    return 0;
}

bool pl_results_drop(pl_results *r, const bool *drop)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        if (drop[i])
            free(r->rows[i].line);
        else
            r->rows[kept++] = r->rows[i];
    }
    bool any = kept < r->nrows;
    r->nrows = kept;
    return any;
}

struct written {
    const pl_results *r;
    const char *path;
};

/* Says why a write failed: the errno of the first fprintf that failed, not ferror's
 * bare flag (a full disk is ENOSPC, a file size limit EFBIG). */
static int write_rows(void *ctx, FILE *f, pl_diag *d)
{
    const struct written *w = ctx;
    int bad = fprintf(f, "%s\n", w->r->header) < 0;
    for (size_t i = 0; i < w->r->nrows && !bad; i++)
        bad = fprintf(f, "%s\n", w->r->rows[i].line) < 0;
    if (!bad && fflush(f) != 0)
        bad = 1;
    return bad ? pl_diag_set(d, PL_EIO, "cannot write %s: %s", w->path, strerror(errno)) : 0;
}

int pl_results_write(const pl_results *r, const char *path, pl_diag *d)
{
    struct written w = {r, path};
    return pl_output_file(path, write_rows, &w, d);
}

/* ---- Summary --------------------------------------------------------------------- */

struct layout {
    char *names; /* a copy of the header, split */
    char **cols;
    int ncols;
    int rep, seed, status, message; /* column numbers */
    int text; /* the figure column that holds text (the verdict's `bottleneck`), or -1 */
};

static int layout_of(const pl_results *r, const char *path, struct layout *l, pl_diag *d)
{
    size_t max = strlen(r->header) + 2;
    l->names = strdup(r->header);
    l->cols = calloc(max, sizeof *l->cols);
    if (!l->names || !l->cols)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    l->ncols = pl_csv_split(l->names, l->cols, max);
    l->rep = l->seed = l->status = l->message = l->text = -1;
    for (int i = 0; i < l->ncols; i++) {
        if (!strcmp(l->cols[i], "rep") && l->rep < 0)
            l->rep = i;
        else if (!strcmp(l->cols[i], "seed") && l->seed < 0)
            l->seed = i;
        else if (!strcmp(l->cols[i], "status") && l->status < 0)
            l->status = i;
        else if (!strcmp(l->cols[i], "bottleneck") && l->status >= 0 && l->text < 0)
            l->text = i;
    }
    /* A sweep's rows end with their check (sweep_record.h), which is no figure. */
    int last = l->ncols - 1;
    if (last > 0 && !strcmp(l->cols[last], "check") && !strcmp(l->cols[last - 1], "message"))
        last--;
    if (last >= 0 && !strcmp(l->cols[last], "message"))
        l->message = last;
    if (l->rep != 1 || l->seed < l->rep || l->status < l->seed || l->message < l->status)
        return pl_diag_set(d, PL_EPARSE,
                           "%s:1:1: not a results file: expected columns point, rep, the swept "
                           "keys, seed, status, the figures and message",
                           path);
    return 0;
}

/* Splits row i into fields (a fresh copy in *buf); fails when it has too few fields. */
static int row_fields(const pl_results *r, size_t i, const struct layout *l, char **buf, char **f,
                      const char *path, pl_diag *d)
{
    free(*buf);
    *buf = strdup(r->rows[i].line);
    if (!*buf)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (pl_csv_split(*buf, f, (size_t)l->ncols) != l->ncols)
        return pl_diag_set(d, PL_EPARSE,
                           "%s: point %zu rep %zu: expected %d fields, as the "
                           "header has",
                           path, r->rows[i].point, r->rows[i].rep, l->ncols);
    return 0;
}

static void summary_header(const struct layout *l, FILE *out)
{
    fputs("point", out);
    for (int c = l->rep + 1; c < l->seed; c++) {
        fputc(',', out);
        pl_csv_put(out, l->cols[c]);
    }
    fputs(",reps,ok", out);
    static const char *const parts[] = {"mean", "sd", "ci_low", "ci_high"};
    for (int c = l->status + 1; c < l->message; c++)
        for (int k = 0; k < (c == l->text ? 1 : 4); k++) {
            fputc(',', out);
            char name[512];
            if (c == l->text)
                snprintf(name, sizeof name, "%s", l->cols[c]);
            else
                snprintf(name, sizeof name, "%s_%s", l->cols[c], parts[k]);
            pl_csv_put(out, name);
        }
    fputc('\n', out);
}

static void put_stat(FILE *out, double x)
{
    if (isnan(x))
        fputc(',', out);
    else
        fprintf(out, ",%.17g", x);
}

/* The text column's cell: each text the rows that ran hold, with how many hold it, most
 * often first ("buffer t (3); unit core0.VECTOR (1)"; an empty text is "none"). */
static int put_texts(const char *const *texts, size_t n, FILE *out)
{
    pl_tally t;
    int rc = pl_tally_of(texts, n, &t);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = rc == 0 ? open_memstream(&buf, &len) : NULL;
    if (rc == 0 && !f)
        rc = PL_ENOMEM;
    for (size_t g = 0; rc == 0 && g < t.ngroups; g++)
        fprintf(f, "%s%s (%zu)", g ? "; " : "", t.groups[g].text[0] ? t.groups[g].text : "none",
                t.groups[g].count);
    if (f && fclose(f) != 0 && rc == 0)
        rc = PL_ENOMEM;
    if (rc == 0) {
        fputc(',', out);
        pl_csv_put(out, buf);
    }
    free(buf);
    pl_tally_fini(&t);
    return rc;
}

/* One point's row: rows first .. last-1 of the sorted results. */
static int summary_row(const pl_results *r, size_t first, size_t last, const struct layout *l,
                       const char *path, FILE *out, pl_diag *d)
{
    size_t nv = last - first;
    double *v = calloc(nv * (size_t)l->ncols + 1, sizeof *v);
    char **f = calloc((size_t)l->ncols, sizeof *f), *buf = NULL;
    char **texts = calloc(nv + 1, sizeof *texts);
    size_t ok = 0;
    int rc = v && f && texts ? 0 : pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t i = first; i < last && rc == 0; i++) {
        rc = row_fields(r, i, l, &buf, f, path, d);
        if (rc != 0 || strcmp(f[l->status], "ok") != 0)
            continue;
        if (ok == 0) {
            fprintf(out, "%zu", r->rows[i].point);
            for (int c = l->rep + 1; c < l->seed; c++) {
                fputc(',', out);
                pl_csv_put(out, f[c]);
            }
        }
        for (int c = l->status + 1; c < l->message; c++)
            v[(size_t)c * nv + ok] = *f[c] && c != l->text ? strtod(f[c], NULL) : NAN;
        if (l->text >= 0 && !(texts[ok] = strdup(f[l->text])))
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
        ok++;
    }
    if (rc == 0 && ok == 0) {
        /* No replication ran: the keys come from the first row, figures stay empty. */
        rc = row_fields(r, first, l, &buf, f, path, d);
        if (rc == 0) {
            fprintf(out, "%zu", r->rows[first].point);
            for (int c = l->rep + 1; c < l->seed; c++) {
                fputc(',', out);
                pl_csv_put(out, f[c]);
            }
        }
    }
    if (rc == 0) {
        fprintf(out, ",%zu,%zu", nv, ok);
        for (int c = l->status + 1; c < l->message && rc == 0; c++) {
            if (c == l->text) {
                if (put_texts((const char *const *)texts, ok, out) != 0)
                    rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
                continue;
            }
            double *x = &v[(size_t)c * nv];
            size_t m = 0;
            for (size_t k = 0; k < ok; k++)
                if (!isnan(x[k]))
                    x[m++] = x[k];
            pl_stats s;
            pl_stats_of(x, m, &s);
            put_stat(out, s.mean);
            put_stat(out, s.sd);
            put_stat(out, s.ci_low);
            put_stat(out, s.ci_high);
        }
        fputc('\n', out);
    }
    for (size_t k = 0; texts && k < nv; k++)
        free(texts[k]);
    free(texts);
    free(buf);
    free(f);
    free(v);
    return rc;
}

int pl_results_summary(const pl_results *r, const char *path, FILE *out, pl_diag *d)
{
    struct layout l = {0};
    int rc = layout_of(r, path, &l, d);
    if (rc == 0)
        summary_header(&l, out);
    for (size_t first = 0; first < r->nrows && rc == 0;) {
        size_t last = first + 1;
        while (last < r->nrows && r->rows[last].point == r->rows[first].point)
            last++;
        rc = summary_row(r, first, last, &l, path, out, d);
        first = last;
    }
    free(l.cols);
    free(l.names);
    if (rc == 0 && ferror(out))
        rc = pl_diag_set(d, PL_EIO, "cannot write the summary");
    return rc;
}

static int write_summary(void *ctx, FILE *f, pl_diag *d)
{
    const pl_results *r = ctx;
    return pl_results_summary(r, "the results", f, d);
}

int pl_results_write_summary(const pl_results *r, const char *path, char *name, size_t n,
                             pl_diag *d)
{
    size_t len = strlen(path);
    if (len > 4 && strcmp(path + len - 4, ".csv") == 0)
        len -= 4;
    snprintf(name, n, "%.*s.summary.csv", (int)len, path);
    return pl_output_file(name, write_summary, (void *)r, d);
}
