#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Whole sweeps of the dispatch teaching example (workloads/dispatch_teaching.yaml, whose
# comment works out its makespans and cites their sources): the results do not depend on
# -j; a point that cannot run is a row and makes the exit status 1; a sweep killed with
# SIGKILL at random moments and resumed ends with the same bytes, no row lost or doubled;
# shards merged by scripts/merge_results.sh equal the whole sweep; a results file is never
# overwritten or resumed by another sweep.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
scenario=$src/workloads/dispatch_teaching.yaml
cd "$tmp"

# 4 x 6 = 24 points: launch threads 1..4, launch cost 2..12 us.
vary=(--vary dispatch.threads.launch=1:4:1 --vary 'dispatch.ops[0].launch=2us:12us:2us')

"$bin" sweep "$scenario" "${vary[@]}" -o one.csv -j 1 >/dev/null
"$bin" sweep "$scenario" "${vary[@]}" -o two.csv -j 2 >/dev/null
cmp one.csv two.csv || fail "-j 1 and -j 2 gave different results"
[ "$(wc -l < one.csv)" -eq 25 ] || fail "expected a header and 24 rows"

# Point 2 is 1 launch thread at 6 us: the three host steps (10 + 8 + 6 us) feed the
# 12 us kernels faster than they run, so the makespan is the workload's pipelined
# 1224 us and the speedup over the serial 2412 us is 1.97.
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
         $1 == 2 {
           m = $col["makespan_s"]; s = $col["speedup"]
           if ($col["dispatch.threads.launch"] != 1 || $col["dispatch.ops[0].launch"] != "6us") exit 1
           if (m < 1224e-6 * (1 - 1e-9) || m > 1224e-6 * (1 + 1e-9)) exit 2
           if (s < 2412 / 1224 - 1e-9 || s > 2412 / 1224 + 1e-9) exit 3
           found = 1 }
         END { exit found ? 0 : 4 }' one.csv || fail "point 2 is not 1 thread at 6us with makespan 1224 us (awk status $?)"

# A value the key does not take is refused before the sweep starts (exit 2, nothing
# written), naming the value.
set +e
"$bin" sweep "$scenario" --vary dispatch.threads.launch=1,0 -o bad.csv >out.txt 2>err.txt
status=$?
set -e
[ $status -eq 2 ] || fail "a value the key does not take should exit 2, got $status"
[ ! -e bad.csv ] || fail "a sweep refused up front wrote bad.csv"
grep -qF "pipelab: --vary 'dispatch.threads.launch': value '0': expected an integer > 0, got '0'" \
  err.txt || fail "no up-front message for 0 threads: $(cat err.txt)"

# A value the model refuses is a row with its status and message; the others run, and
# the exit status says that something failed.
set +e
"$bin" sweep "$scenario" --vary 'dispatch.ops[0].repeat=1000000000,1' -o bad.csv >out.txt 2>err.txt
status=$?
set -e
[ $status -eq 1 ] || fail "a failed point should exit 1, got $status"
grep -q '^0,0,1000000000,1,bad-input,.*more than 25000000 ops' bad.csv ||
  fail "no bad-input row for a billion repeats"
grep -q '^1,0,1,1,ok,' bad.csv || fail "the good point did not run"
grep -q '1 of 2 rows failed' err.txt || fail "the exit message does not count the failure"

# An existing file is not overwritten, nor resumed by a different sweep.
if "$bin" sweep "$scenario" "${vary[@]}" -o one.csv 2>err.txt; then fail "overwrote one.csv"; fi
grep -q 'one.csv exists: --resume continues that sweep, --force starts it again' err.txt ||
  fail "no clear message for an existing file"
if "$bin" sweep "$scenario" --vary dispatch.threads.launch=1:5:1 -o one.csv --resume 2>err.txt; then
  fail "resumed another sweep's file"
fi
grep -q "cannot resume one.csv: it was written with --vary 'dispatch.threads.launch=1,2,3,4'" err.txt || fail "no clear message for another sweep's file: $(cat err.txt)"

# Killed at random moments, resumed, and finished: the same bytes as the sweep run in
# one go. On SimGrid, 44 points take about half a second at -j 2. Each run is killed
# a random 0 to 30 ms after it wrote a row of its own, and before its second more, so
# every kill lands in the middle of the sweep, whatever the build's speed.
slow=(--engine simgrid --vary dispatch.threads.launch=1:4:1
      --vary 'dispatch.ops[0].launch=2us:12us:1us')
"$bin" sweep "$scenario" "${slow[@]}" -o whole.csv -j 2 >/dev/null
RANDOM=20261121
rm -f killed.csv
rows() { if [ -f killed.csv ]; then wc -l <killed.csv; else echo 0; fi; }
interrupted=0
for i in 1 2 3 4 5 6 7 8 9 10; do
  before=$(rows)
  [ "$before" -gt 1 ] || before=1 # the header alone is no row
  "$bin" sweep "$scenario" "${slow[@]}" -o killed.csv -j 2 --resume >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 15000); do # 30 s at most
    [ "$(rows)" -le "$before" ] || break
    kill -0 $pid 2>/dev/null || break
    sleep 0.002
  done
  # A random 0 to 30 ms more, but no later than the run's second row of its own: on a
  # fast machine 30 ms is several rows, and the sweep would end before the tenth kill.
  for _ in $(seq $((RANDOM % 31))); do
    [ "$(rows)" -le $((before + 1)) ] || break
    sleep 0.001
  done
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  if [ -f killed.csv ]; then
    # Every line but the last is whole: a header and rows of the full width.
    awk -F, 'NR == 1 { n = NF } NF < n - 0 && !/"/ { bad = 1 } END { exit bad }' killed.csv ||
      fail "a row was cut short after kill $i"
    lines=$(wc -l <killed.csv)
    [ "$lines" -le 1 ] || [ "$lines" -ge 45 ] || interrupted=$((interrupted + 1))
  fi
done
[ "$interrupted" -ge 5 ] || fail "only $interrupted of 10 kills landed in the middle of the sweep"
"$bin" sweep "$scenario" "${slow[@]}" -o killed.csv -j 2 --resume >resumed.txt
cmp whole.csv killed.csv || fail "resuming after kills did not give the whole sweep"
grep -q 'resumed' resumed.txt || fail "no resume count"
echo "$interrupted of 10 kills interrupted the sweep; resumed, it equals the whole one"

# Shards: three machines' worth, merged, equal the whole sweep.
for i in 0 1 2; do
  "$bin" sweep "$scenario" "${vary[@]}" -o "shard$i.csv" --shard "$i/3" >/dev/null
done
"$src/scripts/merge_results.sh" -o merged.csv shard0.csv shard1.csv shard2.csv >/dev/null
cmp one.csv merged.csv || fail "the merged shards differ from the whole sweep"
if "$src/scripts/merge_results.sh" -o twice.csv shard0.csv shard0.csv 2>err.txt; then
  fail "merged a shard with itself"
fi
grep -qx 'merge_results: shard0.csv is shard 0/3, and so is another file given' err.txt ||
  fail "no message for a doubled shard: $(cat err.txt)"

echo "test_sweep.sh: all checks passed"
