// maelstrom-counter: a grow-only counter node for Maelstrom's g-counter
// workload (and, with --pn-counter, pn-counter). Speaks Maelstrom's stdio
// protocol; keeps its state in seq-kv. See counter/node.h for the algorithm.
//
//   maelstrom test -w g-counter --bin bazel-bin/counter/maelstrom-counter
//       --node-count 3 --rate 100 --time-limit 20 --nemesis partition
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "counter/core.h"
#include "counter/main_core.h"
#include "counter/stdio_driver.h"

ABSL_FLAG(bool, pn_counter, false,
          "accept negative deltas (Maelstrom's pn-counter workload)");
ABSL_FLAG(int64_t, refresh_ms, 500,
          "how often other nodes' totals are re-read from seq-kv; bounds how "
          "long reads can lag after writes stop");
ABSL_FLAG(std::string, dissemination, "auto",
          "how a node learns the others' totals: push (nodes push their "
          "confirmed totals to each other; a peer silent too long is read "
          "from seq-kv), peer-keys (each round reads every other node's key), "
          "summary (each round reads one shared key and cas-es in what it "
          "knows), or auto (push)");
ABSL_FLAG(int64_t, push_ms, 1000,
          "push dissemination: interval of push rounds (bounds convergence)");
ABSL_FLAG(int32_t, push_fanout, 4,
          "push dissemination: peers pushed to per round, at most");
ABSL_FLAG(int64_t, summary_ms, 300,
          "round interval with summary dissemination (news takes two rounds)");
ABSL_FLAG(int64_t, max_refresh_ms, 2000,
          "quiet refresh rounds double the interval up to this");
ABSL_FLAG(int64_t, sync_grace_ms, 100,
          "how long a due refresh waits for an add to sync the node's seq-kv "
          "view before sending a zero-delta cas for that");
ABSL_FLAG(int64_t, kv_timeout_ms, 1000,
          "treat a seq-kv request as lost after this long");
ABSL_FLAG(int64_t, add_deadline_ms, 4000,
          "answer an add that is not durable yet with error 0 after this long "
          "(Maelstrom's clients give up at 5000)");
ABSL_FLAG(std::string, kv, "seq-kv",
          "the KV service holding the counter: seq-kv or lin-kv (lww-kv "
          "cannot hold it)");

namespace {

// Sets *out from a named choice flag, or says which value was unknown.
template <typename T>
bool ParseChoice(absl::optional<T> (*parse)(absl::string_view),
                 const char* flag, const std::string& value, const char* hint,
                 T* out) {
  absl::optional<T> parsed = parse(value);
  if (!parsed.has_value()) {
    std::fprintf(stderr, "maelstrom-counter: unknown --%s=%s%s\n", flag,
                 value.c_str(), hint);
    return false;
  }
  *out = *parsed;
  return true;
}

// A fresh id per process start: tags written by this run embed it, so a
// restarted node never mistakes an old incarnation's write for its own.
uint64_t DrawIncarnation() {
  uint64_t value = 0;
  int fd = open("/dev/urandom", O_RDONLY);
  if (fd >= 0) {
    if (read(fd, &value, sizeof value) != sizeof value) value = 0;
    close(fd);
  }
  if (value == 0) {
    value = static_cast<uint64_t>(absl::GetCurrentTimeNanos()) ^
            (static_cast<uint64_t>(getpid()) << 32);
  }
  return value;
}

// The node's options from the flags; false (after saying why on stderr)
// when a value is out of range.
bool OptionsFromFlags(counter::Options* options) {
  options->allow_negative = absl::GetFlag(FLAGS_pn_counter);
  options->refresh_interval =
      absl::Milliseconds(absl::GetFlag(FLAGS_refresh_ms));
  options->kv_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_kv_timeout_ms));
  options->sync_grace = absl::Milliseconds(absl::GetFlag(FLAGS_sync_grace_ms));
  options->max_refresh_interval =
      std::max(options->refresh_interval,
               absl::Milliseconds(absl::GetFlag(FLAGS_max_refresh_ms)));
  options->add_deadline =
      absl::Milliseconds(absl::GetFlag(FLAGS_add_deadline_ms));
  options->kv_service = absl::GetFlag(FLAGS_kv);
  if (!counter::KvServiceCanHoldCounter(options->kv_service)) {
    std::fprintf(
        stderr,
        "maelstrom-counter: --kv=%s cannot hold the counter; use %s "
        "(seq-kv is the default).%s\n",
        options->kv_service.c_str(), counter::kCounterKvServices,
        options->kv_service == "lww-kv"
            ? " Maelstrom's lww-kv is two replicas that never merge, each "
              "request served by one at random, and its cas never creates a "
              "key: no read can be trusted to see a node's newest total, and "
              "no write can be ordered after the last."
            : "");
    return false;
  }
  options->incarnation = DrawIncarnation();
  if (!ParseChoice(counter::ParseDissemination, "dissemination",
                   absl::GetFlag(FLAGS_dissemination),
                   " (want auto, push, peer-keys or summary)",
                   &options->dissemination)) {
    return false;
  }
  options->summary_interval =
      absl::Milliseconds(absl::GetFlag(FLAGS_summary_ms));
  options->push_interval = absl::Milliseconds(absl::GetFlag(FLAGS_push_ms));
  options->push_fanout = absl::GetFlag(FLAGS_push_fanout);
  if (options->push_interval <= absl::ZeroDuration() ||
      options->push_fanout < 1) {
    std::fprintf(stderr,
                 "maelstrom-counter: --push_ms and --push_fanout must be "
                 "positive\n");
    return false;
  }
  if (options->refresh_interval <= absl::ZeroDuration() ||
      options->summary_interval <= absl::ZeroDuration() ||
      options->kv_timeout <= absl::ZeroDuration() ||
      options->sync_grace < absl::ZeroDuration() ||
      options->add_deadline < absl::ZeroDuration()) {
    std::fprintf(stderr,
                 "maelstrom-counter: --refresh_ms, --summary_ms and "
                 "--kv_timeout_ms must be positive, --sync_grace_ms and "
                 "--add_deadline_ms not negative\n");
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "A Maelstrom g-counter node. Reads Maelstrom messages on stdin, writes "
      "replies on stdout, logs on stderr.\n"
      "  maelstrom test -w g-counter --bin maelstrom-counter --node-count 3 "
      "--rate 100 --time-limit 20 --nemesis partition\n"
      "Add --pn-counter for the pn-counter workload.");
  absl::FlagsUsageConfig usage;
  // --help lists the flags of this binary's own files (main.cc, and in the
  // test-only build the file that adds --bug and --strategy).
  usage.contains_helpshort_flags = [](absl::string_view file) {
    return absl::StrContains(file, "counter/");
  };
  usage.contains_help_flags = usage.contains_helpshort_flags;
  absl::SetFlagsUsageConfig(usage);
  absl::ParseCommandLine(argc, argv);
  counter::Options options;
  if (!OptionsFromFlags(&options)) return 2;
  std::unique_ptr<counter::Core> core = counter::MakeMainCore(options);
  if (core == nullptr) return 2;
  return counter::RunStdio(*core, STDIN_FILENO, stdout, stderr);
}
