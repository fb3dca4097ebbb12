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
/* pl_array_alloc for an array the caller writes whole before long (a timeline, a pass's
 * or a walk's arrays, a graph's fields): its pages are made present at once, in one call
 * to the kernel (MADV_POPULATE_WRITE, Linux 5.14 on), rather than by one page fault each
 * as they are first written. A fault costs more than the page it brings where the kernel
 * runs in a virtual machine: on this project's VMs a 400,000-task dispatch run took 1,540
 * faults, and 150 with its per-task arrays made present this way (docs/performance.md,
 * "Per-task arrays made present at once"). Advice only, for arrays of 64 KiB and more:
 * where the kernel refuses it, the pages fault in as before. The memory is no more than
 * the caller would touch anyway, which is why only callers that write the whole array use
 * it (an array grown by doubling, or a column filled as far as its last task with a value,
 * is not). */
void *pl_array_alloc_written(size_t n, size_t size);

/* Makes the pages of [p, p + bytes) present at once, as pl_array_alloc_written does, for a
 * part of an array about to be written: an array written in order as it is filled asks for
 * its next stretch ahead of the writes (advice only; nothing under 64 KiB). */
void pl_array_present(void *p, size_t bytes);

/* realloc to n elements of size `size`, likewise; on failure p is left as it was. */
void *pl_array_realloc(void *p, size_t n, size_t size);

/* Whether the process's allocator keeps the memory freed, for arrays of the same sizes
 * allocated again (true), or hands it back to the kernel (false).
 *
 * Kept: every block comes from glibc's heap, whatever its size (M_MMAP_MAX 0: none is
 * mapped on its own), and nothing free at the heap's top is given back (a trim threshold
 * of INT_MAX), so that an array freed and allocated again costs no page fault and no
 * page cleared per 4 KiB. A block mapped on its own (glibc maps those of 32 MiB and more
 * even at its largest threshold: an array of 4 Mi doubles) went back to the kernel when
 * freed and came back cleared: a stream run of 1e7 tasks, whose verdict's passes, walks
 * and variants take turns in such blocks, cleared 3.1 GiB of huge pages for a peak of
 * 1.2 GiB, and 1.4 GiB with them kept. Handed back: what is kept is trimmed, and glibc's
 * defaults are set again (blocks of 128 KiB and more mapped on their own, a trim
 * threshold of 128 KiB), without their rise as blocks are freed, so that a large array is
 * unmapped as soon as it is freed. Callers: sim/main.c, sim/common/pool.c,
 * sim/engine/runner.c. */
void pl_memory_keep(bool keep);

/* While memory is kept, grows the heap by `bytes` (at least 2 MiB, else nothing) ahead of
 * the arrays to come, and asks for huge pages for it while none of it is written. An
 * array carved from memory already advised fills its huge pages whole; advised once
 * allocated, it gets them only where no page of theirs was written before (glibc writes
 * each block's header beside it, and the heap's next), and a 3 MiB array often had none.
 * Advice only: nothing is written, and memory the run does not use stays unmapped. */
void pl_memory_ahead(size_t bytes);

/* Every thread allocates from the one heap the process starts with (M_ARENA_MAX 1), so
 * that what one thread frees another takes again. glibc gives each new thread a heap of
 * its own by default: the measuring pieces (sim/study/session.c) freed their walks'
 * arrays in a worker's heap, and the verdict, in the main thread, mapped the same sizes
 * anew (a 1e6-task stream run peaked at 148 MiB, and at 120 MiB with one heap). Takes
 * effect for the threads that first allocate after it: sim/main.c calls it first. */
void pl_memory_one_heap(void);

#endif
