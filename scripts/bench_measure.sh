#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What measuring a run costs (everything after the engine: metrics, bounds, places,
# phases, latencies, the verdict and the model's advice): the dispatch, stream and
# one-core tile runs at 1e6 tasks, with and without the advice (`--no-advice`), by two
# programs side by side in one go. For each: the measuring and advising seconds that
# --timing prints (best of three, by their sum; a program that does not print advising
# apart counts it in measuring), and the whole process's peak bytes per simulated task
# (run and baseline tasks); with `big`, also the peak at 1e7 dispatch tasks (one run
# each, about 1.5 GiB). Both programs must print the same report; a difference is shown.
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
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# timing PROGRAM ARGS...: "measuring+advising measuring advising peak-bytes-per-task"
# from one run's --timing line (advising 0 where the program files it under measuring).
timing() {
    program=$1
    shift
    "$program" run "$@" --timing 2>&1 >/dev/null |
        awk '/simulated .* tasks in/ {
                 m = 0; a = 0
                 for (i = 1; i <= NF; i++) {
                     if ($i == "measuring") m = $(i + 1)
                     if ($i == "advising") a = $(i + 1)
                 }
                 match($0, /\(([0-9]+) bytes per task\)/)
                 b = substr($0, RSTART + 1, RLENGTH - 16)
                 print m + a, m, a, b }'
}

# best PROGRAM ARGS...: the run of three with the least measuring and advising time.
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

printf '%-22s %21s %21s %21s %11s\n' "" "measuring+advising s" "measuring s" \
    "advising s" "peak B/task"
printf '%-22s %7s %7s %5s %7s %7s %5s %7s %7s %5s %5s %5s\n' run before after ratio \
    before after ratio before after ratio bef aft
row() {
    echo "$1 $2 $3" | awk '{
        printf "%-22s %6.3fs %6.3fs %5.2f %6.3fs %6.3fs %5.2f %6.3fs %6.3fs %5s %5d %5d\n",
            $1, $2, $6, ($2 > 0 ? $6 / $2 : 0), $3, $7, ($3 > 0 ? $7 / $3 : 0),
            $4, $8, ($4 > 0 ? sprintf("%.2f", $8 / $4) : "-"), $5, $9 }'
}
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
        row "$model${advice:+/no-adv}" "$b" "$a"
    done
done
if [ "$big" = big ]; then
    args="$root/workloads/dispatch_teaching.yaml --set dispatch.ops[0].repeat=2500000"
    # shellcheck disable=SC2086
    b=$(timing "$before" $args)
    # shellcheck disable=SC2086
    a=$(timing "$after" $args)
    row "dispatch-1e7" "$b" "$a"
    echo "(goal: a peak of at most 100 bytes per task at 1e7 dispatch tasks)"
fi
exit $status
