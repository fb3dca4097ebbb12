/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * findings.h — what a plan says about itself, as data: the figures of the run
 * report (II, bounds, loop phases, window, memory, versions, the steady body), the
 * tables written beside it (schedule.csv, buffers.csv), and the findings of
 * `pipelab plan`.
 */
#ifndef PL_PLAN_FINDINGS_H
#define PL_PLAN_FINDINGS_H

#include "models/plan/make.h"
#include "sim/measure/figure.h"
#include "sim/measure/findings.h"
#include "sim/measure/rows.h"

/* Appends the plan's figures to out (titled "plan analysis"). PL_ENOMEM. */
int pl_plan_figures(const pl_plan_loop *l, const pl_plan *p, pl_figures *out);

/* Appends the tables "schedule" (op, iteration, unit, start, end) and, when the loop has
 * buffers, "buffers" (buffer, iteration, version, offset, size, lifetime) to out.
 * PL_ENOMEM. */
int pl_plan_tables(const pl_plan_loop *l, const pl_plan *p, pl_tables *out);

/* The findings of `pipelab plan`: the figures, the bounds, II and memory as fields, the
 * schedule and the buffer map (empty without buffers). PL_ENOMEM. */
int pl_plan_findings(const pl_plan_loop *l, const pl_plan *p, pl_findings *out);

/* The name of unit u of l ("dma1"; the class's name alone when it has one unit) into buf. */
const char *pl_plan_unit_name(const pl_plan_loop *l, uint32_t u, char *buf, size_t len);

#endif
