/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * spawn_time.c — the wall time of whole processes, for scripts/bench_simgrid.sh.
 *
 * Runs PROGRAM ARGS... RUNS times, one after the other, each from fork to its reaping
 * (the exec, the dynamic loader, main, the exit), with its output thrown away, and
 * prints the fastest and the median run's seconds. A run that exits non-zero stops it.
 *
 * usage: spawn_time RUNS PROGRAM [ARGS]...
 * prints: runs R best_s B median_s M
 * exit status: 0, 1 when a run fails, 2 on bad usage.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int runs = argc >= 3 ? atoi(argv[1]) : 0;
    if (runs < 1 || runs > 1000) {
        fprintf(stderr, "usage: spawn_time RUNS(1-1000) PROGRAM [ARGS]...\n");
        return 2;
    }
    double wall[1000];
    for (int r = 0; r < runs; r++) {
        double t0 = now_s();
        pid_t pid = fork();
        if (pid < 0) {
            perror("spawn_time: fork");
            return 1;
        }
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            if (null >= 0) {
                dup2(null, STDOUT_FILENO);
                dup2(null, STDERR_FILENO);
            }
            execvp(argv[2], argv + 2);
            _exit(127);
        }
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "spawn_time: %s failed (status %d)\n", argv[2], status);
            return 1;
        }
        wall[r] = now_s() - t0;
    }
    qsort(wall, (size_t)runs, sizeof wall[0], by_value);
    printf("runs %d best_s %.6f median_s %.6f\n", runs, wall[0], wall[runs / 2]);
    return 0;
}
