#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What measuring a run costs (everything after the engine: metrics, bounds, places,
# phases, latencies, the verdict and the model's advice): the dispatch, stream and
# one-core tile runs at 1e6 tasks, with and without the advice (`--no-advice`), by two
# programs side by side in one go. For each: the measuring seconds that --timing prints
# (best of three), and the whole process's peak bytes per simulated task (run and
# baseline tasks); with `big`, also the peak at 1e7 dispatch tasks (one run each, about
# 1.5 GiB). Both programs must print the same report; a difference is shown.
#
# A benchmark, not a test: the goal it checks is printed, not enforced. The goals are at
# most 100 peak bytes per task at 1e7 dispatch tasks, and measuring as lean as it goes.
#
#   scripts/bench_measure.sh [BEFORE [AFTER [big]]]   programs, default build/pipelab both
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
before=${1:-$root/build/pipelab}
after=${2:-$root/build/pipelab}
big=${3:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pl_bench_measure.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# timing PROGRAM ARGS...: "measuring peak-bytes-per-task" from one run's --timing line.
timing() {
    program=$1
    shift
    "$program" run "$@" --timing 2>&1 >/dev/null |
        awk '/simulated .* tasks in/ {
                 for (i = 1; i <= NF; i++) if ($i == "measuring") m = $(i + 1)
                 match($0, /\(([0-9]+) bytes per task\)/)
                 b = substr($0, RSTART + 1, RLENGTH - 16)
                 print m, b }'
}

# best PROGRAM ARGS...: the least measuring time and the peak bytes of three runs.
best() {
    for _ in 1 2 3; do timing "$@"; done | sort -g | head -n 1
}

# same LABEL ARGS...: whether both programs print the same JSON report.
same() {
    label=$1
    shift
    "$before" run "$@" --format json >"$tmp/before.json" 2>&1 || true
    "$after" run "$@" --format json >"$tmp/after.json" 2>&1 || true
    cmp -s "$tmp/before.json" "$tmp/after.json" && return 0
    echo "$label: the two programs' reports differ" >&2
    diff "$tmp/before.json" "$tmp/after.json" | head -n 10 >&2
    return 1
}

dispatch="$root/workloads/dispatch_teaching.yaml --set dispatch.ops[0].repeat=250000"
stream="$root/workloads/stream_teaching.yaml --set stream.frames=333333"
tile="$root/workloads/tile_matmul_gelu.yaml --set tile.count=186040 --set tile.cores=1"

printf '%-22s %10s %10s %6s %11s %11s\n' run "before s" "after s" ratio "before B/t" "after B/t"
status=0
for model in dispatch stream tile; do
    eval "args=\$$model"
    for advice in "" --no-advice; do
        # shellcheck disable=SC2086 # the arguments are words
        same "$model $advice" $args $advice || status=1
        # shellcheck disable=SC2086
        b=$(best "$before" $args $advice)
        # shellcheck disable=SC2086
        a=$(best "$after" $args $advice)
        echo "$model${advice:+ $advice} $b $a" | awk '{
            if (NF == 5) { label = $1; b = $2; bb = $3; a = $4; ab = $5 }
            else { label = $1 " " $2; b = $3; bb = $4; a = $5; ab = $6 }
            printf "%-22s %9.3fs %9.3fs %6.2f %11d %11d\n", label, b, a, a / b, bb, ab }'
    done
done
if [ "$big" = big ]; then
    args="$root/workloads/dispatch_teaching.yaml --set dispatch.ops[0].repeat=2500000"
    # shellcheck disable=SC2086
    b=$(timing "$before" $args)
    # shellcheck disable=SC2086
    a=$(timing "$after" $args)
    echo "$b $a" | awk '{ printf "%-22s %9.3fs %9.3fs %6.2f %11d %11d   (goal: at most 100)\n",
                          "dispatch 1e7", $1, $3, $3 / $1, $2, $4 }'
fi
exit $status
