#!/bin/bash
# The //sim binary end to end: same seed twice → byte-identical output;
# a broken variant exits 1 and prints the exact replay command; bad
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

"$SIM" --no-such-flag=1 >/dev/null 2>&1; rc=$?
[ "$rc" = 254 ] || fail "unknown flag exited $rc"
"$SIM" --profile=nope >/dev/null 2>&1; rc=$?
[ "$rc" = 254 ] || fail "unknown profile exited $rc"
echo "1 passed, 0 failed"
