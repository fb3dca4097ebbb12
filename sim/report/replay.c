/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * replay.c — a replay's steps measured beside simulated, for the text and JSON reports.
 *
 * Invariant: times are formatted with PL_TIME_TEXT (4 significant digits) and errors as
 * signed percentages with one decimal, so the same report prints the same bytes; the
 * idle causes are spelled only by PL_IDLE_CAUSES (sim/measure/replay.h).
 */
#include "sim/report/replay.h"

#include "sim/common/units.h"
#include "sim/report/parts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double pl_report_replay_error(double measured, double simulated)
{
    if (!isfinite(measured) || !(measured > 0) || !isfinite(simulated))
        return NAN;
    return (simulated - measured) / measured;
}

static bool is_replay(const pl_report *r)
{
    return r->replay && r->replay_result;
}

/* ---- Text ------------------------------------------------------------------------ */

#define CELL 32

/* One row of the table: a name (borrowed) and three cells. */
typedef struct row {
    const char *name;
    char cell[3][CELL];
} row;

static void time_cell(double s, char *buf)
{
    if (isfinite(s))
        pl_units_format(s, PL_Q_TIME, 4, buf, CELL);
    else
        snprintf(buf, CELL, "n/a");
}

static void error_cell(double error, char *buf)
{
    double pct = 100.0 * error;
    if (!isfinite(pct))
        snprintf(buf, CELL, "n/a");
    else if (fabs(pct) < 0.05) /* no "-0.0 %" */
        snprintf(buf, CELL, "0.0 %%");
    else
        snprintf(buf, CELL, "%+.1f %%", pct);
}

static row measured_row(const char *name, double measured, double simulated)
{
    row w = {.name = name};
    time_cell(measured, w.cell[0]);
    time_cell(simulated, w.cell[1]);
    error_cell(pl_report_replay_error(measured, simulated), w.cell[2]);
    return w;
}

/* The column widths of n rows. */
static void widths(const row *rows, size_t n, int *w)
{
    memset(w, 0, 4 * sizeof *w);
    for (size_t i = 0; i < n; i++) {
        if ((int)strlen(rows[i].name) > w[0])
            w[0] = (int)strlen(rows[i].name);
        for (int c = 0; c < 3; c++)
            if ((int)strlen(rows[i].cell[c]) > w[c + 1])
                w[c + 1] = (int)strlen(rows[i].cell[c]);
    }
}

static void put_row(FILE *out, const row *w, const int *width)
{
    fprintf(out, "  %-*s  %*s  %*s  %*s\n", width[0], w->name, width[1], w->cell[0], width[2],
            w->cell[1], width[3], w->cell[2]);
}

/* "... 3 more steps, all within 2.1 %": the steps from `from` on, by their largest error. */
static void more_line(const pl_report *r, size_t from, FILE *out)
{
    const pl_replay *p = r->replay;
    double largest = 0;
    size_t known = 0;
    for (size_t s = from; s < p->nsteps; s++) {
        double e = pl_report_replay_error(p->steps[s].measured, r->replay_result->simulated[s]);
        if (isfinite(e)) {
            known++;
            largest = fmax(largest, fabs(100.0 * e));
        }
    }
    size_t more = p->nsteps - from;
    fprintf(out, "  ... %zu more step%s, ", more, more == 1 ? "" : "s");
    if (known == 0)
        fputs("none measured\n", out);
    else
        fprintf(out, "%s within %.1f %%\n", known == more ? "all" : "those measured", largest);
}

/* "12.3 ms starved by host, ...": each cause's time and the help of its cause up to its
 * colon. */
static void idle_line(const pl_replay_result *res, FILE *out)
{
    pl_sentence s = {0};
    pl_say(&s, "device idle:");
    for (int c = 0; c < PL_IDLE_CAUSE_COUNT; c++) {
        const char *help = pl_idle_cause_help((pl_idle_cause)c);
        pl_say(&s, "%s %s %.*s", c == 0 ? "" : ",", PL_TIME_TEXT(res->device_idle[c]),
               (int)strcspn(help, ":"), help);
    }
    pl_report_wrapped(out, 2, s.text);
}

int pl_report_replay_text(const pl_report *r, FILE *out)
{
    if (!is_replay(r))
        return 0;
    const pl_replay *p = r->replay;
    const pl_replay_result *res = r->replay_result;
    size_t shown = p->nsteps < PL_REPORT_REPLAY_ROWS ? p->nsteps : PL_REPORT_REPLAY_ROWS;
    row *rows = calloc(shown + 2, sizeof *rows);
    if (!rows)
        return PL_ENOMEM;
    rows[0] = (row){.name = "step", .cell = {"measured", "simulated", "error"}};
    for (size_t s = 0; s < shown; s++)
        rows[s + 1] = measured_row(p->steps[s].name, p->steps[s].measured, res->simulated[s]);
    rows[shown + 1] = measured_row("device busy", p->device_busy, res->device_busy);
    int width[4];
    widths(rows, shown + 2, width);
    fprintf(out, "replay of %s (%zu step%s):\n", p->source ? p->source : "-", p->nsteps,
            p->nsteps == 1 ? "" : "s");
    for (size_t i = 0; i <= shown; i++)
        put_row(out, &rows[i], width);
    if (shown < p->nsteps)
        more_line(r, shown, out);
    put_row(out, &rows[shown + 1], width);
    idle_line(res, out);
    fputc('\n', out);
    free(rows);
    return 0;
}

/* ---- JSON ------------------------------------------------------------------------ */

static json_t *measured_object(const char *name, double measured, double simulated)
{
    json_t *o = json_object();
    if (name)
        o = pl_report_json_with(o, "name", pl_report_json_text(name));
    o = pl_report_json_with(o, "measured_s", pl_report_json_real(measured));
    o = pl_report_json_with(o, "simulated_s", pl_report_json_real(simulated));
    return pl_report_json_with(o, "error",
                               pl_report_json_real(pl_report_replay_error(measured, simulated)));
}

json_t *pl_report_replay_json(const pl_report *r)
{
    if (!is_replay(r))
        return json_null();
    const pl_replay *p = r->replay;
    const pl_replay_result *res = r->replay_result;
    json_t *steps = json_array();
    for (size_t s = 0; s < p->nsteps; s++)
        steps = pl_report_json_append(
            steps, measured_object(p->steps[s].name, p->steps[s].measured, res->simulated[s]));
    json_t *idle = json_object();
    for (int c = 0; c < PL_IDLE_CAUSE_COUNT; c++)
        idle = pl_report_json_with(idle, pl_idle_cause_key((pl_idle_cause)c),
                                   pl_report_json_real(res->device_idle[c]));
    json_t *o = json_object();
    o = pl_report_json_with(o, "source", pl_report_json_text(p->source));
    o = pl_report_json_with(o, "steps", steps);
    o = pl_report_json_with(o, "device_busy",
                            measured_object(NULL, p->device_busy, res->device_busy));
    return pl_report_json_with(o, "device_idle", idle);
}
