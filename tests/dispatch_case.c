/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dispatch_case.c — a dispatch scenario written by a test, loaded, lowered and run (see
 * dispatch_case.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dispatch_case.h"
#include "sim/engine/analytic.h"
#include "support.h"

#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes the scenario: the header (model, machine) then `body`, the dispatch section. */
static void write_scenario(pl_test_dispatch *x, const char *body, char *path, size_t len)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    fprintf(f, "name: replay test\nmodel: dispatch\nmachine: %s\ndispatch:\n%s",
            pl_test_src("configs/gpu_server.yaml"), body);
    fclose(f);
    x->dir = pl_test_mkdtemp();
    snprintf(path, len, "%s/s.yaml", x->dir);
    pl_test_write_file(path, text);
    free(text);
}

void pl_test_dispatch_try(pl_test_dispatch *x, const char *body)
{
    char path[512];
    memset(x, 0, sizeof *x);
    pl_diag_init(&x->d);
    write_scenario(x, body, path, sizeof path);
    x->rc = pl_config_load(path, NULL, 0, pl_scenario_keys, &x->cfg, &x->d);
    if (x->rc != 0)
        return;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 1);
    x->rc = pl_model_find("dispatch")->lower(x->cfg, rng, &x->l, &x->d);
    gsl_rng_free(rng);
}

void pl_test_dispatch_run(pl_test_dispatch *x, const char *body)
{
    pl_test_dispatch_try(x, body);
    if (x->rc != 0)
        fail_msg("%s", x->d.msg);
    assert_int_equal(pl_timeline_init(&x->tl, pl_graph_task_count(x->l.run)), 0);
    if (pl_analytic_run(x->l.run, &x->tl, &x->d) != 0)
        fail_msg("%s", x->d.msg);
}

void pl_test_dispatch_done(pl_test_dispatch *x)
{
    pl_timeline_fini(&x->tl);
    if (x->rc == 0 && x->cfg)
        pl_lowering_fini(&x->l);
    pl_config_destroy(x->cfg);
    pl_test_rmtree(x->dir);
    free(x->dir);
}

static uint32_t unit_named(const pl_graph *g, const char *name)
{
    for (uint32_t u = 0; u < pl_graph_unit_count(g); u++)
        if (strcmp(pl_graph_unit_name(g, u), name) == 0)
            return u;
    fail_msg("no unit %s", name);
    return 0;
}

uint32_t pl_test_task_of(const pl_graph *g, const char *unit, uint32_t i)
{
    uint32_t n;
    const uint32_t *tasks = pl_graph_unit_tasks(g, unit_named(g, unit), &n);
    assert_true(i < n);
    return tasks[i];
}

uint32_t pl_test_tasks_on(const pl_graph *g, const char *unit)
{
    uint32_t n;
    pl_graph_unit_tasks(g, unit_named(g, unit), &n);
    return n;
}
