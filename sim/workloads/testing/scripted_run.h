// TEST-ONLY: any workload (sim/maelstrom/workload.h) through Maelstrom's
// client/generator interpreter against scripted nodes, in virtual time and
// in-process: `respond` answers each request a client sends (init excepted:
// init_ok at once) with a reply body after a delay, or never.
//
//   ScriptedRun run(*workload, options, /*nodes=*/3, /*seed=*/7);
//   run.respond = [](const kvclient::Message& m) -> ScriptedRun::Reply {
//     return ScriptedRun::Reply{absl::Milliseconds(1),
//                               {{"type", "echo_ok"}, {"echo",
//                               m.body["echo"]}}};
//   };
//   run.Run();
//   sim::WorkloadResult r = run.Check();   // the workload's checker
#ifndef SIM_WORKLOADS_TESTING_SCRIPTED_RUN_H_
#define SIM_WORKLOADS_TESTING_SCRIPTED_RUN_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/interpreter.h"
#include "sim/maelstrom/jepsen_history.h"
#include "sim/maelstrom/prng.h"
#include "sim/maelstrom/run_record.h"
#include "sim/maelstrom/workload.h"

namespace workloads {
namespace testing {

class ScriptedRun {
 public:
  struct Reply {
    absl::Duration after;
    kvclient::Json body;  // in_reply_to is added
  };
  // nullopt: never answered.
  using Responder =
      std::function<absl::optional<Reply>(const kvclient::Message&)>;

  ScriptedRun(const sim::Workload& workload, sim::WorkloadOptions options,
              int nodes, uint64_t seed)
      : workload_(workload),
        interpreter_(options, workload, Nodes(nodes)),
        prng_(seed),
        concurrency_(options.concurrency),
        node_count_(nodes) {}

  static std::vector<std::string> Nodes(int n) {
    std::vector<std::string> nodes;
    for (int i = 0; i < n; ++i) nodes.push_back("n" + std::to_string(i));
    return nodes;
  }

  // Runs until the interpreter is done (or `until`).
  void Run(absl::Time until = absl::InfiniteFuture()) {
    if (!started_) {
      started_ = true;
      for (const kvclient::Message& init : interpreter_.StartInits(now_)) {
        std::string note;
        interpreter_.OnClientMessage(
            kvclient::Message{
                init.dest, init.src, {{"type", "init_ok"}, {"in_reply_to", 1}}},
            now_, &note);
      }
    }
    Poll();
    while (!interpreter_.done()) {
      absl::Time next = std::max(interpreter_.NextWakeAt(), now_);
      if (!replies_.empty()) next = std::min(next, replies_.begin()->first);
      if (next > until || next == absl::InfiniteFuture()) return;
      now_ = next;
      while (!replies_.empty() && replies_.begin()->first <= now_) {
        kvclient::Message m = replies_.begin()->second;
        replies_.erase(replies_.begin());
        std::string note;
        interpreter_.OnClientMessage(m, now_, &note);
      }
      Poll();
    }
  }

  // The workload's checker over the history, with Jepsen's op maps.
  sim::WorkloadResult Check() const {
    const sim::JepsenHistory jepsen(history(), concurrency_,
                                    interpreter_.start_time(), faults_);
    sim::CheckContext context;
    context.node_count = node_count_;
    context.op = [&jepsen](size_t i) { return jepsen.Op(i); };
    return workload_.Check(history(), context);
  }

  const sim::History& history() const { return interpreter_.history(); }
  const sim::Interpreter& interpreter() const { return interpreter_; }
  // Every request a client sent, in order, with its time.
  const std::vector<std::pair<absl::Time, kvclient::Message>>& requests()
      const {
    return requests_;
  }

  Responder respond = [](const kvclient::Message&) {
    return absl::optional<Reply>();
  };

 private:
  void Poll() {
    sim::Interpreter::Output out = interpreter_.Poll(now_, prng_);
    for (const kvclient::Message& m : out.messages) {
      requests_.emplace_back(now_, m);
      absl::optional<Reply> reply = respond(m);
      if (!reply.has_value()) continue;
      kvclient::Json body = reply->body;
      body["in_reply_to"] = m.body["msg_id"];
      replies_.emplace(now_ + reply->after,
                       kvclient::Message{m.dest, m.src, body});
    }
  }

  const sim::Workload& workload_;
  sim::Interpreter interpreter_;
  sim::Prng prng_;
  int concurrency_;
  int node_count_;
  absl::Time now_ = absl::UnixEpoch();
  bool started_ = false;
  std::multimap<absl::Time, kvclient::Message> replies_;
  std::vector<std::pair<absl::Time, kvclient::Message>> requests_;
  std::vector<sim::FaultWindow> faults_;
};

}  // namespace testing
}  // namespace workloads

#endif  // SIM_WORKLOADS_TESTING_SCRIPTED_RUN_H_
