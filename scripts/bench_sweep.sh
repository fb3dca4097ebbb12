#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# What a sweep costs beyond its points (docs/performance.md, "Sweeps"), best of RUNS
# (default 3) on this machine, every figure measured in this one run:
#   * the 400-point sweep of docs/performance.md (40,000 tasks a point, all analytic) at
#     -j 1 and -j 2: points per second, their ratio, and whether the two files are equal;
#   * a 1000-point sweep of 10,000-task points at -j 1 against the sum of its points' own
#     run times, which are the CPU time of the worker that runs them (perf record at
#     1 kHz, the samples of that process): the sweep's wall time (its best run without
#     perf, which takes about a second of its own to start and stop) and the CPU time of
#     all its processes (the parent, the workers that lower points for the header, the
#     worker) over it. The worker's time is each point's whole job: loading the scenario
#     with the point's values, lowering, simulating, measuring, sending the outcome;
#   * the minor page faults of that sweep at -j 1 (/usr/bin/time %R).
#
#   scripts/bench_sweep.sh [PROGRAM [BASELINE]]
#
# PROGRAM defaults to build/pipelab. BASELINE, another build (the landed one, say), is
# measured beside it, each of its runs next to one of PROGRAM's, so that both see the
# same load on a shared machine.
set -euo pipefail

cd "$(dirname "$0")/.."
prog=${1:-build/pipelab}
base=${2:-}
runs=${RUNS:-3}
scenario=workloads/dispatch_teaching.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
progs=("$prog")
[ -z "$base" ] || progs=("$base" "$prog")

big=(--vary dispatch.threads.launch=1:10:1 --vary 'dispatch.ops[0].launch=1us:40us:1us'
     --set 'dispatch.ops[0].repeat=10000')
small=(--vary dispatch.threads.launch=1:10:1 --vary 'dispatch.ops[0].launch=1us:100us:1us'
       --set 'dispatch.ops[0].repeat=2500')

# One sweep: PROGRAM JOBS OUT ARGS...; prints its wall seconds and minor page faults.
sweep() {
  local p=$1 j=$2 out=$3
  shift 3
  rm -f "$out" "$out".*
  local t0=$EPOCHREALTIME
  /usr/bin/time -f '%R' -o "$tmp/faults" "$p" sweep "$scenario" "$@" -j "$j" -o "$out" >/dev/null
  local t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(cat "$tmp/faults")"
}

# The 1000-point sweep under perf: PROGRAM; prints its wall seconds, the CPU samples of
# all its processes and of the one with the most (the worker), 1000 a second.
profiled() {
  rm -f "$tmp/prof.csv" "$tmp/prof.csv".*
  local t0=$EPOCHREALTIME
  perf record -q -F 1000 -o "$tmp/perf.data" -- "$1" sweep "$scenario" "${small[@]}" -j 1 \
    -o "$tmp/prof.csv" >/dev/null 2>&1
  local t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
    "$(perf report -i "$tmp/perf.data" --sort pid --stdio -F sample,pid 2>/dev/null |
      awk '!/^#/ && NF { n += $1; if ($1 > m) m = $1 } END { print n, m }')"
}

# The smaller of the number in file $1 (created when missing) and $2, back into $1.
keep_min() { awk -v x="$2" '{ m = $1 } END { if (NR == 0 || x < m) m = x; print m }' \
  "$1" 2>/dev/null >"$1.new" || echo "$2" >"$1.new"; mv "$1.new" "$1"; }

for r in $(seq "$runs"); do
  for i in "${!progs[@]}"; do
    p=${progs[$i]}
    for j in 1 2; do
      read -r s _ < <(sweep "$p" $j "$tmp/big$i-$j.csv" "${big[@]}")
      keep_min "$tmp/big$i-$j.s" "$s"
    done
    cmp -s "$tmp/big$i-1.csv" "$tmp/big$i-2.csv" && echo yes >"$tmp/same$i" || echo NO >"$tmp/same$i"
    read -r s f < <(sweep "$p" 1 "$tmp/small$i.csv" "${small[@]}")
    keep_min "$tmp/small$i.s" "$s"
    keep_min "$tmp/faults$i" "$f"
    if command -v perf >/dev/null; then
      read -r _ n m < <(profiled "$p")
      # The CPU of all the sweep's processes against the worker's. (Its wall time under perf
      # is no measure: perf takes about a second to start and stop. The wall time compared
      # with the points' own is the sweep's without perf, f_over.)
      keep_min "$tmp/cpu$i" "$(awk -v n="$n" -v m="$m" 'BEGIN { print n / m }')"
      keep_min "$tmp/own$i" "$(awk -v m="$m" 'BEGIN { print m / 1000 }')"
    fi
  done
done

# A line of the table: LABEL, then FUNCTION's figure for each program (its index).
row() {
  printf '%-42s' "$1"
  for i in "${!progs[@]}"; do printf ' %20s' "$("$2" "$i")"; done
  echo
}
pps() { awk -v n="$2" -v s="$(cat "$tmp/$1")" 'BEGIN { printf "%.2f s %5.1f p/s", s, n / s }'; }
f_j1() { pps "big$1-1.s" 400; }
f_j2() { pps "big$1-2.s" 400; }
f_ratio() { awk -v a="$(cat "$tmp/big$1-1.s")" -v b="$(cat "$tmp/big$1-2.s")" \
  'BEGIN { printf "%.2fx", a / b }'; }
f_same() { cat "$tmp/same$1"; }
f_small() { awk -v s="$(cat "$tmp/small$1.s")" 'BEGIN { printf "%.2f s", s }'; }
f_file() { if [ -f "$tmp/$1" ]; then awk -v x="$(cat "$tmp/$1")" -v f="$2" 'BEGIN { printf f, x }'
  else echo "no perf"; fi; }
f_own() { f_file "own$1" "%.2f s"; }
f_over() { if [ -f "$tmp/own$1" ]; then awk -v s="$(cat "$tmp/small$1.s")" \
  -v o="$(cat "$tmp/own$1")" 'BEGIN { printf "%.2fx", s / o }'; else echo "no perf"; fi; }
f_cpu() { f_file "cpu$1" "%.2fx"; }
f_faults() { cat "$tmp/faults$1"; }
f_name() { echo "${progs[$1]}" | awk '{ n = length($0); print (n > 20 ? "..." substr($0, n - 16) : $0) }'; }

echo "sweep benchmark: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the" \
  "end; best of $runs"
row "" f_name
row "400 points x 40,000 tasks, -j 1" f_j1
row "400 points x 40,000 tasks, -j 2" f_j2
row "-j 2 / -j 1, points per second" f_ratio
row "-j 1 and -j 2 files identical" f_same
row "1000 points x 10,000 tasks, -j 1" f_small
row "  its points' own run times (worker CPU)" f_own
row "  sweep wall time / own run times" f_over
row "  sweep CPU time / own run times" f_cpu
row "  minor page faults" f_faults
