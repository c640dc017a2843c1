#include "sim/nemesis.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace sim {
namespace {

std::vector<std::string> Shuffled(std::vector<std::string> v, Prng& prng) {
  for (size_t i = v.size(); i > 1; --i) {
    std::swap(v[i - 1], v[prng.Uniform(i)]);
  }
  return v;
}

const std::string& Pick(const std::vector<std::string>& v, Prng& prng) {
  return v[prng.Uniform(v.size())];
}

}  // namespace

std::string FaultAction::Describe() const {
  switch (kind) {
    case kPartition: return absl::StrCat("partition ", DescribeGrudge(grudge));
    case kHeal: return "heal partition";
    case kKill: return absl::StrCat("kill ", node);
    case kRestart: return absl::StrCat("restart ", node);
    case kPause: return absl::StrCat("pause ", node);
    case kResume: return absl::StrCat("resume ", node);
    case kCutKv:
      return absl::StrCat("cut ", node, " from kv (", KvCutModeName(cut_mode), ")");
    case kRestoreKv: return absl::StrCat("restore ", node, " to kv");
  }
  return "?";
}

absl::string_view PartitionSpecName(PartitionSpec spec) {
  switch (spec) {
    case PartitionSpec::kOne: return "one";
    case PartitionSpec::kMajority: return "majority";
    case PartitionSpec::kMinorityThird: return "minority-third";
    case PartitionSpec::kMajoritiesRing: return "majorities-ring";
  }
  return "one";
}

Grudge CompleteGrudge(const std::vector<std::string>& a,
                      const std::vector<std::string>& b) {
  Grudge grudge;
  for (const auto& x : a) {
    for (const auto& y : b) {
      grudge[x].insert(y);
      grudge[y].insert(x);
    }
  }
  return grudge;
}

Grudge MakeGrudge(PartitionSpec spec, const std::vector<std::string>& nodes,
                  Prng& prng) {
  std::vector<std::string> order = Shuffled(nodes, prng);
  const size_t n = order.size();
  auto split = [&](size_t k) {
    return CompleteGrudge({order.begin(), order.begin() + k},
                          {order.begin() + k, order.end()});
  };
  switch (spec) {
    case PartitionSpec::kOne: return split(n > 0 ? 1 : 0);
    case PartitionSpec::kMajority: return split(n / 2);   // Jepsen's bisect
    case PartitionSpec::kMinorityThird:
      return split(n > 0 ? (n - 1) / 3 : 0);  // largest count < n/3
    case PartitionSpec::kMajoritiesRing: {
      // Ring order: node i hears itself and the next majority-1 nodes, and
      // ignores the rest, so each still reaches a majority.
      Grudge grudge;
      const size_t majority = n / 2 + 1;
      for (size_t i = 0; i < n; ++i) {
        for (size_t j = majority; j < n; ++j) {
          grudge[order[i]].insert(order[(i + j) % n]);
        }
      }
      return grudge;
    }
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
    static constexpr PartitionSpec kSpecs[] = {
        PartitionSpec::kOne, PartitionSpec::kMajority,
        PartitionSpec::kMinorityThird, PartitionSpec::kMajoritiesRing};
    FaultAction a;
    a.kind = FaultAction::kPartition;
    a.grudge = MakeGrudge(kSpecs[prng.Uniform(4)], all, prng);
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

Nemesis Nemesis::Kill(std::vector<std::string> nodes, absl::Duration interval,
                      absl::Time start) {
  Nemesis n("kill", std::move(nodes), interval, start);
  const std::vector<std::string> all = n.nodes_;
  n.start_ = OnOneNode(FaultAction::kKill, all);
  return n;
}

Nemesis Nemesis::Pause(std::vector<std::string> nodes, absl::Duration interval,
                       absl::Duration min_pause, absl::Duration max_pause,
                       absl::Time start) {
  Nemesis n("pause", std::move(nodes), interval, start);
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
    static constexpr KvCutMode kModes[] = {KvCutMode::kRequests,
                                           KvCutMode::kReplies, KvCutMode::kBoth};
    FaultAction a;
    a.kind = FaultAction::kCutKv;
    a.node = Pick(all, prng);
    a.cut_mode = kModes[prng.Uniform(3)];
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

}  // namespace sim
