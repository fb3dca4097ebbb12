/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verdicts.h — the verdict (sim/measure/verdict.h) in words and as JSON: which change
 * of the run shortens it most, and what the others tried gained.
 */
#ifndef PL_REPORT_VERDICTS_H
#define PL_REPORT_VERDICTS_H

#include "sim/measure/verdict.h"
#include "sim/report/parts.h"

/* The verdict sentence of v (searched): what holds the run back and by how much relieving
 * it shortens the run, or that no change tried shortens it. */
void pl_report_verdict_sentence(const pl_verdict *v, pl_sentence *s);

/* The changes tried: how many were simulated and how many the bounds ruled out, and the
 * gains of the first PL_REPORT_TOP_TRIED simulated ones. */
#define PL_REPORT_TOP_TRIED 3
void pl_report_tried_sentence(const pl_verdict *v, pl_sentence *s);

/* The verdict as JSON (see docs/reports.md), null when v is NULL (not searched); NULL
 * when out of memory. */
json_t *pl_report_verdict_json(const pl_verdict *v);

#endif
