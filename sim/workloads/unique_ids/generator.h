// Maelstrom's unique-ids generator (maelstrom workload/unique_ids.clj
// workload): (gen/repeat {:f :generate}): every op is {:f :generate,
// :value nil}, on every thread; there is no final generator.
#ifndef SIM_WORKLOADS_UNIQUE_IDS_GENERATOR_H_
#define SIM_WORKLOADS_UNIQUE_IDS_GENERATOR_H_

#include "sim/jepsen/gen_op.h"

namespace sim {
namespace unique_ids {

inline jepsen::GenOp NextOp() { return {"generate", nullptr}; }

}  // namespace unique_ids
}  // namespace sim

#endif  // SIM_WORKLOADS_UNIQUE_IDS_GENERATOR_H_
