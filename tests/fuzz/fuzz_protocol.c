/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_protocol.c — a libFuzzer target for what children send their parent: the text of
 * a sweep or replication outcome (sim/study/outcome.h) and a SimGrid child's report
 * (sim/engine/runner.h).
 *
 * Each input is given to both readers as it is: any failure must be a diagnostic, and an
 * outcome text that is accepted must read back the same once written again. Then an
 * outcome is built from the input's bytes (status, seed and five figures from its first
 * 49 bytes, unit names and a message from the rest, split at 0xff bytes, NULs dropped),
 * written and read back: it must come back exactly, every name and the message byte for
 * byte (the round-trip property: no name can be taken for another item). A crash, a leak,
 * a sanitizer report or an abort() here is a finding.
 */
#include "fuzz_scratch.h"

#include "sim/engine/runner.h"
#include "sim/study/outcome.h"

#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The same double, NaNs being all one (%a does not keep a NaN's payload). */
static bool same_real(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static void check_same(const pl_outcome *a, const pl_outcome *b)
{
    const double x[] = {a->makespan, a->throughput, a->speedup, a->bound, a->efficiency};
    const double y[] = {b->makespan, b->throughput, b->speedup, b->bound, b->efficiency};
    for (size_t i = 0; i < 5; i++)
        if (!same_real(x[i], y[i]))
            abort();
    if (a->status != b->status || a->seed != b->seed || a->nunits != b->nunits ||
        strcmp(a->message, b->message) != 0)
        abort();
    for (size_t i = 0; i < a->nunits; i++)
        if (strcmp(a->units[i].name, b->units[i].name) != 0 ||
            !same_real(a->units[i].util, b->units[i].util) ||
            !same_real(a->units[i].bubble, b->units[i].bubble))
            abort();
}

/* Writes o, reads it back and checks that it came back whole; aborts otherwise. */
static void round_trip(const pl_outcome *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return;
    int rc = pl_outcome_write(o, f);
    if (fclose(f) != 0 || rc != 0) {
        free(buf);
        return;
    }
    pl_outcome back;
    pl_outcome_init(&back);
    pl_diag d;
    pl_diag_init(&d);
    rc = pl_outcome_read(buf, len, &back, &d);
    if (rc != 0 && rc != PL_ENOMEM)
        abort(); /* what the writer wrote, the reader must take */
    if (rc == 0)
        check_same(o, &back);
    pl_outcome_fini(&back);
    free(buf);
}

/* The input as an outcome text: refused with a message, or taken and written again the
 * same. */
static void read_outcome(const uint8_t *data, size_t size)
{
    pl_outcome o;
    pl_outcome_init(&o);
    pl_diag d;
    pl_diag_init(&d);
    int rc = pl_outcome_read((const char *)data, size, &o, &d);
    if (rc != 0 && d.msg[0] == '\0')
        abort();
    if (rc == 0)
        round_trip(&o);
    pl_outcome_fini(&o);
}

/* Appends the name data[0 .. n), NULs dropped, to o's units. */
static void add_name(pl_outcome *o, const uint8_t *data, size_t n, double util)
{
    char *name = malloc(n + 1);
    pl_outcome_unit *u = realloc(o->units, (o->nunits + 1) * sizeof *u);
    if (!name || !u) {
        free(name);
        if (u)
            o->units = u;
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (data[i])
            name[k++] = (char)data[i];
    name[k] = '\0';
    o->units = u;
    u[o->nunits++] = (pl_outcome_unit){name, util, -util};
}

/* An outcome made of the input's bytes, which must survive a round trip. */
static void built_outcome(const uint8_t *data, size_t size)
{
    if (size < 49)
        return;
    pl_outcome o;
    pl_outcome_init(&o);
    o.status = (pl_outcome_status)(data[0] % (PL_OUTCOME_FAILED + 1));
    memcpy(&o.seed, data + 1, sizeof o.seed);
    double *f[] = {&o.makespan, &o.throughput, &o.speedup, &o.bound, &o.efficiency};
    for (size_t i = 0; i < 5; i++)
        memcpy(f[i], data + 9 + 8 * i, sizeof(double));
    const uint8_t *p = data + 49, *stop = data + size;
    while (p < stop) {
        const uint8_t *sep = memchr(p, 0xff, (size_t)(stop - p));
        if (!sep) { /* the last piece is the message */
            size_t k = 0;
            for (; p < stop && k < sizeof o.message - 1; p++)
                if (*p)
                    o.message[k++] = (char)*p;
            break;
        }
        add_name(&o, p, (size_t)(sep - p), (double)(sep - p) / 3);
        p = sep + 1;
    }
    round_trip(&o);
    pl_outcome_fini(&o);
}

/* The input as a SimGrid child's report, read from a file as from the pipe. The task count
 * is the one its header claims, when small, so that the arrays get read too. */
static void read_report(const uint8_t *data, size_t size)
{
    uint32_t ntasks = 2;
    if (size >= 8) {
        memcpy(&ntasks, data + 4, sizeof ntasks);
        if (ntasks > 4096)
            ntasks = 2;
    }
    const char *path = pl_fuzz_write("report.bin", data, size);
    if (!path)
        return;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return;
    pl_timeline tl;
    if (pl_timeline_init(&tl, ntasks) == 0) {
        pl_diag child, d;
        pl_diag_init(&child);
        pl_diag_init(&d);
        int rc = pl_runner_read_report(fd, ntasks, 8, &tl, &child, &d);
        if ((rc != 0 && d.msg[0] == '\0') ||
            strnlen(child.msg, sizeof child.msg) == sizeof child.msg)
            abort();
        for (uint32_t i = 0; rc == 0 && child.code != PL_ENOMEM && i < ntasks; i++)
            if (tl.release[i] != PL_NO_EDGE && tl.release[i] >= 8)
                abort();
    }
    pl_timeline_fini(&tl);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_outcome(data, size);
    built_outcome(data, size);
    read_report(data, size);
    return 0;
}
