// The txn-rw-register checker's speed and memory on synthetic histories (a
// bench: a command that prints figures, never a test).
//
//   bazel run -c opt //sim/workloads/txn_rw_register:checker_bench
//   bazel run -c opt //sim/workloads/txn_rw_register:checker_bench --
//       --models read-committed --broken 100000
//
// Each size runs in a forked child so its peak RSS is its own. The history
// is a real run of the txn-rw-register workload (txn_rw_register.h:
// Maelstrom's defaults, 10 keys, length 1-4, 16 writes per key) through
// Jepsen's interpreter against the reference store (reference.h), in
// virtual time: 4 client threads, 1 ms replies, --rate 1000; --broken runs
// the store whose reads of recently written keys return the version before
// (G-single / G2 cycles and big SCCs, which exercise the bounded cycle
// search).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sim/maelstrom/prng.h"
#include "sim/workloads/inline_run.h"
#include "sim/workloads/txn_rw_register/checker.h"
#include "sim/workloads/txn_rw_register/reference.h"
#include "sim/workloads/txn_rw_register/txn_rw_register.h"

namespace workloads {
namespace txn_rw_register {
namespace {

using kvclient::Json;

long PeakRssKb() {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void RunOne(int64_t ops, bool broken, const elle::NameSet& models) {
  const absl::Time a = absl::Now();
  std::unique_ptr<sim::Workload> workload = *TxnRwRegisterSpec().make({});
  sim::WorkloadOptions wo;
  wo.name = "txn-rw-register";
  wo.concurrency = 4;
  wo.rate = 1000;
  wo.time_limit = absl::Seconds(static_cast<double>(ops) / wo.rate);
  InlineRun run(wo, *workload, {"n0", "n1"});
  ReferenceStore store(broken ? ReferenceStore::Bug::kStaleReads
                              : ReferenceStore::Bug::kNone);
  const sim::History& h = run.Run(
      [&](const std::string&, const Json& request) -> absl::optional<Json> {
        return store.Handle(request);
      },
      /*seed=*/1);
  const absl::Time b = absl::Now();
  const long history_kb = PeakRssKb();
  TxnCheckOptions o;
  o.consistency_models = models;
  TxnResult r = CheckTxnRwRegister(h, o);
  const absl::Time c = absl::Now();
  size_t timeouts = 0;
  auto it = r.elle.anomalies.cases.find("cycle-search-timeout");
  if (it != r.elle.anomalies.cases.end()) timeouts = it->second.size();
  std::string types;
  for (const auto& t : r.anomaly_types) types += (types.empty() ? "" : " ") + t;
  std::printf("%9lld  %8zu  %8.2f  %8.2f  %8.1f  %8.1f  %-6s %8zu  %s\n",
              static_cast<long long>(ops), h.size(),
              absl::ToDoubleSeconds(b - a), absl::ToDoubleSeconds(c - b),
              history_kb / 1024.0, PeakRssKb() / 1024.0,
              sim::ValidityName(r.valid), timeouts,
              types.empty() ? "-" : types.c_str());
  if (std::getenv("BENCH_DUMP")) {
    std::fprintf(stderr, "%s\n", r.results.Pretty().c_str());
  }
  std::fflush(stdout);
}

}  // namespace
}  // namespace txn_rw_register
}  // namespace workloads

int main(int argc, char** argv) {
  bool broken = false;
  elle::NameSet models = {"strict-serializable"};
  std::vector<long long> sizes;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--broken") == 0) {
      broken = true;
    } else if (std::strcmp(argv[i], "--models") == 0 && i + 1 < argc) {
      models = workloads::txn_rw_register::ParseConsistencyModels(argv[++i]);
    } else {
      sizes.push_back(std::atoll(argv[i]));
    }
  }
  if (sizes.empty()) sizes = {10000, 60000, 100000, 1000000};
  std::string m;
  for (const auto& x : models) m += (m.empty() ? "" : ",") + x;
  std::printf(
      "txn-rw-register checker (%s store; 4 threads, rate 1000; models %s; "
      "ops = txns)\n",
      broken ? "stale-read" : "correct", m.c_str());
  std::printf("%9s  %8s  %8s  %8s  %8s  %8s  %-6s %8s  %s\n", "ops", "events",
              "build s", "check s", "hist MB", "peak MB", "valid?", "timeouts",
              "anomaly types");
  std::fflush(stdout);
  for (long long n : sizes) {
    const pid_t pid = fork();
    if (pid == 0) {
      workloads::txn_rw_register::RunOne(n, broken, models);
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
