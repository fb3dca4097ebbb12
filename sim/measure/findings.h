/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * findings.h — what a model's own command works out without simulating
 * (`pipelab partition`, `pipelab plan`), as data for the report layer
 * (sim/report/findings.h), which prints it as text or as one JSON document.
 *
 * Text shows the heading, then one line per figure (its name, padded to
 * label_width, and its sentence), then each table that has rows, after a blank
 * line and its title. JSON holds the fields, in order (a key "a.b" is member b of
 * the object a), then each table as an array of objects under its name.
 */
#ifndef PL_FINDINGS_H
#define PL_FINDINGS_H

#include "sim/measure/figure.h"
#include "sim/measure/rows.h"

/* A named value of the JSON document; owns its key and value. */
typedef struct pl_field {
    char *key;
    pl_value value;
} pl_field;

/* Owns everything it holds. pl_findings_init makes it empty. */
typedef struct pl_findings {
    const char *noun;   /* static: what it is, for messages ("partition", "plan") */
    char *heading;      /* text: the first line; NULL: none */
    pl_figures figures; /* text: a line each (their title is not printed) */
    int label_width;    /* text: the figures' names are padded to it */
    pl_field *fields;   /* JSON */
    size_t nfields, cap;
    pl_tables tables; /* both */
    int json_digits;  /* significant digits of a real in JSON */
    bool failed;      /* a put ran out of memory */
} pl_findings;

void pl_findings_init(pl_findings *f, const char *noun);
void pl_findings_fini(pl_findings *f);

/* Sets the heading, printf-style. Out of memory sets `failed`. */
void pl_findings_heading(pl_findings *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Append a field of JSON; key is copied. Out of memory sets `failed`, so that a caller
 * may put every field and check once with pl_findings_status. */
void pl_findings_text(pl_findings *f, const char *key, const char *text);
void pl_findings_int(pl_findings *f, const char *key, long long i);
void pl_findings_real(pl_findings *f, const char *key, double x);
void pl_findings_bool(pl_findings *f, const char *key, bool b);

/* 0, or PL_ENOMEM when a put or an add to a table failed. */
int pl_findings_status(const pl_findings *f);

#endif
