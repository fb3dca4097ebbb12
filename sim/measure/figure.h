/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * figure.h — what a model works out about its workload, for the report: a named
 * value with a sentence that says how it was reached ("period 5 us = VECTOR's
 * 5 us per tile"). Reports print figures as given; they do not know what they
 * mean.
 */
#ifndef PL_FIGURE_H
#define PL_FIGURE_H

#include "sim/common/error.h"

#include <stddef.h>

typedef struct pl_figure {
    char *name;    /* "period", "depth a_l1" */
    double value;  /* in `unit` */
    char *unit;    /* "s", "B", "" for a count */
    char *text;    /* one sentence, values formatted */
} pl_figure;

/* A list of figures under a title; owns everything it holds. Zero-initialised is empty. */
typedef struct pl_figures {
    char *title; /* the section's heading, e.g. "kernel analysis"; NULL when empty */
    pl_figure *v;
    size_t n, cap;
} pl_figures;

/* Sets the title (copied). Returns 0 or PL_ENOMEM. */
int pl_figures_title(pl_figures *f, const char *title);

/* Appends a figure; name and unit are copied, the text formatted. Returns 0 or
 * PL_ENOMEM. */
int pl_figures_add(pl_figures *f, const char *name, double value, const char *unit,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

void pl_figures_fini(pl_figures *f);

#endif
