// Maelstrom's g-counter / pn-counter clients as a pure model the driver
// polls. It owns the clients, the generator, the phases and the history,
// but no clock and no network: every call takes `now`, returns the messages
// to send, and says when it next wants to be polled.
//
//   sim::Workload w(options, {"n0","n1","n2"});
//   send(w.StartInits(now));
//   loop:
//     d = w.OnClientMessage(message_to_a_client, now, &note);  // then Poll
//     Workload::Output out = w.Poll(now, prng);  // issue/expire what is due
//     send(out.messages);  if (out.heal) heal_everything();
//     when the partition nemesis dispatches an op: w.OnNemesisOp(now, next_at)
//     wake at w.NextWakeAt()
//   until w.done();  the checker reads w.history()
//
// What it emulates, by source (Maelstrom v0.2.4, Jepsen 0.3.7):
//
// Clients and their ids (maelstrom client.clj open!, db.clj setup!, jepsen
// core.clj with-client+nemesis-setup-teardown, generator/interpreter.clj
// ClientWorker). Ids are "c<k>" from one counter starting at c0, opened in
// this order: one init client per node (StartInits; msg_id 1, 10 s timeout,
// closed once answered), then one setup client per node when the main phase
// starts (open and idle until the test ends: messages to it are ignored),
// then worker clients, opened lazily when a thread invokes its first
// operation. After an indeterminate (info) completion the thread's process
// changes, but its old client stays open until the thread invokes its next
// operation; only then is it closed and a new one opened (msg_ids restart at
// 1 per client). Maelstrom assigns the init and setup ids from parallel
// threads; here they go in node order.
//
// Deliveries (OnClientMessage): to an open client that is not waiting for
// that reply (a stale client after a timeout, a setup client, a reply whose
// in_reply_to is not the outstanding msg_id) -> kIgnored, as Maelstrom's
// client skips it (client.clj recv!); to a closed or never-opened client id
// -> kDepartedClient: Maelstrom's network rejects the line ("Invalid dest")
// and stops reading the sender, which the driver turns into an invalid
// line. An init reply other than init_ok (an error, anything) is a harness
// error, as db.clj setup! throws; so is no reply within 10 s.
//
// Generator (maelstrom core.clj maelstrom-test; jepsen generator.clj Mix,
// Filter, Stagger, TimeLimit, Any, phases/Synchronize, each-thread;
// context.clj some-free-process, busy-thread):
//   ops      (gen/filter no-negative-add (gen/mix [add (repeat read)])):
//            g-counter 1/3 add with delta uniform 0..4, 2/3 read; pn-counter
//            1/2 add with delta (- (rand-int 10) 5) = -5..4, 1/2 read.
//   pacing   Stagger with dt = 2/rate: the first op goes out at once when the
//            main phase starts; each op handed out at time t schedules the
//            next at t + uniform[0, dt). When no thread is free the op waits
//            and goes out when one frees up, and the next is scheduled from
//            THAT moment (no catch-up burst).
//   threads  concurrency client threads; thread i talks to node i mod N, one
//            request at a time, 5 s timeout. Round robin: an op goes to the
//            first free thread at or after next-thread-index (wrapping);
//            every dispatched op, client or nemesis, advances
//            next-thread-index by one modulo concurrency + 1 (the +1 is the
//            nemesis thread).
//   limit    cutoff = time of the first op + time_limit. No op at or past
//            the cutoff is handed out. The main phase ends once every thread
//            is free and the soonest next op (client or nemesis) falls at or
//            after the cutoff: Jepsen's next phase is synchronized, so while
//            a thread is busy the main generator is asked again, and a
//            thread that frees up before the cutoff gets a new op.
//   phases   then: wait for every in-flight op (timeouts included) ->
//            Output.heal (the nemesis' stop-partition) -> sleep final_sleep
//            (10 s) -> one final read per thread, all at once, in a random
//            order (each-thread's ties) -> done.
// Every error reply, timeout or malformed reply makes the op indeterminate
// (info): the pn-counter client has no with-errors.
//
// Nemesis interplay: the workload does not run the nemesis, but Jepsen's
// round robin and time limit see its ops. The driver calls OnNemesisOp
// right after dispatching each nemesis op (start or stop partition), with
// the time the nemesis next wants to act; until the first call the
// workload assumes there is no nemesis. The nemesis may dispatch only while
// phase() == kMain and its op's time is before cutoff(). Jepsen breaks a
// tie at the very first instant (the first client op and the first nemesis
// op both at t0) with a coin (generator.clj soonest-op-map); a driver
// emulating that calls OnNemesisOp before or after the first Poll of the
// main phase accordingly.
#ifndef SIM_MAELSTROM_WORKLOAD_H_
#define SIM_MAELSTROM_WORKLOAD_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/counter_ops.h"
#include "kvclient/message.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/prng.h"

namespace sim {

struct WorkloadOptions {
  int concurrency = 3;
  double rate = 100;  // operations per second, across all threads
  absl::Duration time_limit = absl::Seconds(20);
  bool pn_counter = false;
  absl::Duration client_timeout = absl::Seconds(5);
  absl::Duration init_timeout = absl::Seconds(10);
  absl::Duration final_sleep = absl::Seconds(10);
  // Bound on the history. Reaching it ends the main phase early and sets
  // harness_error(): a run that long is a configuration mistake.
  size_t max_history_events = size_t{1} << 26;
};

// One client operation as the generator draws it (g-counter's filter over
// pn-counter's mix). Exposed for tests.
struct DrawnOp {
  kvclient::CounterOp f = kvclient::CounterOp::kRead;
  int64_t delta = 0;  // kAdd only
};
DrawnOp DrawCounterOp(bool pn_counter, Prng& prng);

class Workload {
 public:
  enum class Phase { kInit, kMain, kDrain, kSleep, kFinal, kDone };

  Workload(WorkloadOptions options, std::vector<std::string> nodes);

  // One init per node, each from a fresh client (ids c0..c<N-1>).
  std::vector<kvclient::Message> StartInits(absl::Time now);
  // A fresh init for a restarted node (an extension: Maelstrom never
  // restarts). Requires no init pending for `node` (CancelInits first).
  kvclient::Message InitFor(const std::string& node, absl::Time now);
  // The node was killed: its unanswered inits will never be answered; their
  // clients close.
  void CancelInits(const std::string& node);

  struct Output {
    std::vector<kvclient::Message> messages;
    bool heal = false;  // the driver must heal every fault now
  };
  Output Poll(absl::Time now, Prng& prng);
  // When Poll next has something to do (InfinitePast: at once; the driver
  // polls at max(now, NextWakeAt())). A reply or OnNemesisOp may make it
  // sooner.
  absl::Time NextWakeAt() const;

  // The driver dispatched a nemesis op at `now`; the nemesis next wants to
  // act at `next_at` (InfiniteFuture: never). Advances the round robin.
  void OnNemesisOp(absl::Time now, absl::Time next_at);

  enum class Delivery { kAccepted, kIgnored, kDepartedClient };
  // Handles a message addressed to a client id; `note` says why when not
  // accepted: "departed client c7" (closed) or "unknown client c99" (never
  // opened) for kDepartedClient.
  Delivery OnClientMessage(const kvclient::Message& message, absl::Time now,
                           std::string* note);

  // Whether `client` is an open client, i.e. a registered network endpoint
  // Maelstrom accepts as a message's dest (init clients until answered,
  // setup clients, workers' current clients, stale ones included).
  bool KnowsClient(const std::string& client) const {
    return open_clients_.count(client) > 0;
  }

  Phase phase() const { return phase_; }
  bool done() const { return phase_ == Phase::kDone; }
  const History& history() const { return history_; }
  absl::Time start_time() const { return start_time_; }  // when kMain began
  absl::Time cutoff() const { return start_time_ + options_.time_limit; }
  absl::optional<absl::Time> heal_time() const { return heal_time_; }
  // Set when the harness itself failed (a node never answered init, or
  // answered it with something else).
  const std::string& harness_error() const { return harness_error_; }
  int64_t client_operations() const;  // completed ops (final reads included)
  int64_t clients_opened() const { return next_client_; }
  size_t open_clients() const { return open_clients_.size(); }
  // The thread that gets the next client op if it is free (tests).
  int next_thread_index() const { return next_thread_index_; }

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
    std::string client;  // "" until the first op
    bool stale = false;  // the process changed: reopen at the next op
    int64_t next_msg_id = 1;
    absl::optional<Request> outstanding;
  };
  enum class Role { kInit, kSetup, kWorker };
  struct OpenClient {
    Role role = Role::kWorker;
    std::string node;                              // kInit, kSetup
    int thread = -1;                               // kWorker
    absl::Time deadline = absl::InfiniteFuture();  // kInit
  };

  std::string OpenNewClient(OpenClient client);
  void StartMain(absl::Time now);
  kvclient::Message Invoke(int thread, kvclient::CounterOp f, int64_t delta,
                           bool final_read, absl::Time now);
  void Complete(int thread, EventType type, int64_t value, std::string error,
                absl::Time now);
  void ExpireTimeouts(absl::Time now);
  void IssueDue(absl::Time now, Prng& prng, Output& out);
  int FreeThreadFromNextIndex() const;
  void AdvanceRoundRobin();
  bool AnyOutstanding() const;
  bool AnyFree() const;
  absl::Duration StaggerDt() const;
  bool MainPhaseOver(absl::Time now) const;
  Delivery OnInitReply(const std::string& client,
                       const kvclient::Message& message, std::string* note);

  WorkloadOptions options_;
  std::vector<std::string> nodes_;
  std::vector<Thread> threads_;
  Phase phase_ = Phase::kInit;
  int64_t next_client_ = 0;
  // Registered client endpoints. Bounded: one init per node, one setup
  // client per node, one client per thread.
  std::map<std::string, OpenClient> open_clients_;
  absl::Time start_time_ = absl::InfinitePast();
  absl::optional<absl::Time> next_op_at_;  // Stagger's next-time
  int next_thread_index_ = 0;
  absl::optional<absl::Time> nemesis_next_at_;
  absl::optional<absl::Time> heal_time_;
  History history_;
  std::string harness_error_;
};

}  // namespace sim

#endif  // SIM_MAELSTROM_WORKLOAD_H_
