/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sweep_columns.c — a results file's header and rows.
 *
 * Invariant: every row has pl_sweep_columns_count fields, those of the header: a figure
 * a row has no value for (a failed row's, a unit its point lacks) is an empty field.
 */
#include "sim/study/sweep_columns.h"
#include "sim/common/csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The run figures' columns, after status; then the verdict's with --advice, two per unit,
 * message and check. */
static const char figure_columns[] = "makespan_s,throughput,speedup,bound_s,efficiency";
static const char verdict_columns[] = "bottleneck,bottleneck_gain_s";

void pl_sweep_columns_fini(pl_sweep_columns *c)
{
    for (size_t u = 0; u < c->nunits; u++)
        free(c->units[u]);
    free(c->units);
    c->units = NULL;
    c->nunits = 0;
}

int pl_sweep_columns_add_unit(pl_sweep_columns *c, const char *name)
{
    for (size_t i = 0; i < c->nunits; i++)
        if (strcmp(c->units[i], name) == 0)
            return 0;
    char **u = realloc(c->units, (c->nunits + 1) * sizeof *u);
    if (!u)
        return PL_ENOMEM;
    c->units = u;
    if (!(u[c->nunits] = strdup(name)))
        return PL_ENOMEM;
    c->nunits++;
    return 0;
}

void pl_sweep_columns_head(const pl_sweep_columns *c, FILE *f)
{
    fputs("point,rep", f);
    for (size_t a = 0; a < c->points->naxes; a++) {
        fputc(',', f);
        pl_csv_put(f, c->points->axes[a].key);
    }
    fprintf(f, ",seed,status,%s", figure_columns);
    if (c->advice)
        fprintf(f, ",%s", verdict_columns);
}

void pl_sweep_columns_header(const pl_sweep_columns *c, FILE *f)
{
    pl_sweep_columns_head(c, f);
    for (size_t u = 0; u < c->nunits; u++) {
        char col[1024];
        fputc(',', f);
        snprintf(col, sizeof col, "%s.util", c->units[u]);
        pl_csv_put(f, col);
        fputc(',', f);
        snprintf(col, sizeof col, "%s.bubble_s", c->units[u]);
        pl_csv_put(f, col);
    }
    fputs(",message,check\n", f);
}

size_t pl_sweep_columns_count(const pl_sweep_columns *c)
{
    return c->points->naxes + 2 * c->nunits + (c->advice ? 2 : 0) + 11;
}

/* A figure, or an empty cell when it has no value (the throughput of a run of 0 s). */
static void put_real(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, ",%.17g", x);
    else
        fputc(',', f);
}

void pl_sweep_columns_row(const pl_sweep_columns *c, size_t point, size_t rep, const pl_outcome *o,
                          FILE *f)
{
    fprintf(f, "%zu,%zu", point, rep);
    for (size_t a = 0; a < c->points->naxes; a++) {
        fputc(',', f);
        pl_csv_put(f, pl_sweep_points_value(c->points, point, a));
    }
    fprintf(f, ",%llu,%s", o->seed, pl_outcome_status_word(o->status));
    bool ok = o->status == PL_OUTCOME_OK;
    if (ok) {
        put_real(f, o->makespan);
        put_real(f, o->throughput);
        put_real(f, o->speedup);
        put_real(f, o->bound);
        put_real(f, o->efficiency);
    } else {
        fputs(",,,,,", f);
    }
    if (c->advice && ok && o->advised) {
        fputc(',', f);
        pl_csv_put(f, o->bottleneck ? o->bottleneck : "");
        put_real(f, o->bottleneck_gain);
    } else if (c->advice) {
        fputs(",,", f);
    }
    for (size_t u = 0; u < c->nunits; u++) {
        const pl_outcome_unit *ou = ok ? pl_outcome_unit_named(o, c->units[u]) : NULL;
        if (ou) {
            put_real(f, ou->util);
            put_real(f, ou->bubble);
        } else {
            fputs(",,", f);
        }
    }
    fputc(',', f);
    pl_csv_put(f, o->message);
}

int pl_sweep_columns_from_header(pl_sweep_columns *c, const char *results, const char *header,
                                 const char *head, pl_diag *d)
{
    size_t hl = strlen(head), len = strlen(header);
    const char *tail = ",message,check";
    if (strncmp(header, head, hl) != 0 || len < hl + strlen(tail) ||
        strcmp(header + len - strlen(tail), tail) != 0)
        return pl_diag_set(d, PL_EUSAGE,
                           "%s was written by another sweep: its header does not start with "
                           "'%s' (the keys of this sweep) or does not end with ',message,check'",
                           results, head);
    char *copy = strdup(header + hl);
    char **cols = calloc(len + 1, sizeof *cols);
    int rc = copy && cols ? 0 : pl_diag_set(d, PL_ENOMEM, "out of memory");
    int n = rc == 0 ? pl_csv_split(copy, cols, len + 1) : 0;
    /* cols[0] is empty (the comma after the head), the last two are message and check. */
    for (int i = 1; rc == 0 && i + 2 < n; i += 2) {
        size_t cl = strlen(cols[i]);
        if (cl <= 5 || strcmp(cols[i] + cl - 5, ".util") != 0) {
            rc = pl_diag_set(d, PL_EUSAGE, "%s: the header's column '%s' is not a unit's", results,
                             cols[i]);
            break;
        }
        cols[i][cl - 5] = '\0';
        if (pl_sweep_columns_add_unit(c, cols[i]) != 0)
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    }
    free(cols);
    free(copy);
    return rc;
}
