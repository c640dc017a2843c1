// Maelstrom's g-set generator (maelstrom workload/g_set.clj workload;
// jepsen generator.clj Mix):
//   (gen/mix [(->> (range) (map (fn [x] {:f :add, :value x})))
//             (repeat {:f :read})])
//   final: (gen/each-thread {:f :read})
// Each op is an add (of 0, 1, 2, ... in the order they are handed out,
// across all threads) or a read, uniformly. The final generator gives
// every client thread one read, WITHOUT :final? (unlike broadcast's).
#ifndef SIM_WORKLOADS_G_SET_GENERATOR_H_
#define SIM_WORKLOADS_G_SET_GENERATOR_H_

#include <cstdint>

#include "sim/jepsen/gen_op.h"
#include "sim/prng.h"

namespace sim {
namespace g_set {

class Generator {
 public:
  jepsen::GenOp Next(Prng& prng) {
    if (prng.Uniform(2) == 0) return {"add", next_element_++};
    return {"read", nullptr};
  }

 private:
  int64_t next_element_ = 0;
};

inline jepsen::GenOp FinalOp() { return {"read", nullptr, /*final=*/false}; }

}  // namespace g_set
}  // namespace sim

#endif  // SIM_WORKLOADS_G_SET_GENERATOR_H_
