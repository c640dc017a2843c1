#!/usr/bin/env bash
# Browser test: writes a store of synthetic runs (report_demo) and loads
# every page of every run, and the store index, in headless Chromium
# (Debian's `chromium`, installed by tools/install-deps) from file://,
# checking for console errors, failed or network loads and the rendered
# element counts (browser_check.js). Screenshots go to the test's
# undeclared outputs (bazel-testlogs/sim/report/browser_test/test.outputs/)
# and, best effort, to /tmp/viz-screens/.
#   args: <report_demo> <browser_check.js>
set -euo pipefail
demo=$1
check=$2

chromium=/usr/lib/chromium/chromium  # the binary itself: the /usr/bin wrapper adds flags and noise
[[ -x $chromium ]] || chromium=$(command -v chromium || true)
if [[ -z $chromium ]]; then
  echo "browser_test: chromium is not installed (run tools/install-deps)" >&2
  exit 1
fi
if ! command -v node >/dev/null; then
  echo "browser_test: node is not installed" >&2
  exit 1
fi

tmp=${TEST_TMPDIR:-$(mktemp -d)}
store=$tmp/store
shots=${TEST_UNDECLARED_OUTPUTS_DIR:-$tmp/screens}
"$demo" "$store"

status=0
runs=0
for run in "$store"/g-counter/*/; do
  runs=$((runs + 1))
  node "$check" "$chromium" "${run%/}" "$shots" || status=1
done
if [[ $runs -ne 3 ]]; then
  echo "browser_test: expected 3 runs in the store, found $runs" >&2
  status=1
fi
if mkdir -p /tmp/viz-screens 2>/dev/null && cp "$shots"/*.png /tmp/viz-screens/ 2>/dev/null; then
  echo "screenshots also in /tmp/viz-screens/"
fi
exit $status
