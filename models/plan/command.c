/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * command.c — `pipelab plan`: a scenario's plan without simulating it, and the
 * list scheduler on its own for a DAG in the Standard Task Graph format.
 */
#include "models/plan/plan.h"
#include "models/plan/figures.h"
#include "models/plan/stg.h"
#include "sim/common/units.h"

#include <jansson.h>
#include <math.h>

int pl_plan_command(const pl_config *cfg, bool json, FILE *out, pl_diag *d)
{
    pl_plan_workload w;
    pl_plan plan;
    int rc = pl_plan_workload_load(cfg, NULL, &w, d);
    if (rc)
        return rc;
    rc = pl_plan_make_for(&w, &plan, d);
    if (!rc) {
        rc = pl_plan_print(&w.loop, &plan, json, out, d);
        pl_plan_fini(&plan);
    }
    pl_plan_workload_fini(&w);
    return rc;
}

/* The best schedule and the plain rule's, for the comparison the command prints. */
struct stg_result {
    pl_plan_bounds bounds;
    pl_plan_schedule best, plain;
};

static void stg_text(const char *path, const pl_plan_loop *l, const struct stg_result *r, FILE *out)
{
    const pl_plan_bounds *b = &r->bounds;
    double pw = ceil(b->work / l->classes[0].units - 1e-9);
    fprintf(out, "graph     %s: %u tasks (with the entry and exit), %u edges, work %.12g\n", path,
            l->nops, l->ndeps, b->work);
    fprintf(out, "units     %u\n", l->classes[0].units);
    fprintf(out, "makespan  %.12g (rule '%s', the shortest of %u schedules tried)\n",
            r->best.makespan, r->best.rule, r->best.tried);
    fprintf(out, "bound     %.12g = max(critical path %.12g, ceil(work / units) %.12g)\n",
            fmax(b->critical_path, pw), b->critical_path, pw);
    fprintf(out, "gap       %.2f %% above the bound\n",
            100.0 * (r->best.makespan / fmax(b->critical_path, pw) - 1));
    fprintf(out, "plain     %.12g with the plain b-level rule (%.2f %% above the bound)\n",
            r->plain.makespan, 100.0 * (r->plain.makespan / fmax(b->critical_path, pw) - 1));
    fputs("\nschedule:\n  task       unit        start          end\n", out);
    for (uint32_t t = 0; t < r->best.ntasks; t++)
        fprintf(out, "  %-8s %6u %12.12g %12.12g\n", l->ops[t].name, r->best.tasks[t].unit,
                r->best.tasks[t].start, r->best.tasks[t].end);
}

static int stg_json(const char *path, const pl_plan_loop *l, const struct stg_result *r, FILE *out)
{
    const pl_plan_bounds *b = &r->bounds;
    double pw = ceil(b->work / l->classes[0].units - 1e-9);
    json_t *sched = json_array();
    for (uint32_t t = 0; sched && t < r->best.ntasks; t++)
        json_array_append_new(sched,
                              json_pack("{s:s, s:I, s:f, s:f}", "task", l->ops[t].name, "unit",
                                        (json_int_t)r->best.tasks[t].unit, "start",
                                        r->best.tasks[t].start, "end", r->best.tasks[t].end));
    json_t *doc = json_pack(
        "{s:s, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:s, s:I, s:f, s:o}", "graph", path, "tasks",
        (json_int_t)l->nops, "edges", (json_int_t)l->ndeps, "units",
        (json_int_t)l->classes[0].units, "work", b->work, "critical_path", b->critical_path,
        "bound", fmax(b->critical_path, pw), "makespan", r->best.makespan, "rule", r->best.rule,
        "tried", (json_int_t)r->best.tried, "plain_makespan", r->plain.makespan, "schedule", sched);
    int rc = doc ? json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) : PL_ENOMEM;
    json_decref(doc);
    if (!rc)
        fputc('\n', out);
    return rc;
}

int pl_plan_stg_command(const char *path, uint32_t units, bool json, FILE *out, pl_diag *d)
{
    pl_plan_loop l;
    struct stg_result r = {0};
    int rc = pl_plan_stg_read(path, units, &l, d);
    if (rc)
        return rc;
    char cycle[512];
    if (pl_plan_check_cycles(&l, cycle, sizeof cycle)) {
        pl_plan_loop_fini(&l);
        return pl_diag_set(d, PL_ECONFIG, "%s: the graph has a cycle (%s)", path, cycle);
    }
    pl_plan_options best = {0}, plain = {.plain = true};
    rc = pl_plan_bounds_compute(&l, &r.bounds);
    if (!rc)
        rc = pl_plan_schedule_loop(&l, &best, &r.best);
    if (!rc)
        rc = pl_plan_schedule_loop(&l, &plain, &r.plain);
    if (!rc)
        rc = json ? stg_json(path, &l, &r, out) : (stg_text(path, &l, &r, out), 0);
    pl_plan_bounds_fini(&r.bounds);
    pl_plan_schedule_fini(&r.best);
    pl_plan_schedule_fini(&r.plain);
    pl_plan_loop_fini(&l);
    if (rc == PL_ENOMEM)
        return pl_diag_set(d, rc, "out of memory");
    if (rc || fflush(out) != 0 || ferror(out))
        return pl_diag_set(d, PL_EIO, "cannot write the schedule");
    return 0;
}
