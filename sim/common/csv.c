/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * csv.c — writing and splitting CSV fields.
 *
 * Splitting unquotes in place: an unquoted field is never longer than its quoted
 * form, so the write position never passes the read position.
 */
#include "sim/common/csv.h"

#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void pl_csv_put(FILE *out, const char *s)
{
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* Unquotes the quoted field starting at *r (just past its opening quote) into w; returns
 * where the field ends (at its closing quote's successor), or NULL when it never closes. */
static char *unquote(char *r, char **w)
{
    for (;;) {
        if (*r == '\0')
            return NULL;
        if (*r == '"' && r[1] == '"') {
            *(*w)++ = '"';
            r += 2;
        } else if (*r == '"') {
            return r + 1;
        } else {
            *(*w)++ = *r++;
        }
    }
}

int pl_csv_split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *r = line;
    for (;;) {
        if (n == max)
            return -1;
        char *w = r;
        fields[n++] = w;
        if (*r == '"') {
            r = unquote(r + 1, &w);
            if (!r || (*r != ',' && *r != '\0'))
                return -1;
        } else {
            while (*r != ',' && *r != '\0')
                *w++ = *r++;
        }
        bool more = *r == ',';
        *w = '\0';
        if (!more)
            return (int)n;
        r++;
    }
}

char *pl_csv_real(double x, char *buf, size_t len)
{
    if (!isfinite(x)) {
        snprintf(buf, len, "%s", isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
        return buf;
    }
    /* The first precision whose text reads back as x; 17 digits always do. */
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, len, "%.*g", p, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}

void pl_csv_put_real(FILE *out, double x)
{
    char buf[32];
    fprintf(out, ",%s", pl_csv_real(x, buf, sizeof buf));
}
