#!/usr/bin/env bash
# Browser test of `maelstrom serve` (issue 19): a REAL run of our counter
# (3 nodes, rate 50, 3 s), then `maelstrom serve --port 0` over its store,
# then headless Chromium (serve_browser_check.js) loads the store index, the
# run page it links to, messages.svg and timeline.html over http://: clean
# loads, the right types, every link 200, every image decoded, and the
# counts of the run's own files (messages.txt, history.txt). Screenshots in
# the test's outputs (bazel-testlogs/testing/serve_browser_test/test.outputs/).
#   args: <maelstrom> <maelstrom-counter> <serve_browser_check.js>
set -euo pipefail
maelstrom=$(realpath "$1")
counter=$(realpath "$2")
check=$(realpath "$3")
export PATH=/usr/bin:/bin:${PATH:-}

chromium=/usr/lib/chromium/chromium  # the binary: the /usr/bin wrapper adds flags and noise
[[ -x $chromium ]] || chromium=$(command -v chromium || true)
[[ -n $chromium ]] || { echo "serve_browser_test: chromium is not installed (tools/install-deps)" >&2; exit 1; }
command -v node >/dev/null || { echo "serve_browser_test: node is not installed (tools/install-deps)" >&2; exit 1; }

work=${TEST_TMPDIR:-$(mktemp -d)}
cd "$work"
rm -rf store
if ! timeout 120 "$maelstrom" test -w g-counter --bin "$counter" --node-count 3 \
    --rate 50 --time-limit 3 --recovery-time 1 --seed 12 --diagram-window -10:100 \
    --diagram-messages 100000 >run.out 2>&1; then
  echo "serve_browser_test: the run failed:"; tail -40 run.out; exit 1
fi
run=$(readlink -f store/latest)

# What the pages must show, from the run's own files.
python3 - "$run" <<'PY'
import json, re, sys
run = sys.argv[1]
sends = sum(1 for line in open(f"{run}/messages.txt") if re.match(r"\s*\S+s send #\d+ ", line))
completed = sum(1 for line in open(f"{run}/history.txt")
                if " invoke " not in line and " nemesis info " not in line)
assert sends > 100 and completed > 100, (sends, completed)
json.dump({"messages": sends, "completed_ops": completed}, open("expected.json", "w"))
print("expected: messages", sends, "completed ops", completed)
PY

"$maelstrom" serve --port 0 >serve.out 2>&1 &
server=$!
trap 'kill -INT $server 2>/dev/null || true' EXIT
base=
for _ in $(seq 100); do
  base=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' serve.out | head -1) && break
  sleep 0.1
done
[[ -n $base ]] || { echo "serve_browser_test: the server never listened:"; cat serve.out; exit 1; }

status=0
node "$check" "$chromium" "$base/" expected.json "${TEST_UNDECLARED_OUTPUTS_DIR:-$work/shots}" || status=1
kill -INT "$server"
wait "$server" || { echo "serve_browser_test: the server did not exit 0"; status=1; }
trap - EXIT
echo "--- what the server answered"
grep -E '^(GET|HEAD) ' serve.out | awk '{print $NF}' | sort | uniq -c
exit $status
