/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * raw_dispatch.c — the yardstick for pipelab's SimGrid engine: the three-stage
 * dispatch pipeline of workloads/dispatch_teaching.yaml written directly on SimGrid,
 * as small as SimGrid allows.
 *
 * Three host actors (InferShape 10 us, Resize 8 us, Launch 6 us per op) execute their
 * steps as flops on a 14-core host at 1 Gflop/s and hand each op to the next step
 * through an unbounded queue, a counting semaphore; a device actor takes each launched
 * op and sleeps for its 12 us kernel. Nothing is recorded but the last kernel's end.
 * The SimGrid options are pipelab's (sim/engine/simgrid.c), so both do the same simulation.
 *
 * usage: raw_dispatch PLATFORM.xml OPS
 * prints: ops, the makespan (36 us + (OPS - 1) x 12 us: the first op's 10 + 8 + 6 + 12 us,
 * then one 12 us kernel after another, as the workload's comment works out, with its
 * sources), the wall time from SimGrid's start to the end of the run, load_s, the CPU
 * time this process had used when main began (the dynamic loader mapping and relocating
 * SimGrid with the libraries it links and running their initialisers, and the exec), and,
 * when $PL_RAW_T0 holds the wall-clock time (CLOCK_REALTIME, seconds, as bash's
 * $EPOCHREALTIME gives it) just before this program was started, process_s: the wall
 * time from then to the end of the run. pipelab's engine loads SimGrid while it is timed
 * (it opens its SimGrid module then), so process_s is the yardstick that includes the
 * same work.
 */
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/semaphore.h>
#include <xbt/config.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long ops;
static sg_sem_t to_resize, to_launch, to_device;
static double last_end;

static void infer(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (long k = 0; k < ops; k++) {
        sg_actor_execute(10e3);
        sg_sem_release(to_resize);
    }
}

static void resize(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (long k = 0; k < ops; k++) {
        sg_sem_acquire(to_resize);
        sg_actor_execute(8e3);
        sg_sem_release(to_launch);
    }
}

static void launch(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (long k = 0; k < ops; k++) {
        sg_sem_acquire(to_launch);
        sg_actor_execute(6e3);
        sg_sem_release(to_device);
    }
}

static void device(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (long k = 0; k < ops; k++) {
        sg_sem_acquire(to_device);
        sg_actor_sleep_for(12e-6);
    }
    last_end = simgrid_get_clock();
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    struct timespec cpu;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    double load = (double)cpu.tv_sec + 1e-9 * (double)cpu.tv_nsec;
    if (argc != 3 || (ops = atol(argv[2])) < 1) {
        fprintf(stderr, "usage: raw_dispatch PLATFORM.xml OPS\n");
        return 2;
    }
    double t0 = now_s();
    static char prog[] = "raw_dispatch", log[] = "--log=root.thresh:critical";
    char *sg_argv[] = {prog, log, NULL};
    int sg_argc = 2;
    simgrid_init(&sg_argc, sg_argv);
    sg_cfg_set_string("network/model", "CM02");
    sg_cfg_set_boolean("network/crosstraffic", "no");
    sg_cfg_set_double("network/TCP-gamma", 0);
    sg_cfg_set_double("surf/precision", 1e-12);
    simgrid_load_platform(argv[1]);
    to_resize = sg_sem_init(0);
    to_launch = sg_sem_init(0);
    to_device = sg_sem_init(0);
    sg_host_t host = sg_host_by_name("host"), dev = sg_host_by_name("device");
    sg_actor_create("infer", host, infer, 0, NULL);
    sg_actor_create("resize", host, resize, 0, NULL);
    sg_actor_create("launch", host, launch, 0, NULL);
    sg_actor_create("device", dev, device, 0, NULL);
    simgrid_run();
    printf("ops %ld makespan_s %.9g wall_s %.4f load_s %.4f", ops, last_end, now_s() - t0, load);
    const char *started = getenv("PL_RAW_T0");
    if (started && *started) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        double now = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
        printf(" process_s %.4f", now - strtod(started, NULL));
    }
    printf("\n");
    return 0;
}
