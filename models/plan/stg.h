/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * stg.h — task graphs in the Standard Task Graph (STG) format of the Kasahara
 * lab, Waseda University (Tobita & Kasahara, "A standard task graph set for fair
 * evaluation of multiprocessor scheduling algorithms", J. Scheduling 5(5), 2002).
 *
 * An STG file holds, after any comment lines, the number n of real tasks on a line of
 * its own, then one line per task for ids 0 to n + 1, in order: "id time npred pred...",
 * all non-negative integers separated by blanks. Task 0 is the dummy entry and task
 * n + 1 the dummy exit (both of time 0 in the published files). A line whose first
 * non-blank character is '#' is a comment; the published files end with a block of
 * them describing the graph (its critical path length, among others).
 *
 * The graph becomes a loop of one iteration (see models/plan/loop.h): one class "unit" of
 * `units` identical units, one op per task (dummies included) named by its id ("0",
 * "1", ...) with the task's time as its latency in seconds (STG times have no unit, so
 * reports print them as plain numbers), and one PL_PLAN_DEP_AFTER dependency of
 * distance 0 per predecessor, in the order the file lists them. No buffers, no memory
 * limit (INFINITY), window 0.
 */
#ifndef PL_PLAN_STG_H
#define PL_PLAN_STG_H

#include "sim/common/error.h"
#include "models/plan/loop.h"

#include <stdint.h>

/* The most real tasks a file may announce; the published graphs have a few thousand. */
#define PL_PLAN_STG_MAX_TASKS 1000000u
/* The most dependencies in all (a complete graph of 5,600 tasks), and the largest file: a
 * 3,000-task complete graph (4.5 M dependencies) takes 20 MB. */
#define PL_PLAN_STG_MAX_DEPS  16000000u
#define PL_PLAN_STG_MAX_BYTES (128u << 20)

/*
 * Reads the STG file at path (borrowed) into *out, which the caller frees with
 * pl_plan_loop_fini. units >= 1.
 *
 * Fails with PL_EIO when the file cannot be read, is not a regular file (a FIFO, a
 * device, a directory: refused without reading or waiting) or is larger than
 * PL_PLAN_STG_MAX_BYTES, PL_EPARSE when its text is not a task graph (the message names
 * the file, line and column and says what was expected: a non-number or negative number,
 * a task id out of order, a predecessor out of range, repeated or equal to the task
 * itself, a count of predecessors that does not match the line, fewer or more task lines
 * than the header announces, more than PL_PLAN_STG_MAX_TASKS tasks or
 * PL_PLAN_STG_MAX_DEPS dependencies, anything after the numbers of a line), PL_ECONFIG
 * when units is 0, PL_ENOMEM. On failure *out is left empty ({0}) and nothing is
 * allocated.
 *
 * Cycles are not looked for, beyond a task listed as its own predecessor: the published
 * graphs list predecessors with smaller ids, but the format does not require it.
 */
int pl_plan_stg_read(const char *path, uint32_t units, pl_plan_loop *out, pl_diag *d);

#endif
