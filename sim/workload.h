// Maelstrom's g-counter / pn-counter clients (spec §4) as a pure model the
// driver polls. It owns the client threads, the generator, the phases and
// the history, but no clock and no network: every call takes `now`, returns
// the messages to send, and says when it next wants to be polled.
//
//   sim::Workload w(options, {"n0","n1","n2"});
//   send(w.StartInits(now));
//   loop:
//     send(w.OnClientMessage(reply, now) ...);   // a message to a "c…" id
//     Workload::Output out = w.Poll(now, prng);  // issue/expire what is due
//     send(out.messages);  if (out.heal) heal_everything();
//     wake at w.NextWakeAt()
//   until w.done();  checker reads w.history()
//
// Phases: kInit (every node answers init, 10 s each) → kMain (operations
// until time_limit: one global stream, gaps uniform [0, 2/rate), handed to a
// random free thread; thread i talks to node i mod N, one request at a time,
// 5 s timeout) → kDrain (wait for in-flight operations) → heal (Output.heal)
// → kSleep (10 s) → kFinal (one final read per thread) → kDone.
// Op mix: g-counter 1/3 add (delta 0..4), 2/3 read; pn-counter 1/2 add
// (delta -5..4), 1/2 read. Any timeout, error or malformed reply makes the
// operation indeterminate (info) and gives the thread a fresh client id; a
// later message to the old id is a departed-client delivery, which Maelstrom
// treats as an invalid line from the sender.
#ifndef SIM_WORKLOAD_H_
#define SIM_WORKLOAD_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/counter_ops.h"
#include "kvclient/message.h"
#include "sim/history.h"
#include "sim/prng.h"

namespace sim {

struct WorkloadOptions {
  int concurrency = 3;
  double rate = 100;  // operations per second, across all threads
  absl::Duration time_limit = absl::Seconds(20);
  bool pn_counter = false;
  absl::Duration client_timeout = absl::Seconds(5);
  absl::Duration init_timeout = absl::Seconds(10);
  absl::Duration final_sleep = absl::Seconds(10);
};

class Workload {
 public:
  enum class Phase { kInit, kMain, kDrain, kSleep, kFinal, kDone };

  Workload(WorkloadOptions options, std::vector<std::string> nodes);

  // One init per node, each from a fresh client.
  std::vector<kvclient::Message> StartInits(absl::Time now);
  // A fresh init for a restarted node (an extension: Maelstrom never restarts).
  kvclient::Message InitFor(const std::string& node, absl::Time now);
  // The node was killed: its unanswered inits will never be answered.
  void CancelInits(const std::string& node);

  struct Output {
    std::vector<kvclient::Message> messages;
    bool heal = false;  // the driver must heal every fault now
  };
  Output Poll(absl::Time now, Prng& prng);
  absl::Time NextWakeAt() const;

  enum class Delivery { kAccepted, kIgnored, kDepartedClient };
  // Handles a message addressed to a client id; `note` says why when not
  // accepted.
  Delivery OnClientMessage(const kvclient::Message& message, absl::Time now,
                           std::string* note);

  // Whether a message to `client` has someone to read it: a live thread's
  // client or an init still waiting for its reply.
  bool KnowsClient(const std::string& client) const {
    return thread_of_client_.count(client) > 0 || pending_inits_.count(client) > 0;
  }

  Phase phase() const { return phase_; }
  bool done() const { return phase_ == Phase::kDone; }
  const History& history() const { return history_; }
  absl::Time start_time() const { return start_time_; }  // when kMain began
  absl::optional<absl::Time> heal_time() const { return heal_time_; }
  // Set when the harness itself failed (a node never answered init).
  const std::string& harness_error() const { return harness_error_; }
  int64_t client_operations() const;  // completed ops (final reads included)

 private:
  struct Request {
    int64_t msg_id = 0;
    kvclient::CounterOp f = kvclient::CounterOp::kRead;
    int64_t delta = 0;
    bool final_read = false;
    absl::Time deadline;
  };
  struct Thread {
    std::string node;
    std::string client;
    int64_t next_msg_id = 1;
    absl::optional<Request> outstanding;
    bool final_done = false;
  };
  struct PendingInit {
    std::string node;
    absl::Time deadline;
  };

  std::string NewClient();
  kvclient::Message Invoke(int thread, kvclient::CounterOp f, int64_t delta,
                           bool final_read, absl::Time now);
  void Complete(int thread, EventType type, int64_t value, std::string error,
                absl::Time now);
  void ExpireTimeouts(absl::Time now);
  void IssueDue(absl::Time now, Prng& prng, Output& out);
  bool AnyOutstanding() const;
  absl::Duration NextGap(Prng& prng) const;

  WorkloadOptions options_;
  std::vector<std::string> nodes_;
  std::vector<Thread> threads_;
  Phase phase_ = Phase::kInit;
  int64_t next_client_ = 0;
  std::map<std::string, PendingInit> pending_inits_;  // by client id
  std::map<std::string, int> thread_of_client_;       // live clients only
  std::set<std::string> departed_clients_;
  absl::Time start_time_ = absl::InfinitePast();
  absl::Time next_issue_at_ = absl::InfiniteFuture();
  absl::optional<absl::Time> heal_time_;
  History history_;
  std::string harness_error_;
};

}  // namespace sim

#endif  // SIM_WORKLOAD_H_
