/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sched.c — list scheduling of an unrolled loop, with a small search over
 * priority rules.
 *
 * The unrolled graph is never stored: task (o, i)'s predecessors are the
 * sources of o's dependencies in iterations i - d, and with a window w, when o
 * is a first op (no dependency of distance 0 into it), the last ops (none of
 * distance 0 out of them) of iteration i - w. Iteration-major order with ops in
 * a topological order of the distance-0 dependencies is a topological order of
 * that graph, since every other edge comes from an earlier iteration.
 *
 * One pass of a rule keeps, for each unit, the gaps between the tasks placed on it
 * (gaps.h), and a ready heap of the tasks whose predecessors
 * are all placed, best priority on top. Invariant: a task is in the heap exactly
 * when its count of unplaced predecessors is zero and it is not placed.
 *
 * The search tries the rules in a fixed order and keeps the first shortest
 * schedule; the random perturbations come from a generator with a fixed seed, so
 * the same loop always gives the same schedule.
 */
#include "models/plan/sched.h"
#include "models/plan/adjacency.h"
#include "models/plan/gaps.h"
#include "sim/common/array.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PLACEMENT_BUDGET 2000000.0 /* task placements the random attempts may cost in all */
#define STEP_BUDGET      8000000   /* placements, gaps and edges looked at, the same attempts */
#define MAX_ATTEMPTS     64
#define PERTURB          0.15  /* random attempts scale b-levels by 1 + PERTURB * U[0, 1) */
#define SEARCH_SEED      20021 /* any fixed value: the search must not depend on the run */

/* How a rule places a task on a unit. */
enum placement { INSERT, APPEND };

/* What breaks ties between equal priorities after the priority itself. */
enum tiebreak { PROGRAM, SUCCESSORS };

struct rule {
    const char *name;
    bool tlevel; /* add the t-level: the longest path through the task */
    enum tiebreak tie;
    enum placement place;
};

/* Deterministic rules, the plain one first. */
static const struct rule rules[] = {
    {"b-level", false, PROGRAM, INSERT},
    {"b-level, no insertion", false, PROGRAM, APPEND},
    {"b-level + t-level", true, PROGRAM, INSERT},
    {"b-level, most successors first", false, SUCCESSORS, INSERT},
};
static const struct rule perturbed = {"perturbed b-level", false, PROGRAM, INSERT};

/* What a pass met (as_plain): a task placed in a gap, and two tasks of equal priority
 * compared that have different counts of successors. */
struct met {
    bool inserted, successors_differ;
};

/* What a pass reads and writes of each task as it goes, in one record, so that a task's
 * turn (its place in the heap, its placing, its successors' updates) reads one cache line
 * rather than one per array. */
struct task {
    double prio;      /* its priority under the pass's rule */
    double ready_at;  /* the latest end among its placed predecessors */
    uint32_t waiting; /* its unplaced predecessors */
    uint32_t nsucc;   /* its successors */
};

struct pass {
    const pl_plan_loop *l;
    const pl_plan_adjacency *adj;
    uint32_t window;
    uint32_t ntasks;
    double *blevel, *tlevel;
    uint32_t *npred;
    struct task *tasks;
    uint32_t *first_unit;      /* per class: pl_plan_unit_first */
    uint32_t *unit_class;      /* per unit: its class */
    double *mean;              /* per op: its latency for the priorities (pl_plan_mean_latency) */
    double *move;              /* per dependency: what it adds to them (pl_plan_mean_transfer) */
    const pl_plan_slot *slots; /* the pass's schedule so far, where transfers are priced */
    uint32_t *heap;
    uint32_t nheap;
    pl_gaps *units; /* each unit's free time */
    const struct rule *rule;
    uint64_t steps; /* placements, gaps and edges looked at so far: what a pass costs */
    struct met met; /* what the last pass met */
};

/* ---- The unrolled graph ---------------------------------------------------------- */

/* A predecessor or successor by the window, not by a dependency of the loop. */
#define PL_NO_DEP UINT32_MAX

/* Runs body for every predecessor `pred` of task t, with dep_ the index of the dependency
 * in l->deps (PL_NO_DEP: the window's). */
#define FOR_PREDS(p, t, body)                                                                      \
    do {                                                                                           \
        uint32_t op_ = (t) % (p)->l->nops, it_ = (t) / (p)->l->nops;                               \
        for (uint32_t j_ = (p)->adj->in_first[op_]; j_ < (p)->adj->in_first[op_ + 1]; j_++) {      \
            uint32_t dep_ = (p)->adj->in[j_];                                                      \
            const pl_plan_dep *d_ = &(p)->l->deps[dep_];                                           \
            if (d_->distance > it_)                                                                \
                continue;                                                                          \
            uint32_t pred = (it_ - d_->distance) * (p)->l->nops + d_->src;                         \
            (void)dep_;                                                                            \
            body;                                                                                  \
        }                                                                                          \
        if ((p)->window && it_ >= (p)->window && (p)->adj->first_op[op_])                          \
            for (uint32_t o_ = 0; o_ < (p)->l->nops; o_++) {                                       \
                if (!(p)->adj->last_op[o_])                                                        \
                    continue;                                                                      \
                uint32_t pred = (it_ - (p)->window) * (p)->l->nops + o_, dep_ = PL_NO_DEP;         \
                (void)dep_;                                                                        \
                body;                                                                              \
            }                                                                                      \
    } while (0)

/* Runs body for every successor `succ` of task t, with dep_ as FOR_PREDS has it. */
#define FOR_SUCCS(p, t, body)                                                                      \
    do {                                                                                           \
        uint32_t op_ = (t) % (p)->l->nops, it_ = (t) / (p)->l->nops;                               \
        for (uint32_t j_ = (p)->adj->out_first[op_]; j_ < (p)->adj->out_first[op_ + 1]; j_++) {    \
            uint32_t dep_ = (p)->adj->out[j_];                                                     \
            const pl_plan_dep *d_ = &(p)->l->deps[dep_];                                           \
            if ((uint64_t)it_ + d_->distance >= (p)->l->iterations)                                \
                continue;                                                                          \
            uint32_t succ = (it_ + d_->distance) * (p)->l->nops + d_->dst;                         \
            (void)dep_;                                                                            \
            body;                                                                                  \
        }                                                                                          \
        if ((p)->window && (uint64_t)it_ + (p)->window < (p)->l->iterations &&                     \
            (p)->adj->last_op[op_])                                                                \
            for (uint32_t o_ = 0; o_ < (p)->l->nops; o_++) {                                       \
                if (!(p)->adj->first_op[o_])                                                       \
                    continue;                                                                      \
                uint32_t succ = (it_ + (p)->window) * (p)->l->nops + o_, dep_ = PL_NO_DEP;         \
                (void)dep_;                                                                        \
                body;                                                                              \
            }                                                                                      \
    } while (0)

/* The k-th task in topological order. */
static uint32_t topo_task(const struct pass *p, uint32_t k)
{
    uint32_t nops = p->l->nops;
    return (k / nops) * nops + p->adj->topo[k % nops];
}

/* b-levels (latency plus the longest chain after) and the counts of successors and
 * predecessors, from the topological order. */
static void levels(struct pass *p)
{
    memset(p->npred, 0, (size_t)p->ntasks * sizeof *p->npred);
    for (uint32_t k = p->ntasks; k-- > 0;) {
        uint32_t t = topo_task(p, k), n = 0;
        double after = 0;
        FOR_SUCCS(p, t, {
            after = pl_max(after, p->blevel[succ] + (dep_ == PL_NO_DEP ? 0 : p->move[dep_]));
            p->npred[succ]++;
            n++;
        });
        p->blevel[t] = p->mean[t % p->l->nops] + after;
        p->tasks[t].nsucc = n;
    }
}

/* t-levels (the longest chain before), made the first time a rule asks for them. */
static int tlevels(struct pass *p)
{
    if (p->tlevel)
        return 0;
    if (!(p->tlevel = pl_array_alloc((size_t)p->ntasks + 1, sizeof *p->tlevel)))
        return PL_ENOMEM;
    for (uint32_t k = 0; k < p->ntasks; k++) {
        uint32_t t = topo_task(p, k);
        double before = 0;
        FOR_PREDS(p, t, {
            before = pl_max(before, p->tlevel[pred] + p->mean[pred % p->l->nops] +
                                        (dep_ == PL_NO_DEP ? 0 : p->move[dep_]));
        });
        p->tlevel[t] = before;
    }
    return 0;
}

/* ---- The ready heap -------------------------------------------------------------- */

/* Whether task a goes before task b: higher priority, then the rule's tie-break, then the
 * earlier task (iteration, then program order). */
static bool before(struct pass *p, uint32_t a, uint32_t b)
{
    const struct task *x = &p->tasks[a], *y = &p->tasks[b];
    if (x->prio != y->prio)
        return x->prio > y->prio;
    if (x->nsucc != y->nsucc) {
        if (p->rule->tie == SUCCESSORS)
            return x->nsucc > y->nsucc;
        p->met.successors_differ = true;
    }
    return a < b;
}

static void heap_push(struct pass *p, uint32_t t)
{
    uint32_t i = p->nheap++;
    while (i > 0 && before(p, t, p->heap[(i - 1) / 2])) {
        p->heap[i] = p->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    p->heap[i] = t;
}

static uint32_t heap_pop(struct pass *p)
{
    uint32_t top = p->heap[0], last = p->heap[--p->nheap], i = 0;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= p->nheap)
            break;
        if (c + 1 < p->nheap && before(p, p->heap[c + 1], p->heap[c]))
            c++;
        if (!before(p, p->heap[c], last))
            break;
        p->heap[i] = p->heap[c];
        i = c;
    }
    if (p->nheap)
        p->heap[i] = last;
    return top;
}

/* ---- Placing ----------------------------------------------------------------------- */

/* The earliest start at or after `ready` where `length` fits on the unit, and where it
 * goes: in a gap, or (always, when the rule appends, or when no gap ends after `ready`,
 * which pl_gaps_earliest would find without looking at a gap) after the unit's last task. */
static inline pl_gap_fit earliest(const pl_gaps *g, enum placement how, double ready, double length,
                                  uint64_t *steps)
{
    if (how == APPEND || g->nblocks == 0 || g->ends[g->nblocks - 1] <= ready)
        return (pl_gap_fit){pl_max(ready, g->tail), {g->nblocks, 0}}; /* pl_gaps_tail */
    return pl_gaps_earliest(g, ready, length, steps);
}

/* When task t could start on unit u as its predecessors go: after each one's end, and
 * after its buffer has moved where the predecessor ran on another unit (transfers). */
static double ready_on(const struct pass *p, uint32_t t, uint32_t u)
{
    double ready = 0;
    uint32_t c = p->unit_class[u];
    FOR_PREDS(p, t, {
        const pl_plan_slot *from = &p->slots[pred];
        double at = from->end;
        if (dep_ != PL_NO_DEP && from->unit != u)
            at += pl_plan_transfer_cost(p->l, &p->l->deps[dep_], p->unit_class[from->unit], c);
        ready = pl_max(ready, at);
    });
    return ready;
}

/* Where a task goes: its unit, the gap or tail there, its start, end and hold. */
struct choice {
    uint32_t unit;
    pl_gap_at at;
    double start, end, hold;
};

/* Task t on the units of class c, where it takes `latency`, in *best where it ends earlier
 * than best, or as early but starts earlier (the first unit on a tie). */
static inline void consider(struct pass *p, uint32_t t, uint32_t c, double latency,
                            struct choice *best)
{
    const pl_plan_class *cls = &p->l->classes[c];
    uint32_t first = p->first_unit[c];
    enum placement how = p->rule->place;
    double length = pl_plan_hold(cls, latency), ready = p->tasks[t].ready_at;
    bool moves = p->l->ntransfers > 0;
    for (uint32_t u = first, last = first + cls->units; u < last; u++) {
        if (moves)
            ready = ready_on(p, t, u);
        pl_gap_fit fit = earliest(&p->units[u], how, ready, length, &p->steps);
        double s = fit.start, end = s + latency;
        if (end < best->end || (end == best->end && s < best->start))
            *best = (struct choice){u, fit.at, s, end, length};
    }
}

/* Places task t where it ends earliest (HEFT's rule), over the units of every class that
 * may run it, its own class first; on a tie where it starts earliest, then the first class
 * and the lowest unit. With one class that is where it starts earliest. It holds the unit
 * for its hold there (pl_plan_hold) and ends after its latency there. */
static int place(struct pass *p, uint32_t t, pl_plan_slot *slot)
{
    const pl_plan_op *op = &p->l->ops[t % p->l->nops];
    struct choice best = {.start = INFINITY, .end = INFINITY};
    consider(p, t, op->cls, op->latency, &best);
    for (uint32_t a = 0; a < op->nalso; a++)
        consider(p, t, op->also[a].cls, op->also[a].latency, &best);
    p->steps++;
    p->met.inserted = p->met.inserted || best.at.block < p->units[best.unit].nblocks;
    *slot = (pl_plan_slot){best.unit, best.start, best.end};
    return pl_gaps_take(&p->units[best.unit], best.at, best.start, best.start + best.hold);
}

/* One list-scheduling pass with the tasks' priorities set; fills slots and returns the
 * makespan, or a negative error. */
static int run_pass(struct pass *p, pl_plan_slot *slots, double *makespan)
{
    uint32_t nunits = pl_plan_unit_count(p->l);
    for (uint32_t u = 0; u < nunits; u++)
        pl_gaps_reset(&p->units[u]);
    p->nheap = 0;
    p->met = (struct met){false, false};
    p->slots = slots;
    for (uint32_t t = 0; t < p->ntasks; t++) {
        p->tasks[t].waiting = p->npred[t];
        p->tasks[t].ready_at = 0;
        if (p->npred[t] == 0)
            heap_push(p, t);
    }
    *makespan = 0;
    for (uint32_t placed = 0; placed < p->ntasks; placed++) {
        if (p->nheap == 0)
            return PL_EINVAL; /* a cycle: pl_plan_bounds reports it before scheduling */
        uint32_t t = heap_pop(p);
        int rc = place(p, t, &slots[t]);
        if (rc)
            return rc;
        *makespan = pl_max(*makespan, slots[t].end);
        /* Walking the edges out of t is part of what the pass costs: a dense graph costs
         * more per placement, and the random attempts' budget must count that too. */
        p->steps += p->tasks[t].nsucc;
        FOR_SUCCS(p, t, {
            struct task *next = &p->tasks[succ];
            next->ready_at = pl_max(next->ready_at, slots[t].end);
            if (--next->waiting == 0)
                heap_push(p, succ);
        });
    }
    return 0;
}

/* ---- The search ------------------------------------------------------------------- */

static void pass_fini(struct pass *p)
{
    free(p->blevel);
    free(p->tlevel);
    free(p->tasks);
    free(p->npred);
    free(p->heap);
    free(p->first_unit);
    free(p->unit_class);
    free(p->mean);
    free(p->move);
    if (p->units)
        for (uint32_t u = 0; u < pl_plan_unit_count(p->l); u++)
            pl_gaps_fini(&p->units[u]);
    free(p->units);
}

static int pass_init(struct pass *p, const pl_plan_loop *l, const pl_plan_adjacency *a,
                     uint32_t window)
{
    size_t n = (size_t)l->nops * l->iterations + 1;
    *p = (struct pass){.l = l, .adj = a, .window = window, .ntasks = l->nops * l->iterations};
    p->blevel = pl_array_alloc(n, sizeof *p->blevel);
    p->tasks = pl_array_alloc(n, sizeof *p->tasks);
    p->npred = pl_array_alloc(n, sizeof *p->npred);
    p->heap = pl_array_alloc(n, sizeof *p->heap);
    p->units = calloc((size_t)pl_plan_unit_count(l) + 1, sizeof *p->units);
    p->first_unit = malloc(((size_t)l->nclasses + 1) * sizeof *p->first_unit);
    p->unit_class = pl_plan_unit_classes(l);
    p->mean = malloc(((size_t)l->nops + 1) * sizeof *p->mean);
    p->move = malloc(((size_t)l->ndeps + 1) * sizeof *p->move);
    if (!p->blevel || !p->tasks || !p->npred || !p->heap || !p->units || !p->first_unit ||
        !p->unit_class || !p->mean || !p->move)
        return PL_ENOMEM;
    for (uint32_t c = 0; c < l->nclasses; c++)
        p->first_unit[c] = pl_plan_unit_first(l, c);
    for (uint32_t o = 0; o < l->nops; o++)
        p->mean[o] = pl_plan_mean_latency(l, o);
    for (uint32_t k = 0; k < l->ndeps; k++)
        p->move[k] = pl_plan_mean_transfer(l, &l->deps[k]);
    levels(p);
    return 0;
}

static int set_priorities(struct pass *p, const struct rule *r, gsl_rng *rng)
{
    if (r->tlevel && tlevels(p) != 0)
        return PL_ENOMEM;
    p->rule = r;
    for (uint32_t t = 0; t < p->ntasks; t++) {
        double prio = p->blevel[t] + (r->tlevel ? p->tlevel[t] : 0);
        if (rng)
            prio *= 1 + PERTURB * gsl_rng_uniform(rng);
        p->tasks[t].prio = prio;
    }
    return 0;
}

static uint32_t attempts(const pl_plan_options *o, uint32_t ntasks)
{
    if (o->plain || o->quick)
        return 0;
    if (o->attempts)
        return o->attempts;
    double n = floor(PLACEMENT_BUDGET / pl_max(1.0, (double)ntasks));
    return n >= MAX_ATTEMPTS ? MAX_ATTEMPTS : (uint32_t)n;
}

/* Runs rule r (perturbed when rng is given) into *scratch and keeps its schedule in out when
 * it is strictly shorter than what out holds: the two arrays change places, nothing is
 * copied. With `keep` (the fixed rules' best, which o->fixed asks for, while still in out),
 * out's array goes to keep instead and *scratch is a new one. */
static int try_rule(struct pass *p, const struct rule *r, gsl_rng *rng, pl_plan_slot **scratch,
                    pl_plan_schedule *out, pl_plan_schedule *keep)
{
    double makespan;
    int rc = set_priorities(p, r, rng);
    if (!rc)
        rc = run_pass(p, *scratch, &makespan);
    if (rc)
        return rc;
    out->tried++;
    if (out->rule && !(makespan < out->makespan))
        return 0;
    pl_plan_slot *was = out->tasks;
    out->tasks = *scratch;
    if (keep && !keep->tasks) {
        keep->tasks = was;
        was = pl_array_alloc((size_t)p->ntasks + 1, sizeof *was);
    }
    *scratch = was;
    if (!was)
        return PL_ENOMEM;
    out->makespan = makespan;
    out->rule = r->name;
    return 0;
}

/*
 * Whether rule r, which differs from the plain rule (rules[0]) in one respect only, would
 * make the very schedule that the plain rule's pass made, given what that pass met
 * (`plain`). Two passes whose every decision agrees are the same pass:
 *  - appending rather than inserting: when the plain pass put no task in a gap, each task
 *    went after the last task of the unit where it could end earliest (then start
 *    earliest, then the first such unit); appending, every unit offers a start (and so an
 *    end) no earlier than inserting did, and that unit the same one, so each task goes to
 *    the same unit at the same time, and the units' lines evolve alike (the transfers a
 *    unit's start waits for are the same in both passes);
 *  - most successors first: when no two tasks of equal priority that the plain pass
 *    compared had different counts of successors, the tie-break by successors decides
 *    every comparison as the plain rule's did.
 * Such a rule's pass is not run: its schedule, no shorter than the best so far, would not
 * be kept, and it counts as tried. Only the random attempts' cost in steps limits them, and
 * the steps of the fixed rules do not count there.
 */
static bool as_plain(struct met plain, const struct rule *r)
{
    if (r->tlevel)
        return false;
    if (r->place == APPEND && r->tie == PROGRAM)
        return !plain.inserted;
    if (r->place == INSERT && r->tie == SUCCESSORS)
        return !plain.successors_differ;
    return false;
}

/* Whether out holds a schedule at o's lower bound: none can be shorter. */
static bool at_bound(const pl_plan_options *o, const pl_plan_schedule *out)
{
    return out->rule && pl_plan_at_bound(out->makespan, o->bound, out->ntasks);
}

static int search(struct pass *p, const pl_plan_options *o, pl_plan_slot **scratch,
                  pl_plan_schedule *out)
{
    size_t nrules = o->plain ? 1 : sizeof rules / sizeof rules[0];
    struct met plain = {0};
    for (size_t r = 0; r < nrules && !at_bound(o, out); r++) {
        if (r > 0 && !o->every_rule && as_plain(plain, &rules[r])) {
            out->tried++;
            if (o->unrun)
                ++*o->unrun;
            continue;
        }
        int rc = try_rule(p, &rules[r], NULL, scratch, out, NULL);
        if (rc)
            return rc;
        if (r == 0)
            plain = p->met;
    }
    pl_plan_schedule *keep = o->fixed;
    if (keep) /* its tasks only once a perturbation takes out's place (try_rule) */
        *keep = (pl_plan_schedule){.ntasks = out->ntasks,
                                   .makespan = out->makespan,
                                   .window = out->window,
                                   .rule = out->rule,
                                   .tried = out->tried};
    uint32_t n = at_bound(o, out) ? 0 : attempts(o, p->ntasks);
    gsl_rng *rng = n ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
    if (n && !rng)
        return PL_ENOMEM;
    if (rng)
        gsl_rng_set(rng, SEARCH_SEED);
    /* Unless the count was asked for, the attempts also stop when they have cost STEP_BUDGET
     * steps (a big loop with many gaps, or many edges, costs more per placement). */
    int rc = 0;
    uint64_t from = p->steps;
    for (uint32_t k = 0;
         k < n && !rc && (o->attempts || p->steps - from < STEP_BUDGET) && !at_bound(o, out); k++)
        rc = try_rule(p, &perturbed, rng, scratch, out, keep);
    if (rng)
        gsl_rng_free(rng);
    if (keep && !keep->tasks) /* no perturbation was shorter: out is the fixed rules' */
        *keep = (pl_plan_schedule){0};
    return rc;
}

int pl_plan_schedule_loop(const pl_plan_loop *l, const pl_plan_options *o, pl_plan_schedule *out)
{
    *out = (pl_plan_schedule){.window = o->window};
    if (o->unrun)
        *o->unrun = 0;
    if (o->fixed)
        *o->fixed = (pl_plan_schedule){0};
    pl_plan_adjacency a;
    struct pass p = {0};
    pl_plan_slot *scratch = NULL;
    int rc = pl_plan_adjacency_init(l, &a);
    if (!rc)
        rc = pass_init(&p, l, &a, o->window);
    if (!rc) {
        out->ntasks = p.ntasks;
        out->tasks = pl_array_alloc((size_t)p.ntasks + 1, sizeof *out->tasks);
        scratch = pl_array_alloc((size_t)p.ntasks + 1, sizeof *scratch);
        rc = out->tasks && scratch ? search(&p, o, &scratch, out) : PL_ENOMEM;
    }
    free(scratch);
    pass_fini(&p);
    pl_plan_adjacency_fini(&a);
    if (rc) {
        pl_plan_schedule_fini(out);
        if (o->fixed)
            pl_plan_schedule_fini(o->fixed);
    }
    return rc;
}

void pl_plan_schedule_fini(pl_plan_schedule *s)
{
    free(s->tasks);
    *s = (pl_plan_schedule){0};
}
