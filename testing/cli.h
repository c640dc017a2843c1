// The harness's command line: Maelstrom 0.2.4's `test` command as its
// --help lists it. The flags shared with the simulator (nodes, rate,
// time-limit, concurrency, latency, nemesis, seed, the extension faults,
// --strict ...) are defined and parsed once, in sim/driver/flags.h; this file
// adds the harness's own (--bin, --log-*, --test-count, and the extension
// --store), and Maelstrom/Jepsen's flags that mean nothing here.
//
//   ParsedArgs p = ParseArgs({"test", "-w", "g-counter", "--bin", "./node",
//                             "--node-count", "3", "--nemesis", "partition"},
//                            "/home/me");
//   p.kind == ParsedArgs::kRun;  p.options.bin == "/home/me/node"
//   ParseArgs({"test", "--rate", "x"}, "/") → kError, "--rate x: ..." (exit
//   254)
//
// As in Maelstrom, arguments for the node binary are the non-option
// arguments and everything after `--`; an unknown flag anywhere is an error
// (`--bin ./node --pn_counter` fails; write `--bin ./node -- --pn_counter`).
// Without -w this harness refuses to run: Maelstrom's default workload is
// lin-kv, which it does not emulate.
//
//   ParseArgs({"serve", "--port", "9000"}, "/home/me") → kServe,
//   p.serve.port == 9000, p.serve.store_root == "/home/me/store"
#ifndef TESTING_CLI_H_
#define TESTING_CLI_H_

#include <cstdint>
#include <string>
#include <vector>

#include "sim/driver/driver_config.h"
#include "sim/report/window.h"
#include "testing/serve.h"

namespace harness {

struct HarnessOptions {
  sim::DriverConfig driver;            // the shared flags (sim/driver/flags.h)
  bool seed_given = false;             // --seed; else drawn and printed
  std::string workload = "g-counter";  // -w, a registry name
  std::string bin;                     // absolute path
  std::vector<std::string> bin_args;
  bool log_stderr = false;
  bool log_net_send = false;  // print every message as it is sent
  bool log_net_recv = false;  // ... and as it is delivered
  int test_count = 1;         // Jepsen's --test-count
  // EXTENSION --max-line-bytes: a longer node line is a harness error.
  size_t max_line_bytes = 0;  // 0: NodeProcess::kMaxLineBytes (1 GiB)
  std::string store_root;  // EXTENSION --store; absolute, default <cwd>/store
  report::WindowOptions diagram;  // EXTENSION --diagram-window/-messages
  std::string command;            // the command line, for the run's index.html
  std::vector<std::string>
      ignored;  // flags accepted without effect, for the log
};

struct ParsedArgs {
  enum Kind { kRun, kServe, kHelp, kError } kind = kError;
  HarnessOptions options;  // kRun
  ServeOptions serve;      // kServe
  std::string help;        // kHelp: the text to print (the command's usage)
  std::string error;       // kError: what was wrong, for the user
};

// `args` excludes argv[0]. Relative paths (--bin, --store, --nodes-file)
// resolve against `user_cwd` (BUILD_WORKING_DIRECTORY under `bazel run`).
ParsedArgs ParseArgs(const std::vector<std::string>& args,
                     const std::string& user_cwd);

std::string UsageText();       // `maelstrom --help`, `maelstrom test --help`
std::string ServeUsageText();  // `maelstrom serve --help`

}  // namespace harness

#endif  // TESTING_CLI_H_
