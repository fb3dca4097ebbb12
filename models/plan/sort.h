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
 * result is the one qsort gives. Halves already in order cost one comparison to merge, so
 * input that is nearly in order, as schedules mostly are, sorts in about linear time.
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
        size_t h = n / 2, i = 0, j = h, k = 0;                                                     \
        name(v, h, tmp);                                                                           \
        name(v + h, n - h, tmp);                                                                   \
        if (!less(&v[h], &v[h - 1]))                                                               \
            return;                                                                                \
        memcpy(tmp, v, h * sizeof *v);                                                             \
        while (i < h && j < n)                                                                     \
            v[k++] = less(&v[j], &tmp[i]) ? v[j++] : tmp[i++];                                     \
        while (i < h)                                                                              \
            v[k++] = tmp[i++];                                                                     \
    }

#endif
