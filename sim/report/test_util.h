// Small builders for the report's unit tests: history events and messages at
// millisecond offsets from a fixed t0.
//
//   sim::RunRecord run = EmptyRun();
//   run.history = {Invoke(0, 0, kAdd, 3), Done(5, 0, kOk, kAdd, 3)};
//   run.messages = {Msg(0, 1, "c4", "n0", {{"type", "add"}, {"msg_id", 1}})};
#ifndef SIM_REPORT_TEST_UTIL_H_
#define SIM_REPORT_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "sim/maelstrom/jepsen_history.h"
#include "sim/maelstrom/run_record.h"

namespace report {
namespace testing {

inline absl::Time T0() { return absl::FromUnixSeconds(1767268800); }
inline absl::Time Ms(double ms) {
  return T0() + absl::Microseconds(static_cast<int64_t>(ms * 1000));
}

inline sim::RunRecord EmptyRun(int concurrency = 2) {
  sim::RunRecord run;
  run.t0 = T0();
  run.concurrency = concurrency;
  run.meta.workload = "g-counter";
  run.meta.seed = 7;
  run.meta.node_ids = {"n0", "n1"};
  run.meta.started = T0();
  return run;
}

// A counter's ops, the shape most of these tests use.
constexpr char kAdd[] = "add";
constexpr char kRead[] = "read";

// An event with Jepsen's :value rule for a counter: an add carries its delta
// throughout, a read its value once :ok, nil otherwise.
inline sim::HistoryEvent Event(double ms, int thread, sim::EventType type,
                               const std::string& f, int64_t value,
                               bool final = false, std::string error = "") {
  sim::HistoryEvent e;
  e.time = Ms(ms);
  e.thread = thread;
  e.client = "c" + std::to_string(10 + thread);
  e.type = type;
  e.f = f;
  if (f != kRead || type == sim::EventType::kOk) e.value = value;
  e.final = final;
  e.error = std::move(error);
  return e;
}
inline sim::HistoryEvent Invoke(double ms, int thread, const std::string& f,
                                int64_t value = 0, bool final = false) {
  return Event(ms, thread, sim::EventType::kInvoke, f, value, final);
}

// What a counter's checker hands the pages when `index` is a final read
// outside `intervals` ("[[5 5]]"): flagged, with the counter's words.
inline void FlagFinalRead(sim::RunRecord& run, size_t index,
                          const std::string& intervals) {
  const sim::HistoryEvent& e = run.history.at(index);
  run.results.workload.flagged.push_back(
      {index,
       "final read " + e.value.dump() + " on thread " +
           std::to_string(e.thread) + " is not in " + intervals,
       "NOT in " + intervals});
  run.results.workload.valid = false;
  run.results.workload.final_label = "final read";
  run.results.workload.flagged_label = "final read outside the acceptable set";
}

// run.results.workload as the g-counter's checker would fill it for this
// history and acceptable set (sim/workloads/counter/checker.cc is the real
// one; the report's tests make their own): :ok final reads outside the set
// flagged and listed as Jepsen's ops, the final reads in history order, the
// set, and the timeline's rows. Call it once history, faults, t0 and
// concurrency are set.
inline void SetCounterWorkload(
    sim::RunRecord& run,
    const std::vector<std::pair<int64_t, int64_t>>& acceptable) {
  run.results.workload = sim::WorkloadReport{};
  std::string intervals = "[";
  sim::Edn set = sim::Edn::List();
  for (const auto& [lo, hi] : acceptable) {
    intervals += (intervals.size() > 1 ? " [" : "[") + std::to_string(lo) +
                 " " + std::to_string(hi) + "]";
    set.Add(sim::Edn::Vector({sim::Edn::Int(lo), sim::Edn::Int(hi)}));
  }
  intervals += "]";
  const sim::JepsenHistory jepsen(run.history, run.concurrency, run.t0,
                                  run.faults);
  sim::Edn errors = sim::Edn::Nil();
  sim::Edn reads = sim::Edn::List();
  std::string finals;
  for (size_t i = 0; i < run.history.size(); ++i) {
    const sim::HistoryEvent& e = run.history[i];
    if (!e.final || e.type != sim::EventType::kOk || e.f != kRead) continue;
    const int64_t v = e.value.get<int64_t>();
    bool in = false;
    for (const auto& [lo, hi] : acceptable) in = in || (lo <= v && v <= hi);
    reads.Add(sim::Edn::Int(v));
    finals += (finals.empty() ? "" : ", ") + std::to_string(v) +
              (in ? "" : " (outside)");
    if (in) continue;
    if (errors.kind() == sim::Edn::Kind::kNil) errors = sim::Edn::List();
    errors.Add(jepsen.Op(i));
    FlagFinalRead(run, i, intervals);
  }
  sim::WorkloadReport& w = run.results.workload;
  w.results.Put("valid?", sim::Edn::Bool(w.flagged.empty()))
      .Put("errors", std::move(errors))
      .Put("final-reads", std::move(reads))
      .Put("acceptable", std::move(set));
  w.summary = {{"final reads", finals.empty() ? "none" : finals},
               {"acceptable", intervals}};
  w.final_label = "final read";
  w.flagged_label = "final read outside the acceptable set";
}

// A message sent at `sent_ms`; `end_ms` < 0 means it never arrived.
inline sim::MessageRecord Msg(double sent_ms, double end_ms, std::string src,
                              std::string dest, kvclient::Json body,
                              sim::Fate fate = sim::Fate::kDelivered) {
  sim::MessageRecord m;
  m.sent = Ms(sent_ms);
  if (end_ms >= 0) m.end = Ms(end_ms);
  m.src = std::move(src);
  m.dest = std::move(dest);
  m.body = std::move(body);
  m.fate = fate;
  return m;
}

}  // namespace testing
}  // namespace report

#endif  // SIM_REPORT_TEST_UTIL_H_
