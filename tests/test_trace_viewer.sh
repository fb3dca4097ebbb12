#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The offline trace viewer (docs/reports.md, "Chrome trace"): speedscope, installed from
# npm into build/viewer by scripts/setup.sh --viewer, opens a trace of `pipelab run
# --trace` by the command the docs give, and Debian's Chromium renders the page it opens,
# headless. For the five-op dispatch example and the stream teaching example (whose
# slices would overlap in floating point were they X events) it checks that speedscope
# imported the trace: it says so on the console, the page's title
# becomes "FILE - speedscope", and the page lists every thread the trace names, as
# "PROCESS (pid P), THREAD (tid T)", the baseline's too; and that no task was misnested
# (speedscope warns when an event ends while another one is on top of its thread's
# stack). A trace cut in half must not load: speedscope stops at its "Unrecognized
# format!" alert, so the page never gets that title. Without Chromium, Node.js or the
# speedscope version setup.sh pins the test fails (scripts/setup.sh --viewer installs
# them); it never skips.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
viewer=$src/build/viewer
cli=$viewer/node_modules/.bin/speedscope

# The command docs/reports.md gives, which open_trace below runs (a trace's name for
# trace.json, and $BROWSER set).
grep -qx 'build/viewer/node_modules/.bin/speedscope trace.json' "$src/docs/reports.md" ||
  fail "docs/reports.md no longer gives the command this test runs:" \
    "build/viewer/node_modules/.bin/speedscope trace.json"

install_hint="scripts/setup.sh --viewer installs it"
command -v chromium >/dev/null 2>&1 || fail "Chromium is not installed: $install_hint"
command -v node >/dev/null 2>&1 || fail "Node.js (for speedscope) is not installed: $install_hint"
pinned=$(sed -n 's/^viewer_pkg=speedscope@\([^ ]*\).*/\1/p' "$src/scripts/setup.sh")
[ -n "$pinned" ] || fail "scripts/setup.sh pins no speedscope version (viewer_pkg=speedscope@...)"
[ -x "$cli" ] || fail "speedscope is not installed in $viewer: $install_hint"
version=$("$cli" --version)
[ "$version" = "v$pinned" ] ||
  fail "speedscope in $viewer is $version, scripts/setup.sh pins $pinned: $install_hint"

cd "$tmp"

# speedscope's command writes the trace into a script in $TMPDIR and has xdg-open open its
# page on that script. Here xdg-open takes no desktop's browser and no mailcap viewer
# (where run-mailcap is installed it is tried first): it hands the page's address to
# $BROWSER, a script that writes it down for Chromium to render headless below.
mkdir bin
printf '#!/bin/sh\nexit 1\n' >bin/run-mailcap
cat >bin/browser <<END
#!/bin/sh
printf '%s\n' "\$1" >"$tmp/url"
END
chmod +x bin/run-mailcap bin/browser

# Opens FILE as the docs say and prints the address of the page speedscope opened.
open_trace() {
  rm -f url
  env -u DISPLAY -u WAYLAND_DISPLAY -u DESKTOP_SESSION XDG_CURRENT_DESKTOP=X-Generic \
    PATH="$tmp/bin:$PATH" TMPDIR="$tmp" BROWSER="$tmp/bin/browser" "$cli" "$1" >open.txt 2>&1 ||
    fail "speedscope $1 failed: $(cat open.txt)"
  for _ in $(seq 100); do
    [ -s url ] && break
    sleep 0.1
  done
  [ -s url ] || fail "speedscope $1 opened no page: $(cat open.txt)"
  cat url
}

# Renders the page at URL headless for at most LIMIT seconds: its DOM into NAME.html, the
# console into NAME.log, and the DOM's text (tags left out) into NAME.txt. Prints
# Chromium's exit status (124: still at work, or held by an alert, when it was stopped).
render() {
  local status=0
  timeout -k 5 "$2" chromium --headless=new --no-sandbox --disable-gpu \
    --user-data-dir="$tmp/chromium" --virtual-time-budget=10000 \
    --enable-logging=stderr --v=0 --dump-dom "$1" >"$3.html" 2>"$3.log" || status=$?
  sed 's/<[^>]*>/ /g' "$3.html" | tr -s ' \n' ' ' >"$3.txt"
  echo "$status"
}

# The names speedscope gives the trace's threads: "PROCESS (pid P), THREAD (tid T)".
thread_labels() {
  jq -r '[.traceEvents[] | select(.ph == "M")] as $m
    | ($m | map(select(.name == "process_name") | {key: (.pid | tostring), value: .args.name})
          | from_entries) as $proc
    | $m[] | select(.name == "thread_name")
    | "\($proc[.pid | tostring]) (pid \(.pid)), \(.args.name) (tid \(.tid))"' "$1"
}

# stream_teaching has slices whose start plus duration, added as doubles, would pass the
# next slice's start were they X events: B and E events keep them apart (docs/reports.md).
for scenario in dispatch_five_ops stream_teaching; do
  trace=$scenario.json
  "$bin" run "$src/workloads/$scenario.yaml" --trace "$trace" >/dev/null ||
    fail "pipelab run $scenario.yaml --trace $trace failed"
  start=$EPOCHREALTIME
  url=$(open_trace "$trace")
  status=$(render "$url" 60 "$scenario")
  secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  [ "$status" -eq 0 ] || fail "Chromium did not render speedscope on $trace in 60 s" \
    "(status $status); the console: $(grep CONSOLE "$scenario.log" | tail -n 5)"
  grep -q '"Importing as Trace Event Format profile"' "$scenario.log" ||
    fail "speedscope did not import $trace as a Chrome trace; the console:" \
      "$(grep CONSOLE "$scenario.log" | tail -n 5)"
  grep -q "<title>$trace - speedscope</title>" "$scenario.html" ||
    fail "speedscope shows no profile $trace: $(head -c 600 "$scenario.txt")"
  mapfile -t labels < <(thread_labels "$trace")
  [ ${#labels[@]} -gt 0 ] || fail "$trace names no thread"
  for label in "${labels[@]}"; do
    grep -qF "$label" "$scenario.txt" || fail "speedscope does not list the thread \"$label\" of" \
      "$trace: $(head -c 600 "$scenario.txt")"
  done
  grep -qF "(1/${#labels[@]})" "$scenario.txt" ||
    fail "speedscope does not count ${#labels[@]} threads in $trace: $(head -c 600 "$scenario.txt")"
  misnested=$(grep -c 'Tried to end' "$scenario.log" || true)
  [ "$misnested" -eq 0 ] || fail "speedscope misnested $misnested events of $trace (an event" \
    "ended, at its ts + dur added in binary floating point, after the next one on its thread" \
    "began): $(grep -m 1 'Tried to end' "$scenario.log" | cut -c 1-400)"
  echo "ok: speedscope loaded $trace ($(wc -c <"$trace") bytes, ${#labels[@]} threads) in $secs s"
done

# The first trace cut in half: not a trace speedscope reads.
head -n "$(($(wc -l <dispatch_five_ops.json) / 2))" dispatch_five_ops.json >cut.json
url=$(open_trace cut.json)
status=$(render "$url" 12 cut)
grep -q '"speedscope v' cut.log || fail "speedscope did not start on cut.json in 12 s (status" \
  "$status): $(grep CONSOLE cut.log | tail -n 5)"
if grep -q '<title>cut.json - speedscope</title>' cut.html; then
  fail "speedscope shows a trace cut in half as loaded: $(head -c 600 cut.txt)"
fi
if grep -qF ', host.infer (tid 1)' cut.txt; then
  fail "speedscope lists the threads of a trace cut in half: $(head -c 600 cut.txt)"
fi
echo "ok: speedscope does not load a trace cut in half (Chromium status $status)"
