/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * parts.c — what the text, JSON and CSV reports must agree on.
 *
 * Invariant: every renderer lists the binding chain in the order made here (time
 * descending, then unit id), so that the same report reads the same in every format.
 */
#include "sim/report/parts.h"
#include "sim/common/units.h"
#include "sim/measure/stats.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int by_time_then_unit(const void *pa, const void *pb)
{
    const pl_share *a = pa, *b = pb;
    if (a->time != b->time)
        return a->time > b->time ? -1 : 1;
    return (a->unit > b->unit) - (a->unit < b->unit);
}

int pl_report_chain_shares(const pl_run *run, pl_share **out)
{
    const pl_metrics *m = run->m;
    *out = NULL;
    pl_share *shares = malloc(((size_t)m->nunits + 1) * sizeof *shares);
    if (!shares)
        return PL_ENOMEM;
    int n = 0;
    for (uint32_t u = 0; u < m->nunits; u++) {
        double time = m->units[u].binding;
        if (time > 0)
            shares[n++] = (pl_share){u, time, m->makespan > 0 ? time / m->makespan : 0};
    }
    qsort(shares, (size_t)n, sizeof *shares, by_time_then_unit);
    if (n == 0)
        free(shares);
    else
        *out = shares;
    return n;
}

const char *pl_report_binds(const pl_graph *g, const pl_bound *b)
{
    switch (b->kind) {
    case PL_BOUND_UNIT:
        return pl_graph_unit_name(g, b->which);
    case PL_BOUND_PLACE:
        return pl_graph_place_name(g, b->which);
    case PL_BOUND_LINK:
        return pl_graph_link_name(g, b->which);
    case PL_BOUND_CRITICAL_PATH:
        break;
    }
    return NULL;
}

double pl_report_efficiency(const pl_run *run)
{
    double makespan = run->m->makespan;
    return makespan > 0 ? run->bound->makespan / makespan : NAN;
}

double pl_report_configured_efficiency(const pl_run *run)
{
    double makespan = run->m->makespan;
    return makespan > 0 ? run->configured->makespan / makespan : NAN;
}

json_t *pl_report_json_unsigned(unsigned long long n)
{
#if JSON_INTEGER_IS_LONG_LONG
    const unsigned long long most = LLONG_MAX;
#else
    const unsigned long long most = LONG_MAX;
#endif
    if (n <= most)
        return json_integer((json_int_t)n);
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", n);
    return json_string(buf);
}

json_t *pl_report_json_real(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

json_t *pl_report_json_text(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *pl_report_json_with(json_t *o, const char *key, json_t *value)
{
    if (!o) {
        json_decref(value);
        return NULL;
    }
    if (json_object_set_new(o, key, value) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int pl_report_flush(FILE *out, pl_diag *d, const char *what)
{
    errno = 0;
    int flushed = fflush(out) == 0;
    if (flushed && !ferror(out))
        return 0;
    const char *why = !flushed && errno ? strerror(errno) : "write error";
    return pl_diag_set(d, PL_EIO, "cannot write the %s: %s", what, why);
}

json_t *pl_report_stats_json(const pl_stats *s)
{
    json_t *o = json_object();
    o = pl_report_json_with(o, "n", pl_report_json_unsigned(s->n));
    o = pl_report_json_with(o, "mean", pl_report_json_real(s->mean));
    o = pl_report_json_with(o, "sd", pl_report_json_real(s->sd));
    o = pl_report_json_with(o, "ci_low", pl_report_json_real(s->ci_low));
    o = pl_report_json_with(o, "ci_high", pl_report_json_real(s->ci_high));
    o = pl_report_json_with(o, "min", pl_report_json_real(s->min));
    return pl_report_json_with(o, "max", pl_report_json_real(s->max));
}

json_t *pl_report_json_append(json_t *a, json_t *item)
{
    if (!a || !item) {
        json_decref(a);
        json_decref(item);
        return NULL;
    }
    if (json_array_append_new(a, item) != 0) {
        json_decref(a);
        return NULL;
    }
    return a;
}

void pl_report_rate(double rate, const char *noun, char *buf, size_t len)
{
    static const char *const prefix[] = {"", " k", " M", " G", " T"};
    const int top = (int)(sizeof prefix / sizeof prefix[0]) - 1;
    int p = 0;
    double scale = 1;
    while (p < top && rate >= 1e3 * scale) {
        p++;
        scale *= 1e3;
    }
    char num[32];
    snprintf(num, sizeof num, "%.4g", rate / scale);
    /* 999.96 to 4 digits is 1000: say 1 k instead. */
    if (p < top && strtod(num, NULL) >= 1e3) {
        p++;
        scale *= 1e3;
        snprintf(num, sizeof num, "%.4g", rate / scale);
    }
    snprintf(buf, len, "%s%s %s/s", num, prefix[p], noun);
}

void pl_report_signed_fixed(double x, int decimals, const char *suffix, char *buf, size_t len)
{
    if (!isfinite(x)) {
        snprintf(buf, len, "-");
        return;
    }
    char num[64];
    snprintf(num, sizeof num, "%.*f", decimals, fabs(x));
    const char *sign = strtod(num, NULL) == 0 ? "" : x < 0 ? "-" : "+";
    if (snprintf(buf, len, "%s%s%s", sign, num, suffix) >= (int)len)
        snprintf(buf, len, "-");
}

void pl_report_figure(double x, pl_figure_shape s, const char *noun, bool delta, char *buf,
                      size_t len)
{
    if (!isfinite(x)) {
        snprintf(buf, len, "-");
    } else if (delta && s == PL_FIGURE_TIMES) {
        pl_report_signed_fixed(x, 2, "x", buf, len);
    } else if (delta && s == PL_FIGURE_PERCENT) {
        pl_report_signed_fixed(100 * x, 1, " pp", buf, len);
    } else {
        const char *sign = delta && x > 0 ? "+" : delta && x < 0 ? "-" : "";
        double a = delta ? fabs(x) : x;
        char rate[64];
        if (s == PL_FIGURE_TIME) {
            snprintf(buf, len, "%s%s", sign, PL_TIME_TEXT(a));
        } else if (s == PL_FIGURE_RATE) {
            pl_report_rate(a, noun, rate, sizeof rate);
            snprintf(buf, len, "%s%s", sign, rate);
        } else if (s == PL_FIGURE_TIMES) {
            snprintf(buf, len, "%.2fx", a);
        } else {
            snprintf(buf, len, "%.1f %%", 100 * a);
        }
    }
}

void pl_say(pl_sentence *s, const char *fmt, ...)
{
    size_t room = sizeof s->text - s->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->text + s->len, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        s->len += (size_t)n < room ? (size_t)n : room - 1;
}

void pl_report_wrapped(FILE *out, int indent, const char *text)
{
    const size_t room = (size_t)(PL_REPORT_WRAP - indent);
    const char *p = text;
    while (*p) {
        size_t len = strlen(p), cut = len;
        if (len > room) {
            cut = room;
            /* A space before a percent sign keeps "10 %" together. */
            while (cut > 0 && (p[cut] != ' ' || p[cut + 1] == '%'))
                cut--;
            if (cut == 0) /* one word longer than a line: let it run over */
                cut = strcspn(p, " ");
        }
        fprintf(out, "%*s%.*s\n", indent, "", (int)cut, p);
        p += cut;
        while (*p == ' ')
            p++;
    }
}
