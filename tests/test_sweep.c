/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_sweep.c — the pieces of sweeps and replications: --vary values and the
 * order of points, CSV fields, statistics, outcomes sent from a child, the pool
 * of children (a crashing one included), results files read back and
 * summarised. tests/test_studies.c runs the program's replications, sensitivity and
 * comparisons; tests/test_sweep.sh whole sweeps (-j, --resume after kills, shards).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/common/csv.h"
#include "sim/study/outcome.h"
#include "sim/common/pool.h"
#include "sim/study/results.h"
#include "sim/study/summary.h"
#include "sim/measure/stats.h"
#include "sim/study/sweep_points.h"
#include "sim/study/sweep_record.h"

#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- --vary ------------------------------------------------------------------- */

static void test_points_lists_and_ranges(void **state)
{
    (void)state;
    pl_sweep_points p;
    pl_diag d;
    pl_diag_init(&d);
    pl_sweep_points_init(&p);
    assert_int_equal(pl_sweep_points_add(&p, "dispatch.threads.launch=1,2,4", &d), 0);
    assert_int_equal(pl_sweep_points_add(&p, "dispatch.ops[0].launch=2us:10us:4us", &d), 0);
    assert_int_equal(p.count, 9);
    /* The last key varies fastest: point 4 is launch threads 2, launch 6us. */
    assert_string_equal(pl_sweep_points_value(&p, 4, 0), "2");
    assert_string_equal(pl_sweep_points_value(&p, 4, 1), "6us");
    assert_string_equal(pl_sweep_points_value(&p, 8, 0), "4");
    assert_string_equal(pl_sweep_points_value(&p, 8, 1), "10us");
    /* A range whose steps do not reach stop ends before it; decimals print without
     * rounding noise (0.1 * 3 is 0.30000000000000004 as a double). */
    assert_int_equal(pl_sweep_points_add(&p, "x=0:0.35:0.1", &d), 0);
    assert_int_equal(p.axes[2].n, 4);
    assert_string_equal(p.axes[2].values[3], "0.3");
    /* Commas inside braces do not split a value. */
    assert_int_equal(pl_sweep_points_add(&p, "k={dist: normal, mean: 1us, sd: 0.1us},2us", &d), 0);
    assert_int_equal(p.axes[3].n, 2);
    assert_string_equal(p.axes[3].values[0], "{dist: normal, mean: 1us, sd: 0.1us}");
    assert_int_equal(p.count, 9 * 4 * 2);
    pl_sweep_points_fini(&p);
}

static void test_points_errors(void **state)
{
    (void)state;
    static const struct {
        const char *arg, *says;
    } bad[] = {
        {"novalue", "expected key=v1,v2"},
        {"k=1,,2", "an empty value"},
        {"k=1us:2ms:1us", "take the same unit"},
        {"k=1:5:0", "step must be non-zero"},
        {"k=5:1:1", "step must be non-zero"},
        {"k=a:b:c", "must be numbers"},
        {"k=1:2", "start:stop:step"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pl_sweep_points p;
        pl_diag d;
        pl_diag_init(&d);
        pl_sweep_points_init(&p);
        assert_int_equal(pl_sweep_points_add(&p, bad[i].arg, &d), PL_EUSAGE);
        if (!pl_test_contains(d.msg, bad[i].says))
            fail_msg("--vary %s: '%s' does not say '%s'", bad[i].arg, d.msg, bad[i].says);
        pl_sweep_points_fini(&p);
    }
    pl_sweep_points p;
    pl_diag d;
    pl_diag_init(&d);
    pl_sweep_points_init(&p);
    assert_int_equal(pl_sweep_points_add(&p, "k=1,2", &d), 0);
    assert_int_equal(pl_sweep_points_add(&p, "k=3", &d), PL_EUSAGE);
    assert_true(pl_test_contains(d.msg, "varied twice"));
    pl_sweep_points_fini(&p);
}

/* ---- CSV ------------------------------------------------------------------------ */

static void test_csv_round_trip(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const char *fields[] = {"plain", "a,b", "say \"hi\"", "", "{dist: x, mean: 1}"};
    for (size_t i = 0; i < 5; i++) {
        if (i)
            fputc(',', f);
        pl_csv_put(f, fields[i]);
    }
    fclose(f);
    assert_string_equal(buf, "plain,\"a,b\",\"say \"\"hi\"\"\",,\"{dist: x, mean: 1}\"");
    char *out[8];
    assert_int_equal(pl_csv_split(buf, out, 8), 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(out[i], fields[i]);
    free(buf);
    char open_quote[] = "a,\"b", after[] = "\"a\"b,c", many[] = "a,b,c";
    assert_int_equal(pl_csv_split(open_quote, out, 8), -1);
    assert_int_equal(pl_csv_split(after, out, 8), -1);
    assert_int_equal(pl_csv_split(many, out, 2), -1);
}

/* ---- Statistics ----------------------------------------------------------------- */

static void test_stats_student_t(void **state)
{
    (void)state;
    /* Mean 5, sample variance 32/7; t(0.975, 7) = 2.364624 (any table of Student's t),
     * so the half-width is 2.364624 * sqrt(32/7) / sqrt(8) = 2.364624 * 0.755929 = 1.787488. */
    const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
    pl_stats s;
    pl_stats_of(x, 8, &s);
    pl_assert_near(s.mean, 5, 1e-15);
    pl_assert_near(s.sd, sqrt(32.0 / 7), 1e-12);
    pl_assert_near(s.ci_low, 5 - 1.787488, 1e-6);
    pl_assert_near(s.ci_high, 5 + 1.787488, 1e-6);
    pl_assert_near(s.min, 2, 0);
    pl_assert_near(s.max, 9, 0);
    pl_stats_of(x, 1, &s);
    pl_assert_near(s.mean, 2, 0);
    assert_true(isnan(s.sd) && isnan(s.ci_low) && isnan(s.ci_high));
    pl_stats_of(x, 0, &s);
    assert_true(isnan(s.mean));
}

/* ---- Outcomes ------------------------------------------------------------------- */

static void test_outcome_text_is_exact(void **state)
{
    (void)state;
    pl_outcome a, b;
    pl_outcome_init(&a);
    pl_outcome_init(&b);
    a.seed = 18446744073709551615ull;
    a.makespan = 0.1 + 0.2; /* not a short decimal: %a must keep every bit */
    a.throughput = 1.0 / 3;
    a.speedup = 1.97;
    a.bound = 1224e-6;
    a.efficiency = 1;
    a.nunits = 1;
    a.units = calloc(1, sizeof *a.units);
    a.units[0] = (pl_outcome_unit){strdup("host.launch 0"), 0.25, 1e-300};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(pl_outcome_write(&a, f), 0);
    fclose(f);
    pl_pool_result res = {.status = 0, .out = buf, .len = len};
    assert_int_equal(pl_outcome_from_child(&res, "job", &b), 0);
    assert_int_equal(b.status, PL_OUTCOME_OK);
    assert_true(b.seed == a.seed);
    assert_true(b.makespan == a.makespan && b.throughput == a.throughput);
    assert_true(b.bound == a.bound && b.speedup == a.speedup && b.efficiency == 1);
    assert_int_equal(b.nunits, 1);
    assert_string_equal(b.units[0].name, "host.launch 0");
    assert_true(b.units[0].bubble == 1e-300);
    pl_outcome_fini(&b);
    /* Cut short (a child killed while writing), it is not taken for a result. */
    pl_outcome_init(&b);
    res.len = len - 3;
    assert_int_equal(pl_outcome_from_child(&res, "point 7", &b), 0);
    assert_int_equal(b.status, PL_OUTCOME_FAILED);
    assert_true(pl_test_contains(b.message, "point 7 ended without a whole result"));
    pl_outcome_fini(&b);
    pl_outcome_fini(&a);
    free(buf);
}

/* ---- The pool ------------------------------------------------------------------- */

struct heard {
    size_t n, order[16];
    pl_pool_result res[16];
    char out[16][32];
};

/* Job 3 dies of SIGSEGV and job 4 exits with status 5; the others write a line. */
static int work(void *ctx, size_t job, FILE *out)
{
    (void)ctx;
    if (job == 3)
        raise(SIGSEGV);
    fprintf(out, "job %zu", job);
    return job == 4 ? 5 : 0;
}

static int heard(void *ctx, size_t job, const pl_pool_result *res, pl_diag *d)
{
    (void)d;
    struct heard *h = ctx;
    h->order[h->n++] = job;
    h->res[job] = *res;
    snprintf(h->out[job], sizeof h->out[job], "%s", res->out);
    return 0;
}

static void test_pool_reports_every_job(void **state)
{
    (void)state;
    struct heard h = {0};
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_pool_run(6, 3, work, heard, &h, &d), 0);
    assert_int_equal(h.n, 6);
    bool seen[6] = {0};
    for (size_t i = 0; i < 6; i++)
        seen[h.order[i]] = true;
    for (size_t i = 0; i < 6; i++)
        assert_true(seen[i]);
    assert_string_equal(h.out[0], "job 0");
    assert_int_equal(h.res[0].status, 0);
    assert_int_equal(h.res[3].status, -1);
    assert_int_equal(h.res[3].signal, SIGSEGV);
    assert_int_equal(h.res[4].status, 5);
    char name[32];
    assert_string_equal(pl_pool_signal_name(SIGSEGV, name, sizeof name), "SIGSEGV");
    /* A crash is an outcome that names the signal. */
    pl_outcome o;
    pl_outcome_init(&o);
    pl_pool_result crash = {.status = -1, .signal = SIGSEGV, .out = "", .len = 0};
    assert_int_equal(pl_outcome_from_child(&crash, "point 3", &o), 0);
    assert_int_equal(o.status, PL_OUTCOME_CRASHED);
    assert_string_equal(o.message, "the process of point 3 was killed by SIGSEGV");
    pl_outcome_fini(&o);
}

static int stop_at_one(void *ctx, size_t job, const pl_pool_result *res, pl_diag *d)
{
    (void)res;
    size_t *n = ctx;
    ++*n;
    return job == 1 ? pl_diag_set(d, PL_EIO, "stop") : 0;
}

static int quick(void *ctx, size_t job, FILE *out)
{
    (void)ctx;
    fprintf(out, "%zu", job);
    return 0;
}

static void test_pool_stops_when_told(void **state)
{
    (void)state;
    size_t n = 0;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_pool_run(50, 1, quick, stop_at_one, &n, &d), PL_EIO);
    assert_int_equal(n, 2); /* one at a time: jobs 0 and 1, then no more */
    assert_string_equal(d.msg, "stop");
}

/* ---- Results files -------------------------------------------------------------- */

static const char results_text[] =
    "point,rep,k,seed,status,makespan_s,speedup,a.util,a.bubble_s,message\n"
    "1,1,\"x,y\",2,ok,4,1.5,0.5,1,\n"
    "0,0,2us,1,ok,1,2,0.25,,\n"
    "1,0,\"x,y\",1,ok,2,1.5,0.75,3,\n"
    "0,1,2us,2,deadlock,,,,,\"units wait, on each other\"\n"
    "1,2,\"x,y\",3,ok,9,1.5,1,5,\n"
    "2,0,9us,1,ok,1,1"; /* killed while writing this row */

static void test_results_read_back_and_summarised(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp(), path[512];
    snprintf(path, sizeof path, "%s/r.csv", dir);
    pl_test_write_file(path, results_text);
    pl_results r;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_results_load(path, &r, &d), 0);
    assert_int_equal(r.nrows, 5);
    assert_int_equal(r.unfinished, strlen("2,0,9us,1,ok,1,1"));
    assert_int_equal(r.whole + r.unfinished, strlen(results_text));
    assert_int_equal(pl_results_sort(&r, path, &d), 0);
    assert_int_equal(r.rows[0].point, 0);
    assert_int_equal(r.rows[1].rep, 1);
    assert_int_equal(r.rows[4].rep, 2);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(pl_summary_write(&r, path, PL_SUMMARY_CSV, f, &d), 0);
    fclose(f);
    /* Point 0: one replication ran (makespan 1, speedup 2): no spread. Point 1: makespans
     * 2, 4, 9 have mean 5, sd sqrt(13) = 3.6055512754639891, and half-width
     * t(0.975, 2) * sd / sqrt(3) = 4.302653 * 2.0816660 = 8.956686; speedup 1.5 thrice;
     * a.bubble_s 3, 1, 5 (rep order) have mean 3 and sd 2. */
    char *lines[4];
    lines[0] = strtok(buf, "\n");
    for (int i = 1; i < 4; i++)
        lines[i] = strtok(NULL, "\n");
    assert_null(lines[3]);
    assert_string_equal(lines[0], "point,k,reps,ok,makespan_s_mean,makespan_s_sd,makespan_s_ci_low,"
                                  "makespan_s_ci_high,speedup_mean,speedup_sd,speedup_ci_low,"
                                  "speedup_ci_high,a.util_mean,a.util_sd,a.util_ci_low,"
                                  "a.util_ci_high,a.bubble_s_mean,a.bubble_s_sd,"
                                  "a.bubble_s_ci_low,a.bubble_s_ci_high");
    assert_string_equal(lines[1], "0,2us,2,1,1,,,,2,,,,0.25,,,,,,,");
    char *fields[32];
    assert_int_equal(pl_csv_split(lines[2], fields, 32), 20);
    assert_string_equal(fields[1], "x,y");
    assert_string_equal(fields[2], "3");
    assert_string_equal(fields[3], "3");
    pl_assert_near(strtod(fields[4], NULL), 5, 1e-15);
    pl_assert_near(strtod(fields[5], NULL), sqrt(13), 1e-14);
    pl_assert_near(strtod(fields[6], NULL), 5 - 8.956686, 1e-5);
    pl_assert_near(strtod(fields[7], NULL), 5 + 8.956686, 1e-5);
    pl_assert_near(strtod(fields[9], NULL), 0, 1e-15);
    pl_assert_near(strtod(fields[16], NULL), 3, 1e-15);
    pl_assert_near(strtod(fields[17], NULL), 2, 1e-15);
    free(buf);
    /* The same as a table to read: the makespan's mean with its interval's half-width (0 s
     * alone for point 0, 8.957 s for point 1), the speedup with two decimals; and as JSON,
     * the same figures with nothing rounded, null where there is none. */
    f = open_memstream(&buf, &len);
    assert_int_equal(pl_summary_write(&r, path, PL_SUMMARY_TEXT, f, &d), 0);
    fclose(f);
    assert_string_equal(buf, "point    k  reps  ok  makespan (95 %)  speedup\n"
                             "    0  2us     2   1              1 s    2.00x\n"
                             "    1  x,y     3   3    5 s ± 8.957 s    1.50x\n");
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(pl_summary_write(&r, path, PL_SUMMARY_JSON, f, &d), 0);
    fclose(f);
    json_error_t err;
    json_t *list = json_loads(buf, 0, &err), *one = json_array_get(list, 1);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_object_get(json_object_get(one, "keys"), "k")),
                        "x,y");
    json_t *makespan = json_object_get(json_object_get(one, "figures"), "makespan_s");
    pl_assert_near(json_real_value(json_object_get(makespan, "sd")), sqrt(13), 1e-14);
    json_t *alone =
        json_object_get(json_object_get(json_array_get(list, 0), "figures"), "makespan_s");
    assert_true(json_is_null(json_object_get(alone, "sd")));
    json_decref(list);
    free(buf);
    /* A point and replication twice is refused. */
    pl_results_fini(&r);
    pl_test_write_file(path, "point,rep,seed,status,message\n0,0,1,ok,\n0,0,1,ok,\n");
    assert_int_equal(pl_results_load(path, &r, &d), 0);
    assert_int_equal(pl_results_sort(&r, path, &d), PL_EPARSE);
    assert_true(pl_test_contains(d.msg, "holds point 0 rep 0 twice"));
    pl_results_fini(&r);
    pl_test_rmtree(dir);
    free(dir);
}

/* ---- Records, checks and locks (sweep_record.h) ----------------------------------- */

static void test_record_hashes(void **state)
{
    (void)state;
    /* FNV-1a 64 test vectors (Fowler, Noll, Vo: isthe.com/chongo/tech/comp/fnv). */
    assert_true(pl_sweep_fnv1a("", 0) == 0xcbf29ce484222325ull);
    assert_true(pl_sweep_fnv1a("a", 1) == 0xaf63dc4c8601ec8cull);
    /* The check is h * 256 + byte mod 2^45 - 55: "ab" is 97 * 256 + 98 = 24930, and
     * 2^45 - 55 itself (bytes 0x1f 0xff 0xff 0xff 0xff 0xc9) is 0. */
    assert_true(pl_sweep_check_more(0, "ab", 2) == 24930);
    assert_true(pl_sweep_check_more(0, "\x1f\xff\xff\xff\xff\xc9", 6) == 0);
    char buf[24];
    pl_sweep_record_check(1, "x", 1, buf);
    assert_string_equal(buf, ",376"); /* 1 * 256 + 'x' (120) */
    /* Unbound lines (scenario, seed from, shard, comments) do not change the binding. */
    assert_true(pl_sweep_record_binding("# c\nseed: 1\nscenario: a\nshard: 0/2\n") ==
                pl_sweep_record_binding("seed: 1\nscenario: b\nshard: 1/2\n"));
    assert_true(pl_sweep_record_binding("seed: 1\n") != pl_sweep_record_binding("seed: 2\n"));
    char e[64] = "";
    assert_true(pl_sweep_record_escape(e, sizeof e, "a\\b\nc\x01"));
    assert_string_equal(e, "a\\\\b\\nc\\x01");
}

/* A results file's header and rows against a record: which difference is named. */
static void test_record_verify(void **state)
{
    (void)state;
    static const char record[] = "seed: 1\ncolumns: point,rep,seed,status,message,check\n";
    uint64_t b = pl_sweep_record_binding(record);
    char c0[24], c1[24];
    pl_sweep_record_check(b, "0,0,1,ok,", 9, c0);
    pl_sweep_record_check(b, "1,0,1,ok,", 9, c1);
    static const struct {
        const char *header, *row, *says;
    } cases[] = {
        {"point,rep,seed,status,message,check", "0,0,1,ok,", NULL},
        {"point,rep,status,message,check", "0,0,1,ok,",
         "r.csv:1:1: the header lacks column 3, 'seed', which its sweep wrote"},
        {"point,rep,seed,status,x,message,check", "0,0,1,ok,",
         "r.csv:1:1: the header has column 5, 'x', which its sweep did not write"},
        {"point,rep,seed,state,message,check", "0,0,1,ok,",
         "r.csv:1:1: the header's column 4 is 'state', its sweep wrote 'status'"},
        {"point,rep,seed,status,message,check", "0,0,1,ok",
         "r.csv:2:1: the row of point 0 rep 0 has another number of fields, the header 6"},
        {"point,rep,seed,status,message,check", "0,0,2,ok,",
         "r.csv:2:1: the row of point 0 rep 0 does not match its check"},
    };
    char *dir = pl_test_mkdtemp(), path[512], text[512];
    snprintf(path, sizeof path, "%s/r.csv", dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* Every row carries the check of "0,0,1,ok,"; case 5 changed its seed. */
        snprintf(text, sizeof text, "%s\n%s%s\n1,0,1,ok,%s\n", cases[i].header, cases[i].row, c0,
                 c1);
        pl_test_write_file(path, text);
        pl_results r;
        pl_diag d;
        pl_diag_init(&d);
        assert_int_equal(pl_results_load(path, &r, &d), 0);
        int rc = pl_sweep_record_verify("r.csv", record, &r, &d);
        pl_results_fini(&r);
        if (!cases[i].says) {
            assert_int_equal(rc, 0);
        } else if (rc == 0 || !pl_test_contains(d.msg, cases[i].says)) {
            fail_msg("case %zu: '%s' does not say '%s'", i, d.msg, cases[i].says);
        }
    }
    pl_test_rmtree(dir);
    free(dir);
}

/* What another process gets when it asks for the lock on `path`: 0 when refused with
 * `want` as the message, 1 when refused otherwise, 2 when granted. */
static int other_process_takes(const char *path, const char *want)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        pl_sweep_lock l;
        pl_diag d;
        pl_diag_init(&d);
        int rc = pl_sweep_lock_take(path, &l, &d);
        _exit(rc == 0 ? 2 : rc == PL_EUSAGE && strcmp(d.msg, want) == 0 ? 0 : 1);
    }
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(WIFEXITED(ws));
    return WEXITSTATUS(ws);
}

/* A second sweep (another process) is refused the lock on one results file, naming the
 * file and the holder; once released, the lock file is gone and the lock free. */
static void test_lock_refuses_a_second_writer(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp(), path[512], lockpath[600], want[2048];
    snprintf(path, sizeof path, "%s/r.csv", dir);
    snprintf(lockpath, sizeof lockpath, "%s.lock", path);
    pl_sweep_lock a;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_sweep_lock_take(path, &a, &d), 0);
    snprintf(want, sizeof want,
             "%s is being written by another sweep (process %ld, which holds %s): wait for "
             "it to end, or stop it and run --resume",
             path, (long)getpid(), lockpath);
    assert_int_equal(other_process_takes(path, want), 0);
    pl_sweep_lock_release(&a);
    assert_int_equal(access(lockpath, F_OK), -1); /* removed at the end */
    assert_int_equal(other_process_takes(path, want), 2);
    pl_test_rmtree(dir);
    free(dir);
}

/* A sweep killed while a worker it forked still runs leaves the lock free at once: the
 * worker, which inherited the lock file's descriptor, does not hold the lock. */
static void test_lock_not_held_by_workers(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp(), path[512];
    snprintf(path, sizeof path, "%s/r.csv", dir);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t sweep = fork();
    assert_true(sweep >= 0);
    if (sweep == 0) {
        pl_sweep_lock l;
        pl_diag d;
        pl_diag_init(&d);
        if (pl_sweep_lock_take(path, &l, &d) != 0)
            _exit(1);
        pid_t worker = fork();
        if (worker == 0) {
            sleep(30); /* a worker still busy when its sweep is killed */
            _exit(0);
        }
        if (write(ready[1], &worker, sizeof worker) != (ssize_t)sizeof worker)
            _exit(1);
        raise(SIGKILL);
    }
    pid_t worker = 0;
    assert_int_equal(read(ready[0], &worker, sizeof worker), (ssize_t)sizeof worker);
    int ws;
    assert_int_equal(waitpid(sweep, &ws, 0), sweep);
    assert_true(WIFSIGNALED(ws));
    assert_int_equal(kill(worker, 0), 0); /* the worker lives on */
    assert_int_equal(other_process_takes(path, ""), 2);
    kill(worker, SIGKILL);
    close(ready[0]);
    close(ready[1]);
    pl_test_rmtree(dir);
    free(dir);
}

/* Reading is bounded, and a write that fails says why (here EFBIG: a file size limit
 * stands in for a full disk, whose ENOSPC takes the same path). */
static void test_results_limits_and_write_errors(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp(), path[512], *text = NULL, want[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/r.csv", dir);
    pl_test_write_file(path, "point,rep,seed,status,message\n0,0,1,ok,\n"); /* 30 + 10 bytes */
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_results_read_text(path, 10, &text, &len, &d), PL_EIO);
    snprintf(want, sizeof want, "cannot read %s: larger than the 10 bytes a results file may have",
             path);
    assert_string_equal(d.msg, want);
    pl_results r;
    assert_int_equal(pl_results_load(path, &r, &d), 0);
    free(r.rows[0].line);
    r.rows[0].line = calloc(70000, 1);
    memset(r.rows[0].line, 'x', 69999);
    struct rlimit old, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = 4096;
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    snprintf(want, sizeof want, "%s/w.csv", dir);
    int rc = pl_results_write(&r, want, &d);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, was);
    assert_int_equal(rc, PL_EIO);
    char says[2048];
    snprintf(says, sizeof says, "cannot write %s: File too large", want);
    assert_string_equal(d.msg, says);
    pl_results_fini(&r);
    pl_test_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_points_lists_and_ranges),
        cmocka_unit_test(test_points_errors),
        cmocka_unit_test(test_csv_round_trip),
        cmocka_unit_test(test_stats_student_t),
        cmocka_unit_test(test_outcome_text_is_exact),
        cmocka_unit_test(test_pool_reports_every_job),
        cmocka_unit_test(test_pool_stops_when_told),
        cmocka_unit_test(test_results_read_back_and_summarised),
        cmocka_unit_test(test_record_hashes),
        cmocka_unit_test(test_record_verify),
        cmocka_unit_test(test_lock_refuses_a_second_writer),
        cmocka_unit_test(test_lock_not_held_by_workers),
        cmocka_unit_test(test_results_limits_and_write_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
