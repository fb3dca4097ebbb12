/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * findings.c — a command's findings: a heading, figures, fields and tables, each
 * owned, with a flag that remembers a failed put.
 */
#include "sim/measure/findings.h"
#include "sim/common/error.h"
#include "sim/common/text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void pl_findings_init(pl_findings *f, const char *noun)
{
    *f = (pl_findings){.noun = noun, .json_digits = 12};
}

void pl_findings_fini(pl_findings *f)
{
    for (size_t i = 0; i < f->nfields; i++) {
        free(f->fields[i].key);
        pl_value_fini(&f->fields[i].value);
    }
    free(f->fields);
    free(f->heading);
    pl_figures_fini(&f->figures);
    pl_tables_fini(&f->tables);
    *f = (pl_findings){0};
}

void pl_findings_heading(pl_findings *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = pl_text_vprintf(fmt, ap);
    va_end(ap);
    if (!s) {
        f->failed = true;
        return;
    }
    free(f->heading);
    f->heading = s;
}

/* Appends the field key = v, taking a TEXT value's string. */
static void put(pl_findings *f, const char *key, pl_value v)
{
    char *k = f->failed ? NULL : strdup(key);
    if (k && f->nfields == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 16;
        pl_field *fields = realloc(f->fields, cap * sizeof *fields);
        if (fields) {
            f->fields = fields;
            f->cap = cap;
        } else {
            free(k);
            k = NULL;
        }
    }
    if (!k) {
        f->failed = true;
        pl_value_fini(&v);
        return;
    }
    f->fields[f->nfields++] = (pl_field){k, v};
}

void pl_findings_text(pl_findings *f, const char *key, const char *text)
{
    char *s = strdup(text);
    if (!s) {
        f->failed = true;
        return;
    }
    put(f, key, (pl_value){.kind = PL_VALUE_TEXT, .text = s});
}

void pl_findings_int(pl_findings *f, const char *key, long long i)
{
    put(f, key, (pl_value){.kind = PL_VALUE_INT, .i = i});
}

void pl_findings_real(pl_findings *f, const char *key, double x)
{
    put(f, key, (pl_value){.kind = PL_VALUE_REAL, .x = x});
}

void pl_findings_bool(pl_findings *f, const char *key, bool b)
{
    put(f, key, (pl_value){.kind = PL_VALUE_BOOL, .b = b});
}

int pl_findings_status(const pl_findings *f)
{
    return f->failed ? PL_ENOMEM : pl_tables_status(&f->tables);
}
