/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * parts.h — pieces that several report renderers share: the units' shares
 * of the binding chain in one order, the name of what binds the bound, and the
 * check that everything was written.
 */
#ifndef PL_REPORT_PARTS_H
#define PL_REPORT_PARTS_H

#include "sim/report/report.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* One unit's time on the binding chain (the tasks that set the makespan, walked back
 * from the last) and its share of the makespan. */
typedef struct pl_share {
    uint32_t unit;
    double time;  /* seconds */
    double share; /* time / makespan; 0 when the makespan is 0 */
} pl_share;

/* The units of run with time on the binding chain, largest first, ties by unit id.
 * Stores a malloc'd array in *out (the caller frees it; NULL when there is none) and
 * returns its length, or PL_ENOMEM. */
int pl_report_chain_shares(const pl_run *run, pl_share **out);

/* The name of the unit, place or link of g whose term binds b, or NULL for the critical
 * path. Borrowed from the graph. */
const char *pl_report_binds(const pl_graph *g, const pl_bound *b);

/* bound / makespan: how close the simulation came to its lower bound; NaN (undefined:
 * null in JSON, n/a in text) for a run that takes no time. */
double pl_report_efficiency(const pl_run *run);
/* The configured bound / makespan; NaN for a run that takes no time. */
double pl_report_configured_efficiency(const pl_run *run);

/* An unsigned 64-bit number (a seed, a count) as a JSON value: an integer, or a decimal
 * string when it is too large for jansson's signed integers, rather than a wrapped
 * negative number. NULL when out of memory. */
json_t *pl_report_json_unsigned(unsigned long long n);

/* A real, or null when x is not finite (JSON has no NaN or infinity). NULL when out of
 * memory. */
json_t *pl_report_json_real(double x);

/* A string, or null for NULL. NULL when out of memory or s is not UTF-8. */
json_t *pl_report_json_text(const char *s);

/* Sets key in o, stealing value, and returns o. A NULL value (an allocation that failed)
 * or a failed set frees o and returns NULL, and a NULL o stays NULL (value is freed): an
 * object built by a chain of these is whole or NULL, never missing a key. */
json_t *pl_report_json_with(json_t *o, const char *key, json_t *value);

/* Appends item to the array a, stealing it, with the all-or-nothing rule of
 * pl_report_json_with: a NULL a or item, or a failed append, frees both and gives NULL. */
json_t *pl_report_json_append(json_t *a, json_t *item);

/* The statistics of a figure over replications: {n, mean, sd, ci_low, ci_high, min, max},
 * null where one is not a number. NULL when out of memory. */
struct pl_stats;
json_t *pl_report_stats_json(const struct pl_stats *s);

/* Items per second with an SI prefix and 4 significant digits ("277.8 k ops/s"). */
void pl_report_rate(double rate, const char *noun, char *buf, size_t len);

/* How a summary figure prints: a time, a rate of items, a ratio ("1.25x"), a fraction as a
 * percentage. */
typedef enum pl_figure_shape {
    PL_FIGURE_TIME,
    PL_FIGURE_RATE,
    PL_FIGURE_TIMES,
    PL_FIGURE_PERCENT
} pl_figure_shape;

/* x as a figure of shape s into buf, a rate counting `noun`s; "-" where x is not finite.
 * A difference (delta) carries its sign, a ratio's and a percentage's only where it does
 * not read as zero, and a percentage's is in percentage points ("+2.5 pp"). */
void pl_report_figure(double x, pl_figure_shape s, const char *noun, bool delta, char *buf,
                      size_t len);

/* x with `decimals` decimals and a suffix, signed unless it reads as zero; "-" when x is
 * not finite or too wide for buf. */
void pl_report_signed_fixed(double x, int decimals, const char *suffix, char *buf, size_t len);

/* A sentence being written: appends are cut at the end of the buffer, never past it. */
typedef struct pl_sentence {
    char text[2048];
    size_t len;
} pl_sentence;

void pl_say(pl_sentence *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints text wrapped at PL_REPORT_WRAP columns, each line after `indent` spaces, never
 * between a number and its percent sign; a word longer than a line runs over. */
#define PL_REPORT_WRAP 78
void pl_report_wrapped(FILE *out, int indent, const char *text);

/* The run's item latency: "mean 65 us, p50 60 us, p99 150 us, max 170 us (...)". */
void pl_report_latency_text(const pl_run *run, char *buf, size_t len);
json_t *pl_report_latency_json(const pl_run *run); /* NULL when out of memory */

/* The stage table (nothing when the graph has no stages): one row per stage with its
 * threads' busy time, utilization, fill, starved, blocked and drain, the bottleneck
 * marked. Returns 0, PL_ENOMEM or PL_EIO. */
int pl_report_stage_table(const pl_run *run, FILE *out);
/* A sentence on the bottleneck stage; the run must have stages. */
void pl_report_stage_sentence(const pl_run *run, char *buf, size_t len);
/* The stages as a JSON array (empty without stages); NULL when out of memory. */
json_t *pl_report_stages_json(const pl_run *run);

/* Flushes out and checks its error flag. Returns 0, or PL_EIO with d saying that the
 * `what` could not be written. */
int pl_report_flush(FILE *out, pl_diag *d, const char *what);

#endif
