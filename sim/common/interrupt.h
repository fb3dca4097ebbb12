/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * interrupt.h — what an interrupted process leaves behind: nothing.
 *
 * A process that forks children (SimGrid simulations, pool workers) or writes temporary
 * files registers them here. When it receives SIGINT, SIGTERM or SIGHUP, a handler sends
 * SIGTERM to every registered child, removes every registered file, waits for the
 * children (SIGKILL to those still there after half a second), then dies of the signal
 * it received, so that its exit status names it. The handlers are installed on the first
 * registration; a signal that was ignored then (nohup, a background job of a
 * non-interactive shell) stays ignored.
 *
 * A child forked with pl_pool_fork calls pl_interrupt_forked: it forgets its parent's
 * registrations and asks the kernel to SIGKILL it when its parent dies, however the parent
 * dies (SIGKILL included), so that no child outlives the process that waits for it.
 */
#ifndef PL_INTERRUPT_H
#define PL_INTERRUPT_H

#include <sys/types.h>

/* How many children and files can be registered at once. */
#define PL_INTERRUPT_MAX_CHILDREN 1024
#define PL_INTERRUPT_MAX_FILES    32

/* Registers a child to end when this process is interrupted. Returns 0, or PL_ENOMEM when
 * PL_INTERRUPT_MAX_CHILDREN are registered already (the child still dies with this
 * process, by pl_interrupt_forked, only not before it). */
int pl_interrupt_track_child(pid_t pid);

/* Forgets a child (call it once the child is reaped); nothing when it is not registered. */
void pl_interrupt_untrack_child(pid_t pid);

/* Registers a file, or a directory that holds only registered files, to remove when
 * this process is interrupted; path is borrowed (copied
 * here). Returns 0, PL_EUSAGE when the path is longer than PATH_MAX, or PL_ENOMEM when
 * PL_INTERRUPT_MAX_FILES are registered already. */
int pl_interrupt_track_file(const char *path);

/* Forgets a file (once renamed or removed); nothing when it is not registered. */
void pl_interrupt_untrack_file(const char *path);

/* In a child just forked from `parent`: drops the registrations inherited from the parent,
 * restores the default action of the signals handled here, and has the child killed with
 * SIGKILL when its parent dies; the child kills itself if the parent died already. */
void pl_interrupt_forked(pid_t parent);

#endif
