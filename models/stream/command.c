/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * command.c — `pipelab partition`: the optimal stages of a stream
 * scenario's chain for a number of cores, without simulating, as findings for the
 * report layer to print.
 */
#include "models/stream/stream.h"

#include "sim/common/units.h"

#include <errno.h>
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
    bool ok = *arg != '\0', seen[PL_CORE_TYPES] = {false};
    for (const char *p = arg; *p && ok;) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        int t = -1;
        for (int k = 0; eq && k < PL_CORE_TYPES; k++)
            if (strlen(pl_core_type_name((pl_core_type)k)) == (size_t)(eq - p) &&
                strncmp(p, pl_core_type_name((pl_core_type)k), (size_t)(eq - p)) == 0)
                t = k;
        if (t >= 0 && seen[t])
            return pl_diag_set(d, PL_EUSAGE,
                               "--cores names %s twice in '%s'; give each core type once (see "
                               "pipelab partition --help)",
                               pl_core_type_name((pl_core_type)t), arg);
        ok = t >= 0 && parse_count(eq + 1, len - (size_t)(eq + 1 - p), &cores[t]);
        if (t >= 0)
            seen[t] = true;
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

/* The stages: in text numbered with their tasks' names, in JSON by name and first task. */
static const pl_column stage_cols[] = {
    {NULL, "stage", PL_VALUE_TEXT, 0, true, 2},
    {"name", NULL, PL_VALUE_TEXT, 0, false, 0},
    {"first", NULL, PL_VALUE_INT, 0, false, 0},
    {"tasks", "tasks", PL_VALUE_INT, 0, false, 2},
    {"threads", "threads", PL_VALUE_INT, 0, false, 2},
    {"core", "core", PL_VALUE_TEXT, 0, false, 2},
    {"load", "load", PL_VALUE_TIME, 0, false, 2},
    {"stateful", "stateful", PL_VALUE_BOOL, 0, false, 2},
};

static int stage_table(const pl_stream_chain *c, const pl_partition *p, pl_findings *out)
{
    pl_rows *r;
    int rc = pl_tables_add(&out->tables, "stages", NULL, stage_cols,
                           sizeof stage_cols / sizeof stage_cols[0], &r);
    for (uint32_t s = 0; !rc && s < p->nstages; s++) {
        const pl_stage_plan *sp = &p->stages[s];
        char name[256];
        stage_name(c, sp, name, sizeof name);
        pl_rows_text(r, "%u %s", s + 1, name);
        pl_rows_text(r, "%s", name);
        pl_rows_int(r, sp->first);
        pl_rows_int(r, sp->tasks);
        pl_rows_int(r, sp->threads);
        pl_rows_text(r, "%s", pl_core_type_name(sp->type));
        pl_rows_real(r, sp->load);
        pl_rows_bool(r, stage_stateful(c, sp));
    }
    return rc;
}

static int findings(const pl_config *cfg, const pl_stream_chain *c, const pl_partition *p,
                    const uint32_t cores[PL_CORE_TYPES], bool typed, pl_findings *out)
{
    char have[96], used[96], dec[1024];
    cores_text(cores, typed, have, sizeof have);
    cores_text(p->used, typed, used, sizeof used);
    decomposition(p, dec, sizeof dec);
    out->label_width = 10;
    out->json_digits = 15;
    pl_findings_heading(out, "partition of %s (%u tasks) on %s", pl_config_file(cfg), c->n, have);
    int rc = pl_figures_add(&out->figures, "period", p->period, "s", "%s per frame (%.6g frames/s)",
                            PL_TIME_TEXT(p->period), 1 / p->period);
    if (!rc)
        rc = pl_figures_add(&out->figures, "uses", p->used[PL_CORE_BIG] + p->used[PL_CORE_LITTLE],
                            "", "%s in %u stages: %s", used, p->nstages, dec);
    pl_findings_text(out, "scenario", pl_config_file(cfg));
    pl_findings_int(out, "tasks", c->n);
    pl_findings_int(out, "cores.big", cores[PL_CORE_BIG]);
    pl_findings_int(out, "cores.little", cores[PL_CORE_LITTLE]);
    pl_findings_real(out, "period", p->period);
    pl_findings_real(out, "throughput", 1 / p->period);
    pl_findings_int(out, "used.big", p->used[PL_CORE_BIG]);
    pl_findings_int(out, "used.little", p->used[PL_CORE_LITTLE]);
    pl_findings_text(out, "decomposition", dec);
    if (!rc)
        rc = stage_table(c, p, out);
    return rc ? rc : pl_findings_status(out);
}

static int run(const pl_config *cfg, const char *const *values, pl_findings *out, pl_diag *d)
{
    const char *cores_arg = values[0];
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
    if (rc == 0 && (rc = findings(cfg, &c, &p, cores, typed, out)) != 0)
        rc = pl_diag_set(d, rc, "out of memory");
    pl_partition_fini(&p);
    pl_stream_chain_fini(&c);
    return rc;
}

const pl_model_command pl_stream_commands[] = {
    {
        .name = "partition",
        .usage = "       pipelab partition SCENARIO [--cores R | --cores big=B,little=L] "
                 "[--format json]\n"
                 "                                         the optimal stages of a stream "
                 "scenario's chain\n"
                 "                                         (default: the machine's cores)\n",
        .options = (const char *const[]){"--cores", NULL},
        .option_help = (const char *const[]){"R identical cores, or big=B,little=L (default: "
                                              "the machine's)"},
        .run = run,
    },
    {0},
};
