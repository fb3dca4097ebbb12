/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * command.c — `pipelab partition`: the optimal stages of a stream
 * scenario's chain for a number of cores, as text or JSON, without simulating.
 */
#include "models/stream/stream.h"

#include "sim/report/table.h"
#include "sim/common/units.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One count of --cores: digits, nothing else. */
static bool parse_count(const char *s, size_t len, uint32_t *out)
{
    char buf[24];
    if (len == 0 || len >= sizeof buf || strspn(s, "0123456789") < len)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    unsigned long long v = strtoull(buf, NULL, 10);
    if (errno == ERANGE || v > 1000000)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* "R" or "big=B,little=L" (either part may be left out). */
static int parse_cores(const char *arg, uint32_t cores[PL_CORE_TYPES], pl_diag *d)
{
    cores[PL_CORE_BIG] = cores[PL_CORE_LITTLE] = 0;
    if (parse_count(arg, strlen(arg), &cores[PL_CORE_BIG]) && cores[PL_CORE_BIG] > 0)
        return 0;
    bool ok = *arg != '\0';
    for (const char *p = arg; *p && ok;) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        int t = -1;
        for (int k = 0; eq && k < PL_CORE_TYPES; k++)
            if (strlen(pl_core_type_name((pl_core_type)k)) == (size_t)(eq - p) &&
                strncmp(p, pl_core_type_name((pl_core_type)k), (size_t)(eq - p)) == 0)
                t = k;
        ok = t >= 0 && parse_count(eq + 1, len - (size_t)(eq + 1 - p), &cores[t]);
        p += len + (p[len] == ',');
    }
    if (!ok || cores[PL_CORE_BIG] + cores[PL_CORE_LITTLE] == 0)
        return pl_diag_set(d, PL_EUSAGE,
                           "--cores expects a number of identical cores (e.g. 8) or core types "
                           "(e.g. big=16,little=4), at least one core; got '%s' (see pipelab "
                           "--help)",
                           arg);
    return 0;
}

/* Every task must run on some type the given cores have. */
static int check_runs(const pl_config *cfg, const pl_stream_chain *c,
                      const uint32_t cores[PL_CORE_TYPES], pl_diag *d)
{
    for (uint32_t i = 0; i < c->n; i++) {
        bool runs = false;
        for (int t = 0; t < PL_CORE_TYPES; t++)
            runs = runs || (cores[t] > 0 && isfinite(c->tasks[i].latency[t]));
        if (runs)
            continue;
        char path[64];
        snprintf(path, sizeof path, "stream.tasks[%u].latency", i);
        const pl_node *n = pl_config_get(cfg, path);
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), path,
                          "task '%s' has no latency for the cores asked for (%u big, %u little)",
                          c->names[i], cores[PL_CORE_BIG], cores[PL_CORE_LITTLE]);
    }
    return 0;
}

static void stage_name(const pl_stream_chain *c, const pl_stage_plan *s, char *out, size_t len)
{
    if (s->tasks == 1)
        snprintf(out, len, "%s", c->names[s->first]);
    else
        snprintf(out, len, "%s..%s", c->names[s->first], c->names[s->first + s->tasks - 1]);
}

static bool stage_stateful(const pl_stream_chain *c, const pl_stage_plan *s)
{
    for (uint32_t i = s->first; i < s->first + s->tasks; i++)
        if (c->tasks[i].stateful)
            return true;
    return false;
}

/* "{(5,1)(1,4)(2,1)}", StreamPU's way of writing a decomposition. */
static void decomposition(const pl_partition *p, char *out, size_t len)
{
    size_t n = (size_t)snprintf(out, len, "{");
    for (uint32_t s = 0; s < p->nstages && n < len; s++)
        n +=
            (size_t)snprintf(out + n, len - n, "(%u,%u)", p->stages[s].tasks, p->stages[s].threads);
    if (n < len)
        snprintf(out + n, len - n, "}");
}

static void cores_text(const uint32_t cores[PL_CORE_TYPES], bool typed, char *out, size_t len)
{
    if (typed)
        snprintf(out, len, "%u big + %u little cores", cores[PL_CORE_BIG], cores[PL_CORE_LITTLE]);
    else
        snprintf(out, len, "%u identical cores", cores[PL_CORE_BIG]);
}

static int print_text(const pl_config *cfg, const pl_stream_chain *c, const pl_partition *p,
                      const uint32_t cores[PL_CORE_TYPES], bool typed, FILE *out, pl_diag *d)
{
    char have[96], used[96], dec[1024];
    cores_text(cores, typed, have, sizeof have);
    cores_text(p->used, typed, used, sizeof used);
    decomposition(p, dec, sizeof dec);
    fprintf(out, "partition of %s (%u tasks) on %s\n", pl_config_file(cfg), c->n, have);
    fprintf(out, "period     %s per frame (%.6g frames/s)\n", PL_TIME_TEXT(p->period),
            1 / p->period);
    fprintf(out, "uses       %s in %u stages: %s\n\n", used, p->nstages, dec);
    pl_table *t = pl_table_create(6);
    if (!t)
        return pl_diag_set(d, PL_ENOMEM, "out of memory");
    static const char *const head[] = {"stage", "tasks", "threads", "core", "load", "stateful"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        pl_table_addf(t, "%s", head[i]);
    for (uint32_t s = 0; s < p->nstages; s++) {
        const pl_stage_plan *sp = &p->stages[s];
        char name[256];
        stage_name(c, sp, name, sizeof name);
        pl_table_addf(t, "%u %s", s + 1, name);
        pl_table_addf(t, "%u", sp->tasks);
        pl_table_addf(t, "%u", sp->threads);
        pl_table_addf(t, "%s", pl_core_type_name(sp->type));
        pl_table_addf(t, "%s", PL_TIME_TEXT(sp->load));
        pl_table_addf(t, "%s", stage_stateful(c, sp) ? "yes" : "no");
    }
    int rc = pl_table_print(t, out, "  ");
    pl_table_destroy(t);
    if (rc == PL_ENOMEM)
        return pl_diag_set(d, rc, "out of memory");
    if (rc != 0 || fflush(out) != 0)
        return pl_diag_set(d, PL_EIO, "cannot write the partition");
    return 0;
}

static json_t *cores_object(const uint32_t cores[PL_CORE_TYPES])
{
    return json_pack("{s:I,s:I}", "big", (json_int_t)cores[PL_CORE_BIG], "little",
                     (json_int_t)cores[PL_CORE_LITTLE]);
}

static json_t *stages_array(const pl_stream_chain *c, const pl_partition *p)
{
    json_t *a = json_array();
    for (uint32_t s = 0; a && s < p->nstages; s++) {
        const pl_stage_plan *sp = &p->stages[s];
        char name[256];
        stage_name(c, sp, name, sizeof name);
        json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:s,s:f,s:b}", "name", name, "first",
                              (json_int_t)sp->first, "tasks", (json_int_t)sp->tasks, "threads",
                              (json_int_t)sp->threads, "core", pl_core_type_name(sp->type), "load",
                              sp->load, "stateful", stage_stateful(c, sp));
        if (!o || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static int print_json(const pl_config *cfg, const pl_stream_chain *c, const pl_partition *p,
                      const uint32_t cores[PL_CORE_TYPES], FILE *out, pl_diag *d)
{
    char dec[1024];
    decomposition(p, dec, sizeof dec);
    json_t *doc = json_pack("{s:s,s:I,s:o,s:f,s:f,s:o,s:s,s:o}", "scenario", pl_config_file(cfg),
                            "tasks", (json_int_t)c->n, "cores", cores_object(cores), "period",
                            p->period, "throughput", 1 / p->period, "used", cores_object(p->used),
                            "decomposition", dec, "stages", stages_array(c, p));
    if (!doc)
        return pl_diag_set(d, PL_ENOMEM,
                           "cannot build the JSON partition: out of memory, or a "
                           "name that is not UTF-8");
    int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(doc);
    fputc('\n', out);
    if (rc != 0 || fflush(out) != 0)
        return pl_diag_set(d, PL_EIO, "cannot write the partition");
    return 0;
}

int pl_stream_partition_command(const pl_config *cfg, const char *cores_arg, bool json, FILE *out,
                                pl_diag *d)
{
    if (strcmp(pl_config_str(cfg, "model"), "stream") != 0) {
        const pl_node *n = pl_config_get(cfg, "model");
        return pl_diag_at(d, PL_ECONFIG, pl_node_loc(n), "model",
                          "pipelab partition cuts the chain of a stream scenario, but this "
                          "scenario says model: %s",
                          pl_config_str(cfg, "model"));
    }
    pl_stream_chain c;
    int rc = pl_stream_chain_load(cfg, &c, d);
    if (rc != 0)
        return rc;
    uint32_t cores[PL_CORE_TYPES];
    bool typed = c.typed;
    for (int t = 0; t < PL_CORE_TYPES; t++)
        cores[t] = (uint32_t)c.cores[t];
    if (cores_arg) {
        rc = parse_cores(cores_arg, cores, d);
        typed = strchr(cores_arg, '=') != NULL;
    }
    if (rc == 0)
        rc = check_runs(cfg, &c, cores, d);
    pl_partition p = {0};
    if (rc == 0 && (rc = pl_partition_find(c.tasks, c.n, cores, &p)) != 0)
        rc = pl_diag_set(d, rc,
                         rc == PL_ENOMEM ? "out of memory partitioning the chain"
                                         : "no partition of the chain fits the cores");
    if (rc == 0)
        rc = json ? print_json(cfg, &c, &p, cores, out, d)
                  : print_text(cfg, &c, &p, cores, typed, out, d);
    pl_partition_fini(&p);
    pl_stream_chain_fini(&c);
    return rc;
}
