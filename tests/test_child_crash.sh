#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A process that dies of a signal never takes pipelab with it. `run` with the SimGrid
# engine simulates in a child: when that child is killed by SIGSEGV the run fails with
# exit status 3 and names the graph and the signal. In a sweep, a worker killed by
# SIGSEGV while it runs a point makes that point a failed row naming the signal; every
# other point still runs and the sweep exits with status 1. A worker killed while it
# lowers a point to learn the sweep's units only makes the point be lowered again.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
scenario=$src/workloads/dispatch_teaching.yaml
cd "$tmp"

# Waits (up to 20 s) for a child of process $1 that lives on for 0.3 s and kills it
# with SIGSEGV.
kill_a_child() {
  local parent=$1 kid
  for _ in $(seq 100); do
    kid=$(pgrep -P "$parent" | head -n 1 || true)
    if [ -n "$kid" ] && sleep 0.3 && kill -SEGV "$kid" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  fail "process $parent started no child that lived long enough to be killed"
}

# 200,000 ops on SimGrid take about two seconds here, each graph in its own child:
# long enough to be killed in the middle (50,000 ops ran for under 0.4 s a child, too
# short for the 0.3 s the kill waits on a fast machine).
status=0
"$bin" run "$scenario" --engine simgrid --set 'dispatch.ops[0].repeat=200000' \
  >out.txt 2>err.txt &
pid=$!
kill_a_child $pid
wait $pid || status=$?
[ "$status" -eq 3 ] || fail "run: exit status $status, expected 3"
grep -q '^pipelab: the simulation of the pipelined graph was killed by SIGSEGV' err.txt ||
  grep -q '^pipelab: the simulation of the serial graph was killed by SIGSEGV' err.txt ||
  fail "run: no message naming the signal: $(cat err.txt)"
[ ! -s out.txt ] || fail "run: printed a report after its simulation died"

# Four points of half a second or more each on one worker: the first is killed. The
# sweep first lowers its points (all four: a key's first, second, middle and last values)
# in short-lived children to learn the units for its header; the worker that runs the
# points comes once the header is written.
status=0
"$bin" sweep "$scenario" --engine simgrid --set 'dispatch.ops[0].repeat=50000' \
  --vary dispatch.threads.launch=1:4:1 -o r.csv -j 1 >out.txt 2>err.txt &
pid=$!
for _ in $(seq 200); do
  [ ! -s r.csv ] || break
  sleep 0.1
done
[ -s r.csv ] || fail "sweep: no header after 20 s"
kill_a_child $pid
wait $pid || status=$?
[ "$status" -eq 1 ] || fail "sweep: exit status $status, expected 1"
[ "$(wc -l <r.csv)" -eq 5 ] || fail "sweep: expected a header and 4 rows, got $(wc -l <r.csv) lines"
[ "$(grep -c 'killed by SIGSEGV' r.csv)" -eq 1 ] || fail "sweep: expected one row killed by SIGSEGV"
[ "$(grep -c ',ok,' r.csv)" -eq 3 ] || fail "sweep: expected 3 rows ok: $(cat r.csv)"
# The sweep lowers points in a worker to learn the units for its header (both of these
# two). Point 0 (two vector units) takes a second or so to lower (200,000 iterations:
# 20,000 took a quarter of a second once the plan's search got faster, less than the
# kill waits); its worker is killed meanwhile: the point is lowered again, so the header
# still has vector1.
status=0
"$bin" sweep "$src/workloads/plan_teaching.yaml" --set plan.iterations=200000 \
  --vary plan.units.vector=2,1 -o p.csv -j 1 >out.txt 2>err.txt &
pid=$!
kill_a_child $pid
wait $pid || status=$?
[ "$status" -eq 0 ] || fail "plan sweep: exit status $status: $(cat err.txt)"
head -n 1 p.csv | grep -q ',vector1.util,' || fail "plan sweep: the header lost vector1"
[ "$(grep -c ',ok,' p.csv)" -eq 2 ] || fail "plan sweep: expected 2 rows ok: $(cat p.csv)"
echo "a crashed run and a crashed sweep point are reported with their signal; a point"
echo "whose lowering was killed is lowered again"
