/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sweep.c — running a sweep into its results file.
 *
 * A sweep runs in two passes over the pool (pool.h). The first lowers every point
 * without simulating it, to learn the units it has: the header names a column per
 * unit, and the union of every point's units, in point order, is the same whatever
 * finishes first. The second simulates every (point, replication) job not already
 * in the file. Invariant: the file always holds the header and whole rows, one per
 * job heard of, each appended with a single write as its job finishes; resuming
 * reads it back and takes up the jobs it does not hold.
 */
#include "sim/study/sweep.h"
#include "sim/common/csv.h"
#include "models/model.h"
#include "sim/study/outcome.h"
#include "sim/common/output.h"
#include "sim/study/results.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The run figures' columns, after status; then two per unit, then message. */
static const char figure_columns[] = "makespan_s,throughput,speedup,bound_s,efficiency";

struct job {
    size_t point, rep;
};

struct sweep {
    const pl_sweep_options *o;
    const pl_sweep_points *p;
    unsigned long long seed; /* of replication 0 */
    size_t nunits;
    char **units;        /* the unit columns, in order; owned */
    pl_outcome *lowered; /* the first pass: one outcome per point */
    size_t *relower;     /* the points it lowers again, by job; NULL: job k is point k */
    struct job *jobs;    /* the second pass */
    size_t njobs, done;
    int fd; /* the results file, for appending */
    pl_sweep_tally *t;
    double t0;    /* when the sweep began */
    double t_sim; /* when the simulations began: the pace the time to go is worked out from */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- One job's scenario ------------------------------------------------------- */

/* The overrides of a point's replication, after the sweep's own: one per key, then the
 * seed. The strings are allocated into *own, the array into *more (the caller frees both). */
static int job_sets(const struct sweep *s, size_t point, size_t rep, const char ***more, char **own)
{
    size_t naxes = s->p->naxes, size = 64;
    for (size_t a = 0; a < naxes; a++)
        size += strlen(s->p->axes[a].key) + strlen(pl_sweep_points_value(s->p, point, a)) + 2;
    *more = calloc(naxes + 1, sizeof **more);
    *own = malloc(size);
    if (!*more || !*own)
        return PL_ENOMEM;
    char *w = *own;
    for (size_t a = 0; a < naxes; a++) {
        (*more)[a] = w;
        w += sprintf(w, "%s=%s", s->p->axes[a].key, pl_sweep_points_value(s->p, point, a)) + 1;
    }
    (*more)[naxes] = w;
    sprintf(w, "seed=%llu", s->seed + rep);
    return 0;
}

static int job(const struct sweep *s, size_t point, size_t rep, bool simulate, FILE *out)
{
    const char **more = NULL;
    char *own = NULL;
    int status = job_sets(s, point, rep, &more, &own) == 0
                     ? pl_outcome_job(s->o->scenario, s->o->sets, s->o->nsets, more,
                                      s->p->naxes + 1, simulate, out)
                     : 3;
    free(more);
    free(own);
    return status;
}

/* The point the first pass's job lowers. */
static size_t lowered_point(const struct sweep *s, size_t job)
{
    return s->relower ? s->relower[job] : job;
}

static int work_lower(void *ctx, size_t j, FILE *out)
{
    return job(ctx, lowered_point(ctx, j), 0, false, out);
}

static int work_simulate(void *ctx, size_t j, FILE *out)
{
    const struct sweep *s = ctx;
    return job(s, s->jobs[j].point, s->jobs[j].rep, true, out);
}

/* ---- The first pass: which units the points have -------------------------------- */

static int heard_lowered(void *ctx, size_t job, const pl_pool_result *res, pl_diag *d)
{
    struct sweep *s = ctx;
    size_t k = lowered_point(s, job);
    char what[64];
    snprintf(what, sizeof what, "point %zu", k);
    pl_outcome_fini(&s->lowered[k]);
    pl_outcome_init(&s->lowered[k]);
    if (pl_outcome_from_child(res, what, &s->lowered[k]) != 0)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    return 0;
}

/* Lowers once more the points whose lowering process died of a signal (killed from
 * outside, say): their units would be missing from the header, and their rows would
 * silently lose those columns. A point that crashes again crashes when simulated too,
 * and its row has no unit figures. */
static int relower_crashed(struct sweep *s, pl_diag *d)
{
    size_t n = s->p->count, m = 0;
    for (size_t k = 0; k < n; k++)
        m += s->lowered[k].status == PL_OUTCOME_CRASHED;
    if (m == 0)
        return 0;
    if (!(s->relower = malloc(m * sizeof *s->relower)))
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    m = 0;
    for (size_t k = 0; k < n; k++)
        if (s->lowered[k].status == PL_OUTCOME_CRASHED)
            s->relower[m++] = k;
    int rc = pl_pool_run(m, s->o->jobs, work_lower, heard_lowered, s, d);
    free(s->relower);
    s->relower = NULL;
    return rc;
}

static bool has_unit(const struct sweep *s, const char *name)
{
    for (size_t i = 0; i < s->nunits; i++)
        if (strcmp(s->units[i], name) == 0)
            return true;
    return false;
}

static int add_unit(struct sweep *s, const char *name)
{
    if (has_unit(s, name))
        return 0;
    char **u = realloc(s->units, (s->nunits + 1) * sizeof *u);
    if (!u)
        return PL_ENOMEM;
    s->units = u;
    if (!(u[s->nunits] = strdup(name)))
        return PL_ENOMEM;
    s->nunits++;
    return 0;
}

/* Lowers every point of the sweep (every shard's: all shards must write one header) and
 * collects the units, in point order. */
static int learn_units(struct sweep *s, pl_diag *d)
{
    size_t n = s->p->count;
    s->lowered = calloc(n, sizeof *s->lowered);
    if (!s->lowered)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        pl_outcome_init(&s->lowered[k]);
    int rc = pl_pool_run(n, s->o->jobs, work_lower, heard_lowered, s, d);
    if (rc == 0)
        rc = relower_crashed(s, d);
    for (size_t k = 0; k < n && rc == 0; k++)
        for (size_t u = 0; u < s->lowered[k].nunits && rc == 0; u++)
            if (add_unit(s, s->lowered[k].units[u].name) != 0)
                rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        pl_outcome_fini(&s->lowered[k]);
    free(s->lowered);
    s->lowered = NULL;
    return rc;
}

/* ---- The results file ---------------------------------------------------------- */

/* The header up to the unit columns: point, rep, the keys, seed, status, the figures. */
static void header_head(const struct sweep *s, FILE *f)
{
    fputs("point,rep", f);
    for (size_t a = 0; a < s->p->naxes; a++) {
        fputc(',', f);
        pl_csv_put(f, s->p->axes[a].key);
    }
    fprintf(f, ",seed,status,%s", figure_columns);
}

static void header(const struct sweep *s, FILE *f)
{
    header_head(s, f);
    for (size_t u = 0; u < s->nunits; u++) {
        char col[1024];
        fputc(',', f);
        snprintf(col, sizeof col, "%s.util", s->units[u]);
        pl_csv_put(f, col);
        fputc(',', f);
        snprintf(col, sizeof col, "%s.bubble_s", s->units[u]);
        pl_csv_put(f, col);
    }
    fputs(",message\n", f);
}

static int write_header(void *ctx, FILE *f, pl_diag *d)
{
    header(ctx, f);
    return ferror(f) ? pl_diag_set(d, PL_EIO, "cannot write the results header") : 0;
}

/* A figure, or an empty cell when it has no value (the throughput of a run of 0 s). */
static void put_real(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, ",%.17g", x);
    else
        fputc(',', f);
}

static void row(const struct sweep *s, size_t point, size_t rep, const pl_outcome *o, FILE *f)
{
    fprintf(f, "%zu,%zu", point, rep);
    for (size_t a = 0; a < s->p->naxes; a++) {
        fputc(',', f);
        pl_csv_put(f, pl_sweep_points_value(s->p, point, a));
    }
    fprintf(f, ",%llu,%s", o->seed, pl_outcome_status_word(o->status));
    bool ok = o->status == PL_OUTCOME_OK;
    if (ok) {
        put_real(f, o->makespan);
        put_real(f, o->throughput);
        put_real(f, o->speedup);
        put_real(f, o->bound);
        put_real(f, o->efficiency);
    } else {
        fputs(",,,,,", f);
    }
    for (size_t u = 0; u < s->nunits; u++) {
        const pl_outcome_unit *ou = ok ? pl_outcome_unit_named(o, s->units[u]) : NULL;
        if (ou) {
            put_real(f, ou->util);
            put_real(f, ou->bubble);
        } else {
            fputs(",,", f);
        }
    }
    fputc(',', f);
    pl_csv_put(f, o->message);
    fputc('\n', f);
}

/* Appends bytes with as few writes as the system takes: one, for a row. */
static int append(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static void progress(const struct sweep *s, bool last)
{
    if (!s->o->progress)
        return;
    double el = now_s() - s->t0;
    size_t done = s->done, njobs = s->njobs;
    fprintf(stderr, "\rsweep: %zu/%zu done, %zu failed, %.1f s elapsed", done + s->t->resumed,
            s->t->total, s->t->failed, el);
    double left = done > 0 ? (now_s() - s->t_sim) / (double)done * (double)(njobs - done) : 0;
    if (done > 0 && done < njobs && left >= 1)
        fprintf(stderr, ", about %.0f s to go   ", left);
    else if (done > 0 && done < njobs)
        fputs(", under a second to go", stderr);
    else
        fputs("                      ", stderr);
    if (last)
        fputc('\n', stderr);
    fflush(stderr);
}

static int heard_simulated(void *ctx, size_t job, const pl_pool_result *res, pl_diag *d)
{
    struct sweep *s = ctx;
    const struct job *j = &s->jobs[job];
    char what[64];
    snprintf(what, sizeof what, "point %zu rep %zu", j->point, j->rep);
    pl_outcome o;
    pl_outcome_init(&o);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = NULL;
    int rc = pl_outcome_from_child(res, what, &o);
    o.seed = s->seed + j->rep; /* the seed it was given, also when it could not load */
    if (rc == 0 && !(f = open_memstream(&buf, &len)))
        rc = PL_ENOMEM;
    if (rc == 0) {
        row(s, j->point, j->rep, &o, f);
        rc = fclose(f) == 0 ? 0 : PL_ENOMEM;
    }
    if (rc == 0 && append(s->fd, buf, len) != 0)
        rc = pl_diag_set(d, PL_EIO, "cannot append to %s: %s", s->o->out, strerror(errno));
    else if (rc != 0)
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    s->t->failed += rc == 0 && o.status != PL_OUTCOME_OK;
    s->t->ran += rc == 0;
    s->done++;
    free(buf);
    pl_outcome_fini(&o);
    progress(s, false);
    return rc;
}

/* ---- Resuming ------------------------------------------------------------------ */

static char *head_text(const struct sweep *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    header_head(s, f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Takes the unit columns from the header of the file being resumed: they were learnt
 * when the sweep began, from the same points. */
static int units_from_header(struct sweep *s, const char *header, const char *head, pl_diag *d)
{
    size_t hl = strlen(head), len = strlen(header);
    const char *tail = ",message";
    if (strncmp(header, head, hl) != 0 || len < hl + strlen(tail) ||
        strcmp(header + len - strlen(tail), tail) != 0)
        return pl_diag_set(d, PL_EUSAGE,
                           "%s was written by another sweep: its header does not start with "
                           "'%s' (the keys of this sweep) or does not end with ',message'",
                           s->o->out, head);
    char *copy = strdup(header + hl);
    char **cols = calloc(len + 1, sizeof *cols);
    int rc = copy && cols ? 0 : pl_diag_set(d, PL_ENOMEM, "out of memory");
    int n = rc == 0 ? pl_csv_split(copy, cols, len + 1) : 0;
    /* cols[0] is empty (the comma after the head), the last is "message". */
    for (int i = 1; rc == 0 && i + 1 < n; i += 2) {
        size_t cl = strlen(cols[i]);
        if (cl <= 5 || strcmp(cols[i] + cl - 5, ".util") != 0) {
            rc = pl_diag_set(d, PL_EUSAGE, "%s: the header's column '%s' is not a unit's",
                             s->o->out, cols[i]);
            break;
        }
        cols[i][cl - 5] = '\0';
        if (add_unit(s, cols[i]) != 0)
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    }
    free(cols);
    free(copy);
    return rc;
}

/* Checks that a row of the file is one of this sweep's jobs, and marks it done. */
static int resumed_row(struct sweep *s, const pl_results_row *r, char **f, int nf, bool *done,
                       pl_diag *d)
{
    const pl_sweep_options *o = s->o;
    size_t naxes = s->p->naxes;
    int expect = (int)(naxes + 2 * s->nunits) + 10;
    bool same = nf == expect && r->point < s->p->count && r->rep < o->reps &&
                r->point % o->nshards == o->shard;
    for (size_t a = 0; same && a < naxes; a++)
        same = strcmp(f[2 + a], pl_sweep_points_value(s->p, r->point, a)) == 0;
    if (!same)
        return pl_diag_set(d, PL_EUSAGE,
                           "%s was written by another sweep: its row for point %zu rep %zu "
                           "is not one of this sweep's (keys, values, reps and shard must "
                           "be the same)",
                           o->out, r->point, r->rep);
    size_t i = r->point * o->reps + r->rep;
    if (done[i])
        return pl_diag_set(d, PL_EUSAGE, "%s holds point %zu rep %zu twice", o->out, r->point,
                           r->rep);
    done[i] = true;
    s->t->resumed++;
    s->t->failed += strcmp(f[naxes + 3], "ok") != 0;
    return 0;
}

static int resume(struct sweep *s, bool *done, pl_diag *d)
{
    pl_results r;
    char *head = head_text(s);
    int rc = head ? pl_results_load(s->o->out, &r, d) : pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (rc == 0)
        rc = units_from_header(s, r.header, head, d);
    size_t max = rc == 0 ? strlen(r.header) + 16 : 0;
    char **f = rc == 0 ? calloc(max, sizeof *f) : NULL;
    if (rc == 0 && !f)
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t i = 0; i < r.nrows && rc == 0; i++) {
        int nf = pl_csv_split(r.rows[i].line, f, max);
        rc = resumed_row(s, &r.rows[i], f, nf, done, d);
    }
    /* A row the sweep was writing when it was killed is dropped: its job runs again. */
    if (rc == 0 && r.unfinished > 0 && truncate(s->o->out, (off_t)r.whole) != 0)
        rc = pl_diag_set(d, PL_EIO, "cannot truncate %s: %s", s->o->out, strerror(errno));
    free(f);
    free(head);
    pl_results_fini(&r);
    return rc;
}

/* ---- The sweep ----------------------------------------------------------------- */

static int check_keys(const pl_sweep_options *o, pl_diag *d)
{
    for (size_t a = 0; a < o->points->naxes; a++) {
        const char *key = o->points->axes[a].key;
        if (strcmp(key, "seed") == 0)
            return pl_diag_set(d, PL_EUSAGE,
                               "--vary seed: use --reps R (and --seed S) to run seeds S .. "
                               "S+R-1 at every point");
        if (!pl_keys_at(pl_scenario_keys, key))
            return pl_diag_set(d, PL_EUSAGE, "--vary %s: no such key (pipelab keys lists them)",
                               key);
    }
    return 0;
}

/* The seed of replication 0; also checks the scenario once, before any point. */
static int first_seed(const pl_sweep_options *o, unsigned long long *seed, pl_diag *d)
{
    int rc = pl_outcome_check(o->scenario, o->sets, o->nsets, seed, d);
    if (rc == 0 && o->seed_given)
        *seed = o->seed;
    return rc;
}

static int start_file(struct sweep *s, bool *done, pl_diag *d)
{
    const pl_sweep_options *o = s->o;
    bool exists = access(o->out, F_OK) == 0;
    if (exists && !o->resume && !o->force)
        return pl_diag_set(d, PL_EUSAGE,
                           "%s exists: --resume continues that sweep, --force starts it again",
                           o->out);
    int rc = exists && o->resume ? resume(s, done, d) : learn_units(s, d);
    if (rc == 0 && !(exists && o->resume))
        rc = pl_output_file(o->out, write_header, s, d);
    if (rc == 0 && (s->fd = open(o->out, O_WRONLY | O_APPEND)) < 0)
        rc = pl_diag_set(d, PL_EIO, "cannot open %s: %s", o->out, strerror(errno));
    return rc;
}

static int list_jobs(struct sweep *s, const bool *done, pl_diag *d)
{
    const pl_sweep_options *o = s->o;
    s->jobs = calloc(s->p->count / o->nshards * o->reps + o->reps, sizeof *s->jobs);
    if (!s->jobs)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t k = o->shard; k < s->p->count; k += o->nshards)
        for (size_t r = 0; r < o->reps; r++) {
            s->t->total++;
            if (!done[k * o->reps + r])
                s->jobs[s->njobs++] = (struct job){k, r};
        }
    return 0;
}

static int write_summary(void *ctx, FILE *f, pl_diag *d)
{
    const pl_results *r = ctx;
    return pl_results_summary(r, "the results", f, d);
}

/* Rewrites the file sorted, and its summary beside it when there are replications. */
static int finish_file(struct sweep *s, pl_diag *d)
{
    const pl_sweep_options *o = s->o;
    pl_results r;
    int rc = pl_results_load(o->out, &r, d);
    if (rc == 0)
        rc = pl_results_sort(&r, o->out, d);
    if (rc == 0)
        rc = pl_results_write(&r, o->out, d);
    if (rc == 0 && o->reps > 1) {
        size_t len = strlen(o->out);
        if (len > 4 && strcmp(o->out + len - 4, ".csv") == 0)
            len -= 4;
        snprintf(s->t->summary, sizeof s->t->summary, "%.*s.summary.csv", (int)len, o->out);
        rc = pl_output_file(s->t->summary, write_summary, &r, d);
    }
    pl_results_fini(&r);
    return rc;
}

int pl_sweep_run(const pl_sweep_options *o, pl_sweep_tally *t, pl_diag *d)
{
    memset(t, 0, sizeof *t);
    struct sweep s = {.o = o, .p = o->points, .fd = -1, .t = t, .t0 = now_s()};
    bool *done = calloc(o->points->count * o->reps + 1, sizeof *done);
    int rc = done ? check_keys(o, d) : pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (rc == 0)
        rc = first_seed(o, &s.seed, d);
    if (rc == 0)
        rc = start_file(&s, done, d);
    if (rc == 0)
        rc = list_jobs(&s, done, d);
    if (rc == 0) {
        s.t_sim = now_s();
        progress(&s, false);
        rc = pl_pool_run(s.njobs, o->jobs, work_simulate, heard_simulated, &s, d);
        progress(&s, true);
    }
    if (s.fd >= 0 && close(s.fd) != 0 && rc == 0)
        rc = pl_diag_set(d, PL_EIO, "cannot write %s: %s", o->out, strerror(errno));
    if (rc == 0)
        rc = finish_file(&s, d);
    for (size_t u = 0; u < s.nunits; u++)
        free(s.units[u]);
    free(s.units);
    free(s.jobs);
    free(done);
    return rc;
}
