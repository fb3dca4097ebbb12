/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * csv.c — writing and splitting CSV fields.
 *
 * Splitting unquotes in place: an unquoted field is never longer than its quoted
 * form, so the write position never passes the read position.
 */
#include "sim/common/csv.h"

#include <stdbool.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
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

/* The significant digits of a %g text: those of its mantissa but leading and trailing
 * zeros (at least 1). */
static int significant_digits(const char *text)
{
    int first = -1, last = -1, n = 0;
    for (const char *c = text; *c && *c != 'e'; c++) {
        if (*c < '0' || *c > '9')
            continue;
        if (*c != '0') {
            first = first < 0 ? n : first;
            last = n;
        }
        n++;
    }
    return first < 0 ? 1 : last - first + 1;
}

char *pl_csv_real(double x, char *buf, size_t len)
{
    if (!isfinite(x)) {
        snprintf(buf, len, "%s", isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
        return buf;
    }
    /* The first precision whose text reads back as x; 17 digits always do. A normal double
     * starts at 15 (DBL_DIG): 15-digit decimals lie farther apart than doubles, so when a
     * text of k < 15 digits reads back as x it is the nearest 15-digit one too, and %.15g
     * prints its digits; %.*g with k then gives the text the search from 1 would have
     * stopped at (the exponent form included). A subnormal starts at 1. */
    bool normal = fabs(x) >= DBL_MIN;
    for (int p = normal ? DBL_DIG : 1; p <= 17; p++) {
        snprintf(buf, len, "%.*g", p, x);
        if (strtod(buf, NULL) != x)
            continue;
        int k = normal && p == DBL_DIG ? significant_digits(buf) : p;
        if (k < p)
            snprintf(buf, len, "%.*g", k, x);
        break;
    }
    return buf;
}

void pl_csv_put_real(FILE *out, double x)
{
    /* The last value this thread wrote and its text: a row of intervals starts where the
     * row before ended, so that about half the values come again at once, and the search
     * for the shortest text (a few conversions each way) is made once for both. Compared
     * bit for bit, so that 0 and -0 keep their own texts. */
    static _Thread_local uint64_t last_bits;
    static _Thread_local char last[32];
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    if (last[0] == '\0' || bits != last_bits) {
        pl_csv_real(x, last, sizeof last);
        last_bits = bits;
    }
    fputc(',', out);
    fputs(last, out);
}
