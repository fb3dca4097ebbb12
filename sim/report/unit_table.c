/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unit_table.c — the text report's tables of units: a row per unit of a graph (or,
 * past MAX_UNIT_ROWS units, a row per pipe on many places), and for every device place
 * with two or more units each pipe's busy share of the makespan.
 *
 * Invariant: every unit is counted in exactly one row, whose figures are its units'
 * counts summed, the longest of their largest bubbles, and the mean per unit of every
 * other time and of utilization. Cause columns loop over PL_EDGE_KINDS; no cause is
 * spelled here.
 */
#include "sim/report/text_sections.h"

#include "sim/measure/groups.h"

#include "sim/report/table.h"
#include "sim/common/units.h"

#include <stdlib.h>
#include <string.h>

/* Units in a table before the units of one pipe on many places share a row. */
#define MAX_UNIT_ROWS 32

/* ---- The unit table ----------------------------------------------------------- */

struct columns {
    int shared;
    int cause[PL_EDGE_KIND_COUNT];
    int n;
};

/* The optional columns are shown only where some unit has something in them. */
static struct columns pick_columns(const pl_metrics *m)
{
    struct columns c = {0};
    for (uint32_t u = 0; u < m->nunits; u++) {
        c.shared |= m->units[u].contention > 0;
        for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
            c.cause[k] |= m->units[u].cause[k] > pl_report_noise(m);
    }
    c.n = 9 + c.shared;
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        c.n += c.cause[k];
    return c;
}

static void header_row(pl_table *t, const struct columns *c, const char *title)
{
    static const char *const fixed[] = {"tasks",   "busy",   "util",    "fill",
                                        "bubbles", "bubble", "largest", "drain"};
    pl_table_addf(t, "%s", title);
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        pl_table_addf(t, "%s", fixed[i]);
    if (c->shared)
        pl_table_addf(t, "shared");
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        if (c->cause[k])
            pl_table_addf(t, "%s", pl_edge_cause_name((pl_edge_kind)k));
}

/* A row of the unit table: one unit, or the units of one pipe on many places
 * ("core*.MTE2") when there are too many units for a row each. `sum` adds the metrics
 * of its n units, except largest_bubble, their maximum. */
struct row {
    char name[128];
    uint32_t n;
    pl_unit_metrics sum;
};

static void add_to_row(struct row *r, const pl_unit_metrics *um)
{
    pl_unit_metrics *s = &r->sum;
    r->n++;
    s->tasks += um->tasks;
    s->busy += um->busy;
    s->contention += um->contention;
    s->utilization += um->utilization;
    s->fill += um->fill;
    s->drain += um->drain;
    s->bubble += um->bubble;
    s->bubbles += um->bubbles;
    if (um->largest_bubble > s->largest_bubble)
        s->largest_bubble = um->largest_bubble;
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        s->cause[k] += um->cause[k];
}

/* The rows of run's table: a row per unit, or with more than MAX_UNIT_ROWS units a row
 * per group, in the order of their first unit. Returns how many, or PL_ENOMEM. */
static int table_rows(const pl_run *run, struct row **out)
{
    uint32_t nu = run->m->nunits;
    struct row *rows = calloc((size_t)nu + 1, sizeof *rows);
    if (!rows)
        return PL_ENOMEM;
    int n = 0;
    for (uint32_t u = 0; u < nu; u++) {
        char name[128];
        if (nu > MAX_UNIT_ROWS)
            pl_unit_group_name(run->graph, u, name, sizeof name);
        else
            snprintf(name, sizeof name, "%s", pl_graph_unit_name(run->graph, u));
        int r = 0;
        while (r < n && strcmp(rows[r].name, name) != 0)
            r++;
        if (r == n)
            snprintf(rows[n++].name, sizeof rows[r].name, "%s", name);
        add_to_row(&rows[r], &run->m->units[u]);
    }
    *out = rows;
    return n;
}

/* A row's figures: counts summed, the largest bubble the longest, times and utilization
 * the mean per unit. */
static void unit_row(pl_table *t, const struct columns *c, const struct row *r)
{
    const pl_unit_metrics *s = &r->sum;
    double n = r->n;
    if (r->n > 1)
        pl_table_addf(t, "%s (%u)", r->name, (unsigned)r->n);
    else
        pl_table_addf(t, "%s", r->name);
    pl_table_addf(t, "%llu", (unsigned long long)s->tasks);
    pl_table_addf(t, "%s", PL_TIME_TEXT(s->busy / n));
    pl_table_addf(t, "%.2f %%", 100.0 * s->utilization / n);
    pl_table_addf(t, "%s", PL_TIME_TEXT(s->fill / n));
    pl_table_addf(t, "%llu", (unsigned long long)s->bubbles);
    pl_table_addf(t, "%s", PL_TIME_TEXT(s->bubble / n));
    pl_table_addf(t, "%s", PL_TIME_TEXT(s->largest_bubble));
    pl_table_addf(t, "%s", PL_TIME_TEXT(s->drain / n));
    if (c->shared)
        pl_table_addf(t, "%s", PL_TIME_TEXT(s->contention / n));
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        if (c->cause[k])
            pl_table_addf(t, "%s", PL_TIME_TEXT(s->cause[k] / n));
}

int pl_report_unit_table(const pl_run *run, const char *title, FILE *out)
{
    struct columns c = pick_columns(run->m);
    struct row *rows;
    int n = table_rows(run, &rows);
    if (n < 0)
        return n;
    pl_table *t = pl_table_create(c.n);
    if (!t) {
        free(rows);
        return PL_ENOMEM;
    }
    header_row(t, &c, title);
    for (int r = 0; r < n; r++)
        unit_row(t, &c, &rows[r]);
    int rc = pl_table_print(t, out, "");
    pl_table_destroy(t);
    if (rc == 0 && n < (int)run->m->nunits)
        fputs("(a row \"x*.PIPE (n)\" stands for that pipe on n places: tasks and bubbles"
              " summed,\n largest the longest, other times the mean per unit)\n",
              out);
    free(rows);
    return rc;
}

/* ---- Per place: each pipe's share --------------------------------------------- */

/* Device places with two or more units: cores whose pipes can overlap. */
static int is_multi_pipe(const pl_run *run, uint32_t p)
{
    return pl_graph_place_kind(run->graph, p) == PL_PLACE_DEVICE && run->m->places[p].units >= 2;
}

/* The pipes' names over all multi-pipe places, in order of first appearance. Returns
 * how many, or PL_ENOMEM; *out (borrowed names) is freed by the caller. */
static int pipe_columns(const pl_run *run, const char ***out)
{
    const pl_graph *g = run->graph;
    const char **names = calloc((size_t)run->m->nunits + 1, sizeof *names);
    if (!names)
        return PL_ENOMEM;
    int n = 0;
    for (uint32_t u = 0; u < run->m->nunits; u++) {
        if (!is_multi_pipe(run, pl_graph_unit_place(g, u)))
            continue;
        const char *name = pl_unit_pipe_name(g, u);
        int i = 0;
        while (i < n && strcmp(names[i], name) != 0)
            i++;
        if (i == n)
            names[n++] = name;
    }
    *out = names;
    return n;
}

static void place_row(const pl_run *run, uint32_t p, const char **pipes, int npipes, pl_table *t)
{
    const pl_graph *g = run->graph;
    const pl_place_metrics *pm = &run->m->places[p];
    double whole = run->m->makespan;
    pl_table_addf(t, "%s", pl_graph_place_name(g, p));
    for (int i = 0; i < npipes; i++) {
        uint32_t u = 0;
        while (u < run->m->nunits &&
               (pl_graph_unit_place(g, u) != p || strcmp(pl_unit_pipe_name(g, u), pipes[i]) != 0))
            u++;
        if (u == run->m->nunits)
            pl_table_addf(t, "-");
        else
            pl_table_addf(t, "%.1f %%", pl_report_pct(run->m->units[u].busy, whole));
    }
    pl_table_addf(t, "%.1f %%", pl_report_pct(pm->active, whole));
    pl_table_addf(t, "%.1f %%", pl_report_pct(pm->overlap, whole));
    pl_table_addf(t, "%.1f %%", pl_report_pct(pm->idle, whole));
}

/* For every core, each pipe's busy share of the makespan, then the share in which any
 * pipe works, two or more at once, and none (the "load 40 %, compute 20 %, store 10 %,
 * idle 30 %" view; with overlap the pipes' shares add up to more than the active one).
 * Prints nothing when no place has two units. */
int pl_report_places_section(const pl_run *run, FILE *out)
{
    const char **pipes;
    int npipes = pipe_columns(run, &pipes);
    if (npipes < 0)
        return npipes;
    if (npipes == 0) {
        free(pipes);
        return 0;
    }
    pl_table *t = pl_table_create(npipes + 4);
    if (!t) {
        free(pipes);
        return PL_ENOMEM;
    }
    pl_table_addf(t, "place");
    for (int i = 0; i < npipes; i++)
        pl_table_addf(t, "%s", pipes[i]);
    pl_table_addf(t, "any");
    pl_table_addf(t, "2+ at once");
    pl_table_addf(t, "all idle");
    for (uint32_t p = 0; p < run->m->nplaces; p++)
        if (is_multi_pipe(run, p))
            place_row(run, p, pipes, npipes, t);
    fputs("share of the makespan each pipe is busy, per place:\n", out);
    int rc = pl_table_print(t, out, "  ");
    pl_table_destroy(t);
    free(pipes);
    fputc('\n', out);
    return rc;
}
