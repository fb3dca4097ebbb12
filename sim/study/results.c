/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * results.c — a results file read back, sorted and rewritten (summary.c summarises it).
 *
 * Invariant: rows[i].line is exactly the i-th whole line after the header (or, after
 * sorting, a permutation of them), so writing header and rows back gives a file whose
 * rows are byte for byte the ones read.
 */
#include "sim/study/results.h"
#include "sim/common/input.h"
#include "sim/common/output.h"

#include <errno.h>
#include <inttypes.h>
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
