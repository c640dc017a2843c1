// Compiled only into //counter:testonly_variants, with
// COUNTER_TESTONLY_VARIANTS=1: counter/node.h below is then the test-only
// build of the node, the one with the broken variants compiled in.
#include "counter/testonly_variants.h"

#include <utility>

#include "counter/baseline.h"
#include "counter/node.h"
#include "kvclient/assert.h"

#if !COUNTER_TESTONLY_VARIANTS
#error "compile with COUNTER_TESTONLY_VARIANTS=1 (//counter:testonly_variants)"
#endif

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
  }
  return "none";
}

absl::optional<Bug> ParseBug(absl::string_view name) {
  for (Bug bug :
       {Bug::kNone, Bug::kStaleRead, Bug::kAckBeforeDurable,
        Bug::kDoubleCountRetry, Bug::kForgetOnRestart, Bug::kMergeByTotal,
        Bug::kPushPendingTotal, Bug::kAdoptByTotal}) {
    if (BugName(bug) == name) return bug;
  }
  return absl::nullopt;
}

std::unique_ptr<Core> MakeVariantCore(const Options& options, Strategy strategy,
                                      Bug bug) {
  if (strategy == Strategy::kBaseline) {
    return std::make_unique<Baseline>(options);
  }
  if (bug == Bug::kNone) return MakeCore(options);  // the shipped build
  return std::make_unique<Node>(options, bug);      // the test-only build
}

std::function<std::unique_ptr<Core>(const Options&)> VariantFactory(
    Strategy strategy, Bug bug) {
  return [strategy, bug](const Options& options) {
    return MakeVariantCore(options, strategy, bug);
  };
}

}  // namespace counter
