/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * csv.c — the unit tables of the run and its baseline as one CSV file, each row with the
 * figures of its run.
 *
 * Invariant: every row has as many fields as the header, reals are printed in the shortest
 * form that reads back as the same double (pl_csv_real), and fields are quoted as csv.h
 * says (RFC 4180, lines ending in LF).
 */
#include "sim/report/report.h"

#include "sim/common/csv.h"
#include "sim/report/parts.h"

static void header(FILE *out)
{
    fputs("scenario,seed,run,makespan_s,throughput,speedup,unit,place,tasks,busy_s,work_s,"
          "contention_s,utilization,fill_s,bubble_s,drain_s,bubbles,largest_bubble_s,binding_s",
          out);
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++) {
        fputs(",cause_", out);
        pl_csv_put(out, pl_edge_cause_name((pl_edge_kind)k));
        fputs("_s", out);
    }
    fputc('\n', out);
}

/* A row's run-level columns: the scenario, its seed, which run, and that run's makespan,
 * throughput and speedup over the baseline (1 for the baseline itself). */
static void run_columns(FILE *out, const pl_report *r, const char *mode, const pl_run *run)
{
    pl_csv_put(out, r->scenario);
    fprintf(out, ",%llu,", r->seed);
    pl_csv_put(out, mode);
    pl_csv_put_real(out, run->m->makespan);
    pl_csv_put_real(out, run->m->throughput);
    pl_csv_put_real(out, run == &r->run ? r->speedup : 1);
    fputc(',', out);
}

static void unit_row(FILE *out, const pl_report *r, const char *mode, const pl_run *run,
                     uint32_t u)
{
    const pl_unit_metrics *um = &run->m->units[u];
    const pl_graph *g = run->graph;
    run_columns(out, r, mode, run);
    pl_csv_put(out, pl_graph_unit_name(g, u));
    fputc(',', out);
    pl_csv_put(out, pl_graph_place_name(g, pl_graph_unit_place(g, u)));
    fprintf(out, ",%llu", (unsigned long long)um->tasks);
    pl_csv_put_real(out, um->busy);
    pl_csv_put_real(out, um->work);
    pl_csv_put_real(out, um->contention);
    pl_csv_put_real(out, um->utilization);
    pl_csv_put_real(out, um->fill);
    pl_csv_put_real(out, um->bubble);
    pl_csv_put_real(out, um->drain);
    fprintf(out, ",%llu", (unsigned long long)um->bubbles);
    pl_csv_put_real(out, um->largest_bubble);
    pl_csv_put_real(out, um->binding);
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        pl_csv_put_real(out, um->cause[k]);
    fputc('\n', out);
}

static void rows(FILE *out, const pl_report *r, const char *mode, const pl_run *run)
{
    for (uint32_t u = 0; u < run->m->nunits; u++)
        unit_row(out, r, mode, run, u);
}

int pl_report_csv(const pl_report *r, FILE *out, pl_diag *d)
{
    header(out);
    rows(out, r, r->mode, &r->run);
    rows(out, r, r->baseline_mode, &r->baseline);
    return pl_report_flush(out, d, "CSV report");
}
