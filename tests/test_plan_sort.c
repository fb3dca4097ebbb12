/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plan_sort.c — the plan's merge sort (models/plan/sort.h), which merges two sorted
 * halves only where they overlap, against the C library's qsort with the same order: on
 * every length from 0 to 600 and on 100,000 entries, entries in random order, in order,
 * in reverse order, in order but for a window (each entry at most W places from its
 * place, as in a schedule's task order: W of 1, 3, 17, 40 and 1000), and with keys
 * that repeat (the order then ends in the index, as every plan sort's does). The result
 * must be qsort's, entry for entry, and tmp must need no more than sort.h promises (n / 2
 * + 1 entries: tmp is allocated to exactly that here, so that AddressSanitizer and
 * valgrind see any write past it). Fixed seed, printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/plan/sort.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define SEED 20261207u

struct entry {
    uint32_t key, index;
};

static bool entry_less(const struct entry *a, const struct entry *b)
{
    if (a->key != b->key)
        return a->key < b->key;
    return a->index < b->index;
}

PL_PLAN_SORT(sort_entries, struct entry, entry_less)

static int cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    return entry_less(x, y) ? -1 : entry_less(y, x) ? 1 : 0;
}

/* This test's own generator, xorshift32, so that the cases are the same everywhere. */
static uint32_t next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

enum shape { RANDOM, SORTED, REVERSED, WINDOW, REPEATS };

/* Entries 0 .. n of a shape: keys, then the index of each entry. */
static void fill(struct entry *v, size_t n, enum shape shape, uint32_t window, uint32_t *s)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t key = (uint32_t)i * 2;
        switch (shape) {
        case RANDOM:
            key = next(s);
            break;
        case SORTED:
            break;
        case REVERSED:
            key = (uint32_t)(n - i) * 2;
            break;
        case WINDOW: /* a key within `window` places of its own: the entry moves at most that far */
            key = (uint32_t)i * 2 + 2 * (next(s) % (window + 1));
            break;
        case REPEATS:
            key = next(s) % 7;
            break;
        }
        v[i] = (struct entry){key, (uint32_t)i};
    }
}

/* Sorts one case both ways and compares, entry for entry. */
static void check(size_t n, enum shape shape, uint32_t window, uint32_t *s)
{
    struct entry *v = malloc((n + 1) * sizeof *v), *want = malloc((n + 1) * sizeof *want),
                 *tmp = malloc((n / 2 + 1) * sizeof *tmp);
    assert_non_null(v);
    assert_non_null(want);
    assert_non_null(tmp);
    fill(v, n, shape, window, s);
    for (size_t i = 0; i < n; i++)
        want[i] = v[i];
    qsort(want, n, sizeof *want, cmp_entry);
    sort_entries(v, n, tmp);
    for (size_t i = 0; i < n; i++) {
        if (v[i].key != want[i].key || v[i].index != want[i].index)
            fail_msg("n %zu, shape %d, window %u: entry %zu is (%u, %u), qsort's (%u, %u)", n,
                     (int)shape, window, i, v[i].key, v[i].index, want[i].key, want[i].index);
    }
    free(v);
    free(want);
    free(tmp);
}

static const uint32_t windows[] = {1, 3, 17, 40, 1000};

static void every_length(void **state)
{
    (void)state;
    uint32_t s = SEED;
    printf("seed %u\n", SEED);
    for (size_t n = 0; n <= 600; n++) {
        for (int shape = RANDOM; shape <= REPEATS; shape++)
            if (shape != WINDOW)
                check(n, (enum shape)shape, 0, &s);
        for (size_t w = 0; w < sizeof windows / sizeof *windows; w++)
            check(n, WINDOW, windows[w], &s);
    }
}

static void long_inputs(void **state)
{
    (void)state;
    uint32_t s = SEED + 1;
    for (int shape = RANDOM; shape <= REPEATS; shape++)
        if (shape != WINDOW)
            check(100000, (enum shape)shape, 0, &s);
    for (size_t w = 0; w < sizeof windows / sizeof *windows; w++)
        check(100000, WINDOW, windows[w], &s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_length),
        cmocka_unit_test(long_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
