/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * summary.c — a sweep's results summarised per point. Each point is summarised once
 * (struct point: its keys, counts, the statistics of each figure and the bottlenecks'
 * tally), then written as CSV, as a table (report/rows.h) or as JSON.
 */
#include "sim/study/summary.h"
#include "sim/common/csv.h"
#include "sim/common/output.h"
#include "sim/common/units.h"
#include "sim/measure/rows.h"
#include "sim/measure/stats.h"
#include "sim/report/parts.h"
#include "sim/report/rows.h"
#include "sim/study/tally.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* The text column's cell, in *cell (owned by the caller): each text the rows that ran
 * hold, with how many hold it, most often first ("buffer t (3); unit core0.VECTOR (1)"; an
 * empty text is "none"). */
static int tally_texts(const char *const *texts, size_t n, char **cell)
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
    if (rc == 0)
        *cell = buf;
    else
        free(buf);
    pl_tally_fini(&t);
    return rc;
}

/* One point, summarised: rows first .. last-1 of the sorted results. */
struct point {
    size_t point, reps, ok;
    char *buf;       /* the fields of the row the keys come from */
    char **f;        /* those fields (l->ncols) */
    pl_stats *stats; /* per column; figures only (status < c < message, not the text) */
    char *texts;     /* the text column's cell, or NULL */
};

static void point_fini(struct point *p)
{
    free(p->buf);
    free(p->f);
    free(p->stats);
    free(p->texts);
    *p = (struct point){0};
}

static int summarise(const pl_results *r, size_t first, size_t last, const struct layout *l,
                     const char *path, struct point *p, pl_diag *d)
{
    size_t nv = last - first, keyed = first;
    *p = (struct point){.point = r->rows[first].point, .reps = nv};
    double *v = calloc(nv * (size_t)l->ncols + 1, sizeof *v);
    char **texts = calloc(nv + 1, sizeof *texts), *buf = NULL;
    p->f = calloc((size_t)l->ncols, sizeof *p->f);
    p->stats = calloc((size_t)l->ncols, sizeof *p->stats);
    int rc = v && texts && p->f && p->stats ? 0 : pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t i = first; i < last && rc == 0; i++) {
        rc = row_fields(r, i, l, &buf, p->f, path, d);
        if (rc != 0 || strcmp(p->f[l->status], "ok") != 0)
            continue;
        if (p->ok == 0)
            keyed = i;
        for (int c = l->status + 1; c < l->message; c++)
            v[(size_t)c * nv + p->ok] = *p->f[c] && c != l->text ? strtod(p->f[c], NULL) : NAN;
        if (l->text >= 0 && !(texts[p->ok] = strdup(p->f[l->text])))
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
        p->ok++;
    }
    /* The keys come from the first row that ran, or from the first row when none did. */
    if (rc == 0)
        rc = row_fields(r, keyed, l, &p->buf, p->f, path, d);
    for (int c = l->status + 1; c < l->message && rc == 0; c++) {
        double *x = &v[(size_t)c * nv];
        size_t m = 0;
        for (size_t k = 0; k < p->ok; k++)
            if (!isnan(x[k]))
                x[m++] = x[k];
        pl_stats_of(x, m, &p->stats[c]);
    }
    if (rc == 0 && l->text >= 0 && tally_texts((const char *const *)texts, p->ok, &p->texts))
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t k = 0; texts && k < nv; k++)
        free(texts[k]);
    free(texts);
    free(buf);
    free(v);
    return rc;
}

/* ---- CSV --------------------------------------------------------------------------- */

static void csv_header(const struct layout *l, FILE *out)
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

static void csv_row(const struct point *p, const struct layout *l, FILE *out)
{
    fprintf(out, "%zu", p->point);
    for (int c = l->rep + 1; c < l->seed; c++) {
        fputc(',', out);
        pl_csv_put(out, p->f[c]);
    }
    fprintf(out, ",%zu,%zu", p->reps, p->ok);
    for (int c = l->status + 1; c < l->message; c++) {
        if (c == l->text) {
            fputc(',', out);
            pl_csv_put(out, p->texts);
            continue;
        }
        const pl_stats *st = &p->stats[c];
        put_stat(out, st->mean);
        put_stat(out, st->sd);
        put_stat(out, st->ci_low);
        put_stat(out, st->ci_high);
    }
    fputc('\n', out);
}

/* ---- Text -------------------------------------------------------------------------- */

/* The figures the table shows, when the results have them: name, heading, how it prints. */
static const struct shown {
    const char *figure, *head;
    pl_figure_shape shape;
} shown[] = {
    {"makespan_s", "makespan (95 %)", PL_FIGURE_TIME},
    {"throughput", "throughput", PL_FIGURE_RATE},
    {"speedup", "speedup", PL_FIGURE_TIMES},
};
#define NSHOWN (sizeof shown / sizeof shown[0])

/* The table's columns: point, the keys, reps, ok, the figures shown, the bottlenecks. */
struct text_table {
    pl_column *cols;
    size_t ncols;
    int figure[NSHOWN]; /* each shown figure's column in the results; -1 when absent */
};

static int text_columns(const struct layout *l, struct text_table *t)
{
    t->cols = calloc((size_t)l->ncols + NSHOWN + 4, sizeof *t->cols);
    if (!t->cols)
        return PL_ENOMEM;
    size_t n = 0;
    t->cols[n++] = (pl_column){.head = "point", .kind = PL_VALUE_TEXT};
    for (int c = l->rep + 1; c < l->seed; c++)
        t->cols[n++] = (pl_column){.head = l->cols[c], .kind = PL_VALUE_TEXT, .gap = 2};
    t->cols[n++] = (pl_column){.head = "reps", .kind = PL_VALUE_TEXT, .gap = 2};
    t->cols[n++] = (pl_column){.head = "ok", .kind = PL_VALUE_TEXT, .gap = 2};
    for (size_t k = 0; k < NSHOWN; k++) {
        t->figure[k] = -1;
        for (int c = l->status + 1; c < l->message; c++)
            if (strcmp(l->cols[c], shown[k].figure) == 0)
                t->figure[k] = c;
        if (t->figure[k] >= 0)
            t->cols[n++] = (pl_column){.head = shown[k].head, .kind = PL_VALUE_TEXT, .gap = 2};
    }
    if (l->text >= 0)
        t->cols[n++] =
            (pl_column){.head = l->cols[l->text], .kind = PL_VALUE_TEXT, .left = true, .gap = 2};
    t->ncols = n;
    return 0;
}

/* One shown figure's cell: a time with its 95 % half-width where there is one. */
static void figure_cell(pl_figure_shape shape, const pl_stats *st, pl_rows *rows)
{
    double half = (st->ci_high - st->ci_low) / 2;
    char text[64];
    if (shape == PL_FIGURE_TIME && !isnan(st->mean) && !isnan(half)) {
        pl_rows_text(rows, "%s ± %s", PL_TIME_TEXT(st->mean), PL_TIME_TEXT(half));
        return;
    }
    pl_report_figure(st->mean, shape, "items", false, text, sizeof text);
    pl_rows_text(rows, "%s", text);
}

static void text_row(const struct point *p, const struct layout *l, const struct text_table *t,
                     pl_rows *rows)
{
    pl_rows_text(rows, "%zu", p->point);
    for (int c = l->rep + 1; c < l->seed; c++)
        pl_rows_text(rows, "%s", p->f[c]);
    pl_rows_text(rows, "%zu", p->reps);
    pl_rows_text(rows, "%zu", p->ok);
    for (size_t k = 0; k < NSHOWN; k++)
        if (t->figure[k] >= 0)
            figure_cell(shown[k].shape, &p->stats[t->figure[k]], rows);
    if (l->text >= 0)
        pl_rows_text(rows, "%s", p->texts);
}

/* ---- JSON -------------------------------------------------------------------------- */

static json_t *real_or_null(double x)
{
    return isnan(x) ? json_null() : json_real(x);
}

static json_t *json_point(const struct point *p, const struct layout *l)
{
    json_t *keys = json_object(), *figures = json_object();
    for (int c = l->rep + 1; c < l->seed && keys; c++)
        json_object_set_new(keys, l->cols[c], json_string(p->f[c]));
    for (int c = l->status + 1; c < l->message && figures; c++) {
        if (c == l->text)
            continue;
        const pl_stats *st = &p->stats[c];
        json_object_set_new(figures, l->cols[c],
                            json_pack("{s:o, s:o, s:o, s:o}", "mean", real_or_null(st->mean), "sd",
                                      real_or_null(st->sd), "ci_low", real_or_null(st->ci_low),
                                      "ci_high", real_or_null(st->ci_high)));
    }
    json_t *o = json_pack("{s:I, s:o, s:I, s:I, s:o}", "point", (json_int_t)p->point, "keys", keys,
                          "reps", (json_int_t)p->reps, "ok", (json_int_t)p->ok, "figures", figures);
    if (o && l->text >= 0)
        json_object_set_new(o, l->cols[l->text], json_string(p->texts));
    return o;
}

/* ---- The summary ------------------------------------------------------------------- */

int pl_summary_write(const pl_results *r, const char *path, pl_summary_format format, FILE *out,
                     pl_diag *d)
{
    struct layout l = {0};
    struct text_table t = {0};
    pl_rows rows = {0};
    json_t *list = NULL;
    int rc = layout_of(r, path, &l, d);
    if (rc == 0 && format == PL_SUMMARY_CSV)
        csv_header(&l, out);
    if (rc == 0 && format == PL_SUMMARY_TEXT &&
        (text_columns(&l, &t) != 0 || pl_rows_init(&rows, "summary", NULL, t.cols, t.ncols)))
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (rc == 0 && format == PL_SUMMARY_JSON && !(list = json_array()))
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t first = 0; first < r->nrows && rc == 0;) {
        size_t last = first + 1;
        while (last < r->nrows && r->rows[last].point == r->rows[first].point)
            last++;
        struct point p;
        rc = summarise(r, first, last, &l, path, &p, d);
        if (rc == 0 && format == PL_SUMMARY_CSV)
            csv_row(&p, &l, out);
        else if (rc == 0 && format == PL_SUMMARY_TEXT)
            text_row(&p, &l, &t, &rows);
        else if (rc == 0 && json_array_append_new(list, json_point(&p, &l)) != 0)
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
        point_fini(&p);
        first = last;
    }
    if (rc == 0 && format == PL_SUMMARY_TEXT && pl_report_rows_text(&rows, out) != 0)
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (rc == 0 && format == PL_SUMMARY_JSON &&
        (json_dumpf(list, out, JSON_INDENT(2)) != 0 || fputc('\n', out) == EOF))
        rc = pl_diag_set(d, PL_EIO, "cannot write the summary");
    json_decref(list);
    pl_rows_fini(&rows);
    free(t.cols);
    free(l.cols);
    free(l.names);
    if (rc == 0 && ferror(out))
        rc = pl_diag_set(d, PL_EIO, "cannot write the summary");
    return rc;
}

static int write_summary(void *ctx, FILE *f, pl_diag *d)
{
    const pl_results *r = ctx;
    return pl_summary_write(r, "the results", PL_SUMMARY_CSV, f, d);
}

int pl_summary_write_beside(const pl_results *r, const char *path, char *name, size_t n, pl_diag *d)
{
    size_t len = strlen(path);
    if (len > 4 && strcmp(path + len - 4, ".csv") == 0)
        len -= 4;
    snprintf(name, n, "%.*s.summary.csv", (int)len, path);
    return pl_output_file(name, write_summary, (void *)r, d);
}
