/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_sweep_predict.c — how a sweep predicts its points' units (sim/study/sweep_units.h)
 * from a few lowered points, and checks the prediction. The "lowering" here is a
 * function of the point's values that the tests choose, run in the pool's workers like
 * a sweep's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/study/sweep_units.h"

#include <stdlib.h>
#include <string.h>

/* What the units of a point depend on. */
enum depends { BY_X, X_AND_Y, Y_IS_7 };

struct fake {
    const pl_sweep_points *p;
    enum depends on;
};

/* The units of a point: "uX" for its value X of a.x (BY_X) or "u", then "dev"; then
 * "more" at x = 2 and y = 2 (X_AND_Y), or at y = 7 (Y_IS_7). */
static void units_of(const struct fake *f, size_t k, pl_outcome *o)
{
    const char *x = pl_sweep_points_value(f->p, k, 0), *y = pl_sweep_points_value(f->p, k, 1);
    char name[32];
    snprintf(name, sizeof name, "u%s", f->on == BY_X ? x : "");
    const char *names[] = {name, "dev", "more"};
    bool more = f->on == X_AND_Y ? !strcmp(x, "2") && !strcmp(y, "2")
                                 : f->on == Y_IS_7 && !strcmp(y, "7");
    size_t n = more ? 3 : 2;
    o->units = calloc(n, sizeof *o->units);
    for (o->nunits = 0; o->nunits < n; o->nunits++)
        o->units[o->nunits].name = strdup(names[o->nunits]);
}

static int fake_lower(void *ctx, size_t point, FILE *out)
{
    pl_outcome o;
    pl_outcome_init(&o);
    units_of(ctx, point, &o);
    int rc = pl_outcome_write(&o, out);
    pl_outcome_fini(&o);
    return rc == 0 ? 0 : 3;
}

static void points_of(pl_sweep_points *p, const char *x, const char *y)
{
    pl_diag d;
    pl_diag_init(&d);
    pl_sweep_points_init(p);
    assert_int_equal(pl_sweep_points_add(p, x, &d), 0);
    assert_int_equal(pl_sweep_points_add(p, y, &d), 0);
}

/* The units depend on a.x alone: point 0, three more values of each key (the second,
 * middle and last), then every value of a.x are lowered: 10 + 3, not the 400 points,
 * and every prediction holds. The columns are the union in point order: u1, dev, u2 ..
 * u10. */
static void test_one_key_decides(void **state)
{
    (void)state;
    pl_sweep_points p;
    points_of(&p, "a.x=1:10:1", "a.y=1:40:1");
    struct fake f = {.p = &p, .on = BY_X};
    pl_sweep_units u;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_sweep_units_init(&u, &p, 2, fake_lower, &f, &d), 0);
    assert_int_equal(pl_sweep_units_learn(&u, false, &d), 0);
    assert_int_equal(u.lowered, 13);
    assert_false(pl_sweep_units_all_known(&u));
    for (size_t k = 0; k < p.count; k++) {
        pl_outcome o;
        pl_outcome_init(&o);
        o.status = PL_OUTCOME_OK;
        units_of(&f, k, &o);
        assert_true(pl_sweep_units_check(&u, k, &o));
        pl_outcome_fini(&o);
    }
    assert_true(pl_sweep_units_all_known(&u));
    pl_sweep_columns c = {.points = &p};
    assert_int_equal(pl_sweep_units_columns(&u, &c), 0);
    assert_int_equal(c.nunits, 11);
    assert_string_equal(c.units[0], "u1");
    assert_string_equal(c.units[1], "dev");
    assert_string_equal(c.units[2], "u2");
    assert_string_equal(c.units[10], "u10");
    pl_sweep_columns_fini(&c);
    pl_sweep_units_fini(&u);
    pl_sweep_points_fini(&p);
}

/* A unit that only the two keys together give (x = 2 and y = 2, point 4 of 3 x 3): no
 * lowered point shows it, the check of point 4's run says the prediction was wrong, and
 * the point takes its own units; a point whose run failed stays unknown until settled,
 * which lowers it. Without `every`, 5 points are lowered (point 0 and two more values of
 * each key); with it, all 9. */
static void test_keys_together(void **state)
{
    (void)state;
    pl_sweep_points p;
    points_of(&p, "a.x=1:3:1", "a.y=1:3:1");
    struct fake f = {.p = &p, .on = X_AND_Y};
    pl_sweep_units u;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_sweep_units_init(&u, &p, 1, fake_lower, &f, &d), 0);
    assert_int_equal(pl_sweep_units_learn(&u, false, &d), 0);
    assert_int_equal(u.lowered, 5);
    pl_outcome o;
    pl_outcome_init(&o);
    o.status = PL_OUTCOME_OK;
    units_of(&f, 4, &o);
    assert_false(pl_sweep_units_check(&u, 4, &o));
    assert_true(pl_sweep_units_check(&u, 4, &o)); /* known now */
    pl_outcome_fini(&o);
    pl_outcome_init(&o);
    o.status = PL_OUTCOME_DEADLOCK;
    assert_true(pl_sweep_units_check(&u, 8, &o)); /* checks nothing */
    pl_sweep_columns c = {.points = &p};
    assert_int_equal(pl_sweep_units_columns(&u, &c), 0);
    assert_int_equal(c.nunits, 3);
    assert_string_equal(c.units[2], "more");
    pl_sweep_columns_fini(&c);
    assert_int_equal(pl_sweep_units_settle(&u, &d), 0);
    assert_true(pl_sweep_units_all_known(&u));
    assert_int_equal(u.lowered, 5 + 3); /* points 5, 7 and 8: 4 was checked */
    pl_sweep_units_fini(&u);

    assert_int_equal(pl_sweep_units_init(&u, &p, 2, fake_lower, &f, &d), 0);
    assert_int_equal(pl_sweep_units_learn(&u, true, &d), 0);
    assert_int_equal(u.lowered, 9);
    assert_true(pl_sweep_units_all_known(&u));
    pl_sweep_units_fini(&u);
    pl_sweep_points_fini(&p);
}

/* A unit that one value of a.y gives, one that is not lowered (7 of 1 .. 10: the second,
 * middle and last are 2, 6 and 10): the prediction misses it, and the check of its
 * points' runs (6 and 16 of 2 x 10) catches it. */
static void test_value_not_lowered(void **state)
{
    (void)state;
    pl_sweep_points p;
    points_of(&p, "a.x=1:2:1", "a.y=1:10:1");
    struct fake f = {.p = &p, .on = Y_IS_7};
    pl_sweep_units u;
    pl_diag d;
    pl_diag_init(&d);
    assert_int_equal(pl_sweep_units_init(&u, &p, 2, fake_lower, &f, &d), 0);
    assert_int_equal(pl_sweep_units_learn(&u, false, &d), 0);
    assert_int_equal(u.lowered, 5); /* points 0, 10, 1, 5 and 9 */
    for (size_t k = 0; k < p.count; k++) {
        pl_outcome o;
        pl_outcome_init(&o);
        o.status = PL_OUTCOME_OK;
        units_of(&f, k, &o);
        assert_int_equal(pl_sweep_units_check(&u, k, &o), k != 6 && k != 16);
        pl_outcome_fini(&o);
    }
    assert_true(pl_sweep_units_all_known(&u));
    pl_sweep_units_fini(&u);
    pl_sweep_points_fini(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_key_decides),
        cmocka_unit_test(test_keys_together),
        cmocka_unit_test(test_value_not_lowered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
