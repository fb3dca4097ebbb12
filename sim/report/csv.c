/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * csv.c — the unit tables of the run and its baseline as one CSV file.
 *
 * Invariant: every row has as many fields as the header, reals are printed with
 * %.17g so that reading them back gives the same doubles, and fields are quoted as
 * csv.h says (RFC 4180, lines ending in LF).
 */
#include "sim/report/report.h"

#include "sim/common/csv.h"
#include "sim/report/parts.h"

static void put_real(FILE *out, double x)
{
    fprintf(out, ",%.17g", x);
}

static void header(FILE *out)
{
    fputs("run,unit,place,tasks,busy_s,work_s,contention_s,utilization,fill_s,bubble_s,"
          "drain_s,bubbles,largest_bubble_s,binding_s",
          out);
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++) {
        fputs(",cause_", out);
        pl_csv_put(out, pl_edge_cause_name((pl_edge_kind)k));
        fputs("_s", out);
    }
    fputc('\n', out);
}

static void unit_row(FILE *out, const char *mode, const pl_run *run, uint32_t u)
{
    const pl_unit_metrics *um = &run->m->units[u];
    const pl_graph *g = run->graph;
    pl_csv_put(out, mode);
    fputc(',', out);
    pl_csv_put(out, pl_graph_unit_name(g, u));
    fputc(',', out);
    pl_csv_put(out, pl_graph_place_name(g, pl_graph_unit_place(g, u)));
    fprintf(out, ",%llu", (unsigned long long)um->tasks);
    put_real(out, um->busy);
    put_real(out, um->work);
    put_real(out, um->contention);
    put_real(out, um->utilization);
    put_real(out, um->fill);
    put_real(out, um->bubble);
    put_real(out, um->drain);
    fprintf(out, ",%llu", (unsigned long long)um->bubbles);
    put_real(out, um->largest_bubble);
    put_real(out, um->binding);
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        put_real(out, um->cause[k]);
    fputc('\n', out);
}

static void rows(FILE *out, const char *mode, const pl_run *run)
{
    for (uint32_t u = 0; u < run->m->nunits; u++)
        unit_row(out, mode, run, u);
}

int pl_report_csv(const pl_report *r, FILE *out, pl_diag *d)
{
    header(out);
    rows(out, r->mode, &r->run);
    rows(out, r->baseline_mode, &r->baseline);
    return pl_report_flush(out, d, "CSV report");
}
