#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# pipelab import on a small hand-built Kineto trace (tests/data/import/hand_step.json), and
# each what-if of docs/replay.md on the replay it writes, every answer worked by hand
# below from the trace's numbers and the rules of docs/replay.md.
#
# The trace, in microseconds from the step's start (ProfilerStep#1, 100 us):
#   aten::mm    op 10-22, cudaLaunchKernel 14-20 -> kernel gemm on stream 7, 22-62
#   aten::add   op 22-30, cudaLaunchKernel 24-28 -> kernel add on stream 7, 63-73
#   aten::item  op 30-80, cudaStreamSynchronize 40-76 (waits for add, done at 73)
# So the import writes: mm infer 14 (0 to its launch), launch 6, kernel 40; add infer 4
# (20 to 24), launch 4, kernel 10; item infer 12 (28 to 40), a sync of stream 7 costing
# 76 - 73 = 3 (the part of the call after add ended), then host 24 (76 to the step's end,
# 100). launch_latency 2 (gemm found stream 7 idle: 22 - 20), graph_gap 1 (add waited
# for gemm: 63 - 62), graph_launch 4 (the median of the launch calls 4 and 6, the lower
# one of two), device busy 40 + 10 = 50.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
trace=$src/tests/data/import/hand_step.json
cd "$tmp"

"$bin" import "$trace" -o replay.yaml || fail "pipelab import failed"
expect_line() {
  grep -qF -- "$1" replay.yaml || fail "the scenario has no line '$1':
$(cat replay.yaml)"
}
expect_line '  launch_latency: 2us'
expect_line '  graph_launch: 4us'
expect_line '  graph_gap: 1us'
expect_line '    device_busy: 50us'
expect_line '      measured: 100us'
expect_line '            - {launch: 6us, kernel: 40us, stream: 7, name: "gemm"}'
expect_line '            - {launch: 4us, kernel: 10us, stream: 7, name: "add"}'
expect_line '            - {sync: 3us, stream: 7}'
expect_line '          host: 24us'
[ "$(grep -c '^          infer:' replay.yaml)" = 3 ] || fail "expected three ops with infer"
for v in 14 4 12; do expect_line "          infer: ${v}us"; done

# step NAME ARGS...: the replayed step's simulated seconds (JSON) equal NAME's answer.
check() {
  local what=$1 want=$2
  shift 2
  "$bin" run replay.yaml --no-advice --format json "$@" >run.json 2>err.txt ||
    fail "$what: pipelab run failed: $(cat err.txt)"
  local got
  got=$(jq -r '.replay.steps[0].simulated_s' run.json)
  jq -e --argjson want "$want" '(.replay.steps[0].simulated_s - $want) | fabs < 1e-12' \
    run.json >/dev/null || fail "$what: step simulated $got s, expected $want s"
  echo "ok  $what: $got s"
}

# The replay (serial, one thread): mm 0-14 infer, 14-20 launch; gemm released at 20 on an
# idle stream starts 2 later, 22-62; add 20-24, 24-28; its kernel queues behind gemm,
# 62-72 (the trace's 1 us gap between queued kernels is not replayed); item 28-40, its
# sync waits for add (72) and costs 3: 72-75; host 24: 75-99. The step: 0 to 99 us.
check "replay" 99e-6
jq -e '.replay.steps[0].name == "ProfilerStep#1" and .replay.steps[0].measured_s == 0.0001
       and .replay.device_busy.measured_s == 5e-05
       and ((.replay.device_busy.simulated_s - 5e-05) | fabs < 1e-12)' run.json >/dev/null ||
  fail "replay: step name, measured step or device busy: $(jq -c .replay run.json)"
# Device idle in the step (0-99): 0-22 waiting for gemm's launch, 72-99 after the last
# kernel: both starved by host, 49 us; nothing else.
jq -e '((.replay.device_idle.host - 49e-6) | fabs < 1e-12) and .replay.device_idle.sync == 0
       and .replay.device_idle.stream == 0' run.json >/dev/null ||
  fail "replay: device idle by cause: $(jq -c .replay.device_idle run.json)"

# A host twice as fast: every host duration halves: mm 0-7, 7-10; gemm 12-52; add 10-12,
# 12-14; its kernel 52-62; item 14-20, sync waits for 62, costs 1.5: 63.5; host 12: 75.5.
check "host_speed 2" 75.5e-6 --set dispatch.host_speed=2

# Pipelined, one thread per step (docs/replay.md's rule: InferShape = infer, Resize = the
# rest of the host time, here item's trailing 24, Launch = the launch calls and the syncs):
# InferShape mm 0-14, add 14-18, item 18-30; Resize item 30-54; Launch mm 14-20 (gemm
# 22-62), add 20-24 (its kernel 62-72), item's sync after its Resize (54) waits for 72 and
# costs 3: 75. The step: 0 to 75.
check "pipelined" 75e-6 --set dispatch.mode=pipelined
# Two launch threads: add launches on the second one at 18-22, but its kernel still
# queues behind gemm (62-72), and item's sync still ends at 75.
check "pipelined, two launch threads" 75e-6 --set dispatch.mode=pipelined \
  --set dispatch.threads.launch=2

# Graph capture of the step: one graph launch (graph_launch 4) 0-4 issues both kernels,
# each taking graph_gap 1 more: gemm on an idle stream starts 2 later, 6-47, add 47-58;
# the step had a sync, so one sync (its cost, 3) waits for the last kernel: 58-61.
check "capture graph" 61e-6 --set dispatch.capture=graph

# --steps names steps the trace does not have: exit 2, nothing written.
status=0
"$bin" import "$trace" --steps 2:3 -o none.yaml 2>err.txt || status=$?
[ "$status" = 2 ] || fail "--steps 2:3: exit status $status, expected 2"
grep -qF 'expected steps the trace has, ProfilerStep#1 to #1' err.txt ||
  fail "--steps 2:3: message $(cat err.txt)"
[ ! -e none.yaml ] || fail "--steps 2:3 left a scenario file"
echo "ok  --steps 2:3 refused"

# The hand-written Ascend trace_view.json (tests/data/import/ascend_trace_view.json; no
# public Ascend trace is among the test traces, see tests/test_import_read.c), imported and
# replayed. From the trace: aten::add infer 15, aclnnAdd launch 10 -> Add 20 us on stream
# 2, host 5, aclnnMul launch 10 -> Mul 25 us on stream 2; aten::copy_ infer 25,
# aclrtMemcpyAsync launch 8 -> a 15 us copy on stream 3; aten::item infer 37, a stream sync
# of stream 3 costing 40, then host 50; launch_latency 25 (Add's start after its launch).
# Replay: add 0-15, 15-25 (Add 50-70), 25-40 (Mul queued, 70-95); copy_ 40-65, 65-73 (the
# copy on an idle stream 3 starts 25 later, 98-113); item 73-110, its sync waits for the
# copy (113) and costs 40: 153; host 50: 203 us (the marker says 200). Device busy 20 + 25
# + 15 = 60 us (the trace's 45: its copy overlapped Mul).
"$bin" import "$src/tests/data/import/ascend_trace_view.json" -o ascend.yaml ||
  fail "Ascend: pipelab import failed"
grep -qxF '# Trace: Ascend; 1 host thread(s) replayed.' ascend.yaml ||
  fail "Ascend: the scenario does not say the format: $(head -n 3 ascend.yaml)"
"$bin" run ascend.yaml --no-advice --format json >run.json || fail "Ascend: run failed"
jq -e '.replay.steps[0].name == "ProfilerStep#7" and .replay.steps[0].measured_s == 0.0002
       and ((.replay.steps[0].simulated_s - 203e-6) | fabs < 1e-12)
       and .replay.device_busy.measured_s == 4.5e-05
       and ((.replay.device_busy.simulated_s - 60e-6) | fabs < 1e-12)' run.json >/dev/null ||
  fail "Ascend: $(jq -c .replay run.json)"
echo "ok  Ascend replay: 203 us against the marker's 200 us"

# The same trace in the categories PyTorch 1.8 and 1.9 wrote (Operator, Runtime, Kernel
# instead of cpu_op, cuda_runtime, kernel): the same scenario, but for the file's name.
sed 's/"cat": "cpu_op"/"cat": "Operator"/; s/"cat": "cuda_runtime"/"cat": "Runtime"/;
     s/"cat": "kernel"/"cat": "Kernel"/' "$trace" >legacy.json
"$bin" import legacy.json -o legacy.yaml || fail "legacy categories: import failed"
sed 's/legacy\.json/hand_step.json/' legacy.yaml >legacy-renamed.yaml
diff legacy-renamed.yaml replay.yaml >/dev/null ||
  fail "legacy categories: another scenario: $(diff legacy-renamed.yaml replay.yaml)"
echo "ok  PyTorch 1.8 categories: the same scenario"

# A step whose main thread (the one with the marker) launched nothing: only the autograd
# thread 11 did, one kernel (tests/data/import/other_thread.json, written by hand like the
# backward passes of the training trace). The main thread's marker span, 100 us, is its
# host time in the step (an op with no calls), so the step lasts what the marker says:
# thread 11 runs 0-45 (host 40, launch 5), its kernel 47-67, inside the 100 us.
"$bin" import "$src/tests/data/import/other_thread.json" -o other.yaml ||
  fail "other thread: import failed"
"$bin" run other.yaml --no-advice --format json >run.json || fail "other thread: run failed"
jq -e '.replay.steps[0].measured_s == 0.0001
       and ((.replay.steps[0].simulated_s - 100e-6) | fabs < 1e-12)' run.json >/dev/null ||
  fail "other thread: $(jq -c .replay.steps run.json)"
echo "ok  a step the main thread launched nothing in lasts its marker: 100 us"

# One process driving two devices (tests/data/import/two_devices.json, written by hand):
# a kernel on stream 7 of device 0 (pid 0) and one on stream 7 of device 1 (pid 1), then a
# device sync. The streams are told apart (device 1's stream 7 is 1007), so the kernels
# overlap as they did: k0 15+2 .. 67, k1 25+2 .. 77, the sync waits for 77 and costs 3
# (80 - 77), host 20 to the marker's end: 100 us, as measured; device busy 17-77, 60 us.
# Run on one stream they would end at 117 and the step at 140.
"$bin" import "$src/tests/data/import/two_devices.json" -o two.yaml ||
  fail "two devices: import failed"
grep -qF 'stream: 1007, name: "k1"' two.yaml || fail "two devices: $(grep k1 two.yaml)"
"$bin" run two.yaml --no-advice --format json >run.json || fail "two devices: run failed"
jq -e '((.replay.steps[0].simulated_s - 100e-6) | fabs < 1e-12)
       and ((.replay.device_busy.simulated_s - 60e-6) | fabs < 1e-12)' run.json >/dev/null ||
  fail "two devices: $(jq -c .replay run.json)"
echo "ok  two devices' streams kept apart: 100 us"

# A trace whose file name holds a newline: the name, the source and the comment get '?'
# for it (a scenario string may hold no control character), and the scenario runs.
cp "$trace" $'new\nline.json'
"$bin" import $'new\nline.json' -o newline.yaml || fail "a newline in the name: import failed"
grep -qxF '# A replay of the profiler trace new?line.json, written by pipelab import.' \
  newline.yaml || fail "a newline in the name: $(head -n 2 newline.yaml)"
"$bin" run newline.yaml --no-advice >/dev/null || fail "a newline in the name: run failed"
echo "ok  a newline in the trace's name becomes '?'"
