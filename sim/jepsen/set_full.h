// Jepsen 0.3.7's set-full checker (jepsen/src/jepsen/checker.clj set-full,
// set-full-element-results, set-full-results, frequency-distribution), the
// checker of Maelstrom's g-set workload and, with :broadcast renamed :add,
// of its broadcast workload (maelstrom workload/broadcast.clj checker).
//
//   SetFullResult r = CheckSetFull(history, context, {});
//   r.valid == Validity::kTrue;      // false: lost elements; :unknown: none
//                                    // was ever stable
//   r.edn.Print() == "{:valid? true, :attempt-count 3, ...}"  // results map
//
// For each added element (an :add invoke starts tracking it, a second
// invoke of the same element starts over), every OK read that completes
// while it is tracked either shows it (`present`) or not (`absent`),
// remembered by the read's INVOCATION index (latest wins). Known = the add's
// :ok or the first OK read showing it, whichever completes first.
//   stable      some read shows it, and no read invoked after the latest
//               one that shows it misses it;
//   lost        known, and a read invoked after both the latest read that
//               shows it and the moment it became known misses it;
//   never-read  neither (e.g. never confirmed nor seen, or only missed by
//               reads concurrent with its add).
//   stable latency = max(0, time(latest absent invoke) + 1 ns - time(known))
//               in whole milliseconds (0 without an absent read); stale =
//               stable with a latency > 0. Lost latency likewise from the
//               latest present invoke.
// :valid? false with any lost element, else :unknown with no stable one,
// else (unless :linearizable? and something is stale) true.
//
// Quirk kept: Jepsen 0.3.7 looks for duplicates in reads with (< count 1),
// which never holds, so :duplicated-count is always 0 and :duplicated {};
// a read listing an element twice is not an error.
//
// The results map has more than 8 keys, so Clojure iterates (and prints)
// it in hash order (PersistentHashMap): ResultsEdn reproduces that order.
// Elements are the adds' values; reads may hold anything (only values equal
// to a tracked element count, by clojure.core/=).
#ifndef SIM_JEPSEN_SET_FULL_H_
#define SIM_JEPSEN_SET_FULL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/jepsen/op.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/validity.h"

namespace sim {
namespace jepsen {

struct SetFullOptions {
  bool linearizable = false;  // set-full's {:linearizable? ...}
  std::string add_f = "add";  // the History's :f of adds ("broadcast")
  std::string read_f = "read";
};

// frequency-distribution: [point, value] for points 0 0.5 0.95 0.99 1.
using Quantiles = std::vector<std::pair<double, int64_t>>;

struct SetFullElement {
  enum class Outcome { kStable, kLost, kNeverRead };
  kvclient::Json element;
  Outcome outcome = Outcome::kNeverRead;
  absl::optional<int64_t> stable_latency_ms;
  absl::optional<int64_t> lost_latency_ms;
  int64_t known = -1;         // History index of the op that made it known
  int64_t last_present = -1;  // invoke index of the latest read showing it
  int64_t last_absent = -1;   // invoke index of the latest read missing it
};

struct SetFullResult {
  Validity valid = Validity::kUnknown;
  std::vector<SetFullElement> elements;  // sorted by element (compare)
  int64_t stable_count = 0;
  int64_t lost_count = 0;
  int64_t never_read_count = 0;
  std::vector<size_t> lost, never_read, stale;  // indices into elements
  std::vector<size_t> worst_stale;  // at most 8, by stable latency desc
  absl::optional<Quantiles> stable_latencies;  // absent when none stable
  absl::optional<Quantiles> lost_latencies;    // absent when none lost
  // Non-empty when Jepsen's checker would throw (elements that clojure's
  // compare cannot order, an add completion without its invoke): check-safe
  // turns that into {:valid? :unknown, :error ...}; everything above is
  // then empty. Jepsen's :error is the datafied exception; here a sentence.
  std::string error;
  // The results map exactly as Jepsen prints it (the :workload value).
  Edn edn = Edn::Map();
};

SetFullResult CheckSetFull(const History& history, const CheckContext& context,
                           const SetFullOptions& options);

// A workload's verdict from set-full (g-set's, broadcast's): validity and
// results map as Jepsen's; one error line per lost element (at most 20,
// then a count), or for :unknown why; the pages' rows (elements, stable
// latency median and max) and flagged ops (each lost element's last read
// that missed it, at that read's completion); results.json's figures.
WorkloadResult SetFullWorkloadResult(const History& history,
                                     const SetFullResult& r);

// The quantiles of `values` at 0 0.5 0.95 0.99 1 (index min(n-1,
// floor(n*p)) of the sorted values); nullopt when empty.
absl::optional<Quantiles> FrequencyDistribution(std::vector<int64_t> values);

}  // namespace jepsen
}  // namespace sim

#endif  // SIM_JEPSEN_SET_FULL_H_
