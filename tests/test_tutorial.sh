# SPDX-License-Identifier: GPL-3.0-or-later
#
# Keeps docs/tutorial.md true: runs every command the tutorial shows and checks that
# the program prints what the tutorial says it prints.
#
# The tutorial's convention (a comment at its top says the same):
#
# * A command the reader runs is a fenced block with info string `sh` holding one
#   command: its first line starts with `$ `; a line ending in a backslash is
#   continued on the next.
# * The fenced block with info string `text` that follows it (only blank lines may
#   come between) is what the reader should see. Each of its non-empty lines, with
#   trailing spaces stripped, must be a whole line of what the command prints
#   (standard output, then standard error, trailing spaces stripped), in the same
#   order; other lines may come between. A line `...` tells the reader that lines
#   were left out and is not checked.
# * The command must exit with status 0, unless the first line of its `text` block
#   is `exit N`: then it must exit with status N.
# * Commands run from the source root, with `build/pipelab` replaced by the program
#   under test. Blocks with any other info string (`yaml`, none) are not run.
#
# The test fails when a command's status or output differs (it prints the command,
# the first expected line it did not find and what the command printed), when the
# tutorial has no command, when an `sh` block has no `text` block after it, holds
# other than one command, or a `text` block follows no `sh` block, and when a
# workload or machine file the tutorial names does not exist.
#
# Environment: PL_BINARY (the program), PL_SOURCE_DIR (the source root), and
# optionally PL_TUTORIAL, another file to check instead of docs/tutorial.md (a copy
# with one number changed shows that this test can fail).
set -euo pipefail

: "${PL_BINARY:?PL_BINARY must name the pipelab program}"
: "${PL_SOURCE_DIR:?PL_SOURCE_DIR must name the source root}"
tutorial=${PL_TUTORIAL:-$PL_SOURCE_DIR/docs/tutorial.md}
[[ -f $tutorial ]] || { echo "no tutorial at $tutorial"; exit 1; }
[[ -x $PL_BINARY ]] || { echo "no program at $PL_BINARY"; exit 1; }
# The commands run from the source root: make the program's path absolute.
PL_BINARY=$(cd "$(dirname "$PL_BINARY")" && pwd)/$(basename "$PL_BINARY")

work=$(mktemp -d "${TMPDIR:-/tmp}/pl_tutorial.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Split the tutorial into cmd.N (the command, without its `$ `) and out.N (its text
# block, as written), and write the number of commands to count. Format errors go
# to standard output as file:line: message, and make awk exit 1.
awk -v dir="$work" '
function fail(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg; bad = 1 }
function fence_info(s) { s = substr(s, 4); sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
BEGIN { state = "prose"; n = 0; want = 0; bad = 0 }
state == "prose" && /^```/ {
  info = fence_info($0)
  if (want && info != "text") {
    fail("the command at line " cmdline " has no `text` block after it"); want = 0
  }
  if (info == "sh") {
    state = "sh"; n++; cmdline = FNR; commands = 0; cont = 0
    cmdfile = dir "/cmd." n; printf "" > cmdfile
  } else if (info == "text") {
    if (!want) fail("a `text` block that follows no `sh` block")
    state = "text"; outfile = dir "/out." n; printf "" > outfile; want = 0
  } else {
    state = "other"
  }
  next
}
state == "prose" {
  if (want && $0 !~ /^[ \t]*$/) {
    fail("the command at line " cmdline " has no `text` block after it"); want = 0
  }
  next
}
/^```[ \t]*$/ {
  if (state == "sh") {
    if (commands != 1) fail("an `sh` block must hold exactly one command (line " cmdline ")")
    close(cmdfile); want = 1
  } else if (state == "text") {
    close(outfile)
  }
  state = "prose"; next
}
state == "sh" {
  if (cont) print > cmdfile
  else if (/^\$ /) { commands++; print substr($0, 3) > cmdfile }
  else if ($0 !~ /^[ \t]*$/) fail("a line of an `sh` block must start with `$ ` or continue a command")
  cont = /\\$/
  next
}
state == "text" { print > outfile; next }
END {
  if (state != "prose") fail("a fenced block is not closed")
  if (want) fail("the command at line " cmdline " has no `text` block after it")
  print n > (dir "/count")
  exit bad
}' "$tutorial" || { echo "$tutorial: not in the format this test reads (see its comment)"; exit 1; }

count=$(cat "$work/count")
if (( count == 0 )); then
  echo "$tutorial: no commands (fenced \`sh\` blocks whose lines start with \`\$ \`)"
  exit 1
fi

failed=0

# Every workload or machine file the tutorial names must exist.
for file in $(grep -oE '(workloads|configs)/[A-Za-z0-9_.-]+\.yaml' "$tutorial" | sort -u || true); do
  if [[ ! -f $PL_SOURCE_DIR/$file ]]; then
    echo "$tutorial names $file, which does not exist"
    failed=1
  fi
done

# expected_status OUT: the N of a first line `exit N`, else 0.
expected_status() {
  awk '{ sub(/[ \t]+$/, "") } $0 == "" { next }
       { if ($0 ~ /^exit [0-9]+$/) s = $2 + 0; else s = 0; exit }
       END { print s + 0 }' "$1"
}

# first_missing OUT ACTUAL: prints the first line of the text block OUT (without a
# leading `exit N`, blank lines and `...`) that is not found in ACTUAL in order
# after the lines before it, and exits 1; exits 2 when OUT shows no line to check;
# prints nothing and exits 0 when all are found.
first_missing() {
  awk 'FILENAME == ARGV[1] {
         sub(/[ \t]+$/, "")
         if ($0 == "") next
         if (!seen++ && $0 ~ /^exit [0-9]+$/) next
         if ($0 ~ /^[ \t]*\.\.\.$/) next
         want[++n] = $0; next
       }
       { sub(/[ \t]+$/, ""); if (found < n && $0 == want[found + 1]) found++ }
       END {
         if (n == 0) exit 2
         if (found < n) { print want[found + 1]; exit 1 }
       }' "$1" "$2"
}

program=$(printf '%q' "$PL_BINARY")
unset COLUMNS  # a chart's width is set by its command, else the default 100

for ((i = 1; i <= count; i++)); do
  command=$(cat "$work/cmd.$i")
  if [[ $command != *build/pipelab* ]]; then
    printf 'command %d does not run build/pipelab:\n  $ %s\n' "$i" "$command"
    failed=1
    continue
  fi
  status=0
  (cd "$PL_SOURCE_DIR" && bash -c "${command//build\/pipelab/"$program"}") \
    > "$work/stdout" 2> "$work/stderr" || status=$?
  cat "$work/stdout" "$work/stderr" > "$work/actual"
  want_status=$(expected_status "$work/out.$i")
  if (( status != want_status )); then
    printf '\nFAIL: $ %s\nexit status %d, expected %d; it printed:\n' \
      "$command" "$status" "$want_status"
    cat "$work/actual"
    failed=1
    continue
  fi
  check=0
  missing=$(first_missing "$work/out.$i" "$work/actual") || check=$?
  if (( check == 2 )); then
    printf '\nFAIL: $ %s\nits `text` block shows no line of output to check\n' "$command"
    failed=1
  elif (( check != 0 )); then
    printf '\nFAIL: $ %s\nexpected line not found (in this order):\n  %s\nit printed:\n' \
      "$command" "$missing"
    cat "$work/actual"
    failed=1
  fi
done

if (( failed )); then
  echo
  echo "$tutorial: does not match the program (see above)"
  exit 1
fi
echo "$tutorial: $count commands, all print what the tutorial shows"
