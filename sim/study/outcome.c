/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * outcome.c — one scenario's figures, and their exact text form.
 *
 * The text form is one line per fact: "status WORD", "seed N", "figures" with the
 * five run figures, "unit UTIL BUBBLE NAME" per unit (the name last, so that it may
 * hold spaces), and "message TEXT" last. Reals are written with %a, which strtod
 * reads back to the same double. Invariant: a text is accepted only when it ends with
 * its message line, so a child that died half-way is never taken for a result.
 */
#include "sim/study/outcome.h"
#include "models/model.h"
#include "sim/report/parts.h"
#include "sim/study/session.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_words[] = {
#define PL_OUTCOME_WORD(name, word) word,
    PL_OUTCOME_STATUSES(PL_OUTCOME_WORD)
#undef PL_OUTCOME_WORD
};

const char *pl_outcome_status_word(pl_outcome_status s)
{
    return status_words[s];
}

void pl_outcome_init(pl_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->makespan = o->throughput = o->speedup = o->bound = o->efficiency = NAN;
}

void pl_outcome_fini(pl_outcome *o)
{
    for (size_t i = 0; i < o->nunits; i++)
        free(o->units[i].name);
    free(o->units);
    o->units = NULL;
    o->nunits = 0;
}

static pl_outcome_status status_of(int code)
{
    switch (code) {
    case PL_EIO:
    case PL_EPARSE:
    case PL_ECONFIG:
    case PL_EUSAGE:
        return PL_OUTCOME_BAD_INPUT;
    case PL_EDEADLOCK:
        return PL_OUTCOME_DEADLOCK;
    case PL_ECHILD:
        return PL_OUTCOME_CRASHED;
    default:
        return PL_OUTCOME_FAILED;
    }
}

static void failed(pl_outcome *o, const pl_diag *d)
{
    o->status = status_of(d->code);
    snprintf(o->message, sizeof o->message, "%s", d->msg);
}

static int add_unit(pl_outcome *o, const char *name, double util, double bubble)
{
    pl_outcome_unit *u = realloc(o->units, (o->nunits + 1) * sizeof *u);
    if (!u)
        return PL_ENOMEM;
    o->units = u;
    char *copy = strdup(name);
    if (!copy)
        return PL_ENOMEM;
    u[o->nunits++] = (pl_outcome_unit){copy, util, bubble};
    return 0;
}

static int unit_names(pl_outcome *o, const pl_graph *g)
{
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        if (add_unit(o, pl_graph_unit_name(g, u), NAN, NAN) != 0)
            return PL_ENOMEM;
    return 0;
}

static int figures(pl_outcome *o, const pl_report *r)
{
    const pl_metrics *m = r->run.m;
    o->makespan = m->makespan;
    o->throughput = m->throughput;
    o->speedup = r->speedup;
    o->bound = r->run.bound->makespan;
    o->efficiency = pl_report_efficiency(&r->run);
    for (uint32_t u = 0; u < m->nunits; u++)
        if (add_unit(o, pl_graph_unit_name(r->run.graph, u), m->units[u].utilization,
                     m->units[u].bubble) != 0)
            return PL_ENOMEM;
    return 0;
}

int pl_outcome_check(const char *scenario, const char *const *sets, size_t nsets,
                     unsigned long long *seed, pl_diag *d)
{
    pl_config *c = NULL;
    int rc = pl_config_load(scenario, sets, nsets, pl_scenario_keys, &c, d);
    if (rc == 0)
        *seed = (unsigned long long)pl_config_int(c, "seed");
    pl_config_destroy(c);
    return rc;
}

/* Opens the session and lowers or runs it; the outcome says how far it got. */
static int outcome_of(const char *scenario, const char *const *sets, size_t nsets, bool run,
                      pl_outcome *o)
{
    pl_diag d;
    pl_diag_init(&d);
    pl_session *s = NULL;
    int rc = pl_session_open(scenario, sets, nsets, &s, &d);
    if (rc == 0) {
        o->seed = (unsigned long long)pl_config_int(pl_session_config(s), "seed");
        pl_session_skip_advice(s);
        pl_session_one_at_a_time(s);
        rc = run ? pl_session_run(s, &d) : pl_session_lower(s, &d);
    }
    int out = 0;
    if (rc != 0)
        failed(o, &d);
    else
        out = run ? figures(o, pl_session_report(s)) : unit_names(o, pl_session_graph(s));
    pl_session_destroy(s);
    return out;
}

int pl_outcome_job(const char *scenario, const char *const *sets, size_t nsets,
                   const char *const *more, size_t nmore, bool simulate, FILE *out)
{
    const char **all = calloc(nsets + nmore + 1, sizeof *all);
    pl_outcome o;
    pl_outcome_init(&o);
    int rc = all ? 0 : PL_ENOMEM;
    if (rc == 0) {
        memcpy(all, sets, nsets * sizeof *all);
        memcpy(all + nsets, more, nmore * sizeof *all);
        rc = outcome_of(scenario, all, nsets + nmore, simulate, &o);
    }
    if (rc == 0)
        rc = pl_outcome_write(&o, out);
    pl_outcome_fini(&o);
    free(all);
    return rc == 0 ? 0 : 3;
}

/* ---- Text form ----------------------------------------------------------------- */

int pl_outcome_write(const pl_outcome *o, FILE *out)
{
    fprintf(out, "status %s\nseed %llu\nfigures %a %a %a %a %a\n",
            pl_outcome_status_word(o->status), o->seed, o->makespan, o->throughput, o->speedup,
            o->bound, o->efficiency);
    for (size_t i = 0; i < o->nunits; i++)
        fprintf(out, "unit %a %a %s\n", o->units[i].util, o->units[i].bubble, o->units[i].name);
    /* One line: a message never holds a line break, but make sure. */
    fputs("message ", out);
    for (const char *c = o->message; *c; c++)
        fputc(*c == '\n' || *c == '\r' ? ' ' : *c, out);
    fputc('\n', out);
    return ferror(out) ? PL_EIO : 0;
}

static bool parse_status(const char *w, size_t len, pl_outcome_status *s)
{
    for (size_t i = 0; i < sizeof status_words / sizeof status_words[0]; i++)
        if (strlen(status_words[i]) == len && strncmp(w, status_words[i], len) == 0) {
            *s = (pl_outcome_status)i;
            return true;
        }
    return false;
}

static bool parse_unit(pl_outcome *o, const char *line, int *rc)
{
    char *end;
    double util = strtod(line, &end);
    if (*end != ' ')
        return false;
    double bubble = strtod(end + 1, &end);
    if (*end != ' ')
        return false;
    *rc = add_unit(o, end + 1, util, bubble);
    return true;
}

/* Parses one line (NUL-terminated, without its line break); false when malformed. */
static bool parse_line(pl_outcome *o, const char *line, bool *last, int *rc)
{
    if (strncmp(line, "status ", 7) == 0)
        return parse_status(line + 7, strlen(line + 7), &o->status);
    if (strncmp(line, "seed ", 5) == 0) {
        o->seed = strtoull(line + 5, NULL, 10);
        return true;
    }
    if (strncmp(line, "figures ", 8) == 0)
        return sscanf(line + 8, "%la %la %la %la %la", &o->makespan, &o->throughput, &o->speedup,
                      &o->bound, &o->efficiency) == 5;
    if (strncmp(line, "unit ", 5) == 0)
        return parse_unit(o, line + 5, rc);
    if (strncmp(line, "message ", 8) == 0) {
        size_t n = strlen(line + 8);
        if (n >= sizeof o->message)
            n = sizeof o->message - 1;
        memcpy(o->message, line + 8, n);
        o->message[n] = '\0';
        *last = true;
        return true;
    }
    return false;
}

static bool parse_text(pl_outcome *o, const char *text, size_t len, int *rc)
{
    bool last = false;
    const char *p = text, *stop = text + len;
    while (p < stop && !last && *rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        if (!nl)
            return false;
        char line[PL_DIAG_MAX + 64];
        size_t n = (size_t)(nl - p);
        if (n >= sizeof line)
            return false;
        memcpy(line, p, n);
        line[n] = '\0';
        if (!parse_line(o, line, &last, rc))
            return false;
        p = nl + 1;
    }
    return last && p == stop;
}

int pl_outcome_from_child(const pl_pool_result *res, const char *what, pl_outcome *o)
{
    int rc = 0;
    if (res->status == 0 && parse_text(o, res->out, res->len, &rc))
        return 0;
    if (rc != 0)
        return rc;
    unsigned long long seed = o->seed;
    pl_outcome_fini(o);
    pl_outcome_init(o);
    o->seed = seed;
    if (res->signal) {
        char sig[32];
        o->status = PL_OUTCOME_CRASHED;
        snprintf(o->message, sizeof o->message, "the process of %s was killed by %s", what,
                 pl_pool_signal_name(res->signal, sig, sizeof sig));
    } else {
        o->status = PL_OUTCOME_FAILED;
        snprintf(o->message, sizeof o->message,
                 "the process of %s ended without a whole result (exit %d)", what, res->status);
    }
    return 0;
}

const pl_outcome_unit *pl_outcome_unit_named(const pl_outcome *o, const char *name)
{
    for (size_t i = 0; i < o->nunits; i++)
        if (strcmp(o->units[i].name, name) == 0)
            return &o->units[i];
    return NULL;
}
