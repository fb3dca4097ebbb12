#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The cost of loading a scenario as its inputs grow, where it once grew with the square:
#
# * a `base:` merge of two large mappings: a plan scenario whose `plan.units` names N unit
#   classes and starts from a file whose `plan.units` names N others, at N = 30,000 and
#   60,000, loaded with `pipelab config` (best of three runs each). The ratio of the two
#   times is about 2 where merging is linear in the keys, 4 where it is quadratic (the
#   landed merge compared every pair of keys: 31 s at 60,000);
# * the same at N = 0, which is the program's start-up and the rest of the scenario.
#
# A benchmark, not a test: it checks nothing.
#
#   scripts/bench_config.sh [build dir]
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# merge N: writes $dir/base.yaml (units b0..bN-1) and $dir/top.yaml (a0..aN-1, base.yaml).
merge() {
    awk -v n="$1" 'BEGIN {
        print "plan:\n  units:"
        for (i = 0; i < n; i++) printf "    b%d: 1\n", i
    }' >"$dir/base.yaml"
    awk -v n="$1" -v machine="$root/configs/ascend_910b.yaml" 'BEGIN {
        print "base: base.yaml\nmodel: plan\nmachine: " machine
        print "plan:\n  iterations: 4\n  ops:\n    - {name: op, unit: dma, latency: 1us}"
        print "  units:\n    dma: 1"
        for (i = 0; i < n; i++) printf "    a%d: 1\n", i
    }' >"$dir/top.yaml"
}

# best: the least wall time of three `pipelab config` runs on $dir/top.yaml.
best() {
    for _ in 1 2 3; do
        t0=$(date +%s.%N)
        "$build/pipelab" config "$dir/top.yaml" >/dev/null
        awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }'
    done | sort -g | head -n 1
}

echo "a base: merge of two mappings of N keys each: load time as N doubles"
printf '%-10s %10s %8s\n' "keys each" seconds ratio
last=""
for n in 0 30000 60000; do
    merge "$n"
    t=$(best)
    awk -v n="$n" -v t="$t" -v last="$last" 'BEGIN {
        ratio = last == "" ? "-" : sprintf("%.2f", t / last)
        printf "%-10d %10.3f %8s\n", n, t, ratio }'
    [ "$n" -eq 0 ] || last=$t
done
