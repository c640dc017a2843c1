// The txn-rw-register checker's speed and memory on synthetic histories (a
// bench: a command that prints figures, never a test).
//
//   bazel run -c opt //sim/workloads/txn_rw_register:checker_bench
//   bazel run -c opt //sim/workloads/txn_rw_register:checker_bench --
//       --models read-committed --broken 100000
//
// Each size runs in a forked child so its peak RSS is its own. Transactions
// come from the real generator (Maelstrom's defaults: 10 keys, length 1-4,
// 16 writes per key) on 4 threads with overlapping ops, against an
// in-memory store that applies each txn atomically when it completes
// (strict serializable); --broken makes 1 read in 20 return the key's
// previous version (stale reads: G-single / G2 cycles and big SCCs, which
// exercise the bounded cycle search).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sim/prng.h"
#include "sim/workloads/txn_rw_register/checker.h"
#include "sim/workloads/txn_rw_register/generator.h"

namespace txn_rw_register {
namespace {

using kvclient::Json;

sim::History Synthesize(int64_t ops, int threads, bool broken) {
  sim::Prng prng(1);
  TxnGenerator gen({});
  std::map<int64_t, std::vector<int64_t>> versions;  // key -> values written
  sim::History h;
  absl::Time now = absl::UnixEpoch();
  std::vector<absl::optional<Json>> open(threads);
  auto emit = [&](int t, sim::EventType type, const Json& value) {
    now += absl::Microseconds(250);
    sim::HistoryEvent e;
    e.time = now;
    e.thread = t;
    e.type = type;
    e.f = "txn";
    e.value = value;
    h.push_back(std::move(e));
  };
  auto complete = [&](int t) {
    Json txn = *open[t];
    for (Json& mop : txn) {
      const int64_t k = mop[1].get<int64_t>();
      auto& vs = versions[k];
      if (mop[0] == "w") {
        vs.push_back(mop[2].get<int64_t>());
        continue;
      }
      size_t back = broken && vs.size() > 1 && prng.Bernoulli(1, 20) ? 2 : 1;
      mop[2] = vs.size() >= back ? Json(vs[vs.size() - back]) : Json(nullptr);
    }
    emit(t, sim::EventType::kOk, txn);
    open[t].reset();
  };
  int64_t started = 0;
  while (started < ops) {
    for (int t = 0; t < threads && started < ops; ++t) {
      if (open[t]) continue;
      open[t] = gen.Next(prng);
      ++started;
      emit(t, sim::EventType::kInvoke, *open[t]);
    }
    complete(static_cast<int>(prng.Uniform(threads)));
  }
  for (int t = 0; t < threads; ++t) {
    if (open[t]) complete(t);
  }
  return h;
}

long PeakRssKb() {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void RunOne(int64_t ops, bool broken, const elle::NameSet& models) {
  const absl::Time a = absl::Now();
  sim::History h = Synthesize(ops, 4, broken);
  const absl::Time b = absl::Now();
  const long history_kb = PeakRssKb();
  TxnCheckOptions o;
  o.concurrency = 4;
  o.t0 = absl::UnixEpoch();
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
              elle::ValidityName(r.valid), timeouts,
              types.empty() ? "-" : types.c_str());
  if (std::getenv("BENCH_DUMP")) {
    std::fprintf(stderr, "%s\n", r.results.Pretty().c_str());
  }
  std::fflush(stdout);
}

}  // namespace
}  // namespace txn_rw_register

int main(int argc, char** argv) {
  bool broken = false;
  elle::NameSet models = {"strict-serializable"};
  std::vector<long long> sizes;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--broken") == 0) {
      broken = true;
    } else if (std::strcmp(argv[i], "--models") == 0 && i + 1 < argc) {
      models = txn_rw_register::ParseConsistencyModels(argv[++i]);
    } else {
      sizes.push_back(std::atoll(argv[i]));
    }
  }
  if (sizes.empty()) sizes = {10000, 60000, 100000, 1000000};
  std::string m;
  for (const auto& x : models) m += (m.empty() ? "" : ",") + x;
  std::printf(
      "txn-rw-register checker (%s store; 4 threads; models %s; ops = txns)\n",
      broken ? "stale-read" : "correct", m.c_str());
  std::printf("%9s  %8s  %8s  %8s  %8s  %8s  %-6s %8s  %s\n", "ops", "events",
              "build s", "check s", "hist MB", "peak MB", "valid?", "timeouts",
              "anomaly types");
  std::fflush(stdout);
  for (long long n : sizes) {
    const pid_t pid = fork();
    if (pid == 0) {
      txn_rw_register::RunOne(n, broken, models);
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
