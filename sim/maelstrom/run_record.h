// Everything sim/report needs to show one run, as plain data. Both drivers
// (the simulator and the real-process harness) fill a RunRecord at the end of
// a run and hand it to WriteRunReport (writer.h); every renderer in this
// package is a pure function of it.
//
//   sim::RunRecord run;
//   run.meta.workload = "g-counter";  run.meta.seed = 7;
//   run.meta.node_ids = {"n0", "n1", "n2"};
//   run.meta.exit_code = 1;  run.meta.verdict_line = "Analysis invalid! ...";
//   run.t0 = start;                    // Jepsen's relative-time origin
//   run.concurrency = 3;               // Jepsen process ids (see ProcessIds)
//   run.history = workload.history();  // History, as the checker saw it
//   sim::MessageRecord m;           // one per message sent
//   m.sent = t;  m.end = t + absl::Milliseconds(2);
//   m.src = "n0";  m.dest = "seq-kv";  m.body = {{"type", "read"}, ...};
//   m.fate = sim::Fate::kDelivered;
//   run.messages.push_back(std::move(m));
//   run.faults.push_back({start, end, "partition", "n0 ignores [n1 n2]", {}});
//   run.results.workload = verdict.workload.report;  // the checker's say
//   run.results.net = sim::NetFromJournal(run.messages);
//
// Sizes: every renderer is linear in the record (the SVG draws at most
// WindowOptions::max_messages of the messages; the rest is only counted), so
// the record's size is bounded by what the driver kept (the harness caps its
// journal at 500,000 messages).
#ifndef SIM_MAELSTROM_RUN_RECORD_H_
#define SIM_MAELSTROM_RUN_RECORD_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/history.h"

namespace sim {

// What became of one message.
enum class Fate {
  kDelivered,     // taken off the receiver's queue and handled
  kPartitioned,   // dropped at delivery by a partition (a grudge)
  kLost,          // lost in the network (EXTENSION: --loss)
  kKvCut,         // dropped by a seq-kv cut (EXTENSION: --kv-cut)
  kReceiverDown,  // the receiving node was dead (EXTENSION: --kill)
  kNotRead,       // written but never read: Maelstrom had stopped reading
                  // the sender (an earlier invalid line), or the receiver
                  // never took it off its queue before the run ended
  kInFlight,      // still in flight when the run ended
};
const char* FateName(Fate fate);  // "delivered", "partitioned", ...
bool Arrived(Fate fate);          // only kDelivered

// One message sent on the network (client, node and service traffic alike).
struct MessageRecord {
  absl::Time sent;
  absl::optional<absl::Time> end;  // delivered or dropped; none if never
  std::string src;
  std::string dest;
  kvclient::Json body = kvclient::Json::object();
  Fate fate = Fate::kDelivered;
};

// A fault injected during the run. `nodes` names the nodes it acts on
// (kill, pause, kv-cut); empty means the whole network (partitions).
struct FaultWindow {
  absl::Time start;
  absl::Time end = absl::InfiniteFuture();  // InfiniteFuture: never ended
  std::string kind;         // "partition", "kill", "pause", "kv-cut", ...
  std::string description;  // "partition n0 ignores [n1 n2], ..."
  std::vector<std::string> nodes;
  // Whether Jepsen's history shows this window as a :start-<kind> and a
  // :stop-<kind> op (the EXTENSION faults, and records made without
  // nemesis_ops). False for windows of Maelstrom's own nemesis, whose ops
  // are in RunRecord::nemesis_ops.
  bool derived_ops = true;
};

// One op of Maelstrom's nemesis as Jepsen's history holds it (jepsen
// generator/interpreter.clj, process :nemesis): an :info invocation with the
// generator's :value and an :info completion with the nemesis's :value.
//   {:f "kill", :value :majority} -> {:value {"n2" :killed, "n0" :killed}}
//   {:f "start-partition", :value :one} -> {:value [:isolated {...}]}
struct NemesisOpRecord {
  absl::Time invoked;
  absl::Time completed;
  std::string f;            // "start-partition", "kill", "start", ...
  Edn value = Edn::Nil();   // the invocation's :value
  Edn result = Edn::Nil();  // the completion's :value
};

// history.txt: one line per client event (FormatEvent) with Maelstrom's
// nemesis ops merged in by time (client events first at equal times), each
// op two lines, its invocation's :value then its completion's:
//   "9.000000s nemesis info kill :majority"
//   "9.000000s nemesis info kill {"n2" :killed, "n0" :killed}"
std::string HistoryText(const History& history,
                        const std::vector<NemesisOpRecord>& nemesis_ops,
                        absl::Time start);

// A line a node wrote that Maelstrom rejects (after which it stops reading
// that node, Maelstrom process.clj).
struct InvalidLine {
  absl::Time time;
  std::string node;
  std::string why;   // "message to departed client c7"
  std::string line;  // the raw line (arbitrary bytes)
};

// Maelstrom's :net figures (net/checker.clj stats): send/recv counts and
// distinct messages, for all traffic, for messages with a client on either
// end, and for the rest (:servers).
struct NetCounts {
  int64_t send_count = 0;
  int64_t recv_count = 0;
  int64_t msg_count = 0;
};
struct NetFigures {
  NetCounts all, clients, servers;
};
// Counts the journal as net/checker.clj does: every record is one distinct
// message sent once; it is received iff it was delivered.
NetFigures NetFromJournal(const std::vector<MessageRecord>& messages);

// An operation the workload's checker rejects, for the pages: the timeline
// marks it, the diagram's window and the index point at the first one.
struct FlaggedOp {
  size_t index = 0;  // its position in the history (usually a completion)
  // The failed check, for people: "final read 7 on thread 0 is not in
  // [[5 5]]".
  std::string what;
  std::string note;  // shown on the op: "NOT in [[5 5]]"
};

// An anomaly the workload's checker found, as the run index lists it
// (kafka's :lost-write, Elle's :G1c): how many cases, and the first few,
// each with the ops it names.
struct AnomalyOp {
  std::string role;   // the key it sits under in the case: "writer", "cycle"
  size_t index = 0;   // its history position (the completion when paired)
  std::string label;  // "#46 process 0 fail txn w8=10 w8=11 (t=0.219s)"
};
struct AnomalyCase {
  std::string text;  // the rest of the case in one line: "mop [:r 8 11]"
  std::vector<AnomalyOp> ops;
};
struct AnomalyType {
  std::string name;                // "G1a"
  size_t count = 0;                // cases found (results.edn has them all)
  std::vector<AnomalyCase> cases;  // the first few
};

// The workload checker's results as the pages show them (the driver hands
// over what the checker returned: sim::WorkloadResult::report).
struct WorkloadReport {
  Edn results = Edn::Map();  // results.edn's :workload map, Jepsen's shape
  bool valid = true;         // its :valid?, merged into the top :valid?
  // Rows under the timeline's operation counts: {"final reads", "7, 7"}.
  std::vector<std::pair<std::string, std::string>> summary;
  std::vector<FlaggedOp> flagged;  // in history order
  // The timeline's words for a final op and a flagged one.
  std::string final_label = "final op";
  std::string flagged_label = "rejected by the checker";
  // The anomalies found, for the run index (empty: none, or a workload that
  // lists none this way).
  std::vector<AnomalyType> anomalies;
  // An op's value as the timeline words it ("w8=1 r8=1"); null: as JSON.
  std::function<std::string(const HistoryEvent&)> value_text;
};

// The figures results.edn needs besides the history (see jepsen_edn.h).
struct ResultsFigures {
  WorkloadReport workload;
  NetFigures net;
  // EXTENSIONS beyond Maelstrom, printed under `:extensions` as strings:
  // e.g. {"convergence-ms", "150.8"}, {"liveness", "ok"}.
  std::vector<std::pair<std::string, std::string>> extensions;
};

// Describes the run: what the index pages show.
struct RunMetadata {
  std::string workload = "g-counter";
  std::string driver;  // "harness" or "simulator"
  uint64_t seed = 0;
  absl::Time started;  // wall clock (harness) or the sim's epoch
  std::vector<std::string> node_ids;
  std::string command;       // the command line, to replay the run
  std::string verdict_line;  // "Everything looks good! ヽ(‘ー`)ノ"
  int exit_code = 0;         // 0 valid, 1 invalid, 2 unknown, 255 ...
  std::string results_text;  // the results block the driver printed
  std::vector<std::string> node_logs;    // relative: "node-logs/n0.log"
  std::vector<std::string> plots;        // relative: "latency-raw.png"
  std::vector<std::string> other_files;  // relative: "history.txt", ...
};

struct RunRecord {
  RunMetadata meta;
  absl::Time t0;        // Jepsen's time origin: :time 0 in history.edn
  int concurrency = 1;  // client threads
  History history;      // in the order the checker saw it
  std::vector<MessageRecord> messages;  // in send order
  std::vector<FaultWindow> faults;
  std::vector<NemesisOpRecord> nemesis_ops;  // in invocation order
  std::vector<InvalidLine> invalid_lines;
  ResultsFigures results;
};

// Seconds since t0, for display: "12.345".
std::string SecondsSince(absl::Time t0, absl::Time t, int decimals = 3);

}  // namespace sim

#endif  // SIM_MAELSTROM_RUN_RECORD_H_
