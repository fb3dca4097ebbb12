/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * module_load.c — what opening the SimGrid engine's module costs, for
 * scripts/bench_simgrid.sh: the wall time of pl_simgrid_module_load in a fresh process
 * (the dynamic loader mapping and relocating the module, SimGrid and the libraries it
 * links, and running their initialisers), which a run pays once before its first SimGrid
 * child.
 *
 * usage: module_load
 * prints: load_s S
 * exit status: 0, or 2 when the module cannot be opened (the message says why).
 */
#include "sim/engine/simgrid_module.h"

#include <stdio.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    pl_diag d;
    pl_diag_init(&d);
    pl_simgrid_engine_fn run;
    double t0 = now_s();
    if (pl_simgrid_module_load(&run, &d) != 0) {
        fprintf(stderr, "module_load: %s\n", d.msg);
        return 2;
    }
    printf("load_s %.6f\n", now_s() - t0);
    return 0;
}
