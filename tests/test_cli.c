/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_cli.c — the pipelab program as a user runs it: commands, formats, output
 * files, determinism, seeds, exit statuses.
 *
 * Expected numbers are the teaching example's 1224 us pipelined and 2412 us serial
 * makespans, worked out in workloads/dispatch_teaching.yaml from the makespan of a flow
 * line, sum s_i + (N - 1) x max s_i, whose sources that file cites.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/study/sweep_record.h"
#include "support.h"
#include "trace_read.h"

#include <jansson.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TEACHING "workloads/dispatch_teaching.yaml"
#define DECODE   "workloads/dispatch_llm_decode.yaml"

static pl_test_run pipelab(const char *const *args)
{
    return pl_test_exec(60, args);
}

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (!j)
        fail_msg("invalid JSON at line %d: %s", err.line, err.text);
    return j;
}

static double get_real(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    assert_non_null(v);
    return json_number_value(v);
}

static void test_run_json(void **state)
{
    (void)state;
    const char *args[] = {"run", pl_test_src(TEACHING), "--format", "json", NULL};
    pl_test_run r = pipelab(args);
    assert_int_equal(r.status, 0);
    json_t *j = parse(r.out);
    assert_string_equal(json_string_value(json_object_get(j, "model")), "dispatch");
    assert_int_equal(json_integer_value(json_object_get(j, "seed")), 1);
    pl_assert_near(get_real(j, "makespan_s"), 1224e-6, 1224e-15);
    pl_assert_near(get_real(json_object_get(j, "baseline"), "makespan_s"), 2412e-6, 2412e-15);
    pl_assert_near(get_real(j, "speedup"), 2412.0 / 1224.0, 1e-9);
    pl_assert_near(get_real(json_object_get(j, "bound"), "makespan_s"), 1224e-6, 1224e-15);
    /* 100 ops in 1224 us */
    pl_assert_near(get_real(j, "throughput_per_s"), 100 / 1224e-6, 1e-3);
    json_t *units = json_object_get(j, "units");
    assert_int_equal(json_array_size(units), 4);
    json_t *dev = json_array_get(units, 3);
    assert_string_equal(json_string_value(json_object_get(dev, "name")), "device.stream");
    pl_assert_near(get_real(dev, "utilization"), 1200.0 / 1224.0, 1e-9);
    json_t *causes = json_object_get(dev, "causes");
    const char *required[] = {"host", "data", "slot", "sync"};
    for (int i = 0; i < 4; i++)
        assert_non_null(json_object_get(causes, required[i]));
    json_decref(j);
    pl_test_run_free(&r);
}

/* Same scenario and seed: byte-identical JSON. Another seed with random durations:
 * different numbers. The decode workload draws Launch times from lognormals. */
static void test_determinism_and_seeds(void **state)
{
    (void)state;
    const char *a[] = {"run", pl_test_src(DECODE), "--format", "json", NULL};
    pl_test_run r1 = pipelab(a), r2 = pipelab(a);
    assert_int_equal(r1.status, 0);
    assert_string_equal(r1.out, r2.out);
    const char *b[] = {"run", pl_test_src(DECODE), "--format", "json", "--seed", "8", NULL};
    pl_test_run r3 = pipelab(b);
    assert_int_equal(r3.status, 0);
    json_t *j1 = parse(r1.out), *j3 = parse(r3.out);
    assert_int_equal(json_integer_value(json_object_get(j1, "seed")), 7);
    assert_int_equal(json_integer_value(json_object_get(j3, "seed")), 8);
    assert_true(json_is_true(json_object_get(j1, "random")));
    assert_true(get_real(j1, "makespan_s") != get_real(j3, "makespan_s"));
    json_decref(j1);
    json_decref(j3);
    pl_test_run_free(&r1);
    pl_test_run_free(&r2);
    pl_test_run_free(&r3);
}

/* The text report and the Gantt chart of the teaching example. */
static void test_text_and_gantt(void **state)
{
    (void)state;
    const char *args[] = {"run", pl_test_src(TEACHING), "--gantt", NULL};
    pl_test_run r = pipelab(args);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "makespan       1.224 ms\n"));
    assert_true(pl_test_contains(r.out, "speedup        1.97x over serial\n"));
    assert_true(pl_test_contains(r.out, "pipelined: makespan 1.224 ms\n"));
    assert_true(pl_test_contains(r.out, "serial: makespan 2.412 ms\n"));
    /* the serial device is idle half the time, starved by host */
    assert_true(pl_test_contains(r.out, "h bubble, starved by host: waiting"));
    pl_test_run_free(&r);
}

/* The trace of a real scenario is valid JSON with no overlapping events per thread. */
static void test_trace_file(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp();
    char path[4200];
    snprintf(path, sizeof path, "%s/trace.json", dir);
    const char *args[] = {"run", pl_test_src(DECODE), "--trace", path, "--format", "csv", NULL};
    pl_test_run r = pipelab(args);
    assert_int_equal(r.status, 0);
    size_t len = 0;
    char *text = pl_test_read_file(path, &len);
    assert_non_null(text);
    /* Flows: every id once as `s` and once as `f`, and a launch flow (issue edge) into
     * each of the run's 1260 kernels; the baseline's places are processes of their own. */
    json_t *doc = parse(text), *events = json_object_get(doc, "traceEvents"), *e;
    size_t i, starts = 0, finishes = 0, launches = 0, idsum_s = 0, idsum_f = 0, baseline = 0;
    json_array_foreach(events, i, e)
    {
        const char *ph = json_string_value(json_object_get(e, "ph"));
        const char *name = json_string_value(json_object_get(e, "name"));
        size_t id = (size_t)json_integer_value(json_object_get(e, "id"));
        if (!strcmp(ph, "s"))
            starts++, idsum_s += id;
        if (!strcmp(ph, "f")) {
            finishes++, idsum_f += id;
            launches += name && !strcmp(name, "issue") &&
                        json_integer_value(json_object_get(e, "pid")) == 2;
        }
        if (name && !strcmp(name, "process_name"))
            baseline +=
                !strncmp(json_string_value(json_object_get(json_object_get(e, "args"), "name")),
                         "baseline (serial): ", 19);
    }
    assert_int_equal(starts, finishes);
    assert_int_equal(idsum_s, idsum_f);
    assert_int_equal(launches, 1260);
    assert_int_equal(baseline, 2);
    json_decref(doc);
    size_t max = len / 32 + 1, tasks, bubbles;
    pl_test_span *spans = calloc(max, sizeof *spans);
    assert_non_null(spans);
    size_t n = pl_test_trace_spans(text, spans, max, &tasks, &bubbles);
    pl_test_trace_no_overlap(spans, n);
    /* 1260 ops (the workload's comment) x 4 tasks: InferShape, Resize, Launch, kernel, in
     * the run and again in its baseline */
    assert_int_equal(tasks, 2 * 1260 * 4);
    assert_true(bubbles > 0);
    free(spans);
    free(text);
    pl_test_run_free(&r);
    pl_test_rmtree(dir);
    free(dir);
}

static int exists(const char *dir, const char *file)
{
    char path[4400];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return stat(path, &st) == 0 && st.st_size > 0;
}

/* -o DIR writes every format, the config and the seed; a non-empty DIR needs --force. */
static void test_output_dir(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp();
    char out[4200];
    snprintf(out, sizeof out, "%s/run", dir);
    const char *args[] = {"run", pl_test_src(TEACHING), "-o", out, NULL};
    pl_test_run r = pipelab(args);
    assert_int_equal(r.status, 0);
    const char *files[] = {"report.txt",  "report.json", "units.csv",  "trace.json",   "gantt.txt",
                           "config.yaml", "seed",        "provenance", "intervals.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        assert_true(exists(out, files[i]));
    char seedpath[4400];
    snprintf(seedpath, sizeof seedpath, "%s/seed", out);
    /* Files are written to a temporary name and renamed, but get the mode open(2) would
     * give them (0666 less the umask), not the temporary's 0600. */
    mode_t mask = umask(0);
    umask(mask);
    struct stat st;
    assert_int_equal(stat(seedpath, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
    char *seed = pl_test_read_file(seedpath, NULL);
    assert_string_equal(seed, "1\n");
    free(seed);
    pl_test_run_free(&r);

    r = pipelab(args);
    assert_int_equal(r.status, 2);
    assert_true(pl_test_contains(r.err, "is not empty; use --force"));
    pl_test_run_free(&r);

    const char *forced[] = {"run",   pl_test_src(TEACHING), "-o", out, "--force",
                            "--set", "name=it's odd",       NULL};
    r = pipelab(forced);
    assert_int_equal(r.status, 0);
    pl_test_run_free(&r);
    /* The provenance: the version, the command line as a shell reads it back (the quote
     * escaped), the scenario, the seed, and the configuration's hash: FNV-1a 64 of
     * config.yaml as written, as a sweep's record gives it. */
    char path[4400], want[9000];
    snprintf(path, sizeof path, "%s/provenance", out);
    char *prov = pl_test_read_file(path, NULL);
    snprintf(path, sizeof path, "%s/config.yaml", out);
    size_t clen = 0;
    char *conf = pl_test_read_file(path, &clen);
    const char *version[] = {"--version", NULL};
    r = pipelab(version);
    assert_int_equal(r.status, 0);
    snprintf(want, sizeof want,
             "%.*s\ncommand: %s run %s -o %s --force --set 'name=it'\\''s odd'\nscenario: "
             "%s\nseed: 1\nconfig: fnv1a64:%016" PRIx64 "\n",
             (int)strcspn(r.out, "\n"), r.out, PL_BINARY, pl_test_src(TEACHING), out,
             pl_test_src(TEACHING), pl_sweep_fnv1a(conf, clen));
    pl_test_run_free(&r);
    /* "pipelab X" from --version is "pipelab: X" in the file. */
    char *colon = strchr(want, ' ');
    memmove(colon + 1, colon, strlen(colon) + 1);
    *colon = ':';
    assert_non_null(strstr(prov, want));
    free(prov);
    free(conf);

    /* The written config runs again to the same report. */
    char cfg[4400], again[4400];
    snprintf(cfg, sizeof cfg, "%s/config.yaml", out);
    snprintf(again, sizeof again, "%s/report.json", out);
    char *first = pl_test_read_file(again, NULL);
    const char *rerun[] = {"run", cfg, "--format", "json", NULL};
    r = pipelab(rerun);
    assert_int_equal(r.status, 0);
    json_t *a = parse(first), *b = parse(r.out);
    pl_assert_near(get_real(a, "makespan_s"), get_real(b, "makespan_s"), 0);
    json_decref(a);
    json_decref(b);
    free(first);
    pl_test_run_free(&r);
    pl_test_rmtree(dir);
    free(dir);
}

/* A bad key: exit 2, one line with file, line, column, key and the nearest key; no
 * output directory created. */
static void test_bad_input(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp();
    char scenario[4200], out[4200];
    snprintf(scenario, sizeof scenario, "%s/bad.yaml", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    char text[8192];
    snprintf(text, sizeof text,
             "model: dispatch\nmachine: %s\ndispatch:\n  threads:\n    lanch: 2\n"
             "  ops:\n    - {infer: 1us, resize: 1us, launch: 1us, kernel: 1us}\n",
             pl_test_src("configs/gpu_server.yaml"));
    pl_test_write_file(scenario, text);
    const char *args[] = {"run", scenario, "-o", out, NULL};
    pl_test_run r = pipelab(args);
    assert_int_equal(r.status, 2);
    char want[4400];
    snprintf(want, sizeof want,
             "pipelab: %s:5:5: key 'dispatch.threads.lanch': unknown key "
             "(did you mean 'dispatch.threads.launch'?)",
             scenario);
    assert_true(pl_test_contains(r.err, want));
    assert_string_equal(r.out, "");
    struct stat st;
    assert_int_equal(stat(out, &st), -1);
    pl_test_run_free(&r);

    const char *set[] = {"run", pl_test_src(TEACHING), "--set", "dispatch.queue_depth=-1", NULL};
    r = pipelab(set);
    assert_int_equal(r.status, 2);
    assert_true(pl_test_contains(r.err, "--set 'dispatch.queue_depth=-1':1:22: key "
                                        "'dispatch.queue_depth'"));
    pl_test_run_free(&r);

    const char *usage[] = {"run", pl_test_src(TEACHING), "--format", "xml", NULL};
    r = pipelab(usage);
    assert_int_equal(r.status, 2);
    assert_true(pl_test_contains(r.err, "--format expects text, json or csv, got 'xml'"));
    pl_test_run_free(&r);

    const char *missing[] = {"run", "no/such/file.yaml", NULL};
    r = pipelab(missing);
    assert_int_equal(r.status, 2);
    assert_true(pl_test_contains(r.err, "no/such/file.yaml"));
    pl_test_run_free(&r);
    pl_test_rmtree(dir);
    free(dir);
}

/* `config` prints the effective configuration: machine inlined, overrides and defaults. */
static void test_config_and_keys(void **state)
{
    (void)state;
    const char *args[] = {"config", pl_test_src(TEACHING), "--set", "dispatch.threads.launch=3",
                          NULL};
    pl_test_run r = pipelab(args);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "launch: 3"));
    assert_true(pl_test_contains(r.out, "queue_depth: unbounded"));
    assert_true(pl_test_contains(r.out, "cores: 14"));
    pl_test_run_free(&r);
    const char *keys[] = {"keys", NULL};
    r = pipelab(keys);
    assert_int_equal(r.status, 0);
    assert_true(pl_test_contains(r.out, "dispatch.threads.launch"));
    assert_true(pl_test_contains(r.out, "dispatch.ops[].kernel"));
    assert_true(pl_test_contains(r.out, "machine.host.cores"));
    pl_test_run_free(&r);
}

/* Two spellings of one key (issue 19): a sweep's CSV names the key in its canonical
 * spelling, whichever the --vary used, and rows simulate the value their row names (the
 * teaching example's kernel at 7 us: 10 + 8 + 6 + 7 + 99 x 10 = 1021 us, the host's 10 us
 * InferShape being the slowest step); and of two --set of one key, the last wins, as it
 * does for one spelling. */
static void test_key_spellings(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp();
    char csv[4200];
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    const char *sweep[] = {
        "sweep", pl_test_src(TEACHING), "--vary", "dispatch.ops.00.kernel=7us", "-o", csv, NULL};
    pl_test_run r = pipelab(sweep);
    assert_int_equal(r.status, 0);
    char *text = pl_test_read_file(csv, NULL);
    assert_true(strncmp(text, "point,rep,dispatch.ops[0].kernel,seed,status,makespan_s,", 56) == 0);
    assert_true(strncmp(strchr(text, '\n') + 1, "0,0,7us,1,ok,0.00102", 20) == 0);
    free(text);
    pl_test_run_free(&r);
    const char *sets[][4] = {{"dispatch.ops[0].kernel=1us", "dispatch.ops.0.kernel=7us"},
                             {"dispatch.ops.0.kernel=1us", "dispatch.ops[00].kernel=7us"}};
    for (size_t i = 0; i < 2; i++) {
        const char *args[] = {"run",      pl_test_src(TEACHING),
                              "--set",    sets[i][0],
                              "--set",    sets[i][1],
                              "--format", "json",
                              NULL};
        r = pipelab(args);
        assert_int_equal(r.status, 0);
        json_t *j = parse(r.out);
        pl_assert_near(get_real(j, "makespan_s"), 1021e-6, 1021e-15);
        json_decref(j);
        pl_test_run_free(&r);
    }
    pl_test_rmtree(dir);
    free(dir);
}

/* A description is free text: a line break or a tab in it is taken (the schema marks it
 * PL_KEY_TEXT); an escape character is not, nor a line break in a name (issue 19). */
static void test_free_text(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp();
    char path[4200], text[8600];
    snprintf(path, sizeof path, "%s/s.yaml", dir);
#define BODY                                                                                       \
    "machine: %s\nmodel: dispatch\n%s\ndispatch:\n"                                                \
    "  ops: [{name: op, infer: 1us, resize: 1us, launch: 1us, kernel: 2us}]\n"
    const char *good = "description: |\n  two lines,\n  \tthe second with a tab";
    snprintf(text, sizeof text, BODY, pl_test_src("configs/gpu_server.yaml"), good);
    pl_test_write_file(path, text);
    const char *args[] = {"config", path, NULL};
    pl_test_run r = pipelab(args);
    assert_int_equal(r.status, 0);
    pl_test_run_free(&r);
    const char *bad[][2] = {
        {"description: \"an \\e[2J escape\"",
         "s.yaml:3:14: key 'description': expected text without control characters (bytes "
         "below 0x20, or 0x7f), got 'an \\x1b[2J escape' (byte 4 is 0x1b)"},
        {"name: \"two\\nlines\"",
         "s.yaml:3:7: key 'name': expected a string without control characters (bytes below "
         "0x20, or 0x7f), got 'two\\nlines' (byte 4 is 0x0a)"},
    };
    for (size_t i = 0; i < 2; i++) {
        snprintf(text, sizeof text, BODY, pl_test_src("configs/gpu_server.yaml"), bad[i][0]);
        pl_test_write_file(path, text);
        r = pipelab(args);
        assert_int_equal(r.status, 2);
        char want[8600];
        snprintf(want, sizeof want, "pipelab: %s/%s\n", dir, bad[i][1]);
        assert_string_equal(r.err, want);
        pl_test_run_free(&r);
    }
    pl_test_rmtree(dir);
    free(dir);
#undef BODY
}

/* Every command answers --help with its own usage and the options it takes (from the one
 * option table, sim/usage.c), whatever else is on the line; an option given to a command
 * that does not take it, or one nobody takes, is refused with exit status 2, naming the
 * command's help. */
static void test_command_help(void **state)
{
    (void)state;
    static const struct {
        const char *command, *option;
    } cases[] = {
        {"run", "--gantt"},       {"config", "--seed N"},    {"keys", "--format F"},
        {"sweep", "--vary"},      {"summary", "--format F"}, {"sensitivity", "--keys"},
        {"compare", "--a KEY"},   {"import", "--steps"},     {"plan", "--stg VALUE"},
        {"partition", "--cores"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[] = {cases[i].command, "--help", "--bogus-is-not-read", NULL};
        const char *plain[] = {cases[i].command, "-h", NULL};
        for (int k = 0; k < 2; k++) {
            pl_test_run r = pipelab(k ? plain : args);
            char head[64];
            snprintf(head, sizeof head, "usage: pipelab %s", cases[i].command);
            if (r.status != 0 || strncmp(r.out, head, strlen(head)) != 0 ||
                !pl_test_contains(r.out, cases[i].option))
                fail_msg("%s --help: status %d, expected 0, '%s' and '%s' in:\n%s",
                         cases[i].command, r.status, head, cases[i].option, r.out);
            pl_test_run_free(&r);
        }
    }
    static const struct {
        const char *const args[6];
        const char *message;
    } refused[] = {
        {{"summary", "x.csv", "--gantt", NULL},
         "pipelab: --gantt belongs to pipelab run (see pipelab summary --help)"},
        {{"run", TEACHING, "--bogus", NULL},
         "pipelab: unknown option '--bogus' (see pipelab run --help)"},
        {{"run", TEACHING, "--cores", "3", NULL},
         "pipelab: --cores belongs to pipelab partition (see pipelab run --help)"},
        {{"run", TEACHING, "--trace", NULL},
         "pipelab: --trace needs a value (see pipelab run --help)"},
        {{"summary", NULL},
         "pipelab: pipelab summary needs a results file (RESULTS.csv) (see pipelab summary "
         "--help)"},
        {{"keys", "tile", "dispatch", NULL},
         "pipelab: one argument too many: 'dispatch' (see pipelab keys --help)"},
        {{"keys", "--timing", NULL},
         "pipelab: --timing belongs to pipelab run (see pipelab keys --help)"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        const char *args[6];
        for (int k = 0; k < 6; k++)
            args[k] = refused[i].args[k] && strcmp(refused[i].args[k], TEACHING) == 0
                          ? pl_test_src(TEACHING)
                          : refused[i].args[k];
        pl_test_run r = pipelab(args);
        if (r.status != 2 || !pl_test_contains(r.err, refused[i].message) || r.out[0])
            fail_msg("case %zu: status %d, expected 2 and '%s', got: %s", i, r.status,
                     refused[i].message, r.err);
        pl_test_run_free(&r);
    }
}

/* pipelab keys PREFIX lists the keys under the prefix, and --format json the same as
 * JSON: machine.host.scheduler is a mapping of six keys, the machine's waking defaults
 * among them (35 us, 14 us) and the lag limit of Linux's EEVDF on 2 CPUs (4 ms); a prefix
 * nothing lies under is refused. */
static void test_keys_prefix_and_json(void **state)
{
    (void)state;
    const char *text[] = {"keys", "machine.host.scheduler", NULL};
    pl_test_run r = pipelab(text);
    assert_int_equal(r.status, 0);
    int lines = 0;
    for (const char *p = r.out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + 7); /* the header, the mapping and its six keys */
    assert_true(pl_test_contains(r.out, "machine.host.scheduler.wake_cost"));
    assert_false(pl_test_contains(r.out, "machine.host.cores"));
    pl_test_run_free(&r);
    const char *json[] = {"keys", "machine.host.scheduler", "--format", "json", NULL};
    r = pipelab(json);
    assert_int_equal(r.status, 0);
    json_t *list = parse(r.out);
    assert_int_equal(json_array_size(list), 7);
    json_t *wake = json_array_get(list, 5);
    assert_string_equal(json_string_value(json_object_get(wake, "key")),
                        "machine.host.scheduler.wake_cost");
    assert_string_equal(json_string_value(json_object_get(wake, "default")), "14 us");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 4), "default")),
                        "35 us");
    json_t *lag = json_array_get(list, 6);
    assert_string_equal(json_string_value(json_object_get(lag, "key")),
                        "machine.host.scheduler.lag_limit");
    assert_string_equal(json_string_value(json_object_get(lag, "default")), "4 ms");
    json_decref(list);
    pl_test_run_free(&r);
    const char *none[] = {"keys", "machine.hostx", NULL};
    r = pipelab(none);
    assert_int_equal(r.status, 2);
    assert_true(pl_test_contains(r.err, "no key is 'machine.hostx' or lies under it"));
    pl_test_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_json),
        cmocka_unit_test(test_determinism_and_seeds),
        cmocka_unit_test(test_text_and_gantt),
        cmocka_unit_test(test_trace_file),
        cmocka_unit_test(test_output_dir),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_config_and_keys),
        cmocka_unit_test(test_key_spellings),
        cmocka_unit_test(test_free_text),
        cmocka_unit_test(test_command_help),
        cmocka_unit_test(test_keys_prefix_and_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
