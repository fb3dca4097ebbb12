#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs every test and check; exits non-zero when any fails. In order:
#   1. sets up and builds (scripts/setup.sh --checks, which does nothing it has done
#      before), then runs the whole CTest suite;
#   2. builds again with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/)
#      and runs the suite there;
#   3. runs one scenario of every model under valgrind (scripts/memcheck.sh);
#   4. fuzzes the scenario loader, the models and engine behind it, the STG reader
#      and the results reader for FUZZ_SECONDS each (20 s; scripts/fuzz.sh).
# PL_QUICK=1 stops after step 1.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
ASAN_DIR=${ASAN_DIR:-build-asan}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
jobs=$(nproc)

step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

step "build and test"
if [ -n "${PL_QUICK:-}" ]; then scripts/setup.sh; else scripts/setup.sh --checks; fi
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$jobs"
[ -z "${PL_QUICK:-}" ] || exit 0

step "AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B "$ASAN_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPL_WERROR=ON \
  -DPL_SANITIZE=address,undefined >/dev/null
cmake --build "$ASAN_DIR" -j "$jobs" >/dev/null
# Freed blocks wait in a quarantine of 64 MiB before they are used again, not 256 (the
# default), so that a use after free is still caught within the last 64 MiB freed: the
# SimGrid runs fork a child each, and a parent holding the default's quarantine made every
# fork and its child's first writes cost that much more (the 24-core GEMM's report: 28 s,
# 17 s with 64 MiB; the ASan suite's heaviest tests 30 to 40 % shorter).
ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=64 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$ASAN_DIR" --output-on-failure -j "$jobs"

step "valgrind memcheck"
BUILD_DIR=$BUILD_DIR scripts/memcheck.sh

step "fuzzing, ${FUZZ_SECONDS} s a target"
SECONDS_EACH=$FUZZ_SECONDS SMALL_SEEDS=1 scripts/fuzz.sh

step "all passed"
