// The harness's command line: Maelstrom's `test` flags for the g-counter and
// pn-counter workloads, with Maelstrom's defaults, plus clearly marked
// extensions (more nemeses, --seed, --store).
//
//   ParsedArgs p = ParseArgs({"test", "-w", "g-counter", "--bin", "./node",
//                             "--node-count", "3", "--nemesis", "partition"},
//                            "/home/me");
//   p.kind == ParsedArgs::kRun;  p.options.bin == "/home/me/node"
//   ParseArgs({"test", "--rate", "x"}, "/") → kError, "--rate: ..." (exit 254)
//
// Arguments for the node binary, as Maelstrom passes them: every non-flag
// argument, and everything after a bare `--`. As a convenience (extension),
// unrecognised flags that come after `--bin PATH` go to the binary too, so
// `--bin ./node --pn_counter` works; unrecognised flags before it are errors.
#ifndef TESTING_CLI_H_
#define TESTING_CLI_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/network.h"

namespace harness {

enum class NemesisKind { kPartition, kKill, kPause, kKvCut };

struct HarnessOptions {
  std::string workload = "g-counter";  // or "pn-counter"
  std::string bin;                      // absolute path
  std::vector<std::string> bin_args;
  int node_count = 5;                   // Jepsen's default node list has 5
  double rate = 5;                      // Maelstrom's default
  absl::Duration time_limit = absl::Seconds(60);  // Jepsen's default
  int concurrency = 0;                  // 0: one thread per node ("1n")
  absl::Duration latency = absl::ZeroDuration();
  sim::LatencyDist latency_dist = sim::LatencyDist::kConstant;
  std::vector<NemesisKind> nemeses;     // in flag order, no repeats
  absl::Duration nemesis_interval = absl::Seconds(10);
  bool log_stderr = false;
  bool log_net_send = false;            // print every message as it is sent
  bool log_net_recv = false;            // ... and as it is delivered
  // Extensions.
  absl::optional<uint64_t> seed;        // drawn and printed when absent
  std::string store_root;               // absolute; default <cwd>/store
  absl::Duration client_timeout = absl::Seconds(5);
  absl::Duration final_sleep = absl::Seconds(10);
};

struct ParsedArgs {
  enum Kind { kRun, kHelp, kError } kind = kError;
  HarnessOptions options;
  std::string error;  // kError: what was wrong, for the user
};

// `args` excludes argv[0]. Relative paths (--bin, --store) resolve against
// `user_cwd` (BUILD_WORKING_DIRECTORY under `bazel run`).
ParsedArgs ParseArgs(const std::vector<std::string>& args,
                     const std::string& user_cwd);

std::string UsageText();
absl::string_view NemesisName(NemesisKind kind);

}  // namespace harness

#endif  // TESTING_CLI_H_
