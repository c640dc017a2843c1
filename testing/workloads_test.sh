#!/usr/bin/env bash
# End-to-end tests of //testing:maelstrom on the workloads beyond the
# counter (echo, unique-ids, broadcast, g-set): each correct fixture node
# is valid, each broken one invalid for the reason Maelstrom gives, and the
# Gossip Glomers challenges' own commands run as written.
#   workloads_test.sh CASE MAELSTROM FIXTURES_DIR
# Each case asserts the exit status and lines of the output (and of the
# store's results), so it fails when the harness stops judging as it should.
set -uo pipefail

case_name=$1
maelstrom=$(realpath "$2")
fixtures=$(realpath "$3")
# The fixtures' `#!/usr/bin/env python3` must find the system Python.
export PATH=/usr/bin:/bin:${PATH:-}
work=${TEST_TMPDIR:-$(mktemp -d)}
cd "$work"
out="$work/out.txt"

fail() {
  echo "FAIL $case_name: $*"
  tail -60 "$out"
  exit 1
}

# run EXPECTED_EXIT PATTERN harness-args...
run() {
  local want=$1 pattern=$2
  shift 2
  timeout 200 "$maelstrom" "$@" >"$out" 2>&1
  local got=$?
  if [[ $got -ne $want ]] || ! grep -qE -- "$pattern" "$out"; then
    fail "exit $got (want $want), pattern /$pattern/"
  fi
  echo "ok $case_name: exit $got, found /$pattern/"
}

# expect PATTERN FILE: a line of a store file.
expect() {
  grep -qE -- "$1" "$2" || fail "/$1/ not in $2: $(head -c 2000 "$2")"
  echo "ok $case_name: /$1/ in $(basename "$2")"
}

echo_py=$fixtures/echo.py
ids_py=$fixtures/unique_ids.py
broadcast_py=$fixtures/broadcast.py
gset_py=$fixtures/g_set.py
case "$case_name" in
  echo_challenge)
    # Gossip Glomers 1, verbatim.
    run 0 "Everything looks good" test -w echo --bin "$echo_py" \
      --node-count 1 --time-limit 10
    expect '^ :workload \{:valid\? true' store/latest/results.edn
    expect ':errors \(\)' store/latest/results.edn
    expect '"echo": \{' store/latest/results.json
    ;;
  echo_altered_invalid)
    # workload/echo.clj checker: every altered echo is an error.
    run 1 'Expected a message with :echo" "Please echo [0-9]+" "But received" \{:echo "Please echo [0-9]+ \(altered\)"' \
      test -w echo --bin "$echo_py" --node-count 2 --time-limit 3 -- --alter
    grep -q "Analysis invalid" "$out" || fail "no invalid verdict line"
    ;;
  unique_ids_challenge)
    # Gossip Glomers 2, verbatim: total availability under partitions.
    run 0 "Everything looks good" test -w unique-ids --bin "$ids_py" \
      --time-limit 30 --rate 1000 --node-count 3 --availability total \
      --nemesis partition
    expect ':duplicated-count 0' store/latest/results.edn
    expect ':availability \{:valid\? true' "$out"
    expect 'start-partition' store/latest/history.edn
    ;;
  unique_ids_repeat_invalid)
    # jepsen checker.clj unique-ids: bare counters repeat across nodes.
    run 1 ':duplicated-count [1-9]' test -w unique-ids --bin "$ids_py" \
      --node-count 3 --rate 100 --time-limit 3 -- --repeat
    expect ':duplicated \{[0-9]+ [2-9],' store/latest/results.edn
    ;;
  broadcast_partition)
    # 3c: retries bring every message across healed partitions.
    run 0 "Everything looks good" test -w broadcast --bin "$broadcast_py" \
      --node-count 5 --time-limit 8 --rate 10 --nemesis partition \
      --nemesis-interval 2 --topology line --seed 11
    expect ':lost-count 0' store/latest/results.edn
    expect ':stable-latencies \{0 ' store/latest/results.edn
    ;;
  broadcast_challenge_25)
    # 3d/3e, verbatim: 25 nodes, 100 ms latency; graded on msgs-per-op and
    # the median/max stable latency.
    run 0 "Everything looks good" test -w broadcast --bin "$broadcast_py" \
      --node-count 25 --time-limit 20 --rate 100 --latency 100
    expect ':servers \{:send-count [0-9]+ :msgs-per-op [0-9.]+\}' "$out"
    expect ':stable-latencies \{0 [0-9]+, 0.5 [0-9]+, 0.95 [0-9]+, 0.99 [0-9]+, 1 [0-9]+\}' \
      store/latest/results.txt
    expect ':stable-latencies \{0 [0-9]+,' store/latest/results.edn
    expect '"stable-latencies": \{' store/latest/results.json
    ;;
  broadcast_no_gossip_invalid)
    # set-full: what only one node knows is lost from the others' reads.
    run 1 ':lost-count [1-9]' test -w broadcast --bin "$broadcast_py" \
      --node-count 3 --time-limit 3 --rate 20 --recovery-time 1 -- --no-gossip
    expect ':valid\? false' store/latest/results.edn
    expect '"element [0-9]+ lost: acknowledged, then missing from every later read"' \
      store/latest/results.json
    ;;
  broadcast_topology_rejected)
    # broadcast.clj setup!: topology! has no with-errors; Jepsen crashes.
    run 255 "Jepsen broke" test -w broadcast --bin "$broadcast_py" \
      --node-count 2 --time-limit 3 -- --reject-topology
    grep -q "topology" "$out" || fail "the crash does not say topology"
    ;;
  broadcast_bad_topology_flag)
    run 254 "Must be one of grid, line, total, tree, tree2, tree3, tree4" \
      test -w broadcast --bin "$broadcast_py" --topology ring
    ;;
  g_set_partition)
    run 0 "Everything looks good" test -w g-set --bin "$gset_py" \
      --node-count 3 --time-limit 5 --rate 20 --nemesis partition \
      --nemesis-interval 1 --recovery-time 2 --seed 12
    expect ':lost-count 0' store/latest/results.edn
    ;;
  g_set_forget_invalid)
    run 1 ':lost-count [1-9]' test -w g-set --bin "$gset_py" \
      --node-count 3 --time-limit 4 --rate 20 --recovery-time 1 -- --forget
    ;;
  *)
    echo "unknown case $case_name"
    exit 2
    ;;
esac
