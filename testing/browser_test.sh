#!/usr/bin/env bash
# Browser test on a REAL run: //testing:maelstrom runs our counter (3 nodes,
# rate 50, 5 s, partitions every second), then headless Chromium (Debian's
# `chromium`, installed by tools/install-deps) loads every page of the run
# and the store index from file:// (sim/report/browser_check.js): no console
# errors, no failed or network loads, every link and image resolves, and
# the rendered counts match the run's own files, computed here from
# messages.txt, history.txt and results.json (not from the renderers):
# arrows = messages sent (the diagram is asked to draw the whole run),
# lanes = nodes, services, one per worker thread and one for setup clients, timeline bars = completed
# operations, final reads and fault bands. The screenshots stay in the
# store (<run>/*.png) and in the test's outputs
# (bazel-testlogs/testing/browser_test/test.outputs/).
#   args: <maelstrom> <maelstrom-counter> <browser_check.js>
set -euo pipefail
maelstrom=$(realpath "$1")
counter=$(realpath "$2")
check=$(realpath "$3")
export PATH=/usr/bin:/bin:${PATH:-}

chromium=/usr/lib/chromium/chromium  # the binary: the /usr/bin wrapper adds flags and noise
[[ -x $chromium ]] || chromium=$(command -v chromium || true)
if [[ -z $chromium ]]; then
  echo "browser_test: chromium is not installed (run tools/install-deps)" >&2
  exit 1
fi
if ! command -v node >/dev/null; then
  echo "browser_test: node is not installed (run tools/install-deps)" >&2
  exit 1
fi

work=${TEST_TMPDIR:-$(mktemp -d)}
cd "$work"
rm -rf store
out=$work/out.txt
if ! timeout 120 "$maelstrom" test -w g-counter --bin "$counter" --node-count 3 \
    --rate 50 --time-limit 5 --nemesis partition --nemesis-interval 1 \
    --recovery-time 2 --seed 11 --diagram-window -10:100 \
    --diagram-messages 100000 >"$out" 2>&1; then
  echo "browser_test: the run failed:"; tail -40 "$out"; exit 1
fi
run=$(tail -2 "$out" | head -1)
run=${run%/index.html}
[[ -s $run/index.html && $(tail -1 "$out") == "$work/store/index.html" ]] ||
  { echo "browser_test: the run did not end with its index paths"; tail -5 "$out"; exit 1; }

# What the pages must show, from the run's own files.
python3 - "$run" <<'PY'
import json, re, sys
run = sys.argv[1]
thread_of = {}  # worker client -> its thread (messages.svg's lanes)
for line in open(f"{run}/history.txt"):
    m = re.search(r" thread=(\d+) client=(\S+) ", line)
    if m:
        thread_of[m.group(2)] = m.group(1)
sends, endpoints = 0, {"n0", "n1", "n2"}
for line in open(f"{run}/messages.txt"):
    m = re.match(r"\s*\S+s send #\d+ (\S+) -> (\S+) ", line)
    if m:
        sends += 1
        for e in m.groups():
            if re.fullmatch(r"c\d+", e):
                e = "thread " + thread_of[e] if e in thread_of else "setup"
            endpoints.add(e)
completed = finals = 0
for line in open(f"{run}/history.txt"):
    if " invoke " in line or " nemesis info " in line:
        continue
    completed += 1
    finals += line.rstrip().endswith("(final)") or " (final)" in line
results = json.load(open(f"{run}/results.json"))
window = json.load(open(f"{run}/run.json"))["messages-window"]
assert window.startswith(f"messages 1-{sends} of {sends} "), (window, sends)
expected = {
    "messages": sends, "lanes": len(endpoints), "completed_ops": completed,
    "final_reads": finals, "faults": len(results["extensions"]["faults"]),
    "invalid_lines": 0, "window": window, "exit_code": results["exit-code"],
}
assert sends > 300 and finals == 3 and expected["faults"] >= 2, expected
json.dump(expected, open(f"{run}/expected.json", "w"), indent=2)
print("expected:", json.dumps(expected))
PY

status=0
node "$check" "$chromium" "$run" "$run" || status=1

ls "$run"/*-messages-top.png "$run"/*-timeline.png "$run"/*-index-html.png >/dev/null ||
  { echo "browser_test: screenshots missing from the store"; status=1; }
if [[ -n ${TEST_UNDECLARED_OUTPUTS_DIR:-} ]]; then
  cp "$run"/*.png "$TEST_UNDECLARED_OUTPUTS_DIR"/ 2>/dev/null || true
fi
exit $status
