#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by tests/test_cluster_*.sh: the README's sweep commands as the tests run them.
# The sourcing test sets `name` (its file name), `src` (the source tree) and `fail`.

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
