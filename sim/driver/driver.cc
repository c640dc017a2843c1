#include "sim/driver/driver.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"
#include "sim/maelstrom/jepsen_history.h"
#include "sim/maelstrom/kv_garble.h"
#include "sim/maelstrom/node_line.h"
#include "sim/workloads/registry.h"

namespace sim {
namespace {

using kvclient::Json;
using kvclient::Message;

// Stalls (EXTENSION) last this long; see the header for why.
constexpr absl::Duration kMinPause = absl::Milliseconds(100);
constexpr absl::Duration kMaxPause = absl::Milliseconds(800);

// A grudge as Jepsen prints it in [:isolated grudge]: {"n0" #{"n2"}, ...}.
// Entries in key order (Clojure prints small maps and sets in its own
// order; the same entries).
std::string GrudgeEdn(const Grudge& grudge) {
  std::vector<std::string> entries;
  for (const auto& [receiver, senders] : grudge) {
    std::vector<std::string> set;
    for (const std::string& s : senders) set.push_back(Edn::String(s).Print());
    entries.push_back(absl::StrCat(Edn::String(receiver).Print(), " #{",
                                   absl::StrJoin(set, " "), "}"));
  }
  return absl::StrCat("{", absl::StrJoin(entries, ", "), "}");
}

// Integers beyond 64 bits as their digits (sim/maelstrom/node_line.h).
std::string Dump(const Json& body) {
  return RestoreBigIntegers(
      body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::string Truncated(absl::string_view s, size_t n = 300) {
  if (s.size() <= n) return std::string(s);
  return absl::StrCat(s.substr(0, n), "... (", s.size(), " bytes)");
}

bool IsProbeClientId(absl::string_view id, int64_t next_probe_client) {
  int64_t n;
  return kvclient::IsClientId(id) && absl::SimpleAtoi(id.substr(1), &n) &&
         n >= Driver::kFirstProbeClient && n < next_probe_client;
}

WorkloadOptions CheckedOptions(const DriverConfig& config) {
  MC_ASSERT(config.node_count() > 0, "a test needs nodes");
  MC_ASSERT(config.workload.concurrency > 0,
            "a test needs client threads: ", config.workload.concurrency);
  return config.workload;
}

// The flags checked the name and the values (FinishSharedFlags).
std::unique_ptr<Workload> MakeWorkload(const WorkloadOptions& options) {
  absl::StatusOr<std::unique_ptr<Workload>> w =
      workloads::Make(options.name, options.params);
  MC_ASSERT(w.ok(),
            "the workload was checked with the flags: ", w.status().ToString());
  return *std::move(w);
}

}  // namespace

Driver::Driver(const DriverConfig& config, NodeHost& host, DriverOutput output)
    : config_(config),
      host_(host),
      output_(output),
      root_(config.seed),
      network_prng_(root_.Fork("network")),
      workload_prng_(root_.Fork("workload")),
      network_(config.network),
      services_(MakeDefaultKvServices()),
      workload_(MakeWorkload(config.workload)),
      interpreter_(CheckedOptions(config), *workload_, config.nodes),
      probe_spec_(workload_->ConvergenceProbe()),
      garble_prng_(root_.Fork("kv-garble")) {
  for (const auto& [name, service] : services_) {
    service_prngs_.emplace(name, root_.Fork(absl::StrCat("service/", name)));
  }
  for (size_t i = 0; i < config_.nodes.size(); ++i) {
    NodeState n;
    n.id = config_.nodes[i];
    MC_ASSERT(!IsServiceName(n.id) && !kvclient::IsClientId(n.id),
              "node ids never collide with services or clients: ", n.id);
    MC_ASSERT(node_index_.emplace(n.id, static_cast<int>(i)).second,
              "node ids are unique: ", n.id);
    nodes_.push_back(std::move(n));
  }
}

int Driver::NodeIndex(absl::string_view id) const {
  auto it = node_index_.find(std::string(id));
  return it == node_index_.end() ? -1 : it->second;
}

const KvService* Driver::service(absl::string_view name) const {
  auto it = services_.find(std::string(name));
  return it == services_.end() ? nullptr : it->second.get();
}

// ------------------------------------------------------------------ output

std::string Driver::Stamp(absl::Time now) const {
  return absl::StrFormat("%10.6fs", absl::ToDoubleSeconds(now - t0_));
}

void Driver::Journal(absl::Time now, absl::string_view event, const Message& m,
                     int64_t id) {
  const bool echo = (event == "send" && output_.echo_send) ||
                    (event == "recv" && output_.echo_recv);
  if (echo && output_.notes != nullptr) {
    *output_.notes << absl::StrFormat("[%s] %s %s -> %s %s\n", Stamp(now),
                                      event, m.src, m.dest, Dump(m.body));
  }
  if (output_.journal == nullptr || event == "recv") return;
  if (journal_lines_ >= config_.journal_max_lines) return;
  if (++journal_lines_ == config_.journal_max_lines) {
    *output_.journal << "[journal truncated at " << config_.journal_max_lines
                     << " lines: later messages are counted but not written]\n";
    return;
  }
  *output_.journal << Stamp(now) << " " << event << " #" << id << " " << m.src
                   << " -> " << m.dest << " " << Dump(m.body) << "\n";
}

int64_t Driver::Record(const Message& m, absl::Time now) {
  RunRecord* run = output_.record;
  if (run == nullptr) return -1;
  if (static_cast<int64_t>(run->messages.size()) >= config_.journal_max_lines) {
    ++records_dropped_;
    return -1;
  }
  MessageRecord r;
  r.sent = now;
  r.src = m.src;
  r.dest = m.dest;
  r.body = m.body;
  r.fate = Fate::kInFlight;
  run->messages.push_back(std::move(r));
  return static_cast<int64_t>(run->messages.size()) - 1;
}

void Driver::SetFate(int64_t record, Fate fate, absl::Time now) {
  if (record < 0) return;
  MessageRecord& r = output_.record->messages.at(record);
  MC_ASSERT(r.fate == Fate::kInFlight,
            "a message copy meets its fate once: ", r.src, " -> ", r.dest);
  r.fate = fate;
  r.end = now;
}

void Driver::Note(absl::Time now, const std::string& line) {
  if (output_.notes != nullptr) {
    *output_.notes << "[" << Stamp(now) << "] " << line << "\n";
  }
}

void Driver::AddFinding(const std::string& kind, const std::string& detail) {
  if (findings_.size() >= kMaxFindings) {
    ++findings_dropped_;
    return;
  }
  findings_.push_back(Finding{kind, detail});
}

void Driver::Fail(const std::string& why) {
  if (!harness_error_.empty()) return;
  harness_error_ = why;
  if (output_.notes != nullptr)
    *output_.notes << "maelstrom: ERROR " << why << "\n";
}

// ----------------------------------------------------------------- routing

bool Driver::Registered(const std::string& id) const {
  return node_index_.count(id) > 0 || IsServiceName(id) ||
         interpreter_.KnowsClient(id) ||
         IsProbeClientId(id, probe_.next_client);
}

void Driver::Start(absl::Time now) {
  MC_ASSERT(!started_, "Start is called once");
  started_ = true;
  t0_ = last_now_ = now;
  for (const Message& init : interpreter_.StartInits(now)) Send(init, now);
  workload_dirty_ = true;
}

void Driver::Send(const Message& m, absl::Time now, bool counted) {
  MC_ASSERT(started_, "messages flow only after Start");
  MC_ASSERT(m.body.is_object(),
            "every message body is a map (keywordize-keys-1)");
  const int64_t id = next_message_id_++;
  if (counted) {
    ++messages_;
    if (!IsClientEndpoint(m.src) && !IsClientEndpoint(m.dest))
      ++server_messages_;
  }
  Journal(now, "send", m, id);
  std::vector<absl::Duration> copies = network_.OnSend(m, network_prng_);
  if (copies.empty()) {
    ++lost_;
    Journal(now, "lost", m, id);
    SetFate(Record(m, now), Fate::kLost, now);
  }
  for (absl::Duration delay : copies) {
    if (in_flight() >= config_.max_in_flight) {
      Fail(absl::StrCat(
          "over ", config_.max_in_flight,
          " messages in flight at once (the driver's bound; Maelstrom's JVM "
          "would run out of memory): is a node flooding the network?"));
      return;
    }
    const int dest = NodeIndex(m.dest);
    in_flight_.Schedule(now + delay,
                        InFlight{m, id, Record(m, now),
                                 dest >= 0 ? nodes_[dest].incarnation : -1});
  }
}

void Driver::MakeDeaf(int node, const std::string& why, absl::Time now,
                      absl::string_view line) {
  NodeState& n = nodes_.at(node);
  MC_ASSERT(!n.deaf, "a deaf node's lines are never judged again: ", n.id);
  n.deaf = true;
  if (output_.record != nullptr &&
      output_.record->invalid_lines.size() < kMaxFindings) {
    output_.record->invalid_lines.push_back(
        InvalidLine{now, n.id, why, std::string(line)});
  }
  const std::string detail = absl::StrCat(
      n.id, " at ", Stamp(now), ": ", why,
      "; Maelstrom logs the error and never "
      "reads ",
      n.id, "'s stdout again (its later messages and replies are lost)");
  AddFinding("invalid-line", detail);
  if (output_.notes != nullptr) {
    *output_.notes << "maelstrom: INVALID " << detail << "\n";
  }
}

void Driver::OnNodeLine(int node, absl::string_view line, absl::Time now) {
  NodeState& n = nodes_.at(node);
  if (n.deaf) {
    ++n.discarded;
    return;
  }
  ++n.lines;
  absl::StatusOr<Message> m = ParseNodeLine(line);
  if (!m.ok()) {
    MakeDeaf(
        node,
        absl::StrCat("wrote a line that is not a valid message (process.clj "
                     "parse-msg): ",
                     m.status().message(), "; line: ", Truncated(line)),
        now, line);
    return;
  }
  OnNodeMessage(node, *m, now);
}

void Driver::OnNodeUnreadable(int node, const std::string& why,
                              absl::Time now) {
  if (nodes_.at(node).deaf) return;
  MakeDeaf(node, why, now, "");
}

void Driver::OnNodeMessage(int node, const Message& m, absl::Time now) {
  NodeState& n = nodes_.at(node);
  if (n.deaf || !n.up) {
    ++n.discarded;
    return;
  }
  MC_ASSERT(now >= last_now_, "time never goes back");
  // net.clj validate-msg: both ends must be in the network's queues.
  auto check = [&](const char* end, const std::string& id) {
    if (Registered(id)) return true;
    MakeDeaf(
        node,
        absl::StrCat(
            "Invalid ", end, " for message (net.clj validate-msg): \"", id,
            "\" is not a node, a service or an open client",
            kvclient::IsClientId(id)
                ? " (a client that gave up and was closed, or never existed)"
                : "",
            "; message: ", Truncated(kvclient::EncodeMessage(m))),
        now, kvclient::EncodeMessage(m));
    return false;
  };
  if (!check("source", m.src) || !check("dest", m.dest)) return;
  auto garbled = garbled_.find(n.id);
  if (garbled != garbled_.end() && IsServiceName(m.dest)) {
    ++garbled->second.requests;
  }
  Send(m, now);
}

void Driver::Route(const InFlight& item, absl::Time now) {
  const Message& m = item.message;
  MC_ASSERT(item.id < next_message_id_, "only sent messages are delivered: #",
            item.id);
  if (network_.DropAtDelivery(m)) {
    ++dropped_;
    Journal(now, "drop", m, item.id);
    // Grudges are between nodes; a drop with a service on one end is a
    // seq-kv cut (EXTENSION).
    SetFate(item.record,
            IsServiceName(m.src) || IsServiceName(m.dest) ? Fate::kKvCut
                                                          : Fate::kPartitioned,
            now);
    return;
  }
  const int node = NodeIndex(m.dest);
  if (node >= 0) {
    // A killed node's queue holds what is sent to it, undelivered; its
    // restart installs a fresh queue, so all of it is gone (Maelstrom main's
    // db kill!/start!, PR #102).
    if (!nodes_[node].up || nodes_[node].incarnation != item.dest_incarnation) {
      ++dropped_;
      Journal(now, "drop", m, item.id);
      SetFate(item.record, Fate::kReceiverDown, now);
      return;
    }
    Journal(now, "recv", m, item.id);
    SetFate(item.record, Fate::kDelivered, now);
    host_.Deliver(node, m, item.id, now);
    return;
  }
  auto service = services_.find(m.dest);
  // A client that was closed before the message arrived never reads it.
  SetFate(item.record,
          kvclient::IsClientId(m.dest) && !Registered(m.dest)
              ? Fate::kNotRead
              : Fate::kDelivered,
          now);
  if (service != services_.end()) {
    Prng& service_prng = service_prngs_.at(m.dest);
    absl::optional<Json> reply =
        garbled_.count(m.src) > 0
            ? ServeGarbled(m, *service->second, service_prng)
            : service->second->Handle(m.src, m.body, service_prng);
    if (reply.has_value()) Send(Message{m.dest, m.src, std::move(*reply)}, now);
    return;
  }
  if (IsServiceName(m.dest)) return;  // no model: no reply (see MakeServices)
  if (IsProbeClientId(m.dest, probe_.next_client)) {
    OnProbeReply(m, now);
    return;
  }
  DeliverToClient(m, item.id, now);
}

void Driver::DeliverToClient(const Message& m, int64_t id, absl::Time now) {
  std::string note;
  Interpreter::Delivery d = interpreter_.OnClientMessage(m, now, &note);
  workload_dirty_ = true;
  // A client closed between the send and now: Maelstrom removed its queue
  // (client.clj close!) and the message is gone. A reply the client does
  // not wait for is skipped (client.clj recv!).
  if (d != Interpreter::Delivery::kAccepted) {
    Journal(now, d == Interpreter::Delivery::kIgnored ? "skip" : "gone", m, id);
  }
}

// ---------------------------------------------------------------- the loop

void Driver::PollWorkload(absl::Time now) {
  const bool started = interpreter_.main_started();
  Interpreter::Output out = interpreter_.Poll(now, workload_prng_);
  workload_dirty_ = false;
  if (!interpreter_.harness_error().empty()) {
    std::string why = interpreter_.harness_error();
    for (const NodeState& n : nodes_) {
      if (absl::StartsWith(why, n.id + " ")) {
        absl::StrAppend(&why, " (db.clj setup!: Maelstrom waits 10 s). ", n.id,
                        " wrote ", n.lines,
                        " stdout lines; an init_ok needs \"in_reply_to\":1 and "
                        "\"dest\" = the init's src.",
                        host_.Diagnose(NodeIndex(n.id)));
      }
    }
    Fail(why);
    return;
  }
  for (const std::string& note : interpreter_.TakeNotes()) {
    // db.clj's init inside start! throws: the nemesis op fails, the test
    // goes on (Maelstrom main). Beyond Maelstrom: a finding.
    AddFinding("restart-init", note);
    Note(now, absl::StrCat("note: ", note));
  }
  if (!started && interpreter_.main_started()) {
    StartNemeses(interpreter_.start_time());
  }
  if (out.heal) Heal(now);
  for (const Message& m : out.messages) Send(m, now);
  workload_wake_ = interpreter_.NextWakeAt();
}

void Driver::Advance(absl::Time now) {
  MC_ASSERT(started_, "Start comes first");
  MC_ASSERT(now >= last_now_, "time never goes back: ", absl::FormatTime(now),
            " < ", absl::FormatTime(last_now_));
  last_now_ = now;
  int64_t steps = 0;
  while (harness_error_.empty() && NextWakeAt() <= now) {
    while (auto t = in_flight_.NextTime()) {
      if (*t > now) break;
      InFlight item = in_flight_.Pop()->event;
      Route(item, now);
      if (++steps > kMaxStepsPerInstant) {
        Fail(absl::StrCat("livelock: over ", kMaxStepsPerInstant,
                          " deliveries at one instant, ", Stamp(now)));
        return;
      }
    }
    if (!harness_error_.empty()) return;
    if (workload_dirty_ || workload_wake_ <= now) PollWorkload(now);
    if (!harness_error_.empty()) return;
    FireNemeses(now);
    RunProbe(now);
    if (++steps > kMaxStepsPerInstant) {
      Fail(absl::StrCat("livelock: the driver kept finding work at ",
                        Stamp(now)));
      return;
    }
  }
}

absl::Time Driver::NextWakeAt() const {
  if (!harness_error_.empty() || interpreter_.done())
    return absl::InfiniteFuture();
  absl::Time next = workload_dirty_ ? absl::InfinitePast() : workload_wake_;
  if (auto t = in_flight_.NextTime()) next = std::min(next, *t);
  if (maelstrom_nemesis_ && MaelstromMayFire(maelstrom_nemesis_->next_at()))
    next = std::min(next, maelstrom_nemesis_->next_at());
  for (const Fault& f : faults_) {
    if (MayFire(f, f.nemesis.next_at()))
      next = std::min(next, f.nemesis.next_at());
  }
  next = std::min(next, probe_.next_round);
  return next;
}

bool Driver::done() const {
  return !harness_error_.empty() || interpreter_.done();
}

// ------------------------------------------------------------------ faults

void Driver::StartNemeses(absl::Time start) {
  MC_ASSERT(!nemeses_started_, "the nemeses start once, with the main phase");
  nemeses_started_ = true;
  const std::vector<std::string>& ids = config_.nodes;
  if (config_.maelstrom_faults().any()) {
    maelstrom_nemesis_.emplace(ids, config_.maelstrom_faults(),
                               config_.nemesis_interval, root_);
    maelstrom_nemesis_->Start(start);
  }
  const absl::Duration every = config_.FaultInterval();
  const absl::Time later = start + every;
  if (config_.crash) {
    faults_.push_back(
        Fault{Nemesis::Crash(ids, every, later), root_.Fork("nemesis/kill")});
  }
  if (config_.stall) {
    faults_.push_back(
        Fault{Nemesis::Stall(ids, every, kMinPause, kMaxPause, later),
              root_.Fork("nemesis/pause")});
  }
  if (config_.kv_cut) {
    faults_.push_back(
        Fault{Nemesis::KvCut(ids, every, later), root_.Fork("nemesis/kv-cut")});
  }
  if (config_.kv_garble) {
    faults_.push_back(Fault{Nemesis::KvGarble(ids, every, later),
                            root_.Fork("nemesis/kv-garble")});
  }
}

// Whether Maelstrom's nemesis may hand out an op due at `at`: only in the
// main phase, before the time limit's cutoff.
bool Driver::MaelstromMayFire(absl::Time at) const {
  return nemeses_started_ && !healed_ &&
         interpreter_.phase() == Interpreter::Phase::kMain &&
         at < interpreter_.cutoff();
}

// Whether EXTENSION fault `fault` may take a step at time `at`: start only
// in the main phase, end until the heal.
bool Driver::MayFire(const Fault& fault, absl::Time at) const {
  if (!nemeses_started_ || healed_) return false;
  return MaelstromMayFire(at) || fault.nemesis.active();
}

void Driver::FireNemeses(absl::Time now) {
  while (maelstrom_nemesis_ && now >= maelstrom_nemesis_->next_at() &&
         MaelstromMayFire(now)) {
    const FaultAction action = maelstrom_nemesis_->Fire(now);
    ApplyMaelstrom(action, now);
    if (!harness_error_.empty()) return;
    // A dispatched nemesis op takes a turn of Jepsen's round robin, and the
    // nemesis' next op counts for the time limit (generator.clj TimeLimit).
    interpreter_.OnNemesisOp(now, maelstrom_nemesis_->next_at());
    // The op moved the nemesis' next op, which the time limit counts
    // (MainPhaseOver): the workload's cached wake-up is stale. Without this
    // a nemesis op that leaves nothing due before the cutoff strands the
    // run ("ran out of events"; //sim:sweep_single_test seed 59).
    workload_dirty_ = true;
  }
  for (Fault& f : faults_) {
    if (now < f.nemesis.next_at() || !MayFire(f, now)) continue;
    Apply(f.nemesis.Fire(now, f.prng), now);
    if (!harness_error_.empty()) return;
  }
}

void Driver::OpenSpan(const std::string& key, const std::string& kind,
                      const std::string& description, absl::Time now,
                      const std::string& node, bool maelstrom) {
  CloseSpan(key, now);
  if (static_cast<int64_t>(fault_spans_.size()) >= config_.max_fault_spans)
    return;
  open_spans_[key] = fault_spans_.size();
  FaultWindow w;
  w.start = now;
  w.kind = kind;
  w.description = description;
  if (!node.empty()) w.nodes.push_back(node);
  // Maelstrom's own nemesis ops are recorded as they are (nemesis_ops).
  w.derived_ops = !maelstrom;
  fault_spans_.push_back(std::move(w));
}

void Driver::CloseSpan(const std::string& key, absl::Time now) {
  auto it = open_spans_.find(key);
  if (it == open_spans_.end()) return;
  fault_spans_[it->second].end = now;
  open_spans_.erase(it);
}

void Driver::EndPartitionWindow(absl::Time now) {
  if (!cutting_since_.has_value()) return;
  if (static_cast<int64_t>(partition_windows_.size()) <
      config_.max_fault_spans) {
    partition_windows_.emplace_back(*cutting_since_, now);
  }
  cutting_since_.reset();
}

void Driver::Apply(const FaultAction& a, absl::Time now) {
  const std::string what = a.Describe();  // says so when a grudge cuts nothing
  Note(now,
       absl::StrCat("nemesis: ", what, healing_ ? " (final generator)" : ""));
  const int node = a.node.empty() ? -1 : NodeIndex(a.node);
  MC_ASSERT(a.node.empty() || node >= 0,
            "nemeses act on the test's nodes: ", a.node);
  switch (a.kind) {
    case FaultAction::kPartition:
      network_.SetGrudge(a.grudge);
      OpenSpan("partition", "partition", what, now, "", /*maelstrom=*/true);
      EndPartitionWindow(now);
      if (CutsSomething(a.grudge)) cutting_since_ = now;
      break;
    case FaultAction::kHeal:
      network_.Heal();
      CloseSpan("partition", now);
      EndPartitionWindow(now);
      break;
    case FaultAction::kCutKv:
      network_.CutKv(a.node, a.cut_mode);
      OpenSpan("kv-cut " + a.node, "kv-cut", what, now, a.node);
      break;
    case FaultAction::kRestoreKv:
      network_.RestoreKv(a.node);
      CloseSpan("kv-cut " + a.node, now);
      break;
    case FaultAction::kGarbleKv:
      garbled_[a.node] = Garbled{now, 0};
      OpenSpan("kv-garble " + a.node, "kv-garble", what, now, a.node);
      break;
    case FaultAction::kUngarbleKv:
      EndGarble(a.node, now);
      CloseSpan("kv-garble " + a.node, now);
      break;
    case FaultAction::kKill: KillNode(node, what, false, now); break;
    case FaultAction::kRestart: StartNode(node, now); break;
    case FaultAction::kPause: PauseNode(node, what, false, now); break;
    case FaultAction::kResume: ResumeNode(node, now); break;
    case FaultAction::kKillNodes:
    case FaultAction::kStartNodes:
    case FaultAction::kPauseNodes:
    case FaultAction::kResumeNodes:
      MC_ASSERT(false, "Maelstrom's db ops go through ApplyMaelstrom: ", what);
  }
}

void Driver::ApplyMaelstrom(const FaultAction& a, absl::Time now) {
  NemesisOpRecord op;
  op.invoked = op.completed = now;
  op.f = a.JepsenF();
  MC_ASSERT(!op.f.empty(), "an op of Maelstrom's nemesis has an :f");
  // The generator's :value: the spec (nil for stop-partition and for the
  // random subset).
  op.value = a.shape.empty() ? Edn::Nil() : Edn::Keyword(a.shape);
  const bool db =
      a.kind == FaultAction::kKillNodes || a.kind == FaultAction::kStartNodes ||
      a.kind == FaultAction::kPauseNodes || a.kind == FaultAction::kResumeNodes;
  if (!db) {
    Apply(a, now);
    // nemesis.clj partitioner: [:isolated grudge], :network-healed.
    op.result = a.kind == FaultAction::kHeal
                    ? Edn::Keyword("network-healed")
                    : Edn::Vector({Edn::Keyword("isolated"),
                                   Edn::Raw(GrudgeEdn(a.grudge))});
  } else {
    const std::string what = a.Describe();
    Note(now,
         absl::StrCat("nemesis: ", what, healing_ ? " (final generator)" : ""));
    // db-nemesis invoke!: (c/on-nodes test nodes f) -> {node result}, in
    // the order db-nodes picked them.
    op.result = Edn::Map();
    for (const std::string& id : a.nodes) {
      const int node = NodeIndex(id);
      MC_ASSERT(node >= 0, "nemeses act on the test's nodes: ", id);
      std::string result;
      switch (a.kind) {
        case FaultAction::kKillNodes:
          result = KillNode(node, what, true, now);
          break;
        case FaultAction::kStartNodes: result = StartNode(node, now); break;
        case FaultAction::kPauseNodes:
          result = PauseNode(node, what, true, now);
          break;
        default: result = ResumeNode(node, now); break;
      }
      if (!harness_error_.empty()) return;
      op.result.PutKey(Edn::String(id), Edn::Keyword(result));
    }
  }
  if (static_cast<int64_t>(nemesis_op_records_.size()) <
      config_.max_fault_spans) {
    nemesis_op_records_.push_back(std::move(op));
  }
}

// The keywords are this project's reading of Maelstrom main's db (PR #102:
// "The four protocol methods return keywords"; its code was not readable
// here): :killed, :started, :paused, :resumed, and for the idempotent cases
// :already-running, :not-paused, :not-running.
std::string Driver::KillNode(int node, const std::string& why, bool maelstrom,
                             absl::Time now) {
  NodeState& n = nodes_[node];
  if (!n.up) return "not-running";
  if (n.paused) CloseSpan("pause " + n.id, now);
  n.up = false;
  n.paused = false;
  host_.Kill(node, now);
  interpreter_.CancelInits(n.id);
  workload_dirty_ = true;
  OpenSpan("kill " + n.id, "kill", why, now, n.id, maelstrom);
  return "killed";
}

std::string Driver::StartNode(int node, absl::Time now) {
  NodeState& n = nodes_[node];
  CloseSpan("kill " + n.id, now);
  if (n.up) return "already-running";
  if (!host_.Restart(node, now)) {
    Fail(absl::StrCat("could not restart ", n.id, host_.Diagnose(node)));
    return "failed";
  }
  // A new process with a fresh queue: Maelstrom reads its stdout from
  // scratch and sends it init again, from a new client.
  n.up = true;
  n.deaf = false;
  ++n.incarnation;
  Send(interpreter_.InitFor(n.id, now, /*restart=*/true), now);
  workload_dirty_ = true;  // the init has a deadline
  return "started";
}

std::string Driver::PauseNode(int node, const std::string& why, bool maelstrom,
                              absl::Time now) {
  NodeState& n = nodes_[node];
  if (!n.up) return "not-running";
  if (n.paused) return "paused";
  n.paused = true;
  host_.Pause(node, now);
  OpenSpan("pause " + n.id, "pause", why, now, n.id, maelstrom);
  return "paused";
}

std::string Driver::ResumeNode(int node, absl::Time now) {
  NodeState& n = nodes_[node];
  CloseSpan("pause " + n.id, now);
  if (!n.up) return "not-running";
  if (!n.paused) return "not-paused";
  n.paused = false;
  host_.Resume(node, now);
  return "resumed";
}

// A garbled node's request (EXTENSION kv-garble, sim/maelstrom/kv_garble.h):
// refused with an error, or served and its reply garbled.
absl::optional<Json> Driver::ServeGarbled(const Message& request,
                                          KvService& service,
                                          Prng& service_prng) {
  const GarbleForm form = DrawGarbleForm(garble_prng_);
  absl::optional<Json> reply;
  if (Applies(form)) {
    reply = service.Handle(request.src, request.body, service_prng);
  }
  return GarbledReply(form, request.body, reply);
}

void Driver::EndGarble(const std::string& node, absl::Time now) {
  auto it = garbled_.find(node);
  if (it == garbled_.end()) return;
  const Garbled g = it->second;
  garbled_.erase(it);
  const double seconds = absl::ToDoubleSeconds(now - g.since);
  if (seconds < 1) return;  // too short to judge a rate
  const double rate = static_cast<double>(g.requests) / seconds;
  kv_rate_garbled_ = std::max(kv_rate_garbled_.value_or(0), rate);
  if (config_.kv_rate_bound > 0 && rate > config_.kv_rate_bound) {
    AddFinding("kv-rate",
               absl::StrFormat("%s sent %d KV requests in %.1f s while its KV "
                               "replies were garbled (%.1f/s, over the bound "
                               "%g/s: does every retry path back off?)",
                               node, g.requests, seconds, rate,
                               config_.kv_rate_bound));
  }
}

void Driver::Heal(absl::Time now) {
  MC_ASSERT(!healed_, "the heal happens once");
  // Maelstrom's final nemesis generator: :stop-partition, :resume :all,
  // :start :all. They also take round-robin turns in Jepsen, but nothing
  // after them picks threads that way (the final reads go to each thread),
  // so the workload is not told.
  healing_ = true;
  if (maelstrom_nemesis_) {
    for (const FaultAction& a : maelstrom_nemesis_->FinalOps()) {
      ApplyMaelstrom(a, now);
      if (!harness_error_.empty()) return;
    }
  }
  for (Fault& f : faults_) {
    if (absl::optional<FaultAction> undo = f.nemesis.Heal()) Apply(*undo, now);
    if (!harness_error_.empty()) return;
  }
  network_.Heal();
  network_.RestoreAllKv();
  MC_ASSERT(garbled_.empty(), "the nemesis heal ended every kv-garble");
  // Every EXTENSION fault ends too, so that whatever follows runs on a
  // network that only delays.
  network_.StopRandomFaults();
  healed_ = true;
  heal_time_ = now;
  Note(now,
       absl::StrCat("healed every fault; waiting ",
                    absl::FormatDuration(config_.workload.final_sleep),
                    " for recovery, then one final read per client thread"));
  if (config_.probe_interval > absl::ZeroDuration()) probe_.next_round = now;
}

// ------------------------------------------------------------------- probe

void Driver::RunProbe(absl::Time now) {
  if (probe_.done || now < probe_.next_round) return;
  if (interpreter_.phase() != Interpreter::Phase::kSleep || !probe_spec_) {
    probe_.done = true;
    probe_.next_round = absl::InfiniteFuture();
    return;
  }
  probe_.next_round = now + config_.probe_interval;
  probe_.round_client_node.clear();
  probe_.answers.clear();
  for (int node = 0; node < node_count(); ++node) {
    if (!nodes_[node].up) continue;
    const std::string client = absl::StrCat("c", probe_.next_client++);
    probe_.round_client_node[client] = node;
    ++probe_.reads_sent;
    Json body = probe_spec_->request;
    body["msg_id"] = 1;
    Send(Message{client, nodes_[node].id, std::move(body)}, now,
         /*counted=*/false);
  }
}

void Driver::OnProbeReply(const Message& m, absl::Time now) {
  absl::optional<Json> value = probe_spec_->value(m.body);
  auto it = probe_.round_client_node.find(m.dest);
  // Only this round's answers count; late ones from older rounds are stale.
  if (!value.has_value() || probe_.done ||
      it == probe_.round_client_node.end()) {
    return;
  }
  probe_.answers[it->second] = *std::move(value);
  if (probe_.answers.size() < probe_.round_client_node.size()) return;
  for (const auto& [node, value] : probe_.answers) {
    if (value != probe_.answers.begin()->second) return;
  }
  probe_.done = true;
  probe_.converged_at = now;
  probe_.converged_value = probe_.answers.begin()->second;
  probe_.next_round = absl::InfiniteFuture();
}

// ------------------------------------------------------------------ result

std::vector<std::string> Driver::ActiveFaults() const {
  std::vector<std::string> out;
  for (const auto& [key, index] : open_spans_)
    out.push_back(fault_spans_[index].description);
  return out;
}

DriverResult Driver::Finish(absl::Time now) {
  MC_ASSERT(server_messages_ <= messages_,
            "server messages are a subset of all messages");
  MC_ASSERT(in_flight() <= config_.max_in_flight, "the in-flight bound holds");
  MC_ASSERT(journal_lines_ <= config_.journal_max_lines,
            "the journal bound holds");
  DriverResult r;
  r.history = interpreter_.history();
  EndPartitionWindow(now);
  r.verdict = Check(r.history);
  r.report = Report(now);
  if (harness_error_.empty()) {
    // The workload's EXTENSION measures, of a run that completed.
    r.report.staleness = r.verdict.workload.staleness;
    r.report.convergence_from_reads = r.verdict.workload.convergence_from_reads;
    r.report.convergence_from_reads_note =
        r.verdict.workload.convergence_from_reads_note;
  }
  if (config_.probe_interval > absl::ZeroDuration())
    ReportProbe(r.history, r.report);
  if (records_dropped_ > 0) {
    r.report.notes.push_back(absl::StrCat(
        records_dropped_, " messages beyond the first ",
        config_.journal_max_lines, " are not in the report's message record"));
  }
  FillRecord(r);
  return r;
}

absl::Time Driver::JepsenT0() const {
  // Jepsen's relative time starts with the generator (the main phase); a run
  // that never got there counts from the driver's start.
  return interpreter_.main_started() ? interpreter_.start_time() : t0_;
}

Verdict Driver::Check(const History& history) const {
  CheckOptions options;
  options.availability = config_.availability;
  // Jepsen's numbering of the history, built only if a checker lists an op.
  absl::optional<JepsenHistory> jepsen;
  CheckContext context;
  context.node_count = node_count();
  context.partitions = partition_windows_;
  context.op = [&](size_t i) {
    if (!jepsen) {
      jepsen.emplace(history, config_.workload.concurrency, JepsenT0(),
                     fault_spans_, &nemesis_op_records_);
    }
    return jepsen->Op(i);
  };
  return CheckHistory(*workload_, history, options, context);
}

RunReport Driver::Report(absl::Time now) const {
  RunReport report;
  report.messages = messages_;
  report.server_messages = server_messages_;
  report.strict = config_.strict;
  report.harness_error = harness_error_;
  report.findings = findings_;
  report.kv_rate_garbled = kv_rate_garbled_;
  if (kv_rate_garbled_.has_value()) {
    report.notes.push_back(absl::StrFormat(
        "kv-garble: at most %.1f KV requests a second from a node while its "
        "replies were garbled (stretches of 1 s or more)%s",
        *kv_rate_garbled_,
        config_.kv_rate_bound > 0
            ? absl::StrFormat("; bound %g/s", config_.kv_rate_bound)
            : ""));
  }
  if (findings_dropped_ > 0) {
    report.findings.push_back(Finding{
        "more", absl::StrCat(findings_dropped_, " further findings not kept")});
  }
  for (const FaultWindow& f : fault_spans_) {
    const absl::Time end = f.end == absl::InfiniteFuture() ? now : f.end;
    report.faults.push_back(
        absl::StrFormat("%.3f-%.3fs %s", absl::ToDoubleSeconds(f.start - t0_),
                        absl::ToDoubleSeconds(end - t0_), f.description));
  }
  if (lost_ + dropped_ > 0) {
    report.notes.push_back(
        absl::StrCat(lost_, " messages lost at random, ", dropped_,
                     " dropped (partitions, kv cuts, killed nodes)"));
  }
  for (const NodeState& n : nodes_) {
    if (n.discarded > 0) {
      report.notes.push_back(
          absl::StrCat(n.discarded, " messages from ", n.id,
                       " discarded after it went deaf or down"));
    }
  }
  return report;
}

void Driver::ReportProbe(const History& history, RunReport& report) const {
  report.notes.push_back(absl::StrCat(
      "EXTENSION --convergence-probe sent ", probe_.reads_sent,
      " extra reads between the heal and the final reads: this run's traffic "
      "is not "
      "Maelstrom's, and a node that refreshes on reads is helped by them"));
  absl::optional<absl::Time> last_write;
  for (const HistoryEvent& e : history) {
    if (probe_spec_ && e.type == EventType::kOk && e.f == probe_spec_->write_f)
      last_write = e.time;
  }
  if (probe_.converged_at && last_write) {
    report.convergence =
        std::max(absl::ZeroDuration(), *probe_.converged_at - *last_write);
    report.convergence_note = absl::StrCat("probe reads: every node read ",
                                           FormatValue(probe_.converged_value));
  } else {
    report.convergence_note = "probe reads: the nodes never agreed";
  }
}

void Driver::FillRecord(const DriverResult& r) {
  RunRecord* run = output_.record;
  if (run == nullptr) return;
  run->t0 = JepsenT0();
  run->concurrency = config_.workload.concurrency;
  run->history = r.history;
  run->meta.node_ids = config_.nodes;
  run->faults = fault_spans_;
  run->nemesis_ops = nemesis_op_records_;
  run->results.workload = r.verdict.workload.report;
  run->results.net = NetFromJournal(run->messages);
}

}  // namespace sim
