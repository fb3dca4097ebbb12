/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_tile_depths.c — the tile depth search simulates no kernel whose makespan it
 * already knows: the run's (its configured depths), a buffer one slot deeper that the
 * verdict simulated, a probe of an earlier round, or one repeated in the same round.
 *
 * Expected values: tile_buffering.yaml's own comment (59 us at depth 2, 52 us at 3, a
 * tile every 3 us on VECTOR); the probes of models/tile/depths.c (round 0: every buffer as
 * deep as its tiles, then the depth the period predicts and the one below it; last, the
 * depths together), counted by a trier that simulates with the analytic engine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/model.h"
#include "sim/engine/analytic.h"
#include "sim/measure/bound.h"
#include "support.h"

#include <gsl/gsl_rng.h>
#include <string.h>

#define BUFFERING "workloads/tile_buffering.yaml"
/* Its figures at 16 tiles and depth 2, with or without a verdict. */
#define THREE "3 slots of 32 KiB in UB (configured 2): 52 us with 3, 59 us with 2"
#define THREE_TOGETHER                                                                             \
    "52 us with every buffer at its depth (within the goal); UB 96 KiB of "                        \
    "192 KiB: they fit"

/* A trier that simulates with the analytic engine and counts the graphs it was given. */
static int simulate(void *ctx, const pl_graph *const *graphs, size_t n, pl_trial *out, pl_diag *d)
{
    for (size_t i = 0; i < n; i++) {
        pl_timeline tl;
        pl_bound b;
        assert_int_equal(pl_timeline_init(&tl, pl_graph_task_count(graphs[i])), 0);
        if (pl_analytic_run(graphs[i], &tl, d) != 0)
            fail_msg("%s", d->msg);
        assert_int_equal(pl_bound_compute(graphs[i], &b), 0);
        out[i] = (pl_trial){.makespan = tl.makespan, .bound = b.makespan};
        pl_timeline_fini(&tl);
    }
    *(size_t *)ctx += n;
    return 0;
}

/* tile_buffering.yaml lowered with the overrides and advised under verdict v: the advice
 * simulates `simulated` kernels, and its figures "depth t" and "depths together" read
 * depth and together. */
static void check(const char *const *sets, size_t nsets, const pl_verdict *v, size_t simulated,
                  const char *depth, const char *together)
{
    pl_config *cfg = NULL;
    pl_lowering l;
    pl_diag d;
    pl_diag_init(&d);
    if (pl_config_load(pl_test_src(BUFFERING), sets, nsets, pl_scenario_keys, &cfg, &d) != 0)
        fail_msg("%s", d.msg);
    const pl_model *model = pl_model_find("tile");
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)pl_config_int(cfg, "seed"));
    int rc = model->lower(cfg, rng, &l, &d);
    gsl_rng_free(rng);
    size_t n = 0;
    pl_trier t = {.simulate = simulate, .ctx = &n};
    if (rc != 0 || model->advise(&l, &t, v, &d) != 0)
        fail_msg("%s", d.msg);
    assert_int_equal(n, simulated);
    const char *want[] = {"depth t", depth, "depths together", together};
    for (size_t k = 0; k < 4; k += 2) {
        const pl_figure *f = NULL;
        for (size_t i = 0; i < l.figures.n; i++)
            if (strcmp(l.figures.v[i].name, want[k]) == 0)
                f = &l.figures.v[i];
        assert_non_null(f);
        assert_string_equal(f->text, want[k + 1]);
    }
    pl_lowering_fini(&l);
    pl_config_destroy(cfg);
}

/* The verdict of the run at depth 2 (59 us), in which one more slot in t took 52 us. */
static pl_verdict t_deeper(pl_tried *tried)
{
    *tried = (pl_tried){.kind = PL_CHANGE_BUFFER,
                        .name = "t",
                        .status = PL_TRIED_SIMULATED,
                        .makespan = 52e-6,
                        .gain = 7e-6};
    return (pl_verdict){.searched = true,
                        .makespan = 59e-6,
                        .ntried = 1,
                        .nsimulated = 1,
                        .tried = tried,
                        .nbest = 1};
}

/* Round 0 tries t at 16 slots (its tiles), 3 (the period's guess) and 2; the verdict
 * knows 2 (the run) and 3 (its one more slot), and the depths together are t at 3 again:
 * only the 16-slot kernel is simulated (4 kernels before the search kept what it knew). */
static void verdict_makespans_kept(void **state)
{
    (void)state;
    pl_tried tried;
    pl_verdict v = t_deeper(&tried);
    check(NULL, 0, &v, 1, THREE, THREE_TOGETHER);
}

/* Without a verdict (not searched) round 0 simulates t at 16, 3 and 2 slots; the depths
 * together, t at 3, repeat a probe and are not simulated: 3 kernels, not 4. */
static void probe_repeated_later(void **state)
{
    (void)state;
    pl_verdict v = {0};
    check(NULL, 0, &v, 3, THREE, THREE_TOGETHER);
}

/* Two tiles: t as deep as its tiles is 2 slots, and the period's guess, 3, is cut to that,
 * the same kernel in the same round; the one below is 1 slot. A slot is held from TLOAD
 * to TSTORE (release: store): with 1 slot the tiles take 2 x (2 + 3 + 2) = 14 us, with 2
 * the second loads while the first computes, 2 + 3 + 3 + 2 = 10 us, the bound (VECTOR's
 * 6 us between the first load and the last store). Simulated: t at 2 and at 1 slots; the
 * repeat in round 0 and the depths together (t at 2) are not: 2 kernels, not 4. */
static void probe_repeated_in_round(void **state)
{
    (void)state;
    pl_verdict v = {0};
    const char *sets[] = {"tile.count=2"};
    check(sets, 1, &v, 2, "2 slots of 32 KiB in UB (configured 2): 10 us with 2, 14 us with 1",
          "10 us with every buffer at its depth (within the goal); UB 64 KiB of 192 KiB: they "
          "fit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verdict_makespans_kept),
        cmocka_unit_test(probe_repeated_later),
        cmocka_unit_test(probe_repeated_in_round),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
