/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rows.c — tables of values. Cells are kept row after row in one growing array;
 * the cell at index k belongs to column k mod ncols, and the table has
 * ncells / ncols whole rows.
 */
#include "sim/measure/rows.h"
#include "sim/common/error.h"
#include "sim/common/text.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void pl_value_fini(pl_value *v)
{
    if (v->kind == PL_VALUE_TEXT)
        free(v->text);
    v->text = NULL;
}

int pl_rows_init(pl_rows *r, const char *name, const char *title, const pl_column *cols,
                 size_t ncols)
{
    assert(ncols > 0);
    *r = (pl_rows){.cols = cols, .ncols = ncols};
    r->name = strdup(name);
    r->title = title ? strdup(title) : NULL;
    r->failed = !r->name || (title && !r->title);
    return r->failed ? PL_ENOMEM : 0;
}

void pl_rows_fini(pl_rows *r)
{
    for (size_t i = 0; i < r->ncells; i++)
        pl_value_fini(&r->cells[i]);
    free(r->cells);
    free(r->name);
    free(r->title);
    *r = (pl_rows){0};
}

/* Appends v (taking a TEXT value's string) to the current row. */
static void add(pl_rows *r, pl_value v)
{
    if (r->failed) {
        pl_value_fini(&v);
        return;
    }
    if (r->ncells == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 4 * r->ncols;
        pl_value *cells = realloc(r->cells, cap * sizeof *cells);
        if (!cells) {
            r->failed = true;
            pl_value_fini(&v);
            return;
        }
        r->cells = cells;
        r->cap = cap;
    }
    r->cells[r->ncells++] = v;
}

/* The kind of the column the next cell goes to. */
static pl_value_kind next_kind(const pl_rows *r)
{
    return r->cols[r->ncells % r->ncols].kind;
}

void pl_rows_text(pl_rows *r, const char *fmt, ...)
{
    assert(next_kind(r) == PL_VALUE_TEXT);
    va_list ap;
    va_start(ap, fmt);
    char *s = pl_text_vprintf(fmt, ap);
    va_end(ap);
    if (!s) {
        r->failed = true;
        return;
    }
    add(r, (pl_value){.kind = PL_VALUE_TEXT, .text = s});
}

void pl_rows_int(pl_rows *r, long long i)
{
    assert(next_kind(r) == PL_VALUE_INT);
    add(r, (pl_value){.kind = PL_VALUE_INT, .i = i});
}

void pl_rows_real(pl_rows *r, double x)
{
    pl_value_kind k = next_kind(r);
    assert(k == PL_VALUE_REAL || k == PL_VALUE_TIME || k == PL_VALUE_SIZE);
    add(r, (pl_value){.kind = k, .x = x});
}

void pl_rows_bool(pl_rows *r, bool b)
{
    assert(next_kind(r) == PL_VALUE_BOOL);
    add(r, (pl_value){.kind = PL_VALUE_BOOL, .b = b});
}

size_t pl_rows_count(const pl_rows *r)
{
    return r->ncells / r->ncols;
}

const pl_value *pl_rows_cell(const pl_rows *r, size_t row, size_t col)
{
    assert(row < pl_rows_count(r) && col < r->ncols);
    return &r->cells[row * r->ncols + col];
}

int pl_tables_add(pl_tables *t, const char *name, const char *title, const pl_column *cols,
                  size_t ncols, pl_rows **out)
{
    pl_rows **v = realloc(t->v, (t->n + 1) * sizeof *v);
    if (!v)
        return PL_ENOMEM;
    t->v = v;
    pl_rows *r = malloc(sizeof *r);
    if (!r)
        return PL_ENOMEM;
    int rc = pl_rows_init(r, name, title, cols, ncols);
    if (rc) {
        pl_rows_fini(r);
        free(r);
        return rc;
    }
    t->v[t->n++] = r;
    *out = r;
    return 0;
}

int pl_tables_status(const pl_tables *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i]->failed)
            return PL_ENOMEM;
    return 0;
}

void pl_tables_fini(pl_tables *t)
{
    for (size_t i = 0; i < t->n; i++) {
        pl_rows_fini(t->v[i]);
        free(t->v[i]);
    }
    free(t->v);
    *t = (pl_tables){0};
}
