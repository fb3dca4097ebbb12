/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_interrupt.c — what a process leaves when it is interrupted (sim/common/interrupt.h):
 * its registered files removed, its children ended and reaped, its exit status naming the
 * signal; its children killed when it is killed itself. Each case runs in a forked
 * process, so that the test program keeps its own signal handlers.
 * tests/test_signals.sh interrupts whole runs and sweeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include "sim/common/error.h"
#include "sim/common/interrupt.h"
#include "sim/common/pool.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Forks a child with pl_pool_fork that waits for a signal; returns its pid. */
static pid_t sleeper(void)
{
    pid_t pid;
    int fd;
    pl_diag d;
    pl_diag_init(&d);
    if (pl_pool_fork(&pid, &fd, &d) != 0)
        _exit(10);
    if (pid == 0)
        for (;;)
            pause();
    close(fd);
    return pid;
}

/* Waits up to a second for child pid to end; returns its wait status, or -1. */
static int wait_a_second(pid_t pid)
{
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int t = 0; t < 100; t++) {
        int ws;
        if (waitpid(pid, &ws, WNOHANG) == pid)
            return ws;
        nanosleep(&tick, NULL);
    }
    return -1;
}

/* Forks a process that registers `tracked` and registers then forgets `kept` (when not
 * NULL), forks a sleeper, says its pid (*kid), then raises sig (or, for 0, waits). */
static pid_t parent_of_sleeper(const char *tracked, const char *kept, int sig, pid_t *kid)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        if (tracked &&
            (pl_interrupt_track_file(tracked) != 0 || pl_interrupt_track_file(kept) != 0))
            _exit(11);
        if (tracked)
            pl_interrupt_untrack_file(kept);
        pid_t k = sleeper();
        if (pl_pool_write_all(p[1], &k, sizeof k) != 0)
            _exit(12);
        if (sig)
            raise(sig); /* the handler re-raises it with the default action */
        for (;;)
            pause();
    }
    close(p[1]);
    *kid = 0;
    assert_int_equal(pl_pool_read_all(p[0], kid, sizeof *kid), 0);
    close(p[0]);
    return pid;
}

/* A process with a registered file, a file registered then forgotten and a registered
 * child receives `sig`: the first file is gone, the second is kept, the child is reaped
 * (no such process after) and the process dies of sig. */
static void interrupted_by(int sig)
{
    char *dir = pl_test_mkdtemp();
    char tracked[4096], kept[4096];
    snprintf(tracked, sizeof tracked, "%s/out.csv.tmp-123456", dir);
    snprintf(kept, sizeof kept, "%s/out.csv", dir);
    pl_test_write_file(tracked, "half a row");
    pl_test_write_file(kept, "a whole file\n");
    pid_t kid;
    pid_t pid = parent_of_sleeper(tracked, kept, sig, &kid);
    int ws = wait_a_second(pid);
    assert_true(ws != -1 && WIFSIGNALED(ws));
    assert_int_equal(WTERMSIG(ws), sig);
    assert_false(exists(tracked));
    assert_true(exists(kept));
    /* Reaped by its parent before it died: no such process. */
    assert_int_equal(kill(kid, 0), -1);
    assert_int_equal(errno, ESRCH);
    pl_test_rmtree(dir);
    free(dir);
}

static void test_sigterm_ends_children_and_removes_files(void **state)
{
    (void)state;
    interrupted_by(SIGTERM);
}

static void test_sigint_ends_children_and_removes_files(void **state)
{
    (void)state;
    interrupted_by(SIGINT);
}

/* SIGKILL runs no handler: the child of a killed process is killed by the kernel
 * (PR_SET_PDEATHSIG), within the second. This test process adopts it as a subreaper, to
 * see how it ended. */
static void test_child_dies_with_its_killed_parent(void **state)
{
    (void)state;
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    pid_t kid;
    pid_t pid = parent_of_sleeper(NULL, NULL, 0, &kid);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int ws = wait_a_second(pid);
    assert_true(ws != -1 && WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
    ws = wait_a_second(kid);
    if (ws == -1) { /* still there: not left behind by the test either */
        kill(kid, SIGKILL);
        waitpid(kid, NULL, 0);
    }
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    assert_true(ws != -1 && WIFSIGNALED(ws));
    assert_int_equal(WTERMSIG(ws), SIGKILL);
}

/* A signal ignored before the first registration (nohup) stays ignored: the process goes
 * on and its file stays. */
static void test_ignored_signal_stays_ignored(void **state)
{
    (void)state;
    char *dir = pl_test_mkdtemp();
    char path[4096];
    snprintf(path, sizeof path, "%s/kept", dir);
    pl_test_write_file(path, "x");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGHUP, SIG_IGN);
        if (pl_interrupt_track_file(path) != 0)
            _exit(11);
        raise(SIGHUP);
        _exit(0);
    }
    int ws = wait_a_second(pid);
    assert_true(ws != -1 && WIFEXITED(ws));
    assert_int_equal(WEXITSTATUS(ws), 0);
    assert_true(exists(path));
    pl_test_rmtree(dir);
    free(dir);
}

/* The tables are fixed: PL_INTERRUPT_MAX_FILES paths, each shorter than PATH_MAX. */
static void test_table_limits(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char path[5000];
        memset(path, 'a', sizeof path - 1);
        path[sizeof path - 1] = '\0';
        int bad = pl_interrupt_track_file(path) != PL_EUSAGE;
        for (int i = 0; i < PL_INTERRUPT_MAX_FILES; i++) {
            snprintf(path, sizeof path, "/nonexistent/%d", i);
            bad |= pl_interrupt_track_file(path) != 0;
        }
        bad |= pl_interrupt_track_file("/nonexistent/one more") != PL_ENOMEM;
        pl_interrupt_untrack_file("/nonexistent/3");
        bad |= pl_interrupt_track_file("/nonexistent/one more") != 0;
        _exit(bad);
    }
    int ws = wait_a_second(pid);
    assert_true(ws != -1 && WIFEXITED(ws));
    assert_int_equal(WEXITSTATUS(ws), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigterm_ends_children_and_removes_files),
        cmocka_unit_test(test_sigint_ends_children_and_removes_files),
        cmocka_unit_test(test_child_dies_with_its_killed_parent),
        cmocka_unit_test(test_ignored_signal_stays_ignored),
        cmocka_unit_test(test_table_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
