#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The benchmark: figures, not a test (it checks nothing but that the programs it compares
# agree on the makespans). Four parts, each measured side by side in one run:
#
# 1. The whole command against the floor. For each model's standard scenario grown to
#    about 1e5, 1e6 and 1e7 tasks in its run graph, a whole `pipelab run` (the best of
#    three, each from process start to exit: reading the scenario, lowering the run and
#    its baseline, executing both, measuring, the verdict and the advice, the report), and
#    the floor yardstick tests/perf/floor on the same two graphs (best of three too, taken
#    in turn with the run's; written beforehand by engine_time --dump, not timed): plain
#    arrays read from a file and one max-plus pass over each graph, nothing else. Then the engine's pass alone
#    over memory already touched (engine_time) against the floor's. Columns: tasks in the
#    run graph; the whole run's seconds and its tasks per second (run and baseline
#    tasks); the floor's whole process; their ratio; nanoseconds per task of the engine's
#    pass and of the floor's; their ratio; the whole run's peak resident bytes per
#    simulated task (run and baseline); the bytes per task of the run graph and its
#    timeline. Then the machine's rate of first writes to fresh memory
#    (tests/perf/fresh_memory), before and after those rows: the 1e7-task rows move with it.
# 2. The engines on the run graph alone (tests/perf/engine_time: lowering done first and
#    not timed; the SimGrid engine's module, fork, platform file and pipe included), at
#    about 1e4, 1e5 and 1e6 tasks, with the plain SimGrid yardstick of the dispatch
#    pipeline (tests/perf/raw_dispatch, timed from its process start so that both load
#    SimGrid within their time) at the same sizes; the three taken in turn, the best of
#    ROUNDS (default three) each (scripts/bench_simgrid.sh has the same comparison).
# 3. The whole analytic run against the whole SimGrid run of one 400,000-task dispatch
#    scenario (each the best of nine, taken in turn), and whether their reports agree.
# 4. Start-up: `pipelab --version` and `pipelab keys`.
#
#   scripts/bench.sh [build dir]        (the build dir defaults to build/)
#   QUICK=1 scripts/bench.sh            leaves out the 1e7 sizes and the 1e6 engine runs
#   ROUNDS=N scripts/bench.sh           part 2 takes the best of N rounds (default 3)
set -euo pipefail

cd "$(dirname "$0")/.."
export LC_ALL=C # $EPOCHREALTIME with a decimal point
build=${1:-build}
cmake --build "$build" -j "$(nproc)" >/dev/null
et=$build/tests/perf/engine_time
raw=$build/tests/perf/raw_dispatch
floor=$build/tests/perf/floor
fresh=$build/tests/perf/fresh_memory
pipelab=$build/pipelab
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
quick=${QUICK:-0}

echo "pipelab benchmark, $(date -u +%Y-%m-%d)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
echo "SimGrid $(pkg-config --modversion simgrid), $(cc --version | head -1)"

# field NAME LINE: the value after NAME in a program's one-line output.
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<<"$2"; }
calc() { awk "BEGIN { printf $1 }"; }
# smaller A B: whether the number A is smaller than B.
smaller() { [ "$(calc '"%d", '"$1 < $2")" = 1 ]; }

# whole FILE CMD...: runs CMD $RUNS times (default three; its output into $dir/stdout),
# writes "SECONDS PEAK_KIB" of the fastest run to FILE. Timed with bash's own clock, so that
# no process but CMD (and the time program that reads its peak) starts within the time.
whole() {
    local out=$1 t0 t1 s best=
    shift
    for _ in $(seq "${RUNS:-3}"); do
        t0=$EPOCHREALTIME
        /usr/bin/time -f '%M' -o "$dir/rss" "$@" >"$dir/stdout" 2>"$dir/stderr" ||
            { cat "$dir/stderr" >&2; exit 1; }
        t1=$EPOCHREALTIME
        s=$(calc '"%.4f", '"$t1 - $t0")
        if [ -z "$best" ] || smaller "$s" "$best"; then
            best=$s
            echo "$s $(tail -1 "$dir/rss")" >"$out"
        fi
    done
}

# keep_best BEST TRY: BEST ("SECONDS PEAK_KIB", as whole writes) takes TRY's line when it is
# empty or TRY is faster; true when it did.
keep_best() {
    if [ ! -s "$1" ] || smaller "$(cut -d' ' -f1 "$2")" "$(cut -d' ' -f1 "$1")"; then
        cp "$2" "$1"
        return 0
    fi
    return 1
}

# The standard scenarios: MODEL, CASE, SCENARIO and the --set values for N tasks in the
# run graph (dispatch: 4 tasks per op; tile: 5.375 per tile, a multiple of 8 tiles;
# stream: 3 per frame; plan: 5 per iteration).
scenario() {
    local model=$1 n=$2
    case $model in
    dispatch) echo "3-host-steps workloads/dispatch_teaching.yaml dispatch.ops[0].repeat=$((n / 4))" ;;
    tile) echo "matmul-1-core workloads/tile_matmul_gelu.yaml tile.count=$(((n * 8 / 43) / 8 * 8)) tile.cores=1" ;;
    tile24) echo "matmul-24-cores workloads/tile_matmul_gelu.yaml tile.count=$(((n * 8 / 43) / 8 * 8)) tile.cores=24" ;;
    stream) echo "1-4-1 workloads/stream_teaching.yaml stream.frames=$((n / 3))" ;;
    plan) echo "teaching-loop workloads/plan_teaching.yaml plan.iterations=$((n / 5))" ;;
    esac
}

# sets KEY=VALUE...: the --set options of pipelab run.
sets() { for kv in "$@"; do printf -- '--set\n%s\n' "$kv"; done; }

# fresh_rate: the machine's rate of first writes to fresh memory, 1,400 MiB (about a 1e7-task
# run's peak), in GB/s.
fresh_rate() { field first_gb_s "$("$fresh" 1400)"; }

echo
echo "1. the whole command against the floor (a whole pipelab run: run and baseline, report)"
fresh_before=$(fresh_rate)
printf '%-9s %-15s %8s  %8s %9s  %8s %6s  %7s %7s %6s  %6s %6s\n' model case tasks "run s" \
    "tasks/s" "floor s" ratio "ns/task" floor ratio "peak B" "g+tl B"
sizes=(1e5 1e6 1e7)
[ "$quick" = 1 ] && sizes=(1e5 1e6)
for size in "${sizes[@]}"; do
    n=$(calc '"%d", '"$size")
    for model in dispatch tile stream plan; do
        read -r case scen setv <<<"$(scenario "$model" "$n")"
        read -ra kv <<<"$setv"
        mapfile -t opts < <(sets "${kv[@]}")
        # The run and the floor in turn, the best of each, so that both meet the machine in
        # the same states (part 3 says why).
        "$et" --dump "$dir/graphs" "$scen" "${kv[@]}"
        rm -f "$dir/run" "$dir/floor"
        for _ in $(seq "${RUNS:-3}"); do
            RUNS=1 whole "$dir/try" "$pipelab" run "$scen" "${opts[@]}"
            keep_best "$dir/run" "$dir/try" || true
            RUNS=1 whole "$dir/try" "$floor" "$dir/graphs"
            keep_best "$dir/floor" "$dir/try" || true
        done
        fl=$("$floor" "$dir/graphs" --pass)
        an=$("$et" "$scen" analytic "${kv[@]}")
        rm -f "$dir/graphs"
        if [ "$(field makespan_s "$fl" | head -1)" != "$(field makespan_s "$an")" ]; then
            echo "bench: the floor and the analytic engine disagree on $scen ${kv[*]}" >&2
            exit 1
        fi
        read -r rs rk <"$dir/run"
        read -r fs _ <"$dir/floor"
        all=$(echo "$fl" | awk '{ print $2 }')
        pass=$(calc '"%.1f", '"$(field pass_s "$an") * 1e9 / $(field tasks "$an")")
        fpass=$(calc '"%.1f", '"$(field pass_s "$fl") * 1e9 / $all")
        printf '%-9s %-15s %8s  %8.3f %9.3g  %8.3f %6.1f  %7s %7s %6.1f  %6.0f %6.1f\n' \
            "$model" "$case" "$(field tasks "$an")" "$rs" "$(calc '"%g", '"$all / $rs")" "$fs" \
            "$(calc '"%g", '"$rs / $fs")" "$pass" "$fpass" "$(calc '"%g", '"$pass / $fpass")" \
            "$(calc '"%g", '"$rk * 1024 / $all")" "$(field graph_timeline_bytes_per_task "$an")"
    done
done
# At 1e7 tasks both whole processes spend much of their time on first writes to fresh
# memory, so that those rows move with this rate (docs/performance.md, "Reading the table").
echo "first writes to fresh memory (tests/perf/fresh_memory 1400): $fresh_before GB/s before" \
    "these rows, $(fresh_rate) GB/s after"

echo
echo "2. the engines on the run graph alone"
printf '%-9s %-15s %8s  %-9s %8s  %9s  %8s  %s\n' model case tasks engine "wall s" "tasks/s" \
    "peak MiB" ratio
# row MODEL CASE TASKS ENGINE WALL TASKS_PER_S RSS_KIB RATIO
row() {
    printf '%-9s %-15s %8s  %-9s %8.4f  %9.3g  %8.1f  %s\n' "$1" "$2" "$3" "$4" "$5" "$6" \
        "$(calc '"%g", '"$7 / 1024")" "$8"
}
# faster LINE_A LINE_B NAME: of two lines of a program's output, the one whose field NAME
# is smaller (LINE_B when LINE_A is empty).
faster() {
    if [ -z "$1" ] || smaller "$(field "$3" "$2")" "$(field "$3" "$1")"; then
        echo "$2"
    else
        echo "$1"
    fi
}
sizes=(1e4 1e5 1e6)
[ "$quick" = 1 ] && sizes=(1e4 1e5)
for size in "${sizes[@]}"; do
    n=$(calc '"%d", '"$size")
    for model in dispatch tile tile24 stream plan; do
        read -r case scen setv <<<"$(scenario "$model" "$n")"
        read -ra kv <<<"$setv"
        # Raw SimGrid (dispatch), pipelab's SimGrid engine and the analytic one in turn,
        # the best of $ROUNDS (default 3) each, so that all meet the machine in the same
        # states.
        sg="" an="" r="" exact=1
        for _ in $(seq "${ROUNDS:-3}"); do
            if [ "$model" = dispatch ]; then
                # Timed from its process start, so that it loads SimGrid within its time as
                # the SimGrid engine opens its module within its own.
                r=$(faster "$r" "$(PL_RAW_T0=$EPOCHREALTIME "$raw" tests/perf/dispatch_platform.xml \
                    "$((n / 4))")" process_s)
            fi
            sg=$(faster "$sg" "$("$et" "$scen" simgrid "${kv[@]}")" wall_s)
            if [ "$exact" = 1 ] && try=$("$et" "$scen" analytic "${kv[@]}" 2>/dev/null); then
                an=$(faster "$an" "$try" wall_s)
            else
                exact=0
            fi
        done
        sgwall=$(field wall_s "$sg")
        ratio=""
        if [ "$model" = dispatch ]; then
            ratio="pipelab/raw $(calc '"%.2f", '"$sgwall / $(field process_s "$r")")"
            row "$model" "$case" "$(field ops "$r")x4" raw "$(field process_s "$r")" \
                "$(calc '"%g", '"$n / $(field process_s "$r")")" 0 "makespan $(field makespan_s "$r") s"
        fi
        row "$model" "$case" "$(field tasks "$sg")" simgrid "$sgwall" \
            "$(field tasks_per_s "$sg")" "$(field child_rss_kib "$sg")" "$ratio"
        if [ "$exact" = 1 ]; then
            if [ "$(field makespan_s "$an")" != "$(field makespan_s "$sg")" ]; then
                echo "bench: the engines disagree on $scen ${kv[*]}" >&2
                exit 1
            fi
            row "$model" "$case" "$(field tasks "$an")" analytic "$(field wall_s "$an")" \
                "$(field tasks_per_s "$an")" "$(field rss_kib "$an")" \
                "simgrid/analytic $(calc '"%.0f", '"$sgwall / $(field wall_s "$an")")"
        else
            row "$model" "$case" "$(field tasks "$sg")" analytic 0 0 0 "not exact: shared resources"
        fi
    done
done

echo
echo "3. a whole analytic run against a whole SimGrid run, 400000 tasks (dispatch), best of 9, in turn"
# Taken in turn, so that both meet the machine in the same states (a run right after
# another that freed a gigabyte finds fewer free pages at hand).
rm -f "$dir/analytic" "$dir/simgrid"
for _ in 1 2 3 4 5 6 7 8 9; do
    for engine in analytic simgrid; do
        RUNS=1 whole "$dir/try" "$pipelab" run workloads/dispatch_teaching.yaml \
            --set 'dispatch.ops[0].repeat=100000' --engine "$engine" --format json
        if keep_best "$dir/$engine" "$dir/try"; then
            cp "$dir/stdout" "$dir/$engine.json"
        fi
    done
done
for engine in analytic simgrid; do
    echo "\$ pipelab run workloads/dispatch_teaching.yaml --set 'dispatch.ops[0].repeat=100000' --engine $engine"
    read -r ws wk <"$dir/$engine"
    echo "  $ws s, peak $(calc '"%.1f", '"$wk / 1024") MiB"
done
# The reports must agree but for the engine each names: every string equal, every number
# within 1e-9 relative (the engines' agreement, docs/performance.md).
for engine in analytic simgrid; do
    jq -r 'walk(if type == "object" then del(.engine) else . end)
           | paths(scalars) as $p | "\($p | tostring)\t\(getpath($p))"' \
        "$dir/$engine.json" >"$dir/$engine.cmp"
done
# A difference of two times (a gain, a bubble) is held to 1e-9 of the makespan.
agree=$(paste "$dir/analytic.cmp" "$dir/simgrid.cmp" | awk -F'\t' -v span="$(jq .makespan_s "$dir/analytic.json")" '
    function abs(x) { return x < 0 ? -x : x }
    $1 != $3 { bad++; next }
    $2 == $4 { next }
    $2 + 0 == $2 && $4 + 0 == $4 {
        m = abs($2) > abs($4) ? abs($2) : abs($4)
        if (abs($2 - $4) <= 1e-9 * (m > span ? m : span)) next
    }
    { bad++ }
    END { print bad ? "THE REPORTS DIFFER in " bad " values" : NR " values agree within 1e-9 but the engine named" }')
[ "$(wc -l <"$dir/analytic.cmp")" = "$(wc -l <"$dir/simgrid.cmp")" ] || agree="THE REPORTS DIFFER in shape"
read -r a _ <"$dir/analytic"
read -r b _ <"$dir/simgrid"
echo "  simgrid/analytic $(calc '"%.1f", '"$b / $a")x; $agree"

echo
echo "4. start-up (best of 10)"
for cmd in "--version" "keys"; do
    best=1e9
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        t0=$EPOCHREALTIME
        # shellcheck disable=SC2086
        "$pipelab" $cmd >/dev/null
        t1=$EPOCHREALTIME
        best=$(calc '"%.2f", '"($t1 - $t0) * 1e3 < $best ? ($t1 - $t0) * 1e3 : $best")
    done
    echo "  pipelab $cmd: $best ms"
done
