/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sweep.c — running a sweep into its results file.
 *
 * The header names a column per unit, the union of every point's units in point order,
 * the same whatever finishes first: a few points are lowered first to predict them, and
 * each point's run checks the prediction (sweep_units.h). Then the pool (pool.h)
 * simulates every (point, replication) job not already in the file. When a point's run
 * shows the prediction wrong, the pool stops, the points not checked yet are lowered,
 * and the sweep goes on, or, when the header is another, starts its file again. A row
 * of replication 0 that ran is in the file only once its point's units are checked.
 * Invariant: the file always holds the header and whole rows, one per
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
#include "sim/study/summary.h"
#include "sim/study/sweep_columns.h"
#include "sim/study/sweep_record.h"
#include "sim/study/sweep_units.h"

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
    pl_sweep_columns cols;   /* the results' columns */
    pl_sweep_units units;    /* each point's units, predicted or known */
    bool *rows;              /* by point * reps + rep: whether the file holds its row */
    bool mispredicted;       /* a point's run gave other units than predicted */
    struct job *jobs;
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
        status = simulate && o->advice ? pl_outcome_job_advised(o->scenario, o->sets, o->nsets,
                                                                more, s->p->naxes + 1, out)
                                       : pl_outcome_job(o->scenario, o->sets, o->nsets, more,
                                                        s->p->naxes + 1, simulate, out);
    free(more);
    free(own);
    return status;
}

static int work_lower(void *ctx, size_t point, FILE *out)
{
    return job(ctx, point, 0, false, out);
}

static int work_simulate(void *ctx, size_t j, FILE *out)
{
    const struct sweep *s = ctx;
    return job(s, s->jobs[j].point, s->jobs[j].rep, true, out);
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
    fprintf(stderr, "\rsweep: %zu/%zu done, %zu failed, %.1f s elapsed", s->t->ran + s->t->resumed,
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
    if (rc == 0 && j->rep == 0 && !pl_sweep_units_check(&s->units, j->point, &o)) {
        s->mispredicted = true;
        pl_outcome_fini(&o);
        return pl_diag_set(d, PL_EUSAGE, "point %zu has other units than predicted", j->point);
    }
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
    s->rows[j->point * s->o->reps + j->rep] |= rc == 0;
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
    /* A row of replication 0 that ran was written once its point's units checked. */
    if (r->rep == 0 && strcmp(f[naxes + 3], "ok") == 0)
        pl_sweep_units_trust(&s->units, r->point);
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

/* A new results file for the columns: its record first, then the header; a sweep killed
 * between the two leaves a header that its record does not match, and --resume says so. */
static int new_file(struct sweep *s, pl_diag *d)
{
    char *hdr = NULL, *record = NULL;
    int rc = 0;
    if (!(hdr = text_of(pl_sweep_columns_header, s)))
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

static int open_file(struct sweep *s, pl_diag *d)
{
    if ((s->fd = open(s->o->out, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0)
        return pl_diag_set(d, PL_EIO, "cannot open %s: %s", s->o->out, strerror(errno));
    return 0;
}

static bool same_units(const pl_sweep_columns *a, const pl_sweep_columns *b)
{
    bool same = a->nunits == b->nunits;
    for (size_t u = 0; same && u < a->nunits; u++)
        same = strcmp(a->units[u], b->units[u]) == 0;
    return same;
}

/* The columns of the units learnt, into *c (initialised; the caller finis it). */
static int learnt_columns(const struct sweep *s, pl_sweep_columns *c, pl_diag *d)
{
    *c = (pl_sweep_columns){.points = s->p, .advice = s->o->advice};
    return pl_sweep_units_columns(&s->units, c) == 0 ? 0
                                                     : pl_diag_set(d, PL_ENOMEM, "out of memory");
}

/* Resumes the file. A sweep of one shard has the header its units predict unless it
 * started its file again: then its header is the one that every point's lowering gave,
 * which is taken as known, as is the header of a shard (never predicted). */
static int resume_file(struct sweep *s, bool *done, pl_diag *d)
{
    bool predicted = s->o->nshards == 1;
    int rc = predicted ? pl_sweep_units_learn(&s->units, false, d) : 0;
    if (rc == 0)
        rc = resume(s, done, d);
    pl_sweep_columns c = {0};
    if (rc == 0 && predicted)
        rc = learnt_columns(s, &c, d);
    if (rc == 0 && (!predicted || !same_units(&c, &s->cols)))
        for (size_t k = 0; k < s->p->count; k++)
            pl_sweep_units_trust(&s->units, k);
    pl_sweep_columns_fini(&c);
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
    int rc = 0;
    if (exists && o->resume) {
        rc = resume_file(s, done, d);
    } else {
        /* Every shard must write one header: a shard lowers every point, its own or not. */
        rc = pl_sweep_units_learn(&s->units, o->nshards > 1, d);
        if (rc == 0 && pl_sweep_units_columns(&s->units, &s->cols) != 0)
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory");
        if (rc == 0)
            rc = new_file(s, d);
    }
    return rc == 0 ? open_file(s, d) : rc;
}

/* Lowers the points whose units are not known, and starts the file again when the
 * header they give is another. */
static int settle(struct sweep *s, bool *done, pl_diag *d)
{
    pl_sweep_columns c = {0};
    int rc = pl_sweep_units_settle(&s->units, d);
    if (rc == 0)
        rc = learnt_columns(s, &c, d);
    if (rc != 0 || same_units(&c, &s->cols)) {
        pl_sweep_columns_fini(&c);
        return rc;
    }
    pl_sweep_columns_fini(&s->cols);
    s->cols = c;
    if (close(s->fd) != 0)
        rc = pl_diag_set(d, PL_EIO, "cannot write %s: %s", s->o->out, strerror(errno));
    s->fd = -1;
    memset(done, 0, s->p->count * s->o->reps * sizeof *done);
    s->t->ran = s->t->resumed = s->t->failed = 0;
    if (rc == 0)
        rc = new_file(s, d);
    return rc == 0 ? open_file(s, d) : rc;
}

static int list_jobs(struct sweep *s, const bool *done, pl_diag *d)
{
    const pl_sweep_options *o = s->o;
    free(s->jobs);
    s->njobs = s->done = s->t->total = 0;
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

/* Simulates the jobs the file does not hold until every point's units are known. */
static int simulate(struct sweep *s, bool *done, pl_diag *d)
{
    for (;;) {
        int rc = list_jobs(s, done, d);
        if (rc == 0) {
            s->t_sim = now_s();
            progress(s, false);
            rc = pl_pool_run(s->njobs, s->o->jobs, work_simulate, heard_simulated, s, d);
        }
        if (rc != 0 && !s->mispredicted)
            return rc;
        if (rc == 0 && pl_sweep_units_all_known(&s->units))
            return 0;
        pl_diag_init(d);
        s->mispredicted = false;
        if ((rc = settle(s, done, d)) != 0)
            return rc;
    }
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
        rc = pl_summary_write_beside(&r, o->out, s->t->summary, sizeof s->t->summary, d);
    pl_results_fini(&r);
    return rc;
}

int pl_sweep_run(const pl_sweep_options *o, pl_sweep_tally *t, pl_diag *d)
{
    memset(t, 0, sizeof *t);
    bool *done = calloc(o->points->count * o->reps + 1, sizeof *done);
    struct sweep s = {.o = o, .p = o->points, .rows = done, .fd = -1, .t = t, .t0 = now_s()};
    s.cols = (pl_sweep_columns){.points = o->points, .advice = o->advice};
    pl_sweep_lock lock = {.fd = -1};
    int rc = done ? check_keys(o, d) : pl_diag_set(d, PL_ENOMEM, "out of memory");
    if (rc == 0)
        rc = pl_sweep_record_config(o->scenario, o->sets, o->nsets, &s.seed, &s.config, d);
    if (o->seed_given)
        s.seed = o->seed;
    /* Held to the end: the rows, the sorted rewrite and the summary are this sweep's. */
    if (rc == 0)
        rc = pl_sweep_lock_take(o->out, &lock, d);
    if (rc == 0)
        rc = pl_sweep_units_init(&s.units, o->points, o->jobs, work_lower, &s, d);
    if (rc == 0)
        rc = start_file(&s, done, d);
    if (rc == 0) {
        rc = simulate(&s, done, d);
        progress(&s, true);
    }
    if (s.fd >= 0 && close(s.fd) != 0 && rc == 0)
        rc = pl_diag_set(d, PL_EIO, "cannot write %s: %s", o->out, strerror(errno));
    if (rc == 0)
        rc = finish_file(&s, d);
    pl_sweep_lock_release(&lock);
    pl_sweep_columns_fini(&s.cols);
    pl_sweep_units_fini(&s.units);
    free(s.jobs);
    free(done);
    return rc;
}
