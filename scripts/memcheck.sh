#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs one scenario of every model under valgrind's memcheck, pipelab import of a gzip
# and an Ascend trace and a run of what it wrote, and a sweep whose worker
# processes it follows too, with the program built by scripts/setup.sh. Any error, and
# any leak definitely or possibly lost, fails the run; memory still reachable at exit
# (SimGrid's own, and a worker's copy of its parent's) is not a leak. The checks run as
# many at a time as there are cores, and print in order.
#
#   scripts/memcheck.sh                  the program in build/
#   BUILD_DIR=out scripts/memcheck.sh    the program in out/
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
bin=$BUILD_DIR/pipelab
command -v valgrind >/dev/null || { echo "memcheck: valgrind is needed (scripts/setup.sh --checks)" >&2; exit 1; }
[ -x "$bin" ] || { echo "memcheck: no $bin; run scripts/setup.sh first" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
# check NAME STATUS ARGS...: runs pipelab ARGS, which must exit with STATUS; a failure's
# lines say FAILED (finish, below, reads them).
check() {
  local name=$1 want=$2
  shift 2
  local log=$tmp/$name.log
  local rc=0
  valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,possible \
    --errors-for-leak-kinds=definite,possible --error-exitcode=99 --child-silent-after-fork=no \
    --log-file="$log.%p" "$bin" "$@" >"$tmp/$name.out" 2>&1 || rc=$?
  local errors leaks
  errors=$(cat "$log".* | awk '/ERROR SUMMARY:/ { n += $4 } END { print n + 0 }')
  leaks=$(cat "$log".* | awk '/definitely lost:|possibly lost:/ { gsub(",", "", $4); n += $4 }
                              END { print n + 0 }')
  local procs
  procs=$(ls "$log".* | wc -l)
  if [ "$rc" -ne "$want" ] || [ "$errors" -ne 0 ] || [ "$leaks" -ne 0 ]; then
    echo "memcheck: $name FAILED: exit $rc, $errors errors, $leaks bytes lost ($procs processes)" >&2
    tail -5 "$tmp/$name.out" >&2
    cat "$log".* | grep -E -v '^==[0-9]*== *$|Copyright|Using Valgrind|rerun with' | head -60 >&2
  else
    echo "memcheck: $name: 0 errors, 0 bytes definitely or possibly lost ($procs processes)"
  fi
}

# start NAME STATUS ARGS...: check, in the background, once fewer checks than cores are
# running (valgrind runs a program on one core); its lines go to $tmp/NAME.result, shown in
# the order the checks started once all are done (finish).
jobs=$(nproc)
started=()
start() {
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  started+=("$1")
  check "$@" >"$tmp/$1.result" 2>&1 &
}
finish() {
  wait
  local name
  for name in "${started[@]}"; do
    if grep -q FAILED "$tmp/$name.result"; then
      cat "$tmp/$name.result" >&2
      status=1
    else
      cat "$tmp/$name.result"
    fi
  done
  started=()
}

# A diamond of 3 tasks in the Standard Task Graph format.
printf '3\n0 0 0\n1 2 1 0\n2 3 1 0\n3 4 2 1 2\n4 0 1 3\n' >"$tmp/diamond.stg"
# A scenario that starts from a workload, on a machine that starts from a machine file.
printf 'base: %s/workloads/stream_teaching.yaml\nmachine:\n  base: %s/configs/gpu_server.yaml\n  host: {cores: 2}\nstream: {frames: 50}\n' \
  "$PWD" "$PWD" >"$tmp/base.yaml"

start dispatch 0 run workloads/dispatch_teaching.yaml --gantt -o "$tmp/dispatch"
start dispatch-simgrid 0 run workloads/dispatch_teaching.yaml --engine simgrid --format json
start tile 0 run workloads/tile_buffering.yaml --trace "$tmp/tile.json"
start stream 0 run workloads/stream_teaching.yaml --format csv
start plan 0 run workloads/plan_teaching.yaml --format json
# Pipelined units, ops on either of two classes, moves between units, and the variants.
start plan-units 0 run workloads/plan_attention_units.yaml --set plan.iterations=8 -o "$tmp/units"
start plan-refused 2 plan workloads/plan_teaching.yaml --set plan.max_iteration=7us
start plan-stg 0 plan --stg "$tmp/diamond.stg" --units 2
start sweep 0 sweep workloads/dispatch_teaching.yaml --vary dispatch.threads.launch=1,2,3 \
  --reps 2 -j 2 -o "$tmp/sweep.csv"
start base 0 run "$tmp/base.yaml" --set stream.waiting=active
start bad-input 2 run tests/bad_inputs/cyclic_include.yaml
gzip -c tests/data/import/hand_step.json >"$tmp/hand.json.gz"
start import 0 import "$tmp/hand.json.gz" -o "$tmp/replay.yaml"
start import-ascend 0 import tests/data/import/ascend_trace_view.json -o "$tmp/ascend.yaml"
finish
# The replay runs what the import wrote.
start replay 0 run "$tmp/replay.yaml" --set dispatch.mode=pipelined --format json
finish
exit $status
