#include "sim/world.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "counter/core.h"
#include "kvclient/assert.h"
#include "sim/driver/driver.h"
#include "sim/driver/node_host.h"
#include "sim/maelstrom/event_queue.h"
#include "sim/maelstrom/kv_service.h"
#include "sim/maelstrom/prng.h"
#include "sim/reference_cores.h"

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

// Guards against a run that never lets virtual time move on.
constexpr int64_t kMaxEventsPerInstant = 1000000;
// Ticks in a row at one instant that send nothing and ask to be woken at
// that same instant: correct code never needs even a handful.
constexpr int kMaxIdleWakes = 100;
// Bound on pending wake-ups (each node has at most one live one; the rest
// are stale entries waiting to be popped). Past it the run fails.
constexpr size_t kMaxPendingWakes = size_t{1} << 22;

// The node under test when the caller names none: a reference core for the
// workloads beyond the counters, else our counter (or its variant).
CoreFactory DefaultCores(const SimConfig& config) {
  const std::string workload = config.workload.name;
  if (HasReferenceCore(workload)) {
    const ReferenceBug bug =
        config.broken_reference ? ReferenceBug::kBroken : ReferenceBug::kNone;
    return [workload, bug](const counter::Options&) {
      return MakeReferenceCore(workload, bug);
    };
  }
  return counter::VariantFactory(config.strategy, config.bug);
}

struct Wake {
  int node;
  uint64_t token;
};

struct NodeSlot {
  std::unique_ptr<counter::Core> core;  // null while killed
  bool paused = false;
  std::deque<Message> inbox;           // arrived while paused
  uint64_t wake_token = 0;             // only the newest Wake counts
  absl::optional<absl::Time> wake_at;  // when the live Wake fires, if any
  bool exact = false;                  // ReadValue() == exact total
  absl::Time idle_wake_at = absl::InfinitePast();
  int idle_wakes = 0;
  int64_t sent_before = 0;
};

class World : public NodeHost {
 public:
  World(const SimConfig& config, std::ostream* trace, CoreFactory make_core,
        sim::RunRecord* record)
      : config_(config),
        trace_(trace),
        make_core_(make_core ? std::move(make_core) : DefaultCores(config)),
        driver_(config, *this,
                DriverOutput{trace, trace, false, false, record}),
        incarnation_prng_(driver_.ForkPrng("incarnation")),
        nodes_(config.nodes.size()) {
    const KvService* kv = driver_.service("seq-kv");
    seq_kv_ = dynamic_cast<const SeqKv*>(kv);
    MC_ASSERT(seq_kv_ != nullptr, "the driver runs Maelstrom's seq-kv");
  }

  RunResult Run();

  // NodeHost.
  void Deliver(int node, const Message& m, int64_t id, absl::Time now) override;
  void Kill(int node, absl::Time now) override;
  bool Restart(int node, absl::Time now) override;
  void Pause(int node, absl::Time now) override;
  void Resume(int node, absl::Time now) override;

 private:
  std::string Stamp(absl::Time now) const {
    return absl::StrFormat("%10.6fs",
                           absl::ToDoubleSeconds(now - absl::UnixEpoch()));
  }
  void StartNode(int index);
  void Drain(int index, absl::Time now);
  void Tick(int index, absl::Time now);
  void UpdateExact(int index, absl::Time now);
  void OnKvMaybeChanged(absl::Time now);
  bool DetectBusyLoop(int index, absl::Time now);
  void CheckLiveness(absl::Time now);
  absl::optional<absl::Time> NextInstant(absl::Time now);
  void Step(absl::Time now);
  RunResult Result(absl::Time now);

  SimConfig config_;
  std::ostream* trace_;
  CoreFactory make_core_;
  Driver driver_;
  Prng incarnation_prng_;
  const SeqKv* seq_kv_ = nullptr;
  EventQueue<Wake> wakes_;
  std::vector<NodeSlot> nodes_;

  // Convergence and liveness probes (EXTENSIONS).
  int64_t kv_version_seen_ = 0;
  int64_t exact_total_ = 0;
  int exact_nodes_ = 0;
  absl::optional<absl::Time> all_exact_since_;
  bool probe_supported_ = false;  // some ReadValue() ever returned a value
  absl::optional<absl::Time> liveness_at_;
  // Busy loops (EXTENSION finding).
  int64_t busy_loops_ = 0;
  std::string busy_loop_first_;
  bool stop_ = false;
  // The run's clock guards (Run).
  absl::Time hard_stop_ = absl::InfiniteFuture();
  absl::Time instant_ = absl::InfinitePast();
  int64_t events_at_instant_ = 0;
};

void World::StartNode(int index) {
  NodeSlot& node = nodes_[index];
  counter::Options options;
  options.dissemination = config_.dissemination;
  options.allow_negative = config_.workload.name == "pn-counter";
  options.incarnation = incarnation_prng_.Next();
  node.core = make_core_(options);
  node.paused = false;
  node.inbox.clear();
  ++node.wake_token;
  node.wake_at.reset();
  node.exact = false;
}

void World::Drain(int index, absl::Time now) {
  NodeSlot& node = nodes_[index];
  MC_ASSERT(node.core != nullptr, "only a running core has output");
  counter::Ready ready = node.core->TakeReady();
  if (trace_ != nullptr) {
    for (const std::string& line : ready.log) {
      *trace_ << Stamp(now) << " " << driver_.node_id(index) << " log: " << line
              << "\n";
    }
  }
  for (const Message& m : ready.messages) {
    node.sent_before += 1;
    driver_.OnNodeMessage(index, m, now);
  }
  // One live wake-up per node: keep the scheduled one if the time is the
  // same, else schedule anew (the old entry goes stale by its token).
  const absl::optional<absl::Time> at =
      ready.wake_at.has_value()
          ? absl::make_optional(std::max(*ready.wake_at, now))
          : absl::nullopt;
  if (at != node.wake_at) {
    ++node.wake_token;
    node.wake_at = at;
    if (at.has_value()) {
      if (wakes_.size() >= kMaxPendingWakes) {
        driver_.Fail(absl::StrCat("over ", kMaxPendingWakes,
                                  " pending wake-ups (the simulator's bound)"));
        return;
      }
      wakes_.Schedule(*at, Wake{index, node.wake_token});
    }
  }
  UpdateExact(index, now);
}

void World::Deliver(int index, const Message& m, int64_t /*id*/,
                    absl::Time now) {
  NodeSlot& node = nodes_[index];
  MC_ASSERT(node.core != nullptr,
            "the driver delivers only to a node that is up");
  if (node.paused) {
    if (node.inbox.size() >= config_.max_inbox) {
      driver_.Fail(absl::StrCat(driver_.node_id(index),
                                "'s pause inbox is over ", config_.max_inbox,
                                " messages (the simulator's bound)"));
      return;
    }
    node.inbox.push_back(m);
    return;
  }
  node.core->Step(m, now);
  Drain(index, now);
}

void World::Tick(int index, absl::Time now) {
  NodeSlot& node = nodes_[index];
  node.core->Tick(now);
  Drain(index, now);
}

void World::Kill(int index, absl::Time now) {
  NodeSlot& node = nodes_[index];
  node.core.reset();
  node.inbox.clear();
  node.paused = false;
  ++node.wake_token;
  node.wake_at.reset();
  UpdateExact(index, now);
}

bool World::Restart(int index, absl::Time /*now*/) {
  StartNode(index);
  return true;
}

void World::Pause(int index, absl::Time /*now*/) {
  nodes_[index].paused = true;
}

void World::Resume(int index, absl::Time now) {
  NodeSlot& node = nodes_[index];
  node.paused = false;
  std::deque<Message> backlog;
  backlog.swap(node.inbox);
  for (const Message& m : backlog) {
    if (!node.core || node.paused) break;
    node.core->Step(m, now);
    Drain(index, now);
  }
  if (node.core && !node.paused) Tick(index, now);
}

void World::OnKvMaybeChanged(absl::Time now) {
  if (seq_kv_->newest_index() == kv_version_seen_) return;
  kv_version_seen_ = seq_kv_->newest_index();
  const int64_t total = ExactTotal(seq_kv_->Newest());
  if (total == exact_total_) return;
  exact_total_ = total;
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) UpdateExact(i, now);
}

void World::UpdateExact(int index, absl::Time now) {
  NodeSlot& node = nodes_[index];
  absl::optional<int64_t> value;
  // The baseline strategy's ReadValue() is its last answer, not what a read
  // would return now (it reads seq-kv per request): no probe.
  if (node.core && config_.strategy != counter::Strategy::kBaseline) {
    value = node.core->ReadValue();
  }
  probe_supported_ |= value.has_value();
  const bool exact = value.has_value() && *value == exact_total_;
  if (exact == node.exact) return;
  node.exact = exact;
  exact_nodes_ += exact ? 1 : -1;
  if (exact_nodes_ == static_cast<int>(nodes_.size())) {
    all_exact_since_ = now;
  } else {
    all_exact_since_.reset();
  }
}

// A node whose Tick sends nothing and asks for a wake-up at the same instant,
// over and over, would spin a real CPU; in virtual time it stops the clock.
bool World::DetectBusyLoop(int index, absl::Time now) {
  NodeSlot& node = nodes_[index];
  const bool sent = node.sent_before != 0;
  node.sent_before = 0;
  if (sent || node.idle_wake_at != now) {
    node.idle_wake_at = now;
    node.idle_wakes = 0;
    return false;
  }
  if (++node.idle_wakes < kMaxIdleWakes) return false;
  const std::string finding = absl::StrCat(
      driver_.node_id(index), " busy-loops at ", Stamp(now), ": ",
      kMaxIdleWakes,
      " Ticks in a row sent nothing and asked to be woken again at the same "
      "instant (wake_at <= now); a real process would spin its CPU");
  if (busy_loops_++ == 0) busy_loop_first_ = finding;
  if (trace_ != nullptr)
    *trace_ << Stamp(now) << " BUSY LOOP: " << finding << "\n";
  if (config_.strict) return true;  // the run fails anyway: stop here
  // Let virtual time move on, as a spinning process's would.
  node.idle_wakes = 0;
  ++node.wake_token;
  node.wake_at = now + absl::Milliseconds(1);
  wakes_.Schedule(*node.wake_at, Wake{index, node.wake_token});
  return false;
}

void World::CheckLiveness(absl::Time now) {
  if (exact_nodes_ == static_cast<int>(nodes_.size()) || !probe_supported_)
    return;
  std::vector<std::string> behind;
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    const NodeSlot& node = nodes_[i];
    if (node.exact) continue;
    absl::optional<int64_t> v =
        node.core ? node.core->ReadValue() : absl::nullopt;
    behind.push_back(absl::StrCat(driver_.node_id(i), " reads ",
                                  v ? absl::StrCat(*v) : "nothing"));
  }
  const std::string finding = absl::StrCat(
      "not converged ", absl::FormatDuration(config_.liveness_bound),
      " after the heal (at ", Stamp(now), "): the exact total is ",
      exact_total_, " but ", absl::StrJoin(behind, ", "));
  driver_.AddFinding("liveness", finding);
  if (trace_ != nullptr)
    *trace_ << Stamp(now) << " LIVENESS: " << finding << "\n";
}

// The next instant anything happens, or nullopt when the run must stop (the
// driver was failed: no events left, over the time budget, a livelock).
absl::optional<absl::Time> World::NextInstant(absl::Time now) {
  const absl::Time next_driver = driver_.NextWakeAt();
  const absl::Time next_wake =
      wakes_.NextTime().value_or(absl::InfiniteFuture());
  const absl::Time next_liveness =
      liveness_at_.value_or(absl::InfiniteFuture());
  const absl::Time next =
      std::max(now, std::min({next_driver, next_wake, next_liveness}));
  if (next == absl::InfiniteFuture()) {
    driver_.Fail(
        "the simulation ran out of events before the workload finished");
    return absl::nullopt;
  }
  if (next > hard_stop_) {
    driver_.Fail(
        "the run exceeded its time budget (the workload never finished)");
    return absl::nullopt;
  }
  if (next != instant_) {
    instant_ = next;
    events_at_instant_ = 0;
  } else if (++events_at_instant_ > kMaxEventsPerInstant) {
    driver_.Fail(absl::StrCat("livelock: over ", kMaxEventsPerInstant,
                              " events at ", Stamp(next)));
    return absl::nullopt;
  }
  return next;
}

// One event at `now`: at one instant the driver goes first, then the
// nodes' wake-ups, then the liveness check.
void World::Step(absl::Time now) {
  if (driver_.NextWakeAt() <= now) {
    driver_.Advance(now);
  } else if (wakes_.NextTime().value_or(absl::InfiniteFuture()) <= now) {
    Wake w = wakes_.Pop()->event;
    NodeSlot& node = nodes_[w.node];
    if (w.token == node.wake_token) {
      // The live one fired (a paused node ticks on resume).
      node.wake_at.reset();
      if (node.core && !node.paused) {
        node.sent_before = 0;
        Tick(w.node, now);
        stop_ = DetectBusyLoop(w.node, now);
      }
    }
  } else {
    liveness_at_ = absl::InfiniteFuture();
    CheckLiveness(now);
  }
  OnKvMaybeChanged(now);
  if (!liveness_at_.has_value() && driver_.heal_time().has_value() &&
      config_.liveness_bound > absl::ZeroDuration()) {
    liveness_at_ = *driver_.heal_time() + config_.liveness_bound;
  }
}

RunResult World::Run() {
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) StartNode(i);
  absl::Time now = absl::UnixEpoch();
  driver_.Start(now);
  hard_stop_ = now + config_.workload.time_limit +
               config_.workload.final_sleep + absl::Seconds(120);
  instant_ = now;
  while (!driver_.done() && !stop_) {
    const absl::optional<absl::Time> next = NextInstant(now);
    if (!next.has_value()) break;
    now = *next;
    Step(now);
  }
  if (busy_loops_ > 0) {
    driver_.AddFinding(
        "busy-loop",
        absl::StrCat(busy_loops_, " time(s); first: ", busy_loop_first_));
  }
  return Result(now);
}

RunResult World::Result(absl::Time now) {
  DriverResult d = driver_.Finish(now);
  RunResult result;
  result.history = std::move(d.history);
  result.verdict = std::move(d.verdict);
  result.report = std::move(d.report);
  RunReport& report = result.report;
  absl::optional<absl::Time> last_ok_add;
  for (const HistoryEvent& e : result.history) {
    if (e.type == EventType::kOk && e.f == "add") last_ok_add = e.time;
  }
  if (!probe_supported_) {
    report.convergence_note =
        "not measured: the strategy exposes no ReadValue() probe";
  } else if (!all_exact_since_.has_value()) {
    report.convergence_note = "the nodes never all read the exact total";
  } else if (last_ok_add.has_value()) {
    report.convergence =
        std::max(absl::ZeroDuration(), *all_exact_since_ - *last_ok_add);
    report.convergence_note = absl::StrCat(
        "in-process ReadValue(): every node at the exact total ", exact_total_);
  }
  result.results = FormatResults(result.verdict, report);
  result.exit_code = ExitCode(result.verdict, report);
  result.simulated_seconds = absl::ToDoubleSeconds(now - absl::UnixEpoch());
  return result;
}

}  // namespace

RunResult RunWorld(const SimConfig& config, std::ostream* trace,
                   CoreFactory make_core, sim::RunRecord* record) {
  World world(config, trace, std::move(make_core), record);
  return world.Run();
}

}  // namespace sim
