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

int64_t Nanos(const RunRecord& run, absl::Time t) {
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

Edn ClientOp(const RunRecord& run, const ClientOpFacts& facts, size_t i) {
  const HistoryEvent& e = run.history[i];
  const bool add = e.f == kvclient::CounterOp::kAdd;
  // add: the delta, invoke and completion alike; read: nil until :ok.
  Edn value = add || e.type == EventType::kOk ? Edn::Int(e.value) : Edn::Nil();
  Edn op = Edn::Map();
  op.Put("index", Edn::Int(facts.index[i]))
      .Put("time", Edn::Int(Nanos(run, e.time)))
      .Put("type", Edn::Keyword(TypeKeyword(e.type)))
      .Put("process", Edn::Int(facts.process[i]))
      .Put("f", Edn::Keyword(add ? "add" : "read"))
      .Put("value", std::move(value));
  if (facts.final_read[i]) op.Put("final?", Edn::Bool(true));
  if (e.type != EventType::kInvoke && e.type != EventType::kOk &&
      !e.error.empty()) {
    op.Put("error", Edn::String(e.error));
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

Edn NemesisEdn(const RunRecord& run, const NemesisOp& n, int64_t index) {
  const FaultWindow& f = run.faults[n.fault];
  Edn value = Edn::Nil();
  if (n.completion) {
    value =
        Edn::String(n.start ? f.description : absl::StrCat(f.kind, " ended"));
  }
  Edn op = Edn::Map();
  op.Put("index", Edn::Int(index))
      .Put("time", Edn::Int(Nanos(run, n.time)))
      .Put("type", Edn::Keyword("info"))
      .Put("process", Edn::Keyword("nemesis"))
      .Put("f",
           Edn::Keyword(absl::StrCat(n.start ? "start-" : "stop-", f.kind)))
      .Put("value", std::move(value));
  return op;
}

std::vector<NemesisOp> NemesisOps(const RunRecord& run) {
  std::vector<NemesisOp> ops;
  for (size_t k = 0; k < run.faults.size(); ++k) {
    const FaultWindow& f = run.faults[k];
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
void Merge(const RunRecord& run, const std::vector<NemesisOp>& nemesis,
           ClientFn emit_client, NemesisFn emit_nemesis) {
  size_t n = 0;
  for (size_t i = 0; i < run.history.size(); ++i) {
    while (n < nemesis.size() && nemesis[n].time < run.history[i].time)
      emit_nemesis(nemesis[n++]);
    emit_client(i);
  }
  while (n < nemesis.size()) emit_nemesis(nemesis[n++]);
}

ClientOpFacts Facts(const RunRecord& run,
                    const std::vector<NemesisOp>& nemesis) {
  ClientOpFacts facts;
  facts.process = ProcessIds(run.history, run.concurrency);
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
  Edn ToEdn(bool valid) const {
    Edn m = Edn::Map();
    m.Put("valid?", Edn::Bool(valid))
        .Put("count", Edn::Int(ok + fail + info))
        .Put("ok-count", Edn::Int(ok))
        .Put("fail-count", Edn::Int(fail))
        .Put("info-count", Edn::Int(info));
    return m;
  }
};

// jepsen checker.clj `stats` wrapped by jepsen.tests.kafka/stats-checker
// (which only forgives :crash and :debug-topic-partitions, absent here):
// each :f is valid iff it has an :ok; overall valid iff every :f is.
Edn Stats(const RunRecord& run, bool* valid) {
  Tally all;
  std::map<std::string, Tally> by_f;  // sorted-map, as Jepsen's
  for (const HistoryEvent& e : run.history) {
    if (e.type == EventType::kInvoke) continue;
    all.Count(e.type);
    by_f[e.f == kvclient::CounterOp::kAdd ? "add" : "read"].Count(e.type);
  }
  *valid = true;
  Edn by_f_edn = Edn::Map();
  for (const auto& [f, tally] : by_f) {
    *valid = *valid && tally.ok > 0;
    by_f_edn.Put(f, tally.ToEdn(tally.ok > 0));
  }
  Edn stats = all.ToEdn(*valid);
  stats.Put("by-f", std::move(by_f_edn));
  return stats;
}

// maelstrom checker.clj availability-checker with no :availability goal:
// always valid; ok-fraction = oks / invokes as a float, 1 with no invokes.
Edn Availability(const RunRecord& run) {
  int64_t oks = 0, invokes = 0;
  for (const HistoryEvent& e : run.history) {
    oks += e.type == EventType::kOk;
    invokes += e.type == EventType::kInvoke;
  }
  Edn m = Edn::Map();
  m.Put("valid?", Edn::Bool(true))
      .Put("ok-fraction", invokes == 0
                              ? Edn::Int(1)
                              : Edn::Float(static_cast<float>(oks) /
                                           static_cast<float>(invokes)));
  return m;
}

// maelstrom net/checker.clj: basic stats per class, msgs-per-op = distinct
// messages / client invocations on :all and :servers when there are any.
Edn Net(const RunRecord& run) {
  int64_t invokes = 0;
  for (const HistoryEvent& e : run.history)
    invokes += e.type == EventType::kInvoke;
  auto counts = [&](const NetCounts& c, bool per_op) {
    Edn m = Edn::Map();
    m.Put("send-count", Edn::Int(c.send_count))
        .Put("recv-count", Edn::Int(c.recv_count))
        .Put("msg-count", Edn::Int(c.msg_count));
    if (per_op && invokes > 0) {
      m.Put("msgs-per-op", Edn::Float(static_cast<float>(c.msg_count) /
                                      static_cast<float>(invokes)));
    }
    return m;
  };
  const NetFigures& net = run.results.net;
  Edn m = Edn::Map();
  m.Put("all", counts(net.all, true))
      .Put("clients", counts(net.clients, false))
      .Put("servers", counts(net.servers, true))
      .Put("valid?", Edn::Bool(true));
  return m;
}

// maelstrom workload/pn_counter.clj checker (g_counter.clj reuses it):
// errors = the :ok final reads outside the acceptable set, as ops.
Edn Workload(const RunRecord& run, const ClientOpFacts& facts, bool* valid) {
  const std::vector<size_t> bad =
      FinalReadsOutside(run.history, run.results.acceptable);
  *valid = bad.empty();
  Edn errors = Edn::Nil();
  if (!bad.empty()) {
    errors = Edn::List();
    for (size_t i : bad) errors.Add(ClientOp(run, facts, i));
  }
  Edn reads = Edn::List();
  for (size_t i : FinalReads(run.history))
    reads.Add(Edn::Int(run.history[i].value));
  Edn acceptable = Edn::List();
  for (const auto& [lo, hi] : run.results.acceptable) {
    acceptable.Add(Edn::Vector({Edn::Int(lo), Edn::Int(hi)}));
  }
  Edn m = Edn::Map();
  m.Put("valid?", Edn::Bool(*valid))
      .Put("errors", std::move(errors))
      .Put("final-reads", std::move(reads))
      .Put("acceptable", std::move(acceptable));
  return m;
}

Edn ValidMap() {
  Edn m = Edn::Map();
  m.Put("valid?", Edn::Bool(true));
  return m;
}

}  // namespace

std::string HistoryEdn(const RunRecord& run) {
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

Edn ResultsMap(const RunRecord& run) {
  const ClientOpFacts facts = Facts(run, NemesisOps(run));
  bool stats_valid = true, workload_valid = true;
  Edn perf = Edn::Map();
  perf.Put("latency-graph", ValidMap())
      .Put("rate-graph", ValidMap())
      .Put("valid?", Edn::Bool(true));
  Edn results = Edn::Map();
  results.Put("perf", std::move(perf))
      .Put("timeline", ValidMap())
      .Put("exceptions", ValidMap())
      .Put("stats", Stats(run, &stats_valid))
      .Put("availability", Availability(run))
      .Put("net", Net(run))
      .Put("workload", Workload(run, facts, &workload_valid));
  if (!run.results.extensions.empty()) {
    Edn ext = Edn::Map();
    for (const auto& [key, value] : run.results.extensions)
      ext.Put(key, Edn::String(value));
    results.Put("extensions", std::move(ext));
  }
  // jepsen checker.clj merge-valid over every checker: false wins.
  results.Put("valid?", Edn::Bool(stats_valid && workload_valid));
  return results;
}

std::string ResultsEdn(const RunRecord& run) {
  return ResultsMap(run).Pretty() + "\n";
}

}  // namespace report
