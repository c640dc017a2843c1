// Maelstrom's unique-ids checker: Jepsen's (checker/unique-ids) as is
// (maelstrom workload/unique_ids.clj workload; jepsen checker.clj
// unique-ids). See sim/jepsen/unique_ids.h.
//
//   jepsen::UniqueIdsResult r = CheckUniqueIds(history);
#ifndef SIM_WORKLOADS_UNIQUE_IDS_CHECKER_H_
#define SIM_WORKLOADS_UNIQUE_IDS_CHECKER_H_

#include "sim/jepsen/unique_ids.h"
#include "sim/maelstrom/history.h"

namespace sim {
namespace unique_ids {

inline jepsen::UniqueIdsResult CheckUniqueIds(const History& history) {
  return jepsen::CheckUniqueIds(history);
}

}  // namespace unique_ids
}  // namespace sim

#endif  // SIM_WORKLOADS_UNIQUE_IDS_CHECKER_H_
