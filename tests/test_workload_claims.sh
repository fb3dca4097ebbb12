#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The figures that the examples in workloads/ promise in their comments ("What you
# should see"), read from the comments themselves and held to what the program gives:
# a comment that goes stale fails here, not in a reader's hands.
#
# Each row below names a workload, the text just before a figure in its comment and the
# text just after it (spaces between them and the figure are skipped), the scale that
# turns the report's value (seconds, frames per second, a ratio) into the comment's unit,
# the value in the report (a jq path into `pipelab run --format json --no-advice`) and
# the --set options of the run the figure is about. The figure is found in the comment
# lines of the file, once and only once, and the run's value, scaled, must round to it:
# within half a unit of its last digit (89.0 ms holds a makespan of 88.95 to 89.05 ms).
#
# Then the report's own words that the comments quote ("device.stream is the bottleneck:
# 10 % less work on device.stream takes the makespan from 1.224 ms to 1.104 ms (-9.8 %)"):
# each row names a workload, how the quote begins and the --set options of its run; the
# quote, found once in the comments, must appear in the run's text report, spaces and
# line breaks aside. Whether the verdict is right is checked apart, against an
# independent sweep (test_verdict_workloads.sh); here, that the comments say what it says.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
need_jq

# file<TAB>before<TAB>after<TAB>scale<TAB>jq path<TAB>--set options (space-separated)
claims=$(
    cat <<'EOF'
dispatch_five_ops.yaml	4 x 12 =	us;	1e6	.makespan_s	
dispatch_five_ops.yaml	4 x 24 =	us; speedup	1e6	.baseline.makespan_s	
dispatch_five_ops.yaml	speedup	x. With so few	1	.speedup	
dispatch_teaching.yaml	serial baseline   makespan	us =	1e6	.baseline.makespan_s	
dispatch_teaching.yaml	pipelined         makespan	us =	1e6	.makespan_s	
dispatch_teaching.yaml	#   speedup	x; the serial	1	.speedup	
dispatch_teaching.yaml	kernel=6us	ms; the verdict	1e3	.makespan_s	dispatch.ops[0].kernel=6us
dispatch_teaching.yaml	too,	us, and host.resize	1e6	.makespan_s	dispatch.ops[0].kernel=6us dispatch.threads.infer=2
dispatch_teaching.yaml	#	ms, and "The cores of host	1e3	.makespan_s	machine.host.cores=2
dispatch_teaching.yaml	together at	ms	1e3	.makespan_s	machine.host.cores=2 machine.host.scheduler.policy=fair
dispatch_teaching.yaml	still	ms, and one more queue slot	1e3	.makespan_s	dispatch.queue_depth=0
dispatch_teaching.yaml	no help with 12 us kernels (	ms)	1e3	.makespan_s	dispatch.threads.infer=2
dispatch_llm_decode.yaml	# the	ms step, idle	1e3	.baseline.makespan_s	
dispatch_llm_decode.yaml	of an	ms step, speedup	1e3	.makespan_s	
dispatch_llm_decode.yaml	speedup about	x,	1	.speedup	
dispatch_llm_decode.yaml	dispatch.mode=serial (	ms, and the verdict	1e3	.makespan_s	dispatch.mode=serial
dispatch_llm_decode.yaml	still	ms); --seed 8	1e3	.makespan_s	dispatch.stream_depth=8
plan_teaching.yaml	one after the other, takes	us.	1e6	.baseline.makespan_s	
plan_teaching.yaml	#   makespan	us = 1 us before	1e6	.makespan_s	
plan_teaching.yaml	the same 68 us,	x the baseline	1	.speedup	
plan_teaching.yaml	= 5 us (	us in all	1e6	.makespan_s	plan.memory=256KiB
plan_attention.yaml	the MII (	us for the	1e6	.makespan_s	
plan_attention_units.yaml	#   makespan	us against	1e6	.makespan_s	
plan_attention_units.yaml	us against	us with free moves	1e6	.makespan_s	plan.transfers=[]
plan_attention_units.yaml	it takes	us.	1e6	.makespan_s	plan.intervals.cube=528 cycles
stream_teaching.yaml	#   1     1	ms	1e3	.makespan_s	stream.stages[1].threads=1 stream.buffer=1
stream_teaching.yaml	#   2     1	ms	1e3	.makespan_s	stream.stages[1].threads=2 stream.buffer=1
stream_teaching.yaml	#   4     1	ms	1e3	.makespan_s	stream.stages[1].threads=4 stream.buffer=1
stream_teaching.yaml	#   4     4	ms	1e3	.makespan_s	stream.stages[1].threads=4 stream.buffer=4
stream_teaching.yaml	#   4    16	ms	1e3	.makespan_s	stream.stages[1].threads=4 stream.buffer=16
stream_teaching.yaml	#   8     1	ms	1e3	.makespan_s	stream.stages[1].threads=8 stream.buffer=1
stream_teaching.yaml	#   8     4	ms	1e3	.makespan_s	stream.stages[1].threads=8 stream.buffer=4
stream_teaching.yaml	#   4     1    15.7 ms	x	1	.speedup	stream.stages[1].threads=4 stream.buffer=1
stream_teaching.yaml	that dominates,	ms for n = 4	1e3	.makespan_s	stream.stages[1].threads=4 stream.buffer=1 stream.waiting=passive
stream_oversubscribed.yaml	as written (active, slices)	ms	1e3	.makespan_s	
stream_oversubscribed.yaml	181.7 ms	k frames/s	1e-3	.throughput_per_s	
stream_oversubscribed.yaml	2.20 k frames/s	x	1	.speedup	
stream_oversubscribed.yaml	--set stream.waiting=passive	ms	1e3	.makespan_s	stream.waiting=passive
stream_oversubscribed.yaml	--set machine.host.scheduler.policy=fair	ms	1e3	.makespan_s	machine.host.scheduler.policy=fair
stream_oversubscribed.yaml	--set machine.host.cores=4	ms	1e3	.makespan_s	machine.host.cores=4
stream_sleeping.yaml	as written	ms	1e3	.makespan_s	
stream_sleeping.yaml	--set 'stream.tasks[1].kind=work'	s	1	.makespan_s	stream.tasks[1].kind=work
stream_sleeping.yaml	--set 'stream.tasks[1].latency=1000us'	ms	1e3	.makespan_s	stream.tasks[1].latency=1000us
stream_sleeping.yaml	--set 'stream.stages[1].threads=4'	ms	1e3	.makespan_s	stream.stages[1].threads=4
stream_sdr_receiver.yaml	that period:	frames/s	1	.throughput_per_s	
stream_sdr_receiver.yaml	stream.buffer=16 takes	s)	1	.makespan_s	stream.buffer=16
stream_sdr_receiver.yaml	speedup	x over	1	.speedup	
stream_sdr_receiver.yaml	#	frames/s (49.6	1	.throughput_per_s	machine.host.cores={big: 8, little: 2}
stream_sdr_receiver.yaml	ms and	frames/s (39.2	1	.throughput_per_s	machine.host.cores=8
tile_buffering.yaml	depth 1   makespan	us, speedup	1e6	.makespan_s	tile.depth=1
tile_buffering.yaml	depth 2   makespan	us, speedup	1e6	.makespan_s	tile.depth=2
tile_buffering.yaml	depth 3   makespan	us, speedup	1e6	.makespan_s	tile.depth=3
tile_buffering.yaml	depth 2   makespan 59 us, speedup	x:	1	.speedup	tile.depth=2
tile_buffering.yaml	no faster (	us)	1e6	.makespan_s	tile.depth=4
tile_buffering.yaml	depth 2,	us: the verdict names buffer t	1e6	.makespan_s	tile.steps[1].time=1us tile.depth=2
tile_buffering.yaml	depth 3 gives	us, the bound	1e6	.makespan_s	tile.steps[1].time=1us tile.depth=3
tile_event_vs_tsync.yaml	the naive single-buffered kernel, takes	us)	1e6	.baseline.makespan_s	
tile_event_vs_tsync.yaml	event     makespan	us, speedup	1e6	.makespan_s	
tile_event_vs_tsync.yaml	barrier   makespan	us, speedup	1e6	.makespan_s	tile.sync=barrier
tile_event_vs_tsync.yaml	barrier   makespan 86 us, speedup	x.	1	.speedup	tile.sync=barrier
tile_event_vs_tsync.yaml	(--set tile.depth=1) takes	us	1e6	.makespan_s	tile.depth=1
tile_event_vs_tsync.yaml	--set tile.sync=barrier --set tile.depth=3	us: a deeper	1e6	.makespan_s	tile.sync=barrier tile.depth=3
tile_event_vs_tsync.yaml	--set tile.sync=batch --set tile.batch=2	us, in between	1e6	.makespan_s	tile.sync=batch tile.batch=2
tile_gemm.yaml	#     makespan	ms (baseline 27.51	1e3	.makespan_s	
tile_gemm.yaml	(baseline	ms, speedup 1.90x	1e3	.baseline.makespan_s	
tile_gemm.yaml	#     makespan	ms (baseline 2.05	1e3	.makespan_s	tile.cores=24
tile_gemm.yaml	(baseline	ms, speedup 1.35x	1e3	.baseline.makespan_s	tile.cores=24
tile_gemm.yaml	--set tile.cores=8	ms:	1e3	.makespan_s	tile.cores=8
tile_gemm.yaml	#	us, 165 TFLOPS	1e6	.makespan_s	tile.cores=24 machine.device.gm_bandwidth=3.2TB/s
tile_gemm.yaml	--set tile.depth=1	ms, only 1 %	1e3	.makespan_s	tile.depth=1
tile_matmul_gelu.yaml	#     makespan	us (baseline 2.11	1e6	.makespan_s	
tile_matmul_gelu.yaml	#     makespan	us (baseline 150.4	1e6	.makespan_s	tile.cores=24
tile_matmul_gelu.yaml	(64 tiles) in	us	1e6	.makespan_s	tile.count=64
EOF
)

# file<TAB>how the quote begins<TAB>--set options (space-separated)
quotes=$(
    cat <<'EOF'
dispatch_five_ops.yaml	device.stream is the bottleneck	
dispatch_llm_decode.yaml	device.stream is the bottleneck: 10 %	
dispatch_teaching.yaml	device.stream is the bottleneck: 10 %	
dispatch_teaching.yaml	host.dispatch is the bottleneck	dispatch.mode=serial
dispatch_teaching.yaml	The cores of host are the bottleneck	machine.host.cores=2
plan_teaching.yaml	tensor is the bottleneck	
plan_attention.yaml	vector is the bottleneck	
plan_attention_units.yaml	simulated matches it	
plan_attention_units.yaml	cube flight 1	
plan_attention_units.yaml	vector is the bottleneck	
stream_teaching.yaml	Stage filter is the bottleneck	
stream_sdr_receiver.yaml	Stage gardner_syn_synchronize is the bottleneck	
tile_buffering.yaml	Buffer t is the bottleneck	tile.depth=1
tile_buffering.yaml	depth t 3 slots	tile.depth=2
tile_buffering.yaml	depths not searched	tile.depth=3
tile_event_vs_tsync.yaml	no buffer, queue, sync policy or order	tile.sync=barrier
tile_gemm.yaml	Link core0.MTE2 is the bottleneck	
tile_gemm.yaml	Link GM is the bottleneck	tile.cores=24
tile_gemm.yaml	3 not possible as configured	tile.cores=24
tile_matmul_gelu.yaml	Link core0.MTE2 is the bottleneck	
tile_matmul_gelu.yaml	Link GM is the bottleneck	tile.cores=24
EOF
)

# figure FILE BEFORE AFTER: the figure between BEFORE and AFTER in FILE's comment lines;
# fails unless exactly one line holds it.
figure() {
    awk -v before="$2" -v after="$3" '
        /^#/ {
            line = $0
            while ((p = index(line, before)) > 0) {
                rest = substr(line, p + length(before))
                line = substr(line, p + 1)
                sub(/^ +/, "", rest)
                if (!match(rest, /^-?[0-9]+(\.[0-9]+)?/))
                    continue
                value = substr(rest, 1, RLENGTH)
                tail = substr(rest, RLENGTH + 1)
                sub(/^ +/, "", tail)
                if (substr(tail, 1, length(after)) != after)
                    continue
                n++
                found = value
                break
            }
        }
        END {
            if (n != 1)
                exit 1
            print found
        }' "$1"
}

# quote FILE BEGIN: the text between double quotes in FILE's comments, spaces collapsed,
# that begins with BEGIN; fails unless exactly one does.
quote() {
    sed -n 's/^#//p' "$1" | tr '\n' ' ' | tr -s ' ' | grep -o '"[^"]*"' | tr -d '"' |
        awk -v begin="$2" 'index($0, begin) == 1 { n++; found = $0 }
            END { if (n != 1) exit 1; print found }'
}

# set_args SETS: the --set options of a row into the array args, one per KEY=VALUE (a
# value may hold spaces after its '=': "528 cycles").
set_args() {
    args=()
    [ -n "$1" ] || return 0
    while IFS= read -r kv; do
        args+=(--set "$kv")
    done < <(printf '%s\n' "$1" | sed -E 's/ ([a-z_]+(\.[a-z_0-9]+|\[[0-9]+\])+=)/\n\1/g')
}

# report FILE FORMAT: the run of FILE with args in FORMAT (json without advice, or text
# with it), once per file, options and format; prints the path of its output.
report() {
    local key
    key=$(printf '%s|' "$1" "$2" "${args[@]}" | md5sum | cut -c1-16)
    if [ ! -f "$tmp/$key" ]; then
        if [ "$2" = json ]; then
            "$bin" run "$src/workloads/$1" "${args[@]}" --format json --no-advice >"$tmp/$key"
        else
            COLUMNS=100 "$bin" run "$src/workloads/$1" "${args[@]}" >"$tmp/$key"
        fi
    fi
    echo "$tmp/$key"
}

bad=0
checked=0
while IFS=$'\t' read -r file before after scale path sets; do
    [ -n "$file" ] || continue
    what="$file: \"$before ... $after\""
    if ! claim=$(figure "$src/workloads/$file" "$before" "$after"); then
        echo "FAIL: $what: not found once in the comment"
        bad=$((bad + 1))
        continue
    fi
    set_args "$sets"
    got=$(jq -r "$path" "$(report "$file" json)")
    outcome=$(awk -v claim="$claim" -v got="$got" -v scale="$scale" 'BEGIN {
        digits = index(claim, ".") ? length(claim) - index(claim, ".") : 0
        half = 0.5 * 10 ^ -digits
        v = got * scale
        d = v - claim
        if (d < 0) d = -d
        printf "%s %.6g", d <= half * (1 + 1e-9) ? "ok" : "off", v
    }')
    checked=$((checked + 1))
    if [ "${outcome%% *}" != ok ]; then
        echo "FAIL: $what: the comment says $claim," \
            "the run (${sets:-as written}) gives ${outcome#* }"
        bad=$((bad + 1))
    fi
done <<<"$claims"

quoted=0
while IFS=$'\t' read -r file begin sets; do
    [ -n "$file" ] || continue
    if ! said=$(quote "$src/workloads/$file" "$begin"); then
        echo "FAIL: $file: no one quote in the comments begins \"$begin\""
        bad=$((bad + 1))
        continue
    fi
    set_args "$sets"
    quoted=$((quoted + 1))
    if ! tr '\n' ' ' <"$(report "$file" text)" | tr -s ' ' | grep -qF -- "$said"; then
        echo "FAIL: $file: the comment quotes \"$said\"," \
            "which the run (${sets:-as written}) does not print"
        bad=$((bad + 1))
    fi
done <<<"$quotes"

echo "$checked figures and $quoted quotes of workloads/ checked against the program," \
    "$bad wrong"
[ "$bad" -eq 0 ] && [ "$checked" -gt 0 ] && [ "$quoted" -gt 0 ]
