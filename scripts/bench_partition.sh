#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Times `pipelab partition` on random task chains: N tasks (default 100), one in five
# stateful or none, latencies per core type, on 64 big + 64 little cores and on 128
# identical ones. Prints the wall time of each; a benchmark, not a test.
#
#   scripts/bench_partition.sh [N] [build dir]
set -eu
n=${1:-100}
build=${2:-build}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for stateful in none some; do
    awk -v n="$n" -v stateful="$stateful" 'BEGIN {
        srand(20261121)
        print "model: stream"
        print "machine: {host: {cores: {big: 64, little: 64}}}"
        print "stream:"
        print "  frames: 1"
        print "  tasks:"
        for (i = 0; i < n; i++) {
            big = 10 + int(rand() * 990)
            little = int(big * (1.5 + rand() * 2))
            st = (stateful == "some" && i % 5 == 0) ? "true" : "false"
            printf "    - {name: t%d, latency: {big: %dus, little: %dus}, stateful: %s}\n", i, big, little, st
        }
    }' >"$dir/chain_$stateful.yaml"
    for cores in big=64,little=64 128; do
        start=$(date +%s.%N)
        "$build/pipelab" partition "$dir/chain_$stateful.yaml" --cores "$cores" >"$dir/out"
        end=$(date +%s.%N)
        period=$(sed -n 's/^period *//p' "$dir/out")
        printf '%d tasks, stateful: %-4s  --cores %-16s %6.3f s   period %s\n' \
            "$n" "$stateful" "$cores" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$period"
    done
done
