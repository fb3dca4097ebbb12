#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What lowering costs: the seconds `pipelab run --timing` reports as "lowering" (loading
# the scenario's workload, drawing its durations, building and finalizing the run graph
# and its baseline) for the dispatch, stream and tile models at about 1e6 tasks per graph
# and the dispatch model at 1e7 per graph, for one or two programs side by side in one
# run (say, the landed build and this one), the programs taking turns, best of REPS (3
# unless set). Columns: tasks simulated (run and baseline), each program's lowering
# seconds and nanoseconds per task, and the ratio of the second to the first.
#
# A benchmark, not a test: it checks nothing.
#
#   scripts/bench_lower.sh PROGRAM [PROGRAM]      e.g. ../main/build/pipelab build/pipelab
#   QUICK=1 scripts/bench_lower.sh ...            leaves out the 1e7-task run
set -eu
[ $# -ge 1 ] || { echo "usage: scripts/bench_lower.sh PROGRAM [PROGRAM]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
reps=${REPS:-3}
programs=
for program in "$@"; do
    [ -x "$program" ] || { echo "bench_lower: no program at $program" >&2; exit 2; }
    programs="$programs $(cd "$(dirname "$program")" && pwd)/$(basename "$program")"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"

# lowering PROGRAM ARGS...: "TASKS SECONDS" of one run's lowering, from --timing.
lowering() {
    program=$1
    shift
    "$program" run "$@" --no-advice --timing 2>&1 >/dev/null |
        awk '/^pipelab: simulated/ { for (i = 1; i < NF; i++) if ($i == "lowering") s = $(i + 1);
                                     print $3, s }'
}

# row LABEL ARGS...: one line of the table; the programs take turns, REPS times.
row() {
    label=$1
    shift
    : >"$tmp/best"
    r=0
    while [ "$r" -lt "$reps" ]; do
        n=1
        for program in $programs; do
            echo "$n $(lowering "$program" "$@")" >>"$tmp/best"
            n=$((n + 1))
        done
        r=$((r + 1))
    done
    awk -v label="$label" '
        { if (!($1 in best) || $3 < best[$1]) best[$1] = $3; tasks = $2; if ($1 > n) n = $1 }
        END {
            printf "%-24s %9d", label, tasks
            for (i = 1; i <= n; i++) printf "  %7.3fs %5.1fns", best[i], best[i] / tasks * 1e9
            if (n > 1) printf "  %6.2f", best[n] / best[1]
            printf "\n"
        }' "$tmp/best"
}

i=1
for program in $programs; do
    echo "program $i: $program"
    i=$((i + 1))
done
echo "lowering, best of $reps         tasks  program 1          [program 2          ratio]"
row "dispatch, 1e6 + 1e6" workloads/dispatch_teaching.yaml --set 'dispatch.ops[0].repeat=250000'
row "stream, 1e6 + 3.3e5" workloads/stream_teaching.yaml --set stream.frames=333333
row "tile, 1e6 + 1e6" workloads/tile_matmul_gelu.yaml --set tile.count=186040 --set tile.cores=1
[ "${QUICK:-0}" = 1 ] ||
    row "dispatch, 1e7 + 1e7" workloads/dispatch_teaching.yaml --set 'dispatch.ops[0].repeat=2500000'
