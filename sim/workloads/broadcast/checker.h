// Maelstrom's broadcast checker (maelstrom workload/broadcast.clj
// checker): "exactly a set-full checker, but with :add mapped to
// :broadcast": Jepsen's set-full, default options, over the history with
// every :broadcast op's :f renamed :add. See sim/jepsen/set_full.h.
//
//   jepsen::SetFullResult r = CheckBroadcast(history, {t0, concurrency});
#ifndef SIM_WORKLOADS_BROADCAST_CHECKER_H_
#define SIM_WORKLOADS_BROADCAST_CHECKER_H_

#include "sim/jepsen/op.h"
#include "sim/jepsen/set_full.h"
#include "sim/maelstrom/history.h"

namespace sim {
namespace broadcast {

inline jepsen::SetFullResult CheckBroadcast(const History& history,
                                            const jepsen::OpContext& context) {
  jepsen::SetFullOptions options;
  options.add_f = "broadcast";
  return jepsen::CheckSetFull(history, context, options);
}

}  // namespace broadcast
}  // namespace sim

#endif  // SIM_WORKLOADS_BROADCAST_CHECKER_H_
