#include "sim/report/jepsen_edn.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "sim/maelstrom/jepsen_history.h"

namespace report {
namespace {

using sim::EventType;
using sim::HistoryEvent;

// jepsen checker.clj stats-fold: {:valid? (pos? oks), :count, :ok-count,
// :fail-count, :info-count} over completions.
struct Tally {
  int64_t ok = 0, fail = 0, info = 0;
  void Count(EventType t) {
    ok += t == EventType::kOk;
    fail += t == EventType::kFail;
    info += t == EventType::kInfo;
  }
  sim::Edn ToEdn(bool valid) const {
    sim::Edn m = sim::Edn::Map();
    m.Put("valid?", sim::Edn::Bool(valid))
        .Put("count", sim::Edn::Int(ok + fail + info))
        .Put("ok-count", sim::Edn::Int(ok))
        .Put("fail-count", sim::Edn::Int(fail))
        .Put("info-count", sim::Edn::Int(info));
    return m;
  }
};

// jepsen checker.clj `stats` wrapped by jepsen.tests.kafka/stats-checker:
// each :f is valid iff it has an :ok; overall valid iff every :f is, :crash
// and :debug-topic-partitions aside.
sim::Edn Stats(const sim::RunRecord& run, bool* valid) {
  Tally all;
  std::map<std::string, Tally> by_f;  // sorted-map, as Jepsen's
  for (const HistoryEvent& e : run.history) {
    if (e.type == EventType::kInvoke) continue;
    all.Count(e.type);
    by_f[e.f].Count(e.type);
  }
  *valid = true;
  sim::Edn by_f_edn = sim::Edn::Map();
  for (const auto& [f, tally] : by_f) {
    const bool forgiven = f == "crash" || f == "debug-topic-partitions";
    *valid = *valid && (tally.ok > 0 || forgiven);
    by_f_edn.Put(f, tally.ToEdn(tally.ok > 0));
  }
  sim::Edn stats = all.ToEdn(*valid);
  stats.Put("by-f", std::move(by_f_edn));
  return stats;
}

// maelstrom checker.clj availability-checker with no :availability goal:
// always valid; ok-fraction = oks / invokes as a float, 1 with no invokes.
sim::Edn Availability(const sim::RunRecord& run) {
  int64_t oks = 0, invokes = 0;
  for (const HistoryEvent& e : run.history) {
    oks += e.type == EventType::kOk;
    invokes += e.type == EventType::kInvoke;
  }
  sim::Edn m = sim::Edn::Map();
  m.Put("valid?", sim::Edn::Bool(true))
      .Put("ok-fraction", invokes == 0
                              ? sim::Edn::Int(1)
                              : sim::Edn::Float(static_cast<float>(oks) /
                                                static_cast<float>(invokes)));
  return m;
}

// maelstrom net/checker.clj: basic stats per class, msgs-per-op = distinct
// messages / client invocations on :all and :servers when there are any.
sim::Edn Net(const sim::RunRecord& run) {
  int64_t invokes = 0;
  for (const HistoryEvent& e : run.history)
    invokes += e.type == EventType::kInvoke;
  auto counts = [&](const sim::NetCounts& c, bool per_op) {
    sim::Edn m = sim::Edn::Map();
    m.Put("send-count", sim::Edn::Int(c.send_count))
        .Put("recv-count", sim::Edn::Int(c.recv_count))
        .Put("msg-count", sim::Edn::Int(c.msg_count));
    if (per_op && invokes > 0) {
      m.Put("msgs-per-op", sim::Edn::Float(static_cast<float>(c.msg_count) /
                                           static_cast<float>(invokes)));
    }
    return m;
  };
  const sim::NetFigures& net = run.results.net;
  sim::Edn m = sim::Edn::Map();
  m.Put("all", counts(net.all, true))
      .Put("clients", counts(net.clients, false))
      .Put("servers", counts(net.servers, true))
      .Put("valid?", sim::Edn::Bool(true));
  return m;
}

sim::Edn ValidMap() {
  sim::Edn m = sim::Edn::Map();
  m.Put("valid?", sim::Edn::Bool(true));
  return m;
}

}  // namespace

std::string HistoryEdn(const RunAnalysis& analysis) {
  return analysis.jepsen().HistoryEdn();
}

sim::Edn ResultsMap(const sim::RunRecord& run) {
  bool stats_valid = true;
  sim::Edn perf = sim::Edn::Map();
  perf.Put("latency-graph", ValidMap())
      .Put("rate-graph", ValidMap())
      .Put("valid?", sim::Edn::Bool(true));
  sim::Edn results = sim::Edn::Map();
  results.Put("perf", std::move(perf))
      .Put("timeline", ValidMap())
      .Put("exceptions", ValidMap())
      .Put("stats", Stats(run, &stats_valid))
      .Put("availability", Availability(run))
      .Put("net", Net(run))
      .Put("workload", run.results.workload.results);
  if (!run.results.extensions.empty()) {
    sim::Edn ext = sim::Edn::Map();
    for (const auto& [key, value] : run.results.extensions)
      ext.Put(key, sim::Edn::String(value));
    results.Put("extensions", std::move(ext));
  }
  // jepsen checker.clj merge-valid over every checker: false wins.
  results.Put("valid?",
              sim::Edn::Bool(stats_valid && run.results.workload.valid));
  return results;
}

std::string ResultsEdn(const sim::RunRecord& run) {
  return ResultsMap(run).Pretty() + "\n";
}

}  // namespace report
