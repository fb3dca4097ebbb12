/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * groups.c — a unit's pipe name and group name.
 */
#include "sim/measure/groups.h"

#include <stdio.h>
#include <string.h>

const char *pl_unit_pipe_name(const pl_graph *g, uint32_t u)
{
    const char *unit = pl_graph_unit_name(g, u);
    const char *place = pl_graph_place_name(g, pl_graph_unit_place(g, u));
    size_t plen = strlen(place);
    return strncmp(unit, place, plen) == 0 && unit[plen] == '.' ? unit + plen + 1 : unit;
}

void pl_name_group(const char *name, char *buf, size_t len)
{
    const char *dot = strchr(name, '.');
    size_t stem = dot ? (size_t)(dot - name) : 0, end = stem;
    while (stem > 0 && name[stem - 1] >= '0' && name[stem - 1] <= '9')
        stem--;
    if (!dot || stem == end || stem == 0)
        snprintf(buf, len, "%s", name);
    else
        snprintf(buf, len, "%.*s*%s", (int)stem, name, dot);
}

void pl_unit_group_name(const pl_graph *g, uint32_t u, char *buf, size_t len)
{
    const char *unit = pl_graph_unit_name(g, u), *pipe = pl_unit_pipe_name(g, u);
    const char *place = pl_graph_place_name(g, pl_graph_unit_place(g, u));
    size_t plen = strlen(place), stem = plen;
    while (stem > 0 && place[stem - 1] >= '0' && place[stem - 1] <= '9')
        stem--;
    if (pipe == unit || stem == plen)
        snprintf(buf, len, "%s", unit);
    else
        snprintf(buf, len, "%.*s*.%s", (int)stem, place, pipe);
}
