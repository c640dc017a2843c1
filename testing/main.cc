// maelstrom: Maelstrom's tests (echo, unique-ids, broadcast, g-counter,
// pn-counter, g-set) for real node binaries, without a JVM, and `serve` for the
// results. See cli.h for the flags, harness.h for what a test does, serve.h for
// the web server.
//
//   bazel run -c opt //testing:maelstrom -- test -w g-counter
//       --bin bazel-bin/counter/maelstrom-counter --node-count 3 --rate 100
//       --time-limit 20 --nemesis partition
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "sim/maelstrom/checker.h"
#include "testing/cli.h"
#include "testing/harness.h"
#include "testing/serve.h"
#include "testing/store.h"

namespace {

// Where relative paths point: the user's directory, also under `bazel run`.
std::string UserCwd() {
  if (const char* d = std::getenv("BUILD_WORKING_DIRECTORY")) return d;
  char buf[4096];
  return getcwd(buf, sizeof buf) ? buf : ".";
}

// A fresh seed when none is given; printed, so any run can be replayed.
uint64_t DrawSeed() {
  uint64_t seed = 0;
  int fd = open("/dev/urandom", O_RDONLY);
  if (fd >= 0) {
    if (read(fd, &seed, sizeof seed) != sizeof seed) seed = 0;
    close(fd);
  }
  if (seed == 0) seed = static_cast<uint64_t>(absl::GetCurrentTimeNanos());
  return seed % 1000000000000ULL;  // short enough to retype
}

// One test: its progress, results block and verdict line; the exit code.
int RunOnce(const harness::HarnessOptions& options, uint64_t seed) {
  absl::StatusOr<harness::Store> store =
      harness::Store::Create(options.store_root, options.workload, absl::Now());
  if (!store.ok()) {
    std::cerr << "maelstrom: cannot create the store: "
              << store.status().message() << "\n";
    return 255;
  }
  harness::Harness h(options, seed, *store, std::cout);
  harness::Outcome o = h.Run();
  std::cout << "\n";
  std::cout << absl::StrFormat(
      "Results in %s (index.html, messages.svg, timeline.html, results.json, "
      "results.edn, results.txt, history.edn, history.txt, messages.txt, "
      "latency-raw.png, rate.png, node-logs/); seed %d; harness CPU %.2fs\n\n",
      store->dir(), seed, o.harness_cpu_seconds);
  std::cout << sim::FormatResults(o.verdict, o.report);
  // Where to look: the run's page and the store's list of runs.
  for (const std::string& page :
       {store->Path("index.html"), options.store_root + "/index.html"}) {
    if (access(page.c_str(), R_OK) == 0) std::cout << page << "\n";
  }
  std::cout.flush();
  return o.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  harness::ParsedArgs parsed = harness::ParseArgs(args, UserCwd());
  if (parsed.kind == harness::ParsedArgs::kHelp) {
    std::cout << parsed.help;
    return 0;
  }
  if (parsed.kind == harness::ParsedArgs::kError) {
    const bool serve = !args.empty() && args[0] == "serve";
    std::cerr << "maelstrom: " << parsed.error << "\n(see maelstrom "
              << (serve ? "serve" : "test") << " --help)\n";
    return 254;
  }
  if (parsed.kind == harness::ParsedArgs::kServe) {
    return harness::Serve(parsed.serve, std::cout);
  }
  const uint64_t seed =
      parsed.options.seed_given ? parsed.options.driver.seed : DrawSeed();
  // The command that replays this run, seed included.
  // (The drawn seed goes right after `test`: after a `--` it would be the
  // node's argument.)
  std::string& command = parsed.options.command;
  command = "maelstrom";
  for (size_t i = 0; i < args.size(); ++i) {
    absl::StrAppend(&command, " ", args[i]);
    if (i == 0 && !parsed.options.seed_given)
      absl::StrAppend(&command, " --seed ", seed);
  }
  const harness::HarnessOptions& options = parsed.options;
  // Jepsen cli.clj single-test-cmd: --test-count runs; exit 1 at the first
  // invalid one, 2 at the first unknown one.
  for (int i = 0; i < options.test_count; ++i) {
    if (options.test_count > 1) {
      std::cout << absl::StrFormat("=== test %d of %d ===\n", i + 1,
                                   options.test_count);
    }
    const int code = RunOnce(options, seed + static_cast<uint64_t>(i));
    if (code != 0) return code;
  }
  return 0;
}
