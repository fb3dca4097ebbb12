/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * spans.h — when a unit was busy, in brief: what the metrics' one pass over a timeline
 * (metrics.c) keeps of each unit for the phases and the places.
 */
#ifndef PL_SPANS_H
#define PL_SPANS_H

/* Of a unit's tasks that take time (end > start), in its task order: */
typedef struct pl_unit_span {
    double first;  /* the earliest start; INFINITY when none takes time */
    double last;   /* the end of the last one; -INFINITY when none takes time */
    double active; /* their durations (end - start), added in that order from 0 */
} pl_unit_span;

#endif
