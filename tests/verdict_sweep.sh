# shellcheck shell=bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# verdict_sweep.sh — the machinery of tests/test_verdict_workloads.sh, which sources it:
# a case (run_case, pin_case, change, each, end_case, refused_case) is a `pipelab run`
# command, the changes of its hand-written sweep, and the check of the run's verdict
# against that sweep (check_jq; the assertions are listed at the top of the test).
#
# Before sourcing it, the test sources tests/common.sh, whose bin (the program, which the
# test makes an absolute path: the cases run from the source tree) and tmp (the scratch
# folder) it uses. It sets failed (1 once a case fails) and listed (every case's run
# arguments, spaces squeezed), which the test reads at its end.
#
# Not a test itself: CTest runs tests/test_*.sh only.
# shellcheck disable=SC2154 # bin and tmp are common.sh's

# shellcheck disable=SC2034 # failed and listed are read by the test
failed=0
listed=()   # every case's run arguments, spaces squeezed, for the tutorial check

# ---- The check of one case --------------------------------------------------------

# Input: the run's JSON report; $s: the sweep, [{how, kind, name, makespan_s, sets}].
# Output: one line per failed assertion.
read -r -d '' check_jq <<'EOF' || true
def same(a; b): a.kind == b.kind and a.name == b.name;
def named: "\(.kind) \(.name)";
def rel(a; b): ((a - b) | fabs) / ([(b | fabs), 1e-300] | max);
.makespan_s as $m
| .verdict as $v
| ($s | map(. + {gain_s: ($m - .makespan_s)})) as $sw
| ($sw | map(.gain_s) | max) as $best
| ($sw | map(select(.gain_s >= $best - 0.01 * $m - 1e-9 * $m))) as $near
| ($near | map(select(.gain_s > 1e-9 * $m))) as $top
| if $v == null then "the report has no verdict"
  else
    ([$v.tried[], $v.ruled_out[], $v.refused[] | select(.kind == "chain")] | length) as $chain
    | (if ($sw | length) < ([3, $v.candidates - $chain] | min)
       then "the sweep has \($sw | length) changes, fewer than 3 of the verdict's"
            + " \($v.candidates - $chain) (besides the critical path)"
       else empty end),
    (if $v.bottleneck == null then
       (if $best > 1e-9 * $m
        then "the verdict names no bottleneck, but the sweep's \($top[0] | named) shortens"
             + " the run by \($best) s"
        else empty end)
     else
       if any($top[]; same(.; $v.bottleneck)) | not then
         "the verdict names \($v.bottleneck | named) (gain \($v.bottleneck.gain_s) s),"
         + " but the sweep shows \([$top[] | named] | join(" and ")) gaining most"
         + " (\($best) s)"
       else
         ($top[] | select(same(.; $v.bottleneck) | not) | . as $t
          | if any($v.ties[]; same(.; $t)) then empty
            else "the sweep's \($t | named) gains \($t.gain_s) s, within 1 % of the makespan"
                 + " of the largest gain (\($best) s), but the verdict does not name it"
                 + " among its ties" end),
         ($v.ties[] | . as $t
          | ([$sw[] | select(same(.; $t))] | first) as $c
          | if $c == null or any($near[]; same(.; $t)) then empty
            else "the verdict names \($t | named) among its ties, but the sweep shows it"
                 + " gaining \($c.gain_s) s, more than 1 % of the makespan below the"
                 + " largest gain (\($best) s)" end)
       end
     end),
    ($sw[] | . as $c
     | ([$v.tried[] | select(same(.; $c))] | first) as $t
     | ([$v.ruled_out[] | select(same(.; $c))] | first) as $r
     | ([$v.refused[] | select(same(.; $c))] | first) as $x
     | if $x != null then
         "the verdict refuses \($c | named) (\($x.why)), which the sweep ran"
         + " (makespan \($c.makespan_s) s)"
       elif $t == null and $r == null then
         "the verdict does not consider \($c | named)"
       elif $c.how != "exact" then empty
       elif $t != null and rel($t.makespan_s; $c.makespan_s) > 1e-9 then
         "the verdict simulated \($c | named) at \($t.makespan_s) s, the sweep's run of"
         + " it (\($c.sets)) at \($c.makespan_s) s"
       elif $r != null and $c.gain_s > $r.gain_at_most_s + 1e-9 * $m then
         "the verdict ruled out \($c | named) as gaining at most \($r.gain_at_most_s) s,"
         + " the sweep's run of it (\($c.sets)) gains \($c.gain_s) s"
       else empty end)
  end
EOF

# The sweep's and the verdict's changes, for a failure's message.
read -r -d '' table_jq <<'EOF' || true
.makespan_s as $m
| "  run: makespan \($m) s; verdict: \(.verdict.bottleneck | if . == null then "none"
                                        else "\(.kind) \(.name)" end),"
  + " ties \([.verdict.ties[]? | "\(.kind) \(.name)"])",
  ($s[] | "  sweep \(.how) \(.kind) \(.name): makespan \(.makespan_s) s,"
          + " gain \($m - .makespan_s) s"),
  (.verdict.tried[]? | "  verdict tried \(.kind) \(.name): makespan \(.makespan_s) s"),
  (.verdict.ruled_out[]? | "  verdict ruled out \(.kind) \(.name): at most \(.gain_at_most_s) s")
EOF

args=()     # the case's run arguments
pin=()      # overrides every run of the sweep adds (they must not change the run)
sweep=()    # per change i: "how<TAB>kind<TAB>name"; its overrides in $tmp/change.<i>
label=""
sets=()     # a change's overrides, built by `each`

# run_case ARGS: starts a case, the arguments of `pipelab run` as the tutorial writes
# them (shell words).
run_case() {
    label=$(printf '%s' "$1" | tr -s ' ')
    listed+=("$label")
    eval "args=($1)"
    pin=()
    sweep=()
}

# pin_case SET...: overrides every run of the sweep adds, e.g. the stages that `auto`
# chose; the case checks that they alone give the run's makespan.
pin_case() { pin=("$@"); }

# change HOW KIND NAME SET...: one change of the sweep, the resource the verdict would
# name (KIND NAME, as docs/reports.md spells them) and its overrides (KEY=VALUE).
change() {
    local i=${#sweep[@]}
    sweep+=("$1	$2	$3")
    shift 3
    printf '%s\0' "$@" > "$tmp/change.$i"
}

# each FORMAT FIRST LAST VALUE: adds FORMAT % i = VALUE to sets for i from FIRST to LAST.
each() {
    local i key
    for ((i = $2; i <= $3; i++)); do
        # shellcheck disable=SC2059 # the format is the argument
        printf -v key "$1" "$i"
        sets+=("$key=$4")
    done
}

fail_case() {
    printf '\nFAIL: pipelab run %s\n' "$label"
    printf '%s\n' "$@"
    # shellcheck disable=SC2034 # read by the test
    failed=1
}

# report_of OUT SET...: runs the case with overrides SET and --no-advice, writes the JSON
# report to OUT.
report_of() {
    local out=$1 over=() s
    shift
    for s in "${pin[@]}" "$@"; do over+=(--set "$s"); done
    "$bin" run "${args[@]}" "${over[@]}" --no-advice --format json > "$out"
}

# makespan_of OUT SET...: report_of, then the makespan alone into OUT.
makespan_of() {
    local out=$1
    shift
    report_of "$tmp/one.json" "$@" || return 1
    jq -r '.makespan_s' "$tmp/one.json" > "$out"
}

# end_case: runs the case with its verdict and every change of the sweep, and checks.
end_case() {
    if ! "$bin" run "${args[@]}" --format json > "$tmp/run.json" 2> "$tmp/err"; then
        fail_case "it failed: $(cat "$tmp/err")"
        return
    fi
    local m i kind name n
    m=$(jq -r '.makespan_s' "$tmp/run.json")
    if ((${#pin[@]})); then
        makespan_of "$tmp/ms" || { fail_case "the pinned run failed"; return; }
        if ! jq -e -n --argjson a "$(cat "$tmp/ms")" --argjson b "$m" \
            '(($a - $b) | fabs) <= 1e-9 * $b' > /dev/null; then
            fail_case "with only ${pin[*]} the makespan is $(cat "$tmp/ms") s, not the run's $m s"
            return
        fi
    fi
    # Each change's report, then one jq over them all (a jq per change took longer than the
    # runs it read).
    : > "$tmp/sweep.tsv"
    local reports=()
    for ((i = 0; i < ${#sweep[@]}; i++)); do
        IFS=$'\t' read -r _ kind name <<< "${sweep[$i]}"
        mapfile -d '' -t n < "$tmp/change.$i"
        if ! report_of "$tmp/change.$i.json" "${n[@]}"; then
            fail_case "the change $kind $name (${n[*]}) failed"
            return
        fi
        # One record a change, its fields by tabs, ended by an ASCII record separator (an
        # override's value may span lines).
        printf '%s\t%s\036' "${sweep[$i]}" "${n[*]}" >> "$tmp/sweep.tsv"
        reports+=("$tmp/change.$i.json")
    done
    jq -n --rawfile tsv "$tmp/sweep.tsv" \
        '[$tsv | split("\u001e")[] | select(length > 0) | split("\t")] as $c
         | [inputs | .makespan_s] as $ms
         | [range(0; $c | length) as $i
            | {how: $c[$i][0], kind: $c[$i][1], name: $c[$i][2], makespan_s: $ms[$i],
               sets: $c[$i][3]}]' "${reports[@]}" > "$tmp/sweep.json"
    jq -r --slurpfile s "$tmp/sweep.json" '($s[0]) as $s | '"$check_jq" "$tmp/run.json" \
        > "$tmp/problems"
    if [[ -s $tmp/problems ]]; then
        fail_case "$(cat "$tmp/problems")" \
            "$(jq -r --slurpfile s "$tmp/sweep.json" '($s[0]) as $s | '"$table_jq" \
                "$tmp/run.json")"
    else
        printf 'ok   %-72s %s\n' "$label" "$(jq -r '.verdict.bottleneck
            | if . == null then "no bottleneck" else "\(.kind) \(.name)" end' "$tmp/run.json")"
    fi
}

# refused_case ARGS STATUS: a tutorial command the program refuses with STATUS (its text
# block says so): no run, nothing to judge.
refused_case() {
    run_case "$1"
    local status=0
    "$bin" run "${args[@]}" --format json > "$tmp/run.json" 2> "$tmp/err" || status=$?
    if ((status != $2)); then
        fail_case "exit status $status, expected $2 (the tutorial shows it refused)"
    else
        printf 'ok   %-72s refused (%d)\n' "$label" "$status"
    fi
}
