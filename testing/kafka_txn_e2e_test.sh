#!/usr/bin/env bash
# End-to-end tests of //testing:maelstrom on Maelstrom's kafka and
# txn-rw-register workloads (Gossip Glomers challenges 5 and 6) against the
# Python fixtures: the correct nodes under each challenge's command as
# written, and the broken ones, each caught by the anomaly Maelstrom reports
# for it.
#   kafka_txn_e2e_test.sh CASE MAELSTROM KAFKA_PY TXN_PY
# Each case asserts the exit status and lines of the output, so it fails
# when the harness stops judging as Maelstrom does.
set -uo pipefail

case_name=$1
maelstrom=$(realpath "$2")
kafka=$(realpath "$3")
txn=$(realpath "$4")
# The fixtures' `#!/usr/bin/env python3` must find the system Python.
export PATH=/usr/bin:/bin:${PATH:-}
work=${TEST_TMPDIR:-$(mktemp -d)}
cd "$work"
out="$work/out.txt"

# run EXPECTED_EXIT PATTERN harness-args...; more patterns: check PATTERN.
run() {
  local want=$1 pattern=$2
  shift 2
  timeout 200 "$maelstrom" "$@" >"$out" 2>&1
  local got=$?
  if [[ $got -ne $want ]] || ! grep -qE -- "$pattern" "$out"; then
    echo "FAIL $case_name: exit $got (want $want), pattern /$pattern/ in:"
    tail -60 "$out"
    exit 1
  fi
  echo "ok $case_name: exit $got, found /$pattern/"
}
check() {
  grep -qE -- "$1" "$out" || { echo "FAIL $case_name: no /$1/ in:"; tail -60 "$out"; exit 1; }
  echo "ok $case_name: found /$1/"
}

good="Everything looks good"
bad="Analysis invalid"
k=(test -w kafka --bin "$kafka")
t=(test -w txn-rw-register --bin "$txn")
short=(--concurrency 2n --time-limit 5 --rate 1000 --recovery-time 2)
case "$case_name" in
  kafka_5a)
    # Challenge 5a as written.
    run 0 "$good" "${k[@]}" --node-count 1 --concurrency 2n --time-limit 20 --rate 1000
    check ':bad-error-types \(\)'
    check ':crash \{:valid\? false'          # crashes never ok: forgiven
    check ':stats \{:valid\? true'
    grep -q ':f :poll' store/latest/history.edn || { echo "FAIL: history.edn"; exit 1; }
    ;;
  kafka_5b)
    # Challenges 5b and 5c as written (the same command): two nodes
    # sharing their logs through lin-kv.
    run 0 "$good" "${k[@]}" --node-count 2 --concurrency 2n --time-limit 20 --rate 1000
    check ':bad-error-types \(\)'
    ;;
  kafka_skip_offset)
    run 1 "$bad" "${k[@]}" --node-count 1 "${short[@]}" -- --skip-offset
    check ':bad-error-types \(.*:lost-write.*\)'
    check ':poll-skip \{:count'
    ;;
  kafka_lose_sends)
    run 1 "$bad" "${k[@]}" --node-count 1 "${short[@]}" -- --lose-sends
    check ':bad-error-types \(.*:inconsistent-offsets.*\)'
    ;;
  kafka_local_logs)
    # One in-memory log per node: each numbers its own offsets.
    run 1 "$bad" "${k[@]}" --node-count 2 "${short[@]}" -- --local
    check ':bad-error-types \(:inconsistent-offsets\)'
    ;;
  txn_6a)
    # Challenge 6a as written.
    run 0 "$good" "${t[@]}" --node-count 1 --time-limit 20 --rate 1000 --concurrency 2n \
      --consistency-models read-uncommitted
    check ':anomaly-types \(\)'
    ;;
  txn_6b)
    # Challenge 6b (its first command, then with partitions).
    run 0 "$good" "${t[@]}" --node-count 2 --concurrency 2n --time-limit 20 --rate 1000 \
      --consistency-models read-uncommitted
    run 0 "$good" "${t[@]}" --node-count 2 --concurrency 2n --time-limit 20 --rate 1000 \
      --consistency-models read-uncommitted --nemesis partition
    check 'partition'
    ;;
  txn_6c)
    # Challenge 6c with partitions.
    run 0 "$good" "${t[@]}" --node-count 2 --concurrency 2n --time-limit 20 --rate 1000 \
      --consistency-models read-committed --nemesis partition
    ;;
  txn_ignore_own_writes)
    # Elle's :internal: serializable proscribes it, read-committed does not.
    run 1 "$bad" "${t[@]}" --node-count 1 "${short[@]}" --consistency-models serializable \
      -- --ignore-own-writes
    check ':anomaly-types \(:internal\)'
    check ':not #\{:read-atomic\}'
    run 0 "$good" "${t[@]}" --node-count 1 "${short[@]}" --consistency-models read-committed \
      -- --ignore-own-writes
    ;;
  txn_first_write_wins)
    run 1 "$bad" "${t[@]}" --node-count 2 "${short[@]}" --consistency-models read-committed \
      --nemesis partition --nemesis-interval 1 -- --first-write-wins
    check ':anomaly-types \(:G1b\)'
    check ':not #\{:read-committed\}'
    ;;
  txn_abort_but_apply)
    run 1 "$bad" "${t[@]}" --node-count 2 "${short[@]}" --consistency-models read-committed \
      -- --abort-but-apply
    check ':anomaly-types \(:G1a\)'
    # Read-uncommitted allows it (Maelstrom cannot see the blind-write G0).
    run 0 "$good" "${t[@]}" --node-count 2 "${short[@]}" --consistency-models read-uncommitted \
      -- --abort-but-apply
    ;;
  txn_models_flag)
    # core.clj splits --consistency-models on "\s+,\s+": "a,b" is one
    # unknown model, which Elle rejects at analysis: :unknown, exit 2.
    run 2 ':valid\? :unknown' "${t[@]}" --node-count 1 "${short[@]}" \
      --consistency-models read-committed,serializable
    check 'Unknown consistency model'
    run 0 "$good" "${t[@]}" --node-count 1 "${short[@]}" \
      --consistency-models "read-committed , serializable"
    run 254 'must be a positive integer' "${t[@]}" --node-count 1 --key-count 0
    ;;
  *)
    echo "unknown case $case_name"
    exit 1
    ;;
esac
