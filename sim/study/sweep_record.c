/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sweep_record.c — a results file's record, its rows' checks, and its lock.
 *
 * Invariant: a row written by a sweep ends with `,CHECK`, where CHECK is the decimal
 * pl_sweep_check_more(binding of the record, the row before that comma); the record's
 * `columns` line is the results' header, escaped.
 */
#define _GNU_SOURCE /* asprintf */
#include "sim/study/sweep_record.h"
#include "sim/common/csv.h"
#include "sim/common/output.h"
#include "sim/common/text.h"
#include "sim/config/config.h"
#include "models/model.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A record has a few short lines, and one per --set and --vary (a long --vary is
 * written short, see sweep.c): far below this. */
#define RECORD_MAX_BYTES ((size_t)16 << 20)

uint64_t pl_sweep_fnv1a(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t pl_sweep_check_more(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h * 256 + (unsigned char)s[i]) % PL_SWEEP_CHECK_MOD;
    return h;
}

/* The lines whose names the rows are not bound to: where the scenario was (its
 * configuration is bound), where the seed came from (the seed is bound), the shard (so
 * that merged shards have the rows of the whole sweep). */
static bool unbound(const char *line, size_t n)
{
    static const char *const names[] = {"scenario: ", "seed from: ", "shard: ", "#"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (n >= strlen(names[i]) && strncmp(line, names[i], strlen(names[i])) == 0)
            return true;
    return false;
}

uint64_t pl_sweep_record_binding(const char *record)
{
    uint64_t h = 0;
    for (const char *p = record; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (!unbound(p, n))
            h = pl_sweep_check_more(h, p, n);
        p += n;
    }
    return h;
}

void pl_sweep_record_check(uint64_t binding, const char *row, size_t len, char *buf)
{
    snprintf(buf, 24, ",%" PRIu64, pl_sweep_check_more(binding, row, len));
}

bool pl_sweep_record_escape(char *buf, size_t n, const char *s)
{
    size_t w = strlen(buf);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char e[8];
        if (c == '\\')
            strcpy(e, "\\\\");
        else if (c == '\n')
            strcpy(e, "\\n");
        else if (c == '\r')
            strcpy(e, "\\r");
        else if (c == '\t')
            strcpy(e, "\\t");
        else if (c < 0x20 || c == 0x7f)
            snprintf(e, sizeof e, "\\x%02x", c);
        else
            e[0] = (char)c, e[1] = '\0';
        size_t el = strlen(e);
        if (w + el + 1 > n)
            return false;
        memcpy(buf + w, e, el + 1);
        w += el;
    }
    return true;
}

#ifndef PL_VERSION
#define PL_VERSION "dev"
#endif

int pl_sweep_config_hash(const pl_config *c, uint64_t *hash, pl_diag *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int rc = f ? pl_config_print(c, f, d) : pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (f && fclose(f) != 0 && rc == 0)
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (rc == 0)
        *hash = pl_sweep_fnv1a(text, len);
    free(text);
    return rc;
}

int pl_sweep_record_config(const char *scenario, const char *const *sets, size_t nsets,
                           unsigned long long *seed, uint64_t *config, pl_diag *d)
{
    pl_config *c = NULL;
    int rc = pl_config_load(scenario, sets, nsets, pl_scenario_keys, &c, d);
    if (rc == 0) {
        *seed = (unsigned long long)pl_config_int(c, "seed");
        rc = pl_sweep_config_hash(c, config, d);
    }
    pl_config_destroy(c);
    return rc;
}

/* Writes "name: value" with the value escaped. */
static void line(FILE *f, const char *name, const char *value)
{
    size_t n = 4 * strlen(value) + 1;
    char *e = calloc(n, 1);
    if (!e || !pl_sweep_record_escape(e, n, value)) {
        free(e);
        fputc('\0', f); /* makes the record fail below: a record never holds a NUL */
        return;
    }
    fprintf(f, "%s: %s\n", name, e);
    free(e);
}

/* A --vary line: key=v1,v2,... as given to the sweep, or, when that is longer than a line
 * should be (a range of many values), the first and last values, how many there are and
 * a hash of them all. */
static void vary_line(FILE *f, const pl_sweep_axis *a)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *v = open_memstream(&buf, &len);
    uint64_t h = 0xcbf29ce484222325ull;
    if (!v) {
        fputc('\0', f);
        return;
    }
    fprintf(v, "%s=", a->key);
    for (size_t i = 0; i < a->n; i++) {
        fprintf(v, "%s%s", i ? "," : "", a->values[i]);
        for (const char *c = a->values[i];; c++) { /* FNV-1a of the values and their NULs */
            h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
            if (!*c)
                break;
        }
    }
    if (fclose(v) == 0 && len > 4096) {
        free(buf);
        buf = NULL;
        if (asprintf(&buf, "%s=%s,...,%s (%zu values, fnv1a64:%016" PRIx64 ")", a->key,
                     a->values[0], a->values[a->n - 1], a->n, h) < 0)
            buf = NULL;
    }
    if (buf)
        line(f, "vary", buf);
    else
        fputc('\0', f);
    free(buf);
}

int pl_sweep_record_text(const pl_sweep_record_of *o, char **record, pl_diag *d)
{
    size_t len = 0;
    *record = NULL;
    FILE *f = open_memstream(record, &len);
    if (!f)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    fputs("# What made the results file beside this one: pipelab sweep checks it on --resume,\n"
          "# scripts/merge_results.sh on merging (docs/sweeps.md). Do not edit it.\n",
          f);
    /* In the order merge_results.sh names a difference in: the first line that differs. */
    fprintf(f, "pipelab: %s\n", PL_VERSION);
    fprintf(f, "seed: %llu\n", o->seed);
    fprintf(f, "seed from: %s; replication r of every point has seed %llu + r\n",
            o->seed_given ? "--seed" : "the scenario", o->seed);
    fprintf(f, "reps: %u\npoints: %zu\n", o->reps, o->points->count);
    for (size_t i = 0; i < o->nsets; i++)
        line(f, "set", o->sets[i]);
    for (size_t a = 0; a < o->points->naxes; a++)
        vary_line(f, &o->points->axes[a]);
    /* Only with --advice, so that the record of a sweep without it, and with it the checks
     * of its rows, stay what they were before the option was. */
    if (o->advice)
        fputs("advice: yes; every row has the verdict's bottleneck and bottleneck_gain_s\n", f);
    line(f, "scenario", o->scenario);
    fprintf(f, "config: fnv1a64:%016" PRIx64 "\n", o->config);
    fprintf(f, "shard: %zu/%zu\n", o->shard, o->nshards);
    line(f, "columns", o->header);
    bool bad = fclose(f) != 0 || strlen(*record) != len;
    if (bad) {
        free(*record);
        *record = NULL;
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    }
    return 0;
}

static char *record_path(const char *results, const char *suffix)
{
    return pl_text_printf("%s%s", results, suffix);
}

static int put_text(void *ctx, FILE *f, pl_diag *d)
{
    if (fputs(ctx, f) < 0 || fflush(f) != 0)
        return pl_diag_set(d, PL_EIO, "cannot write the sweep's record: %s", strerror(errno));
    return 0;
}

int pl_sweep_record_write(const char *results, const char *record, pl_diag *d)
{
    char *path = record_path(results, ".sweep");
    int rc = path ? pl_output_file(path, put_text, (void *)record, d)
                  : pl_diag_set(d, PL_ENOMEM, "out of memory");
    free(path);
    return rc;
}

int pl_sweep_record_read(const char *results, char **record, pl_diag *d)
{
    *record = NULL;
    char *path = record_path(results, ".sweep");
    if (!path)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    size_t len;
    int rc = 0;
    if (access(path, F_OK) != 0 && errno == ENOENT)
        rc = pl_diag_set(d, PL_EUSAGE,
                         "cannot resume %s: %s, the record of the sweep that wrote it, is "
                         "missing (--force starts the sweep again)",
                         results, path);
    else
        rc = pl_results_read_text(path, RECORD_MAX_BYTES, record, &len, d);
    free(path);
    return rc;
}

/* The values of the lines named `name` in a record, each as "what value" (quoted when
 * quote), joined with ", "; "no what" when there is none. The caller frees it. */
static char *values_of(const char *record, const char *name, const char *what, bool quote)
{
    char *buf = NULL;
    size_t len = 0, nl = strlen(name);
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    int count = 0;
    for (const char *p = record; *p;) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n >= nl + 2 && strncmp(p, name, nl) == 0 && p[nl] == ':' && p[nl + 1] == ' ')
            fprintf(f, "%s%s %s%.*s%s", count++ ? ", " : "", what, quote ? "'" : "",
                    (int)(n - nl - 2), p + nl + 2, quote ? "'" : "");
        p += end ? n + 1 : n;
    }
    if (count == 0)
        fprintf(f, "no %s", what);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

int pl_sweep_record_compare(const char *results, const char *found, const char *want, pl_diag *d)
{
    static const struct {
        const char *name, *what;
        bool quote;
    } compared[] = {
        {"pipelab", "pipelab", false},
        {"seed", "seed", false},
        {"set", "--set", true},
        {"vary", "--vary", true},
        {"reps", "--reps", false},
        {"shard", "--shard", false},
        {"points", "points", false},
        {"advice", "advice", false},
        {"config", "configuration", false},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof compared / sizeof compared[0] && rc == 0; i++) {
        char *a = values_of(found, compared[i].name, compared[i].what, compared[i].quote);
        char *b = values_of(want, compared[i].name, compared[i].what, compared[i].quote);
        char *sa = values_of(found, "scenario", "scenario", false);
        char *sb = values_of(want, "scenario", "scenario", false);
        if (!a || !b || !sa || !sb)
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
        else if (strcmp(a, b) != 0 && strcmp(compared[i].name, "config") == 0)
            rc = pl_diag_set(d, PL_EUSAGE,
                             "cannot resume %s: it was written from %s with %s, this sweep "
                             "has %s with %s (%s.sweep records what made it; --force starts "
                             "it again)",
                             results, sa, a, sb, b, results);
        else if (strcmp(a, b) != 0 && strcmp(compared[i].name, "advice") == 0)
            rc = pl_diag_set(d, PL_EUSAGE,
                             "cannot resume %s: it was written %s --advice, this sweep runs "
                             "%s it; rows with and without the verdict's columns cannot be "
                             "mixed (%s.sweep records what made it; --force starts it again)",
                             results, strcmp(a, "no advice") == 0 ? "without" : "with",
                             strcmp(b, "no advice") == 0 ? "without" : "with", results);
        else if (strcmp(a, b) != 0)
            rc = pl_diag_set(d, PL_EUSAGE,
                             "cannot resume %s: it was written with %s, this sweep has %s "
                             "(%s.sweep records what made it; --force starts it again)",
                             results, a, b, results);
        free(a);
        free(b);
        free(sa);
        free(sb);
    }
    return rc;
}

/* Says how the header differs from the columns the record has (both escaped). */
static int header_differs(const char *results, char *hdr, char *rec, pl_diag *d)
{
    size_t max = strlen(hdr) + strlen(rec) + 2;
    char **h = calloc(max, sizeof *h), **c = calloc(max, sizeof *c);
    int rc = h && c ? 0 : pl_diag_set(d, PL_ENOMEM, "out of memory");
    int nh = rc == 0 ? pl_csv_split(hdr, h, max) : 0, nc = rc == 0 ? pl_csv_split(rec, c, max) : 0;
    int i = 0;
    while (rc == 0 && i < nh && i < nc && strcmp(h[i], c[i]) == 0)
        i++;
    if (rc != 0)
        ;
    else if (nh < 0 || nc < 0)
        rc = pl_diag_set(d, PL_EPARSE,
                         "%s:1:1: the header is not the one its sweep wrote "
                         "(%s.sweep records its columns)",
                         results, results);
    else if (i < nc && (i == nh || (nh < nc && strcmp(h[i], c[i + 1]) == 0)))
        rc = pl_diag_set(d, PL_EPARSE,
                         "%s:1:1: the header lacks column %d, '%s', which its "
                         "sweep wrote (%s.sweep records its columns)",
                         results, i + 1, c[i], results);
    else if (i < nh && (i == nc || (nh > nc && strcmp(h[i + 1], c[i]) == 0)))
        rc = pl_diag_set(d, PL_EPARSE,
                         "%s:1:1: the header has column %d, '%s', which its "
                         "sweep did not write (%s.sweep records its columns)",
                         results, i + 1, h[i], results);
    else
        rc = pl_diag_set(d, PL_EPARSE,
                         "%s:1:1: the header's column %d is '%s', its sweep "
                         "wrote '%s' (%s.sweep records its columns)",
                         results, i + 1, h[i], c[i], results);
    free(h);
    free(c);
    return rc;
}

/* Checks the header against the record's columns; *ncols is the number of columns. */
static int check_header(const char *results, const char *record, const char *header, int *ncols,
                        pl_diag *d)
{
    const char *col = strstr(record, "\ncolumns: ");
    col = col ? col + strlen("\ncolumns: ") : NULL;
    size_t n = col ? strcspn(col, "\n") : 0, cap = 4 * strlen(header) + 1;
    char *want = col ? strndup(col, n) : NULL, *got = calloc(cap, 1);
    int rc = 0;
    if (!col)
        rc = pl_diag_set(d, PL_EPARSE, "%s.sweep: no line 'columns: ...'", results);
    else if (!want || !got || !pl_sweep_record_escape(got, cap, header))
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    else if (strcmp(got, want) != 0)
        rc = header_differs(results, got, want, d);
    char *copy = rc == 0 ? strdup(header) : NULL;
    char **f = copy ? calloc(strlen(header) + 2, sizeof *f) : NULL;
    if (rc == 0 && !f)
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (rc == 0)
        *ncols = pl_csv_split(copy, f, strlen(header) + 2);
    free(f);
    free(copy);
    free(want);
    free(got);
    return rc;
}

static int check_row(const char *results, uint64_t binding, int ncols, const pl_results_row *r,
                     char **f, pl_diag *d)
{
    size_t len = strlen(r->line);
    char *copy = strdup(r->line);
    if (!copy)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    int nf = pl_csv_split(copy, f, (size_t)ncols + 1);
    free(copy);
    if (nf != ncols)
        return pl_diag_set(d, PL_EPARSE,
                           "%s:%zu:1: the row of point %zu rep %zu has %s fields, "
                           "the header %d",
                           results, r->lineno, r->point, r->rep,
                           nf < 0 ? "malformed or too many" : "another number of", ncols);
    const char *comma = strrchr(r->line, ',');
    char want[24];
    pl_sweep_record_check(binding, r->line, comma ? (size_t)(comma - r->line) : len, want);
    if (!comma || strcmp(comma, want) != 0)
        return pl_diag_set(d, PL_EPARSE,
                           "%s:%zu:1: the row of point %zu rep %zu does not match "
                           "its check (the last field): it was edited or damaged, or written by "
                           "another sweep; delete the line and --resume runs it again",
                           results, r->lineno, r->point, r->rep);
    return 0;
}

int pl_sweep_record_verify(const char *results, const char *record, const pl_results *r, pl_diag *d)
{
    int ncols = 0;
    int rc = check_header(results, record, r->header, &ncols, d);
    char **f = rc == 0 ? calloc((size_t)ncols + 2, sizeof *f) : NULL;
    if (rc == 0 && !f)
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    uint64_t binding = pl_sweep_record_binding(record);
    for (size_t i = 0; i < r->nrows && rc == 0; i++)
        rc = check_row(results, binding, ncols, &r->rows[i], f, d);
    free(f);
    return rc;
}

/* ---- The lock ------------------------------------------------------------------ */

int pl_sweep_lock_take(const char *results, pl_sweep_lock *l, pl_diag *d)
{
    l->fd = -1;
    struct stat st;
    if (lstat(results, &st) == 0 && !S_ISREG(st.st_mode))
        return pl_diag_set(d, PL_EUSAGE,
                           "%s is not a regular file: a sweep writes its results, their record "
                           "and their lock beside it, and replaces it by rename",
                           results);
    if (!(l->path = record_path(results, ".lock")))
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    /* The lock file may be removed by the sweep that held it between our open and our
     * lock: then the lock we got is on a file nobody else will open, so try again. A
     * record lock (fcntl) belongs to this process alone: the workers it forks do not
     * inherit it, so that a sweep killed while its workers still run leaves the file
     * free at once (flock's would stay held by them until they end). */
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0)
            return pl_diag_set(d, PL_EIO, "cannot create %s: %s", l->path, strerror(errno));
        struct flock whole = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
        if (fcntl(fd, F_SETLK, &whole) != 0) {
            int e = errno == EACCES ? EAGAIN : errno;
            char pid[32] = "";
            ssize_t n = e == EAGAIN ? read(fd, pid, sizeof pid - 1) : -1;
            close(fd);
            if (e != EAGAIN)
                return pl_diag_set(d, PL_EIO, "cannot lock %s: %s", l->path, strerror(e));
            pid[n > 0 ? strcspn(pid, "\n") : 0] = '\0';
            return pl_diag_set(d, PL_EUSAGE,
                               "%s is being written by another sweep (process %s, which holds "
                               "%s): wait for it to end, or stop it and run --resume",
                               results, pid[0] ? pid : "unknown", l->path);
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(l->path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            char pid[32];
            int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || write(fd, pid, (size_t)n) != n) {
                int e = errno;
                close(fd);
                return pl_diag_set(d, PL_EIO, "cannot write %s: %s", l->path, strerror(e));
            }
            l->fd = fd;
            return 0;
        }
        close(fd);
    }
    return pl_diag_set(d, PL_EIO, "cannot lock %s: it keeps being replaced", l->path);
}

void pl_sweep_lock_release(pl_sweep_lock *l)
{
    if (l->fd >= 0) {
        unlink(l->path);
        close(l->fd);
    }
    free(l->path);
    l->fd = -1;
    l->path = NULL;
}
