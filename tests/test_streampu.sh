#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The stream model against real StreamPU runs: every configuration of
# tests/data/stream/streampu_measured.csv (StreamPU v1.8.1 on a 2-core Linux machine, five
# runs each; the file says how they were measured), built as a scenario by
# scripts/streampu_table.sh and run, its frames/s held to the measured median: within 5 %
# where threads fit the cores, wait passively or sleep, within 15 % where more threads
# spin than there are cores (the measured spread there is itself up to 10 %). Waking costs
# are the machine's defaults, measured on the same machine; the adaptors' cost per push and
# pull (0.25 us) is calibrated on Z_2st_u1_act, which therefore checks nothing; with
# passive waiting each push and pull also takes the pool's lock and signals (0.14 us more),
# and with active waiting a pair of threads passes at most one frame per 0.45 us
# (stream.handover), both measured apart from StreamPU by tests/perf/sched_probe (the
# script says how).
#
# The configurations the model does not reproduce yet are listed below with the reason;
# each must still be outside its tolerance (the test fails when one comes within it, so
# that the list only ever shrinks).
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
need_jq

# label<TAB>why it is not reproduced yet
not_yet=$(
    cat <<'EOF'
S_4st_u16_act	sleeping threads woken onto cores held by spinners: the model wakes each thread at its own time and runs at the ideal rate; on the machine woken threads queue for up to a few ms behind a thread that spins (scripts/sched_trace.sh traces it: counted per 100 ms a machine of the kind passes either about 500 frames/s, two a 4 ms tick, its threads in step and one spinning to the tick with the thread it waits for queued behind it, or about 1,650, and moves between the two; the model passes the fast rate: docs/stream.md), and its runs spread from 567 to 938 frames/s
Z_121_u16_pas	zero-cost tasks on two middle threads: 17 % slow, not understood yet (in the model the source fills both middle threads' rings, 32 frames, then sleeps and waits 48.5 us for each refill, its waker's 14 us and its own 35 us; on StreamPU's machine these four threads passed frames 2.4 times as fast as the two of Z_2st_u16_pas, where tests/perf/sched_probe fan on a machine of the kind passes them about half as fast: docs/stream.md)
EOF
)

cd "$src"
table=$(scripts/streampu_table.sh "$bin")
echo "$table"
echo "$table" | awk -F'\t' -v list="$not_yet" '
    BEGIN {
        n = split(list, lines, "\n")
        for (i = 1; i <= n; i++) { split(lines[i], f, "\t"); why[f[1]] = f[2] }
        FS = " +"
    }
    NR == 1 { next }
    {
        label = $1; median = $3; got = $5; engine = $NF
        tol = (label ~ /_act$/ && engine == "simgrid") ? 0.15 : 0.05
        err = got == "inf" ? 1e9 : got / median - 1
        within = err <= tol && err >= -tol
        rows++
        if (label in why) {
            if (within) { printf "FAIL: %s is now within %.0f %%: take it off the list\n", label, tol * 100; bad++ }
            else { printf "not yet: %-20s %s\n", label, why[label]; skipped++ }
        } else if (!within) {
            printf "FAIL: %s: %s frames/s against %s measured, beyond %.0f %%\n", label, got, median, tol * 100
            bad++
        } else ok++
        seen[label] = 1
    }
    END {
        for (l in why) if (!(l in seen)) { printf "FAIL: %s is not in the table\n", l; bad++ }
        printf "%d configurations: %d within tolerance, %d not reproduced yet, %d failed\n", rows, ok, skipped, bad
        if (rows != 33) { print "FAIL: expected the 33 configurations"; bad++ }
        exit bad > 0
    }'
