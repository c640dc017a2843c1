// TEST-ONLY (//counter:testonly_variants, testonly = True): cores that are
// not what ships, for benchmarks and for proving the checkers have teeth.
//
// - Strategy::kBaseline: what most public solutions do (counter/baseline.h),
//   kept so benchmarks can put our figures next to it.
// - Bug: deliberately broken variants of our node: subclasses of the
//   shipped counter::Node (testonly_variants.cc) that override its
//   extension points with a broken rule. The shipped library
//   (//counter:core) contains none of them, and no switch for them.
//
//   std::unique_ptr<counter::Core> core =
//       counter::MakeVariantCore(options, counter::Strategy::kOwnKeys,
//                                counter::Bug::kStaleRead);
//   sim::CoreFactory make = counter::VariantFactory(strategy, bug);
#ifndef COUNTER_TESTONLY_VARIANTS_H_
#define COUNTER_TESTONLY_VARIANTS_H_

#include <functional>
#include <memory>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "counter/core.h"

namespace counter {

// Which algorithm runs. kOwnKeys is ours (counter/node.h); kBaseline is what
// most public solutions do (counter/baseline.h), kept for comparison.
enum class Strategy { kOwnKeys, kBaseline };
absl::string_view StrategyName(Strategy strategy);  // "own-keys", "baseline"
absl::optional<Strategy> ParseStrategy(absl::string_view name);

// Deliberately broken variants of our node, used only by tests to prove the
// simulator, the harness and the fuzzer catch them. kNone is our node.
enum class Bug {
  kNone,
  kStaleRead,         // reads the other keys without first syncing its view
  kAckBeforeDurable,  // replies add_ok before the delta is in seq-kv
  kDoubleCountRetry,  // after a failed/unknown cas, re-adds the batch blindly
  kForgetOnRestart,   // starts from total 0 instead of reading its own key
  kMergeByTotal,      // summary entries ordered by total, not by write count
                      // (right for a g-counter, wrong once totals can fall)
  kPushPendingTotal,  // push dissemination: pushes its total with the adds
                      // not yet durable, as the next write (n + 1)
  kAdoptByTotal,      // push dissemination: adopts pushed entries by total,
                      // not by write count (wrong once totals can fall)
  kNoBackoff,         // retries failed KV requests at once, however many
                      // failed in a row (issue 20: a broken seq-kv then
                      // gets thousands of requests a second)
};

// "none", "stale-read", "ack-before-durable", "double-count-retry",
// "forget-on-restart", "merge-by-total", "push-pending-total",
// "adopt-by-total", "no-backoff"; ParseBug returns nullopt for anything
// else.
absl::string_view BugName(Bug bug);
absl::optional<Bug> ParseBug(absl::string_view name);

// The core for (strategy, bug). kOwnKeys with kNone is exactly
// counter::MakeCore(options): simulations of our node run the shipped build.
// A bug applies to kOwnKeys only; the baseline ignores it (as it always
// has: `--strategy=baseline --bug=...` runs the plain baseline).
std::unique_ptr<Core> MakeVariantCore(const Options& options, Strategy strategy,
                                      Bug bug);

// The same as a factory, the shape sim::CoreFactory takes.
std::function<std::unique_ptr<Core>(const Options&)> VariantFactory(
    Strategy strategy, Bug bug);

}  // namespace counter

#endif  // COUNTER_TESTONLY_VARIANTS_H_
