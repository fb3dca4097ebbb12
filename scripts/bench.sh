#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The engine benchmark: a benchmark, not a test (it checks nothing but that the engines
# agree on the makespan). For each of the standard scenarios at about 1e4, 1e5 and 1e6
# tasks in its run graph, it executes the run graph with each engine that applies
# (tests/perf/engine_time: lowering done first and not timed; the SimGrid engine's fork,
# platform file and pipe included), and the plain SimGrid yardstick of the dispatch
# pipeline (tests/perf/raw_dispatch) at the same sizes. Then the 1e7-task dispatch run
# with the analytic engine, and a whole `pipelab run` of 1e7 tasks (run and baseline,
# 2e7 in all) with its peak memory. Then a sweep at -j 1 and -j 2.
#
# Columns: tasks in the run graph; the engine; wall seconds of the execution; tasks per
# second; graph+tl, the bytes per task of the task graph and its timeline; peak RSS of
# the process (of the SimGrid child where it ran one), MiB; and a ratio: for the SimGrid
# engine on dispatch, its wall time over the yardstick's (pipelab/raw); for the analytic
# engine, the SimGrid engine's wall time over its own (simgrid/analytic).
#
#   scripts/bench.sh [build dir]        (the build dir defaults to build/)
#   QUICK=1 scripts/bench.sh            only the 1e4 and 1e5 sizes, no 1e7 runs
set -euo pipefail

cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" -j "$(nproc)" >/dev/null
et=$build/tests/perf/engine_time
raw=$build/tests/perf/raw_dispatch
pipelab=$build/pipelab
sizes=(1e4 1e5 1e6)
if [ "${QUICK:-}" = 1 ]; then sizes=(1e4 1e5); fi

echo "pipelab engine benchmark, $(date -u +%Y-%m-%d)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
echo "SimGrid $(pkg-config --modversion simgrid), $(cc --version | head -1)"
echo

# field NAME LINE: the value after NAME in engine_time's or raw_dispatch's output line.
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<<"$2"; }

printf '%-9s %-18s %8s  %-9s %8s  %9s  %8s  %8s  %s\n' model case tasks engine "wall s" \
    "tasks/s" "graph+tl" "peak MiB" ratio

# row MODEL CASE TASKS ENGINE WALL TASKS_PER_S BYTES RSS_KIB RATIO
row() {
    printf '%-9s %-18s %8s  %-9s %8.4f  %9.3g  %8s  %8.1f  %s\n' "$1" "$2" "$3" "$4" "$5" \
        "$6" "$7" "$(awk -v k="$8" 'BEGIN { print k / 1024 }')" "$9"
}

# measure MODEL CASE SCENARIO N SET...: both engines on the run graph; the analytic one
# only where it is exact (engine_time exits 2 where it is not).
measure() {
    local model=$1 case=$2 scenario=$3 n=$4
    shift 4
    local sg an sgwall rss
    sg=$("$et" "$scenario" simgrid "$@")
    sgwall=$(field wall_s "$sg")
    rss=$(field child_rss_kib "$sg")
    local ratio=""
    if [ "$model" = dispatch ]; then
        local r
        r=$("$raw" tests/perf/dispatch_platform.xml "$((n / 4))")
        ratio=$(awk -v a="$sgwall" -v b="$(field wall_s "$r")" 'BEGIN { printf "pipelab/raw %.2f", a / b }')
        row "$model" "$case" "$(field ops "$r")x4" raw "$(field wall_s "$r")" \
            "$(awk -v w="$(field wall_s "$r")" -v n="$n" 'BEGIN { print n / w }')" - 0 \
            "makespan $(field makespan_s "$r") s"
    fi
    row "$model" "$case" "$(field tasks "$sg")" simgrid "$sgwall" "$(field tasks_per_s "$sg")" \
        "$(field graph_timeline_bytes_per_task "$sg")" "$rss" "$ratio"
    if an=$("$et" "$scenario" analytic "$@" 2>/dev/null); then
        if [ "$(field makespan_s "$an")" != "$(field makespan_s "$sg")" ]; then
            echo "bench: the engines disagree on $scenario $*" >&2
            exit 1
        fi
        row "$model" "$case" "$(field tasks "$an")" analytic "$(field wall_s "$an")" \
            "$(field tasks_per_s "$an")" "$(field graph_timeline_bytes_per_task "$an")" \
            "$(field rss_kib "$an")" \
            "$(awk -v a="$sgwall" -v b="$(field wall_s "$an")" 'BEGIN { printf "simgrid/analytic %.0f", a / b }')"
    else
        row "$model" "$case" "$(field tasks "$sg")" analytic 0 0 - 0 "not exact: shared resources"
    fi
}

for size in "${sizes[@]}"; do
    n=$(awk -v s="$size" 'BEGIN { printf "%d", s }')
    # Dispatch: 4 tasks per op (InferShape, Resize, Launch on the host, the kernel).
    measure dispatch "3 host steps" workloads/dispatch_teaching.yaml "$n" \
        "dispatch.ops[0].repeat=$((n / 4))"
    # Tile: 5.375 tasks per tile (43 per 8); the count must be a multiple of 8.
    tiles=$(((n * 8 / 43) / 8 * 8))
    measure tile "matmul, 1 core" workloads/tile_matmul_gelu.yaml "$n" "tile.count=$tiles" tile.cores=1
    measure tile "matmul, 24 cores" workloads/tile_matmul_gelu.yaml "$n" "tile.count=$tiles" tile.cores=24
    # Stream: 3 tasks per frame (source, one of 4 filter threads, sink).
    measure stream "1 -> 4 -> 1" workloads/stream_teaching.yaml "$n" "stream.frames=$((n / 3))"
    # Plan: 5 tasks per iteration.
    measure plan "teaching loop" workloads/plan_teaching.yaml "$n" "plan.iterations=$((n / 5))"
done

if [ "${QUICK:-}" != 1 ]; then
    echo
    an=$("$et" workloads/dispatch_teaching.yaml analytic "dispatch.ops[0].repeat=2500000")
    row dispatch "3 host steps" "$(field tasks "$an")" analytic "$(field wall_s "$an")" \
        "$(field tasks_per_s "$an")" "$(field graph_timeline_bytes_per_task "$an")" \
        "$(field rss_kib "$an")" "(SimGrid: about 50 s)"
    echo
    echo "a whole pipelab run of 1e7 tasks (and its baseline of 1e7 more):"
    echo "\$ pipelab run workloads/dispatch_teaching.yaml --set 'dispatch.ops[0].repeat=2500000' --timing"
    "$pipelab" run workloads/dispatch_teaching.yaml --set "dispatch.ops[0].repeat=2500000" \
        --timing 2>&1 >/dev/null | sed 's/^/  /'
fi

echo
echo "a sweep of 400 points of 40000 tasks (auto: the analytic engine at every point):"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for j in 1 2; do
    t0=$(date +%s.%N)
    "$pipelab" sweep workloads/dispatch_teaching.yaml --vary dispatch.threads.launch=1:10:1 \
        --vary 'dispatch.ops[0].launch=1us:40us:1us' --set 'dispatch.ops[0].repeat=10000' \
        -j "$j" -o "$dir/j$j.csv" >/dev/null
    t1=$(date +%s.%N)
    rate[$j]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", 400 / (b - a) }')
    echo "  -j $j: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s, ${rate[$j]} points/s"
done
cmp -s "$dir/j1.csv" "$dir/j2.csv" || { echo "bench: -j 1 and -j 2 disagree" >&2; exit 1; }
echo "  -j 2 / -j 1: $(awk -v a="${rate[1]}" -v b="${rate[2]}" 'BEGIN { printf "%.2f", b / a }')x the points per second (identical files)"
