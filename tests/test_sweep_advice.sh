#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sweeps and replications search each run's verdict only when asked (--advice, issue 20
# point 2): with it, every row names its bottleneck and what relieving it gains, exactly
# as `pipelab run` names it; without it, the results are what they were before the option
# (no verdict columns); --advice with --no-advice is refused; a results file written with
# --advice is never resumed or merged without it, nor the other way round.
#
# The expected bottlenecks are issue 20's hand-worked cases for workloads/tile_buffering.yaml
# (its comment works out the period): depth 1 and 2, where the slots of buffer t bind,
# "buffer t"; depth 3, where VECTOR runs back to back, "unit core0.VECTOR". Naming buffer t
# needs the tile model's slot variants (a buffer one slot deeper); where the model offers
# none (no `buffer` candidate in the verdict of depth 1), the check of depths 1 and 2 is
# that their bottleneck is named and gains something. PL_EXACT_BOTTLENECK=1 forces the
# exact names, =0 leaves them out.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
scenario=$src/workloads/tile_buffering.yaml
cd "$tmp"

# The value of column `name` in row `row` (0 is the first row after the header) of a CSV
# file whose fields hold no commas or quotes (these do not).
cell() {
  awk -F, -v name="$2" -v row="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    NR == row + 2 { if (!(name in col)) exit 1; print $col[name]; found = 1 }
    END { exit found ? 0 : 1 }' "$1"
}

# ---- --advice: the verdict's columns -------------------------------------------------

"$bin" sweep "$scenario" --vary tile.depth=1,2,3 --advice -o advised.csv -j 2 >out.txt
grep -qxF 'sweep: 3 rows in advised.csv (3 run now, 0 resumed), 0 failed' out.txt ||
  fail "unexpected summary line: $(cat out.txt)"
head=point,rep,tile.depth,seed,status,makespan_s,throughput,speedup,bound_s,efficiency
units=core0.MTE2.util,core0.MTE2.bubble_s,core0.VECTOR.util,core0.VECTOR.bubble_s
units=$units,core0.MTE3.util,core0.MTE3.bubble_s
[ "$(head -n 1 advised.csv)" = "$head,bottleneck,bottleneck_gain_s,$units,message,check" ] ||
  fail "the header with --advice is not the figures, the two verdict columns, the units: $(head -n 1 advised.csv)"

# Each row's bottleneck and gain are those of `pipelab run` at the same depth (its JSON
# verdict, whose reals have 15 significant digits: the gain agrees within 1e-12 of it).
for depth in 1 2 3; do
  row=$((depth - 1))
  neck=$(cell advised.csv bottleneck $row) || fail "no bottleneck cell in row $row"
  gain=$(cell advised.csv bottleneck_gain_s $row) || fail "no gain cell in row $row"
  [ -n "$neck" ] || fail "depth $depth: the bottleneck column is empty"
  case "$neck" in
    unit\ * | stage\ * | buffer\ * | queue\ * | pool\ * | link\ * | cores\ * | chain\ *) ;;
    *) fail "depth $depth: '$neck' is not 'KIND NAME'" ;;
  esac
  "$bin" run "$scenario" --set tile.depth=$depth --format json >run$depth.json
  want=$(python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))["verdict"]
b = v["bottleneck"]
print("%s %s|%.17g" % (b["kind"], b["name"], b["gain_s"]))' run$depth.json)
  [ "$neck" = "${want%|*}" ] && awk -v a="$gain" -v b="${want#*|}" \
    'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-12 * b) }' ||
    fail "depth $depth: the row says '$neck|$gain', pipelab run's verdict '$want'"
  awk -v g="$gain" 'BEGIN { exit !(g > 0) }' || fail "depth $depth: gain $gain is not > 0"
done

# Depth 3: VECTOR runs back to back, 16 x 3 us = 48 us between 2 us of TLOAD before and 2 us
# of TSTORE after (the workload's comment): 10 % less VECTOR work saves 4.8 us of 52 us.
[ "$(cell advised.csv bottleneck 2)" = "unit core0.VECTOR" ] ||
  fail "depth 3: expected 'unit core0.VECTOR', got '$(cell advised.csv bottleneck 2)'"
awk -v g="$(cell advised.csv bottleneck_gain_s 2)" \
  'BEGIN { exit !(g > 4.8e-6 * (1 - 1e-9) && g < 4.8e-6 * (1 + 1e-9)) }' ||
  fail "depth 3: gain $(cell advised.csv bottleneck_gain_s 2), expected 4.8 us"

exact=${PL_EXACT_BOTTLENECK:-auto}
if [ "$exact" = auto ]; then
  exact=0
  grep -q '"kind": "buffer"' run1.json && exact=1
fi
if [ "$exact" = 1 ]; then
  for row in 0 1; do
    [ "$(cell advised.csv bottleneck $row)" = "buffer t" ] ||
      fail "depth $((row + 1)): expected 'buffer t' (the slots bind), got '$(cell advised.csv bottleneck $row)'"
  done
else
  echo "note: the tile model offers no buffer variant: depths 1 and 2 not checked for 'buffer t'"
fi

# ---- Without --advice: no verdict columns, the same figures ----------------------------

"$bin" sweep "$scenario" --vary tile.depth=1,2,3 -o plain.csv -j 2 >/dev/null
[ "$(head -n 1 plain.csv)" = "$head,$units,message,check" ] ||
  fail "the header without --advice has changed: $(head -n 1 plain.csv)"
! grep -q '^advice:' plain.csv.sweep || fail "the record of a sweep without --advice has an advice line"
grep -qxF "advice: yes; every row has the verdict's bottleneck and bottleneck_gain_s" \
  advised.csv.sweep || fail "the record of a sweep with --advice does not say so"
# The same rows but for the two verdict columns and the check.
cmp <(cut -d, -f1-10,13-19 advised.csv | tail -n +2) <(cut -d, -f1-17 plain.csv | tail -n +2) ||
  fail "the figures differ with and without --advice"

# ---- --advice with --no-advice ------------------------------------------------------

set +e
"$bin" sweep "$scenario" --vary tile.depth=1,2 --advice --no-advice -o both.csv >out.txt 2>err.txt
status=$?
set -e
[ $status -eq 2 ] || fail "--advice with --no-advice should exit 2, got $status"
[ ! -e both.csv ] || fail "a refused sweep wrote both.csv"
grep -qxF 'pipelab: --advice asks for the verdict search and --no-advice skips it: not both (see pipelab sweep --help)' err.txt ||
  fail "unclear message for --advice with --no-advice: $(cat err.txt)"
set +e
"$bin" run "$scenario" --advice --no-advice >out.txt 2>err.txt
status=$?
set -e
[ $status -eq 2 ] && [ ! -s out.txt ] || fail "run --advice --no-advice should exit 2 and print nothing"
set +e
"$bin" compare "$scenario" --a tile.depth=1 --b tile.depth=2 --advice >out.txt 2>err.txt
status=$?
set -e
[ $status -eq 2 ] || fail "compare --advice should exit 2, got $status"
grep -qxF 'pipelab: --advice belongs to pipelab run, run --reps and sweep (see pipelab compare --help)' err.txt ||
  fail "unclear message for compare --advice: $(cat err.txt)"

# run --advice is the default: the same report.
cmp <("$bin" run "$scenario" --advice) <("$bin" run "$scenario") ||
  fail "run --advice differs from run"

# ---- Resume and merge refuse mixing ------------------------------------------------------

# Resumes FILE (written WAS with or without --advice) by a sweep that runs NOW with or
# without it (the further arguments): refused, exit 2, the file unchanged.
refused_resume() {
  local file=$1 was=$2 now=$3 status msg
  shift 3
  cp "$file" before.csv
  set +e
  "$bin" sweep "$scenario" --vary tile.depth=1,2,3 -o "$file" --resume "$@" >out.txt 2>err.txt
  status=$?
  set -e
  [ $status -eq 2 ] || fail "resuming $file, written $was --advice, $now it: exit $status"
  msg="pipelab: cannot resume $file: it was written $was --advice, this sweep runs $now it;"
  msg="$msg rows with and without the verdict's columns cannot be mixed"
  msg="$msg ($file.sweep records what made it; --force starts it again)"
  grep -qxF "$msg" err.txt || fail "unclear message resuming $file: $(cat err.txt)"
  cmp "$file" before.csv || fail "a refused resume changed $file"
}
cp advised.csv advised.before
refused_resume advised.csv with without
refused_resume plain.csv without with --advice
# The same sweep resumed with --advice finds every row done.
"$bin" sweep "$scenario" --vary tile.depth=1,2,3 -o advised.csv --resume --advice >out.txt
grep -qxF 'sweep: 3 rows in advised.csv (0 run now, 3 resumed), 0 failed' out.txt ||
  fail "resuming with --advice: $(cat out.txt)"
cmp advised.csv advised.before || fail "resuming a finished sweep changed it"

# Shards: one with --advice, one without, are not merged.
"$bin" sweep "$scenario" --vary tile.depth=1,2,3 --shard 0/2 --advice -o s0.csv >/dev/null
"$bin" sweep "$scenario" --vary tile.depth=1,2,3 --shard 1/2 -o s1.csv >/dev/null
if bash "$src/scripts/merge_results.sh" -o merged.csv s0.csv s1.csv 2>err.txt >/dev/null; then
  fail "merged a shard with --advice and one without"
fi
grep -q 'advice' err.txt || fail "the merge refusal does not name --advice: $(cat err.txt)"

# ---- Replications ------------------------------------------------------------------

# Depth 3 has no random durations: every seed has VECTOR as its bottleneck.
"$bin" run "$scenario" --set tile.depth=3 --reps 2 --advice -j 2 >reps.txt
tail -n 2 reps.txt | head -n 1 |
  grep -qxF "bottleneck of each replication (its verdict: the change of it, simulated, that gains most):" ||
  fail "no bottleneck lines in run --reps --advice: $(tail -n 3 reps.txt)"
tail -n 1 reps.txt | grep -qxF '  unit core0.VECTOR: 2 of 2, seeds 1, 2' ||
  fail "unexpected bottleneck line: $(tail -n 1 reps.txt)"
"$bin" run "$scenario" --set tile.depth=3 --reps 2 -j 2 >plain_reps.txt
! grep -q bottleneck plain_reps.txt || fail "run --reps without --advice names a bottleneck"
"$bin" run "$scenario" --set tile.depth=3 --reps 2 --advice --format json |
  python3 -c '
import json, sys
b = json.load(sys.stdin)["bottlenecks"]
assert b == [{"bottleneck": "unit core0.VECTOR", "replications": 2, "seeds": [1, 2]}], b' ||
  fail "unexpected JSON bottlenecks"

# A sweep's summary counts each point's bottlenecks instead of averaging them.
"$bin" sweep "$scenario" --vary tile.depth=3 --reps 2 --advice -o reps.csv >/dev/null
[ "$(cell reps.summary.csv bottleneck 0)" = "unit core0.VECTOR (2)" ] ||
  fail "the summary's bottleneck cell: '$(cell reps.summary.csv bottleneck 0)'"
! head -n 1 reps.summary.csv | grep -q 'bottleneck_mean' ||
  fail "the summary averages the bottleneck's name"
awk -v g="$(cell reps.summary.csv bottleneck_gain_s_mean 0)" \
  'BEGIN { exit !(g > 4.8e-6 * (1 - 1e-9) && g < 4.8e-6 * (1 + 1e-9)) }' ||
  fail "the summary's mean gain is not 4.8 us"

echo "ok"
