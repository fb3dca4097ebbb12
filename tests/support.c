/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * support.c — test helpers: running the program with captured output and a time
 * limit, files and scratch directories.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/graph/graph.h"
#include "sim/measure/bound.h"
#include "sim/report/report.h"
#include "sim/engine/runner.h"
#include "sim/study/session.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *mkdtemp(char *template);

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

struct buf {
    char *data;
    size_t len, cap;
};

static void buf_append(struct buf *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        assert_non_null(b->data);
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Reads from whichever pipe has data until both close or the limit passes. */
static int drain(int fo, int fe, struct buf *out, struct buf *err, double deadline)
{
    struct pollfd p[2] = {{fo, POLLIN, 0}, {fe, POLLIN, 0}};
    int open = 2;
    char chunk[65536];
    while (open > 0) {
        int ms = (int)((deadline - now_s()) * 1000);
        if (ms <= 0)
            return -1;
        if (poll(p, 2, ms) < 0 && errno != EINTR)
            return -1;
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
                continue;
            ssize_t n = read(p[i].fd, chunk, sizeof chunk);
            if (n > 0) {
                buf_append(i == 0 ? out : err, chunk, (size_t)n);
            } else {
                close(p[i].fd);
                p[i].fd = -1;
                open--;
            }
        }
    }
    return 0;
}

pl_test_run pl_test_exec(double limit_s, const char *const *args)
{
    int po[2], pe[2];
    assert_int_equal(pipe(po), 0);
    assert_int_equal(pipe(pe), 0);
    size_t n = 0;
    while (args[n])
        n++;
    const char **argv = calloc(n + 2, sizeof *argv);
    assert_non_null(argv);
    argv[0] = PL_BINARY;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = args[i];
    double t0 = now_s();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        execv(PL_BINARY, (char *const *)argv);
        _exit(127);
    }
    free(argv);
    close(po[1]);
    close(pe[1]);
    struct buf out = {0}, err = {0};
    buf_append(&out, "", 0);
    buf_append(&err, "", 0);
    if (drain(po[0], pe[0], &out, &err, t0 + limit_s) != 0) {
        kill(pid, SIGKILL);
        print_error("pipelab ran past its %.0f s limit\n", limit_s);
    }
    int ws = 0;
    waitpid(pid, &ws, 0);
    pl_test_run r = {0};
    r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    r.out = out.data;
    r.err = err.data;
    r.wall_s = now_s() - t0;
    return r;
}

void pl_test_run_free(pl_test_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

const char *pl_test_src(const char *rel)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", PL_SOURCE_DIR, rel);
    return path;
}

char *pl_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = {0};
    buf_append(&b, "", 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    if (len)
        *len = b.len;
    return b.data;
}

void pl_test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

char *pl_test_mkdtemp(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/pipelab-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(path));
    char *dup = strdup(path);
    assert_non_null(dup);
    return dup;
}

void pl_test_rmtree(const char *dir)
{
    /* Scratch directories hold only plain files one level deep. */
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int pl_test_contains(const char *haystack, const char *needle)
{
    return haystack && needle && strstr(haystack, needle) != NULL;
}

const pl_figure *pl_test_figure(const pl_report *r, const char *name)
{
    for (size_t i = 0; r->figures && i < r->figures->n; i++)
        if (strcmp(r->figures->v[i].name, name) == 0)
            return &r->figures->v[i];
    fail_msg("no figure '%s'", name);
    return NULL;
}

uint64_t pl_test_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

uint32_t pl_test_below(uint64_t *state, uint32_t n)
{
    return (uint32_t)(pl_test_random(state) % n);
}

char *pl_test_render(int (*render)(const struct pl_report *r, FILE *out, struct pl_diag *d),
                     const struct pl_report *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(render(r, out, &d), 0);
    assert_int_equal(fclose(out), 0);
    return text;
}

/* pl_test_session, with the advice left out (pl_session_skip_advice) unless `advice`. */
static int session(const char *path, const char *const *sets, size_t nsets, bool advice,
                   pl_session **out, pl_diag *d)
{
    *out = NULL;
    pl_diag_init(d);
    int rc = pl_session_open(path, sets, nsets, out, d);
    if (rc == 0 && !advice)
        pl_session_skip_advice(*out);
    if (rc == 0)
        rc = pl_session_run(*out, d);
    return rc;
}

int pl_test_session(const char *path, const char *const *sets, size_t nsets, pl_session **out,
                    pl_diag *d)
{
    return session(path, sets, nsets, true, out, d);
}

/* pl_test_run_yaml, with the advice left out (pl_session_skip_advice) when `advice` is
 * false. */
static pl_session *run_yaml(const char *yaml, const char *const *sets, size_t nsets, bool advice)
{
    char *dir = pl_test_mkdtemp();
    char path[512];
    snprintf(path, sizeof path, "%s/scenario.yaml", dir);
    pl_test_write_file(path, yaml);
    pl_session *s;
    pl_diag d;
    int rc = session(path, sets, nsets, advice, &s, &d);
    pl_test_rmtree(dir);
    free(dir);
    if (rc != 0)
        fail_msg("scenario: %s", d.msg);
    return s;
}

pl_session *pl_test_run_yaml(const char *yaml, const char *const *sets, size_t nsets)
{
    return run_yaml(yaml, sets, nsets, true);
}

pl_session *pl_test_run_yaml_no_advice(const char *yaml, const char *const *sets, size_t nsets)
{
    return run_yaml(yaml, sets, nsets, false);
}

pl_session *pl_test_run_yaml_set(const char *yaml, const char *key, int value)
{
    char set[128];
    snprintf(set, sizeof set, "%s=%d", key, value);
    const char *sets[] = {set};
    return pl_test_run_yaml(yaml, sets, 1);
}

int pl_test_count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* |a - b| within 1e-9 of the larger, or both NaN. */
static int same_time(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

void pl_test_simulate(const pl_graph *g, pl_timeline *tl)
{
    pl_diag d;
    pl_diag_init(&d);
    const pl_graph *gs[] = {g};
    if (pl_runner_simulate(gs, tl, 1, 1, PL_ENGINE_SIMGRID, &d) != 0)
        fail_msg("simulation failed: %s", d.msg);
    pl_timeline other;
    if (pl_runner_simulate(gs, &other, 1, 1, PL_ENGINE_AUTO, &d) != 0)
        fail_msg("engine auto failed: %s", d.msg);
    for (uint32_t t = 0; t < tl->ntasks; t++)
        if (!same_time(tl->start[t], other.start[t]) || !same_time(tl->end[t], other.end[t]) ||
            tl->release[t] != other.release[t])
            fail_msg("task %u: SimGrid %.17g-%.17g released by edge %u, %s engine %.17g-%.17g "
                     "released by edge %u (%s)",
                     t, tl->start[t], tl->end[t], tl->release[t], pl_engine_name(other.engine),
                     other.start[t], other.end[t], other.release[t], other.engine_why);
    pl_timeline_fini(&other);
}

void pl_test_assert_same_bound(const pl_bound *got, const pl_bound *want)
{
    pl_assert_same_double(got->makespan, want->makespan);
    assert_int_equal(got->kind, want->kind);
    assert_int_equal(got->which, want->which);
    pl_assert_same_double(got->head, want->head);
    pl_assert_same_double(got->work, want->work);
    pl_assert_same_double(got->tail, want->tail);
    pl_assert_same_double(got->critical_path, want->critical_path);
}

pl_graph *pl_test_cycle_graph(const char *name, const char *label)
{
    pl_graph *g = pl_graph_create(name);
    uint32_t place, l, a, b, a0, a1, b0, b1;
    assert_int_equal(pl_graph_add_place(g, "device", PL_PLACE_DEVICE, 1, &place), 0);
    assert_int_equal(pl_graph_add_label(g, label, &l), 0);
    assert_int_equal(pl_graph_add_unit(g, "A", place, &a), 0);
    assert_int_equal(pl_graph_add_unit(g, "B", place, &b), 0);
    assert_int_equal(pl_graph_add_task(g, a, 1e-6, l, 0, &a0), 0);
    assert_int_equal(pl_graph_add_task(g, a, 1e-6, l, 1, &a1), 0);
    assert_int_equal(pl_graph_add_task(g, b, 1e-6, l, 0, &b0), 0);
    assert_int_equal(pl_graph_add_task(g, b, 1e-6, l, 1, &b1), 0);
    assert_int_equal(pl_graph_add_edge(g, b1, a0, PL_EDGE_SLOT, PL_AT_START), 0);
    assert_int_equal(pl_graph_add_edge(g, a1, b0, PL_EDGE_DATA, PL_AT_END), 0);
    assert_int_equal(pl_graph_finalize(g), 0);
    return g;
}
