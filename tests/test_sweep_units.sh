#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A sweep's unit columns (sim/study/sweep_units.h) when the units it predicts from a few
# lowered points are wrong. The sweep of the dispatch teaching example over mode
# (serial, pipelined) x launch threads (1, 2) lowers (serial, 1), (serial, 2) and
# (pipelined, 1): the serial host has one thread whatever threads.launch says, so the
# sweep predicts (pipelined, 2) from (pipelined, 1), and its run shows the prediction
# wrong (two launch threads). The header must still be the union, in point order, of
# the units that `pipelab run` lists for each point, and the file, its record and its
# summary the same at -j 1 and -j 2, resumed or not.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
scenario=$src/workloads/dispatch_teaching.yaml
cd "$tmp"

vary=(--vary dispatch.mode=serial,pipelined --vary dispatch.threads.launch=1,2)

# The expected unit columns: each point's units as `pipelab run` lists them, in point
# order (the last key varies fastest), each unit once.
want="point,rep,dispatch.mode,dispatch.threads.launch,seed,status"
want+=",makespan_s,throughput,speedup,bound_s,efficiency"
for mode in serial pipelined; do
  for threads in 1 2; do
    "$bin" run "$scenario" --set dispatch.mode=$mode --set dispatch.threads.launch=$threads \
      --no-advice --format json | jq -r '.units[].name'
  done
done | awk '!seen[$0]++ { printf ",%s.util,%s.bubble_s", $0, $0 }' >units.txt
want+="$(cat units.txt),message,check"
grep -q 'host.launch.0.util' units.txt || fail "two launch threads give no host.launch.0: $(cat units.txt)"

"$bin" sweep "$scenario" "${vary[@]}" -o one.csv -j 1 >/dev/null
"$bin" sweep "$scenario" "${vary[@]}" -o two.csv -j 2 >/dev/null
[ "$(head -n 1 one.csv)" = "$want" ] || fail "header $(head -n 1 one.csv), expected $want"
cmp one.csv two.csv || fail "-j 1 and -j 2 gave different results"
diff <(grep -v '^scenario' one.csv.sweep) <(grep -v '^scenario' two.csv.sweep) ||
  fail "-j 1 and -j 2 gave different records"

# Point 3 (pipelined, two launch threads) has figures in its launch threads' columns.
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
         $1 == 3 { if ($col["host.launch.0.util"] == "" || $col["host.launch.1.util"] == "") exit 1
                   if ($col["host.launch.util"] != "" || $col["host.dispatch.util"] != "") exit 2
                   found = 1 }
         END { exit found ? 0 : 3 }' one.csv || fail "point 3's unit figures are not its own (awk $?)"

# Replications: the same rows and summary at -j 1 and -j 2.
"$bin" sweep "$scenario" "${vary[@]}" --reps 2 -o r1.csv -j 1 >/dev/null
"$bin" sweep "$scenario" "${vary[@]}" --reps 2 -o r2.csv -j 2 >/dev/null
cmp r1.csv r2.csv || fail "replications: -j 1 and -j 2 gave different results"
cmp r1.summary.csv r2.summary.csv || fail "replications: different summaries"
[ "$(head -n 1 r1.csv)" = "$want" ] || fail "replications: header $(head -n 1 r1.csv)"

# Resumed with rows missing (as a killed sweep leaves it): the header, written from
# every point's units, is kept and the missing rows run again, the same bytes.
head -n 3 one.csv >cut.csv
cp one.csv.sweep cut.csv.sweep
"$bin" sweep "$scenario" "${vary[@]}" -o cut.csv -j 2 --resume >resumed.txt
cmp one.csv cut.csv || fail "resuming a cut file did not give the whole sweep"
grep -q '^sweep: 4 rows in cut.csv (2 run now, 2 resumed), 0 failed$' resumed.txt ||
  fail "resume count: $(cat resumed.txt)"

# The same with a file whose header the prediction gives (threads only: each value
# lowered), cut and resumed.
"$bin" sweep "$scenario" --vary dispatch.threads.launch=1,2 --vary 'dispatch.ops[0].launch=2us,4us' \
  -o whole.csv >/dev/null
head -n 2 whole.csv >part.csv
cp whole.csv.sweep part.csv.sweep
"$bin" sweep "$scenario" --vary dispatch.threads.launch=1,2 --vary 'dispatch.ops[0].launch=2us,4us' \
  -o part.csv --resume >/dev/null
cmp whole.csv part.csv || fail "resuming a predicted header did not give the whole sweep"

# Shards lower every point: merged, they equal the whole sweep.
for i in 0 1; do
  "$bin" sweep "$scenario" "${vary[@]}" -o "shard$i.csv" --shard "$i/2" >/dev/null
  [ "$(head -n 1 shard$i.csv)" = "$want" ] || fail "shard $i: header $(head -n 1 shard$i.csv)"
done
"$src/scripts/merge_results.sh" -o merged.csv shard0.csv shard1.csv >/dev/null
cmp one.csv merged.csv || fail "merged shards differ from the whole sweep"
echo "a sweep whose predicted units are wrong writes the header of every point's units"
