/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * array.h — allocating the arrays that hold one entry per task (a graph's fields, a
 * timeline, a measure's walk).
 *
 * A run of millions of tasks spends much of its time on the first write to each page of
 * these arrays (the kernel's page fault). So an array of 2 MiB or more is allocated as
 * usual, and then the kernel is asked to back the whole huge pages it spans with huge
 * pages (MADV_HUGEPAGE: 2 MiB on x86-64, one fault where there were 512), which it does
 * where transparent huge pages are enabled ("always" or "madvise") and ignores
 * otherwise. Nothing else changes: the memory is the caller's, freed with free(), and its
 * contents are those of malloc and realloc (unset; realloc keeps the old part).
 */
#ifndef PL_ARRAY_H
#define PL_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

/* malloc of n elements of size `size` (n may be 0), or NULL when out of memory or when
 * n * size overflows. */
void *pl_array_alloc(size_t n, size_t size);
/* realloc to n elements of size `size`, likewise; on failure p is left as it was. */
void *pl_array_realloc(void *p, size_t n, size_t size);

/* Whether the process's allocator keeps the memory freed, for arrays of the same sizes
 * allocated again (true), or hands it back to the kernel (false).
 *
 * Kept: glibc's mmap threshold at its largest (32 MiB: smaller blocks come from the heap)
 * and a trim threshold of 256 MiB (what is free at the heap's top stays there), so that
 * an array freed and allocated again costs no page fault and no page cleared per 4 KiB.
 * Handed back: what is kept is trimmed, and glibc's default thresholds (128 KiB) are
 * set again, without their rise as blocks are freed, so that a large array is unmapped
 * as soon as it is freed. Callers: sim/main.c, sim/common/pool.c, sim/engine/runner.c. */
void pl_memory_keep(bool keep);

#endif
