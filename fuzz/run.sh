#!/usr/bin/env bash
# Builds and runs the libFuzzer targets. Bazel's gcc toolchain cannot link
# libFuzzer, so this compiles the project sources directly with clang++-14
# (Debian packages clang-14 and libclang-rt-14-dev; `tools/install-deps fuzz`)
# against the system Abseil and nlohmann/json, with ASan and UBSan on.
#
#   fuzz/run.sh codec 600          # run one target for 600 s
#   fuzz/run.sh node 600 -jobs=1   # extra arguments go to libFuzzer
#   fuzz/run.sh all 60             # every target, one after the other
#   fuzz/run.sh build node         # only compile (fuzz/out/node_fuzzer)
#   fuzz/run.sh repro node FILE..  # run inputs once (a crash, a corpus file)
#   fuzz/run.sh coverage node      # line coverage of kvclient/ and counter/
#                                  # by the seeds plus what runs learned
#   FUZZ_BUG=ack-before-durable fuzz/run.sh node 60
#                                  # prove the node target catches a known bug
#
# Targets: codec (fuzz/codec_fuzzer.cc), node (fuzz/node_fuzzer.cc).
# Seeds come from fuzz/corpus/<target>/ (committed, small). What the fuzzer
# learns goes to fuzz/out/corpus/<target>/, crashes to fuzz/out/crashes/; both
# are ignored by git. To keep a finding, copy it into fuzz/corpus/<target>/.
# Ends with one line per target: executions, coverage (libFuzzer's edge
# count "cov" and feature count "ft") and corpus size.
set -euo pipefail
cd "$(dirname "$0")/.."

CXX=${CXX:-clang++-14}
OUT=fuzz/out
TARGETS=(codec node)

# Every non-test source of the libraries the targets exercise: robust to
# files being added or split. The test-only variants (baseline, broken
# subclasses of the node) only with FUZZ_BUG. The node target plays seq-kv
# with the shared model (//sim/maelstrom:kv_service and what it uses), and
# checks the node's lines as Maelstrom accepts them (node_line).
sources() {
  local skip='_test\.cc$|/main\.cc$|main_core\.cc$'
  if [[ -z "${FUZZ_BUG:-}" ]]; then
    skip="$skip|/testonly_variants\.cc$|/baseline\.cc$"
  fi
  ls kvclient/*.cc counter/*.cc | grep -vE "$skip"
  echo sim/maelstrom/kv_service.cc sim/maelstrom/clojure_print.cc \
    sim/maelstrom/node_line.cc
}

build() {
  local target=$1
  mkdir -p "$OUT"
  local bug_flag=()
  if [[ -n "${FUZZ_BUG:-}" ]]; then
    bug_flag=("-DFUZZ_BUG=\"${FUZZ_BUG}\"")
  fi
  # shellcheck disable=SC2046
  "$CXX" -std=c++17 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Wall -Wextra -Werror -Wno-sign-compare \
    -I. "${bug_flag[@]}" "fuzz/${target}_fuzzer.cc" $(sources) \
    $(pkg-config --libs absl_statusor absl_str_format absl_time absl_strings \
      absl_hash absl_raw_hash_set) \
    -o "$OUT/${target}_fuzzer"
}

# Replays the corpus once in a source-coverage build (no sanitizers) and
# prints llvm-cov's per-file table for the project's own sources.
coverage() {
  local target=$1
  local bin="$OUT/${target}_coverage"
  mkdir -p "$OUT/corpus/$target"
  # shellcheck disable=SC2046
  "$CXX" -std=c++17 -O0 -fsanitize=fuzzer -fprofile-instr-generate \
    -fcoverage-mapping -I. "fuzz/${target}_fuzzer.cc" $(sources) \
    $(pkg-config --libs absl_statusor absl_str_format absl_time absl_strings \
      absl_hash absl_raw_hash_set) -o "$bin"
  LLVM_PROFILE_FILE="$OUT/${target}.profraw" "$bin" -runs=0 \
    "$OUT/corpus/$target" "fuzz/corpus/$target" >/dev/null 2>&1
  llvm-profdata-14 merge -sparse "$OUT/${target}.profraw" -o "$OUT/${target}.profdata"
  # shellcheck disable=SC2046
  llvm-cov-14 report "$bin" -instr-profile="$OUT/${target}.profdata" $(sources)
}

run() {
  local target=$1 seconds=$2
  shift 2
  build "$target"
  mkdir -p "$OUT/corpus/$target" "$OUT/crashes"
  local log="$OUT/${target}.log"
  echo "fuzz: $target for ${seconds}s (log: $log)" >&2
  local rc=0
  # New inputs go to the first (scratch) directory; the committed seeds are
  # read only.
  "$OUT/${target}_fuzzer" "$OUT/corpus/$target" "fuzz/corpus/$target" \
    -dict=fuzz/maelstrom.dict -max_total_time="$seconds" \
    -artifact_prefix="$OUT/crashes/${target}-" -print_final_stats=1 \
    "$@" >"$log" 2>&1 || rc=$?
  summarize "$target" "$log"
  if [[ $rc -ne 0 ]]; then
    grep -E 'invariant|ERROR|SUMMARY|Test unit written' "$log" >&2 || true
    echo "fuzz: $target FAILED (exit $rc); see $log" >&2
  fi
  return $rc
}

# "codec: 1234567 execs in 600 s, cov 1234, ft 5678, corpus 321"
summarize() {
  local target=$1 log=$2 execs secs last
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/.*Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  echo "$target: ${execs:-?} execs in ${secs:-?} s," \
    "cov $(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")," \
    "ft $(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")," \
    "corpus $(sed -n 's/.*corp: \([0-9]*\).*/\1/p' <<<"$last")"
}

cmd=${1:-}
case "$cmd" in
  build) build "${2:?target}" ;;
  coverage) coverage "${2:?target}" ;;
  repro)
    target=${2:?target}
    shift 2
    build "$target"
    "$OUT/${target}_fuzzer" -runs=1 "$@"
    ;;
  all)
    seconds=${2:-60}
    status=0
    for t in "${TARGETS[@]}"; do run "$t" "$seconds" || status=1; done
    exit $status
    ;;
  codec|node) run "$cmd" "${2:-60}" "${@:3}" ;;
  *) sed -n '2,23s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
