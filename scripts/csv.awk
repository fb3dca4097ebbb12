# SPDX-License-Identifier: GPL-3.0-or-later
#
# awk functions the plot scripts share (POSIX awk: mawk will do). A script puts this
# file's text before its own program: awk "$(cat scripts/csv.awk)"'...'.
# ---- CSV (RFC 4180): fields may be quoted, with quotes doubled inside. -------------
# Splits line into f[1..n] and returns n, or -1 when a quoted field is still open at
# the end of the line (its value goes on in the next line).
function csv_split(line, f,    n, i, c, len, field, quoted) {
    n = 0; field = ""; quoted = 0; len = length(line)
    for (i = 1; i <= len; i++) {
        c = substr(line, i, 1)
        if (quoted) {
            if (c == "\"") {
                if (substr(line, i + 1, 1) == "\"") { field = field c; i++ }
                else quoted = 0
            } else field = field c
        } else if (c == "\"") quoted = 1
        else if (c == ",") { f[++n] = field; field = "" }
        else field = field c
    }
    if (quoted) return -1
    f[++n] = field
    return n
}
function read_row(f,    n, more) {
    if (index($0, "\"") == 0) return split($0, f, ",")
    n = csv_split($0, f)
    while (n < 0 && (getline more) > 0) {
        $0 = $0 "\n" more
        n = csv_split($0, f)
    }
    return n
}
# A string for gnuplot: double-quoted, with its backslashes and quotes escaped, line
# breaks made spaces.
function gq(s,    out, i, c) {
    out = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\\" || c == "\"") out = out "\\" c
        else if (c == "\n") out = out " "
        else out = out c
    }
    return "\"" out "\""
}
