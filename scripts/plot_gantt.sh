#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# plot_gantt.sh DIR [OUT] — draws the timeline in DIR/intervals.csv (written by
# `pipelab run SCENARIO -o DIR`) as a Gantt chart: OUT (default DIR/gantt.png),
# and an SVG beside it with the same stem.
#
# One row per unit, in the file's order; tasks are blue boxes, idle time before
# and between tasks is coloured by its cause (the legend names each cause the
# file holds), idle time after the last task is light grey. The run is drawn on
# top and its baseline, when the file has one, below it on the same time axis.
#
# A unit's intervals narrower than a pixel are pooled until they span a few
# pixels, and the pool is drawn as its busy time followed by its idle time of
# each cause, in proportion (a footnote says so), so that a million tasks draw in
# a few seconds and every colour still covers as much of a row as its time.
#
# Needs gnuplot (pngcairo and svg terminals) and a POSIX awk (mawk will do).
# Exits 2 when DIR/intervals.csv or gnuplot is missing, 1 when gnuplot fails.
set -euo pipefail

usage() {
    echo "usage: $0 DIR [OUT]   (DIR holds intervals.csv, from pipelab run -o DIR)" >&2
    exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
dir=$1
csv=$dir/intervals.csv
out=${2:-$dir/gantt.png}
if [ ! -r "$csv" ]; then
    echo "plot_gantt.sh: no $csv: write it with 'pipelab run SCENARIO -o $dir'" >&2
    exit 2
fi
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "plot_gantt.sh: gnuplot is not installed (it draws the chart)" >&2
    exit 2
fi
case $out in
*.png) svg=${out%.png}.svg ;;
*) svg=$out.svg ;;
esac

# The explanation of each cause, read from the list that defines them, so that a cause
# is spelled in one place: in a source tree, sim/graph/graph.h; installed, the list made
# from it at build time (PREFIX/share/pipelab/causes.tsv). A cause without one is shown
# by its name alone.
graph_h=$(dirname "$0")/../sim/graph/graph.h
installed=$(dirname "$0")/../causes.tsv
causes=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$work" "$causes"' EXIT
if [ -r "$graph_h" ]; then
    "$(dirname "$0")/causes.sh" "$graph_h" >"$causes"
elif [ -r "$installed" ]; then
    cp "$installed" "$causes"
fi

# The picture's width in pixels. The time axis spans less than that, so the makespan
# over this width, the pooling threshold, is a little under one pixel of the axis.
width=1400

awk -v causes="$causes" -v work="$work" -v width="$width" "$(cat "$(dirname "$0")/csv.awk")"'
# A unit name short enough for the margin: its end, which tells units apart.
function short(s) {
    return length(s) <= 32 ? s : "..." substr(s, length(s) - 28)
}
function fmt(x) { return sprintf("%.4g", x) }
function human(x) {
    if (x < 1e-6) return fmt(x * 1e9) " ns"
    if (x < 1e-3) return fmt(x * 1e6) " us"
    if (x < 1) return fmt(x * 1e3) " ms"
    return fmt(x) " s"
}

# ---- Categories: what a box shows, with a colour and a legend text. ---------------
function category(kind, cause,    c) {
    # The waking of other threads after a task is busy time, drawn as the task.
    if (kind == "task" || kind == "waking") c = "task"
    else if (kind == "drain") c = "drain"
    else if (cause == "") c = "idle"
    else c = "cause " cause
    if (!(c in cat_id)) {
        cat_id[c] = ++ncat
        cat_name[ncat] = c
    }
    return cat_id[c]
}
# Causes without a colour of their own take the spare ones in turn, in the order they
# first appear.
function colour(c,    name) {
    if (c in colour_of) return colour_of[c]
    name = substr(c, 7)
    if (c == "task") colour_of[c] = "#3a6fb0"
    else if (c == "drain") colour_of[c] = "#e4e4e4"
    else if (c == "idle") colour_of[c] = "#a8a8a8"
    else if (name in known_colour) colour_of[c] = known_colour[name]
    else colour_of[c] = spare_colour[(spare++ % 5) + 1]
    return colour_of[c]
}
function legend(c,    name) {
    if (c == "task") return "task (busy)"
    if (c == "drain") return "drain: idle after its last task"
    if (c == "idle") return "idle, no cause recorded"
    name = substr(c, 7)
    return name in help ? "idle (" name "): " help[name] : "idle (" name ")"
}

BEGIN {
    POOL = 5 # pixels
    FS = "\t"
    while ((getline line < causes) > 0) {
        split(line, pr, "\t")
        help[pr[1]] = pr[2]
    }
    split("data #f28e1c host #d62728 slot #9467bd sync #e0b400 barrier #8c564b order #2ca02c", kc, " ")
    for (i = 1; i < 12; i += 2) known_colour[kc[i]] = kc[i + 1]
    split("#17becf #e377c2 #bcbd22 #7f7f7f #ff9896", spare_colour, " ")
    FS = ","
}

# ---- Pass 1: panels (runs), their units in order, the longest makespan. ------------
FNR == 1 && NR == 1 {
    sub(/\r$/, "")
    if ($0 != "run,unit,task,start_s,end_s,kind,cause,item") { bad_header = 1; exit }
    next
}
NR == FNR {
    n = read_row(f)
    if (n != 8) { bad = FNR; exit }
    if (f[1] != cur_run) {
        if (npanel == 2) { extra = 1; next }
        cur_run = f[1]; panel_name[++npanel] = f[1]; nunits[npanel] = 0; cur_unit = ""
    }
    if (f[2] != cur_unit) {
        cur_unit = f[2]; unit_name[npanel, nunits[npanel]++] = f[2]
        if (length(short(f[2])) > longest) longest = length(short(f[2]))
    }
    if (f[5] + 0 > span[npanel]) span[npanel] = f[5] + 0
    category(f[6], f[7])
    if (f[6] == "task") has_task = 1
    next
}
FNR == 1 {
    if (bad) exit
    if (npanel == 0) { empty = 1; exit }
    makespan = span[1] > span[2] ? span[1] : span[2]
    if (makespan <= 0) makespan = 1e-9
    px = makespan / width
    panel = 0; cur_run = ""
    next
}

# ---- Pass 2: boxes, pooled below a pixel, into one data file per panel. ------------
# A data row: y (row index), start, end, colour.
function emit(c, s, e) {
    if (open && c == box_c && s - box_e <= px / 2) { box_e = e; return }
    flush_box()
    open = 1; box_c = c; box_s = s; box_e = e
}
function flush_box() {
    if (open) printf "%d %.9g %.9g %s\n", row, box_s, box_e, rgb[box_c] > data
    open = 0
}
# A pool is drawn as one stretch per category, tasks first, each as long as the time
# the pooled intervals of that category took: the shares stay true to within the pool.
function flush_pool(    x, c, w) {
    if (!pooled) return
    x = pool_s
    for (c = 1; c <= ncat; c++) {
        w = pool[c]
        if (w <= 0) continue
        emit(c, x, x + w)
        x += w
        pool[c] = 0
    }
    pooled = 0
    npooled++
}
function end_unit() { flush_pool(); flush_box() }
{
    n = read_row(f)
    if (f[1] != cur_run) {
        if (panel == 2) next
        if (panel) { end_unit(); close(data); close(seps) }
        cur_run = f[1]; panel++; row = -1; cur_unit = ""
        data = work "/panel" panel ".dat"
        seps = work "/seps" panel ".dat"
        printf "" > data
        printf "" > seps
        if (panel == 1) for (c = 1; c <= ncat; c++) rgb[c] = "0x" substr(colour(cat_name[c]), 2)
        task_c = cat_id["task"]
    }
    if (f[2] != cur_unit) { end_unit(); cur_unit = f[2]; row++; last_c = 0 }
    s = f[4] + 0; e = f[5] + 0
    c = category(f[6], f[7])
    # Where two tasks wide enough to see follow each other without a gap, a white line
    # between them tells them apart.
    if (c == task_c && last_c == task_c && e - s >= 4 * px && last_w >= 4 * px)
        { printf "%d %.9g\n", row, s > seps; nseps[panel]++ }
    last_c = c; last_w = e - s
    if (e - s >= px) { flush_pool(); emit(c, s, e); next }
    if (!pooled) { pooled = 1; pool_s = s }
    pool[c] += e - s
    if (e - pool_s >= POOL * px) flush_pool()
}

# ---- The gnuplot script: one panel per run, a legend under the last. --------------
END {
    if (bad_header) { print "plot_gantt.sh: " FILENAME " does not start with the header run,unit,task,start_s,end_s,kind,cause,item" > "/dev/stderr"; exit 2 }
    if (bad) { print "plot_gantt.sh: line " bad " of " FILENAME " does not have 8 fields" > "/dev/stderr"; exit 2 }
    if (empty) { print "plot_gantt.sh: " FILENAME " has no intervals" > "/dev/stderr"; exit 2 }
    end_unit(); close(data); close(seps)
    if (makespan < 1e-6) { scale = 1e9; unit = "ns" }
    else if (makespan < 1e-3) { scale = 1e6; unit = "us" }
    else if (makespan < 1) { scale = 1e3; unit = "ms" }
    else { scale = 1; unit = "s" }

    # The legend: one entry per category the file holds, tasks first and drain last,
    # in as few rows of columns of equal width as fit.
    nleg = 0
    for (c = 1; c <= ncat; c++) if (cat_name[c] == "task") leg_c[++nleg] = c
    for (c = 1; c <= ncat; c++) if (cat_name[c] !~ /^(task|drain)$/) leg_c[++nleg] = c
    for (c = 1; c <= ncat; c++) if (cat_name[c] == "drain") leg_c[++nleg] = c
    legw = 0
    for (i = 1; i <= nleg; i++)
        if (length(legend(cat_name[leg_c[i]])) > legw) legw = length(legend(cat_name[leg_c[i]]))
    legw = 60 + 7.5 * legw
    legcols = int((width - 80) / legw)
    if (legcols > 3) legcols = 3
    if (legcols < 1) legcols = 1
    legrows = int((nleg + legcols - 1) / legcols)
    legcols = int((nleg + legrows - 1) / legrows)

    # Vertical layout in pixels: title, per panel a heading, its rows and its time axis,
    # then the legend and the note on pooling.
    total = nunits[1] + (npanel > 1 ? nunits[2] : 0)
    rowh = total <= 24 ? 30 : (total <= 60 ? 20 : 14)
    yfont = rowh >= 20 ? 11 : 9
    top = 60; head = 34; axis = 34; xlabel = 22; legh = 16 + 22 * legrows
    note = npooled ? 26 : 0
    height = top + xlabel + legh + note + 8
    for (p = 1; p <= npanel; p++) height += head + nunits[p] * rowh + axis

    gp = work "/plot.gp"
    printf "" > gp
    print "set encoding utf8" > gp
    print "set multiplot title " gq(npanel > 1 ? "Timeline of the " panel_name[1] " run (top) and its " panel_name[2] " baseline (bottom)" : "Timeline of the " panel_name[1] " run") " font \",15\"" > gp
    print "set lmargin " (longest + 3) > gp
    print "set rmargin 4" > gp
    print "set xrange [0:" makespan * scale "]" > gp
    print "set mxtics 2" > gp
    print "set grid xtics mxtics lc rgb \"#d0d0d0\" lw 1 dt 3, lc rgb \"#e8e8e8\" lw 1 dt 3" > gp
    print "set ytics scale 0 nomirror textcolor rgb \"black\" font \"," yfont "\"" > gp
    print "set xtics out nomirror textcolor rgb \"black\"" > gp
    print "set border 1 lc rgb \"#606060\"" > gp
    print "set style fill solid 1.0 noborder" > gp
    print "unset key" > gp
    y = height - top
    for (p = 1; p <= npanel; p++) {
        ptop = y - head; pbot = ptop - nunits[p] * rowh
        printf "set tmargin at screen %.5f\n", ptop / height > gp
        printf "set bmargin at screen %.5f\n", pbot / height > gp
        print "set title " gq(panel_name[p] (p > 1 ? " (baseline)" : "") ": makespan " human(span[p])) " offset 0,-0.4" > gp
        printf "set yrange [%g:%g]\n", nunits[p] - 0.5, -0.5 > gp
        line = "set ytics ("
        for (u = 0; u < nunits[p]; u++)
            line = line (u ? ", " : "") gq(short(unit_name[p, u])) " " u
        print line ")" > gp
        if (p == npanel) {
            x0 = (width - legcols * legw) / 2
            for (i = 1; i <= nleg; i++) {
                lx = x0 + ((i - 1) % legcols) * legw
                ly = note + 8 + legh - 16 - int((i - 1) / legcols) * 22
                printf "set object %d rect from screen %.5f, %.5f to screen %.5f, %.5f fc rgb \"%s\" fs solid 1.0 noborder front\n", i, lx / width, (ly - 6) / height, (lx + 22) / width, (ly + 6) / height, colour(cat_name[leg_c[i]]) > gp
                printf "set label %d %s at screen %.5f, %.5f left front\n", i, gq(legend(cat_name[leg_c[i]])), (lx + 30) / width, ly / height > gp
            }
            if (npooled)
                printf "set label %d %s at screen 0.5, %.5f center font \",10\" textcolor rgb \"#404040\"\n", nleg + 1, gq("Intervals narrower than a pixel are pooled: each stretch of a few pixels shows its busy time, then its idle time by cause, in proportion."), 16 / height > gp
        }
        if (p < npanel) print "set xlabel \"\"" > gp
        else print "set xlabel \"time (" unit ")\"" > gp
        box = sprintf("using ($2*%g):1:($2*%g):($3*%g):($1-0.38):($1+0.38):4 with boxxyerror", scale, scale, scale)
        sep = sprintf("using ($2*%g):($1-0.38):(0):(0.76) with vectors nohead lc rgb \"white\" lw 1", scale)
        printf "plot \"%s\" %s lc rgb variable notitle", work "/panel" p ".dat", box > gp
        if (nseps[p]) printf ", \"%s\" %s notitle", work "/seps" p ".dat", sep > gp
        printf "\n" > gp
        y = pbot - axis - (p == npanel ? xlabel : 0)
    }
    print "unset multiplot" > gp
    close(gp)
    print width, height > (work "/size")
}
' "$csv" "$csv"

read -r w h <"$work/size"
gnuplot -e "set terminal pngcairo size $w,$h font 'sans,11' noenhanced; set output '${out//\'/\'\'}'" "$work/plot.gp"
gnuplot -e "set terminal svg size $w,$h font 'sans,11' noenhanced background '#ffffff'; set output '${svg//\'/\'\'}'" "$work/plot.gp"
echo "wrote $out and $svg"
