// Small builders for the report's unit tests: history events and messages at
// millisecond offsets from a fixed t0.
//
//   sim::RunRecord run = EmptyRun();
//   run.history = {Invoke(0, 0, kAdd, 3), Done(5, 0, kOk, kAdd, 3)};
//   run.messages = {Msg(0, 1, "c4", "n0", {{"type", "add"}, {"msg_id", 1}})};
#ifndef SIM_REPORT_TEST_UTIL_H_
#define SIM_REPORT_TEST_UTIL_H_

#include <string>

#include "absl/time/time.h"
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

constexpr kvclient::CounterOp kAdd = kvclient::CounterOp::kAdd;
constexpr kvclient::CounterOp kRead = kvclient::CounterOp::kRead;

inline sim::HistoryEvent Event(double ms, int thread, sim::EventType type,
                               kvclient::CounterOp f, int64_t value,
                               bool final_read = false,
                               std::string error = "") {
  sim::HistoryEvent e;
  e.time = Ms(ms);
  e.thread = thread;
  e.client = "c" + std::to_string(10 + thread);
  e.type = type;
  e.f = f;
  e.value = value;
  e.final_read = final_read;
  e.error = std::move(error);
  return e;
}
inline sim::HistoryEvent Invoke(double ms, int thread, kvclient::CounterOp f,
                                int64_t value = 0, bool final_read = false) {
  return Event(ms, thread, sim::EventType::kInvoke, f, value, final_read);
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
