#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Outputs that never damage what they replace, inputs that are regular files, -o DIR on a
# full disk, and three messages (docs/reliability.md, "Crash-safe outputs" and "Bad
# input"). Every special file is a copy made in a scratch folder (mknod, mkfifo, ln -s),
# never the real /dev. Each expected message is the one output.c, input.c or node_parse.c
# words, quoted whole; each expected byte count or listing is the file or folder as it
# was before the command, or what the same command writes into a regular file.
#
# The device node and the full disk need root (mknod, mount -t tmpfs): where they are not
# permitted the test says why, runs the rest and exits 77 (skipped) when nothing failed.
set -euo pipefail

# shellcheck source=tests/common.sh
. "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
small=$tmp/small
cleanup() {
  mountpoint -q "$small" 2>/dev/null && umount "$small"
  rm -rf "$tmp"
}
trap cleanup EXIT
cd "$src"

failures=0 skipped=()
fail() { echo "FAIL: $1: $2" >&2; failures=$((failures + 1)); }
ok() { echo "ok  $1"; }

# Runs pipelab with a 10 s limit: status into $status, stderr into $err, stdout into
# $tmp/stdout. A hang shows as status 124.
run() {
  status=0
  timeout 10 "$bin" "$@" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
  err=$(cat "$tmp/stderr")
}

# expect NAME STATUS MESSAGE: the last run exited with STATUS and printed MESSAGE (the
# whole of stderr).
expect() {
  local name=$1 want_status=$2 want=$3
  if [ "$status" -ne "$want_status" ]; then
    fail "$name" "exit status $status, expected $want_status (stderr: $err)"
    return 1
  fi
  [ "$err" = "$want" ] || { fail "$name" "stderr is
  $err
expected
  $want"; return 1; }
}

no_temporaries() {
  local left
  left=$(find "$1" -name '*.tmp-*' 2>/dev/null)
  [ -z "$left" ] || fail "$2" "left temporaries behind: $left"
}

# The trace of a small scenario, written into a regular file: what every special output
# below must receive.
w=workloads/dispatch_five_ops.yaml
"$bin" run "$w" --trace "$tmp/ref.json" >/dev/null
ref_bytes=$(wc -c <"$tmp/ref.json")

d=$tmp/d
mkdir "$d"

# ---- Outputs that are not new regular files ------------------------------------------

# A copy of /dev/null: written in place, still the same device afterwards.
if mknod "$d/null" c 1 3 2>"$tmp/why"; then
  run run "$w" --trace "$d/null"
  if expect "--trace to a device" 0 "" &&
    [ "$(stat -c '%F %t,%T' "$d/null")" = "character special file 1,3" ]; then
    ok "--trace to a device"
  else
    fail "--trace to a device" "$d/null is now: $(stat -c '%F %s bytes' "$d/null")"
  fi
  # A link to it: the link stays, the device stays.
  ln -s null "$d/to_null"
  run run "$w" --trace "$d/to_null"
  if expect "--trace to a link to a device" 0 "" && [ -L "$d/to_null" ] &&
    [ "$(stat -c '%F' "$d/null")" = "character special file" ]; then
    ok "--trace to a link to a device"
  else
    fail "--trace to a link to a device" "the link or the device was replaced: $(ls -l "$d")"
  fi
  # A sweep's results file that is a device is not replaced either (the sweep then
  # cannot read its rows back, which results.c reports).
  run sweep "$w" --vary dispatch.threads.launch=1,2 -o "$d/null" --force
  [ "$(stat -c '%F' "$d/null")" = "character special file" ] &&
    ok "sweep -o to a device" || fail "sweep -o to a device" "$d/null was replaced"
else
  skipped+=("device node: mknod is not permitted here ($(cat "$tmp/why"))")
fi

# A FIFO with no reader: refused at once, not blocked on; the FIFO stays.
mkfifo "$d/fifo"
run run "$w" --trace "$d/fifo"
expect "--trace to a FIFO with no reader" 2 \
  "pipelab: cannot write $d/fifo: No such device or address (a FIFO that no process reads)" &&
  [ -p "$d/fifo" ] && ok "--trace to a FIFO with no reader" ||
  { [ -p "$d/fifo" ] || fail "--trace to a FIFO with no reader" "the FIFO was replaced"; }

# A FIFO with a reader: the reader gets the whole trace (and gives up after 10 s when
# the FIFO was replaced or the trace falls short). It holds the FIFO open before pipelab
# starts, which takes a millisecond: opened read-write, which does not wait for a writer.
timeout 10 bash -c 'exec 3<>"$1"; touch "$2"; head -c "$3" <&3' _ "$d/fifo" "$tmp/ready" \
  "$ref_bytes" >"$tmp/from_fifo" &
reader=$!
until [ -e "$tmp/ready" ] || ! kill -0 "$reader" 2>/dev/null; do sleep 0.01; done
run run "$w" --trace "$d/fifo"
wait "$reader" || true
expect "--trace to a FIFO with a reader" 0 "" && [ -p "$d/fifo" ] &&
  cmp -s "$tmp/ref.json" "$tmp/from_fifo" && ok "--trace to a FIFO with a reader" ||
  fail "--trace to a FIFO with a reader" "got $(wc -c <"$tmp/from_fifo") of $ref_bytes bytes"

# A link to a regular file: the target is replaced, the link stays a link to it.
echo old >"$d/target"
ln -s target "$d/link"
run run "$w" --trace "$d/link"
expect "--trace to a link" 0 "" && [ "$(readlink "$d/link")" = target ] &&
  cmp -s "$tmp/ref.json" "$d/target" && ok "--trace to a link" ||
  fail "--trace to a link" "$(ls -l "$d/link") with $(wc -c <"$d/target") bytes in the target"

# A sweep's results file behind a link: the same.
echo old >"$d/results.csv"
ln -s results.csv "$d/results_link"
run sweep "$w" --vary dispatch.threads.launch=1,2 -o "$d/results_link" --force
[ "$status" -eq 0 ] && [ "$(readlink "$d/results_link")" = results.csv ] &&
  [ "$(wc -l <"$d/results.csv")" -eq 3 ] && ok "sweep -o to a link" ||
  fail "sweep -o to a link" "status $status, $(ls -l "$d/results_link"),
    $(wc -l <"$d/results.csv") lines (expected a header and 2 rows)"

# A link to standard output (as /dev/stdout is): the trace goes to standard output,
# after nothing, since the report is printed last; the link stays.
ln -s /proc/self/fd/1 "$d/stdout"
run run "$w" --trace "$d/stdout"
expect "--trace to a link to standard output" 0 "" && [ -L "$d/stdout" ] &&
  cmp -s -n "$ref_bytes" "$tmp/ref.json" "$tmp/stdout" &&
  ok "--trace to a link to standard output" ||
  fail "--trace to a link to standard output" \
    "$(ls -l "$d/stdout"); stdout does not start with the trace"

# A set-user-ID file: replaced with its mode less the set-user-ID bit (4755 -> 755).
echo old >"$d/suid"
chmod 4755 "$d/suid"
run run "$w" --trace "$d/suid"
expect "--trace over a set-user-ID file" 0 "" && [ "$(stat -c %a "$d/suid")" = 755 ] &&
  cmp -s "$tmp/ref.json" "$d/suid" && ok "--trace over a set-user-ID file" ||
  fail "--trace over a set-user-ID file" "mode is now $(stat -c %a "$d/suid")"

# A directory: refused, left empty.
mkdir "$d/dir"
run run "$w" --trace "$d/dir"
expect "--trace to a directory" 2 "pipelab: cannot write $d/dir: Is a directory" &&
  [ -z "$(ls -A "$d/dir")" ] && ok "--trace to a directory"
# -o DIR/ (a trailing slash) for a new folder: built beside it and renamed into place.
run run "$w" -o "$d/new/"
expect "-o DIR/" 0 "" && cmp -s "$tmp/ref.json" "$d/new/trace.json" && ok "-o DIR/" ||
  fail "-o DIR/" "no $d/new/trace.json equal to the reference trace"
no_temporaries "$d" "special outputs"

# ---- -o DIR on a full disk -----------------------------------------------------------

# The disk is a 200 KiB tmpfs (50 pages of 4 KiB), too small for the 8 files of the
# dispatch teaching example (220 KiB on a normal disk). The file that runs out of space
# is the first whose pages, added to those before it in the order main.c writes them,
# pass the pages left; it is worked out from a run on a normal disk.
w2=workloads/dispatch_teaching.yaml
"$bin" run "$w2" -o "$tmp/full" >/dev/null
# Prints the file of $tmp/full that no longer fits when $1 pages are left.
first_too_big() {
  local left=$1 f pages
  for f in report.txt report.json units.csv intervals.csv trace.json gantt.txt config.yaml seed; do
    pages=$((($(stat -c %s "$tmp/full/$f") + 4095) / 4096))
    [ "$pages" -le "$left" ] || { echo "$f"; return; }
    left=$((left - pages))
  done
  echo "(none)"
}
pages_left() { echo $(($(df --output=avail -k "$small" | tail -n 1) / 4)); }

mkdir "$small"
if mount -t tmpfs -o size=200k tmpfs "$small" 2>"$tmp/why"; then
  # A missing DIR: nothing appears, not even a temporary directory.
  want_file=$(first_too_big "$(pages_left)")
  run run "$w2" -o "$small/out"
  expect "-o DIR on a full disk" 2 \
    "pipelab: cannot write $small/out/$want_file: No space left on device" &&
    [ -z "$(ls -A "$small")" ] && ok "-o DIR on a full disk" ||
    { [ -z "$(ls -A "$small")" ] || fail "-o DIR on a full disk" "left $(ls -A "$small")"; }

  # An existing DIR with --force: every file in it as it was, no temporaries.
  mkdir "$small/keep"
  echo "an old report" >"$small/keep/report.txt"
  echo "mine" >"$small/keep/notes"
  before=$(cd "$small/keep" && ls -l --time-style=+%s.%N . && md5sum ./*)
  want_file=$(first_too_big "$(pages_left)")
  run run "$w2" -o "$small/keep" --force
  expect "-o DIR --force on a full disk" 2 \
    "pipelab: cannot write $small/keep/$want_file: No space left on device" &&
    [ "$before" = "$(cd "$small/keep" && ls -l --time-style=+%s.%N . && md5sum ./*)" ] &&
    ok "-o DIR --force on a full disk" ||
    fail "-o DIR --force on a full disk" "the folder changed: $(ls -l "$small/keep")"

  # --trace over a file on a full disk: the old file stays whole.
  echo "an old trace" >"$small/trace.json"
  head -c $(((($(pages_left) - 1) * 4096))) /dev/zero >"$small/filler"
  run run "$w2" --trace "$small/trace.json"
  expect "--trace on a full disk" 2 \
    "pipelab: cannot write $small/trace.json: No space left on device" &&
    [ "$(cat "$small/trace.json")" = "an old trace" ] && ok "--trace on a full disk" ||
    fail "--trace on a full disk" "the old file is now $(wc -c <"$small/trace.json") bytes"
  no_temporaries "$small" "full disk"
  umount "$small"
else
  skipped+=("full disk: mount -t tmpfs is not permitted here ($(cat "$tmp/why"))")
fi

# ---- Inputs that are not regular files -----------------------------------------------

# A FIFO as the scenario, its base file and its machine file: refused at once (a writer
# never comes), exit status 2.
mkfifo "$tmp/in.fifo"
run run "$tmp/in.fifo"
expect "a FIFO as the scenario" 2 \
  "pipelab: $tmp/in.fifo: cannot read: a FIFO (named pipe), not a regular file" &&
  ok "a FIFO as the scenario"
printf 'base: in.fifo\nmodel: dispatch\nmachine: %s/configs/gpu_server.yaml\n' "$src" \
  >"$tmp/with_base.yaml"
run run "$tmp/with_base.yaml"
fifo_why="a FIFO (named pipe), not a regular file"
expect "a FIFO as the base file" 2 \
  "pipelab: $tmp/with_base.yaml:1:1: key 'base': cannot read '$tmp/in.fifo': $fifo_why" &&
  ok "a FIFO as the base file"
run run workloads/dispatch_teaching.yaml --set "machine=$tmp/in.fifo"
expect "a FIFO as the machine file" 2 \
  "pipelab: --set 'machine=$tmp/in.fifo':1:1: key 'machine': cannot read '$tmp/in.fifo':\
 $fifo_why" &&
  ok "a FIFO as the machine file"
# A device that never ends: refused before a byte is read.
run run /dev/zero
expect "a device as the scenario" 2 \
  "pipelab: /dev/zero: cannot read: a character device, not a regular file" &&
  ok "a device as the scenario"

# ---- Messages --------------------------------------------------------------------------

# A UTF-8 byte order mark before the first key is allowed (YAML 1.2, section 5.2): the
# scenario runs as the same file without it does. The comments go, so that the mark is
# right before a key.
mkdir "$tmp/bom" "$tmp/plain"
grep -v '^#' workloads/dispatch_teaching.yaml |
  sed "s|^machine: .*|machine: $src/configs/gpu_server.yaml|" >"$tmp/plain/s.yaml"
{ printf '\xef\xbb\xbf'; cat "$tmp/plain/s.yaml"; } >"$tmp/bom/s.yaml"
"$bin" run "$tmp/plain/s.yaml" --format csv >"$tmp/plain.csv"
run run "$tmp/bom/s.yaml" --format csv
# The first column names the scenario file, which is another path: the rest is compared.
expect "a byte order mark" 0 "" &&
  cmp -s <(cut -d, -f2- "$tmp/plain.csv") <(cut -d, -f2- "$tmp/stdout") &&
  ok "a byte order mark" || fail "a byte order mark" "the unit tables differ"

# A text file that is not YAML as the machine: no line of it in the message. A line of a
# shadow file parses as a key (it ends in ':'); a line of a passwd file as one value.
printf 'root:$6$TOPSECRET$hash:19000:0:99999:7:::\n' >"$tmp/shadow"
run run workloads/dispatch_teaching.yaml --set "machine=$tmp/shadow"
expect "a shadow file as the machine" 2 \
  "pipelab: $tmp/shadow:1:1: a line of plain text, not a mapping (a key holding ':' with no space\
 after it); expected 'key: value' lines of YAML" &&
  ok "a shadow file as the machine"
printf 'root:TOPSECRET:0:0:root:/root:/bin/bash\n' >"$tmp/passwd"
run run workloads/dispatch_teaching.yaml --set "machine=$tmp/passwd"
[[ "$err" != *TOPSECRET* && "$status" -eq 2 ]] && ok "a passwd file as the machine" ||
  fail "a passwd file as the machine" "status $status: $err"

for why in "${skipped[@]}"; do echo "SKIPPED: $why"; done
[ "$failures" -eq 0 ] || { echo "$failures case(s) failed" >&2; exit 1; }
[ "${#skipped[@]}" -eq 0 ] || exit 77
echo "all outputs and inputs behaved"
