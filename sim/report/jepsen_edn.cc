#include "sim/report/jepsen_edn.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "sim/report/analysis.h"

namespace report {
namespace {

using sim::EventType;
using sim::HistoryEvent;

const char* TypeKeyword(EventType type) {
  switch (type) {
    case EventType::kInvoke: return "invoke";
    case EventType::kOk: return "ok";
    case EventType::kFail: return "fail";
    case EventType::kInfo: return "info";
  }
  return "info";
}

int64_t Nanos(const sim::RunRecord& run, absl::Time t) {
  return absl::ToInt64Nanoseconds(t - run.t0);
}

// One line of history.edn, in Jepsen's order: the Op record's fields
// (index time type process f value), then the extra keys in the order they
// were assoc'ed: :final? (from the generator's op), :error (at completion).
struct ClientOpFacts {
  std::vector<int64_t> index;    // per history event: its :index
  std::vector<int64_t> process;  // per history event
  std::vector<bool> final_read;  // per history event: the op is a final read
};

sim::Edn ClientOp(const sim::RunRecord& run, const ClientOpFacts& facts,
                  size_t i) {
  const HistoryEvent& e = run.history[i];
  const bool add = e.f == kvclient::CounterOp::kAdd;
  // add: the delta, invoke and completion alike; read: nil until :ok.
  sim::Edn value = add || e.type == EventType::kOk ? sim::Edn::Int(e.value)
                                                   : sim::Edn::Nil();
  sim::Edn op = sim::Edn::Map();
  op.Put("index", sim::Edn::Int(facts.index[i]))
      .Put("time", sim::Edn::Int(Nanos(run, e.time)))
      .Put("type", sim::Edn::Keyword(TypeKeyword(e.type)))
      .Put("process", sim::Edn::Int(facts.process[i]))
      .Put("f", sim::Edn::Keyword(add ? "add" : "read"))
      .Put("value", std::move(value));
  if (facts.final_read[i]) op.Put("final?", sim::Edn::Bool(true));
  if (e.type != EventType::kInvoke && e.type != EventType::kOk &&
      !e.error.empty()) {
    op.Put("error", sim::Edn::String(e.error));
  }
  return op;
}

// A nemesis op: Jepsen journals an :info invoke and an :info completion.
struct NemesisOp {
  absl::Time time;
  size_t fault;
  bool start;
  bool completion;
};

sim::Edn NemesisEdn(const sim::RunRecord& run, const NemesisOp& n,
                    int64_t index) {
  const sim::FaultWindow& f = run.faults[n.fault];
  sim::Edn value = sim::Edn::Nil();
  if (n.completion) {
    value = sim::Edn::String(n.start ? f.description
                                     : absl::StrCat(f.kind, " ended"));
  }
  sim::Edn op = sim::Edn::Map();
  op.Put("index", sim::Edn::Int(index))
      .Put("time", sim::Edn::Int(Nanos(run, n.time)))
      .Put("type", sim::Edn::Keyword("info"))
      .Put("process", sim::Edn::Keyword("nemesis"))
      .Put("f", sim::Edn::Keyword(
                    absl::StrCat(n.start ? "start-" : "stop-", f.kind)))
      .Put("value", std::move(value));
  return op;
}

std::vector<NemesisOp> NemesisOps(const sim::RunRecord& run) {
  std::vector<NemesisOp> ops;
  for (size_t k = 0; k < run.faults.size(); ++k) {
    const sim::FaultWindow& f = run.faults[k];
    for (bool completion : {false, true})
      ops.push_back({f.start, k, true, completion});
    if (f.end != absl::InfiniteFuture()) {
      for (bool completion : {false, true})
        ops.push_back({f.end, k, false, completion});
    }
  }
  std::stable_sort(
      ops.begin(), ops.end(),
      [](const NemesisOp& a, const NemesisOp& b) { return a.time < b.time; });
  return ops;
}

// Merges client events (history order) and nemesis ops by time; at equal
// times client events go first. Calls emit_client(i) / emit_nemesis(op).
template <typename ClientFn, typename NemesisFn>
void Merge(const sim::RunRecord& run, const std::vector<NemesisOp>& nemesis,
           ClientFn emit_client, NemesisFn emit_nemesis) {
  size_t n = 0;
  for (size_t i = 0; i < run.history.size(); ++i) {
    while (n < nemesis.size() && nemesis[n].time < run.history[i].time)
      emit_nemesis(nemesis[n++]);
    emit_client(i);
  }
  while (n < nemesis.size()) emit_nemesis(nemesis[n++]);
}

ClientOpFacts Facts(const sim::RunRecord& run,
                    const std::vector<NemesisOp>& nemesis) {
  ClientOpFacts facts;
  facts.process = sim::ProcessIds(run.history, run.concurrency);
  facts.index.assign(run.history.size(), 0);
  int64_t next = 0;
  Merge(
      run, nemesis, [&](size_t i) { facts.index[i] = next++; },
      [&](const NemesisOp&) { ++next; });
  std::map<int, bool> open_final;  // thread → its open op is a final read
  for (const HistoryEvent& e : run.history) {
    bool final_read = e.final_read;
    if (e.type == EventType::kInvoke) {
      open_final[e.thread] = e.final_read;
    } else {
      final_read = final_read || open_final[e.thread];
      open_final.erase(e.thread);
    }
    facts.final_read.push_back(final_read);
  }
  return facts;
}

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

// jepsen checker.clj `stats` wrapped by jepsen.tests.kafka/stats-checker
// (which only forgives :crash and :debug-topic-partitions, absent here):
// each :f is valid iff it has an :ok; overall valid iff every :f is.
sim::Edn Stats(const sim::RunRecord& run, bool* valid) {
  Tally all;
  std::map<std::string, Tally> by_f;  // sorted-map, as Jepsen's
  for (const HistoryEvent& e : run.history) {
    if (e.type == EventType::kInvoke) continue;
    all.Count(e.type);
    by_f[e.f == kvclient::CounterOp::kAdd ? "add" : "read"].Count(e.type);
  }
  *valid = true;
  sim::Edn by_f_edn = sim::Edn::Map();
  for (const auto& [f, tally] : by_f) {
    *valid = *valid && tally.ok > 0;
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

// maelstrom workload/pn_counter.clj checker (g_counter.clj reuses it):
// errors = the :ok final reads outside the acceptable set, as ops.
sim::Edn Workload(const sim::RunRecord& run, const ClientOpFacts& facts,
                  bool* valid) {
  const std::vector<size_t> bad =
      FinalReadsOutside(run.history, run.results.acceptable);
  *valid = bad.empty();
  sim::Edn errors = sim::Edn::Nil();
  if (!bad.empty()) {
    errors = sim::Edn::List();
    for (size_t i : bad) errors.Add(ClientOp(run, facts, i));
  }
  sim::Edn reads = sim::Edn::List();
  for (size_t i : FinalReads(run.history))
    reads.Add(sim::Edn::Int(run.history[i].value));
  sim::Edn acceptable = sim::Edn::List();
  for (const auto& [lo, hi] : run.results.acceptable) {
    acceptable.Add(sim::Edn::Vector({sim::Edn::Int(lo), sim::Edn::Int(hi)}));
  }
  sim::Edn m = sim::Edn::Map();
  m.Put("valid?", sim::Edn::Bool(*valid))
      .Put("errors", std::move(errors))
      .Put("final-reads", std::move(reads))
      .Put("acceptable", std::move(acceptable));
  return m;
}

sim::Edn ValidMap() {
  sim::Edn m = sim::Edn::Map();
  m.Put("valid?", sim::Edn::Bool(true));
  return m;
}

}  // namespace

std::string HistoryEdn(const sim::RunRecord& run) {
  const std::vector<NemesisOp> nemesis = NemesisOps(run);
  const ClientOpFacts facts = Facts(run, nemesis);
  std::string out;
  int64_t index = 0;
  Merge(
      run, nemesis,
      [&](size_t i) {
        absl::StrAppend(&out, ClientOp(run, facts, i).Print(), "\n");
        ++index;
      },
      [&](const NemesisOp& n) {
        absl::StrAppend(&out, NemesisEdn(run, n, index++).Print(), "\n");
      });
  return out;
}

sim::Edn ResultsMap(const sim::RunRecord& run) {
  const ClientOpFacts facts = Facts(run, NemesisOps(run));
  bool stats_valid = true, workload_valid = true;
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
      .Put("workload", Workload(run, facts, &workload_valid));
  if (!run.results.extensions.empty()) {
    sim::Edn ext = sim::Edn::Map();
    for (const auto& [key, value] : run.results.extensions)
      ext.Put(key, sim::Edn::String(value));
    results.Put("extensions", std::move(ext));
  }
  // jepsen checker.clj merge-valid over every checker: false wins.
  results.Put("valid?", sim::Edn::Bool(stats_valid && workload_valid));
  return results;
}

std::string ResultsEdn(const sim::RunRecord& run) {
  return ResultsMap(run).Pretty() + "\n";
}

}  // namespace report
