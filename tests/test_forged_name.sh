#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A task name cannot forge what a replication's worker reports (issue 19): on the landed
# code a stream task named "x\nfigures 0x1p+0 ..." made `run --reps 2` report a makespan
# of 1 s with exit 0, and a task named "a\nb" made every replication fail. Now either
# the name is refused as bad input (exit 2, nothing on standard output), or the run
# reports what the same scenario with the task named "x" reports, line for line.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
scenario=$src/workloads/stream_teaching.yaml
cd "$tmp"

# The figures of `run --reps 2` with the sink task named $1: the lines from "makespan" to
# "efficiency" (the unit lines name the task), spaces squeezed.
figures() {
  local status=0
  "$bin" run "$scenario" --reps 2 --set "stream.tasks[2].name=\"$1\"" >out.txt 2>err.txt ||
    status=$?
  echo "status $status"
  sed -n '/^makespan/,/^efficiency/p' out.txt | tr -s ' ' # the width follows the names
}

reference=$(figures x)
[ "$(echo "$reference" | head -n 1)" = "status 0" ] || fail "the reference run failed"
echo "$reference" | grep -q '^makespan  *15.4 ms' || fail "reference: $reference"
for name in 'x\nfigures 0x1p+0 0x1p+0 0x1p+0 0x1p+0 0x1p+0' 'a\nb'; do
  got=$(figures "$name")
  if [ "$(echo "$got" | head -n 1)" = "status 2" ]; then
    [ ! -s out.txt ] || fail "name $name refused, yet something was printed: $(cat out.txt)"
    echo "ok: name $name refused: $(cat err.txt)"
  else
    [ "$got" = "$reference" ] || fail "name $name: got
$got
expected (the task named x)
$reference"
    echo "ok: name $name gives the figures of the task named x"
  fi
done
