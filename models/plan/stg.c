/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * stg.c — reading a Standard Task Graph file into a loop of one iteration.
 *
 * The file is read a line at a time, so that a large graph never sits in memory as text.
 * Blank lines and comment lines ('#' first) are skipped wherever they are; the other
 * lines are, in order, the header (the number n of real tasks) and the n + 2 task lines.
 * Anything but comments after those means that the header's count is wrong. The
 * published files give every field 11 characters; any run of blanks (spaces, tabs, a
 * carriage return before the newline) separates fields here.
 *
 * Invariant while reading: the loop holds the ops of tasks 0..k-1, where k is the id the
 * next task line must have, and their dependencies; every dependency's source is an id
 * in 0..n+1 other than its destination, and no source appears twice for one destination
 * (`seen` remembers, for each source, the last task that listed it).
 */
#include "models/plan/stg.h"
#include "sim/common/input.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TIME (UINT64_C(1) << 53) /* larger times are not exact as doubles */
#define SHOWN    40                  /* the most characters of a bad field quoted back */

struct reader {
    FILE *f;
    const char *path;
    char *line; /* the current line, NUL-terminated, its line end removed */
    size_t cap; /* getline's buffer */
    int lineno; /* 1-based number of the current line; 0 before the first */
    pl_diag *d;
};

struct graph {
    pl_plan_loop loop;
    uint32_t n;      /* real tasks: the ops are tasks 0..n+1 */
    uint32_t depcap; /* room in loop.deps */
    uint32_t *seen;  /* seen[src] = 1 + the last task that listed src as a predecessor */
    int header_line; /* where the count was read */
};

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static const char *skip_blanks(const char *p)
{
    while (blank(*p))
        p++;
    return p;
}

static size_t field_len(const char *p)
{
    size_t n = 0;
    while (p[n] != '\0' && !blank(p[n]))
        n++;
    return n;
}

static bool all_digits(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return len > 0;
}

/* How many characters of a field of len characters a message quotes. */
static int shown(size_t len)
{
    return len > SHOWN ? SHOWN : (int)len;
}

/* A PL_EPARSE diagnostic at the character `at` of the current line, or at the start of
 * line `lineno` when at is NULL. */
static int parse_error_at(const struct reader *r, int lineno, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int parse_error_at(const struct reader *r, int lineno, const char *at, const char *fmt, ...)
{
    char msg[PL_DIAG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pl_loc loc = {r->path, lineno, at ? (int)(at - r->line) + 1 : 1};
    return pl_diag_at(r->d, PL_EPARSE, &loc, NULL, "%s", msg);
}

static int nomem(const struct reader *r)
{
    return pl_diag_set(r->d, PL_ENOMEM, "%s: out of memory reading the task graph", r->path);
}

/* Reads the next line that is neither blank nor a comment: 1 when there is one, 0 at the
 * end of the file, or PL_EIO, PL_EPARSE (a NUL byte), PL_ENOMEM. */
static int next_line(struct reader *r)
{
    for (;;) {
        errno = 0;
        ssize_t len = getline(&r->line, &r->cap, r->f);
        if (len < 0 && errno == ENOMEM)
            return nomem(r);
        if (len < 0 && ferror(r->f))
            return pl_diag_set(r->d, PL_EIO, "%s: cannot read: %s", r->path,
                               strerror(errno ? errno : EIO));
        if (len < 0)
            return 0;
        r->lineno++;
        if (strlen(r->line) != (size_t)len)
            return parse_error_at(r, r->lineno, r->line + strlen(r->line),
                                  "a NUL byte: an STG file is text");
        while (len > 0 && (r->line[len - 1] == '\n' || r->line[len - 1] == '\r'))
            r->line[--len] = '\0';
        const char *p = skip_blanks(r->line);
        if (*p != '\0' && *p != '#')
            return 1;
    }
}

/*
 * Reads the field at *p, a non-negative integer at most max, into *v and moves *p past
 * it. `what` names the field in messages ("the processing time of task 3").
 */
static int read_field(const struct reader *r, const char **p, const char *what, uint64_t max,
                      uint64_t *v)
{
    const char *at = skip_blanks(*p);
    size_t len = field_len(at);
    if (len == 0)
        return parse_error_at(r, r->lineno, at, "expected %s, found the end of the line", what);
    if (at[0] == '-' && all_digits(at + 1, len - 1))
        return parse_error_at(r, r->lineno, at, "%s is negative (%.*s)", what, shown(len), at);
    if (!all_digits(at, len))
        return parse_error_at(r, r->lineno, at, "expected %s, a non-negative integer, found '%.*s'",
                              what, shown(len), at);
    uint64_t x = 0;
    for (size_t i = 0; i < len; i++) {
        uint64_t digit = (uint64_t)(at[i] - '0');
        if (digit > max || x > (max - digit) / 10)
            return parse_error_at(r, r->lineno, at, "%s is %.*s, more than %" PRIu64, what,
                                  shown(len), at, max);
        x = 10 * x + digit;
    }
    *v = x;
    *p = at + len;
    return 0;
}

/* Fails unless nothing but blanks follows p on the line; `after` says what came last. */
static int line_ends(const struct reader *r, const char *p, const char *after)
{
    const char *at = skip_blanks(p);
    size_t len = field_len(at);
    if (len == 0)
        return 0;
    return parse_error_at(r, r->lineno, at, "unexpected '%.*s' after %s", shown(len), at, after);
}

/* The header: n, alone on its line. Allocates the ops and the `seen` marks. */
static int read_header(struct reader *r, struct graph *g)
{
    int got = next_line(r);
    if (got < 0)
        return got;
    if (got == 0)
        return parse_error_at(r, r->lineno + 1, NULL,
                              "the file is empty: expected the number of tasks");
    uint64_t n;
    const char *p = r->line;
    int rc = read_field(r, &p, "the number of tasks", PL_PLAN_STG_MAX_TASKS, &n);
    if (!rc)
        rc = line_ends(r, p, "the number of tasks; the header line holds only that number");
    if (rc)
        return rc;
    g->n = (uint32_t)n;
    g->header_line = r->lineno;
    g->loop.ops = calloc(g->n + 2, sizeof *g->loop.ops);
    g->seen = calloc(g->n + 2, sizeof *g->seen);
    return g->loop.ops && g->seen ? 0 : nomem(r);
}

static int push_dep(const struct reader *r, struct graph *g, uint32_t src, uint32_t dst)
{
    pl_plan_loop *l = &g->loop;
    if (l->ndeps == PL_PLAN_STG_MAX_DEPS)
        return parse_error_at(r, r->lineno, NULL,
                              "more than %u dependencies in all, the most an STG graph may have",
                              PL_PLAN_STG_MAX_DEPS);
    if (l->ndeps == g->depcap) {
        uint32_t ncap = g->depcap < 32 ? 64 : 2 * g->depcap;
        ncap = ncap < PL_PLAN_STG_MAX_DEPS ? ncap : PL_PLAN_STG_MAX_DEPS;
        pl_plan_dep *v = realloc(l->deps, (size_t)ncap * sizeof *v);
        if (!v)
            return nomem(r);
        l->deps = v;
        g->depcap = ncap;
    }
    l->deps[l->ndeps++] = (pl_plan_dep){src, dst, 0, PL_PLAN_DEP_AFTER, -1};
    return 0;
}

/* The op of task k: named by its id, on class 0. */
static int add_op(const struct reader *r, struct graph *g, uint32_t k, uint64_t time)
{
    char name[16];
    int len = snprintf(name, sizeof name, "%" PRIu32, k);
    pl_plan_op *op = &g->loop.ops[k];
    op->name = malloc((size_t)len + 1);
    if (!op->name)
        return nomem(r);
    memcpy(op->name, name, (size_t)len + 1);
    op->cls = 0;
    op->latency = (double)time;
    g->loop.nops = k + 1;
    return 0;
}

/* The predecessor ids of task k, npred of them, from *p on. */
static int read_preds(const struct reader *r, struct graph *g, uint32_t k, uint64_t npred,
                      const char **p)
{
    char what[96];
    for (uint64_t i = 0; i < npred; i++) {
        const char *at = skip_blanks(*p);
        uint64_t src;
        /* A graph may have millions of predecessors: the field's name is written out only
         * for the message, reading the field again (which fails the same way, as a failed
         * read leaves *p where it was). */
        int rc = read_field(r, p, "a predecessor", (uint64_t)g->n + 1, &src);
        if (rc) {
            snprintf(what, sizeof what, "predecessor %" PRIu64 " of %" PRIu64 " of task %" PRIu32,
                     i + 1, npred, k);
            return read_field(r, p, what, (uint64_t)g->n + 1, &src);
        }
        if (src == k)
            return parse_error_at(r, r->lineno, at,
                                  "task %" PRIu32 " lists itself as a predecessor", k);
        if (g->seen[src] == k + 1)
            return parse_error_at(r, r->lineno, at,
                                  "task %" PRIu32 " lists predecessor %" PRIu64 " twice", k, src);
        g->seen[src] = k + 1;
        rc = push_dep(r, g, (uint32_t)src, k);
        if (rc)
            return rc;
    }
    return 0;
}

/* Task line k: "k time npred pred...". */
static int read_task(struct reader *r, struct graph *g, uint32_t k)
{
    int got = next_line(r);
    if (got < 0)
        return got;
    if (got == 0)
        return parse_error_at(r, r->lineno + 1, NULL,
                              "the file ends after %" PRIu32 " of the n + 2 = %" PRIu32
                              " task lines (n = %" PRIu32 " on line %d)",
                              k, g->n + 2, g->n, g->header_line);
    const char *p = r->line, *id_at = skip_blanks(p);
    uint64_t id = 0, time = 0, npred = 0;
    char what[96];
    int rc = read_field(r, &p, "a task id", UINT64_MAX, &id);
    if (!rc && id != k)
        rc = parse_error_at(r, r->lineno, id_at,
                            "expected task %" PRIu32 " here (ids go from 0 to %" PRIu32
                            " in order), found task %" PRIu64,
                            k, g->n + 1, id);
    snprintf(what, sizeof what, "the processing time of task %" PRIu32, k);
    if (!rc)
        rc = read_field(r, &p, what, MAX_TIME, &time);
    snprintf(what, sizeof what, "the number of predecessors of task %" PRIu32, k);
    if (!rc)
        rc = read_field(r, &p, what, (uint64_t)g->n + 1, &npred);
    if (!rc)
        rc = add_op(r, g, k, time);
    if (!rc)
        rc = read_preds(r, g, k, npred, &p);
    if (rc)
        return rc;
    if (npred == 0)
        snprintf(what, sizeof what, "the number of predecessors of task %" PRIu32 ", 0", k);
    else
        snprintf(what, sizeof what, "predecessor %" PRIu64 " of %" PRIu64 " of task %" PRIu32,
                 npred, npred, k);
    return line_ends(r, p, what);
}

/* After the task lines, only comments and blank lines. */
static int read_trailer(struct reader *r, const struct graph *g)
{
    int got = next_line(r);
    if (got <= 0)
        return got;
    const char *at = skip_blanks(r->line);
    return parse_error_at(r, r->lineno, at,
                          "expected a comment ('#') or the end of the file after the n + 2 = "
                          "%" PRIu32 " task lines (n = %" PRIu32 " on line %d: is it right?)",
                          g->n + 2, g->n, g->header_line);
}

/* The one class, and the loop's other fields. */
static int finish(const struct reader *r, struct graph *g, uint32_t units)
{
    pl_plan_loop *l = &g->loop;
    l->classes = calloc(1, sizeof *l->classes);
    if (!l->classes)
        return nomem(r);
    l->classes[0].name = malloc(sizeof "unit");
    if (!l->classes[0].name)
        return nomem(r);
    memcpy(l->classes[0].name, "unit", sizeof "unit");
    l->classes[0].units = units;
    l->nclasses = 1;
    l->iterations = 1;
    l->memory = INFINITY;
    l->window = 0;
    return 0;
}

static int read_graph(struct reader *r, struct graph *g, uint32_t units)
{
    int rc = read_header(r, g);
    for (uint32_t k = 0; !rc && k < g->n + 2; k++)
        rc = read_task(r, g, k);
    if (!rc)
        rc = read_trailer(r, g);
    return rc ? rc : finish(r, g, units);
}

/* Reads the file through pl_input_read (a regular file of bounded size, never a FIFO's
 * wait) into *text, and opens a stream over it for the line reader. */
static int open_graph(const char *path, char **text, FILE **out, pl_diag *d)
{
    pl_diag why;
    pl_diag_init(&why);
    size_t len = 0;
    char too_large[64];
    snprintf(too_large, sizeof too_large, "larger than the %u MiB an STG graph may take",
             PL_PLAN_STG_MAX_BYTES >> 20);
    int rc = pl_input_read(path, PL_PLAN_STG_MAX_BYTES, too_large, text, &len, &why);
    if (rc)
        return pl_diag_set(d, rc, "%s: cannot read: %s", path, why.msg);
    if (!(*out = fmemopen(*text, len, "r"))) {
        free(*text);
        return pl_diag_set(d, PL_ENOMEM, "%s: cannot read: %s", path, strerror(errno));
    }
    return 0;
}

int pl_plan_stg_read(const char *path, uint32_t units, pl_plan_loop *out, pl_diag *d)
{
    *out = (pl_plan_loop){0};
    if (units == 0)
        return pl_diag_set(d, PL_ECONFIG, "%s: the number of units must be at least 1", path);
    FILE *f = NULL;
    char *text = NULL;
    int orc = open_graph(path, &text, &f, d);
    if (orc != 0)
        return orc;
    struct reader r = {f, path, NULL, 0, 0, d};
    struct graph g = {0};
    int rc = read_graph(&r, &g, units);
    free(r.line);
    free(g.seen);
    fclose(f);
    free(text);
    if (rc) {
        pl_plan_loop_fini(&g.loop);
        return rc;
    }
    *out = g.loop;
    return 0;
}
