#!/usr/bin/env bash
# HTTP test of `maelstrom serve` (issue 19) over a small hand-made store:
# the index, a run's pages and files with their Content-Types and bytes,
# store/latest, Jepsen's /files/ URLs, directory redirects and listings,
# errors (404, 405, 431, 400), no escape from the store (.., %2e%2e, a
# symlink out), keep-alive, the connection bound (503), and Ctrl-C ending
# it with exit 0.
#   serve_test.sh <maelstrom>
set -uo pipefail
maelstrom=$(realpath "$1")
export PATH=/usr/bin:/bin:${PATH:-}
command -v curl >/dev/null || { echo "serve_test: curl is not installed (tools/install-deps)"; exit 1; }
work=${TEST_TMPDIR:-$(mktemp -d)}
cd "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok   $*"; }

# ---------------------------------------------------------------- the store
store=$work/store
run=$store/g-counter/20260101T000000.000
rm -rf "$store" "$work/secret.txt"
mkdir -p "$run/node-logs"
echo '<!DOCTYPE html><title>runs</title><a href="g-counter/20260101T000000.000/index.html">run</a>' >"$store/index.html"
echo '<!DOCTYPE html><title>run</title><img src="latency-raw.png"><a href="messages.svg">svg</a>' >"$run/index.html"
echo '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>' >"$run/messages.svg"
echo '{"valid?": true}' >"$run/results.json"
echo '{:valid? true}' >"$run/results.edn"
echo '0 :invoke :add 1' >"$run/history.txt"
echo 'n0 started' >"$run/node-logs/n0.log"
python3 -c 'import base64,sys; sys.stdout.buffer.write(base64.b64decode(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="))' \
  >"$run/latency-raw.png"
head -c 3000000 /dev/urandom >"$run/big.dat"   # several sendfile chunks
ln -s g-counter/20260101T000000.000 "$store/latest"
echo 'TOP-SECRET' >"$work/secret.txt"
ln -s "$work/secret.txt" "$store/leak.txt"

# ------------------------------------------------------------- the server
"$maelstrom" serve --port 0 --store "$store" >"$work/serve.out" 2>&1 &
server=$!
base=
for _ in $(seq 100); do
  base=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/serve.out" | head -1)
  [[ -n $base ]] && break
  sleep 0.1
done
if [[ -z $base ]]; then
  echo "FAIL: the server never said where it listens:"; cat "$work/serve.out"
  kill "$server" 2>/dev/null; exit 1
fi
echo "server at $base"

# expect PATH STATUS [CONTENT-TYPE [FILE-WITH-THE-SAME-BYTES]]
expect() {
  local path=$1 want=$2 type=${3:-} same=${4:-}
  local got
  got=$(curl -s --path-as-is -o "$work/body" -w '%{http_code} %{content_type}' "$base$path")
  if [[ ${got%% *} != "$want" ]]; then fail "$path: status ${got%% *}, want $want"; return; fi
  if [[ -n $type && ${got#* } != "$type" ]]; then fail "$path: type '${got#* }', want '$type'"; return; fi
  if [[ -n $same ]] && ! cmp -s "$work/body" "$same"; then fail "$path: not the bytes of $same"; return; fi
  ok "$path: $got"
}
html="text/html; charset=utf-8"
text="text/plain; charset=utf-8"
expect / 200 "$html" "$store/index.html"
expect /index.html 200 "$html" "$store/index.html"
r=/g-counter/20260101T000000.000
expect "$r/" 200 "$html" "$run/index.html"
expect "$r/index.html" 200 "$html" "$run/index.html"
expect "$r/messages.svg" 200 "image/svg+xml" "$run/messages.svg"
expect "$r/results.json" 200 "application/json; charset=utf-8" "$run/results.json"
expect "$r/results.edn" 200 "$text" "$run/results.edn"
expect "$r/history.txt" 200 "$text" "$run/history.txt"
expect "$r/latency-raw.png" 200 "image/png" "$run/latency-raw.png"
expect "$r/node-logs/n0.log" 200 "$text" "$run/node-logs/n0.log"
expect "$r/big.dat" 200 "$text" "$run/big.dat"
expect /latest/results.json 200 "application/json; charset=utf-8" "$run/results.json"
expect "/files$r/results.edn" 200 "$text" "$run/results.edn"   # Jepsen's URL
expect /g-counter/ 200 "$html"
grep -q 'href="20260101T000000.000/"' "$work/body" || fail "/g-counter/ does not list the run"
expect "$r/node-logs/" 200 "$html"
grep -q 'href="n0.log"' "$work/body" || fail "node-logs/ does not list n0.log"
expect /nope.html 404 "$text"
expect /favicon.ico 204   # browsers ask for it; the store has none
expect "$r/index.html/" 404
# Nothing outside the store, however it is asked for.
for escape in /../secret.txt "$r/../../../secret.txt" /%2e%2e/secret.txt \
              /%2E%2E%2fsecret.txt /leak.txt /files/../secret.txt; do
  expect "$escape" 403 "$text"
  grep -q TOP-SECRET "$work/body" && fail "$escape leaked the file"
done
expect "/a%00b" 400 "$text"

# A directory without its slash: relative links need it.
loc=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$base/g-counter")
[[ $loc == "301 $base/g-counter/" ]] && ok "/g-counter: $loc" || fail "/g-counter: '$loc'"

# Read-only: GET and HEAD only.
got=$(curl -s -X POST -d x -o /dev/null -w '%{http_code}' "$base/")
[[ $got == 405 ]] && ok "POST: 405" || fail "POST: $got"
curl -s -X DELETE -D "$work/headers" -o /dev/null "$base/index.html"
grep -qi '^Allow: GET, HEAD' "$work/headers" && ok "DELETE: Allow: GET, HEAD" || fail "DELETE: no Allow"
size=$(stat -c %s "$run/big.dat")
curl -sI "$base$r/big.dat" >"$work/headers"
grep -qi "^Content-Length: $size" "$work/headers" && head -1 "$work/headers" | grep -q 200 &&
  ok "HEAD: 200, Content-Length $size" || fail "HEAD: $(cat "$work/headers")"
got=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" "$base/")
[[ $got == 431 ]] && ok "a 20 KB header: 431" || fail "a 20 KB header: $got"

# Keep-alive: two requests, one connection.
n=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}\n' "$base/" "$base$r/results.json" | tr '\n' ' ')
[[ $n == "1 0 " ]] && ok "keep-alive: connects per request: $n" || fail "keep-alive: connects per request: $n"

# The connection bound: 64 idle connections, then the next one gets a 503.
python3 - "${base#http://}" <<'PY' && ok "connection 65 of 65: 503" || fail "connection bound"
import socket, sys, time
host, port = sys.argv[1].split(":")
held = [socket.create_connection((host, int(port))) for _ in range(64)]
time.sleep(0.3)
extra = socket.create_connection((host, int(port)))
extra.settimeout(5)
reply = extra.recv(4096).decode()
print(reply.splitlines()[0] if reply else "(nothing)")
assert reply.startswith("HTTP/1.1 503"), reply
for s in held: s.close()
PY
got=$(curl -s -o /dev/null -w '%{http_code}' "$base/")   # served again
[[ $got == 200 ]] && ok "after the bound: 200" || fail "after the bound: $got"

# Ctrl-C: a clean stop, exit 0.
kill -INT "$server"
wait "$server"
rc=$?
[[ $rc -eq 0 ]] && ok "SIGINT: exit 0" || fail "SIGINT: exit $rc"
grep -q "stopped by SIGINT after [0-9]* requests" "$work/serve.out" && ok "says it stopped" ||
  fail "no stop message"
kill -0 "$server" 2>/dev/null && fail "the server is still running"

if ((failures)); then
  echo "--- server output"; tail -40 "$work/serve.out"
  echo "$failures failures"
  exit 1
fi
echo "all serve checks passed"
