#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Prints each cause of a bubble and what it means, a line each ("data<TAB>waiting for data
# from an earlier stage"), from the list that defines them (PL_EDGE_KINDS in
# sim/graph/graph.h), so that a cause is spelled in one place: scripts/plot_gantt.sh's
# legend reads it, and the build writes it to causes.tsv, which an install carries.
#
#   scripts/causes.sh [GRAPH_H]     (default: sim/graph/graph.h beside this script's folder)
set -euo pipefail
graph_h=${1:-$(dirname "$0")/../sim/graph/graph.h}
sed -n 's/^ *X([A-Z]*, *"[^"]*", *"\([^"]*\)", *"\([^"]*\)").*/\1\t\2/p' "$graph_h"
