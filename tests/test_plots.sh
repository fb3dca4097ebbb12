#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The plotting scripts: scripts/plot_gantt.sh draws the intervals.csv that
# `pipelab run -o DIR` writes (the five-op dispatch example, run and baseline),
# scripts/plot_sweep.sh draws the sample sweep results in tests/data/sweep with
# and without a GROUP column; both write a PNG and an SVG, and refuse a missing
# file or a column the results do not have with exit status 2 and a message
# naming it. Skipped when gnuplot is not installed.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "skipped: no gnuplot"
    exit 0
fi
cd "$tmp"

# A PNG starts with the 8 bytes 89 50 4E 47 0D 0A 1A 0A (the PNG specification, 5.2).
is_png() {
    [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}
is_svg() {
    [ -s "$1" ] && grep -q '<svg' "$1" && grep -q '</svg>' "$1"
}

# ---- plot_gantt.sh -----------------------------------------------------------------
"$bin" run "$src/workloads/dispatch_five_ops.yaml" -o run >/dev/null
[ -s run/intervals.csv ] || fail "pipelab run -o run wrote no intervals.csv"
head -n 1 run/intervals.csv | grep -qx 'run,unit,task,start_s,end_s,kind,cause,item' ||
    fail "intervals.csv does not start with its header"
bash "$src/scripts/plot_gantt.sh" run >out.txt
is_png run/gantt.png || fail "plot_gantt.sh wrote no PNG at run/gantt.png"
is_svg run/gantt.svg || fail "plot_gantt.sh wrote no SVG at run/gantt.svg"
bash "$src/scripts/plot_gantt.sh" run chart.png >out.txt
is_png chart.png || fail "plot_gantt.sh run chart.png wrote no chart.png"
is_svg chart.svg || fail "plot_gantt.sh run chart.png wrote no chart.svg"

mkdir empty
status=0
bash "$src/scripts/plot_gantt.sh" empty >out.txt 2>err.txt || status=$?
[ "$status" -eq 2 ] || fail "plot_gantt.sh without intervals.csv: exit status $status, expected 2"
grep -q 'intervals.csv' err.txt || fail "plot_gantt.sh without intervals.csv does not say so: $(cat err.txt)"

# ---- plot_sweep.sh -----------------------------------------------------------------
cp "$src/tests/data/sweep/dispatch_launch.csv" results.csv
bash "$src/scripts/plot_sweep.sh" results.csv 'dispatch.ops[0].launch' makespan_s dispatch.threads.launch >out.txt
is_png 'results-makespan_s-vs-dispatch.ops_0_.launch.png' ||
    fail "plot_sweep.sh with GROUP wrote no PNG: $(ls)"
is_svg 'results-makespan_s-vs-dispatch.ops_0_.launch.svg' || fail "plot_sweep.sh with GROUP wrote no SVG"
bash "$src/scripts/plot_sweep.sh" results.csv dispatch.threads.launch throughput >out.txt
is_png results-throughput-vs-dispatch.threads.launch.png || fail "plot_sweep.sh without GROUP wrote no PNG"
is_svg results-throughput-vs-dispatch.threads.launch.svg || fail "plot_sweep.sh without GROUP wrote no SVG"
bash "$src/scripts/plot_sweep.sh" results.csv 'dispatch.ops[0].launch' host.launch.util \
    dispatch.threads.launch util.png >out.txt
is_png util.png || fail "plot_sweep.sh ... OUT wrote no util.png"
is_svg util.svg || fail "plot_sweep.sh ... OUT wrote no util.svg"

for args in "no.such.column makespan_s" "dispatch.threads.launch no.such.column" \
    "dispatch.threads.launch makespan_s no.such.column"; do
    status=0
    # shellcheck disable=SC2086 # the words are the arguments
    bash "$src/scripts/plot_sweep.sh" results.csv $args >out.txt 2>err.txt || status=$?
    [ "$status" -eq 2 ] || fail "plot_sweep.sh results.csv $args: exit status $status, expected 2"
    grep -q '"no.such.column"' err.txt || fail "plot_sweep.sh results.csv $args: $(cat err.txt)"
done

# Only failed rows: nothing to draw.
awk -F, 'NR == 1 || $6 != "ok"' results.csv >failed.csv
status=0
bash "$src/scripts/plot_sweep.sh" failed.csv dispatch.threads.launch makespan_s >out.txt 2>err.txt || status=$?
[ "$status" -eq 2 ] || fail "plot_sweep.sh on failed rows only: exit status $status, expected 2"
grep -q 'no ok rows' err.txt || fail "plot_sweep.sh on failed rows only: $(cat err.txt)"

echo "ok: plot_gantt.sh and plot_sweep.sh"
