#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Replays of real profiler traces (docs/replay.md, "Fidelity"): every trace of the
# project's shared trace folder (../shared/traces beside the source tree, or
# PL_TRACES=DIR) is imported and run, and the replay must reproduce what the trace
# measured: on the training trace every ProfilerStep within 3 % of its measured duration
# and the device's busy time within 2 %; on the single-pass traces the whole replay within
# 5 %. The measured values are the trace's own (step markers' durations, the union of
# its device activities), carried in the scenario by the import.
#
# This test reads ../shared/traces/ (PyTorch profiler traces recorded by others, see that
# folder's README); they are not in the repository. Where the folder is missing the test
# says so and is skipped (exit 77).
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
traces=${PL_TRACES:-$src/../shared/traces}
if [ ! -r "$traces/a100_training_steps.json.gz" ]; then
  echo "skipped: no shared traces at $traces (set PL_TRACES=DIR to the folder)"
  exit 77
fi
cd "$tmp"

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# replay NAME: imports and runs trace NAME into NAME.json; prints its steps and device busy.
replay() {
  "$bin" import "$traces/$1.json.gz" -o "$1.yaml" || { fail "$1: import failed"; return 1; }
  "$bin" run "$1.yaml" --no-advice --format json >"$1.json" ||
    { fail "$1: run failed"; return 1; }
  jq -r '.replay | (.steps[] | "\(.name) measured \(.measured_s) s simulated \(.simulated_s) s"),
    "device busy measured \(.device_busy.measured_s) s simulated \(.device_busy.simulated_s) s"' \
    "$1.json" | sed "s/^/  $1: /"
}

# within FILE LIMIT WHAT JQ_PAIRS: every [measured, simulated] pair JQ_PAIRS gives is
# within LIMIT (a fraction) of its measured value.
within() {
  local bad
  bad=$(jq -r --argjson limit "$2" "[$4] | map(select(((.[1] - .[0]) / .[0] | fabs) > \$limit))
        | map(\"\\(.[0]) s measured, \\(.[1]) s simulated\") | join(\"; \")" "$1")
  [ -z "$bad" ] || fail "$1: $3 not within $2: $bad"
}

if replay a100_training_steps; then
  n=$(jq '.replay.steps | length' a100_training_steps.json)
  [ "$n" = 6 ] || fail "training trace: $n steps, expected the 6 ProfilerStep#1009..1014"
  within a100_training_steps.json 0.03 "every step" '.replay.steps[] | [.measured_s, .simulated_s]'
  within a100_training_steps.json 0.02 "device busy" \
    '.replay.device_busy | [.measured_s, .simulated_s]'
fi
# --steps keeps the steps asked for, each with its own marker's duration (76.94 ms and
# 76.212 ms: ProfilerStep#1010 and #1011 in the trace), within 3 % as above.
"$bin" import "$traces/a100_training_steps.json.gz" --steps 1010:1011 -o two.yaml ||
  fail "--steps 1010:1011: import failed"
"$bin" run two.yaml --no-advice --format json >two.json || fail "--steps 1010:1011: run failed"
jq -e '[.replay.steps[] | .name] == ["ProfilerStep#1010", "ProfilerStep#1011"]
       and [.replay.steps[] | .measured_s] == [0.07694, 0.076212]' two.json >/dev/null ||
  fail "--steps 1010:1011: $(jq -c '[.replay.steps[] | [.name, .measured_s]]' two.json)"
within two.json 0.03 "every step kept" '.replay.steps[] | [.measured_s, .simulated_s]'

for t in a100_alexnet_forward a100_simple_add a100_event_sync a100_event_sync_multi_stream \
  mi250_minitoy_train; do
  if replay "$t"; then
    within "$t.json" 0.05 "the whole replay" '.replay.steps[] | [.measured_s, .simulated_s]'
  fi
done
[ "$failures" = 0 ] || exit 1
echo "ok  every replay within its bound"
