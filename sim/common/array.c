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
 * the alignment the advice is given at; elsewhere it is merely a granule). Arrays from
 * POPULATE_FROM on are made present at once (pl_array_alloc_written), by small pages. */
#define HUGE_FROM     ((size_t)2 << 20)
#define HUGE_PAGE     ((uintptr_t)2 << 20)
#define POPULATE_FROM ((size_t)64 << 10)
#define SMALL_PAGE    ((uintptr_t)4 << 10)

/* Gives `advice` for the pages of size `page` that lie wholly within [p, p + bytes): advice
 * only, whatever the kernel makes of it. */
static void advise_pages(void *p, size_t bytes, uintptr_t page, int advice)
{
    uintptr_t first = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t last = ((uintptr_t)p + bytes) & ~(page - 1);
    if (p && last > first)
        (void)madvise((void *)first, last - first, advice);
}

/* Advises the huge pages that lie wholly within [p, p + bytes). */
static void advise(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (bytes >= HUGE_FROM)
        advise_pages(p, bytes, HUGE_PAGE, MADV_HUGEPAGE);
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

void pl_array_present(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    if (bytes >= POPULATE_FROM)
        advise_pages(p, bytes, SMALL_PAGE, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)bytes;
#endif
}

void *pl_array_alloc_written(size_t n, size_t size)
{
    void *p = pl_array_alloc(n, size);
    if (p) /* n * size does not overflow: p would be NULL */
        pl_array_present(p, n * size);
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
