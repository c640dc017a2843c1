// The one Maelstrom driver, shared by the simulator (virtual time, in-process
// cores) and the harness (wall clock, child processes). It owns everything
// Maelstrom v0.2.4 owns in a test: the network (net.clj: latency, partitions
// applied at delivery), the services (service.clj), the clients and
// generator (the workload model), the nemeses and their gating, the heal,
// the message journal and every statistic; it validates every line a node
// writes exactly as Maelstrom does (process.clj parse-msg, net.clj
// validate-msg) and turns a node that writes a bad one deaf. It touches the
// nodes only through sim::NodeHost, and takes the time as a parameter:
//
//   sim::Driver driver(config, host, {&journal, &std::cout});
//   driver.Start(now);                              // one init per node
//   while (!driver.done()) {
//     driver.Advance(now);                          // everything due by now
//     ... wait until driver.NextWakeAt() or a node writes a line:
//     driver.OnNodeLine(node, line, now);           // (harness) or
//     driver.OnNodeMessage(node, message, now);     // (simulator)
//   }
//   sim::DriverResult r = driver.Finish(now);       // verdict + report
//
// Randomness: one sim::Prng per concern, forked from config.seed by name:
// "network", "workload", "service/<name>", "nemesis/<kind>"; hosts fork
// their own with ForkPrng (the simulator: "incarnation"). Adding a fault
// kind therefore never shifts another's random stream.
//
// Nemeses. Maelstrom's (--nemesis partition, and as Maelstrom main, kill
// and pause) are one sim::NemesisPackage: it starts with the main phase,
// steps only in it (Jepsen's time-limit ends the nemesis generator too),
// every op takes a turn of Jepsen's round robin, and its final generator
// (:stop-partition, :resume :all, :start :all) runs at the heal. Its ops are
// recorded as Jepsen's history holds them (nemesis_ops()). A killed node
// stays registered: messages to it pile up undelivered, and its restart
// (:start) gives it a fresh queue (whatever was sent to the old one is
// gone) and sends init again from a new client; a restart's init that is
// not answered is noted, not a harness error (the test goes on). Start and
// resume are idempotent; a pause of a killed node does nothing.
// The EXTENSION faults (crash, stall, kv-cut, kv-garble) start one
// FaultInterval() later, so the first seconds of a run look like Maelstrom's
// and two faults do not begin at the same instant. Stalls last 0.1-0.8 s: with
// the counter's 4 s add deadline a stalled node still answers inside the
// client's 5 s. An extension fault may still END until the heal, but none
// starts after the time limit. The heal (when the workload's in-flight
// operations are done) ends every fault, including the random
// loss/duplication/reordering.
//
// Verdict: Finish() returns what Maelstrom's checker sees. Things beyond it
// (invalid lines, a node that could not be written to, ...) are findings,
// which fail the run only with config.strict. Hosts add their own findings
// with AddFinding (busy loops, stdout floods, liveness).
//
// Bounds: at most config.max_in_flight messages in flight (beyond: the run
// fails, exit 255, as Maelstrom's JVM would run out of memory); at most
// config.journal_max_lines journal lines (beyond: one truncation line, then
// the messages are still counted but not written); at most
// config.max_fault_spans fault windows recorded (beyond: still applied, not
// recorded); at most kMaxFindings findings kept (the rest counted); at most
// kMaxStepsPerInstant deliveries in one Advance (beyond: a livelock, the run
// fails).
#ifndef SIM_DRIVER_DRIVER_H_
#define SIM_DRIVER_DRIVER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/driver/driver_config.h"
#include "sim/driver/node_host.h"
#include "sim/maelstrom/checker.h"
#include "sim/maelstrom/event_queue.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/interpreter.h"
#include "sim/maelstrom/kv_service.h"
#include "sim/maelstrom/nemesis.h"
#include "sim/maelstrom/network.h"
#include "sim/maelstrom/prng.h"
#include "sim/maelstrom/run_record.h"
#include "sim/maelstrom/staleness.h"
#include "sim/maelstrom/workload.h"

namespace sim {

// Where the driver writes. Either may be null.
struct DriverOutput {
  std::ostream* journal = nullptr;  // every message: sent, lost, dropped
  std::ostream* notes = nullptr;    // nemesis steps, heal, invalid lines
  bool echo_send = false;           // --log-net-send: sends also to notes
  bool echo_recv = false;           // --log-net-recv: deliveries also to notes
  // When set, the run as data for sim/report (messages.svg, timeline.html,
  // history.edn ...): every message sent (one MessageRecord per copy, its
  // fate filled in at delivery or drop; at most config.journal_max_lines),
  // every recorded fault window with the node it acts on, and every line
  // that made a node deaf (at most kMaxFindings). Finish() adds the history,
  // t0 (the workload's start: Jepsen's :time 0), the concurrency, the node
  // ids and the figures results.edn needs; the host fills in run->meta.
  RunRecord* record = nullptr;
};

struct DriverResult {
  Verdict verdict;
  RunReport report;
  History history;
};

class Driver {
 public:
  static constexpr int64_t kMaxStepsPerInstant = 1000000;
  static constexpr size_t kMaxFindings = 1000;
  // Maelstrom would number clients from c0; the probe's extra clients
  // (EXTENSION) are numbered far from any workload client.
  static constexpr int64_t kFirstProbeClient = 900000000;

  Driver(const DriverConfig& config, NodeHost& host, DriverOutput output);
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // Sends one init per node. Call once, first; `now` is the run's t=0.
  void Start(absl::Time now);
  // Everything due by `now`: deliveries, client operations, nemesis steps,
  // the heal, probe reads. `now` never goes back.
  void Advance(absl::Time now);
  // When Advance next has something to do (InfiniteFuture: nothing until a
  // node writes).
  absl::Time NextWakeAt() const;
  // The test is over: the workload finished, or the run failed.
  bool done() const;

  // A line node `node` wrote on stdout (harness): process.clj parse-msg
  // (sim::ParseNodeLine), then as OnNodeMessage.
  void OnNodeLine(int node, absl::string_view line, absl::Time now);
  // A message node `node` emitted (simulator: already structured, so it
  // skips the JSON). net.clj validate-msg: src AND dest must be registered
  // endpoints (a node, a service, an open client); a node may write another
  // registered node's id as src. Anything else makes the node deaf: its
  // later output is discarded, as Maelstrom's io-thread stops reading.
  void OnNodeMessage(int node, const kvclient::Message& message,
                     absl::Time now);
  // The host could not even read a line (e.g. longer than its bound): the
  // node goes deaf as for an invalid line.
  void OnNodeUnreadable(int node, const std::string& why, absl::Time now);

  // An EXTENSION finding from the host (busy loop, stdout flood, liveness).
  void AddFinding(const std::string& kind, const std::string& detail);
  // The test crashed (exit 255), e.g. a node process died. First one wins.
  void Fail(const std::string& why);

  DriverResult Finish(absl::Time now);

  // For hosts and progress lines.
  Prng ForkPrng(absl::string_view name) const { return root_.Fork(name); }
  int node_count() const { return static_cast<int>(nodes_.size()); }
  const std::string& node_id(int node) const { return nodes_.at(node).id; }
  int NodeIndex(absl::string_view id) const;  // -1 when not a node
  bool node_up(int node) const { return nodes_.at(node).up; }
  bool node_deaf(int node) const { return nodes_.at(node).deaf; }
  const Interpreter& interpreter() const { return interpreter_; }
  const KvService* service(absl::string_view name) const;
  bool healed() const { return healed_; }
  absl::optional<absl::Time> heal_time() const { return heal_time_; }
  int64_t messages() const { return messages_; }
  int64_t in_flight() const { return static_cast<int64_t>(in_flight_.size()); }
  int64_t journal_lines() const { return journal_lines_; }
  const std::string& harness_error() const { return harness_error_; }
  const std::vector<Finding>& findings() const { return findings_; }
  const std::vector<FaultWindow>& fault_spans() const { return fault_spans_; }
  // Maelstrom's nemesis ops so far, as Jepsen's history holds them.
  const std::vector<NemesisOpRecord>& nemesis_ops() const {
    return nemesis_op_records_;
  }
  std::vector<std::string> ActiveFaults()
      const;  // descriptions, for progress lines
  absl::Time t0() const { return t0_; }

 private:
  struct NodeState {
    std::string id;
    bool up = true;       // false while killed
    bool paused = false;  // SIGSTOPped
    // Which process: +1 per restart. A message reaches the node only if it
    // was sent to this incarnation's queue (a restart installs a fresh one).
    int64_t incarnation = 0;
    bool deaf = false;      // Maelstrom stopped reading its stdout
    int64_t lines = 0;      // lines read from it
    int64_t discarded = 0;  // written after it went deaf
  };
  struct InFlight {
    kvclient::Message message;
    int64_t id = 0;
    int64_t record = -1;  // index into output_.record->messages, or -1
    int64_t dest_incarnation = -1;  // a node's, when sent; -1 otherwise
  };
  struct Fault {  // an EXTENSION fault and its own schedule
    Nemesis nemesis;
    Prng prng;
  };

  bool Registered(const std::string& id) const;
  void Send(const kvclient::Message& message, absl::Time now,
            bool counted = true);
  void Route(const InFlight& item, absl::Time now);
  void DeliverToClient(const kvclient::Message& message, int64_t id,
                       absl::Time now);
  void MakeDeaf(int node, const std::string& why, absl::Time now,
                absl::string_view line);

  void PollWorkload(absl::Time now);
  void StartNemeses(absl::Time start);
  bool MaelstromMayFire(absl::Time at) const;
  bool MayFire(const Fault& fault, absl::Time now) const;
  void FireNemeses(absl::Time now);
  void Apply(const FaultAction& action, absl::Time now);
  // One op of Maelstrom's nemesis: carried out, recorded, counted.
  void ApplyMaelstrom(const FaultAction& action, absl::Time now);
  // nemesis/combined.clj db-nemesis on one node; the keyword its completion
  // maps the node to.
  // `maelstrom`: Maelstrom's nemesis did it (its windows have recorded ops).
  std::string KillNode(int node, const std::string& why, bool maelstrom,
                       absl::Time now);
  std::string StartNode(int node, absl::Time now);
  std::string PauseNode(int node, const std::string& why, bool maelstrom,
                        absl::Time now);
  std::string ResumeNode(int node, absl::Time now);
  void OpenSpan(const std::string& key, const std::string& kind,
                const std::string& description, absl::Time now,
                const std::string& node = "", bool maelstrom = false);
  void CloseSpan(const std::string& key, absl::Time now);
  // Ends the window of a partition that cuts something, if one holds.
  void EndPartitionWindow(absl::Time now);
  void Heal(absl::Time now);
  // kv-garble (EXTENSION): a stretch of `node`'s garbled KV replies ends;
  // its request rate is judged against config.kv_rate_bound.
  void EndGarble(const std::string& node, absl::Time now);
  absl::optional<Json> ServeGarbled(const kvclient::Message& request,
                                    KvService& service, Prng& service_prng);

  void RunProbe(absl::Time now);
  void OnProbeReply(const kvclient::Message& message, absl::Time now);

  void Journal(absl::Time now, absl::string_view event,
               const kvclient::Message& m, int64_t id);
  // Appends a MessageRecord (fate kInFlight); its index, or -1 when there is
  // no record or it is full.
  int64_t Record(const kvclient::Message& m, absl::Time now);
  void SetFate(int64_t record, Fate fate, absl::Time now);
  absl::Time JepsenT0() const;
  Verdict Check(const History& history) const;
  RunReport Report(absl::Time now) const;
  void ReportProbe(const History& history, RunReport& report) const;
  void FillRecord(const DriverResult& result);
  void Note(absl::Time now, const std::string& line);
  std::string Stamp(absl::Time now) const;

  DriverConfig config_;
  NodeHost& host_;
  DriverOutput output_;
  Prng root_;
  Prng network_prng_;
  Prng workload_prng_;
  Network network_;
  std::map<std::string, std::unique_ptr<KvService>> services_;
  std::map<std::string, Prng> service_prngs_;
  std::unique_ptr<Workload> workload_;  // the plug-in -w chose
  Interpreter interpreter_;             // its clients and generators
  absl::optional<Workload::Probe> probe_spec_;
  std::vector<NodeState> nodes_;
  std::map<std::string, int> node_index_;
  absl::optional<NemesisPackage> maelstrom_nemesis_;
  std::vector<Fault> faults_;  // EXTENSION faults
  // kv-garble: nodes whose KV replies are garbled now, since when, and the
  // KV requests each sent since; the most requests a second over a
  // stretch of at least 1 s.
  struct Garbled {
    absl::Time since;
    int64_t requests = 0;
  };
  std::map<std::string, Garbled> garbled_;
  Prng garble_prng_;
  absl::optional<double> kv_rate_garbled_;

  EventQueue<InFlight> in_flight_;
  absl::Time t0_ = absl::InfinitePast();
  absl::Time last_now_ = absl::InfinitePast();
  bool started_ = false;
  bool workload_dirty_ = true;
  absl::Time workload_wake_ = absl::InfinitePast();
  bool nemeses_started_ = false;
  bool healed_ = false;
  bool healing_ = false;  // Heal() is applying the final ops
  absl::optional<absl::Time> heal_time_;
  std::vector<NemesisOpRecord> nemesis_op_records_;  // bounded: see Apply

  int64_t next_message_id_ = 0;  // net.clj :next-message-id
  int64_t messages_ = 0;
  int64_t server_messages_ = 0;
  int64_t lost_ = 0;
  int64_t dropped_ = 0;
  int64_t journal_lines_ = 0;
  std::vector<Finding> findings_;
  int64_t findings_dropped_ = 0;
  std::vector<FaultWindow> fault_spans_;
  std::map<std::string, size_t> open_spans_;  // key → index into fault_spans_
  // Windows in which a partition that cuts something held, for read
  // staleness (a grudge that cuts nothing is no partition). Bounded like
  // fault_spans_.
  TimeWindows partition_windows_;
  absl::optional<absl::Time> cutting_since_;
  std::string harness_error_;
  int64_t records_dropped_ = 0;  // messages beyond the record's bound

  // EXTENSION --convergence-probe.
  struct Probe {
    absl::Time next_round = absl::InfiniteFuture();
    int64_t next_client = kFirstProbeClient;
    std::map<std::string, int> round_client_node;  // this round's clients
    std::map<int, kvclient::Json> answers;         // node → value, this round
    int64_t reads_sent = 0;
    absl::optional<absl::Time> converged_at;
    kvclient::Json converged_value;
    bool done = false;
  } probe_;
};

}  // namespace sim

#endif  // SIM_DRIVER_DRIVER_H_
