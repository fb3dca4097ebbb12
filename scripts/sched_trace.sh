#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# What this machine's kernel does with four threads that spin while they wait and sleep
# in their stages, on a machine of fewer cores (StreamPU's S_4st_u16_act; docs/stream.md,
# "Measured machines"): RUNS runs (default 3) of
#
#   tests/perf/sched_probe pipeline 4 16 FRAMES sleep 500     (FRAMES default 1000)
#
# each traced with perf's scheduler tracepoints over the whole system, and one line per
# run read from the trace:
#   frames/s        what the probe printed;
#   late            the wakes of the probe's threads after which the thread ran more than
#                   1 ms later, their share of all its wakes, the time they waited, and
#                   how many of them the thread spent behind its consumer (the next stage,
#                   spinning for its frame): the first thread its CPU ran after the wake;
#   moved           wakes that put the thread on another CPU than the one it last ran on;
#   busy, idle      wakes that found the CPU the thread last ran on running a thread, or
#                   with a thread of the probe woken there and not run yet, and another CPU
#                   running nothing: how many left it queued on its own CPU (stayed) and how
#                   many moved it to the idle one;
#   together        two neighbouring stages woken on one CPU within 20 us of each other,
#                   counted by which of them that CPU ran first: the producer (the stage
#                   before) or the consumer, which spins if its frame has not come;
#   per 100 ms      frames per second in each 100 ms of the run, from the wakes of the last
#                   stage, one per frame (it sleeps once a frame); the last 100 ms are
#                   seldom whole.
# A figure, not a test: it prints and checks nothing. Needs perf (Debian's linux-perf,
# which scripts/setup.sh --figures installs) and the right to trace the whole system
# (root, or kernel.perf_event_paranoid -1).
#
#   scripts/sched_trace.sh [RUNS [FRAMES]]
# exit status: 0; 2 without perf or the probe (build the project first), or where perf
# cannot trace.
set -euo pipefail
cd "$(dirname "$0")/.."
probe=${PROBE:-build/tests/perf/sched_probe}
runs=${1:-3}
frames=${2:-1000}
if ! command -v perf >/dev/null; then
    echo "sched_trace: perf is missing (Debian package linux-perf: scripts/setup.sh --figures)" >&2
    exit 2
fi
if [ ! -x "$probe" ]; then
    echo "sched_trace: $probe is missing: build the project first (cmake --build build)" >&2
    exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The trace as `perf script -F cpu,time,event,trace` prints it, one event a line:
#   [000]  9879.168840:   sched:sched_waking: comm=sched_probe pid=2258 ... target_cpu=000
# shellcheck disable=SC2016 # an awk program: its $ are awk's
summary='
function field(name,    i) {
    for (i = 4; i <= NF; i++)
        if (index($i, name "=") == 1)
            return substr($i, length(name) + 2)
    return ""
}
# How many threads of the probe are queued on CPU c: woken there and not run yet.
function queued(c,    p, k) {
    for (p in on)
        if (on[p] == c) k++
    return k
}
{
    cpu = substr($1, 2, length($1) - 2) + 0
    t = $2 + 0
    ev = $3
}
ev == "sched:sched_wakeup_new:" && field("comm") == "sched_probe" {
    if (nstages == 0) t0 = t
    stage[field("pid")] = nstages++
}
ev == "sched:sched_waking:" && (field("pid") in stage) {
    p = field("pid"); woke[p] = t; moved_now[p] = 0
    # Its own CPU (where it last ran) busy, and another CPU idle, at this moment?
    own = field("target_cpu") + 0
    busy_idle[p] = 0
    if ((own in running) && running[own] != 0 || queued(own) > 0)
        for (c in running)
            if (c + 0 != own && running[c] == 0) busy_idle[p] = 1
}
ev == "sched:sched_migrate_task:" && (field("pid") in woke) {
    moved_now[field("pid")] = 1
}
ev == "sched:sched_wakeup:" && (field("pid") in woke) {
    p = field("pid"); to = field("target_cpu") + 0
    wakes++
    if (stage[p] == 3) { w = int((t - t0) / 0.1); frames[w]++; if (w > last) last = w }
    moved += moved_now[p]
    if (busy_idle[p]) {
        if (moved_now[p]) went_idle++; else stayed_busy++
    }
    for (c in running)
        if (running[c] == p) { delete woke[p]; next }   # woken while it still ran
    on[p] = to
    occupant[p] = running[to] != 0 ? running[to] : ""
}
ev == "sched:sched_switch:" {
    n = field("next_pid")
    # The probe threads woken on this CPU in the last 20 us, the one it runs now among them.
    m = 0
    for (p in on)
        if (on[p] == cpu && t - woke[p] <= 20e-6) near[++m] = p
    if ((n in stage) && m == 2 && (near[1] == n || near[2] == n)) {
        a = stage[near[1]]; b = stage[near[2]]
        if (a - b == 1 || b - a == 1)
            if (stage[n] == (a < b ? a : b)) producer++; else consumer++
    }
    if (n in woke) {
        if (t - woke[n] > 0.001) {
            late++; waited += t - woke[n]
            if ((occupant[n] in stage) && stage[occupant[n]] == stage[n] + 1)
                behind_consumer++
        }
        delete woke[n]
        delete on[n]
    }
    for (p in on)
        if (on[p] == cpu && occupant[p] == "") occupant[p] = n
    running[cpu] = n + 0
}
END {
    printf "late %d of %d wakes (%.1f %%), waiting %.0f ms, %d behind their consumer; moved %d; busy, idle: stayed %d, moved %d; together: producer first %d, consumer first %d\n",
        late, wakes, wakes ? 100 * late / wakes : 0, waited * 1e3, behind_consumer, moved, stayed_busy, went_idle, producer, consumer
    printf "  per 100 ms:"
    for (w = 0; w <= last; w++) printf " %d", frames[w] * 10
    printf "\n"
}'

echo "tests/perf/sched_probe pipeline 4 16 $frames sleep 500, traced:"
for run in $(seq "$runs"); do
    if ! perf record -q -a -o "$tmp/data" -e sched:sched_switch -e sched:sched_waking \
        -e sched:sched_wakeup -e sched:sched_wakeup_new -e sched:sched_migrate_task -- \
        "$probe" pipeline 4 16 "$frames" sleep 500 >"$tmp/out" 2>"$tmp/err"; then
        cat "$tmp/err" >&2
        echo "sched_trace: perf could not trace the probe (see above)" >&2
        exit 2
    fi
    rate=$(grep -o '[0-9]* frames/s' "$tmp/out" || echo "? frames/s")
    printf 'run %d: %s; ' "$run" "$rate"
    perf script -i "$tmp/data" -F cpu,time,event,trace 2>/dev/null | awk "$summary"
done
