/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rows.c — tables of values in three forms. Text is laid out in two passes: every
 * cell is printed to a string once, then each column's width is known and the
 * lines are assembled and trimmed of trailing blanks.
 */
#include "sim/report/rows.h"
#include "sim/common/csv.h"
#include "sim/common/text.h"
#include "sim/common/units.h"
#include "sim/report/parts.h"

#include <stdlib.h>
#include <string.h>

/* A value as text, in a new string; NULL when out of memory. */
static char *value_text(const pl_value *v)
{
    switch (v->kind) {
    case PL_VALUE_TEXT:
        return strdup(v->text ? v->text : "");
    case PL_VALUE_INT:
        return pl_text_printf("%lld", v->i);
    case PL_VALUE_REAL:
        return pl_text_printf("%.12g", v->x);
    case PL_VALUE_TIME:
        return strdup(PL_TIME_TEXT(v->x));
    case PL_VALUE_SIZE:
        return strdup(PL_SIZE_TEXT(v->x));
    case PL_VALUE_BOOL:
        return strdup(v->b ? "yes" : "no");
    }
    return NULL;
}

/* ---- Text ------------------------------------------------------------------------- */


/* The table's text cells, heading row first: (rows + 1) x ncols strings, NULL in the
 * columns that are not shown in text. */
struct layout {
    char **cell;
    size_t rows, ncols;
    size_t *width;
};

static void layout_fini(struct layout *l)
{
    for (size_t i = 0; l->cell && i < (l->rows + 1) * l->ncols; i++)
        free(l->cell[i]);
    free(l->cell);
    free(l->width);
}

static int layout_make(const pl_rows *r, struct layout *l)
{
    *l = (struct layout){.rows = pl_rows_count(r), .ncols = r->ncols};
    l->cell = calloc((l->rows + 1) * l->ncols, sizeof *l->cell);
    l->width = calloc(l->ncols, sizeof *l->width);
    if (!l->cell || !l->width)
        return PL_ENOMEM;
    for (size_t c = 0; c < l->ncols; c++) {
        if (!r->cols[c].head)
            continue;
        for (size_t row = 0; row <= l->rows; row++) {
            char *s = row == 0 ? pl_text_printf("%s", r->cols[c].head)
                               : value_text(pl_rows_cell(r, row - 1, c));
            if (!s)
                return PL_ENOMEM;
            l->cell[row * l->ncols + c] = s;
            if (r->cols[c].width == 0 && pl_text_columns(s) > l->width[c])
                l->width[c] = pl_text_columns(s);
        }
        if (r->cols[c].width > 0)
            l->width[c] = (size_t)r->cols[c].width;
    }
    return 0;
}

/* n blanks at p; returns p + n. */
static char *blanks(char *p, size_t n)
{
    memset(p, ' ', n);
    return p + n;
}

/* One line: each shown column after its gap, padded to its width; trailing blanks cut. */
static int print_line(const pl_rows *r, const struct layout *l, size_t row, FILE *out)
{
    size_t len = 0;
    for (size_t c = 0; c < l->ncols; c++)
        if (l->cell[row * l->ncols + c])
            len += (size_t)r->cols[c].gap + l->width[c] + strlen(l->cell[row * l->ncols + c]);
    char *line = malloc(len + 2), *at = line;
    if (!line)
        return PL_ENOMEM;
    for (size_t c = 0; c < l->ncols; c++) {
        const char *s = l->cell[row * l->ncols + c];
        if (!s)
            continue;
        size_t n = strlen(s), shown = pl_text_columns(s);
        size_t pad = l->width[c] > shown ? l->width[c] - shown : 0;
        at = blanks(at, (size_t)r->cols[c].gap + (r->cols[c].left ? 0 : pad));
        memcpy(at, s, n);
        at = blanks(at + n, r->cols[c].left ? pad : 0);
    }
    while (at > line && at[-1] == ' ')
        at--;
    *at++ = '\n';
    fwrite(line, 1, (size_t)(at - line), out);
    free(line);
    return 0;
}

int pl_report_rows_text(const pl_rows *r, FILE *out)
{
    if (r->failed)
        return PL_ENOMEM;
    struct layout l;
    int rc = layout_make(r, &l);
    for (size_t row = 0; rc == 0 && row <= l.rows; row++)
        rc = print_line(r, &l, row, out);
    layout_fini(&l);
    if (rc == 0 && ferror(out))
        rc = PL_EIO;
    return rc;
}

/* ---- JSON ------------------------------------------------------------------------- */

json_t *pl_report_value_json(const pl_value *v)
{
    switch (v->kind) {
    case PL_VALUE_TEXT:
        return pl_report_json_text(v->text);
    case PL_VALUE_INT:
        return json_integer((json_int_t)v->i);
    case PL_VALUE_REAL:
    case PL_VALUE_TIME:
    case PL_VALUE_SIZE:
        return pl_report_json_real(v->x);
    case PL_VALUE_BOOL:
        return json_boolean(v->b);
    }
    return NULL;
}

json_t *pl_report_rows_json(const pl_rows *r)
{
    if (r->failed)
        return NULL;
    json_t *a = json_array();
    for (size_t row = 0; a && row < pl_rows_count(r); row++) {
        json_t *o = json_object();
        for (size_t c = 0; c < r->ncols; c++)
            if (r->cols[c].key)
                o = pl_report_json_with(o, r->cols[c].key,
                                        pl_report_value_json(pl_rows_cell(r, row, c)));
        a = pl_report_json_append(a, o);
    }
    return a;
}

/* ---- CSV -------------------------------------------------------------------------- */

static void value_csv(const pl_value *v, FILE *out)
{
    switch (v->kind) {
    case PL_VALUE_TEXT:
        pl_csv_put(out, v->text ? v->text : "");
        break;
    case PL_VALUE_INT:
        fprintf(out, "%lld", v->i);
        break;
    case PL_VALUE_REAL:
    case PL_VALUE_TIME:
    case PL_VALUE_SIZE:
        fprintf(out, "%.12g", v->x);
        break;
    case PL_VALUE_BOOL:
        fputs(v->b ? "yes" : "no", out);
        break;
    }
}

int pl_report_rows_csv(const pl_rows *r, FILE *out, pl_diag *d)
{
    if (r->failed)
        return pl_diag_set(d, PL_ENOMEM, "out of memory while making %s.csv", r->name);
    const char *sep = "";
    for (size_t c = 0; c < r->ncols; c++)
        if (r->cols[c].key) {
            fputs(sep, out);
            pl_csv_put(out, r->cols[c].key);
            sep = ",";
        }
    fputc('\n', out);
    for (size_t row = 0; row < pl_rows_count(r); row++) {
        sep = "";
        for (size_t c = 0; c < r->ncols; c++)
            if (r->cols[c].key) {
                fputs(sep, out);
                value_csv(pl_rows_cell(r, row, c), out);
                sep = ",";
            }
        fputc('\n', out);
    }
    if (ferror(out))
        return pl_diag_set(d, PL_EIO, "cannot write %s.csv", r->name);
    return 0;
}
