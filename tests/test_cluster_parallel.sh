#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README's GNU parallel commands for a sharded sweep, run as they are written there:
# the lines that follow the comment naming this test in README.md's "What-if sweeps"
# code block (docs/sweeps.md, "Many machines", must have the same lines). They run the
# four shards of the dispatch teaching sweep (100 points) in this machine's job slots,
# two at a time, then merge them with scripts/merge_results.sh. The merged results.csv
# and its record (results.csv.sweep) must equal, byte for byte, those of the same sweep
# run whole by the README's first sweep command. Without GNU parallel the test fails
# (scripts/setup.sh --cluster installs it); it never skips.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
name=test_cluster_parallel.sh

if ! command -v parallel >/dev/null 2>&1; then
  fail "GNU parallel is not installed: scripts/setup.sh --cluster installs it"
fi
if ! parallel --version 2>/dev/null | head -n 1 | grep -q '^GNU parallel'; then
  fail "$(command -v parallel) is not GNU parallel (moreutils has another program of that" \
    "name): scripts/setup.sh --cluster installs Debian's parallel"
fi

# shellcheck source=tests/readme_commands.sh
. "$(dirname "$0")/readme_commands.sh"
readme_commands '^parallel '

# Two clones of pipelab, whole/ and sharded/; the README's first sweep command in whole/.
clones_and_whole "$tmp"
echo "== in sharded/:"
echo "$cmds"
start=$EPOCHREALTIME
(cd "$tmp/sharded" && bash -euo pipefail -c "$cmds") ||
  fail "the README's parallel commands failed (status $?)"
echo "== the shards and their merge took $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }') s"

merged_equals_whole "$tmp"
ls "$tmp/sharded"/shard-{0,1,2,3}.csv >/dev/null || fail "a shard's file is missing"
echo "ok: 4 shards over GNU parallel merged into the whole sweep's $n rows"
