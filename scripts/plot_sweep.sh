#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# plot_sweep.sh RESULTS.csv X Y [GROUP] [OUT] — draws column Y of a sweep's results
# (written by `pipelab sweep ... -o RESULTS.csv`) against column X, one line per
# value of column GROUP (or a single line), into OUT (default: RESULTS's stem +
# "-Y-vs-X.png") and an SVG beside it with the same stem. OUT without GROUP: a
# fourth argument ending in .png or .svg is OUT.
#
# Only rows whose status is ok are drawn, and of those only rows with a value in
# both X and Y (a unit's columns are empty at points that do not have the unit).
# Values written with a unit (8us, 64KiB, 2GB/s) are converted to the unit of the
# first one; seconds columns (*_s) are shown in ns, us, ms or s as the data needs,
# utilizations and the efficiency as percentages, the throughput in items/s with
# k or M. Rows with the same X and GROUP (replications) are drawn as their mean
# with an error bar for the 95 % confidence interval of the mean (Student t).
#
# Needs gnuplot (pngcairo and svg terminals) and a POSIX awk (mawk will do).
# Exits 2 when the file, a column or gnuplot is missing or no ok row has values,
# 1 when gnuplot fails.
set -euo pipefail

usage() {
    echo "usage: $0 RESULTS.csv X Y [GROUP] [OUT]   (X, Y, GROUP: column names of RESULTS.csv)" >&2
    exit 2
}

if [ $# -lt 3 ] || [ $# -gt 5 ]; then usage; fi
results=$1 x=$2 y=$3 group=${4:-} out=${5:-}
# A fourth argument that names a picture is OUT, not GROUP.
case $# in 4) case $group in *.png | *.svg) out=$group group= ;; esac ;; esac
if [ ! -r "$results" ]; then
    echo "plot_sweep.sh: cannot read $results (write it with 'pipelab sweep SCENARIO --vary ... -o $results')" >&2
    exit 2
fi
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "plot_sweep.sh: gnuplot is not installed (it draws the plot)" >&2
    exit 2
fi
if [ -z "$out" ]; then
    # Brackets and other signs of key paths make awkward file names.
    name=$(printf '%s-vs-%s' "$y" "$x" | tr -c 'A-Za-z0-9._-' '_')
    out=${results%.csv}-$name.png
fi
case $out in
*.png) svg=${out%.png}.svg ;;
*) svg=$out.svg ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

awk -v X="$x" -v Y="$y" -v G="$group" -v work="$work" "$(cat "$(dirname "$0")/csv.awk")"'
function fail(msg) {
    print "plot_sweep.sh: " msg > "/dev/stderr"
    failed = 1
    exit 2
}

# ---- Values with units: the units pipelab reads (sim/common/units.c), by dimension. ------
function units_table(    spec, n, i, p) {
    spec = "ns time 1e-9;us time 1e-6;\302\265s time 1e-6;\316\274s time 1e-6;ms time 1e-3;s time 1;" \
           "cycles cycles 1;" \
           "B size 1;KB size 1e3;KiB size 1024;MB size 1e6;MiB size 1048576;GB size 1e9;" \
           "GiB size 1073741824;TB size 1e12;TiB size 1099511627776;" \
           "B/s bandwidth 1;KB/s bandwidth 1e3;KiB/s bandwidth 1024;MB/s bandwidth 1e6;" \
           "MiB/s bandwidth 1048576;GB/s bandwidth 1e9;GiB/s bandwidth 1073741824;TB/s bandwidth 1e12;" \
           "Hz frequency 1;kHz frequency 1e3;MHz frequency 1e6;GHz frequency 1e9;" \
           "FLOPS rate 1;GFLOPS rate 1e9;TFLOPS rate 1e12"
    n = split(spec, p, ";")
    for (i = 1; i <= n; i++) {
        split(p[i], q, " ")
        dim[q[1]] = q[2]; size[q[1]] = q[3] + 0
    }
    dim[""] = "number"; size[""] = 1
}
# Splits text into parsed_num and parsed_unit; returns 0 when it is not a number with an
# optional unit.
function parse(text,    u) {
    sub(/^[ \t]+/, "", text); sub(/[ \t]+$/, "", text)
    if (!match(text, /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?/)) return 0
    parsed_num = substr(text, 1, RLENGTH) + 0
    u = substr(text, RLENGTH + 1)
    sub(/^[ \t]+/, "", u)
    if (!(u in dim)) return 0
    parsed_unit = u
    return 1
}
# The value of column c (X, Y or G) in the unit of its first value with a unit.
function value(c, text, what) {
    if (!parse(text)) fail("column " name[c] " holds \"" text "\", which is not a number (with a unit)")
    if (parsed_unit != "") {
        if (!(c in col_unit)) col_unit[c] = parsed_unit
        if (dim[parsed_unit] != dim[col_unit[c]])
            fail("column " name[c] " holds " dim[col_unit[c]] "s (" col_unit[c] ") and " dim[parsed_unit] "s (" text ")")
        return parsed_num * size[parsed_unit] / size[col_unit[c]]
    }
    return parsed_num
}

# ---- How a column is shown: its words, its unit and the factor to it. -------------
function magnitude(m) {
    m = m < 0 ? -m : m
    if (m < 1e-6) return "ns"
    if (m < 1e-3) return "us"
    if (m < 1) return "ms"
    return "s"
}
# Sets shown_words[c], shown_unit[c] and factor[c] from the column name and the largest
# magnitude of its values.
function presentation(c, largest,    n, base) {
    n = name[c]; factor[c] = 1; shown_unit[c] = ""; shown_words[c] = n
    if (c in col_unit) { shown_unit[c] = col_unit[c]; return }
    if (n ~ /\.util$/) {
        shown_words[c] = substr(n, 1, length(n) - 5) " utilization"
        shown_unit[c] = "%"; factor[c] = 100; return
    }
    if (n == "efficiency") { shown_words[c] = "efficiency (bound / makespan)"; shown_unit[c] = "%"; factor[c] = 100; return }
    if (n == "throughput") {
        shown_unit[c] = largest >= 1e6 ? "M items/s" : (largest >= 1e3 ? "k items/s" : "items/s")
        factor[c] = largest >= 1e6 ? 1e-6 : (largest >= 1e3 ? 1e-3 : 1)
        return
    }
    if (n == "speedup") { shown_words[c] = "speedup over the baseline"; shown_unit[c] = "x"; return }
    if (n ~ /_s$/) {
        base = substr(n, 1, length(n) - 2)
        if (base == "makespan") shown_words[c] = "makespan"
        else if (base == "bound") shown_words[c] = "lower bound on the makespan"
        else if (base ~ /\.bubble$/) shown_words[c] = substr(base, 1, length(base) - 7) " bubble time"
        else shown_words[c] = base
        shown_unit[c] = magnitude(largest)
        factor[c] = shown_unit[c] == "ns" ? 1e9 : (shown_unit[c] == "us" ? 1e6 : (shown_unit[c] == "ms" ? 1e3 : 1))
    }
}
function label(c) { return shown_unit[c] == "" ? shown_words[c] : shown_words[c] " (" shown_unit[c] ")" }

# ---- Student t: the 97.5 % quantile for df degrees of freedom. --------------------
function t975(df) {
    if (df > 30) return 1.96
    return tq[df]
}

BEGIN {
    FS = ","
    # Numbers used as array keys (points by X) keep every digit.
    CONVFMT = "%.17g"
    units_table()
    split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262 2.228 2.201 2.179 2.160 2.145 2.131 " \
          "2.120 2.110 2.101 2.093 2.086 2.080 2.074 2.069 2.064 2.060 2.056 2.052 2.048 2.045 2.042", tq, " ")
    name["x"] = X; name["y"] = Y; name["g"] = G
}

NR == 1 {
    sub(/\r$/, "")
    ncols = read_row(h)
    for (i = 1; i <= ncols; i++) col[h[i]] = i
    list = ""
    for (i = 1; i <= ncols; i++) list = list (i > 1 ? ", " : "") h[i]
    if (!("status" in col)) fail(FILENAME " has no status column: is it the results of pipelab sweep?")
    # The swept keys lie between rep and seed; those that are neither X nor GROUP are
    # averaged over when a point pools rows that differ in them.
    nothers = 0
    if (("rep" in col) && ("seed" in col))
        for (i = col["rep"] + 1; i < col["seed"]; i++)
            if (h[i] != X && h[i] != G) { other[++nothers] = i; others_list = others_list (nothers > 1 ? ", " : "") h[i] }
    if (!(X in col)) fail("column \"" X "\" is not in " FILENAME " (its columns: " list ")")
    if (!(Y in col)) fail("column \"" Y "\" is not in " FILENAME " (its columns: " list ")")
    if (G != "" && !(G in col)) fail("column \"" G "\" is not in " FILENAME " (its columns: " list ")")
    next
}
{
    sub(/\r$/, "")
    n = read_row(f)
    rows++
    if (f[col["status"]] != "ok") { not_ok++; next }
    xs = f[col[X]]; ys = f[col[Y]]
    if (xs == "" || ys == "") { empty++; next }
    xv = value("x", xs); yv = value("y", ys)
    gs = G == "" ? "" : f[col[G]]
    if (!(gs in group_id)) {
        group_id[gs] = ++ngroups; group_text[ngroups] = gs
        if (G != "" && parse(gs)) group_num[ngroups] = value("g", gs)
        else numeric_groups_broken = 1
    }
    gi = group_id[gs]
    k = gi SUBSEP xv
    if (!(k in cnt)) { npts[gi]++; px[gi, npts[gi]] = xv }
    sig = ""
    for (i = 1; i <= nothers; i++) sig = sig SUBSEP f[other[i]]
    if (!(k in first_sig)) first_sig[k] = sig
    else if (first_sig[k] != sig) pooled_others = 1
    cnt[k]++; sum[k] += yv; sumsq[k] += yv * yv
    ok++
}

END {
    if (failed) exit 2
    if (ok == 0) {
        if (rows == 0) fail(FILENAME " has no rows")
        if (not_ok == rows) fail(FILENAME " has no ok rows: " (rows == 1 ? "its one row failed" : "all its " rows " rows failed") " (see the status and message columns)")
        fail("no ok row of " FILENAME " has values in both " X " and " Y)
    }
    # Means and 95 % intervals per point, and the largest magnitudes for the units.
    for (gi = 1; gi <= ngroups; gi++) {
        for (i = 1; i <= npts[gi]; i++) {
            k = gi SUBSEP px[gi, i]
            m = sum[k] / cnt[k]
            mean[k] = m
            ci[k] = 0
            if (cnt[k] > 1) {
                v = (sumsq[k] - cnt[k] * m * m) / (cnt[k] - 1)
                ci[k] = t975(cnt[k] - 1) * sqrt(v > 0 ? v : 0) / sqrt(cnt[k])
                replicated = 1
            }
            if ((m < 0 ? -m : m) > ymax) ymax = m < 0 ? -m : m
            if ((px[gi, i] < 0 ? -px[gi, i] : px[gi, i]) > xmax) xmax = px[gi, i] < 0 ? -px[gi, i] : px[gi, i]
            if (!(px[gi, i] in xseen)) { xseen[px[gi, i]] = 1; nx++ }
        }
    }
    presentation("x", xmax); presentation("y", ymax)

    # Groups in numeric order when every value is a number, else in order of appearance.
    for (gi = 1; gi <= ngroups; gi++) order[gi] = gi
    if (!numeric_groups_broken)
        for (i = 2; i <= ngroups; i++)
            for (j = i; j > 1 && group_num[order[j]] < group_num[order[j - 1]]; j--) {
                t = order[j]; order[j] = order[j - 1]; order[j - 1] = t
            }

    # One block per group, its points sorted by X: x, mean, half-width of the interval,
    # rows.
    data = work "/points.dat"
    printf "" > data
    for (o = 1; o <= ngroups; o++) {
        gi = order[o]
        for (i = 2; i <= npts[gi]; i++)
            for (j = i; j > 1 && px[gi, j] < px[gi, j - 1]; j--) {
                t = px[gi, j]; px[gi, j] = px[gi, j - 1]; px[gi, j - 1] = t
            }
        for (i = 1; i <= npts[gi]; i++) {
            k = gi SUBSEP px[gi, i]
            printf "%.17g %.17g %.17g %d\n", px[gi, i] * factor["x"], mean[k] * factor["y"], ci[k] * factor["y"], cnt[k] > data
        }
        printf "\n\n" > data
    }
    close(data)

    # Lines with error bars at the same X are moved apart a little (up to 1 % of the
    # X range each way), so that their bars do not hide each other.
    xlo = ""; xhi = ""
    for (v in xseen) {
        if (xlo == "" || v + 0 < xlo) xlo = v + 0
        if (xhi == "" || v + 0 > xhi) xhi = v + 0
    }
    step = replicated && ngroups > 1 ? (xhi - xlo) * factor["x"] * 0.02 / (ngroups - 1) : 0

    gp = work "/plot.gp"
    printf "" > gp
    print "set encoding utf8" > gp
    title = shown_words["y"] " vs " shown_words["x"] (G != "" ? " by " G : "")
    print "set title " gq(title) " font \",14\"" > gp
    what = pooled_others ? "its rows, over every value of " others_list : "its replications"
    note = replicated ? "each point: the mean of " what "; bars: 95 % confidence interval of the mean (Student t)" : ""
    if (step > 0) note = note "; lines moved apart slightly in X"
    if (not_ok) note = note (note != "" ? "; " : "") not_ok " failed row" (not_ok > 1 ? "s" : "") " left out"
    if (note != "") print "set label 1 " gq(note) " at graph 0.5, graph 1.02 center font \",9\" textcolor rgb \"#404040\"" > gp
    print "set tmargin 5" > gp
    print "set xlabel " gq(label("x")) > gp
    print "set ylabel " gq(label("y")) > gp
    print "set grid lc rgb \"#d8d8d8\" lw 1 dt 3" > gp
    print "set border 3 lc rgb \"#606060\"" > gp
    print "set tics nomirror textcolor rgb \"black\"" > gp
    print "set offsets graph 0.03, graph 0.03, graph 0.08, graph 0.08" > gp
    # Few distinct X values: a tic at each, rather than at round numbers between them.
    if (nx <= 12) {
        line = ""
        for (v in xseen) line = line (line != "" ? ", " : "") sprintf("\"%g\" %.17g", v * factor["x"], v * factor["x"])
        print "set xtics (" line ")" > gp
    }
    if (G != "") print "set key below center horizontal Left reverse width 2 height 1" > gp
    else print "unset key" > gp
    line = ""
    for (o = 1; o <= ngroups; o++) {
        gi = order[o]
        dodge = step * (o - (ngroups + 1) / 2)
        t = G != "" ? G " = " group_text[gi] : ""
        # gnuplot has 8 line colours: past 8 groups, other marks and dashes tell them apart.
        split("7 5 9 11 13", marks, " ")
        pt = marks[(o - 1) % 5 + 1]
        dt = int((o - 1) / 8) + 1
        if (replicated) line = line (line != "" ? ", " : "") sprintf("\"%s\" index %d using ($1+%.17g):($4 > 1 ? $2 : NaN):3 with yerrorbars lt %d lw 1.5 ps 0 notitle", data, o - 1, dodge, o)
        line = line (line != "" ? ", " : "") sprintf("\"%s\" index %d using ($1+%.17g):2 with linespoints lt %d dt %d lw 2 pt %d ps 1.1 title %s", data, o - 1, dodge, o, dt, pt, G != "" ? gq(t) : "\"\"")
    }
    print "plot " line > gp
    close(gp)
}
' "$results"

size=1100,650
gnuplot -e "set terminal pngcairo size $size font 'sans,11' noenhanced; set output '${out//\'/\'\'}'" "$work/plot.gp"
gnuplot -e "set terminal svg size $size font 'sans,11' noenhanced background '#ffffff'; set output '${svg//\'/\'\'}'" "$work/plot.gp"
echo "wrote $out and $svg"
