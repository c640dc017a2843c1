// A Maelstrom workload as a plug-in: what `-w NAME` selects. One object per
// run says what the clients do (a generator of operations, a final
// generator, per-node setup, a client that turns an operation into RPCs
// and their replies into a completion) and how the history is judged (a
// checker). Everything Maelstrom does around it (client ids, threads,
// stagger, time limit, phases, timeouts, nemeses, the network) is the
// interpreter's (interpreter.h) and the driver's; a workload never sees a
// clock or a socket, only `now` and the messages it is handed.
//
// The shapes follow Maelstrom v0.2.4 (src/maelstrom/core.clj maelstrom-test,
// client.clj, workload/*.clj) and Jepsen 0.3.7 (generator.clj, client.clj,
// checker.clj):
//
//   Maelstrom/Jepsen                        here
//   :generator (wrapped in stagger and      MainGenerator(): Generator::Next
//     time-limit by core.clj)                 (the interpreter staggers and
//                                             limits it)
//   :final-generator (gen/each-thread ...)  FinalGenerator(): one copy per
//     after heal + 10 s sleep                 thread; none = no final phase,
//                                             no heal, no sleep (as core.clj)
//   client setup! (broadcast's topology!)   SetupRequest / CheckSetupReply
//   client invoke! (defrpc calls,           Client::Invoke / OnReply /
//     with-errors)                            OnTimeout, one step per RPC
//   client/Reusable                         reusable_clients()
//   :checker                                Check
//
// Contract, in the order the interpreter calls it:
//   1. Once per run: fs(), reusable_clients(), has_final_phase().
//   2. After every init_ok: SetupRequest(node) for each node; a request is
//      sent from that node's setup client (msg_id 1), its reply goes to
//      CheckSetupReply (a non-empty answer, or no reply within the client
//      timeout, crashes the test as a throwing setup! does). The main phase
//      starts when every setup reply is in.
//   3. Main phase: MainGenerator()->Next(ctx, prng) whenever a thread is free
//      and the stagger says an op is due; NewClient() whenever a thread needs
//      a client (its first op, and after an :info unless
//      reusable_clients()); Client::Invoke, then OnReply for the reply to each
//      request it asked to send (or OnTimeout), until a step completes the
//      op. Generator::Update sees every invoke and completion of its ops.
//   4. Final phase (if has_final_phase()): after the heal and the recovery
//      sleep, each thread's own FinalGenerator() copy is asked for ops, all
//      threads at once in a random order, and again after each completion,
//      until it says kExhausted.
//   5. Check(history, context) once, at the end; pure.
// A workload is deterministic: its randomness comes from the Prng it is
// handed (the interpreter's "workload" stream), never from a clock or
// absl::BitGen; and no map iteration order decides anything observable.
//
// Example: the smallest complete workload, an echo
// (maelstrom workload/echo.clj, without its each-thread thread choice):
//
//   class EchoClient : public sim::Client {
//     sim::ClientStep Invoke(const sim::Op& op) override {
//       return sim::ClientStep::Send({{"type", "echo"}, {"echo", op.value}});
//     }
//     sim::ClientStep OnReply(const sim::Op&, const Json& body) override {
//       if (kvclient::BodyType(body) != "echo_ok")   // defrpc's recv-schema
//         return sim::ClientStep::Info("malformed reply");
//       return sim::ClientStep::Ok(body);              // :value res
//     }
//   };
//   class EchoGenerator : public sim::Generator {
//     sim::GenResult Next(const sim::GenContext&, sim::Prng& prng) override {
//       return sim::GenResult::Of(
//           {"echo", absl::StrCat("Please echo ", prng.Uniform(128))});
//     }
//   };
//   class Echo : public sim::Workload {
//     std::vector<std::string> fs() const override { return {"echo"}; }
//     std::unique_ptr<sim::Generator> MainGenerator() const override {
//       return std::make_unique<EchoGenerator>();
//     }
//     std::unique_ptr<sim::Client> NewClient() const override {
//       return std::make_unique<EchoClient>();
//     }
//     sim::WorkloadResult Check(const sim::History& h,
//                               const sim::CheckContext& ctx) const override;
//   };
//   // and one line in sim/workloads/registry.cc:
//   //   {"echo", "echo every message back", {}, &MakeEcho},
//
// See sim/workloads/README.md for adding one, and sim/workloads/counter/
// for a complete one (g-counter and pn-counter).
#ifndef SIM_MAELSTROM_WORKLOAD_H_
#define SIM_MAELSTROM_WORKLOAD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/prng.h"
#include "sim/maelstrom/run_record.h"
#include "sim/maelstrom/staleness.h"
#include "sim/maelstrom/validity.h"

namespace sim {

// ------------------------------------------------------------ generators

// An operation as a generator hands it out: Jepsen's op map before it is
// invoked. The interpreter records it as the :invoke event (f, value, final)
// and the completion carries the same f and final.
struct Op {
  Op() = default;
  Op(std::string f_, kvclient::Json value_, bool final_ = false)
      : f(std::move(f_)), value(std::move(value_)), final(final_) {}

  std::string f;         // Jepsen :f, "add"
  kvclient::Json value;  // Jepsen :value; null = nil
  bool final = false;    // Jepsen :final? true
  // The thread it is for; -1: the one the round robin picks
  // (context.clj some-free-process). Must be free (GenContext::free_threads).
  int thread = -1;
  // Not before this time (Jepsen's op :time); nullopt: now. An op for later
  // is held and invoked then; the generator is not asked again meanwhile.
  absl::optional<absl::Time> time;
  // Jepsen op keys beyond :f, :value and :final? that the client reads,
  // by name without the colon: kafka's final assign carries
  // {"seek-to-beginning?": true}. The client sees them in Invoke, OnReply
  // and OnTimeout; the History does not record them.
  std::map<std::string, kvclient::Json> extra;
};

// What a generator is shown when asked (Jepsen's context, reduced to what
// Maelstrom's generators read).
struct GenContext {
  absl::Time now;
  int concurrency = 1;  // client threads 0 .. concurrency-1
  // Threads with no operation in flight, ascending. Never empty when asked.
  std::vector<int> free_threads;
  // The free thread the round robin gives the next op.
  int next_thread = 0;
  // Thread t talks to nodes[t % nodes.size()].
  const std::vector<std::string>* nodes = nullptr;
};

// Jepsen's generator answer: an op, :pending (nothing until an op in flight
// completes), or nil (exhausted: the phase is over for it).
struct GenResult {
  enum class Kind { kOp, kPending, kExhausted };
  Kind kind = Kind::kExhausted;
  Op op;  // kOp only
  static GenResult Of(Op op) { return {Kind::kOp, std::move(op)}; }
  static GenResult Pending() { return {Kind::kPending, {}}; }
  static GenResult Exhausted() { return {Kind::kExhausted, {}}; }
};

// Jepsen's Generator protocol for one phase: `op` and `update`. Unlike
// Jepsen's pure generators it is asked only when its answer will be used:
// Next once per op the interpreter is ready to invoke (a thread is free and,
// in the main phase, the stagger says one is due). kPending while nothing is
// in flight would wait forever: the interpreter fails the run then.
class Generator {
 public:
  virtual ~Generator() = default;
  virtual GenResult Next(const GenContext& ctx, Prng& prng) = 0;
  // Every :invoke and completion of an op this generator handed out, in
  // history order (Jepsen's update).
  virtual void Update(const HistoryEvent& /*event*/) {}
};

// ---------------------------------------------------------------- clients

// One step of a client operation (Jepsen's invoke!, one defrpc call at a
// time): send a request and wait for its reply, or complete the op.
struct ClientStep {
  // Send: the request body (its "type" and fields); the interpreter adds
  // msg_id (the client's next, from 1) and sends it from the thread's
  // client to the thread's node, waiting up to the client timeout.
  absl::optional<kvclient::Json> request;
  // Complete (when no request): ok, fail or info.
  EventType type = EventType::kInfo;
  // The completion's :value; nullopt keeps the op's (Jepsen's
  // (assoc op :type :ok) for an add; an :info keeps it too).
  absl::optional<kvclient::Json> value;
  std::string error;  // fail/info: Jepsen :error

  static ClientStep Send(kvclient::Json body);
  static ClientStep Ok(absl::optional<kvclient::Json> value = absl::nullopt);
  static ClientStep Fail(std::string error);
  static ClientStep Info(std::string error);
};

// Maelstrom client.clj with-errors, for clients that wrap their invoke! in
// it (echo, unique-ids, broadcast, kafka, txn-rw-register; the counters'
// and g-set's do not): `error_reply` null is a timeout, :fail when f is
// idempotent, else :info, error "net-timeout"; an error reply is :fail when
// its code is definite (kvclient::IsDefinite) or f is idempotent, else :info,
// error "[:<name> <text>]" (Jepsen's [(:name e) (:text body)]).
//
//   WithErrors(/*idempotent=*/true, nullptr)  -> Fail("net-timeout")
//   WithErrors(false, &{"type":"error","code":20,"text":"no"})
//     -> Fail("[:key-does-not-exist \"no\"]")      (20 is definite)
ClientStep WithErrors(bool idempotent, const kvclient::Json* error_reply);

// One Maelstrom client (client.clj open!): a thread's connection, opened
// lazily and replaced after an :info unless the workload's clients are
// reusable. It may keep state across the ops it runs (kafka's offsets).
class Client {
 public:
  virtual ~Client() = default;
  // The first step of `op`.
  virtual ClientStep Invoke(const Op& op) = 0;
  // The reply to the request of the last step (its in_reply_to matched):
  // the next step. Checks the reply's schema as Maelstrom's defrpc does.
  virtual ClientStep OnReply(const Op& op, const kvclient::Json& body) = 0;
  // No reply within the client timeout. Must complete the op.
  virtual ClientStep OnTimeout(const Op& /*op*/) {
    return ClientStep::Info("timeout");
  }
};

// ---------------------------------------------------------------- checker

// What a checker may read besides the history.
struct CheckContext {
  int node_count = 1;  // thread t talks to node t % node_count
  // Windows during which a partition that cut something held (extension
  // measures such as read staleness).
  TimeWindows partitions;
  // history[i] as Jepsen prints it (:index, :time, :type, :process, :f,
  // :value, :final?, :error), for results that list ops (errors). Set by the
  // driver (sim::JepsenHistory::Op); a test may leave it empty, and a
  // checker then lists an op as its position.
  std::function<Edn(size_t)> op;
};

// A workload checker's verdict: Jepsen's :workload results, plus what the
// report and the results block show of them. Only `validity`, `errors`
// and `report.results` are required; the rest has defaults.
struct WorkloadResult {
  Validity validity = Validity::kUnknown;  // :workload :valid?
  // Why it is invalid, one line each (summaries, sweeps, results.json).
  std::vector<std::string> errors;
  // Why the analysis itself failed (:unknown, exit 2).
  std::vector<std::string> analysis_errors;
  // For the pages (run_record.h): results.edn's :workload map in Jepsen's
  // shape (with :valid?), the rows under the timeline's counts, the ops it
  // rejects (FlaggedOp: what failed, in history order), and the words for
  // them.
  WorkloadReport report;
  // The results block's `:workload {...}` entries after :valid?, as
  // (key, printed value); empty: every entry of report.results but :valid?.
  std::vector<std::pair<std::string, std::string>> block;
  // results.json's "workload" object; null: {"valid?", "errors"}.
  kvclient::Json json;
  // EXTENSION measures a workload may define (nullopt: not measured).
  absl::optional<absl::Duration> convergence_from_reads;
  std::string convergence_from_reads_note;
  absl::optional<StalenessReport> staleness;
};

// ---------------------------------------------------------------- options

// A workload option as a command-line flag, with Maelstrom's name and value
// rule (core.clj opt-spec). Registered with the shared flag table when the
// workload is in the registry; its value reaches the workload's factory in
// WorkloadParams.
struct WorkloadFlag {
  std::string name;  // "--topology"
  std::string arg;   // "SPEC"
  std::string help;  // one line; says the default
  // Why `value` is not acceptable ("Must be one of ..."), or "".
  std::function<std::string(const std::string& value)> check;
};
// The workload flags given: name ("--topology") to value.
using WorkloadParams = std::map<std::string, std::string>;

// ---------------------------------------------------------------- the plug-in

class Workload {
 public:
  virtual ~Workload() = default;

  // The :f values its ops use ({"add", "read"}): the results block lists
  // their statistics even when none occurred.
  virtual std::vector<std::string> fs() const = 0;

  virtual std::unique_ptr<Generator> MainGenerator() const = 0;
  // One copy per thread (gen/each-thread); nullptr: no final phase.
  virtual std::unique_ptr<Generator> FinalGenerator() const { return nullptr; }
  bool has_final_phase() const { return FinalGenerator() != nullptr; }

  virtual std::unique_ptr<Client> NewClient() const = 0;
  // Jepsen's client/Reusable: keep a thread's client after an :info.
  virtual bool reusable_clients() const { return false; }

  // client setup!, once per node from its setup client; nullopt: nothing.
  virtual absl::optional<kvclient::Json> SetupRequest(
      const std::string& /*node*/,
      const std::vector<std::string>& /*nodes*/) const {
    return absl::nullopt;
  }
  // Why the reply to SetupRequest is not what it should be, or "".
  virtual std::string CheckSetupReply(const kvclient::Json& /*body*/) const {
    return "";
  }

  virtual WorkloadResult Check(const History& history,
                               const CheckContext& context) const = 0;

  // EXTENSION --convergence-probe: a read of a node outside the history
  // (request body without msg_id, and the value in its reply, nullopt when
  // the reply is not a good one), and the :f whose last :ok the convergence
  // is measured from. nullopt: the workload has no such read.
  struct Probe {
    kvclient::Json request;
    std::function<absl::optional<kvclient::Json>(const kvclient::Json&)> value;
    std::string write_f;
  };
  virtual absl::optional<Probe> ConvergenceProbe() const {
    return absl::nullopt;
  }
};

// One entry of the registry (sim/workloads/registry.h): what `-w NAME`
// selects.
struct WorkloadSpec {
  std::string name;     // Maelstrom's workload name: "g-counter"
  std::string summary;  // one line, for --help
  std::vector<WorkloadFlag> flags;
  // Builds the workload from its flags' values (absent: defaults).
  std::function<absl::StatusOr<std::unique_ptr<Workload>>(
      const WorkloadParams&)>
      make;
};

}  // namespace sim

#endif  // SIM_MAELSTROM_WORKLOAD_H_
