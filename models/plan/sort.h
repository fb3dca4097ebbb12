/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sort.h — a merge sort with its comparison inlined, for the plan's sorts of one entry per
 * task or per buffer instance (planned order, buffer lifetimes, reuse pairs): qsort's call
 * through a pointer per comparison cost more than the comparisons themselves.
 *
 * PL_PLAN_SORT(name, type, less) defines
 *     static void name(type *v, size_t n, type *tmp)
 * which sorts v[0 .. n) by less(const type *a, const type *b) (a strict order: whether a
 * goes before b), stably, using tmp (room for n / 2 + 1 entries, the caller's). Every
 * comparison of the plan's sorts ends in a unique index, so the order is total and the
 * result is the one qsort gives. Halves already in order cost one comparison to merge, and
 * halves that overlap merge only where they do: the left half's entries before the right
 * half's first, and the right half's from the left half's last on, are found by binary
 * search and stay where they are. Input that is nearly in order, as schedules are (the
 * tasks of an iteration, in task order, overlap only the few iterations in flight), then
 * sorts in about linear time.
 */
#ifndef PL_PLAN_SORT_H
#define PL_PLAN_SORT_H

#include <stddef.h>
#include <string.h>

#define PL_PLAN_SORT_RUN 16 /* runs this short are sorted by insertion */

#define PL_PLAN_SORT(name, type, less)                                                             \
    static void name(type *v, size_t n, type *tmp)                                                 \
    {                                                                                              \
        if (n <= PL_PLAN_SORT_RUN) {                                                               \
            for (size_t i = 1; i < n; i++) {                                                       \
                type x = v[i];                                                                     \
                size_t j = i;                                                                      \
                for (; j > 0 && less(&x, &v[j - 1]); j--)                                          \
                    v[j] = v[j - 1];                                                               \
                v[j] = x;                                                                          \
            }                                                                                      \
            return;                                                                                \
        }                                                                                          \
        size_t h = n / 2;                                                                          \
        name(v, h, tmp);                                                                           \
        name(v + h, n - h, tmp);                                                                   \
        if (!less(&v[h], &v[h - 1]))                                                               \
            return;                                                                                \
        /* from: the first left entry after v[h]; to: the first right entry not before             \
         * v[h - 1]. Entries outside [from, to) are where they belong. */                          \
        size_t from = 0, to = h + 1;                                                               \
        for (size_t hi = h - 1; from < hi;) {                                                      \
            size_t mid = from + (hi - from) / 2;                                                   \
            if (less(&v[h], &v[mid]))                                                              \
                hi = mid;                                                                          \
            else                                                                                   \
                from = mid + 1;                                                                    \
        }                                                                                          \
        for (size_t hi = n; to < hi;) {                                                            \
            size_t mid = to + (hi - to) / 2;                                                       \
            if (less(&v[mid], &v[h - 1]))                                                          \
                to = mid + 1;                                                                      \
            else                                                                                   \
                hi = mid;                                                                          \
        }                                                                                          \
        size_t i = 0, j = h, k = from, m = h - from;                                               \
        memcpy(tmp, v + from, m * sizeof *v);                                                      \
        while (i < m && j < to)                                                                    \
            v[k++] = less(&v[j], &tmp[i]) ? v[j++] : tmp[i++];                                     \
        while (i < m)                                                                              \
            v[k++] = tmp[i++];                                                                     \
    }

#endif
