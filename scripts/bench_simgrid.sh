#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The SimGrid engine against raw SimGrid, and start-up: a benchmark, not a test (it
# checks nothing but that both simulations end at the same makespan).
#
# 1. The dispatch pipeline of workloads/dispatch_teaching.yaml at 1e4, 1e5 and 1e6 tasks
#    (dispatch.ops[0].repeat = N/4): pipelab's SimGrid engine on the run graph
#    (tests/perf/engine_time: lowering not timed; opening the SimGrid module, the fork,
#    the platform file, the simulation and the timeline's trip over the pipe timed),
#    against the same pipeline written directly on SimGrid (tests/perf/raw_dispatch),
#    best of $REPS each, run one after the other. raw_dispatch links SimGrid, so the
#    loader has mapped it before main; its load_s (the CPU time used before main) is
#    added to its wall time so that both sides include loading SimGrid: pipelab/raw is
#    engine_time's wall over raw_dispatch's wall + load_s. Goal (issue 22): at most 1.5
#    at 1e4 tasks, 1.2 from 1e5.
# 2. Start-up: whole processes (tests/perf/spawn_time, fork to reaping), best of 10:
#    `pipelab --version`, `pipelab keys`, a 400-task analytic run; and opening the SimGrid
#    module alone (tests/perf/module_load), which a process pays once before its first
#    SimGrid child.
#
#   scripts/bench_simgrid.sh [BUILD [BASE_BUILD]]
#       BUILD defaults to build/. With BASE_BUILD (e.g. the landed tree's build/), its
#       engine_time and its pipelab run beside, in the same run, for a before/after.
#   REPS=5 scripts/bench_simgrid.sh     best of 5 instead of 3
set -euo pipefail

cd "$(dirname "$0")/.."
build=${1:-build}
base=${2:-}
reps=${REPS:-3}
cmake --build "$build" -j 2 >/dev/null
perf=$build/tests/perf
scenario=workloads/dispatch_teaching.yaml

echo "pipelab SimGrid engine against raw SimGrid, $(date -u +%Y-%m-%d), best of $reps"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "SimGrid $(pkg-config --modversion simgrid); build $build${base:+, base $base}"
echo

# field NAME LINE: the value after NAME in a timing program's output line.
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<<"$2"; }
# best NAME CMD...: runs CMD $reps times, prints the output line with the lowest NAME.
best() {
  local key=$1 line out min=""
  shift
  for _ in $(seq "$reps"); do
    line=$("$@")
    if [ -z "$min" ] || awk -v a="$(field "$key" "$line")" -v b="$(field "$key" "$min")" \
      'BEGIN { exit !(a < b) }'; then
      min=$line
    fi
  done
  echo "$min"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

printf '%-7s  %10s  %8s  %8s  %10s  %11s' tasks "pipelab s" "raw s" "load s" "raw+load s" \
  "pipelab/raw"
[ -n "$base" ] && printf '  %8s  %13s' "base s" "base/raw wall"
echo
for size in 1e4 1e5 1e6; do
  n=$(awk -v s="$size" 'BEGIN { printf "%d", s }')
  set_ops="dispatch.ops[0].repeat=$((n / 4))"
  sg=$(best wall_s "$perf/engine_time" "$scenario" simgrid "$set_ops")
  raw=$(best wall_s "$perf/raw_dispatch" tests/perf/dispatch_platform.xml "$((n / 4))")
  if [ "$(field makespan_s "$sg")" != "$(field makespan_s "$raw")" ]; then
    echo "bench_simgrid: pipelab and raw SimGrid disagree at $n tasks" >&2
    exit 1
  fi
  rw=$(field wall_s "$raw")
  rl=$(field load_s "$raw")
  total=$(awk -v a="$rw" -v b="$rl" 'BEGIN { printf "%.4f", a + b }')
  printf '%-7s  %10.4f  %8.4f  %8.4f  %10.4f  %11s' "$size" "$(field wall_s "$sg")" "$rw" \
    "$rl" "$total" "$(ratio "$(field wall_s "$sg")" "$total")"
  if [ -n "$base" ]; then
    bsg=$(best wall_s "$base/tests/perf/engine_time" "$scenario" simgrid "$set_ops")
    printf '  %8.4f  %13s' "$(field wall_s "$bsg")" "$(ratio "$(field wall_s "$bsg")" "$rw")"
  fi
  echo
done
echo "(base/raw wall: the base program linked SimGrid, loaded before its timer started,"
echo " so its engine is compared with raw_dispatch's wall alone)"

echo
echo "start-up: whole processes, best of 10, ms"
printf '%-44s  %8s' command this
[ -n "$base" ] && printf '  %8s' base
echo
startup() {
  local label=$1
  shift
  printf '%-44s  %8.2f' "$label" \
    "$(field best_s "$("$perf/spawn_time" 10 "$build/pipelab" "$@")" | awk '{ print $1 * 1e3 }')"
  if [ -n "$base" ]; then
    printf '  %8.2f' \
      "$(field best_s "$("$perf/spawn_time" 10 "$base/pipelab" "$@")" | awk '{ print $1 * 1e3 }')"
  fi
  echo
}
startup "pipelab --version" --version
startup "pipelab keys" keys
startup "pipelab run dispatch_teaching (analytic)" run "$scenario"
load=$(best load_s "$perf/module_load")
echo "opening the SimGrid module (module_load): $(awk -v s="$(field load_s "$load")" \
  'BEGIN { printf "%.2f", s * 1e3 }') ms"
