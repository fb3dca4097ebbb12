/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * replay.h — the replay section of the text and JSON reports: a replayed trace's steps,
 * measured beside simulated, the device's busy time and its idle time by cause
 * (sim/measure/replay.h). Nothing when the report is not a replay's.
 */
#ifndef PL_REPORT_REPLAY_H
#define PL_REPORT_REPLAY_H

#include "sim/report/report.h"

#include <jansson.h>
#include <stdio.h>

/* How many steps the text report lists before it sums up the rest in one line. */
#define PL_REPORT_REPLAY_ROWS 12

/* (simulated - measured) / measured; NaN when either is not known or measured is not
 * positive. */
double pl_report_replay_error(double measured, double simulated);

/* The text section, followed by a blank line; nothing when r->replay is NULL. Returns 0
 * or PL_ENOMEM. */
int pl_report_replay_text(const pl_report *r, FILE *out);

/* The JSON object ({source, steps, device_busy, device_idle}, docs/reports.md), or null
 * when r->replay is NULL. NULL when out of memory. */
json_t *pl_report_replay_json(const pl_report *r);

#endif
