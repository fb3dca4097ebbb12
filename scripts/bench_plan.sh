#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs `pipelab plan --stg` on random task graphs in the Standard Task Graph format
# (Tobita & Kasahara, J. Scheduling 5(5), 2002) of 50, 100, 300 and 1000 tasks, on 2, 4, 8
# and 16 units, and prints for each size and unit count the wall time per run and the gap
# to the lower bound, (makespan / bound - 1), of the best schedule and of the plain b-level
# rule's: mean and worst over the graphs. Then, given a directory of published STG graphs
# (STG_SET=DIR in the environment: DIR/optimal.csv with rows graph,processors,lower,upper
# and the graphs at the paths it names, e.g. 50/rand0000.stg, as downloaded from the
# Kasahara lab's site; pipelab does not ship them), the same against their optimal (or
# best known) lengths. A
# benchmark, not a test: it checks nothing. The times are of whole runs of the program (the
# best search and the plain rule, and writing the JSON), start-up included, printed first.
#
# The graphs come from awk's generator with a fixed seed, GRAPHS per size (default 8), the
# four edge generators of the STG set in turn: sameprob (each pair i < j an edge with the
# same probability), samepred (each task draws 0 .. 2a predecessors among the earlier
# ones), layrprob and layrpred (the same between consecutive layers of tasks), a = 1..5
# predecessors on average; times are whole numbers 1 .. 20; the dummy entry 0 and exit
# n + 1, of time 0, join the tasks with no predecessor and those with no successor.
#
# Last, the scheduler's cost as a loop grows: a chain of 21 ops alternating between one
# DMA and one vector unit (the loop fuzzing once found slow) at 12,500, 25,000 and
# 50,000 iterations, planned with `pipelab plan`, with the ratio of each time to the one
# before: about 2 where planning is linear in the tasks, 4 where it is quadratic.
#
# Last of all, what a long loop costs in a whole `pipelab run` (--timing's figures): the
# plan's lowering per simulated task against the dispatch model's (workloads/
# dispatch_teaching.yaml, the yardstick: lowering that only adds tasks and edges) at 1e5
# and 1e6 simulated tasks, each the best of 3 and measured side by side in one run, with
# the ratio (goal: at most 5); then the 1e5-iteration teaching plan's whole run with its
# phases, and the peak bytes per simulated task of each run. COST_ONLY=1 runs this part
# alone.
#
# Columns: runs; seconds per run; mean and worst gap of the best schedule, then of the plain
# rule's; impr, the runs where the best is shorter than plain; at lb (= upr), the runs where
# the best reaches the bound (the published length).
#
#   [GRAPHS=n] [STG_SET=DIR] [COST_ONLY=1] scripts/bench_plan.sh [build dir]
set -eu
build=${1:-build}
graphs=${GRAPHS:-8}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# gen N SEED KIND > file: one random graph of N tasks in the STG format.
gen() {
    awk -v n="$1" -v seed="$2" -v kind="$3" '
    function draw(lo, hi) { return lo + int(rand() * (hi - lo + 1)) }
    function add(i, j) {
        if ((i, j) in edge)
            return
        edge[i, j] = 1
        pred[j, ++np[j]] = i
        hasout[i] = 1
    }
    # Consecutive tasks 1..n cut into layers: layer[j], first[k], nl layers.
    function layers(    j, want) {
        want = n < 4 ? 2 : draw(2, int(n / 2))
        nl = 1
        first[1] = 1
        for (j = 1; j <= n; j++) {
            if (j > 1 && nl < want && rand() < (want - 1) / (n - 1))
                first[++nl] = j
            layer[j] = nl
        }
        first[nl + 1] = n + 1
    }
    BEGIN {
        srand(seed)
        avg = 1 + 4 * rand()
        for (j = 1; j <= n; j++)
            np[j] = 0
        if (kind == "sameprob") {
            p = 2 * avg / (n - 1)
            for (j = 2; j <= n; j++)
                for (i = 1; i < j; i++)
                    if (rand() < p)
                        add(i, j)
        } else if (kind == "samepred") {
            for (j = 2; j <= n; j++) {
                k = draw(0, int(2 * avg))
                if (k > j - 1)
                    k = j - 1
                while (np[j] < k)
                    add(draw(1, j - 1), j)
            }
        } else {
            layers()
            for (j = 1; j <= n; j++) {
                if (layer[j] == 1)
                    continue
                lo = first[layer[j] - 1]
                hi = first[layer[j]] - 1
                if (kind == "layrprob") {
                    for (i = lo; i <= hi; i++)
                        if (rand() < avg / (hi - lo + 1))
                            add(i, j)
                    if (np[j] == 0)
                        add(draw(lo, hi), j)
                } else {
                    k = draw(1, int(2 * avg))
                    if (k > hi - lo + 1)
                        k = hi - lo + 1
                    while (np[j] < k)
                        add(draw(lo, hi), j)
                }
            }
        }
        print n
        printf "%11d%11d%11d\n", 0, 0, 0
        for (j = 1; j <= n; j++) {
            if (np[j] == 0)
                pred[j, ++np[j]] = 0
            line = sprintf("%11d%11d%11d", j, draw(1, 20), np[j])
            for (k = 1; k <= np[j]; k++)
                line = line sprintf("%11d", pred[j, k])
            print line
        }
        line = ""
        m = 0
        for (j = 1; j <= n; j++)
            if (!(j in hasout)) {
                line = line sprintf("%11d", j)
                m++
            }
        printf "%11d%11d%11d%s\n", n + 1, 0, m, line
    }'
}

# run LABEL FILE P [REFERENCE]: one run; prints "LABEL seconds makespan reference
# plain_makespan", the reference being the bound the program prints unless given.
run() {
    start=$(date +%s.%N)
    "$build/pipelab" plan --stg "$2" --units "$3" --format json >"$dir/out"
    end=$(date +%s.%N)
    awk -v label="$1" -v a="$start" -v b="$end" -v ref="${4:-}" '
        /^  "makespan":/ { m = $2 }
        /^  "bound":/ { lb = $2 }
        /^  "plain_makespan":/ { p = $2 }
        END {
            gsub(/,/, "", m); gsub(/,/, "", lb); gsub(/,/, "", p)
            if (m == "" || lb == "" || p == "") {
                print "bench_plan.sh: no makespan, bound or plain_makespan in the output" > "/dev/stderr"
                exit 1
            }
            print label, b - a, m, ref == "" ? lb : ref, p
        }
    ' "$dir/out"
}

# Summarises lines "label seconds makespan reference plain" by label, in order of first
# appearance, and under "X/all" all the labels "X/...", printed last: runs, seconds per run, mean and
# worst gap (makespan / reference - 1) of the best and of the plain schedule, how many runs
# the best improved on plain, how many it ended at the reference.
summary='
    function add(l) {
        if (!(l in n)) order[++k] = l
        n[l]++; t[l] += $2
        gb = $3 / $4 - 1; gp = $5 / $4 - 1
        sb[l] += gb; sp[l] += gp
        if (gb > wb[l]) wb[l] = gb
        if (gp > wp[l]) wp[l] = gp
        better[l] += $3 < $5
        exact[l] += $3 == $4
    }
    { add($1) }
    $1 ~ /\// { group = $1; sub(/\/.*/, "/all", group); add(group) }
    END {
        for (i = 1; i <= 2 * k; i++) {
            l = order[(i - 1) % k + 1]
            if ((i <= k) == (l ~ /\/all$/))
                continue # the groups after the rest
            printf "%-12s %4d %10.4f   %7.3f%% %7.3f%%   %7.3f%% %7.3f%%   %5d %5d\n", l, n[l],
                t[l] / n[l], 100 * sb[l] / n[l], 100 * wb[l], 100 * sp[l] / n[l], 100 * wp[l],
                better[l], exact[l]
        }
    }'

header() {
    printf '%-12s %4s %10s   %8s %8s   %8s %8s   %5s %5s\n' "$1" runs "s/run" "best" "worst" \
        "plain" "worst" "impr" "$2"
}

root=$(cd "$(dirname "$0")/.." && pwd)

# timing ARGS...: the best of 3 runs of `pipelab run ARGS --timing`, as
# "tasks total lowering executing measuring bytes_per_task advising" (seconds; the least
# of each).
timing() {
    for k in 1 2 3; do
        "$build/pipelab" run "$@" --timing 2>&1 >/dev/null | tail -n 1
    done | awk '
        {
            for (i = 1; i <= NF; i++) {
                if ($i == "simulated") n = $(i + 1)
                if ($i == "in" && $(i + 2) == "s:") v["total"] = $(i + 1)
                if ($i == "lowering" || $i == "executing" || $i == "measuring" ||
                    $i == "advising")
                    v[$i] = $(i + 1)
                if ($i == "bytes") v["bytes"] = substr($(i - 1), 2)
            }
            for (k in v)
                if (!(k in best) || v[k] + 0 < best[k]) best[k] = v[k] + 0
        }
        END {
            if (n == "") {
                print "bench_plan.sh: no --timing line" > "/dev/stderr"
                exit 1
            }
            print n, best["total"], best["lowering"], best["executing"], best["measuring"],
                best["bytes"], best["advising"]
        }'
}

# cost: the section described at the top.
cost() {
    echo "a long loop in a whole run: lowering per simulated task, plan against dispatch" \
        "(best of 3, side by side)"
    printf '%-8s %-9s %10s %10s %10s %9s %7s\n' tasks model lowering "ns/task" ratio \
        "B/task" peak
    for tasks in 100000 1000000; do
        # dispatch_teaching: 8 simulated tasks per repeat of its first op (run and baseline);
        # plan_teaching: 10 per iteration (5 ops, run and baseline).
        d=$(timing "$root/workloads/dispatch_teaching.yaml" \
            --set "dispatch.ops[0].repeat=$((tasks / 8))")
        p=$(timing "$root/workloads/plan_teaching.yaml" --set "plan.iterations=$((tasks / 10))")
        printf '%s\n%s\n' "$d" "$p" | awk -v tasks="$tasks" '
            { n[NR] = $1; low[NR] = $3; bytes[NR] = $6 }
            END {
                dn = low[1] / n[1] * 1e9; pn = low[2] / n[2] * 1e9
                printf "%-8s %-9s %10.3f %10.1f %10s %9s %7s\n", tasks, "dispatch", low[1], dn,
                    "1", bytes[1], "-"
                printf "%-8s %-9s %10.3f %10.1f %10.2f %9s %7s\n", tasks, "plan", low[2], pn,
                    pn / dn, bytes[2], bytes[2] <= 100 ? "ok" : "over"
            }'
    done
    echo
    echo "the teaching plan at 100000 iterations (1e6 simulated tasks): a whole run, best of 3"
    timing "$root/workloads/plan_teaching.yaml" --set plan.iterations=100000 | awk '{
        printf "  %d tasks in %.3f s: lowering %.3f s, executing %.3f s, measuring %.3f s, " \
            "advising %.3f s; peak %d bytes per task\n", $1, $2, $3, $4, $5, $7, $6 }'
}

if [ "${COST_ONLY:-}" = 1 ]; then
    cost
    exit 0
fi

# What a run costs besides scheduling: the program's start-up, on a graph of one task.
printf '1\n0 0 0\n1 1 1 0\n2 0 1 1\n' >"$dir/one.stg"
run start-up "$dir/one.stg" 1 | awk '{ printf "start-up (a graph of one task): %.4f s per run\n", $2 }'
echo "random STG graphs, $graphs per size: gap to the lower bound, makespan / bound - 1"
header "tasks/units" "at lb"
for n in 50 100 300 1000; do
    : >"$dir/rows"
    g=0
    while [ "$g" -lt "$graphs" ]; do
        case $((g % 4)) in
        0) kind=sameprob ;;
        1) kind=samepred ;;
        2) kind=layrprob ;;
        *) kind=layrpred ;;
        esac
        gen "$n" $((20261121 + 1000 * n + g)) "$kind" >"$dir/g.stg"
        for p in 2 4 8 16; do
            run "$n/$p" "$dir/g.stg" "$p" >>"$dir/rows"
        done
        g=$((g + 1))
    done
    sort -s -t/ -k2,2n "$dir/rows" | awk "$summary"
done

csv=${STG_SET:-}/optimal.csv
if [ -n "${STG_SET:-}" ] && [ -f "$csv" ]; then
    echo
    echo "published STG graphs ($csv):"
    echo "gap to the optimum or best known length (upper), makespan / upper - 1"
    header "units" "= upr"
    tail -n +2 "$csv" >"$dir/csv"
    : >"$dir/rows"
    while IFS=, read -r graph p _ upper; do
        run "P/$p" "$STG_SET/$graph" "$p" "$upper" >>"$dir/rows"
    done <"$dir/csv"
    sort -s -t/ -k2,2n "$dir/rows" | awk "$summary"
fi

# chain N > file: the 21-op chain over two units, N iterations.
chain() {
    printf 'model: plan\nmachine: %s\nplan:\n  iterations: %d\n' \
        "$(cd "$(dirname "$0")/.." && pwd)/configs/ascend_910b.yaml" "$1"
    printf '  units: {dma: 1, vector: 1}\n  ops:\n'
    for k in $(seq 0 20); do
        unit=dma
        [ $((k % 2)) -eq 0 ] || unit=vector
        after=""
        [ "$k" -eq 0 ] || after=", after: [op$((k - 1))]"
        printf '    - {name: op%d, unit: %s, latency: 1us%s}\n' "$k" "$unit" "$after"
    done
}
echo
echo "a chain of 21 ops on two units: planning time as the iterations double"
printf '%-12s %10s %10s %8s\n' iterations tasks seconds ratio
last=""
for n in 12500 25000 50000; do
    chain "$n" >"$dir/chain.yaml"
    t0=$(date +%s.%N)
    "$build/pipelab" plan "$dir/chain.yaml" --format json >/dev/null
    t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    awk -v n="$n" -v t="$t" -v last="$last" 'BEGIN {
        ratio = last == "" ? "-" : sprintf("%.2f", t / last)
        printf "%-12d %10d %10.3f %8s\n", n, 21 * n, t, ratio }'
    last=$t
done

echo
cost
