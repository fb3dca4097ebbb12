/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_variant_least.c — where a plan's run is already at its loop's makespan bound, the
 * verdict lowers none of its buffer variants (pl_variant.least, upper_bounds in
 * sim/study/verdict_search.c): no plan of the loop beats the bound, whatever its buffers'
 * versions (models/plan/bounds.h), so none of them can gain. Nor does the plan model plan
 * a variant for the verdict then, unless it may not fit the memory (models/plan/
 * variants.c, read_by_verdict): placed first fit, the buffers never take more than all
 * their versions' bytes.
 *
 * Each case's verdict is searched twice on the same lowering: as the model gives its
 * variants, and with every variant's `least` taken away (0: each lowered for its exact
 * bound, as the verdict did before it had one). Both must give the same candidates in the
 * same order, each with the same status, gain and makespan bit for bit, except that a
 * ruled-out variant's gain is at most 0 where its own bound leaves a rounding residue
 * below the noise; the variants lowered are counted: none where the run is within the
 * noise of its bound (pl_metrics_noise), as many as before elsewhere; and the variants
 * planned by the first verdict are named. The premises are checked on every variant that
 * fits: simulated, its makespan is at least its `least` less the noise, and its
 * footprint is at most the bytes of all its buffers' versions.
 *
 * The cases: workloads/plan_teaching.yaml as it is (16 iterations, at its bound of
 * 68 us: its comment) and grown to 2,000 and 50,000 iterations (still at the bound, with
 * the run's sums rounding past it), with tighter memory (330 and 300 KiB: the same plan,
 * some variants planned to see whether they fit), with less memory (256 and 224 KiB: one
 * version of A and B, above the bound, some variants refused: the comments of
 * test_variants.c), with matmul's latency drawn at random (the loop's bound, of the
 * means, holds nothing for the draws), and the attention plans.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/model.h"
#include "models/plan/variants.h"
#include "sim/engine/runner.h"
#include "sim/measure/bound.h"
#include "sim/measure/metrics.h"
#include "sim/study/verdict_search.h"
#include "support.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

/* The model under test, wrapped: its variants with `least` kept or taken away, and its
 * variants' lowerings counted. */
static const pl_model *real;
static bool forget;
static size_t lowered;

static int variants(const pl_lowering *l, pl_variant **out, size_t *n, pl_diag *d)
{
    int rc = real->variants(l, out, n, d);
    for (size_t i = 0; rc == 0 && forget && i < *n; i++)
        (*out)[i].least = 0;
    return rc;
}

static int lower_variant(const pl_lowering *l, size_t i, pl_graph **out, pl_diag *d)
{
    lowered++;
    return real->lower_variant(l, i, out, d);
}

/* The makespan of graph g with the analytic engine, which must be exact for it. */
static double makespan(const pl_graph *g)
{
    pl_analytic_scratch scratch = {0};
    pl_diag d;
    pl_diag_init(&d);
    double t = 0;
    bool exact = false;
    if (pl_runner_makespan(&scratch, g, NULL, PL_ENGINE_ANALYTIC, &t, &exact, &d) != 0)
        fail_msg("%s", d.msg);
    assert_true(exact);
    pl_analytic_scratch_fini(&scratch);
    return t;
}

/* Whether x is a buffer variant the bounds ruled out. */
static bool bounded_variant(const pl_tried *x)
{
    return x->kind == PL_CHANGE_BUFFER && x->status == PL_TRIED_BOUNDED;
}

static bool same_tried(const pl_tried *x, const pl_tried *y)
{
    return x->kind == y->kind && x->status == y->status && strcmp(x->name, y->name) == 0 &&
           strcmp(x->change, y->change) == 0 && strcmp(x->note, y->note) == 0 &&
           memcmp(&x->gain, &y->gain, sizeof x->gain) == 0 &&
           memcmp(&x->makespan, &y->makespan, sizeof x->makespan) == 0;
}

/* Verdict a (with the variants' bound) against b (without): the same, bit for bit; except
 * that where the run is at its bound (at_bound, within `noise`), a buffer variant that the
 * bounds rule out has a gain of at most 0 in a, where its lowered graph's own bound in b
 * may leave a rounding residue up to the noise (which may also move it among the others
 * so ruled out): those are matched by name. */
static void same_verdict(const char *what, const pl_verdict *a, const pl_verdict *b, bool at_bound,
                         double noise)
{
    assert_int_equal(a->ntried, b->ntried);
    assert_int_equal(a->nsimulated, b->nsimulated);
    assert_int_equal(a->nbest, b->nbest);
    for (size_t i = 0, j = 0; i < a->ntried; i++, j++) {
        const pl_tried *x = &a->tried[i];
        if (at_bound && bounded_variant(x)) {
            const pl_tried *y = NULL;
            for (size_t k = 0; k < b->ntried && !y; k++)
                if (bounded_variant(&b->tried[k]) && strcmp(b->tried[k].name, x->name) == 0)
                    y = &b->tried[k];
            if (!y || x->gain != 0 || !(y->gain >= 0 && y->gain <= noise))
                fail_msg("%s: variant '%s' gains at most %.17g, against %.17g without the bound",
                         what, x->change, x->gain, y ? y->gain : NAN);
            j--;
            continue;
        }
        while (at_bound && j < b->ntried && bounded_variant(&b->tried[j]))
            j++;
        const pl_tried *y = j < b->ntried ? &b->tried[j] : NULL;
        if (!y || !same_tried(x, y))
            fail_msg("%s: candidate %zu, '%s' (status %d, gain %.17g, makespan %.17g), differs "
                     "without the bound",
                     what, i, x->change, (int)x->status, x->gain, x->makespan);
    }
}

/* Which of k's variants are planned: 'y' or 'n' each, in buffer order. */
static const char *planned(const pl_plan_kept *k)
{
    static char made[16];
    size_t i = 0;
    for (; i < k->nvariants && i + 1 < sizeof made; i++)
        made[i] = k->made[i] ? 'y' : 'n';
    made[i] = 0;
    return made;
}

/* Lowers workloads/`rel` with the override `set` (NULL: none), searches its verdict with
 * and without the variants' bound, and compares; at_bound says whether the run is
 * expected within the noise of its loop's bound, want_made which variants the verdicts
 * had planned ('y' or 'n' each, in buffer order). */
static void check(const char *rel, const char *set, bool at_bound, const char *want_made)
{
    char what[160];
    snprintf(what, sizeof what, "%s %s", rel, set ? set : "");
    pl_diag d;
    pl_diag_init(&d);
    pl_config *cfg = NULL;
    const char *sets[] = {set};
    if (pl_config_load(pl_test_src(rel), sets, set ? 1 : 0, pl_scenario_keys, &cfg, &d) != 0)
        fail_msg("%s: %s", what, d.msg);
    real = pl_model_find(pl_config_str(cfg, "model"));
    assert_non_null(real);
    pl_model model = *real;
    model.variants = variants;
    model.lower_variant = lower_variant;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)pl_config_int(cfg, "seed"));
    pl_lowering l;
    memset(&l, 0, sizeof l);
    if (real->lower(cfg, rng, &l, &d) != 0)
        fail_msg("%s: %s", what, d.msg);
    gsl_rng_free(rng);

    double m = makespan(l.run);
    pl_bound resource;
    pl_bound_terms terms;
    assert_int_equal(pl_bound_compute_with(l.run, PL_BOUND_WORKLOAD_EDGES, NULL, &resource), 0);
    assert_int_equal(pl_bound_terms_compute(l.run, &terms), 0);
    pl_verdict_run run = {l.run, m, &resource, &terms, &model, &l, PL_ENGINE_AUTO, NULL};
    pl_verdict v[2];
    size_t count[2], nvariants = 0;
    for (int j = 0; j < 2; j++) {
        forget = j == 1;
        lowered = 0;
        if (pl_verdict_search(&run, &v[j], &d) != 0)
            fail_msg("%s: %s", what, d.msg);
        count[j] = lowered;
        if (j == 0) /* planned by then: at the bound, only those that may not fit */
            assert_string_equal(planned(l.kept), want_made);
    }
    const pl_plan_kept *k = l.kept;
    same_verdict(what, &v[0], &v[1], at_bound, pl_metrics_noise(m));

    /* The premise, on every variant that fits: no plan of it beats its least. */
    pl_variant *var = NULL;
    forget = false;
    assert_int_equal(variants(&l, &var, &nvariants, &d), 0);
    assert_true(nvariants > 0);
    bool at = false;
    for (size_t i = 0; i < nvariants; i++) {
        /* The loop's bound holds for the drawn latencies only where they are fixed. */
        assert_true(var[i].replans && (l.random ? var[i].least == 0 : var[i].least > 0));
        at = m - var[i].least <= pl_metrics_noise(m);
        if (var[i].refused[0])
            continue;
        pl_graph *g = NULL;
        assert_int_equal(real->lower_variant(&l, i, &g, &d), 0);
        double mv = makespan(g);
        if (mv < var[i].least - pl_metrics_noise(var[i].least))
            fail_msg("%s: variant '%s' takes %.17g, below its least %.17g", what, var[i].change, mv,
                     var[i].least);
        pl_graph_destroy(g);
        /* Placed first fit, its buffers take at most all their versions' bytes. */
        double most = 0;
        for (uint32_t b = 0; b < k->w.loop.nbuffers; b++) {
            uint32_t versions = k->plan.limits[b] + (b == k->buffer[i]);
            most += k->w.loop.buffers[b].size * (versions > 0 ? versions : 1);
        }
        if (k->variants[i].mem.footprint > most)
            fail_msg("%s: variant '%s' takes %.17g bytes, more than its versions' %.17g", what,
                     var[i].change, k->variants[i].mem.footprint, most);
    }
    assert_int_equal(at, at_bound);
    if (at_bound)
        assert_int_equal(count[0], 0);
    else
        assert_int_equal(count[0], count[1]);
    print_message("%s: makespan %.17g, bound %.17g, variants lowered %zu (before %zu)\n", what, m,
                  var[0].least, count[0], count[1]);
    free(var);
    pl_verdict_fini(&v[0]);
    pl_verdict_fini(&v[1]);
    pl_bound_terms_fini(&terms);
    pl_lowering_fini(&l);
    pl_config_destroy(cfg);
}

#define PLAN "workloads/plan_teaching.yaml"

static void teaching(void **state)
{
    (void)state;
    check(PLAN, NULL, true, "nnnn");
}

static void teaching_long(void **state)
{
    (void)state;
    check(PLAN, "plan.iterations=2000", true, "nnnn");
    check(PLAN, "plan.iterations=50000", true, "nnnn");
}

/* With 330 KiB the plan is the same, at its bound (288 KiB): a third version of C would
 * make the versions 64 x 3 + 32 x 2 + 32 x 2 + 32 = 352 KiB, which may not fit, so that
 * variant is planned to know (it fits, reusing memory); a version more of A, B or D makes
 * 320 KiB, which surely fits. With 300 KiB every variant is planned, and a third version
 * of A or of B is refused (320 KiB: test_variants.c's plan_refused has the same sums). */
static void teaching_tight_memory(void **state)
{
    (void)state;
    check(PLAN, "plan.memory=330KiB", true, "nnyn");
    check(PLAN, "plan.memory=300KiB", true, "yyyy");
}

static void teaching_less_memory(void **state)
{
    (void)state;
    check(PLAN, "plan.memory=256KiB", false, "yyyy");
    check(PLAN, "plan.memory=224KiB", false, "yyyy");
}

/* With matmul's latency drawn (normal, 4 us mean, 0.5 us sd), the simulated run takes
 * 67.2 us, below the bound of the means, 68 us: the bound says nothing of the draws, so
 * the variants have none (least 0), and each is planned and lowered as before. */
static void teaching_random(void **state)
{
    (void)state;
    check(PLAN, "plan.ops[2].latency={dist: normal, mean: 4us, sd: 0.5us}", false, "yyyy");
}

static void attention(void **state)
{
    (void)state;
    check("workloads/plan_attention.yaml", NULL, false, "yyyyyyy");
    check("workloads/plan_attention_units.yaml", NULL, false, "yyyyyyy");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(teaching),
        cmocka_unit_test(teaching_long),
        cmocka_unit_test(teaching_tight_memory),
        cmocka_unit_test(teaching_less_memory),
        cmocka_unit_test(teaching_random),
        cmocka_unit_test(attention),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
