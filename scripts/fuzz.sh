#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fuzzes pipelab with libFuzzer: builds the targets of tests/fuzz/ with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer into build-fuzz/, then runs each for
# SECONDS_EACH seconds, as many at a time as there are cores (a fuzzer takes one).
#
#   scripts/fuzz.sh                                every target, 60 s each
#   SECONDS_EACH=3600 scripts/fuzz.sh scenario     one target, an hour
#   SMALL_SEEDS=1 scripts/fuzz.sh                  run starts from the small seeds only
#                                                  (the test command's short runs: the
#                                                  whole workloads, slow under the
#                                                  sanitizers, would take all their time;
#                                                  the suite replays them anyway)
#
# Targets: scenario (the scenario parser, includes, --set and the key table), run (the
# models' checks and lowerings, the cycle check, the analytic engine, metrics and
# reports), stg (the Standard Task Graph reader and `plan --stg`), results (a
# sweep's results file as summary, --resume and merging read it, and --vary
# arguments), protocol (what a sweep's workers and SimGrid children send their parent:
# outcome texts, with a write-then-read round trip, and SimGrid reports) and trace
# (pipelab import: the profiler trace readers, the replay built and written, and the
# scenario loaded and lowered again). Each starts
# from its seeds (the workloads, tests/fuzz/seeds/) and from what earlier runs found
# interesting, kept in build-fuzz/corpus/<target>/. A crash, a
# leak, a sanitizer report or an input that runs too long (10 s; 60 s for run, whose
# seeds include whole workloads, slow under the sanitizers) stops the run: the input is
# saved in build-fuzz/found/<target>/ and the script exits non-zero. Fix the bug, then
# keep the input as tests/fuzz/found/<target>/NAME: the test suite replays every input
# there.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
SECONDS_EACH=${SECONDS_EACH:-60}
all=(scenario run stg results protocol trace)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
  if [[ " ${all[*]} " != *" $t "* ]]; then
    echo "fuzz: no target '$t' (${all[*]})" >&2
    exit 2
  fi
done

if ! command -v clang >/dev/null; then
  echo "fuzz: clang is needed (scripts/setup.sh --checks installs it)" >&2
  exit 1
fi
CC=clang cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPL_FUZZ=ON \
  -DPL_SANITIZE=address,undefined -DPL_TESTS=OFF -DPL_WERROR=ON >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null

# A dictionary of every key name and the words values use, so that mutations speak YAML.
dict="$BUILD_DIR/scenario.dict"
cmake --build "$BUILD_DIR" --target pipelab >/dev/null
{
  "$BUILD_DIR/pipelab" keys | awk 'NR > 1 { n = split($1, p, "."); print p[n] }' | sort -u
  printf '%s\n' ns us ms s cycles B KiB MiB GB/s TB/s GHz GFLOPS dist normal exponential \
    uniform mean sd true false auto unbounded '{' '}' '[' ']' ': ' '- ' '#set ' '&a' '*a' '!!' \
    '---' '..' nan inf -1 0 1e15
} | sed 's/["\\]/\\&/g; s/.*/"&"/' | sort -u >"$dict"

# fuzz_one TARGET: fuzzes one target; what it reports goes to $BUILD_DIR/fuzz_TARGET.report,
# which says FOUND a problem when it found one.
fuzz_one() {
  local t=$1 corpus="$BUILD_DIR/corpus/$1" found="$BUILD_DIR/found/$1" seeds opts
  mkdir -p "$corpus" "$found"
  case $t in
    scenario) seeds=(workloads tests/data/tile tests/fuzz/seeds/scenario) opts=(-dict="$dict") ;;
    run)
      seeds=(tests/fuzz/seeds/scenario)
      [ -n "${SMALL_SEEDS:-}" ] || seeds+=(workloads tests/data/tile)
      opts=(-dict="$dict" -timeout=60 -max_len=262144) ;; # scenarios of thousands of ops
    stg) seeds=(tests/fuzz/seeds/stg) opts=() ;;
    results) seeds=(tests/data/sweep tests/fuzz/seeds/results) opts=() ;;
    protocol) seeds=(tests/fuzz/seeds/protocol) opts=() ;;
    trace) seeds=(tests/fuzz/seeds/trace tests/data/import) opts=() ;;
  esac
  [ -d "tests/fuzz/found/$t" ] && seeds+=("tests/fuzz/found/$t")
  if ! "$BUILD_DIR/tests/fuzz/fuzz_$t" "$corpus" "${seeds[@]}" -max_total_time="$SECONDS_EACH" \
    -timeout=10 -max_len=16384 "${opts[@]}" -rss_limit_mb=2048 \
    -artifact_prefix="$found/" -print_final_stats=1 >"$BUILD_DIR/fuzz_$t.log" 2>&1; then
    {
      echo "fuzz: $t FOUND a problem; the input is in $found/ (log: $BUILD_DIR/fuzz_$t.log)"
      tail -40 "$BUILD_DIR/fuzz_$t.log"
    } >"$BUILD_DIR/fuzz_$t.report"
    return 1
  fi
  {
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$BUILD_DIR/fuzz_$t.log" |
      sed "s/^/fuzz: $t /" || true
    echo "fuzz: $t: no crash, $(ls "$corpus" | wc -l) inputs in the corpus"
  } >"$BUILD_DIR/fuzz_$t.report"
}

# The targets as many at a time as there are cores (each fuzzer runs on one), as
# scripts/memcheck.sh runs its checks; their reports in the order given, a problem's on
# standard error.
status=0
jobs=$(nproc)
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  echo "fuzz: $t for ${SECONDS_EACH} s"
  fuzz_one "$t" &
done
wait
for t in "${targets[@]}"; do
  if grep -q "FOUND a problem" "$BUILD_DIR/fuzz_$t.report"; then
    cat "$BUILD_DIR/fuzz_$t.report" >&2
    status=1
  else
    cat "$BUILD_DIR/fuzz_$t.report"
  fi
done
exit $status
