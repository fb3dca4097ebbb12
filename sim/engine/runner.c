/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * runner.c — the analytic engine in process, and one forked child per SimGrid
 * simulation.
 *
 * A graph goes to the analytic engine unless SimGrid is asked for; the graphs of one call
 * are checked, then executed, at once, one thread each (parallel.h), and the children are
 * forked only once those threads have ended. When the graph
 * could share a core or a link, the analytic timeline is searched for a moment
 * where it does; if there is one, the timeline is not what SimGrid would give, and
 * the graph goes to SimGrid after all (or fails, when the analytic engine was asked
 * for by name). Before the first SimGrid child is forked, this process opens the SimGrid
 * module (simgrid_module.h), which the children inherit. A SimGrid child runs the
 * engine and writes a fixed header (status, task count, message) followed by the
 * start, end and release arrays to a pipe, then exits without running atexit handlers.
 * The parent reads everything before it reaps the child, so a child never blocks on a
 * full pipe. Invariant: each child
 * writes exactly one result, and the parent accepts a timeline only when the
 * header is well-formed (its task count the graph's, its status an error code, its
 * message ended within its array), all three arrays arrived whole, every release names
 * an edge of the graph, and nothing followed.
 */
#define _DEFAULT_SOURCE /* strsignal */
#include "sim/engine/runner.h"
#include "sim/common/array.h"
#include "sim/engine/analytic.h"
#include "sim/common/parallel.h"
#include "sim/graph/check.h"
#include "sim/engine/simgrid_module.h"
#include "sim/common/pool.h"
#include "sim/engine/sharing.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct header {
    int32_t rc;
    uint32_t ntasks;
    char msg[PL_DIAG_MAX];
};

static _Noreturn void child_main(const pl_graph *g, int fd)
{
    pl_pool_child_signals();
    pl_timeline tl;
    pl_diag d;
    pl_diag_init(&d);
    struct header h;
    memset(&h, 0, sizeof h);
    h.ntasks = pl_graph_task_count(g);
    h.rc = pl_timeline_init(&tl, h.ntasks);
    if (h.rc == 0 && pl_graph_wakes(g))
        h.rc = pl_timeline_want_woke(&tl);
    if (h.rc == 0)
        h.rc = pl_simgrid_run(g, &tl, &d);
    else
        pl_diag_set(&d, h.rc, "out of memory for the timeline");
    snprintf(h.msg, sizeof h.msg, "%s", d.msg);
    size_t bytes = (size_t)h.ntasks;
    int bad = pl_pool_write_all(fd, &h, sizeof h);
    if (!bad && h.rc != PL_ENOMEM)
        bad = pl_pool_write_all(fd, tl.start, bytes * sizeof *tl.start) ||
              pl_pool_write_all(fd, tl.end, bytes * sizeof *tl.end) ||
              pl_pool_write_all(fd, tl.release, bytes * sizeof *tl.release) ||
              (tl.woke && pl_pool_write_all(fd, tl.woke, bytes * sizeof *tl.woke));
    close(fd);
    _exit(bad ? 3 : 0);
}

struct child {
    pid_t pid;
    int fd;
};

/* Forks a child that simulates g into c. The child first frees the parent's lists of
 * children (kids, which), which it inherited and will never use. */
static int spawn(const pl_graph *g, struct child *kids, size_t *which, struct child *c,
                 pl_diag *d)
{
    pid_t pid;
    int fd;
    int rc = pl_pool_fork(&pid, &fd, d);
    if (rc != 0)
        return rc;
    if (pid == 0) {
        free(kids);
        free(which);
        child_main(g, fd);
    }
    c->pid = pid;
    c->fd = fd;
    return 0;
}

int pl_runner_read_report(int fd, uint32_t ntasks, uint32_t nedges, pl_timeline *tl,
                          pl_diag *child, pl_diag *d)
{
    struct header h;
    if (pl_pool_read_all(fd, &h, sizeof h) != 0)
        return pl_diag_set(d, PL_EPARSE, "the report ends within its header");
    if (h.ntasks != ntasks)
        return pl_diag_set(d, PL_EPARSE, "the report is for %u tasks, not %u", h.ntasks, ntasks);
    if (h.rc > 0 || strcmp(pl_errname(h.rc), "UNKNOWN") == 0)
        return pl_diag_set(d, PL_EPARSE, "the report's status %d is no error code", h.rc);
    if (!memchr(h.msg, '\0', sizeof h.msg))
        return pl_diag_set(d, PL_EPARSE, "the report's message has no end");
    if (h.rc != PL_ENOMEM) {
        size_t n = ntasks;
        if (pl_pool_read_all(fd, tl->start, n * sizeof *tl->start) != 0 ||
            pl_pool_read_all(fd, tl->end, n * sizeof *tl->end) != 0 ||
            pl_pool_read_all(fd, tl->release, n * sizeof *tl->release) != 0 ||
            (tl->woke && pl_pool_read_all(fd, tl->woke, n * sizeof *tl->woke) != 0))
            return pl_diag_set(d, PL_EPARSE, "the report ends within its timeline");
        for (size_t i = 0; i < n; i++)
            if (tl->release[i] != PL_NO_EDGE && tl->release[i] >= nedges)
                return pl_diag_set(d, PL_EPARSE, "task %zu of the report names edge %u of %u", i,
                                   tl->release[i], nedges);
    }
    char more;
    ssize_t extra;
    while ((extra = read(fd, &more, 1)) < 0 && errno == EINTR)
        ;
    if (extra != 0)
        return pl_diag_set(d, PL_EPARSE, "the report goes on after its timeline");
    child->code = h.rc;
    memcpy(child->msg, h.msg, sizeof child->msg);
    return 0;
}

/* Reads the child's result into tl and reaps it. */
static int collect(const pl_graph *g, struct child *c, pl_timeline *tl, pl_diag *d)
{
    pl_diag child, why;
    pl_diag_init(&child);
    pl_diag_init(&why);
    int bad = pl_runner_read_report(c->fd, pl_graph_task_count(g), pl_graph_edge_count(g), tl,
                                    &child, &why);
    close(c->fd);
    int ws = pl_pool_wait(c->pid);
    if (WIFSIGNALED(ws)) {
        char sig[32];
        return pl_diag_set(d, PL_ECHILD, "the simulation of the %s graph was killed by %s (%s)",
                           pl_graph_name(g), pl_pool_signal_name(WTERMSIG(ws), sig, sizeof sig),
                           strsignal(WTERMSIG(ws)));
    }
    int status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    if (bad && status != 0)
        return pl_diag_set(d, PL_ECHILD,
                           "the simulation of the %s graph ended without a result (exit %d)",
                           pl_graph_name(g), status);
    if (bad)
        return pl_diag_set(d, PL_ECHILD,
                           "the simulation of the %s graph sent a malformed result: %s",
                           pl_graph_name(g), why.msg);
    pl_timeline_seal(tl);
    tl->engine = PL_ENGINE_SIMGRID;
    if (child.code != 0)
        *d = child;
    return child.code;
}

/* Refuses g for the analytic engine when it was asked for by name and is not exact. */
static int refuse(const pl_graph *g, bool found, pl_engine_kind engine, const char *why, pl_diag *d)
{
    if (found && engine == PL_ENGINE_ANALYTIC)
        return pl_diag_set(d, PL_ECONFIG,
                           "the analytic engine is not exact for the %s graph: %s, which only "
                           "SimGrid models (engine: simgrid or auto)",
                           pl_graph_name(g), why);
    return 0;
}

/* Tries the analytic engine on g; *exact says whether its timeline stands. When it does
 * not, tl->engine_why says why SimGrid must run it. */
static int try_analytic(const pl_graph *g, pl_timeline *tl, pl_engine_kind engine, bool *exact,
                        pl_diag *d)
{
    char why[PL_ENGINE_WHY_MAX];
    bool possible = pl_sharing_possible(g, why, sizeof why), found = false;
    int rc = pl_analytic_run(g, tl, d);
    if (rc == 0 && possible && pl_sharing_found(g, tl, &found, why, sizeof why) != 0)
        rc = pl_diag_set(d, PL_ENOMEM, "out of memory looking for shared resources");
    if (rc != 0)
        return rc;
    *exact = !found;
    snprintf(tl->engine_why, sizeof tl->engine_why, "%s", why);
    tl->engine = found ? PL_ENGINE_SIMGRID : PL_ENGINE_ANALYTIC;
    return refuse(g, found, engine, why, d);
}

int pl_runner_makespan(pl_analytic_scratch *s, const pl_graph *g, const pl_graph_change *c,
                       pl_engine_kind engine, double *makespan, bool *exact, pl_diag *d)
{
    char why[PL_ENGINE_WHY_MAX];
    bool possible = pl_sharing_possible_under(g, c, why, sizeof why), found = false;
    *exact = false;
    int rc = pl_check_graph(g, d);
    if (rc == 0)
        rc = pl_analytic_makespan(s, g, c, makespan, d);
    if (rc == 0 && possible) {
        pl_timeline tl = pl_analytic_scratch_times(s, *makespan);
        if (pl_sharing_found_under(g, c, &tl, &found, why, sizeof why) != 0)
            rc = pl_diag_set(d, PL_ENOMEM, "out of memory looking for shared resources");
    }
    if (rc != 0)
        return rc;
    *exact = !found;
    return refuse(g, found, engine, why, d);
}

/* Runs the graphs marked in `simgrid`, each in its own child, at most `width` at once. */
static int run_children(const pl_graph *const *graphs, pl_timeline *tls, const bool *simgrid,
                        size_t n, size_t width, pl_diag *d)
{
    struct child *kids = calloc(n + 1, sizeof *kids);
    size_t *which = calloc(n + 1, sizeof *which);
    if (!kids || !which) {
        free(kids);
        free(which);
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (simgrid[i])
            which[m++] = i;
    /* Opened here, once, so that every child inherits it rather than loading it anew. */
    pl_simgrid_engine_fn run;
    int first_rc = m > 0 ? pl_simgrid_module_load(&run, d) : 0;
    /* A process that runs SimGrid stops keeping the memory it frees (sim/main.c keeps it
     * from the end of lowering, sweep workers from their start) and hands back what it
     * kept: a SimGrid run takes seconds, so the page faults saved are lost in it, while
     * the memory kept free, inherited by every child and grown between the verdict's
     * rounds, raised the 24-core GEMM's peak by 5 %. */
    if (m > 0)
        pl_memory_keep(false);
    pl_diag tmp;
    size_t started = 0, done = 0;
    while (done < m) {
        while (started < m && started - done < width && first_rc == 0) {
            pl_diag_init(&tmp);
            int rc = spawn(graphs[which[started]], kids, which, &kids[started], &tmp);
            if (rc != 0) {
                first_rc = rc;
                *d = tmp;
                break;
            }
            started++;
        }
        if (done == started)
            break;
        pl_diag_init(&tmp);
        int rc = collect(graphs[which[done]], &kids[done], &tls[which[done]], &tmp);
        if (rc != 0 && first_rc == 0) {
            first_rc = rc;
            *d = tmp;
        }
        done++;
    }
    free(kids);
    free(which);
    return first_rc;
}

/* The graphs of one pl_runner_simulate, each checked and then tried on the analytic
 * engine in a piece of its own (parallel.h), with a diagnostic of its own. */
struct pieces {
    const pl_graph *const *graphs;
    pl_timeline *tls;
    bool *simgrid;
    pl_engine_kind engine;
    int *rc;
    pl_diag *diags;
};

static void check_one(void *ctx, size_t i)
{
    struct pieces *p = ctx;
    p->rc[i] = pl_check_graph(p->graphs[i], &p->diags[i]);
}

static void try_one(void *ctx, size_t i)
{
    struct pieces *p = ctx;
    bool exact = false;
    if (p->engine != PL_ENGINE_SIMGRID)
        p->rc[i] = try_analytic(p->graphs[i], &p->tls[i], p->engine, &exact, &p->diags[i]);
    else
        snprintf(p->tls[i].engine_why, sizeof p->tls[i].engine_why, "as asked (engine: simgrid)");
    p->simgrid[i] = !exact;
}

/* Runs fn on every graph of p at once, and returns the first failure in graph order with
 * its diagnostic in d: the failure the graphs give one after another. */
static int each_graph(struct pieces *p, size_t n, pl_parallel_fn fn, pl_diag *d)
{
    for (size_t i = 0; i < n; i++) {
        p->rc[i] = 0;
        pl_diag_init(&p->diags[i]);
    }
    pl_parallel_for(n, fn, p);
    for (size_t i = 0; i < n; i++)
        if (p->rc[i] != 0) {
            *d = p->diags[i];
            return p->rc[i];
        }
    return 0;
}

int pl_runner_simulate(const pl_graph *const *graphs, pl_timeline *tls, size_t n, int jobs,
                       pl_engine_kind engine, pl_diag *d)
{
    /* Zeroed first, so that pl_timeline_fini is safe on all of them whatever fails. Left
     * unset: the analytic engine writes every task, a child's report fills every task or
     * the run fails. */
    memset(tls, 0, n * sizeof *tls);
    for (size_t i = 0; i < n; i++)
        if (pl_timeline_alloc(&tls[i], pl_graph_task_count(graphs[i])) != 0 ||
            (pl_graph_wakes(graphs[i]) && pl_timeline_want_woke(&tls[i]) != 0))
            return pl_diag_set(d, PL_ENOMEM, "out of memory for a timeline");
    struct pieces p = {graphs, tls, calloc(n + 1, sizeof(bool)), engine,
                       calloc(n + 1, sizeof(int)), calloc(n + 1, sizeof(pl_diag))};
    int rc = p.simgrid && p.rc && p.diags ? 0 : pl_diag_set(d, PL_ENOMEM, "out of memory");
    /* Every graph is checked before any is executed, as one after another would. */
    if (rc == 0)
        rc = each_graph(&p, n, check_one, d);
    if (rc == 0)
        rc = each_graph(&p, n, try_one, d);
    if (rc == 0)
        rc = run_children(graphs, tls, p.simgrid, n, jobs < 1 ? n : (size_t)jobs, d);
    free(p.simgrid);
    free(p.rc);
    free(p.diags);
    return rc;
}
