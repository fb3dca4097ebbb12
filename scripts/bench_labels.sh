#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Lowering's cost in the number of distinct op names, and planning's in the edges of a
# dense graph. A benchmark, not a test: it checks nothing.
#
# First, `pipelab run` of a dispatch scenario of N ops, each with a name of its own (op0,
# op1, ...; 1 us per step) at N = 100,000 and 200,000, side by side in one invocation,
# with the ratio of the second time to the first: about 2 where lowering is linear in the
# distinct names (the task graph hashes its labels), 4 where it is quadratic (it searched
# them one by one: 40,000 ops took 7.2 s, 200,000 took 288 s). Second, `pipelab plan --stg`
# of complete graphs (every task depends on every earlier one: n(n-1)/2 edges) of 1,000,
# 2,000 and 3,000 tasks on 4 units, with each time's ratio to the one before. A pass of the
# list scheduler walks every edge once; the four rules take a pass each, and the random
# attempts stop once they have cost 8 M steps (placements, gaps and edges), so the time
# grows no faster than the edges (ratios at most 4 and 2.25; the 3,000-task graph took 64
# passes, 9 s, when the attempts' budget did not count edges). Whole runs, start-up and
# parsing included, wall time (a busy machine makes it noisy).
#
#   scripts/bench_labels.sh [build dir]        (the build dir defaults to build/)
set -euo pipefail

cd "$(dirname "$0")/.."
build=${1:-build}
pipelab=$build/pipelab
[ -x "$pipelab" ] || { echo "bench_labels: no program at $pipelab" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/pl_bench_labels.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# seconds CMD...: runs CMD with its output thrown away and prints its wall time.
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

# ops N > file: a dispatch scenario of N ops with distinct names.
ops() {
  printf 'model: dispatch\nmachine: %s/configs/gpu_server.yaml\n' "$PWD"
  printf 'dispatch:\n  mode: pipelined\n  ops:\n'
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
    printf "    - {name: op%d, infer: 1us, resize: 1us, launch: 1us, kernel: 1us}\n", i }'
}

# complete N > file: an STG graph of N tasks of time 1 (whole numbers 1..9), each depending
# on every earlier one, between the dummy entry 0 and exit N + 1.
complete() {
  awk -v n="$1" 'BEGIN {
    print n
    print 0, 0, 0
    for (j = 1; j <= n; j++) {
      line = j " " (1 + j % 9) " " (j == 1 ? 1 : j - 1)
      if (j == 1) line = line " 0"
      for (i = 1; i < j; i++) line = line " " i
      print line
    }
    print n + 1, 0, 1, n
  }'
}

echo "distinct op names   pipelab run (s)   ratio"
prev=
for n in 100000 200000; do
  ops "$n" >"$dir/ops$n.yaml"
  t=$(seconds "$pipelab" run "$dir/ops$n.yaml")
  ratio=${prev:+$(awk -v a="$t" -v b="$prev" 'BEGIN { printf "%.2f", a / b }')}
  printf '%17d   %15s   %s\n' "$n" "$t" "${ratio:--}"
  prev=$t
done

echo
echo "complete STG graph (tasks, edges)   plan --stg --units 4 (s)   ratio"
prev=
for n in 1000 2000 3000; do
  complete "$n" >"$dir/complete$n.stg"
  t=$(seconds "$pipelab" plan --stg "$dir/complete$n.stg" --units 4)
  ratio=${prev:+$(awk -v a="$t" -v b="$prev" 'BEGIN { printf "%.2f", a / b }')}
  printf '%17d %16d   %22s   %s\n' "$n" $((n * (n - 1) / 2)) "$t" "${ratio:--}"
  prev=$t
done
