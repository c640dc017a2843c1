// Jepsen 0.3.7's unique-ids checker (jepsen/src/jepsen/checker.clj
// unique-ids), the checker of Maelstrom's unique-ids workload
// (maelstrom workload/unique_ids.clj).
//
//   UniqueIdsResult r = CheckUniqueIds(history);
//   r.valid == Validity::kFalse;  // an id was acknowledged twice
//   r.edn.Print() == "{:valid? false, :attempted-count 4, "
//                    ":acknowledged-count 3, :duplicated-count 1, "
//                    ":duplicated {7 2}, :range [1 7]}"
//
// Over the :generate ops: :attempted-count counts invokes (whatever became
// of them); :acknowledged-count counts :ok completions, whose values are
// the ids; an id is duplicated when clojure.core/= finds it more than once
// (1 and 1.0 differ). :duplicated shows at most 48 of them, the most
// frequent (ties: the larger id), keyed and sorted by clojure.core/compare;
// :range is [smallest largest] by compare, nil ids ignored, [nil nil] with
// no ids. Ids that compare cannot order (a number and a string, any map)
// make Jepsen throw ClassCastException, which check-safe turns into
// {:valid? :unknown, :error ...} (here :error is a sentence, not the
// datafied exception).
#ifndef SIM_JEPSEN_UNIQUE_IDS_H_
#define SIM_JEPSEN_UNIQUE_IDS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kvclient/message.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/validity.h"

namespace sim {
namespace jepsen {

struct UniqueIdsResult {
  Validity valid = Validity::kUnknown;
  int64_t attempted_count = 0;
  int64_t acknowledged_count = 0;
  // Every duplicated id and how often it was acknowledged, sorted by id.
  std::vector<std::pair<kvclient::Json, int64_t>> duplicates;
  // The :duplicated map's entries: at most 48 of `duplicates`, by id.
  std::vector<std::pair<kvclient::Json, int64_t>> duplicated;
  kvclient::Json range_min;  // null when there is none
  kvclient::Json range_max;
  std::string error;     // non-empty: Jepsen would throw (valid is :unknown)
  Edn edn = Edn::Map();  // the results map exactly as Jepsen prints it
};

UniqueIdsResult CheckUniqueIds(const History& history);

}  // namespace jepsen
}  // namespace sim

#endif  // SIM_JEPSEN_UNIQUE_IDS_H_
