/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plan_case.c — a plan loop with a schedule written by the test (see plan_case.h). The
 * schedule holds a slot for every task of every iteration, iteration-major, and its
 * makespan is the latest end set so far.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan_case.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

pl_test_plan pl_test_plan_new(uint32_t nops, const double *sizes, uint32_t nbuffers,
                              const pl_plan_access *access, uint32_t naccess, uint32_t iterations)
{
    pl_test_plan p = {{0}, {0}};
    p.l.ops = calloc(nops, sizeof *p.l.ops);
    p.l.classes = calloc(1, sizeof *p.l.classes);
    p.l.buffers = calloc(nbuffers ? nbuffers : 1, sizeof *p.l.buffers);
    p.l.access = calloc(naccess ? naccess : 1, sizeof *p.l.access);
    p.s.tasks = calloc((size_t)nops * iterations, sizeof *p.s.tasks);
    assert_non_null(p.l.ops);
    assert_non_null(p.l.classes);
    assert_non_null(p.l.buffers);
    assert_non_null(p.l.access);
    assert_non_null(p.s.tasks);
    for (uint32_t o = 0; o < nops; o++)
        p.l.ops[o] = (pl_plan_op){NULL, 0, 1, NULL, 0};
    p.l.nops = nops;
    p.l.classes[0] = (pl_plan_class){NULL, 1, 0};
    p.l.nclasses = 1;
    for (uint32_t b = 0; b < nbuffers; b++)
        p.l.buffers[b] = (pl_plan_buffer){NULL, sizes[b]};
    p.l.nbuffers = nbuffers;
    if (naccess)
        memcpy(p.l.access, access, naccess * sizeof *access);
    p.l.naccess = naccess;
    p.l.iterations = iterations;
    p.l.memory = INFINITY;
    p.s.ntasks = nops * iterations;
    p.s.rule = "by hand";
    return p;
}

void pl_test_plan_free(pl_test_plan *p)
{
    pl_plan_loop_fini(&p->l);
    free(p->s.tasks);
}

void pl_test_plan_set_task(pl_test_plan *p, uint32_t op, uint32_t iter, double start, double end)
{
    p->s.tasks[(size_t)iter * p->l.nops + op] = (pl_plan_slot){0, start, end};
    p->s.makespan = fmax(p->s.makespan, end);
}

void pl_test_plan_liveness(const pl_test_plan *p, pl_plan_memmap *m)
{
    assert_int_equal(pl_plan_liveness(&p->l, &p->s, m), 0);
}
