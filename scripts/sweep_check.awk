# SPDX-License-Identifier: GPL-3.0-or-later
#
# awk functions for the checks of a sweep's results rows (sim/study/sweep_record.h):
# h * 256 + byte, modulo the largest prime below 2^45, which stays exact in awk's
# doubles (2^53). A script puts this file's text before its own program, run with
# LC_ALL=C so that a character is a byte: LC_ALL=C awk "$(cat scripts/sweep_check.awk)"'...'.
function check_init(    i) {
    for (i = 1; i < 256; i++) check_ord[sprintf("%c", i)] = i
    CHECK_MOD = 35184372088777
}
# The hash h continued over the bytes of s.
function check_more(h, s,    i, n) {
    n = length(s)
    for (i = 1; i <= n; i++) h = (h * 256 + check_ord[substr(s, i, 1)]) % CHECK_MOD
    return h
}
# Whether a record line is one the rows are not bound to.
function check_unbound(line) {
    return line ~ /^(scenario: |seed from: |shard: |#)/
}
# The row with its check (the last field) made again from the binding: what the sweep
# would have written.
function check_row(binding, row,    p) {
    p = match(row, /,[0-9]*$/)
    if (p) row = substr(row, 1, RSTART - 1)
    return row "," sprintf("%.0f", check_more(binding, row))
}
