#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The stream model against real StreamPU runs: every configuration of
# tests/data/stream/streampu_measured.csv (StreamPU v1.8.1 on a 2-core machine; the file
# says how it was measured) written as a scenario and run, with what pipelab predicts
# beside what was measured. A figure, not a test: it prints, it checks nothing.
#
# Each row becomes a `model: stream` scenario on a host of 2 cores: its chain of tasks at
# their costs, cut into its stages with their threads (a sequence is the whole chain as
# one stage on its threads: frames go round-robin to independent copies), its pool size
# and waiting mode, FRAMES frames (default 4000). A task of the `sleep` mode is a
# `kind: sleep` task (it holds no core) of the length its sleep_for call lasted, not its
# nominal one: on that machine sleep_for(500 us) lasted 595-606 us and sleep_for(1000 us)
# 1,094-1,101 us, so OVERSHOOT (default 100) us more. A pipeline's adaptors cost ADAPTOR
# (default 0.25) us of host time per push and per pull: with zero-cost tasks, one boundary
# and a 1-buffer pool (Z_2st_u1_act) a frame took 0.51 us, a push and a pull one after the
# other, so that row calibrates this cost and checks nothing. With passive waiting a push
# or a pull also takes the pool's mutex and signals its condition variable, which the
# thread on the other side of the pool takes and signals too: SIGNAL (default 0.14) us
# more, what `tests/perf/sched_probe signal 2.2 200000` measured on a 2-core machine of
# the same kind (0.14 to 0.15 us, against 0.01 to 0.02 us for one thread alone). With
# active waiting both threads of a pair poll the pool's counters, whose cache lines then
# move between their cores for every frame: a pair passes at most one frame per HANDOVER
# (default 0.45) us (stream.handover), what a bare 16-slot ring between two spinning
# threads passed on a machine of the same kind (`tests/perf/sched_probe pipeline 2 16
# 2000000 work 0`: 2.16 to 2.65 million frames/s in nine runs, median 2.24 million).
# Waking costs are the machine's defaults (machine.host.scheduler), measured on the same
# machine. Columns: the label; frames/s measured (median, min-max); pipelab's (frames
# over the makespan: with the fill and the drain of FRAMES frames, which the measured
# rate of a long run hardly has); the error against the median; the engine of the run.
#
#   scripts/streampu_table.sh [PROGRAM]      (PROGRAM defaults to build/pipelab)
set -euo pipefail
cd "$(dirname "$0")/.."
prog=${1:-build/pipelab}
frames=${FRAMES:-4000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# scenario ROW: the scenario of one CSV row, on standard output.
scenario() {
    local label mode exec costs stages threads buffer waiting pin
    IFS=, read -r label mode exec costs stages threads buffer waiting pin _ <<<"$1"
    IFS=';' read -ra c <<<"$costs"
    IFS=';' read -ra s <<<"$stages"
    IFS=';' read -ra t <<<"$threads"
    printf 'model: stream\nname: %s\nmachine:\n  host: {cores: 2}\nstream:\n  frames: %s\n' \
        "$label" "$frames"
    echo "  tasks:"
    for i in "${!c[@]}"; do
        if [ "$mode" = sleep ] && [ "${c[$i]}" != 0 ]; then
            printf '    - {name: t%d, latency: %sus, kind: sleep}\n' "$i" \
                "$(awk -v c="${c[$i]}" -v o="${OVERSHOOT:-100}" 'BEGIN { print c + o }')"
        else
            printf '    - {name: t%d, latency: %sus}\n' "$i" "${c[$i]}"
        fi
    done
    echo "  stages:"
    if [ "$exec" = sequence ]; then
        printf '    - {tasks: %d, threads: %s}\n' "${#c[@]}" "${t[0]}"
    else
        for i in "${!s[@]}"; do
            printf '    - {tasks: %s, threads: %s}\n' "${s[$i]}" "${t[$i]}"
        done
        printf '  buffer: %s\n  waiting: %s\n  adaptor_cost: %sus\n' "$buffer" "$waiting" \
            "$(awk -v a="${ADAPTOR:-0.25}" -v s="${SIGNAL:-0.14}" -v w="$waiting" \
                'BEGIN { print w == "passive" ? a + s : a }')"
        if [ "$waiting" = active ]; then
            printf '  handover: %sus\n' "${HANDOVER:-0.45}"
        fi
    fi
}

printf '%-20s %6s %23s %12s %8s  %s\n' label mode "measured (min-max)" pipelab error engine
grep -v '^#' tests/data/stream/streampu_measured.csv | tail -n +2 | while IFS= read -r row; do
    IFS=, read -r label mode _ _ _ _ _ _ _ median lo hi <<<"$row"
    scenario "$row" >"$tmp/s.yaml"
    "$prog" run "$tmp/s.yaml" --format json --no-advice >"$tmp/r.json"
    tp=$(jq -r '.throughput_per_s // "inf"' "$tmp/r.json")
    engine=$(jq -r '.engine.name' "$tmp/r.json")
    err=$(awk -v p="$tp" -v m="$median" 'BEGIN { if (p == "inf") print "-"; else printf "%+.1f %%", (p / m - 1) * 100 }')
    printf '%-20s %6s %9s (%s-%s) %12s %8s  %s\n' "$label" "$mode" "$median" "$lo" "$hi" \
        "$(awk -v p="$tp" 'BEGIN { if (p == "inf") print p; else printf "%.0f", p }')" "$err" "$engine"
done
