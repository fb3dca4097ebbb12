#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Merges the results files of a sweep's shards (pipelab sweep --shard I/N) into one
# file, sorted by point and replication, with its record beside it: the same bytes as
# the sweep run whole (RESULTS.csv and RESULTS.csv.sweep).
#
#   scripts/merge_results.sh -o results.csv shard-0.csv shard-1.csv ...
#
# It refuses, with exit status 2 and a message naming the file and the difference:
# a shard without its record (SHARD.csv.sweep), a shard a sweep is still writing
# (its lock, SHARD.csv.lock, is held), shards of different sweeps (their records
# differ in anything but the scenario's path and the shard: version, configuration,
# --set, --vary, seed, replications, columns), a missing or doubled shard, a shard
# with rows missing (run it again with --resume), a header that is not its record's
# columns, a row that does not match its check (edited or damaged), CRLF line ends and
# a point and replication given twice. The merged file and its record are written to
# temporary names and renamed, so they are whole or absent, with the mode a new file
# gets under the umask.
set -euo pipefail

usage() { echo "usage: $0 -o MERGED.csv SHARD.csv..." >&2; exit 2; }
die() { echo "merge_results: $*" >&2; exit 2; }

out=
if [ "${1:-}" = -o ] && [ $# -ge 3 ]; then
  out=$2
  shift 2
else
  usage
fi
export LC_ALL=C
check_awk=$(cat "$(dirname "$0")/sweep_check.awk")

first= nshards= seen=
for f in "$@"; do
  [ -f "$f" ] && [ -r "$f" ] || die "cannot read $f (not a readable regular file)"
  [ -f "$f.sweep" ] ||
    die "$f has no record ($f.sweep): pipelab sweep writes one beside its results"
  if [ -e "$f.lock" ] && command -v flock >/dev/null && ! flock -n -s "$f.lock" true; then
    die "$f is being written by a sweep (it holds $f.lock): merge it when the sweep has ended"
  fi
  [ ! -s "$f" ] || [ -z "$(tail -c 1 "$f")" ] ||
    die "$f ends with an unfinished row (its sweep was killed): run it again with --resume"
  case $(head -n 1 "$f") in
  *$'\r') die "$f has CRLF (Windows) line ends; pipelab writes LF ends:" \
    "convert it with dos2unix or sed -i 's/\\r\$//'" ;;
  esac
  # Everything in the records but the scenario's path and the shard must be the same.
  if [ -z "$first" ]; then
    first=$f
  elif ! cmp -s <(grep -v -E '^(scenario|seed from|shard): ' "$first.sweep") \
      <(grep -v -E '^(scenario|seed from|shard): ' "$f.sweep"); then
    diff=$(diff <(grep -v -E '^(scenario|seed from|shard): ' "$first.sweep") \
      <(grep -v -E '^(scenario|seed from|shard): ' "$f.sweep") | grep -E '^[<>]' | head -n 2 |
      cut -c3- | cut -c1-300 | paste -sd '|' || true)
    die "$f is not a shard of the same sweep as $first:" \
      "$first.sweep has '${diff%%|*}', $f.sweep has '${diff#*|}'"
  fi
  shard=$(sed -n 's/^shard: //p' "$f.sweep")
  [[ $shard =~ ^[0-9]+/[0-9]+$ ]] || die "$f.sweep: no line 'shard: I/N'"
  n=${shard#*/}
  [ -z "$nshards" ] || [ "$n" = "$nshards" ] ||
    die "$f is shard $shard, $first one of $nshards: not shards of one sweep"
  nshards=$n
  case " $seen " in
  *" ${shard%/*} "*) die "$f is shard $shard, and so is another file given" ;;
  esac
  seen="$seen ${shard%/*}"
done
missing=
for ((i = 0; i < nshards; i++)); do
  case " $seen " in *" $i "*) ;; *) missing="$missing $i" ;; esac
done
[ -z "$missing" ] || die "shard(s)$missing of $nshards missing: merge needs the file of every shard"

mode=$(printf '%o' $((0666 & ~0$(umask))))
tmp=$(mktemp "$out.XXXXXX")
tmprec=$(mktemp "$out.sweep.XXXXXX")
trap 'rm -f "$tmp" "$tmprec"' EXIT
chmod "$mode" "$tmp" "$tmprec"
sed 's|^shard: .*|shard: 0/1|' "$first.sweep" >"$tmprec"
points=$(sed -n 's/^points: //p' "$first.sweep")
reps=$(sed -n 's/^reps: //p' "$first.sweep")
{
  head -n 1 "$first"
  for f in "$@"; do
    # Each shard's header is its record's columns, each row matches its check and is
    # one of the shard's points, and the shard has every row.
    awk -v file="$f" -v points="$points" -v reps="$reps" "$check_awk"'
      function fail(msg) { print "merge_results: " msg > "/dev/stderr"; failed = 1; exit 2 }
      BEGIN { check_init() }
      FNR == NR {
        if (!check_unbound($0)) binding = check_more(binding, $0 "\n")
        if ($0 ~ /^columns: /) columns = substr($0, 10)
        if ($0 ~ /^shard: /) { split(substr($0, 8), s, "/"); shard = s[1]; n = s[2] }
        next
      }
      FNR == 1 {
        h = $0; gsub(/\\/, "\\\\", h)
        if (h != columns)
          fail(file ":1: the header is not its record'"'"'s columns (" file ".sweep)")
        next
      }
      {
        split($0, f, ",")
        if (check_row(binding, $0) != $0)
          fail(file ":" FNR ": the row of point " f[1] " rep " f[2] \
               " does not match its check (the last field): it was edited or damaged")
        if (f[1] % n != shard)
          fail(file ":" FNR ": point " f[1] " is not one of shard " shard "/" n "'"'"'s")
        print; rows++
      }
      END {
        if (failed) exit 2
        want = shard < points ? (int((points - 1 - shard) / n) + 1) * reps : 0
        if (rows != want)
          fail(file " has " rows + 0 " of its shard'"'"'s " want \
               " rows: run its sweep again with --resume")
      }' "$f.sweep" "$f" || exit 2
  done | sort -t, -k1,1n -k2,2n
} >"$tmp"

dup=$(tail -n +2 "$tmp" | cut -d, -f1,2 | uniq -d | head -n 1)
[ -z "$dup" ] || die "point,rep $dup appears more than once"
mv "$tmprec" "$out.sweep"
mv "$tmp" "$out"
trap - EXIT
echo "merge_results: $(($(wc -l <"$out") - 1)) rows from $# files in $out"
