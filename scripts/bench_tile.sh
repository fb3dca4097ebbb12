#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What the tile model's advice costs: each tile run with and without the advice (the
# verdict and the depth search; `--no-advice`), for one or two programs side by side in
# one run (say, the landed build and this one): wall seconds of the whole command (best
# of REPS, 3 unless set, the programs taking turns), the advice's own cost (with minus
# without) and its ratio to the main run (lowering, executing and measuring: the run
# without advice); the same ratio of CPU seconds (the process and its SimGrid children,
# best of REPS), steadier than wall time on a loaded machine. Then what the advice
# simulated: the verdict's changes (simulated / candidates, from the JSON report) and
# the depth search's trial kernels (the graphs handed to the session's trier, counted
# with gdb when it is installed, else "-").
# The goal: advice / main at most 1 on the 24-core GEMM.
#
# A benchmark, not a test: it checks nothing.
#
#   scripts/bench_tile.sh PROGRAM [PROGRAM]      e.g. ../main/build/pipelab build/pipelab
set -eu
[ $# -ge 1 ] || { echo "usage: scripts/bench_tile.sh PROGRAM [PROGRAM]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
reps=${REPS:-3}
programs=
for program in "$@"; do
    [ -x "$program" ] || { echo "bench_tile: no program at $program" >&2; exit 2; }
    programs="$programs $(cd "$(dirname "$program")" && pwd)/$(basename "$program")"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"

# measure PROGRAM ARGS...: "WALL CPU" seconds of one pipelab run: wall to the nanosecond,
# CPU (to the hundredth, /usr/bin/time's) with the children, where SimGrid runs; CPU
# seconds are disturbed less by other load on a shared machine.
measure() {
    program=$1
    shift
    t0=$(date +%s.%N)
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$program" run "$@" >/dev/null 2>&1
    awk -v a="$t0" -v b="$(date +%s.%N)" '{ print b - a, $1 + $2 }' "$tmp/time"
}

# simulated PROGRAM ARGS...: "simulated/candidates" from the JSON verdict.
simulated() {
    program=$1
    shift
    "$program" run "$@" --format json 2>/dev/null |
        awk '/"candidates":/ { gsub(/[^0-9]/, ""); c = $0 }
             /"simulated":/ { gsub(/[^0-9]/, ""); s = $0 }
             END { print s "/" c }'
}

# trials PROGRAM ARGS...: how many graphs the model's advice handed to the trier.
trials() {
    program=$1
    shift
    if ! command -v gdb >/dev/null 2>&1; then
        echo -
        return
    fi
    printf '%s\n' 'set pagination off' 'break try_graphs' 'commands' 'silent' \
        'printf "TRIED %lu\n", n' 'continue' 'end' 'run' >"$tmp/count.gdb"
    gdb -q -batch -x "$tmp/count.gdb" --args "$program" run "$@" 2>/dev/null |
        awk '/^TRIED / { n += $2 } END { print n + 0 }'
}

bench() {
    label=$1
    shift
    i=0
    for program in $programs; do
        i=$((i + 1))
        : >"$tmp/without.$i"
        : >"$tmp/with.$i"
    done
    for _ in $(seq "$reps"); do
        i=0
        for program in $programs; do
            i=$((i + 1))
            measure "$program" "$@" --no-advice >>"$tmp/without.$i"
            measure "$program" "$@" >>"$tmp/with.$i"
        done
    done
    i=0
    for program in $programs; do
        i=$((i + 1))
        without=$(sort -g "$tmp/without.$i" | head -n 1 | cut -d' ' -f1)
        with=$(sort -g "$tmp/with.$i" | head -n 1 | cut -d' ' -f1)
        cpu_without=$(cut -d' ' -f2 "$tmp/without.$i" | sort -g | head -n 1)
        cpu_with=$(cut -d' ' -f2 "$tmp/with.$i" | sort -g | head -n 1)
        awk -v l="$label" -v p="$i" -v a="$without" -v b="$with" -v ca="$cpu_without" \
            -v cb="$cpu_with" -v s="$(simulated "$program" "$@")" \
            -v t="$(trials "$program" "$@")" 'BEGIN {
            r = a > 0 ? sprintf("%6.2f", (b - a) / a) : "     -"
            cr = ca > 0 ? sprintf("%6.2f", (cb - ca) / ca) : "     -"
            printf "%-38s %-3s %8.3fs %8.3fs %8.3fs %s %7.2fs %7.2fs %s %7s %6s\n",
                   l, p, a, b, b - a, r, ca, cb, cr, s, t }'
    done
}

i=0
for program in $programs; do
    i=$((i + 1))
    echo "program $i: $program"
done
printf '%-38s %-3s %9s %9s %9s %6s %8s %8s %6s %7s %6s\n' run "" without with advice ratio \
    "cpu w/o" "cpu with" ratio verdict depths

bench "tile_gemm.yaml --set tile.cores=24" workloads/tile_gemm.yaml --set tile.cores=24
bench "tile_gemm.yaml" workloads/tile_gemm.yaml
bench "tile_buffering.yaml" workloads/tile_buffering.yaml
bench "tile_buffering.yaml, 1e5 tiles" workloads/tile_buffering.yaml --set tile.count=100000
bench "tile_matmul_gelu.yaml, 1e6 tasks" workloads/tile_matmul_gelu.yaml \
    --set tile.count=186040 --set tile.cores=1
bench "tile_matmul_gelu.yaml, 1e6 tasks, 24c" workloads/tile_matmul_gelu.yaml \
    --set tile.count=186040 --set tile.cores=24
