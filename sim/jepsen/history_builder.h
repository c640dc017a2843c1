// Test helper: histories written as Jepsen's own tests write them
// (jepsen test/jepsen/checker_test.clj invoke-op, ok-op, fail-op, info-op,
// history): op i happens at i milliseconds after t0 unless a time is
// given, and a process is a thread (no process changes unless an :info
// moves it on, as sim::ProcessIds does).
//
//   History h = HistoryBuilder()
//                   .Invoke(0, "add", 0).Ok(0, "add", 0)
//                   .Invoke(1, "read").Ok(1, "read", Json::array({0}))
//                   .Build();
#ifndef SIM_JEPSEN_HISTORY_BUILDER_H_
#define SIM_JEPSEN_HISTORY_BUILDER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/jepsen_history.h"
#include "sim/maelstrom/run_record.h"
#include "sim/maelstrom/workload.h"

namespace sim {
namespace jepsen {

class HistoryBuilder {
 public:
  HistoryBuilder& Invoke(int thread, std::string f,
                         kvclient::Json value = nullptr) {
    return Add(EventType::kInvoke, thread, std::move(f), std::move(value));
  }
  HistoryBuilder& Ok(int thread, std::string f,
                     kvclient::Json value = nullptr) {
    return Add(EventType::kOk, thread, std::move(f), std::move(value));
  }
  HistoryBuilder& Fail(int thread, std::string f,
                       kvclient::Json value = nullptr) {
    return Add(EventType::kFail, thread, std::move(f), std::move(value));
  }
  HistoryBuilder& Info(int thread, std::string f,
                       kvclient::Json value = nullptr) {
    return Add(EventType::kInfo, thread, std::move(f), std::move(value));
  }
  // The next op happens at `ms` after t0 (later ops 1 ms apart from it).
  HistoryBuilder& At(double ms) {
    next_ = t0() + absl::Microseconds(static_cast<int64_t>(ms * 1000));
    return *this;
  }
  // Marks the last op as from a final generator (:final? true).
  HistoryBuilder& Final() {
    history_.back().final = true;
    return *this;
  }
  // Sets the last op's :error (fail/info).
  HistoryBuilder& Error(std::string error) {
    history_.back().error = std::move(error);
    return *this;
  }
  History Build() const { return history_; }
  static absl::Time t0() { return absl::UnixEpoch(); }
  // A checker's context whose op(i) is Jepsen's op map of the history built
  // so far (sim::JepsenHistory: :time from t0, processes moving on after
  // an :info with `concurrency` threads, no nemesis ops).
  CheckContext Context(int concurrency) const {
    struct Held {
      History history;
      std::vector<FaultWindow> faults;
      absl::optional<JepsenHistory> jepsen;
    };
    auto held = std::make_shared<Held>();
    held->history = history_;
    held->jepsen.emplace(held->history, concurrency, t0(), held->faults);
    CheckContext context;
    context.op = [held](size_t i) { return held->jepsen->Op(i); };
    return context;
  }

 private:
  HistoryBuilder& Add(EventType type, int thread, std::string f,
                      kvclient::Json value) {
    HistoryEvent e;
    e.time = next_;
    e.thread = thread;
    e.client = "c" + std::to_string(thread);
    e.type = type;
    e.f = std::move(f);
    e.value = std::move(value);
    history_.push_back(std::move(e));
    next_ += absl::Milliseconds(1);
    return *this;
  }
  History history_;
  absl::Time next_ = t0();
};

}  // namespace jepsen
}  // namespace sim

#endif  // SIM_JEPSEN_HISTORY_BUILDER_H_
