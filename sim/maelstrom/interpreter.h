// Maelstrom's clients and Jepsen's generator interpreter, for any workload
// (workload.h), as a pure model the driver polls. It owns the clients, the
// workload's generators and client objects, the phases and the history, but
// no clock and no network: every call takes `now`, returns the messages to
// send, and says when it next wants to be polled.
//
//   sim::Interpreter w(options, *workload, {"n0","n1","n2"});
//   send(w.StartInits(now));
//   loop:
//     d = w.OnClientMessage(message_to_a_client, now, &note);  // then Poll
//     Interpreter::Output out = w.Poll(now, prng);  // issue/expire what is due
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
// closed once answered), then one setup client per node once every init is
// answered (it sends the workload's SetupRequest, if any, as msg_id 1 and
// waits up to the client timeout for the reply; then, and for workloads
// without setup at once, it stays open and idle until the test ends:
// messages to it are ignored), then worker clients, opened lazily when a
// thread invokes its first operation. After an indeterminate (info)
// completion the thread's process changes, but its old client stays open
// until the thread invokes its next operation; only then is it closed and a
// new one opened (msg_ids restart at 1 per client), unless the workload's
// clients are reusable (Jepsen's client/Reusable: the client is kept).
// Maelstrom assigns the init and setup ids from parallel threads; here they
// go in node order. The main phase starts when every setup reply is in.
//
// Deliveries (OnClientMessage): to an open client that is not waiting for
// that reply (a stale client after a timeout, a setup client, a reply whose
// in_reply_to is not the outstanding msg_id) -> kIgnored, as Maelstrom's
// client skips it (client.clj recv!); to a closed or never-opened client id
// -> kDepartedClient: Maelstrom's network rejects the line ("Invalid dest")
// and stops reading the sender, which the driver turns into an invalid
// line. An init reply other than init_ok (an error, anything) is a harness
// error, as db.clj setup! throws; so is no reply within 10 s; so is a setup
// reply the workload rejects, or none within the client timeout.
//
// Operations (generator/interpreter.clj ClientWorker invoke!): the
// workload's Client turns an op into one request at a time (Invoke, then
// OnReply per reply, each request with its own client timeout; OnTimeout at
// the timeout) until a step completes it; a step may complete at once,
// without a request.
//
// Generator (maelstrom core.clj maelstrom-test; jepsen generator.clj Mix,
// Filter, Stagger, TimeLimit, Any, phases/Synchronize, each-thread;
// context.clj some-free-process, busy-thread):
//   ops      the workload's MainGenerator, asked when an op is due and a
//            thread is free, with that thread (round robin) in the context;
//            an op may name another free thread, or a later time (held until
//            then, the generator not asked meanwhile). kPending waits for a
//            completion; kExhausted ends the main phase (once every thread
//            is free). Its Update sees every event of its ops.
//   pacing   Stagger with dt = 2/rate: the first op goes out at once when the
//            main phase starts; each op handed out at time t schedules the
//            next at t + uniform[0, dt). When no thread is free the op waits
//            and goes out when one frees up, and the next is scheduled from
//            THAT moment (no catch-up burst). t is when the op was due (as
//            a punctual Jepsen asks for it), not when a late Poll sent it:
//            a real host's wake-up lateness (up to dt/2) does not
//            accumulate, so a 20 s run at rate 100 has ~2,000 ops.
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
//            for a workload with a final generator (core.clj: only then)
//            Output.heal (the nemesis' stop-partition) -> sleep final_sleep
//            (10 s) -> each thread's own FinalGenerator copy is asked for an
//            op, all threads at once in a random order (each-thread's ties),
//            and again after each of its completions, until it is exhausted
//            -> done. A workload without one is done after the drain.
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
#ifndef SIM_MAELSTROM_INTERPRETER_H_
#define SIM_MAELSTROM_INTERPRETER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/prng.h"
#include "sim/maelstrom/workload.h"

namespace sim {

// Jepsen's test options for the clients (cli.clj, core.clj): the same for
// every workload.
struct WorkloadOptions {
  // Maelstrom's -w: the registry's name (sim/workloads/registry.h).
  std::string name = "g-counter";
  // The workload's own flags (WorkloadFlag), by name: "--topology" -> "tree".
  WorkloadParams params;
  int concurrency = 3;
  double rate = 100;  // operations per second, across all threads
  absl::Duration time_limit = absl::Seconds(20);
  absl::Duration client_timeout = absl::Seconds(5);
  absl::Duration init_timeout = absl::Seconds(10);
  absl::Duration final_sleep = absl::Seconds(10);
  // Bound on the history. Reaching it ends the main phase early and sets
  // harness_error(): a run that long is a configuration mistake.
  size_t max_history_events = size_t{1} << 26;
};

class Interpreter {
 public:
  enum class Phase { kInit, kSetup, kMain, kDrain, kSleep, kFinal, kDone };

  // `workload` must outlive the interpreter.
  Interpreter(WorkloadOptions options, const Workload& workload,
              std::vector<std::string> nodes);

  // One init per node, each from a fresh client (ids c0..c<N-1>).
  std::vector<kvclient::Message> StartInits(absl::Time now);
  // A fresh init, from a new client, for a node the nemesis restarted
  // (Maelstrom main's db start!, which re-sends init). Requires no init
  // pending for `node` (CancelInits first). Unlike the first inits, a
  // restart's init that gets no init_ok in time is no harness error: the
  // nemesis op fails and the test goes on; it is reported by TakeNotes.
  kvclient::Message InitFor(const std::string& node, absl::Time now,
                            bool restart = false);
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
  // opened) for kDepartedClient. A request the reply leads to goes out with
  // the next Poll.
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
  // Whether the main phase has begun (the nemeses start with it).
  bool main_started() const { return phase_ >= Phase::kMain; }
  const History& history() const { return history_; }
  absl::Time start_time() const { return start_time_; }  // when kMain began
  absl::Time cutoff() const { return start_time_ + options_.time_limit; }
  absl::optional<absl::Time> heal_time() const { return heal_time_; }
  // Set when the harness itself failed (a node never answered init, or
  // answered it with something else; a setup failed; a generator waited
  // with nothing in flight).
  const std::string& harness_error() const { return harness_error_; }
  // What went wrong without failing the run since the last call (a
  // restart's init unanswered or refused), one sentence each.
  std::vector<std::string> TakeNotes() { return std::move(notes_); }
  int64_t client_operations() const;  // completed ops (final ones included)
  int64_t clients_opened() const { return next_client_; }
  size_t open_clients() const { return open_clients_.size(); }
  // The thread that gets the next client op if it is free (tests).
  int next_thread_index() const { return next_thread_index_; }

 private:
  // An op in flight on a thread.
  struct Request {
    Op op;
    bool from_final = false;  // handed out by the thread's final generator
    int64_t msg_id = 0;       // of the request awaiting its reply
    absl::Time deadline;
  };
  struct Thread {
    std::string node;
    std::string client;            // "" until the first op
    std::unique_ptr<Client> impl;  // the workload's client for `client`
    bool stale = false;            // the process changed: reopen at next op
    int64_t next_msg_id = 1;
    absl::optional<Request> outstanding;
    std::unique_ptr<Generator> final_gen;  // its each-thread copy
    absl::optional<Op> final_held;         // an op for later (Op::time)
    bool final_pending = false;            // kPending: wait for a completion
    bool final_exhausted = false;
  };
  enum class Role { kInit, kSetup, kWorker };
  struct OpenClient {
    Role role = Role::kWorker;
    std::string node;                              // kInit, kSetup
    int thread = -1;                               // kWorker
    absl::Time deadline = absl::InfiniteFuture();  // kInit; kSetup waiting
    bool waiting = false;                          // kSetup: for its reply
    bool restart = false;                          // kInit: after a restart
  };

  std::string OpenNewClient(OpenClient client);
  void StartSetup(absl::Time now, Output& out);
  void StartMain(absl::Time now);
  void Invoke(int thread, Op op, bool from_final, absl::Time now,
              std::vector<kvclient::Message>* out);
  void Step(int thread, ClientStep step, absl::Time now,
            std::vector<kvclient::Message>* out);
  void Complete(int thread, EventType type, kvclient::Json value,
                std::string error, absl::Time now);
  void Update(int thread, bool from_final, const HistoryEvent& event);
  void ExpireTimeouts(absl::Time now, Output& out);
  void IssueDue(absl::Time now, Prng& prng, Output& out);
  void StartFinal(absl::Time now, Prng& prng, Output& out);
  void IssueFinal(int thread, absl::Time now, Prng& prng, Output& out);
  bool TakeMainOp(absl::Time now, Prng& prng, Op* op);
  GenContext& Context(absl::Time now, int thread);
  int FreeThreadFromNextIndex() const;
  void AdvanceRoundRobin();
  bool AnyOutstanding() const;
  bool AnyFree() const;
  absl::Duration StaggerDt() const;
  bool MainPhaseOver(absl::Time now) const;
  bool FinalPhaseOver() const;
  Delivery OnInitReply(const std::string& client,
                       const kvclient::Message& message, std::string* note);
  Delivery OnSetupReply(const std::string& client,
                        const kvclient::Message& message, std::string* note);
  void Fail(std::string why);
  void Note(std::string why);

  WorkloadOptions options_;
  const Workload& workload_;
  std::vector<std::string> nodes_;
  std::vector<Thread> threads_;
  Phase phase_ = Phase::kInit;
  int64_t next_client_ = 0;
  // Registered client endpoints. Bounded: one init per node, one setup
  // client per node, one client per thread.
  std::map<std::string, OpenClient> open_clients_;
  absl::Time start_time_ = absl::InfinitePast();
  std::unique_ptr<Generator> main_gen_;
  absl::optional<Op> main_held_;  // an op for later (Op::time)
  bool main_pending_ = false;     // kPending: wait for a completion
  bool main_exhausted_ = false;
  absl::optional<absl::Time> next_op_at_;  // Stagger's next-time
  // The last completion that unblocked the main generator (freed the only
  // free thread, or ended a :pending): the stagger's base when later.
  absl::Time unblocked_at_ = absl::InfinitePast();
  int next_thread_index_ = 0;
  absl::optional<absl::Time> nemesis_next_at_;
  absl::optional<absl::Time> heal_time_;
  // Requests a reply led to (Client::OnReply), sent with the next Poll.
  std::vector<kvclient::Message> outbox_;
  GenContext context_;  // Context()'s, reused
  History history_;
  std::string harness_error_;
  std::vector<std::string> notes_;  // bounded: one per restart
};

}  // namespace sim

#endif  // SIM_MAELSTROM_INTERPRETER_H_
