// Test-only: kafka histories as Maelstrom records them (see checker.h for
// the values), one event per millisecond from t0.
//
//   KafkaHistory h;
//   h.Send(0, "1", 10, 0);                 // thread 0 sends 10 to "1": offset
//   0 h.Poll(1, {{"1", {{0, 10}}}});         // thread 1 polls it h.Assign(1,
//   {"1"});  h.Crash(1);
#ifndef SIM_WORKLOADS_KAFKA_TEST_HISTORY_H_
#define SIM_WORKLOADS_KAFKA_TEST_HISTORY_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "kvclient/message.h"
#include "sim/maelstrom/history.h"

namespace workloads {
namespace kafka {

class KafkaHistory {
 public:
  using Json = kvclient::Json;
  using Msgs = std::vector<
      std::pair<std::string, std::vector<std::pair<int64_t, int64_t>>>>;

  void Invoke(int thread, const std::string& f, Json value) {
    Add(thread, sim::EventType::kInvoke, f, std::move(value), "");
  }
  void Complete(int thread, sim::EventType type, const std::string& f,
                Json value, const std::string& error = "") {
    Add(thread, type, f, std::move(value), error);
  }

  // send: ok with its offset; fail/info keep the invocation's value.
  void Send(int thread, const std::string& key, int64_t msg, int64_t offset,
            sim::EventType type = sim::EventType::kOk) {
    Invoke(thread, "send", Json::array({Json::array({"send", key, msg})}));
    Complete(thread, type, "send",
             type == sim::EventType::kOk
                 ? Json::array({Json::array({"send", key, {offset, msg}})})
                 : Json::array({Json::array({"send", key, msg})}),
             type == sim::EventType::kInfo ? "net-timeout" : "");
  }

  void Poll(int thread, const Msgs& msgs,
            sim::EventType type = sim::EventType::kOk) {
    Invoke(thread, "poll", Json::array({Json::array({"poll"})}));
    Json m = Json::object();
    for (const auto& [k, pairs] : msgs) {
      m[k] = Json::array();
      for (const auto& [o, v] : pairs) m[k].push_back({o, v});
    }
    Complete(thread, type, "poll",
             type == sim::EventType::kOk
                 ? Json::array({Json::array({"poll", m})})
                 : Json::array({Json::array({"poll"})}),
             type == sim::EventType::kInfo ? "net-timeout" : "");
  }

  void Assign(int thread, const std::vector<std::string>& keys) {
    Json v = Json::array();
    for (const auto& k : keys) v.push_back(k);
    Invoke(thread, "assign", v);
    Complete(thread, sim::EventType::kOk, "assign", v);
  }

  void Crash(int thread) {
    Invoke(thread, "crash", nullptr);
    Complete(thread, sim::EventType::kInfo, "crash", nullptr);
  }

  const sim::History& history() const { return history_; }
  sim::History& mutable_history() { return history_; }
  absl::Time t0() const { return t0_; }

 private:
  void Add(int thread, sim::EventType type, const std::string& f, Json value,
           const std::string& error) {
    sim::HistoryEvent e;
    e.time = t0_ + absl::Milliseconds(history_.size());
    e.thread = thread;
    e.client = "c" + std::to_string(thread);
    e.type = type;
    e.f = f;
    e.value = std::move(value);
    e.error = error;
    history_.push_back(std::move(e));
  }

  absl::Time t0_ = absl::FromUnixSeconds(1000);
  sim::History history_;
};

}  // namespace kafka
}  // namespace workloads

#endif  // SIM_WORKLOADS_KAFKA_TEST_HISTORY_H_
