/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * stages.c — the stage table and the latency figures, for the text and
 * JSON reports. A stage is the set of threads that take one step's items in
 * turn; its row sums them, so that its utilization is busy / (threads x
 * makespan) and its idle time splits into fill, starved (waiting for work),
 * blocked (no room in the next pool) and drain.
 */
#include "sim/report/parts.h"
#include "sim/report/table.h"
#include "sim/common/units.h"


void pl_report_latency_text(const pl_run *run, char *buf, size_t len)
{
    const pl_latency *l = &run->m->latency;
    snprintf(buf, len, "mean %s, p50 %s, p99 %s, max %s (first start to in-order exit)",
             PL_TIME_TEXT(l->mean), PL_TIME_TEXT(l->p50), PL_TIME_TEXT(l->p99),
             PL_TIME_TEXT(l->max));
}

int pl_report_stage_table(const pl_run *run, FILE *out)
{
    const pl_metrics *m = run->m;
    if (m->nstages == 0)
        return 0;
    static const char *const head[] = {"stage",   "threads", "busy",  "util", "fill",
                                       "starved", "blocked", "drain"};
    pl_table *t = pl_table_create(8);
    if (!t)
        return PL_ENOMEM;
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        pl_table_addf(t, "%s", head[i]);
    for (uint32_t s = 0; s < m->nstages; s++) {
        const pl_stage_metrics *sm = &m->stages[s];
        pl_table_addf(t, "%u %s", s + 1, pl_graph_stage_name(run->graph, s));
        pl_table_addf(t, "%u", sm->threads);
        pl_table_addf(t, "%s", PL_TIME_TEXT(sm->busy));
        pl_table_addf(t, "%.2f %%", 100.0 * sm->utilization);
        pl_table_addf(t, "%s", PL_TIME_TEXT(sm->fill));
        pl_table_addf(t, "%s", PL_TIME_TEXT(sm->starved));
        pl_table_addf(t, "%s", PL_TIME_TEXT(sm->blocked));
        pl_table_addf(t, "%s", PL_TIME_TEXT(sm->drain));
    }
    fputs("stages (summed over each stage's threads; starved: waiting for an item,\n"
          "blocked: waiting for a free buffer in the next pool):\n",
          out);
    int rc = pl_table_print(t, out, "  ");
    pl_table_destroy(t);
    fputc('\n', out);
    return rc;
}

void pl_report_stage_sentence(const pl_run *run, char *buf, size_t len)
{
    const pl_metrics *m = run->m;
    const pl_stage_metrics *sm = &m->stages[m->busiest_stage];
    snprintf(buf, len,
             "Stage %u (%s) is the busiest stage: its %u thread%s %s busy %.1f %% of the "
             "makespan; %s of %s idle time is starved and %s blocked.",
             m->busiest_stage + 1, pl_graph_stage_name(run->graph, m->busiest_stage), sm->threads,
             sm->threads == 1 ? "" : "s", sm->threads == 1 ? "is" : "are",
             100.0 * sm->utilization, PL_TIME_TEXT(sm->starved),
             sm->threads == 1 ? "its" : "their", PL_TIME_TEXT(sm->blocked));
}

json_t *pl_report_latency_json(const pl_run *run)
{
    const pl_latency *l = &run->m->latency;
    json_t *o = json_object();
    o = pl_report_json_with(o, "items", pl_report_json_unsigned(l->items));
    o = pl_report_json_with(o, "mean_s", pl_report_json_real(l->mean));
    o = pl_report_json_with(o, "min_s", pl_report_json_real(l->min));
    o = pl_report_json_with(o, "p50_s", pl_report_json_real(l->p50));
    o = pl_report_json_with(o, "p99_s", pl_report_json_real(l->p99));
    return pl_report_json_with(o, "max_s", pl_report_json_real(l->max));
}

json_t *pl_report_stages_json(const pl_run *run)
{
    const pl_metrics *m = run->m;
    json_t *a = json_array();
    for (uint32_t s = 0; a && s < m->nstages; s++) {
        const pl_stage_metrics *sm = &m->stages[s];
        json_t *o = json_object();
        o = pl_report_json_with(o, "name", pl_report_json_text(pl_graph_stage_name(run->graph, s)));
        o = pl_report_json_with(o, "threads", json_integer(sm->threads));
        o = pl_report_json_with(o, "tasks", pl_report_json_unsigned(sm->tasks));
        o = pl_report_json_with(o, "busy_s", pl_report_json_real(sm->busy));
        o = pl_report_json_with(o, "utilization", pl_report_json_real(sm->utilization));
        o = pl_report_json_with(o, "fill_s", pl_report_json_real(sm->fill));
        o = pl_report_json_with(o, "starved_s", pl_report_json_real(sm->starved));
        o = pl_report_json_with(o, "blocked_s", pl_report_json_real(sm->blocked));
        o = pl_report_json_with(o, "other_s", pl_report_json_real(sm->other));
        o = pl_report_json_with(o, "drain_s", pl_report_json_real(sm->drain));
        o = pl_report_json_with(o, "busiest", json_boolean(s == m->busiest_stage));
        if (!o || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}
