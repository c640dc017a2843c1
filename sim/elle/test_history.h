// Test-only: histories of Elle transactions written the way Elle's own tests
// write them (rw_register_test.clj `op`): "wx1ry2" is [[:w x 1] [:r y 2]],
// "rx_" reads nil. Keys are the strings "x", "y", "z".
//
//   TestHistory h;
//   int t1 = h.Invoke(0, "wx1ry1");   // thread 0 invokes (reads as nil)
//   h.Complete(t1, sim::EventType::kOk);
//   h.Ok(1, "wy1rx1");                // invoke + ok at once
//   h.history()  // sim::History, f "txn"
#ifndef SIM_ELLE_TEST_HISTORY_H_
#define SIM_ELLE_TEST_HISTORY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "kvclient/message.h"
#include "sim/maelstrom/history.h"

namespace elle {

class TestHistory {
 public:
  // The txn a string describes; with `as_invocation`, reads are nil.
  static kvclient::Json Txn(const std::string& s, bool as_invocation = false) {
    kvclient::Json txn = kvclient::Json::array();
    for (size_t i = 0; i + 2 < s.size(); i += 3) {
      const char f = s[i];
      const std::string k(1, s[i + 1]);
      const char v = s[i + 2];
      kvclient::Json value =
          v == '_' ? kvclient::Json(nullptr) : kvclient::Json(int64_t{v - '0'});
      if (as_invocation && f == 'r') value = nullptr;
      txn.push_back({std::string(1, f), k, value});
    }
    return txn;
  }

  // Invokes `txn` on `thread`; returns a handle for Complete.
  int Invoke(int thread, const std::string& txn) {
    sim::HistoryEvent e;
    e.time = t0_ + absl::Milliseconds(history_.size());
    e.thread = thread;
    e.client = "c" + std::to_string(thread);
    e.type = sim::EventType::kInvoke;
    e.f = "txn";
    e.value = Txn(txn, /*as_invocation=*/true);
    pending_[thread] = txn;
    history_.push_back(e);
    return thread;
  }

  // Completes the thread's txn: ok with its reads filled in; fail and info
  // keep the invocation's value (maelstrom client.clj with-errors).
  void Complete(int thread, sim::EventType type) {
    sim::HistoryEvent e;
    e.time = t0_ + absl::Milliseconds(history_.size());
    e.thread = thread;
    e.client = "c" + std::to_string(thread);
    e.type = type;
    e.f = "txn";
    e.value = Txn(pending_.at(thread), type != sim::EventType::kOk);
    if (type == sim::EventType::kInfo) e.error = "net-timeout";
    history_.push_back(e);
  }

  void Ok(int thread, const std::string& txn) {
    Complete(Invoke(thread, txn), sim::EventType::kOk);
  }
  void Fail(int thread, const std::string& txn) {
    Complete(Invoke(thread, txn), sim::EventType::kFail);
  }

  const sim::History& history() const { return history_; }
  absl::Time t0() const { return t0_; }

 private:
  absl::Time t0_ = absl::FromUnixSeconds(1000);
  sim::History history_;
  std::map<int, std::string> pending_;
};

}  // namespace elle

#endif  // SIM_ELLE_TEST_HISTORY_H_
