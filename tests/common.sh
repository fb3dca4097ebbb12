# shellcheck shell=bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# common.sh — what the test scripts (tests/test_*.sh) share. Each sources it first, with
#
#   set -euo pipefail
#   # shellcheck source=tests/common.sh
#   . "${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}/tests/common.sh"
#
# and then has:
#   bin      the program (PL_BINARY, which CTest sets: tests/CMakeLists.txt)
#   src      the source tree (PL_SOURCE_DIR)
#   tmp      a new scratch folder, removed when the script exits (a script that has more
#            to undo at exit sets its own EXIT trap, and removes "$tmp" there)
#   fail     fail MESSAGE...: says FAIL and what failed on standard error, and exits 1
#            (a script that counts its failures and goes on defines its own)
#   need_jq  exits 77 (CTest's "skipped") where jq is missing
#
# Not a test itself: CTest runs tests/test_*.sh only.

# shellcheck disable=SC2034 # bin, src and tmp are the scripts'
bin=${PL_BINARY:?PL_BINARY names the pipelab program}
src=${PL_SOURCE_DIR:?PL_SOURCE_DIR names the source tree}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

need_jq() {
  if ! command -v jq >/dev/null 2>&1; then
    echo "skipped: no jq (scripts/setup.sh installs it)"
    exit 77
  fi
}
