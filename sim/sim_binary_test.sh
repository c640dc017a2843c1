#!/bin/bash
# The //sim binary end to end: same seed twice → byte-identical output;
# a broken variant exits 1 and prints the exact replay command and the
# command that writes its store; --store writes the report pages; bad
# arguments exit 254.
set -u
SIM="$1"
fail() { echo "FAIL: $*"; exit 1; }

a="$("$SIM" --seed=5 --time-limit=5 --trace)"; ra=$?
b="$("$SIM" --seed=5 --time-limit=5 --trace)"; rb=$?
[ "$ra" = 0 ] && [ "$rb" = 0 ] || fail "correct counter exited $ra/$rb"
[ "$a" = "$b" ] || fail "same seed, different output"
[ "$(head -1 <<<"$a")" = "seed 5" ] || fail "first line is not the seed"
grep -q "Everything looks good! ヽ(‘ー\`)ノ" <<<"$a" || fail "no success line"
grep -q "n0 -> seq-kv" <<<"$a" || fail "--trace printed no messages"
c="$("$SIM" --seed=6 --time-limit=5 --trace)"
[ "$a" != "$c" ] || fail "different seeds, same output"

out="$("$SIM" --seed=1 --time-limit=5 --bug=stale-read --node-count=3)"; rc=$?
[ "$rc" = 1 ] || fail "stale-read exited $rc"
grep -q "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻" <<<"$out" || fail "no failure line"
replay="$(grep '^rerun with: ' <<<"$out" | sed 's/^rerun with: bazel run \/\/sim -- //')"
[ -n "$replay" ] || fail "no replay command"
# shellcheck disable=SC2086
again="$("$SIM" $replay)"
[ "$again" = "$out" ] || fail "the replay command did not reproduce the run: $replay"

# A failing seed suggests writing its store; with --store the run writes
# the same pages as the harness (sim/report), and its verdict is unchanged.
look="$(grep '^look at it: ' <<<"$out" | sed 's/^look at it: .\/dev sim //; s/ --store=store$//')"
[ -n "$look" ] || fail "no store command for the failing seed"
store="${TEST_TMPDIR:-$(mktemp -d)}/store"
# shellcheck disable=SC2086
stored="$("$SIM" $look --store="$store")"; rc=$?
[ "$rc" = 1 ] || fail "the stored run exited $rc"
[ "$(grep -v '^messages.svg: \|^Run: \|^Store: ' <<<"$stored" | sed '/^$/N;/^\n$/D')" = \
  "$(grep -v '^look at it: ' <<<"$out" | sed '/^$/N;/^\n$/D')" ] ||
  fail "--store changed the run's output"
run="$(sed -n 's/^Run: *//p' <<<"$stored")"
[ -n "$run" ] && [ "$(dirname "$(dirname "$(dirname "$run")")")" = "$store" ] || fail "no run index path: $run"
run="$(dirname "$run")"
for f in index.html messages.svg timeline.html history.edn results.edn \
         run.json history.txt results.txt; do
  [ -s "$run/$f" ] || fail "the store has no $f"
done
[ -s "$store/index.html" ] || fail "no store index"
grep -q "$(basename "$run")/index.html" "$store/index.html" || fail "the store index does not list the run"
# history.edn has one line per event, as history.txt: the client events
# and Maelstrom's nemesis ops (Jepsen's shape; history.txt's "nemesis"
# lines).
[ "$(grep -c '^{:index' "$run/history.edn")" = "$(wc -l <"$run/history.txt")" ] ||
  fail "history.edn and history.txt differ in length"
[ "$(grep -c ':process :nemesis' "$run/history.edn")" = "$(grep -c ' nemesis info ' "$run/history.txt")" ] ||
  fail "history.txt does not show every nemesis op of history.edn"
grep -q ':valid? false' "$run/results.edn" || fail "results.edn is not invalid"
grep -q '"exit-code": 1' "$run/run.json" || fail "run.json exit code"
# The diagram draws the window it names, around the bad final read.
window="$(sed -n 's/^messages.svg: messages \([0-9]*\)-\([0-9]*\) of.*/\1 \2/p' <<<"$stored")"
[ -n "$window" ] || fail "no window line"
read -r first last <<<"$window"
[ "$(grep -o '<g class="msg' "$run/messages.svg" | wc -l)" = $((last - first + 1)) ] ||
  fail "messages.svg does not draw its window ($window)"
grep -q 'around the first failed check' <<<"$stored" || fail "the window is not around the failure"
"$SIM" --seed=1 --store= >/dev/null 2>&1; rc=$?
[ "$rc" = 254 ] || fail "an empty --store exited $rc"

"$SIM" --no-such-flag=1 >/dev/null 2>&1; rc=$?
[ "$rc" = 254 ] || fail "unknown flag exited $rc"
"$SIM" --profile=nope >/dev/null 2>&1; rc=$?
[ "$rc" = 254 ] || fail "unknown profile exited $rc"

# The workloads beyond the counters run their reference cores; --bug=broken
# their broken ones, which the workload's checker rejects; a replay line
# spells out the workload's own flags.
for w in echo unique-ids broadcast g-set kafka txn-rw-register; do
  "$SIM" --seed=2 -w "$w" --time-limit 3 >/dev/null 2>&1; rc=$?
  [ "$rc" = 0 ] || fail "-w $w exited $rc"
done
out="$("$SIM" --seed=2 -w broadcast --topology line --time-limit 3 --bug=broken 2>&1)"; rc=$?
[ "$rc" = 1 ] || fail "-w broadcast --bug=broken exited $rc"
grep -q ':lost-count [1-9]' <<<"$out" || fail "the broken broadcast core lost nothing"
grep -q 'rerun with: .*--workload=broadcast.*--bug=broken --topology=line' <<<"$out" ||
  fail "the replay line does not spell out the workload's flags"
out="$("$SIM" --seed=2 -w kafka --time-limit 3 --bug=broken 2>&1)"; rc=$?
[ "$rc" = 1 ] || fail "-w kafka --bug=broken exited $rc"
grep -q ':bad-error-types (.*:int-poll-skip' <<<"$out" || fail "the broken kafka core skipped nothing"
out="$("$SIM" --seed=2 -w txn-rw-register --consistency-models read-committed \
  --key-count 3 --time-limit 3 --bug=broken 2>&1)"; rc=$?
[ "$rc" = 1 ] || fail "-w txn-rw-register --bug=broken exited $rc"
grep -q ':anomaly-types (.*:G1a' <<<"$out" || fail "the broken txn core showed no G1a"
grep -q 'rerun with: .*--bug=broken --consistency-models=read-committed --key-count=3' <<<"$out" ||
  fail "the replay line does not spell out txn-rw-register's flags"
"$SIM" --seed=2 -w echo --bug=stale-read >/dev/null 2>&1; rc=$?
[ "$rc" = 254 ] || fail "a counter bug on echo exited $rc"
"$SIM" --seed=2 --bug=broken >/dev/null 2>&1; rc=$?
[ "$rc" = 254 ] || fail "--bug=broken on the counter exited $rc"
echo "1 passed, 0 failed"
