// The deliberately broken variants of counter::Node: subclasses that
// override its extension points (counter/node.h), each with the broken rule
// written out here. The shipped node has no switch for any of them.
#include "counter/testonly_variants.h"

#include <utility>

#include "counter/baseline.h"
#include "counter/node.h"
#include "kvclient/assert.h"
#include "kvclient/counter_ops.h"

namespace counter {

absl::string_view StrategyName(Strategy strategy) {
  return strategy == Strategy::kBaseline ? "baseline" : "own-keys";
}

absl::optional<Strategy> ParseStrategy(absl::string_view name) {
  for (Strategy s : {Strategy::kOwnKeys, Strategy::kBaseline}) {
    if (StrategyName(s) == name) return s;
  }
  return absl::nullopt;
}

absl::string_view BugName(Bug bug) {
  switch (bug) {
    case Bug::kNone: return "none";
    case Bug::kStaleRead: return "stale-read";
    case Bug::kAckBeforeDurable: return "ack-before-durable";
    case Bug::kDoubleCountRetry: return "double-count-retry";
    case Bug::kForgetOnRestart: return "forget-on-restart";
    case Bug::kMergeByTotal: return "merge-by-total";
    case Bug::kPushPendingTotal: return "push-pending-total";
    case Bug::kAdoptByTotal: return "adopt-by-total";
    case Bug::kNoBackoff: return "no-backoff";
  }
  return "none";
}

absl::optional<Bug> ParseBug(absl::string_view name) {
  for (Bug bug :
       {Bug::kNone, Bug::kStaleRead, Bug::kAckBeforeDurable,
        Bug::kDoubleCountRetry, Bug::kForgetOnRestart, Bug::kMergeByTotal,
        Bug::kPushPendingTotal, Bug::kAdoptByTotal, Bug::kNoBackoff}) {
    if (BugName(bug) == name) return bug;
  }
  return absl::nullopt;
}

// The variants live in their own namespace: the RTTI of the test-only
// binary names it, and the shipped binary must not (counter/stdio_test.cc).
namespace testonly_variants {

using Json = kvclient::Json;

// Every variant predates the rule that an add of 0 needs no write, and
// writes it like any add: their teeth were measured so.
class Broken : public Node {
 public:
  using Node::Node;

 protected:
  bool ZeroAddsAreFree() const override { return false; }
};

// Bugs of the seq-kv read modes (peer keys, the summary) cannot show while
// auto pushes: under auto they run auto as it was before pushes existed.
Options WithoutAutoPush(Options options) {
  options.auto_push = false;
  return options;
}

// kStaleRead: reads the other keys when a client reads, without syncing
// its view first, and has no timed rounds at all.
class StaleRead final : public Broken {
 public:
  explicit StaleRead(Options options)
      : Broken(WithoutAutoPush(std::move(options))) {}

 protected:
  void OnClientRead() override { read_due_ = true; }
  void ArmRefresh(absl::Time) override {}  // client reads drive the rounds
  void MaybeRefresh(absl::Time now) override {
    if (round_state() == Round::kOff || !read_due_ || RoundReads() > 0) {
      return;
    }
    read_due_ = false;
    BecomeSynced();  // BUG: no cas since the round fell due
    SendRoundReads(now);
  }
  void CheckRoundTimers() const override {}  // rounds are untimed

 private:
  bool read_due_ = false;  // a client read asked for reads
};

// kAckBeforeDurable: replies add_ok as soon as the add arrives.
class AckBeforeDurable final : public Broken {
 public:
  using Broken::Broken;

 protected:
  void OnAddPending(PendingAdd& add) override {
    Reply(add.client, kvclient::AddOkBody(add.msg_id));  // BUG: not durable
    add.answered = true;
  }
};

// kDoubleCountRetry: forgets which attempts may have landed, so a landed
// batch is adopted as the base and then added again.
class DoubleCountRetry final : public Broken {
 public:
  using Broken::Broken;

 protected:
  absl::optional<Attempt> LandedAttempt(const Entry&) const override {
    return absl::nullopt;  // BUG
  }
};

// kForgetOnRestart: takes its key as empty without reading it (as if its
// read had just returned "does not exist"), and overwrites whatever the key
// holds with its first write.
class ForgetOnRestart final : public Broken {
 public:
  using Broken::Broken;

 protected:
  void MaybeResolve(absl::Time now) override {
    if (own_key_state() == OwnKey::kUnloaded) {
      BecomeOwnReading();
      BecomeOwnIdle(/*keep_open=*/false);  // BUG: never read
    }
    // It forgets its key for good: a peer's push of a newer own entry would
    // otherwise repair the blind overwrite (the base re-reads only an idle
    // key; an unsure one it must read).
    if (own_key_state() == OwnKey::kUnsure) Node::MaybeResolve(now);
  }
  kvclient::KvRequest OwnWriteRequest(const Entry& to) const override {
    kvclient::KvRequest request = Node::OwnWriteRequest(to);
    const auto* create = absl::get_if<kvclient::KvCas>(&request);
    if (own().tag.empty() && create != nullptr) {
      return kvclient::KvWrite{create->key, create->to};  // BUG: blind
    }
    return request;
  }
};

// kMergeByTotal: summary entries ordered by total, not by write count
// (right for a g-counter, wrong once totals can fall).
class MergeByTotal final : public Broken {
 public:
  explicit MergeByTotal(Options options)
      : Broken(WithoutAutoPush(std::move(options))) {}

 protected:
  bool Newer(const Entry& a, const Entry& b, Via via) const override {
    if (via == Via::kSummary) return a.total > b.total;  // BUG
    return Node::Newer(a, b, via);
  }
};

// kPushPendingTotal: pushes its total with the adds not yet durable, as the
// next write (n + 1), and pushes it at once when an add arrives.
class PushPendingTotal final : public Broken {
 public:
  using Broken::Broken;

 protected:
  void OnAddPending(PendingAdd&) override { eager_push_due_ = true; }
  void MaybePushView(absl::Time now) override {
    if (eager_push_due_ && gossip_state() == Gossip::kWaiting) {
      eager_push_due_ = false;
      Json body = EncodeView(now);
      for (const std::string& target : PushTargets(push_rounds())) {
        SendPush(target, body);
      }
    }
    Node::MaybePushView(now);
  }
  Json EncodeView(absl::Time now) const override {
    Json body = Node::EncodeView(now);
    if (pending().empty()) return body;
    int64_t total = own().total;  // BUG: claims the next write, not durable
    for (const PendingAdd& add : pending()) total += add.delta;
    Json& own_member = body["view"][node_id()];
    own_member[0] = own().n + 1;
    own_member[1] = total;
    return body;
  }

 private:
  bool eager_push_due_ = false;  // an add asked for a push
};

// kAdoptByTotal: adopts pushed entries by total, not by write count (wrong
// once totals can fall).
class AdoptByTotal final : public Broken {
 public:
  using Broken::Broken;

 protected:
  bool Newer(const Entry& a, const Entry& b, Via via) const override {
    if (via == Via::kPush) return a.total > b.total;  // BUG
    return Node::Newer(a, b, via);
  }
};

// kNoBackoff: every KV retry path goes again at once after a failure (as
// the node did before issue 20): correct, but a broken seq-kv gets a
// request per round trip for as long as it stays broken.
class NoBackoff final : public Node {
 public:
  using Node::Node;

 protected:
  absl::Duration RetryDelay(const Backoff&) const override {
    return absl::ZeroDuration();  // BUG
  }
};

}  // namespace testonly_variants

std::unique_ptr<Core> MakeVariantCore(const Options& options, Strategy strategy,
                                      Bug bug) {
  namespace v = testonly_variants;
  if (strategy == Strategy::kBaseline) {
    return std::make_unique<Baseline>(options);
  }
  switch (bug) {
    case Bug::kNone: return MakeCore(options);  // the shipped node
    case Bug::kStaleRead: return std::make_unique<v::StaleRead>(options);
    case Bug::kAckBeforeDurable:
      return std::make_unique<v::AckBeforeDurable>(options);
    case Bug::kDoubleCountRetry:
      return std::make_unique<v::DoubleCountRetry>(options);
    case Bug::kForgetOnRestart:
      return std::make_unique<v::ForgetOnRestart>(options);
    case Bug::kMergeByTotal: return std::make_unique<v::MergeByTotal>(options);
    case Bug::kPushPendingTotal:
      return std::make_unique<v::PushPendingTotal>(options);
    case Bug::kAdoptByTotal: return std::make_unique<v::AdoptByTotal>(options);
    case Bug::kNoBackoff: return std::make_unique<v::NoBackoff>(options);
  }
  MC_ASSERT(false, "unknown variant ", static_cast<int>(bug));
  return nullptr;
}

std::function<std::unique_ptr<Core>(const Options&)> VariantFactory(
    Strategy strategy, Bug bug) {
  return [strategy, bug](const Options& options) {
    return MakeVariantCore(options, strategy, bug);
  };
}

}  // namespace counter
