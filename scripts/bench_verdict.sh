#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What the verdict costs: every workload run with and without it (`--no-advice`), and
# the 24-core GEMM, side by side in one run: wall seconds of the whole command (best of
# three), their ratio, and how many changes the verdict simulated of how many it had.
# The goal is a ratio of at most 3 on workloads/tile_gemm.yaml.
#
# A benchmark, not a test: it checks nothing.
#
#   scripts/bench_verdict.sh [build dir]
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)

# best ARGS...: the least wall time of three runs of pipelab run ARGS.
best() {
    for _ in 1 2 3; do
        t0=$(date +%s.%N)
        "$build/pipelab" run "$@" >/dev/null
        awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }'
    done | sort -g | head -n 1
}

# simulated ARGS...: "simulated/candidates" from the JSON verdict.
simulated() {
    "$build/pipelab" run "$@" --format json |
        awk '/"candidates":/ { gsub(/[^0-9]/, ""); c = $0 }
             /"simulated":/ { gsub(/[^0-9]/, ""); s = $0 }
             END { print s "/" c }'
}

printf '%-48s %9s %9s %6s %9s\n' "run" "without" "with" ratio "simulated"
bench() {
    label=$1
    shift
    without=$(best "$@" --no-advice)
    with=$(best "$@")
    awk -v l="$label" -v a="$without" -v b="$with" -v s="$(simulated "$@")" 'BEGIN {
        printf "%-48s %8.3fs %8.3fs %6.2f %9s\n", l, a, b, b / a, s }'
}
for w in "$root"/workloads/*.yaml; do
    bench "$(basename "$w")" "$w"
done
bench "tile_gemm.yaml --set tile.cores=24" "$root/workloads/tile_gemm.yaml" --set tile.cores=24
