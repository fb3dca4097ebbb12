/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * table.c — aligned text tables.
 *
 * Invariant: cells[0 .. ncells) hold copies of the added texts in row order, and
 * failed is set as soon as one add could not be stored, so that a table never
 * prints with a cell silently missing.
 */
#include "sim/report/table.h"

#include "sim/common/error.h"
#include "sim/common/text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct pl_table {
    int ncols;
    int failed;
    size_t ncells, cap;
    char **cells;
};

pl_table *pl_table_create(int ncols)
{
    pl_table *t = calloc(1, sizeof *t);
    if (t)
        t->ncols = ncols < 1 ? 1 : ncols;
    return t;
}

void pl_table_destroy(pl_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncells; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

static int grow(pl_table *t)
{
    if (t->ncells < t->cap)
        return 0;
    size_t cap = t->cap ? 2 * t->cap : 32;
    char **cells = realloc(t->cells, cap * sizeof *cells);
    if (!cells)
        return PL_ENOMEM;
    t->cells = cells;
    t->cap = cap;
    return 0;
}

void pl_table_addf(pl_table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = pl_text_vprintf(fmt, ap);
    va_end(ap);
    if (!text || grow(t)) {
        free(text);
        t->failed = 1;
        return;
    }
    t->cells[t->ncells++] = text;
}

static void column_widths(const pl_table *t, size_t *width)
{
    for (int c = 0; c < t->ncols; c++)
        width[c] = 0;
    for (size_t i = 0; i < t->ncells; i++) {
        size_t len = pl_text_columns(t->cells[i]);
        size_t c = i % (size_t)t->ncols;
        if (len > width[c])
            width[c] = len;
    }
}

/* A left-aligned cell is padded only when something follows it on the line. */
static void print_row(const pl_table *t, FILE *out, const char *indent, size_t first,
                      const size_t *width)
{
    fputs(indent, out);
    size_t end = first + (size_t)t->ncols;
    if (end > t->ncells)
        end = t->ncells;
    for (size_t i = first; i < end; i++) {
        int last = i + 1 == end;
        size_t shown = pl_text_columns(t->cells[i]);
        int pad = (int)(width[i - first] > shown ? width[i - first] - shown : 0);
        if (i == first)
            fprintf(out, "%s%*s", t->cells[i], last ? 0 : pad, "");
        else
            fprintf(out, "  %*s%s", pad, "", t->cells[i]);
    }
    fputc('\n', out);
}

int pl_table_print(const pl_table *t, FILE *out, const char *indent)
{
    if (t->failed)
        return PL_ENOMEM;
    size_t *width = malloc((size_t)t->ncols * sizeof *width);
    if (!width)
        return PL_ENOMEM;
    column_widths(t, width);
    for (size_t i = 0; i < t->ncells; i += (size_t)t->ncols)
        print_row(t, out, indent, i, width);
    free(width);
    return ferror(out) ? PL_EIO : 0;
}
