#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What pipelab import costs on the largest trace at hand and on one four times its size:
# wall seconds and peak memory of `pipelab import`, and of `pipelab run` on the scenario
# it writes. The goal (docs/replay.md): a 100 MB trace imports in well under a minute
# in under 2 GB.
#
# The large trace is made from the training trace: its events four times over, each copy
# shifted in time past the one before and its correlation and flow ids offset, so that
# every launch still finds its own kernel. It is written gzip-compressed to a scratch
# folder and removed at the end.
#
# A benchmark, not a test: it checks nothing.
#
#   scripts/bench_import.sh [build dir] [trace]
#   default trace: ../shared/traces/a100_training_steps.json.gz (from the source root)
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
trace=${2:-$root/../shared/traces/a100_training_steps.json.gz}
[ -r "$trace" ] || { echo "bench_import: no trace at $trace" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench_import: needs jq (scripts/setup.sh)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure LABEL COMMAND...: wall seconds and peak resident memory (GNU time).
measure() {
    label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null
    read -r secs kib <"$tmp/time"
    awk -v l="$label" -v s="$secs" -v k="$kib" \
        'BEGIN { printf "%-44s %8.2f s %8.0f MiB\n", l, s, k / 1024 }'
}

big=$tmp/big.json.gz
gzip -dc "$trace" | jq -c '
  (.traceEvents | map(select(.ts != null) | .ts) | (max - min + 1000)) as $span
  | .traceEvents as $ev
  | 100000000 as $off
  | .traceEvents = [range(0; 4) as $k | $ev[]
      | if $k == 0 then .
        else (if .ts != null then .ts += $k * $span else . end)
           | (if .args.correlation != null then .args.correlation += $k * $off else . end)
           | (if .args["External id"] != null then .args["External id"] += $k * $off else . end)
           | (if (.ph == "s" or .ph == "f") then .id += $k * $off else . end)
           | (if ((.name // "") | startswith("ProfilerStep#")) then
                .name = "ProfilerStep#" + ((.name[13:] | tonumber) + $k * 100 | tostring)
              else . end)
        end]' | gzip -1 >"$big"
plain=$(gzip -dc "$trace" | wc -c)
large=$(gzip -dc "$big" | wc -c)
echo "traces: $(basename "$trace") $((plain / 1000000)) MB, four times over $((large / 1000000)) MB"
measure "import $(basename "$trace")" "$build/pipelab" import "$trace" -o "$tmp/one.yaml"
measure "import the trace four times over" "$build/pipelab" import "$big" -o "$tmp/four.yaml"
one=$(wc -c <"$tmp/one.yaml") four=$(wc -c <"$tmp/four.yaml")
echo "scenarios: $((one / 1000)) kB and $((four / 1000)) kB of YAML"
measure "run the imported scenario" "$build/pipelab" run "$tmp/one.yaml" --no-advice
measure "run it with the verdict search" "$build/pipelab" run "$tmp/one.yaml"
measure "run the four-fold one" "$build/pipelab" run "$tmp/four.yaml" --no-advice
