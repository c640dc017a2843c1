#include "sim/maelstrom/nemesis.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"

namespace sim {
namespace {

// clojure.core/shuffle: a uniform permutation (our draws, not Java's).
std::vector<std::string> Shuffled(std::vector<std::string> v, Prng& prng) {
  for (size_t i = v.size(); i > 1; --i) {
    std::swap(v[i - 1], v[prng.Uniform(i)]);
  }
  return v;
}

const std::string& Pick(const std::vector<std::string>& v, Prng& prng) {
  MC_ASSERT(!v.empty(), "rand-nth needs something to pick");
  return v[prng.Uniform(v.size())];
}

// jepsen util.clj majority: the smallest integer strictly above half.
size_t Majority(size_t n) { return n / 2 + 1; }

// jepsen util.clj minority-third: the largest integer strictly below n/3.
size_t MinorityThird(size_t n) { return n == 0 ? 0 : (n - 1) / 3; }

Grudge WithoutEmpty(Grudge grudge) {
  for (auto it = grudge.begin(); it != grudge.end();) {
    it = it->second.empty() ? grudge.erase(it) : std::next(it);
  }
  return grudge;
}

// jepsen nemesis.clj majorities-ring-perfect.
Grudge MajoritiesRingPerfect(const std::vector<std::string>& nodes,
                             Prng& prng) {
  const std::vector<std::string> ring = Shuffled(nodes, prng);
  const size_t n = ring.size();
  const size_t m = Majority(n);
  Grudge grudge;
  // (->> ring cycle (partition m 1) (take n)): window i is ring[i..i+m).
  for (size_t i = 0; i < n; ++i) {
    std::set<std::string> window;
    for (size_t j = 0; j < m; ++j) window.insert(ring[(i + j) % n]);
    const std::string& middle = ring[(i + m / 2) % n];
    std::set<std::string>& dropped = grudge[middle];
    for (const std::string& node : nodes) {
      if (window.count(node) == 0) dropped.insert(node);
    }
  }
  return grudge;
}

// jepsen nemesis.clj majorities-ring-stochastic.
Grudge MajoritiesRingStochastic(const std::vector<std::string>& nodes,
                                Prng& prng) {
  const size_t m = Majority(nodes.size());
  // conns: each node starts connected to itself.
  std::map<std::string, std::set<std::string>> conns;
  for (const std::string& node : nodes) conns[node] = {node};
  // by-degree: (sorted-map 1 (set nodes)).
  std::map<size_t, std::set<std::string>> by_degree = {
      {1, std::set<std::string>(nodes.begin(), nodes.end())}};
  for (;;) {
    // dns: [degree node] pairs, degrees ascending, each degree shuffled.
    std::vector<std::pair<size_t, std::string>> dns;
    for (const auto& [degree, members] : by_degree) {
      for (std::string& node :
           Shuffled({members.begin(), members.end()}, prng)) {
        dns.emplace_back(degree, std::move(node));
      }
    }
    MC_ASSERT(!dns.empty(), "every node has a degree");
    const size_t a_degree = dns.front().first;
    const std::string a = dns.front().second;
    if (m <= a_degree) break;
    // b: the first (least connected) node a is not yet connected to. One
    // exists: a reaches fewer than m <= n nodes.
    auto b_it = std::find_if(dns.begin(), dns.end(), [&](const auto& dn) {
      return conns[a].count(dn.second) == 0;
    });
    MC_ASSERT(b_it != dns.end(),
              "a node below a majority has someone to link to");
    const size_t b_degree = b_it->first;
    const std::string b = b_it->second;
    conns[a].insert(b);
    conns[b].insert(a);
    by_degree[a_degree].erase(a);
    by_degree[b_degree].erase(b);
    by_degree[a_degree + 1].insert(a);
    by_degree[b_degree + 1].insert(b);
  }
  // invert-grudge: each node drops everyone it is not connected to.
  Grudge grudge;
  for (const std::string& node : nodes) {
    for (const std::string& other : nodes) {
      if (conns[node].count(other) == 0) grudge[node].insert(other);
    }
  }
  return grudge;
}

}  // namespace

std::string FaultAction::Describe() const {
  switch (kind) {
    case kPartition:
      if (!CutsSomething(grudge)) {
        if (shape.empty()) return "partition that cuts nothing";
        return absl::StrCat("partition that cuts nothing (", shape, " of ",
                            universe, universe == 1 ? " node)" : " nodes)");
      }
      if (shape.empty())
        return absl::StrCat("partition ", DescribeGrudge(grudge));
      return absl::StrCat("partition ", shape, ": ", DescribeGrudge(grudge));
    case kHeal: return "heal partition";
    case kKill: return absl::StrCat("crash ", node);
    case kRestart: return absl::StrCat("restart ", node);
    case kPause: return absl::StrCat("stall ", node);
    case kResume: return absl::StrCat("resume ", node);
    case kKillNodes:
    case kStartNodes:
    case kPauseNodes:
    case kResumeNodes:
      return absl::StrCat(JepsenF(), " ", shape.empty() ? "nil" : shape,
                          nodes.empty()
                              ? ": no node"
                              : absl::StrCat(": ", absl::StrJoin(nodes, " ")));
    case kCutKv:
      return absl::StrCat("cut ", node, " from kv (", KvCutModeName(cut_mode),
                          ")");
    case kRestoreKv: return absl::StrCat("restore ", node, " to kv");
    case kGarbleKv:
      return absl::StrCat("garble kv replies to ", node,
                          " (errors, wrong types, missing fields, bad values)");
    case kUngarbleKv: return absl::StrCat("kv replies to ", node, " sound");
  }
  return "?";
}

std::string FaultAction::JepsenF() const {
  switch (kind) {
    case kPartition: return "start-partition";
    case kHeal: return "stop-partition";
    case kKillNodes: return "kill";
    case kStartNodes: return "start";
    case kPauseNodes: return "pause";
    case kResumeNodes: return "resume";
    default: return "";
  }
}

absl::string_view NodeSpecName(NodeSpec spec) {
  switch (spec) {
    case NodeSpec::kNil: return "";
    case NodeSpec::kOne: return "one";
    case NodeSpec::kMinorityThird: return "minority-third";
    case NodeSpec::kMinority: return "minority";
    case NodeSpec::kMajority: return "majority";
    case NodeSpec::kAll: return "all";
  }
  return "";
}

std::vector<std::string> DbNodes(NodeSpec spec,
                                 const std::vector<std::string>& nodes,
                                 Prng& prng) {
  auto take = [&](size_t k) {
    std::vector<std::string> order = Shuffled(nodes, prng);
    order.resize(std::min(k, order.size()));
    return order;
  };
  const size_t n = nodes.size();
  switch (spec) {
    case NodeSpec::kNil:
      // random-nonempty-subset: (take (inc (rand-int (count coll)))
      // (shuffle coll)); nil for an empty coll.
      if (n == 0) return {};
      {
        const size_t k = 1 + prng.Uniform(n);
        return take(k);
      }
    case NodeSpec::kOne:
      if (n == 0) return {};
      return {Pick(nodes, prng)};
    case NodeSpec::kMinority: return take(Majority(n) - 1);
    case NodeSpec::kMajority: return take(Majority(n));
    case NodeSpec::kMinorityThird: return take(MinorityThird(n));
    case NodeSpec::kAll: return nodes;
  }
  return {};
}

absl::string_view PartitionSpecName(PartitionSpec spec) {
  switch (spec) {
    case PartitionSpec::kOne: return "one";
    case PartitionSpec::kMinorityThird: return "minority-third";
    case PartitionSpec::kMajority: return "majority";
    case PartitionSpec::kMajoritiesRing: return "majorities-ring";
  }
  return "one";
}

bool CutsSomething(const Grudge& grudge) {
  for (const auto& [receiver, senders] : grudge) {
    if (!senders.empty()) return true;
  }
  return false;
}

Grudge CompleteGrudge(const std::vector<std::string>& a,
                      const std::vector<std::string>& b) {
  Grudge grudge;
  for (const auto& x : a) {
    for (const auto& y : b) {
      if (x == y) continue;  // a node is never in its own grudge
      grudge[x].insert(y);
      grudge[y].insert(x);
    }
  }
  return grudge;
}

Grudge MakeGrudge(PartitionSpec spec, const std::vector<std::string>& nodes,
                  Prng& prng) {
  switch (spec) {
    case PartitionSpec::kOne: {
      if (nodes.empty()) return {};
      // split-one: [[loner] (remove #{loner} coll)].
      const std::string loner = Pick(nodes, prng);
      std::vector<std::string> rest;
      for (const std::string& node : nodes) {
        if (node != loner) rest.push_back(node);
      }
      return CompleteGrudge({loner}, rest);
    }
    case PartitionSpec::kMinorityThird:
    case PartitionSpec::kMajority: {
      const std::vector<std::string> order = Shuffled(nodes, prng);
      // bisect: (split-at (Math/floor (/ (count coll) 2)) coll).
      const size_t k = spec == PartitionSpec::kMajority
                           ? order.size() / 2
                           : MinorityThird(order.size());
      return CompleteGrudge(
          {order.begin(), order.begin() + static_cast<ptrdiff_t>(k)},
          {order.begin() + static_cast<ptrdiff_t>(k), order.end()});
    }
    case PartitionSpec::kMajoritiesRing:
      return WithoutEmpty(nodes.size() <= 5
                              ? MajoritiesRingPerfect(nodes, prng)
                              : MajoritiesRingStochastic(nodes, prng));
  }
  return {};
}

Nemesis::Nemesis(std::string name, std::vector<std::string> nodes,
                 absl::Duration interval, absl::Time first)
    : name_(std::move(name)),
      nodes_(std::move(nodes)),
      interval_(interval),
      next_at_(first) {}

Nemesis Nemesis::Partition(std::vector<std::string> nodes,
                           absl::Duration interval, absl::Time start) {
  Nemesis n("partition", std::move(nodes), interval, start);
  const std::vector<std::string> all = n.nodes_;
  n.start_ = [all](Prng& prng) {
    // (rand-nth (partition-specs db)), in partition-specs' order.
    static constexpr PartitionSpec kSpecs[] = {
        PartitionSpec::kOne, PartitionSpec::kMinorityThird,
        PartitionSpec::kMajority, PartitionSpec::kMajoritiesRing};
    const PartitionSpec spec = kSpecs[prng.Uniform(4)];
    FaultAction a;
    a.kind = FaultAction::kPartition;
    a.shape = std::string(PartitionSpecName(spec));
    a.universe = static_cast<int>(all.size());
    a.grudge = MakeGrudge(spec, all, prng);
    return a;
  };
  return n;
}

namespace {
// A fault action of `kind` on one node picked at random.
std::function<FaultAction(Prng&)> OnOneNode(FaultAction::Kind kind,
                                            std::vector<std::string> nodes) {
  return [kind, nodes = std::move(nodes)](Prng& prng) {
    FaultAction a;
    a.kind = kind;
    a.node = Pick(nodes, prng);
    return a;
  };
}
}  // namespace

Nemesis Nemesis::Crash(std::vector<std::string> nodes, absl::Duration interval,
                       absl::Time start) {
  Nemesis n("crash", std::move(nodes), interval, start);
  const std::vector<std::string> all = n.nodes_;
  n.start_ = OnOneNode(FaultAction::kKill, all);
  return n;
}

Nemesis Nemesis::Stall(std::vector<std::string> nodes, absl::Duration interval,
                       absl::Duration min_pause, absl::Duration max_pause,
                       absl::Time start) {
  Nemesis n("stall", std::move(nodes), interval, start);
  const std::vector<std::string> all = n.nodes_;
  n.start_ = OnOneNode(FaultAction::kPause, all);
  n.on_range_ = std::make_pair(min_pause, max_pause);
  return n;
}

Nemesis Nemesis::KvCut(std::vector<std::string> nodes, absl::Duration interval,
                       absl::Time start) {
  Nemesis n("kv-cut", std::move(nodes), interval, start);
  const std::vector<std::string> all = n.nodes_;
  n.start_ = [all](Prng& prng) {
    static constexpr KvCutMode kModes[] = {
        KvCutMode::kRequests, KvCutMode::kReplies, KvCutMode::kBoth};
    FaultAction a;
    a.kind = FaultAction::kCutKv;
    a.node = Pick(all, prng);
    a.cut_mode = kModes[prng.Uniform(3)];
    return a;
  };
  return n;
}

Nemesis Nemesis::KvGarble(std::vector<std::string> nodes,
                          absl::Duration interval, absl::Time start) {
  Nemesis n("kv-garble", std::move(nodes), interval, start);
  const std::vector<std::string> all = n.nodes_;
  n.start_ = [all](Prng& prng) {
    FaultAction a;
    a.kind = FaultAction::kGarbleKv;
    a.node = Pick(all, prng);
    return a;
  };
  return n;
}

FaultAction Nemesis::Stop() const {
  FaultAction a;
  a.node = current_.node;
  switch (current_.kind) {
    case FaultAction::kPartition: a.kind = FaultAction::kHeal; break;
    case FaultAction::kKill: a.kind = FaultAction::kRestart; break;
    case FaultAction::kPause: a.kind = FaultAction::kResume; break;
    case FaultAction::kCutKv: a.kind = FaultAction::kRestoreKv; break;
    case FaultAction::kGarbleKv: a.kind = FaultAction::kUngarbleKv; break;
    default: a.kind = FaultAction::kHeal; break;
  }
  return a;
}

absl::Duration Nemesis::OnDuration(Prng& prng) const {
  if (!on_range_.has_value()) return prng.UniformDuration(2 * interval_);
  absl::Duration span = on_range_->second - on_range_->first;
  return on_range_->first + prng.UniformDuration(span + absl::Nanoseconds(1));
}

FaultAction Nemesis::Fire(absl::Time now, Prng& prng) {
  FaultAction action;
  if (active_) {
    action = Stop();
    next_at_ = now + prng.UniformDuration(2 * interval_);
  } else {
    action = start_(prng);
    current_ = action;
    next_at_ = now + OnDuration(prng);
  }
  active_ = !active_;
  return action;
}

absl::optional<FaultAction> Nemesis::Heal() {
  stopped_ = true;
  next_at_ = absl::InfiniteFuture();
  if (!active_) return absl::nullopt;
  active_ = false;
  return Stop();
}

// ------------------------------------------------------ Maelstrom's package

NemesisPackage::NemesisPackage(std::vector<std::string> nodes,
                               MaelstromFaults faults, absl::Duration interval,
                               const Prng& root)
    : nodes_(std::move(nodes)),
      faults_(faults),
      interval_(interval),
      partition_prng_(root.Fork("nemesis/partition")),
      db_prng_(root.Fork("nemesis/db")),
      any_prng_(root.Fork("nemesis/any")) {
  MC_ASSERT(interval_ > absl::ZeroDuration(),
            "--nemesis-interval is positive (core.clj opt-spec)");
}

void NemesisPackage::Start(absl::Time t0) {
  MC_ASSERT(!partition_.has_value() && db_next_at_ == absl::InfiniteFuture(),
            "the nemesis starts once, with the main phase");
  // (gen/stagger ...) starts with next-time nil: the first op goes out as
  // soon as the generator is asked, i.e. when the main phase begins.
  if (faults_.partition) partition_ = Nemesis::Partition(nodes_, interval_, t0);
  if (faults_.kill || faults_.pause) db_next_at_ = t0;
}

absl::Time NemesisPackage::next_at() const {
  absl::Time next = db_next_at_;
  if (partition_.has_value()) next = std::min(next, partition_->next_at());
  return next;
}

FaultAction NemesisPackage::Fire(absl::Time now) {
  const absl::Time partition_at =
      partition_.has_value() ? partition_->next_at() : absl::InfiniteFuture();
  MC_ASSERT(now >= std::min(partition_at, db_next_at_),
            "an op is fired only once it is due");
  // gen/any: the sooner op; equal times: soonest-op-map's coin (weights 1, 1).
  bool partition_first = partition_at < db_next_at_;
  if (partition_at == db_next_at_) partition_first = any_prng_.Uniform(2) == 0;
  if (partition_first) {
    ++partition_ops_;
    return partition_->Fire(now, partition_prng_);
  }
  ++db_ops_;
  return FireDb(now);
}

FaultAction NemesisPackage::FireDb(absl::Time now) {
  // (gen/mix modes): a uniformly chosen mode per op; each flip-flop moves
  // only when it hands out an op.
  const int modes = (faults_.pause ? 1 : 0) + (faults_.kill ? 1 : 0);
  MC_ASSERT(modes > 0, "the db schedule runs only with kill or pause");
  const bool pause_mode =
      faults_.pause && (!faults_.kill || db_prng_.Uniform(2) == 0);
  FaultAction a;
  if (pause_mode) {
    a.kind = pause_next_is_resume_ ? FaultAction::kResumeNodes
                                   : FaultAction::kPauseNodes;
    pause_next_is_resume_ = !pause_next_is_resume_;
  } else {
    a.kind = kill_next_is_start_ ? FaultAction::kStartNodes
                                 : FaultAction::kKillNodes;
    kill_next_is_start_ = !kill_next_is_start_;
  }
  // :kill and :pause: (rand-nth (node-specs db)); :start and :resume :all.
  NodeSpec spec = NodeSpec::kAll;
  if (a.kind == FaultAction::kKillNodes || a.kind == FaultAction::kPauseNodes)
    spec = kNodeSpecs[db_prng_.Uniform(std::size(kNodeSpecs))];
  a.shape = std::string(NodeSpecName(spec));
  a.universe = static_cast<int>(nodes_.size());
  a.nodes = DbNodes(spec, nodes_, db_prng_);
  // Stagger: the next op uniform [0, 2*interval) after this one went out.
  db_next_at_ = now + db_prng_.UniformDuration(2 * interval_);
  return a;
}

std::vector<FaultAction> NemesisPackage::FinalOps() {
  std::vector<FaultAction> ops;
  if (partition_.has_value()) partition_->Heal();
  db_next_at_ = absl::InfiniteFuture();
  if (faults_.partition) {
    FaultAction stop;
    stop.kind = FaultAction::kHeal;
    ops.push_back(stop);
  }
  for (FaultAction::Kind kind :
       {FaultAction::kResumeNodes, FaultAction::kStartNodes}) {
    if (kind == FaultAction::kResumeNodes ? !faults_.pause : !faults_.kill)
      continue;
    FaultAction a;
    a.kind = kind;
    a.shape = "all";
    a.universe = static_cast<int>(nodes_.size());
    a.nodes = nodes_;
    ops.push_back(std::move(a));
  }
  return ops;
}

}  // namespace sim
