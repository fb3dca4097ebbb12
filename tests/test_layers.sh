#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Keeps the layers of docs/architecture.md true: reads every #include of every .c and
# .h file under sim/ and models/ and fails, naming the file, its line and the include,
# when a file includes a header of a layer it may not use. Arrows point only down:
#
#   layer     folder            may include (besides its own folder)
#   common    sim/common/       nothing
#   config    sim/config/       common
#   graph     sim/graph/        common
#   engine    sim/engine/       common, graph
#   measure   sim/measure/      common, graph
#   models    models/           common, config, graph, measure (and models/)
#   report    sim/report/       common, graph, measure
#   study     sim/study/        common, config, graph, engine, measure, models, report
#   import    sim/import/       common
#   front     sim/*.c, sim/*.h  everything
#
# Outside models/, only the model table (models/model.h) is included, never a particular
# model's header: a model's command is reached through the table too. Also: a quoted
# include names a header by its path from the source root, and that
# header exists; a folder under sim/ is one of the layers above; only the engine layer
# includes SimGrid (<simgrid/...>), and only the report, study and front layers include
# jansson (<jansson.h>): models hand figures and tables to the reports as data.
#
# Then it shows that it can fail: it copies the tree, adds includes that break each
# kind of rule, and checks that every one is reported; and again with a circle.
#
# Environment: PL_SOURCE_DIR (the source root). With PL_LAYERS_ONLY=DIR it checks DIR
# alone and exits 1 on a violation (to try a change by hand).
set -euo pipefail

[ -n "${PL_LAYERS_ONLY:-}" ] || : "${PL_SOURCE_DIR:?PL_SOURCE_DIR must name the source root}"

# check ROOT: prints one line per violation, "FILE:LINE: what", and exits 1 on any.
check() {
  local root=$1
  (
    cd "$root"
    find sim models -name '*.[ch]' | sort | awk '
    BEGIN {
      allowed["common"] = ""
      allowed["config"] = "common"
      allowed["graph"] = "common"
      allowed["engine"] = "common graph"
      allowed["measure"] = "common graph"
      allowed["models"] = "common config graph measure"
      allowed["report"] = "common graph measure"
      allowed["study"] = "common config graph engine measure models report"
      allowed["import"] = "common"
      allowed["front"] = "common config graph engine measure models report study import"
      bad = 0
    }
    function layer_of(path,   parts, n) {
      n = split(path, parts, "/")
      if (parts[1] == "models") return "models"
      if (n == 2) return "front"
      return parts[2]
    }
    function may(from, to,   list, n, i) {
      if (from == to) return 1
      n = split(allowed[from], list, " ")
      for (i = 1; i <= n; i++)
        if (list[i] == to) return 1
      return 0
    }
    function report(file, line, what) {
      printf "%s:%d: %s\n", file, line, what
      bad = 1
    }
    {
      file = $0
      from = layer_of(file)
      if (!(from in allowed)) {
        report(file, 1, "sim/" from "/ is no layer of docs/architecture.md " \
               "(add it there and to tests/test_layers.sh)")
        next
      }
      line = 0
      while ((getline text < file) > 0) {
        line++
        if (text !~ /^[ \t]*#[ \t]*include[ \t]*[<"]/) continue
        if (match(text, /"[^"]*"/)) {
          header = substr(text, RSTART + 1, RLENGTH - 2)
          if (header !~ /^(sim|models)\//) {
            report(file, line, "#include \"" header "\" does not name its header by the path " \
                   "from the source root (sim/... or models/...)")
            continue
          }
          if ((getline probe < header) < 0) {
            report(file, line, "#include \"" header "\" names no file")
            continue
          }
          close(header)
          to = layer_of(header)
          if (to == "models" && from != "models" && header != "models/model.h")
            report(file, line, "#include \"" header "\": only models/ includes a particular " \
                   "model; the " from " layer reaches models through models/model.h")
          else if (!may(from, to))
            report(file, line, "#include \"" header "\": the " from " layer may not include " \
                   "the " to " layer (it may include: " \
                   (allowed[from] == "" ? "nothing but its own folder" : allowed[from]) ")")
        } else if (text ~ /<simgrid[\/.]/ && from != "engine") {
          report(file, line, "includes SimGrid, which only the engine layer may")
        } else if (text ~ /<jansson\.h>/ && from != "report" && from != "study" && from != "front") {
          report(file, line, "includes jansson, which only the report, study and front layers may (hand the reports data)")
        }
      }
      close(file)
    }
    END { exit bad }'
  )
}

# circles ROOT: prints one line per circle of includes between modules (a .c file and
# its .h), "circle: A <-> B ...", and exits 1 on any. A header without a .c of its own
# (a module's private header, node_edit.h) counts as part of each module that includes
# it. A circle means neither module can be understood, or moved, without the other.
circles() {
  local root=$1 loops
  loops=$(
    cd "$root"
    find sim models -name '*.[ch]' | sort | awk '
    function module(path) { sub(/\.[ch]$/, "", path); return path }
    {
      file = $0; from = module(file)
      if (file ~ /\.c$/) hasc[from] = 1
      while ((getline text < file) > 0)
        if (text ~ /^[ \t]*#[ \t]*include[ \t]*"/) {
          h = text; sub(/^[^"]*"/, "", h); sub(/".*$/, "", h)
          to = module(h)
          if (to != from) edge[from SUBSEP to] = 1
        }
      close(file)
    }
    END {
      # Fold each header-only file into whoever includes it, round by round.
      for (round = 0; round < 50; round++) {
        n = 0
        for (e in edge) list[++n] = e
        changed = 0
        for (i = 1; i <= n; i++) {
          split(list[i], p, SUBSEP)
          if (hasc[p[2]] || !((list[i]) in edge)) continue
          delete edge[list[i]]
          for (j = 1; j <= n; j++) {
            split(list[j], q, SUBSEP)
            if (q[1] == p[2] && q[2] != p[1]) { edge[p[1] SUBSEP q[2]] = 1; changed = 1 }
          }
        }
        if (!changed) break
      }
      for (e in edge) {
        split(e, p, SUBSEP)
        if (hasc[p[1]] && hasc[p[2]]) print p[1], p[2]
      }
    }' | sort | tsort 2>&1 >/dev/null | sed -n 's/^tsort: \([^-].*\)/\1/p'
  )
  [ -z "$loops" ] && return 0
  echo "circle: $(tr '\n' ' ' <<<"$loops")(these modules include each other's headers)"
  return 1
}

if [ -n "${PL_LAYERS_ONLY:-}" ]; then
  status=0
  check "$PL_LAYERS_ONLY" || status=1
  circles "$PL_LAYERS_ONLY" || status=1
  exit $status
fi

echo "== the source tree"
if ! check "$PL_SOURCE_DIR"; then
  echo "FAIL: includes that point up or sideways (above)"
  exit 1
fi
echo "ok: every include points down"
if ! circles "$PL_SOURCE_DIR"; then
  echo "FAIL: a circle of includes (above)"
  exit 1
fi
echo "ok: no two modules include each other"

# The test must be able to fail: a copy of the tree with one wrong include of each kind.
work=$(mktemp -d "${TMPDIR:-/tmp}/pl_layers.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$PL_SOURCE_DIR/sim" "$PL_SOURCE_DIR/models" "$work"/
graph_c=$(cd "$work" && ls sim/graph/*.c | head -n 1)
measure_c=$(cd "$work" && ls sim/measure/*.c | head -n 1)
report_c=$(cd "$work" && ls sim/report/*.c | head -n 1)
model_c=$(cd "$work" && ls models/*/*.c | head -n 1)
echo '#include "sim/config/config.h"' >>"$work/$graph_c"
echo '#include "sim/engine/runner.h"' >>"$work/$model_c"
echo '#include "sim/report/report.h"' >>"$work/$model_c"
echo '#include "models/model.h"' >>"$work/$measure_c"
echo '#include "models/model.h"' >>"$work/$report_c"
echo '#include <jansson.h>' >>"$work/$model_c"
echo '#include <simgrid/engine.h>' >>"$work/$report_c"
echo '#include "graph.h"' >>"$work/$graph_c"
echo '#include "sim/graph/no_such.h"' >>"$work/$graph_c"
echo '#include "models/plan/plan.h"' >>"$work/sim/main.c"
mkdir "$work/sim/extra" && echo '/* a folder of no layer */' >"$work/sim/extra/x.c"
expected=(
  "$graph_c:.*\"sim/config/config.h\": the graph layer may not include the config layer"
  "$model_c:.*\"sim/engine/runner.h\": the models layer may not include the engine layer"
  "$model_c:.*\"sim/report/report.h\": the models layer may not include the report layer"
  "$measure_c:.*\"models/model.h\": the measure layer may not include the models layer"
  "$report_c:.*\"models/model.h\": the report layer may not include the models layer"
  "$model_c:.*includes jansson"
  "$report_c:.*includes SimGrid"
  "$graph_c:.*\"graph.h\" does not name its header by the path from the source root"
  "$graph_c:.*\"sim/graph/no_such.h\" names no file"
  "sim/main.c:.*\"models/plan/plan.h\": only models/ includes a particular model"
  "sim/extra/x.c:1: sim/extra/ is no layer"
)
echo "== a copy with ${#expected[@]} wrong includes"
status=0
found=$(check "$work") || status=$?
echo "$found"
if [ $status -eq 0 ]; then
  echo "FAIL: the check passed a tree with wrong includes"
  exit 1
fi
missed=0
for e in "${expected[@]}"; do
  if ! grep -q -- "^$e" <<<"$found"; then
    echo "FAIL: not reported: $e"
    missed=1
  fi
done
[ $missed -eq 0 ] || exit 1
[ "$(wc -l <<<"$found")" -eq ${#expected[@]} ] || { echo "FAIL: more was reported than was broken"; exit 1; }
echo "ok: each wrong include was reported, with its file and line"

echo "== a copy with a circle: sim/graph/graph.c includes sim/graph/check.h"
rm -rf "$work/sim" "$work/models"
cp -r "$PL_SOURCE_DIR/sim" "$PL_SOURCE_DIR/models" "$work"/
echo '#include "sim/graph/check.h"' >>"$work/sim/graph/graph.c"
status=0
found=$(circles "$work") || status=$?
echo "$found"
if [ $status -eq 0 ] || ! grep -q "sim/graph/check" <<<"$found" || ! grep -q "sim/graph/graph " <<<"$found"; then
  echo "FAIL: the circle between sim/graph/graph and sim/graph/check was not reported"
  exit 1
fi
echo "ok: the circle was reported"
