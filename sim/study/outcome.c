/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * outcome.c — one scenario's figures, and their exact text form.
 *
 * The text form is one line per fact, in this order: "status WORD", "seed N", "figures"
 * with the five run figures, "verdict GAIN LEN:BOTTLENECK" when the outcome is advised,
 * "unit UTIL BUBBLE LEN:NAME" per unit, and "message LEN:TEXT" last. A name or message
 * is its length in bytes, a colon and the bytes themselves, so no name, whatever it
 * holds (line breaks, "figures ..."), can be read as another item.
 * Reals are written with %a, which strtod reads back to the same double. Invariant: a
 * text is accepted only when every item is whole and in its place and the message line
 * ends the text exactly, so a child that died half-way is never taken for a result.
 */
#include "sim/study/outcome.h"
#include "models/model.h"
#include "sim/measure/verdict.h"
#include "sim/report/parts.h"
#include "sim/study/session.h"

#include <errno.h>
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
    o->bottleneck_gain = NAN;
}

void pl_outcome_fini(pl_outcome *o)
{
    free(o->bottleneck);
    o->bottleneck = NULL;
    o->advised = false;
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

/* The verdict's bottleneck as "KIND NAME", the candidates that tie joined with " + ". */
static int verdict_of(pl_outcome *o, const pl_verdict *v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return PL_ENOMEM;
    for (size_t i = 0; v && i < v->nbest; i++)
        fprintf(f, "%s%s %s", i ? " + " : "", pl_change_kind_name(v->tried[i].kind),
                v->tried[i].name);
    if (fclose(f) != 0) {
        free(buf);
        return PL_ENOMEM;
    }
    o->advised = true;
    o->bottleneck = buf;
    o->bottleneck_gain = v && v->nbest ? v->tried[0].gain : 0;
    return 0;
}

static int figures(pl_outcome *o, const pl_report *r, bool advice)
{
    const pl_metrics *m = r->run.m;
    o->makespan = m->makespan;
    o->throughput = m->throughput;
    o->speedup = r->speedup;
    o->bound = r->run.bound->makespan;
    o->efficiency = pl_report_efficiency(&r->run);
    if (advice && verdict_of(o, r->verdict) != 0)
        return PL_ENOMEM;
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

/* What a job does with its scenario. */
enum job { LOWER, SIMULATE, ADVISE };

/* Opens the session and lowers or runs it; the outcome says how far it got. */
static int outcome_of(const char *scenario, const char *const *sets, size_t nsets, enum job job,
                      pl_outcome *o)
{
    bool run = job != LOWER;
    pl_diag d;
    pl_diag_init(&d);
    pl_session *s = NULL;
    int rc = pl_session_open(scenario, sets, nsets, &s, &d);
    if (rc == 0) {
        o->seed = (unsigned long long)pl_config_int(pl_session_config(s), "seed");
        if (job != ADVISE)
            pl_session_skip_advice(s);
        pl_session_one_at_a_time(s);
        rc = run ? pl_session_run(s, &d) : pl_session_lower(s, &d);
    }
    int out = 0;
    if (rc != 0)
        failed(o, &d);
    else
        out = run ? figures(o, pl_session_report(s), job == ADVISE)
                  : unit_names(o, pl_session_graph(s));
    pl_session_destroy(s);
    return out;
}

static int job_of(const char *scenario, const char *const *sets, size_t nsets,
                  const char *const *more, size_t nmore, enum job job, FILE *out)
{
    const char **all = calloc(nsets + nmore + 1, sizeof *all);
    pl_outcome o;
    pl_outcome_init(&o);
    int rc = all ? 0 : PL_ENOMEM;
    if (rc == 0) {
        memcpy(all, sets, nsets * sizeof *all);
        memcpy(all + nsets, more, nmore * sizeof *all);
        rc = outcome_of(scenario, all, nsets + nmore, job, &o);
    }
    if (rc == 0)
        rc = pl_outcome_write(&o, out);
    pl_outcome_fini(&o);
    free(all);
    return rc == 0 ? 0 : 3;
}

int pl_outcome_job(const char *scenario, const char *const *sets, size_t nsets,
                   const char *const *more, size_t nmore, bool simulate, FILE *out)
{
    return job_of(scenario, sets, nsets, more, nmore, simulate ? SIMULATE : LOWER, out);
}

int pl_outcome_job_advised(const char *scenario, const char *const *sets, size_t nsets,
                           const char *const *more, size_t nmore, FILE *out)
{
    return job_of(scenario, sets, nsets, more, nmore, ADVISE, out);
}

/* ---- Text form ----------------------------------------------------------------- */

/* Writes LEN:BYTES, the length first, so that no byte of a name or message is read as
 * anything but part of it. */
static void counted(FILE *out, const char *text)
{
    size_t n = strlen(text);
    fprintf(out, "%zu:", n);
    fwrite(text, 1, n, out);
}

int pl_outcome_write(const pl_outcome *o, FILE *out)
{
    fprintf(out, "status %s\nseed %llu\nfigures %a %a %a %a %a\n",
            pl_outcome_status_word(o->status), o->seed, o->makespan, o->throughput, o->speedup,
            o->bound, o->efficiency);
    if (o->advised) {
        fprintf(out, "verdict %a ", o->bottleneck_gain);
        counted(out, o->bottleneck ? o->bottleneck : "");
        fputc('\n', out);
    }
    for (size_t i = 0; i < o->nunits; i++) {
        fprintf(out, "unit %a %a ", o->units[i].util, o->units[i].bubble);
        counted(out, o->units[i].name);
        fputc('\n', out);
    }
    fputs("message ", out);
    counted(out, o->message);
    fputc('\n', out);
    return ferror(out) ? PL_EIO : 0;
}

/* A cursor over the text; every read checks the bytes left, so the text needs no NUL. */
struct text {
    const char *p, *start, *stop;
    pl_diag *d;
};

static int malformed(struct text *t, const char *what)
{
    return pl_diag_set(t->d, PL_EPARSE, "%s at byte %zu", what, (size_t)(t->p - t->start));
}

static bool literal(struct text *t, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(t->stop - t->p) < n || memcmp(t->p, lit, n) != 0)
        return false;
    t->p += n;
    return true;
}

/* Copies the token up to the next space or line break (not taken) into buf. */
static bool token(struct text *t, char *buf, size_t cap)
{
    size_t n = 0;
    while (t->p + n < t->stop && t->p[n] != ' ' && t->p[n] != '\n')
        n++;
    if (n == 0 || n >= cap)
        return false;
    memcpy(buf, t->p, n);
    buf[n] = '\0';
    t->p += n;
    return true;
}

static bool real(struct text *t, double *x)
{
    char buf[64], *end;
    if (!token(t, buf, sizeof buf))
        return false;
    *x = strtod(buf, &end);
    return *end == '\0';
}

/* Reads n reals separated by single spaces into *x[0] .. *x[n-1]. */
static bool reals(struct text *t, double *const *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((i > 0 && !literal(t, " ")) || !real(t, x[i]))
            return false;
    return true;
}

/* Reads LEN:BYTES into a malloc'd string (*s); false when malformed or cut short. */
static bool counted_text(struct text *t, char **s)
{
    size_t n = 0, digits = 0;
    while (t->p < t->stop && *t->p >= '0' && *t->p <= '9' && digits < 9) {
        n = 10 * n + (size_t)(*t->p++ - '0');
        digits++;
    }
    if (digits == 0 || !literal(t, ":") || (size_t)(t->stop - t->p) < n || memchr(t->p, 0, n))
        return false;
    *s = malloc(n + 1);
    if (*s) {
        memcpy(*s, t->p, n);
        (*s)[n] = '\0';
    }
    t->p += n;
    return true;
}

static int read_head(struct text *t, pl_outcome *o)
{
    char buf[32];
    if (!literal(t, "status ") || !token(t, buf, sizeof buf))
        return malformed(t, "no status");
    size_t i = 0, n = sizeof status_words / sizeof status_words[0];
    while (i < n && strcmp(buf, status_words[i]) != 0)
        i++;
    if (i == n)
        return malformed(t, "an unknown status");
    o->status = (pl_outcome_status)i;
    char *end;
    if (!literal(t, "\nseed ") || !token(t, buf, sizeof buf) || buf[0] < '0' || buf[0] > '9')
        return malformed(t, "no seed");
    errno = 0;
    o->seed = strtoull(buf, &end, 10);
    if (*end != '\0' || errno != 0)
        return malformed(t, "a seed that is not a 64-bit number");
    double *const f[] = {&o->makespan, &o->throughput, &o->speedup, &o->bound, &o->efficiency};
    if (!literal(t, "\nfigures ") || !reals(t, f, 5) || !literal(t, "\n"))
        return malformed(t, "no five figures");
    return 0;
}

/* The verdict line, when there is one. */
static int read_verdict(struct text *t, pl_outcome *o)
{
    if (!literal(t, "verdict "))
        return 0;
    char *name = NULL;
    if (!real(t, &o->bottleneck_gain) || !literal(t, " ") || !counted_text(t, &name) ||
        !literal(t, "\n")) {
        free(name);
        return malformed(t, "a malformed verdict");
    }
    if (!name)
        return pl_diag_set(t->d, PL_ENOMEM, "out of memory reading an outcome");
    o->advised = true;
    o->bottleneck = name;
    return 0;
}

int pl_outcome_read(const char *text, size_t len, pl_outcome *o, pl_diag *d)
{
    struct text t = {text, text, text + len, d};
    int rc = read_head(&t, o);
    if (rc == 0)
        rc = read_verdict(&t, o);
    while (rc == 0 && literal(&t, "unit ")) {
        double util, bubble;
        char *name = NULL;
        if (!reals(&t, (double *const[]){&util, &bubble}, 2) || !literal(&t, " ") ||
            !counted_text(&t, &name) || !literal(&t, "\n")) {
            free(name);
            return malformed(&t, "a malformed unit");
        }
        rc = name ? add_unit(o, name, util, bubble) : PL_ENOMEM;
        free(name);
        if (rc != 0)
            return pl_diag_set(d, rc, "out of memory reading an outcome");
    }
    if (rc != 0)
        return rc;
    char *msg = NULL;
    if (!literal(&t, "message ") || !counted_text(&t, &msg) || !literal(&t, "\n")) {
        free(msg);
        return malformed(&t, "no message");
    }
    if (!msg)
        return pl_diag_set(d, PL_ENOMEM, "out of memory reading an outcome");
    size_t n = strlen(msg);
    if (n >= sizeof o->message)
        rc = malformed(&t, "a message too long");
    else
        memcpy(o->message, msg, n + 1);
    free(msg);
    if (rc == 0 && t.p != t.stop)
        rc = malformed(&t, "more after the message");
    return rc;
}

int pl_outcome_from_child(const pl_pool_result *res, const char *what, pl_outcome *o)
{
    pl_diag d;
    pl_diag_init(&d);
    int rc = res->status == 0 ? pl_outcome_read(res->out, res->len, o, &d) : PL_EPARSE;
    if (rc == 0 || rc == PL_ENOMEM)
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
    } else if (res->status != 0) {
        o->status = PL_OUTCOME_FAILED;
        snprintf(o->message, sizeof o->message,
                 "the process of %s ended without a whole result (exit %d)", what, res->status);
    } else {
        o->status = PL_OUTCOME_FAILED;
        snprintf(o->message, sizeof o->message,
                 "the process of %s ended without a whole result (exit 0): %.200s", what, d.msg);
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

size_t pl_outcome_print_failed(const pl_outcome *out, size_t n, bool sides, FILE *f)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        const pl_outcome *o = &out[i];
        if (o->status == PL_OUTCOME_OK)
            continue;
        fprintf(f, "%s%s%sseed %llu: %s: %s\n", failed ? "" : "\nfailed:\n",
                sides ? (i % 2 ? "B" : "A") : "", sides ? ", " : "", o->seed,
                pl_outcome_status_word(o->status), o->message);
        failed++;
    }
    return failed;
}

json_t *pl_outcome_failed_json(const pl_outcome *out, size_t n, bool sides)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        const pl_outcome *o = &out[i];
        if (o->status == PL_OUTCOME_OK)
            continue;
        json_t *j = json_object();
        if (sides)
            j = pl_report_json_with(j, "side", json_string(i % 2 ? "b" : "a"));
        j = pl_report_json_with(j, "seed", pl_report_json_unsigned(o->seed));
        j = pl_report_json_with(j, "status",
                                pl_report_json_text(pl_outcome_status_word(o->status)));
        j = pl_report_json_with(j, "message", pl_report_json_text(o->message));
        a = pl_report_json_append(a, j);
    }
    return a;
}
