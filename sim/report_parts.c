/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * report_parts.c — what the text, JSON and CSV reports must agree on.
 *
 * Invariant: every renderer lists the critical path in the order made here (time
 * descending, then unit id), so that the same report reads the same in every format.
 */
#include "report_parts.h"

#include <errno.h>
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

int pl_report_critical_shares(const pl_run *run, pl_share **out)
{
    const pl_metrics *m = run->m;
    *out = NULL;
    pl_share *shares = malloc(((size_t)m->nunits + 1) * sizeof *shares);
    if (!shares)
        return PL_ENOMEM;
    int n = 0;
    for (uint32_t u = 0; u < m->nunits; u++) {
        double time = m->units[u].critical;
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

const char *pl_report_binds(const pl_run *run)
{
    switch (run->bound->kind) {
    case PL_BOUND_UNIT:
        return pl_graph_unit_name(run->graph, run->bound->which);
    case PL_BOUND_PLACE:
        return pl_graph_place_name(run->graph, run->bound->which);
    case PL_BOUND_LINK:
        return pl_graph_link_name(run->graph, run->bound->which);
    case PL_BOUND_CRITICAL_PATH:
        break;
    }
    return NULL;
}

double pl_report_efficiency(const pl_run *run)
{
    double makespan = run->m->makespan;
    return makespan > 0 ? run->bound->makespan / makespan : 1.0;
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
