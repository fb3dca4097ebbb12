#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A sweep's results cannot be mixed, damaged or lost (docs/sweeps.md, "The record and
# the checks"): a second sweep on a file being written is refused; --resume refuses a
# file of another sweep (seed, --set, scenario), an edited row, a header missing a
# column, CRLF line ends and a file without its record, each with its message and exit
# status 2; failed and crashed rows run again on resume; scripts/merge_results.sh
# refuses a missing shard and shards of another seed or scenario, and writes the umask's
# mode; `pipelab summary` refuses a FIFO, a device and a directory at once. Every
# expected message is the one sim/study/sweep_record.c, results.c or merge_results.sh
# writes, in full.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
scenario=$src/workloads/dispatch_teaching.yaml
merge=$src/scripts/merge_results.sh
cd "$tmp"

# expect STATUS MESSAGE COMMAND...: the command exits with STATUS and its standard error
# is MESSAGE, the whole line.
expect() {
  local want=$1 msg=$2 status=0
  shift 2
  "$@" >out.txt 2>err.txt || status=$?
  [ "$status" -eq "$want" ] || fail "$*: exit status $status, expected $want: $(cat err.txt)"
  [ "$(cat err.txt)" = "$msg" ] || fail "$*: said '$(cat err.txt)', expected '$msg'"
}

# 2 x 3 = 6 points of the teaching example: launch threads 1, 2; launch cost 2, 4, 6 us.
vary=(--vary dispatch.threads.launch=1:2:1 --vary 'dispatch.ops[0].launch=2us:6us:2us')
"$bin" sweep "$scenario" "${vary[@]}" -o whole.csv >/dev/null
[ "$(wc -l <whole.csv)" -eq 7 ] || fail "expected a header and 6 rows"
[ -f whole.csv.sweep ] || fail "no record beside the results"
[ ! -e whole.csv.lock ] || fail "the lock file is left behind"

# ---- Two writers at once ---------------------------------------------------------------
# 24 SimGrid points of 2000 ops one at a time take some 2 s here: long enough for a second
# sweep to start while the first writes its rows.
slow=(--engine simgrid --set 'dispatch.ops[0].repeat=2000' --vary dispatch.threads.launch=1:4:1
      --vary 'dispatch.ops[0].launch=2us:12us:2us')
"$bin" sweep "$scenario" "${slow[@]}" -o busy.csv -j 1 >first.txt 2>&1 &
pid=$!
for _ in $(seq 3000); do # 30 s at most
  [ ! -s busy.csv ] || [ "$(wc -l <busy.csv)" -lt 2 ] || break
  sleep 0.01
done
kill -0 $pid 2>/dev/null ||
  fail "the first sweep ended before a second could start: $(cat first.txt)"
busy="pipelab: busy.csv is being written by another sweep (process $pid, which holds busy.csv.lock): wait for it to end, or stop it and run --resume"
expect 2 "$busy" "$bin" sweep "$scenario" "${slow[@]}" -o busy.csv -j 1 --force
expect 2 "$busy" "$bin" sweep "$scenario" "${slow[@]}" -o busy.csv -j 1 --resume
kill -0 $pid 2>/dev/null || fail "the first sweep ended before the second writers were refused"
wait $pid || fail "the first sweep failed: $(cat first.txt)"
grep -q '^sweep: 24 rows in busy.csv (24 run now, 0 resumed), 0 failed$' first.txt ||
  fail "the first sweep did not write its 24 rows: $(cat first.txt)"
[ "$(wc -l <busy.csv)" -eq 25 ] || fail "busy.csv has $(wc -l <busy.csv) lines, expected 25"
[ "$(cut -d, -f1,2 busy.csv | sort -u | wc -l)" -eq 25 ] || fail "busy.csv has a row twice"

# ---- Resuming another sweep's file, or a damaged one -----------------------------------
cp whole.csv r.csv
cp whole.csv.sweep r.csv.sweep
tail="(r.csv.sweep records what made it; --force starts it again)"
expect 2 "pipelab: cannot resume r.csv: it was written with seed 1, this sweep has seed 7 $tail" \
  "$bin" sweep "$scenario" "${vary[@]}" -o r.csv --resume --seed 7
expect 2 "pipelab: cannot resume r.csv: it was written with no --set, this sweep has --set 'dispatch.mode=serial' $tail" \
  "$bin" sweep "$scenario" "${vary[@]}" -o r.csv --resume --set dispatch.mode=serial
# Another scenario with the same keys: its configuration hash (FNV-1a of `pipelab config`)
# differs; both hashes are the record's, read back.
other=$src/workloads/dispatch_five_ops.yaml
"$bin" sweep "$other" "${vary[@]}" -o o.csv >/dev/null 2>&1 || true
ours=$(sed -n 's/^config: //p' r.csv.sweep)
theirs=$(sed -n 's/^config: //p' o.csv.sweep)
[ "$ours" != "$theirs" ] || fail "two scenarios have one configuration hash"
expect 2 "pipelab: cannot resume r.csv: it was written from scenario $scenario with configuration $ours, this sweep has scenario $other with configuration $theirs $tail" \
  "$bin" sweep "$other" "${vary[@]}" -o r.csv --resume
# A figure changed by hand: the row of point 1 (line 3) no longer matches its check.
sed -i '3s/,ok,0\.0012/,ok,0.0013/' r.csv
cmp -s r.csv whole.csv && fail "the edit changed nothing"
expect 2 "pipelab: r.csv:3:1: the row of point 1 rep 0 does not match its check (the last field): it was edited or damaged, or written by another sweep; delete the line and --resume runs it again" \
  "$bin" sweep "$scenario" "${vary[@]}" -o r.csv --resume
# A header missing a column: the 13th, host.infer.bubble_s.
cp whole.csv r.csv
sed -i '1s/,host\.infer\.bubble_s,/,/' r.csv
expect 2 "pipelab: r.csv:1:1: the header lacks column 13, 'host.infer.bubble_s', which its sweep wrote (r.csv.sweep records its columns)" \
  "$bin" sweep "$scenario" "${vary[@]}" -o r.csv --resume
# CRLF line ends: said where the header's CR is (its column: the header's length + 1).
cp whole.csv r.csv
sed -i 's/$/\r/' r.csv
n=$(($(head -n 1 whole.csv | tr -d '\n' | wc -c) + 1))
crlf="r.csv:1:$n: the file has CRLF (Windows) line ends; pipelab writes and reads LF ends: convert it with dos2unix or sed -i 's/\\r\$//'"
expect 2 "pipelab: $crlf" "$bin" sweep "$scenario" "${vary[@]}" -o r.csv --resume
expect 2 "pipelab: $crlf" "$bin" summary r.csv
# No record.
cp whole.csv r.csv
rm r.csv.sweep
expect 2 "pipelab: cannot resume r.csv: r.csv.sweep, the record of the sweep that wrote it, is missing (--force starts the sweep again)" \
  "$bin" sweep "$scenario" "${vary[@]}" -o r.csv --resume

# ---- Failed and crashed rows run again -------------------------------------------------
# Point 2 made crashed and point 4 failed, their figures emptied and their checks made
# again (scripts/sweep_check.awk computes what the sweep writes): resumed, the two run
# again and the file is the whole sweep's, byte for byte.
cp whole.csv.sweep r.csv.sweep
LC_ALL=C awk -F, "$(cat "$src/scripts/sweep_check.awk")"'
  BEGIN { check_init() }
  FNR == NR { if (!check_unbound($0)) b = check_more(b, $0 "\n"); next }
  FNR > 1 && ($1 == 2 || $1 == 4) {
    row = $1 "," $2 "," $3 "," $4 "," $5 "," ($1 == 2 ? "crashed" : "failed")
    for (i = 7; i < NF - 1; i++) row = row ","
    $0 = check_row(b, row ",point " $1 " was killed by SIGKILL,0")
  }
  FNR > 1 { print }
  FNR == 1 { print }' whole.csv.sweep whole.csv >r.csv
[ "$(grep -c ',crashed,' r.csv)" -eq 1 ] && [ "$(grep -c ',failed,' r.csv)" -eq 1 ] ||
  fail "the forged rows are not in r.csv"
expect 0 "" "$bin" sweep "$scenario" "${vary[@]}" -o r.csv --resume
grep -qx 'sweep: 6 rows in r.csv (2 run now, 4 resumed), 0 failed' out.txt ||
  fail "resume did not run the failed and crashed rows again: $(cat out.txt)"
cmp r.csv whole.csv || fail "resumed, the file differs from the whole sweep's"

# ---- Merging shards --------------------------------------------------------------------
for i in 0 1 2; do
  "$bin" sweep "$scenario" "${vary[@]}" -o "s$i.csv" --shard "$i/3" >/dev/null
done
expect 0 "" bash -c "umask 022 && '$merge' -o m.csv s0.csv s1.csv s2.csv"
cmp m.csv whole.csv || fail "the merged shards differ from the whole sweep"
cmp m.csv.sweep whole.csv.sweep || fail "the merged record differs from the whole sweep's"
[ "$(stat -c %a m.csv)" = 644 ] || fail "the merged file has mode $(stat -c %a m.csv), not 644"
[ "$(stat -c %a m.csv.sweep)" = 644 ] || fail "the merged record has mode $(stat -c %a m.csv.sweep)"
expect 2 "merge_results: shard(s) 2 of 3 missing: merge needs the file of every shard" \
  "$merge" -o m2.csv s0.csv s1.csv
"$bin" sweep "$scenario" "${vary[@]}" -o t1.csv --shard 1/3 --seed 4 >/dev/null
expect 2 "merge_results: t1.csv is not a shard of the same sweep as s0.csv: s0.csv.sweep has 'seed: 1', t1.csv.sweep has 'seed: 4'" \
  "$merge" -o m2.csv s0.csv t1.csv s2.csv
"$bin" sweep "$other" "${vary[@]}" -o u1.csv --shard 1/3 >/dev/null 2>&1 || true
expect 2 "merge_results: u1.csv is not a shard of the same sweep as s0.csv: s0.csv.sweep has 'config: $ours', u1.csv.sweep has 'config: $theirs'" \
  "$merge" -o m2.csv s0.csv u1.csv s2.csv
cp s1.csv e1.csv
cp s1.csv.sweep e1.csv.sweep
sed -i '2s/,ok,0\.0012/,ok,0.0013/' e1.csv
cmp -s e1.csv s1.csv && fail "the edit of e1.csv changed nothing"
expect 2 "merge_results: e1.csv:2: the row of point 1 rep 0 does not match its check (the last field): it was edited or damaged" \
  "$merge" -o m2.csv s0.csv e1.csv s2.csv
[ ! -e m2.csv ] && [ ! -e m2.csv.sweep ] || fail "a refused merge left a file"

# ---- Reading only regular files --------------------------------------------------------
mkfifo fifo
expect 2 "pipelab: cannot read fifo: a FIFO (named pipe), not a regular file" timeout 10 "$bin" summary fifo
expect 2 "pipelab: fifo is not a regular file: a sweep writes its results, their record and their lock beside it, and replaces it by rename" \
  timeout 10 "$bin" sweep "$scenario" "${vary[@]}" -o fifo --force
[ -p fifo ] && [ ! -e fifo.lock ] && [ ! -e fifo.sweep ] || fail "the sweep on a FIFO changed something"
expect 2 "pipelab: cannot read /dev/zero: a character device, not a regular file" \
  timeout 10 "$bin" summary /dev/zero
expect 2 "pipelab: cannot read .: Is a directory" timeout 10 "$bin" summary .

echo "test_sweep_refusals.sh: all checks passed"
