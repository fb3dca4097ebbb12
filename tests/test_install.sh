#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `cmake --install` into a temporary prefix, then the installed program used from another
# folder, as a user of the install would: an example workload runs from
# PREFIX/share/pipelab (its machine file found beside it), a run on SimGrid opens the
# SimGrid module from PREFIX/lib/pipelab (the dynamic loader's report says which file), the
# Gantt plot script draws a run from any folder with the causes' legend the build made,
# and the manual page holds every command and the options of the table.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
build=$(cd "$(dirname "$bin")" && pwd)

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" ||
  fail "cmake --install failed: $(tail -5 "$tmp/install.log")"
for f in bin/pipelab lib/pipelab/libpipelab_simgrid.so share/man/man1/pipelab.1 \
         share/pipelab/scripts/plot_gantt.sh share/pipelab/scripts/csv.awk \
         share/pipelab/causes.tsv share/pipelab/workloads/dispatch_teaching.yaml \
         share/pipelab/configs/gpu_server.yaml; do
  [ -e "$prefix/$f" ] || fail "the install has no $f"
done
echo "ok  installed into a prefix"

mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
"$prefix/bin/pipelab" run "$prefix/share/pipelab/workloads/dispatch_teaching.yaml" -o run \
  >out.txt || fail "the installed program did not run the example"
grep -q '^makespan       1.224 ms$' out.txt ||
  fail "the example's makespan is not the 1.224 ms its comment works out: $(head -3 out.txt)"
echo "ok  an example runs from the install"

LD_DEBUG=files "$prefix/bin/pipelab" run "$prefix/share/pipelab/workloads/dispatch_teaching.yaml" \
  --engine simgrid --no-advice >simgrid.txt 2>loader.txt || fail "a SimGrid run failed"
grep -q "file=$prefix/bin/../lib/pipelab/libpipelab_simgrid.so" loader.txt ||
  fail "the SimGrid module was not opened from $prefix/lib/pipelab: $(grep -m3 pipelab_simgrid loader.txt)"
grep -q '^makespan       1.224 ms$' simgrid.txt || fail "the SimGrid run's makespan differs"
echo "ok  SimGrid's module opens from the install"

if command -v gnuplot >/dev/null 2>&1; then
  "$prefix/share/pipelab/scripts/plot_gantt.sh" run >plot.txt 2>&1 || fail "plot_gantt.sh: $(cat plot.txt)"
  [ -s run/gantt.png ] && [ -s run/gantt.svg ] || fail "plot_gantt.sh drew nothing"
  grep -q 'starved by host' run/gantt.svg || fail "the plot's legend has no cause explained"
  echo "ok  the installed plot script draws from another folder"
else
  fail "gnuplot is not installed (scripts/setup.sh installs it)"
fi

man=$prefix/share/man/man1/pipelab.1
for c in run config keys sweep summary sensitivity compare import plan partition; do
  grep -qi "^\.SH \"PIPELAB $c\"" "$man" || fail "the manual page has no section for $c"
done
for o in '\\-\\-gantt\\-shared\\-scale' '\\-\\-any\\-model' '\\-\\-vary' '\\-\\-cores'; do
  grep -q "$o" "$man" || fail "the manual page does not name $o"
done
cmp -s "$man" <("$bin" --man) || fail "the installed manual page is not what the program prints"
echo "ok  the manual page has every command and its options"
