// The kafka checker's speed and memory on synthetic histories (a bench: a
// command that prints figures, never a test).
//
//   bazel run -c opt //sim/workloads/kafka:checker_bench
//   bazel run -c opt //sim/workloads/kafka:checker_bench -- --broken 60000
//
// Each size runs in a forked child so its peak RSS is its own. The history
// is a real run of the kafka workload (kafka.h: its generators, crashes,
// client and final polls) through Jepsen's interpreter against the
// reference log (reference.h), in virtual time: 4 client threads, 1 ms
// replies, --rate 1000, the time limit set for `ops` main-phase ops;
// --broken runs the log that skips offsets 7, 17, ... (lost writes, skips).
// Columns: ops asked, history events, seconds to make the history, seconds
// the checker took, RSS after making it, peak RSS, the verdict.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sim/maelstrom/checker.h"
#include "sim/workloads/inline_run.h"
#include "sim/workloads/kafka/kafka.h"
#include "sim/workloads/kafka/reference.h"

namespace workloads {
namespace kafka {
namespace {

using kvclient::Json;

long PeakRssKb() {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void RunOne(int64_t ops, bool broken) {
  const absl::Time a = absl::Now();
  std::unique_ptr<sim::Workload> workload = *KafkaSpec().make({});
  sim::WorkloadOptions o;
  o.name = "kafka";
  o.concurrency = 4;
  o.rate = 1000;
  o.time_limit = absl::Seconds(static_cast<double>(ops) / o.rate);
  InlineRun run(o, *workload, {"n0", "n1"});
  ReferenceLog log(broken ? ReferenceLog::Bug::kSkipOffset
                          : ReferenceLog::Bug::kNone);
  const sim::History& h = run.Run(
      [&](const std::string&, const Json& request) -> absl::optional<Json> {
        return log.Handle(request);
      },
      /*seed=*/1);
  const absl::Time b = absl::Now();
  const long history_kb = PeakRssKb();
  sim::WorkloadResult r = workload->Check(h, sim::CheckContext{});
  const absl::Time c = absl::Now();
  if (std::getenv("BENCH_DUMP")) {
    std::fprintf(stderr, "%s\n", r.report.results.Pretty().c_str());
  }
  std::string bad = absl::StrJoin(r.errors, " ");
  std::printf("%9lld  %8zu  %8.2f  %8.2f  %8.1f  %8.1f  %-8s %s\n",
              static_cast<long long>(ops), h.size(),
              absl::ToDoubleSeconds(b - a), absl::ToDoubleSeconds(c - b),
              history_kb / 1024.0, PeakRssKb() / 1024.0,
              sim::ValidityName(r.validity), bad.empty() ? "-" : bad.c_str());
  std::fflush(stdout);
}

}  // namespace
}  // namespace kafka
}  // namespace workloads

int main(int argc, char** argv) {
  bool broken = false;
  std::vector<long long> sizes;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--broken") == 0) {
      broken = true;
    } else {
      sizes.push_back(std::atoll(argv[i]));
    }
  }
  if (sizes.empty()) sizes = {10000, 60000, 100000, 1000000};
  std::printf(
      "kafka checker (%s log; 4 threads, rate 1000; ops = main-phase ops)\n",
      broken ? "skip-offset" : "correct");
  std::printf("%9s  %8s  %8s  %8s  %8s  %8s  %-8s %s\n", "ops", "events",
              "build s", "check s", "hist MB", "peak MB", "valid?", "errors");
  std::fflush(stdout);
  for (long long n : sizes) {
    const pid_t pid = fork();
    if (pid == 0) {
      workloads::kafka::RunOne(n, broken);
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::printf("%9lld  (the child failed: status %d)\n", n, status);
    }
  }
  return 0;
}
