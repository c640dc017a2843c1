#include "sim/world.h"

#include <deque>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/types/variant.h"
#include "counter/core.h"
#include "sim/event_queue.h"
#include "sim/kv_service.h"
#include "sim/nemesis.h"
#include "sim/network.h"
#include "sim/prng.h"
#include "sim/workload.h"

namespace sim {

int64_t ExactTotal(const KvStore& store) {
  auto shared = store.values.find("\"counter\"");
  if (shared != store.values.end() && shared->second.is_number_integer()) {
    return shared->second.get<int64_t>();
  }
  int64_t total = 0;
  for (const auto& [key, value] : store.values) {
    if (!absl::StartsWith(key, "\"counter/")) continue;
    if (value.is_number_integer()) {
      total += value.get<int64_t>();
    } else if (value.is_object() && value.contains("total") &&
               value["total"].is_number_integer()) {
      total += value["total"].get<int64_t>();
    }
  }
  return total;
}

namespace {

using kvclient::Message;

constexpr char kService[] = "seq-kv";
// Guards against a node that asks to be woken "now" forever.
constexpr int64_t kMaxEventsPerInstant = 1000000;

struct DeliverEvent {
  Message message;
};
struct WakeEvent {
  int node;
  uint64_t token;
};
struct PollEvent {};
struct NemesisEvent {
  int index;
};
struct LivenessEvent {};
using Event =
    absl::variant<DeliverEvent, WakeEvent, PollEvent, NemesisEvent, LivenessEvent>;

struct NodeSlot {
  std::string id;
  std::unique_ptr<counter::Core> core;  // null while killed
  bool paused = false;
  std::deque<Message> inbox;  // arrived while paused
  uint64_t wake_token = 0;    // only the newest WakeEvent counts
  bool unread = false;        // Maelstrom stopped reading its output
  bool exact = false;         // ReadValue() == exact total
  // Busy-loop detection: Ticks in a row at one instant that sent nothing
  // and asked to be woken again at that same instant.
  absl::Time idle_wake_at = absl::InfinitePast();
  int idle_wakes = 0;
  size_t sent_before = 0;
};

class World {
 public:
  World(const SimConfig& config, std::ostream* trace, CoreFactory make_core)
      : config_(config),
        trace_(trace),
        make_core_(make_core ? std::move(make_core)
                             : counter::VariantFactory(config.strategy, config.bug)),
        root_(config.seed),
        net_prng_(root_.Fork("network")),
        kv_prng_(root_.Fork("seq-kv")),
        workload_prng_(root_.Fork("workload")),
        nemesis_prng_(root_.Fork("nemesis")),
        incarnation_prng_(root_.Fork("incarnation")),
        network_(config.network),
        workload_(config.workload, NodeIds(config.node_count)) {}

  RunResult Run();

 private:
  static std::vector<std::string> NodeIds(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) ids.push_back(absl::StrCat("n", i));
    return ids;
  }
  absl::Time now() const { return queue_.now(); }
  std::string Stamp() const {
    return absl::StrFormat("%10.6fs", absl::ToDoubleSeconds(now() - absl::UnixEpoch()));
  }
  void Trace(const std::string& line) {
    if (trace_ != nullptr) *trace_ << Stamp() << " " << line << "\n";
  }
  int NodeIndex(const std::string& id) const {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].id == id) return static_cast<int>(i);
    }
    return -1;
  }

  void StartNode(int index);
  void Send(const Message& message);
  void SendFromNode(NodeSlot& node, const Message& message);
  void Deliver(const Message& message);
  void DeliverToNode(NodeSlot& node, const Message& message);
  void DrainNode(int index);
  void InvalidLine(NodeSlot& node, const std::string& why);
  void PollWorkload();
  void SchedulePoll();
  void StartNemeses();
  void Apply(const FaultAction& action);
  void HealEverything();
  void OnKvChanged();
  void UpdateExact(NodeSlot& node);
  void CheckLiveness();
  bool DetectBusyLoop(NodeSlot& node);

  SimConfig config_;
  std::ostream* trace_;
  CoreFactory make_core_;
  Prng root_, net_prng_, kv_prng_, workload_prng_, nemesis_prng_, incarnation_prng_;
  EventQueue<Event> queue_;
  Network network_;
  SeqKv kv_;
  Workload workload_;
  std::vector<NodeSlot> nodes_;
  std::vector<Nemesis> nemeses_;
  std::set<absl::Time> polls_scheduled_;
  RunReport report_;

  int64_t kv_version_seen_ = 0;
  int64_t exact_total_ = 0;
  int exact_nodes_ = 0;
  absl::optional<absl::Time> all_exact_since_;
  bool healed_ = false;
  bool probe_supported_ = false;  // some ReadValue() ever returned a value
  bool busy_loop_ = false;        // a node spins: the run stops, invalid
};

void World::StartNode(int index) {
  NodeSlot& node = nodes_[index];
  counter::Options options;
  options.dissemination = config_.dissemination;
  options.dissemination = config_.dissemination;
  options.allow_negative = config_.workload.pn_counter;
  options.incarnation = incarnation_prng_.Next();
  node.core = make_core_(options);
  node.paused = false;
  node.inbox.clear();
  ++node.wake_token;
  node.exact = false;
}

void World::Send(const Message& message) {
  ++report_.messages;
  if (KindOf(message.src) != EndpointKind::kClient &&
      KindOf(message.dest) != EndpointKind::kClient) {
    ++report_.server_messages;
  }
  std::vector<absl::Duration> copies = network_.OnSend(message, net_prng_);
  Trace(absl::StrCat(message.src, " -> ", message.dest, " ", message.body.dump(),
                     copies.empty() ? "  [lost]" : copies.size() > 1 ? "  [duplicated]" : ""));
  for (absl::Duration delay : copies) {
    queue_.Schedule(now() + delay, DeliverEvent{message});
  }
}

void World::InvalidLine(NodeSlot& node, const std::string& why) {
  if (node.unread) return;
  node.unread = true;
  std::string line = absl::StrCat(node.id, " at ", Stamp(), ": ", why,
                                  "; Maelstrom stops reading ", node.id);
  report_.invalid_lines.push_back(line);
  Trace(absl::StrCat("INVALID LINE from ", line));
}

void World::SendFromNode(NodeSlot& node, const Message& message) {
  if (node.unread) return;
  EndpointKind kind = KindOf(message.dest);
  bool known = (kind == EndpointKind::kNode && NodeIndex(message.dest) >= 0) ||
               (kind == EndpointKind::kService && message.dest == kService) ||
               (kind == EndpointKind::kClient && workload_.KnowsClient(message.dest));
  if (!known) {
    InvalidLine(node, absl::StrCat("message to ",
                                   kind == EndpointKind::kClient ? "departed client " : "unknown dest ",
                                   message.dest, ": ", message.body.dump()));
    return;
  }
  Send(message);
}

void World::DrainNode(int index) {
  NodeSlot& node = nodes_[index];
  counter::Ready ready = node.core->TakeReady();
  for (const std::string& line : ready.log) Trace(absl::StrCat(node.id, " log: ", line));
  for (const Message& m : ready.messages) SendFromNode(node, m);
  ++node.wake_token;
  if (ready.wake_at.has_value()) {
    queue_.Schedule(*ready.wake_at, WakeEvent{index, node.wake_token});
  }
  UpdateExact(node);
}

void World::DeliverToNode(NodeSlot& node, const Message& message) {
  const int index = NodeIndex(node.id);
  if (!node.core) {
    Trace(absl::StrCat("drop (", node.id, " is down) ", message.src, " -> ", node.id));
    return;
  }
  if (node.paused) {
    node.inbox.push_back(message);
    return;
  }
  node.core->Step(message, now());
  DrainNode(index);
}

void World::Deliver(const Message& message) {
  if (network_.DropAtDelivery(message)) {
    Trace(absl::StrCat("drop ", message.src, " -> ", message.dest, " ", message.body.dump()));
    return;
  }
  switch (KindOf(message.dest)) {
    case EndpointKind::kNode:
      DeliverToNode(nodes_[NodeIndex(message.dest)], message);
      break;
    case EndpointKind::kService: {
      absl::optional<kvclient::Json> reply = kv_.Handle(message.src, message.body, kv_prng_);
      if (kv_.newest_index() != kv_version_seen_) OnKvChanged();
      if (reply.has_value()) Send(Message{kService, message.src, std::move(*reply)});
      break;
    }
    case EndpointKind::kClient: {
      std::string note;
      Workload::Delivery d = workload_.OnClientMessage(message, now(), &note);
      if (d == Workload::Delivery::kDepartedClient) {
        int from = NodeIndex(message.src);
        if (from >= 0) InvalidLine(nodes_[from], absl::StrCat("reply to ", note));
      } else if (d == Workload::Delivery::kIgnored) {
        Trace(absl::StrCat("client ignores: ", note));
      }
      PollWorkload();
      break;
    }
  }
}

void World::SchedulePoll() {
  absl::Time at = std::max(workload_.NextWakeAt(), now());
  if (at == absl::InfiniteFuture()) return;
  if (polls_scheduled_.insert(at).second) queue_.Schedule(at, PollEvent{});
}

void World::PollWorkload() {
  const Workload::Phase before = workload_.phase();
  Workload::Output out = workload_.Poll(now(), workload_prng_);
  if (before == Workload::Phase::kInit && workload_.phase() != Workload::Phase::kInit) {
    StartNemeses();
  }
  for (const Message& m : out.messages) Send(m);
  if (out.heal) HealEverything();
  SchedulePoll();
}

void World::StartNemeses() {
  const std::vector<std::string> ids = NodeIds(config_.node_count);
  const absl::Time start = now();
  if (config_.partition) {
    nemeses_.push_back(Nemesis::Partition(ids, config_.nemesis_interval, start));
  }
  // Extensions start one interval in, so the first seconds look like Maelstrom.
  const absl::Time later = start + config_.fault_interval;
  if (config_.kill) nemeses_.push_back(Nemesis::Kill(ids, config_.fault_interval, later));
  if (config_.pause) {
    // Bounded so a correct node still answers within the clients' 5 s:
    // its add deadline (4 s) plus the pause stays below it.
    nemeses_.push_back(Nemesis::Pause(ids, config_.fault_interval, absl::Milliseconds(100),
                                      absl::Milliseconds(800), later));
  }
  if (config_.kv_cut) nemeses_.push_back(Nemesis::KvCut(ids, config_.fault_interval, later));
  for (size_t i = 0; i < nemeses_.size(); ++i) {
    queue_.Schedule(nemeses_[i].next_at(), NemesisEvent{static_cast<int>(i)});
  }
}

void World::Apply(const FaultAction& action) {
  Trace(absl::StrCat("nemesis: ", action.Describe()));
  report_.faults.push_back(absl::StrCat(
      absl::StrFormat("%.3fs ", absl::ToDoubleSeconds(now() - workload_.start_time())),
      action.Describe()));
  const int index = action.node.empty() ? -1 : NodeIndex(action.node);
  switch (action.kind) {
    case FaultAction::kPartition: network_.SetGrudge(action.grudge); break;
    case FaultAction::kHeal: network_.Heal(); break;
    case FaultAction::kCutKv: network_.CutKv(action.node, action.cut_mode); break;
    case FaultAction::kRestoreKv: network_.RestoreKv(action.node); break;
    case FaultAction::kKill:
      nodes_[index].core.reset();
      workload_.CancelInits(action.node);
      nodes_[index].inbox.clear();
      ++nodes_[index].wake_token;
      UpdateExact(nodes_[index]);
      break;
    case FaultAction::kRestart:
      StartNode(index);
      Send(workload_.InitFor(action.node, now()));
      SchedulePoll();  // the init has a 10 s deadline
      break;
    case FaultAction::kPause:
      if (nodes_[index].core) nodes_[index].paused = true;
      break;
    case FaultAction::kResume: {
      NodeSlot& node = nodes_[index];
      if (!node.core || !node.paused) break;
      node.paused = false;
      std::deque<Message> backlog;
      backlog.swap(node.inbox);
      for (const Message& m : backlog) {
        if (!node.core || node.paused) break;
        node.core->Step(m, now());
        DrainNode(index);
      }
      if (node.core) {
        node.core->Tick(now());
        DrainNode(index);
      }
      break;
    }
  }
}

void World::HealEverything() {
  Trace("heal: time limit reached and in-flight operations done");
  for (Nemesis& n : nemeses_) {
    if (absl::optional<FaultAction> undo = n.Heal()) Apply(*undo);
  }
  network_.Heal();
  network_.RestoreAllKv();
  // VOPR-style liveness phase: every fault ceases, so the nodes must converge.
  network_.StopRandomFaults();
  healed_ = true;
  if (config_.liveness_bound > absl::ZeroDuration()) {
    queue_.Schedule(now() + config_.liveness_bound, LivenessEvent{});
  }
}

void World::OnKvChanged() {
  kv_version_seen_ = kv_.newest_index();
  int64_t total = ExactTotal(kv_.Newest());
  if (total == exact_total_) return;
  exact_total_ = total;
  for (NodeSlot& node : nodes_) UpdateExact(node);
}

void World::UpdateExact(NodeSlot& node) {
  absl::optional<int64_t> value;
  // The baseline strategy's ReadValue() is its last answer, not what a read
  // would return now (it reads seq-kv per request): no probe (sim/NEEDS.md).
  if (node.core && config_.strategy != counter::Strategy::kBaseline) {
    value = node.core->ReadValue();
  }
  probe_supported_ |= value.has_value();
  bool exact = value.has_value() && *value == exact_total_;
  if (exact == node.exact) return;
  node.exact = exact;
  exact_nodes_ += exact ? 1 : -1;
  if (exact_nodes_ == static_cast<int>(nodes_.size())) {
    all_exact_since_ = now();
  } else {
    all_exact_since_.reset();
  }
}

// A node whose Tick sends nothing and asks for a wake-up at the same instant,
// over and over, would spin a real CPU; in virtual time it stops the clock.
bool World::DetectBusyLoop(NodeSlot& node) {
  // Correct code never needs even a handful of idle Ticks at one instant.
  const int kMaxIdleWakes = config_.busy_loop_fails ? 100 : 3;
  const bool sent = report_.messages != static_cast<int64_t>(node.sent_before);
  node.sent_before = static_cast<size_t>(report_.messages);
  if (sent || node.idle_wake_at != now()) {
    node.idle_wake_at = now();
    node.idle_wakes = 0;
    return false;
  }
  if (++node.idle_wakes < kMaxIdleWakes) return false;
  const std::string finding = absl::StrCat(
      node.id, " busy-loops at ", Stamp(), ": ", kMaxIdleWakes,
      " Ticks in a row sent nothing and asked to be woken again at the same "
      "instant (wake_at <= now); a real process would spin its CPU");
  if (config_.busy_loop_fails) {
    report_.liveness_failure = finding;
    Trace(absl::StrCat("LIVENESS FAILURE: ", finding));
    return true;
  }
  // Tolerated (see SimConfig::busy_loop_fails): note it, and let virtual
  // time move on as a spinning process's would.
  if (report_.busy_loops++ == 0) report_.busy_loop_first = finding;
  Trace(absl::StrCat("busy loop tolerated: ", finding));
  node.idle_wakes = 0;
  ++node.wake_token;
  queue_.Schedule(now() + absl::Milliseconds(1),
                  WakeEvent{NodeIndex(node.id), node.wake_token});
  return false;
}

void World::CheckLiveness() {
  if (exact_nodes_ == static_cast<int>(nodes_.size()) || !probe_supported_) return;
  std::vector<std::string> behind;
  for (const NodeSlot& node : nodes_) {
    if (node.exact) continue;
    absl::optional<int64_t> v = node.core ? node.core->ReadValue() : absl::nullopt;
    behind.push_back(absl::StrCat(node.id, " reads ", v ? absl::StrCat(*v) : "nothing"));
  }
  report_.liveness_failure = absl::StrCat(
      "not converged ", absl::FormatDuration(config_.liveness_bound),
      " after heal: exact total is ", exact_total_, " but ", absl::StrJoin(behind, ", "));
  Trace(absl::StrCat("LIVENESS FAILURE: ", report_.liveness_failure));
}

RunResult World::Run() {
  for (const std::string& id : NodeIds(config_.node_count)) {
    nodes_.push_back(NodeSlot{});
    nodes_.back().id = id;
  }
  for (int i = 0; i < config_.node_count; ++i) StartNode(i);
  for (const Message& init : workload_.StartInits(now())) Send(init);
  SchedulePoll();

  const absl::Time hard_stop = now() + config_.workload.time_limit + absl::Seconds(120);
  absl::Time instant = now();
  int64_t events_at_instant = 0;
  while (!workload_.done() && report_.harness_error.empty() &&
         !busy_loop_) {
    absl::optional<EventQueue<Event>::Entry> entry = queue_.Pop();
    if (!entry.has_value()) {
      report_.harness_error = "simulation ran out of events before the workload finished";
      break;
    }
    if (entry->time != instant) {
      instant = entry->time;
      events_at_instant = 0;
    } else if (++events_at_instant > kMaxEventsPerInstant) {
      report_.harness_error = absl::StrCat("livelock: over ", kMaxEventsPerInstant,
                                           " events at ", Stamp());
      break;
    }
    if (now() > hard_stop) {
      report_.harness_error = "run exceeded its time budget (workload never finished)";
      break;
    }
    Event& event = entry->event;
    if (auto* d = absl::get_if<DeliverEvent>(&event)) {
      Deliver(d->message);
    } else if (auto* w = absl::get_if<WakeEvent>(&event)) {
      NodeSlot& node = nodes_[w->node];
      if (node.core && !node.paused && w->token == node.wake_token) {
        node.core->Tick(now());
        DrainNode(w->node);
        busy_loop_ = DetectBusyLoop(node);
      }
    } else if (absl::holds_alternative<PollEvent>(event)) {
      polls_scheduled_.erase(now());
      PollWorkload();
    } else if (auto* n = absl::get_if<NemesisEvent>(&event)) {
      Nemesis& nemesis = nemeses_[n->index];
      // Like Jepsen's time-limited nemesis generator, no partition steps
      // after the time limit (an active one stays until the heal). The
      // extensions still end their active fault on schedule: a pause or cut
      // held through the drain would make clients time out for nothing.
      const bool in_time = now() < workload_.start_time() + config_.workload.time_limit;
      const bool may_end = nemesis.active() && nemesis.name() != "partition";
      if (!healed_ && (in_time || may_end) && now() >= nemesis.next_at()) {
        Apply(nemesis.Fire(now(), nemesis_prng_));
        queue_.Schedule(nemesis.next_at(), NemesisEvent{n->index});
      }
    } else if (absl::holds_alternative<LivenessEvent>(event)) {
      CheckLiveness();
    }
    if (!workload_.harness_error().empty() && report_.harness_error.empty()) {
      report_.harness_error = workload_.harness_error();
    }
  }

  RunResult result;
  result.history = workload_.history();
  result.verdict = CheckCounterHistory(result.history);
  absl::Time last_ok_add = absl::InfinitePast();
  for (const HistoryEvent& e : result.history) {
    if (e.type == EventType::kOk && e.f == kvclient::CounterOp::kAdd) last_ok_add = e.time;
  }
  if (!probe_supported_) {
    report_.convergence_note = "not measured: the strategy exposes no ReadValue() probe";
  } else if (!all_exact_since_.has_value()) {
    report_.convergence_note = "nodes never all read the exact total";
  } else if (last_ok_add != absl::InfinitePast()) {
    report_.convergence = std::max(absl::ZeroDuration(), *all_exact_since_ - last_ok_add);
    report_.convergence_note = absl::StrCat("exact total ", exact_total_);
  }
  result.report = report_;
  result.results = FormatResults(result.verdict, result.report);
  result.exit_code = ExitCode(result.verdict, result.report);
  result.simulated_seconds = absl::ToDoubleSeconds(now() - absl::UnixEpoch());
  return result;
}

}  // namespace

RunResult RunWorld(const SimConfig& config, std::ostream* trace,
                   CoreFactory make_core) {
  World world(config, trace, std::move(make_core));
  return world.Run();
}

}  // namespace sim
