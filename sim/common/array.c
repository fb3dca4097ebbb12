/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * array.c — per-task arrays on huge pages where the kernel offers them (see array.h).
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "sim/common/array.h"

#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

/* Arrays from this size on may hold a huge page; 2 MiB is a huge page on x86-64 (and
 * the alignment the advice is given at; elsewhere it is merely a granule). */
#define HUGE_FROM ((size_t)2 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

/* Advises the huge pages that lie wholly within [p, p + bytes). */
static void advise(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (!p || bytes < HUGE_FROM)
        return;
    uintptr_t first = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t last = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
    if (last > first)
        (void)madvise((void *)first, last - first, MADV_HUGEPAGE); /* advice only */
#else
    (void)p;
    (void)bytes;
#endif
}

void *pl_array_alloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    void *p = malloc(bytes > 0 ? bytes : 1);
    advise(p, bytes);
    return p;
}

/* Arrays from this size on are made present at once (pl_array_alloc_written). */
#define POPULATE_FROM ((size_t)64 << 10)
#define SMALL_PAGE    ((uintptr_t)4 << 10)

/* Makes the small pages that lie wholly within [p, p + bytes) present and writable. */
static void populate(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    if (!p || bytes < POPULATE_FROM)
        return;
    uintptr_t first = ((uintptr_t)p + SMALL_PAGE - 1) & ~(SMALL_PAGE - 1);
    uintptr_t last = ((uintptr_t)p + bytes) & ~(SMALL_PAGE - 1);
    if (last > first)
        (void)madvise((void *)first, last - first, MADV_POPULATE_WRITE); /* advice only */
#else
    (void)p;
    (void)bytes;
#endif
}

void *pl_array_alloc_written(size_t n, size_t size)
{
    void *p = pl_array_alloc(n, size);
    if (p)
        populate(p, n * size);
    return p;
}

void *pl_array_realloc(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    void *q = realloc(p, bytes > 0 ? bytes : 1);
    advise(q, bytes);
    return q;
}

/* Whether memory is kept (pl_memory_keep). */
static bool kept;

void pl_memory_ahead(size_t bytes)
{
    void *p = kept && bytes >= HUGE_FROM ? malloc(bytes) : NULL;
    advise(p, bytes);
    free(p);
}

void pl_memory_keep(bool keep)
{
    kept = keep;
#ifdef M_TRIM_THRESHOLD
    if (!keep)
        malloc_trim(0);
    mallopt(M_MMAP_THRESHOLD, 128 << 10);
    mallopt(M_MMAP_MAX, keep ? 0 : 65536); /* glibc's default */
    mallopt(M_TRIM_THRESHOLD, keep ? INT_MAX : 128 << 10);
#endif
}

void pl_memory_one_heap(void)
{
#ifdef M_ARENA_MAX
    mallopt(M_ARENA_MAX, 1);
#endif
}
