#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# SIGTERM or SIGINT to a `run` or `sweep` parent ends every child it forked (the SimGrid
# simulations of `run`, a sweep's workers and their SimGrid children) within a second,
# the parent dies of the signal (exit status 128 + its number), and the results file holds
# complete rows only. On the landed code both SimGrid children of `run` went on for
# seconds after the parent was gone (issue 19: "two 500 MB orphans for 15 s").
set -euo pipefail
set -m # each background job in a process group of its own, with SIGINT not ignored

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
scenario=$src/workloads/stream_teaching.yaml
cd "$tmp"
export TMPDIR=$tmp # SimGrid's platform files go here, to be counted

# The processes of group $1 that are alive (zombies are dead: only not yet reaped).
alive_in_group() {
  ps -eo pid=,pgid=,stat= | awk -v g="$1" '$2 == g && $3 !~ /^Z/ { print $1 }'
}

# Waits up to 20 s for process $1 to have a descendant $2 levels down (1: a child, 2: a
# grandchild) that runs a simulation: one that lives on for 0.3 s.
wait_for_descendant() {
  local parent=$1 depth=$2 kids
  for _ in $(seq 60); do
    kids=$(pgrep -P "$parent" || true)
    [ "$depth" = 2 ] && kids=$(for k in $kids; do pgrep -P "$k" || true; done)
    if [ -n "$kids" ]; then
      sleep 0.3
      for k in $kids; do
        kill -0 "$k" 2>/dev/null && return 0
      done
    fi
    sleep 0.05
  done
  fail "process $parent started no process $depth levels down that lived 0.3 s"
}

# interrupt SIGNAL DEPTH COMMAND...: starts the command, waits for its simulating
# descendants, sends SIGNAL to the parent alone and checks that within a second no process
# of its group is left and that the parent died of SIGNAL.
interrupt() {
  local sig=$1 depth=$2
  shift 2
  "$@" >out.txt 2>err.txt &
  local pid=$!
  wait_for_descendant "$pid" "$depth"
  local before
  before=$(alive_in_group "$pid" | wc -l)
  [ "$before" -gt "$depth" ] || fail "$*: only $before processes before SIG$sig"
  kill -"$sig" "$pid"
  local left=""
  for _ in $(seq 20); do
    sleep 0.05
    left=$(alive_in_group "$pid")
    [ -z "$left" ] && break
  done
  [ -z "$left" ] || fail "$* after SIG$sig: processes $(echo $left) still alive after 1 s"
  local status=0
  wait "$pid" || status=$?
  local want=$((128 + $(kill -l "$sig")))
  [ "$status" = "$want" ] || fail "$* after SIG$sig: exit status $status, expected $want"
  # The SimGrid children's platform files are removed with them.
  [ -z "$(ls "$tmp" | grep pipelab-platform || true)" ] || fail "platform files left: $(ls)"
  echo "ok: SIG$sig to $1 $2: $before processes, none left within 1 s, exit $status"
}

# Every line of $1 has the header's number of fields and the file ends with a line break.
complete_rows() {
  local file=$1
  [ -s "$file" ] || fail "$file is empty"
  [ "$(tail -c 1 "$file" | od -An -c | tr -d ' ')" = '\n' ] || fail "$file ends within a row"
  awk -F, 'NR == 1 { n = NF } NF != n { bad++ } END { exit bad > 0 }' "$file" ||
    fail "$file has a row whose field count is not the header's"
  echo "ok: $file holds $(($(wc -l <"$file") - 1)) complete rows"
}

# 300,000 frames take about a second on SimGrid here: the run and its baseline are still
# simulating when the signal comes.
big=(--set stream.frames=300000)
for sig in TERM INT; do
  interrupt "$sig" 1 "$bin" run "$scenario" --engine simgrid "${big[@]}"
  # Two small points finish first and are written; the two large ones are simulating.
  rm -f rows.csv
  interrupt "$sig" 2 "$bin" sweep "$scenario" --set engine=simgrid -j 2 -o rows.csv \
    --vary stream.frames=1000,2000,300000,300001
  complete_rows rows.csv
done

# A signal while a file is being written leaves neither the file nor its temporary: the
# 270 MB trace of 300,000 frames takes about a second to write here.
for sig in TERM INT; do
  "$bin" run "$scenario" "${big[@]}" --trace trace.json >out.txt 2>err.txt &
  pid=$!
  for _ in $(seq 400); do
    ls trace.json.tmp-* >/dev/null 2>&1 && break
    sleep 0.05
  done
  ls trace.json.tmp-* >/dev/null 2>&1 || fail "no temporary trace appeared within 20 s"
  kill -"$sig" "$pid"
  status=0
  wait "$pid" || status=$?
  [ "$status" = $((128 + $(kill -l "$sig"))) ] || fail "trace after SIG$sig: exit $status"
  left=$(ls | grep '^trace\.json' || true)
  [ -z "$left" ] || fail "SIG$sig while writing the trace left: $left"
  echo "ok: SIG$sig while writing the trace: exit $status, no file or temporary left"
done
