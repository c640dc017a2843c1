// Maelstrom's broadcast generator (maelstrom workload/broadcast.clj
// workload; jepsen generator.clj Mix):
//   (gen/mix [(->> (range) (map (fn [x] {:f :broadcast, :value x})))
//             (repeat {:f :read})])
//   final: (gen/each-thread {:f :read, :final? true})
// Each op picks one of the two generators uniformly (Mix draws the next
// index after every op); the broadcasts carry 0, 1, 2, ... in the order
// they are handed out, across all threads. The final generator gives every
// client thread one read marked :final? true (core.clj runs it after the
// nemesis stops and a 10 s sleep).
//
//   Generator g;  sim::Prng prng(1);
//   g.Next(prng) == GenOp{"read", nullptr};  g.Next(prng) == {"broadcast", 0}
#ifndef SIM_WORKLOADS_BROADCAST_GENERATOR_H_
#define SIM_WORKLOADS_BROADCAST_GENERATOR_H_

#include <cstdint>

#include "sim/jepsen/gen_op.h"
#include "sim/prng.h"

namespace sim {
namespace broadcast {

class Generator {
 public:
  jepsen::GenOp Next(Prng& prng) {
    if (prng.Uniform(2) == 0) return {"broadcast", next_message_++};
    return {"read", nullptr};
  }

 private:
  int64_t next_message_ = 0;
};

inline jepsen::GenOp FinalOp() { return {"read", nullptr, /*final=*/true}; }

}  // namespace broadcast
}  // namespace sim

#endif  // SIM_WORKLOADS_BROADCAST_GENERATOR_H_
