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
#    best of $REPS rounds, each running both (and the base) one after the other.
#    raw_dispatch links SimGrid, so the loader has mapped it before main, before its own
#    timer (raw s) starts; pipelab opens its SimGrid module within its timer. So that
#    both include loading SimGrid, raw_dispatch is also timed from its process start
#    (raw process s: from bash's $EPOCHREALTIME just before the command to its end of
#    the run), and pipelab/raw is engine_time's wall over that. Goal (issue 22): at most
#    1.5 at 1e4 tasks, 1.2 from 1e5.
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
export LC_ALL=C # $EPOCHREALTIME with a decimal point
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
# keep_min VAR KEY LINE: sets VAR to LINE when VAR is empty or LINE's KEY is lower.
keep_min() {
  local -n min=$1
  if [ -z "$min" ] || awk -v a="$(field "$2" "$3")" -v b="$(field "$2" "$min")" \
    'BEGIN { exit !(a < b) }'; then
    min=$3
  fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

printf '%-7s  %10s  %8s  %14s  %11s' tasks "pipelab s" "raw s" "raw process s" "pipelab/raw"
[ -n "$base" ] && printf '  %8s  %13s' "base s" "base/raw wall"
echo
for size in 1e4 1e5 1e6; do
  n=$(awk -v s="$size" 'BEGIN { printf "%d", s }')
  set_ops="dispatch.ops[0].repeat=$((n / 4))"
  # One after the other within each round, so that a busy moment of the machine falls
  # on both rather than on one.
  sg="" raw="" raww="" bsg=""
  for _ in $(seq "$reps"); do
    keep_min sg wall_s "$("$perf/engine_time" "$scenario" simgrid "$set_ops")"
    line=$(PL_RAW_T0=$EPOCHREALTIME "$perf/raw_dispatch" tests/perf/dispatch_platform.xml \
      "$((n / 4))")
    keep_min raw process_s "$line"
    keep_min raww wall_s "$line"
    if [ -n "$base" ]; then
      keep_min bsg wall_s "$("$base/tests/perf/engine_time" "$scenario" simgrid "$set_ops")"
    fi
  done
  if [ "$(field makespan_s "$sg")" != "$(field makespan_s "$raw")" ]; then
    echo "bench_simgrid: pipelab and raw SimGrid disagree at $n tasks" >&2
    exit 1
  fi
  rw=$(field wall_s "$raww")
  rp=$(field process_s "$raw")
  printf '%-7s  %10.4f  %8.4f  %14.4f  %11s' "$size" "$(field wall_s "$sg")" "$rw" "$rp" \
    "$(ratio "$(field wall_s "$sg")" "$rp")"
  if [ -n "$base" ]; then
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
load=""
for _ in $(seq "$reps"); do keep_min load load_s "$("$perf/module_load")"; done
echo "opening the SimGrid module (module_load): $(awk -v s="$(field load_s "$load")" \
  'BEGIN { printf "%.2f", s * 1e3 }') ms"
