/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sched_probe.c — what this machine's kernel does with more threads than cores, the
 * figures behind machine.host.scheduler's defaults (docs/stream.md, "Measured machines").
 *
 * Six probes, each printing one line:
 *   turns      two threads spinning on CPU 0 for a second: how long each runs before the
 *              other takes the CPU (the slice as the tick rounds it: 4 ms at HZ=250);
 *   late       a thread sleeping SLEEP us in a loop, alone on CPU 0 and then beside a
 *              thread that spins there: how long after its sleep it runs again (a woken
 *              thread owed core time takes the CPU at once from one that never sleeps);
 *   pipeline   a chain of STAGES threads, one per stage, handing FRAMES frames on
 *              through rings of BUFFER slots and spinning while they wait (StreamPU's
 *              active waiting), each stage working (busy) or sleeping US per frame:
 *              frames per second and, with sleeping stages, the per-frame wait of the
 *              stage that waited most for a CPU after its sleep. With `work 0` the stages
 *              only hand frames over: what the cores' passing of the rings' counters
 *              allows. With `passive` they sleep while they wait instead (StreamPU's
 *              passive waiting: a mutex and a condition variable per ring, signalled
 *              after every push and every pull), and the line adds how often a stage
 *              went to sleep, per frame over all stages.
 *   fan        a source handing FRAMES frames round-robin to THREADS threads, each with
 *              rings of BUFFER slots from the source and to a sink that takes them back in
 *              order (StreamPU's adaptors 1 to n and n to 1), no stage working: frames per
 *              second and, passive, the sleeps a frame of source, middle threads and sink.
 *   signal     two threads, one on each of CPUs 0 and 1, each doing US us of work and then
 *              taking a mutex, signalling a condition variable and releasing the mutex,
 *              both the same mutex and condition, TIMES times (what StreamPU's passive
 *              waiting does at every push and every pull, whether or not the other side
 *              sleeps): the median time that takes beyond the clock reads around it, and
 *              the same for one thread alone, whose mutex stays in its CPU's cache.
 *   wake       a thread on CPU 1 waiting on a condition variable, signalled by one on CPU 0
 *              GAP us after it went to sleep, TIMES times: how long the signal took the
 *              waker (machine.host.scheduler.wake_cost) and how long after it the woken
 *              thread ran (wakeup), medians; both grow once the sleeper's CPU has idled
 *              long enough to halt.
 * With 4 stages, BUFFER 1 and 100 us of work the pipeline collapses on 2 CPUs: its
 * hand-overs wait for the tick.
 *
 * SCHED_PROBE_TIMER_SLACK=NS in the environment sets the threads' timer slack (prctl
 * PR_SET_TIMERSLACK; Linux's default is 50,000 ns): a sleep may end up to that much late,
 * so that the kernel can wake sleeps that end close together with one timer interrupt.
 *
 * usage: sched_probe turns
 *        sched_probe late SLEEP_US
 *        sched_probe pipeline STAGES BUFFER FRAMES work|sleep US [active|passive]
 *        sched_probe fan THREADS BUFFER FRAMES active|passive
 *        sched_probe signal US TIMES
 *        sched_probe wake GAP_US TIMES
 * exit status: 0, 2 on bad usage or when threads cannot be made.
 */
#define _GNU_SOURCE /* CPU_SET, sched_setaffinity */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void on_cpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    (void)sched_setaffinity(0, sizeof set, &set);
}

static void on_cpu0(void)
{
    on_cpu(0);
}

static void sleep_us(double us)
{
    struct timespec ts = {(time_t)(us / 1e6), (long)(us * 1e3) % 1000000000L};
    nanosleep(&ts, NULL);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- turns ----------------------------------------------------------------------- */

/* Spins on CPU 0 for a second; a gap of more than 50 us in its clock is a turn of the
 * other thread, and what ran before it one turn of this one. Returns the mean turn (s). */
static void *spin_turns(void *out)
{
    on_cpu0();
    double end = now_s() + 1.0, last = now_s(), from = last, sum = 0;
    int turns = 0;
    for (double t; (t = now_s()) < end; last = t)
        if (t - last > 50e-6) {
            if (turns++ > 0) /* the first turn began before the other thread started */
                sum += last - from;
            from = t;
        }
    *(double *)out = turns > 1 ? sum / (turns - 1) : 0;
    return NULL;
}

static int turns(void)
{
    pthread_t th[2];
    double mean[2];
    for (int i = 0; i < 2; i++)
        if (pthread_create(&th[i], NULL, spin_turns, &mean[i]) != 0)
            return 2;
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    printf("turns: two threads spinning on one CPU run %.2f and %.2f ms at a time\n", mean[0] * 1e3,
           mean[1] * 1e3);
    return 0;
}

/* ---- late ------------------------------------------------------------------------ */

static atomic_bool stop;

static void *spin_until_stopped(void *arg)
{
    (void)arg;
    on_cpu0();
    while (!atomic_load(&stop))
        ;
    return NULL;
}

/* The median time, in us, by which a sleep of `us` on CPU 0 overruns, over 1000 sleeps. */
static double overrun(double us)
{
    enum { N = 1000 };
    static double late[N];
    for (int i = 0; i < N; i++) {
        double t = now_s();
        sleep_us(us);
        late[i] = (now_s() - t) * 1e6 - us;
    }
    qsort(late, N, sizeof *late, by_value);
    return late[N / 2];
}

static int late(double us)
{
    on_cpu0();
    double alone = overrun(us);
    pthread_t th;
    if (pthread_create(&th, NULL, spin_until_stopped, NULL) != 0)
        return 2;
    sleep_us(20e3); /* the spinner on the CPU first */
    double beside = overrun(us);
    atomic_store(&stop, true);
    pthread_join(th, NULL);
    printf("late: a %.0f us sleep runs again %.0f us late (median) alone on its CPU, "
           "%.0f us beside a spinning thread\n",
           us, alone, beside);
    return 0;
}

/* ---- pipeline -------------------------------------------------------------------- */

/* A ring between two stages: frames pushed and pulled so far, each on its own line, and
 * what a stage that waits passively sleeps on. */
struct ring {
    _Alignas(64) atomic_ulong pushed;
    _Alignas(64) atomic_ulong pulled;
    pthread_mutex_t lock;
    pthread_cond_t filled, emptied; /* after a push; after a pull */
};

struct chain {
    int stages, frames;
    unsigned long buffer;
    bool busy, passive;
    double us;
    struct ring *rings; /* rings[s] between stage s and s + 1 */
    double *waited;     /* per stage: the time past `us` its sleeps took, in all */
    long *slept;        /* per stage: how often it went to sleep waiting (passive) */
};

struct stage {
    struct chain *c;
    int s;
};

static bool empty(const struct chain *c, struct ring *r)
{
    (void)c;
    return atomic_load_explicit(&r->pushed, memory_order_acquire) ==
           atomic_load_explicit(&r->pulled, memory_order_acquire);
}

static bool full(const struct chain *c, struct ring *r)
{
    return atomic_load_explicit(&r->pushed, memory_order_acquire) -
               atomic_load_explicit(&r->pulled, memory_order_acquire) >=
           c->buffer;
}

/* Waits while `blocked` holds: spinning, or (passive) asleep on `cv` under the ring's lock,
 * counting the sleeps in *slept. */
static void wait_while(const struct chain *c, struct ring *r,
                       bool (*blocked)(const struct chain *, struct ring *), pthread_cond_t *cv,
                       long *slept)
{
    if (!c->passive) {
        while (blocked(c, r))
            ;
        return;
    }
    if (!blocked(c, r))
        return;
    pthread_mutex_lock(&r->lock);
    while (blocked(c, r)) {
        ++*slept;
        pthread_cond_wait(cv, &r->lock);
    }
    pthread_mutex_unlock(&r->lock);
}

/* Moves a ring's counter on and, passive, wakes whoever sleeps on `cv` (as StreamPU's
 * adaptors do after every push and every pull, whether or not anyone sleeps). */
static void advance(const struct chain *c, struct ring *r, atomic_ulong *count, pthread_cond_t *cv)
{
    atomic_fetch_add_explicit(count, 1, memory_order_release);
    if (c->passive) {
        pthread_mutex_lock(&r->lock);
        pthread_cond_signal(cv);
        pthread_mutex_unlock(&r->lock);
    }
}

static void *run_stage(void *arg)
{
    const struct stage *st = arg;
    struct chain *c = st->c;
    struct ring *in = st->s > 0 ? &c->rings[st->s - 1] : NULL;
    struct ring *out = st->s + 1 < c->stages ? &c->rings[st->s] : NULL;
    for (int f = 0; f < c->frames; f++) {
        if (in) { /* wait for a frame, then pull it */
            wait_while(c, in, empty, &in->filled, &c->slept[st->s]);
            advance(c, in, &in->pulled, &in->emptied);
        }
        if (c->us > 0) { /* at no cost, the hand-overs alone, with no clock read */
            double t = now_s();
            if (c->busy)
                while (now_s() - t < c->us * 1e-6)
                    ;
            else
                sleep_us(c->us);
            c->waited[st->s] += now_s() - t - c->us * 1e-6;
        }
        if (out) { /* wait for a free slot, then push */
            wait_while(c, out, full, &out->emptied, &c->slept[st->s]);
            advance(c, out, &out->pushed, &out->filled);
        }
    }
    return NULL;
}

/* Makes (make true) or destroys the locks and conditions of rings r[0 .. n). */
static void rings_sync(struct ring *r, int n, bool make)
{
    for (int k = 0; k < n; k++) {
        if (make) {
            pthread_mutex_init(&r[k].lock, NULL);
            pthread_cond_init(&r[k].filled, NULL);
            pthread_cond_init(&r[k].emptied, NULL);
        } else {
            pthread_mutex_destroy(&r[k].lock);
            pthread_cond_destroy(&r[k].filled);
            pthread_cond_destroy(&r[k].emptied);
        }
    }
}

/* Runs fn on n threads, thread i on args + i x size, and joins them: 0, or 2 if one fails. */
static int run_all(int n, void *(*fn)(void *), void *args, size_t size)
{
    pthread_t *th = calloc((size_t)n, sizeof *th);
    int rc = th ? 0 : 2, made = 0;
    for (; rc == 0 && made < n; made++)
        if (pthread_create(&th[made], NULL, fn, (char *)args + (size_t)made * size) != 0)
            rc = 2;
    for (int k = 0; k < made; k++)
        pthread_join(th[k], NULL);
    free(th);
    return rc;
}

static int pipeline(int stages, unsigned long buffer, int frames, bool busy, double us,
                    bool passive)
{
    struct chain c = {stages, frames, buffer, busy, passive, us, NULL, NULL, NULL};
    c.rings = calloc((size_t)stages, sizeof *c.rings);
    c.waited = calloc((size_t)stages, sizeof *c.waited);
    c.slept = calloc((size_t)stages, sizeof *c.slept);
    struct stage *st = calloc((size_t)stages, sizeof *st);
    int rc = c.rings && c.waited && c.slept && st ? 0 : 2;
    bool synced = rc == 0; /* the rings' locks and conditions made */
    if (synced)
        rings_sync(c.rings, stages, true);
    for (int s = 0; synced && s < stages; s++)
        st[s] = (struct stage){&c, s};
    double t0 = now_s();
    if (rc == 0)
        rc = run_all(stages, run_stage, st, sizeof *st);
    if (rc == 0) {
        double most = 0;
        long slept = 0;
        for (int s = 0; s < stages; s++) {
            most = c.waited[s] > most ? c.waited[s] : most;
            slept += c.slept[s];
        }
        printf("pipeline: %d stages, %lu-slot rings, %d frames of %g us %s a stage, %s: "
               "%.0f frames/s",
               stages, buffer, frames, us, busy ? "work" : "sleep", passive ? "passive" : "active",
               frames / (now_s() - t0));
        if (!busy)
            printf("; the stage most late after its sleeps waited %.0f us a frame",
                   most / frames * 1e6);
        if (passive)
            printf("; %.4f sleeps a frame", (double)slept / frames);
        printf("\n");
    }
    if (synced)
        rings_sync(c.rings, stages, false);
    free(c.rings);
    free(c.waited);
    free(c.slept);
    free(st);
    return rc;
}

/* ---- fan ------------------------------------------------------------------------ */

/* A source handing frames round-robin to n middle threads, each through a ring of its
 * own, and a sink taking them back in order from a ring per middle thread (StreamPU's
 * adaptors 1 to n and n to 1), every stage at no cost: the hand-overs alone. */
struct fan {
    struct chain c; /* rings[j]: source to middle j; rings[n + j]: middle j to sink */
    int n;
};

struct fan_role {
    struct fan *f;
    int role; /* 0 the source, 1 .. n the middle threads, n + 1 the sink */
};

static void *run_fan(void *arg)
{
    const struct fan_role *fr = arg;
    struct fan *f = fr->f;
    struct chain *c = &f->c;
    long *slept = &c->slept[fr->role];
    if (fr->role == 0 || fr->role == f->n + 1) { /* the source pushes, the sink pulls */
        bool source = fr->role == 0;
        for (int k = 0; k < c->frames; k++) {
            struct ring *r = &c->rings[(source ? 0 : f->n) + k % f->n];
            wait_while(c, r, source ? full : empty, source ? &r->emptied : &r->filled, slept);
            advance(c, r, source ? &r->pushed : &r->pulled, source ? &r->filled : &r->emptied);
        }
        return NULL;
    }
    struct ring *in = &c->rings[fr->role - 1], *out = &c->rings[f->n + fr->role - 1];
    for (int k = fr->role - 1; k < c->frames; k += f->n) {
        wait_while(c, in, empty, &in->filled, slept);
        advance(c, in, &in->pulled, &in->emptied);
        wait_while(c, out, full, &out->emptied, slept);
        advance(c, out, &out->pushed, &out->filled);
    }
    return NULL;
}

static int fan(int n, unsigned long buffer, int frames, bool passive)
{
    struct fan f = {{0, frames, buffer, false, passive, 0, NULL, NULL, NULL}, n};
    f.c.rings = calloc(2 * (size_t)n, sizeof *f.c.rings);
    f.c.slept = calloc((size_t)n + 2, sizeof *f.c.slept);
    struct fan_role *roles = calloc((size_t)n + 2, sizeof *roles);
    int rc = f.c.rings && f.c.slept && roles ? 0 : 2;
    bool synced = rc == 0;
    if (synced)
        rings_sync(f.c.rings, 2 * n, true);
    for (int r = 0; synced && r < n + 2; r++)
        roles[r] = (struct fan_role){&f, r};
    double t0 = now_s();
    if (rc == 0)
        rc = run_all(n + 2, run_fan, roles, sizeof *roles);
    if (rc == 0) {
        long middle = 0;
        for (int j = 1; j <= n; j++)
            middle += f.c.slept[j];
        printf("fan: 1 -> %d -> 1, %lu-slot rings, %d frames at no cost, %s: %.0f frames/s", n,
               buffer, frames, passive ? "passive" : "active", frames / (now_s() - t0));
        if (passive)
            printf("; sleeps a frame: source %.4f, middle threads %.4f, sink %.4f",
                   (double)f.c.slept[0] / frames, (double)middle / frames,
                   (double)f.c.slept[n + 1] / frames);
        printf("\n");
    }
    if (synced)
        rings_sync(f.c.rings, 2 * n, false);
    free(f.c.rings);
    free(f.c.slept);
    free(roles);
    return rc;
}

/* ---- signal --------------------------------------------------------------------- */

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t shared_cond = PTHREAD_COND_INITIALIZER;

struct signaller {
    int cpu, times;
    bool lock; /* take the lock and signal, or only read the clock around nothing */
    double us;
    double *took; /* per time: seconds between the two clock reads */
};

static void *signal_times(void *arg)
{
    struct signaller *g = arg;
    on_cpu(g->cpu);
    for (int i = 0; i < g->times; i++) {
        double t = now_s();
        while (now_s() - t < g->us * 1e-6)
            ;
        t = now_s();
        if (g->lock) {
            pthread_mutex_lock(&shared_lock);
            pthread_cond_signal(&shared_cond);
            pthread_mutex_unlock(&shared_lock);
        }
        g->took[i] = now_s() - t;
    }
    return NULL;
}

/* The median time between the clock reads around the lock and signal (or around nothing),
 * over every time of `threads` threads on CPUs 0 and 1 at once; a negative on failure. */
static double signal_median(int threads, bool lock, double us, int times)
{
    double *took = malloc((size_t)threads * (size_t)times * sizeof *took), median = -1;
    struct signaller g[2];
    for (int k = 0; took && k < threads; k++)
        g[k] = (struct signaller){k, times, lock, us, took + (size_t)k * times};
    if (took && run_all(threads, signal_times, g, sizeof *g) == 0) {
        qsort(took, (size_t)threads * times, sizeof *took, by_value);
        median = took[(size_t)threads * times / 2];
    }
    free(took);
    return median;
}

static int signal_cost(double us, int times)
{
    double shared = signal_median(2, true, us, times), around = signal_median(2, false, us, times),
           alone = signal_median(1, true, us, times), one = signal_median(1, false, us, times);
    if (shared < 0 || around < 0 || alone < 0 || one < 0)
        return 2;
    printf("signal: a lock and a signal between %g us of work take %.3f us with a thread on "
           "the other CPU doing the same, %.3f us alone (medians of %d)\n",
           us, (shared - around) * 1e6, (alone - one) * 1e6, times);
    return 0;
}

/* ---- wake ----------------------------------------------------------------------- */

/* The sleeper's side: it says it is about to sleep (asleep), sleeps until `go`, notes when
 * it ran again (woke) and says so (done). */
struct sleeper {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool go;            /* under lock */
    double woke;        /* under lock */
    atomic_bool asleep; /* set under lock just before the wait */
    atomic_bool done, quit;
};

static void *sleep_until_signalled(void *arg)
{
    struct sleeper *z = arg;
    on_cpu(1);
    while (!atomic_load(&z->quit)) {
        pthread_mutex_lock(&z->lock);
        atomic_store(&z->asleep, true);
        while (!z->go)
            pthread_cond_wait(&z->cond, &z->lock);
        z->go = false;
        z->woke = now_s();
        pthread_mutex_unlock(&z->lock);
        atomic_store(&z->done, true);
    }
    return NULL;
}

static int wake_cost(double gap, int times)
{
    static struct sleeper z = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
    double *cost = malloc((size_t)times * sizeof *cost),
           *late = malloc((size_t)times * sizeof *late);
    pthread_t th;
    if (!cost || !late || pthread_create(&th, NULL, sleep_until_signalled, &z) != 0) {
        free(cost);
        free(late);
        return 2;
    }
    on_cpu0();
    for (int i = -10; i < times; i++) { /* ten first to settle */
        while (!atomic_load(&z.asleep))
            ;
        double t = now_s();
        while (now_s() - t < gap * 1e-6)
            ;
        pthread_mutex_lock(&z.lock);
        atomic_store(&z.asleep, false);
        atomic_store(&z.done, false);
        atomic_store(&z.quit, i + 1 == times);
        z.go = true;
        double a = now_s();
        pthread_cond_signal(&z.cond);
        double b = now_s();
        pthread_mutex_unlock(&z.lock);
        while (!atomic_load(&z.done))
            ;
        if (i >= 0) {
            cost[i] = b - a;
            late[i] = z.woke - a;
        }
    }
    pthread_join(th, NULL);
    qsort(cost, (size_t)times, sizeof *cost, by_value);
    qsort(late, (size_t)times, sizeof *late, by_value);
    printf("wake: a thread woken %g us after it went to sleep: the signal took its waker %.2f "
           "us, and it ran %.2f us after the signal (medians of %d)\n",
           gap, cost[times / 2] * 1e6, late[times / 2] * 1e6, times);
    free(cost);
    free(late);
    return 0;
}

int main(int argc, char **argv)
{
    const char *slack = getenv("SCHED_PROBE_TIMER_SLACK");
    if (slack && prctl(PR_SET_TIMERSLACK, strtoul(slack, NULL, 10)) != 0) {
        perror("sched_probe: SCHED_PROBE_TIMER_SLACK");
        return 2;
    }
    if (argc == 4 && strcmp(argv[1], "wake") == 0 && atof(argv[2]) >= 0 && atoi(argv[3]) >= 1)
        return wake_cost(atof(argv[2]), atoi(argv[3]));
    if (argc == 4 && strcmp(argv[1], "signal") == 0 && atof(argv[2]) >= 0 && atoi(argv[3]) >= 1)
        return signal_cost(atof(argv[2]), atoi(argv[3]));
    if (argc == 2 && strcmp(argv[1], "turns") == 0)
        return turns();
    if (argc == 3 && strcmp(argv[1], "late") == 0 && atof(argv[2]) > 0)
        return late(atof(argv[2]));
    if (argc == 6 && strcmp(argv[1], "fan") == 0 && atoi(argv[2]) >= 1 && atoi(argv[3]) >= 1 &&
        atoi(argv[4]) >= 1 && (strcmp(argv[5], "active") == 0 || strcmp(argv[5], "passive") == 0))
        return fan(atoi(argv[2]), (unsigned long)atoi(argv[3]), atoi(argv[4]),
                   strcmp(argv[5], "passive") == 0);
    bool waiting =
        argc == 7 ||
        (argc == 8 && (strcmp(argv[7], "active") == 0 || strcmp(argv[7], "passive") == 0));
    if (waiting && strcmp(argv[1], "pipeline") == 0 && atoi(argv[2]) >= 1 && atoi(argv[3]) >= 1 &&
        atoi(argv[4]) >= 1 && (strcmp(argv[5], "work") == 0 || strcmp(argv[5], "sleep") == 0) &&
        (atof(argv[6]) > 0 || (atof(argv[6]) == 0 && strcmp(argv[5], "work") == 0)))
        return pipeline(atoi(argv[2]), (unsigned long)atoi(argv[3]), atoi(argv[4]),
                        strcmp(argv[5], "work") == 0, atof(argv[6]),
                        argc == 8 && strcmp(argv[7], "passive") == 0);
    fprintf(stderr,
            "usage: sched_probe turns\n"
            "       sched_probe late SLEEP_US\n"
            "       sched_probe pipeline STAGES BUFFER FRAMES work|sleep US [active|passive]\n"
            "       sched_probe fan THREADS BUFFER FRAMES active|passive\n"
            "       sched_probe signal US TIMES\n"
            "       sched_probe wake GAP_US TIMES\n");
    return 2;
}
