/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * command.c — `pipelab plan`: a scenario's plan without simulating it, and the
 * list scheduler on its own for a DAG in the Standard Task Graph format, both as
 * findings for the report layer to print.
 */
#include "models/plan/findings.h"
#include "models/plan/plan.h"
#include "models/plan/stg.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The options of pipelab plan, in the order of their values. */
enum { STG, UNITS };
static const char *const options[] = {"--stg", "--units", NULL};
static const char *const option_help[] = {
    "a Standard Task Graph file to list-schedule instead of a scenario",
    "with --stg: how many identical units to schedule it on (1 to 1024)",
};

/* --units P: a number of units from 1 to 1024; 0 when absent. */
static int units_of(const char *v, uint32_t *out, pl_diag *d)
{
    *out = 0;
    if (!v)
        return 0;
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (*v < '1' || *v > '9' || *end != '\0' || errno == ERANGE || n > 1024)
        return pl_diag_set(d, PL_EUSAGE,
                           "--units expects a number of units from 1 to 1024, got '%s' (see "
                           "pipelab plan --help)",
                           v);
    *out = (uint32_t)n;
    return 0;
}

static int check(bool scenario, const char *const *values, pl_diag *d)
{
    uint32_t units;
    int rc = units_of(values[UNITS], &units, d);
    if (rc)
        return rc;
    if (values[STG] && (scenario || !units))
        return pl_diag_set(d, PL_EUSAGE,
                           "pipelab plan --stg FILE takes --units P and no scenario (see "
                           "pipelab plan --help)");
    if (!values[STG] && units)
        return pl_diag_set(d, PL_EUSAGE, "--units goes with --stg FILE (see pipelab plan --help)");
    if (!values[STG] && !scenario)
        return pl_diag_set(d, PL_EUSAGE, "plan needs a scenario file (see pipelab plan --help)");
    return 0;
}

static int scenario_plan(const pl_config *cfg, pl_findings *out, pl_diag *d)
{
    const char *model = pl_config_str(cfg, "model");
    if (strcmp(model, "plan") != 0)
        return pl_diag_set(d, PL_EUSAGE,
                           "pipelab plan needs a plan scenario; %s is model: %s (see pipelab "
                           "--help)",
                           pl_config_file(cfg), model);
    pl_plan_workload w;
    pl_plan plan;
    int rc = pl_plan_workload_load(cfg, NULL, &w, d);
    if (rc)
        return rc;
    rc = pl_plan_make_for(&w, &plan, d);
    if (!rc) {
        rc = pl_plan_findings(&w.loop, &plan, out);
        pl_plan_fini(&plan);
        if (rc)
            rc = pl_diag_set(d, rc, "out of memory");
    }
    pl_plan_workload_fini(&w);
    return rc;
}

/* ---- pipelab plan --stg ------------------------------------------------------------- */

/* The best schedule and the plain rule's, for the comparison the command prints. */
struct stg_result {
    pl_plan_bounds bounds;
    pl_plan_schedule best, plain;
};

static const pl_column stg_cols[] = {
    {"task", "task", PL_VALUE_TEXT, 8, true, 2},
    {"unit", "unit", PL_VALUE_INT, 6, false, 1},
    {"start", "start", PL_VALUE_REAL, 12, false, 1},
    {"end", "end", PL_VALUE_REAL, 12, false, 1},
};

static void stg_figures(const char *path, const pl_plan_loop *l, const struct stg_result *r,
                        pl_findings *out)
{
    const pl_plan_bounds *b = &r->bounds;
    double pw = ceil(b->work / l->classes[0].units - 1e-9), bound = fmax(b->critical_path, pw);
    pl_figures *f = &out->figures;
    out->label_width = 9;
    int rc = pl_figures_add(f, "graph", l->nops, "",
                            "%s: %u tasks (with the entry and exit), %u edges, work %.12g", path,
                            l->nops, l->ndeps, b->work);
    rc = rc ? rc : pl_figures_add(f, "units", l->classes[0].units, "", "%u", l->classes[0].units);
    rc = rc ? rc
            : pl_figures_add(f, "makespan", r->best.makespan, "",
                             "%.12g (rule '%s', the shortest of %u schedules tried)",
                             r->best.makespan, r->best.rule, r->best.tried);
    rc = rc ? rc
            : pl_figures_add(f, "bound", bound, "",
                             "%.12g = max(critical path %.12g, ceil(work / units) %.12g)", bound,
                             b->critical_path, pw);
    rc = rc ? rc
            : pl_figures_add(f, "gap", 100.0 * (r->best.makespan / bound - 1), "%",
                             "%.2f %% above the bound", 100.0 * (r->best.makespan / bound - 1));
    rc = rc ? rc
            : pl_figures_add(f, "plain", r->plain.makespan, "",
                             "%.12g with the plain b-level rule (%.2f %% above the bound)",
                             r->plain.makespan, 100.0 * (r->plain.makespan / bound - 1));
    out->failed = out->failed || rc != 0;
    pl_findings_text(out, "graph", path);
    pl_findings_int(out, "tasks", l->nops);
    pl_findings_int(out, "edges", l->ndeps);
    pl_findings_int(out, "units", l->classes[0].units);
    pl_findings_real(out, "work", b->work);
    pl_findings_real(out, "critical_path", b->critical_path);
    pl_findings_real(out, "bound", bound);
    pl_findings_real(out, "makespan", r->best.makespan);
    pl_findings_text(out, "rule", r->best.rule);
    pl_findings_int(out, "tried", r->best.tried);
    pl_findings_real(out, "plain_makespan", r->plain.makespan);
}

static int stg_findings(const char *path, const pl_plan_loop *l, const struct stg_result *r,
                        pl_findings *out)
{
    stg_figures(path, l, r, out);
    pl_rows *rows;
    int rc = pl_tables_add(&out->tables, "schedule", "schedule", stg_cols,
                           sizeof stg_cols / sizeof stg_cols[0], &rows);
    for (uint32_t t = 0; !rc && t < r->best.ntasks; t++) {
        pl_rows_text(rows, "%s", l->ops[t].name);
        pl_rows_int(rows, r->best.tasks[t].unit);
        pl_rows_real(rows, r->best.tasks[t].start);
        pl_rows_real(rows, r->best.tasks[t].end);
    }
    return rc ? rc : pl_findings_status(out);
}

static int stg_plan(const char *path, uint32_t units, pl_findings *out, pl_diag *d)
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
    out->noun = "schedule";
    rc = pl_plan_bounds_compute(&l, &r.bounds);
    if (!rc)
        rc = pl_plan_schedule_loop(&l, &best, &r.best);
    if (!rc)
        rc = pl_plan_schedule_loop(&l, &plain, &r.plain);
    if (!rc)
        rc = stg_findings(path, &l, &r, out);
    pl_plan_bounds_fini(&r.bounds);
    pl_plan_schedule_fini(&r.best);
    pl_plan_schedule_fini(&r.plain);
    pl_plan_loop_fini(&l);
    return rc ? pl_diag_set(d, rc, "out of memory") : 0;
}

static int run(const pl_config *cfg, const char *const *values, pl_findings *out, pl_diag *d)
{
    if (!values[STG])
        return scenario_plan(cfg, out, d);
    uint32_t units;
    int rc = units_of(values[UNITS], &units, d);
    return rc ? rc : stg_plan(values[STG], units, out, d);
}

const pl_model_command pl_plan_commands[] = {
    {
        .name = "plan",
        .usage = "       pipelab plan SCENARIO [--set K=V]... [--format json]\n"
                 "                                         a plan scenario's schedule, bounds "
                 "and buffer\n"
                 "                                         map, without simulating it\n"
                 "       pipelab plan --stg FILE --units P [--format json]\n"
                 "                                         list-schedule a Standard Task Graph "
                 "file on P\n"
                 "                                         identical units, beside its lower "
                 "bound\n",
        .options = options,
        .option_help = option_help,
        .scenario_optional = true,
        .check = check,
        .run = run,
    },
    {0},
};
