/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figures.h — what a plan says about itself: the figures of the run report
 * (II, bounds, phases, window, memory, versions, the steady body), the tables
 * written beside it (schedule.csv, buffers.csv), and the `pipelab plan` output.
 */
#ifndef PL_PLAN_REPORT_H
#define PL_PLAN_REPORT_H

#include "sim/measure/figure.h"
#include "models/plan/make.h"

#include <stdbool.h>
#include <stdio.h>

/* Appends the plan's figures to out (titled "plan analysis"). PL_ENOMEM. */
int pl_plan_figures(const pl_plan_loop *l, const pl_plan *p, pl_figures *out);

/* Appends schedule.csv (op, iteration, unit, start, end) and buffers.csv (buffer,
 * iteration, version, offset, size, lifetime) to out. PL_ENOMEM. */
int pl_plan_attach(const pl_plan_loop *l, const pl_plan *p, pl_attachments *out);

/* Prints the plan (figures, schedule, buffer map) as text or as one JSON document.
 * PL_ENOMEM, PL_EIO (d filled). */
int pl_plan_print(const pl_plan_loop *l, const pl_plan *p, bool json, FILE *out, pl_diag *d);

/* The name of unit u of l ("dma1"; the class's name alone when it has one unit) into buf. */
const char *pl_plan_unit_name(const pl_plan_loop *l, uint32_t u, char *buf, size_t len);

#endif
