#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every file in tests/bad_inputs/ is one class of bad input. Its comment lines say what
# it must produce:
#   # error: MESSAGE     the whole of stderr is "pipelab: MESSAGE" (one line)
#   # args: ARGS         the command (default: run {} -o {out}/run --trace {out}/trace.json)
# where {} is the file's path relative to the source tree (the test runs there) and
# {out} an empty scratch folder. For each one pipelab must exit with status 2, print
# exactly that message and nothing on stdout, take at most MAX_SECONDS and MAX_KIB of
# memory, and leave nothing behind: {out} and tests/bad_inputs/ stay as they were.
#
# Two classes are made here rather than kept in the tree: a 100 MB scenario (and the
# same as a machine file) and a scenario file that does not exist.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
MAX_SECONDS=${MAX_SECONDS:-10}
MAX_KIB=${MAX_KIB:-524288} # 512 MiB: a sanitizer build's runtime included
cd "$src"

command -v /usr/bin/time >/dev/null || fail "/usr/bin/time is needed (package time)"
failures=0
fail() { echo "FAIL: $1: $2" >&2; failures=$((failures + 1)); }

# Runs one case: name, expected message, then the command's arguments.
check() {
  local name=$1 want=$2
  shift 2
  local out=$tmp/out
  rm -rf "$out" && mkdir "$out"
  local args=("${@//\{out\}/$out}")
  local before
  before=$(ls -la tests/bad_inputs tests/bad_inputs/parts)
  local status=0
  /usr/bin/time -f '%e %M' -o "$tmp/usage" "$bin" "${args[@]}" >"$tmp/stdout" 2>"$tmp/stderr" ||
    status=$?
  local seconds kib failed=$failures
  read -r seconds kib < <(tail -n 1 "$tmp/usage") || true # after "Command exited with ..."
  [ "$status" -eq 2 ] || fail "$name" "exit status $status, expected 2"
  [ "$(cat "$tmp/stderr")" = "pipelab: $want" ] ||
    fail "$name" "stderr is
  $(cat "$tmp/stderr")
expected
  pipelab: $want"
  [ ! -s "$tmp/stdout" ] || fail "$name" "printed on stdout: $(head -c 200 "$tmp/stdout")"
  awk -v s="$seconds" -v max="$MAX_SECONDS" 'BEGIN { exit !(s <= max) }' ||
    fail "$name" "took $seconds s, more than $MAX_SECONDS s"
  [ "${kib:-0}" -le "$MAX_KIB" ] || fail "$name" "took $kib KiB, more than $MAX_KIB KiB"
  [ -z "$(ls -A "$out")" ] || fail "$name" "left files behind: $(ls -A "$out")"
  [ "$before" = "$(ls -la tests/bad_inputs tests/bad_inputs/parts)" ] ||
    fail "$name" "changed tests/bad_inputs/"
  [ "$failures" -gt "$failed" ] || echo "ok  $name  (${seconds} s, ${kib} KiB)"
}

cases=0
for file in tests/bad_inputs/*.*; do
  name=$(basename "$file")
  want=$(sed -n 's/^# error: //p' "$file")
  [ -n "$want" ] || { fail "$name" "has no '# error:' line"; continue; }
  line=$(sed -n 's/^# args: //p' "$file")
  [ -n "$line" ] || line='run {} -o {out}/run --trace {out}/trace.json'
  read -r -a args <<<"$line"
  check "$name" "${want//\{\}/$file}" "${args[@]//\{\}/$file}"
  cases=$((cases + 1))
done

# A 100 MB file, as the scenario and as its machine: refused after reading 16 MiB.
huge=$tmp/huge.yaml
{
  printf 'model: dispatch\nmachine: ../configs/gpu_server.yaml\n'
  head -c 100000000 /dev/zero | tr '\0' '#'
} >"$huge"
check "huge file (100 MB)" \
  "$huge: cannot read: larger than 16 MiB; a scenario or machine file is a few KiB, so this is not one" \
  run "$huge" -o "{out}/run"
check "huge machine file (100 MB)" \
  "--set 'machine=$huge':1:1: key 'machine': cannot read '$huge': larger than 16 MiB; a scenario or machine file is a few KiB, so this is not one" \
  run workloads/dispatch_teaching.yaml --set "machine=$huge" -o "{out}/run"
check "missing scenario" "tests/bad_inputs/no_such_file.yaml: cannot read: No such file or directory" \
  run tests/bad_inputs/no_such_file.yaml -o "{out}/run"
cases=$((cases + 3))

[ "$cases" -ge 30 ] || fail "corpus" "only $cases cases; tests/bad_inputs/ lost files"
[ "$failures" -eq 0 ] || { echo "$failures of $cases bad inputs misbehaved" >&2; exit 1; }
echo "all $cases bad inputs refused with exit status 2 and their message"
