/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * groups.h — units that do the same job on places named alike: the MTE2 pipe of
 * core0 .. core23 is one group, "core*.MTE2". The unit tables print a row per group
 * when there are too many units for a row each, and the verdict relieves a group as
 * one change (the same kernel runs on every core).
 */
#ifndef PL_GROUPS_H
#define PL_GROUPS_H

#include "sim/graph/graph.h"

#include <stddef.h>
#include <stdint.h>

/* The unit's name without its place's ("MTE2" for core0.MTE2 on core0); the unit's name
 * when it does not start with its place's. Borrowed from g. */
const char *pl_unit_pipe_name(const pl_graph *g, uint32_t u);

/* The name of u's group into buf: a unit named after its place ("core3.MTE2" on core3)
 * joins the group of the same pipe on places named alike, "core*.MTE2"; any other unit
 * is a group of its own, named as the unit. */
void pl_unit_group_name(const pl_graph *g, uint32_t u, char *buf, size_t len);

/* The group of a link or other thing named "<stem><number>.<rest>" ("core3.MTE2"):
 * "<stem>*.<rest>" ("core*.MTE2"); any other name is a group of its own, named as it is. */
void pl_name_group(const char *name, char *buf, size_t len);

#endif
