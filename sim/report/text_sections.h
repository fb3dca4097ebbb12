/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_sections.h — the sections of the text report that text.c assembles but does not
 * hold, and the helpers their files share. Private to the text report: included only by
 * text.c, unit_table.c and where_time_went.c.
 *
 * Every pointer is borrowed for the call; buffers belong to the caller.
 */
#ifndef PL_REPORT_TEXT_SECTIONS_H
#define PL_REPORT_TEXT_SECTIONS_H

#include "sim/report/report.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- Helpers (text.c) ------------------------------------------------------------ */

/* part as a percentage of whole; 0 when whole is not positive. */
double pl_report_pct(double part, double whole);

/* The idle time below which a cause gets no column and no word: the metrics' noise of
 * the makespan. */
double pl_report_noise(const pl_metrics *m);

/* ---- Tables of units (unit_table.c) ---------------------------------------------- */

/* run's unit table under the column title `title`: a row per unit, or per group of
 * units when there are many. Returns 0, PL_ENOMEM or PL_EIO. */
int pl_report_unit_table(const pl_run *run, const char *title, FILE *out);

/* Per device place with two or more units, each pipe's busy share of the makespan and
 * the shares in which any, two or more and no pipe works; nothing without such a
 * place. Returns 0, PL_ENOMEM or PL_EIO. */
int pl_report_places_section(const pl_run *run, FILE *out);

/* ---- Where the time went (where_time_went.c) ------------------------------------- */

/* A few sentences on r's run: its bottleneck as r's verdict found it (or its busiest unit
 * when there is no verdict) and the gains of the changes tried, its busiest stage, its
 * distance from its bound, the device units idle longest and the units that lose time to
 * sharing or to slots. Returns 0 or PL_ENOMEM. */
int pl_report_where_time_went(const pl_report *r, FILE *out);

#endif
