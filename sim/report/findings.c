/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * findings.c — a command's findings as text or JSON. Nothing is computed here:
 * every number was worked out by the model, every sentence written by it.
 */
#include "sim/report/findings.h"
#include "sim/report/parts.h"
#include "sim/report/rows.h"

#include <string.h>

static int text(const pl_findings *f, FILE *out)
{
    if (f->heading)
        fprintf(out, "%s\n", f->heading);
    for (size_t i = 0; i < f->figures.n; i++)
        fprintf(out, "%-*s %s\n", f->label_width, f->figures.v[i].name, f->figures.v[i].text);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < f->tables.n; i++) {
        const pl_rows *r = f->tables.v[i];
        if (pl_rows_count(r) == 0)
            continue;
        fputc('\n', out);
        if (r->title)
            fprintf(out, "%s:\n", r->title);
        rc = pl_report_rows_text(r, out);
    }
    return rc;
}

/* Sets the member at `key` of doc, "a.b" being member b of the object a, which is made
 * when it is first named. Returns doc, or NULL (doc freed) when out of memory. */
static json_t *put(json_t *doc, const char *key, json_t *value)
{
    const char *dot = strchr(key, '.');
    if (!doc || !dot)
        return pl_report_json_with(doc, key, value);
    char outer[128];
    snprintf(outer, sizeof outer, "%.*s", (int)(dot - key), key);
    json_t *o = json_object_get(doc, outer);
    if (!o && !(doc = pl_report_json_with(doc, outer, json_object())))
        return NULL;
    o = json_object_get(doc, outer);
    if (!put(o, dot + 1, value)) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

static json_t *document(const pl_findings *f)
{
    json_t *doc = json_object();
    for (size_t i = 0; doc && i < f->nfields; i++)
        doc = put(doc, f->fields[i].key, pl_report_value_json(&f->fields[i].value));
    for (size_t i = 0; doc && i < f->tables.n; i++)
        doc = pl_report_json_with(doc, f->tables.v[i]->name, pl_report_rows_json(f->tables.v[i]));
    return doc;
}

int pl_report_findings(const pl_findings *f, bool json, FILE *out, pl_diag *d)
{
    if (pl_findings_status(f) != 0)
        return pl_diag_set(d, PL_ENOMEM, "out of memory while working out the %s", f->noun);
    int rc = 0;
    if (json) {
        json_t *doc = document(f);
        if (!doc)
            return pl_diag_set(d, PL_ENOMEM,
                               "cannot build the JSON %s: out of memory, or a name that is not "
                               "UTF-8",
                               f->noun);
        rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(f->json_digits));
        json_decref(doc);
        if (rc != 0)
            return pl_diag_set(d, PL_EIO, "cannot write the %s", f->noun);
        fputc('\n', out);
    } else {
        rc = text(f, out);
        if (rc == PL_ENOMEM)
            return pl_diag_set(d, rc, "out of memory while printing the %s", f->noun);
    }
    return pl_report_flush(out, d, f->noun);
}
