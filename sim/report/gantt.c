/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gantt.c — ASCII Gantt charts of the run and its baseline, each on its own time scale
 * or both on one.
 *
 * Each row is a unit and each column a slice of dt seconds; a column shows what
 * filled most of that slice of the unit's time. Rows are computed by sweeping the
 * unit's tasks and idle intervals once, each touching only the columns it overlaps,
 * so a chart costs O(tasks + units x columns) however many tasks there are.
 * Invariant: every line printed is at most `width` characters, and uses only ASCII.
 */
#include "sim/report/gantt.h"

#include "sim/report/parts.h"
#include "sim/common/text.h"
#include "sim/common/units.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Busy less than this share of a column is rounding where two spans meet. */
#define NOISE 1e-6
/* A column within this share of a threshold counts as reaching it: otherwise a unit busy
 * exactly half the time flickers between '=' and '-' as task boundaries fall in or out
 * of each column, drawing a pattern that is not in the run. */
#define SLACK 0.01
/* A unit whose tasks average at least this many columns shows item numbers. */
#define DIGIT_CELLS 2.0

/* ---- Glyphs --------------------------------------------------------------------- */

/* Which glyphs a chart used, for the legend. */
struct used {
    int digits, full, half, some, edge;
    int cause[PL_EDGE_KIND_COUNT];
};

/* One letter per bubble cause: the first letter of its cause name not taken by an
 * earlier kind in PL_EDGE_KINDS order, else the first free letter of the alphabet, so
 * that "slot" and "sync" get different letters (s, y) and the table follows the list. */
static void cause_letters(char *letters)
{
    int taken[26] = {0};
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++) {
        char pick = 0;
        for (const char *p = pl_edge_cause_name((pl_edge_kind)k); *p && !pick; p++) {
            int c = tolower((unsigned char)*p);
            if (c >= 'a' && c <= 'z' && !taken[c - 'a'])
                pick = (char)c;
        }
        for (int c = 0; c < 26 && !pick; c++)
            if (!taken[c])
                pick = (char)('a' + c);
        taken[pick - 'a'] = 1;
        letters[k] = pick;
    }
}

/* ---- Rows ----------------------------------------------------------------------- */

/* Index of fill and drain in struct cell's idle times, after the bubble causes. */
#define EDGE_IDLE PL_EDGE_KIND_COUNT

/* What one column of one row holds: busy time, the item with most time in it, and idle
 * time by bubble cause (fill and drain last). */
struct cell {
    double busy, item_time;
    uint32_t item;
    double idle[PL_EDGE_KIND_COUNT + 1];
};

struct chart {
    const pl_run *run;
    double dt; /* seconds per column */
    int cells; /* columns per row */
    int label; /* width of the label column */
    char letters[PL_EDGE_KIND_COUNT];
    struct cell *row;
    char *line; /* 2 x (width + 1) bytes: a row, or the two lines of the axis */
    struct used used;
};

/* The columns [first, last] that [a, b) overlaps, clamped to the chart. */
static void columns_of(const struct chart *c, double a, double b, int *first, int *last)
{
    double fa = floor(a / c->dt), fb = floor(b / c->dt);
    *first = fa < 0 ? 0 : fa >= c->cells ? c->cells : (int)fa;
    *last = fb >= c->cells ? c->cells - 1 : (int)fb;
}

static double overlap(const struct chart *c, int col, double a, double b)
{
    return fmin(b, (col + 1) * c->dt) - fmax(a, col * c->dt);
}

static void add_busy(struct chart *c, double a, double b, uint32_t item)
{
    int first, last;
    columns_of(c, a, b, &first, &last);
    for (int col = first; col <= last; col++) {
        double t = overlap(c, col, a, b);
        if (t <= 0)
            continue;
        c->row[col].busy += t;
        if (t > c->row[col].item_time) {
            c->row[col].item_time = t;
            c->row[col].item = item;
        }
    }
}

static void add_idle(struct chart *c, double a, double b, int why)
{
    int first, last;
    columns_of(c, a, b, &first, &last);
    for (int col = first; col <= last; col++) {
        double t = overlap(c, col, a, b);
        if (t > 0)
            c->row[col].idle[why] += t;
    }
}

/* Why a unit idled before task t: the kind of the edge that released it. */
static int gap_cause(const struct chart *c, uint32_t t)
{
    uint32_t e = c->run->tl->release[t];
    return e == PL_NO_EDGE ? EDGE_IDLE : pl_graph_edge(c->run->graph, e)->kind;
}

/* The glyph of the reason a column was idle longest, or 0 when it never was; ties go to
 * the cause listed first. */
static char idle_glyph(const struct chart *c, const struct cell *cell)
{
    int best = -1;
    for (int k = 0; k <= EDGE_IDLE; k++)
        if (cell->idle[k] > 0 && (best < 0 || cell->idle[k] > cell->idle[best]))
            best = k;
    if (best < 0)
        return 0;
    return best == EDGE_IDLE ? '.' : c->letters[best];
}

/* Sweeps unit u's tasks and idle intervals into c->row. */
static void fill_row(struct chart *c, uint32_t u)
{
    const pl_timeline *tl = c->run->tl;
    double makespan = tl->makespan;
    uint32_t n;
    const uint32_t *tasks = pl_graph_unit_tasks(c->run->graph, u, &n);
    memset(c->row, 0, (size_t)c->cells * sizeof *c->row);
    if (n == 0) {
        add_idle(c, 0, makespan, EDGE_IDLE);
        return;
    }
    add_idle(c, 0, tl->start[tasks[0]], EDGE_IDLE);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = tasks[i];
        if (i > 0)
            add_idle(c, pl_timeline_free(tl, tasks[i - 1]), tl->start[t], gap_cause(c, t));
        add_busy(c, tl->start[t], tl->end[t], pl_graph_task_item(c->run->graph, t));
        /* Waking threads after the task keeps its thread busy (pl_timeline.woke). */
        if (tl->woke && tl->woke[t] > 0)
            add_busy(c, tl->end[t], pl_timeline_free(tl, t), pl_graph_task_item(c->run->graph, t));
    }
    add_idle(c, pl_timeline_free(tl, tasks[n - 1]), makespan, EDGE_IDLE);
}

/* A column past the end of this graph's run is blank; otherwise a column busy half the
 * time or more shows the item (digits) or how busy it was, and a column idle more than
 * half the time shows why it was idle: the point of the chart is to show bubbles and
 * their causes, also when tasks are narrower than a column. */
static char glyph(const struct chart *c, int col, int digits)
{
    double from = col * c->dt, to = fmin((col + 1) * c->dt, c->run->tl->makespan);
    if (from >= c->run->tl->makespan)
        return ' ';
    const struct cell *cell = &c->row[col];
    double busy = cell->busy / (to - from);
    if (digits && busy >= 0.5)
        return (char)('0' + cell->item % 10);
    if (!digits && busy >= 7.0 / 8 - SLACK)
        return '#';
    if (!digits && busy >= 0.5 - SLACK)
        return '=';
    char idle = idle_glyph(c, cell);
    if (idle)
        return idle;
    return busy > NOISE ? '-' : '.';
}

static void note_used(struct used *used, char g, const char *letters)
{
    used->digits |= g >= '0' && g <= '9';
    used->full |= g == '#';
    used->half |= g == '=';
    used->some |= g == '-';
    used->edge |= g == '.';
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        used->cause[k] |= g == letters[k];
}

/* Names longer than the label column keep their end, where pools number their threads
 * (host.launch.0, host.launch.1), behind a '~'. */
static void put_label(FILE *out, const char *name, int width)
{
    int len = (int)strlen(name);
    if (len <= width)
        fprintf(out, "%-*s", width, name);
    else
        fprintf(out, "~%s", name + len - (width - 1));
}

static void draw_row(struct chart *c, FILE *out, uint32_t u)
{
    uint32_t n;
    pl_graph_unit_tasks(c->run->graph, u, &n);
    fill_row(c, u);
    int digits = n > 0 && c->run->m->units[u].busy / n >= DIGIT_CELLS * c->dt;
    for (int col = 0; col < c->cells; col++) {
        c->line[col] = glyph(c, col, digits);
        note_used(&c->used, c->line[col], c->letters);
    }
    c->line[c->cells] = '\0';
    put_label(out, pl_graph_unit_name(c->run->graph, u), c->label);
    fprintf(out, " |%s|\n", c->line);
}

/* ---- The time axis ------------------------------------------------------------- */

/* The smallest of 1, 2, 5 x 10^k that is at least x, allowing for rounding in x. */
static double nice_step(double x)
{
    double p = pow(10, floor(log10(x)));
    double f = x / p;
    double m = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
    return m * p;
}

/* Writes text into line at pos if it fits with a blank on either side; returns whether. */
static int place(char *line, int len, int pos, const char *text)
{
    int n = (int)strlen(text);
    if (pos < 0 || pos + n > len)
        return 0;
    for (int i = pos - 1; i <= pos + n; i++)
        if (i >= 0 && i < len && line[i] != ' ')
            return 0;
    memcpy(line + pos, text, (size_t)n);
    return 1;
}

/* Two lines under the rows: '+' ticks on a rule, and their times. The ends are always
 * labelled; ticks at round times in between (one or two) where their labels fit. */
static void draw_axis(struct chart *c, FILE *out)
{
    int len = c->label + 3 + c->cells, left = c->label + 1, right = len - 1;
    char *rule = c->line, *times = c->line + len + 1;
    memset(rule, ' ', (size_t)len);
    memset(rule + left, '-', (size_t)(right - left));
    memset(times, ' ', (size_t)len);
    rule[left] = rule[right] = '+';
    rule[len] = times[len] = '\0';
    char buf[32];
    double span = c->dt * c->cells;
    pl_units_format(span, PL_Q_TIME, 4, buf, sizeof buf);
    place(times, len, right + 1 - (int)strlen(buf), buf);
    place(times, len, left, pl_units_format(0, PL_Q_TIME, 4, buf, sizeof buf));
    double step = nice_step(span / 3);
    for (int k = 1; k * step < span; k++) {
        int pos = left + 1 + (int)lround(k * step / c->dt);
        if (pos < right &&
            place(times, len, pos, pl_units_format(k * step, PL_Q_TIME, 4, buf, sizeof buf)))
            rule[pos] = '+';
    }
    fprintf(out, "%s\n", rule);
    for (int i = len - 1; i >= 0 && times[i] == ' '; i--)
        times[i] = '\0';
    fprintf(out, "%s\n", times);
}

static void draw_chart(struct chart *c, FILE *out, const char *mode)
{
    fprintf(out, "%s: makespan %s\n", mode,
            pl_units_format(c->run->m->makespan, PL_Q_TIME, 4, (char[32]){0}, 32));
    for (uint32_t u = 0; u < pl_graph_unit_count(c->run->graph); u++)
        draw_row(c, out, u);
    draw_axis(c, out);
}

/* ---- The legend ----------------------------------------------------------------- */

/* The entries for the glyphs a chart used, in a fixed order. */
#define MAX_ENTRIES (5 + PL_EDGE_KIND_COUNT)
#define ENTRY_LEN   160

static int legend_entries(const struct used *used, const char *letters, char entries[][ENTRY_LEN])
{
    int n = 0;
    if (used->digits)
        snprintf(entries[n++], ENTRY_LEN, "0-9 busy on an item (last digit of its number)");
    if (used->full)
        snprintf(entries[n++], ENTRY_LEN, "# busy 7/8 or more of the column");
    if (used->half)
        snprintf(entries[n++], ENTRY_LEN, "= busy half or more");
    if (used->some)
        snprintf(entries[n++], ENTRY_LEN, "- busy less than half");
    for (int k = 0; k < PL_EDGE_KIND_COUNT; k++)
        if (used->cause[k])
            snprintf(entries[n++], ENTRY_LEN, "%c bubble, %s", letters[k],
                     pl_edge_cause_help((pl_edge_kind)k));
    if (used->edge)
        snprintf(entries[n++], ENTRY_LEN,
                 ". fill or drain (idle before the first or after the"
                 " last task)");
    return n;
}

/* "legend:" and the entries, "; " apart, folded to the width under a hanging indent
 * (no word of them is near a line's length, so every line stays within the width). */
static void draw_legend(FILE *out, int width, const struct used *used, const char *letters)
{
    char entries[MAX_ENTRIES][ENTRY_LEN], text[MAX_ENTRIES * (ENTRY_LEN + 2)] = "";
    int n = legend_entries(used, letters, entries);
    for (int i = 0; i < n; i++)
        strcat(strcat(text, entries[i]), i + 1 < n ? "; " : "");
    fputs("legend:", out);
    pl_text_fold(out, text, 7, 8, width);
    fputc('\n', out);
}

/* ---- The chart ------------------------------------------------------------------ */

static int label_width(const pl_report *r, int width)
{
    size_t longest = 0;
    const pl_graph *gs[] = {r->run.graph, r->baseline.graph};
    for (int i = 0; i < 2; i++)
        for (uint32_t u = 0; u < pl_graph_unit_count(gs[i]); u++) {
            size_t len = strlen(pl_graph_unit_name(gs[i], u));
            longest = len > longest ? len : longest;
        }
    int cap = width / 3;
    return longest > (size_t)cap ? cap : longest < 1 ? 1 : (int)longest;
}

/* Seconds per column for a chart of `span` seconds. */
static double column_time(double span, int cells)
{
    return span > 0 ? span / cells : 1.0 / cells;
}

int pl_gantt_draw(const pl_report *r, FILE *out, int width, bool shared, pl_diag *d)
{
    width = width < PL_TEXT_MIN_WIDTH   ? PL_TEXT_MIN_WIDTH
            : width > PL_TEXT_MAX_WIDTH ? PL_TEXT_MAX_WIDTH
                                        : width;
    struct chart c = {.run = &r->run, .label = label_width(r, width)};
    c.cells = width - c.label - 3;
    double both = fmax(r->run.m->makespan, r->baseline.m->makespan);
    c.dt = column_time(shared ? both : r->run.m->makespan, c.cells);
    cause_letters(c.letters);
    c.row = malloc((size_t)c.cells * sizeof *c.row);
    c.line = malloc(2 * ((size_t)width + 1));
    if (!c.row || !c.line) {
        free(c.row);
        free(c.line);
        return pl_diag_set(d, PL_ENOMEM, "out of memory while drawing the Gantt chart");
    }
    draw_chart(&c, out, r->mode);
    fputc('\n', out);
    c.run = &r->baseline;
    c.dt = column_time(shared ? both : r->baseline.m->makespan, c.cells);
    draw_chart(&c, out, r->baseline_mode);
    fputc('\n', out);
    draw_legend(out, width, &c.used, c.letters);
    free(c.row);
    free(c.line);
    return pl_report_flush(out, d, "Gantt chart");
}
