#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by tests/test_cluster_*.sh: the README's sweep commands as the tests run them.
# The sourcing test sets `name` (its file name), `bin` (the program), `src` (the source
# tree) and `fail`.

# The commands of FILE's code block that follow the comment naming this test, up to the
# next blank line or the end of the block; comments are left out.
commands_in() {
  local n
  n=$(grep -c "^# .*tests/$name" "$1" || true)
  [ "$n" -eq 1 ] || fail "$1 has $n comments naming tests/$name in a code block, not 1"
  awk -v name="tests/$name" '
    take && (/^```/ || /^$/) { exit }
    take && !/^#/ { print }
    /^# / && index($0, name) { take = 1 }' "$1"
}

# The README's first sweep command: the first command of the "What-if sweeps" code block.
whole_in() {
  awk '/^## / { s = ($0 == "## What-if sweeps") }
       s && /^```sh/ { b = 1; next }
       b { print; if (!/\\$/) exit }' "$1"
}

# The lines README.md gives this test, the same as docs/sweeps.md's, into `cmds`, checked
# to hold a command matching FIRST and the merge; the README's first sweep command into
# `whole`.
readme_commands() {
  cmds=$(commands_in "$src/README.md")
  local docs
  docs=$(commands_in "$src/docs/sweeps.md")
  [ "$cmds" = "$docs" ] || fail "README.md and docs/sweeps.md give different commands for" \
    "tests/$name:"$'\n'"$(diff <(echo "$cmds") <(echo "$docs") | sed 's/^/    /')"
  { grep -q "$1" <<<"$cmds" && grep -q '^scripts/merge_results.sh ' <<<"$cmds"; } ||
    fail "the lines README.md gives tests/$name are not a command matching '$1' and the merge:
$cmds"
  whole=$(whole_in "$src/README.md")
  grep -q '^build/pipelab sweep .*-o results.csv' <<<"$whole" ||
    fail "README.md's first sweep command is not 'build/pipelab sweep ... -o results.csv': $whole"
}

# Two directories in DIR that stand for clones of pipelab (build/pipelab, workloads/ and
# scripts/ linked from `bin` and `src`), whole/ and sharded/, and the README's first sweep
# command (`whole`) run in whole/.
clones_and_whole() {
  local d
  for d in whole sharded; do
    mkdir -p "$1/$d/build"
    ln -s "$bin" "$1/$d/build/pipelab"
    ln -s "$src/workloads" "$1/$d/workloads"
    ln -s "$src/scripts" "$1/$d/scripts"
  done
  echo "== in whole/:"
  echo "$whole"
  (cd "$1/whole" && bash -euo pipefail -c "$whole") || fail "the whole sweep failed (status $?)"
}

# The merged results and record in DIR/sharded/ equal those of the whole sweep in
# DIR/whole/, byte for byte, and hold the README's 100 points; sets `n`, the rows.
merged_equals_whole() {
  local f
  for f in results.csv results.csv.sweep; do
    [ -f "$1/sharded/$f" ] || fail "the merge wrote no $f"
    if cmp "$1/whole/$f" "$1/sharded/$f"; then
      echo "cmp: the merged $f equals the whole sweep's ($(wc -l <"$1/whole/$f") lines," \
        "$(wc -c <"$1/whole/$f") bytes)"
    else
      diff "$1/whole/$f" "$1/sharded/$f" | head -n 6 | cut -c 1-200 >&2 || true
      fail "the merged $f differs from the whole sweep's"
    fi
  done
  n=$(($(wc -l <"$1/whole/results.csv") - 1))
  [ "$n" -eq 100 ] || fail "the sweep has $n rows, not the README's 100 points"
}
