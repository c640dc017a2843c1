#!/usr/bin/env bash
# End-to-end tests of //testing:maelstrom against real node binaries: our
# counter, its deliberately broken variants under the fault that exposes
# each, a Python counter (correct and incorrect), and misbehaving nodes.
#   harness_test.sh CASE     (Bazel runs one sh_test per case, in parallel)
# Each case asserts the exit status and a line of the output, so it fails
# when the harness stops detecting what it should.
set -uo pipefail

case_name=$1
maelstrom=$(realpath "$2")
counter=$(realpath "$3")
py_counter=$(realpath "$4")
py_incorrect=$(realpath "$5")
# Our counter with --bug=... (test-only build; the shipped one has no --bug).
bug_counter=$(realpath "$6")
# The Python node's `#!/usr/bin/env python3` must find the system Python.
export PATH=/usr/bin:/bin:${PATH:-}
work=${TEST_TMPDIR:-$(mktemp -d)}
cd "$work"
out="$work/out.txt"

# run EXPECTED_EXIT PATTERN harness-args...
run() {
  local want=$1 pattern=$2
  shift 2
  timeout 120 "$maelstrom" "$@" >"$out" 2>&1
  local got=$?
  if [[ $got -ne $want ]] || ! grep -qE -- "$pattern" "$out"; then
    echo "FAIL $case_name: exit $got (want $want), pattern /$pattern/ in:"
    tail -60 "$out"
    exit 1
  fi
  echo "ok $case_name: exit $got, found /$pattern/"
}

fast=(--node-count 3 --rate 100 --recovery-time 2)
g=(-w g-counter)
case "$case_name" in
  our_counter_passes)
    run 0 "Everything looks good" test "${g[@]}" --bin "$counter" "${fast[@]}" \
      --time-limit 5 --nemesis partition --nemesis-interval 1 --seed 1 --strict
    for f in results.json results.txt results.edn history.txt history.edn \
             messages.txt messages.svg timeline.html index.html run.json \
             latency-raw.png rate.png node-logs/n0.log node-logs/n2.log; do
      [[ -s store/latest/$f || $f == node-logs/* && -e store/latest/$f ]] ||
        { echo "FAIL: store/latest/$f missing"; ls -lR store; exit 1; }
    done
    grep -q '"valid?": true' store/latest/results.json || { echo "FAIL: results.json"; exit 1; }
    # results.edn is Jepsen's results map; the printed block is results.txt.
    grep -q '^ :workload {' store/latest/results.edn || { echo "FAIL: results.edn is not Jepsen's map"; head -3 store/latest/results.edn; exit 1; }
    grep -q 'Everything looks good' store/latest/results.txt || { echo "FAIL: results.txt"; exit 1; }
    # The last lines name the run's page and the store's.
    tail -2 "$out" | head -1 | grep -qE '/store/g-counter/[0-9T]+/index.html$' || { echo "FAIL: no run index path"; tail -3 "$out"; exit 1; }
    tail -1 "$out" | grep -qE '/store/index.html$' || { echo "FAIL: no store index path"; tail -3 "$out"; exit 1; }
    [[ -s store/index.html ]] || { echo "FAIL: store/index.html"; exit 1; }
    [[ -L store/latest ]] || { echo "FAIL: store/latest is not a symlink"; exit 1; }
    ;;
  our_counter_every_fault)
    # EXTENSIONS: crash/restart, stalls, seq-kv cuts and partitions together.
    run 0 "Everything looks good" test "${g[@]}" --bin "$counter" "${fast[@]}" --time-limit 5 \
      --nemesis partition,crash,stall,kv-cut --nemesis-interval 1 --latency 5 \
      --latency-dist exponential --seed 2 --strict
    ;;
  our_counter_kill_pause)
    # Issue 19: --nemesis kill,pause,partition as Maelstrom main (PR #102;
    # jepsen nemesis/combined.clj db-package): our counter keeps every
    # acknowledged add through kills and SIGSTOPs. 3 threads per node: a
    # thread whose node is down waits out its 5 s timeout, and with too few
    # threads a run may see no :ok add at all (Jepsen's stats checker:
    # invalid for any node; seed 3 does that). history.txt and the timeline
    # show the nemesis ops and their targets.
    run 0 "Everything looks good" test "${g[@]}" --bin "$counter" --node-count 3 --rate 100 \
      --concurrency 3n --time-limit 8 --recovery-time 2 --nemesis kill,pause,partition \
      --nemesis-interval 1 --seed 4
    for want in "nemesis info kill :majority" 'nemesis info kill \{"n[0-2]" :killed, "n[0-2]" :killed\}' \
        "nemesis info start :all" "nemesis info pause" "nemesis info resume :all" \
        "nemesis info start-partition"; do
      grep -qE "$want" store/latest/history.txt ||
        { echo "FAIL: history.txt lacks /$want/"; grep nemesis store/latest/history.txt; exit 1; }
    done
    grep -q ":f :kill, :value :majority" store/latest/history.edn ||
      { echo "FAIL: history.edn lacks the kill op"; exit 1; }
    grep -q "kill majority: n0 n2" store/latest/timeline.html ||
      { echo "FAIL: the timeline does not show the kill and its targets"; exit 1; }
    ;;
  our_counter_pn)
    # Maelstrom passes the node's own flags after -- (or as plain arguments).
    run 0 "Everything looks good" test -w pn-counter --bin "$counter" "${fast[@]}" \
      --time-limit 3 --seed 3 --strict -- --pn_counter
    ;;
  bug_stale_read)
    # Whether a stale final read shows depends on real-time interleaving:
    # one run lets this bug through about 1 time in 4 (30 runs each with
    # main's harness and with ppoll's). Jepsen's --test-count stops at the
    # first invalid run (exit 1): five runs miss it about 1 time in 1000.
    run 1 "Analysis invalid" test "${g[@]}" --bin "$bug_counter" "${fast[@]}" --time-limit 4 \
      --seed 4 --test-count 5 -- --bug=stale-read
    ;;
  bug_ack_before_durable)
    # Acked adds still waiting for their cas die with the node: a long cas
    # round trip (2 x 250 ms) and 3 clients per node keep such adds around
    # at most kill instants, even on a loaded machine.
    run 1 "Analysis invalid" test "${g[@]}" --bin "$bug_counter" --node-count 3 --rate 150 \
      --concurrency 3n --recovery-time 2 --time-limit 6 --nemesis crash \
      --nemesis-interval 0.5 --latency 250 --seed 7 -- --bug=ack-before-durable
    ;;
  bug_forget_on_restart)
    run 1 "Analysis invalid" test "${g[@]}" --bin "$bug_counter" "${fast[@]}" --concurrency 2n \
      --time-limit 5 --nemesis crash --nemesis-interval 0.5 --seed 5 -- --bug=forget-on-restart
    ;;
  bug_double_count_retry)
    # A cut of replies only lets a cas land unanswered; the retry re-adds.
    run 1 "Analysis invalid" test "${g[@]}" --bin "$bug_counter" "${fast[@]}" --concurrency 2n \
      --time-limit 5 --nemesis kv-cut --nemesis-interval 0.5 --latency 50 --seed 6 \
      -- --bug=double-count-retry
    ;;
  python_counter_passes)
    # No --node-count: Jepsen's default nodes n1..n5.
    run 0 "Everything looks good" test "${g[@]}" --bin "$py_counter" --rate 50 \
      --time-limit 3 --recovery-time 1 --nemesis partition --nemesis-interval 1 --seed 8 \
      --strict
    grep -q "nodes n1 n2 n3 n4 n5 " "$out" || { echo "FAIL: not Jepsen's default nodes"; exit 1; }
    ;;
  python_incorrect_counter_invalid)
    run 1 "final read .* is not in" test "${g[@]}" --bin "$py_incorrect" --node-count 3 \
      --rate 50 --time-limit 3 --recovery-time 1 --seed 9
    ;;
  python_read_cache_invalid)
    # Maelstrom sends nothing between the heal and the final reads (core.clj:
    # gen/sleep 10), so a counter that answers reads from a cache and only
    # then refreshes it answers the final read from a stale cache. The
    # harness used to read every node every 100 ms then, which refreshed the
    # cache in time and passed it; that probe is now an EXTENSION flag that
    # says it changes the run.
    run 1 "Analysis invalid" test "${g[@]}" --bin "$py_counter" --node-count 10 --rate 100 \
      --time-limit 3 --recovery-time 2 --seed 10 -- --read-cache
    run 0 "Everything looks good" test "${g[@]}" --bin "$py_counter" --node-count 10 \
      --rate 100 --time-limit 3 --recovery-time 2 --seed 10 --convergence-probe \
      -- --read-cache
    grep -q "convergence-probe sent .* this run's traffic is not Maelstrom's" "$out" ||
      { echo "FAIL: the probe does not say it changes the run"; exit 1; }
    ;;
  missing_binary)
    run 255 "not found" test "${g[@]}" --bin "$work/no-such-node" --time-limit 1
    ;;
  not_executable)
    printf '#!/bin/sh\n' >"$work/plain"
    chmod 644 "$work/plain"
    run 255 "not executable" test "${g[@]}" --bin "$work/plain" --time-limit 1
    ;;
  never_answers_init)
    printf '#!/bin/sh\nexec sleep 600\n' >"$work/silent"
    chmod 755 "$work/silent"
    run 255 "did not answer init" test "${g[@]}" --bin "$work/silent" --node-count 2 \
      --time-limit 1
    ;;
  crash_mid_run)
    run 255 "n[0-2] crashed: it exited with code 3" test "${g[@]}" --bin "$py_counter" \
      --node-count 3 --rate 20 --time-limit 4 -- --crash-after 1
    ;;
  # A node that writes a bad line goes deaf (Maelstrom stops reading it); the
  # verdict is what the checker then sees: an EXTENSION finding, failing the
  # run only with --strict.
  invalid_json)
    bad=(test "${g[@]}" --bin "$py_counter" --node-count 3 --rate 20 --time-limit 2
         --recovery-time 1 --client-timeout 1.5 --seed 11)
    run 0 "EXTENSION findings: [0-9]+ .*invalid-line: n[0-2] at .*not a valid message" \
      "${bad[@]}" -- --garbage-after 0.5
    run 1 "--strict: this run fails on [0-9]+ EXTENSION finding.*not a valid message" \
      "${bad[@]}" --strict -- --garbage-after 0.5
    ;;
  unknown_dest)
    bad=(test "${g[@]}" --bin "$py_counter" --node-count 3 --rate 20 --time-limit 2
         --recovery-time 1 --client-timeout 1.5 --seed 12)
    run 0 "Invalid dest for message .*\"n99\"" "${bad[@]}" -- --unknown-dest-after 0.5
    run 1 "--strict: .*Invalid dest" "${bad[@]}" --strict -- --unknown-dest-after 0.5
    ;;
  unknown_src)
    # net.clj validate-msg checks the source too.
    bad=(test "${g[@]}" --bin "$py_counter" --node-count 3 --rate 20 --time-limit 2
         --recovery-time 1 --client-timeout 1.5 --seed 13)
    run 0 "Invalid source for message .*\"n99\"" "${bad[@]}" -- --unknown-src-after 0.5
    run 1 "--strict: .*Invalid source" "${bad[@]}" --strict -- --unknown-src-after 0.5
    ;;
  stdout_flood)
    # 8 MiB without a line end, then the node's next message: one line, read
    # whole as Java's readLine reads it, and not JSON (process.clj
    # parse-msg), so the node goes deaf as in Maelstrom.
    flood=(test "${g[@]}" --bin "$py_counter" --node-count 3 --rate 20 --time-limit 2
           --recovery-time 1 --client-timeout 1.5 --seed 14)
    run 1 "--strict: .*not a valid message" "${flood[@]}" --strict -- --flood-after 0.5
    # Past the harness's own line bound: a harness error naming the bound
    # (exit 255, the run not judged), never a verdict.
    run 255 "wrote a line longer than 1048576 bytes .*--max-line-bytes" \
      "${flood[@]}" --max-line-bytes 1048576 -- --flood-after 0.5
    ! grep -qE "Everything looks good|Analysis invalid" "$out" ||
      { echo "FAIL: a verdict despite the harness error"; exit 1; }
    ;;
  long_line_valid)
    # Issue 19: a node that sends one valid 5 MB message (Java's readLine
    # has no bound; the harness's used to be 4 MiB, which made the node deaf).
    # --strict: not even an EXTENSION finding.
    run 0 "Everything looks good" test "${g[@]}" --bin "$py_counter" --node-count 3 \
      --rate 20 --time-limit 3 --recovery-time 1 --seed 16 --strict -- --long-line-after 0.5
    grep -qE "gossip of 50000[0-9]{2} bytes" store/latest/node-logs/n*.log ||
      { echo "FAIL: no node received the 5 MB gossip"; cat store/latest/node-logs/*.log; exit 1; }
    ;;
  reply_msg_id_malformed)
    # Issue 19: maelstrom client.clj recv-schema ((s/optional-key :msg_id)
    # s/Int): an add_ok/read_ok whose msg_id is null (a Rust Option left
    # unset), 1.0 or "x" is a malformed RPC response; every op is :info
    # and the run invalid (no :ok at all). An integer msg_id is fine.
    mid=(test "${g[@]}" --bin "$py_counter" --node-count 3 --rate 20 --time-limit 2
         --recovery-time 1 --seed 21)
    for j in null 1.0 '"x"'; do
      run 1 "Analysis invalid" "${mid[@]}" -- --reply-msg-id "$j"
      # One grep (a pipe into grep -q under pipefail fails at random when
      # the first grep takes SIGPIPE after grep -q has found its match).
      grep -q "Malformed RPC response.*:msg_id (not (integer? " store/latest/history.edn ||
        { echo "FAIL: msg_id $j: no malformed-response :info in the history"; exit 1; }
      grep -q ":ok-count 0," store/latest/results.edn ||
        { echo "FAIL: msg_id $j: some op was :ok"; exit 1; }
    done
    run 0 "Everything looks good" "${mid[@]}" --strict -- --reply-msg-id 7
    ;;
  big_integer_valid)
    # Issue 19: cheshire/Jackson read an integer beyond 64 bits as a
    # BigInteger and write it back digit for digit; nlohmann alone called it
    # a "number overflow" and the node went deaf (exit 1).
    run 0 "Everything looks good" test "${g[@]}" --bin "$py_counter" --node-count 3 \
      --rate 20 --time-limit 3 --recovery-time 1 --seed 22 --strict -- --big-int-after 0.5
    grep -q "big integer intact with 401 digits" store/latest/node-logs/n*.log ||
      { echo "FAIL: the 401-digit integer did not arrive intact"; cat store/latest/node-logs/*.log; exit 1; }
    grep -qE '"big":1777777777' store/latest/messages.txt ||
      { echo "FAIL: messages.txt does not show the integer's digits"; exit 1; }
    ;;
  daemons_killed_at_teardown)
    # Issue 19: every node forks a setsid() daemon (double fork, stdio on
    # /dev/null: out of the node's process group and session). Whether the
    # run ends normally, by a node's crash or by SIGTERM, no process with
    # the run's tag (nodes and daemons) may remain. Today's code left 3.
    left() { pgrep -f -- "$1" | wc -l; }
    cleanup() { for p in $(pgrep -f -- "$1"); do kill -9 "$p"; done; }
    daemon=(test "${g[@]}" --bin "$py_counter" --node-count 3 --rate 20 --recovery-time 1 --seed 17)
    tag="daemon-end-$$-$RANDOM"
    run 0 "Everything looks good" "${daemon[@]}" --time-limit 2 -- --daemonize "--tag=$tag"
    n=$(left "$tag"); cleanup "$tag"
    [[ $n -eq 0 ]] || { echo "FAIL: $n processes left after a normal end"; exit 1; }
    tag="daemon-crash-$$-$RANDOM"
    run 255 "crashed: it exited with code 3" "${daemon[@]}" --time-limit 3 \
      -- --daemonize --crash-after 1 "--tag=$tag"
    n=$(left "$tag"); cleanup "$tag"
    [[ $n -eq 0 ]] || { echo "FAIL: $n processes left after a crash"; exit 1; }
    tag="daemon-term-$$-$RANDOM"
    "$maelstrom" "${daemon[@]}" --time-limit 60 -- --daemonize "--tag=$tag" >"$out" 2>&1 &
    pid=$!
    for _ in $(seq 100); do [[ $(left "$tag") -ge 6 ]] && break; sleep 0.1; done
    started=$(left "$tag")
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    n=$(left "$tag"); cleanup "$tag"
    [[ $started -ge 6 ]] || { echo "FAIL: only $started nodes and daemons started"; cat "$out"; exit 1; }
    [[ $rc -eq 143 && $n -eq 0 ]] || { echo "FAIL: exit $rc (want 143), $n processes left after SIGTERM"; exit 1; }
    echo "ok $case_name: 0 processes left (normal end, crash, SIGTERM)"
    ;;
  reply_after_timeout)
    # The reply comes after the client gave up and was closed: "Invalid
    # dest", the node goes deaf; every read is then :info, which Jepsen's
    # stats checker rejects (each :f that occurs needs an :ok).
    run 1 "Invalid dest for message" test "${g[@]}" --bin "$py_counter" --node-count 1 \
      --rate 5 --time-limit 4 --recovery-time 0 --client-timeout 1.5 --seed 15 \
      -- --slow-reads 3
    grep -q "read: no :ok among" "$out" || { echo "FAIL: not the stats rule"; exit 1; }
    ;;
  bad_arguments)
    run 254 "Unknown option: \"--bogus\"" test "${g[@]}" --bogus --bin "$counter"
    run 254 "--rate fast" test "${g[@]}" --bin "$counter" --rate fast
    run 254 "Expected a --bin" test "${g[@]}"
    # Unknown flags after --bin are errors too, as in Maelstrom.
    run 254 "Unknown option: \"--pn_counter\"" test -w pn-counter --bin "$counter" --pn_counter
    run 254 "default workload is lin-kv" test --bin "$counter"
    run 254 "--time-limit 2.5" test "${g[@]}" --bin "$counter" --time-limit 2.5
    run 254 "--max-line-bytes 5: Must be at least 1024" test "${g[@]}" --bin "$counter" \
      --max-line-bytes 5
    run 0 "EXTENSIONS" --help
    run 0 "maelstrom serve \[--host HOST\]" --help
    run 0 "--ssh-private-key FILE" test --help
    run 0 "-p, --port NUMBER" serve --help
    run 254 "--port x: Must be a number" serve --port x
    run 254 "--port 70000: Must be at most 65535" serve --port 70000
    run 254 "serve takes no arguments" serve extra
    run 254 "Unknown option: \"--bin\"" serve --bin x
    run 255 "no store at $work/no-store" serve --store no-store --port 0
    run 254 "the commands are test and serve" frobnicate
    ;;
  sigterm_kills_nodes)
    # A unique tag in the nodes' argv finds them (pgrep only looks).
    tag="harness-test-$$-$RANDOM"
    "$maelstrom" test -w g-counter --bin "$py_counter" --node-count 3 --rate 10 \
      --time-limit 60 -- "--tag=$tag" >"$out" 2>&1 &
    pid=$!
    for _ in $(seq 100); do pgrep -f -- "$tag" >/dev/null && break; sleep 0.1; done
    pgrep -f -- "$tag" >/dev/null || { echo "FAIL: nodes never started"; cat "$out"; exit 1; }
    sleep 1
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    for _ in $(seq 50); do pgrep -f -- "$tag" >/dev/null || break; sleep 0.1; done
    if pgrep -f -- "$tag" >/dev/null; then
      echo "FAIL: nodes survived SIGTERM"; pgrep -af -- "$tag"; exit 1
    fi
    [[ $rc -eq 143 ]] || { echo "FAIL: exit $rc, want 143"; cat "$out"; exit 1; }
    grep -q "killed every node" "$out" || { echo "FAIL: no message"; cat "$out"; exit 1; }
    echo "ok $case_name"
    ;;
  *)
    echo "unknown case $case_name"
    exit 2
    ;;
esac
