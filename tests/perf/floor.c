/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * floor.c — the floor yardstick of scripts/bench.sh: the least a program can do to
 * compute a pipelab run's timelines. It reads task graphs that tests/perf/engine_time
 * wrote (`--dump`: the run graph and its baseline, as plain arrays), and computes each
 * one's max-plus timeline with plain arrays and nothing else: a task starts at the
 * latest of its unit's previous end and its edges' events, and ends its time alone
 * later. No names, no checks, no metrics, no report: what is left of a run when
 * everything pipelab adds to the arithmetic is taken away. Its arrays get the huge pages
 * pipelab's per-task arrays get (sim/common/array.c), so that both pay the same for
 * first writes to fresh memory.
 *
 * Prints one line: the tasks of all graphs and each graph's makespan; with --pass, also
 * the seconds of another pass over all graphs (memory already touched: the pass alone),
 * best of three (without it, the process is the yardstick of a whole run).
 *
 * usage: floor DUMP [--pass]
 * Dump format (native byte order): per graph, a header {uint32 ntasks, uint32 nedges},
 * then double alone[ntasks], uint32 prev[ntasks] (UINT32_MAX: none), uint32
 * edge_first[ntasks + 1], uint32 edge[nedges] (the source task, with bit 31 set when the
 * edge waits for the source's start rather than its end); graphs follow each other to
 * the end of the file.
 */
#define _DEFAULT_SOURCE /* madvise */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define MAX_GRAPHS 4

struct graph {
    uint32_t ntasks, nedges;
    double *alone, *start, *end;
    uint32_t *prev, *edge_first, *edge;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* malloc, with the whole 2 MiB pages within asked for as huge pages. */
static void *alloc(size_t bytes)
{
    const uintptr_t huge = (uintptr_t)2 << 20;
    void *p = malloc(bytes);
    uintptr_t first = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t last = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (p && last > first)
        (void)madvise((void *)first, last - first, MADV_HUGEPAGE);
    return p;
}

static int read_array(FILE *f, void **p, size_t n, size_t size)
{
    *p = alloc((n + 1) * size);
    return *p && fread(*p, size, n, f) == n ? 0 : -1;
}

static int read_graph(FILE *f, struct graph *g)
{
    uint32_t head[2];
    if (fread(head, sizeof head, 1, f) != 1)
        return 1; /* the end of the file */
    g->ntasks = head[0];
    g->nedges = head[1];
    size_t n = g->ntasks;
    if (read_array(f, (void **)&g->alone, n, sizeof *g->alone) ||
        read_array(f, (void **)&g->prev, n, sizeof *g->prev) ||
        read_array(f, (void **)&g->edge_first, n + 1, sizeof *g->edge_first) ||
        read_array(f, (void **)&g->edge, g->nedges, sizeof *g->edge))
        return -1;
    g->start = alloc((n + 1) * sizeof *g->start);
    g->end = alloc((n + 1) * sizeof *g->end);
    return g->start && g->end ? 0 : -1;
}

/* The max-plus recursion in task order (every edge points backward in these graphs);
 * returns the makespan. */
static double timeline(struct graph *g)
{
    double makespan = 0;
    for (uint32_t t = 0; t < g->ntasks; t++) {
        double at = g->prev[t] == UINT32_MAX ? 0 : g->end[g->prev[t]];
        for (uint32_t e = g->edge_first[t]; e < g->edge_first[t + 1]; e++) {
            uint32_t src = g->edge[e] & 0x7fffffffu;
            double ev = g->edge[e] >> 31 ? g->start[src] : g->end[src];
            at = ev > at ? ev : at;
        }
        g->start[t] = at;
        g->end[t] = at + g->alone[t];
        makespan = g->end[t] > makespan ? g->end[t] : makespan;
    }
    return makespan;
}

int main(int argc, char **argv)
{
    bool passes = argc == 3 && strcmp(argv[2], "--pass") == 0;
    FILE *f = argc == 2 || passes ? fopen(argv[1], "rb") : NULL;
    if (!f) {
        fprintf(stderr, "usage: floor DUMP [--pass] (DUMP: a file engine_time --dump wrote)\n");
        return 2;
    }
    struct graph g[MAX_GRAPHS];
    int n = 0, rc = 0;
    while (n < MAX_GRAPHS && (rc = read_graph(f, &g[n])) == 0)
        n++;
    fclose(f);
    if (rc < 0 || n == 0) {
        fprintf(stderr, "floor: %s is not a whole dump\n", argv[1]);
        return 2;
    }
    unsigned long long tasks = 0;
    printf("tasks");
    double makespan[MAX_GRAPHS];
    for (int i = 0; i < n; i++) {
        makespan[i] = timeline(&g[i]);
        tasks += g[i].ntasks;
    }
    double pass = 0;
    for (int k = 0; k < 3 && passes; k++) {
        double t0 = now_s();
        for (int i = 0; i < n; i++)
            timeline(&g[i]);
        pass = k == 0 || now_s() - t0 < pass ? now_s() - t0 : pass;
    }
    printf(" %llu", tasks);
    for (int i = 0; i < n; i++)
        printf(" makespan_s %.9g", makespan[i]);
    printf(" pass_s %.6f\n", pass);
    return 0;
}
