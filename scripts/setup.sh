#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sets pipelab up on Debian 12: installs the Debian packages it needs (only those
# missing, so running it again changes nothing), then configures and builds into
# build/. Works as root on a fresh machine, or as a user with sudo.
#
#   scripts/setup.sh                 install what is missing, build
#   scripts/setup.sh --cluster       also what sharded sweeps run on (README, Sweeps):
#                                    GNU parallel, Slurm and munge
#   scripts/setup.sh --viewer        also the offline trace viewer (docs/reports.md,
#                                    Chrome trace): Chromium, npm where the machine has
#                                    none, and speedscope from npm in build/viewer
#   scripts/setup.sh --checks        also what scripts/test.sh checks with: clang and
#                                    libFuzzer, valgrind, the --cluster packages
#                                    (tests/test_cluster_*.sh run on them) and the
#                                    --viewer ones (tests/test_trace_viewer.sh)
#   scripts/setup.sh --figures       also what the figure scripts measure with: perf
#                                    (scripts/sched_trace.sh needs it, and
#                                    scripts/bench_sweep.sh counts CPU time with it)
#   BUILD_DIR=out scripts/setup.sh   build elsewhere (the viewer stays in build/viewer)
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

packages=(
  build-essential cmake pkg-config       # compiler and build
  libsimgrid-dev                         # the simulation engine
  libgsl-dev                             # random distributions, statistics
  libyaml-dev libjansson-dev             # scenario files, JSON reports
  libyajl-dev zlib1g-dev                 # profiler traces: streamed JSON, gzip
  libcmocka-dev time jq                  # unit tests; time and memory of a run; JSON in tests
  gnuplot-nox                            # plots
)
cluster=(slurm-wlm munge parallel)       # sharded sweeps: Slurm job arrays, GNU parallel
viewer=(chromium)                        # the trace viewer's browser
figures=(linux-perf)                     # perf: scheduler traces, CPU samples
# npm for speedscope: Debian's, unless the machine has an npm already (Node.js from
# elsewhere brings its own, and Debian's npm conflicts with that Node.js).
command -v npm >/dev/null || viewer+=(npm)
viewer_dir=build/viewer                  # speedscope, whatever BUILD_DIR is
viewer_pkg=speedscope@1.25.0             # tests/test_trace_viewer.sh wants this version
with_viewer=
case "${1:-}" in
  --checks) # fuzzing, memcheck, and what the cluster and trace viewer tests run on
    packages+=(clang libclang-rt-14-dev valgrind "${cluster[@]}" "${viewer[@]}"); with_viewer=1 ;;
  --cluster) packages+=("${cluster[@]}") ;;
  --viewer) packages+=("${viewer[@]}"); with_viewer=1 ;;
  --figures) packages+=("${figures[@]}") ;;
  "") ;;
  *) echo "usage: scripts/setup.sh [--cluster | --viewer | --checks | --figures]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    echo "setup: run as root or install sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -n "$with_viewer" ]; then
  installed=$(node -p "require('./$viewer_dir/node_modules/speedscope/package.json').version" \
    2>/dev/null || true)
  if [ "speedscope@$installed" != "$viewer_pkg" ]; then
    echo "setup: installing $viewer_pkg into $viewer_dir"
    mkdir -p "$viewer_dir"
    npm install --prefix "$viewer_dir" --no-audit --no-fund --loglevel=error \
      --save-exact "$viewer_pkg" >/dev/null
  fi
fi

cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPL_WERROR=ON >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
echo "setup: built $BUILD_DIR/pipelab"
