// Maelstrom's g-set checker (maelstrom workload/g_set.clj workload):
// Jepsen's (checker/set-full) with its default options
// ({:linearizable? false}). See sim/jepsen/set_full.h.
//
//   jepsen::SetFullResult r = CheckGSet(history, {t0, concurrency});
#ifndef SIM_WORKLOADS_G_SET_CHECKER_H_
#define SIM_WORKLOADS_G_SET_CHECKER_H_

#include "sim/jepsen/op.h"
#include "sim/jepsen/set_full.h"
#include "sim/maelstrom/history.h"

namespace sim {
namespace g_set {

inline jepsen::SetFullResult CheckGSet(const History& history,
                                       const jepsen::OpContext& context) {
  return jepsen::CheckSetFull(history, context, jepsen::SetFullOptions());
}

}  // namespace g_set
}  // namespace sim

#endif  // SIM_WORKLOADS_G_SET_CHECKER_H_
