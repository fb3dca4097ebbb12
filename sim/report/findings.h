/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * findings.h — prints what a model's own command found (sim/measure/findings.h):
 * as text (the heading, a line per figure, each table with rows after a blank line
 * and its title) or as one JSON document (the fields, nested at the dots of their
 * keys, then each table as an array under its name).
 */
#ifndef PL_REPORT_FINDINGS_H
#define PL_REPORT_FINDINGS_H

#include "sim/common/error.h"
#include "sim/measure/findings.h"

#include <stdbool.h>
#include <stdio.h>

/* Prints f (borrowed) to out as text or JSON and flushes it. Returns 0, PL_ENOMEM (f is
 * incomplete, out of memory, or a text that is not UTF-8 for JSON) or PL_EIO, with d
 * filled. */
int pl_report_findings(const pl_findings *f, bool json, FILE *out, pl_diag *d);

#endif
