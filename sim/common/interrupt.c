/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * interrupt.c — ending children and removing temporary files when a signal arrives.
 *
 * The tables are fixed arrays of lock-free atomics, so that the handler, which may run
 * between any two instructions of the code that fills them, reads them without a lock and
 * calls only async-signal-safe functions (kill, unlink, waitpid, nanosleep, sigaction,
 * sigprocmask, raise, _exit). Invariant: a child slot holds a registered pid or 0; a file
 * slot's path is read only while its `used` flag is set, and is written only while it is
 * clear, so the handler never sees a path half-copied. `owner` is the process that
 * installed the handlers: a child that inherits them between fork and pl_interrupt_forked
 * only dies of the signal, leaving its parent's children and files alone.
 */
#define _DEFAULT_SOURCE /* PATH_MAX */
#include "sim/common/interrupt.h"
#include "sim/common/error.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static const int handled[] = {SIGINT, SIGTERM, SIGHUP};
#define NHANDLED (sizeof handled / sizeof handled[0])

static atomic_int children[PL_INTERRUPT_MAX_CHILDREN];
static atomic_bool file_used[PL_INTERRUPT_MAX_FILES];
static char files[PL_INTERRUPT_MAX_FILES][PATH_MAX];
static atomic_int owner; /* the pid that installed the handlers; 0 before */

/* Dies of sig with its default action, so that the exit status names it. */
static _Noreturn void die_of(int sig)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig); /* pending: sig is blocked while its handler runs */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    _exit(128 + sig);
}

/* Whether every registered child has been reaped (or was not ours to reap). */
static bool reap_children(void)
{
    bool all = true;
    for (size_t i = 0; i < PL_INTERRUPT_MAX_CHILDREN; i++) {
        pid_t pid = atomic_load(&children[i]);
        if (pid <= 0)
            continue;
        pid_t r = waitpid(pid, NULL, WNOHANG);
        if (r == 0)
            all = false;
        else
            atomic_store(&children[i], 0);
    }
    return all;
}

static void on_signal(int sig)
{
    if (atomic_load(&owner) != getpid())
        die_of(sig);
    for (size_t i = 0; i < PL_INTERRUPT_MAX_CHILDREN; i++) {
        pid_t pid = atomic_load(&children[i]);
        if (pid > 0)
            kill(pid, SIGTERM);
    }
    for (size_t i = 0; i < PL_INTERRUPT_MAX_FILES; i++)
        if (atomic_load(&file_used[i]))
            unlink(files[i]);
    /* Then the directories, emptied of the files registered in them. */
    for (size_t i = 0; i < PL_INTERRUPT_MAX_FILES; i++)
        if (atomic_load(&file_used[i]))
            rmdir(files[i]);
    /* Half a second for the children to die of SIGTERM (a child removes its own files),
     * then SIGKILL: the caller was promised they end within a second. */
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int t = 0; t < 50 && !reap_children(); t++)
        nanosleep(&tick, NULL);
    for (size_t i = 0; i < PL_INTERRUPT_MAX_CHILDREN; i++) {
        pid_t pid = atomic_load(&children[i]);
        if (pid > 0) {
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        }
    }
    die_of(sig);
}

/* Installs the handlers once per process, leaving ignored signals ignored. */
static void install(void)
{
    if (atomic_load(&owner) == getpid())
        return;
    atomic_store(&owner, getpid());
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NHANDLED; i++)
        sigaddset(&sa.sa_mask, handled[i]);
    for (size_t i = 0; i < NHANDLED; i++) {
        struct sigaction old;
        if (sigaction(handled[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(handled[i], &sa, NULL);
    }
}

int pl_interrupt_track_child(pid_t pid)
{
    install();
    for (size_t i = 0; i < PL_INTERRUPT_MAX_CHILDREN; i++) {
        int empty = 0;
        if (atomic_compare_exchange_strong(&children[i], &empty, (int)pid))
            return 0;
    }
    return PL_ENOMEM;
}

void pl_interrupt_untrack_child(pid_t pid)
{
    for (size_t i = 0; i < PL_INTERRUPT_MAX_CHILDREN; i++) {
        int expected = (int)pid;
        if (atomic_compare_exchange_strong(&children[i], &expected, 0))
            return;
    }
}

int pl_interrupt_track_file(const char *path)
{
    size_t len = strlen(path);
    if (len >= PATH_MAX)
        return PL_EUSAGE;
    install();
    for (size_t i = 0; i < PL_INTERRUPT_MAX_FILES; i++)
        if (!atomic_load(&file_used[i])) {
            memcpy(files[i], path, len + 1);
            atomic_store(&file_used[i], true);
            return 0;
        }
    return PL_ENOMEM;
}

void pl_interrupt_untrack_file(const char *path)
{
    for (size_t i = 0; i < PL_INTERRUPT_MAX_FILES; i++)
        if (atomic_load(&file_used[i]) && strcmp(files[i], path) == 0) {
            atomic_store(&file_used[i], false);
            return;
        }
}

void pl_interrupt_forked(pid_t parent)
{
    if (atomic_load(&owner) != 0) {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        for (size_t i = 0; i < NHANDLED; i++) {
            struct sigaction old;
            if (sigaction(handled[i], NULL, &old) == 0 && old.sa_handler == on_signal)
                sigaction(handled[i], &dfl, NULL);
        }
    }
    atomic_store(&owner, 0);
    for (size_t i = 0; i < PL_INTERRUPT_MAX_CHILDREN; i++)
        atomic_store(&children[i], 0);
    for (size_t i = 0; i < PL_INTERRUPT_MAX_FILES; i++)
        atomic_store(&file_used[i], false);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    /* The parent may have died before the request above: then no signal would come. */
    if (getppid() != parent)
        raise(SIGKILL);
}
