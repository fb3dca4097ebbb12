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
#include <unistd.h>

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

/* One row's columns first .. last-1 (column 0, the names, always first), each padded to its
 * width; a left-aligned cell is padded only when something follows it on the line. */
static void print_row(const pl_table *t, FILE *out, const char *indent, size_t row, int first,
                      int last, const size_t *width)
{
    fputs(indent, out);
    size_t base = row * (size_t)t->ncols;
    for (int c = 0; c < last; c++) {
        if (c > 0 && c < first)
            continue;
        if (base + (size_t)c >= t->ncells)
            break;
        const char *cell = t->cells[base + (size_t)c];
        size_t shown = pl_text_columns(cell);
        int end = c + 1 == last || base + (size_t)c + 1 >= t->ncells;
        int pad = (int)(width[c] > shown ? width[c] - shown : 0);
        if (c == 0)
            fprintf(out, "%s%*s", cell, end ? 0 : pad, "");
        else
            fprintf(out, "  %*s%s", pad, "", cell);
    }
    fputc('\n', out);
}

int pl_table_print(const pl_table *t, FILE *out, const char *indent)
{
    return pl_table_print_folded(t, out, indent, isatty(fileno(out)) ? pl_text_width(out) : 0);
}

int pl_table_print_folded(const pl_table *t, FILE *out, const char *indent, int fold)
{
    if (t->failed)
        return PL_ENOMEM;
    size_t *width = malloc((size_t)t->ncols * sizeof *width);
    if (!width)
        return PL_ENOMEM;
    column_widths(t, width);
    size_t rows = (t->ncells + (size_t)t->ncols - 1) / (size_t)t->ncols;
    /* Columns 1 .. ncols-1 in blocks that fit the fold width beside column 0 (at least
     * one column a block, however wide); without folding, one block. */
    size_t fixed = strlen(indent) + width[0];
    for (int first = 1, n = 0; first < t->ncols || (t->ncols == 1 && n == 0); n++) {
        int last = first;
        size_t used = fixed;
        while (last < t->ncols &&
               (fold <= 0 || last == first || used + 2 + width[last] <= (size_t)fold))
            used += 2 + width[last++];
        if (n > 0)
            fputc('\n', out);
        for (size_t r = 0; r < rows; r++)
            print_row(t, out, indent, r, first, last > first ? last : 1, width);
        first = last > first ? last : t->ncols;
    }
    free(width);
    return ferror(out) ? PL_EIO : 0;
}
