/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * verdicts.c — the verdict in words and as JSON.
 *
 * Invariant: the tried changes are listed in the verdict's own order (simulated by gain,
 * then ruled out, then refused), so that text and JSON agree.
 */
#include "sim/report/verdicts.h"

#include "sim/common/units.h"

#include <math.h>
#include <stdio.h>

/* What the candidate relieves, as the subject of a sentence. */
static void subject(const pl_tried *t, bool first, char *buf, size_t len)
{
    switch (t->kind) {
    case PL_CHANGE_UNIT:
        snprintf(buf, len, "%s", t->name);
        return;
    case PL_CHANGE_CHAIN:
        snprintf(buf, len, "%s", first ? "The critical path" : "the critical path");
        return;
    case PL_CHANGE_CORES:
        snprintf(buf, len, "%s cores of %s", first ? "The" : "the", t->name);
        return;
    default:
        break;
    }
    const char *kind = pl_change_kind_name(t->kind);
    snprintf(buf, len, "%c%s %s", first ? kind[0] - 'a' + 'A' : kind[0], kind + 1, t->name);
}

/* The change of the makespan, in percent: -11.9 for a run 11.9 % shorter. */
static double change_pct(const pl_verdict *v, const pl_tried *t)
{
    return v->makespan > 0 ? -100.0 * t->gain / v->makespan : 0;
}

/* "-11.9 %", with two decimals below a tenth of a percent ("-0.04 %"; "-0.00 %" for a
 * gain that rounds to nothing), "0.0 %" for none; a change that lengthens the run gets
 * a "+". */
static void say_pct(pl_sentence *s, double pct)
{
    if (pct == 0)
        pl_say(s, "0.0 %%");
    else
        pl_say(s, fabs(pct) >= 0.1 ? "%+.1f %%" : "%+.2f %%", pct);
}

/* "X takes the makespan from A to B (-1.2 %)". */
static void say_change(const pl_verdict *v, const pl_tried *t, pl_sentence *s)
{
    pl_say(s, "%s takes the makespan from %s to %s (", t->change, PL_TIME_TEXT(v->makespan),
           PL_TIME_TEXT(t->makespan));
    say_pct(s, change_pct(v, t));
    pl_say(s, ")");
}

void pl_report_verdict_sentence(const pl_verdict *v, pl_sentence *s)
{
    if (v->nbest == 0) {
        if (v->nsimulated == 0)
            pl_say(s, "No change tried can shorten the run: the bounds rule out all %zu.",
                   v->ntried);
        else
            pl_say(s, "No change tried shortens the run: none of the %zu simulated gains "
                   "anything.", v->nsimulated);
        return;
    }
    char who[160];
    const pl_tried *best = &v->tried[0];
    if (best->gain <= PL_VERDICT_TIE * v->makespan) {
        pl_say(s, "No single change tried shortens the run by more than %.0f %%. The most: ",
               100.0 * PL_VERDICT_TIE);
        say_change(v, best, s);
        pl_say(s, ".");
        return;
    }
    if (v->nbest == 1) {
        subject(best, true, who, sizeof who);
        pl_say(s, "%s %s the bottleneck: ", who, best->kind == PL_CHANGE_CORES ? "are" : "is");
        say_change(v, best, s);
        pl_say(s, ", more than any other change tried.");
        return;
    }
    for (size_t i = 0; i < v->nbest; i++) {
        subject(&v->tried[i], i == 0, who, sizeof who);
        pl_say(s, "%s%s", i == 0 ? "" : i + 1 == v->nbest ? " and " : ", ", who);
    }
    pl_say(s, " hold the run back alike, within %.0f %% of the makespan of each other: ",
           100.0 * PL_VERDICT_TIE);
    for (size_t i = 0; i < v->nbest; i++) {
        pl_say(s, "%s", i == 0 ? "" : "; ");
        say_change(v, &v->tried[i], s);
    }
    pl_say(s, ".");
}

void pl_report_tried_sentence(const pl_verdict *v, pl_sentence *s)
{
    size_t refused = 0;
    for (size_t i = 0; i < v->ntried; i++)
        refused += v->tried[i].status == PL_TRIED_REFUSED;
    size_t ruled = v->ntried - v->nsimulated - refused;
    pl_say(s, "Simulated %zu of the %zu changes tried", v->nsimulated, v->ntried);
    if (ruled > 0 || refused > 0) {
        pl_say(s, " (");
        if (ruled > 0)
            pl_say(s, "the bounds show that %zu more cannot do better%s", ruled,
                   refused > 0 ? "; " : "");
        if (refused > 0)
            pl_say(s, "%zu not possible as configured", refused);
        pl_say(s, ")");
    }
    size_t shown = v->nsimulated < PL_REPORT_TOP_TRIED ? v->nsimulated : PL_REPORT_TOP_TRIED;
    for (size_t i = 0; i < shown; i++) {
        pl_say(s, "%s%s: ", i == 0 ? ": " : "; ", v->tried[i].change);
        say_pct(s, change_pct(v, &v->tried[i]));
    }
    pl_say(s, ".");
}

/* ---- JSON ------------------------------------------------------------------------- */

static json_t *named(const pl_tried *t)
{
    json_t *o = json_object();
    o = pl_report_json_with(o, "change", pl_report_json_text(t->change));
    o = pl_report_json_with(o, "kind", json_string(pl_change_kind_name(t->kind)));
    return pl_report_json_with(o, "name", pl_report_json_text(t->name));
}

static json_t *tried_object(const pl_tried *t)
{
    json_t *o = named(t);
    switch (t->status) {
    case PL_TRIED_SIMULATED:
        o = pl_report_json_with(o, "makespan_s", pl_report_json_real(t->makespan));
        return pl_report_json_with(o, "gain_s", pl_report_json_real(t->gain));
    case PL_TRIED_BOUNDED:
        return pl_report_json_with(o, "gain_at_most_s", pl_report_json_real(t->gain));
    case PL_TRIED_REFUSED:
        break;
    }
    return pl_report_json_with(o, "why", pl_report_json_text(t->note));
}

static json_t *list(const pl_verdict *v, pl_tried_status status)
{
    json_t *a = json_array();
    for (size_t i = 0; i < v->ntried; i++)
        if (v->tried[i].status == status)
            a = pl_report_json_append(a, tried_object(&v->tried[i]));
    return a;
}

static json_t *best_object(const pl_tried *t)
{
    json_t *o = json_object();
    o = pl_report_json_with(o, "kind", json_string(pl_change_kind_name(t->kind)));
    o = pl_report_json_with(o, "name", pl_report_json_text(t->name));
    o = pl_report_json_with(o, "change", pl_report_json_text(t->change));
    return pl_report_json_with(o, "gain_s", pl_report_json_real(t->gain));
}

json_t *pl_report_verdict_json(const pl_verdict *v)
{
    if (!v)
        return json_null();
    json_t *ties = json_array();
    for (size_t i = 1; i < v->nbest; i++)
        ties = pl_report_json_append(ties, best_object(&v->tried[i]));
    json_t *o = json_object();
    o = pl_report_json_with(o, "bottleneck", v->nbest ? best_object(&v->tried[0]) : json_null());
    o = pl_report_json_with(o, "ties", ties);
    o = pl_report_json_with(o, "candidates", pl_report_json_unsigned(v->ntried));
    o = pl_report_json_with(o, "simulated", pl_report_json_unsigned(v->nsimulated));
    o = pl_report_json_with(o, "tried", list(v, PL_TRIED_SIMULATED));
    o = pl_report_json_with(o, "ruled_out", list(v, PL_TRIED_BOUNDED));
    return pl_report_json_with(o, "refused", list(v, PL_TRIED_REFUSED));
}
