/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tally.c — texts counted.
 *
 * Invariant: every non-NULL text is a member of exactly one group, the one whose text
 * equals it; a group's count is its number of members.
 */
#include "sim/study/tally.h"
#include "sim/common/error.h"

#include <stdlib.h>
#include <string.h>

void pl_tally_fini(pl_tally *t)
{
    for (size_t g = 0; g < t->ngroups; g++)
        free(t->groups[g].members);
    free(t->groups);
    t->groups = NULL;
    t->ngroups = 0;
}

static int by_count(const void *a, const void *b)
{
    const pl_tally_group *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->members[0] < y->members[0] ? -1 : x->members[0] > y->members[0];
}

int pl_tally_of(const char *const *texts, size_t n, pl_tally *t)
{
    t->ngroups = 0;
    t->groups = calloc(n + 1, sizeof *t->groups);
    if (!t->groups)
        return PL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (!texts[i])
            continue;
        size_t g = 0;
        while (g < t->ngroups && strcmp(t->groups[g].text, texts[i]) != 0)
            g++;
        pl_tally_group *grp = &t->groups[g];
        if (g == t->ngroups) {
            grp->text = texts[i];
            if (!(grp->members = calloc(n, sizeof *grp->members)))
                return PL_ENOMEM;
            t->ngroups++;
        }
        grp->members[grp->count++] = i;
    }
    qsort(t->groups, t->ngroups, sizeof *t->groups, by_count);
    return 0;
}
