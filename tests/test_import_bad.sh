#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# pipelab import on bad input (docs/reliability.md, "Bad input"): a file that is not
# JSON, a truncated gzip file, a trace with no device activity, JSON of no profiler format
# it knows, a flow that points nowhere, a negative duration, a trace longer than a
# scenario's times may be, a missing file, and bad command lines. Each exits
# with status 2 and one message naming the file and what was expected (the words below are
# sim/import's and sim/options.c's), and no scenario file is written.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
cd "$tmp"

failures=0
fail() { echo "FAIL: $1: $2" >&2; failures=$((failures + 1)); }

# refused NAME WORDS ARGS...: pipelab import ARGS exits 2, its message holds WORDS, and
# out.yaml was not written.
refused() {
  local name=$1 words=$2 status=0
  shift 2
  rm -f out.yaml
  "$bin" import "$@" >stdout.txt 2>stderr.txt || status=$?
  if [ "$status" != 2 ]; then
    fail "$name" "exit status $status, expected 2 ($(cat stderr.txt))"
  elif ! grep -qF -- "$words" stderr.txt; then
    fail "$name" "the message does not say '$words': $(cat stderr.txt)"
  elif [ -e out.yaml ]; then
    fail "$name" "a scenario file was written"
  else
    echo "ok  $name: $(head -n 1 stderr.txt)"
  fi
}

printf 'this is not JSON\n' >notjson.json
refused "not JSON" "notjson.json:1:1" notjson.json -o out.yaml

gzip -c "$src/tests/data/import/hand_step.json" | head -c 200 >truncated.json.gz
refused "truncated gzip" "truncated.json.gz" truncated.json.gz -o out.yaml

cat >nodevice.json <<'JSON'
{"traceEvents": [
  {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 10, "dur": 5}
]}
JSON
refused "no device activity" "no device activity" nodevice.json -o out.yaml

printf '{"hello": [1, 2, 3]}\n' >unknown.json
refused "unknown format" "expected a Chrome-trace-format profiler trace" unknown.json -o out.yaml

hand=$src/tests/data/import/hand_step.json
sed 's/"ph": "f", "id": 2,/"ph": "f", "id": 99,/' "$hand" >dangling.json
refused "a flow that points nowhere" "points nowhere" dangling.json -o out.yaml

sed 's/"ts": 1063, "dur": 10,/"ts": 1063, "dur": -10,/' "$hand" >negative.json
refused "a negative duration" \
  "negative.json:14:5: key 'dur': expected a duration in microseconds, 0 or more, found '-10'" \
  negative.json -o out.yaml

# A step of 2e6 s: the scenario's times (at most 1e6 s, sim/common/units.c) could not hold
# it, so the import refuses it rather than write a scenario that does not load.
sed 's/"name": "ProfilerStep#1", "pid": 100, "tid": 100, "ts": 1000, "dur": 100,/"name": "ProfilerStep#1", "pid": 100, "tid": 100, "ts": 1000, "dur": 2000000000000,/' \
  "$hand" >long.json
refused "a trace of more than 1e6 s" \
  "long.json:5:5: expected a trace whose events span at most 1e6 s (a scenario's times are at most that), found an event ending 2e+06 s after the first began" \
  long.json -o out.yaml

refused "missing file" "missing.json" missing.json -o out.yaml
refused "no trace" "pipelab import needs a trace file" -o out.yaml
refused "an option of run" "pipelab import takes a trace" "$src/tests/data/import/hand_step.json" \
  --gantt -o out.yaml
refused "bad --steps" "--steps expects FIRST:LAST" "$src/tests/data/import/hand_step.json" \
  --steps 3 -o out.yaml
[ "$failures" = 0 ] || exit 1
