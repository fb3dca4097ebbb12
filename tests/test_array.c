/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_array.c — the per-task arrays' allocation (sim/common/array.h):
 *
 *   - an array from pl_array_alloc_written takes (almost) no page fault when it is then
 *     written whole, where one from pl_array_alloc takes one for each of its small pages:
 *     its pages were made present at once; with half of it made present
 *     (pl_array_present), the other half's pages fault. Counted with getrusage's minor
 *     faults, on arrays of 1 MiB, below the size that huge pages are asked for. On a kernel
 *     without MADV_POPULATE_WRITE (before Linux 5.14) the advice cannot be taken, and
 *     under AddressSanitizer writes fault in its shadow memory too: the test is then
 *     skipped;
 *   - both give room for n elements, NULL when n times the size overflows.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_POPULATE_WRITE */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sim/common/array.h"
#include "support.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

enum { BYTES = 1 << 20, SMALL_PAGES = BYTES / 4096 };

static long minor_faults(void)
{
    struct rusage u;
    assert_int_equal(getrusage(RUSAGE_SELF, &u), 0);
    return u.ru_minflt;
}

/* pl_array_alloc, then its second half made present (pl_array_present). */
static void *second_half_present(size_t n, size_t size)
{
    char *p = pl_array_alloc(n, size);
    if (p)
        pl_array_present(p + n * size / 2, n * size / 2);
    return p;
}

/* The minor faults that writing the array p of BYTES whole takes. */
static long faults_to_write(char *p)
{
    assert_non_null(p);
    long before = minor_faults();
    memset(p, 1, BYTES);
    return minor_faults() - before;
}

/* Whether this kernel takes MADV_POPULATE_WRITE (EINVAL before Linux 5.14), in a build
 * whose writes touch only the array: AddressSanitizer's also write its shadow memory, whose
 * pages fault in as they are first written. */
static bool kernel_populates(void)
{
    if (PL_TEST_ASAN)
        return false;
#ifdef MADV_POPULATE_WRITE
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
    bool ok = madvise(p, 4096, MADV_POPULATE_WRITE) == 0;
    munmap(p, 4096);
    return ok;
#else
    return false;
#endif
}

static void test_written_array_takes_no_faults(void **state)
{
    (void)state;
    if (!kernel_populates())
        skip();
    /* All three held at once, so that none takes memory another freed. */
    char *a = pl_array_alloc_written(BYTES, 1), *b = second_half_present(BYTES, 1);
    char *c = pl_array_alloc(BYTES, 1);
    long written = faults_to_write(a), half = faults_to_write(b), plain = faults_to_write(c);
    free(a);
    free(b);
    free(c);
    /* Its first and last pages may be partly the allocator's: at most those two fault. */
    if (written > 2)
        fail_msg("writing an array of %d small pages made present took %ld faults", SMALL_PAGES,
                 written);
    /* Half of it made present: the other half's pages fault, give or take the two ends. */
    if (half < SMALL_PAGES / 2 - 2 || half > SMALL_PAGES / 2 + 3)
        fail_msg("writing an array of %d small pages, half made present, took %ld faults",
                 SMALL_PAGES, half);
    /* The plain array faults page by page: its memory was fresh too. */
    if (plain < SMALL_PAGES - 2)
        fail_msg("writing a plain array of %d small pages took %ld faults", SMALL_PAGES, plain);
}

static void test_room_and_overflow(void **state)
{
    (void)state;
    void *(*allocs[])(size_t, size_t) = {pl_array_alloc, pl_array_alloc_written};
    for (size_t i = 0; i < 2; i++) {
        double *a = allocs[i](100000, sizeof *a);
        assert_non_null(a);
        for (size_t k = 0; k < 100000; k++)
            a[k] = (double)k;
        assert_true(a[99999] == 99999.0);
        free(a);
        void *none = allocs[i](0, sizeof(double));
        assert_non_null(none);
        free(none);
        assert_null(allocs[i](SIZE_MAX / 2, 4));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_written_array_takes_no_faults),
        cmocka_unit_test(test_room_and_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
