/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text.c — the report for people: a summary, a table per graph, the
 * binding chain by unit and a few sentences on where the time went. This file
 * writes the header, the summary, the binding chain and the model's figures, and
 * puts the page together; the tables of units are in unit_table.c and the sentences
 * in where_time_went.c (both through text_sections.h), a replay's section in replay.c.
 *
 * Invariant: every number printed comes from the metrics and the bound of the run
 * or its baseline (or from a replay and its measure), formatted with pl_units_format
 * (4 significant digits) or as a percentage with one decimal, so the same report always
 * prints the same bytes. Cause columns and sentences loop over PL_EDGE_KINDS (a replay's
 * idle causes over PL_IDLE_CAUSES); no cause is spelled in the text report.
 */
#include "sim/report/report.h"

#include "sim/report/parts.h"
#include "sim/report/replay.h"
#include "sim/report/text_sections.h"
#include "sim/report/table.h"
#include "sim/common/units.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define WRAP       PL_REPORT_WRAP

double pl_report_pct(double part, double whole)
{
    return whole > 0 ? 100.0 * part / whole : 0.0;
}

/* Idle time below the metrics' noise threshold is rounding, not a cause worth a column
 * or a word. */
double pl_report_noise(const pl_metrics *m)
{
    return pl_metrics_noise(m->makespan);
}

/* ---- Header and summary ----------------------------------------------------- */

static void header(const pl_report *r, FILE *out)
{
    fprintf(out, "scenario %s", r->scenario ? r->scenario : "-");
    if (r->name)
        fprintf(out, " (\"%s\")", r->name);
    fprintf(out, ": model %s, mode %s, seed %llu", r->model, r->mode, r->seed);
    fputs(r->random ? ", durations drawn at random\n" : "\n", out);
}

/* b, a bound of run's graph, in words: its value and which term sets it. */
static void describe_bound(const pl_run *run, const pl_bound *b, char *buf, size_t len)
{
    const char *binds = pl_report_binds(run->graph, b);
    switch (b->kind) {
    case PL_BOUND_UNIT:
        snprintf(buf, len, "%s = %s before %s starts + %s of its work + %s after it",
                 PL_TIME_TEXT(b->makespan), PL_TIME_TEXT(b->head), binds, PL_TIME_TEXT(b->work), PL_TIME_TEXT(b->tail));
        return;
    case PL_BOUND_PLACE:
        snprintf(buf, len,
                 "%s = %s before %s starts + %s of its threads' work over %d cores + %s"
                 " after it",
                 PL_TIME_TEXT(b->makespan), PL_TIME_TEXT(b->head), binds, PL_TIME_TEXT(b->work),
                 pl_graph_place_cores(run->graph, b->which), PL_TIME_TEXT(b->tail));
        return;
    case PL_BOUND_LINK: {
        double bandwidth = pl_graph_link_bandwidth(run->graph, b->which);
        snprintf(buf, len,
                 "%s = %s before link %s carries a byte + %s to carry %s at %s + %s after it",
                 PL_TIME_TEXT(b->makespan), PL_TIME_TEXT(b->head), binds, PL_TIME_TEXT(b->work),
                 PL_SIZE_TEXT(b->work * bandwidth), PL_RATE_TEXT(bandwidth), PL_TIME_TEXT(b->tail));
        return;
    }
    case PL_BOUND_CRITICAL_PATH:
        break;
    }
    if (b == run->configured)
        snprintf(buf, len, "%s, set by the longest chain through every edge, the "
                 "configuration's too", PL_TIME_TEXT(b->makespan));
    else
        snprintf(buf, len, "%s, set by the %s", PL_TIME_TEXT(b->makespan),
                 pl_bound_kind_name(b->kind));
}

/* One line of the summary: a label column as wide as the longest label. */
static void line(FILE *out, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void line(FILE *out, const char *label, const char *fmt, ...)
{
    fprintf(out, "%-15s", label);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

/* Warm-up, steady state and drain, with the steady period when two items complete in it. */
static void phases_line(const pl_run *run, FILE *out)
{
    const pl_phases *ph = &run->m->phases;
    char steady[256] = "no steady state";
    if (ph->steady > 0 && ph->steady_items >= 2)
        snprintf(steady, sizeof steady, "%s steady (%llu %s, one every %s)", PL_TIME_TEXT(ph->steady),
                 (unsigned long long)ph->steady_items, pl_graph_item_noun(run->graph),
                 PL_TIME_TEXT(ph->period));
    else if (ph->steady > 0)
        snprintf(steady, sizeof steady, "%s steady", PL_TIME_TEXT(ph->steady));
    line(out, "phases", "%s warm-up, %s, %s drain", PL_TIME_TEXT(ph->warmup), steady,
         PL_TIME_TEXT(ph->drain));
}

/* Which engine computed each timeline, and why: once when both runs agree. */
static void engine_line(const pl_report *r, FILE *out)
{
    const pl_timeline *a = r->run.tl, *b = r->baseline.tl;
    if (a == b || (a->engine == b->engine && strcmp(a->engine_why, b->engine_why) == 0))
        line(out, "engine", "%s: %s", pl_engine_name(a->engine), a->engine_why);
    else
        line(out, "engine", "%s for %s (%s), %s for %s (%s)", pl_engine_name(a->engine),
             pl_graph_name(r->run.graph), a->engine_why, pl_engine_name(b->engine),
             pl_graph_name(r->baseline.graph), b->engine_why);
}

static void summary(const pl_report *r, FILE *out)
{
    const pl_run *run = &r->run;
    char rate[64], bound[512], configured[512];
    pl_report_rate(run->m->throughput, pl_graph_item_noun(run->graph), rate, sizeof rate);
    describe_bound(run, run->bound, bound, sizeof bound);
    describe_bound(run, run->configured, configured, sizeof configured);
    line(out, "makespan", "%s", PL_TIME_TEXT(run->m->makespan));
    if (r->predicted > 0)
        line(out, "predicted", "%s by the model (simulated %s it)", PL_TIME_TEXT(r->predicted),
             fabs(run->m->makespan - r->predicted) <= 1e-9 * r->predicted ? "matches"
             : run->m->makespan > r->predicted                            ? "takes longer than"
                                                                          : "is shorter than");
    if (!isfinite(run->m->throughput))
        line(out, "throughput", "n/a (the run takes no time)");
    else if (run->m->throughput > 0)
        line(out, "throughput", "%s (one every %s)", rate, PL_TIME_TEXT(1.0 / run->m->throughput));
    else
        line(out, "throughput", "%s", rate);
    line(out, "baseline", "%s, makespan %s", r->baseline_mode, PL_TIME_TEXT(r->baseline.m->makespan));
    if (isfinite(r->speedup))
        line(out, "speedup", "%.2fx over %s", r->speedup, r->baseline_mode);
    else
        line(out, "speedup", "n/a (the run takes no time)");
    line(out, "bound", "%s", bound);
    if (isfinite(pl_report_efficiency(run)))
        line(out, "efficiency", "%.1f %% (bound / makespan)", 100.0 * pl_report_efficiency(run));
    else
        line(out, "efficiency", "n/a (the run takes no time)");
    line(out, "configured", "%s", configured);
    if (isfinite(pl_report_configured_efficiency(run)))
        line(out, "efficiency", "%.1f %% of the configured bound",
             100.0 * pl_report_configured_efficiency(run));
    line(out, "critical path", "%s (the longest chain of dependent work)",
         PL_TIME_TEXT(run->bound->critical_path));
    phases_line(run, out);
    char latency[256];
    pl_report_latency_text(run, latency, sizeof latency);
    line(out, "latency", "%s", latency);
    engine_line(r, out);
}

/* ---- The binding chain ---------------------------------------------------------- */

static int chain_section(const pl_run *run, FILE *out)
{
    pl_share *shares;
    int n = pl_report_chain_shares(run, &shares);
    if (n < 0)
        return n;
    pl_table *t = pl_table_create(3);
    if (!t) {
        free(shares);
        return PL_ENOMEM;
    }
    for (int i = 0; i < n; i++) {
        if (shares[i].share < 0.001)
            continue;
        pl_table_addf(t, "%s", pl_graph_unit_name(run->graph, shares[i].unit));
        pl_table_addf(t, "%s", PL_TIME_TEXT(shares[i].time));
        pl_table_addf(t, "%.1f %%", 100.0 * shares[i].share);
    }
    free(shares);
    fputs("binding chain by unit (the tasks that set the makespan; share of it):\n", out);
    int rc = pl_table_print(t, out, "  ");
    pl_table_destroy(t);
    return rc;
}

/* ---- What the model worked out ------------------------------------------------- */

/* "  label  text", the text wrapped at WRAP columns under itself. */
static void put_hanging(FILE *out, const char *label, int width, const char *text)
{
    int indent = 2 + width + 2, room = WRAP - indent;
    const char *p = text;
    fprintf(out, "  %-*s  ", width, label);
    while (*p) {
        size_t len = strlen(p), cut = len;
        if (len > (size_t)room) {
            cut = (size_t)room;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = strcspn(p, " ");
        }
        fprintf(out, "%.*s\n", (int)cut, p);
        p += cut;
        while (*p == ' ')
            p++;
        if (*p)
            fprintf(out, "%*s", indent, "");
    }
}

static void figures_section(const pl_figures *f, FILE *out)
{
    if (!f || f->n == 0)
        return;
    int width = 0;
    for (size_t i = 0; i < f->n; i++)
        if ((int)strlen(f->v[i].name) > width)
            width = (int)strlen(f->v[i].name);
    fprintf(out, "%s:\n", f->title ? f->title : "analysis");
    for (size_t i = 0; i < f->n; i++)
        put_hanging(out, f->v[i].name, width, f->v[i].text);
    fputc('\n', out);
}

/* ---- The report --------------------------------------------------------------- */

static int sections(const pl_report *r, FILE *out)
{
    header(r, out);
    summary(r, out);
    fputc('\n', out);
    int rc = pl_report_replay_text(r, out);
    if (rc == 0)
        rc = pl_report_unit_table(&r->run, r->mode, out);
    fputc('\n', out);
    char title[256];
    snprintf(title, sizeof title, "%s (baseline)", r->baseline_mode);
    if (rc == 0)
        rc = pl_report_unit_table(&r->baseline, title, out);
    fputc('\n', out);
    if (rc == 0)
        rc = pl_report_stage_table(&r->run, out);
    if (rc == 0)
        rc = pl_report_places_section(&r->run, out);
    if (rc == 0)
        figures_section(r->figures, out);
    if (rc == 0)
        rc = chain_section(&r->run, out);
    fputc('\n', out);
    if (rc == 0)
        rc = pl_report_where_time_went(r, out);
    return rc;
}

int pl_report_text(const pl_report *r, FILE *out, pl_diag *d)
{
    int rc = sections(r, out);
    if (rc == PL_ENOMEM)
        return pl_diag_set(d, rc, "out of memory while writing the text report");
    return pl_report_flush(out, d, "text report");
}
