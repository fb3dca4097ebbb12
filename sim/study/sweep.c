/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sweep.c — running a sweep into its results file.
 *
 * A sweep runs in two passes over the pool (pool.h). The first lowers every point
 * without simulating it, to learn the units it has: the header names a column per
 * unit, and the union of every point's units, in point order, is the same whatever
 * finishes first. The second simulates every (point, replication) job not already
 * in the file. Invariant: the file always holds the header and whole rows, one per
 * job heard of, each appended with a single write as its job finishes and ending with its
 * check (sweep_record.h); its record beside it says what made it, and the sweep holds its
 * lock from start to end; resuming checks the record and every row, reads the rows back
 * and takes up the jobs it does not hold, and those that failed or crashed.
 */
#include "sim/study/sweep.h"
#include "sim/common/csv.h"
#include "models/model.h"
#include "sim/study/outcome.h"
#include "sim/common/output.h"
#include "sim/common/pool.h"
#include "sim/study/results.h"
#include "sim/study/sweep_columns.h"
#include "sim/study/sweep_record.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct job {
    size_t point, rep;
};

#ifndef PL_VERSION
#define PL_VERSION "dev"
#endif

struct sweep {
    const pl_sweep_options *o;
    const pl_sweep_points *p;
    unsigned long long seed; /* of replication 0 */
    uint64_t config;         /* the FNV-1a hash of the effective configuration */
    uint64_t binding;        /* of the record: where each row's check starts */
    pl_sweep_columns cols; /* the results' columns, the units learnt */
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
    const pl_sweep_options *o = s->o;
    int status = 3;
    if (job_sets(s, point, rep, &more, &own) == 0)
        status = simulate && o->advice
                     ? pl_outcome_job_advised(o->scenario, o->sets, o->nsets, more,
                                              s->p->naxes + 1, out)
                     : pl_outcome_job(o->scenario, o->sets, o->nsets, more, s->p->naxes + 1,
                                      simulate, out);
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
            if (pl_sweep_columns_add_unit(&s->cols, s->lowered[k].units[u].name) != 0)
                rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        pl_outcome_fini(&s->lowered[k]);
    free(s->lowered);
    s->lowered = NULL;
    return rc;
}

/* ---- The results file ---------------------------------------------------------- */

static int write_header(void *ctx, FILE *f, pl_diag *d)
{
    const struct sweep *s = ctx;
    pl_sweep_columns_header(&s->cols, f);
    return ferror(f) ? pl_diag_set(d, PL_EIO, "cannot write the results header") : 0;
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
        char check[24] = "";
        pl_sweep_columns_row(&s->cols, j->point, j->rep, &o, f);
        if (fflush(f) == 0)
            pl_sweep_record_check(s->binding, buf, len, check);
        fprintf(f, "%s\n", check);
        rc = fclose(f) == 0 ? 0 : PL_ENOMEM;
    }
    if (rc == 0 && pl_pool_write_all(s->fd, buf, len) != 0)
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

/* What put writes, as a string without its line break; NULL when out of memory. */
static char *text_of(void (*put)(const pl_sweep_columns *, FILE *), const struct sweep *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    put(&s->cols, f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    if (len > 0 && buf[len - 1] == '\n')
        buf[len - 1] = '\0';
    return buf;
}

static int record_of(const struct sweep *s, const char *header, char **record, pl_diag *d)
{
    const pl_sweep_options *o = s->o;
    pl_sweep_record_of r = {.scenario = o->scenario,
                            .sets = o->sets,
                            .nsets = o->nsets,
                            .points = o->points,
                            .reps = o->reps,
                            .seed = s->seed,
                            .seed_given = o->seed_given,
                            .shard = o->shard,
                            .nshards = o->nshards,
                            .config = s->config,
                            .advice = o->advice,
                            .header = header};
    return pl_sweep_record_text(&r, record, d);
}

/* Checks that a row of the file is one of this sweep's jobs, and marks it done unless it
 * failed or crashed (*again: then it runs again). */
static int resumed_row(struct sweep *s, const pl_results_row *r, char **f, int nf, bool *done,
                       bool *again, pl_diag *d)
{
    const pl_sweep_options *o = s->o;
    size_t naxes = s->p->naxes;
    int expect = (int)pl_sweep_columns_count(&s->cols);
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
    *again = !strcmp(f[naxes + 3], pl_outcome_status_word(PL_OUTCOME_FAILED)) ||
             !strcmp(f[naxes + 3], pl_outcome_status_word(PL_OUTCOME_CRASHED));
    s->t->resumed += !*again;
    s->t->failed += !*again && strcmp(f[naxes + 3], "ok") != 0;
    return 0;
}

static int resume(struct sweep *s, bool *done, pl_diag *d)
{
    pl_results r = {0};
    char *head = text_of(pl_sweep_columns_head, s), *found = NULL, *want = NULL;
    int rc = head ? pl_sweep_record_read(s->o->out, &found, d)
                  : pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (rc == 0)
        rc = record_of(s, "", &want, d);
    if (rc == 0)
        rc = pl_sweep_record_compare(s->o->out, found, want, d);
    if (rc == 0)
        rc = pl_results_load(s->o->out, &r, d);
    if (rc == 0)
        rc = pl_sweep_record_verify(s->o->out, found, &r, d);
    if (rc == 0)
        rc = pl_sweep_columns_from_header(&s->cols, s->o->out, r.header, head, d);
    s->binding = found ? pl_sweep_record_binding(found) : 0;
    size_t max = rc == 0 ? strlen(r.header) + 16 : 0;
    char **f = rc == 0 ? calloc(max, sizeof *f) : NULL;
    bool *again = rc == 0 ? calloc(r.nrows + 1, sizeof *again) : NULL;
    if (rc == 0 && (!f || !again))
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    for (size_t i = 0; i < r.nrows && rc == 0; i++) {
        char *copy = strdup(r.rows[i].line);
        int nf = copy ? pl_csv_split(copy, f, max) : 0;
        rc = copy ? resumed_row(s, &r.rows[i], f, nf, done, &again[i], d)
                  : pl_diag_set(d, PL_ENOMEM, "out of memory");
        free(copy);
    }
    /* Failed and crashed rows, and a row the sweep was writing when it was killed, are
     * dropped from the file: their jobs run again. */
    for (size_t i = 0; i < r.nrows && rc == 0; i++)
        if (again[i])
            done[r.rows[i].point * s->o->reps + r.rows[i].rep] = false;
    if (rc == 0 && (pl_results_drop(&r, again) || r.unfinished > 0))
        rc = pl_results_write(&r, s->o->out, d);
    free(again);
    free(f);
    free(head);
    free(found);
    free(want);
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

/* A new sweep: its record first, then the header; a sweep killed between the two leaves
 * a header that its record does not match, and --resume says so. */
static int new_file(struct sweep *s, pl_diag *d)
{
    char *hdr = NULL, *record = NULL;
    int rc = learn_units(s, d);
    if (rc == 0 && !(hdr = text_of(pl_sweep_columns_header, s)))
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (rc == 0)
        rc = record_of(s, hdr, &record, d);
    if (rc == 0) {
        s->binding = pl_sweep_record_binding(record);
        rc = pl_sweep_record_write(s->o->out, record, d);
    }
    free(hdr);
    free(record);
    return rc == 0 ? pl_output_file(s->o->out, write_header, s, d) : rc;
}

static int start_file(struct sweep *s, bool *done, pl_diag *d)
{
    const pl_sweep_options *o = s->o;
    bool exists = access(o->out, F_OK) == 0;
    if (exists && !o->resume && !o->force)
        return pl_diag_set(d, PL_EUSAGE,
                           "%s exists: --resume continues that sweep, --force starts it again",
                           o->out);
    int rc = exists && o->resume ? resume(s, done, d) : new_file(s, d);
    if (rc == 0 && (s->fd = open(o->out, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0)
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
    if (rc == 0 && o->reps > 1)
        rc = pl_results_write_summary(&r, o->out, s->t->summary, sizeof s->t->summary, d);
    pl_results_fini(&r);
    return rc;
}

int pl_sweep_run(const pl_sweep_options *o, pl_sweep_tally *t, pl_diag *d)
{
    memset(t, 0, sizeof *t);
    struct sweep s = {.o = o, .p = o->points, .fd = -1, .t = t, .t0 = now_s()};
    s.cols = (pl_sweep_columns){.points = o->points, .advice = o->advice};
    pl_sweep_lock lock = {.fd = -1};
    bool *done = calloc(o->points->count * o->reps + 1, sizeof *done);
    int rc = done ? check_keys(o, d) : pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (rc == 0)
        rc = pl_sweep_record_config(o->scenario, o->sets, o->nsets, &s.seed, &s.config, d);
    if (o->seed_given)
        s.seed = o->seed;
    /* Held to the end: the rows, the sorted rewrite and the summary are this sweep's. */
    if (rc == 0)
        rc = pl_sweep_lock_take(o->out, &lock, d);
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
    pl_sweep_lock_release(&lock);
    pl_sweep_columns_fini(&s.cols);
    free(s.jobs);
    free(done);
    return rc;
}
