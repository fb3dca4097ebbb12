/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * units.c — parsing quantities users write and formatting quantities reports
 * print.
 *
 * Every unit is one row of `units`: its spelling, the quantity it measures and
 * its size in SI base units. A parsed value is always finite and in SI units;
 * a text that is not exactly "number [space] unit" is rejected with a phrase
 * saying what was expected, never guessed at.
 */
#include "sim/common/units.h"

#include "sim/common/error.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A unit of a quantity. `ladder` marks the units pl_units_format chooses from, in
 * increasing size within each quantity. Cycles have scale 0: their size is a clock's. */
struct unit {
    const char *name;
    pl_quantity q;
    double scale;
    int ladder;
};

static const struct unit units[] = {
    {"ns", PL_Q_TIME, 1e-9, 1},
    {"us", PL_Q_TIME, 1e-6, 1},
    {"\xc2\xb5s", PL_Q_TIME, 1e-6, 0}, /* U+00B5 MICRO SIGN */
    {"\xce\xbcs", PL_Q_TIME, 1e-6, 0}, /* U+03BC GREEK SMALL LETTER MU, which looks the same */
    {"ms", PL_Q_TIME, 1e-3, 1},
    {"s", PL_Q_TIME, 1.0, 1},
    {"cycles", PL_Q_TIME, 0.0, 0},
    {"B", PL_Q_SIZE, 1.0, 1},
    {"KB", PL_Q_SIZE, 1e3, 0},
    {"KiB", PL_Q_SIZE, 1024.0, 1},
    {"MB", PL_Q_SIZE, 1e6, 0},
    {"MiB", PL_Q_SIZE, 1048576.0, 1},
    {"GB", PL_Q_SIZE, 1e9, 0},
    {"GiB", PL_Q_SIZE, 1073741824.0, 1},
    {"B/s", PL_Q_BANDWIDTH, 1.0, 1},
    {"KB/s", PL_Q_BANDWIDTH, 1e3, 1},
    {"KiB/s", PL_Q_BANDWIDTH, 1024.0, 0},
    {"MB/s", PL_Q_BANDWIDTH, 1e6, 1},
    {"MiB/s", PL_Q_BANDWIDTH, 1048576.0, 0},
    {"GB/s", PL_Q_BANDWIDTH, 1e9, 1},
    {"GiB/s", PL_Q_BANDWIDTH, 1073741824.0, 0},
    {"TB/s", PL_Q_BANDWIDTH, 1e12, 1},
    {"Hz", PL_Q_FREQUENCY, 1.0, 1},
    {"kHz", PL_Q_FREQUENCY, 1e3, 1},
    {"MHz", PL_Q_FREQUENCY, 1e6, 1},
    {"GHz", PL_Q_FREQUENCY, 1e9, 1},
    {"FLOPS", PL_Q_RATE, 1.0, 1},
    {"GFLOPS", PL_Q_RATE, 1e9, 1},
    {"TFLOPS", PL_Q_RATE, 1e12, 1},
};
#define NUNITS (sizeof units / sizeof units[0])

const char *pl_units_si(pl_quantity q)
{
    for (size_t i = 0; i < NUNITS; i++)
        if (units[i].q == q && units[i].scale == 1.0)
            return units[i].name;
    return "";
}

struct quantity_info {
    const char *name;
    const char *units;
};

static const struct quantity_info quantities[] = {
#define PL_QUANTITY_INFO(name, what, spelled) {what, spelled},
    PL_QUANTITIES(PL_QUANTITY_INFO)
#undef PL_QUANTITY_INFO
};

const char *pl_quantity_name(pl_quantity q)
{
    if ((int)q < 0 || q >= PL_QUANTITY_COUNT)
        return NULL;
    return quantities[q].name;
}

const char *pl_quantity_units(pl_quantity q)
{
    if ((int)q < 0 || q >= PL_QUANTITY_COUNT)
        return NULL;
    return quantities[q].units;
}

/* ---- Limits ----------------------------------------------------------------- */

/* The magnitudes a value of each quantity may have besides 0, in SI units. They keep every
 * value that reaches a model finite, and every value a model derives from them: a transfer
 * time (2^53 B at 1 B/s is 9e15 s), flops over a rate, cycles at a clock, a
 * throughput (a count over a time of at least 1e-15 s), a sum of 2^31 tasks' times. */
struct limit {
    double min, max;
    const char *phrase;
};

static const struct limit limits[PL_QUANTITY_COUNT] = {
    [PL_Q_TIME] = {1e-15, 1e6, "0 or from 1e-15 s to 1e6 s"},
    [PL_Q_SIZE] = {1.0, 0x1p53, "0 or from 1 B to 2^53 B (8 PiB)"},
    [PL_Q_BANDWIDTH] = {1.0, 1e18, "from 1 B/s to 1e18 B/s"},
    [PL_Q_FREQUENCY] = {1.0, 1e15, "from 1 Hz to 1e15 Hz"},
    [PL_Q_RATE] = {1.0, 1e18, "from 1 FLOPS to 1e18 FLOPS"},
};

/* ---- Parsing ---------------------------------------------------------------- */

/* What "number [space] unit" split into: the number, and the unit as a span of the
 * text with surrounding blanks removed. `problem` is NULL when the number is good. */
struct split {
    double number;
    const char *unit;
    size_t unit_len;
    const char *problem;
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* strtod also reads "nan", "inf" and hexadecimal; a scenario means none of them. */
static const char *number_problem(const char *start, const char *end)
{
    const char *p = start;
    if (*p == '+' || *p == '-')
        p++;
    if (strncasecmp(p, "nan", 3) == 0 || strncasecmp(p, "inf", 3) == 0)
        return "not a finite number";
    for (; p < end; p++)
        if (*p == 'x' || *p == 'X')
            return "not a decimal number";
    return NULL;
}

static struct split split_quantity(const char *text)
{
    struct split s = {0};
    const char *p = text;
    while (is_blank(*p))
        p++;
    char *end = NULL;
    errno = 0;
    s.number = strtod(p, &end);
    if (end == p)
        s.problem = "not a number";
    else if (number_problem(p, end))
        s.problem = number_problem(p, end);
    else if (errno == ERANGE || !isfinite(s.number))
        s.problem = "number out of range";
    if (s.problem)
        return s;
    p = end;
    while (is_blank(*p))
        p++;
    size_t n = strlen(p);
    while (n > 0 && is_blank(p[n - 1]))
        n--;
    s.unit = p;
    s.unit_len = n;
    return s;
}

static const struct unit *find_unit(const char *name, size_t len, int q)
{
    for (size_t i = 0; i < NUNITS; i++)
        if ((q < 0 || units[i].q == (pl_quantity)q) && strlen(units[i].name) == len &&
            memcmp(units[i].name, name, len) == 0)
            return &units[i];
    return NULL;
}

bool pl_units_is_cycles(const char *text)
{
    struct split s = split_quantity(text);
    return !s.problem && s.unit_len == 6 && memcmp(s.unit, "cycles", 6) == 0;
}

/* The units a user may write for q; a value that can never be in cycles (clock_hz < 0)
 * does not offer them. */
static const char *units_phrase(pl_quantity q, double clock_hz)
{
    return q == PL_Q_TIME && clock_hz < 0 ? "ns, us, ms or s" : quantities[q].units;
}

static int fail(char *why, size_t why_len, pl_quantity q, double clock_hz, const char *text,
                const char *reason)
{
    snprintf(why, why_len, "a %s with a unit (%s), got '%s' (%s)", quantities[q].name,
             units_phrase(q, clock_hz), text, reason);
    return PL_ECONFIG;
}

/* A unit written for the wrong quantity ("12 GB" for a time) deserves to be named. */
static int fail_unit(char *why, size_t why_len, pl_quantity q, double clock_hz, const char *text,
                     const struct split *s)
{
    char reason[128];
    const struct unit *other = find_unit(s->unit, s->unit_len, -1);
    if (other)
        snprintf(reason, sizeof reason, "%s is a %s, not a %s", other->name,
                 quantities[other->q].name, quantities[q].name);
    else
        snprintf(reason, sizeof reason, "unknown unit '%.*s'", (int)s->unit_len, s->unit);
    return fail(why, why_len, q, clock_hz, text, reason);
}

int pl_units_parse(const char *text, pl_quantity q, double clock_hz, double *out, char *why,
                   size_t why_len)
{
    assert((int)q >= 0 && q < PL_QUANTITY_COUNT);
    struct split s = split_quantity(text);
    if (s.problem)
        return fail(why, why_len, q, clock_hz, text, s.problem);
    if (s.unit_len == 0)
        return fail(why, why_len, q, clock_hz, text, "missing unit");
    const struct unit *u = find_unit(s.unit, s.unit_len, (int)q);
    if (!u)
        return fail_unit(why, why_len, q, clock_hz, text, &s);
    double scale = u->scale;
    if (u->scale == 0.0) {
        if (!(clock_hz > 0.0)) {
            snprintf(why, why_len,
                     "a time in ns, us, ms or s, got '%s' (cycles need a clock, and none is "
                     "known)",
                     text);
            return PL_ECONFIG;
        }
        scale = 1.0 / clock_hz;
    }
    double v = s.number * scale;
    if (!isfinite(v) || (v == 0.0 && s.number != 0.0))
        return fail(why, why_len, q, clock_hz, text, "number out of range");
    const struct limit *l = &limits[q];
    if (v != 0.0 && !(fabs(v) >= l->min && fabs(v) <= l->max)) {
        char reason[128];
        snprintf(reason, sizeof reason, "out of range: a %s is %s", quantities[q].name, l->phrase);
        return fail(why, why_len, q, clock_hz, text, reason);
    }
    *out = v;
    return 0;
}

void pl_units_limits(pl_quantity q, double *min, double *max)
{
    assert((int)q >= 0 && q < PL_QUANTITY_COUNT);
    *min = limits[q].min;
    *max = limits[q].max;
}

/* ---- Formatting ------------------------------------------------------------- */

/* The ladder unit of q whose scale is 1: zero and non-finite values are printed in it. */
static const struct unit *base_unit(pl_quantity q)
{
    for (size_t i = 0; i < NUNITS; i++)
        if (units[i].q == q && units[i].ladder && units[i].scale == 1.0)
            return &units[i];
    return NULL;
}

/* The next larger ladder unit of the same quantity, or NULL. */
static const struct unit *next_unit(const struct unit *u)
{
    for (const struct unit *v = u + 1; v < units + NUNITS && v->q == u->q; v++)
        if (v->ladder)
            return v;
    return NULL;
}

/* The largest ladder unit in which |value| is at least 1; the smallest when none is. */
static const struct unit *pick_unit(double value, pl_quantity q)
{
    const struct unit *best = NULL;
    for (size_t i = 0; i < NUNITS; i++) {
        if (units[i].q != q || !units[i].ladder)
            continue;
        if (!best || fabs(value) / units[i].scale >= 1.0)
            best = &units[i];
    }
    return best;
}

char *pl_units_format(double value, pl_quantity q, int digits, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    if ((int)q < 0 || q >= PL_QUANTITY_COUNT) {
        buf[0] = '\0';
        return buf;
    }
    digits = digits < 1 ? 1 : digits > 17 ? 17 : digits;
    const struct unit *u = value == 0.0 || !isfinite(value) ? base_unit(q) : pick_unit(value, q);
    char num[64];
    snprintf(num, sizeof num, "%.*g", digits, value / u->scale);
    /* Rounding can carry into the next unit: 999.96 us to 4 digits is 1000 us, i.e. 1 ms. */
    const struct unit *next = next_unit(u);
    if (next && isfinite(value) && fabs(strtod(num, NULL)) * u->scale >= next->scale) {
        u = next;
        snprintf(num, sizeof num, "%.*g", digits, value / u->scale);
    }
    snprintf(buf, len, "%s %s", num, u->name);
    return buf;
}
