#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Renders what pipelab prints for every workload, so that a change that must not
# change behaviour (moving code, splitting files) can be shown to change no byte.
#
#   scripts/outputs.sh save DIR [PROGRAM]    render everything into DIR (new or empty)
#   scripts/outputs.sh check DIR [PROGRAM]   render again and compare with DIR byte
#                                            for byte; exit 1 when any file differs
#
# PROGRAM defaults to build/pipelab. What is rendered, each with its standard output,
# standard error and exit status, from the source root with relative paths, so
# that the report headers name the same files:
#   * every workloads/*.yaml with its default seed: `run` as text, JSON and CSV, with
#     --gantt, and every file of `-o DIR` (the reports, intervals, trace, Gantt chart,
#     configuration, seed and the model's tables);
#   * the model commands: `plan` (text, JSON) of every plan workload, `partition`
#     (text, JSON, with the machine's cores and with 8) of every stream workload,
#     `plan --stg` (text, JSON) of every graph in tests/fuzz/seeds/stg/;
#   * the studies on the teaching example: `compare`, `run --reps`, `sensitivity`,
#     a small `sweep` and its `summary` (text, CSV, JSON);
#   * `pipelab keys` and `pipelab --help`.
set -euo pipefail

cd "$(dirname "$0")/.."
usage() { echo "usage: scripts/outputs.sh save|check DIR [PROGRAM]" >&2; exit 2; }
[ $# -ge 2 ] || usage
mode=$1 dir=$2 program=${3:-build/pipelab}
[ "$mode" = save ] || [ "$mode" = check ] || usage
[ -x "$program" ] || { echo "outputs: no program at $program" >&2; exit 2; }

if [ "$mode" = save ]; then
  out=$dir
  mkdir -p "$out"
  [ -z "$(ls -A "$out")" ] || { echo "outputs: $out is not empty" >&2; exit 2; }
else
  [ -d "$dir" ] || { echo "outputs: no saved outputs in $dir" >&2; exit 2; }
  out=$(mktemp -d "${TMPDIR:-/tmp}/pl_outputs.XXXXXX")
  trap 'rm -rf "$out"' EXIT
fi

# render NAME ARGS...: runs the program with ARGS into NAME.out, NAME.err, NAME.status.
render() {
  local name=$1
  shift
  local status=0
  "$program" "$@" >"$out/$name.out" 2>"$out/$name.err" || status=$?
  echo "$status" >"$out/$name.status"
}

for w in workloads/*.yaml; do
  n=$(basename "$w" .yaml)
  render "run.$n.text" run "$w"
  render "run.$n.json" run "$w" --format json
  render "run.$n.csv" run "$w" --format csv
  render "run.$n.gantt" run "$w" --gantt
  render "run.$n.dir" run "$w" -o "$out/dir.$n"
  case $n in
    plan_*)
      render "plan.$n.text" plan "$w"
      render "plan.$n.json" plan "$w" --format json ;;
    stream_*)
      render "partition.$n.text" partition "$w"
      render "partition.$n.json" partition "$w" --format json
      render "partition.$n.8.text" partition "$w" --cores 8 ;;
  esac
done
# The fuzz seeds' first byte picks the units: the graph follows it.
for g in tests/fuzz/seeds/stg/*.stg; do
  n=$(basename "$g" .stg)
  tail -c +2 "$g" >"$out/$n.stg"
  render "stg.$n.text" plan --stg "$out/$n.stg" --units 2
  render "stg.$n.json" plan --stg "$out/$n.stg" --units 3 --format json
done
teach=workloads/dispatch_teaching.yaml
render compare.text compare "$teach" --a dispatch.mode=serial
render compare.json compare "$teach" --a dispatch.mode=serial --format json
render reps.text run workloads/stream_teaching.yaml --reps 3 -j 2
render reps.json run workloads/stream_teaching.yaml --reps 3 --format json
render sensitivity.text sensitivity "$teach" --keys 'dispatch.ops[0].kernel,dispatch.ops[0].launch'
render sweep sweep "$teach" --vary dispatch.threads.launch=1:3:1 --reps 2 -j 2 -o "$out/sweep.csv"
render summary summary "$out/sweep.csv"
render summary.csv summary "$out/sweep.csv" --format csv
render summary.json summary "$out/sweep.csv" --format json
render keys keys
render help --help

# Absolute paths to the scratch folder appear where a command names its output.
sed -i "s|$out|OUT|g" "$out"/*.out "$out"/*.err

if [ "$mode" = save ]; then
  echo "outputs: $(find "$out" -type f | wc -l) files in $out"
  exit 0
fi
differ=0
while IFS= read -r f; do
  rel=${f#"$dir"/}
  if [ ! -f "$out/$rel" ]; then
    echo "missing now: $rel"
    differ=1
  elif ! cmp -s "$f" "$out/$rel"; then
    echo "differs: $rel"
    diff -u "$f" "$out/$rel" | head -n 20 || true
    differ=1
  fi
done < <(find "$dir" -type f | sort)
while IFS= read -r f; do
  rel=${f#"$out"/}
  [ -f "$dir/$rel" ] || { echo "new now: $rel"; differ=1; }
done < <(find "$out" -type f | sort)
total=$(find "$dir" -type f | wc -l)
if [ $differ -eq 0 ]; then
  echo "outputs: all $total files byte-identical"
else
  echo "outputs: some of the $total files differ"
fi
exit $differ
