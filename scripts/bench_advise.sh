#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What executing and advising cost, by two programs side by side in one go (BEFORE and
# AFTER, default build/pipelab both):
#
# 1. A dispatch run of 1e6 tasks (and its baseline): the executing and advising seconds of
#    --timing (best of five each), and the engine's pass alone over memory already touched
#    (tests/perf/engine_time beside AFTER, both graphs' worth). Goals: advising at most
#    0.02 s, executing about the passes' own cost.
# 2. The 24-core GEMM (SimGrid): advising seconds (one run each) and how many changes the
#    verdict simulated of how many it had.
# 3. The whole analytic run of a 400,000-task dispatch scenario against the whole SimGrid
#    run of it (analytic best of three, SimGrid one run). Goal: 50 times.
#
# Both programs must print the same reports (1 and 2); a difference is shown. A benchmark,
# not a test: the goals are printed, not enforced.
#
#   scripts/bench_advise.sh [BEFORE [AFTER]]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
before=${1:-$root/build/pipelab}
after=${2:-$root/build/pipelab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# field NAME PROGRAM ARGS...: the seconds --timing prints after NAME, best of five.
field() {
    name=$1
    shift
    for _ in 1 2 3 4 5; do
        "$@" --timing 2>&1 >/dev/null | tail -n 1 |
            awk -v f="$name" '{ for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) + 0 }'
    done | sort -g | head -n 1
}

# wall PROGRAM ARGS...: wall seconds of one run.
wall() {
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }'
}

# same LABEL ARGS...: whether both programs print the same JSON report (the after one is
# left in $tmp/after.json).
same() {
    label=$1
    shift
    for which in before after; do
        eval "program=\$$which"
        "$program" run "$@" --format json >"$tmp/$which.json" 2>&1 || true
    done
    cmp -s "$tmp/before.json" "$tmp/after.json" ||
        { echo "$label: the two programs' reports differ" >&2 && return 1; }
}

# simulated FILE: "simulated/candidates" from a JSON report.
simulated() {
    awk '/"candidates":/ { gsub(/[^0-9]/, ""); c = $0 }
         /"simulated":/ { gsub(/[^0-9]/, ""); s = $0 }
         END { print s "/" c }' "$1"
}

status=0
dispatch="$root/workloads/dispatch_teaching.yaml --set dispatch.ops[0].repeat=250000"
echo "1. dispatch, 1e6 tasks in the run (2e6 with the baseline), best of five"
# shellcheck disable=SC2086 # the arguments are words
same dispatch $dispatch || status=1
printf '%-12s %9s %9s %6s\n' "" before after ratio
for f in executing advising verdict; do
    name=$f
    [ "$f" = verdict ] && name="(verdict"
    # shellcheck disable=SC2086
    b=$(field "$name" "$before" run $dispatch)
    # shellcheck disable=SC2086
    a=$(field "$name" "$after" run $dispatch)
    awk -v l="$f" -v b="${b:-0}" -v a="${a:-0}" 'BEGIN {
        printf "%-12s %8.3fs %8.3fs %6s\n", l, b, a, (b > 0 ? sprintf("%.2f", a / b) : "-") }'
done
timer="$(dirname "$after")/tests/perf/engine_time"
if [ -x "$timer" ]; then
    run=$("$timer" "$root/workloads/dispatch_teaching.yaml" analytic \
        'dispatch.ops[0].repeat=250000' | sed 's/.*pass_s //')
    awk -v p="$run" 'BEGIN { printf "%-12s %19.3fs (the run graph'"'"'s pass twice)\n", "passes", 2 * p }'
fi
echo "(goals: advising at most 0.02 s; executing about the passes' own cost)"

echo
echo "2. workloads/tile_gemm.yaml --set tile.cores=24 (SimGrid), one run each"
gemm="$root/workloads/tile_gemm.yaml --set tile.cores=24"
# shellcheck disable=SC2086
same gemm24 $gemm || status=1
cp "$tmp/after.json" "$tmp/gemm.json"
# shellcheck disable=SC2086
b=$("$before" run $gemm --timing 2>&1 >/dev/null | tail -n 1 | sed 's/.*advising \([0-9.]*\).*/\1/')
# shellcheck disable=SC2086
a=$("$after" run $gemm --timing 2>&1 >/dev/null | tail -n 1 | sed 's/.*advising \([0-9.]*\).*/\1/')
echo "  advising ${b} s before, ${a} s after; simulated $(simulated "$tmp/gemm.json")"

echo
echo "3. a whole analytic run against a whole SimGrid run, 400000 tasks (dispatch)"
small="$root/workloads/dispatch_teaching.yaml --set dispatch.ops[0].repeat=100000"
for p in "$before" "$after"; do
    # shellcheck disable=SC2086
    an=$(for _ in 1 2 3; do wall "$p" run $small --engine analytic; done | sort -g | head -n 1)
    # shellcheck disable=SC2086
    sg=$(wall "$p" run $small --engine simgrid)
    awk -v p="$p" -v a="$an" -v s="$sg" 'BEGIN {
        printf "  %s: analytic %.3f s, simgrid %.3f s, simgrid/analytic %.1fx\n", p, a, s, s / a }'
done
echo "(goal: 50x)"
exit $status
