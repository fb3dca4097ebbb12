#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Only a process that simulates on SimGrid loads SimGrid: `--version`, `keys`, `config`,
# `plan`, `partition` and runs that the analytic engine executes never load libsimgrid
# (nor the ns-3 libraries it links), and a run with `--engine simgrid` does. The
# evidence is the dynamic loader's own report (glibc's LD_DEBUG=libs, one file per
# process), which names every library whose initialiser it calls. On the landed code every
# process loaded libsimgrid at start-up (issue 22: "every process pays about 0.1 s and
# 32 MiB", even `pipelab keys`). Also: a missing module is an error that names the path
# tried, with exit status 3 (PL_EENGINE), not a crash.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
cd "$src"

# The loader's report needs glibc's ld.so; elsewhere there is nothing to read.
LD_DEBUG=libs LD_DEBUG_OUTPUT=$tmp/probe /bin/true
cat "$tmp"/probe.* 2>/dev/null | grep -q 'calling init: .*libc\.so' ||
  { echo "SKIP: the dynamic loader does not report (LD_DEBUG is glibc's)"; exit 77; }

# loads NAME ARGS...: runs pipelab ARGS with the loader's report in $tmp/NAME.*, and
# prints "simgrid" when a process of it initialised libsimgrid, else "none". A report
# without libc's initialiser is no report, and fails.
loads() {
  local name=$1
  shift
  LD_DEBUG=libs LD_DEBUG_OUTPUT=$tmp/$name "$bin" "$@" >"$tmp/$name.out" 2>&1 ||
    fail "pipelab $* exited $?: $(tail -3 "$tmp/$name.out")"
  cat "$tmp/$name".[0-9]* | grep -q 'calling init: .*libc\.so' ||
    fail "pipelab $*: the loader wrote no report"
  if cat "$tmp/$name".[0-9]* | grep -q 'calling init: .*/libsimgrid\.so'; then
    echo simgrid
  else
    echo none
  fi
}

# expect WANT NAME ARGS...
expect() {
  local want=$1 name=$2
  shift 2
  local got
  got=$(loads "$name" "$@")
  [ "$got" = "$want" ] || fail "pipelab $*: loaded $got, expected $want"
  echo "ok: pipelab $* loads $want"
}

expect none version --version
expect none keys keys
expect none config config workloads/dispatch_teaching.yaml --set dispatch.threads.launch=2
expect none plan plan workloads/plan_teaching.yaml
expect none partition partition workloads/stream_teaching.yaml --cores 4
# The analytic engine is exact on both (engine auto picks it; `analytic` fails elsewhere).
expect none run-auto run workloads/dispatch_teaching.yaml
expect none run-analytic run workloads/stream_teaching.yaml --engine analytic --format json
expect simgrid run-simgrid run workloads/dispatch_teaching.yaml --engine simgrid

# module_fails FILE MESSAGE: a SimGrid run with $PL_SIMGRID_MODULE=FILE exits 3 (PL_EENGINE,
# sim/common/error.h) and says MESSAGE.
module_fails() {
  local rc=0
  PL_SIMGRID_MODULE=$1 "$bin" run workloads/dispatch_teaching.yaml --engine simgrid \
    >"$tmp/module.out" 2>&1 || rc=$?
  [ "$rc" = 3 ] || fail "module $1: exit $rc, expected 3: $(cat "$tmp/module.out")"
  grep -qF "$2" "$tmp/module.out" || fail "module $1: no '$2' in: $(cat "$tmp/module.out")"
}
module_fails "$tmp/none.so" "the SimGrid engine's module is missing: no $tmp/none.so"
# A file that is no library: the loader's reason follows the path.
echo "not a library" >"$tmp/junk.so"
module_fails "$tmp/junk.so" "cannot load the SimGrid engine's module $tmp/junk.so: "
echo "ok: a missing or unloadable module is PL_EENGINE with its path"
