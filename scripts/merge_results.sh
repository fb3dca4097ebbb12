#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Merges the results files of a sweep's shards (pipelab sweep --shard I/N) into one
# file, sorted by point and replication: the same bytes as the sweep run whole.
#
#   scripts/merge_results.sh -o results.csv shard-0.csv shard-1.csv ...
#
# Every shard must have the same header (the same sweep), and no point and
# replication may appear twice. The merged file is written to a temporary name
# and renamed, so it is whole or absent. It says how many rows it merged and,
# when the shards do not cover every point, nothing else: run each shard again
# with --resume to finish it.
set -euo pipefail

usage() { echo "usage: $0 -o MERGED.csv SHARD.csv..." >&2; exit 2; }

out=
if [ "${1:-}" = -o ] && [ $# -ge 3 ]; then
  out=$2
  shift 2
else
  usage
fi

header=
for f in "$@"; do
  [ -r "$f" ] || { echo "merge_results: cannot read $f" >&2; exit 2; }
  h=$(head -n 1 "$f")
  if [ -z "$header" ]; then
    header=$h
  elif [ "$h" != "$header" ]; then
    echo "merge_results: $f has another header than $1: not a shard of the same sweep" >&2
    exit 2
  fi
done

tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
{
  printf '%s\n' "$header"
  # Whole lines only: a shard killed while writing may end with an unfinished one.
  for f in "$@"; do
    if [ -n "$(tail -c 1 "$f")" ]; then tail -n +2 "$f" | sed '$d'; else tail -n +2 "$f"; fi
  done | LC_ALL=C sort -t, -k1,1n -k2,2n
} > "$tmp"

dup=$(tail -n +2 "$tmp" | cut -d, -f1,2 | uniq -d | head -n 1)
if [ -n "$dup" ]; then
  echo "merge_results: point,rep $dup appears more than once" >&2
  exit 2
fi
mv "$tmp" "$out"
trap - EXIT
echo "merge_results: $(($(wc -l < "$out") - 1)) rows from $# files in $out"
