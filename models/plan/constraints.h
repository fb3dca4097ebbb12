/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * constraints.h — what a plan must meet besides the memory: the longest an iteration may
 * take (plan.max_iteration, from its first op's start to its last op's end) and the II it
 * must reach (plan.target_ii).
 *
 * The planner first plans as it would without them. An iteration longer than the limit
 * comes from iterations overlapping too much: it then plans with fewer iterations in
 * flight (the window one smaller at a time, down to one iteration at a time) and keeps
 * the first plan whose every iteration fits, the one with the most in flight. When even
 * one iteration at a time does not fit, or the II is above the target, it says which
 * constraint cannot be met and why: the one iteration's own longest chain, the ResMII or
 * RecMII above the target, the iteration limit or the memory holding the II back, or
 * the scheduler finding nothing better.
 */
#ifndef PL_PLAN_CONSTRAINTS_H
#define PL_PLAN_CONSTRAINTS_H

#include "models/plan/make.h"

#include <stdint.h>

/* The longest iteration of schedule s of loop l (both borrowed), from its first op's start
 * to its last op's end; *which gets that iteration (the first on a tie) when not NULL. */
double pl_plan_longest_iteration(const pl_plan_loop *l, const pl_plan_schedule *s, uint32_t *which);

/* Whether a longest iteration of `longest` keeps l's limit (within rounding). */
bool pl_plan_iteration_fits(const pl_plan_loop *l, double longest);

#endif
