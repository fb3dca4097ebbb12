/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fresh_memory.c — how fast this machine hands out fresh memory, for scripts/bench.sh.
 *
 * A run of millions of tasks spends much of its time on the first write to each page of
 * its arrays (docs/performance.md), and a virtual machine may serve those writes at very
 * different rates from one hour to the next: the VMs of this project cleared 1,400 MiB
 * in 0.09 s at one time of a day and in 2.5 to 4.8 s a few hours later, and the rate rose
 * from 0.46 to 6.5 GB/s within one run of the benchmark. The benchmark's 1e7-task rows
 * move with it, so it prints this figure beside them.
 *
 * Allocates MIB MiB aligned to 2 MiB, asks for huge pages as pipelab's arrays do
 * (MADV_HUGEPAGE, sim/common/array.c), writes one byte of every 4 KiB page (each first
 * write is a page fault and a cleared page), then does it again over the same pages.
 * Prints one line:
 *   fresh_mib M first_s F first_gb_s G again_s A
 *
 * usage: fresh_memory MIB   (1 to 65536)
 * exit status: 0, 1 when out of memory, 2 on a bad argument.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Writes one byte of every page of p[0, n); returns the seconds it took. */
static double touch(volatile char *p, size_t n)
{
    double t0 = now_s();
    for (size_t i = 0; i < n; i += 4096)
        p[i] = (char)(p[i] + 1);
    return now_s() - t0;
}

int main(int argc, char **argv)
{
    char *end = NULL;
    long mib = argc == 2 ? strtol(argv[1], &end, 10) : 0;
    if (argc != 2 || *end != '\0' || mib < 1 || mib > 65536) {
        fprintf(stderr, "usage: fresh_memory MIB   (1 to 65536)\n");
        return 2;
    }
    size_t n = (size_t)mib << 20, huge = (size_t)2 << 20;
    char *p = aligned_alloc(huge, (n + huge - 1) / huge * huge); /* a multiple of it */
    if (!p) {
        fprintf(stderr, "fresh_memory: out of memory for %ld MiB\n", mib);
        return 1;
    }
#ifdef MADV_HUGEPAGE
    (void)madvise(p, n, MADV_HUGEPAGE);
#endif
    double first = touch(p, n), again = touch(p, n);
    printf("fresh_mib %ld first_s %.4f first_gb_s %.3f again_s %.4f\n", mib, first,
           (double)n / first / 1e9, again);
    free(p);
    return 0;
}
